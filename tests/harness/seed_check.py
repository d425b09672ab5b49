#!/usr/bin/env python3
"""Check that CPython on the virtual clock reproduces every tests/seed/*.expected file.

Runs ``vclock.py`` on every ``tests/seed/*.py`` (one batch, one forked child per program),
formats its JSON Lines the way the ``.expected`` files are written::

    f"{t:.3f} {task} | {text}"                              one line per print event
    f"== elapsed {elapsed:.3f} outcome {outcome}"           the final line

and compares the result with ``NN_name.expected`` beside each program.  Prints a unified diff
for every mismatch, then ``N passed, M failed``; the exit status is 1 if anything failed
(2 if the harness itself could not run).

Usage: python3 tests/harness/seed_check.py [--seed-dir DIR] [PROGRAM.py ...]
"""

from __future__ import annotations

import argparse
import difflib
import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
VCLOCK = HERE / "vclock.py"
DEFAULT_SEED_DIR = HERE.parent / "seed"


def format_events(events) -> str:
    """Render one program's events in the ``.expected`` format (with a final newline)."""
    lines = []
    for ev in events:
        kind = ev.get("event")
        if kind == "print":
            lines.append(f"{ev['t']:.3f} {ev['task']} | {ev['text']}")
        elif kind == "end":
            lines.append(f"== elapsed {ev['elapsed']:.3f} outcome {ev['outcome']}")
    return "".join(line + "\n" for line in lines)


def run_vclock(programs) -> dict:
    """Run vclock.py on ``programs``; return {path: [events]}."""
    cmd = [sys.executable, str(VCLOCK), *map(str, programs)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"vclock.py exited with status {proc.returncode}")
    results: dict = {}
    current = str(programs[0]) if len(programs) == 1 else None
    for raw in proc.stdout.decode("utf-8").splitlines():
        ev = json.loads(raw)
        if ev.get("event") == "program":
            current = ev["path"]
            results[current] = []
            continue
        results.setdefault(current, []).append(ev)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-dir", type=pathlib.Path, default=DEFAULT_SEED_DIR)
    parser.add_argument("programs", nargs="*", type=pathlib.Path,
                        help="programs to check (default: every *.py in the seed directory)")
    opts = parser.parse_args(argv)
    programs = sorted(opts.programs or opts.seed_dir.glob("*.py"))
    if not programs:
        print(f"no programs found in {opts.seed_dir}", file=sys.stderr)
        return 2
    try:
        results = run_vclock(programs)
    except (RuntimeError, ValueError) as e:
        print(f"harness failure: {e}", file=sys.stderr)
        return 2
    passed = failed = 0
    for prog in programs:
        expected_path = prog.with_suffix(".expected")
        actual = format_events(results.get(str(prog), []))
        try:
            expected = expected_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            print(f"FAIL {prog.name}: missing {expected_path.name}")
            failed += 1
            continue
        if actual == expected:
            print(f"ok   {prog.name}")
            passed += 1
        else:
            failed += 1
            print(f"FAIL {prog.name}")
            sys.stdout.writelines(difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                fromfile=str(expected_path), tofile=f"{prog} (CPython, virtual clock)"))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

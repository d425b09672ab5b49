//! Nothing breaks asim: hostile inputs get a located error (exit 2), a
//! Python exception (exit 1) or a limit (exit 4), never a panic, an abort or
//! a stack overflow. Big inputs are generated here, not committed.

use crate::asim;
use std::path::PathBuf;

/// Writes `text` to a fresh file under the temp dir and returns its path.
fn scenario(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asim-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run_q(path: &std::path::Path) -> crate::Output {
    asim(&["run", "-q", path.to_str().unwrap()])
}

#[test]
fn format_widths_and_precisions_stay_within_the_budget() {
    // CPython prints 65,538 characters for the first; asim too.
    let path = scenario("precision.yaml", "main:\n  - print: \"{1.5:.65536f}\"\n");
    let run = run_q(&path);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.len(), 65_539);
    assert!(run.stdout.starts_with("1.5000") && run.stdout.ends_with("0\n"));
    let table = [
        ("{'x':^99999999999}", "OverflowError: asim limit: a format width or precision may be at most 10000000"),
        ("{1.5:.99999999}", "OverflowError: asim limit: a format width or precision may be at most 10000000"),
        ("{1.5:.99999999999}", "ValueError: precision too big"),
        ("{'x':^9999999999999999999}", "ValueError: Too many decimal digits in format string"),
    ];
    for (template, want) in table {
        let path = scenario("format.yaml", &format!("main:\n  - print: \"{template}\"\n"));
        let run = run_q(&path);
        assert_eq!(run.code, 1, "{template}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{template}: {}", run.stderr);
    }
}

#[test]
fn a_list_that_contains_itself_prints_like_python() {
    let path =
        scenario("selfref.yaml", "main:\n  - let: {a: \"[1]\"}\n  - do: a.append(a)\n  - print: \"{a} {[a]}\"\n");
    let run = run_q(&path);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "[1, [...]] [[1, [...]]]\n");
}

#[test]
fn long_chains_are_refused_like_cpythons_compiler_refuses_them() {
    for (what, expr) in [
        ("sum", vec!["1"; 20_000].join("+")),
        ("subscripts", format!("a{}", "[0]".repeat(20_000))),
        ("method calls", format!("a{}", ".upper()".repeat(20_000))),
    ] {
        let path = scenario("chain.yaml", &format!("main:\n  - let: {{a: \"'x'\"}}\n  - print: \"{{{expr}}}\"\n"));
        let run = run_q(&path);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(run.stderr.contains("expression too long: more than 2990 operators"), "{what}: {}", run.stderr);
        assert!(run.stderr.contains("chain.yaml:3:"), "{what}: located: {}", run.stderr);
    }
    // Just under the limit, it runs.
    let path = scenario("sum.yaml", &format!("main:\n  - print: \"{{{}}}\"\n", vec!["1"; 2990].join("+")));
    let run = run_q(&path);
    assert_eq!((run.code, run.stdout.as_str()), (0, "2990\n"), "{}", run.stderr);
}

#[test]
fn deep_yaml_nesting_is_refused_with_its_location() {
    // 5,000 nested block-style `try`, and a flow-style tower of lists.
    let mut text = String::from("main:\n");
    let mut indent = String::from("  ");
    for _ in 0..5_000 {
        text.push_str(&format!("{indent}- try:\n"));
        indent.push_str("    ");
    }
    text.push_str(&format!("{indent}- print: hi\n"));
    let flow = format!("main: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    for (name, text) in [("trys.yaml", text), ("flow.yaml", flow)] {
        let path = scenario(name, &text);
        let run = run_q(&path);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains("error: the YAML nests too deeply"), "{name}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("{name}:")), "{name}: located: {}", run.stderr);
    }
}

#[test]
fn a_duplicate_key_is_found_in_a_big_map() {
    let mut text = String::from("vars:\n");
    for i in 0..50_000 {
        text.push_str(&format!("  v{i}: {i}\n"));
    }
    text.push_str("  v123: 0\nmain:\n  - print: \"{v49999}\"\n");
    let path = scenario("dup.yaml", &text);
    let run = run_q(&path);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("duplicate key `v123`"), "{}", run.stderr);
    assert!(run.stderr.contains("`v123` is already set on line 125"), "{}", run.stderr);
    let ok = scenario("big.yaml", &text.replace("  v123: 0\n", ""));
    let run = run_q(&ok);
    assert_eq!((run.code, run.stdout.as_str()), (0, "49999\n"), "{}", run.stderr);
}

#[test]
fn concatenation_and_extend_keep_to_the_container_budget() {
    for step in ["let: {b: \"a + a\"}", "do: a.extend(a)", "let: {b: \"(tuple(a) + tuple(a))\"}"] {
        let path = scenario("concat.yaml", &format!("main:\n  - let: {{a: \"[0] * 6000000\"}}\n  - {step}\n"));
        let run = run_q(&path);
        assert_eq!(run.code, 1, "{step}: {}", run.stderr);
        assert!(
            run.stderr.contains("OverflowError: asim limit: a container may hold at most 10000000 items"),
            "{step}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_bad_primitive_argument_is_located_at_its_declaration() {
    // A constant: a check-time error at the declaration.
    let path = scenario("sem.yaml", "sync:\n  s: Semaphore(-1)\nmain:\n  - print: hi\n");
    let run = run_q(&path);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: `Semaphore(-1)` cannot be made: Python raises ValueError: Semaphore initial value must be >= 0\n"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("sem.yaml:2:6"), "{}", run.stderr);
    // Computed when the module runs: Python's exception, at the declaration.
    let path = scenario("sem_var.yaml", "vars:\n  n: -1\nsync:\n  s: Semaphore(n)\nmain:\n  - print: hi\n");
    let run = run_q(&path);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "sem_var.yaml\", line 4, in <module>\n    s: Semaphore(n)\nValueError: Semaphore initial value must be >= 0"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_memory_ceiling_is_a_limit_not_an_abort() {
    // Only the binary counts its heap (its allocator is asim::memory::Counting).
    let path = scenario(
        "grow.yaml",
        "main:\n  - let: {keep: \"[]\"}\n  - while: \"True\"\n    do:\n      - do: keep.append([0] * 1000)\n",
    );
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_asim"))
        .args(["run", "-q", "--max-memory", "64", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("the run holds more than 64 MiB of memory (--max-memory)"), "{stderr}");
    assert!(stderr.contains("Task-1  main() at line "), "{stderr}");
}

#[test]
fn the_task_limit_freezes_the_run_without_a_spurious_warning() {
    let path = scenario(
        "spawny.yaml",
        "coroutines:\n  w():\n    - sleep: 1\nmain:\n  - while: \"True\"\n    do:\n      - spawn: w()\n",
    );
    let run = asim(&["run", "-q", "--max-tasks", "3", path.to_str().unwrap()]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("Task-1  main() at line 7\n  Task-2  not started yet"), "{}", run.stderr);
    assert!(!run.stderr.contains("never retrieved") && !run.stderr.contains("Traceback"), "{}", run.stderr);
}

#[test]
fn every_fuzz_regression_gets_an_answer() {
    crate::in_root();
    let mut files: Vec<PathBuf> = std::fs::read_dir("fuzz/regressions")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "fuzz/regressions holds the inputs that once crashed asim");
    for file in &files {
        let file = file.to_str().unwrap();
        for view in [&["-q"][..], &["--format", "json"], &["--color", "always"]] {
            let mut args = vec!["run"];
            args.extend_from_slice(view);
            args.push(file);
            let run = asim(&args);
            assert!((0..=4).contains(&run.code), "{file} {view:?}: exit {}: {}", run.code, run.stderr);
            assert!(!run.stderr.contains("panicked"), "{file}: {}", run.stderr);
        }
        let export = asim(&["export", "python", file]);
        assert!(export.code == 0 || export.code == 2, "{file}: export exit {}", export.code);
    }
}

#[test]
fn a_wait_for_cycle_of_100000_tasks_is_reported_whole() {
    let path = scenario(
        "cycle.yaml",
        "vars:\n  ts: \"[]\"\ncoroutines:\n  w(i, n):\n    - sleep: 0\n    - await: ts[(i + 1) % n]\nmain:\n  - for: i in range(100000)\n    do:\n      - spawn: w(i, 100000)\n        as: t\n      - do: ts.append(t)\n  - await: ts[0]\n",
    );
    let run = run_q(&path);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let cycle = run.stderr.lines().find(|l| l.starts_with("  cycle: ")).expect("a cycle line");
    assert_eq!(cycle.matches(" -> ").count(), 100_000);
    assert!(
        cycle.starts_with("  cycle: Task-2 -> Task-3 -> ") && cycle.ends_with("Task-100001 -> Task-2"),
        "{}",
        &cycle[..80]
    );
}

#[test]
fn ints_do_not_wrap_silently() {
    // CPython: 2**64 - 1 items does not fit a C ssize_t.
    let path =
        scenario("ints.yaml", "main:\n  - print: \"{len(range(-9223372036854775807 - 1, 9223372036854775807))}\"\n");
    let run = run_q(&path);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("OverflowError: Python int too large to convert to C ssize_t"), "{}", run.stderr);
    // enumerate counts on past 2**63 - 1, with big ints.
    let path = scenario("ints.yaml", "main:\n  - print: \"{list(enumerate([1, 2], start=9223372036854775807))}\"\n");
    let run = run_q(&path);
    assert_eq!(run.stdout, "[(9223372036854775807, 1), (9223372036854775808, 2)]\n", "{}", run.stderr);
    // An int past asim's size cap.
    let path = scenario("ints.yaml", "main:\n  - print: \"{len(str(7 ** 10 ** 7))}\"\n");
    let run = run_q(&path);
    assert!(run.stderr.contains("OverflowError: asim limit: an int may have at most 1000000 bits"), "{}", run.stderr);
}

/// A scenario of `n` small coroutines (about 220 bytes each), as a big
/// generated file is: prints with fields, a sleep, an `if`, a `set`.
fn many_coroutines(n: usize) -> String {
    let mut text = String::from("vars:\n  z: 0\ncoroutines:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  worker{i}(x, y=2):\n    - print: \"worker {{x}} at {{y + 1}} {i}\"\n    - sleep: 0.5\n    - if: x > 3\n      then:\n        - print: \"big {{x * 2}}\"\n      else:\n        - set: {{z: x + y}}\n        - print: \"{{z}}\"\n    - return: x + y\n"
        ));
    }
    text.push_str("main:\n  - await: worker0(5)\n");
    text
}

/// The `asim` binary itself (only it counts its heap), as a new user runs it.
fn binary(args: &[&str]) -> crate::Output {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_asim")).args(args).output().unwrap();
    crate::Output {
        code: run.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&run.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&run.stderr).into_owned(),
    }
}

#[test]
fn reading_a_scenario_is_held_to_the_memory_ceiling() {
    let path = scenario("many_coroutines.yaml", &many_coroutines(10_000));
    let file = path.to_str().unwrap();
    let check = binary(&["check", file]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    // What the front end holds at its peak (the file, its YAML tree, the
    // syntax tree, the program): about 20 times the file's 2.1 MiB. It
    // was 25 times before YAML scalars were borrowed and the program
    // shrunk; at 24 MiB it must stop, so the bound is a real one.
    let within = binary(&["check", "--max-memory", "48", file]);
    assert_eq!(within.code, 0, "{}", within.stderr);
    assert_eq!(binary(&["check", "--max-memory", "24", file]).code, 4);
    // Stopped while reading: a limit (exit 4), where it stopped, what to do.
    for args in [&["check", "--max-memory", "8", file][..], &["run", "-q", "--max-memory", "8", file]] {
        let stopped = binary(args);
        assert_eq!(stopped.code, 4, "{}", stopped.stderr);
        assert!(stopped.stderr.contains("error: reading the scenario needs more than 8 MiB of memory (--max-memory)"));
        assert!(stopped.stderr.contains("many_coroutines.yaml:") && stopped.stderr.contains("asim had read this far"));
        assert!(stopped.stderr.contains("help: raise --max-memory"), "{}", stopped.stderr);
        assert_eq!(stopped.stderr.matches("error").count(), 1, "one error, not one per step: {}", stopped.stderr);
        assert_eq!(stopped.stdout, "");
    }
    // A file bigger than the ceiling is not even read.
    let tiny = binary(&["check", "--max-memory", "1", file]);
    assert_eq!(tiny.code, 4, "{}", tiny.stderr);
    assert!(tiny.stderr.contains("MiB, more than the memory ceiling of 1 MiB (--max-memory)"), "{}", tiny.stderr);
}

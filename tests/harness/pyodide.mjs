// Runs asyncio programs on a Pyodide build of CPython (WebAssembly, run by Node.js) with a
// virtual clock, through vclock.py's in-process mode, and prints vclock.py's JSON Lines.
//
//     node tests/harness/pyodide.mjs PYODIDE_DIR [vclock.py options] PROGRAM.py...
//
// PYODIDE_DIR is an installed `pyodide` npm package (the folder with pyodide.mjs). The
// options are vclock.py's (--set-order, --hash-seed, --report, --stderr, --timeout,
// --fresh-asyncio); the output is byte for byte what `vclock.py` prints for the same
// programs, with the same `{"event": "program", "path": P}` separators when there are
// several. One Pyodide is loaded (about 2 s) and runs every program, one after the other,
// in a worker thread: the main thread watches the time each program takes. A program that
// runs longer than --timeout (default 30 s) is interrupted (KeyboardInterrupt, reported as
// an error of type HarnessTimeout); if that does not stop it within 5 s more, or Pyodide dies
// (a fatal error), the worker is ended, the program gets an end event of type
// HarnessTimeout or HarnessChildDied, and a new worker goes on with the next program.
//
// PYTHONHASHSEED cannot be set by re-executing the interpreter: it is given to Pyodide's
// environment before it starts (--hash-seed N, default 0), which Python reads at startup.

import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { readFileSync } from "node:fs";
import { dirname, resolve, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// Stack for the worker thread: CPython under WebAssembly recurses on the JS stack, and
// Node's default is too small for Python's recursion limit of 1000 frames (a
// RecursionError program would kill Pyodide instead of raising).
const STACK_MB = 256;

function option(args, name, fallback) {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

// vclock.py's options that take a value: everything else that does not start with "-" is a
// program.
const VALUED = new Set(["--set-order", "--hash-seed", "--timeout", "-j", "--jobs"]);

function splitArgs(args) {
    const options = [];
    const programs = [];
    for (let i = 0; i < args.length; i++) {
        if (VALUED.has(args[i])) {
            options.push(args[i], args[i + 1]);
            i++;
        } else if (args[i].startsWith("-")) {
            options.push(args[i]);
        } else {
            programs.push(args[i]);
        }
    }
    return { options, programs };
}

// json.dumps of a str, as Python writes it with ensure_ascii=False.
function pyString(s) {
    return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => c);
}

async function main() {
    const [dir, ...rest] = process.argv.slice(2);
    if (!dir) {
        process.stderr.write("usage: node pyodide.mjs PYODIDE_DIR [vclock.py options] PROGRAM.py...\n");
        process.exit(2);
    }
    const { options, programs } = splitArgs(rest);
    if (programs.length === 0) {
        process.stderr.write("pyodide.mjs: no programs\n");
        process.exit(2);
    }
    const timeout = Number(option(options, "--timeout", "30"));
    const multi = programs.length > 1;
    const out = [];
    const flush = () => {
        if (out.length) {
            process.stdout.write(out.join(""));
            out.length = 0;
        }
    };
    let next = 0; // the first program not finished
    while (next < programs.length) {
        next = await runWorker(resolve(dir), options, programs, next, timeout, multi, out, flush);
    }
    flush();
}

// Runs programs[from..] in one worker; resolves to the index of the first program not done.
function runWorker(dir, options, programs, from, timeout, multi, out, flush) {
    return new Promise((done) => {
        const interrupt = new Int32Array(new SharedArrayBuffer(4));
        const worker = new Worker(fileURLToPath(import.meta.url), {
            workerData: { dir, options, programs, from, interrupt, cwd: process.cwd() },
            resourceLimits: { stackSizeMb: STACK_MB },
            stdout: true,
            stderr: false,
        });
        worker.stdout.resume(); // Pyodide's own messages to stdout: never ours
        let current = -1;
        let lastT = "0.0";
        let soft = null;
        let hard = null;
        let finished = false;
        const disarm = () => {
            clearTimeout(soft);
            clearTimeout(hard);
        };
        const fail = (type, message) => {
            if (finished) return;
            finished = true;
            disarm();
            let resume = from;
            if (current >= 0) {
                out.push(`{"event": "end", "t": ${lastT}, "elapsed": ${lastT}, "outcome": "error", ` +
                    `"error": {"type": "${type}", "message": ${pyString(message)}}}\n`);
                flush();
                resume = current + 1;
            } else {
                process.stderr.write(`pyodide.mjs: ${message}\n`);
                process.exit(1);
            }
            worker.terminate().finally(() => done(resume));
        };
        worker.on("message", (m) => {
            if (m.kind === "start") {
                current = m.index;
                lastT = "0.0";
                if (multi) out.push(`{"event": "program", "path": ${pyString(programs[current])}}\n`);
                if (timeout > 0) {
                    soft = setTimeout(() => Atomics.store(interrupt, 0, 2), timeout * 1000);
                    hard = setTimeout(() => fail("HarnessTimeout", "program killed after the wall-clock timeout"),
                        (timeout + 5) * 1000);
                }
            } else if (m.kind === "line") {
                out.push(m.line);
                const t = /"t": ([^,}]+)/.exec(m.line);
                if (t) lastT = t[1];
            } else if (m.kind === "end") {
                disarm();
                Atomics.store(interrupt, 0, 0);
                flush();
                current = -1;
            } else if (m.kind === "finished") {
                finished = true;
                disarm();
                worker.terminate().finally(() => done(programs.length));
            }
        });
        worker.on("error", (e) => fail("HarnessChildDied", `Pyodide died: ${String(e && e.message || e).split("\n")[0]}`));
        worker.on("exit", (code) => {
            if (!finished) fail("HarnessChildDied", `the worker exited with status ${code} without an end event`);
        });
    });
}

async function worker() {
    const { dir, options, programs, from, interrupt, cwd } = workerData;
    const { loadPyodide } = await import(pathToFileURL(join(dir, "pyodide.mjs")).href);
    const show = options.includes("--stderr") ? (s) => process.stderr.write(s + "\n") : () => {};
    const py = await loadPyodide({
        indexURL: dir + "/",
        env: { PYTHONHASHSEED: option(options, "--hash-seed", "0"), HOME: "/home/pyodide" },
        stdout: show,
        stderr: show,
    });
    py.setInterruptBuffer(interrupt);
    const FS = py.FS;
    const here = dirname(fileURLToPath(import.meta.url));
    // vclock.py at its own path too (its frames show in --report tracebacks).
    FS.mkdirTree(here);
    FS.writeFile(join(here, "vclock.py"), readFileSync(join(here, "vclock.py")));
    // The programs at the same absolute paths as on the host, and the same working folder,
    // so that paths (in tracebacks, in the separators) read as vclock.py's.
    FS.mkdirTree(cwd);
    FS.chdir(cwd);
    for (const p of programs.slice(from)) {
        const abs = resolve(cwd, p);
        FS.mkdirTree(dirname(abs));
        FS.writeFile(abs, readFileSync(abs));
    }
    py.globals.set("harness_dir", here);
    py.runPython("import sys; sys.path.insert(0, harness_dir)");
    const vclock = py.pyimport("vclock");
    const runner = vclock.InProcess([...options, ...programs]);
    const write = (line) => parentPort.postMessage({ kind: "line", line });
    for (let i = from; i < programs.length; i++) {
        parentPort.postMessage({ kind: "start", index: i });
        runner.run(i, write);
        parentPort.postMessage({ kind: "end", index: i });
    }
    parentPort.postMessage({ kind: "finished" });
}

if (isMainThread) {
    await main();
} else {
    await worker();
}

//! Running programs on CPython (through `tests/harness/vclock.py`) and
//! comparing what they print with what asim prints.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One print event: time, task, text.
pub(crate) type Print = (f64, String, String);
/// The end of a run: elapsed, outcome, error.
pub(crate) type End = (f64, String, serde_json::Value);

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Which CPython runs the harness: the machine's `python3` (the 3.11
/// reference, `tests/harness/vclock.py`, one forked child per program) or a
/// Pyodide build run by Node.js (`tests/harness/pyodide.mjs`, every program
/// of a batch in one interpreter).
#[derive(Clone, Debug)]
pub(crate) enum Cpython {
    /// A `python3` command.
    Native(String),
    /// An installed `pyodide` npm package: the Python version asim is told
    /// (`--python`) and the package folder.
    Pyodide { version: &'static str, dir: PathBuf },
}

impl Cpython {
    /// The `--python` value asim must run with to be compared with this
    /// CPython, if not asim's default.
    pub(crate) fn asim_python(&self) -> Option<&'static str> {
        match self {
            // The native python3 is 3.11 (`python()` checks it is 3.11+;
            // asim's default is newer, so say which).
            Cpython::Native(_) => Some("3.11"),
            Cpython::Pyodide { version, .. } => Some(version),
        }
    }

    /// The command that runs the harness.
    fn command(&self) -> Command {
        match self {
            Cpython::Native(python) => {
                let mut cmd = Command::new(python);
                cmd.arg(root().join("tests/harness/vclock.py"));
                cmd
            }
            Cpython::Pyodide { dir, .. } => {
                let mut cmd = Command::new("node");
                cmd.arg(root().join("tests/harness/pyodide.mjs")).arg(dir);
                cmd
            }
        }
    }

    /// The `python3` command of a native CPython.
    #[allow(dead_code)]
    pub(crate) fn native_command(&self) -> Option<&str> {
        match self {
            Cpython::Native(p) => Some(p),
            Cpython::Pyodide { .. } => None,
        }
    }
}

/// A usable `python3` (3.11+), or why not.
pub(crate) fn python() -> Result<Cpython, String> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.version_info >= (3, 11))"])
        .output()
        .map_err(|e| format!("python3 not found: {e}"))?;
    if String::from_utf8_lossy(&out.stdout).trim() == "True" {
        Ok(Cpython::Native("python3".to_owned()))
    } else {
        Err("python3 is older than 3.11".to_owned())
    }
}

/// The Pyodide npm package (exact version) for each Python version the
/// harness runs under Pyodide. 3.11 (Pyodide's 3.11.3, the native
/// reference being 3.11.7) is only a cross-check of the harness itself.
pub(crate) const PYODIDE: [(&str, &str); 4] =
    [("3.11", "0.25.1"), ("3.12", "0.27.7"), ("3.13", "0.29.5"), ("3.14", "314.0.7")];

/// The CPython for `version`: `None` or `"native"` for `python3`, else
/// `3.11`..`3.14` under Pyodide, installed on first use (see
/// [`pyodide`]); or why not.
pub(crate) fn cpython(version: Option<&str>) -> Result<Cpython, String> {
    match version {
        None | Some("native") => python(),
        Some(v) => pyodide(v),
    }
}

/// Pyodide for Python `version`, installed with `npm install` of the exact
/// package version into `target/pyodide/<package version>/` on first use (a
/// later call finds it there); or why not (no Node.js or npm, an unknown
/// version, a failed install). Installs in this process are serialised; an
/// install that was interrupted is redone (the folder counts as installed
/// only once a marker file is written after npm succeeded).
pub(crate) fn pyodide(version: &str) -> Result<Cpython, String> {
    use std::sync::Mutex;
    static INSTALL: Mutex<()> = Mutex::new(());
    let Some(&(version, package)) = PYODIDE.iter().find(|(v, _)| *v == version) else {
        return Err(format!("no Pyodide build for Python {version} (known: 3.11, 3.12, 3.13, 3.14)"));
    };
    let node = Command::new("node").arg("--version").output().map_err(|e| format!("node (Node.js) not found: {e}"))?;
    let major: u32 = String::from_utf8_lossy(&node.stdout)
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 18 {
        return Err(format!("Node.js 18 or newer is needed, found {}", String::from_utf8_lossy(&node.stdout).trim()));
    }
    let base = root().join("target/pyodide").join(package);
    let dir = base.join("node_modules/pyodide");
    let marker = base.join("installed");
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).map_err(|e| format!("create {}: {e}", base.display()))?;
        std::fs::write(base.join("package.json"), "{\"private\": true}\n").map_err(|e| e.to_string())?;
        let out = Command::new("npm")
            .args(["install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts"])
            .arg(format!("pyodide@{package}"))
            .current_dir(&base)
            .output()
            .map_err(|e| format!("npm not found: {e}"))?;
        if !out.status.success() || !dir.join("pyodide.mjs").exists() {
            return Err(format!(
                "npm install pyodide@{package} failed in {}: {}",
                base.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        std::fs::write(&marker, format!("pyodide@{package}\n")).map_err(|e| e.to_string())?;
    }
    Ok(Cpython::Pyodide { version, dir })
}

/// Runs the harness on several programs; one JSON Lines text per program.
pub(crate) fn run_cpython(python: &Cpython, programs: &[PathBuf]) -> Vec<String> {
    run_cpython_ordered(python, programs, "creation")
}

/// [`run_cpython`] with the harness's set iterations in `order` (asim's
/// `--set-order`: creation, reverse, shuffle:SEED).
pub(crate) fn run_cpython_ordered(python: &Cpython, programs: &[PathBuf], order: &str) -> Vec<String> {
    run_harness(python, programs, &["--set-order", order])
}

/// Runs the harness with `options` on several programs; one JSON Lines
/// text per program.
pub(crate) fn run_harness(python: &Cpython, programs: &[PathBuf], options: &[&str]) -> Vec<String> {
    let mut cmd = python.command();
    cmd.args(options);
    if programs.len() == 1 {
        // The harness only separates programs when there are several.
        cmd.arg(&programs[0]).arg(&programs[0]);
    } else {
        cmd.args(programs);
    }
    let out = cmd.output().expect("run the harness");
    assert!(out.status.success(), "harness failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut runs: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.contains("\"event\": \"program\"") {
            runs.push(String::new());
        } else if let Some(r) = runs.last_mut() {
            r.push_str(line);
            r.push('\n');
        }
    }
    runs.truncate(programs.len());
    runs
}

/// Print events and the end of a JSON run, as comparable values.
pub(crate) fn observable(jsonl: &str) -> (Vec<Print>, End) {
    let mut prints = Vec::new();
    let mut end = None;
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("bad JSON line {line:?}: {e}"));
        match v["event"].as_str() {
            Some("print") => prints.push((
                v["t"].as_f64().unwrap(),
                v["task"].as_str().unwrap().to_owned(),
                v["text"].as_str().unwrap().to_owned(),
            )),
            // What asyncio logs and the warnings Python shows, in their
            // place among the prints. Which task logs is left out: CPython
            // logs from wherever the last reference went.
            Some("warning") => {
                let mut text = comparable_warning(v["text"].as_str().unwrap());
                if !v["error"].is_null() {
                    text.push_str(&format!("\n{}", comparable_error(&v["error"])));
                }
                prints.push((v["t"].as_f64().unwrap(), "(warning)".to_owned(), text))
            }
            Some("end") => {
                end = Some((
                    v["elapsed"].as_f64().unwrap(),
                    v["outcome"].as_str().unwrap().to_owned(),
                    comparable_error(&v["error"]),
                ))
            }
            _ => {}
        }
    }
    (prints, end.unwrap_or((f64::NAN, "no end event".to_owned(), serde_json::Value::Null)))
}

/// A warning's text without the file and line a coroutine is `defined at`
/// or `running at` (the scenario's against the program's).
fn comparable_warning(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let at = [" defined at ", " running at "].iter().filter_map(|k| rest.find(k).map(|i| (i, k.len()))).min();
        let Some((i, n)) = at else { break };
        out.push_str(&rest[..i + n]);
        out.push_str("...");
        rest = &rest[i + n..];
        rest = rest.find('>').map_or("", |j| &rest[j..]);
    }
    out.push_str(rest);
    out
}

/// The part of an end object's `error` both sides can give: asim's frames
/// carry scenario lines and the harness's do not, and only asim lists a
/// `<module>` frame (the harness keeps the program's own frames, which
/// start at `<module>` in every Python traceback).
fn comparable_error(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m {
                let x = if k == "traceback" {
                    let frames = x.as_array().map(Vec::as_slice).unwrap_or_default();
                    frames
                        .iter()
                        .filter(|f| f["coroutine"] != "<module>")
                        .map(|f| serde_json::json!({"coroutine": f["coroutine"]}))
                        .collect()
                } else {
                    comparable_error(x)
                };
                out.insert(k.clone(), x);
            }
            serde_json::Value::Object(out)
        }
        serde_json::Value::Array(xs) => xs.iter().map(comparable_error).collect(),
        other => other.clone(),
    }
}

/// The layout of a Python traceback report without its frames: the
/// headers, the chaining sentences, the exception lines and the group
/// boxes, each with its margin. A frame's `File` line goes with the
/// indented source and caret lines under it, so a report of asim (the
/// scenario's frames) and one of CPython (the program's and asyncio's)
/// compare equal when everything but the frames is laid out alike.
pub(crate) fn traceback_shape(report: &str) -> Vec<String> {
    // The text after a group's margin (`  | `, `    + `), or the line.
    fn content(line: &str) -> &str {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("| ").or_else(|| t.strip_prefix("+ ")) {
            rest
        } else if t == "|" {
            ""
        } else {
            line
        }
    }
    let mut out = Vec::new();
    let mut in_frame = false;
    for line in report.lines() {
        let c = content(line);
        if c.trim_start().starts_with("File \"") {
            in_frame = true;
            continue;
        }
        if in_frame && c.starts_with("    ") {
            continue;
        }
        in_frame = false;
        out.push(line.trim_end().to_owned());
    }
    out
}

/// Compares asim's JSON with CPython's; `None` if they agree, else a report
/// with both outputs and the first differing line marked `>>`.
pub(crate) fn divergence(name: &str, ours: &str, theirs: &str) -> Option<String> {
    let (a, ae) = observable(ours);
    let (b, be) = observable(theirs);
    if a == b && ae == be {
        return None;
    }
    let mut report = format!("DIVERGENCE in {name}\n   asim | cpython\n");
    let mut first = true;
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        let mark = if x == y {
            "  "
        } else if first {
            first = false;
            ">>"
        } else {
            "!!"
        };
        report.push_str(&format!("{mark} {x:?} | {y:?}\n"));
    }
    report.push_str(&format!("{} end {ae:?} | {be:?}\n", if ae == be || !first { "  " } else { ">>" }));
    Some(report)
}

/// Writes a file, creating its folder.
pub(crate) fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs `asim ARGS...` in-process: (exit status, stdout, stderr).
pub(crate) fn run_asim(args: &[&str]) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("asim").chain(args.iter().copied()).map(Into::into);
    let code = asim::cli::main_with(argv, &mut out, &mut err, false);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

/// What a batch of generated scenarios did.
#[derive(Default, Debug)]
pub(crate) struct Batch {
    pub(crate) scenarios: usize,
    /// Divergence reports (seed, report).
    pub(crate) divergences: Vec<(u64, String)>,
    /// Outcomes, counted: ok, error, deadlock.
    pub(crate) ok: usize,
    pub(crate) errors: usize,
    pub(crate) deadlocks: usize,
    /// Scenarios left out because a 32-bit CPython (Pyodide) hashes what
    /// they hash otherwise (their set orders would differ).
    pub(crate) width_dependent: usize,
}

/// Whether a run of the scenario hashes a value a 32-bit CPython hashes
/// otherwise (`RunEnd::hashes_vary_by_width`).
pub(crate) fn hashes_vary_by_width(yaml: &str, python: &str) -> bool {
    struct Nothing;
    impl asim::runtime::Sink for Nothing {
        fn event(&mut self, _: &asim::runtime::Event<'_>, _: &asim::runtime::Tasks<'_>) -> std::io::Result<()> {
            Ok(())
        }
        fn finish(&mut self, _: &asim::runtime::RunEnd, _: &asim::runtime::Tasks<'_>) -> std::io::Result<()> {
            Ok(())
        }
    }
    let Ok(compiled) = asim::compile_source(&asim::source::Source::new("gen.yaml", yaml)) else { return false };
    let limits = asim::runtime::Limits {
        python: asim::version::Python::parse(python).ok(),
        max_steps: 5_000_000,
        ..asim::runtime::Limits::default()
    };
    compiled.run(limits, &mut Nothing).hashes_vary_by_width
}

/// Generates the scenarios for `seeds`, runs each in asim and its export in
/// CPython, and compares them. Files go to `dir`.
pub(crate) fn check_seeds(python: &Cpython, seeds: std::ops::Range<u64>, dir: &Path) -> Batch {
    check_seeds_ordered(python, seeds, dir, "creation")
}

/// [`check_seeds`] with both sides' set iterations in `order`.
pub(crate) fn check_seeds_ordered(python: &Cpython, seeds: std::ops::Range<u64>, dir: &Path, order: &str) -> Batch {
    let mut batch = Batch::default();
    let mut programs = Vec::new();
    let mut ours = Vec::new();
    for seed in seeds.clone() {
        let yaml = super::scenario(seed);
        let path = dir.join(format!("gen_{seed}.yaml"));
        write(&path, &yaml);
        let file = path.to_string_lossy().into_owned();
        let mut args = vec!["run", "--format", "json", "--set-order", order];
        if let Some(v) = python.asim_python() {
            args.extend(["--python", v]);
        }
        args.push(&file);
        if let Cpython::Pyodide { version, .. } = python {
            if hashes_vary_by_width(&yaml, version) {
                batch.width_dependent += 1;
                continue;
            }
        }
        let (code, json, err) = run_asim(&args);
        if code == 2 || code > 3 {
            batch
                .divergences
                .push((seed, format!("asim rejected generated scenario {file} (exit {code}):\n{err}\n{yaml}")));
            continue;
        }
        let (_, py, err) = run_asim(&["export", "python", &file]);
        assert!(err.is_empty(), "export of {file}: {err}");
        let py_path = dir.join(format!("gen_{seed}.py"));
        write(&py_path, &py);
        programs.push(py_path);
        ours.push((seed, file, json));
    }
    let theirs = if programs.is_empty() { Vec::new() } else { run_cpython_ordered(python, &programs, order) };
    for ((seed, file, json), cp) in ours.iter().zip(&theirs) {
        batch.scenarios += 1;
        match observable(json).1 .1.as_str() {
            "ok" => batch.ok += 1,
            "deadlock" => batch.deadlocks += 1,
            _ => batch.errors += 1,
        }
        if let Some(report) = divergence(file, json, cp) {
            let yaml = std::fs::read_to_string(file).unwrap_or_default();
            batch
                .divergences
                .push((*seed, format!("{report}\nseed {seed}, set order {order}, scenario {file}:\n{yaml}")));
        }
    }
    batch
}

/// Runs expression batches `seeds` (each `n` expressions, see
/// `gen::exprs`) in asim and in CPython; one report per expression whose
/// value or error differs, or per batch asim refuses.
#[allow(dead_code)] // the entry of the exprtest example, which reads ASIM_EXPR_SKIP
pub(crate) fn check_exprs(python: &Cpython, seeds: std::ops::Range<u64>, n: usize, dir: &Path) -> Vec<String> {
    check_exprs_skipping(python, seeds, n, dir, std::env::var("ASIM_EXPR_SKIP").ok().as_deref())
}

/// [`check_exprs`], leaving out the expressions whose asim output contains
/// `skip` (a documented deviation).
pub(crate) fn check_exprs_skipping(
    python: &Cpython,
    seeds: std::ops::Range<u64>,
    n: usize,
    dir: &Path,
    skip: Option<&str>,
) -> Vec<String> {
    let mut reports = Vec::new();
    let mut programs = Vec::new();
    let mut ours = Vec::new();
    for seed in seeds {
        let yaml = super::exprs::scenario(seed, n);
        let path = dir.join(format!("exprs_{seed}.yaml"));
        write(&path, &yaml);
        let file = path.to_string_lossy().into_owned();
        let (code, json, err) = run_asim(&["run", "--python", "3.11", "--format", "json", &file]);
        if code == 2 || code > 3 {
            reports.push(format!("asim refused expression batch {file} (exit {code}):\n{err}"));
            continue;
        }
        let (_, py, _) = run_asim(&["export", "python", &file]);
        let py_path = dir.join(format!("exprs_{seed}.py"));
        write(&py_path, &py);
        programs.push(py_path);
        ours.push((seed, file, json));
    }
    if programs.is_empty() {
        return reports;
    }
    let theirs = run_cpython(python, &programs);
    for ((seed, file, json), cp) in ours.iter().zip(&theirs) {
        let (a, ae) = observable(json);
        let (b, be) = observable(cp);
        let exprs = super::exprs::expressions(*seed, n);
        for i in 0..a.len().max(b.len()) {
            let (x, y) = (a.get(i).map(|p| &p.2), b.get(i).map(|p| &p.2));
            if x != y {
                let k = x.or(y).and_then(|t| t.split(' ').next()).and_then(|k| k.parse::<usize>().ok());
                let expr = k.and_then(|k| exprs.get(k)).map_or("?", |e| e.as_str());
                if skip.is_some_and(|k| x.is_some_and(|x| x.contains(k))) {
                    continue;
                }
                reports.push(format!("{file}: {expr}\n   asim: {x:?}\n cpython: {y:?}"));
            }
        }
        if ae != be {
            reports.push(format!("{file}: the runs ended differently: {ae:?} | {be:?}"));
        }
    }
    reports
}

//! `asim test` through the real binary, in fresh folders, as a new user
//! would use it: snapshots created, accepted, changed, reviewed; a
//! deadlock with unchanged prints; invalid scenarios; filters; JUnit.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A fresh, empty folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test_command").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `asim ARGS` in `dir`, outside CI unless `ci`, with `stdin` as input.
fn asim_in(dir: &Path, args: &[&str], ci: bool, stdin: &str) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_asim"));
    cmd.args(args).current_dir(dir).env_remove("CI").env("NO_COLOR", "1");
    if ci {
        cmd.env("CI", "true");
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn asim(dir: &Path, args: &[&str]) -> Run {
    asim_in(dir, args, false, "")
}

const HELLO: &str = "main:\n  - print: hello\n  - sleep: 1\n  - print: bye\n";
const POOL: &str = "sync:\n  slots: Semaphore(2)\ncoroutines:\n  download(url, seconds):\n    - with: slots\n      do:\n        - print: \"start {url}\"\n        - sleep: seconds\n        - print: \"done {url}\"\nmain:\n  - gather:\n      - download(\"a\", 1)\n      - download(\"b\", 2)\n      - download(\"c\", 0.5)\n";
const WAITER: &str = "sync:\n  ev: Event()\ncoroutines:\n  setter:\n    - sleep: 1\n    - do: ev.set()\nmain:\n  - spawn: setter()\n    as: t\n  - print: waiting\n  - await: ev.wait()\n  - print: woken\n";

fn three_scenarios(dir: &Path) {
    std::fs::write(dir.join("hello.yaml"), HELLO).unwrap();
    std::fs::create_dir_all(dir.join("net")).unwrap();
    std::fs::write(dir.join("net/pool.yaml"), POOL).unwrap();
    std::fs::write(dir.join("waiter.yaml"), WAITER).unwrap();
}

#[test]
fn the_snapshot_workflow_from_a_fresh_folder() {
    let dir = folder("workflow");
    three_scenarios(&dir);
    // Not a scenario: left alone, and said so.
    std::fs::create_dir_all(dir.join(".github")).unwrap();
    std::fs::write(dir.join(".github/ci.yaml"), "on: push\n").unwrap();
    std::fs::write(dir.join("compose.yaml"), "services: {}\n").unwrap();

    // First run: every snapshot is new, pending beside its scenario.
    let first = asim(&dir, &["test"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("test net/pool.yaml ... new"), "{}", first.stdout);
    assert!(first.stdout.contains("0 passed, 0 failed, 3 new, 1 other YAML file skipped"), "{}", first.stdout);
    assert!(dir.join("net/pool.asim.snap.new").exists());
    assert!(!dir.join("net/pool.asim.snap").exists());

    // Under CI a missing snapshot fails.
    let ci = asim_in(&dir, &["test"], true, "");
    assert_eq!(ci.code, 1);
    assert!(ci.stdout.contains("test hello.yaml ... FAILED (no snapshot)"), "{}", ci.stdout);
    assert!(ci.stdout.contains("0 passed, 3 failed, 3 new"), "{}", ci.stdout);

    // Accept: the snapshots are written, the pending files go.
    let accept = asim(&dir, &["test", "--accept"]);
    assert_eq!(accept.code, 0, "{}", accept.stdout);
    assert!(accept.stdout.contains("accepted 3 snapshots"), "{}", accept.stdout);
    assert!(!dir.join("net/pool.asim.snap.new").exists());
    let snap = std::fs::read_to_string(dir.join("net/pool.asim.snap")).unwrap();
    assert_eq!(
        snap,
        "# asim snapshot (python 3.14): `asim test --review` or `--accept` updates it\n\
         0.0 Task-2 | start a\n0.0 Task-3 | start b\n1.0 Task-2 | done a\n1.0 Task-4 | start c\n\
         1.5 Task-4 | done c\n2.0 Task-3 | done b\n--\noutcome: ok\nelapsed: 2.0\ntasks: 4\nexit: 0\n"
    );
    let again = asim_in(&dir, &["test"], true, "");
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(again.stdout.contains("3 passed, 0 failed"), "{}", again.stdout);

    // Change an interleaving: a readable diff, exit 1, the new version pending.
    std::fs::write(dir.join("net/pool.yaml"), POOL.replace("download(\"c\", 0.5)", "download(\"c\", 0.25)")).unwrap();
    let changed = asim(&dir, &["test"]);
    assert_eq!(changed.code, 1);
    assert!(changed.stdout.contains("test net/pool.yaml ... FAILED (snapshot changed)"), "{}", changed.stdout);
    assert!(
        changed.stdout.contains("  --- net/pool.asim.snap\n  +++ net/pool.asim.snap (this run)\n"),
        "{}",
        changed.stdout
    );
    assert!(changed.stdout.contains("  -1.5 Task-4 | done c\n  +1.25 Task-4 | done c\n"), "{}", changed.stdout);
    assert!(changed.stdout.contains("2 passed, 1 failed"), "{}", changed.stdout);
    assert!(dir.join("net/pool.asim.snap.new").exists());

    // Review: a bad answer is asked again; `a` accepts.
    let review = asim_in(&dir, &["test", "--review"], false, "what\na\n");
    assert_eq!(review.code, 0, "{}", review.stdout);
    assert!(review.stdout.contains("Reviewing net/pool.yaml"), "{}", review.stdout);
    assert!(review.stdout.contains("`what`: answer a, r, s or q"), "{}", review.stdout);
    assert!(review.stdout.contains("accepted 1 snapshot\n"), "{}", review.stdout);
    assert!(std::fs::read_to_string(dir.join("net/pool.asim.snap")).unwrap().contains("1.25 Task-4 | done c"));
    assert!(!dir.join("net/pool.asim.snap.new").exists());
    assert_eq!(asim(&dir, &["test"]).code, 0);
}

#[test]
fn review_can_reject_and_skip() {
    let dir = folder("review");
    three_scenarios(&dir);
    assert_eq!(asim(&dir, &["test", "--accept"]).code, 0);
    std::fs::write(dir.join("hello.yaml"), HELLO.replace("bye", "goodbye")).unwrap();
    std::fs::write(dir.join("waiter.yaml"), WAITER.replace("woken", "awake")).unwrap();
    // hello.yaml comes first: reject it; skip waiter.yaml.
    let review = asim_in(&dir, &["test", "--review"], false, "r\ns\n");
    assert_eq!(review.code, 1, "{}", review.stdout);
    assert!(review.stdout.contains("rejected 1 snapshot"), "{}", review.stdout);
    assert!(!dir.join("hello.asim.snap.new").exists(), "a rejected change leaves nothing pending");
    assert!(dir.join("waiter.asim.snap.new").exists(), "a skipped change stays pending");
    assert!(std::fs::read_to_string(dir.join("hello.asim.snap")).unwrap().contains("| bye"));
}

#[test]
fn a_scenario_that_now_deadlocks_fails_with_the_same_prints() {
    let dir = folder("deadlock");
    let before = WAITER.replace("  - print: woken\n", "");
    std::fs::write(dir.join("waiter.yaml"), &before).unwrap();
    assert_eq!(asim(&dir, &["test", "--accept"]).code, 0);
    // The setter no longer sets: main waits for ever, after the same prints.
    std::fs::write(dir.join("waiter.yaml"), before.replace("    - do: ev.set()\n", "    - sleep: 0\n")).unwrap();
    assert_eq!(asim(&dir, &["run", "-q", "waiter.yaml"]).stdout, "waiting\n");
    let run = asim(&dir, &["test"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("  -outcome: ok\n  +deadlock at 1.000s"), "{}", run.stdout);
    assert!(run.stdout.contains("  +outcome: deadlock\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  -exit: 0\n  +exit: 3\n"), "{}", run.stdout);
}

#[test]
fn invalid_scenarios_fail_with_their_diagnostic_and_the_rest_still_run() {
    let dir = folder("invalid");
    three_scenarios(&dir);
    std::fs::write(dir.join("broken.yaml"), "main:\n  - slep: 1\n").unwrap();
    std::fs::write(dir.join("latin1.yaml"), b"main:\n  - print: caf\xe9\n").unwrap();
    let run = asim(&dir, &["test", "--accept"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("test broken.yaml ... FAILED (invalid scenario)"), "{}", run.stdout);
    assert!(run.stdout.contains("  error: unknown step `slep`"), "{}", run.stdout);
    assert!(run.stdout.contains("--> broken.yaml:2:5"), "{}", run.stdout);
    assert!(run.stdout.contains("test latin1.yaml ... FAILED (invalid scenario)"), "{}", run.stdout);
    assert!(run.stdout.contains("not UTF-8"), "{}", run.stdout);
    assert!(run.stdout.contains("test waiter.yaml ... new"), "{}", run.stdout);
    assert!(dir.join("waiter.asim.snap").exists(), "the valid ones are still accepted");
    assert!(!dir.join("broken.asim.snap").exists() && !dir.join("broken.asim.snap.new").exists());
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn filters_exclude_and_fail_fast() {
    let dir = folder("filters");
    three_scenarios(&dir);
    assert_eq!(asim(&dir, &["test", "--accept"]).code, 0);
    let only = asim(&dir, &["test", "pool"]);
    assert!(only.stdout.contains("test net/pool.yaml ... ok"), "{}", only.stdout);
    assert!(only.stdout.contains("1 passed, 0 failed, 2 filtered out"), "{}", only.stdout);
    let excluded = asim(&dir, &["test", "--exclude", "net"]);
    assert!(excluded.stdout.contains("2 passed, 0 failed, 1 filtered out"), "{}", excluded.stdout);
    assert!(!excluded.stdout.contains("pool"), "{}", excluded.stdout);
    let file = asim(&dir, &["test", "waiter.yaml"]);
    assert!(file.stdout.contains("1 passed, 0 failed"), "{}", file.stdout);
    // Two failures; --fail-fast reports the first (in path order) and stops.
    std::fs::write(dir.join("hello.yaml"), HELLO.replace("bye", "goodbye")).unwrap();
    std::fs::write(dir.join("waiter.yaml"), WAITER.replace("woken", "awake")).unwrap();
    let fast = asim(&dir, &["test", "--fail-fast", "-j", "1"]);
    assert_eq!(fast.code, 1);
    assert!(fast.stdout.contains("test hello.yaml ... FAILED"), "{}", fast.stdout);
    assert!(!fast.stdout.contains("test waiter.yaml"), "{}", fast.stdout);
    assert!(fast.stdout.contains("0 passed, 1 failed, 2 not run (--fail-fast)"), "{}", fast.stdout);
    let none = asim(&dir, &["test", "nosuchname"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("error: no scenarios found that match"), "{}", none.stderr);
}

#[test]
fn expectations_fail_a_test_even_with_a_matching_snapshot() {
    let dir = folder("expect");
    std::fs::write(dir.join("hello.yaml"), format!("{HELLO}expect:\n  elapsed: 1\n")).unwrap();
    assert_eq!(asim(&dir, &["test", "--accept"]).code, 0);
    assert!(std::fs::read_to_string(dir.join("hello.asim.snap")).unwrap().contains("expect: all 1 met\nexit: 0\n"));
    std::fs::write(dir.join("hello.yaml"), format!("{HELLO}expect:\n  elapsed: 2\n")).unwrap();
    let run = asim(&dir, &["test", "--accept"]);
    assert_eq!(run.code, 1, "accepting a snapshot does not accept a failed expectation: {}", run.stdout);
    assert!(run.stdout.contains("test hello.yaml ... FAILED (expect)"), "{}", run.stdout);
    assert!(run.stdout.contains("expected elapsed 2.0s, the run took 1.0s"), "{}", run.stdout);
    assert!(run.stdout.contains("--> hello.yaml:6:3"), "{}", run.stdout);
}

#[test]
fn junit_report_parses_and_says_what_failed() {
    let dir = folder("junit");
    three_scenarios(&dir);
    assert_eq!(asim(&dir, &["test", "--accept"]).code, 0);
    std::fs::write(dir.join("hello.yaml"), HELLO.replace("bye", "<bye & \"so long\">")).unwrap();
    std::fs::write(dir.join("broken.yaml"), "main:\n  - slep: 1\n").unwrap();
    let run = asim(&dir, &["test", "--junit", "report.xml"]);
    assert_eq!(run.code, 1);
    let xml = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("the report is well-formed XML");
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
    assert_eq!(suite.attribute("tests"), Some("4"));
    assert_eq!(suite.attribute("failures"), Some("2"));
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    let names: Vec<_> = cases.iter().map(|c| c.attribute("file").unwrap()).collect();
    assert_eq!(names, ["broken.yaml", "hello.yaml", "net/pool.yaml", "waiter.yaml"]);
    let failure = |file: &str| {
        let case = cases.iter().find(|c| c.attribute("file") == Some(file)).unwrap();
        case.children()
            .find(|n| n.has_tag_name("failure"))
            .map(|f| (f.attribute("type").unwrap().to_owned(), f.text().unwrap_or("").to_owned()))
    };
    let (kind, body) = failure("hello.yaml").unwrap();
    assert_eq!(kind, "snapshot");
    assert!(body.contains("+1.0 Task-1 | <bye & \"so long\">"), "{body}");
    let (kind, body) = failure("broken.yaml").unwrap();
    assert_eq!(kind, "invalid");
    assert!(body.contains("unknown step `slep`"), "{body}");
    assert!(failure("net/pool.yaml").is_none());
    assert_eq!(cases[2].attribute("classname"), Some("net"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = folder("colour");
    std::fs::write(dir.join("hello.yaml"), HELLO).unwrap();
    assert_eq!(asim(&dir, &["test", "--accept"]).code, 0);
    std::fs::write(dir.join("hello.yaml"), HELLO.replace("bye", "goodbye")).unwrap();
    let plain = asim(&dir, &["test"]);
    assert!(!plain.stdout.contains('\x1b'), "NO_COLOR and a pipe: no colour");
    let coloured = asim(&dir, &["test", "--color", "always"]);
    assert!(coloured.stdout.contains("\x1b[31m-1.0 Task-1 | bye\x1b[0m"), "{}", coloured.stdout);
    assert!(coloured.stdout.contains("\x1b[32m+1.0 Task-1 | goodbye\x1b[0m"), "{}", coloured.stdout);
}

#[test]
fn the_shipped_scenarios_pass_their_own_snapshots() {
    // Each `scenarios/*.asim.snap` was produced by asim and its prints are
    // checked against CPython by the differential test; under CI a missing
    // one fails.
    let run = asim_in(&crate::root(), &["test", "scenarios"], true, "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let n = crate::scenario_files().len();
    assert!(run.stdout.contains(&format!("\n{n} passed, 0 failed")), "{}", run.stdout);
}

#[test]
fn full_snapshots_hold_the_human_view() {
    let dir = folder("full");
    std::fs::write(dir.join("hello.yaml"), HELLO).unwrap();
    assert_eq!(asim(&dir, &["test", "--full", "--accept"]).code, 0);
    let snap = std::fs::read_to_string(dir.join("hello.asim.snap")).unwrap();
    assert!(snap.starts_with("# asim snapshot (python 3.14, --full)"), "{snap}");
    assert!(snap.contains("    1.000  Task-1  | bye\n"), "{snap}");
    assert!(snap.contains("    0.000  Task-1  sleep  until 1.0\n"), "{snap}");
    assert!(snap.ends_with("== elapsed 1.000s · 1 task · ok\nexit: 0\n"), "{snap}");
    assert_eq!(asim(&dir, &["test", "--full"]).code, 0);
    let plain = asim(&dir, &["test"]);
    assert_eq!(plain.code, 1);
    assert!(plain.stdout.contains("note: the stored snapshot was taken with --full"), "{}", plain.stdout);
}

#[test]
fn test_warns_where_the_output_depends_on_the_set_order() {
    let dir = folder("set_order");
    std::fs::copy(crate::root().join("scenarios/leftover_tasks.yaml"), dir.join("leftover.yaml")).unwrap();
    std::fs::write(dir.join("hello.yaml"), HELLO).unwrap();
    let run = asim(&dir, &["test", "--accept"]);
    assert_eq!(run.code, 0, "a warning does not fail the test: {}", run.stdout);
    assert!(
        run.stdout.contains(
            "test leftover.yaml ... new\n  warning[set-order]: this output depends on the order in which asyncio.run() cancels"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 with set-order warnings"), "{}", run.stdout);
    assert!(!run.stdout.contains("test hello.yaml ... new\n  warning"), "{}", run.stdout);
}

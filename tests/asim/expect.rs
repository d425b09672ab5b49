//! The `expect:` block: checked by `asim run` after the run; exit 0 when
//! every expectation holds (whatever the outcome), 1 with a located message
//! per failed one otherwise.

use crate::asim;
use std::path::PathBuf;

/// Writes a scenario under the test's temporary folder.
fn scenario(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("expect");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file.to_string_lossy().into_owned()
}

const POOL: &str = "sync:\n  slots: Semaphore(2)\ncoroutines:\n  download(url, seconds):\n    - with: slots\n      do:\n        - print: \"start {url}\"\n        - sleep: seconds\n        - print: \"done {url}\"\nmain:\n  - gather:\n      - download(\"a\", 1)\n      - download(\"b\", 2)\n      - download(\"c\", 0.5)\n";

#[test]
fn met_expectations_pass_and_say_so() {
    let file = scenario(
        "met.yaml",
        &format!("{POOL}expect:\n  outcome: ok\n  elapsed: 2\n  prints: [start a, done c]\n  never_prints: [oops]\n  max_tasks: 4\n"),
    );
    let run = asim(&["run", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.ends_with("== expect: all 6 expectations met\n"), "{}", run.stdout);
    let quiet = asim(&["run", "-q", &file]);
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.stdout, "start a\nstart b\ndone a\nstart c\ndone c\ndone b\n");
    assert_eq!(quiet.stderr, "");
}

#[test]
fn each_failed_expectation_points_at_its_line() {
    let file = scenario(
        "failed.yaml",
        &format!("{POOL}expect:\n  outcome: deadlock\n  elapsed: [0.5, 1.5]\n  prints: [done c, start c]\n  never_prints: [done b]\n  max_tasks: 3\n"),
    );
    let run = asim(&["run", "-q", &file]);
    assert_eq!(run.code, 1);
    let err = &run.stderr;
    for (message, line) in [
        ("expected outcome deadlock, the run ended ok", 16),
        ("expected elapsed between 0.5s and 1.5s, the run took 2.0s", 17),
        ("expected the run to print `start c` after `done c`; it never did", 18),
        ("the run printed `done b` at 2.0 in Task-3, which `never_prints` forbids", 19),
        ("expected at most 3 tasks, the run created 4", 20),
    ] {
        assert!(err.contains(&format!("error: {message}\n")), "{message}:\n{err}");
        assert!(err.contains(&format!("failed.yaml:{line}:")), "line {line}:\n{err}");
    }
}

#[test]
fn an_expected_error_or_deadlock_is_a_pass() {
    let error = scenario(
        "error.yaml",
        "main:\n  - raise: ValueError(\"boom\")\nexpect:\n  outcome: {error: ValueError, message: boom}\n",
    );
    let run = asim(&["run", "-q", &error]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("ValueError: boom"), "the traceback is still shown: {}", run.stderr);
    let wrong = scenario(
        "wrong_error.yaml",
        "main:\n  - raise: ValueError(\"boom\")\nexpect:\n  outcome: \"error: KeyError\"\n",
    );
    let run = asim(&["run", "-q", &wrong]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("expected outcome KeyError, the run ended with ValueError: boom"), "{}", run.stderr);
    let deadlock = scenario(
        "deadlock.yaml",
        "sync:\n  ev: Event()\nmain:\n  - print: waiting\n  - await: ev.wait()\nexpect:\n  outcome: deadlock\n  prints: waiting\n",
    );
    let run = asim(&["run", &deadlock]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let limit =
        scenario("limit.yaml", "main:\n  - while: \"True\"\n    do:\n      - sleep: 1\nexpect:\n  outcome: limit\n");
    let run = asim(&["run", "-q", "--max-time", "10", &limit]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn elapsed_allows_float_rounding_but_no_more() {
    let text = "main:\n  - sleep: 0.1\n  - sleep: 0.2\nexpect:\n  elapsed: ";
    // 0.1 + 0.2 is 0.30000000000000004 on the virtual clock.
    assert_eq!(asim(&["run", "-q", &scenario("round.yaml", &format!("{text}0.3\n"))]).code, 0);
    assert_eq!(asim(&["run", "-q", &scenario("units.yaml", &format!("{text}300ms\n"))]).code, 0);
    assert_eq!(asim(&["run", "-q", &scenario("min.yaml", &format!("{text}{{min: 0.25}}\n"))]).code, 0);
    let run = asim(&["run", "-q", &scenario("off.yaml", &format!("{text}0.31\n"))]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("expected elapsed 0.31s, the run took 0.30000000000000004s"), "{}", run.stderr);
}

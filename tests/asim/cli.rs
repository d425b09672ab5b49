//! The command line's own behaviour: exit statuses, missing files, views.

use crate::{asim, in_root};

#[test]
fn exit_statuses_follow_the_spec() {
    in_root();
    assert_eq!(asim(&["run", "scenarios/seed/01_hello.yaml"]).code, 0);
    assert_eq!(asim(&["run", "scenarios/unhandled_error.yaml"]).code, 1);
    assert_eq!(asim(&["run", "tests/invalid/unknown_step.yaml"]).code, 2);
    assert_eq!(asim(&["run", "scenarios/seed/12_deadlock.yaml"]).code, 3);
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let run = asim(&["run", "no/such/file.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: cannot read no/such/file.yaml"), "{}", run.stderr);
}

#[test]
fn stdout_view_prints_only_the_program_output_and_explains_on_stderr() {
    in_root();
    let run = asim(&["run", "-q", "scenarios/unhandled_error.yaml"]);
    assert_eq!(run.stdout, "A1 ok\nwatchdog cancelled at shutdown\n");
    assert!(run.stderr.contains("ValueError: bad quantity 0 for B2"), "{}", run.stderr);
    assert!(run.stderr.contains("scenarios/unhandled_error.yaml\", line 9, in validate"), "{}", run.stderr);
}

#[test]
fn deadlock_report_names_the_cycle() {
    in_root();
    let run = asim(&["run", "-q", "scenarios/seed/12_deadlock.yaml"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("lock `b` (held by Task-3)"), "{}", run.stderr);
    assert!(run.stderr.contains("cycle: Task-2 -> Task-3 -> Task-2"), "{}", run.stderr);
}

#[test]
fn deadlock_report_shows_each_call_as_it_was_made() {
    // `worker` rebinds its parameter, so the task keeps the arguments it was
    // called with; `keeper` does not, and its frame holds them.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("rebound_params.yaml");
    std::fs::write(
        &file,
        "sync:\n  ev: Event()\ncoroutines:\n  worker(n, tag=\"x\"):\n    - let: {n: n + 1}\n    - print: \"{tag}{n}\"\n    - await: ev.wait()\n  keeper(n):\n    - await: ev.wait()\nmain:\n  - spawn: worker(1)\n  - spawn: keeper(5)\n  - sleep: 1\n  - await: ev.wait()\n",
    )
    .unwrap();
    let run = asim(&["run", "-q", file.to_str().unwrap()]);
    assert_eq!((run.code, run.stdout.as_str()), (3, "x2\n"), "{}", run.stderr);
    assert!(run.stderr.contains("Task-2  worker(1, 'x') waits for event `ev`"), "{}", run.stderr);
    assert!(run.stderr.contains("Task-3  keeper(5) waits for event `ev`"), "{}", run.stderr);
}

#[test]
fn check_validates_without_running() {
    in_root();
    let ok = asim(&["check", "scenarios/seed/08_semaphore.yaml"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("ok"), "{}", ok.stdout);
    // Only the scenario's own coroutines count (not asim's primitive operations).
    assert!(ok.stdout.contains("1 coroutine besides main"), "{}", ok.stdout);
    assert_eq!(asim(&["check", "tests/invalid/unknown_step.yaml"]).code, 2);
}

#[test]
fn runaway_scenarios_stop_at_a_limit() {
    in_root();
    let run = asim(&["run", "-q", "--max-steps", "10000", "tests/limits/forever.yaml"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("--max-steps"), "{}", run.stderr);
}

#[test]
fn export_python_is_a_program_and_rejects_invalid_scenarios() {
    in_root();
    let ok = asim(&["export", "python", "scenarios/seed/07_lock.yaml"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("import asyncio\n"), "{}", ok.stdout);
    assert!(ok.stdout.contains("    global shared_resource\n"), "{}", ok.stdout);
    assert!(ok.stdout.ends_with("asyncio.run(main())\n"), "{}", ok.stdout);
    let bad = asim(&["export", "python", "tests/invalid/unknown_name.yaml"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown name `semaphor`"), "{}", bad.stderr);
    assert_eq!(asim(&["export", "rust", "scenarios/seed/07_lock.yaml"]).code, 2);
}

//! `asim run --summary`: the per-task (or per-coroutine) and per-primitive
//! tables, snapshotted through the command line, and their JSON form.

use crate::{asim, in_root, snapshot_settings};
use serde_json::Value;

fn summary(args: &[&str]) -> String {
    let mut all = vec!["run", "--summary"];
    all.extend_from_slice(args);
    let run = asim(&all);
    format!("exit {}\n{}{}", run.code, run.stdout, run.stderr)
}

#[test]
fn summaries_of_shipped_scenarios() {
    in_root();
    snapshot_settings().bind(|| {
        for (name, file) in [
            ("summary_download_pool", "scenarios/download_pool.yaml"),
            ("summary_lock_handoff", "scenarios/lock_handoff.yaml"),
            ("summary_queues", "scenarios/queues.yaml"),
            ("summary_deadlock", "scenarios/seed/12_deadlock.yaml"),
            ("summary_unhandled_error", "scenarios/unhandled_error.yaml"),
        ] {
            insta::assert_snapshot!(name, summary(&[file]));
        }
    });
}

/// 120 workers through a semaphore of 8, and a few that fail or are
/// cancelled: more than 30 tasks, so one row per coroutine.
fn big_scenario() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("summary_big.yaml");
    std::fs::write(
        &file,
        "name: big\nsync:\n  slots: Semaphore(8)\n  gate: Event()\ncoroutines:\n  worker(i):\n    - with: slots\n      do:\n        - sleep: 0.1 * (i % 5 + 1)\n  waiter():\n    - await: gate.wait()\n  failing(i):\n    - sleep: i\n    - raise: ValueError(\"bad {i}\")\nmain:\n  - spawn: waiter()\n  - spawn: failing(100)\n  - gather: [\"*[worker(i) for i in range(120)]\"]\n",
    )
    .unwrap();
    file
}

#[test]
fn a_big_run_is_grouped_by_coroutine() {
    let file = big_scenario();
    let text = summary(&["--color", "never", file.to_str().unwrap()]);
    let text = text.replace(file.to_str().unwrap(), "summary_big.yaml");
    assert!(text.contains("123 tasks, more than 30: one row per coroutine"), "{text}");
    snapshot_settings().bind(|| insta::assert_snapshot!("summary_big", text));
}

#[test]
fn the_json_summary_is_one_object_with_every_task() {
    in_root();
    let run = asim(&["run", "--summary", "--format", "json", "scenarios/download_pool.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["outcome"], "ok");
    assert_eq!(v["elapsed"], 2.0);
    let tasks = v["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 4);
    assert_eq!(tasks[3]["task"], "Task-4");
    assert_eq!(tasks[3]["call"], "download('c.example', 0.5)");
    assert_eq!(tasks[3]["seconds"]["blocked"], 1.0);
    assert_eq!(tasks[3]["blocked_most"]["on"], "semaphore `slots`");
    let prims = v["primitives"].as_array().unwrap();
    assert_eq!(prims[0]["name"], "slots");
    assert_eq!((prims[0]["acquisitions"].as_u64(), prims[0]["max_holders"].as_u64()), (Some(3), Some(2)));
    let coros: Vec<&str> =
        v["coroutines"].as_array().unwrap().iter().map(|c| c["coroutine"].as_str().unwrap()).collect();
    assert_eq!(coros, ["main", "download"]);
    // A big run lists every task too.
    let file = big_scenario();
    let run = asim(&["run", "--summary", "--format", "json", file.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["tasks"].as_array().unwrap().len(), 123);
    let deadlock = asim(&["run", "--summary", "--format", "json", "scenarios/seed/12_deadlock.yaml"]);
    assert_eq!(deadlock.code, 3);
    let v: Value = serde_json::from_str(&deadlock.stdout).unwrap();
    assert_eq!(v["tasks"][1]["outcome"], "pending");
}

#[test]
fn summary_and_stdout_conflict() {
    in_root();
    let run = asim(&["run", "--summary", "-q", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn the_summary_adds_up_the_tasks_task_keeps_and_stops_at_until() {
    in_root();
    snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "summary_task_until",
            summary(&["--color", "never", "--task", "Task-[34]", "--until", "1.2", "scenarios/download_pool.yaml"])
        );
    });
    for refused in [&["--only", "prints"][..], &["--since", "1"]] {
        let mut args = vec!["run", "--summary"];
        args.extend_from_slice(refused);
        args.push("scenarios/download_pool.yaml");
        let run = asim(&args);
        assert_eq!(run.code, 2, "{refused:?}");
        assert!(run.stderr.contains("narrow it with --task and --until"), "{}", run.stderr);
    }
}

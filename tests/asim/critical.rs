//! `asim run --critical-path`: the chain of waits that decided the elapsed
//! time. Snapshots of shipped scenarios (reviewed against their event
//! lists), and on every shipped and 150 generated scenarios: the timed
//! links add up to the elapsed time.

use crate::{asim, in_root, rel, scenario_files, snapshot_settings};
use std::path::PathBuf;

fn critical(file: &str) -> crate::Output {
    asim(&["run", "--critical-path", "--color", "never", file])
}

/// The elapsed time and the sum of the timed links, from the view's second line.
fn totals(out: &str) -> (String, String) {
    let line = out.lines().nth(1).unwrap_or_default();
    let elapsed = line.split("elapsed time (").nth(1).and_then(|r| r.split("s)").next()).unwrap_or("?");
    let sum = line.split("add up to ").nth(1).and_then(|r| r.strip_suffix('s')).unwrap_or("?");
    (elapsed.to_owned(), sum.to_owned())
}

#[test]
fn critical_paths_of_shipped_scenarios() {
    in_root();
    snapshot_settings().bind(|| {
        for (name, file) in [
            ("critical_download_pool", "scenarios/download_pool.yaml"),
            ("critical_lock_handoff", "scenarios/lock_handoff.yaml"),
            ("critical_task_group_cancelling", "scenarios/task_group_cancelling.yaml"),
            ("critical_timeouts", "scenarios/timeouts.yaml"),
            ("critical_wait_and_as_completed", "scenarios/wait_and_as_completed.yaml"),
        ] {
            let run = critical(file);
            insta::assert_snapshot!(name, format!("exit {}\n{}{}", run.code, run.stdout, run.stderr));
        }
    });
}

#[test]
fn the_timed_links_add_up_to_the_elapsed_time() {
    in_root();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("critical");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files: Vec<String> = scenario_files().iter().map(|p| rel(p)).collect();
    for seed in 0..150 {
        let file = dir.join(format!("gen{seed}.yaml"));
        std::fs::write(&file, crate::gen::scenario(seed)).unwrap();
        files.push(file.to_str().unwrap().to_owned());
    }
    for file in &files {
        let run = critical(file);
        assert!([0, 1, 3].contains(&run.code), "{file}: exit {}: {}", run.code, run.stderr);
        let (elapsed, sum) = totals(&run.stdout);
        assert_eq!(elapsed, sum, "{file}: the path does not account for the elapsed time:\n{}", run.stdout);
    }
}

#[test]
fn a_block_that_stalls_a_ready_task_is_on_the_path() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("critical");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("stall.yaml");
    std::fs::write(
        &file,
        "coroutines:\n  hog():\n    - sleep: 1\n    - block: 0.5\n  polite():\n    - sleep: 1\n    - print: late\nmain:\n  - gather: [hog(), polite()]\n",
    )
    .unwrap();
    let run = critical(file.to_str().unwrap());
    assert!(run.stdout.contains("1.000 → 1.500       33.3%  Task-2  block 0.5s"), "{}", run.stdout);
    assert!(run.stdout.contains(":4 (Task-2 hog(), from 1.000): 0.5s on the path (33.3%)"), "{}", run.stdout);
}

#[test]
fn the_critical_path_is_a_view_of_its_own() {
    in_root();
    for other in [&["--summary"][..], &["--format", "json"], &["--task", "Task-1"], &["-q"], &["--at", "1"]] {
        let mut args = vec!["run", "--critical-path"];
        args.extend_from_slice(other);
        args.push("scenarios/lock_handoff.yaml");
        assert_eq!(asim(&args).code, 2, "{other:?}");
    }
}

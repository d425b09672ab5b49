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

#[test]
fn check_takes_many_files_and_the_worst_status_wins() {
    in_root();
    let run =
        asim(&["check", "scenarios/seed/01_hello.yaml", "tests/invalid/unknown_key.yaml", "scenarios/barrier.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.starts_with("scenarios/seed/01_hello.yaml: ok (scenario `hello`"), "{}", run.stdout);
    assert!(run.stdout.contains("\nscenarios/barrier.yaml: ok (scenario `barrier`"), "{}", run.stdout);
    assert!(run.stderr.contains("--> tests/invalid/unknown_key.yaml:2:1"), "{}", run.stderr);
    assert_eq!(asim(&["check", "scenarios/seed/01_hello.yaml", "scenarios/barrier.yaml"]).code, 0);
    assert_eq!(asim(&["check"]).code, 2, "a file is required");
}

#[test]
fn a_dash_reads_the_scenario_from_stdin() {
    use std::io::Write;
    let text = std::fs::read(crate::root().join("scenarios/seed/01_hello.yaml")).unwrap();
    let with_stdin = |args: &[&str], input: &[u8]| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_asim"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // asim stops reading at the ceiling: the rest may not be taken.
        let _ = child.stdin.take().unwrap().write_all(input);
        child.wait_with_output().unwrap()
    };
    let run = with_stdin(&["run", "-q", "-"], &text);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&run.stdout), "Start of main coroutine\n");
    let check = with_stdin(&["check", "-"], &text);
    assert!(String::from_utf8_lossy(&check.stdout).starts_with("<stdin>: ok"), "{check:?}");
    let bad = with_stdin(&["check", "-"], b"main:\n  - slep: 1\n");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--> <stdin>:2:5"), "{bad:?}");
    let big = with_stdin(&["check", "--max-memory", "1", "-"], &vec![b'#'; 2 << 20]);
    assert_eq!(big.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&big.stderr).contains("more than the memory ceiling of 1 MiB"), "{big:?}");
}

#[test]
fn quiet_and_json_together_are_an_error() {
    in_root();
    let run = asim(&["run", "-q", "--format", "json", "scenarios/seed/01_hello.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("'--stdout' cannot be used with '--format <FORMAT>'"), "{}", run.stderr);
    assert_eq!(asim(&["run", "-q", "--format", "human", "scenarios/seed/01_hello.yaml"]).code, 2);
}

#[test]
fn completions_and_the_manual_come_from_the_same_flags() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = asim(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["run", "check", "test", "export", "max-steps", "accept"] {
            assert!(run.stdout.contains(word), "{shell} completion knows `{word}`");
        }
    }
    assert_eq!(asim(&["completions", "tcsh"]).code, 2);
    let man = asim(&["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.contains(".TH asim 1"), "{}", &man.stdout[..200.min(man.stdout.len())]);
    assert!(man.stdout.contains("Snapshot\\-test scenarios"), "the subcommands are listed");
}

#[test]
fn check_warns_where_the_output_depends_on_string_hashes() {
    in_root();
    let run = asim(&["check", "tests/regressions/set_of_strings.yaml"]);
    assert_eq!(run.code, 0, "warnings are not errors");
    assert!(
        run.stderr.contains("warning[set-order]: this output depends on the order of a set of strings; real Python prints another order on each run"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`asim run --hash-seed 1` shows another"), "{}", run.stderr);
    // Sorted, the same strings say nothing.
    let quiet = asim(&["check", "scenarios/crawler.yaml"]);
    assert!(!quiet.stderr.contains("set of strings"), "{}", quiet.stderr);
}

#[test]
fn check_warns_where_the_output_depends_on_cpythons_set_order() {
    in_root();
    let run = asim(&["check", "scenarios/mass_cancel.yaml", "scenarios/leftover_tasks.yaml"]);
    assert_eq!(run.code, 0, "warnings are not errors");
    assert!(run.stderr.contains(
        "warning[set-order]: this output depends on the order in which a TaskGroup cancels its other tasks when one fails; real Python may print either\n  --> scenarios/mass_cancel.yaml:22:9"
    ), "{}", run.stderr);
    assert!(
        run.stderr.contains("the order in which asyncio.run() cancels the tasks still running at the end"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> scenarios/leftover_tasks.yaml:14:1"), "{}", run.stderr);
    assert!(run.stderr.contains("`asim run --set-order reverse` shows another order"), "{}", run.stderr);
    // A scenario that goes through a set iteration whose order changes nothing.
    let quiet = asim(&["check", "scenarios/download_pool.yaml", "scenarios/wait_and_as_completed.yaml"]);
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.stderr, "", "no warning when no order changes the output");
    let no_run = asim(&["check", "--no-run", "scenarios/mass_cancel.yaml"]);
    assert_eq!(no_run.stderr, "");
}

#[test]
fn set_order_flag_chooses_the_order_and_rejects_nonsense() {
    in_root();
    let creation = asim(&["run", "-q", "scenarios/leftover_tasks.yaml"]);
    let reverse = asim(&["run", "-q", "--set-order", "reverse", "scenarios/leftover_tasks.yaml"]);
    assert_ne!(creation.stdout, reverse.stdout);
    let again = asim(&["run", "-q", "--set-order", "creation", "scenarios/leftover_tasks.yaml"]);
    assert_eq!(creation.stdout, again.stdout);
    let bad = asim(&["run", "--set-order", "random", "scenarios/leftover_tasks.yaml"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("`random` is not a set order"), "{}", bad.stderr);
}

#[test]
fn a_start_line_shows_the_call_as_it_was_spawned() {
    // The list argument grows between the spawn and the task's first step.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("spawn_args.yaml");
    std::fs::write(
        &file,
        "coroutines:\n  w(x):\n    - print: \"{x}\"\nmain:\n  - let: {x: [1]}\n  - spawn: w(x)\n    as: t\n  - do: x.append(2)\n  - await: t\n",
    )
    .unwrap();
    let run = asim(&["run", file.to_str().unwrap()]);
    assert!(run.stdout.contains("Task-1  spawn  Task-2 w([1])\n"), "{}", run.stdout);
    assert!(run.stdout.contains("Task-2  start  w([1])\n"), "{}", run.stdout);
    assert!(run.stdout.contains("Task-2  | [1, 2]\n"), "the task sees the list as it is: {}", run.stdout);
}

/// The release: the scenario's `python:`, overridden by `--python`, 3.14
/// by default; named in every view; `--python all` compares the releases.
#[test]
fn the_python_release_is_chosen_recorded_and_compared() {
    in_root();
    // Named tasks: from 3.13 they take no Task-N number.
    let file = "scenarios/task_names.yaml";
    let default = asim(&["run", "--format", "json", file]);
    assert!(default.stdout.contains("\"python\":\"3.14\""), "{}", default.stdout);
    let old = asim(&["run", "--python", "3.12", "--format", "json", file]);
    assert!(old.stdout.contains("\"python\":\"3.12\""), "{}", old.stdout);
    assert_ne!(default.stdout.replace("3.14", "3.12"), old.stdout, "task names should differ");
    let human = asim(&["run", "--color", "never", "--python", "3.13", file]);
    assert!(human.stdout.starts_with("asim run task_names · Python 3.13\n"), "{}", human.stdout);
    // The seed scenarios say python: "3.11"; the flag wins over it.
    let seed = "scenarios/seed/01_hello.yaml";
    assert!(asim(&["run", "--color", "never", seed]).stdout.starts_with("asim run hello · Python 3.11\n"));
    assert!(asim(&["run", "--color", "never", "--python", "3.14", seed]).stdout.contains("· Python 3.14\n"));
    let export = asim(&["export", "python", seed]);
    assert!(export.stdout.contains("# for CPython 3.11 (the scenario's `python:`)"), "{}", export.stdout);
    // --python all: agree (exit 0) or part (exit 1, the line, the change).
    let same = asim(&["run", "--python", "all", seed]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(same.stdout.contains("3.14  same as 3.13"), "{}", same.stdout);
    let parts = asim(&["run", "--python", "all", "--color", "never", file]);
    assert_eq!(parts.code, 1, "{}", parts.stderr);
    assert!(parts.stdout.contains("3.13  differs from 3.12 at line"), "{}", parts.stdout);
    assert!(
        parts.stdout.contains("because a task created with name= no longer uses up a Task-N number (3.13, gh-112622)"),
        "{}",
        parts.stdout
    );
    let json = asim(&["run", "--python", "all", "--format", "json", file]);
    let lines: Vec<serde_json::Value> = json.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[2]["differs_from"]["changes"][0]["issue"], "gh-112622");
    assert_eq!(lines[3]["same_as"], "3.13");
    // A release asim does not reproduce.
    let bad = asim(&["run", "--python", "3.10", seed]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("asim reproduces 3.11, 3.12, 3.13 and 3.14"), "{}", bad.stderr);
}

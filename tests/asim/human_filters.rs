//! Reading a big run: `--task`, `--only`, `--since`, `--until` (human and
//! JSON views), a colour per task, and folded runs of sleep lines
//! (docs/views.md).

use crate::{asim, in_root, Output};

/// The snapshot text of a run: its status, stdout, then stderr if any.
fn shown(run: &Output) -> String {
    let mut s = format!("exit {}\n{}", run.code, run.stdout);
    if !run.stderr.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&run.stderr);
    }
    s
}

fn snap(name: &str, args: &[&str]) -> Output {
    in_root();
    let run = asim(args);
    crate::snapshot_settings().bind(|| {
        insta::with_settings!({ description => args.join(" ") }, {
            insta::assert_snapshot!(name, shown(&run));
        });
    });
    run
}

/// The JSON Lines of a run, parsed.
fn json_lines(args: &[&str]) -> Vec<serde_json::Value> {
    in_root();
    let run = asim(args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

#[test]
fn task_keeps_the_lines_of_the_tasks_it_names() {
    let run = snap("filter_task", &["run", "--color", "never", "--task", "Task-3", "scenarios/download_pool.yaml"]);
    assert_eq!(run.code, 0);
}

#[test]
fn task_globs_repeat_and_match_given_names() {
    // `named-*` matches the task named in the scenario, `Task-[13]` main
    // and the third job. The run ends with main's failed assert (status 1),
    // filtered or not: the outcome always shows.
    let run = snap(
        "filter_task_globs",
        &["run", "--color", "never", "--task", "named-*", "--task", "Task-[13]", "scenarios/task_names.yaml"],
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("AssertionError: first returned 10, not 11"), "{}", run.stdout);
}

#[test]
fn only_keeps_the_kinds_it_names() {
    snap("filter_only", &["run", "--color", "never", "--only", "prints,waits,wakes", "scenarios/download_pool.yaml"]);
}

#[test]
fn task_and_only_combine() {
    snap(
        "filter_task_only",
        &["run", "--color", "never", "--task", "job-4?", "--only", "waits,wakes,done", "scenarios/load_test.yaml"],
    );
}

#[test]
fn since_and_until_keep_a_window_and_until_stops_the_run() {
    let run = snap(
        "filter_since_until",
        &["run", "--color", "never", "--since", "1", "--until", "1.5", "scenarios/download_pool.yaml"],
    );
    // The run stopped: nothing past 1.5 ran (download b ends at 2.0).
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains("done b.example"), "{}", run.stdout);
    assert!(run.stdout.ends_with("== elapsed 1.500s · 4 tasks · stopped at 1.5s (--until)\n"), "{}", run.stdout);
}

#[test]
fn times_compare_as_the_time_column_shows_them() {
    // The clock of load_test drifts (0.05 added again and again): what
    // shows as 4.400 is 4.3999999999999915. `--since 4.4` keeps it.
    in_root();
    let run = asim(&[
        "run",
        "--color",
        "never",
        "--since",
        "4.4",
        "--until",
        "4.6",
        "--task",
        "job-*",
        "scenarios/load_test.yaml",
    ]);
    let lines: Vec<&str> = run.stdout.lines().skip(2).collect();
    assert_eq!(lines.first(), Some(&"    4.400  job-35   release `slots`"), "{}", run.stdout);
    assert_eq!(lines.last(), Some(&"== elapsed 4.600s · 102 tasks · stopped at 4.6s (--until)"), "{}", run.stdout);
    let json =
        json_lines(&["run", "--format", "json", "--since", "4.4", "--task", "job-35", "scenarios/load_test.yaml"]);
    assert_eq!(json[0]["t"], 4.3999999999999915);
}

#[test]
fn until_after_the_end_changes_nothing() {
    in_root();
    let whole = asim(&["run", "--color", "never", "scenarios/download_pool.yaml"]);
    let until = asim(&["run", "--color", "never", "--until", "2", "scenarios/download_pool.yaml"]);
    assert_eq!(until.stdout, whole.stdout);
    assert!(until.stdout.ends_with("· ok\n"), "{}", until.stdout);
}

#[test]
fn the_json_view_is_filtered_too() {
    let lines = json_lines(&[
        "run",
        "--format",
        "json",
        "--only",
        "prints,done",
        "--task",
        "Task-[24]",
        "scenarios/download_pool.yaml",
    ]);
    let (end, events) = lines.split_last().unwrap();
    assert_eq!(events.len(), 6);
    for e in events {
        assert!(["print", "done"].contains(&e["event"].as_str().unwrap()), "{e}");
        assert!(["Task-2", "Task-4"].contains(&e["task"].as_str().unwrap()), "{e}");
    }
    // The end of the run is never filtered.
    assert_eq!(
        (end["event"].as_str(), end["outcome"].as_str(), end["tasks"].as_u64()),
        (Some("end"), Some("ok"), Some(4))
    );
}

#[test]
fn json_until_ends_with_a_stopped_outcome() {
    let lines = json_lines(&["run", "--format", "json", "--until", "1.2", "scenarios/load_test.yaml"]);
    let (end, events) = lines.split_last().unwrap();
    // Times compare to the millisecond, as the human view shows them.
    assert!(events.iter().all(|e| e["t"].as_f64().unwrap() < 1.2005));
    assert!(events.iter().any(|e| e["t"].as_f64().unwrap() > 1.1));
    assert_eq!(end["outcome"], "stopped");
    assert_eq!(end["until"], 1.2);
    assert_eq!(end["error"], serde_json::Value::Null);
    // The clock stopped at the last instant it reached, not past --until.
    let elapsed = end["elapsed"].as_f64().unwrap();
    assert!(elapsed < 1.2005 && elapsed > 1.1, "{end}");
    let whole = json_lines(&["run", "--format", "json", "scenarios/load_test.yaml"]);
    assert!(lines.len() * 2 < whole.len(), "{} of {} lines", lines.len(), whole.len());
}

#[test]
fn only_prints_in_json_matches_the_stdout_view() {
    in_root();
    let q = asim(&["run", "-q", "scenarios/load_test.yaml"]);
    let lines = json_lines(&["run", "--format", "json", "--only", "prints", "scenarios/load_test.yaml"]);
    let texts: String = lines[..lines.len() - 1].iter().map(|e| format!("{}\n", e["text"].as_str().unwrap())).collect();
    assert_eq!(texts, q.stdout);
}

#[test]
fn stderr_stays_complete_when_warnings_are_filtered_out() {
    in_root();
    let whole = asim(&["run", "--color", "never", "scenarios/warnings.yaml"]);
    let prints = asim(&["run", "--color", "never", "--only", "prints", "scenarios/warnings.yaml"]);
    assert!(!prints.stdout.contains(" warn "), "{}", prints.stdout);
    assert!(whole.stdout.contains(" warn "), "{}", whole.stdout);
    assert_eq!(prints.stderr, whole.stderr);
    assert!(prints.stderr.contains("Task exception was never retrieved"), "{}", prints.stderr);
    snap("filter_warnings_stderr", &["run", "--color", "never", "--only", "prints", "scenarios/warnings.yaml"]);
}

#[test]
fn an_expect_block_is_not_judged_on_a_run_stopped_early() {
    in_root();
    let whole = asim(&["run", "--color", "never", "scenarios/circuit_breaker.yaml"]);
    assert!(whole.stdout.contains("== expect:"), "{}", whole.stdout);
    let early = asim(&["run", "--color", "never", "--until", "0.5", "scenarios/circuit_breaker.yaml"]);
    assert_eq!(early.code, 0, "{}", early.stderr);
    assert!(!early.stdout.contains("== expect:"), "{}", early.stdout);
    assert!(early.stdout.contains("stopped at 0.5s (--until)"), "{}", early.stdout);
    assert_eq!(early.stderr, "");
    // A filter that lets the run finish still judges the whole run.
    let filtered = asim(&["run", "--color", "never", "--only", "done", "scenarios/circuit_breaker.yaml"]);
    assert!(filtered.stdout.contains("== expect:"), "{}", filtered.stdout);
}

#[test]
fn a_load_test_folds_to_a_readable_length_and_keeps_every_print() {
    in_root();
    let folded = asim(&["run", "--color", "never", "scenarios/load_test.yaml"]);
    let all = asim(&["run", "--color", "never", "--no-fold", "scenarios/load_test.yaml"]);
    assert_eq!((folded.code, all.code), (0, 0));
    let (nf, na) = (folded.stdout.lines().count(), all.stdout.lines().count());
    assert!(na > 3000, "{na} lines");
    assert!(nf * 10 < na * 4, "{nf} folded lines of {na}");
    // Every line that is not a sleep is there, in order.
    let kept: Vec<&str> = all.stdout.lines().filter(|l| !l.contains("  sleep  ")).collect();
    let shown: Vec<&str> =
        folded.stdout.lines().filter(|l| !l.contains("  sleep  ") && !l.contains(" more sleeps ")).collect();
    assert_eq!(shown, kept);
    // What the fold lines count adds up to the sleeps they hide.
    let hidden = all.stdout.lines().filter(|l| l.contains("  sleep  ")).count()
        - folded.stdout.lines().filter(|l| l.contains("  sleep  ")).count();
    let counted: usize =
        folded.stdout.lines().filter_map(|l| l.split("… ").nth(1)?.split(' ').next()?.parse::<usize>().ok()).sum();
    assert_eq!(counted, hidden);
    let q = asim(&["run", "-q", "scenarios/load_test.yaml"]);
    let prints = folded.stdout.lines().filter(|l| l.contains("  | ")).count();
    assert_eq!(prints, q.stdout.lines().count());
}

#[test]
fn folding_shows_two_lines_then_one_for_the_rest() {
    snap(
        "fold_load_test",
        &["run", "--color", "never", "--since", "0.2", "--until", "0.5", "scenarios/load_test.yaml"],
    );
}

#[test]
fn three_sleeps_in_a_row_do_not_fold() {
    // Three of mass_cancel's workers: their runs of three sleeps show as they are.
    in_root();
    let folded =
        asim(&["run", "--color", "never", "--task", "Task-[234]", "--only", "sleeps", "scenarios/mass_cancel.yaml"]);
    let all = asim(&[
        "run",
        "--color",
        "never",
        "--no-fold",
        "--task",
        "Task-[234]",
        "--only",
        "sleeps",
        "scenarios/mass_cancel.yaml",
    ]);
    assert_eq!(folded.stdout, all.stdout);
    assert!(!folded.stdout.contains("more sleeps"), "{}", folded.stdout);
}

#[test]
fn each_task_has_a_colour_of_its_own() {
    let run = snap(
        "filter_colour",
        &[
            "run",
            "--color",
            "always",
            "--task",
            "Task-[234]",
            "--only",
            "prints,sleeps",
            "scenarios/download_pool.yaml",
        ],
    );
    assert!(run.stdout.contains("\x1b[38;5;208mTask-2\x1b[0m"), "{}", run.stdout);
    assert!(run.stdout.contains("\x1b[38;5;135mTask-3\x1b[0m"), "{}", run.stdout);
    // Without colour, nothing changes but the escape codes.
    let plain = asim(&[
        "run",
        "--color",
        "never",
        "--task",
        "Task-[234]",
        "--only",
        "prints,sleeps",
        "scenarios/download_pool.yaml",
    ]);
    assert_eq!(strip_ansi(&run.stdout), plain.stdout);
    snap(
        "fold_colour",
        &["run", "--color", "always", "--since", "1", "--until", "1", "--only", "sleeps", "scenarios/mass_cancel.yaml"],
    );
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn asim_test_full_does_not_fold() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("human_filters_full");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(crate::root().join("scenarios/mass_cancel.yaml"), dir.join("mass_cancel.yaml")).unwrap();
    let d = dir.to_str().unwrap();
    let run = asim(&["test", "--full", "--accept", "--color", "never", d]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let snap = std::fs::read_to_string(dir.join("mass_cancel.asim.snap")).unwrap();
    assert!(!snap.contains("more sleeps"), "{snap}");
    assert_eq!(snap.matches("sleep  until 1.5").count(), 150);
}

#[test]
fn bad_filters_are_refused_with_status_2() {
    in_root();
    let file = "scenarios/download_pool.yaml";
    let cases: &[&[&str]] = &[
        &["--only", "prints,sleep"],
        &["--task", "worker-[0-9"],
        &["--since", "3", "--until", "2"],
        &["--since", "-1"],
        &["--until", "inf"],
        &["--until", "soon"],
        &["-q", "--task", "Task-2"],
        &["--python", "all", "--until", "1"],
    ];
    let mut text = String::new();
    for args in cases {
        let mut all = vec!["run"];
        all.extend_from_slice(args);
        all.push(file);
        let run = asim(&all);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        text.push_str(&format!("$ asim run {} FILE\n{}\n", args.join(" "), run.stderr.trim_end()));
    }
    crate::snapshot_settings().bind(|| insta::assert_snapshot!("filter_errors", text));
}

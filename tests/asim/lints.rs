//! `asim check`'s static checks: a fixture per check that triggers exactly
//! it (its output snapshotted), the corrected program that does not, the
//! shipped scenarios that must stay free of them, `allow:` and
//! `--deny warnings`.

use crate::{asim, in_root, rel, root, scenario_files, snapshot_settings};

/// Every static check's id, each with a fixture `tests/lints/ID.yaml` and
/// its correction `tests/lints/ID_ok.yaml`.
const IDS: &[&str] = &[
    "lock-order",
    "event-never-set",
    "condition-never-notified",
    "unreleased-lock",
    "never-awaited",
    "fire-and-forget",
    "semaphore-over-release",
    "queue-no-consumer",
    "queue-no-producer",
];

/// The ids of the warnings in `asim check`'s stderr.
fn ids(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("warning[").or_else(|| l.strip_prefix("error[")))
        .filter_map(|l| l.split(']').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn each_fixture_triggers_exactly_its_check() {
    in_root();
    snapshot_settings().bind(|| {
        for id in IDS {
            let file = format!("tests/lints/{id}.yaml");
            let run = asim(&["check", "--no-run", &file]);
            assert_eq!(run.code, 0, "warnings are not errors: {}", run.stderr);
            assert_eq!(ids(&run.stderr), [*id], "{file}:\n{}", run.stderr);
            insta::assert_snapshot!(format!("lint_{id}"), format!("exit {}\n{}{}", run.code, run.stdout, run.stderr));
        }
    });
}

/// A coroutine is judged per call: `handoff(a, b)`, `handoff(b, c)`,
/// `handoff(c, d)` is a chain, not a cycle, though its parameters stand for
/// b and c in both places; the dining philosophers' five calls are one
/// cycle of five, not pairs taken both ways.
#[test]
fn lock_order_follows_each_call_s_own_arguments() {
    in_root();
    let run = asim(&["check", "--no-run", "tests/lints/lock-order_chain_ok.yaml"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let run = asim(&["check", "--no-run", "scenarios/dining_philosophers.yaml"]);
    assert!(
        run.stderr.contains("`fork0`, `fork1`, `fork2`, `fork3` and `fork4` are taken in a cycle of orders"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("(= `fork1`) then `right` (= `fork0`)"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("`philosopher` called with").count(), 5, "{}", run.stderr);
}

#[test]
fn each_corrected_fixture_is_clean_and_runs() {
    in_root();
    for id in IDS {
        let file = format!("tests/lints/{id}_ok.yaml");
        let check = asim(&["check", &file]);
        assert_eq!((check.code, check.stderr.as_str()), (0, ""), "{file}");
        let run = asim(&["run", "-q", &file]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    }
}

/// A fixture's program does what the check says when it runs: the
/// forgotten handshake deadlocks, the never-awaited coroutine warns.
#[test]
fn the_fixtures_misbehave_at_run_time_as_their_checks_say() {
    in_root();
    for id in ["event-never-set", "condition-never-notified", "lock-order"] {
        let run = asim(&["run", "-q", &format!("tests/lints/{id}.yaml")]);
        assert_eq!(run.code, 3, "{id} deadlocks: {}", run.stderr);
    }
    let never = asim(&["run", "-q", "tests/lints/never-awaited.yaml"]);
    assert!(never.stderr.contains("RuntimeWarning: coroutine 'notify' was never awaited"), "{}", never.stderr);
    // The producer blocks on the full queue until wait_for gives up.
    let full = asim(&["run", "-q", "tests/lints/queue-no-consumer.yaml"]);
    assert!(full.stderr.contains("TimeoutError"), "{}", full.stderr);
    let over = asim(&["run", "-q", "tests/lints/semaphore-over-release.yaml"]);
    assert_eq!(over.code, 0, "a Semaphore over-released says nothing: {}", over.stderr);
}

/// The shipped scenarios, the seed cases and the regression tests have no
/// static warning, except the showcase of `lock-order`. Those whose warning
/// is their point say so with `allow:` and a reason.
#[test]
fn shipped_scenarios_are_free_of_static_warnings() {
    in_root();
    let mut files = scenario_files();
    let mut regressions: Vec<_> = std::fs::read_dir(root().join("tests/regressions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    regressions.sort();
    files.extend(regressions);
    assert!(files.len() > 100, "{}", files.len());
    for path in files {
        let file = rel(&path);
        let run = asim(&["check", "--no-run", &file]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        if file == "scenarios/lock_order.yaml" || file == "scenarios/dining_philosophers.yaml" {
            // The showcases: their inversion (two transfers; five forks in
            // a cycle) is what the checker must find.
            assert_eq!(ids(&run.stderr), ["lock-order"], "{}", run.stderr);
        } else {
            assert_eq!(run.stderr, "", "{file}");
        }
    }
}

#[test]
fn the_lock_order_showcase_is_flagged_and_runs_fine() {
    in_root();
    snapshot_settings().bind(|| {
        let run = asim(&["check", "scenarios/lock_order.yaml"]);
        insta::assert_snapshot!("lint_lock_order_showcase", format!("exit {}\n{}{}", run.code, run.stdout, run.stderr));
    });
    let run = asim(&["run", "-q", "scenarios/lock_order.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Started 0.03s earlier, the second transfer deadlocks with the first.
    let text = std::fs::read_to_string(root().join("scenarios/lock_order.yaml")).unwrap();
    let early = text.replace("20, 0.12)", "20, 0.09)");
    assert_ne!(early, text);
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lock_order_early.yaml");
    std::fs::write(&file, early).unwrap();
    let run = asim(&["run", "-q", file.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("cycle: Task-2 -> Task-3 -> Task-2"), "{}", run.stderr);
}

fn temp(name: &str, text: &str) -> String {
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&file, text).unwrap();
    file.to_string_lossy().into_owned()
}

const FORGOTTEN: &str =
    "coroutines:\n  beat():\n    - sleep: 1\nmain:\n  - spawn: beat()\n  - spawn: beat()\n  - sleep: 2\n";

#[test]
fn allow_silences_a_check_for_the_scenario_or_one_step() {
    let both = asim(&["check", &temp("lint_forgotten.yaml", FORGOTTEN)]);
    assert_eq!(ids(&both.stderr), ["fire-and-forget", "fire-and-forget"], "{}", both.stderr);
    // Top level: every site.
    let all = temp("lint_allow_all.yaml", &format!("{FORGOTTEN}allow: [fire-and-forget]\n"));
    let run = asim(&["check", &all]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    // One step: that site only (the second spawn, line 6).
    let one = FORGOTTEN.replacen(
        "  - spawn: beat()\n  - sleep",
        "  - spawn: beat()\n    allow: fire-and-forget\n  - sleep",
        1,
    );
    let run = asim(&["check", &temp("lint_allow_one.yaml", &one)]);
    assert_eq!(ids(&run.stderr), ["fire-and-forget"], "{}", run.stderr);
    assert!(run.stderr.contains(":5:5"), "the first spawn still warns: {}", run.stderr);
    // Another id silences nothing here.
    let other = temp("lint_allow_other.yaml", &format!("{FORGOTTEN}allow: lock-order\n"));
    assert_eq!(ids(&asim(&["check", &other]).stderr).len(), 2);
    // A step's allow covers its body: a lock-order warning inside a `with`.
    let nested = std::fs::read_to_string(root().join("tests/lints/lock-order.yaml")).unwrap().replace(
        "    - with: db\n      do:\n        - sleep: 0.1",
        "    - with: db\n      allow: lock-order\n      do:\n        - sleep: 0.1",
    );
    let run = asim(&["check", &temp("lint_allow_body.yaml", &nested)]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    // `asim run` ignores the key, and export writes the program without it.
    assert_eq!(asim(&["run", "-q", &all]).code, 0);
    let py = asim(&["export", "python", &all]);
    assert_eq!(py.code, 0, "{}", py.stderr);
    assert!(!py.stdout.contains("fire-and-forget") && py.stdout.contains("asyncio.run(main())"), "{}", py.stdout);
}

#[test]
fn an_unknown_id_is_an_error_with_a_suggestion() {
    snapshot_settings().bind(|| {
        let text = format!("{FORGOTTEN}allow: [fire-and-forgot]\n");
        let file = temp("lint_unknown_id.yaml", &text);
        for command in ["check", "run"] {
            let run = asim(&[command, &file]);
            assert_eq!(run.code, 2, "{}", run.stderr);
            assert!(run.stderr.contains("help: did you mean `fire-and-forget`?"), "{}", run.stderr);
        }
        let step =
            FORGOTTEN.replacen("  - spawn: beat()\n", "  - spawn: beat()\n    allow: [never-awaited, lockorder]\n", 1);
        let run = asim(&["check", &temp("lint_unknown_step_id.yaml", &step)]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        let shown = run.stderr.replace(env!("CARGO_TARGET_TMPDIR"), "TMP");
        insta::assert_snapshot!("lint_unknown_id", shown);
    });
}

#[test]
fn deny_warnings_makes_every_warning_an_error() {
    in_root();
    let run = asim(&["check", "--deny", "warnings", "tests/lints/fire-and-forget.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.starts_with("error[fire-and-forget]: a task is spawned and then forgotten"), "{}", run.stderr);
    assert!(
        run.stderr.ends_with("error: tests/lints/fire-and-forget.yaml: 1 warning denied (--deny warnings)\n"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "a denied file is not ok");
    // The set-order warnings too, which come from running the scenario.
    let run = asim(&["check", "--deny", "warnings", "scenarios/mass_cancel.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error[set-order]"), "{}", run.stderr);
    // A clean file passes; several files: the worst status wins.
    assert_eq!(asim(&["check", "--deny", "warnings", "tests/lints/fire-and-forget_ok.yaml"]).code, 0);
    let mixed =
        asim(&["check", "--deny", "warnings", "tests/lints/fire-and-forget_ok.yaml", "tests/lints/lock-order.yaml"]);
    assert_eq!(mixed.code, 2);
    assert!(mixed.stdout.contains("fire-and-forget_ok.yaml: ok"), "{}", mixed.stdout);
    // Without --deny the same warnings leave the status at 0.
    assert_eq!(asim(&["check", "tests/lints/lock-order.yaml"]).code, 0);
    let bad = asim(&["check", "--deny", "errors", "tests/lints/lock-order.yaml"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("possible values: warnings"), "{}", bad.stderr);
}

/// The checks walk each step once (and the call graph once): a scenario of
/// thousands of coroutines and tens of thousands of lines checks in well
/// under a second in a release build.
#[test]
fn checking_a_big_scenario_stays_fast() {
    let mut text = String::from("sync:\n  a: Lock()\n  b: Lock()\n  ev: Event()\n  q: Queue()\ncoroutines:\n");
    let n = 6000;
    for i in 0..n {
        let next = if i + 1 < n { format!("    - await: c{}(x)\n", i + 1) } else { String::new() };
        text.push_str(&format!(
            "  c{i}(x):\n    - with: x\n      do:\n        - sleep: 0.001\n        - do: q.put_nowait({i})\n{next}    - if: ev.is_set()\n      then:\n        - await: q.get()\n"
        ));
    }
    // Holding `b`, main awaits the whole chain of calls (which takes `a`).
    text.push_str("main:\n  - do: ev.set()\n  - with: b\n    do:\n      - await: c0(a)\n");
    assert!(text.lines().count() > 50_000);
    let file = temp("lint_big.yaml", &text);
    let start = std::time::Instant::now();
    let run = asim(&["check", "--no-run", &file]);
    let took = start.elapsed();
    assert_eq!(run.code, 0, "{}", &run.stderr[..run.stderr.len().min(2000)]);
    assert!(took.as_secs_f64() < 5.0, "took {took:?}");
}

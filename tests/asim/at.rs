//! `asim run --at T`: the state of the program at one instant.

use crate::{asim, in_root, scenario_files, snapshot_settings};

/// `asim run --at T FILE`, which must exit with `code`; its stdout.
fn at(t: &str, file: &str, code: i32) -> String {
    in_root();
    let run = asim(&["run", "--at", t, "--color", "never", file]);
    assert_eq!(run.code, code, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    run.stdout
}

fn snap(name: &str, text: String) {
    snapshot_settings().bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn a_lock_with_its_holder_and_waiters_in_line() {
    snap("at@lock_holder_and_waiters", at("0", "scenarios/seed/07_lock.yaml", 0));
    snap("at@semaphore_holders_and_waiters", at("0.5", "scenarios/seed/08_semaphore.yaml", 0));
}

#[test]
fn a_gather_tree_with_frames_at_several_depths() {
    snap("at@gather_nested_frames", at("0.5", "scenarios/rate_limited_fetcher.yaml", 0));
}

#[test]
fn a_task_group_nests_its_children_under_the_task_that_entered_it() {
    snap("at@task_group_nested", at("0.3", "scenarios/crawler.yaml", 0));
}

#[test]
fn a_queue_with_waiting_getters_and_a_join() {
    snap("at@queue_getters", at("0.7", "scenarios/worker_pool_shutdown.yaml", 0));
}

#[test]
fn asyncio_s_own_coroutines_show_without_a_scenario_line() {
    snap("at@barrier_and_builtin_frames", at("0.5", "scenarios/barrier.yaml", 0));
}

#[test]
fn after_a_deadlock_the_state_is_the_deadlocked_one() {
    // The run deadlocks at 1.0: the state at 5 is that one, and the status
    // is the deadlock's.
    snap("at@after_deadlock", at("5", "scenarios/seed/12_deadlock.yaml", 3));
}

#[test]
fn at_zero_the_state_is_after_everything_due_at_zero() {
    snap("at@zero", at("0", "scenarios/lock_handoff.yaml", 0));
}

#[test]
fn after_the_end_the_state_is_the_end_state() {
    snap("at@after_end", at("100", "scenarios/lock_handoff.yaml", 0));
    // A run that failed keeps its status.
    let text = at("100", "scenarios/unhandled_error.yaml", 1);
    assert!(text.contains("with an unhandled exception"), "{text}");
}

#[test]
fn between_two_instants_the_state_is_the_earlier_one() {
    // Nothing happens in lock_handoff between 0.5 and 1.0.
    let a = at("0.5", "scenarios/lock_handoff.yaml", 0);
    let b = at("0.99", "scenarios/lock_handoff.yaml", 0);
    let tail = |s: &str| s.lines().skip(2).collect::<Vec<_>>().join("\n");
    assert_eq!(tail(&a), tail(&b));
    assert!(b.contains("state at 0.990s: the loop last ran at 0.500s"), "{b}");
    // At 1.0 the lock has changed hands.
    let c = at("1", "scenarios/lock_handoff.yaml", 0);
    assert!(c.contains("(T) Task-3 patient() · sleeping until 2.0 · holds lock `lock`"), "{c}");
}

#[test]
fn json_is_one_object_with_the_tree_primitives_and_timers() {
    in_root();
    let run = asim(&["run", "--at", "0.5", "--format", "json", "scenarios/seed/08_semaphore.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["python"], "3.11");
    assert_eq!(v["at"], 0.5);
    assert_eq!(v["time"], 0.0);
    assert_eq!(v["reached"], true);
    assert!(v["ended"].is_null());
    let tasks = v["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 6);
    assert_eq!(v["roots"], serde_json::json!([0]));
    assert_eq!(tasks[0]["awaits"], serde_json::json!([1, 2, 3, 4, 5]));
    assert_eq!(tasks[1]["state"], "sleeping");
    assert_eq!(tasks[1]["holds"], serde_json::json!(["semaphore `semaphore`"]));
    assert_eq!(tasks[3]["state"], "blocked");
    assert_eq!(tasks[3]["frames"][0], serde_json::json!({"coroutine": "access_resource", "line": 8}));
    let sem = &v["primitives"][0];
    assert_eq!((&sem["kind"], &sem["name"]), (&"Semaphore".into(), &"semaphore".into()));
    assert_eq!(sem["holders"], serde_json::json!([1, 2]));
    assert_eq!(sem["waiting"], serde_json::json!([{"what": "acquire", "tasks": [3, 4, 5]}]));
    let timers = v["timers"].as_array().unwrap();
    assert_eq!(timers.len(), 2);
    assert_eq!(timers[0]["task"], 1);
    assert_eq!(timers[0]["when"], 1.0);
    // After the end: the end state, and how the run ended.
    let run = asim(&["run", "--at", "9", "--format", "json", "scenarios/seed/12_deadlock.yaml"]);
    assert_eq!(run.code, 3);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!((v["reached"].clone(), v["ended"].clone()), (false.into(), "deadlock".into()));
}

#[test]
fn a_bad_instant_is_a_usage_error() {
    in_root();
    for (t, msg) in [
        ("-1", "`-1` is not a time: give a finite number of seconds, 0 or more"),
        ("abc", "`abc` is not a number of seconds (e.g. 1.5)"),
        ("nan", "`nan` is not a time"),
        ("inf", "`inf` is not a time"),
    ] {
        let run = asim(&["run", "--at", t, "scenarios/lock_handoff.yaml"]);
        assert_eq!(run.code, 2, "{t}");
        assert!(run.stderr.contains(msg), "{t}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }
    let run = asim(&["run", "--at", "1", "-q", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 2);
    let run = asim(&["run", "--at", "1", "--python", "all", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--at shows one run"), "{}", run.stderr);
    // The state at an instant is a view of its own: the other views' flags are refused, not ignored.
    for other in [
        &["--summary"][..],
        &["--timeline", "out.html"],
        &["--task", "Task-1"],
        &["--only", "prints"],
        &["--until", "2"],
        &["--format", "perfetto"],
    ] {
        let mut args = vec!["run", "--at", "1"];
        args.extend_from_slice(other);
        args.push("scenarios/lock_handoff.yaml");
        let run = asim(&args);
        assert_eq!(run.code, 2, "{other:?}: {}", run.stderr);
        assert!(run.stderr.contains("--at"), "{other:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn every_shipped_scenario_can_be_looked_at_any_time() {
    in_root();
    for file in scenario_files() {
        let file = crate::rel(&file);
        for t in ["0", "0.25", "1", "1000000"] {
            let run = asim(&["run", "--at", t, "--format", "json", &file]);
            assert!((0..=4).contains(&run.code) && run.code != 2, "{file} at {t}: {}", run.stderr);
            let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
            // Every task in the tree is pending, and each appears once.
            let ids: Vec<u64> = v["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_u64().unwrap()).collect();
            for t in v["tasks"].as_array().unwrap() {
                for c in t["awaits"].as_array().unwrap() {
                    assert!(ids.contains(&c.as_u64().unwrap()), "{file} at {t}");
                }
            }
            let whens: Vec<f64> = v["timers"].as_array().unwrap().iter().filter_map(|t| t["when"].as_f64()).collect();
            assert!(whens.windows(2).all(|w| w[0] <= w[1]), "{file} at {t}: timers out of order");
        }
    }
}

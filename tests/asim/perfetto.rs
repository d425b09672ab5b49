//! `asim run --format perfetto`: the Chrome Trace Event Format file, checked
//! for structure on every shipped scenario (and on a deadlock, a run
//! stopped by a limit and an empty run), and snapshotted for one small run.

use crate::{asim, in_root, rel, scenario_files, snapshot_settings};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Checks one trace; returns the task names of its tracks.
fn check_trace(text: &str, what: &str) -> BTreeSet<String> {
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    assert_eq!(v["displayTimeUnit"], "ms", "{what}");
    let events = v["traceEvents"].as_array().unwrap_or_else(|| panic!("{what}: no traceEvents"));
    let elapsed_us = v["otherData"]["elapsed"].as_f64().unwrap() * 1e6;
    let mut names: BTreeMap<u64, String> = BTreeMap::new();
    let mut sorts: BTreeSet<u64> = BTreeSet::new();
    // Per track: the slices in file order; the last instant.
    let mut slices: BTreeMap<u64, Vec<(f64, f64, String)>> = BTreeMap::new();
    let mut last_instant: BTreeMap<u64, f64> = BTreeMap::new();
    let mut starts: BTreeMap<u64, (u64, f64, String)> = BTreeMap::new();
    let mut finishes: BTreeMap<u64, (u64, f64, String)> = BTreeMap::new();
    let mut open_b: BTreeMap<u64, usize> = BTreeMap::new();
    assert_eq!(events[0]["name"], "process_name", "{what}");
    assert!(events[0]["args"]["name"].as_str().unwrap().starts_with("asim: "), "{what}");
    for e in events {
        let ph = e["ph"].as_str().unwrap_or_else(|| panic!("{what}: no ph in {e}"));
        assert_eq!(e["pid"], 1, "{what}: {e}");
        let tid = e["tid"].as_u64();
        if ph != "M" {
            let ts = e["ts"].as_f64().unwrap_or_else(|| panic!("{what}: no ts in {e}"));
            assert!((0.0..=elapsed_us + 1e-3).contains(&ts), "{what}: ts out of the run in {e}");
        }
        // Every event on a track comes after the track's name.
        if ph != "M" && ph != "C" && e["s"] != "g" {
            let tid = tid.unwrap();
            assert!(names.contains_key(&tid) && sorts.contains(&tid), "{what}: tid {tid} used before it is named: {e}");
        }
        match ph {
            "M" => match e["name"].as_str().unwrap() {
                "process_name" => {}
                "thread_name" => {
                    let n = e["args"]["name"].as_str().unwrap().to_owned();
                    assert!(names.insert(tid.unwrap(), n).is_none(), "{what}: tid named twice: {e}");
                }
                "thread_sort_index" => {
                    assert_eq!(e["args"]["sort_index"].as_u64().unwrap() + 1, tid.unwrap(), "{what}: {e}");
                    sorts.insert(tid.unwrap());
                }
                other => panic!("{what}: unexpected metadata {other}"),
            },
            "X" => {
                let (ts, dur) = (e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap());
                assert!(dur >= 0.0, "{what}: negative duration in {e}");
                let list = slices.entry(tid.unwrap()).or_default();
                if let Some((pts, pdur, _)) = list.last() {
                    // A track's slices follow each other in time, never
                    // overlapping (to the nanosecond the trace shows).
                    let ns = |us: f64| (us * 1000.0).round() as i64;
                    assert!(ns(ts) >= ns(*pts) + ns(*pdur), "{what}: slice {e} starts before the previous one ends");
                }
                list.push((ts, dur, e["name"].as_str().unwrap().to_owned()));
                if e["cat"] == "state" {
                    assert!(e["args"]["state"].is_string(), "{what}: {e}");
                }
            }
            "B" => *open_b.entry(tid.unwrap()).or_default() += 1,
            "E" => {
                let n = open_b.entry(tid.unwrap()).or_default();
                assert!(*n > 0, "{what}: E without B: {e}");
                *n -= 1;
            }
            "i" => {
                let ts = e["ts"].as_f64().unwrap();
                if e["s"] == "t" {
                    let last = last_instant.entry(tid.unwrap()).or_insert(0.0);
                    assert!(ts >= *last, "{what}: instants out of order on a track: {e}");
                    *last = ts;
                } else {
                    assert_eq!(e["s"], "g", "{what}: {e}");
                }
            }
            "s" | "f" => {
                let id = e["id"].as_u64().unwrap();
                let entry = (tid.unwrap(), e["ts"].as_f64().unwrap(), e["name"].as_str().unwrap().to_owned());
                let map = if ph == "s" { &mut starts } else { &mut finishes };
                assert!(map.insert(id, entry).is_none(), "{what}: flow id {id} used twice");
            }
            "C" => {
                for (_, n) in e["args"].as_object().unwrap() {
                    assert!(n.as_u64().is_some(), "{what}: counter not a count: {e}");
                }
            }
            other => panic!("{what}: unexpected phase {other}"),
        }
    }
    assert!(open_b.values().all(|n| *n == 0), "{what}: a B without its E");
    assert_eq!(starts.keys().collect::<Vec<_>>(), finishes.keys().collect::<Vec<_>>(), "{what}: unpaired flows");
    let within = |tid: u64, ts: f64| {
        slices.get(&tid).is_some_and(|l| l.iter().any(|(s, d, n)| n != "ready" && *s <= ts && ts <= s + d))
    };
    for (id, (stid, sts, sname)) in &starts {
        let (ftid, fts, fname) = &finishes[id];
        assert_eq!(sname, fname, "{what}: flow {id}");
        assert!(sts <= fts, "{what}: flow {id} goes back in time");
        // It leaves the step (or time.sleep) of the task that did it...
        assert!(within(*stid, *sts), "{what}: flow {id} starts outside a step of tid {stid} at {sts}");
        // ... and lands on the step of the task it woke.
        let lands = slices[ftid].iter().any(|(s, d, n)| n == "running" && s == fts && *d == 0.0);
        assert!(lands, "{what}: flow {id} does not land on a step of tid {ftid} at {fts}");
    }
    let last = events.last().unwrap();
    assert_eq!((last["ph"].as_str(), last["cat"].as_str()), (Some("i"), Some("outcome")), "{what}");
    assert_eq!(last["name"], v["otherData"]["outcome"], "{what}");
    names.values().cloned().collect()
}

/// The task names the JSON Lines view shows.
fn json_task_names(file: &str) -> BTreeSet<String> {
    let run = asim(&["run", "--format", "json", file]);
    let mut names = BTreeSet::new();
    for line in run.stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        for key in ["task", "child"] {
            if let (Some(n), false) = (v[key].as_str(), v["event"] == "end") {
                names.insert(n.to_owned());
            }
        }
    }
    names
}

#[test]
fn every_scenario_exports_a_well_formed_trace_with_a_track_per_task() {
    in_root();
    for path in scenario_files() {
        let file = rel(&path);
        let run = asim(&["run", "--format", "perfetto", &file]);
        assert!(run.code != 2, "{file}: {}", run.stderr);
        let tracks = check_trace(&run.stdout, &file);
        assert_eq!(tracks, json_task_names(&file), "{file}: track names differ from the task names");
    }
}

#[test]
fn deadlocks_limits_and_empty_runs_give_valid_traces() {
    in_root();
    let dead = asim(&["run", "--format", "perfetto", "scenarios/seed/12_deadlock.yaml"]);
    assert_eq!(dead.code, 3);
    check_trace(&dead.stdout, "deadlock");
    assert!(dead.stdout.contains("\"open\":true"), "the blocked states are left open");
    assert!(dead.stdout.contains("\"name\":\"deadlock\",\"args\":{\"cycle\":\"Task-2 -> Task-3 -> Task-2\"}"));
    let limit = asim(&["run", "--format", "perfetto", "--max-steps", "10000", "tests/limits/forever.yaml"]);
    assert_eq!(limit.code, 4);
    check_trace(&limit.stdout, "limit");
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let empty = dir.join("perfetto_empty.yaml");
    std::fs::write(&empty, "main:\n  - sleep: 0\n").unwrap();
    let run = asim(&["run", "--format", "perfetto", empty.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_trace(&run.stdout, "empty");
}

#[test]
fn the_trace_is_deterministic() {
    in_root();
    let a = asim(&["run", "--format", "perfetto", "scenarios/task_group_cancelling.yaml"]).stdout;
    let b = asim(&["run", "--format", "perfetto", "scenarios/task_group_cancelling.yaml"]).stdout;
    assert_eq!(a, b);
}

#[test]
fn bad_combinations_are_refused() {
    in_root();
    let run = asim(&["run", "--format", "perfetto", "--summary", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--summary"), "{}", run.stderr);
    let run = asim(&["run", "--format", "perfetto", "--python", "all", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--python all"), "{}", run.stderr);
}

#[test]
fn lock_handoff_trace_snapshot() {
    in_root();
    let run = asim(&["run", "--format", "perfetto", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot_settings().bind(|| insta::assert_snapshot!("perfetto_lock_handoff", run.stdout));
}

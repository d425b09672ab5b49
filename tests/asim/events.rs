//! The event stream's causes (docs/events.md): every wait and sleep is
//! answered by a `wake` that names what completed it, and what it names
//! happened before it.

use crate::{asim, in_root, rel, root, scenario_files};
use std::collections::{BTreeMap, BTreeSet};

/// The shipped scenarios and the regression scenarios.
fn all_scenarios() -> Vec<String> {
    let mut files: Vec<String> = scenario_files().iter().map(|p| rel(p)).collect();
    let mut more: Vec<String> = std::fs::read_dir(root().join("tests/regressions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| rel(&p))
        .collect();
    more.sort();
    files.extend(more);
    files
}

/// Events a suspended task may receive from others before it wakes.
const WHILE_SUSPENDED: [&str; 4] = ["cancel", "timeout_expired", "set_order", "warning"];

/// What a run's causes covered: the cause kinds and the cancellers seen.
#[derive(Default)]
pub(crate) struct Seen {
    kinds: BTreeSet<String>,
    cancellers: BTreeSet<String>,
}

impl Seen {
    /// The cause kinds seen.
    pub(crate) fn kinds(&self) -> &BTreeSet<String> {
        &self.kinds
    }
}

/// Checks the JSON Lines of one run: every wait and sleep is answered by
/// one wake before any other event of the task, and what a cause names
/// happened before it. `what` names the run in messages.
pub(crate) fn check_causes(stdout: &str, what: &str, seen: &mut Seen) {
    let (kinds, cancellers) = (&mut seen.kinds, &mut seen.cancellers);
    // Per task: suspended (after wait/sleep) or not.
    let mut suspended: BTreeMap<String, String> = BTreeMap::new();
    // What each task did so far, as (task, event, prim), and which finished.
    let mut did: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut finished: BTreeSet<String> = BTreeSet::new();
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let event = v["event"].as_str().unwrap().to_owned();
        if event == "end" {
            break;
        }
        let task = v["task"].as_str().unwrap().to_owned();
        let at = format!("{what}: {line}");
        match event.as_str() {
            "wake" => {
                assert!(suspended.remove(&task).is_some(), "a wake without a wait or sleep: {at}");
                let cause = &v["cause"];
                let kind = cause["kind"].as_str().unwrap();
                kinds.insert(kind.to_owned());
                let by = cause["task"].as_str().map(str::to_owned);
                match kind {
                    "finished" => {
                        assert!(finished.contains(by.as_ref().unwrap()), "woken by a task not finished: {at}")
                    }
                    "cancel" => {
                        cancellers.insert(cause["by"]["kind"].as_str().unwrap().to_owned());
                    }
                    "slept" | "deadline" | "loop" | "task" => {}
                    op => {
                        let prim = cause["prim"].as_str().unwrap().to_owned();
                        let key = (by.clone().unwrap(), op.to_owned(), prim);
                        assert!(did.contains(&key), "woken by an operation not seen: {at}");
                    }
                }
                if let Some(ready) = v.get("ready") {
                    assert!(ready.as_f64().unwrap() < v["t"].as_f64().unwrap(), "{at}");
                }
            }
            "wait" | "sleep" => {
                assert!(!suspended.contains_key(&task), "suspended twice: {at}");
                suspended.insert(task, event);
            }
            e if WHILE_SUSPENDED.contains(&e) => {
                if e == "cancel" {
                    cancellers.insert(v["by"]["kind"].as_str().unwrap().to_owned());
                }
            }
            _ => {
                assert!(!suspended.contains_key(&task), "an event of a suspended task: {at}");
                if ["done", "raise", "cancelled"].contains(&event.as_str()) {
                    finished.insert(task.clone());
                }
                if let Some(prim) = v["prim"].as_str() {
                    did.insert((task, event, prim.to_owned()));
                }
            }
        }
    }
}

#[test]
fn every_wait_is_answered_by_a_wake_that_names_its_cause() {
    in_root();
    let mut seen = Seen::default();
    for file in all_scenarios() {
        for python in ["3.11", "3.14"] {
            let out = asim(&["run", "--format", "json", "--python", python, &file]);
            check_causes(&out.stdout, &format!("{file} (python {python})"), &mut seen);
        }
    }
    let Seen { kinds, cancellers } = seen;
    // The shipped scenarios show every cause and every canceller.
    for kind in ["slept", "deadline", "release", "set", "notify", "put", "get", "finished", "cancel"] {
        assert!(kinds.contains(kind), "no scenario wakes a task by `{kind}`: {kinds:?}");
    }
    for by in ["task", "task_group", "shutdown", "timeout"] {
        assert!(cancellers.contains(by), "no scenario cancels by `{by}`: {cancellers:?}");
    }
}

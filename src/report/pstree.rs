//! `asim run --at T`: the state of the program at one instant, drawn as
//! CPython 3.14's `python -m asyncio pstree PID` draws a live process: the
//! awaited-by tree of tasks, each task `(T)` followed by its coroutine
//! frames, one level deeper each, and under the innermost frame the tasks
//! it awaits. asim adds, on each task's line, what it waits on and what it
//! holds, then the primitives with their holders and waiters, and the
//! pending timers in the order they would fire. `--format json` prints the
//! same [`Snapshot`] as one JSON object.

use super::{Style, BOLD, DIM};
use crate::runtime::{Snapshot, TaskState};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The snapshot as text. `title`: the scenario's name and release, as the
/// human view's first line has them.
pub fn render(snap: &Snapshot, title: &str, color: bool) -> String {
    let st = Style { on: color };
    let mut out = String::new();
    let at = crate::value::pyfmt::float_repr(snap.at);
    let _ = writeln!(out, "{}", st.paint(BOLD, &format!("asim run --at {at} {title}")));
    out.push_str(&situation(snap));
    out.push('\n');
    let pending = snap.tasks.len();
    let _ = writeln!(
        out,
        "{}",
        st.paint(BOLD, &format!("tasks: {pending} pending, {} finished (awaited-by tree)", snap.finished))
    );
    if pending == 0 {
        out.push_str("  (none)\n");
    }
    let mut tree = Tree { snap, st, out: &mut out, shown: BTreeSet::new() };
    for (i, &root) in snap.roots.iter().enumerate() {
        tree.task(root, "", i + 1 == snap.roots.len());
    }
    // Tasks that only await one another in a circle have no root.
    let rest: Vec<u32> = snap.tasks.iter().map(|t| t.id).filter(|id| !tree.shown.contains(id)).collect();
    for (i, &t) in rest.iter().enumerate() {
        if !tree.shown.contains(&t) {
            tree.task(t, "", i + 1 == rest.len());
        }
    }
    if !snap.primitives.is_empty() {
        let _ = writeln!(out, "\n{}", st.paint(BOLD, "primitives:"));
        for p in &snap.primitives {
            let _ = write!(out, "  {} `{}`: {}", p.kind, p.name, p.state);
            for w in &p.waiting {
                let what = match w.what {
                    "acquire" => "waiting to acquire",
                    "set" => "waiting for set()",
                    "get" => "waiting to get",
                    "put" => "waiting to put",
                    "notify" => "waiting for a notify",
                    "lock" => "notified, waiting for the lock",
                    _ => "waiting at it",
                };
                let _ = write!(out, "; {what}: {}", names(snap, &w.tasks));
            }
            out.push('\n');
        }
    }
    if !snap.timers.is_empty() {
        let _ = writeln!(out, "\n{}", st.paint(BOLD, "timers (in the order they fire):"));
        for t in &snap.timers {
            let _ = writeln!(out, "{}  {}", st.paint(DIM, &format!("{:>9.3}", t.when)), t.what);
        }
    }
    out
}

/// The line under the title: which instant this is and how the run got there.
fn situation(snap: &Snapshot) -> String {
    let at = crate::value::pyfmt::float_repr(snap.at);
    match snap.ended {
        None => {
            let next = match snap.timers.first() {
                Some(t) => format!("; the clock moves next to {:.3}", t.when),
                None => String::new(),
            };
            let late =
                if snap.time > snap.at { format!(" (a blocking call held the loop past {at})") } else { String::new() };
            if snap.time < snap.at {
                return format!(
                    "state at {:.3}s: the loop last ran at {:.3}s, and every callback due by then has run{next}\n",
                    snap.at, snap.time
                );
            }
            format!("state at {:.3}s{late}: every callback due by then has run{next}\n", snap.time)
        }
        Some("deadlock") => format!(
            "the run deadlocked at {:.3}s, before {at}: nothing changes after that (real asyncio would hang)\n",
            snap.time
        ),
        Some("limit") => format!("a run limit stopped the run at {:.3}s, before {at}: its state then\n", snap.time),
        Some("error") => format!(
            "the run ended at {:.3}s, before {at}, with an unhandled exception: its state at the end\n",
            snap.time
        ),
        Some(_) => format!("the run ended at {:.3}s, before {at}: its state at the end\n", snap.time),
    }
}

fn names(snap: &Snapshot, tasks: &[u32]) -> String {
    let v: Vec<&str> = tasks.iter().map(|t| task(snap, *t).map_or("?", |t| t.name.as_str())).collect();
    v.join(", ")
}

fn task(snap: &Snapshot, id: u32) -> Option<&TaskState> {
    snap.tasks.binary_search_by_key(&id, |t| t.id).ok().map(|i| &snap.tasks[i])
}

/// One task's line: name, call, state, holdings.
fn task_line(t: &TaskState) -> String {
    let mut line = format!("(T) {} {}", t.name, t.call);
    match t.state {
        "blocked" => {
            let _ = write!(line, " · waiting for {}", t.detail);
        }
        "sleeping" => {
            let _ = write!(line, " · sleeping {}", t.detail);
        }
        _ => {
            let _ = write!(line, " · {} ({})", t.state, t.detail);
        }
    }
    if !t.holds.is_empty() {
        let _ = write!(line, " · holds {}", t.holds.join(", "));
    }
    if t.cancelling > 0 {
        line.push_str(" · cancel requested");
    }
    line
}

struct Tree<'a> {
    snap: &'a Snapshot,
    st: Style,
    out: &'a mut String,
    /// Tasks drawn already: drawn again, a task is named only.
    shown: BTreeSet<u32>,
}

impl Tree<'_> {
    fn node(&mut self, prefix: &str, last: bool, label: &str) -> String {
        let (branch, more) = if last { ("└── ", "    ") } else { ("├── ", "│   ") };
        let _ = writeln!(self.out, "{}{label}", self.st.paint(DIM, &format!("{prefix}{branch}")));
        format!("{prefix}{more}")
    }

    fn task(&mut self, id: u32, prefix: &str, last: bool) {
        let snap = self.snap;
        let Some(t) = task(snap, id) else { return };
        if !self.shown.insert(id) {
            self.node(prefix, last, &format!("(T) {} (shown above)", t.name));
            return;
        }
        let mut prefix = self.node(prefix, last, &task_line(t));
        for f in &t.frames {
            let label = match f.line {
                0 => format!(" {} (asyncio)", f.coroutine),
                line => format!(" {} ({}:{line})", f.coroutine, snap.file),
            };
            prefix = self.node(&prefix, true, &label);
        }
        for (i, &child) in t.awaits.iter().enumerate() {
            self.task(child, &prefix, i + 1 == t.awaits.len());
        }
    }
}

/// The snapshot as one JSON object (one line), with the release it reproduced.
pub fn json(snap: &Snapshot, python: &str) -> String {
    #[derive(serde::Serialize)]
    struct WithPython<'a> {
        python: &'a str,
        #[serde(flatten)]
        snapshot: &'a Snapshot,
    }
    let mut s = serde_json::to_string(&WithPython { python, snapshot: snap }).unwrap_or_default();
    s.push('\n');
    s
}

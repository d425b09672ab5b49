//! Stage 5: the report. Turns a [`RunResult`] into what the user reads.
//!
//! Three views: the default human view (time, task, event, aligned, with
//! the waits and wake-ups that explain the order, and a summary line),
//! `--stdout` (exactly what the Python program prints), and `--format json`
//! (JSON Lines, one object per event, then an `end` object).

use crate::runtime::{Event, EventKind, Outcome, RunResult, WaitOn};
use crate::source::Source;
use serde_json::json;
use std::fmt::Write as _;

const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

/// Exactly the program's stdout.
pub fn stdout(result: &RunResult) -> String {
    let mut out = String::new();
    for e in &result.events {
        if let EventKind::Print(text) = &e.kind {
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

fn outcome_word(o: &Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::Error { .. } => "error",
        Outcome::Deadlock(_) => "deadlock",
        Outcome::Limit(_) => "limit",
    }
}

/// What CPython would write on stderr while running: asyncio's log
/// messages and RuntimeWarnings, in the order they happen.
pub fn warnings(result: &RunResult) -> String {
    let mut out = String::new();
    for e in &result.events {
        if let EventKind::Warning(text) = &e.kind {
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

/// The end-of-run explanation: a traceback, a deadlock report or a limit,
/// or nothing for a clean run. Goes to stderr with `--stdout`.
pub fn epilogue(result: &RunResult, source: &Source) -> String {
    let mut out = String::new();
    let task = |i: u32| result.tasks.get(i as usize).map_or("?", |t| t.name.as_str());
    match &result.outcome {
        Outcome::Ok => {}
        Outcome::Error { kind, message, traceback } => {
            out.push_str("Traceback (most recent call last):\n");
            for (coro, line, _) in traceback {
                let _ = writeln!(out, "  File \"{}\", line {line}, in {coro}", source.path);
                if let Some(text) = source.text.lines().nth(*line as usize - 1) {
                    let _ = writeln!(out, "    {}", text.trim());
                }
            }
            if message.is_empty() {
                let _ = writeln!(out, "{kind}");
            } else {
                let _ = writeln!(out, "{kind}: {message}");
            }
        }
        Outcome::Deadlock(d) => {
            let _ = writeln!(
                out,
                "deadlock at {:.3}s: no task can ever run again, and main has not finished",
                result.elapsed
            );
            let _ = writeln!(out, "(real asyncio would hang here forever)");
            let width = d.blocked.iter().map(|w| task(w.task).len()).max().unwrap_or(0);
            for w in &d.blocked {
                let call = result.tasks.get(w.task as usize).map_or("", |t| t.call.as_str());
                let _ = writeln!(out, "  {:width$}  {call} waits for {}", task(w.task), w.on);
            }
            if let Some(c) = &d.cycle {
                let names: Vec<&str> = c.iter().map(|i| task(*i)).collect();
                let _ = writeln!(out, "  cycle: {}", names.join(" -> "));
            }
        }
        Outcome::Limit(msg) => {
            let _ = writeln!(out, "asim stopped the run at {:.3}s: {msg}", result.elapsed);
            let _ = writeln!(out, "(raise the limit with --max-steps / --max-tasks if the scenario really needs more)");
        }
    }
    out
}

fn wait_text(on: &WaitOn, task: &dyn Fn(u32) -> String) -> String {
    match on {
        WaitOn::Lock(n, Some(h)) => format!("lock `{n}` (held by {})", task(*h)),
        WaitOn::Lock(n, None) => format!("lock `{n}` (handed to an earlier waiter)"),
        WaitOn::Semaphore(n) => format!("semaphore `{n}` (no free unit)"),
        WaitOn::Event(n) => format!("event `{n}`"),
        WaitOn::Task(t) => task(*t),
        WaitOn::Gather(n) => format!("gather of {n} awaitable{}", if *n == 1 { "" } else { "s" }),
        WaitOn::Queue(q, what) => format!("queue `{q}` ({what})"),
        WaitOn::Condition(c) => format!("condition `{c}` (a notify)"),
        WaitOn::TaskGroup(n) => format!("task group ({n} task{} left)", if *n == 1 { "" } else { "s" }),
    }
}

/// The default view.
pub fn human(result: &RunResult, source: &Source, name: &str, color: bool) -> String {
    let st = Style { on: color };
    let task = |i: u32| result.tasks.get(i as usize).map_or_else(|| "?".to_owned(), |t| t.name.clone());
    let width = result.tasks.iter().map(|t| t.name.len()).max().unwrap_or(6).max(4);
    let mut out = String::new();
    let _ = writeln!(out, "{}", st.paint(BOLD, &format!("asim run {name}")));
    let _ = writeln!(out, "{}", st.paint(DIM, &format!("{:>9}  {:width$}  event", "time", "task")));
    for Event { t, task: tid, kind } in &result.events {
        let time = format!("{t:>9.3}");
        let who = format!("{:width$}", task(*tid));
        let (verb, rest, style) = match kind {
            EventKind::Print(text) => {
                for (i, line) in text.split('\n').enumerate() {
                    let lead = if i == 0 { format!("{time}  {who}") } else { format!("{:>9}  {:width$}", "", "") };
                    let _ = writeln!(out, "{}  {} {}", st.paint(DIM, &lead), st.paint(DIM, "|"), st.paint(BOLD, line));
                }
                continue;
            }
            EventKind::Start => {
                ("start", result.tasks.get(*tid as usize).map_or(String::new(), |t| t.call.clone()), DIM)
            }
            EventKind::Spawn(c) => (
                "spawn",
                format!("{} {}", task(*c), result.tasks.get(*c as usize).map_or("", |t| t.call.as_str())),
                DIM,
            ),
            EventKind::Sleep(until) => ("sleep", format!("until {}", crate::value::pyfmt::float_repr(*until)), DIM),
            EventKind::Block(d) => ("block", format!("{d}s: the whole loop stalls (time.sleep)"), YELLOW),
            EventKind::Wait(on) => ("wait", wait_text(on, &task), YELLOW),
            EventKind::Wake => ("wake", String::new(), DIM),
            EventKind::Done(v) if v == "None" => ("done", String::new(), GREEN),
            EventKind::Done(v) => ("done", format!("-> {v}"), GREEN),
            EventKind::Failed(k, m) if m.is_empty() => ("raise", k.clone(), RED),
            EventKind::Failed(k, m) => ("raise", format!("{k}: {m}"), RED),
            EventKind::Cancelled => ("cancelled", String::new(), RED),
            EventKind::ShutdownCancel => {
                ("cancel", "asyncio.run() cancels leftover tasks at shutdown".to_owned(), YELLOW)
            }
            EventKind::CancelRequested(by) => ("cancel", format!("requested by {}", task(*by)), YELLOW),
            EventKind::TimeoutExpired => ("timeout", "expired: CancelledError at the next await".to_owned(), YELLOW),
            EventKind::Warning(text) => ("warn", format!("{} (stderr)", text.lines().next().unwrap_or_default()), RED),
        };
        let line = if rest.is_empty() { verb.to_owned() } else { format!("{verb:<6} {rest}") };
        let _ = writeln!(out, "{}  {}", st.paint(DIM, &format!("{time}  {who}")), st.paint(style, &line));
    }
    let epi = epilogue(result, source);
    if !epi.is_empty() {
        out.push('\n');
        out.push_str(&st.paint(RED, epi.trim_end()));
        out.push('\n');
    }
    let n = result.tasks.iter().filter(|t| !t.internal).count();
    let summary = format!(
        "== elapsed {:.3}s · {n} task{} · {}",
        result.elapsed,
        if n == 1 { "" } else { "s" },
        outcome_word(&result.outcome)
    );
    let colour = if matches!(result.outcome, Outcome::Ok) { GREEN } else { RED };
    let _ = writeln!(out, "{}", st.paint(colour, &summary));
    out
}

/// JSON Lines.
pub fn json(result: &RunResult) -> String {
    let task = |i: u32| result.tasks.get(i as usize).map_or_else(|| "?".to_owned(), |t| t.name.clone());
    let mut out = String::new();
    for Event { t, task: tid, kind } in &result.events {
        let mut obj = json!({"t": t, "task": task(*tid)});
        let m = obj.as_object_mut().expect("object");
        let (event, extra): (&str, Vec<(&str, serde_json::Value)>) = match kind {
            EventKind::Print(text) => ("print", vec![("text", json!(text))]),
            EventKind::Start => {
                ("start", vec![("call", json!(result.tasks.get(*tid as usize).map(|t| t.call.clone())))])
            }
            EventKind::Spawn(c) => ("spawn", vec![("child", json!(task(*c)))]),
            EventKind::Sleep(until) => ("sleep", vec![("until", json!(until))]),
            EventKind::Block(d) => ("block", vec![("seconds", json!(d))]),
            EventKind::Wait(on) => ("wait", vec![("on", json!(wait_text(on, &task)))]),
            EventKind::Wake => ("wake", vec![]),
            EventKind::Done(v) => ("done", vec![("result", json!(v))]),
            EventKind::Failed(k, msg) => ("raise", vec![("error", json!({"type": k, "message": msg}))]),
            EventKind::Cancelled => ("cancelled", vec![]),
            EventKind::ShutdownCancel => ("shutdown_cancel", vec![]),
            EventKind::CancelRequested(by) => ("cancel_requested", vec![("by", json!(task(*by)))]),
            EventKind::TimeoutExpired => ("timeout_expired", vec![]),
            EventKind::Warning(text) => ("warning", vec![("text", json!(text))]),
        };
        m.insert("event".into(), json!(event));
        for (k, v) in extra {
            m.insert(k.into(), v);
        }
        out.push_str(&obj.to_string());
        out.push('\n');
    }
    let error = match &result.outcome {
        Outcome::Error { kind, message, .. } => json!({"type": kind, "message": message}),
        _ => serde_json::Value::Null,
    };
    let mut end = json!({"event": "end", "t": result.elapsed, "elapsed": result.elapsed, "outcome": outcome_word(&result.outcome), "error": error, "tasks": result.tasks.iter().filter(|t| !t.internal).count()});
    if let Outcome::Deadlock(d) = &result.outcome {
        let m = end.as_object_mut().expect("object");
        m.insert("blocked".into(), d.blocked.iter().map(|w| json!({"task": task(w.task), "on": w.on})).collect());
        m.insert("cycle".into(), json!(d.cycle.as_ref().map(|c| c.iter().map(|i| task(*i)).collect::<Vec<_>>())));
    }
    if let Outcome::Limit(msg) = &result.outcome {
        end.as_object_mut().expect("object").insert("limit".into(), json!(msg));
    }
    out.push_str(&end.to_string());
    out.push('\n');
    out
}

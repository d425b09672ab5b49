//! `event-never-set`, `condition-never-notified`, `queue-no-consumer` and
//! `queue-no-producer`: one side of a primitive's handshake is missing
//! from the whole scenario.
//!
//! Every method call on a primitive counts, wherever it stands (awaited,
//! a task, a `wait_for`'s awaitable, a branch never taken); through a
//! parameter it counts for every primitive passed to that parameter. A
//! primitive that escapes (stored, passed where the check cannot follow)
//! is not judged.

use super::facts::Facts;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::value::PrimKind;

/// What the scenario does with one primitive.
#[derive(Default, Clone)]
struct Uses {
    /// The first wait (`wait`, `wait_for`) or get.
    waits: Option<Span>,
    /// The first put.
    puts: Option<Span>,
    /// `set`, `notify`, `notify_all`.
    signalled: bool,
    /// `shutdown` (it ends a queue's getters and putters alike).
    shutdown: bool,
}

pub(crate) fn check(facts: &Facts, out: &mut Vec<Diagnostic>) {
    let mut uses = vec![Uses::default(); facts.prims.len()];
    for body in 0..facts.bodies.len() {
        for s in facts.all_steps(body) {
            for (ids, method, _, span) in facts.prim_methods(body, s) {
                for id in ids {
                    let u = &mut uses[id as usize];
                    let queue =
                        matches!(facts.kind(id), PrimKind::Queue | PrimKind::LifoQueue | PrimKind::PriorityQueue);
                    let first = |slot: &mut Option<Span>| {
                        if slot.as_ref().is_none_or(|s| span.start < s.start) {
                            *slot = Some(span.clone());
                        }
                    };
                    match method {
                        "wait" | "wait_for" if !queue => first(&mut u.waits),
                        "get" | "get_nowait" if queue => first(&mut u.waits),
                        "put" | "put_nowait" if queue => first(&mut u.puts),
                        "set" | "notify" | "notify_all" => u.signalled = true,
                        "shutdown" => u.shutdown = true,
                        _ => {}
                    }
                }
            }
        }
    }
    for (id, u) in uses.iter().enumerate() {
        if facts.escaped[id] {
            continue;
        }
        let name = facts.name(id as u32);
        let kind = facts.kind(id as u32);
        let d = match (kind, &u.waits, &u.puts) {
            (PrimKind::Event, Some(w), _) if !u.signalled => Diagnostic::warning(
                format!("event `{name}` is waited on but never set"),
                w.clone(),
            )
            .with_id("event-never-set")
            .with_label("this waits until the event is set: nothing in the scenario sets it")
            .with_hint(format!(
                "call `{name}.set()` where the waiters should go on (or give the wait a timeout with `wait_for`); `allow: event-never-set` silences this"
            )),
            (PrimKind::Condition, Some(w), _) if !u.signalled => Diagnostic::warning(
                format!("condition `{name}` is waited on but never notified"),
                w.clone(),
            )
            .with_id("condition-never-notified")
            .with_label("this waits for a notify: nothing in the scenario notifies the condition")
            .with_hint(format!(
                "inside `with: {name}`, call `{name}.notify()` or `{name}.notify_all()` when the state changes; `allow: condition-never-notified` silences this"
            )),
            (PrimKind::Queue | PrimKind::LifoQueue | PrimKind::PriorityQueue, None, Some(p)) if !u.shutdown => {
                Diagnostic::warning(format!("queue `{name}` is put into but nothing gets from it"), p.clone())
                    .with_id("queue-no-consumer")
                    .with_label("no `get()` or `get_nowait()` anywhere in the scenario reads what this puts")
                    .with_hint(format!(
                        "add a consumer (`await: {name}.get()`), or drop the queue; a bounded queue blocks its producers once full; `allow: queue-no-consumer` silences this"
                    ))
            }
            (PrimKind::Queue | PrimKind::LifoQueue | PrimKind::PriorityQueue, Some(g), None) if !u.shutdown => {
                Diagnostic::warning(format!("queue `{name}` is read but nothing puts into it"), g.clone())
                    .with_id("queue-no-producer")
                    .with_label("this waits for an item: no `put()` or `put_nowait()` anywhere in the scenario")
                    .with_hint(format!(
                        "add a producer (`await: {name}.put(item)`), or `{name}.shutdown()` to release the getters; `allow: queue-no-producer` silences this"
                    ))
            }
            _ => continue,
        };
        out.push(d);
    }
}

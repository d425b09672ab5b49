//! `allow:`: silencing `asim check`'s warnings, for a whole scenario (a
//! top-level list of ids) or for one step (a key next to its verb).
//!
//! The ids are part of the format, so they are listed here, with the
//! sentence `asim schema` shows for each; the checks that report them live
//! in `check::lints` (and `set-order` in `report::orders`).

use super::ast::Name;
use super::yaml::{Node, NodeKind};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;

/// Every warning id `asim check` reports, with what it finds.
pub(crate) const IDS: &[(&str, &str)] = &[
    ("lock-order", "two locks taken in opposite orders by two paths: a potential deadlock"),
    ("event-never-set", "an Event waited on but set nowhere"),
    ("condition-never-notified", "a Condition waited on but notified nowhere"),
    ("unreleased-lock", "a lock or semaphore taken with acquire() that some path leaves held"),
    ("never-awaited", "a coroutine called but never awaited, made a task or passed on"),
    ("fire-and-forget", "a task whose handle is never awaited, cancelled, gathered or kept"),
    ("semaphore-over-release", "a semaphore that some path releases more often than it acquires"),
    ("queue-no-consumer", "a queue that is put into but never read"),
    ("queue-no-producer", "a queue that is read but never put into"),
    ("set-order", "output that depends on an order CPython leaves to memory addresses"),
];

/// Whether `id` is a known warning id.
pub(crate) fn known(id: &str) -> bool {
    IDS.iter().any(|(k, _)| *k == id)
}

/// Where warnings are silenced.
#[derive(Debug, Clone, Default)]
pub(crate) struct Allows {
    /// The top-level `allow:` ids: silenced everywhere.
    pub(crate) scenario: Vec<Name>,
    /// Each step's `allow:`: the step's whole extent (its body included)
    /// and the ids silenced there, in file order.
    pub(crate) steps: Vec<(Span, Vec<Name>)>,
}

impl Allows {
    /// Whether a warning `id` reported at `at` (a byte offset) is silenced.
    pub(crate) fn silences(&self, id: &str, at: usize) -> bool {
        self.scenario.iter().any(|n| n.text == id)
            || self.steps.iter().any(|(span, ids)| span.contains(&at) && ids.iter().any(|n| n.text == id))
    }
}

/// An `allow:` value: one id, or a list of them; unknown ids are errors.
pub(crate) fn ids(node: &Node, errors: &mut Vec<Diagnostic>) -> Vec<Name> {
    let items: Vec<&Node> = match &node.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(text) = item.as_str().map(str::trim) else {
            errors.push(
                Diagnostic::error(format!("`allow` takes warning ids, found {}", item.kind_name()), item.span.clone())
                    .with_hint("write `allow: fire-and-forget`, or a list: `allow: [lock-order, never-awaited]`"),
            );
            continue;
        };
        if known(text) {
            out.push(Name { text: text.to_owned(), span: item.span.clone() });
        } else {
            let hint = did_you_mean(text, IDS.iter().map(|(k, _)| *k)).unwrap_or_else(|| {
                format!("the ids are {}", IDS.iter().map(|(k, _)| format!("`{k}`")).collect::<Vec<_>>().join(", "))
            });
            errors.push(
                Diagnostic::error(format!("unknown warning id `{text}`"), item.span.clone())
                    .with_label("`asim check` reports no such warning")
                    .with_hint(hint),
            );
        }
    }
    out
}

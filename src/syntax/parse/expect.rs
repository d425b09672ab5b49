//! The top-level `expect:` block: what the run must do (outcome, elapsed
//! time, lines printed or not, a ceiling on tasks), checked by `asim run`
//! and `asim test` after the run. It holds no Python code, only literals,
//! so it is complete after parsing.

use super::{parse_duration, Parser};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;
use crate::syntax::yaml::{Node, NodeKind, Style};

pub(crate) const EXPECT_KEYS: &[&str] = &["outcome", "elapsed", "prints", "never_prints", "max_tasks"];
const OUTCOMES: &[&str] = &["ok", "error", "deadlock", "limit"];

/// What the scenario says its run must do; each part keeps the span of its
/// YAML entry, where a failed expectation points.
#[derive(Debug, Clone, Default)]
pub(crate) struct Expect {
    pub(crate) outcome: Option<(ExpectedOutcome, Span)>,
    pub(crate) elapsed: Option<(Elapsed, Span)>,
    /// Lines that must be printed, in this order (others may come between).
    pub(crate) prints: Vec<(String, Span)>,
    /// Lines that must never be printed.
    pub(crate) never_prints: Vec<(String, Span)>,
    pub(crate) max_tasks: Option<(u64, Span)>,
}

/// How the run must end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExpectedOutcome {
    Ok,
    Deadlock,
    Limit,
    /// An unhandled exception; of this exact class and with this `str()`
    /// when given.
    Error {
        kind: Option<String>,
        message: Option<String>,
    },
}

/// The elapsed virtual time the run must end at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Elapsed {
    /// Equal, allowing the rounding of a float sum (1e-9 relative).
    Exact(f64),
    /// Inclusive bounds.
    Range(f64, f64),
}

impl Expect {
    /// How many separate expectations the block holds.
    pub(crate) fn count(&self) -> usize {
        usize::from(self.outcome.is_some())
            + usize::from(self.elapsed.is_some())
            + usize::from(self.max_tasks.is_some())
            + self.prints.len()
            + self.never_prints.len()
    }
}

impl Parser<'_> {
    /// `expect:` (its key and value).
    pub(crate) fn expect(&mut self, node: &Node) -> Option<Expect> {
        let mut ex = Expect::default();
        let NodeKind::Map(entries) = &node.kind else {
            self.err(
                Diagnostic::error(format!("`expect` takes a map, found {}", node.kind_name()), node.span.clone())
                    .with_hint("write `expect:` then, indented, any of `outcome: ok`, `elapsed: 2.5`, `prints: [...]`, `never_prints: [...]`, `max_tasks: 10`"),
            );
            return None;
        };
        for (k, v) in entries {
            let Some(name) = self.key(k) else { continue };
            let entry = k.span.start..v.span.end.max(k.span.end);
            match name {
                "outcome" => ex.outcome = self.outcome(v).map(|o| (o, entry)),
                "elapsed" => ex.elapsed = self.elapsed(v).map(|e| (e, entry)),
                "prints" => ex.prints = self.lines(v, "prints"),
                "never_prints" => ex.never_prints = self.lines(v, "never_prints"),
                "max_tasks" => ex.max_tasks = self.count(v).map(|n| (n, entry)),
                other => self.unknown_key(other, k.span.clone(), EXPECT_KEYS, "in `expect`"),
            }
        }
        Some(ex)
    }

    fn outcome(&mut self, node: &Node) -> Option<ExpectedOutcome> {
        let hint = "write `ok`, `deadlock`, `limit`, `error`, `\"error: ValueError\"`, or a map `{error: ValueError, message: ...}`";
        if let NodeKind::Map(entries) = &node.kind {
            let (mut kind, mut message, mut seen_error) = (None, None, false);
            for (k, v) in entries {
                match self.key(k) {
                    Some("error") => {
                        seen_error = true;
                        if !v.is_null() {
                            kind = self.class_name(v);
                        }
                    }
                    Some("message") => message = self.text(v, "message").map(str::to_owned),
                    Some(other) => self.unknown_key(other, k.span.clone(), &["error", "message"], "in `outcome`"),
                    None => {}
                }
            }
            if !seen_error {
                self.err(
                    Diagnostic::error("an `outcome` map says which error: it needs an `error` key", node.span.clone())
                        .with_hint(hint),
                );
                return None;
            }
            return Some(ExpectedOutcome::Error { kind, message });
        }
        let text = self.text(node, "outcome")?.trim();
        match text {
            "ok" => Some(ExpectedOutcome::Ok),
            "deadlock" => Some(ExpectedOutcome::Deadlock),
            "limit" => Some(ExpectedOutcome::Limit),
            "error" => Some(ExpectedOutcome::Error { kind: None, message: None }),
            _ => {
                if let Some(class) = text.strip_prefix("error:").or_else(|| text.strip_prefix("error ")) {
                    let class = class.trim();
                    if is_class_name(class) {
                        return Some(ExpectedOutcome::Error { kind: Some(class.to_owned()), message: None });
                    }
                }
                let mut d = Diagnostic::error(format!("`{text}` is not an outcome"), node.span.clone()).with_hint(hint);
                if let Some(guess) = did_you_mean(text, OUTCOMES.iter().copied()) {
                    d = d.with_hint(guess);
                }
                self.err(d);
                None
            }
        }
    }

    fn class_name(&mut self, node: &Node) -> Option<String> {
        let text = self.text(node, "error")?.trim();
        if is_class_name(text) {
            Some(text.to_owned())
        } else {
            self.err(
                Diagnostic::error(format!("`{text}` is not an exception class name"), node.span.clone())
                    .with_hint("name the class, as in `error: ValueError`"),
            );
            None
        }
    }

    fn elapsed(&mut self, node: &Node) -> Option<Elapsed> {
        let hint = "write seconds (`2.5`, `500ms`), a range `[2, 3]`, or bounds `{min: 2, max: 3}`";
        match &node.kind {
            NodeKind::Scalar { .. } => Some(Elapsed::Exact(self.seconds(node)?)),
            NodeKind::Seq(items) if items.len() == 2 => {
                let lo = self.seconds(&items[0]);
                let hi = self.seconds(&items[1]);
                let (lo, hi) = (lo?, hi?);
                self.range(lo, hi, node)
            }
            NodeKind::Map(entries) => {
                let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
                for (k, v) in entries {
                    match self.key(k) {
                        Some("min") => lo = self.seconds(v)?,
                        Some("max") => hi = self.seconds(v)?,
                        Some(other) => self.unknown_key(other, k.span.clone(), &["min", "max"], "in `elapsed`"),
                        None => {}
                    }
                }
                self.range(lo, hi, node)
            }
            _ => {
                self.err(
                    Diagnostic::error(
                        format!("`elapsed` takes seconds or a range, found {}", node.kind_name()),
                        node.span.clone(),
                    )
                    .with_hint(hint),
                );
                None
            }
        }
    }

    fn range(&mut self, lo: f64, hi: f64, node: &Node) -> Option<Elapsed> {
        if lo > hi {
            self.err(
                Diagnostic::error(format!("the range is empty: {lo} is more than {hi}"), node.span.clone())
                    .with_hint("write the smaller bound first"),
            );
            return None;
        }
        Some(Elapsed::Range(lo, hi))
    }

    /// A non-negative number of seconds, plain or with a unit.
    fn seconds(&mut self, node: &Node) -> Option<f64> {
        let value = match &node.kind {
            NodeKind::Scalar { text, style: Style::Plain, .. } => match parse_duration(text) {
                Some(Ok(v)) => Some(v),
                Some(Err((msg, hint))) => {
                    self.err(Diagnostic::error(msg, node.span.clone()).with_hint(hint));
                    return None;
                }
                None => text.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
            },
            _ => None,
        };
        match value {
            Some(v) if v >= 0.0 => Some(v),
            _ => {
                self.err(
                    Diagnostic::error(
                        format!("`{}` is not a number of seconds", node.as_str().unwrap_or("this")),
                        node.span.clone(),
                    )
                    .with_hint("write a plain number (`2.5`) or one with a unit (`500ms`), not quoted"),
                );
                None
            }
        }
    }

    fn count(&mut self, node: &Node) -> Option<u64> {
        match node.as_str().map(|t| t.trim().parse::<u64>()) {
            Some(Ok(n)) if matches!(node.kind, NodeKind::Scalar { style: Style::Plain, .. }) => Some(n),
            _ => {
                self.err(
                    Diagnostic::error("`max_tasks` takes a whole number", node.span.clone())
                        .with_hint("count the tasks the program creates, main included, as in `max_tasks: 10`"),
                );
                None
            }
        }
    }

    /// One line, or a list of lines, each exactly as printed.
    fn lines(&mut self, node: &Node, what: &str) -> Vec<(String, Span)> {
        match &node.kind {
            NodeKind::Scalar { .. } => {
                node.as_str().map(|t| vec![(t.to_owned(), node.span.clone())]).unwrap_or_default()
            }
            NodeKind::Seq(items) => items
                .iter()
                .filter_map(|i| match i.as_str() {
                    Some(t) => Some((t.to_owned(), i.span.clone())),
                    None => {
                        self.err(Diagnostic::error(
                            format!("each line in `{what}` is text, found {}", i.kind_name()),
                            i.span.clone(),
                        ));
                        None
                    }
                })
                .collect(),
            NodeKind::Map(_) => {
                self.err(
                    Diagnostic::error(format!("`{what}` takes a list of lines, found a map"), node.span.clone())
                        .with_hint("quote a line that contains `: ` (YAML reads it as a map)"),
                );
                Vec::new()
            }
        }
    }
}

fn is_class_name(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

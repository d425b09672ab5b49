//! A span-aware YAML tree.
//!
//! `saphyr-parser` gives a stream of YAML 1.2 events, each with its span. We
//! fold them into a small tree of [`Node`]s that remembers where every scalar,
//! list and map came from, so that every later error (an unknown key, a bad
//! expression inside a scalar) can point at the exact text.

use crate::diagnostic::Diagnostic;
use crate::source::{CharIndex, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::borrow::Cow;

/// How a scalar was written, which decides how it is typed (YAML 1.2 core schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Unquoted: `1`, `true`, `null`, `x + 1` are typed by their text.
    Plain,
    /// Quoted or block (`|`, `>`): always a string.
    Quoted,
}

/// A YAML value with its position.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub(crate) kind: NodeKind<'a>,
    /// The whole node, in bytes of the file.
    pub(crate) span: Span,
}

/// The shape of a YAML value.
#[derive(Debug, Clone)]
pub(crate) enum NodeKind<'a> {
    /// A scalar's text and how it was written. `verbatim`: the file holds
    /// the text as it is (so offsets inside it map to the file, and the text
    /// is borrowed from the file, not copied); false when escapes or folding
    /// changed it.
    Scalar {
        text: Cow<'a, str>,
        style: Style,
        verbatim: bool,
    },
    Seq(Vec<Node<'a>>),
    /// Keys in file order.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

impl Node<'_> {
    /// Where a scalar's text starts in the file, if the file holds it
    /// verbatim (inside the quotes of a quoted one).
    pub(crate) fn verbatim_at(&self) -> Option<usize> {
        match &self.kind {
            NodeKind::Scalar { verbatim: true, style: Style::Plain, .. } => Some(self.span.start),
            NodeKind::Scalar { verbatim: true, style: Style::Quoted, .. } => Some(self.span.start + 1),
            _ => None,
        }
    }

    /// The scalar text, if this is a scalar.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A word for the node's kind, for "expected X, found Y" messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a map",
        }
    }

    /// Whether this is a plain `null`/`~`/empty scalar.
    pub(crate) fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, style: Style::Plain, .. }
            if text.is_empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }
}

/// Parses one YAML document into a [`Node`].
/// How deeply YAML collections may nest. A scenario written by hand nests
/// a dozen levels; every later pass walks the tree recursively.
pub(crate) const MAX_NESTING: usize = 500;

const NESTING_HINT: &str = "split the scenario into coroutines: each `await` of one is a level less";

/// A map with this many keys gets an index for its duplicate-key check.
const INDEXED_MAP: usize = 16;

/// A collection being built: the node, a map's key waiting for its value,
/// and, for a big map, where each key is.
type Open<'a> = (Node<'a>, Option<Node<'a>>, Option<std::collections::HashMap<String, usize>>);

/// Whether the error at byte `at` follows a flow collection that is the
/// start of an assignment on its line (`- let: [a, b] = xs`).
fn flow_then_assignment(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let rest = text[at..].trim_start();
    let value = line.split_once(": ").map_or("", |(_, v)| v.trim_start());
    (value.starts_with('[') || value.starts_with('{')) && (rest.starts_with('=') || rest.starts_with("+="))
}

pub(crate) fn parse(text: &str) -> Result<Node<'_>, Diagnostic> {
    let chars = CharIndex::new(text);
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut root: Option<Node<'_>> = None;
    let mut documents = 0;
    for (n, item) in Parser::new_from_str(text).enumerate() {
        let (event, span) = item.map_err(|e| {
            let at = chars.byte(e.marker().index());
            if e.info().contains("unknown anchor") {
                // `*tasks` with no `&tasks`: almost always a starred Python expression.
                let start = text[..at].rfind('*').unwrap_or(at);
                return alias_error(text, start);
            }
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            if e.info().contains("recursion limit") {
                // The YAML parser's own limit on flow collections (`[[[...]]]`).
                return Diagnostic::error("the YAML nests too deeply", at..end).with_hint(NESTING_HINT);
            }
            syntax_error(text, at, end, e.info())
        })?;
        let sp = chars.byte(span.start.index())..chars.byte(span.end.index());
        if n % 1024 == 0 && crate::memory::ceiling() != crate::memory::Ceiling::Under {
            return Err(crate::memory::ceiling_error(sp));
        }
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(Diagnostic::error("a scenario is one YAML document, found a second", sp)
                        .with_hint("remove the `---` separator and everything after it, or split the file"));
                }
                continue;
            }
            Event::Alias(_) => return Err(alias_error(text, sp.start)),
            Event::Scalar(value, style, _, _) => {
                let (style, at) = match style {
                    ScalarStyle::Plain => (Style::Plain, Some(sp.clone())),
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        (Style::Quoted, Some(sp.start + 1..sp.end.saturating_sub(1)))
                    }
                    _ => (Style::Quoted, None),
                };
                // Most scalars are in the file as they are: borrow them.
                let same = at.and_then(|r| text.get(r)).filter(|t| *t == value.as_ref());
                let (text, verbatim) = match same {
                    Some(t) => (Cow::Borrowed(t), true),
                    None => (Cow::Owned(value.into_owned().into_boxed_str().into_string()), false),
                };
                Node { kind: NodeKind::Scalar { text, style, verbatim }, span: sp }
            }
            Event::SequenceStart(_, _) | Event::MappingStart(_, _) => {
                if stack.len() >= MAX_NESTING {
                    return Err(Diagnostic::error(
                        format!("the YAML nests too deeply (more than {MAX_NESTING} levels)"),
                        sp.start..sp.start + 1,
                    )
                    .with_hint(NESTING_HINT));
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    NodeKind::Seq(Vec::new())
                } else {
                    NodeKind::Map(Vec::new())
                };
                stack.push((Node { kind, span: sp }, None, None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (mut node, _, _) = stack.pop().expect("balanced YAML events");
                // Most collections are small (a step is a map of one or two
                // keys): keep exactly what they hold, not a growth reserve.
                match &mut node.kind {
                    NodeKind::Seq(items) => items.shrink_to_fit(),
                    NodeKind::Map(entries) => entries.shrink_to_fit(),
                    NodeKind::Scalar { .. } => {}
                }
                node.span.end = node.span.end.max(sp.end);
                if let Some(e) = entries_end(&node.kind) {
                    node.span.end = node.span.end.max(e);
                }
                node
            }
            _ => continue,
        };
        // Attach the finished node to its parent.
        match stack.last_mut() {
            None => root = Some(node),
            Some((parent, pending_key, index)) => match &mut parent.kind {
                NodeKind::Seq(items) => items.push(node),
                NodeKind::Map(entries) => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(key) => {
                        if let Some(k) = key.as_str() {
                            // A linear scan for small maps; an index once a map is big.
                            if index.is_none() && entries.len() >= INDEXED_MAP {
                                let keys = entries.iter().enumerate();
                                let keys = keys.filter_map(|(i, (e, _))| Some((e.as_str()?.to_owned(), i)));
                                *index = Some(keys.rev().collect());
                            }
                            let earlier = match index {
                                Some(index) => index.get(k).map(|&i| &entries[i]),
                                None => entries.iter().find(|(e, _)| e.as_str() == Some(k)),
                            };
                            if let Some((first, _)) = earlier {
                                let (line, _) = line_of(text, first.span.start);
                                let elif = k == "then" && entries.iter().any(|(e, _)| e.as_str() == Some("elif"));
                                let hint = if elif {
                                    // `elif: cond` then a second `then:`, as Python's `elif cond:`.
                                    format!("an `if` step has one `then` (line {line}); each `elif` branch goes in the list under `elif:`, as `- if: CONDITION` with its own `then:` indented under it")
                                } else {
                                    format!("`{k}` is already set on line {line}; a map holds each key once")
                                };
                                return Err(
                                    Diagnostic::error(format!("duplicate key `{k}`"), key.span.clone()).with_hint(hint)
                                );
                            }
                        }
                        if let (Some(index), Some(k)) = (index.as_mut(), key.as_str()) {
                            index.insert(k.to_owned(), entries.len());
                        }
                        entries.push((key, node));
                    }
                },
                NodeKind::Scalar { .. } => unreachable!("scalars have no children"),
            },
        }
    }
    root.ok_or_else(|| {
        Diagnostic::error("the scenario file is empty", 0..0)
            .with_hint("a scenario needs at least a `main:` list of steps")
    })
}

/// The keys whose value is text (an f-string template or free text), not code.
const TEXT_KEYS: &[&str] = &["print", "name", "message", "description"];

/// The keys that stand for a Python header (`for x in xs:`), with the key
/// of the body that goes with them.
const HEADER_KEYS: &[(&str, &str)] =
    &[("if", "then"), ("elif", "then"), ("for", "do"), ("while", "do"), ("with", "do"), ("timeout", "do")];

/// The line holding byte `at`: where it starts, and its text without the
/// line break.
fn line_at(text: &str, at: usize) -> (usize, &str) {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    (start, line.trim_end_matches('\r'))
}

/// The key and value of a block line `  - key: value  # comment`.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start();
    let line = line.strip_prefix("- ").map_or(line, str::trim_start);
    let (key, value) = line.split_once(": ").or_else(|| line.strip_suffix(':').map(|k| (k, "")))?;
    let value = value.find(" #").map_or(value, |i| &value[..i]).trim();
    let key = key.trim();
    (!key.is_empty() && !key.contains([' ', '{', '[', '"', '\''])).then_some((key, value))
}

/// `text` as a YAML quoted scalar: in double quotes, or in single quotes
/// when it holds `"` or `\` (a backslash escapes in double quotes).
pub(crate) fn quoted(text: &str) -> String {
    if text.contains(['"', '\\']) {
        format!("'{}'", text.replace('\'', "''"))
    } else {
        format!("\"{text}\"")
    }
}

/// A YAML syntax error at byte `at`, with a hint for the mistakes a Python
/// programmer makes at this boundary.
fn syntax_error(text: &str, at: usize, end: usize, info: &str) -> Diagnostic {
    let (line_start, line) = line_at(text, at);
    // Where the error is in `line`, and where the character there ends.
    let (col, col_end) = ((at - line_start).min(line.len()), (end - line_start).min(line.len()));
    let kv = key_value(line);
    let error = |hint: String| Diagnostic::error(format!("invalid YAML: {info}"), at..end).with_hint(hint);
    if info.contains("tabs disallowed") {
        let tab = line.find('\t').map_or(at..end, |i| line_start + i..line_start + i + 1);
        return Diagnostic::error(format!("invalid YAML: {info}"), tab)
            .with_label("a tab")
            .with_hint("indent with spaces: YAML does not allow tabs in indentation");
    }
    if info.contains("mapping values are not allowed") {
        let after = &line[col_end..];
        let trailing = after.trim().is_empty() || after.trim_start().starts_with('#');
        return match kv {
            // `- if: n > 0:`: Python's colon at the end of a header.
            Some((key, value)) if trailing && HEADER_KEYS.iter().any(|(k, _)| *k == key) => {
                let header = value.strip_suffix(':').unwrap_or(value).trim_end();
                error(format!(
                    "remove the `:` at the end of the line: `{key}: {header}` (the colon after the key stands for the one that ends Python's header)"
                ))
            }
            Some((key, value)) if TEXT_KEYS.contains(&key) && !value.is_empty() => error(format!(
                "YAML reads an unquoted `: ` as the start of a map; quote the whole text: `{key}: {}`",
                quoted(value)
            )),
            Some((key, value)) if !value.is_empty() && !value.starts_with(['"', '\'', '{', '[']) => error(format!(
                "an unquoted YAML value cannot contain `: ` (in a string, a dict literal or a lambda); quote the whole value: `{key}: {}`",
                quoted(value)
            )),
            _ => error("an unquoted YAML value cannot contain `: ` (in a string, a dict literal or a lambda); quote the whole expression, e.g. 'f(\"a: b\")'".to_owned()),
        };
    }
    if info.contains("trailing content after") {
        // `print: "got", x` or `let: {y: 'a' if x else 'b'}`: a value that
        // starts with a quote is one quoted string, to its closing quote.
        let start = "YAML reads a value that starts with a quote as one quoted string, which ends at its closing quote";
        return match kv {
            Some((key, value)) if TEXT_KEYS.contains(&key) => {
                // `print: "x is", x`: Python's print of a text and a value.
                let q = value.chars().next().unwrap_or('"');
                let two = value[q.len_utf8()..].split_once(q).and_then(|(text, rest)| {
                    let arg = rest.trim_start().strip_prefix(',')?.trim();
                    let simple = !arg.is_empty() && !arg.contains([',', '"', '\'', '{', '}']);
                    simple.then(|| format!("{text} {{{arg}}}"))
                });
                let example = two.unwrap_or_else(|| "got {x}".to_owned());
                error(format!(
                    "{start}; `{key}` takes the text without Python's quotes, with `{{...}}` around each value: `{key}: {}`",
                    quoted(&example)
                ))
            }
            Some((key, value)) if !value.is_empty() && !value.starts_with(['{', '[']) => {
                error(format!("{start}; quote the whole expression: `{key}: {}`", quoted(value)))
            }
            _ => error(format!("{start}; quote the whole expression, e.g. `\"'a' if x else 'b'\"`")),
        };
    }
    let here = text.get(at..).unwrap_or_default();
    if info.contains("unexpected character") && here.starts_with(['`', '@']) {
        // `description: `main` runs first`: Markdown's backticks.
        let c = if here.starts_with('`') { "a backquote" } else { "`@`" };
        return match kv {
            Some((key, value)) if !value.is_empty() => {
                error(format!("YAML reserves {c} at the start of a value; quote the whole value: `{key}: \"...\"`"))
            }
            _ => error(format!("YAML reserves {c} at the start of a value; quote the whole value")),
        };
    }
    if info.contains("quoted scalar") {
        return error("a quoted value runs on to its closing quote: is one missing?".to_owned());
    }
    if flow_then_assignment(text, at) {
        return error("YAML reads a value that starts with `[` or `{` as a list or map; to write an assignment such as `[a, b] = xs`, quote it: `let: \"[a, b] = xs\"`".to_owned());
    }
    if info.contains("did not find expected ',' or '}'") {
        // `{f: lambda x: x}`: a `: ` inside a flow map's value.
        let open = line[..col].rfind('{');
        let entry = open.map(|o| {
            let from = line[o + 1..col].rfind(", ").map_or(o + 1, |c| o + 1 + c + 2);
            &line[from..]
        });
        let split = entry.and_then(|e| e.split_once(": "));
        if let Some((key, rest)) = split.filter(|(k, _)| !k.trim().is_empty()) {
            let value = rest[..rest.rfind('}').unwrap_or(rest.len())].trim();
            return error(format!(
                "an unquoted value in a flow map `{{...}}` cannot contain `: `; quote the value: `{}: {}`",
                key.trim(),
                quoted(value)
            ));
        }
    }
    if info.contains("did not find expected key") {
        if let Some((key, value)) = kv.filter(|(_, v)| v.starts_with(['{', '['])) {
            // `print: {x} items`: a flow collection with text after it.
            let (what, close) = if value.starts_with('{') { ("a map", '}') } else { ("a list", ']') };
            return error(format!(
                "YAML reads a value that starts with `{}` as {what}, which ends at its `{close}`; quote the whole value: `{key}: {}`",
                &value[..1],
                quoted(value)
            ));
        }
        if line.trim_start().starts_with("- ") {
            // A list of steps right under `- while: cond`, as Python indents a body.
            let above =
                text[..line_start].lines().rev().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
            if let Some((key, value)) = above.and_then(key_value).filter(|(_, v)| !v.is_empty()) {
                let hint = match HEADER_KEYS.iter().find(|(k, _)| *k == key) {
                    Some((_, body)) => format!(
                        "steps cannot follow `{key}: {value}` directly: put them under `{body}:`, at the indent of `{key}`"
                    ),
                    None => format!(
                        "a list cannot follow `{key}: {value}` directly: put it under a key of its own, or give `{key}` the list in place of `{value}`"
                    ),
                };
                let dash = line_start + (line.len() - line.trim_start().len());
                return Diagnostic::error(format!("invalid YAML: {info}"), dash..dash + 1).with_hint(hint);
            }
        }
    }
    error("check the indentation and the quoting on this line".to_owned())
}

/// An unquoted `*name`: YAML reads it as an alias.
fn alias_error(text: &str, start: usize) -> Diagnostic {
    let len =
        text[start + 1..].find(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(text.len() - start, |n| n + 1);
    let alias = &text[start..start + len];
    Diagnostic::error(format!("`{alias}` is a YAML alias here, not Python"), start..start + len)
        .with_label("YAML reads an unquoted `*name` as an alias")
        .with_hint(format!("quote it: \"{alias}\""))
}

fn entries_end(kind: &NodeKind<'_>) -> Option<usize> {
    match kind {
        NodeKind::Map(entries) => entries.last().map(|(_, v)| v.span.end),
        NodeKind::Seq(items) => items.last().map(|v| v.span.end),
        NodeKind::Scalar { .. } => None,
    }
}

fn line_of(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    (before.matches('\n').count() + 1, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar<'n>(n: &'n Node<'_>) -> (&'n str, Style) {
        match &n.kind {
            NodeKind::Scalar { text, style, .. } => (text, *style),
            _ => panic!("not a scalar"),
        }
    }

    #[test]
    fn spans_of_plain_and_quoted_scalars() {
        let text = "a: x + 1\nb: \"q {y}\"\n";
        let root = parse(text).unwrap();
        let NodeKind::Map(entries) = &root.kind else { panic!() };
        let (_, v) = &entries[0];
        assert_eq!(scalar(v), ("x + 1", Style::Plain));
        assert_eq!(&text[v.span.clone()], "x + 1");
        let (_, q) = &entries[1];
        assert_eq!(scalar(q), ("q {y}", Style::Quoted));
        let at = q.verbatim_at().unwrap();
        assert_eq!(&text[at..at + 5], "q {y}");
    }

    #[test]
    fn yaml_12_scalars_stay_strings() {
        let root = parse("- yes\n- on\n- 1:30\n").unwrap();
        let NodeKind::Seq(items) = &root.kind else { panic!() };
        let texts: Vec<_> = items.iter().map(|n| scalar(n).0).collect();
        assert_eq!(texts, ["yes", "on", "1:30"]);
    }

    #[test]
    fn aliases_duplicates_and_syntax_errors_are_reported() {
        let e = parse("gather:\n  - *tasks\n").unwrap_err();
        assert!(e.message.contains("alias"), "{e:?}");
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert!(e.message.contains("duplicate key `a`"), "{e:?}");
        let e = parse("a: [1, 2\n").unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{e:?}");
        assert!(parse("").is_err());
    }
}

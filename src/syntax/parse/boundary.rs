//! Mistakes at the YAML/Python boundary: what a Python programmer writes
//! that YAML or the scenario format reads otherwise (a flow map cut at a
//! comma inside a call, `except*:`, `- if n > 0:`, `- await f()`, ...),
//! each reported with the spelling that means it.

use super::{expr, Parser, VERBS};
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::Code;
use crate::syntax::yaml::{quoted, Node, NodeKind, Style};

/// Brackets and quotes left open at the end of a plain scalar that YAML
/// cut at a comma (`f(1` of `[f(1, 2)]`), carried on to the next piece.
#[derive(Default)]
struct Unclosed {
    depth: i32,
    quote: Option<char>,
    escape: bool,
}

impl Unclosed {
    fn scan(&mut self, text: &str) {
        for c in text.chars() {
            match self.quote {
                Some(_) if self.escape => self.escape = false,
                Some(_) if c == '\\' => self.escape = true,
                Some(q) if c == q => self.quote = None,
                Some(_) => {}
                None => match c {
                    '\'' | '"' => self.quote = Some(c),
                    '(' | '[' | '{' => self.depth += 1,
                    ')' | ']' | '}' => self.depth -= 1,
                    _ => {}
                },
            }
        }
    }

    fn open(&self) -> bool {
        self.depth > 0 || self.quote.is_some()
    }
}

/// A plain scalar the file holds as it is: a piece of a split expression.
fn plain_piece<'a>(node: &'a Node) -> Option<&'a str> {
    match &node.kind {
        NodeKind::Scalar { text, style: Style::Plain, verbatim: true } => Some(text),
        _ => None,
    }
}

/// What a step's key that is no verb may be: a Python header written as
/// the key (`- if n > 0:`), or the modifier of the step above written as a
/// step of its own (`- else:`).
pub(super) fn misplaced_key_hint(key: &str) -> Option<String> {
    let (word, rest) = key.split_once(char::is_whitespace).map_or((key, ""), |(w, r)| (w, r.trim()));
    let above = |what: &str, owners: &str| {
        format!("`{word}` is part of the {owners} step above, not a step: remove its `- ` and line it up with {what}")
    };
    Some(match word {
        "elif" => {
            above("that step's `then:`, as `elif:` with a list of `- if: ...` branches, each with its `then:`", "`if`")
        }
        "else" => above("that step's `then:` or `do:`", "`if`, `for`, `while` or `try`"),
        "then" => above("its `if:`", "`if`"),
        "except" | "except_star" | "finally" => above("its `try:`", "`try`"),
        "except*" => above("its `try:`, spelled `except_star:`", "`try`"),
        "as" => above("that step's verb", "`await`, `spawn`, `gather`, `wait`, `wait_for` or `task_group`"),
        "name" => above("its `spawn:`", "`spawn`"),
        "message" => above("its `assert:`", "`assert`"),
        "return_when" => above("its `wait:`", "`wait`"),
        "return_exceptions" => above("its `gather:`", "`gather`"),
        _ if rest.is_empty() => return None,
        _ => {
            let &(verb, _) = VERBS.iter().find(|(v, _)| *v == word)?;
            let body = match verb {
                "if" => " with `then:` and the steps under it",
                "for" | "while" | "with" | "timeout" => " with `do:` and the steps under it",
                _ => "",
            };
            format!("write the verb as the key and the rest as its value: `- {verb}: {rest}`{body}")
        }
    })
}

/// `- await f()`, `- return x`, `- print("hi")`, `- x = 1`: a Python
/// statement written as a step; the step that says it.
pub(super) fn python_statement_hint(s: &str) -> Option<String> {
    if let Some((word, rest)) = s.split_once(' ') {
        if VERBS.iter().any(|(v, _)| *v == word)
            && !rest.trim().is_empty()
            && !rest.trim_start().starts_with(['=', '('])
        {
            let rest = rest.trim();
            return Some(format!("write the verb as the key: `- {word}: {rest}` (a step is a map with one verb)"));
        }
    }
    if let Some(args) = s.strip_prefix("print(").and_then(|a| a.strip_suffix(')')) {
        let args = args.trim();
        // print("text") or print(f"text {x}"): the text is the template.
        let literal = args.strip_prefix('f').unwrap_or(args);
        let text = ['"', '\''].into_iter().find_map(|q| {
            let inner = literal.strip_prefix(q)?.strip_suffix(q)?;
            (!inner.contains(q) && !inner.contains('\\')).then_some(inner)
        });
        let template = match text {
            Some(t) if args.starts_with('f') => t.to_owned(),
            Some(t) => t.replace('{', "{{").replace('}', "}}"),
            None => format!("{{{args}}}"),
        };
        return Some(format!(
            "write `- print: {}`: `print` takes the text as an f-string template, without the call and the quotes",
            quoted(&template)
        ));
    }
    if expr::parse_assign(s).is_ok() {
        return Some(format!("an assignment is a `let` step: `- let: {s}` (or `- set: {s}` for a shared variable)"));
    }
    None
}

/// Why `with` has no `as`.
pub(super) const WITH_AS_HINT: &str = "`async with lock as x` binds None (the `__aenter__` of a Lock, a Semaphore and a Condition returns None), so a `with` step binds nothing: remove the `as`";

/// The key a Python-spelled `except ...:` stands in for, once reported.
pub(super) const PYTHON_EXCEPT: &str = "except (Python's spelling)";

impl Parser<'_> {
    /// A flow list or map (`[...]`, `{...}`) in which YAML cut an
    /// expression at a comma inside its brackets (`{t: create_task(f(),
    /// name=1)}` is the entries `t: create_task(f()` and `name=1)`): each cut
    /// is one error, with the fix, and the pieces are joined back into the
    /// expression written, so that later stages see what was meant.
    pub(super) fn mend<'m, 'n>(&mut self, node: &'m Node<'n>) -> std::borrow::Cow<'m, Node<'n>> {
        use std::borrow::Cow;
        let flow = self.source.get(node.span.clone()).is_some_and(|t| t.starts_with(['[', '{']));
        let pieces = match &node.kind {
            _ if !flow => return Cow::Borrowed(node),
            NodeKind::Seq(items) => items.iter().map(|i| (None, i)).collect::<Vec<_>>(),
            NodeKind::Map(entries) => entries.iter().map(|(k, v)| (Some(k), v)).collect(),
            NodeKind::Scalar { .. } => return Cow::Borrowed(node),
        };
        // (first piece, last piece) of each cut expression.
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < pieces.len() {
            let mut state = Unclosed::default();
            let Some(text) = plain_piece(pieces[i].1) else {
                i += 1;
                continue;
            };
            state.scan(text);
            if !state.open() {
                i += 1;
                continue;
            }
            // The pieces after it, until the brackets close: a list item,
            // or a map key (with its value, if YAML found a `: ` in it).
            let mut j = i + 1;
            let closed = loop {
                let Some((key, value)) = pieces.get(j) else { break None };
                let ok = match key {
                    None => plain_piece(value).map(|t| state.scan(t)).is_some(),
                    Some(k) => {
                        let key_ok = plain_piece(k).map(|t| state.scan(t)).is_some();
                        let value_ok = value.is_null() || plain_piece(value).map(|t| state.scan(t)).is_some();
                        key_ok && value_ok
                    }
                };
                if !ok {
                    break None;
                }
                if !state.open() {
                    break Some(j);
                }
                j += 1;
            };
            match closed {
                Some(j) => {
                    cuts.push((i, j));
                    i = j + 1;
                }
                None => i += 1,
            }
        }
        if cuts.is_empty() {
            return Cow::Borrowed(node);
        }
        let end_of = |(key, value): (Option<&Node>, &Node)| match key {
            Some(k) if value.as_str() == Some("") => k.span.end,
            _ => value.span.end,
        };
        let (what, piece) = if matches!(node.kind, NodeKind::Seq(_)) {
            ("an item in a flow list `[...]`", "item")
        } else {
            ("a value in a flow map `{...}`", "value")
        };
        // The collection as it should be written, every cut quoted.
        let collection = &self.source[node.span.clone()];
        let example = (!collection.contains('\n') && collection.len() <= 100).then(|| {
            let mut fixed = collection.to_owned();
            for &(i, j) in cuts.iter().rev() {
                let range = pieces[i].1.span.start - node.span.start..end_of(pieces[j]) - node.span.start;
                let quoted = quoted(&fixed[range.clone()]);
                fixed.replace_range(range, &quoted);
            }
            fixed
        });
        let mut mended = node.clone();
        for &(i, j) in cuts.iter().rev() {
            let start = pieces[i].1.span.start;
            let end = end_of(pieces[j]);
            let whole = &self.source[start..end];
            let first = &self.source[pieces[i].1.span.clone()];
            let fix = example.clone().unwrap_or_else(|| quoted(whole));
            let also = if piece == "item" {
                format!(", or write a block list, with `- {whole}` on a line of its own")
            } else {
                String::new()
            };
            self.err(
                Diagnostic::error(format!("YAML splits `{whole}` at a comma"), start..end)
                    .with_label(format!("YAML ends the {piece} at the comma after `{first}`"))
                    .with_hint(format!("a comma ends {what}, even inside `(...)`; quote the {piece}: `{fix}`{also}")),
            );
            let joined = Node {
                kind: NodeKind::Scalar { text: Cow::Owned(whole.to_owned()), style: Style::Plain, verbatim: true },
                span: start..end,
            };
            match &mut mended.kind {
                NodeKind::Seq(items) => {
                    items.splice(i..=j, [joined]);
                }
                NodeKind::Map(entries) => {
                    entries[i].1 = joined;
                    entries.drain(i + 1..=j);
                }
                NodeKind::Scalar { .. } => {}
            }
        }
        Cow::Owned(mended)
    }

    /// A `try` key spelled as in Python: `except*:` (read as `except_star`,
    /// whose key it returns), or a handler's header, `except ValueError as
    /// e:` (its body is parsed for its own errors, and dropped).
    pub(super) fn python_except(&mut self, kt: &str, k: &Node, v: &Node) -> Option<&'static str> {
        let rest = kt["except".len()..].trim_start();
        let (star, rest) = match rest.strip_prefix('*') {
            Some(r) => (true, r.trim()),
            None => (false, rest.trim()),
        };
        let key = if star { "except_star" } else { "except" };
        if rest.is_empty() {
            self.err(
                Diagnostic::error(format!("`{kt}` is spelled `except_star` in a scenario"), k.span.clone())
                    .with_label("Python's `except*`")
                    .with_hint("write `except_star:`, with the same handlers, each with its `match:`"),
            );
            return Some("except_star");
        }
        let (types, name) = match rest.rsplit_once(" as ") {
            Some((t, n)) => (t.trim(), Some(n.trim())),
            None => (rest, None),
        };
        let types = match types.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            Some(inner) => format!("[{}]", inner.trim().trim_end_matches(',').trim()),
            None => types.to_owned(),
        };
        let bind = name.map(|n| format!(", `as: {n}`")).unwrap_or_default();
        self.err(
            Diagnostic::error(format!("unknown key `{kt}` in a `try` step"), k.span.clone())
                .with_label(format!("Python's `{}:`", kt.trim()))
                .with_hint(format!(
                    "a handler is an item of `{key}:`: write `{key}:`, then `- match: {types}`{bind} and `do:` with the steps, lined up with `match`"
                )),
        );
        let _ = self.body(v, key);
        Some(PYTHON_EXCEPT)
    }

    /// The primitive of `with`; `with: lock as l` is Python's `as`, which
    /// a `with` step does not take.
    pub(super) fn with_target(&mut self, v: &Node) -> Option<Code> {
        if let (Some(text), Some(at)) = (plain_piece(v), v.verbatim_at()) {
            if let Some(i) = text.find(" as ") {
                let name = text[i + 4..].trim();
                if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    let as_at = at + i + 1;
                    self.err(
                        Diagnostic::error("`with` takes no `as`", as_at..at + text.trim_end().len())
                            .with_hint(WITH_AS_HINT),
                    );
                    let prim = Node {
                        kind: NodeKind::Scalar {
                            text: std::borrow::Cow::Owned(text[..i].to_owned()),
                            style: Style::Plain,
                            verbatim: true,
                        },
                        span: at..at + i,
                    };
                    return self.code(&prim);
                }
            }
        }
        self.code(v)
    }
}

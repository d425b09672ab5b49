//! From the YAML tree to the scenario syntax tree.
//!
//! This stage checks the *shape* of the file: known keys, one verb per step,
//! the right kind of YAML value in each field, and the syntax of every
//! expression and template. It keeps going after an error so that one run
//! reports as many problems as it can.

use super::ast::*;
use super::expr::{self, ParseError};
use super::yaml::{Node, NodeKind, Style};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;

mod assign;
mod boundary;
use boundary::{misplaced_key_hint, python_statement_hint, PYTHON_EXCEPT, WITH_AS_HINT};
mod expect;
pub(crate) use expect::Expect;
pub(crate) use expect::{Elapsed, ExpectedOutcome, EXPECT_KEYS};

pub(crate) const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "python",
    "seed",
    "exceptions",
    "vars",
    "sync",
    "functions",
    "coroutines",
    "main",
    "expect",
    "allow",
];

/// Every verb, with the modifiers it accepts.
pub(crate) const VERBS: &[(&str, &[&str])] = &[
    ("print", &[]),
    ("sleep", &[]),
    ("block", &[]),
    ("await", &["as"]),
    ("spawn", &["as", "name"]),
    ("gather", &["as", "return_exceptions"]),
    ("wait", &["as", "timeout", "return_when"]),
    ("task_group", &["as"]),
    ("with", &["do"]),
    ("do", &[]),
    ("let", &[]),
    ("set", &[]),
    ("del", &[]),
    ("return", &[]),
    ("raise", &[]),
    ("try", &["except", "except_star", "else", "finally"]),
    ("timeout", &["do"]),
    ("wait_for", &["timeout", "as"]),
    ("if", &["then", "elif", "else"]),
    ("for", &["do", "else"]),
    ("while", &["do", "else"]),
    ("assert", &["message"]),
    ("break", &[]),
    ("continue", &[]),
];

/// Collects diagnostics while parsing.
pub(crate) struct Parser<'s> {
    pub(crate) errors: Vec<Diagnostic>,
    source: &'s str,
    /// Each step's `allow:`, gathered as the steps are read.
    step_allows: Vec<(Span, Vec<Name>)>,
}

fn scalar_origin(node: &Node) -> Origin {
    let (at, text) = match &node.kind {
        NodeKind::Scalar { text, .. } => (node.verbatim_at(), &**text),
        _ => (None, ""),
    };
    Origin::new(node.span.clone(), at, text)
}

fn expr_error(e: ParseError, origin: &Origin) -> Diagnostic {
    let unit_literal = e.message.contains("invalid decimal literal");
    let d = Diagnostic::error(e.message, origin.span(&e.span)).with_hint_opt(e.hint);
    if unit_literal {
        d.with_hint("a unit such as `500ms` works only as a whole `sleep`, `block` or `timeout` value; inside an expression write seconds (`0.5`)")
    } else {
        d
    }
}

/// A better hint for an expression broken by a YAML flow collection
/// (`[f(1, 2)]` is two items, `f(1` and `2)`).
fn flow_hint(d: Diagnostic, node: &Node, source: &str) -> Diagnostic {
    let before = source[..node.span.start].trim_end();
    let in_flow = before.ends_with(',') || before.ends_with('[') || before.ends_with('{');
    let broken =
        d.message.contains('(') || d.message.contains(')') || d.message.contains('[') || d.message.contains(']');
    if in_flow && broken {
        d.with_hint("YAML splits a flow list `[...]` or map `{...}` on commas: quote the whole value, or write it as a block list")
    } else {
        d
    }
}

impl<'s> Parser<'s> {
    pub(crate) fn new(source: &'s str) -> Self {
        Parser { errors: Vec::new(), source, step_allows: Vec::new() }
    }

    fn err(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    /// Parses the whole scenario; `None` if the top level is unusable.
    pub(crate) fn scenario(&mut self, root: &mut Node) -> Option<Scenario> {
        let root_span = root.span.clone();
        let NodeKind::Map(entries) = &mut root.kind else {
            self.err(
                Diagnostic::error(format!("a scenario is a YAML map, found {}", root.kind_name()), root.span.clone())
                    .with_hint("start with `main:` followed by a list of steps"),
            );
            return None;
        };
        let mut sc = Scenario {
            name: None,
            vars: Vec::new(),
            sync: Vec::new(),
            coroutines: Vec::new(),
            main: Vec::new(),
            main_span: root_span.start..root_span.start,
            expect: None,
            seed: None,
            exceptions: Vec::new(),
            python: None,
            allows: Default::default(),
        };
        let mut has_main = false;
        let mut main_typo = false;
        for (key, value) in entries.iter_mut() {
            let key = &*key;
            let Some(k) = self.key(key) else { continue };
            match k {
                "name" => sc.name = self.text(value, "name").map(str::to_owned),
                "description" => {}
                "seed" => sc.seed = self.seed(value),
                "python" => sc.python = self.python(value),
                "exceptions" => sc.exceptions = self.exceptions(value),
                "vars" => sc.vars = self.code_map(value, "vars"),
                "sync" => sc.sync = self.code_map(value, "sync"),
                "coroutines" => {
                    let defs = self.coroutines(value, false);
                    sc.coroutines.extend(defs);
                }
                "functions" => {
                    let defs = self.coroutines(value, true);
                    sc.coroutines.extend(defs);
                }
                "expect" => sc.expect = self.expect(value),
                "allow" => sc.allows.scenario = super::allow::ids(value, &mut self.errors),
                "main" => {
                    has_main = true;
                    sc.main_span = key.span.clone();
                    sc.main = self.body_owned(value, "main");
                }
                other => {
                    let def = other.strip_prefix("async def ").or_else(|| other.strip_prefix("def "));
                    let bare = def.unwrap_or(other).trim();
                    let name = bare.split('(').next().unwrap_or_default().trim();
                    if name == "main" {
                        // `main():` or `async def main():`: Python's header for the body.
                        self.err(
                            Diagnostic::error(format!("unknown key `{other}` at the top level"), key.span.clone())
                                .with_hint(
                                    "write `main:`: main takes no parameters, and every body here is an `async def`",
                                ),
                        );
                        has_main = true;
                        sc.main_span = key.span.clone();
                        sc.main = self.body_owned(value, "main");
                    } else if def.is_some()
                        || (bare.contains('(') && bare.ends_with(')'))
                        || (matches!(value.kind, NodeKind::Seq(_))
                            && did_you_mean(other, TOP_KEYS.iter().copied()).is_none())
                    {
                        // A coroutine written at the top level.
                        self.err(
                            Diagnostic::error(format!("unknown key `{other}` at the top level"), key.span.clone())
                                .with_hint(format!(
                                    "a coroutine goes under `coroutines:`: write `coroutines:` and, indented under it, `{bare}:` with its steps"
                                )),
                        );
                    } else {
                        main_typo |= did_you_mean(other, ["main"]).is_some();
                        self.unknown_key(other, key.span.clone(), TOP_KEYS, "at the top level");
                    }
                }
            }
        }
        sc.allows.steps = std::mem::take(&mut self.step_allows);
        sc.allows.steps.sort_by_key(|(span, _)| span.start);
        if !has_main && !main_typo {
            self.err(
                Diagnostic::error("the scenario has no `main`", root.span.start..root.span.start)
                    .with_hint("add `main:` with the steps of the main coroutine, run as `asyncio.run(main())`"),
            );
        }
        Some(sc)
    }

    /// `seed: 42`: an int of any size, as `random.seed(42)` takes it.
    /// `python: "3.13"`: a supported release, as a string or a number.
    fn python(&mut self, node: &Node) -> Option<crate::version::Python> {
        let text = match &node.kind {
            NodeKind::Scalar { text, .. } => text.trim(),
            _ => "",
        };
        match crate::version::Python::parse(text) {
            Ok(v) => Some(v),
            Err(_) => {
                let shown = &self.source[node.span.clone()];
                let hint = "write one of \"3.11\", \"3.12\", \"3.13\" or \"3.14\" (the default is the newest, 3.14)";
                self.err(
                    Diagnostic::error(
                        format!("`python` takes a supported CPython release, found `{shown}`"),
                        node.span.clone(),
                    )
                    .with_label("not a supported release")
                    .with_hint(hint),
                );
                None
            }
        }
    }

    fn seed(&mut self, node: &Node) -> Option<Seed> {
        let text = match &node.kind {
            NodeKind::Scalar { text, style: Style::Plain, .. } => text.trim(),
            _ => "",
        };
        let digits = text.strip_prefix('-').unwrap_or(text).replace('_', "");
        let ok = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !text.ends_with('_')
            && !text.contains("__")
            && (digits.len() == 1 || !digits.starts_with('0'));
        if !ok {
            let shown = &self.source[node.span.clone()];
            self.err(
                Diagnostic::error(format!("`seed` takes an int, found `{shown}`"), node.span.clone())
                    .with_label("not an int")
                    .with_hint("write the seed as `random.seed(n)` takes it, an int such as `seed: 42`; asim does not take a float, text or `None` seed"),
            );
            // A seed was meant: its uses are not errors of their own.
            return Some(Seed { words: Vec::new(), text: "0".into() });
        }
        // Base 10 to base 2**32, least significant word first: the key
        // CPython's `random.seed` builds from the absolute value.
        let mut words: Vec<u32> = Vec::new();
        for d in digits.bytes() {
            let mut carry = u64::from(d - b'0');
            for w in words.iter_mut() {
                let x = u64::from(*w) * 10 + carry;
                *w = x as u32;
                carry = x >> 32;
            }
            if carry != 0 {
                words.push(carry as u32);
            }
        }
        Some(Seed { words, text: text.replace('_', "") })
    }

    fn key<'n>(&mut self, key: &'n Node) -> Option<&'n str> {
        match &key.kind {
            NodeKind::Scalar { text, .. } => Some(&**text),
            _ => {
                self.err(Diagnostic::error("keys must be plain names", key.span.clone()));
                None
            }
        }
    }

    fn unknown_key(&mut self, key: &str, span: Span, known: &[&str], place: &str) {
        let hint = did_you_mean(key, known.iter().copied()).unwrap_or_else(|| {
            format!("known keys {place}: {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
        });
        self.err(Diagnostic::error(format!("unknown key `{key}` {place}"), span).with_hint(hint));
    }

    fn text<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        match node.as_str() {
            Some(s) => Some(s),
            None => {
                let d =
                    Diagnostic::error(format!("`{what}` takes text, found {}", node.kind_name()), node.span.clone());
                // `print: {x}` is a YAML flow map, not a template.
                let braces = matches!(node.kind, NodeKind::Map(_)) && self.source[node.span.clone()].starts_with('{');
                self.err(if braces {
                    let text = &self.source[node.span.clone()];
                    d.with_hint(format!("YAML reads `{text}` as a map: quote the template, `{what}: \"{text}\"`"))
                } else {
                    d
                });
                None
            }
        }
    }

    fn code_map(&mut self, node: &Node, what: &str) -> Vec<(Name, Code)> {
        let node = &*self.mend(node);
        let NodeKind::Map(entries) = &node.kind else {
            if !node.is_null() {
                self.err(
                    Diagnostic::error(
                        format!("`{what}` takes a map of names to values, found {}", node.kind_name()),
                        node.span.clone(),
                    )
                    .with_hint(format!("write `{what}:` then one `name: value` per line, indented")),
                );
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let Some(name) = self.name(k) else { continue };
            if let Some(code) = self.code(v) {
                out.push((name, code));
            }
        }
        out
    }

    /// `exceptions: {Name: Base}`: `class Name(Base): pass` for each.
    fn exceptions(&mut self, node: &Node) -> Vec<(Name, Name)> {
        let NodeKind::Map(entries) = &node.kind else {
            if !node.is_null() {
                self.err(
                    Diagnostic::error(
                        format!("`exceptions` takes a map of class names to base classes, found {}", node.kind_name()),
                        node.span.clone(),
                    )
                    .with_hint("write `exceptions:` then one `Name: BaseClass` per line, e.g. `RetryableError: ConnectionError`"),
                );
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let Some(name) = self.name(k) else { continue };
            let base = match &v.kind {
                NodeKind::Scalar { text, style: Style::Plain, .. }
                    if !text.is_empty()
                        && text.split('.').all(|p| {
                            p.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        }) =>
                {
                    Name { text: text.to_string(), span: v.span.clone() }
                }
                _ => {
                    let shown =
                        if v.is_null() { "nothing".to_owned() } else { format!("`{}`", &self.source[v.span.clone()]) };
                    let at = if v.is_null() { k.span.clone() } else { v.span.clone() };
                    self.err(
                        Diagnostic::error(
                            format!("exception class `{}` needs a base class, found {shown}", name.text),
                            at,
                        )
                        .with_hint(format!(
                            "name the class it derives from, as in `class {}(Exception): pass`: `{}: Exception`",
                            name.text, name.text
                        )),
                    );
                    continue;
                }
            };
            out.push((name, base));
        }
        out
    }

    fn name(&mut self, node: &Node) -> Option<Name> {
        let text = self.key(node)?;
        let valid = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            self.err(
                Diagnostic::error(format!("`{text}` is not a valid Python name"), node.span.clone())
                    .with_hint("names are letters, digits and `_`, and do not start with a digit"),
            );
            return None;
        }
        Some(Name { text: text.to_owned(), span: node.span.clone() })
    }

    /// A code field (section 1: the one rule for values).
    pub(crate) fn code(&mut self, node: &Node) -> Option<Code> {
        let node = &*self.mend(node);
        match &node.kind {
            NodeKind::Scalar { text, style, .. } => {
                if *style == Style::Plain {
                    if let Some(lit) = yaml_literal(text) {
                        return match lit {
                            Ok(l) => Some(Code::Lit(l, node.span.clone())),
                            Err(msg) => {
                                self.err(Diagnostic::error(msg, node.span.clone()));
                                None
                            }
                        };
                    }
                }
                let origin = scalar_origin(node);
                match expr::parse_expr(text) {
                    Ok(e) => Some(Code::Expr(e, origin)),
                    Err(e) => {
                        let d = flow_hint(expr_error(e, &origin), node, self.source);
                        self.err(d);
                        None
                    }
                }
            }
            NodeKind::Seq(items) => {
                let items = items.iter().filter_map(|i| self.code(i)).collect();
                Some(Code::List(items, node.span.clone()))
            }
            NodeKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let Some(k) = self.key(k) else { continue };
                    if let Some(v) = self.code(v) {
                        out.push((k.to_owned(), v));
                    }
                }
                Some(Code::Dict(out, node.span.clone()))
            }
        }
    }

    /// `raise:` (nothing: re-raise), `raise: exc` or `raise: exc from cause`.
    fn raise(&mut self, node: &Node) -> Option<StepKind> {
        if node.is_null() {
            return Some(StepKind::Raise(None, None));
        }
        match &node.kind {
            NodeKind::Scalar { text, .. } => {
                let origin = scalar_origin(node);
                match expr::parse_raise(text) {
                    Ok((exc, cause)) => Some(StepKind::Raise(
                        Some(Code::Expr(exc, origin.clone())),
                        cause.map(|c| Box::new(Code::Expr(c, origin))),
                    )),
                    Err(e) => {
                        let d = flow_hint(expr_error(e, &origin), node, self.source);
                        self.err(d);
                        None
                    }
                }
            }
            _ => Some(StepKind::Raise(Some(self.code(node)?), None)),
        }
    }

    fn template(&mut self, node: &Node, what: &str) -> Option<Template> {
        let text = self.text(node, what)?;
        let origin = scalar_origin(node);
        match expr::parse_template(text) {
            Ok(parts) => Some(Template { parts, origin }),
            Err(e) => {
                self.err(expr_error(e, &origin));
                None
            }
        }
    }

    fn duration(&mut self, node: &Node) -> Option<Duration> {
        if let Some(text) = node.as_str() {
            match parse_duration(text) {
                Some(Ok(v)) => return Some(Duration::Literal(v)),
                Some(Err((msg, hint))) => {
                    self.err(Diagnostic::error(msg, node.span.clone()).with_hint(hint));
                    return None;
                }
                None => {}
            }
        }
        Some(Duration::Code(self.code(node)?))
    }

    /// A `sleep` or `block` duration, which may carry a spread for `asim
    /// explore` (`1.0 ± 20%`, `delay +- 50ms`, `uniform(0.5, 1.5)`).
    fn varied_duration(&mut self, node: &Node) -> Option<Duration> {
        let NodeKind::Scalar { text, style, verbatim } = &node.kind else { return self.duration(node) };
        let Some(split) = super::spread::split(text) else { return self.duration(node) };
        // Offsets inside the text map to the file when it is held verbatim.
        let at = node.verbatim_at();
        let sub = |from: usize, to: usize| match at {
            Some(a) => a + from..a + to,
            None => node.span.clone(),
        };
        let hint = "write `sleep: 1.0 ± 20%` (a share of the duration), `sleep: 1.0 ± 0.25` or `± 250ms` (seconds), or `sleep: uniform(0.5, 1.5)`";
        match split {
            super::spread::Split::Uniform(Ok((nominal, spread))) => {
                Some(Duration::Varied(Box::new((Duration::Literal(nominal), spread, node.span.clone()))))
            }
            super::spread::Split::Uniform(Err(msg)) => {
                self.err(Diagnostic::error(msg, node.span.clone()).with_hint(hint));
                None
            }
            super::spread::Split::Around(base_len, spread, spread_at) => {
                let spread_span = sub(spread_at, text.trim_end().len());
                let spread = match spread {
                    Ok(s) => s,
                    Err(msg) => {
                        self.err(Diagnostic::error(msg, spread_span).with_hint(hint));
                        return None;
                    }
                };
                if base_len == 0 {
                    self.err(
                        Diagnostic::error("a spread needs a duration before it", node.span.clone()).with_hint(hint),
                    );
                    return None;
                }
                let base = Node {
                    kind: NodeKind::Scalar {
                        text: text[..base_len].to_owned().into(),
                        style: *style,
                        verbatim: *verbatim,
                    },
                    // The base as a scalar of its own: a quoted one keeps a
                    // closing quote's width after it (as its origin expects).
                    span: match at {
                        Some(a) => node.span.start..a + base_len + (a - node.span.start),
                        None => node.span.clone(),
                    },
                };
                let base = self.duration(&base)?;
                Some(Duration::Varied(Box::new((base, spread, spread_span))))
            }
        }
    }

    /// `coroutines:` (or `functions:`, with `is_fn`): each `name(params)`
    /// and its steps.
    fn coroutines(&mut self, node: &mut Node, is_fn: bool) -> Vec<CoroDef> {
        let (kind_name, null, span) = (node.kind_name(), node.is_null(), node.span.clone());
        let section = if is_fn { "functions" } else { "coroutines" };
        let NodeKind::Map(entries) = &mut node.kind else {
            if !null {
                self.err(Diagnostic::error(
                    format!("`{section}` takes a map of `name(params)` to steps, found {kind_name}"),
                    span,
                ));
            }
            return Vec::new();
        };
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries.iter_mut() {
            let k = &*k;
            let Some(sig_text) = self.key(k) else {
                continue;
            };
            let mut origin = scalar_origin(k);
            let mut sig_text = sig_text;
            // `async def worker(n)`: Python's header, as the key.
            let def = ["async def ", "def "].into_iter().find_map(|p| {
                let rest = sig_text.strip_prefix(p)?.trim_start();
                Some((sig_text.len() - rest.len(), rest))
            });
            if let (Some((skip, rest)), Some(at)) = (def, k.verbatim_at()) {
                self.err(
                    Diagnostic::error(
                        format!("a coroutine's signature is written without `{}`", sig_text[..skip].trim_end()),
                        at..at + skip,
                    )
                    .with_hint(format!(
                        "write `{rest}:`: every entry under `coroutines:` is an `async def`, with its body as the list of steps"
                    )),
                );
                // Go on with the signature itself, so that its uses are checked.
                origin = Origin::new(at + skip..at + sig_text.len(), Some(at + skip), rest);
                sig_text = rest;
            }
            let sig = match expr::parse_signature(sig_text) {
                Ok(s) => s,
                Err(e) => {
                    self.err(expr_error(e, &origin));
                    continue;
                }
            };
            let mut params = Vec::with_capacity(sig.params.len());
            for p in sig.params {
                let default = p.default.map(|d| Code::Expr(d, origin.clone()));
                params.push((Name { text: p.name, span: origin.span(&p.span) }, default));
            }
            let body = self.body_owned(v, &sig.name);
            out.push(CoroDef { name: Name { text: sig.name, span: origin.span(&sig.name_span) }, params, body, is_fn });
        }
        out
    }

    /// [`Parser::body`] of a list the caller gives up: each step's YAML
    /// is freed once its syntax tree is built (a coroutine's body can be
    /// most of a big file).
    fn body_owned(&mut self, node: &mut Node, owner: &str) -> Vec<Step> {
        let NodeKind::Seq(items) = &mut node.kind else { return self.body(node, owner) };
        let items = std::mem::take(items);
        let mut steps: Vec<Step> = Vec::with_capacity(items.len());
        crate::memory::for_each_freeing(items, |s| {
            if let Some(step) = self.step(&s) {
                steps.push(step);
            }
        });
        steps.shrink_to_fit();
        steps
    }

    /// A list of steps.
    fn body(&mut self, node: &Node, owner: &str) -> Vec<Step> {
        match &node.kind {
            NodeKind::Seq(items) => {
                // Sized as it goes (filter_map cannot know), then trimmed.
                let mut steps: Vec<Step> = items.iter().filter_map(|s| self.step(s)).collect();
                steps.shrink_to_fit();
                steps
            }
            _ if node.is_null() => Vec::new(),
            NodeKind::Map(_) => {
                self.err(
                    Diagnostic::error(
                        format!("`{owner}` takes a list of steps, found a single map"),
                        node.span.clone(),
                    )
                    .with_hint("start each step with `- `, e.g. `- print: hello`"),
                );
                Vec::new()
            }
            NodeKind::Scalar { .. } => {
                self.err(
                    Diagnostic::error(format!("`{owner}` takes a list of steps, found a scalar"), node.span.clone())
                        .with_hint("write the steps as a YAML list, one `- verb: ...` per line"),
                );
                Vec::new()
            }
        }
    }

    fn step(&mut self, node: &Node) -> Option<Step> {
        match crate::memory::ceiling() {
            crate::memory::Ceiling::Under => {}
            crate::memory::Ceiling::First => {
                self.err(crate::memory::ceiling_error(node.span.clone()));
                return None;
            }
            crate::memory::Ceiling::Again => return None,
        }
        if let Some(word @ ("break" | "continue")) = node.as_str().map(str::trim) {
            // `- break` and `- continue` are whole steps, as in Python.
            let kind = if word == "break" { StepKind::Break } else { StepKind::Continue };
            return Some(Step { kind, span: node.span.clone() });
        }
        let node = &*self.mend(node);
        let NodeKind::Map(entries) = &node.kind else {
            let hint = match node.as_str() {
                Some(s) if VERBS.iter().any(|(v, _)| *v == s) => {
                    format!("`{s}` needs a value: `- {s}: ...`")
                }
                Some("pass") => {
                    "a scenario has no `pass`: a body with nothing to do is an empty list (`do: []`)".to_owned()
                }
                Some(s) if python_statement_hint(s.trim()).is_some() => {
                    python_statement_hint(s.trim()).unwrap_or_default()
                }
                // `- fetch(url)`: a call written as a step.
                Some(s) if s.trim_end().ends_with(')') && s.contains('(') => {
                    let s = s.trim();
                    let method = s.split('(').next().and_then(|f| f.rsplit_once('.')).map(|(_, m)| m);
                    const SYNC: &[&str] = &[
                        "set",
                        "clear",
                        "release",
                        "notify",
                        "notify_all",
                        "put_nowait",
                        "get_nowait",
                        "task_done",
                        "shutdown",
                        "cancel",
                        "append",
                        "extend",
                        "insert",
                        "pop",
                        "remove",
                        "update",
                        "reset",
                        "abort",
                    ];
                    if method.is_some_and(|m| SYNC.contains(&m)) {
                        format!("did you mean `- do: {s}`? (a step is a map with one verb)")
                    } else {
                        format!("did you mean `- await: {s}`? (a step is a map with one verb; `- spawn: {s}` runs it as a task)")
                    }
                }
                _ => "a step is a map with one verb, such as `- print: hello` or `- sleep: 1`".to_owned(),
            };
            self.err(
                Diagnostic::error(format!("expected a step, found {}", node.kind_name()), node.span.clone())
                    .with_hint(hint),
            );
            return None;
        };
        if let Some((k, _)) = entries.iter().find(|(k, _)| k.as_str().is_some_and(|k| k.starts_with("async "))) {
            let text = k.as_str().unwrap_or_default();
            let hint = match text.trim_start_matches("async ").trim() {
                "with" => "write `with:`: in a scenario every `with` is `async with` (`- with: lock` and `do:` with the steps)",
                "for" => "write `for:`; `for: x in as_completed(tasks)` awaits each result in turn",
                _ => "write the step without `async`: a scenario's steps already run inside a coroutine",
            };
            self.err(Diagnostic::error(format!("`{text}` is not a step"), k.span.clone()).with_hint(hint));
            return None;
        }
        if entries.is_empty() {
            self.err(
                Diagnostic::error("an empty step", node.span.clone())
                    .with_hint("a step is a map with one verb, such as `- print: hello` or `- sleep: 1`"),
            );
            return None;
        }
        let verbs: Vec<&(Node, Node)> =
            entries.iter().filter(|(k, _)| k.as_str().is_some_and(|k| VERBS.iter().any(|(v, _)| *v == k))).collect();
        // `do`, `else`, `as`, ... are verbs or modifiers depending on the step:
        // pick the verb that is not a modifier of another verb present.
        let primary: Vec<&&(Node, Node)> = verbs
            .iter()
            .filter(|(k, _)| {
                let k = k.as_str().unwrap_or_default();
                !verbs.iter().any(|(other, _)| {
                    let o = other.as_str().unwrap_or_default();
                    o != k && VERBS.iter().any(|(v, mods)| *v == o && mods.contains(&k))
                })
            })
            .collect();
        let (verb_key, verb_val): (&Node, &Node) = match primary.as_slice() {
            [one] => (&one.0, &one.1),
            [] => {
                let (k, _) = &entries[0];
                let text = k.as_str().unwrap_or("?");
                let hint = misplaced_key_hint(text)
                    .or_else(|| did_you_mean(text, VERBS.iter().map(|(v, _)| *v)))
                    .unwrap_or_else(|| {
                        "a step starts with a verb such as `print`, `sleep`, `await`, `spawn`, `gather`".to_owned()
                    });
                self.err(Diagnostic::error(format!("unknown step `{text}`"), k.span.clone()).with_hint(hint));
                return None;
            }
            [a, b, ..] => {
                self.err(
                    Diagnostic::error(
                        format!(
                            "a step has one verb, found `{}` and `{}`",
                            a.0.as_str().unwrap_or("?"),
                            b.0.as_str().unwrap_or("?")
                        ),
                        b.0.span.clone(),
                    )
                    .with_hint(match (a.0.as_str(), b.0.as_str()) {
                        // Python's `if` body, written the way `for` and `while` take theirs.
                        (Some("if"), Some("do")) | (Some("do"), Some("if")) => {
                            "an `if` step's body is `then:`, not `do:` (and `else:` for the other branch)"
                        }
                        _ => "split them into two steps, each starting with `- `",
                    }),
                );
                return None;
            }
        };
        let verb = verb_key.as_str().unwrap_or_default();
        let mods = VERBS.iter().find(|(v, _)| *v == verb).map_or(&[][..], |(_, m)| *m);
        let mut m = Mods { entries: Vec::new() };
        for (k, v) in entries {
            if std::ptr::eq(k, verb_key) {
                continue;
            }
            let Some(kt) = k.as_str() else { continue };
            if mods.contains(&kt) {
                m.entries.push((kt, k, v));
            } else if kt == "allow" {
                // Any step may silence `asim check`'s warnings about it.
                let ids = super::allow::ids(v, &mut self.errors);
                self.step_allows.push((node.span.clone(), ids));
            } else if verb == "try" && kt.strip_prefix("except").is_some_and(|r| r.starts_with([' ', '*', '('])) {
                // Python's `except*:` or `except ValueError as e:`.
                if let Some(key) = self.python_except(kt, k, v) {
                    m.entries.push((key, k, v));
                }
            } else if verb == "with" && kt == "as" {
                self.err(Diagnostic::error("`with` takes no `as`", k.span.clone()).with_hint(WITH_AS_HINT));
            } else {
                let place = format!("in a `{verb}` step");
                if mods.is_empty() {
                    self.err(
                        Diagnostic::error(format!("`{verb}` takes no `{kt}`"), k.span.clone())
                            .with_hint(format!("`{verb}` has no modifiers; put `{kt}` in a step of its own")),
                    );
                } else {
                    self.unknown_key(kt, k.span.clone(), mods, &place);
                }
            }
        }
        let span = verb_key.span.clone();
        if matches!(verb, "with" | "timeout" | "for" | "while") && m.get("do").is_none() {
            let python = match verb {
                "with" => "async with x:",
                "timeout" => "async with asyncio.timeout(s):",
                "for" => "for x in xs:",
                _ => "while cond:",
            };
            self.err(Diagnostic::error(format!("`{verb}` needs `do:` with its body"), span.clone()).with_hint(
                format!("add `do:` at the same indent as `{verb}`, followed by the steps to run inside `{python}`"),
            ));
            return None;
        }
        let kind = self.step_kind(verb, verb_val, &m, &span)?;
        Some(Step { kind, span })
    }

    fn step_kind(&mut self, verb: &str, v: &Node, m: &Mods, span: &Span) -> Option<StepKind> {
        let bind = |p: &mut Self| m.get("as").and_then(|n| p.name_value(n, verb));
        Some(match verb {
            "print" => StepKind::Print(self.template(v, "print")?),
            "sleep" => StepKind::Sleep(self.varied_duration(v)?),
            "block" => StepKind::Block(self.varied_duration(v)?),
            "await" if matches!(v.kind, NodeKind::Seq(_)) => {
                self.err(
                    Diagnostic::error("`await` takes one awaitable, found a list", v.span.clone())
                        .with_label("Python raises TypeError: object list can't be used in 'await' expression")
                        .with_hint("to wait for several at once, write `gather:` with the list (`asyncio.gather(...)`); or one `- await:` step each, in turn"),
                );
                return None;
            }
            "await" => StepKind::Await { what: self.code(v)?, bind: bind(self) },
            "spawn" => StepKind::Spawn {
                call: self.code(v)?,
                bind: bind(self),
                name: m.get("name").and_then(|n| self.template(n, "name")).map(Box::new),
            },
            "wait" => {
                let v = &*self.mend(v);
                let NodeKind::Seq(items) = &v.kind else {
                    self.err(
                        Diagnostic::error(
                            format!("`wait` takes a list of tasks, found {}", v.kind_name()),
                            v.span.clone(),
                        )
                        .with_hint("write each task on its own line: `- t1`, or `- \"*tasks\"`"),
                    );
                    return None;
                };
                let items = items.iter().filter_map(|i| self.gather_item(i)).collect();
                let return_when = match m.get("return_when") {
                    None => ReturnWhen::AllCompleted,
                    Some(n) => {
                        let text = n.as_str().unwrap_or_default();
                        match text.strip_prefix("asyncio.").unwrap_or(text) {
                            "ALL_COMPLETED" => ReturnWhen::AllCompleted,
                            "FIRST_COMPLETED" => ReturnWhen::FirstCompleted,
                            "FIRST_EXCEPTION" => ReturnWhen::FirstException,
                            other => {
                                let hint = did_you_mean(other, ["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"])
                                    .unwrap_or_else(|| {
                                        "use FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED".to_owned()
                                    });
                                self.err(
                                    Diagnostic::error(format!("unknown `return_when` value `{other}`"), n.span.clone())
                                        .with_hint(hint),
                                );
                                return None;
                            }
                        }
                    }
                };
                let bind = match m.get("as") {
                    Some(n) => self.names_value(n)?,
                    None => Vec::new(),
                };
                StepKind::Wait {
                    items,
                    timeout: m.get("timeout").and_then(|n| self.duration(n)).map(Box::new),
                    return_when,
                    bind,
                }
            }
            "gather" => {
                let v = &*self.mend(v);
                let NodeKind::Seq(items) = &v.kind else {
                    self.err(
                        Diagnostic::error(
                            format!("`gather` takes a list of awaitables, found {}", v.kind_name()),
                            v.span.clone(),
                        )
                        .with_hint(
                            "write each item on its own line: `- fetch(1)`; a flow list `[f(1, 2)]` splits on commas",
                        ),
                    );
                    return None;
                };
                let items = items.iter().filter_map(|i| self.gather_item(i)).collect();
                StepKind::Gather {
                    items,
                    bind: bind(self),
                    return_exceptions: m.get("return_exceptions").and_then(|n| self.code(n)).map(Box::new),
                }
            }
            "task_group" => StepKind::TaskGroup(self.body(v, "task_group"), bind(self).map(Box::new)),
            "with" => StepKind::With {
                prim: self.with_target(v)?,
                body: m.get("do").map(|d| self.body(d, "do")).unwrap_or_default(),
            },
            "do" => StepKind::Do(self.code(v)?),
            "let" => StepKind::Let(self.assignments(verb, v)?),
            "set" => StepKind::Set(self.assignments(verb, v)?),
            "del" => StepKind::Del(self.del_targets(v)?),
            "return" => StepKind::Return(if v.is_null() { None } else { Some(self.code(v)?) }),
            "raise" => self.raise(v)?,
            "try" => {
                let body = self.body(v, "try");
                let ex = m.get("except");
                let ex_star = m.get("except_star");
                if ex.is_some() && ex_star.is_some() {
                    self.err(
                        Diagnostic::error("a `try` has `except` or `except_star`, not both", span.clone())
                            .with_hint("Python forbids mixing `except` and `except*` in one try; nest two `try` steps"),
                    );
                }
                let star = ex_star.is_some();
                let handlers = ex.or(ex_star).map(|h| self.handlers(h, star)).unwrap_or_default();
                let finally = m.get("finally").map(|f| self.body(f, "finally"));
                let python_except = m.get(PYTHON_EXCEPT).is_some();
                if ex.is_none() && ex_star.is_none() && finally.is_none() && !python_except {
                    self.err(Diagnostic::error("a `try` needs `except`, `except_star` or `finally`", span.clone()));
                }
                let orelse = m.get("else").map(|e| self.body(e, "else")).unwrap_or_default();
                StepKind::Try { body, handlers, star, orelse, finally }
            }
            "timeout" => StepKind::Timeout {
                delay: self.duration(v)?,
                body: m.get("do").map(|b| self.body(b, "do")).unwrap_or_default(),
            },
            "wait_for" => {
                let Some(timeout) = m.get("timeout") else {
                    self.err(
                        Diagnostic::error("`wait_for` needs a `timeout`", span.clone())
                            .with_hint("add `timeout: SECONDS` (or `timeout: null` to wait without one)"),
                    );
                    return None;
                };
                StepKind::WaitFor { what: self.code(v)?, timeout: Box::new(self.duration(timeout)?), bind: bind(self) }
            }
            "if" => {
                let cond = self.code(v)?;
                let then = m.get("then").map(|b| self.body(b, "then")).unwrap_or_default();
                let mut orelse = m.get("else").map(|b| self.body(b, "else")).unwrap_or_default();
                if let Some(branches) = m.get("elif") {
                    // `elif: [{if: c, then: [...]}, ...]`: nested ifs, the
                    // last one holding the `else`.
                    for (c, body, span) in self.elifs(branches).into_iter().rev() {
                        let inner = StepKind::If { cond: c, then: body.into_boxed_slice(), orelse, elif: true };
                        orelse = vec![Step { kind: inner, span }];
                    }
                }
                StepKind::If { cond, then: then.into_boxed_slice(), orelse, elif: false }
            }
            "for" => {
                let (targets, iter) = self.for_header(v)?;
                let body = m.get("do").map(|b| self.body(b, "do")).unwrap_or_default();
                let orelse = m.get("else").map(|b| self.body(b, "else").into_boxed_slice());
                StepKind::For { targets: targets.into_boxed_slice(), iter, body, orelse }
            }
            "while" => StepKind::While {
                cond: self.code(v)?,
                body: m.get("do").map(|b| self.body(b, "do")).unwrap_or_default(),
                orelse: m.get("else").map(|b| self.body(b, "else").into_boxed_slice()),
            },
            "break" | "continue" => {
                if !v.is_null() {
                    self.err(
                        Diagnostic::error(format!("`{verb}` takes no value"), v.span.clone())
                            .with_hint(format!("write the step as `- {verb}`")),
                    );
                }
                if verb == "break" {
                    StepKind::Break
                } else {
                    StepKind::Continue
                }
            }
            "assert" => {
                let cond = self.code(v)?;
                // Python's `assert x, "why"` is a tuple here, which is
                // always true: the message has a key of its own.
                if let Code::Expr(expr::Expr { kind: expr::ExprKind::Tuple(items), .. }, _) = &cond {
                    if !items.is_empty() {
                        self.err(
                            Diagnostic::error("this assert is on a tuple, which is always true", v.span.clone())
                                .with_label("`cond, message` makes a tuple here")
                                .with_hint("write the message under its own key: `- assert: x > 0` with `message: \"x is {x}\"`"),
                        );
                        return None;
                    }
                }
                StepKind::Assert {
                    cond,
                    message: m.get("message").and_then(|n| self.template(n, "message")).map(Box::new),
                }
            }
            _ => unreachable!("verbs come from VERBS"),
        })
    }

    /// The branches of `elif`: a list of `{if: CONDITION, then: [STEPS]}`.
    fn elifs(&mut self, node: &Node) -> Vec<(Code, Vec<Step>, Span)> {
        let hint = "write `elif:` as a list of branches, each `- if: CONDITION` with `then: [...]`";
        let NodeKind::Seq(items) = &node.kind else {
            self.err(
                Diagnostic::error(
                    format!("`elif` takes a list of branches, found {}", node.kind_name()),
                    node.span.clone(),
                )
                .with_hint(hint),
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let item = &*self.mend(item);
            let NodeKind::Map(entries) = &item.kind else {
                self.err(
                    Diagnostic::error("an `elif` branch is a map with `if` and `then`", item.span.clone())
                        .with_hint(hint),
                );
                continue;
            };
            let (mut cond, mut then, mut cond_span) = (None, Vec::new(), item.span.clone());
            for (k, v) in entries {
                match k.as_str() {
                    Some("if") => {
                        cond_span = k.span.clone();
                        cond = self.code(v);
                    }
                    Some("then") => then = self.body(v, "then"),
                    Some(other) => self.unknown_key(other, k.span.clone(), &["if", "then"], "in an `elif` branch"),
                    None => {}
                }
            }
            match cond {
                Some(c) => out.push((c, then, cond_span)),
                None if !entries.iter().any(|(k, _)| k.as_str() == Some("if")) => self.err(
                    Diagnostic::error("an `elif` branch needs `if: CONDITION`", item.span.clone()).with_hint(hint),
                ),
                None => {}
            }
        }
        out
    }

    /// `as: done, pending`: one name or several.
    fn names_value(&mut self, node: &Node) -> Option<Vec<Name>> {
        if let NodeKind::Seq(items) = &node.kind {
            let names: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
            let shown = if names.len() == items.len() { names.join(", ") } else { "done, pending".to_owned() };
            self.err(
                Diagnostic::error("`as` takes variable names, found a list", node.span.clone())
                    .with_hint(format!("write the names without brackets: `as: {shown}`")),
            );
            return None;
        }
        let text = self.text(node, "as")?;
        let origin = scalar_origin(node);
        let names = match expr::parse_expr(text) {
            Ok(expr::Expr { kind: expr::ExprKind::Name(n), span }) => vec![(n, span)],
            Ok(expr::Expr { kind: expr::ExprKind::Tuple(items), .. }) => items
                .into_iter()
                .map(|i| match i.kind {
                    expr::ExprKind::Name(n) => Some((n, i.span)),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?,
            _ => {
                self.err(Diagnostic::error(format!("`as` takes variable names, found `{text}`"), origin.whole()));
                return None;
            }
        };
        Some(names.into_iter().map(|(n, s)| Name { text: n, span: origin.span(&s) }).collect())
    }

    /// `as: x` of a `verb` step (or of an except handler): one name.
    fn name_value(&mut self, node: &Node, verb: &str) -> Option<Name> {
        // What the one name stands for, to say how to get at several.
        let one = |names: &str| {
            match verb {
            "task_group" => "`as` names the task group, one name: `as: tg`".to_owned(),
            "spawn" => "`as` names the task, one name: `as: t`".to_owned(),
            "except" => "`as` names the exception caught, one name: `as: e`".to_owned(),
            _ => format!(
                "`as` binds the result to one name; to unpack it, bind it (`as: result`) and add a step `- let: {names} = result`"
            ),
        }
        };
        if let NodeKind::Seq(items) = &node.kind {
            let names: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
            let shown =
                if names.len() == items.len() && !names.is_empty() { names.join(", ") } else { "a, b".to_owned() };
            self.err(
                Diagnostic::error("`as` takes one variable name, found a list", node.span.clone())
                    .with_hint(one(&shown)),
            );
            return None;
        }
        let text = self.text(node, "as")?;
        let origin = scalar_origin(node);
        match expr::parse_expr(text) {
            Ok(expr::Expr { kind: expr::ExprKind::Name(n), .. }) => Some(Name { text: n, span: node.span.clone() }),
            Ok(expr::Expr { kind: expr::ExprKind::Tuple(_), .. }) => {
                self.err(
                    Diagnostic::error(format!("`as` takes one variable name, found `{text}`"), origin.whole())
                        .with_hint(one(text.trim())),
                );
                None
            }
            _ => {
                self.err(Diagnostic::error(format!("`as` takes a variable name, found `{text}`"), origin.whole()));
                None
            }
        }
    }

    fn for_header(&mut self, node: &Node) -> Option<(Vec<Name>, Code)> {
        let text = self.text(node, "for")?;
        let origin = scalar_origin(node);
        match expr::parse_for_header(text) {
            Ok((targets, iter)) => Some((
                targets.into_iter().map(|(t, s)| Name { text: t, span: origin.span(&s) }).collect(),
                Code::Expr(iter, origin),
            )),
            Err(e) => {
                self.err(expr_error(e, &origin));
                None
            }
        }
    }

    fn gather_item(&mut self, node: &Node) -> Option<GatherItem> {
        let node = &*self.mend(node);
        match &node.kind {
            NodeKind::Map(entries) => {
                let mut for_node = None;
                let mut call = None;
                for (k, v) in entries {
                    match k.as_str() {
                        Some("for") => for_node = Some(v),
                        Some("call") => call = Some(v),
                        Some(other) => self.unknown_key(other, k.span.clone(), &["for", "call"], "in a gather item"),
                        None => {}
                    }
                }
                let (Some(f), Some(c)) = (for_node, call) else {
                    self.err(
                        Diagnostic::error("a gather map item needs `for` and `call`", node.span.clone())
                            .with_hint("e.g. `- {for: \"i in range(5)\", call: \"worker(i)\"}`"),
                    );
                    return None;
                };
                let (targets, iter) = self.for_header(f)?;
                let call = self.code(c)?;
                Some(GatherItem::For { targets, iter, call })
            }
            NodeKind::Scalar { text, .. } => {
                let origin = scalar_origin(node);
                match expr::parse_starred_item(text) {
                    Ok(e) => Some(GatherItem::Expr(Code::Expr(e, origin))),
                    Err(e) => {
                        let d = flow_hint(expr_error(e, &origin), node, self.source);
                        self.err(d);
                        None
                    }
                }
            }
            NodeKind::Seq(_) => {
                self.err(Diagnostic::error(
                    "a gather item is a call, a task or `*list`, found a list",
                    node.span.clone(),
                ));
                None
            }
        }
    }

    fn handlers(&mut self, node: &Node, star: bool) -> Vec<Handler> {
        let NodeKind::Seq(items) = &node.kind else {
            self.err(
                Diagnostic::error("`except` takes a list of handlers", node.span.clone()).with_hint(
                    "e.g. `except: [{match: ValueError, as: e, do: [...]}]`, one `- match: ...` per handler",
                ),
            );
            return Vec::new();
        };
        let key = if star { "except_star" } else { "except" };
        // `except:` with the steps right under it, as Python's bare `except:`.
        let is_step = |i: &Node| match &i.kind {
            NodeKind::Map(entries) => {
                !entries.is_empty()
                    && entries.iter().all(|(k, _)| {
                        let k = k.as_str().unwrap_or_default();
                        k != "match" && k != "as" && k != "do" && VERBS.iter().any(|(v, _)| *v == k)
                    })
            }
            NodeKind::Scalar { text, .. } => matches!(&**text, "break" | "continue"),
            NodeKind::Seq(_) => false,
        };
        if let Some(step) = items.iter().find(|i| is_step(i)) {
            let first = match &step.kind {
                NodeKind::Map(entries) => entries.first().map_or(step.span.clone(), |(k, _)| k.span.clone()),
                _ => step.span.clone(),
            };
            self.err(
                Diagnostic::error(format!("`{key}` takes a list of handlers, found a step"), first).with_hint(
                    if star {
                        "put the steps in a handler: `- match: ValueError` (an `except_star` handler names its classes) and `do:` with the steps indented under it"
                    } else {
                        "put the steps in a handler: `- do:` with the steps indented under it catches every exception, as Python's bare `except:` does; `- match: ValueError` with `do:` catches one class"
                    },
                ),
            );
            return Vec::new();
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let NodeKind::Map(entries) = &item.kind else {
                let d = Diagnostic::error("a handler is a map with `match`, `as` and `do`", item.span.clone());
                self.err(match item.as_str() {
                    Some(class) if !item.is_null() => d.with_hint(format!(
                        "write `- match: {class}`, then `do:` with the steps, lined up with `match`"
                    )),
                    _ => d,
                });
                continue;
            };
            let mut h = Handler { types: Vec::new(), bind: None, body: Vec::new(), span: item.span.clone() };
            let mut has_match = false;
            for (k, v) in entries {
                match k.as_str() {
                    Some("match") => {
                        has_match = true;
                        match &v.kind {
                            NodeKind::Seq(ts) => h.types = ts.iter().filter_map(|t| self.code(t)).collect(),
                            _ => h.types = self.code(v).into_iter().collect(),
                        }
                    }
                    Some("as") => h.bind = self.name_value(v, "except"),
                    Some("do") => h.body = self.body(v, "do"),
                    Some(other) => {
                        self.unknown_key(other, k.span.clone(), &["match", "as", "do"], "in an except handler")
                    }
                    None => {}
                }
            }
            if star && !has_match {
                self.err(
                    Diagnostic::error("an `except_star` handler needs `match`", item.span.clone())
                        .with_hint("`except*` must name the exception types it handles"),
                );
            }
            out.push(h);
        }
        out
    }
}

/// The modifiers of one step.
/// A step's modifiers, borrowed from the YAML tree (copying them would copy
/// every nested body once per level of nesting).
struct Mods<'n> {
    entries: Vec<(&'n str, &'n Node<'n>, &'n Node<'n>)>,
}

impl<'n> Mods<'n> {
    fn get(&self, key: &str) -> Option<&'n Node<'n>> {
        self.entries.iter().find(|(k, _, _)| *k == key).map(|(_, _, v)| *v)
    }
}

/// YAML 1.2 core schema for a plain scalar: `Some` if it is null, a bool, an
/// int or a float in YAML's own syntax.
fn yaml_literal(text: &str) -> Option<Result<Lit, String>> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Ok(Lit::None)),
        "true" | "True" | "TRUE" => return Some(Ok(Lit::Bool(true))),
        "false" | "False" | "FALSE" => return Some(Ok(Lit::Bool(false))),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(Ok(Lit::Float(f64::INFINITY))),
        "-.inf" | "-.Inf" | "-.INF" => return Some(Ok(Lit::Float(f64::NEG_INFINITY))),
        ".nan" | ".NaN" | ".NAN" => return Some(Ok(Lit::Float(f64::NAN))),
        _ => {}
    }
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let neg = text.starts_with('-');
    let int = |digits: &str, radix: u32| -> Result<Lit, String> {
        if let Ok(i) = i64::from_str_radix(digits, radix) {
            return Ok(Lit::Int(i));
        }
        match num_bigint::BigInt::parse_bytes(digits.as_bytes(), radix) {
            Some(b) if b.bits() <= crate::value::bigint::MAX_BITS => Ok(Lit::BigInt(Box::new(b))),
            _ => Err(format!(
                "the integer `{text}` is too large for asim (more than {} bits)",
                crate::value::bigint::MAX_BITS
            )),
        }
    };
    if let Some(oct) = text.strip_prefix("0o") {
        if !oct.is_empty() && oct.chars().all(|c| c.is_digit(8)) {
            return Some(int(oct, 8));
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Some(int(hex, 16));
        }
    }
    if !body.is_empty() && body.chars().all(|c| c.is_ascii_digit()) {
        let digits = if neg { format!("-{body}") } else { body.to_owned() };
        return Some(int(&digits, 10));
    }
    // [-+]? ( \.[0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mant_ok = match mant.split_once('.') {
        Some((a, b)) => {
            (a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit()))
                && !(a.is_empty() && b.is_empty())
        }
        None => false,
    } || (exp.is_some() && !mant.is_empty() && mant.chars().all(|c| c.is_ascii_digit()));
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    if mant_ok && exp_ok {
        return text.parse::<f64>().ok().map(|f| Ok(Lit::Float(f)));
    }
    None
}

/// `250ms`, `1.5s`, `2min`: `Some(Ok(seconds))`; `Some(Err)` for a unit typo
/// on a number; `None` if the text is not a duration with a unit at all.
pub(crate) fn parse_duration(text: &str) -> Option<Result<f64, (String, String)>> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))?;
    let (num, unit) = t.split_at(split);
    let unit = unit.trim_start();
    if num.is_empty() || !num.chars().any(|c| c.is_ascii_digit()) || num.matches('.').count() > 1 {
        return None;
    }
    if !unit.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    // The exact decimal value is digits * 10^exp10 * mult seconds.
    let (exp10, mult): (i32, u32) = match unit {
        "ns" => (-9, 1),
        "us" | "µs" => (-6, 1),
        "ms" => (-3, 1),
        "s" => (0, 1),
        "min" => (0, 60),
        "h" => (0, 3600),
        _ => {
            let guess = match unit {
                "sec" | "secs" | "second" | "seconds" => Some("s"),
                "msec" | "msecs" | "millis" => Some("ms"),
                "usec" | "usecs" | "micros" => Some("us"),
                "nsec" | "nsecs" | "nanos" => Some("ns"),
                "m" | "mins" | "minute" | "minutes" => Some("min"),
                "hr" | "hrs" | "hour" | "hours" => Some("h"),
                _ => None,
            };
            let hint = match guess {
                Some(g) => format!("write `{num}{g}`; the units are ns, us, ms, s, min and h"),
                None => "the units are ns, us, ms, s, min and h".to_owned(),
            };
            return Some(Err((format!("unknown duration unit `{unit}`"), hint)));
        }
    };
    let num = num.replace('_', "");
    let (int_part, frac) = num.split_once('.').unwrap_or((&num, ""));
    let digits = format!("{int_part}{frac}");
    let digits = digits.trim_start_matches('0');
    let exp = exp10 - frac.len() as i32;
    let value = if digits.is_empty() {
        0.0
    } else if mult == 1 {
        format!("{digits}e{exp}").parse::<f64>().ok()?
    } else {
        let scaled = digits.parse::<u128>().ok()?.checked_mul(u128::from(mult))?;
        format!("{scaled}e{exp}").parse::<f64>().ok()?
    };
    Some(Ok(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flow collections cut at a comma inside brackets are reported once
    /// per cut, and joined back; well-formed ones are left alone.
    #[test]
    fn flow_cuts_are_reported_once_and_joined() {
        let text = "main:\n  - let: {t: f(1, 2), u: [g(1, 2), 3], v: \"a, b\"}\n";
        let (sc, errors) = crate::syntax::parse(text);
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["YAML splits `f(1, 2)` at a comma", "YAML splits `g(1, 2)` at a comma"]);
        assert_eq!(&text[errors[0].span.clone()], "f(1, 2)");
        let StepKind::Let(assigns) = &sc.unwrap().main[0].kind else { panic!("a let step") };
        assert_eq!(assigns.len(), 3, "t, u and v, each whole");
        for ok in
            ["main:\n  - let: {a: [1, 2], b: \"(x, y)\", d: {k: [3, 4]}}\n", "main:\n  - {print: a (b, sleep: 1}\n"]
        {
            let (_, errors) = crate::syntax::parse(ok);
            assert!(errors.iter().all(|d| !d.message.starts_with("YAML splits")), "{ok}: {errors:?}");
        }
    }

    #[test]
    fn durations_are_the_nearest_double_to_the_decimal() {
        let table = [
            ("250ms", 0.25),
            ("1.5s", 1.5),
            ("20us", 2e-5),
            ("100ns", 1e-7),
            ("2min", 120.0),
            ("1.5h", 5400.0),
            ("0.1s", 0.1),
            ("300ms", 0.3),
            ("1_000ms", 1.0),
        ];
        for (text, want) in table {
            assert_eq!(parse_duration(text), Some(Ok(want)), "{text}");
        }
        assert!(parse_duration("delay").is_none());
        assert!(parse_duration("1 + 2").is_none());
        assert!(matches!(parse_duration("5sec"), Some(Err(_))));
    }

    #[test]
    fn yaml_core_schema_literals() {
        let table = [
            ("1", Some(Lit::Int(1))),
            ("-3", Some(Lit::Int(-3))),
            ("0x1F", Some(Lit::Int(31))),
            ("0o17", Some(Lit::Int(15))),
            ("1.5", Some(Lit::Float(1.5))),
            ("1e3", Some(Lit::Float(1000.0))),
            (".5", Some(Lit::Float(0.5))),
            ("true", Some(Lit::Bool(true))),
            ("null", Some(Lit::None)),
            ("~", Some(Lit::None)),
            ("yes", None),
            ("x + 1", None),
            ("1:30", None),
        ];
        for (text, want) in table {
            assert_eq!(yaml_literal(text).map(|r| r.unwrap()), want, "{text}");
        }
    }
}

//! Python expressions: the language inside a scenario's code and text fields.
//!
//! A scenario's code fields (`if: count > 3`, `await: fetch(i)`, `for: i in
//! range(3)`) hold Python expressions, and its text fields (`print`, `name`,
//! `message`) hold f-string templates whose `{...}` fields are Python
//! expressions too. asim promises to run them exactly as CPython 3.11 would, so
//! it must accept exactly CPython 3.11's syntax for the subset it supports, and
//! reject everything else with a clear message pointing at the offending bytes.
//!
//! This module is that front end: a tokenizer and a recursive-descent parser
//! that follow CPython 3.11's tokenizer and grammar rule by rule (operator
//! precedence, chained comparisons, literal forms, string prefixes and escapes,
//! the 3.11 f-string rules), restricted to what asim evaluates. Every node of
//! the resulting [`Expr`] tree carries the byte span it came from, so later
//! stages can point at the exact sub-expression when a name is unknown or a
//! value has the wrong type.
//!
//! Spans follow CPython's AST: a node starts at the first token of its rule and
//! ends at its last, so `(a) + b` spans the parenthesis while the parenthesized
//! `a` inside spans only `a`; a parenthesized tuple spans its parentheses.

mod fstring;
mod lex;
mod parse;
#[cfg(test)]
mod tests;
mod tree;

use fstring::parse_fstring_body;
use parse::Parser;
pub(crate) use tree::{
    BinOp, BoolOp, CmpOp, Comp, CompFor, CompKind, Expr, ExprKind, FField, FPart, Keyword, Lambda, Param, ParseError,
    Signature, UnaryOp,
};

/// Byte range inside the source string that was parsed.
pub(crate) type Span = std::ops::Range<usize>;

/// Parses a whole code field: one expression, where a top-level comma makes
/// a tuple as in Python (`1, 2`).
///
/// This is what CPython's `eval` accepts: `*xs` is not allowed at the top
/// level; comments and `\` line continuations are; a line break outside
/// brackets ends the expression, so anything after it is an error.
/// Whether `cond.wait_for(pred)`'s argument is a callable to call (a
/// lambda, or a plain function's name) rather than the predicate's
/// expression (`cond.wait_for(count > 3)`, `lambda: count > 3` in Python).
pub(crate) fn is_callable_predicate(pred: &Expr, is_fn: &dyn Fn(&str) -> bool) -> bool {
    match &pred.kind {
        ExprKind::Lambda(_) => true,
        ExprKind::Name(n) => is_fn(n),
        _ => false,
    }
}

pub(crate) fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(src, 0..src.len(), false);
    let expr = p.expr_list(false)?;
    p.expect_end()?;
    Ok(expr)
}

/// Parses a text field: an f-string template without its `f"` and `"`, such
/// as `Received {x!r:>5} {{lit}}`. The spans of the fields' expressions are
/// byte offsets into `src`.
///
/// The literal text is taken as it is, like the inside of a raw f-string:
/// YAML has already decoded its own escapes, so a backslash is a backslash.
/// The fields follow CPython 3.11's f-string rules.
pub(crate) fn parse_template(src: &str) -> Result<Vec<FPart>, ParseError> {
    parse_fstring_body(src, 0..src.len(), true, 0)
}

/// Parses a `for` header such as `i in range(3)`, `i, x in enumerate(xs)` or
/// `(a, b) in pairs` into its targets (names with their spans) and iterable.
///
/// The targets are plain names, optionally in one pair of brackets; nested,
/// starred and one-element tuple targets are rejected. The iterable may be a
/// bare tuple (`x in 1, 2`), as in Python.
pub(crate) fn parse_for_header(src: &str) -> Result<(Vec<(String, Span)>, Expr), ParseError> {
    let mut p = Parser::new(src, 0..src.len(), false);
    p.for_header()
}

/// Parses a coroutine signature, `fetch(id, delay=1.5)`, or a bare name
/// such as `worker` for a coroutine without parameters.
///
/// As in Python, parameters without a default come first and names differ.
/// `*args`, `**kwargs`, `*`, `/` and annotations are rejected.
pub(crate) fn parse_signature(src: &str) -> Result<Signature, ParseError> {
    let mut p = Parser::new(src, 0..src.len(), false);
    p.signature()
}

/// Parses `raise`'s operand: an exception, and after `from` its cause.
pub(crate) fn parse_raise(src: &str) -> Result<(Expr, Option<Expr>), ParseError> {
    let mut p = Parser::new(src, 0..src.len(), false);
    let hint = |mut e: ParseError, h: &str| {
        e.hint.get_or_insert_with(|| h.to_owned());
        e
    };
    let exc = p.expr_list(false)?;
    let cause =
        if p.eat_kw("from") {
            Some(p.expression().map_err(|e| {
                hint(e, "`from` names the cause: an exception (`from e`), or `None` to hide the context")
            })?)
        } else {
            None
        };
    p.expect_end()
        .map_err(|e| hint(e, "`raise` takes one exception, and optionally `from` its cause: `raise: X(msg) from e`"))?;
    Ok((exc, cause))
}

/// Parses one `gather` item or `spawn` target: an expression, or a starred
/// `*tasks`. As in a call's arguments, the operand of `*` is a whole
/// expression.
pub(crate) fn parse_starred_item(src: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(src, 0..src.len(), false);
    let item = if p.is_op("*") {
        let start = p.bump().span.start;
        let value = p.expression()?;
        Expr { kind: ExprKind::Starred(Box::new(value)), span: start..p.last_end }
    } else {
        p.expression()?
    };
    if p.is_op(",") {
        return Err(
            p.fail_here("unexpected `,`", Some("an item is a single expression; give each item its own list entry"))
        );
    }
    p.expect_end()?;
    Ok(item)
}

/// An assignment statement: `a = b = value` (targets in order, left to
/// right) or `x[i] += value` (one target, with the operator and its span).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AssignStmt {
    pub(crate) targets: Vec<Expr>,
    pub(crate) aug: Option<(BinOp, Span)>,
    pub(crate) value: Expr,
}

/// Parses an assignment statement as Python's grammar has it: targets are
/// names, subscriptions (`d[k]`, `xs[1:3]`) and tuples or lists of them,
/// with at most one `*rest` each; an augmented assignment has one name or
/// subscription. Attribute targets are refused (asim's values have none).
pub(crate) fn parse_assign(src: &str) -> Result<AssignStmt, ParseError> {
    let mut p = Parser::new(src, 0..src.len(), false);
    p.assign_stmt()
}

/// Parses a target list on its own, such as a `let` map key: `x`,
/// `cache[key]`, `latency, status`.
pub(crate) fn parse_target(src: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(src, 0..src.len(), false);
    p.target_only()
}

/// Parses `del`'s operand: `d[k]`, `a, b[1:]`.
pub(crate) fn parse_del(src: &str) -> Result<Vec<Expr>, ParseError> {
    let mut p = Parser::new(src, 0..src.len(), false);
    p.del_targets()
}

type PResult<T> = Result<T, ParseError>;

/// How deeply brackets, unary operators, `**`, conditional expressions and
/// f-strings may nest. CPython allows 200 nested brackets; a bracket level
/// costs this parser up to 20 KB of stack in a debug build (4 KB in release),
/// so asim stops at 32, far beyond any real scenario, and no input can
/// overflow even a 2 MiB thread stack.
const MAX_DEPTH: usize = 32;

/// How many operators or trailers (`.x`, `(...)`, `[...]`) a chain may
/// have: each one is a level of the tree that later passes walk
/// recursively. CPython's compiler gives up near 3,000
/// (`RecursionError: maximum recursion depth exceeded during compilation`).
const MAX_CHAIN: usize = 2990;

/// Python's keywords: none of them can be a name.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "is", "if", "else", "for", "lambda", "None", "True", "False", "await", "async", "def",
    "class", "return", "yield", "import", "from", "as", "with", "while", "try", "except", "finally", "raise", "del",
    "global", "nonlocal", "pass", "break", "continue", "assert", "elif",
];

fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Every operator and delimiter the tokenizer knows, longest first, so the
/// first match is the longest. Many are not in asim's subset; they are
/// tokenized so that the parser can say so.
const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "->", ":=", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "@=", "&&", "||", "<>", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "+", "-",
    "*", "/", "%", "=", "<", ">", "!", "~", "&", "|", "^", "@",
];

const AUGMENTED_ASSIGNMENTS: &[&str] =
    &["+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=", "@="];

/// Keywords that may directly follow a number, as in `1if x else 2`.
const KEYWORDS_AFTER_NUMBER: &[&str] = &["and", "else", "for", "if", "in", "is", "not", "or"];

/// The keywords that are values.
fn is_constant(name: &str) -> bool {
    matches!(name, "True" | "False" | "None")
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn closer_of(open: &str) -> &'static str {
    match open {
        "(" => ")",
        "[" => "]",
        _ => "}",
    }
}

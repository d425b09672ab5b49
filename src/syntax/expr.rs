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

use std::fmt;

/// Byte range inside the source string that was parsed.
pub(crate) type Span = std::ops::Range<usize>;

/// A parsed expression and the bytes of the source it spans.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    /// What the expression is.
    pub(crate) kind: ExprKind,
    /// Where it is in the parsed source.
    pub(crate) span: Span,
}

/// The kinds of expression asim supports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExprKind {
    /// An integer literal. A negative literal is `Unary(Neg, Int)`, as in
    /// Python, except `-9223372036854775808`, whose operand does not fit.
    Int(i64),
    /// A float literal (`1.5`, `.5`, `1e3`; `1e400` is infinity, as in Python).
    Float(f64),
    /// A string literal, escapes decoded, adjacent literals concatenated.
    Str(String),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// An f-string literal `f"..."`, as its parts. Adjacent plain literals
    /// are merged into it (`"a" f"{x}"`); empty literal parts are dropped,
    /// so `f""` has no parts.
    FString(Vec<FPart>),
    /// A name to look up.
    Name(String),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `(a, b)`, `(a,)`, `()`, or a top-level `a, b`.
    Tuple(Vec<Expr>),
    /// `{k: v}`, pairs in source order.
    Dict(Vec<(Expr, Expr)>),
    /// `-x`, `+x`, `not x`.
    Unary(UnaryOp, Box<Expr>),
    /// An arithmetic operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A comparison, possibly chained: `a < b <= c` is
    /// `Compare(a, [(Lt, b), (Le, c)])`.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `a and b and c` is `BoolOp(And, [a, b, c])`.
    BoolOp(BoolOp, Vec<Expr>),
    /// `then if cond else orelse`.
    IfExp {
        /// The condition.
        cond: Box<Expr>,
        /// The value when the condition is true.
        then: Box<Expr>,
        /// The value when the condition is false.
        orelse: Box<Expr>,
    },
    /// `func(args, name=value)`.
    Call {
        /// What is called.
        func: Box<Expr>,
        /// Positional arguments in order, including `*xs`.
        args: Box<[Expr]>,
        /// Keyword arguments in order.
        kwargs: Box<[Keyword]>,
    },
    /// `value.attr`.
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// The attribute's name.
        attr: Box<str>,
        /// Where the attribute's name is.
        attr_span: Span,
    },
    /// `value[index]`.
    Index {
        /// The indexed object.
        value: Box<Expr>,
        /// The index: an expression, a [`ExprKind::Slice`], or a tuple.
        index: Box<Expr>,
    },
    /// `lo:hi:step` in `a[lo:hi:step]`, each part optional. It appears only
    /// as the `index` of an [`ExprKind::Index`].
    Slice {
        /// The start, if written.
        lo: Option<Box<Expr>>,
        /// The stop, if written.
        hi: Option<Box<Expr>>,
        /// The step, if written.
        step: Option<Box<Expr>>,
    },
    /// `*xs`: a call argument, a list or tuple element, or an item parsed by
    /// [`parse_starred_item`]; nowhere else.
    Starred(Box<Expr>),
}

/// A keyword argument `name=value` of a call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Keyword {
    /// The parameter's name.
    pub(crate) name: String,
    /// Where the name is.
    pub(crate) name_span: Span,
    /// The argument.
    pub(crate) value: Expr,
}

/// One piece of an f-string or a template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FPart {
    /// Literal text, escapes and doubled braces already decoded.
    Lit(String),
    /// A `{...}` replacement field (boxed: a template is mostly short
    /// literals, which then take three words each).
    Field(Box<FField>),
}

/// A replacement field `{expr=!conversion:spec}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FField {
    /// The expression; its span points into the parsed source.
    pub(crate) expr: Expr,
    /// `'s'`, `'r'` or `'a'`. For a debug field (`{x=}`) with neither a
    /// conversion nor a `:` spec this is `Some('r')`, as CPython does.
    pub(crate) conversion: Option<char>,
    /// The format spec after `:`, which may hold nested fields (`{x:>{w}}`);
    /// empty when there is none.
    pub(crate) spec: Vec<FPart>,
    /// For `{x=}` : the text `x=`, with any whitespace around the `=` kept,
    /// to print before the value.
    pub(crate) debug_text: Option<String>,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `not x`
    Not,
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `is`
    Is,
    /// `is not`
    IsNot,
}

/// A boolean operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoolOp {
    /// `and`
    And,
    /// `or`
    Or,
}

/// A syntax error: what is wrong, where, and perhaps how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    /// One line in Python's spirit, e.g. "unclosed `(`".
    pub(crate) message: String,
    /// The offending bytes; empty at the end of the input.
    pub(crate) span: Span,
    /// A suggestion, when one helps.
    pub(crate) hint: Option<String>,
}

impl ParseError {
    fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError { message: message.into(), span, hint: None }
    }

    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// A coroutine signature `name(param, param=default)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signature {
    /// The coroutine's name.
    pub(crate) name: String,
    /// Where the name is.
    pub(crate) name_span: Span,
    /// The parameters in order.
    pub(crate) params: Vec<Param>,
}

/// One parameter of a [`Signature`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Param {
    /// The parameter's name.
    pub(crate) name: String,
    /// Where the name is.
    pub(crate) span: Span,
    /// The default value, if any.
    pub(crate) default: Option<Expr>,
}

/// Parses a whole code field: one expression, where a top-level comma makes
/// a tuple as in Python (`1, 2`).
///
/// This is what CPython's `eval` accepts: `*xs` is not allowed at the top
/// level; comments and `\` line continuations are; a line break outside
/// brackets ends the expression, so anything after it is an error.
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

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Tok {
    /// An identifier or a keyword.
    Name(String),
    /// An integer literal; one above `i64::MAX` is rejected by the parser
    /// unless it is the operand of `-` that makes `i64::MIN`.
    Int(u64),
    Float(f64),
    Str(StrTok),
    Op(&'static str),
    /// A line break outside brackets.
    Newline,
    End,
    /// The tokenizer's error, raised when the parser reaches it, so that
    /// errors are reported in source order.
    Error(ParseError),
}

#[derive(Debug, Clone)]
enum StrTok {
    /// A plain string, decoded.
    Plain(String),
    /// An f-string: the source between its quotes, parsed by the parser.
    F { body: Span, raw: bool },
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

/// CPython 3.11's tokenizer over `src[range]`, producing all tokens up to
/// the end or the first error.
struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    end: usize,
    /// Open brackets: line breaks inside them are whitespace.
    depth: usize,
    /// The text is implicitly parenthesized (an f-string field).
    in_parens: bool,
}

impl<'s> Lexer<'s> {
    fn tokenize(src: &'s str, range: Span, in_parens: bool) -> Vec<Token> {
        let mut lexer = Lexer { src, pos: range.start, end: range.end, depth: 0, in_parens };
        let mut toks: Vec<Token> = Vec::new();
        let mut leading_newline = false;
        loop {
            let token = match lexer.next_token() {
                Ok(Some(token)) => token,
                Ok(None) => {
                    if matches!(toks.last().map(|t| &t.tok), Some(Tok::Newline)) {
                        toks.pop();
                    }
                    let end = match lexer.trailing_indent() {
                        Some(e) => Token { span: e.span.clone(), tok: Tok::Error(e) },
                        None => Token { tok: Tok::End, span: lexer.end..lexer.end },
                    };
                    toks.push(end);
                    return toks;
                }
                Err(e) => {
                    let span = e.span.clone();
                    toks.push(Token { tok: Tok::Error(e), span });
                    return toks;
                }
            };
            if matches!(token.tok, Tok::Newline) {
                // Line breaks before the first token and blank lines are nothing.
                match toks.last().map(|t| &t.tok) {
                    None => leading_newline = true,
                    Some(Tok::Newline) => {}
                    Some(_) => toks.push(token),
                }
                continue;
            }
            if toks.is_empty() && leading_newline && lexer.indented(token.span.start) {
                let line_start = lexer.line_start(token.span.start);
                let e = ParseError::new("unexpected indent", line_start..token.span.start);
                toks.push(Token { tok: Tok::Error(e), span: token.span });
                return toks;
            }
            toks.push(token);
        }
    }

    /// The byte at `i`, or 0 past the end.
    fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.src.as_bytes()[i]
        } else {
            0
        }
    }

    fn line_start(&self, pos: usize) -> usize {
        self.src[..pos].rfind(['\n', '\r']).map_or(0, |i| i + 1)
    }

    /// Whether the token at `pos` is indented on its line. Like `eval`,
    /// blanks before the first line's token are fine, but after a line
    /// break they are an indented block; a form feed resets the indentation.
    fn indented(&self, pos: usize) -> bool {
        let indent = &self.src[self.line_start(pos)..pos];
        !indent.rsplit('\x0c').next().unwrap_or("").is_empty()
    }

    /// CPython's tokenizer reads a last line of only blanks, with no line
    /// break after it, as an indented line: "unexpected indent".
    fn trailing_indent(&self) -> Option<ParseError> {
        let line_start = self.line_start(self.end);
        let line = &self.src[line_start..self.end];
        let blank = line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\x0c'));
        let continued = self.src[..line_start].trim_end_matches(['\n', '\r']).ends_with('\\');
        let applies = !self.in_parens && self.depth == 0 && line_start > 0;
        (applies && blank && !continued && self.indented(self.end))
            .then(|| ParseError::new("unexpected indent", line_start..self.end))
    }

    fn next_token(&mut self) -> PResult<Option<Token>> {
        loop {
            if self.pos >= self.end {
                return Ok(None);
            }
            let start = self.pos;
            match self.at(start) {
                b' ' | b'\t' | b'\x0c' => self.pos += 1,
                b'\n' | b'\r' => {
                    let crlf = self.at(start) == b'\r' && self.at(start + 1) == b'\n';
                    self.pos += if crlf { 2 } else { 1 };
                    if self.depth == 0 && !self.in_parens {
                        return Ok(Some(Token { tok: Tok::Newline, span: start..self.pos }));
                    }
                }
                b'#' => {
                    while self.pos < self.end && !matches!(self.at(self.pos), b'\n' | b'\r') {
                        self.pos += 1;
                    }
                }
                b'\\' => {
                    self.pos += match (self.at(start + 1), self.at(start + 2)) {
                        (b'\r', b'\n') => 3,
                        (b'\n' | b'\r', _) => 2,
                        _ => {
                            return Err(ParseError::new(
                                "unexpected character after line continuation character",
                                start..start + 1,
                            ))
                        }
                    };
                    if self.pos >= self.end {
                        return Err(ParseError::new(
                            "unexpected end of input after line continuation character",
                            start..start + 1,
                        ));
                    }
                }
                _ => break,
            }
        }
        let start = self.pos;
        let c = self.at(start);
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            while is_ident_byte(self.at(self.pos)) {
                self.pos += 1;
            }
            let word = &self.src[start..self.pos];
            if matches!(self.at(self.pos), b'\'' | b'"') && is_string_prefix(word) {
                return self.string(start).map(Some);
            }
            Tok::Name(word.to_string())
        } else if c.is_ascii_digit() || (c == b'.' && self.at(start + 1).is_ascii_digit()) {
            self.number(start)?
        } else if c == b'\'' || c == b'"' {
            return self.string(start).map(Some);
        } else if let Some(op) = OPERATORS.iter().find(|op| self.src[start..self.end].starts_with(**op)) {
            self.pos += op.len();
            match *op {
                "(" | "[" | "{" => self.depth += 1,
                ")" | "]" | "}" => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            Tok::Op(op)
        } else {
            let ch = self.src[start..].chars().next().unwrap_or('\0');
            let span = start..start + ch.len_utf8();
            let err = ParseError::new(format!("unexpected character `{}`", ch.escape_debug()), span);
            return Err(match ch {
                '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' => {
                    err.with_hint("use a plain ASCII quote, `'` or `\"`")
                }
                _ if !ch.is_ascii() => err.with_hint("asim names use ASCII letters, digits and `_`"),
                _ => err,
            });
        };
        Ok(Some(Token { tok, span: start..self.pos }))
    }

    fn number(&mut self, start: usize) -> PResult<Tok> {
        let radix = match (self.at(start), self.at(start + 1) | 0x20) {
            (b'0', b'x') => Some((16, "hexadecimal")),
            (b'0', b'o') => Some((8, "octal")),
            (b'0', b'b') => Some((2, "binary")),
            _ => None,
        };
        if let Some((radix, name)) = radix {
            let invalid = |span| ParseError::new(format!("invalid {name} literal"), span);
            self.pos = start + 2;
            let mut digits = String::new();
            loop {
                let c = self.at(self.pos);
                if c == b'_' {
                    self.pos += 1;
                    if !self.at(self.pos).is_ascii_alphanumeric() {
                        return Err(invalid(start..self.pos));
                    }
                } else if !c.is_ascii_alphanumeric() {
                    break;
                } else if char::from(c).is_digit(radix) {
                    digits.push(char::from(c));
                    self.pos += 1;
                } else if c.is_ascii_digit() {
                    let message = format!("invalid digit '{}' in {name} literal", char::from(c));
                    return Err(ParseError::new(message, self.pos..self.pos + 1));
                } else {
                    break;
                }
            }
            if digits.is_empty() {
                return Err(invalid(start..self.pos));
            }
            self.end_of_number(start, name)?;
            return u64::from_str_radix(&digits, radix).map(Tok::Int).map_err(|_| too_large(start..self.pos));
        }

        let mut text = String::new();
        if self.at(start).is_ascii_digit() {
            self.digits(start, &mut text)?;
        }
        let mut is_float = false;
        if self.at(self.pos) == b'.' {
            is_float = true;
            text.push('.');
            self.pos += 1;
            if self.at(self.pos).is_ascii_digit() {
                self.digits(start, &mut text)?;
            } else if self.at(self.pos) == b'_' {
                return Err(invalid_decimal(start..self.pos + 1));
            }
        }
        if (self.at(self.pos) | 0x20) == b'e' {
            let save = self.pos;
            self.pos += 1;
            let sign = self.at(self.pos);
            if sign == b'+' || sign == b'-' {
                self.pos += 1;
            }
            if self.at(self.pos).is_ascii_digit() {
                is_float = true;
                text.push_str(&self.src[save..self.pos]);
                self.digits(start, &mut text)?;
            } else {
                // Not an exponent: `1else` is `1` then `else`, `1e` an error.
                self.pos = save;
            }
        }
        if (self.at(self.pos) | 0x20) == b'j' {
            return Err(ParseError::new("complex numbers are not supported in asim expressions", start..self.pos + 1));
        }
        self.end_of_number(start, "decimal")?;
        if is_float {
            return text.parse().map(Tok::Float).map_err(|_| invalid_decimal(start..self.pos));
        }
        if text.starts_with('0') && text.bytes().any(|b| b != b'0') {
            return Err(ParseError::new(
                "leading zeros in decimal integer literals are not permitted; \
                 use an 0o prefix for octal integers",
                start..self.pos,
            ));
        }
        text.parse().map(Tok::Int).map_err(|_| too_large(start..self.pos))
    }

    /// A number must not run into a name, except into a keyword, as in
    /// `1if x else 2` (CPython checks only the keyword's first letters).
    fn end_of_number(&self, start: usize, kind: &str) -> PResult<()> {
        if !is_ident_byte(self.at(self.pos)) {
            return Ok(());
        }
        let mut word_end = self.pos;
        while is_ident_byte(self.at(word_end)) {
            word_end += 1;
        }
        let word = &self.src[self.pos..word_end];
        if KEYWORDS_AFTER_NUMBER.iter().any(|kw| word.starts_with(kw)) {
            return Ok(());
        }
        Err(ParseError::new(format!("invalid {kind} literal"), start..self.pos + 1))
    }

    /// Decimal digits with single `_` separators between them, into `text`.
    fn digits(&mut self, start: usize, text: &mut String) -> PResult<()> {
        loop {
            let c = self.at(self.pos);
            if c.is_ascii_digit() {
                text.push(char::from(c));
                self.pos += 1;
            } else if c == b'_' {
                if !self.at(self.pos + 1).is_ascii_digit() {
                    return Err(invalid_decimal(start..self.pos + 1));
                }
                self.pos += 1;
            } else {
                return Ok(());
            }
        }
    }

    /// A string literal whose prefix (possibly empty) starts at `start`;
    /// `self.pos` is at its opening quote.
    fn string(&mut self, start: usize) -> PResult<Token> {
        let prefix = self.src[start..self.pos].to_ascii_lowercase();
        let quote = self.at(self.pos);
        let triple = self.at(self.pos + 1) == quote && self.at(self.pos + 2) == quote;
        self.pos += if triple { 3 } else { 1 };
        let body_start = self.pos;
        let unterminated = || {
            let what = if triple { "unterminated triple-quoted string" } else { "unterminated string" };
            let q = char::from(quote);
            let closing = if triple { format!("{q}{q}{q}") } else { q.to_string() };
            ParseError::new(what, start..body_start).with_hint(format!("close it with `{closing}`"))
        };
        let body_end = loop {
            if self.pos >= self.end {
                return Err(unterminated());
            }
            let c = self.at(self.pos);
            if c == b'\\' {
                self.pos += 1;
                if self.at(self.pos) == b'\r' && self.at(self.pos + 1) == b'\n' {
                    self.pos += 2;
                } else if self.pos < self.end {
                    self.pos += self.src[self.pos..].chars().next().map_or(1, char::len_utf8);
                }
                continue;
            }
            if c == quote {
                if !triple {
                    self.pos += 1;
                    break self.pos - 1;
                }
                if self.at(self.pos + 1) == quote && self.at(self.pos + 2) == quote {
                    self.pos += 3;
                    break self.pos - 3;
                }
            } else if !triple && (c == b'\n' || c == b'\r') {
                return Err(unterminated());
            }
            self.pos += 1;
        };
        let span = start..self.pos;
        if prefix.contains('b') {
            return Err(ParseError::new("bytes literals are not supported in asim expressions", span));
        }
        let raw = prefix.contains('r');
        let tok = if prefix.contains('f') {
            StrTok::F { body: body_start..body_end, raw }
        } else if raw {
            StrTok::Plain(self.src[body_start..body_end].to_string())
        } else {
            let mut value = String::new();
            decode_literal(self.src, body_start..body_end, &mut value)?;
            StrTok::Plain(value)
        };
        Ok(Token { tok: Tok::Str(tok), span })
    }
}

fn is_string_prefix(word: &str) -> bool {
    matches!(word.to_ascii_lowercase().as_str(), "r" | "u" | "f" | "b" | "br" | "rb" | "fr" | "rf")
}

#[cold]
#[inline(never)]
fn invalid_decimal(span: Span) -> ParseError {
    ParseError::new("invalid decimal literal", span)
}

#[cold]
#[inline(never)]
fn too_large(span: Span) -> ParseError {
    ParseError::new("integer literal too large for asim (64-bit ints)", span)
        .with_hint("the largest integer is 9223372036854775807")
}

/// Decodes the backslash escapes of a non-raw string body.
fn decode_literal(src: &str, body: Span, out: &mut String) -> PResult<()> {
    let mut pos = body.start;
    while pos < body.end {
        match src[pos..body.end].find('\\') {
            None => {
                out.push_str(&src[pos..body.end]);
                break;
            }
            Some(i) => {
                out.push_str(&src[pos..pos + i]);
                pos = decode_escape(src, pos + i, body.end, out)?;
            }
        }
    }
    Ok(())
}

/// Decodes the escape whose backslash is at `pos` (before `end`), appending
/// it to `out`; returns the position after it. Unknown escapes keep their
/// backslash, as in Python.
fn decode_escape(src: &str, pos: usize, end: usize, out: &mut String) -> PResult<usize> {
    let rest = &src[pos + 1..end];
    let Some(c) = rest.chars().next() else {
        out.push('\\');
        return Ok(pos + 1);
    };
    let mut next = pos + 1 + c.len_utf8();
    let decoded = match c {
        '\n' => return Ok(next),
        '\r' => return Ok(if rest[1..].starts_with('\n') { next + 1 } else { next }),
        '\\' => '\\',
        '\'' => '\'',
        '"' => '"',
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        '0'..='7' => {
            let mut value = c.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                match src.as_bytes()[..end].get(next) {
                    Some(&d @ b'0'..=b'7') => {
                        value = value * 8 + u32::from(d - b'0');
                        next += 1;
                    }
                    _ => break,
                }
            }
            // At most 0o777, always a valid character.
            char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER)
        }
        'x' | 'u' | 'U' => {
            let want = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let have = src.as_bytes()[next..end].iter().take(want).take_while(|b| b.is_ascii_hexdigit()).count();
            if have < want {
                return Err(ParseError::new(
                    format!("truncated `\\{c}` escape: expected {want} hex digits"),
                    pos..next + have,
                ));
            }
            let value = u32::from_str_radix(&src[next..next + want], 16).unwrap_or(u32::MAX);
            next += want;
            match char::from_u32(value) {
                Some(ch) => ch,
                None if (0xD800..0xE000).contains(&value) => {
                    return Err(ParseError::new("surrogate code points are not supported in asim strings", pos..next))
                }
                None => return Err(ParseError::new("illegal Unicode character", pos..next)),
            }
        }
        'N' => {
            return Err(ParseError::new("`\\N{...}` escapes are not supported in asim expressions", pos..next)
                .with_hint("write the character itself, or use `\\u`"))
        }
        _ => {
            out.push('\\');
            out.push(c);
            return Ok(next);
        }
    };
    out.push(decoded);
    Ok(next)
}

// ---------------------------------------------------------------------------
// f-strings and templates
// ---------------------------------------------------------------------------

/// Parses the inside of an f-string (or a template), `src[range]`, with
/// CPython 3.11's rules: fields cannot contain a backslash or `#`, strings
/// inside them must use the other quote, and fields nest at most two deep.
///
/// `depth` is the nesting depth of the f-string itself, so that the parsers
/// of its fields keep counting towards [`MAX_DEPTH`].
fn parse_fstring_body(src: &str, range: Span, raw: bool, depth: usize) -> PResult<Vec<FPart>> {
    let body = FStr { src, end: range.end, raw, depth };
    let (mut parts, _) = body.parts(range.start, 0)?;
    parts.shrink_to_fit();
    Ok(parts)
}

struct FStr<'s> {
    src: &'s str,
    end: usize,
    /// Literal text is taken as is (raw f-strings and templates).
    raw: bool,
    /// The nesting depth the fields' expressions start at.
    depth: usize,
}

impl FStr<'_> {
    fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.src.as_bytes()[i]
        } else {
            0
        }
    }

    /// Literal text and fields from `pos`. At `level` 0 this runs to the end;
    /// inside a format spec (`level` > 0) it stops before the `}` that closes
    /// the field, returning where it stopped.
    fn parts(&self, mut pos: usize, level: u8) -> PResult<(Vec<FPart>, usize)> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        while pos < self.end {
            match self.at(pos) {
                b'\\' if !self.raw => {
                    if matches!(self.at(pos + 1), b'{' | b'}') {
                        // `\{` keeps its backslash and the brace starts a field.
                        lit.push('\\');
                        pos += 1;
                    } else {
                        pos = decode_escape(self.src, pos, self.end, &mut lit)?;
                    }
                }
                b'{' => {
                    if level == 0 && self.at(pos + 1) == b'{' {
                        lit.push('{');
                        pos += 2;
                        continue;
                    }
                    push_lit(&mut parts, std::mem::take(&mut lit));
                    let (field, next) = self.field(pos, level)?;
                    parts.push(FPart::Field(Box::new(field)));
                    pos = next;
                }
                b'}' => {
                    if level > 0 {
                        break;
                    }
                    if self.at(pos + 1) != b'}' {
                        return Err(ParseError::new("f-string: single '}' is not allowed", pos..pos + 1)
                            .with_hint("write `}}` for a literal `}`"));
                    }
                    lit.push('}');
                    pos += 2;
                }
                _ => {
                    let ch = self.src[pos..].chars().next().unwrap_or('\0');
                    lit.push(ch);
                    pos += ch.len_utf8();
                }
            }
        }
        push_lit(&mut parts, lit);
        Ok((exact(parts), pos))
    }

    /// The field whose `{` is at `open`; returns it and the position after
    /// its closing `}`.
    fn field(&self, open: usize, level: u8) -> PResult<(FField, usize)> {
        let open_span = open..open + 1;
        if level >= 2 {
            return Err(ParseError::new("f-string: expressions nested too deeply", open_span));
        }
        let expecting_close = |span: Span| {
            let err = ParseError::new("f-string: expecting '}'", span);
            if level == 0 {
                err.with_hint("write `{{` for a literal `{`")
            } else {
                err
            }
        };
        let expr_start = open + 1;
        let expr_end = self.scan_expression(expr_start)?;
        if expr_end >= self.end {
            return Err(expecting_close(open_span));
        }
        let terminator = self.at(expr_end);
        if self.src[expr_start..expr_end].trim().is_empty() {
            let message = if terminator == b'}' {
                "f-string: empty expression not allowed".to_string()
            } else {
                format!("f-string: expression required before '{}'", char::from(terminator))
            };
            return Err(ParseError::new(message, open..expr_end + 1));
        }
        let mut parser = Parser::new(self.src, expr_start..expr_end, true);
        parser.depth = self.depth;
        let expr = parser.expr_list(true)?;
        parser.expect_end()?;

        let mut pos = expr_end;
        let mut debug_text = None;
        if self.at(pos) == b'=' {
            pos += 1;
            while matches!(self.at(pos), b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
                pos += 1;
            }
            debug_text = Some(self.src[expr_start..pos].to_string());
        }
        let mut conversion = None;
        if pos < self.end && self.at(pos) == b'!' {
            pos += 1;
            if pos >= self.end {
                return Err(expecting_close(open_span));
            }
            let ch = self.src[pos..].chars().next().unwrap_or('\0');
            if !matches!(ch, 's' | 'r' | 'a') {
                return Err(ParseError::new(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    pos..pos + ch.len_utf8(),
                ));
            }
            conversion = Some(ch);
            pos += 1;
        }
        let mut spec = Vec::new();
        let has_spec = pos < self.end && self.at(pos) == b':';
        if has_spec {
            let (parts, next) = self.parts(pos + 1, level + 1)?;
            spec = parts;
            pos = next;
        }
        if pos >= self.end {
            return Err(expecting_close(open_span));
        }
        if self.at(pos) != b'}' {
            let ch = self.src[pos..].chars().next().unwrap_or('\0');
            return Err(expecting_close(pos..pos + ch.len_utf8()));
        }
        if debug_text.is_some() && conversion.is_none() && !has_spec {
            conversion = Some('r');
        }
        Ok((FField { expr, conversion, spec, debug_text }, pos + 1))
    }

    /// Finds the end of a field's expression: a `!`, `:`, `=` or `}` outside
    /// brackets and strings (but not `!=`, `==`, `<=`, `>=`).
    fn scan_expression(&self, mut pos: usize) -> PResult<usize> {
        let mut brackets: Vec<(u8, usize)> = Vec::new();
        let mut quote: Option<(u8, bool, usize)> = None;
        while pos < self.end {
            let c = self.at(pos);
            if c == b'\\' {
                return Err(ParseError::new("f-string expression part cannot include a backslash", pos..pos + 1)
                    .with_hint("compute the value in a `let` step first"));
            }
            if let Some((q, triple, _)) = quote {
                if c == q {
                    if !triple {
                        quote = None;
                    } else if self.at(pos + 1) == q && self.at(pos + 2) == q {
                        quote = None;
                        pos += 3;
                        continue;
                    }
                }
                pos += 1;
                continue;
            }
            match c {
                b'\'' | b'"' => {
                    let triple = self.at(pos + 1) == c && self.at(pos + 2) == c;
                    quote = Some((c, triple, pos));
                    pos += if triple { 3 } else { 1 };
                    continue;
                }
                b'(' | b'[' | b'{' => brackets.push((c, pos)),
                b')' | b']' | b'}' if !brackets.is_empty() => {
                    let (o, _) = brackets.pop().unwrap_or((c, pos));
                    let expected = match o {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    };
                    if c != expected {
                        return Err(ParseError::new(
                            format!(
                                "f-string: closing parenthesis '{}' does not match \
                                 opening parenthesis '{}'",
                                char::from(c),
                                char::from(o)
                            ),
                            pos..pos + 1,
                        ));
                    }
                }
                b')' | b']' => {
                    return Err(ParseError::new(format!("f-string: unmatched '{}'", char::from(c)), pos..pos + 1))
                }
                b'#' => return Err(ParseError::new("f-string expression part cannot include '#'", pos..pos + 1)),
                _ if brackets.is_empty() => {
                    if matches!(c, b'=' | b'!' | b'<' | b'>') && self.at(pos + 1) == b'=' {
                        pos += 2;
                        continue;
                    }
                    if matches!(c, b'!' | b':' | b'}' | b'=') {
                        return Ok(pos);
                    }
                }
                _ => {}
            }
            pos += 1;
        }
        if let Some((_, _, start)) = quote {
            return Err(ParseError::new("f-string: unterminated string", start..start + 1));
        }
        if let Some(&(o, at)) = brackets.last() {
            return Err(ParseError::new(format!("f-string: unmatched '{}'", char::from(o)), at..at + 1));
        }
        Ok(pos)
    }
}

/// Appends literal text, merging it with a literal before it.
fn push_lit(parts: &mut Vec<FPart>, text: String) {
    if text.is_empty() {
        return;
    }
    if let Some(FPart::Lit(prev)) = parts.last_mut() {
        prev.push_str(&text);
    } else {
        parts.push(FPart::Lit(text));
    }
}

/// A list the parser built by pushing, without its growth reserve: a big
/// scenario holds hundreds of thousands of short ones.
fn shrunk<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

/// A template's parts, holding what they use and no more.
fn exact(mut parts: Vec<FPart>) -> Vec<FPart> {
    for p in &mut parts {
        if let FPart::Lit(s) = p {
            s.shrink_to_fit();
        }
    }
    parts.shrink_to_fit();
    parts
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/// A recursive-descent parser over the tokens of one source range, one
/// method per rule of CPython 3.11's expression grammar.
struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    /// The end of the last token consumed: where a node being built ends.
    last_end: usize,
    /// The brackets open around the current token, for "unclosed" and
    /// "does not match" errors and to name a comprehension.
    open: Vec<(&'static str, Span)>,
    depth: usize,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str, range: Span, in_parens: bool) -> Self {
        let last_end = range.start;
        let toks = Lexer::tokenize(src, range, in_parens);
        Parser { src, toks, pos: 0, last_end, open: Vec::new(), depth: 0 }
    }

    fn peek(&self) -> &Token {
        &self.toks[self.pos]
    }

    fn peek_at(&self, n: usize) -> &Token {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    /// Consumes the current token; `End` and errors are never consumed.
    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        self.last_end = t.span.end;
        t
    }

    fn start(&self) -> usize {
        self.peek().span.start
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek().tok, Tok::Op(o) if o == op)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let found = self.is_op(op);
        if found {
            self.bump();
        }
        found
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Name(n) if n == kw)
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let found = self.is_kw(kw);
        if found {
            self.bump();
        }
        found
    }

    #[cold]
    fn too_long_chain(&self) -> ParseError {
        self.fail_here(
            &format!("expression too long: more than {MAX_CHAIN} operators or trailers in a row"),
            Some("CPython refuses this too (RecursionError during compilation); compute it in steps, with `let`"),
        )
    }

    /// Runs `f` one level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.fail_here("expression is too deeply nested", None));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    // -- errors -------------------------------------------------------------

    /// An error at the current token. A tokenizer error there takes its
    /// place, and so does an unclosed bracket at the end of the input.
    #[cold]
    #[inline(never)]
    fn fail_here(&self, message: &str, hint: Option<&str>) -> ParseError {
        let t = self.peek();
        match &t.tok {
            Tok::Error(e) => e.clone(),
            Tok::End if !self.open.is_empty() => self.unclosed(),
            _ => ParseError { message: message.into(), span: t.span.clone(), hint: hint.map(Into::into) },
        }
    }

    #[cold]
    #[inline(never)]
    fn unclosed(&self) -> ParseError {
        let (open, span) = self.open.last().cloned().unwrap_or(("(", 0..0));
        ParseError::new(format!("unclosed `{open}`"), span).with_hint(format!("add the matching `{}`", closer_of(open)))
    }

    fn describe(&self, t: &Token) -> String {
        match t.tok {
            Tok::End => "end of input".into(),
            Tok::Newline => "newline".into(),
            Tok::Str(_) => "string literal".into(),
            _ => format!("`{}`", &self.src[t.span.clone()]),
        }
    }

    /// The current token cannot continue what came before it; `expected`
    /// says what could have, e.g. "`,` or `)`".
    #[cold]
    #[inline(never)]
    fn unexpected(&self, expected: Option<&str>) -> ParseError {
        let t = self.peek();
        let what = self.describe(t);
        let expected_hint = expected.map(|e| format!("expected {e}"));
        let generic = |hint: Option<&str>| {
            let hint = hint.or(expected_hint.as_deref());
            self.fail_here(&format!("unexpected {what}"), hint)
        };
        match &t.tok {
            Tok::End if self.open.is_empty() => generic(None),
            Tok::Newline => generic(Some("to continue an expression on the next line, wrap it in parentheses")),
            Tok::Op(op) => match *op {
                ")" | "]" | "}" => match self.open.last() {
                    None => generic(Some(&format!("there is no matching opening bracket for `{op}`"))),
                    Some((open, _)) if closer_of(open) != *op => self.fail_here(
                        &format!("closing `{op}` does not match opening `{open}`"),
                        Some(&format!("expected `{}`", closer_of(open))),
                    ),
                    Some(_) => generic(None),
                },
                "=" => generic(Some("to compare values, write `==`")),
                ":=" => self.fail_here(
                    "assignment expressions (`:=`) are not supported in asim expressions",
                    Some("assign with a `let` step"),
                ),
                "&" | "|" | "^" | "~" | "<<" | ">>" => {
                    self.fail_here(&format!("bitwise operator `{op}` is not supported in asim expressions"), None)
                }
                "@" => self.fail_here("the `@` operator is not supported in asim expressions", None),
                "&&" => generic(Some("Python spells logical AND as `and`")),
                "||" => generic(Some("Python spells logical OR as `or`")),
                "!" => generic(Some("Python spells logical NOT as `not`")),
                "<>" => generic(Some("Python spells not-equal as `!=`")),
                _ if AUGMENTED_ASSIGNMENTS.contains(op) => {
                    generic(Some("assignments are steps, not expressions: use `let` or `set`"))
                }
                _ => generic(None),
            },
            Tok::Name(n) if n == "for" => {
                let message = match self.open.last().map(|(o, _)| *o) {
                    Some("[") => "list comprehensions are not supported in asim expressions",
                    Some("(") => "generator expressions are not supported in asim expressions",
                    Some(_) => "dict and set comprehensions are not supported in asim expressions",
                    None => return generic(None),
                };
                self.fail_here(message, Some("use a `for` step, or in `gather` an item `{for: ..., call: ...}`"))
            }
            Tok::Name(n) if !self.open.is_empty() && (!is_keyword(n) || is_constant(n)) => {
                generic(Some("perhaps you forgot a comma?"))
            }
            Tok::Int(_) | Tok::Float(_) | Tok::Str(_) if !self.open.is_empty() => {
                generic(Some("perhaps you forgot a comma?"))
            }
            _ => generic(None),
        }
    }

    /// An expression should start at the current token but cannot.
    #[cold]
    #[inline(never)]
    fn expected_expression(&self) -> ParseError {
        const MESSAGE: &str = "expected an expression";
        let t = self.peek();
        match &t.tok {
            Tok::Newline => {
                self.fail_here(MESSAGE, Some("to continue an expression on the next line, wrap it in parentheses"))
            }
            Tok::Op(op) => match *op {
                ")" | "]" | "}" => match self.open.last() {
                    Some((open, _)) if closer_of(open) == *op => self.fail_here(MESSAGE, None),
                    _ => self.unexpected(None),
                },
                "*" => self.fail_here(
                    "cannot use starred expression here",
                    Some("`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`"),
                ),
                "**" => self.fail_here("`**` unpacking is not supported in asim expressions", None),
                "..." => self.fail_here("`...` (Ellipsis) is not supported in asim expressions", None),
                "~" | "&&" | "||" | "!" | "=" | ":=" | "<>" => self.unexpected(None),
                _ => self.fail_here(MESSAGE, None),
            },
            Tok::Name(kw) => match kw.as_str() {
                "lambda" => self.fail_here(
                    "lambda expressions are not supported in asim expressions",
                    Some("define a coroutine, or compute the value with `let` steps"),
                ),
                "await" => self.fail_here(
                    "`await` is not supported inside an expression",
                    Some("use an `await:` step and its `as` name"),
                ),
                "yield" => self.fail_here("`yield` is not supported in asim expressions", None),
                "not" => self.fail_here(
                    MESSAGE,
                    Some(
                        "`not` binds more loosely than comparisons and arithmetic; \
                          wrap it in parentheses: `(not ...)`",
                    ),
                ),
                _ => self
                    .fail_here(MESSAGE, Some(&format!("`{kw}` is a Python keyword, so it cannot be used as a name"))),
            },
            _ => self.fail_here(MESSAGE, None),
        }
    }

    fn expect_end(&self) -> PResult<()> {
        match self.peek().tok {
            Tok::End => Ok(()),
            _ => Err(self.unexpected(None)),
        }
    }

    fn open_bracket(&mut self) -> Span {
        let t = self.bump();
        if let Tok::Op(op) = t.tok {
            self.open.push((op, t.span.clone()));
        }
        t.span
    }

    /// Consumes the closer of the innermost open bracket.
    fn close_bracket(&mut self, expected: &str) -> PResult<()> {
        let closer = self.open.last().map_or(")", |(o, _)| closer_of(o));
        if !self.is_op(closer) {
            return Err(self.unexpected(Some(expected)));
        }
        self.bump();
        self.open.pop();
        Ok(())
    }

    // -- expressions --------------------------------------------------------

    /// A comma-separated list that is a tuple if it has a comma:
    /// `expressions` (no `*`) or `star_expressions` (with `*`).
    fn expr_list(&mut self, star: bool) -> PResult<Expr> {
        let start = self.start();
        let first = if star { self.star_or_expr()? } else { self.expression()? };
        if !self.is_op(",") {
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(starred_here(first.span));
            }
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if matches!(self.peek().tok, Tok::End) {
                break;
            }
            items.push(if star { self.star_or_expr()? } else { self.expression()? });
        }
        Ok(Expr { kind: ExprKind::Tuple(shrunk(items)), span: start..self.last_end })
    }

    /// A list or tuple element: `*` with a sum as operand, or an expression.
    fn star_or_expr(&mut self) -> PResult<Expr> {
        if !self.is_op("*") {
            return self.expression();
        }
        let start = self.bump().span.start;
        let value = self.nested(Self::sum)?;
        Ok(Expr { kind: ExprKind::Starred(Box::new(value)), span: start..self.last_end })
    }

    /// `expression`: a conditional expression or anything tighter.
    fn expression(&mut self) -> PResult<Expr> {
        self.nested(Self::conditional)
    }

    fn conditional(&mut self) -> PResult<Expr> {
        let start = self.start();
        let then = self.disjunction()?;
        if !self.eat_kw("if") {
            return Ok(then);
        }
        let cond = self.disjunction()?;
        if !self.eat_kw("else") {
            return Err(self.fail_here("expected `else` after `if` expression", None));
        }
        let orelse = self.expression()?;
        let kind = ExprKind::IfExp { cond: Box::new(cond), then: Box::new(then), orelse: Box::new(orelse) };
        Ok(Expr { kind, span: start..self.last_end })
    }

    fn disjunction(&mut self) -> PResult<Expr> {
        self.bool_op("or", BoolOp::Or, Self::conjunction)
    }

    fn conjunction(&mut self) -> PResult<Expr> {
        self.bool_op("and", BoolOp::And, Self::inversion)
    }

    fn bool_op(&mut self, kw: &str, op: BoolOp, operand: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        let start = self.start();
        let first = operand(self)?;
        if !self.is_kw(kw) {
            return Ok(first);
        }
        let mut values = vec![first];
        while self.eat_kw(kw) {
            values.push(operand(self)?);
        }
        Ok(Expr { kind: ExprKind::BoolOp(op, shrunk(values)), span: start..self.last_end })
    }

    fn inversion(&mut self) -> PResult<Expr> {
        if !self.is_kw("not") {
            return self.comparison();
        }
        let start = self.bump().span.start;
        let operand = self.nested(Self::inversion)?;
        Ok(Expr { kind: ExprKind::Unary(UnaryOp::Not, Box::new(operand)), span: start..self.last_end })
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let start = self.start();
        let left = self.sum()?;
        let mut rest = Vec::new();
        loop {
            let (op, width) = match &self.peek().tok {
                Tok::Op("==") => (CmpOp::Eq, 1),
                Tok::Op("!=") => (CmpOp::Ne, 1),
                Tok::Op("<") => (CmpOp::Lt, 1),
                Tok::Op("<=") => (CmpOp::Le, 1),
                Tok::Op(">") => (CmpOp::Gt, 1),
                Tok::Op(">=") => (CmpOp::Ge, 1),
                Tok::Name(n) if n == "in" => (CmpOp::In, 1),
                Tok::Name(n) if n == "not" => match &self.peek_at(1).tok {
                    Tok::Name(n) if n == "in" => (CmpOp::NotIn, 2),
                    _ => break,
                },
                Tok::Name(n) if n == "is" => match &self.peek_at(1).tok {
                    Tok::Name(n) if n == "not" => (CmpOp::IsNot, 2),
                    _ => (CmpOp::Is, 1),
                },
                _ => break,
            };
            for _ in 0..width {
                self.bump();
            }
            rest.push((op, self.sum()?));
        }
        if rest.is_empty() {
            return Ok(left);
        }
        Ok(Expr { kind: ExprKind::Compare(Box::new(left), shrunk(rest)), span: start..self.last_end })
    }

    fn sum(&mut self) -> PResult<Expr> {
        self.binary(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::term)
    }

    fn term(&mut self) -> PResult<Expr> {
        let ops = [("*", BinOp::Mul), ("/", BinOp::Div), ("//", BinOp::FloorDiv), ("%", BinOp::Mod)];
        self.binary(&ops, Self::factor)
    }

    /// A left-associative level of binary operators.
    fn binary(&mut self, ops: &[(&str, BinOp)], operand: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        let start = self.start();
        let mut left = operand(self)?;
        let mut links = 0;
        while let Some(&(_, op)) = ops.iter().find(|(text, _)| self.is_op(text)) {
            links += 1;
            if links > MAX_CHAIN {
                return Err(self.too_long_chain());
            }
            self.bump();
            let right = operand(self)?;
            let kind = ExprKind::Binary(op, Box::new(left), Box::new(right));
            left = Expr { kind, span: start..self.last_end };
        }
        Ok(left)
    }

    fn factor(&mut self) -> PResult<Expr> {
        let op = match self.peek().tok {
            Tok::Op("-") => UnaryOp::Neg,
            Tok::Op("+") => UnaryOp::Pos,
            Tok::Op("~") => return Err(self.unexpected(None)),
            _ => return self.power(),
        };
        let start = self.bump().span.start;
        if op == UnaryOp::Neg {
            if let Some(min) = self.i64_min_literal(start) {
                return Ok(min);
            }
        }
        let operand = self.nested(Self::factor)?;
        Ok(Expr { kind: ExprKind::Unary(op, Box::new(operand)), span: start..self.last_end })
    }

    /// After a `-`: the literal 9223372036854775808, which only fits once
    /// negated, becomes `Int(i64::MIN)` when nothing binds tighter to it.
    fn i64_min_literal(&mut self, start: usize) -> Option<Expr> {
        let is_min = matches!(self.peek().tok, Tok::Int(v) if v == i64::MIN.unsigned_abs());
        let trailer = matches!(self.peek_at(1).tok, Tok::Op("." | "(" | "[" | "**"));
        if !is_min || trailer {
            return None;
        }
        self.bump();
        Some(Expr { kind: ExprKind::Int(i64::MIN), span: start..self.last_end })
    }

    fn power(&mut self) -> PResult<Expr> {
        let start = self.start();
        let base = self.primary()?;
        if !self.eat_op("**") {
            return Ok(base);
        }
        let exponent = self.nested(Self::factor)?;
        let kind = ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exponent));
        Ok(Expr { kind, span: start..self.last_end })
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.start();
        let mut expr = self.atom()?;
        let mut links = 0;
        loop {
            links += 1;
            if links > MAX_CHAIN {
                return Err(self.too_long_chain());
            }
            if self.eat_op(".") {
                let t = self.peek().clone();
                let attr = match t.tok {
                    Tok::Name(n) if !is_keyword(&n) => n,
                    _ => return Err(self.fail_here("expected an attribute name after `.`", None)),
                };
                self.bump();
                let kind =
                    ExprKind::Attribute { value: Box::new(expr), attr: attr.into_boxed_str(), attr_span: t.span };
                expr = Expr { kind, span: start..self.last_end };
            } else if self.is_op("(") {
                expr = self.call(expr, start)?;
            } else if self.is_op("[") {
                expr = self.subscript(expr, start)?;
            } else {
                return Ok(expr);
            }
        }
    }

    fn atom(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        let kind = match t.tok {
            Tok::Name(name) => match name.as_str() {
                "True" => ExprKind::Bool(true),
                "False" => ExprKind::Bool(false),
                "None" => ExprKind::None,
                _ if is_keyword(&name) => return Err(self.expected_expression()),
                _ => ExprKind::Name(name),
            },
            Tok::Int(v) => ExprKind::Int(i64::try_from(v).map_err(|_| too_large(t.span.clone()))?),
            Tok::Float(v) => ExprKind::Float(v),
            Tok::Str(_) => return self.strings(),
            Tok::Op("(") => return self.paren(),
            Tok::Op("[") => return self.list(),
            Tok::Op("{") => return self.dict(),
            _ => return Err(self.expected_expression()),
        };
        self.bump();
        Ok(Expr { kind, span: t.span })
    }

    /// One or more adjacent string literals, concatenated.
    fn strings(&mut self) -> PResult<Expr> {
        let start = self.start();
        let mut parts = Vec::new();
        let mut is_f = false;
        while let Tok::Str(s) = &self.peek().tok {
            let s = s.clone();
            self.bump();
            match s {
                StrTok::Plain(text) => push_lit(&mut parts, text),
                StrTok::F { body, raw } => {
                    is_f = true;
                    for part in parse_fstring_body(self.src, body, raw, self.depth)? {
                        match part {
                            FPart::Lit(text) => push_lit(&mut parts, text),
                            field @ FPart::Field(_) => parts.push(field),
                        }
                    }
                }
            }
        }
        let kind = if is_f {
            ExprKind::FString(parts)
        } else {
            match parts.pop() {
                Some(FPart::Lit(text)) => ExprKind::Str(text),
                _ => ExprKind::Str(String::new()),
            }
        };
        Ok(Expr { kind, span: start..self.last_end })
    }

    /// `(...)`: a parenthesized expression or a tuple.
    fn paren(&mut self) -> PResult<Expr> {
        let start = self.open_bracket().start;
        if self.is_op(")") {
            self.close_bracket("`)`")?;
            return Ok(Expr { kind: ExprKind::Tuple(Vec::new()), span: start..self.last_end });
        }
        let first = self.star_or_expr()?;
        if !self.is_op(",") {
            self.close_bracket("`)`")?;
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Err(starred_here(first.span));
            }
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_op(")") {
                break;
            }
            items.push(self.star_or_expr()?);
        }
        self.close_bracket("`,` or `)`")?;
        Ok(Expr { kind: ExprKind::Tuple(shrunk(items)), span: start..self.last_end })
    }

    fn list(&mut self) -> PResult<Expr> {
        let start = self.open_bracket().start;
        let mut items = Vec::new();
        while !self.is_op("]") {
            items.push(self.star_or_expr()?);
            if !self.eat_op(",") {
                break;
            }
        }
        self.close_bracket("`,` or `]`")?;
        Ok(Expr { kind: ExprKind::List(shrunk(items)), span: start..self.last_end })
    }

    /// `{...}`: a dict. Sets, `**` unpacking and comprehensions are refused.
    fn dict(&mut self) -> PResult<Expr> {
        let start = self.open_bracket().start;
        let mut pairs = Vec::new();
        while !self.is_op("}") {
            if self.is_op("**") {
                return Err(self.fail_here("dict unpacking (`**`) is not supported in asim expressions", None));
            }
            if self.is_op("*") && pairs.is_empty() {
                return Err(self.fail_here("set literals are not supported in asim expressions", None));
            }
            let key = self.expression()?;
            if !self.is_op(":") {
                if pairs.is_empty() && (self.is_op(",") || self.is_op("}")) {
                    let set =
                        ParseError::new("set literals are not supported in asim expressions", start..key.span.end);
                    return Err(if self.is_op("}") {
                        set.with_hint(
                            "`{...}` fields belong in text fields such as `print`; \
                             in code, write the expression without braces",
                        )
                    } else {
                        set.with_hint("use a list `[...]` instead")
                    });
                }
                if pairs.is_empty() || matches!(self.peek().tok, Tok::Name(ref n) if n == "for") {
                    return Err(self.unexpected(Some("`:`")));
                }
                return Err(self.fail_here("expected `:` after dictionary key", None));
            }
            self.bump();
            let value = self.expression()?;
            pairs.push((key, value));
            if !self.eat_op(",") {
                break;
            }
        }
        self.close_bracket("`,` or `}`")?;
        Ok(Expr { kind: ExprKind::Dict(shrunk(pairs)), span: start..self.last_end })
    }

    fn call(&mut self, func: Expr, start: usize) -> PResult<Expr> {
        self.open_bracket();
        let mut args = Vec::new();
        let mut kwargs: Vec<Keyword> = Vec::new();
        while !self.is_op(")") {
            if self.is_op("**") {
                return Err(
                    self.fail_here("keyword argument unpacking (`**`) is not supported in asim expressions", None)
                );
            }
            let kwarg_name = match (&self.peek().tok, &self.peek_at(1).tok) {
                (Tok::Name(n), Tok::Op("=")) if !is_keyword(n) => Some(n.clone()),
                _ => None,
            };
            if self.is_op("*") {
                let star = self.bump().span.start;
                let value = self.expression()?;
                args.push(Expr { kind: ExprKind::Starred(Box::new(value)), span: star..self.last_end });
            } else if let Some(name) = kwarg_name {
                let name_span = self.bump().span;
                self.bump();
                let value = self.expression()?;
                if kwargs.iter().any(|k| k.name == name) {
                    return Err(ParseError::new(format!("keyword argument repeated: `{name}`"), name_span));
                }
                kwargs.push(Keyword { name, name_span, value });
            } else {
                let value = self.expression()?;
                if !kwargs.is_empty() {
                    return Err(ParseError::new("positional argument follows keyword argument", value.span));
                }
                args.push(value);
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.close_bracket("`,` or `)`")?;
        let kind =
            ExprKind::Call { func: Box::new(func), args: args.into_boxed_slice(), kwargs: kwargs.into_boxed_slice() };
        Ok(Expr { kind, span: start..self.last_end })
    }

    fn subscript(&mut self, value: Expr, start: usize) -> PResult<Expr> {
        self.open_bracket();
        let index_start = self.start();
        let first = self.slice_item()?;
        let index = if self.is_op(",") {
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.is_op("]") {
                    break;
                }
                items.push(self.slice_item()?);
            }
            if let Some(slice) = items.iter().find(|e| matches!(e.kind, ExprKind::Slice { .. })) {
                return Err(ParseError::new(
                    "slices inside a tuple index are not supported in asim expressions",
                    slice.span.clone(),
                ));
            }
            Expr { kind: ExprKind::Tuple(shrunk(items)), span: index_start..self.last_end }
        } else {
            first
        };
        self.close_bracket("`]`")?;
        let kind = ExprKind::Index { value: Box::new(value), index: Box::new(index) };
        Ok(Expr { kind, span: start..self.last_end })
    }

    /// An index expression or a slice `lo:hi:step`.
    fn slice_item(&mut self) -> PResult<Expr> {
        let start = self.start();
        let lo = if self.is_op(":") { None } else { Some(self.expression()?) };
        if !self.eat_op(":") {
            return lo.ok_or_else(|| self.expected_expression());
        }
        let ends = |p: &Self| p.is_op("]") || p.is_op(",");
        let hi = if self.is_op(":") || ends(self) { None } else { Some(self.expression()?) };
        let mut step = None;
        if self.eat_op(":") && !ends(self) {
            step = Some(self.expression()?);
        }
        let kind = ExprKind::Slice { lo: lo.map(Box::new), hi: hi.map(Box::new), step: step.map(Box::new) };
        Ok(Expr { kind, span: start..self.last_end })
    }

    // -- headers ------------------------------------------------------------

    fn for_header(&mut self) -> PResult<(Vec<(String, Span)>, Expr)> {
        let bracketed = self.is_op("(") || self.is_op("[");
        if bracketed {
            self.open_bracket();
        }
        let mut targets = Vec::new();
        let trailing_comma = loop {
            let t = self.peek().clone();
            match t.tok {
                Tok::Name(name) if !is_keyword(&name) => targets.push((name, t.span)),
                _ => return Err(self.target_error()),
            }
            self.bump();
            if self.is_op(".") || self.is_op("[") || self.is_op("(") {
                return Err(self.fail_here(
                    "a loop variable must be a plain name",
                    Some("a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`"),
                ));
            }
            if !self.is_op(",") {
                break None;
            }
            let comma = self.bump().span;
            let done = if bracketed { self.is_op(")") || self.is_op("]") } else { self.is_kw("in") };
            if done {
                break Some(comma);
            }
        };
        if let (1, Some(comma)) = (targets.len(), trailing_comma) {
            return Err(ParseError::new("a one-element tuple target is not supported in asim", comma)
                .with_hint("remove the comma to bind the name itself"));
        }
        if let Some((open, _)) = self.open.last() {
            let expected = format!("`,` or `{}`", closer_of(open));
            self.close_bracket(&expected)?;
        }
        if !self.eat_kw("in") {
            return Err(self.fail_here(
                "expected `in` after the loop variable",
                Some("a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`"),
            ));
        }
        let iterable = self.expr_list(true)?;
        self.expect_end()?;
        Ok((targets, iterable))
    }

    #[cold]
    #[inline(never)]
    fn target_error(&self) -> ParseError {
        const MESSAGE: &str = "expected a loop variable name";
        match &self.peek().tok {
            Tok::Op("(" | "[") => self.fail_here("nested tuple targets are not supported in asim", None),
            Tok::Op("*") => self.fail_here("starred targets are not supported in asim", None),
            Tok::Name(kw) if kw == "for" => {
                self.fail_here(MESSAGE, Some("write the header without the leading `for`: `i in range(3)`"))
            }
            Tok::Name(kw) => {
                self.fail_here(MESSAGE, Some(&format!("`{kw}` is a Python keyword, so it cannot be used as a name")))
            }
            _ => self.fail_here(MESSAGE, None),
        }
    }

    fn signature(&mut self) -> PResult<Signature> {
        let t = self.peek().clone();
        let name = match t.tok {
            Tok::Name(name) if !is_keyword(&name) => name,
            Tok::Name(kw) if kw == "async" || kw == "def" => {
                return Err(self.fail_here(
                    "expected a coroutine name",
                    Some("write just `name(param, ...)`, without `async def`"),
                ))
            }
            _ => return Err(self.fail_here("expected a coroutine name", None)),
        };
        self.bump();
        let mut params: Vec<Param> = Vec::new();
        if self.is_op("(") {
            self.open_bracket();
            while !self.is_op(")") {
                params.push(self.param(&params)?);
                if !self.eat_op(",") {
                    break;
                }
            }
            self.close_bracket("`,` or `)`")?;
        }
        if self.is_op(":") || self.is_op("->") {
            return Err(self.fail_here(
                &format!("unexpected {}", self.describe(self.peek())),
                Some("a signature is just `name(param, param=default)`"),
            ));
        }
        self.expect_end()?;
        Ok(Signature { name, name_span: t.span, params })
    }

    fn param(&mut self, before: &[Param]) -> PResult<Param> {
        let t = self.peek().clone();
        let name = match t.tok {
            Tok::Name(name) if !is_keyword(&name) => name,
            Tok::Op("*" | "**") => {
                return Err(self.fail_here("`*` and `**` parameters are not supported in asim signatures", None))
            }
            Tok::Op("/") => {
                return Err(
                    self.fail_here("positional-only parameters (`/`) are not supported in asim signatures", None)
                )
            }
            Tok::Name(kw) => {
                return Err(self.fail_here(
                    "expected a parameter name",
                    Some(&format!("`{kw}` is a Python keyword, so it cannot be used as a name")),
                ))
            }
            _ => return Err(self.fail_here("expected a parameter name", None)),
        };
        self.bump();
        if self.is_op(":") {
            return Err(self.fail_here("parameter annotations are not supported in asim signatures", None));
        }
        let default = if self.eat_op("=") { Some(self.expression()?) } else { None };
        if before.iter().any(|p| p.name == name) {
            return Err(ParseError::new(format!("duplicate parameter `{name}`"), t.span));
        }
        if default.is_none() && before.iter().any(|p| p.default.is_some()) {
            return Err(ParseError::new("parameter without a default follows parameter with a default", t.span));
        }
        Ok(Param { name, span: t.span, default })
    }
}

#[cold]
#[inline(never)]
fn starred_here(span: Span) -> ParseError {
    ParseError::new("cannot use starred expression here", span)
        .with_hint("`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact, readable rendering of a tree: `(+ 1 (* 2 3))`.
    fn sx(e: &Expr) -> String {
        let list = |items: &[Expr]| items.iter().map(|e| format!(" {}", sx(e))).collect::<String>();
        let opt = |e: &Option<Box<Expr>>| e.as_ref().map_or("_".to_string(), |e| sx(e));
        match &e.kind {
            ExprKind::Int(v) => v.to_string(),
            ExprKind::Float(v) => format!("{v:?}"),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Bool(b) => (if *b { "True" } else { "False" }).to_string(),
            ExprKind::None => "None".to_string(),
            ExprKind::FString(parts) => format!("f[{}]", fparts(parts)),
            ExprKind::Name(n) => n.clone(),
            ExprKind::List(items) => format!("[{}]", list(items).trim_start()),
            ExprKind::Tuple(items) => format!("(tuple{})", list(items)),
            ExprKind::Dict(pairs) => {
                let pairs: Vec<_> = pairs.iter().map(|(k, v)| format!("{}: {}", sx(k), sx(v))).collect();
                format!("{{{}}}", pairs.join(", "))
            }
            ExprKind::Unary(op, x) => {
                let op = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Pos => "+",
                    UnaryOp::Not => "not",
                };
                format!("({op} {})", sx(x))
            }
            ExprKind::Binary(op, a, b) => {
                let op = match op {
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    BinOp::FloorDiv => "//",
                    BinOp::Mod => "%",
                    BinOp::Pow => "**",
                };
                format!("({op} {} {})", sx(a), sx(b))
            }
            ExprKind::Compare(first, rest) => {
                let rest: String = rest
                    .iter()
                    .map(|(op, e)| {
                        let op = match op {
                            CmpOp::Eq => "==",
                            CmpOp::Ne => "!=",
                            CmpOp::Lt => "<",
                            CmpOp::Le => "<=",
                            CmpOp::Gt => ">",
                            CmpOp::Ge => ">=",
                            CmpOp::In => "in",
                            CmpOp::NotIn => "not-in",
                            CmpOp::Is => "is",
                            CmpOp::IsNot => "is-not",
                        };
                        format!(" {op} {}", sx(e))
                    })
                    .collect();
                format!("(cmp {}{rest})", sx(first))
            }
            ExprKind::BoolOp(op, values) => {
                let op = if *op == BoolOp::And { "and" } else { "or" };
                format!("({op}{})", list(values))
            }
            ExprKind::IfExp { cond, then, orelse } => {
                format!("(if {} {} {})", sx(cond), sx(then), sx(orelse))
            }
            ExprKind::Call { func, args, kwargs } => {
                let kwargs: String = kwargs.iter().map(|k| format!(" {}={}", k.name, sx(&k.value))).collect();
                format!("(call {}{}{kwargs})", sx(func), list(args))
            }
            ExprKind::Attribute { value, attr, .. } => format!("(. {} {attr})", sx(value)),
            ExprKind::Index { value, index } => format!("(index {} {})", sx(value), sx(index)),
            ExprKind::Slice { lo, hi, step } => {
                format!("(slice {} {} {})", opt(lo), opt(hi), opt(step))
            }
            ExprKind::Starred(x) => format!("(* {})", sx(x)),
        }
    }

    fn fparts(parts: &[FPart]) -> String {
        let parts: Vec<String> = parts
            .iter()
            .map(|p| match p {
                FPart::Lit(s) => format!("{s:?}"),
                FPart::Field(f) => {
                    let mut out = format!("{{{}", sx(&f.expr));
                    if let Some(c) = f.conversion {
                        out += &format!("!{c}");
                    }
                    if !f.spec.is_empty() {
                        out += &format!(":[{}]", fparts(&f.spec));
                    }
                    if let Some(d) = &f.debug_text {
                        out += &format!(" dbg={d:?}");
                    }
                    out + "}"
                }
            })
            .collect();
        parts.join(" ")
    }

    fn show_err(e: &ParseError) -> String {
        match &e.hint {
            Some(h) => format!("{} @{:?} ({h})", e.message, e.span),
            None => format!("{} @{:?}", e.message, e.span),
        }
    }

    /// The nodes of a tree in preorder, each as the source text it spans.
    fn spans(src: &str, e: &Expr) -> String {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
            out.push(e);
            let mut kids: Vec<&Expr> = Vec::new();
            match &e.kind {
                ExprKind::List(v) | ExprKind::Tuple(v) | ExprKind::BoolOp(_, v) => kids.extend(v),
                ExprKind::Dict(pairs) => pairs.iter().for_each(|(k, v)| kids.extend([k, v])),
                ExprKind::Unary(_, x) | ExprKind::Starred(x) => kids.push(x),
                ExprKind::Binary(_, a, b) | ExprKind::Index { value: a, index: b } => {
                    kids.extend([&**a, &**b]);
                }
                ExprKind::Compare(a, rest) => {
                    kids.push(a);
                    kids.extend(rest.iter().map(|(_, e)| e));
                }
                ExprKind::IfExp { cond, then, orelse } => kids.extend([&**then, &**cond, &**orelse]),
                ExprKind::Call { func, args, kwargs } => {
                    kids.push(func);
                    kids.extend(args);
                    kids.extend(kwargs.iter().map(|k| &k.value));
                }
                ExprKind::Attribute { value, .. } => kids.push(value),
                ExprKind::Slice { lo, hi, step } => {
                    kids.extend([lo, hi, step].into_iter().flatten().map(|b| &**b));
                }
                ExprKind::FString(parts) => {
                    for p in parts {
                        if let FPart::Field(f) = p {
                            kids.push(&f.expr);
                        }
                    }
                }
                _ => {}
            }
            for k in kids {
                walk(k, out);
            }
        }
        let mut nodes = Vec::new();
        walk(e, &mut nodes);
        nodes.iter().map(|n| &src[n.span.clone()]).collect::<Vec<_>>().join(" | ")
    }

    /// Runs a table, reporting every failing row at once.
    fn check<T>(
        cases: &[(&str, &str)],
        run: impl Fn(&str) -> Result<T, ParseError>,
        show: impl Fn(&str, &T) -> String,
    ) {
        let mut failures = Vec::new();
        for &(src, want) in cases {
            let got = match run(src) {
                Ok(v) => show(src, &v),
                Err(e) => format!("ERR {}", show_err(&e)),
            };
            if got != want {
                failures.push(format!("  input {src:?}\n   want {want}\n    got {got}"));
            }
        }
        assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    }

    fn check_expr(cases: &[(&str, &str)]) {
        check(cases, parse_expr, |_, e| sx(e));
    }

    fn check_errors(run: impl Fn(&str) -> Result<String, ParseError>, cases: &[(&str, &str)]) {
        check(cases, run, |_, s: &String| s.clone());
    }

    fn expr_error(src: &str) -> Result<String, ParseError> {
        parse_expr(src).map(|e| sx(&e))
    }

    #[test]
    fn precedence() {
        check_expr(&[
            ("1 + 2 * 3", "(+ 1 (* 2 3))"),
            ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
            ("1 - 2 - 3", "(- (- 1 2) 3)"),
            ("8 / 4 // 2 % 3", "(% (// (/ 8 4) 2) 3)"),
            ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
            ("-2 ** 2", "(- (** 2 2))"),
            ("2 ** -1", "(** 2 (- 1))"),
            ("-x ** -y ** z", "(- (** x (- (** y z))))"),
            ("--+x", "(- (- (+ x)))"),
            ("a * -b", "(* a (- b))"),
            ("not a == b", "(not (cmp a == b))"),
            ("not not a", "(not (not a))"),
            ("a or b and c", "(or a (and b c))"),
            ("a and b or c and d", "(or (and a b) (and c d))"),
            ("a and b and c", "(and a b c)"),
            ("a or b or c", "(or a b c)"),
            ("not a and not b", "(and (not a) (not b))"),
            ("a if b else c", "(if b a c)"),
            ("a if b else c if d else e", "(if b a (if d c e))"),
            ("a or b if c and d else e", "(if (and c d) (or a b) e)"),
            ("x + 1 if x > 0 else -x", "(if (cmp x > 0) (+ x 1) (- x))"),
            ("(a if b else c) + 1", "(+ (if b a c) 1)"),
            ("a + b < c * d", "(cmp (+ a b) < (* c d))"),
            ("f(x).y[0] ** 2", "(** (index (. (call f x) y) 0) 2)"),
            ("-f(x)", "(- (call f x))"),
            ("x.y.z", "(. (. x y) z)"),
            ("f(a)(b)", "(call (call f a) b)"),
            ("a[1][2]", "(index (index a 1) 2)"),
            ("\"a\".upper()", "(call (. \"a\" upper))"),
            ("1 .real", "(. 1 real)"),
            ("1if x else 2", "(if x 1 2)"),
            ("  1  ", "1"),
            ("\n1\n\n", "1"),
            ("x \\\n + 1", "(+ x 1)"),
            ("x \\\n\n", "x"),
            ("\n\nx", "x"),
            ("\n\x0cx", "x"),
            ("# leading comment\nx", "x"),
            ("x\n\n  \n", "x"),
            ("x\n  # c", "x"),
            ("x\n \x0c", "x"),
            ("(x\n  )", "x"),
            ("(x +\n 1)", "(+ x 1)"),
            ("[1,\n 2]", "[1 2]"),
            ("1 # a comment", "1"),
            ("true", "true"),
            ("null", "null"),
        ]);
    }

    #[test]
    fn comparisons() {
        check_expr(&[
            ("a < b", "(cmp a < b)"),
            ("a < b <= c", "(cmp a < b <= c)"),
            ("a == b != c > d >= e", "(cmp a == b != c > d >= e)"),
            ("a in b", "(cmp a in b)"),
            ("a not in b", "(cmp a not-in b)"),
            ("a is b", "(cmp a is b)"),
            ("a is not b", "(cmp a is-not b)"),
            ("a is not None in c", "(cmp a is-not None in c)"),
            ("a is (not b)", "(cmp a is (not b))"),
            ("x not in y and y in z", "(and (cmp x not-in y) (cmp y in z))"),
            ("1 < x < 10 == True", "(cmp 1 < x < 10 == True)"),
        ]);
    }

    #[test]
    fn numbers() {
        check_expr(&[
            ("0", "0"),
            ("00", "0"),
            ("0_0", "0"),
            ("1_000_000", "1000000"),
            ("0x1F", "31"),
            ("0XfF", "255"),
            ("0x_1", "1"),
            ("0o17", "15"),
            ("0b1010", "10"),
            ("0B1_0", "2"),
            ("9223372036854775807", "9223372036854775807"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("- 9223372036854775808", "-9223372036854775808"),
            ("-0x8000000000000000", "-9223372036854775808"),
            ("-1", "(- 1)"),
            ("1.5", "1.5"),
            (".5", "0.5"),
            ("5.", "5.0"),
            ("1e3", "1000.0"),
            ("1E-3", "0.001"),
            ("1.5e+2", "150.0"),
            ("1.e2", "100.0"),
            ("1_000.5", "1000.5"),
            ("1_0e1_0", "100000000000.0"),
            ("09.5", "9.5"),
            ("09e1", "90.0"),
            ("0.1", "0.1"),
            ("0.30000000000000004", "0.30000000000000004"),
            ("1e400", "inf"),
            ("1e-400", "0.0"),
            ("2.2250738585072011e-308", "2.225073858507201e-308"),
            ("1.7976931348623157e308", "1.7976931348623157e308"),
            ("1.7976931348623159e308", "inf"),
            ("0.1e1", "1.0"),
            ("x if 1else 2", "(if 1 x 2)"),
            ("0x1or y", "(or 1 y)"),
            ("0b1if x else 2", "(if x 1 2)"),
            ("0o7not in y", "(cmp 7 not-in y)"),
        ]);
    }

    #[test]
    fn literals_and_displays() {
        check_expr(&[
            ("True", "True"),
            ("False", "False"),
            ("None", "None"),
            ("[]", "[]"),
            ("[1]", "[1]"),
            ("[1, 2,]", "[1 2]"),
            ("[*a, b, *c]", "[(* a) b (* c)]"),
            ("[*a + b]", "[(* (+ a b))]"),
            ("()", "(tuple)"),
            ("(1,)", "(tuple 1)"),
            ("(1, 2)", "(tuple 1 2)"),
            ("(1, 2,)", "(tuple 1 2)"),
            ("(*a,)", "(tuple (* a))"),
            ("(*a, *b)", "(tuple (* a) (* b))"),
            ("(1)", "1"),
            ("((1))", "1"),
            ("1, 2", "(tuple 1 2)"),
            ("1,", "(tuple 1)"),
            ("1, (2, 3)", "(tuple 1 (tuple 2 3))"),
            ("{}", "{}"),
            ("{'a': 1}", "{\"a\": 1}"),
            ("{'a': 1, 'b': [2],}", "{\"a\": 1, \"b\": [2]}"),
            ("{k: v if c else w}", "{k: (if c v w)}"),
            ("{(1, 2): x}", "{(tuple 1 2): x}"),
        ]);
    }

    #[test]
    fn calls_attributes_indexes() {
        check_expr(&[
            ("f()", "(call f)"),
            ("f(1, 2)", "(call f 1 2)"),
            ("f(1, 2,)", "(call f 1 2)"),
            ("f(x, start=1)", "(call f x start=1)"),
            ("Queue(maxsize=3)", "(call Queue maxsize=3)"),
            ("f(a=1, b=2,)", "(call f a=1 b=2)"),
            ("f(*xs)", "(call f (* xs))"),
            ("f(a, *xs, b)", "(call f a (* xs) b)"),
            ("f(a=1, *xs)", "(call f (* xs) a=1)"),
            ("f(*a or b)", "(call f (* (or a b)))"),
            ("f(x if y else z, k=not v)", "(call f (if y x z) k=(not v))"),
            ("f(a == b)", "(call f (cmp a == b))"),
            ("t.result()", "(call (. t result))"),
            ("e.args[0]", "(index (. e args) 0)"),
            ("a[i]", "(index a i)"),
            ("a[-1]", "(index a (- 1))"),
            ("a[1:2]", "(index a (slice 1 2 _))"),
            ("a[:]", "(index a (slice _ _ _))"),
            ("a[::]", "(index a (slice _ _ _))"),
            ("a[::2]", "(index a (slice _ _ 2))"),
            ("a[1:]", "(index a (slice 1 _ _))"),
            ("a[:n - 1]", "(index a (slice _ (- n 1) _))"),
            ("a[1:2:3]", "(index a (slice 1 2 3))"),
            ("a[lo:hi:]", "(index a (slice lo hi _))"),
            ("d[1, 2]", "(index d (tuple 1 2))"),
            ("d[1,]", "(index d (tuple 1))"),
            ("d['k']", "(index d \"k\")"),
        ]);
    }

    #[test]
    fn strings() {
        check_expr(&[
            ("'abc'", "\"abc\""),
            ("\"abc\"", "\"abc\""),
            ("''", "\"\""),
            ("'a' 'b'", "\"ab\""),
            ("'a' \"b\" 'c'", "\"abc\""),
            (r#"'\n\t\r\\\'\"'"#, r#""\n\t\r\\'\"""#),
            (r"'\0'", r#""\0""#),
            (r"'\101\12\777'", r#""A\nǿ""#),
            (r"'\x41\u00e9\U0001F600'", "\"Aé😀\""),
            (r"'\a\b\f\v'", r#""\u{7}\u{8}\u{c}\u{b}""#),
            (r"'\q\d'", r#""\\q\\d""#),
            ("'a\\\nb'", "\"ab\""),
            (r"r'\n'", r#""\\n""#),
            (r"R'\n' '\n'", r#""\\n\n""#),
            (r#"r'\''"#, r#""\\'""#),
            ("u'x'", "\"x\""),
            ("U'\\n'", "\"\\n\""),
            ("'''a\nb'''", "\"a\\nb\""),
            (r#""""a"b""""#, r#""a\"b""#),
            ("'é'", "\"é\""),
            ("'a' f'{x}'", "f[\"a\" {x}]"),
            ("f'{x}' 'b' f'c{y}'", "f[{x} \"bc\" {y}]"),
            ("f''", "f[]"),
            ("f'' ''", "f[]"),
        ]);
    }

    #[test]
    fn fstrings() {
        check_expr(&[
            ("f'abc'", "f[\"abc\"]"),
            ("f'{x}'", "f[{x}]"),
            ("f'a{x}b{y}c'", "f[\"a\" {x} \"b\" {y} \"c\"]"),
            ("f'{x!r}'", "f[{x!r}]"),
            ("f'{x!s}'", "f[{x!s}]"),
            ("f'{x!a}'", "f[{x!a}]"),
            ("f'{x:>5}'", "f[{x:[\">5\"]}]"),
            ("f'{x:.2f}'", "f[{x:[\".2f\"]}]"),
            ("f'{x!r:>5}'", "f[{x!r:[\">5\"]}]"),
            ("f'{x:>{w}}'", "f[{x:[\">\" {w}]}]"),
            ("f'{x:{w}.{p}f}'", "f[{x:[{w} \".\" {p} \"f\"]}]"),
            ("f'{x:{w!r:>3}}'", "f[{x:[{w!r:[\">3\"]}]}]"),
            ("f'{x:}'", "f[{x}]"),
            ("f'{x=}'", "f[{x!r dbg=\"x=\"}]"),
            ("f'{x = }'", "f[{x!r dbg=\"x = \"}]"),
            ("f'{x=!s}'", "f[{x!s dbg=\"x=\"}]"),
            ("f'{x=:>4}'", "f[{x:[\">4\"] dbg=\"x=\"}]"),
            ("f'{x=:}'", "f[{x dbg=\"x=\"}]"),
            ("f'{{}}'", "f[\"{}\"]"),
            ("f'{{x}}'", "f[\"{x}\"]"),
            ("f'{{{x}}}'", "f[\"{\" {x} \"}\"]"),
            ("f'{x:{{}}}'", "f[{x:[{{}}]}]"),
            ("f'{1, 2}'", "f[{(tuple 1 2)}]"),
            ("f'{1,}'", "f[{(tuple 1)}]"),
            ("f'{*a, 1}'", "f[{(tuple (* a) 1)}]"),
            ("f'{a != b}'", "f[{(cmp a != b)}]"),
            ("f'{a == b}'", "f[{(cmp a == b)}]"),
            ("f'{a <= b}'", "f[{(cmp a <= b)}]"),
            ("f'{a >= b}'", "f[{(cmp a >= b)}]"),
            ("f'{a < b}'", "f[{(cmp a < b)}]"),
            ("f'{a > b}'", "f[{(cmp a > b)}]"),
            ("f'{x:=5}'", "f[{x:[\"=5\"]}]"),
            ("f'{d[\"k\"]}'", "f[{(index d \"k\")}]"),
            ("f'{\"}\"}'", "f[{\"}\"}]"),
            ("f'{\"{\"}'", "f[{\"{\"}]"),
            ("f'{\"!:=\"}'", "f[{\"!:=\"}]"),
            ("f'{d[1:2]}'", "f[{(index d (slice 1 2 _))}]"),
            ("f'{ {\"a\": 1}[\"a\"] }'", "f[{(index {\"a\": 1} \"a\")}]"),
            ("f'{f(a, b=c)!r}'", "f[{(call f a b=c)!r}]"),
            ("f'{f\"{x}\"}'", "f[{f[{x}]}]"),
            ("f'''{x\n+ 1}'''", "f[{(+ x 1)}]"),
            ("f'''{\"\"\"a\"\"\"}'''", "f[{\"a\"}]"),
            (r"f'a\n{x}\t'", r#"f["a\n" {x} "\t"]"#),
            (r"f'\{x}'", r#"f["\\" {x}]"#),
            (r"f'\x7b'", "f[\"{\"]"),
            (r"rf'\n{x}'", r#"f["\\n" {x}]"#),
            (r"fR'\n{x}'", r#"f["\\n" {x}]"#),
            (r"Fr'{x}\n'", r#"f[{x} "\\n"]"#),
            (r"f'{x:\n}'", r#"f[{x:["\n"]}]"#),
        ]);
    }

    #[test]
    fn templates() {
        let show = |_: &str, parts: &Vec<FPart>| fparts(parts);
        check(
            &[
                ("", ""),
                ("plain text", "\"plain text\""),
                ("Received result: {result}", "\"Received result: \" {result}"),
                ("Received {x!r:>5} {{lit}}", "\"Received \" {x!r:[\">5\"]} \" {lit}\""),
                ("{a}{b}", "{a} {b}"),
                ("{{}}", "\"{}\""),
                ("}}{{", "\"}{\""),
                ("{x=}", "{x!r dbg=\"x=\"}"),
                ("{total:.2f}s", "{total:[\".2f\"]} \"s\""),
                ("{x:>{w}}|", "{x:[\">\" {w}]} \"|\""),
                ("{t.get_name()} done", "{(call (. t get_name))} \" done\""),
                ("{'a' if ok else 'b'}", "{(if ok \"a\" \"b\")}"),
                ("{\"q\"}", "{\"q\"}"),
                ("C:\\path\\n", "\"C:\\\\path\\\\n\""),
                ("{ x }", "{x}"),
                ("{x\n}", "{x}"),
                ("é{x}ü", "\"é\" {x} \"ü\""),
            ],
            parse_template,
            show,
        );
    }

    #[test]
    fn spans_follow_cpython() {
        check(
            &[
                ("a + b * c", "a + b * c | a | b * c | b | c"),
                ("(a + b) * c", "(a + b) * c | a + b | a | b | c"),
                ("(a)", "a"),
                ("( a , b )", "( a , b ) | a | b"),
                ("1, 2", "1, 2 | 1 | 2"),
                ("-x", "-x | x"),
                ("not  x", "not  x | x"),
                ("f(a, k=b)", "f(a, k=b) | f | a | b"),
                ("(f)(a)", "(f)(a) | f | a"),
                ("x.y.z", "x.y.z | x.y | x"),
                ("a[1:2]", "a[1:2] | a | 1:2 | 1 | 2"),
                ("a[:]", "a[:] | a | :"),
                ("a < b < c", "a < b < c | a | b | c"),
                ("a and b or c", "a and b or c | a and b | a | b | c"),
                ("x if c else y", "x if c else y | x | c | y"),
                ("'a' 'b'", "'a' 'b'"),
                ("f'{x} {y!r}'", "f'{x} {y!r}' | x | y"),
                ("f'{ x + 1 }'", "f'{ x + 1 }' | x + 1 | x | 1"),
                ("[*xs, 1]", "[*xs, 1] | *xs | xs | 1"),
                ("{'k': v}", "{'k': v} | 'k' | v"),
                ("-9223372036854775808", "-9223372036854775808"),
                ("  x  ", "x"),
            ],
            parse_expr,
            spans,
        );
        let e = parse_expr("obj.attr").unwrap();
        let ExprKind::Attribute { attr_span, .. } = e.kind else { panic!("{e:?}") };
        assert_eq!(attr_span, 4..8);
        let e = parse_expr("f(a, key=1)").unwrap();
        let ExprKind::Call { kwargs, .. } = e.kind else { panic!("{e:?}") };
        assert_eq!(kwargs[0].name_span, 5..8);
        assert_eq!(kwargs[0].value.span, 9..10);
        let parts = parse_template("ab {x + y} {z:{w}}").unwrap();
        let FPart::Field(f) = &parts[1] else { panic!("{parts:?}") };
        assert_eq!(f.expr.span, 4..9);
        let FPart::Field(f) = &parts[3] else { panic!("{parts:?}") };
        assert_eq!(f.expr.span, 12..13);
        let FPart::Field(w) = &f.spec[0] else { panic!("{f:?}") };
        assert_eq!(w.expr.span, 15..16);
    }

    #[test]
    fn for_headers() {
        let show = |_: &str, (targets, iter): &(Vec<(String, Span)>, Expr)| {
            let targets: Vec<String> = targets.iter().map(|(n, s)| format!("{n}@{}..{}", s.start, s.end)).collect();
            format!("{} in {}", targets.join(","), sx(iter))
        };
        check(
            &[
                ("i in range(3)", "i@0..1 in (call range 3)"),
                ("i, x in enumerate(xs)", "i@0..1,x@3..4 in (call enumerate xs)"),
                ("(a, b) in pairs", "a@1..2,b@4..5 in pairs"),
                ("[a, b] in pairs", "a@1..2,b@4..5 in pairs"),
                ("(a, b,) in pairs", "a@1..2,b@4..5 in pairs"),
                ("a, b, in pairs", "a@0..1,b@3..4 in pairs"),
                ("(a) in xs", "a@1..2 in xs"),
                ("x in 1, 2", "x@0..1 in (tuple 1 2)"),
                ("x in *a, b", "x@0..1 in (tuple (* a) b)"),
                ("x in [1, 2] + ys", "x@0..1 in (+ [1 2] ys)"),
                ("  x  in  xs  ", "x@2..3 in xs"),
                ("item in q.items if q else []", "item@0..4 in (if q (. q items) [])"),
            ],
            parse_for_header,
            show,
        );
    }

    #[test]
    fn signatures() {
        let show = |_: &str, s: &Signature| {
            let params: Vec<String> = s
                .params
                .iter()
                .map(|p| {
                    let at = format!("{}@{}..{}", p.name, p.span.start, p.span.end);
                    match &p.default {
                        Some(d) => format!("{at}={}", sx(d)),
                        None => at,
                    }
                })
                .collect();
            format!("{}@{}..{}({})", s.name, s.name_span.start, s.name_span.end, params.join(", "))
        };
        check(
            &[
                ("worker", "worker@0..6()"),
                ("worker()", "worker@0..6()"),
                ("fetch(id)", "fetch@0..5(id@6..8)"),
                ("fetch(id, delay=1.5)", "fetch@0..5(id@6..8, delay@10..15=1.5)"),
                ("f(a, b=-1, c=[1, 2],)", "f@0..1(a@2..3, b@5..6=(- 1), c@11..12=[1 2])"),
                ("f(a=x if y else z)", "f@0..1(a@2..3=(if y x z))"),
                ("  g ( a )  ", "g@2..3(a@6..7)"),
            ],
            parse_signature,
            show,
        );
    }

    #[test]
    fn starred_items() {
        check(
            &[
                ("*tasks", "(* tasks)"),
                ("* tasks", "(* tasks)"),
                ("*(a + b)", "(* (+ a b))"),
                ("*a or b", "(* (or a b))"),
                ("f(1)", "(call f 1)"),
                ("t", "t"),
                ("*[f(i) for i]", "ERR list comprehensions are not supported in asim expressions @7..10 (use a `for` step, or in `gather` an item `{for: ..., call: ...}`)"),
            ],
            parse_starred_item,
            |_, e| sx(e),
        );
    }

    #[test]
    fn token_errors() {
        check_errors(expr_error, &[
            ("$", "ERR unexpected character `$` @0..1"),
            ("a ? b", "ERR unexpected character `?` @2..3"),
            ("x + “y”", "ERR unexpected character `“` @4..7 (use a plain ASCII quote, `'` or `\"`)"),
            ("données", "ERR unexpected character `é` @4..6 (asim names use ASCII letters, digits and `_`)"),
            ("'abc", "ERR unterminated string @0..1 (close it with `'`)"),
            ("x + \"abc", "ERR unterminated string @4..5 (close it with `\"`)"),
            ("f'{x}", "ERR unterminated string @0..2 (close it with `'`)"),
            ("'''abc''", "ERR unterminated triple-quoted string @0..3 (close it with `'''`)"),
            ("'a\nb'", "ERR unterminated string @0..1 (close it with `'`)"),
            (r"'abc\'", "ERR unterminated string @0..1 (close it with `'`)"),
            (r"r'abc\'", "ERR unterminated string @0..2 (close it with `'`)"),
            ("(\"abc", "ERR unterminated string @1..2 (close it with `\"`)"),
            ("b'x'", "ERR bytes literals are not supported in asim expressions @0..4"),
            ("Rb'x'", "ERR bytes literals are not supported in asim expressions @0..5"),
            (r"'\x4'", r"ERR truncated `\x` escape: expected 2 hex digits @1..4"),
            (r"'ab\u12'", r"ERR truncated `\u` escape: expected 4 hex digits @3..7"),
            (r"'\U00110000'", r"ERR illegal Unicode character @1..11"),
            (r"'\ud800'", r"ERR surrogate code points are not supported in asim strings @1..7"),
            (r"'\N{BULLET}'", r"ERR `\N{...}` escapes are not supported in asim expressions @1..3 (write the character itself, or use `\u`)"),
            ("9223372036854775808", "ERR integer literal too large for asim (64-bit ints) @0..19 (the largest integer is 9223372036854775807)"),
            ("99999999999999999999999", "ERR integer literal too large for asim (64-bit ints) @0..23 (the largest integer is 9223372036854775807)"),
            ("0x1_0000_0000_0000_0000", "ERR integer literal too large for asim (64-bit ints) @0..23 (the largest integer is 9223372036854775807)"),
            ("-9223372036854775809", "ERR integer literal too large for asim (64-bit ints) @1..20 (the largest integer is 9223372036854775807)"),
            ("-9223372036854775808 ** 2", "ERR integer literal too large for asim (64-bit ints) @1..20 (the largest integer is 9223372036854775807)"),
            ("1abc", "ERR invalid decimal literal @0..2"),
            ("1__2", "ERR invalid decimal literal @0..2"),
            ("1_", "ERR invalid decimal literal @0..2"),
            ("1._5", "ERR invalid decimal literal @0..3"),
            ("1e", "ERR invalid decimal literal @0..2"),
            ("1e+", "ERR invalid decimal literal @0..2"),
            ("1e_5", "ERR invalid decimal literal @0..2"),
            ("1.real", "ERR invalid decimal literal @0..3"),
            ("0x", "ERR invalid hexadecimal literal @0..2"),
            ("0xg", "ERR invalid hexadecimal literal @0..2"),
            ("0x1fg", "ERR invalid hexadecimal literal @0..5"),
            ("0x1and 1", "ERR invalid hexadecimal literal @0..5"),
            ("0x_", "ERR invalid hexadecimal literal @0..3"),
            ("0b12", "ERR invalid digit '2' in binary literal @3..4"),
            ("0o8", "ERR invalid digit '8' in octal literal @2..3"),
            ("09", "ERR leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers @0..2"),
            ("0_1", "ERR leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers @0..3"),
            ("1j", "ERR complex numbers are not supported in asim expressions @0..2"),
            ("1.5J", "ERR complex numbers are not supported in asim expressions @0..4"),
            ("x \\ y", "ERR unexpected character after line continuation character @2..3"),
            ("x \\\n", "ERR unexpected end of input after line continuation character @2..3"),
            ("\n x", "ERR unexpected indent @1..2"),
            ("#c\n\tx", "ERR unexpected indent @3..4"),
            ("  \n  x", "ERR unexpected indent @3..5"),
            ("x\n  ", "ERR unexpected indent @2..4"),
            ("x # c\r\n\t", "ERR unexpected indent @7..8"),
            ("\n ", "ERR unexpected indent @1..2"),
        ]);
    }

    #[test]
    fn syntax_errors() {
        check_errors(expr_error, &[
            ("", "ERR expected an expression @0..0"),
            ("   ", "ERR expected an expression @3..3"),
            ("1 +", "ERR expected an expression @3..3"),
            ("1 + )", "ERR unexpected `)` @4..5 (there is no matching opening bracket for `)`)"),
            ("f(1))", "ERR unexpected `)` @4..5 (there is no matching opening bracket for `)`)"),
            (")", "ERR unexpected `)` @0..1 (there is no matching opening bracket for `)`)"),
            ("(1 + )", "ERR expected an expression @5..6"),
            ("(1]", "ERR closing `]` does not match opening `(` @2..3 (expected `)`)"),
            ("[1, 2)", "ERR closing `)` does not match opening `[` @5..6 (expected `]`)"),
            ("(1 + 2", "ERR unclosed `(` @0..1 (add the matching `)`)"),
            ("f(a[1", "ERR unclosed `[` @3..4 (add the matching `]`)"),
            ("f(1,", "ERR unclosed `(` @1..2 (add the matching `)`)"),
            ("{'a': 1", "ERR unclosed `{` @0..1 (add the matching `}`)"),
            ("(x if y", "ERR unclosed `(` @0..1 (add the matching `)`)"),
            ("(1 2)", "ERR unexpected `2` @3..4 (perhaps you forgot a comma?)"),
            ("[1 2]", "ERR unexpected `2` @3..4 (perhaps you forgot a comma?)"),
            ("f(a b)", "ERR unexpected `b` @4..5 (perhaps you forgot a comma?)"),
            ("[a 'b']", "ERR unexpected string literal @3..6 (perhaps you forgot a comma?)"),
            ("1 2", "ERR unexpected `2` @2..3"),
            ("x y", "ERR unexpected `y` @2..3"),
            ("x = 3", "ERR unexpected `=` @2..3 (to compare values, write `==`)"),
            ("count = 3", "ERR unexpected `=` @6..7 (to compare values, write `==`)"),
            ("f(a.b=1)", "ERR unexpected `=` @5..6 (to compare values, write `==`)"),
            ("x += 1", "ERR unexpected `+=` @2..4 (assignments are steps, not expressions: use `let` or `set`)"),
            ("a && b", "ERR unexpected `&&` @2..4 (Python spells logical AND as `and`)"),
            ("a || b", "ERR unexpected `||` @2..4 (Python spells logical OR as `or`)"),
            ("!x", "ERR unexpected `!` @0..1 (Python spells logical NOT as `not`)"),
            ("a and !b", "ERR unexpected `!` @6..7 (Python spells logical NOT as `not`)"),
            ("a ! b", "ERR unexpected `!` @2..3 (Python spells logical NOT as `not`)"),
            ("a <> b", "ERR unexpected `<>` @2..4 (Python spells not-equal as `!=`)"),
            ("a & b", "ERR bitwise operator `&` is not supported in asim expressions @2..3"),
            ("a | b", "ERR bitwise operator `|` is not supported in asim expressions @2..3"),
            ("a ^ b", "ERR bitwise operator `^` is not supported in asim expressions @2..3"),
            ("a << 2", "ERR bitwise operator `<<` is not supported in asim expressions @2..4"),
            ("a >> 2", "ERR bitwise operator `>>` is not supported in asim expressions @2..4"),
            ("~a", "ERR bitwise operator `~` is not supported in asim expressions @0..1"),
            ("1 + ~a", "ERR bitwise operator `~` is not supported in asim expressions @4..5"),
            ("a @ b", "ERR the `@` operator is not supported in asim expressions @2..3"),
            ("(y := 1)", "ERR assignment expressions (`:=`) are not supported in asim expressions @3..5 (assign with a `let` step)"),
            ("lambda: 1", "ERR lambda expressions are not supported in asim expressions @0..6 (define a coroutine, or compute the value with `let` steps)"),
            ("f(lambda x: x)", "ERR lambda expressions are not supported in asim expressions @2..8 (define a coroutine, or compute the value with `let` steps)"),
            ("await f()", "ERR `await` is not supported inside an expression @0..5 (use an `await:` step and its `as` name)"),
            ("yield x", "ERR `yield` is not supported in asim expressions @0..5"),
            ("[x for x in xs]", "ERR list comprehensions are not supported in asim expressions @3..6 (use a `for` step, or in `gather` an item `{for: ..., call: ...}`)"),
            ("[1, x for x in xs]", "ERR list comprehensions are not supported in asim expressions @6..9 (use a `for` step, or in `gather` an item `{for: ..., call: ...}`)"),
            ("(x for x in xs)", "ERR generator expressions are not supported in asim expressions @3..6 (use a `for` step, or in `gather` an item `{for: ..., call: ...}`)"),
            ("sum(x for x in xs)", "ERR generator expressions are not supported in asim expressions @6..9 (use a `for` step, or in `gather` an item `{for: ..., call: ...}`)"),
            ("{k: v for k in xs}", "ERR dict and set comprehensions are not supported in asim expressions @6..9 (use a `for` step, or in `gather` an item `{for: ..., call: ...}`)"),
            ("{x for x in xs}", "ERR dict and set comprehensions are not supported in asim expressions @3..6 (use a `for` step, or in `gather` an item `{for: ..., call: ...}`)"),
            ("x for x in xs", "ERR unexpected `for` @2..5"),
            ("{x}", "ERR set literals are not supported in asim expressions @0..2 (`{...}` fields belong in text fields such as `print`; in code, write the expression without braces)"),
            ("{1, 2}", "ERR set literals are not supported in asim expressions @0..2 (use a list `[...]` instead)"),
            ("{*a}", "ERR set literals are not supported in asim expressions @1..2"),
            ("{**d}", "ERR dict unpacking (`**`) is not supported in asim expressions @1..3"),
            ("{'a': 1, 'b'}", "ERR expected `:` after dictionary key @12..13"),
            ("{'a' 1}", "ERR unexpected `1` @5..6 (perhaps you forgot a comma?)"),
            ("f(**kw)", "ERR keyword argument unpacking (`**`) is not supported in asim expressions @2..4"),
            ("f(a=1, b)", "ERR positional argument follows keyword argument @7..8"),
            ("f(a=1, a=2)", "ERR keyword argument repeated: `a` @7..8"),
            ("f(a=)", "ERR expected an expression @4..5"),
            ("f(if=1)", "ERR expected an expression @2..4 (`if` is a Python keyword, so it cannot be used as a name)"),
            ("x if y", "ERR expected `else` after `if` expression @6..6"),
            ("x if y z", "ERR expected `else` after `if` expression @7..8"),
            ("*a", "ERR cannot use starred expression here @0..1 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
            ("*a, b", "ERR cannot use starred expression here @0..1 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
            ("(*a)", "ERR cannot use starred expression here @1..3 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
            ("a[*b]", "ERR cannot use starred expression here @2..3 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
            ("[*a if b else c]", "ERR unexpected `if` @4..6 (expected `,` or `]`)"),
            ("[a None]", "ERR unexpected `None` @3..7 (perhaps you forgot a comma?)"),
            ("[a 1.5]", "ERR unexpected `1.5` @3..6 (perhaps you forgot a comma?)"),
            ("f(a) (b c)", "ERR unexpected `c` @8..9 (perhaps you forgot a comma?)"),
            ("{'a': 1 'b': 2}", "ERR unexpected string literal @8..11 (perhaps you forgot a comma?)"),
            ("a[1:2:3:4]", "ERR unexpected `:` @7..8 (expected `]`)"),
            ("f(x)(", "ERR unclosed `(` @4..5 (add the matching `)`)"),
            ("1 + not x", "ERR expected an expression @4..7 (`not` binds more loosely than comparisons and arithmetic; wrap it in parentheses: `(not ...)`)"),
            ("a not b", "ERR unexpected `not` @2..5"),
            ("x.if", "ERR expected an attribute name after `.` @2..4"),
            ("x.", "ERR expected an attribute name after `.` @2..2"),
            ("x.1", "ERR unexpected `.1` @1..3"),
            ("a[]", "ERR expected an expression @2..3"),
            ("a[1:2, 3]", "ERR slices inside a tuple index are not supported in asim expressions @2..5"),
            ("...", "ERR `...` (Ellipsis) is not supported in asim expressions @0..3"),
            ("class", "ERR expected an expression @0..5 (`class` is a Python keyword, so it cannot be used as a name)"),
            ("x +\n1", "ERR expected an expression @3..4 (to continue an expression on the next line, wrap it in parentheses)"),
            ("x\n+ 1", "ERR unexpected newline @1..2 (to continue an expression on the next line, wrap it in parentheses)"),
            ("1; 2", "ERR unexpected `;` @1..2"),
            ("ur'x'", "ERR unexpected string literal @2..5"),
            ("f(x) $", "ERR unexpected character `$` @5..6"),
            (") $", "ERR unexpected `)` @0..1 (there is no matching opening bracket for `)`)"),
            ("f(1 $", "ERR unexpected character `$` @4..5"),
        ]);
    }

    #[test]
    fn fstring_errors() {
        check_errors(expr_error, &[
            ("f'{}'", "ERR f-string: empty expression not allowed @2..4"),
            ("f'{ }'", "ERR f-string: empty expression not allowed @2..5"),
            ("f'{!r}'", "ERR f-string: expression required before '!' @2..4"),
            ("f'{:x}'", "ERR f-string: expression required before ':' @2..4"),
            ("f'{=}'", "ERR f-string: expression required before '=' @2..4"),
            ("f'}'", "ERR f-string: single '}' is not allowed @2..3 (write `}}` for a literal `}`)"),
            ("f'{x}}'", "ERR f-string: single '}' is not allowed @5..6 (write `}}` for a literal `}`)"),
            ("f'{x'", "ERR f-string: expecting '}' @2..3 (write `{{` for a literal `{`)"),
            ("f'{'", "ERR f-string: expecting '}' @2..3 (write `{{` for a literal `{`)"),
            ("f'{x!r'", "ERR f-string: expecting '}' @2..3 (write `{{` for a literal `{`)"),
            ("f'{x!r }'", "ERR f-string: expecting '}' @6..7 (write `{{` for a literal `{`)"),
            ("f'{x=y}'", "ERR f-string: expecting '}' @5..6 (write `{{` for a literal `{`)"),
            ("f'{x!r=}'", "ERR f-string: expecting '}' @6..7 (write `{{` for a literal `{`)"),
            ("f'{x!z}'", "ERR f-string: invalid conversion character: expected 's', 'r', or 'a' @5..6"),
            ("f'{x!}'", "ERR f-string: invalid conversion character: expected 's', 'r', or 'a' @5..6"),
            ("f'{x:{y:{z}}}'", "ERR f-string: expressions nested too deeply @8..9"),
            ("f'{x:{y'", "ERR f-string: expecting '}' @5..6"),
            ("f'{a)}'", "ERR f-string: unmatched ')' @4..5"),
            ("f'{a]}'", "ERR f-string: unmatched ']' @4..5"),
            ("f'{(a]}'", "ERR f-string: closing parenthesis ']' does not match opening parenthesis '(' @5..6"),
            ("f'{(a}'", "ERR f-string: closing parenthesis '}' does not match opening parenthesis '(' @5..6"),
            ("f'{(a'", "ERR f-string: unmatched '(' @3..4"),
            ("f'{x\"}'", "ERR f-string: unterminated string @4..5"),
            ("f'{a #}'", "ERR f-string expression part cannot include '#' @5..6"),
            (r#"f'{"\n"}'"#, "ERR f-string expression part cannot include a backslash @4..5 (compute the value in a `let` step first)"),
            ("f'{x y}'", "ERR unexpected `y` @5..6"),
            ("f'{x +}'", "ERR expected an expression @6..6"),
            ("f'{*a}'", "ERR cannot use starred expression here @3..5 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
            ("f'{lambda:1}'", "ERR lambda expressions are not supported in asim expressions @3..9 (define a coroutine, or compute the value with `let` steps)"),
            ("f'{x}' f'{'", "ERR f-string: expecting '}' @9..10 (write `{{` for a literal `{`)"),
            ("f'{$}'", "ERR unexpected character `$` @3..4"),
            (r"f'\N{DASH}'", r"ERR `\N{...}` escapes are not supported in asim expressions @2..4 (write the character itself, or use `\u`)"),
        ]);
    }

    #[test]
    fn template_errors() {
        let run = |src: &str| parse_template(src).map(|p| fparts(&p));
        check_errors(run, &[
            ("a } b", "ERR f-string: single '}' is not allowed @2..3 (write `}}` for a literal `}`)"),
            ("a { b", "ERR f-string: expecting '}' @2..3 (write `{{` for a literal `{`)"),
            ("{}", "ERR f-string: empty expression not allowed @0..2"),
            ("x {x!q}", "ERR f-string: invalid conversion character: expected 's', 'r', or 'a' @5..6"),
            ("{x:{y:{z}}}", "ERR f-string: expressions nested too deeply @6..7"),
            ("{a + }", "ERR expected an expression @5..5"),
            ("{'\\n'.join(xs)}", "ERR f-string expression part cannot include a backslash @2..3 (compute the value in a `let` step first)"),
            ("{x = 3}", "ERR f-string: expecting '}' @5..6 (write `{{` for a literal `{`)"),
            ("{[x for x in y]}", "ERR list comprehensions are not supported in asim expressions @4..7 (use a `for` step, or in `gather` an item `{for: ..., call: ...}`)"),
        ]);
    }

    #[test]
    fn header_errors() {
        let for_run = |src: &str| parse_for_header(src).map(|(t, e)| format!("{t:?} {}", sx(&e)));
        check_errors(for_run, &[
            ("", "ERR expected a loop variable name @0..0"),
            ("in xs", "ERR expected a loop variable name @0..2 (`in` is a Python keyword, so it cannot be used as a name)"),
            ("for i in xs", "ERR expected a loop variable name @0..3 (write the header without the leading `for`: `i in range(3)`)"),
            ("i range(3)", "ERR expected `in` after the loop variable @2..7 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
            ("i", "ERR expected `in` after the loop variable @1..1 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
            ("i in", "ERR expected an expression @4..4"),
            ("i in xs ys", "ERR unexpected `ys` @8..10"),
            ("1 in xs", "ERR expected a loop variable name @0..1"),
            ("x.y in xs", "ERR a loop variable must be a plain name @1..2 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
            ("a[0] in xs", "ERR a loop variable must be a plain name @1..2 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
            ("(a, (b, c)) in xs", "ERR nested tuple targets are not supported in asim @4..5"),
            ("*a, b in xs", "ERR starred targets are not supported in asim @0..1"),
            ("a, in xs", "ERR a one-element tuple target is not supported in asim @1..2 (remove the comma to bind the name itself)"),
            ("(a,) in xs", "ERR a one-element tuple target is not supported in asim @2..3 (remove the comma to bind the name itself)"),
            ("(a, b in xs", "ERR unexpected `in` @6..8 (expected `,` or `)`)"),
            ("[a, b) in xs", "ERR closing `)` does not match opening `[` @5..6 (expected `]`)"),
            ("(a, b", "ERR unclosed `(` @0..1 (add the matching `)`)"),
            ("(a, b] in xs", "ERR closing `]` does not match opening `(` @5..6 (expected `)`)"),
            ("i = 0", "ERR expected `in` after the loop variable @2..3 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
            ("i in *xs", "ERR cannot use starred expression here @5..8 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
        ]);
        let sig_run = |src: &str| parse_signature(src).map(|s| format!("{s:?}"));
        check_errors(
            sig_run,
            &[
                ("", "ERR expected a coroutine name @0..0"),
                ("(a)", "ERR expected a coroutine name @0..1"),
                (
                    "async def f()",
                    "ERR expected a coroutine name @0..5 (write just `name(param, ...)`, without `async def`)",
                ),
                ("def f()", "ERR expected a coroutine name @0..3 (write just `name(param, ...)`, without `async def`)"),
                ("class", "ERR expected a coroutine name @0..5"),
                ("f(", "ERR unclosed `(` @1..2 (add the matching `)`)"),
                ("f(a", "ERR unclosed `(` @1..2 (add the matching `)`)"),
                ("f(a b)", "ERR unexpected `b` @4..5 (perhaps you forgot a comma?)"),
                ("f(a, a)", "ERR duplicate parameter `a` @5..6"),
                ("f(a=1, b)", "ERR parameter without a default follows parameter with a default @7..8"),
                ("f(*args)", "ERR `*` and `**` parameters are not supported in asim signatures @2..3"),
                ("f(a, *, b)", "ERR `*` and `**` parameters are not supported in asim signatures @5..6"),
                ("f(**kw)", "ERR `*` and `**` parameters are not supported in asim signatures @2..4"),
                ("f(a, /)", "ERR positional-only parameters (`/`) are not supported in asim signatures @5..6"),
                ("f(a: int)", "ERR parameter annotations are not supported in asim signatures @3..4"),
                ("f(1)", "ERR expected a parameter name @2..3"),
                (
                    "f(if)",
                    "ERR expected a parameter name @2..4 (`if` is a Python keyword, so it cannot be used as a name)",
                ),
                ("f(a=)", "ERR expected an expression @4..5"),
                ("f():", "ERR unexpected `:` @3..4 (a signature is just `name(param, param=default)`)"),
                ("f() -> int", "ERR unexpected `->` @4..6 (a signature is just `name(param, param=default)`)"),
                ("f g", "ERR unexpected `g` @2..3"),
                ("f.g()", "ERR unexpected `.` @1..2"),
            ],
        );
        let star_run = |src: &str| parse_starred_item(src).map(|e| sx(&e));
        check_errors(
            star_run,
            &[
                ("", "ERR expected an expression @0..0"),
                ("*", "ERR expected an expression @1..1"),
                (
                    "f(1), g(2)",
                    "ERR unexpected `,` @4..5 (an item is a single expression; give each item its own list entry)",
                ),
                (
                    "*a, *b",
                    "ERR unexpected `,` @2..3 (an item is a single expression; give each item its own list entry)",
                ),
                ("**kw", "ERR `**` unpacking is not supported in asim expressions @0..2"),
                ("f(1) g", "ERR unexpected `g` @5..6"),
            ],
        );
    }

    #[test]
    fn nesting_limit() {
        let ok = format!("{}x{}", "(".repeat(MAX_DEPTH - 1), ")".repeat(MAX_DEPTH - 1));
        assert!(parse_expr(&ok).is_ok());
        let deep = format!("{}x{}", "(".repeat(MAX_DEPTH + 5), ")".repeat(MAX_DEPTH + 5));
        let err = parse_expr(&deep).unwrap_err();
        assert_eq!(err.message, "expression is too deeply nested");
        let unary = format!("{}x", "-".repeat(10 * MAX_DEPTH));
        assert_eq!(parse_expr(&unary).unwrap_err().message, "expression is too deeply nested");
        let nots = format!("{}x", "not ".repeat(10 * MAX_DEPTH));
        assert_eq!(parse_expr(&nots).unwrap_err().message, "expression is too deeply nested");
        let pows = format!("x{}", "**x".repeat(10 * MAX_DEPTH));
        assert_eq!(parse_expr(&pows).unwrap_err().message, "expression is too deeply nested");
        let lists = format!("{}{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(parse_expr(&lists).is_ok());
        // f-strings nest too: their fields keep counting.
        let inner = format!("{}x{}", "(".repeat(MAX_DEPTH - 2), ")".repeat(MAX_DEPTH - 2));
        assert!(parse_expr(&format!("f'{{{inner}}}'")).is_ok());
        let nested_f = format!("f'{{f\"{{{inner}}}\"}}'");
        assert_eq!(parse_expr(&nested_f).unwrap_err().message, "expression is too deeply nested");
        assert!(parse_template(&format!("{{{inner}}}")).is_ok());
        // Long flat expressions are not nesting, up to CPython's chain limit.
        let flat = vec!["x"; MAX_CHAIN + 1].join(" + ");
        assert!(parse_expr(&flat).is_ok());
        let long = vec!["x"; MAX_CHAIN + 2].join(" + ");
        assert!(parse_expr(&long).unwrap_err().message.starts_with("expression too long"));
        let trailers = format!("x{}", "[0]".repeat(MAX_CHAIN + 1));
        assert!(parse_expr(&trailers).unwrap_err().message.starts_with("expression too long"));
    }

    /// Every prefix of tricky input, through every entry point: no panic,
    /// and every span lies inside the input.
    #[test]
    fn prefixes_never_panic() {
        let corpus = [
            r#"f'{x!r:>{w}}' 'é' + g(a, *b, k=[1, {'k': (2,)}])[1:2:3].y"#,
            r#"rf"\{é}" f'''{x
=}''' "\u00e9\x4\N{A}" '\'"#,
            "a if b else -c ** -d not in e is not f and not g or h",
            "0x1F + 0b12 + 1_000.5e-3 + 1__0 + 09 + 1e + 1j + 1if x else 2",
            "(a, b) in [*xs, (1,)] \\\n + 1 # comment é",
            "worker(a, b=1, *, c) -> None: \u{201c}x\u{201d} $",
            r"{x:{y:{z}}} {{ }} } { {!r} {x=!s:^{w}} {'\n'} {a #} {(a]} {a)}",
            "i, (j, k) in enumerate(é)",
            "\n  x\r\n\t+ 1 \\\r\n",
        ];
        for text in corpus {
            for (end, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let src = &text[..end];
                let check = |e: ParseError| {
                    assert!(e.span.start <= e.span.end && e.span.end <= src.len(), "{src:?}: {e:?}");
                };
                let _ = parse_expr(src).map_err(check);
                let _ = parse_template(src).map_err(check);
                let _ = parse_for_header(src).map_err(check);
                let _ = parse_signature(src).map_err(check);
                let _ = parse_starred_item(src).map_err(check);
            }
        }
    }

    #[test]
    fn error_display_is_the_message() {
        let err = parse_expr("(1").unwrap_err();
        assert_eq!(err.to_string(), "unclosed `(`");
    }
}

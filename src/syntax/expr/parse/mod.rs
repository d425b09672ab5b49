//! The recursive-descent parser: one method per rule of CPython 3.11's
//! expression grammar, over the tokenizer's tokens, and its error messages.

mod headers;

use super::fstring::{parse_fstring_body, push_lit};
use super::lex::{Lexer, StrTok, Tok, Token};
use super::*;

/// A recursive-descent parser over the tokens of one source range, one
/// method per rule of CPython 3.11's expression grammar.
pub(super) struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    /// The end of the last token consumed: where a node being built ends.
    pub(super) last_end: usize,
    /// The brackets open around the current token, for "unclosed" and
    /// "does not match" errors and to name a comprehension.
    open: Vec<(&'static str, Span)>,
    pub(super) depth: usize,
}

impl<'s> Parser<'s> {
    pub(super) fn new(src: &'s str, range: Span, in_parens: bool) -> Self {
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
    pub(super) fn bump(&mut self) -> Token {
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

    pub(super) fn is_op(&self, op: &str) -> bool {
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

    pub(super) fn eat_kw(&mut self, kw: &str) -> bool {
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
    pub(super) fn fail_here(&self, message: &str, hint: Option<&str>) -> ParseError {
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
                ":" if self.open.is_empty() && self.src[t.span.end..].trim().is_empty() => generic(Some(
                    "remove the `:` at the end: the colon after the key (`if:`, `for:`, `while:`) stands for the one that ends Python's header",
                )),
                "=" => generic(Some("to compare values, write `==`")),
                ":=" => self.fail_here(
                    "assignment expressions (`:=`) are not supported in asim expressions",
                    Some("assign with a `let` step"),
                ),
                "@" => self.fail_here("the `@` operator is not supported in asim expressions", None),
                "&&" => generic(Some("Python spells logical AND as `and`")),
                "||" => generic(Some("Python spells logical OR as `or`")),
                "!" => generic(Some("Python spells logical NOT as `not`")),
                "<>" => generic(Some("Python spells not-equal as `!=`")),
                _ if AUGMENTED_ASSIGNMENTS.contains(op) => {
                    generic(Some("assignments are steps, not expressions: write the statement in a `let` (`- let: x += 1`), or `set` for a shared variable"))
                }
                _ => generic(None),
            },
            Tok::Name(n) if n == "for" && !self.open.is_empty() => generic(Some(
                "a comprehension has one element before `for`: `[x for x in xs]`; \
                 wrap a tuple element in parentheses: `[(a, b) for ...]`",
            )),
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
                "&&" | "||" | "!" | "=" | ":=" | "<>" => self.unexpected(None),
                _ => self.fail_here(MESSAGE, None),
            },
            Tok::Name(kw) => match kw.as_str() {
                "lambda" => self.fail_here(
                    "lambda expressions are not supported in asim expressions",
                    Some("define a coroutine, or compute the value with `let` steps"),
                ),
                "await" => self.fail_here(
                    MESSAGE,
                    Some("`await` takes a primary (a name, a call, ...): parenthesize the rest, `await (...)`"),
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

    pub(super) fn expect_end(&self) -> PResult<()> {
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
    pub(super) fn expr_list(&mut self, star: bool) -> PResult<Expr> {
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
        let value = self.nested(Self::bitwise_or)?;
        Ok(Expr { kind: ExprKind::Starred(Box::new(value)), span: start..self.last_end })
    }

    /// `expression`: a conditional expression or anything tighter.
    pub(super) fn expression(&mut self) -> PResult<Expr> {
        if self.is_kw("lambda") {
            return self.nested(Self::lambda);
        }
        self.nested(Self::conditional)
    }

    /// `lambda params: body`.
    fn lambda(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let mut params: Vec<Param> = Vec::new();
        while !self.is_op(":") {
            let t = self.peek().clone();
            let name = match t.tok {
                Tok::Name(n) if !is_keyword(&n) => n,
                Tok::Op("*" | "**" | "/") => {
                    return Err(self.fail_here("`*`, `**` and `/` parameters are not supported in asim lambdas", None))
                }
                _ => return Err(self.fail_here("expected a parameter name or `:`", None)),
            };
            self.bump();
            if params.iter().any(|p| p.name == name) {
                return Err(ParseError::new(
                    format!("duplicate argument '{name}' in function definition"),
                    t.span.clone(),
                ));
            }
            let default = if self.eat_op("=") { Some(self.expression()?) } else { None };
            if default.is_none() && params.iter().any(|p| p.default.is_some()) {
                return Err(ParseError::new("non-default argument follows default argument", t.span.clone()));
            }
            params.push(Param { name, span: t.span, default });
            if !self.eat_op(",") {
                break;
            }
        }
        if !self.eat_op(":") {
            return Err(self.fail_here("expected `:` after the lambda's parameters", None));
        }
        let body = self.expression()?;
        Ok(Expr { kind: ExprKind::Lambda(Box::new(Lambda { params, body })), span: start..self.last_end })
    }

    /// The `for ... in ... if ...` clauses of a comprehension whose element
    /// is parsed, up to its closing bracket.
    fn comp_clauses(&mut self) -> PResult<Vec<CompFor>> {
        let mut gens = Vec::new();
        while self.eat_kw("for") {
            let target = self.comp_targets()?;
            if !self.eat_kw("in") {
                return Err(self.fail_here("expected `in` after the comprehension's target", None));
            }
            let iter = self.nested(Self::disjunction)?;
            let mut ifs = Vec::new();
            while self.eat_kw("if") {
                ifs.push(self.nested(Self::disjunction)?);
            }
            gens.push(CompFor { target, iter, ifs });
        }
        if self.is_kw("async") {
            return Err(self.fail_here("asynchronous comprehensions are not supported in asim", None));
        }
        Ok(gens)
    }

    /// A comprehension's target: a name, or names and bracketed groups of
    /// them separated by commas, up to `in`.
    fn comp_targets(&mut self) -> PResult<Expr> {
        let start = self.start();
        let first = self.comp_target()?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_kw("in") {
                break;
            }
            items.push(self.comp_target()?);
        }
        Ok(Expr { kind: ExprKind::Tuple(items), span: start..self.last_end })
    }

    fn comp_target(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Name(n) if !is_keyword(&n) => {
                self.bump();
                Ok(Expr { kind: ExprKind::Name(n), span: t.span })
            }
            Tok::Op(open @ ("(" | "[")) => {
                let start = self.open_bracket().start;
                let mut items = Vec::new();
                let close = closer_of(open);
                while !self.is_op(close) {
                    items.push(self.nested(Self::comp_target)?);
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.close_bracket(&format!("`,` or `{close}`"))?;
                let kind = if open == "(" { ExprKind::Tuple(items) } else { ExprKind::List(items) };
                Ok(Expr { kind, span: start..self.last_end })
            }
            Tok::Op("*") => Err(self.fail_here("starred targets are not supported in asim comprehensions", None)),
            _ => Err(self.fail_here("expected a name for the comprehension's target", None)),
        }
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
        let left = self.bitwise_or()?;
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
            rest.push((op, self.bitwise_or()?));
        }
        if rest.is_empty() {
            return Ok(left);
        }
        Ok(Expr { kind: ExprKind::Compare(Box::new(left), shrunk(rest)), span: start..self.last_end })
    }

    fn bitwise_or(&mut self) -> PResult<Expr> {
        self.binary(&[("|", BinOp::BitOr)], Self::bitwise_xor)
    }

    fn bitwise_xor(&mut self) -> PResult<Expr> {
        self.binary(&[("^", BinOp::BitXor)], Self::bitwise_and)
    }

    fn bitwise_and(&mut self) -> PResult<Expr> {
        self.binary(&[("&", BinOp::BitAnd)], Self::shift)
    }

    fn shift(&mut self) -> PResult<Expr> {
        self.binary(&[("<<", BinOp::LShift), (">>", BinOp::RShift)], Self::sum)
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
            Tok::Op("~") => UnaryOp::Invert,
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
        let base = if self.eat_kw("await") {
            // `await` takes a primary: `await f() ** 2` is `(await f()) ** 2`.
            if matches!(self.peek().tok, Tok::Op("-" | "+" | "~")) || self.is_kw("not") || self.is_kw("await") {
                return Err(self.fail_here(
                    "`await` applies to a primary (a name, a call, an attribute or an item)",
                    Some("put what it awaits in parentheses: `await (...)`, or move the operator out: `-(await f())`"),
                ));
            }
            let operand = self.nested(Self::primary)?;
            Expr { kind: ExprKind::Await(Box::new(operand)), span: start..self.last_end }
        } else {
            self.primary()?
        };
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
            Tok::Int(v) => match i64::try_from(v) {
                Ok(i) => ExprKind::Int(i),
                Err(_) => ExprKind::BigInt(Box::new(num_bigint::BigInt::from(v))),
            },
            Tok::BigInt(b) => ExprKind::BigInt(b),
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
        if self.is_kw("for") && !matches!(first.kind, ExprKind::Starred(_)) {
            let gens = self.comp_clauses()?;
            self.close_bracket("`)`")?;
            let comp = Comp { kind: CompKind::Gen, elt: first, value: None, gens };
            return Ok(Expr { kind: ExprKind::Comp(Box::new(comp)), span: start..self.last_end });
        }
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
            if items.len() == 1 && self.is_kw("for") && !matches!(items[0].kind, ExprKind::Starred(_)) {
                let gens = self.comp_clauses()?;
                self.close_bracket("`]`")?;
                let comp = Comp { kind: CompKind::List, elt: items.pop().expect("the element"), value: None, gens };
                return Ok(Expr { kind: ExprKind::Comp(Box::new(comp)), span: start..self.last_end });
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.close_bracket("`,` or `]`")?;
        Ok(Expr { kind: ExprKind::List(shrunk(items)), span: start..self.last_end })
    }

    /// The rest of a set literal after its first item.
    fn set_rest(&mut self, start: usize, first: Expr) -> PResult<Expr> {
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.is_op("}") {
                break;
            }
            if self.is_op("*") {
                return Err(self.fail_here("`*` unpacking in a set literal is not supported in asim", None));
            }
            items.push(self.expression()?);
        }
        self.close_bracket("`,` or `}`")?;
        Ok(Expr { kind: ExprKind::Set(shrunk(items)), span: start..self.last_end })
    }

    /// `{...}`: a dict, a set, or a comprehension of either. `**`
    /// unpacking is refused.
    fn dict(&mut self) -> PResult<Expr> {
        let start = self.open_bracket().start;
        let mut pairs = Vec::new();
        while !self.is_op("}") {
            if self.is_op("**") {
                return Err(self.fail_here("dict unpacking (`**`) is not supported in asim expressions", None));
            }
            if self.is_op("*") && pairs.is_empty() {
                return Err(self.fail_here("`*` unpacking in a set literal is not supported in asim", None));
            }
            let key = self.expression()?;
            if pairs.is_empty() && self.is_kw("for") {
                let gens = self.comp_clauses()?;
                self.close_bracket("`}`")?;
                let comp = Comp { kind: CompKind::Set, elt: key, value: None, gens };
                return Ok(Expr { kind: ExprKind::Comp(Box::new(comp)), span: start..self.last_end });
            }
            if !self.is_op(":") {
                if pairs.is_empty() && (self.is_op(",") || self.is_op("}")) {
                    return self.set_rest(start, key);
                }
                if pairs.is_empty() || matches!(self.peek().tok, Tok::Name(ref n) if n == "for") {
                    return Err(self.unexpected(Some("`:`")));
                }
                return Err(self.fail_here("expected `:` after dictionary key", None));
            }
            self.bump();
            let value = self.expression()?;
            if pairs.is_empty() && self.is_kw("for") {
                let gens = self.comp_clauses()?;
                self.close_bracket("`}`")?;
                let comp = Comp { kind: CompKind::Dict, elt: key, value: Some(value), gens };
                return Ok(Expr { kind: ExprKind::Comp(Box::new(comp)), span: start..self.last_end });
            }
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
                // `**mapping`: a keyword named `**` (no identifier is).
                let name_span = self.bump().span;
                let value = self.expression()?;
                kwargs.push(Keyword { name: "**".into(), name_span, value });
                if !self.eat_op(",") {
                    break;
                }
                continue;
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
                if self.is_kw("for") {
                    // `f(x for x in xs)`: a generator expression as the sole argument.
                    let gens = self.comp_clauses()?;
                    let span = value.span.start..self.last_end;
                    if !args.is_empty() || !kwargs.is_empty() || !self.is_op(")") {
                        return Err(ParseError::new("Generator expression must be parenthesized", span));
                    }
                    let comp = Comp { kind: CompKind::Gen, elt: value, value: None, gens };
                    args.push(Expr { kind: ExprKind::Comp(Box::new(comp)), span });
                    break;
                }
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
}

/// A list the parser built by pushing, without its growth reserve: a big
/// scenario holds hundreds of thousands of short ones.
fn shrunk<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

#[cold]
#[inline(never)]
fn starred_here(span: Span) -> ParseError {
    ParseError::new("cannot use starred expression here", span)
        .with_hint("`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`")
}

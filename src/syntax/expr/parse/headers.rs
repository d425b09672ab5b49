//! The parser's rules for what is not an expression: `for` headers (targets
//! `in` an iterable) and coroutine signatures.

use super::*;

impl Parser<'_> {
    pub(in crate::syntax::expr) fn for_header(&mut self) -> PResult<(Vec<(String, Span)>, Expr)> {
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

    pub(in crate::syntax::expr) fn signature(&mut self) -> PResult<Signature> {
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

impl Parser<'_> {
    /// `targets = [targets =]... value` or `target op= value`.
    pub(in crate::syntax::expr) fn assign_stmt(&mut self) -> PResult<AssignStmt> {
        let first = self.expr_list_targets()?;
        if let Tok::Op(op) = self.peek().tok {
            if let Some(aug) = aug_op(op) {
                let op_span = self.bump().span;
                check_aug_target(&first)?;
                let value = self.expr_list(true)?;
                self.expect_end()?;
                return Ok(AssignStmt { targets: vec![first], aug: Some((aug, op_span)), value });
            }
        }
        if !self.is_op("=") {
            if let Tok::End = self.peek().tok {
                return Err(ParseError::new("this is an expression, not an assignment", first.span.clone()).with_hint(
                    "an assignment reads `TARGET = VALUE`, e.g. `total = total + 1` or `x += 1`; to call something for its effect, use `do:`",
                ));
            }
            return Err(self.fail_here(
                &format!("expected `=` after {}", describe_target(&first)),
                Some("an assignment reads `TARGET = VALUE`, e.g. `total = total + 1` or `x += 1`"),
            ));
        }
        let mut parts = vec![first];
        while self.eat_op("=") {
            parts.push(self.expr_list_targets()?);
        }
        if let Tok::Op(op) = self.peek().tok {
            if aug_op(op).is_some() {
                return Err(self.fail_here("invalid syntax", Some("an augmented assignment has one target: `x += 1`")));
            }
        }
        self.expect_end()?;
        let value = parts.pop().expect("a value after `=`");
        if let ExprKind::Starred(_) = value.kind {
            return Err(ParseError::new("can't use starred expression here", value.span));
        }
        for t in &parts {
            check_target(t, true)?;
        }
        Ok(AssignStmt { targets: parts, aug: None, value })
    }

    /// A comma-separated list that may hold `*x` items (a target list or
    /// the value of an assignment).
    fn expr_list_targets(&mut self) -> PResult<Expr> {
        let start = self.start();
        let first = self.star_or_expr()?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if matches!(self.peek().tok, Tok::End) || self.is_op("=") || aug_op_tok(&self.peek().tok) {
                break;
            }
            items.push(self.star_or_expr()?);
        }
        Ok(Expr { kind: ExprKind::Tuple(items), span: start..self.last_end })
    }

    /// `del`'s operand: targets separated by commas.
    pub(in crate::syntax::expr) fn del_targets(&mut self) -> PResult<Vec<Expr>> {
        let mut out = Vec::new();
        loop {
            let t = self.star_or_expr()?;
            check_del_target(&t)?;
            out.push(t);
            if !self.eat_op(",") || matches!(self.peek().tok, Tok::End) {
                break;
            }
        }
        self.expect_end()?;
        Ok(out)
    }

    /// A lone target list (a `let` map key): `x`, `d[k]`, `a, b`.
    pub(in crate::syntax::expr) fn target_only(&mut self) -> PResult<Expr> {
        let t = self.expr_list_targets()?;
        if self.is_op("=") || aug_op_tok(&self.peek().tok) {
            return Err(self.fail_here(
                "an assignment in a `let` key",
                Some("in a map the key is the target and the value is the value: `{x: 1}`; or write the whole statement as a string: `let: \"x = 1\"`"),
            ));
        }
        self.expect_end()?;
        check_target(&t, true)?;
        Ok(t)
    }
}

fn aug_op_tok(t: &Tok) -> bool {
    matches!(t, Tok::Op(op) if aug_op(op).is_some())
}

/// The operator of an augmented assignment token asim supports.
fn aug_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+=" => BinOp::Add,
        "-=" => BinOp::Sub,
        "*=" => BinOp::Mul,
        "/=" => BinOp::Div,
        "//=" => BinOp::FloorDiv,
        "%=" => BinOp::Mod,
        "**=" => BinOp::Pow,
        "|=" => BinOp::BitOr,
        "^=" => BinOp::BitXor,
        "&=" => BinOp::BitAnd,
        "<<=" => BinOp::LShift,
        ">>=" => BinOp::RShift,
        _ => return None,
    })
}

/// What CPython calls an expression in "cannot assign to ...".
fn target_kind_name(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Call { .. } => "function call",
        ExprKind::Int(_) | ExprKind::BigInt(_) | ExprKind::Float(_) | ExprKind::Str(_) => "literal",
        ExprKind::FString(_) => "f-string expression",
        ExprKind::Bool(true) => "True",
        ExprKind::Bool(false) => "False",
        ExprKind::None => "None",
        ExprKind::Compare(..) => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) => "list",
        ExprKind::Starred(_) => "starred",
        _ => "expression",
    }
}

fn describe_target(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => format!("`{n}`"),
        _ => "the target".into(),
    }
}

/// Checks an assignment target as CPython's grammar does; `top` is false
/// inside a tuple or list target.
fn check_target(e: &Expr, top: bool) -> PResult<()> {
    match &e.kind {
        ExprKind::Name(n) if is_keyword(n) => Err(ParseError::new(format!("cannot assign to {n}"), e.span.clone())),
        ExprKind::Name(_) | ExprKind::Index { .. } => Ok(()),
        ExprKind::Attribute { attr, .. } => Err(ParseError::new(
            format!("assigning to an attribute (`.{attr}`) is not supported in asim"),
            e.span.clone(),
        )
        .with_hint("asim's values have no attributes to set; keep the state in a dict: `state['x'] = ...`")),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            let stars = items.iter().filter(|i| matches!(i.kind, ExprKind::Starred(_))).count();
            if stars > 1 {
                return Err(ParseError::new("multiple starred expressions in assignment", e.span.clone()));
            }
            items.iter().try_for_each(|i| check_target(i, false))
        }
        ExprKind::Starred(inner) if !top => check_target(inner, false),
        ExprKind::Starred(_) => {
            Err(ParseError::new("starred assignment target must be in a list or tuple", e.span.clone()))
        }
        ExprKind::Bool(_) | ExprKind::None => {
            Err(ParseError::new(format!("cannot assign to {}", target_kind_name(e)), e.span.clone()))
        }
        ExprKind::Compare(..) | ExprKind::IfExp { .. } | ExprKind::BoolOp(..) | ExprKind::Unary(UnaryOp::Not, _) => {
            Err(ParseError::new(format!("cannot assign to {}", target_kind_name(e)), e.span.clone()))
        }
        _ => Err(ParseError::new(
            format!("cannot assign to {} here. Maybe you meant '==' instead of '='?", target_kind_name(e)),
            e.span.clone(),
        )
        .with_hint("a target is a name, a subscription `d[k]` or a tuple of them; to compare, use `==` in an `if:`")),
    }
}

fn check_aug_target(e: &Expr) -> PResult<()> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Index { .. } | ExprKind::Attribute { .. } => check_target(e, true),
        _ => Err(ParseError::new(
            format!("'{}' is an illegal expression for augmented assignment", target_kind_name(e)),
            e.span.clone(),
        )
        .with_hint("an augmented assignment has one target: write one per name, `a += 1` then `b += 1`")),
    }
}

fn check_del_target(e: &Expr) -> PResult<()> {
    match &e.kind {
        ExprKind::Name(n) if is_keyword(n) => Err(ParseError::new(format!("cannot delete {n}"), e.span.clone())),
        ExprKind::Name(_) | ExprKind::Index { .. } => Ok(()),
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().try_for_each(check_del_target),
        ExprKind::Attribute { attr, .. } => {
            Err(ParseError::new(format!("deleting an attribute (`.{attr}`) is not supported in asim"), e.span.clone()))
        }
        _ => Err(ParseError::new(format!("cannot delete {}", target_kind_name(e)), e.span.clone())
            .with_hint("`del` takes names and subscriptions: `del: d[k]`, `del: xs[1:3]`, `del: a, b`")),
    }
}

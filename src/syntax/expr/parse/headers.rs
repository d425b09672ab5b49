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

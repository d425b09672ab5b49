//! Name resolution: a name in an expression or a target, resolved to a local
//! slot, `vars`, `sync`, a coroutine, a builtin or an exception class.

use super::*;

impl Ctx<'_> {
    fn known_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.named.keys().map(String::as_str).collect();
        v.extend(self.overlay.iter().map(|(n, _)| n.as_str()));
        v.extend(self.ch.vars.keys().map(String::as_str));
        v.extend(self.ch.prims.keys().map(String::as_str));
        v.extend(self.ch.coros.keys().map(String::as_str));
        v.extend(Builtin::ALL.iter().map(|(n, _)| *n));
        v.extend(ExcClass::ALL.iter().map(|c| c.name()));
        v.extend(self.ch.excs.keys().map(String::as_str));
        v
    }

    pub(super) fn name(&mut self, n: &str, span: Span) -> CExpr {
        self.name_or_callee(n, span, false)
    }

    /// [`Ctx::name`] of a name that is called (`worker(1)`), when it is no
    /// coroutine, builtin or class: the error says so.
    pub(super) fn callee(&mut self, n: &str, span: Span) -> CExpr {
        self.name_or_callee(n, span, true)
    }

    fn name_or_callee(&mut self, n: &str, span: Span, called: bool) -> CExpr {
        if let Some((slot, once)) = super::lift::temp_slot(n) {
            return if once { CExpr::Take(slot) } else { CExpr::Local(slot) };
        }
        if !self.scopes.is_empty() {
            if let Some(e) = self.scope_name(n, self.scopes.len()) {
                return e;
            }
        }
        if let Some((_, s)) = self.overlay.iter().rev().find(|(o, _)| o == n) {
            return CExpr::Local(*s);
        }
        if let Some(&s) = self.named.get(n) {
            return CExpr::Local(s);
        }
        if let Some(&g) = self.ch.vars.get(n) {
            return CExpr::Global(g);
        }
        if let Some(&(p, _)) = self.ch.prims.get(n) {
            return CExpr::Prim(p);
        }
        if let Some(c) = ExcClass::by_name(n) {
            return crate::compile::Newer::wrap(c, true, false, CExpr::Const(Value::ExcClass(c)));
        }
        if let Some(&u) = self.ch.excs.get(n) {
            return CExpr::Const(Value::UserClass(self.ch.exc_defs[u as usize].class.clone()));
        }
        if let Some(&id) =
            self.ch.coros.get(n).filter(|&&id| self.ch.scenario.coroutines.get(id as usize).is_some_and(|d| d.is_fn))
        {
            return CExpr::Const(Value::Def(std::rc::Rc::new(crate::value::DefRef { id, name: n.into() })));
        }
        if self.ch.coros.contains_key(n) {
            self.error(Diagnostic::error(format!("`{n}` is a coroutine function; call it: `{n}(...)`"), span));
        } else if let Some((_, b)) = Builtin::ALL.iter().find(|(b, _)| *b == n) {
            return CExpr::Const(Value::Builtin(*b));
        } else if n == "random" {
            self.error(
                Diagnostic::error("the `random` module on its own is not a value", span)
                    .with_hint("call one of its functions, such as `random.random()` or `random.uniform(0.5, 1.5)`"),
            );
        } else if n == "asyncio" {
            self.error(
                Diagnostic::error("`asyncio` on its own is not a value", span)
                    .with_hint("use `asyncio.CancelledError`, or a step such as `sleep`"),
            );
        } else {
            let hint = match n {
                "true" | "false" | "none" | "null" => Some(format!(
                    "Python spells it `{}`",
                    match n {
                        "true" => "True",
                        "false" => "False",
                        _ => "None",
                    }
                )),
                _ => did_you_mean(n, self.known_names()),
            };
            if n.ends_with("Error") || n.ends_with("Exception") || n.ends_with("Warning") {
                let mut known: Vec<&str> = self.ch.excs.keys().map(String::as_str).collect();
                known.extend(ExcClass::ALL.iter().map(|c| c.name()));
                let guess = did_you_mean(n, known.iter().copied()).map(|g| format!("{g} ")).unwrap_or_default();
                self.error(
                    Diagnostic::error(format!("unknown exception class `{n}`"), span)
                        .with_label("not a built-in exception class, nor one declared under `exceptions:`")
                        .with_hint(format!(
                            "{guess}to declare a class of your own, as `class {n}(Exception): pass` does, add `exceptions: {{{n}: Exception}}` at the top level; asim knows {}",
                            known.join(", ")
                        )),
                );
                return CExpr::Const(Value::None);
            }
            // A bare word meant as text: YAML took off no quotes, Python sees a name.
            let word = n.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            let hint = match hint {
                None if called => Some(format!(
                    "no coroutine or function is called `{n}`: a coroutine is declared under `coroutines:`, as `{n}(...)` with its steps"
                )),
                None if word => {
                    Some(format!("to mean the text `{n}`, write it as a Python string: `'{n}'` (in YAML, `\"'{n}'\"`)"))
                }
                h => h,
            };
            self.error(
                Diagnostic::error(format!("unknown name `{n}`"), span)
                    .with_hint_opt(hint)
                    .with_label("not a local, a shared variable, a primitive or a builtin"),
            );
        }
        CExpr::Const(Value::None)
    }

    /// A [`Target::Unpack`] of `targets`, none starred.
    pub(super) fn unpack(&mut self, targets: Box<[Target]>) -> Target {
        self.unpacks.push(Unpack { targets, star: None });
        Target::Unpack(self.unpacks.len() as u32 - 1)
    }

    pub(super) fn target(&mut self, n: &Name) -> Target {
        match self.named.get(&n.text) {
            Some(&s) => {
                self.rebinds_params |= s < self.n_params;
                Target::Local(s)
            }
            None => {
                // Checked already: every bound name is a local.
                let s = self.hidden(&n.text);
                Target::Local(s)
            }
        }
    }

    pub(super) fn global_target(&mut self, n: &Name) -> Option<Target> {
        match self.ch.vars.get(&n.text) {
            Some(&g) => Some(Target::Global(g)),
            None => {
                let hint = if self.named.contains_key(&n.text) || !self.ch.vars.is_empty() {
                    did_you_mean(&n.text, self.ch.vars.keys().map(String::as_str))
                        .or_else(|| Some("use `let` for a local variable".to_owned()))
                } else {
                    Some("declare it under `vars`, or use `let` for a local variable".to_owned())
                };
                self.error(
                    Diagnostic::error(
                        format!("`set` assigns shared variables, and `{}` is not declared under `vars`", n.text),
                        n.span.clone(),
                    )
                    .with_hint_opt(hint),
                );
                None
            }
        }
    }
}

//! Comprehensions and lambdas compiled: each has its own scope of slots
//! (its targets or parameters); a lambda also copies in, when it is made,
//! the locals it reads from the code around it.

use super::*;
use crate::syntax::expr::{Comp, CompKind, Lambda};

/// A comprehension's or lambda's scope while its code is compiled.
#[derive(Debug)]
pub(super) struct Scope {
    names: Vec<(String, u32)>,
    n: u32,
    /// A lambda's scope: a name from outside that is a local there is
    /// closed over (copied in at creation, into a slot of this scope).
    lambda: bool,
    captures: Vec<CExpr>,
}

impl Scope {
    /// Whether this is a lambda's scope (not a comprehension's).
    pub(super) fn is_lambda(&self) -> bool {
        self.lambda
    }
}

impl Scope {
    /// Whether the scope has a slot of that name.
    pub(super) fn binds(&self, n: &str) -> bool {
        self.names.iter().any(|(m, _)| m == n)
    }
}

impl Ctx<'_> {
    /// The name in the scopes `..depth` (innermost last), if one binds it
    /// or closes over it.
    pub(super) fn scope_name(&mut self, n: &str, depth: usize) -> Option<CExpr> {
        for d in (0..depth).rev() {
            let up = (depth - 1 - d) as u32;
            if let Some(&(_, i)) = self.scopes[d].names.iter().rev().find(|(m, _)| m == n) {
                return Some(CExpr::ScopeVar(up, i));
            }
            if self.scopes[d].lambda {
                let outer = match self.scope_name(n, d) {
                    Some(e) => e,
                    None => match self.overlay.iter().rev().find(|(o, _)| o == n).map(|(_, s)| *s) {
                        Some(s) => CExpr::Local(s),
                        None => {
                            let s = *self.named.get(n)?;
                            // The slot becomes a cell: the frame no longer
                            // holds the call's argument itself.
                            self.rebinds_params |= s < self.n_params;
                            CExpr::Local(s)
                        }
                    },
                };
                let sc = &mut self.scopes[d];
                let i = sc.n;
                sc.n += 1;
                sc.names.push((n.to_owned(), i));
                sc.captures.push(outer);
                return Some(CExpr::ScopeVar(up, i));
            }
        }
        None
    }

    fn scope_target(&mut self, e: &Expr, o: &Origin) -> ScopeTarget {
        match &e.kind {
            ExprKind::Name(n) => {
                let sc = self.scopes.last_mut().expect("inside a comprehension");
                let i = match sc.names.iter().find(|(m, _)| m == n) {
                    Some(&(_, i)) => i,
                    None => {
                        sc.n += 1;
                        sc.names.push((n.clone(), sc.n - 1));
                        sc.n - 1
                    }
                };
                ScopeTarget::Var(i)
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs) => {
                ScopeTarget::Seq(xs.iter().map(|x| self.scope_target(x, o)).collect())
            }
            _ => {
                self.error(Diagnostic::error("a comprehension's target must be names", o.span(&e.span)));
                ScopeTarget::Var(0)
            }
        }
    }

    /// A comprehension; a generator expression only where `consumed`
    /// (the argument of a builtin that takes all of it at once).
    pub(super) fn comp(&mut self, c: &Comp, o: &Origin, span: Span, consumed: bool) -> CExpr {
        match c.kind {
            CompKind::Gen if !consumed => {
                self.error(
                    Diagnostic::error("a generator expression is supported only as the argument of a call that consumes it", span)
                        .with_hint("pass it to sum, any, all, min, max, sorted, list, tuple or str.join, or use a list comprehension `[...]`"),
                );
                return CExpr::Const(Value::None);
            }
            _ => {}
        }
        let first = self.iter_expr(&c.gens[0].iter, o);
        self.scopes.push(Scope { names: Vec::new(), n: 0, lambda: false, captures: Vec::new() });
        let mut gens = Vec::with_capacity(c.gens.len());
        for (i, g) in c.gens.iter().enumerate() {
            let iter = if i == 0 { CExpr::Const(Value::None) } else { self.iter_expr(&g.iter, o) };
            let target = self.scope_target(&g.target, o);
            let ifs = g.ifs.iter().map(|x| self.expr(x, o)).collect();
            gens.push(CGen { target, iter, ifs });
        }
        let elt = self.expr(&c.elt, o);
        let value = c.value.as_ref().map(|v| self.expr(v, o));
        let sc = self.scopes.pop().expect("pushed above");
        CExpr::Comp(Box::new(CComp { kind: c.kind, n_vars: sc.n, first, gens, elt, value }))
    }

    /// `lambda params: body`.
    pub(super) fn lambda(&mut self, l: &Lambda, o: &Origin) -> CExpr {
        let defaults = l.params.iter().filter_map(|p| p.default.as_ref()).map(|d| self.expr(d, o)).collect();
        let names: Vec<(String, u32)> = l.params.iter().enumerate().map(|(i, p)| (p.name.clone(), i as u32)).collect();
        let n = names.len() as u32;
        self.scopes.push(Scope { names, n, lambda: true, captures: Vec::new() });
        let body = self.expr(&l.body, o);
        let sc = self.scopes.pop().expect("pushed above");
        let owner = if self.coro_name.is_empty() { String::new() } else { format!("{}.<locals>.", self.coro_name) };
        let id = self.lambda_base + self.lambdas.len() as u32;
        self.lambdas.push(CLambda {
            qualname: format!("{owner}<lambda>").into(),
            params: l.params.iter().map(|p| p.name.clone()).collect(),
            n_vars: sc.n,
            body,
        });
        CExpr::Lambda(Box::new((id, defaults, sc.captures)))
    }
}

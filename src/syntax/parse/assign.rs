//! The assignment steps: `let` and `set` (a map of targets to values, or
//! the Python statement as a string: `let: "stats['ok'] += 1"`) and `del`.

use super::{expr_error, flow_hint, scalar_origin, Parser};
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{Assign, Code, Name, Origin, Tgt};
use crate::syntax::expr::{self, Expr, ExprKind};
use crate::syntax::yaml::{Node, NodeKind};

impl Parser<'_> {
    /// The operand of `let` or `set`.
    pub(super) fn assignments(&mut self, verb: &str, v: &Node) -> Option<Vec<Assign>> {
        let v = &*self.mend(v);
        match &v.kind {
            NodeKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, val) in entries {
                    let target = self.map_target(k);
                    if let (Some(t), Some(c)) = (target, self.code(val)) {
                        out.push(Assign { targets: vec![t], aug: None, value: c });
                    }
                }
                Some(out)
            }
            NodeKind::Scalar { text, .. } if !v.is_null() => Some(self.statement(verb, text, v).into_iter().collect()),
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    match &i.kind {
                        NodeKind::Scalar { text, .. } if !i.is_null() => out.extend(self.statement(verb, text, i)),
                        _ => self.err(
                            Diagnostic::error(
                                format!("a `{verb}` list holds assignments as strings, found {}", i.kind_name()),
                                i.span.clone(),
                            )
                            .with_hint(format!("e.g. `- {verb}: [\"a = 1\", \"b += 2\"]`")),
                        ),
                    }
                }
                Some(out)
            }
            _ => {
                self.err(
                    Diagnostic::error(
                        format!("`{verb}` takes a map of targets to values or an assignment, found {}", v.kind_name()),
                        v.span.clone(),
                    )
                    .with_hint(format!("e.g. `- {verb}: {{total: total + 1}}` or `- {verb}: \"total += 1\"`")),
                );
                None
            }
        }
    }

    /// A map key of `let`/`set`: a name, or a target such as `cache[key]`.
    fn map_target(&mut self, k: &Node) -> Option<Tgt> {
        let NodeKind::Scalar { text, .. } = &k.kind else {
            return self.name(k).map(Tgt::Name);
        };
        let plain = text.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain {
            return self.name(k).map(Tgt::Name);
        }
        let origin = scalar_origin(k);
        match expr::parse_target(text) {
            Ok(e) => Some(tgt_of(e, &origin)),
            Err(e) => {
                let d = flow_hint(expr_error(e, &origin), k, self.source);
                self.err(d);
                None
            }
        }
    }

    /// `x = 1`, `a = b = 0`, `d[k] += 1` as a string.
    fn statement(&mut self, verb: &str, text: &str, node: &Node) -> Option<Assign> {
        let origin = scalar_origin(node);
        match expr::parse_assign(text) {
            Ok(st) => Some(Assign {
                targets: st.targets.into_iter().map(|t| tgt_of(t, &origin)).collect(),
                aug: st.aug.map(|(op, _)| op),
                value: Code::Expr(st.value, origin),
            }),
            Err(e) => {
                let mut d = flow_hint(expr_error(e, &origin), node, self.source);
                if d.hint.is_none() {
                    d = d.with_hint(format!("`{verb}` takes `TARGET = VALUE` or `TARGET += VALUE` as a string"));
                }
                self.err(d);
                None
            }
        }
    }

    /// The operand of `del`.
    pub(super) fn del_targets(&mut self, v: &Node) -> Option<Vec<Tgt>> {
        let texts: Vec<&Node> = match &v.kind {
            NodeKind::Scalar { .. } if !v.is_null() => vec![v],
            NodeKind::Seq(items) => items.iter().collect(),
            _ => {
                self.err(
                    Diagnostic::error(
                        format!("`del` takes a target such as `d[k]`, found {}", v.kind_name()),
                        v.span.clone(),
                    )
                    .with_hint("e.g. `- del: cache[key]` or `- del: a, b`"),
                );
                return None;
            }
        };
        let mut out = Vec::new();
        for n in texts {
            let NodeKind::Scalar { text, .. } = &n.kind else {
                self.err(Diagnostic::error(
                    format!("a `del` target is a string, found {}", n.kind_name()),
                    n.span.clone(),
                ));
                continue;
            };
            let origin = scalar_origin(n);
            match expr::parse_del(text) {
                Ok(ts) => out.extend(ts.into_iter().map(|t| tgt_of(t, &origin))),
                Err(e) => {
                    let d = flow_hint(expr_error(e, &origin), n, self.source);
                    self.err(d);
                }
            }
        }
        Some(out)
    }
}

/// The target a checked target expression stands for.
fn tgt_of(e: Expr, origin: &Origin) -> Tgt {
    let span = origin.span(&e.span);
    match e.kind {
        ExprKind::Name(text) => Tgt::Name(Name { text, span }),
        ExprKind::Index { value, index } => {
            Tgt::Item { obj: Code::Expr(*value, origin.clone()), index: Code::Expr(*index, origin.clone()) }
        }
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            Tgt::Seq(items.into_iter().map(|i| tgt_of(i, origin)).collect())
        }
        ExprKind::Starred(inner) => Tgt::Star(Box::new(tgt_of(*inner, origin))),
        _ => unreachable!("the expression parser checked the target"),
    }
}

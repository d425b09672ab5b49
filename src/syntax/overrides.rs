//! `asim sweep --var NAME=VALUE`: a top-level `vars` entry given another
//! initial value, as if the scenario said `NAME: VALUE`. The value is a
//! Python expression; it replaces the entry's code in the syntax tree, so
//! everything after (other vars, `sync`, the coroutines) sees it, and the
//! checker checks it like any other.

use super::ast::{Code, Origin, Scenario};
use super::expr;
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;

/// Where one override went: the span of the value it replaced, and the
/// flag as the user would write it (`workers=4`).
pub(crate) type Replaced = (Span, String);

/// Replaces the initial value of each `(name, value)` var; the errors
/// (an unknown name, a value that is not an expression) point at the
/// scenario's `vars` section.
pub(crate) fn apply(sc: &mut Scenario, overrides: &[(&str, &str)]) -> (Vec<Diagnostic>, Vec<Replaced>) {
    let mut errors = Vec::new();
    let mut replaced = Vec::new();
    for &(name, text) in overrides {
        let Some(i) = sc.vars.iter().position(|(n, _)| n.text == name) else {
            errors.push(unknown(sc, name));
            continue;
        };
        let old = sc.vars[i].1.span();
        match expr::parse_expr(text) {
            Ok(e) => {
                let origin = Origin::Owned(std::rc::Rc::new((old.clone(), text.to_owned())));
                sc.vars[i].1 = Code::Expr(e, origin);
                replaced.push((old, format!("{name}={text}")));
            }
            Err(e) => errors.push(
                Diagnostic::error(format!("--var {name}={text}: {}", e.message), old)
                    .with_label(format!("the value that `{text}` would replace"))
                    .with_hint_opt(e.hint),
            ),
        }
    }
    (errors, replaced)
}

/// `--var NAME=...` for a name that is not a top-level var.
fn unknown(sc: &Scenario, name: &str) -> Diagnostic {
    let names: Vec<&str> = sc.vars.iter().map(|(n, _)| n.text.as_str()).collect();
    let message = format!("--var {name}: the scenario has no var `{name}`");
    let (Some(first), Some(last)) = (sc.vars.first(), sc.vars.last()) else {
        return Diagnostic::error(message, 0..0).with_hint(format!(
            "--var sets a top-level `vars:` entry; add `vars:` with `{name}: VALUE` to the scenario"
        ));
    };
    let span = first.0.span.start..last.1.span().end.max(first.0.span.end);
    let sync = sc.sync.iter().any(|(n, _)| n.text == name);
    let hint = if sync {
        format!("`{name}` is a `sync` primitive; sweep a var it is made from (`{name}: Semaphore(n)` with `n` under `vars:`)")
    } else {
        match did_you_mean(name, names.iter().copied()) {
            Some(dym) => dym,
            None => format!("its vars are {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
        }
    };
    Diagnostic::error(message, span).with_label("the scenario's vars").with_hint(hint)
}

/// Whether `text` is one Python expression: the error, with its span in
/// `text`, if not.
pub(crate) fn check_expression(text: &str) -> Result<(), Diagnostic> {
    match expr::parse_expr(text) {
        Ok(_) => Ok(()),
        Err(e) => Err(Diagnostic::error(e.message, e.span).with_hint_opt(e.hint)),
    }
}

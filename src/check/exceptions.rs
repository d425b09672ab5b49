//! The scenario's own exception classes (`exceptions: {Name: Base}`):
//! each resolved to its base, a built-in class or another declared one,
//! in an order where every base comes before the classes deriving from it
//! (a cycle is an error, as a class cannot derive from itself in Python).

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::syntax::ast::Name;
use crate::value::{ExcClass, UserClass};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A declared class, resolved.
#[derive(Debug, Clone)]
pub(crate) struct ExcDef {
    pub(crate) name: String,
    /// The nearest built-in ancestor.
    pub(crate) base: ExcClass,
    /// The base as written (for `asim export python`).
    pub(crate) base_text: String,
    /// The class as values see it.
    pub(crate) class: Rc<UserClass>,
}

/// Resolves the declarations, in base-first order.
pub(crate) fn resolve(
    decls: &[(Name, Name)],
    taken: &dyn Fn(&str) -> bool,
    errors: &mut Vec<Diagnostic>,
) -> Vec<ExcDef> {
    let declared: BTreeMap<&str, usize> = decls.iter().enumerate().map(|(i, (n, _))| (n.text.as_str(), i)).collect();
    let mut ok = true;
    for (n, _) in decls {
        if ExcClass::by_name(&n.text).is_some() {
            ok = false;
            errors.push(
                Diagnostic::error(format!("`{}` is a built-in exception class", n.text), n.span.clone())
                    .with_hint("give your class a name of its own, such as `App".to_owned() + &n.text + "`"),
            );
        } else if taken(&n.text) {
            ok = false;
            errors.push(
                Diagnostic::error(
                    format!("`{}` is both an exception class and a variable, primitive or coroutine", n.text),
                    n.span.clone(),
                )
                .with_hint("a module has one meaning per name: rename one of them"),
            );
        }
    }
    // Each declaration's base: a built-in class, or another declaration.
    let mut bases: Vec<Result<ExcClass, usize>> = Vec::with_capacity(decls.len());
    for (n, b) in decls {
        let text = b.text.strip_prefix("asyncio.").unwrap_or(&b.text);
        let builtin = ExcClass::by_name(text).filter(|c| !b.text.starts_with("asyncio.") || c.in_asyncio());
        match (builtin, declared.get(text)) {
            (Some(c), _) if c.is_group() => {
                ok = false;
                errors.push(
                    Diagnostic::error(format!("`{}` cannot derive from `{}`", n.text, b.text), b.span.clone())
                        .with_label("an exception group class")
                        .with_hint("asim does not run subclasses of exception groups; derive from `Exception`"),
                );
                bases.push(Ok(ExcClass::Exception));
            }
            (Some(c), _) => bases.push(Ok(c)),
            (None, Some(&j)) => bases.push(Err(j)),
            (None, None) => {
                ok = false;
                let mut known: Vec<&str> = ExcClass::ALL.iter().map(|c| c.name()).collect();
                known.extend(declared.keys());
                let hint = match did_you_mean(text, known.iter().copied()) {
                    Some(g) => g,
                    None if matches!(text, "object" | "int" | "str" | "list" | "dict" | "float" | "tuple") => {
                        format!("an exception class derives from an exception class, usually `Exception`, not `{text}`")
                    }
                    None => "derive from a built-in exception class such as `Exception`, `ValueError` or `ConnectionError`, or from another class under `exceptions:`".to_owned(),
                };
                errors.push(
                    Diagnostic::error(format!("unknown base class `{}`", b.text), b.span.clone())
                        .with_label("not an exception class")
                        .with_hint(hint),
                );
                bases.push(Ok(ExcClass::Exception));
            }
        }
    }
    // Base-first order; a cycle is reported once, whole, from its first member.
    let mut order: Vec<usize> = Vec::with_capacity(decls.len());
    let mut state = vec![0u8; decls.len()]; // 0 new, 1 on the path, 2 placed
    for start in 0..decls.len() {
        let mut path = Vec::new();
        let mut i = start;
        loop {
            match state[i] {
                2 => break,
                1 => {
                    ok = false;
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    let names: Vec<&str> = path[from..].iter().map(|&p: &usize| decls[p].0.text.as_str()).collect();
                    let first = &decls[path[from]].0;
                    errors.push(
                        Diagnostic::error(
                            format!(
                                "exception classes derive from each other in a cycle: {} -> {}",
                                names.join(" -> "),
                                names[0]
                            ),
                            first.span.clone(),
                        )
                        .with_hint("one of them must derive from a built-in class such as `Exception`"),
                    );
                    for &p in &path {
                        state[p] = 2;
                    }
                    path.clear();
                    break;
                }
                _ => {
                    state[i] = 1;
                    path.push(i);
                    match bases[i] {
                        Err(j) => i = j,
                        Ok(_) => break,
                    }
                }
            }
        }
        for &p in path.iter().rev() {
            state[p] = 2;
            order.push(p);
        }
    }
    if !ok {
        return Vec::new();
    }
    let mut index = vec![0u32; decls.len()];
    let mut out: Vec<ExcDef> = Vec::with_capacity(decls.len());
    for &i in &order {
        let (parent, base) = match bases[i] {
            Ok(c) => (None, c),
            Err(j) => (Some(index[j]), out[index[j] as usize].base),
        };
        let id = out.len() as u32;
        index[i] = id;
        let class = Rc::new(UserClass {
            id,
            name: decls[i].0.text.as_str().into(),
            parent: parent.map(|p| out[p as usize].class.clone()),
            base,
        });
        out.push(ExcDef { name: decls[i].0.text.clone(), base, base_text: decls[i].1.text.clone(), class });
    }
    out
}

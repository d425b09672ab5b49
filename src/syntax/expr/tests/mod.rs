//! Tests of the expression front end, and the helpers they share: compact
//! renderings of trees, spans and errors, checked against expected text.

mod errors;
mod trees;

use super::*;

/// A compact, readable rendering of a tree: `(+ 1 (* 2 3))`.
fn sx(e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(|e| format!(" {}", sx(e))).collect::<String>();
    let opt = |e: &Option<Box<Expr>>| e.as_ref().map_or("_".to_string(), |e| sx(e));
    match &e.kind {
        ExprKind::Int(v) => v.to_string(),
        ExprKind::BigInt(v) => format!("{v}L"),
        ExprKind::Float(v) => format!("{v:?}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Bool(b) => (if *b { "True" } else { "False" }).to_string(),
        ExprKind::None => "None".to_string(),
        ExprKind::FString(parts) => format!("f[{}]", fparts(parts)),
        ExprKind::Name(n) => n.clone(),
        ExprKind::List(items) => format!("[{}]", list(items).trim_start()),
        ExprKind::Set(items) => format!("{{set{}}}", list(items)),
        ExprKind::Tuple(items) => format!("(tuple{})", list(items)),
        ExprKind::Dict(pairs) => {
            let pairs: Vec<_> = pairs.iter().map(|(k, v)| format!("{}: {}", sx(k), sx(v))).collect();
            format!("{{{}}}", pairs.join(", "))
        }
        ExprKind::Unary(op, x) => {
            let op = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Invert => "~",
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
                BinOp::BitOr => "|",
                BinOp::BitXor => "^",
                BinOp::BitAnd => "&",
                BinOp::LShift => "<<",
                BinOp::RShift => ">>",
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
        ExprKind::Comp(c) => {
            let kind = match c.kind {
                CompKind::List => "listcomp",
                CompKind::Gen => "genexp",
                CompKind::Dict => "dictcomp",
                CompKind::Set => "setcomp",
            };
            let value = c.value.as_ref().map(|v| format!(" {}", sx(v))).unwrap_or_default();
            let gens: String = c
                .gens
                .iter()
                .map(|g| {
                    let ifs: String = g.ifs.iter().map(|i| format!(" (if {})", sx(i))).collect();
                    format!(" (for {} {}{ifs})", sx(&g.target), sx(&g.iter))
                })
                .collect();
            format!("({kind} {}{value}{gens})", sx(&c.elt))
        }
        ExprKind::Await(x) => format!("(await {})", sx(x)),
        ExprKind::Lambda(l) => {
            let params: Vec<String> = l
                .params
                .iter()
                .map(|p| match &p.default {
                    Some(d) => format!("{}={}", p.name, sx(d)),
                    None => p.name.clone(),
                })
                .collect();
            format!("(lambda ({}) {})", params.join(" "), sx(&l.body))
        }
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
            ExprKind::Unary(_, x) | ExprKind::Starred(x) | ExprKind::Await(x) => kids.push(x),
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
fn check<T>(cases: &[(&str, &str)], run: impl Fn(&str) -> Result<T, ParseError>, show: impl Fn(&str, &T) -> String) {
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

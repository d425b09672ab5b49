//! `asim export python`: a scenario as a plain, runnable asyncio program.
//!
//! Code fields are Python already, so expressions are emitted as the user
//! wrote them; the steps become the statements they stand for (format spec
//! section 3). Running the result with `python3` prints exactly what
//! `asim run -q` prints; the differential tests rely on that.

use crate::check::{code_names, template_names, Checked};
use crate::syntax::ast::*;
use crate::syntax::expr::{Expr, ExprKind, FPart};
use crate::value::pyfmt::{float_repr, str_repr};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// asyncio names a scenario may use bare, imported from asyncio.
const ASYNCIO_NAMES: &[&str] = &[
    "CancelledError",
    "InvalidStateError",
    "QueueFull",
    "QueueEmpty",
    "QueueShutDown",
    "BrokenBarrierError",
    "shield",
    "wait_for",
];

struct Py<'a> {
    out: String,
    depth: usize,
    groups: Vec<String>,
    used: BTreeSet<String>,
    taken: &'a BTreeSet<String>,
    time_module: &'static str,
    /// The scenario file's text, which expressions are read from.
    src: &'a str,
    /// The plain functions (`functions:`).
    fns: BTreeSet<String>,
}

fn float_lit(f: f64) -> String {
    if f.is_nan() {
        "float('nan')".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "float('inf')" } else { "-float('inf')" }.to_owned()
    } else {
        float_repr(f)
    }
}

fn simple(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Name(_)
            | ExprKind::Call { .. }
            | ExprKind::Attribute { .. }
            | ExprKind::Index { .. }
            | ExprKind::Int(_)
            | ExprKind::BigInt(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::List(_)
            | ExprKind::Dict(_)
            | ExprKind::FString(_)
    )
}

impl Py<'_> {
    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn note(&mut self, code: &Code) {
        let mut names = Vec::new();
        code_names(code, &mut names);
        self.used.extend(names.into_iter().map(|(n, _)| n));
    }

    /// An expression, verbatim; `atom` wraps anything but a primary in parens.
    fn code(&mut self, c: &Code, atom: bool) -> String {
        self.note(c);
        match c {
            Code::Expr(e, o) => {
                let text = o.text(self.src).get(e.span.clone()).unwrap_or_default().trim();
                if (atom && !simple(e))
                    || text.contains('\n')
                    || matches!(e.kind, ExprKind::Tuple(_)) && !text.starts_with('(')
                {
                    format!("({text})")
                } else {
                    text.to_owned()
                }
            }
            Code::Lit(l, _) => match l {
                Lit::None => "None".to_owned(),
                Lit::Bool(true) => "True".to_owned(),
                Lit::Bool(false) => "False".to_owned(),
                Lit::Int(i) => i.to_string(),
                Lit::BigInt(b) => b.to_string(),
                Lit::Float(f) => float_lit(*f),
            },
            Code::List(items, _) => {
                let parts: Vec<String> = items.iter().map(|i| self.code(i, false)).collect();
                format!("[{}]", parts.join(", "))
            }
            Code::Dict(items, _) => {
                let parts: Vec<String> =
                    items.iter().map(|(k, v)| format!("{}: {}", str_repr(k), self.code(v, false))).collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// An assignment target as Python writes it.
    fn tgt(&mut self, t: &Tgt, nested: bool) -> String {
        match t {
            Tgt::Name(n) => n.text.clone(),
            Tgt::Item { obj, index } => {
                let o = self.code(obj, true);
                let i = match index {
                    Code::Expr(e, origin) if matches!(e.kind, ExprKind::Tuple(_)) => {
                        origin.text(self.src).get(e.span.clone()).unwrap_or_default().trim().to_owned()
                    }
                    c => self.code(c, false),
                };
                format!("{o}[{i}]")
            }
            Tgt::Seq(ts) => {
                let parts: Vec<String> = ts.iter().map(|t| self.tgt(t, true)).collect();
                if nested {
                    format!("({})", parts.join(", "))
                } else {
                    parts.join(", ")
                }
            }
            Tgt::Star(inner) => format!("*{}", self.tgt(inner, true)),
        }
    }

    fn duration(&mut self, d: &Duration) -> String {
        match d {
            Duration::Literal(v) => float_lit(*v),
            Duration::Code(c) => self.code(c, false),
            Duration::Varied(v) => self.duration(&v.0),
        }
    }

    /// The comment that keeps a duration's spread (`asim explore`).
    fn spread_note(d: &Duration) -> String {
        match d {
            Duration::Varied(v) => format!("  # ± {} under asim explore", v.1),
            _ => String::new(),
        }
    }

    /// A template as an f-string literal.
    fn fstring(&mut self, t: &Template) -> String {
        let mut names = Vec::new();
        template_names(&t.parts, &t.origin, &mut names);
        self.used.extend(names.into_iter().map(|(n, _)| n));
        let mut fields = String::new();
        collect_field_text(&t.parts, t.origin.text(self.src), &mut fields);
        let quote = ["\"", "'", "\"\"\"", "'''"].into_iter().find(|q| !fields.contains(q)).unwrap_or("\"");
        let mut body = String::new();
        render_parts(&t.parts, t.origin.text(self.src), quote, &mut body);
        if t.parts.iter().any(|p| matches!(p, FPart::Field(_))) {
            format!("f{quote}{body}{quote}")
        } else {
            // No fields: a plain string (the doubled braces become single).
            format!("{quote}{}{quote}", body.replace("{{", "{").replace("}}", "}"))
        }
    }

    /// gather / wait arguments: calls and handles as written, `*xs`, and a
    /// `{for, call}` item as a starred generator expression.
    fn items(&mut self, items: &[GatherItem]) -> Vec<String> {
        let mut args = Vec::new();
        for i in items {
            args.push(match i {
                GatherItem::Expr(c) => self.code(c, false),
                GatherItem::For { targets, iter, call } => {
                    let t: Vec<&str> = targets.iter().map(|t| t.text.as_str()).collect();
                    let call = self.code(call, false);
                    let iter = self.code(iter, false);
                    format!("*({call} for {} in {iter})", t.join(", "))
                }
            });
        }
        args
    }

    fn body(&mut self, steps: &[Step]) {
        self.depth += 1;
        if steps.is_empty() {
            self.line("pass");
        }
        for s in steps {
            self.step(s);
        }
        self.depth -= 1;
    }

    fn bind(b: &Option<Name>) -> String {
        b.as_ref().map(|n| format!("{} = ", n.text)).unwrap_or_default()
    }

    fn step(&mut self, s: &Step) {
        match &s.kind {
            StepKind::Print(t) => {
                let f = self.fstring(t);
                self.line(&format!("print({f})"));
            }
            StepKind::Sleep(d) => {
                let (note, d) = (Self::spread_note(d), self.duration(d));
                self.line(&format!("await asyncio.sleep({d}){note}"));
            }
            StepKind::Block(d) => {
                let (note, d) = (Self::spread_note(d), self.duration(d));
                let m = self.time_module;
                self.line(&format!("{m}.sleep({d}){note}"));
            }
            StepKind::Await { what: Code::Expr(e, o), bind } if is_wait_for(e) => {
                // cond.wait_for(EXPR) stands for cond.wait_for(lambda: EXPR).
                let ExprKind::Call { func, args, .. } = &e.kind else { unreachable!() };
                let recv = o.text(self.src).get(func.span.clone()).unwrap_or_default();
                let pred = o.text(self.src).get(args[0].span.clone()).unwrap_or_default();
                self.note(&Code::Expr(e.clone(), o.clone()));
                if crate::syntax::expr::is_callable_predicate(&args[0], &|n| self.fns.contains(n)) {
                    self.line(&format!("{}await {recv}({pred})", Self::bind(bind)));
                } else {
                    self.line(&format!("{}await {recv}(lambda: {pred})", Self::bind(bind)));
                }
            }
            StepKind::Await { what, bind } => {
                let w = self.code(what, true);
                self.line(&format!("{}await {w}", Self::bind(bind)));
            }
            StepKind::Spawn { call, bind, name } => {
                let c = self.code(call, false);
                let name = name.as_ref().map(|n| format!(", name={}", self.fstring(n))).unwrap_or_default();
                let creator = match self.groups.last() {
                    Some(tg) => format!("{tg}.create_task"),
                    None => "asyncio.create_task".to_owned(),
                };
                self.line(&format!("{}{creator}({c}{name})", Self::bind(bind)));
            }
            StepKind::Gather { items, bind, return_exceptions } => {
                let mut args = self.items(items);
                if let Some(r) = return_exceptions {
                    let r = self.code(r, false);
                    args.push(format!("return_exceptions={r}"));
                }
                self.line(&format!("{}await asyncio.gather({})", Self::bind(bind), args.join(", ")));
            }
            StepKind::TaskGroup(body, bind) => {
                let base = if self.taken.contains("tg") { "tg_" } else { "tg" };
                let name = match bind {
                    Some(n) => n.text.clone(),
                    None if self.groups.is_empty() => base.to_owned(),
                    None => format!("{base}{}", self.groups.len() + 1),
                };
                self.line(&format!("async with asyncio.TaskGroup() as {name}:"));
                self.groups.push(name);
                self.body(body);
                self.groups.pop();
            }
            StepKind::Wait { items, timeout, return_when, bind } => {
                let args = self.items(items);
                let mut call = format!("asyncio.wait([{}]", args.join(", "));
                if let Some(t) = timeout {
                    let t = self.duration(t);
                    call.push_str(&format!(", timeout={t}"));
                }
                if *return_when != ReturnWhen::AllCompleted {
                    call.push_str(&format!(", return_when=asyncio.{}", return_when.name()));
                }
                let names: Vec<&str> = bind.iter().map(|n| n.text.as_str()).collect();
                let lhs = if names.is_empty() { String::new() } else { format!("{} = ", names.join(", ")) };
                self.line(&format!("{lhs}await {call})"));
            }
            StepKind::WaitFor { what, timeout, bind } => {
                let w = self.code(what, false);
                let to = self.duration(timeout);
                self.line(&format!("{}await asyncio.wait_for({w}, {to})", Self::bind(bind)));
            }
            StepKind::Timeout { delay, body } => {
                let d = self.duration(delay);
                self.line(&format!("async with asyncio.timeout({d}):"));
                self.body(body);
            }
            StepKind::With { prim, body } => {
                let p = self.code(prim, true);
                self.line(&format!("async with {p}:"));
                self.body(body);
            }
            StepKind::Do(c) => {
                let c = self.code(c, false);
                self.line(&c);
            }
            StepKind::Let(items) | StepKind::Set(items) => {
                for a in items {
                    let targets: Vec<String> = a.targets.iter().map(|t| self.tgt(t, false)).collect();
                    let c = self.code(&a.value, false);
                    match a.aug {
                        Some(op) => {
                            self.line(&format!("{} {}= {c}", targets[0], crate::compile::bin(op).symbol_plain()))
                        }
                        None => self.line(&format!("{} = {c}", targets.join(" = "))),
                    }
                }
            }
            StepKind::Del(targets) => {
                let ts: Vec<String> = targets.iter().map(|t| self.tgt(t, false)).collect();
                self.line(&format!("del {}", ts.join(", ")));
            }
            StepKind::Return(c) => match c {
                Some(c) => {
                    let c = self.code(c, false);
                    self.line(&format!("return {c}"));
                }
                None => self.line("return"),
            },
            StepKind::Raise(c, cause) => match (c, cause) {
                (Some(c), Some(cause)) => {
                    let c = self.code(c, false);
                    let cause = self.code(cause, false);
                    self.line(&format!("raise {c} from {cause}"));
                }
                (Some(c), None) => {
                    let c = self.code(c, false);
                    self.line(&format!("raise {c}"));
                }
                (None, _) => self.line("raise"),
            },
            StepKind::Try { body, handlers, star, orelse, finally } => {
                self.line("try:");
                self.body(body);
                for h in handlers {
                    let types: Vec<String> = h.types.iter().map(|t| self.code(t, true)).collect();
                    let kw = if *star { "except*" } else { "except" };
                    let what = match types.len() {
                        0 => "BaseException".to_owned(),
                        1 => types[0].clone(),
                        _ => format!("({})", types.join(", ")),
                    };
                    let bind = h.bind.as_ref().map(|b| format!(" as {}", b.text)).unwrap_or_default();
                    self.line(&format!("{kw} {what}{bind}:"));
                    self.body(&h.body);
                }
                if !orelse.is_empty() {
                    self.line("else:");
                    self.body(orelse);
                }
                if let Some(f) = finally {
                    self.line("finally:");
                    self.body(f);
                }
            }
            StepKind::If { cond, then, orelse, .. } => {
                let c = self.code(cond, false);
                self.line(&format!("if {c}:"));
                self.body(then);
                let mut rest = orelse;
                // An `elif` branch is an `If` alone in the `else`.
                while let [Step { kind: StepKind::If { cond, then, orelse, elif: true }, .. }] = rest.as_slice() {
                    let c = self.code(cond, false);
                    self.line(&format!("elif {c}:"));
                    self.body(then);
                    rest = orelse;
                }
                if !rest.is_empty() {
                    self.line("else:");
                    self.body(rest);
                }
            }
            StepKind::Break => self.line("break"),
            StepKind::Continue => self.line("continue"),
            StepKind::For { targets, iter, body, orelse } => {
                let t: Vec<&str> = targets.iter().map(|t| t.text.as_str()).collect();
                let i = self.code(iter, false);
                if i.starts_with("as_completed(") || i.starts_with("asyncio.as_completed(") {
                    // Each iteration awaits the next completion.
                    let aw = if self.taken.contains("aw") { "aw_" } else { "aw" };
                    let call = if i.starts_with("asyncio.") { i } else { format!("asyncio.{i}") };
                    self.line(&format!("for {aw} in {call}:"));
                    self.depth += 1;
                    self.line(&format!("{} = await {aw}", t.join(", ")));
                    self.depth -= 1;
                    if !body.is_empty() {
                        self.body(body);
                    }
                } else {
                    self.line(&format!("for {} in {i}:", t.join(", ")));
                    self.body(body);
                }
                if let Some(e) = orelse {
                    self.line("else:");
                    self.body(e);
                }
            }
            StepKind::While { cond, body, orelse } => {
                let c = self.code(cond, false);
                self.line(&format!("while {c}:"));
                self.body(body);
                if let Some(e) = orelse {
                    self.line("else:");
                    self.body(e);
                }
            }
            StepKind::Assert { cond, message } => {
                let c = self.code(cond, false);
                match message {
                    Some(m) => {
                        let m = self.fstring(m);
                        self.line(&format!("assert {c}, {m}"));
                    }
                    None => self.line(&format!("assert {c}")),
                }
            }
        }
    }
}

/// `X.wait_for(pred)` with one argument (a Condition's wait_for).
fn is_wait_for(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { func, args, kwargs } if args.len() == 1 && kwargs.is_empty()
        && matches!(&func.kind, ExprKind::Attribute { attr, value, .. } if &**attr == "wait_for"
            && !matches!(&value.kind, ExprKind::Name(m) if m == "asyncio")))
}

fn collect_field_text(parts: &[FPart], text: &str, out: &mut String) {
    for p in parts {
        if let FPart::Field(f) = p {
            out.push_str(text.get(f.expr.span.clone()).unwrap_or_default());
            collect_field_text(&f.spec, text, out);
        }
    }
}

fn render_parts(parts: &[FPart], text: &str, quote: &str, out: &mut String) {
    for p in parts {
        match p {
            FPart::Lit(s) => {
                for c in s.chars() {
                    match c {
                        '{' => out.push_str("{{"),
                        '}' => out.push_str("}}"),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c if quote.starts_with(c) => {
                            out.push('\\');
                            out.push(c);
                        }
                        c => out.push(c),
                    }
                }
            }
            FPart::Field(f) => {
                out.push('{');
                let expr = text.get(f.expr.span.clone()).unwrap_or_default();
                // `{({k: v})}` is written from the dict's own span: a space
                // keeps `{ {k: v} }` from reading as a doubled brace.
                let spaced = expr.starts_with('{') || expr.ends_with('}');
                if spaced {
                    out.push(' ');
                }
                out.push_str(expr);
                if spaced {
                    out.push(' ');
                }
                if f.debug_text.is_some() {
                    out.push('=');
                }
                // `{x=}` means repr already; the parser records that as `!r`.
                let implied = f.debug_text.is_some() && f.spec.is_empty() && f.conversion == Some('r');
                if let Some(c) = f.conversion.filter(|_| !implied) {
                    out.push('!');
                    out.push(c);
                }
                if !f.spec.is_empty() {
                    out.push(':');
                    render_parts(&f.spec, text, quote, out);
                }
                out.push('}');
            }
        }
    }
}

/// A shared variable or a primitive, by its index in `vars` or `sync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Global {
    Var(usize),
    Prim(usize),
}

/// Appends `g` to `order` after the globals its value names (depth first;
/// a cycle, which Python would reject too, is cut where it closes).
fn globals_in_order(ch: &Checked, g: Global, seen: &mut BTreeSet<Global>, order: &mut Vec<Global>) {
    if !seen.insert(g) {
        return;
    }
    let code = match g {
        Global::Var(i) => &ch.scenario.vars[i].1,
        Global::Prim(i) => &ch.scenario.sync[i].1,
    };
    let mut names = Vec::new();
    crate::check::code_names(code, &mut names);
    for (n, _) in names {
        if let Some(i) = ch.scenario.vars.iter().position(|(v, _)| v.text == n) {
            globals_in_order(ch, Global::Var(i), seen, order);
        } else if let Some(i) = ch.scenario.sync.iter().position(|(p, _)| p.text == n) {
            globals_in_order(ch, Global::Prim(i), seen, order);
        }
    }
    order.push(g);
}

pub(crate) fn python(ch: &Checked, src: &str, path: &str, name: &str) -> String {
    let sc = &ch.scenario;
    let mut taken: BTreeSet<String> = BTreeSet::new();
    taken.extend(ch.vars.keys().cloned());
    taken.extend(ch.prims.keys().cloned());
    taken.extend(ch.coros.keys().cloned());
    for info in &ch.infos {
        taken.extend(info.locals.iter().cloned());
    }
    let time_module = if taken.contains("time") { "_time" } else { "time" };
    let mut py = Py {
        out: String::new(),
        depth: 0,
        groups: Vec::new(),
        used: BTreeSet::new(),
        taken: &taken,
        time_module,
        src,
        fns: sc.coroutines.iter().filter(|c| c.is_fn).map(|c| c.name.text.clone()).collect(),
    };

    // Module level: each shared variable and primitive after those it
    // names (a variable may hold a primitive, `Semaphore(limit)` may read
    // a variable), otherwise variables first, in their order, then `sync`.
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    let nodes: Vec<Global> =
        ch.var_order.iter().map(|&i| Global::Var(i as usize)).chain((0..sc.sync.len()).map(Global::Prim)).collect();
    for g in nodes {
        globals_in_order(ch, g, &mut seen, &mut order);
    }
    for (i, d) in ch.exc_defs.iter().enumerate() {
        // Two blank lines around a class (the header ends with one).
        if i > 0 {
            py.line("");
        }
        py.line("");
        py.line(&format!("class {}({}):", d.name, d.base_text));
        py.line("    pass");
    }
    if !ch.exc_defs.is_empty() {
        py.line("");
        py.line("");
    }
    if let Some(seed) = &sc.seed {
        py.line(&format!("random.seed({})", seed.text));
    }
    for g in order {
        match g {
            Global::Var(i) => {
                let (n, c) = &sc.vars[i];
                let v = py.code(c, false);
                py.line(&format!("{} = {v}", n.text));
            }
            Global::Prim(i) => {
                let (n, c) = &sc.sync[i];
                let v = py.code(c, false);
                py.line(&format!("{} = asyncio.{v}", n.text));
            }
        }
    }
    let bodies = sc
        .coroutines
        .iter()
        .map(|c| (c.name.text.as_str(), Some(c), &c.body))
        .chain(std::iter::once(("main", None, &sc.main)));
    for (cname, def, body) in bodies {
        py.line("");
        py.line("");
        let params: Vec<String> = match def {
            Some(d) => d
                .params
                .iter()
                .map(|(p, dflt)| match dflt {
                    Some(c) => format!("{}={}", p.text, py.code(c, false)),
                    None => p.text.clone(),
                })
                .collect(),
            None => Vec::new(),
        };
        let def_kw = if def.is_some_and(|d| d.is_fn) { "def" } else { "async def" };
        py.line(&format!("{def_kw} {cname}({}):", params.join(", ")));
        let mut globals = BTreeSet::new();
        collect_sets(body, &mut globals);
        py.depth += 1;
        if !globals.is_empty() {
            py.line(&format!("global {}", globals.into_iter().collect::<Vec<_>>().join(", ")));
        }
        py.depth -= 1;
        py.body(body);
    }
    py.line("");
    py.line("");
    py.line("asyncio.run(main())");

    let mut head = format!("# {name}: exported by `asim export python {path}`\n");
    let release = sc.python.unwrap_or(crate::version::Python::DEFAULT);
    let whose = if sc.python.is_some() { "the scenario's `python:`" } else { "asim's default" };
    let _ = writeln!(
        head,
        "# for CPython {release} ({whose}); `asim run --python all` shows whether other releases differ"
    );
    head.push_str("import asyncio\n");
    if sc.seed.is_some() {
        head.push_str("import random\n");
    }
    if py.out.contains(&format!("{time_module}.sleep(")) {
        head.push_str(if time_module == "time" { "import time\n" } else { "import time as _time\n" });
    }
    let (from, newer): (Vec<&str>, Vec<&str>) = ASYNCIO_NAMES
        .iter()
        .copied()
        .filter(|n| py.used.contains(*n) && !taken.contains(*n))
        .partition(|n| crate::value::ExcClass::by_name(n).and_then(|c| c.since()).is_none_or(|c| release.has(c)));
    if !from.is_empty() {
        let _ = writeln!(head, "from asyncio import {}", from.join(", "));
    }
    // A name the release lacks: undefined where it is used, as asim has it.
    for n in newer {
        let _ = writeln!(head, "try:\n    from asyncio import {n}\nexcept ImportError:\n    pass");
    }
    if !sc.vars.is_empty() || !sc.sync.is_empty() || sc.seed.is_some() || !ch.exc_defs.is_empty() {
        head.push('\n');
    }
    head + &py.out
}

fn collect_sets(steps: &[Step], out: &mut BTreeSet<String>) {
    for s in steps {
        match &s.kind {
            StepKind::Set(items) => {
                let mut names = Vec::new();
                items.iter().flat_map(|a| &a.targets).for_each(|t| t.names(&mut names));
                out.extend(names.into_iter().map(|n| n.text));
            }
            StepKind::TaskGroup(b, _) | StepKind::With { body: b, .. } | StepKind::Timeout { body: b, .. } => {
                collect_sets(b, out);
            }
            StepKind::While { body: b, orelse, .. } | StepKind::For { body: b, orelse, .. } => {
                collect_sets(b, out);
                if let Some(e) = orelse {
                    collect_sets(e, out);
                }
            }
            StepKind::If { then, orelse, .. } => {
                collect_sets(then, out);
                collect_sets(orelse, out);
            }
            StepKind::Try { body, handlers, orelse, finally, .. } => {
                collect_sets(body, out);
                for h in handlers {
                    collect_sets(&h.body, out);
                }
                collect_sets(orelse, out);
                if let Some(f) = finally {
                    collect_sets(f, out);
                }
            }
            _ => {}
        }
    }
}

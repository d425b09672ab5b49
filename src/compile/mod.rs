//! Stage 3: the compiled program.
//!
//! Walks the checked syntax tree once per coroutine and emits flat
//! instructions. Every name is resolved here, in Python's order (locals, then
//! `vars`, then `sync`, then coroutines, builtins and exception classes), so
//! the run never looks a name up. Structured steps become jumps and handler
//! blocks, in the way CPython compiles `try`, `with` and loops.

mod assign;
mod barrier;
mod comp;
mod exprs;
mod lift;
mod names;
mod steps;

/// The barrier's states (`_BarrierState`), as the strings CPython's enum holds.
pub(crate) mod barrier_state {
    pub(crate) const FILLING: &str = "filling";
    pub(crate) const DRAINING: &str = "draining";
    pub(crate) const RESETTING: &str = "resetting";
    pub(crate) const BROKEN: &str = "broken";
}
pub(crate) mod instr;

use crate::check::{Checked, CoroInfo};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::expr::{BoolOp, Expr, ExprKind, FPart, UnaryOp};
use crate::value::{ExcClass, Value};
use comp::Scope;
pub(crate) use instr::*;
use std::collections::BTreeMap;

/// Methods that return awaitables: calling them outside `await` is a bug.
const AWAITABLE_METHODS: &[&str] = &["acquire", "wait", "get", "put", "join", "wait_for", "reset", "abort"];
/// Methods of primitives a later version will run.
const LATER_METHODS: &[&str] = &[];
/// asyncio functions that have their own step.
const ASYNCIO_STEPS: &[(&str, &str)] = &[
    ("sleep", "sleep"),
    ("gather", "gather"),
    ("TaskGroup", "task_group"),
    ("timeout", "timeout"),
    ("wait_for", "wait_for"),
    ("shield", "await: shield(...)"),
];

struct Ctx<'a> {
    ch: &'a Checked,
    /// The scenario file's text (an error quotes an expression from it).
    src: &'a str,
    /// Named locals, then hidden slots.
    slots: Vec<String>,
    named: BTreeMap<String, u32>,
    /// Comprehension targets of a gather `{for, call}` item.
    overlay: Vec<(String, u32)>,
    /// The comprehensions and lambdas the expression being compiled is
    /// inside, innermost last.
    scopes: Vec<Scope>,
    /// The lambdas compiled so far in this context; their ids start at
    /// `lambda_base`.
    lambdas: Vec<CLambda>,
    lambda_base: u32,
    /// The sleeps and blocks compiled so far in this context; their ids
    /// start at `site_base`.
    sites: Vec<VarySite>,
    site_base: u32,
    /// The coroutine's name, for a lambda's qualified name.
    coro_name: String,
    code: Vec<Instr>,
    n_iters: u32,
    n_groups: u32,
    groups: Vec<u32>,
    errors: Vec<Diagnostic>,
    span: Span,
    /// `Barrier.wait`, `reset`, `abort` when the scenario has a Barrier.
    barrier_coros: Option<[u32; 3]>,
    /// The first of the primitive-operation coroutines.
    method_coros: u32,
    /// The coroutine's parameters are its first `n_params` slots.
    n_params: u32,
    /// Some step assigns to a parameter.
    rebinds_params: bool,
    unpacks: Vec<Unpack>,
    items: Vec<ItemTarget>,
    /// The blocks the code being compiled is inside, innermost last: what a
    /// `break` or `continue` must leave on its way to its loop.
    blocks: Vec<Block>,
    /// Whether an expression compiled now may hold an `await` to lift out
    /// (in a coroutine's steps, at the top of an expression: see `lift`).
    await_scan: bool,
    /// Compiling a plain function (`def`): no `await`, `async with`...
    sync_fn: bool,
}

/// A block around the code being compiled (see [`Ctx::blocks`]).
#[derive(Debug)]
enum Block {
    /// A loop: the jumps to patch to its end (`break`), and where
    /// `continue` goes.
    Loop { breaks: Vec<usize>, top: usize },
    /// An `except`/`except*` handler is pushed (a `try` body): leaving pops it.
    Handler,
    /// An `async with` body: leaving runs its exit (`__aexit__`).
    Context(Op),
    /// A `try` body with `finally`: leaving runs the finally steps (a copy,
    /// kept only when a loop is outside, as CPython inlines them).
    Finally(Option<Vec<Step>>),
    /// An `except` handler body: leaving unbinds its `as` name and drops
    /// the handled exception.
    ExceptBody(Option<Target>),
    /// An `except*` handler body or a `finally` body: `break` and
    /// `continue` cannot cross it here.
    NoExit(&'static str),
}

impl<'a> Ctx<'a> {
    fn new(ch: &'a Checked, src: &'a str, info: Option<&CoroInfo>) -> Self {
        let slots: Vec<String> = info.map(|i| i.locals.clone()).unwrap_or_default();
        let named = slots.iter().enumerate().map(|(i, n)| (n.clone(), i as u32)).collect();
        Ctx {
            ch,
            src,
            slots,
            named,
            overlay: Vec::new(),
            scopes: Vec::new(),
            lambdas: Vec::new(),
            lambda_base: 0,
            sites: Vec::new(),
            site_base: 0,
            coro_name: info.map_or_else(String::new, |i| i.name.clone()),
            code: Vec::new(),
            n_iters: 0,
            n_groups: 0,
            groups: Vec::new(),
            errors: Vec::new(),
            span: 0..0,
            barrier_coros: barrier_ids(ch),
            method_coros: method_base(ch),
            n_params: info.map_or(0, |i| i.params.len() as u32),
            rebinds_params: false,
            unpacks: Vec::new(),
            items: Vec::new(),
            blocks: Vec::new(),
            await_scan: info.is_some(),
            sync_fn: false,
        }
    }

    fn hidden(&mut self, what: &str) -> u32 {
        self.slots.push(format!("<{what}>"));
        (self.slots.len() - 1) as u32
    }

    fn emit(&mut self, op: Op) -> usize {
        self.code.push(Instr { op, span: self.span.clone() });
        self.code.len() - 1
    }

    fn here(&self) -> usize {
        self.code.len()
    }

    fn patch(&mut self, at: usize) {
        let target = self.here();
        match &mut self.code[at].op {
            Op::AsCompletedNext(_, _, t)
            | Op::Jump(t)
            | Op::JumpIfNot(_, t)
            | Op::PushExcept(t)
            | Op::PushExceptStar(t)
            | Op::PushFinally(t)
            | Op::PushStarCollect(t)
            | Op::ForNext(_, _, t)
            | Op::Match(_, _, t)
            | Op::StarMatch(_, _, t) => *t = target,
            other => unreachable!("not a jump: {other:?}"),
        }
    }

    fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }
}

/// Where Barrier's own coroutines go (after main), if the scenario has one.
/// Barrier's methods are coroutines of asim's own, always there: a Barrier
/// may be declared or made in code (`asyncio.Barrier(3)`).
fn barrier_ids(ch: &Checked) -> Option<[u32; 3]> {
    let main = ch.scenario.coroutines.len() as u32;
    Some([main + 1, main + 2, main + 3])
}

/// Where the primitive-operation coroutines go (after main and Barrier's).
fn method_base(ch: &Checked) -> u32 {
    ch.scenario.coroutines.len() as u32 + 1 + if barrier_ids(ch).is_some() { 3 } else { 0 }
}

/// Compiles a checked scenario. With `keep` false the coroutine bodies are
/// consumed: each step's syntax tree is freed once it is compiled, so a big
/// scenario never holds its whole tree and its whole program at once.
pub(crate) fn compile(
    ch: &mut Checked,
    src: &str,
    fallback_name: &str,
    keep: bool,
) -> Result<Program, Vec<Diagnostic>> {
    let mut bodies: Vec<(Vec<Step>, Span)> = (ch.scenario.coroutines.iter_mut())
        .map(|c| (std::mem::take(&mut c.body), c.name.span.clone()))
        .chain(std::iter::once((std::mem::take(&mut ch.scenario.main), ch.scenario.main_span.clone())))
        .collect();
    let result = compile_bodies(ch, src, fallback_name, &mut bodies, keep);
    if keep {
        let n = ch.scenario.coroutines.len();
        for (i, (body, _)) in bodies.into_iter().enumerate() {
            match i < n {
                true => ch.scenario.coroutines[i].body = body,
                false => ch.scenario.main = body,
            }
        }
    }
    result
}

fn compile_bodies(
    ch: &Checked,
    src: &str,
    fallback_name: &str,
    bodies: &mut [(Vec<Step>, Span)],
    keep: bool,
) -> Result<Program, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut coros = Vec::new();
    let mut lambdas = Vec::new();
    let mut sites = Vec::new();
    let sc = &ch.scenario;
    for (id, (body, span)) in bodies.iter_mut().enumerate() {
        let info = &ch.infos[id];
        let mut cx = Ctx::new(ch, src, Some(info));
        cx.lambda_base = lambdas.len() as u32;
        cx.site_base = sites.len() as u32;
        if sc.coroutines.get(id).is_some_and(|d| d.is_fn) {
            cx.sync_fn = true;
            cx.await_scan = false;
        }
        cx.span = span.clone();
        if keep {
            cx.steps(body);
        } else {
            // Each step's tree goes as soon as it is compiled, and the
            // list's own buffer shrinks as it empties.
            crate::memory::for_each_freeing(std::mem::take(body), |s| cx.step(&s));
        }
        // Falling off the end returns None.
        cx.span = span.clone();
        cx.emit(Op::Return(None));
        let defaults = match sc.coroutines.get(id) {
            Some(def) => {
                lambdas.append(&mut cx.lambdas);
                let mut g = Ctx::new(ch, src, None);
                g.lambda_base = lambdas.len() as u32;
                let d = def.params.iter().map(|(_, d)| d.as_ref().map(|c| g.code(c))).collect();
                errors.extend(g.errors);
                lambdas.append(&mut g.lambdas);
                d
            }
            None => Vec::new(),
        };
        errors.extend(cx.errors);
        lambdas.append(&mut cx.lambdas);
        sites.append(&mut cx.sites);
        coros.push(CoroCode {
            name: info.name.clone(),
            def_at: span.start,
            defaults,
            n_locals: cx.slots.len() as u32,
            local_names: cx.slots,
            n_iters: cx.n_iters,
            n_groups: cx.n_groups,
            code: cx.code,
            builtin: false,
            is_fn: sc.coroutines.get(id).is_some_and(|d| d.is_fn),
            args_in_frame: !cx.rebinds_params,
            unpacks: cx.unpacks,
            items: cx.items,
        });
    }
    let main = (coros.len() - 1) as u32;
    let barrier_coros = barrier_ids(ch);
    if barrier_coros.is_some() {
        coros.extend(barrier::coroutines());
    }
    debug_assert_eq!(coros.len() as u32, method_base(ch));
    coros.extend(barrier::method_coroutines());
    let mut g = Ctx::new(ch, src, None);
    g.lambda_base = lambdas.len() as u32;
    let global_init =
        ch.var_order.iter().map(|&i| (i, g.code(&sc.vars[i as usize].1), sc.vars[i as usize].0.span.start)).collect();
    let mut prims = Vec::new();
    for (n, code) in &sc.sync {
        let Some(&(_, kind)) = ch.prims.get(&n.text) else {
            continue;
        };
        let arg = match code {
            Code::Expr(Expr { kind: ExprKind::Call { args, kwargs, .. }, .. }, o) => {
                g.prim_arg(kind, args, kwargs, o, code.span(), src)
            }
            _ => CExpr::Const(Value::Int(1)),
        };
        prims.push(crate::compile::PrimDef { name: n.text.clone(), kind, arg, at: n.span.start });
    }
    errors.extend(g.errors);
    lambdas.append(&mut g.lambdas);
    if !errors.is_empty() {
        return Err(errors);
    }
    let globals = sc.vars.iter().map(|(n, _)| n.text.clone()).collect();
    Ok(Program {
        name: sc.name.clone().unwrap_or_else(|| fallback_name.to_owned()),
        file: String::new(),
        globals,
        global_init,
        prims,
        main,
        barrier_coros,
        wait_for_coro: method_base(ch) + barrier::WAIT_FOR_COROUTINE,
        method_coros: method_base(ch),
        coros,
        line_starts: Vec::new(),
        lambdas,
        seed: sc.seed.as_ref().map(|s| s.words.clone()),
        python: sc.python,
        sites,
    })
}

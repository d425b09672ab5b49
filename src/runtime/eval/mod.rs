//! Evaluating compiled expressions and templates inside a task.
//!
//! Names are already slots and indices; this is a plain tree walk over
//! [`CExpr`]. Calls to builtins and methods check their receiver's type at
//! run time and raise what Python raises.

mod builtins;
mod funcs;
mod methods;

use super::*;
use crate::compile::{Attr, Builtin, CExpr, CField, CPart, Method};
use crate::syntax::expr::CmpOp;
use crate::value::ops::{self, type_error, value_error};
use crate::value::pyfmt::{ascii, format_object};
use crate::value::{Class, CoroObj, PrimRef};
use builtins::{builtin, sort_keyed};
use std::cell::Cell;
use std::cmp::Ordering;

/// Seconds from a duration value (`sleep`, `block`).
pub(crate) fn seconds(v: &Value, what: &str) -> Result<f64, Exc> {
    let d = match v {
        Value::Int(i) => *i as f64,
        Value::BigInt(b) => crate::value::bigint::to_f64(b)?,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Float(f) => *f,
        other => {
            return Err(type_error(format!(
                "'<=' not supported between instances of '{}' and 'int'",
                other.type_name()
            )));
        }
    };
    if d.is_nan() {
        return Err(value_error(format!("a {what} of NaN seconds never ends (asim rejects NaN durations)")));
    }
    Ok(d)
}

/// The exception a `raise` of `v` raises.
pub(crate) fn to_exception(v: &Value) -> Result<Exc, Exc> {
    match v {
        Value::Exc(e) => Ok(e.clone()),
        Value::ExcClass(c) => Ok(ExcObj::new(*c, vec![])),
        Value::UserClass(c) => Ok(ExcObj::of_user(c, vec![])),
        _ => Err(type_error("exceptions must derive from BaseException")),
    }
}

fn int_arg(v: &Value, what: &str) -> Result<i64, Exc> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::BigInt(_) => Err(ops::int_overflow()),
        other => Err(type_error(format!("'{}' object cannot be interpreted as an integer{what}", other.type_name()))),
    }
}

/// `None` for a frame-less evaluation (vars, sync, defaults).
type Task_ = Option<TaskId>;

impl Vm<'_> {
    pub(crate) fn line_starts(&self) -> &[usize] {
        &self.prog.line_starts
    }

    /// Evaluates in the task's current frame.
    pub(crate) fn eval(&mut self, t: TaskId, e: &CExpr) -> Result<Value, Exc> {
        self.ev(Some(t), e)
    }

    /// Evaluates at the top level (no locals).
    pub(crate) fn eval_global(&mut self, e: &CExpr) -> Result<Value, Exc> {
        self.ev(None, e)
    }

    fn local(&self, t: Task_, slot: u32) -> Result<Value, Exc> {
        let t = t.expect("locals only inside a task");
        let frame = self.tasks[t as usize].frames.last().expect("frame");
        match &frame.locals[slot as usize] {
            Value::Cell(c) if !matches!(*c.borrow(), Value::Unbound) => Ok(c.borrow().clone()),
            Value::Unbound | Value::Cell(_) => {
                let name = &self.prog.coros[frame.coro as usize].local_names[slot as usize];
                Err(ExcObj::msg(
                    ExcClass::UnboundLocalError,
                    format!("cannot access local variable '{name}' where it is not associated with a value"),
                ))
            }
            v => Ok(v.clone()),
        }
    }

    fn items(&mut self, t: Task_, es: &[CExpr]) -> Result<Vec<Value>, Exc> {
        let mut out = Vec::with_capacity(es.len());
        for e in es {
            let r = match e {
                CExpr::Starred(inner) => self.ev(t, inner).and_then(|v| {
                    out.extend(ops::iter_items(&v)?);
                    Ok(())
                }),
                e => self.ev(t, e).map(|v| out.push(v)),
            };
            if let Err(e) = r {
                // CPython pops the values evaluated so far off its stack,
                // the last first: a coroutine among them is reported
                // "never awaited" in that order.
                while out.pop().is_some() {}
                return Err(e);
            }
        }
        Ok(out)
    }

    /// The arguments of a coroutine call, evaluated, in a vector with room
    /// for all the frame's locals (the arguments become them).
    /// `Value::Unbound` marks one left to its default.
    pub(crate) fn coro_args(&mut self, t: Task_, id: CoroId, args: &[Option<CExpr>]) -> Result<Vec<Value>, Exc> {
        let code = &self.prog.coros[id as usize];
        let mut vals = Vec::with_capacity(args.len().max(code.n_locals as usize));
        for a in args {
            vals.push(match a {
                Some(a) => self.ev(t, a)?,
                None => Value::Unbound,
            });
        }
        Ok(vals)
    }

    /// A coroutine object.
    pub(crate) fn coro_obj(&self, id: CoroId, args: Vec<Value>) -> Value {
        let name = match self.method_qualname(id, args.first()) {
            Some(q) => q.into(),
            None => self.coro_names[id as usize].clone(),
        };
        Value::Coro(Rc::new(CoroObj { coro: id, name, args, used: Cell::new(false) }))
    }

    /// The `__qualname__` of a primitive method's coroutine called on
    /// `recv` (`Queue.get`, `Lock.acquire`: named after the class that
    /// defines the method), or `None` for any other coroutine.
    pub(crate) fn method_qualname(&self, coro: CoroId, recv: Option<&Value>) -> Option<&'static str> {
        use crate::value::PrimKind as K;
        let method = coro.checked_sub(self.prog.method_coros)?;
        let Some(Value::Prim(p)) = recv else { return None };
        Some(match (method, p.kind) {
            (0, K::Lock | K::Condition) => "Lock.acquire",
            (0, K::Semaphore | K::BoundedSemaphore) => "Semaphore.acquire",
            (1, K::Event) => "Event.wait",
            (1, K::Condition) => "Condition.wait",
            (2, _) => "Queue.get",
            (3, _) => "Queue.put",
            (4, _) => "Queue.join",
            _ => return None,
        })
    }

    /// A class only later releases have, named: what Python raises on a
    /// release without it (`from asyncio import QueueShutDown` having
    /// found nothing to import, or `asyncio.QueueShutDown`).
    fn newer_class(&mut self, n: &crate::compile::Newer) -> Result<(), Exc> {
        let change = n.class.since().expect("a class some release lacks");
        if self.has(change) {
            return Ok(());
        }
        let name = n.class.name();
        Err(if n.bare {
            ExcObj::msg(ExcClass::NameError, format!("name '{name}' is not defined"))
        } else {
            ExcObj::msg(ExcClass::AttributeError, format!("module 'asyncio' has no attribute '{name}'"))
        })
    }

    fn ev(&mut self, t: Task_, e: &CExpr) -> Result<Value, Exc> {
        Ok(match e {
            CExpr::Const(v) => v.clone(),
            CExpr::Now => Value::Float(self.now),
            CExpr::TypeName(x) => match self.ev(t, x)? {
                Value::Exc(e) => Value::str(e.name()),
                v => Value::str(v.type_name()),
            },
            CExpr::IsInstance(x, tests) => {
                let v = self.ev(t, x)?;
                Value::Bool(tests.iter().any(|test| match (test, &v) {
                    (crate::compile::TypeTest::Exc(c), Value::Exc(e)) => e.class.is_subclass(*c),
                    (crate::compile::TypeTest::User(u), Value::Exc(e)) => {
                        e.user.as_ref().is_some_and(|x| x.is_subclass(*u))
                    }
                    (crate::compile::TypeTest::Builtin("int"), Value::Bool(_)) => true,
                    (crate::compile::TypeTest::Builtin(name), v) => v.type_name() == *name,
                    _ => false,
                }))
            }
            CExpr::Newer(n) => {
                if n.after {
                    let v = self.ev(t, &n.inner)?;
                    self.newer_class(n)?;
                    v
                } else {
                    self.newer_class(n)?;
                    self.ev(t, &n.inner)?
                }
            }
            CExpr::CurrentTask => match t {
                Some(t) => self.task_ref(t),
                None => return Err(ExcObj::msg(ExcClass::RuntimeError, "no running event loop")),
            },
            CExpr::RunningLoop => match t {
                Some(_) => Value::Loop,
                None => return Err(ExcObj::msg(ExcClass::RuntimeError, "no running event loop")),
            },
            CExpr::Local(s) => self.local(t, *s)?,
            CExpr::Take(s) => {
                let t = t.expect("locals only inside a task");
                let frame = self.tasks[t as usize].frames.last_mut().expect("frame");
                std::mem::replace(&mut frame.locals[*s as usize], Value::Unbound)
            }
            CExpr::Global(g) => match &self.globals[*g as usize] {
                Value::Unbound => {
                    return Err(ExcObj::msg(
                        ExcClass::NameError,
                        format!("name '{}' is not defined", self.prog.globals[*g as usize]),
                    ));
                }
                v => v.clone(),
            },
            CExpr::Prim(p) => self.prim_values[*p as usize].clone(),
            CExpr::List(xs) => Value::list(self.items(t, xs)?),
            CExpr::Tuple(xs) => Value::tuple(self.items(t, xs)?),
            CExpr::Dict(kv) => {
                let mut out: Vec<(Value, Value)> = Vec::with_capacity(kv.len());
                for (k, v) in kv {
                    let k = self.ev(t, k)?;
                    let v = self.ev(t, v)?;
                    ops::check_dict_key(&k)?;
                    match out.iter_mut().find(|(k2, _)| ops::eq(k2, &k)) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k, v)),
                    }
                }
                Value::Dict(Rc::new(std::cell::RefCell::new(out)))
            }
            CExpr::Starred(_) => return Err(type_error("can't use starred expression here")),
            CExpr::Neg(x) => ops::neg(&self.ev(t, x)?)?,
            CExpr::Set(xs, form) => {
                let items = self.items(t, xs)?;
                Value::Set(Rc::new(std::cell::RefCell::new(crate::value::set::display(items, *form)?)))
            }
            CExpr::Invert(x) => ops::invert(&self.ev(t, x)?)?,
            CExpr::Pos(x) => ops::pos(&self.ev(t, x)?)?,
            CExpr::Not(x) => Value::Bool(!self.ev(t, x)?.truthy()),
            CExpr::Binary(op, a, b) => {
                let a = self.ev(t, a)?;
                let b = self.ev(t, b)?;
                ops::binary(crate::compile::bin(*op), &a, &b)?
            }
            CExpr::Bitwise(op, a, b) => {
                let a = self.ev(t, a)?;
                let b = self.ev(t, b)?;
                ops::bitwise(crate::compile::bin(*op), &a, &b)?
            }
            CExpr::Compare(first, rest) => {
                let mut left = self.ev(t, first)?;
                for (op, right) in rest {
                    let right = self.ev(t, right)?;
                    if !compare(*op, &left, &right)? {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            CExpr::And(xs) => {
                let mut v = Value::Bool(true);
                for x in xs {
                    v = self.ev(t, x)?;
                    if !v.truthy() {
                        break;
                    }
                }
                v
            }
            CExpr::Or(xs) => {
                let mut v = Value::Bool(false);
                for x in xs {
                    v = self.ev(t, x)?;
                    if v.truthy() {
                        break;
                    }
                }
                v
            }
            CExpr::IfExp(c, a, b) => {
                if self.ev(t, c)?.truthy() {
                    self.ev(t, a)?
                } else {
                    self.ev(t, b)?
                }
            }
            CExpr::Builtin(b, args, kwargs) => {
                use crate::compile::Builtin as B;
                let mut kw = Vec::with_capacity(kwargs.len());
                // `any(x for ...)` takes one item at a time; `any([...])`
                // builds the whole list first.
                if let ([CExpr::Comp(c)], B::Sum | B::Any | B::All | B::Min | B::Max) = (&**args, b) {
                    if c.kind == crate::syntax::expr::CompKind::Gen {
                        for (k, v) in kwargs.iter() {
                            kw.push((&**k, self.ev(t, v)?));
                        }
                        return self.consume_gen(t, *b, c, &kw);
                    }
                }
                let args = self.items(t, args)?;
                for (k, v) in kwargs.iter() {
                    kw.push((&**k, self.ev(t, v)?));
                }
                if matches!(b, B::Map | B::Filter) {
                    return self.map_filter(t, *b, args, &kw);
                }
                if matches!(b, B::Sorted | B::Min | B::Max) && kw.iter().any(|(k, _)| *k == "key") {
                    return self.keyed(t, *b, args, &kw);
                }
                builtin(*b, args, &kw)?
            }
            CExpr::Random(f, args, kwargs) => {
                crate::value::random::lookup(*f)?;
                let args = self.items(t, args)?;
                let mut kw = Vec::with_capacity(kwargs.len());
                for (k, v) in kwargs.iter() {
                    kw.push((&**k, self.ev(t, v)?));
                }
                // Compiled only with a `seed:`; an unseeded one is seed 0.
                let rng = self.rng.get_or_insert_with(|| crate::value::random::Rng::from_key(&[]));
                crate::value::random::call(rng, *f, args, &kw)?
            }
            CExpr::ScopeVar(up, i) => self.scope_var(*up, *i)?,
            CExpr::Comp(c) => self.comp(t, c)?,
            CExpr::Lambda(l) => self.make_lambda(t, l.0, &l.1, &l.2)?,
            CExpr::CallValue(f, args) => {
                let f = self.ev(t, f)?;
                let args = self.items(t, args)?;
                self.call_value(t, &f, args)?
            }
            CExpr::CallFn(id, args) => {
                let vals = self.coro_args(t, *id, args)?;
                self.call_fn(t, *id, vals)?
            }
            CExpr::Coro(id, args) => {
                let vals = self.coro_args(t, *id, args)?;
                self.coro_obj(*id, vals)
            }
            CExpr::NewPrim(kind, arg) => {
                let arg = self.ev(t, arg)?;
                self.new_prim(*kind, &arg)?
            }
            CExpr::CreateTask(c) => {
                let (group, numbered) = match &c.group {
                    Some(e) => match self.ev(t, e)? {
                        Value::TaskGroup(g) => (Some(g.id), true),
                        Value::Loop => (None, false),
                        other => {
                            return Err(ExcObj::msg(
                                ExcClass::AttributeError,
                                format!("'{}' object has no attribute 'create_task'", other.type_name()),
                            ))
                        }
                    },
                    None => (None, true),
                };
                let coro = self.ev(t, &c.coro)?;
                let name = match &c.name {
                    Some(e) => match self.ev(t, e)? {
                        Value::None => None,
                        v => Some(v.to_str().into()),
                    },
                    None => None,
                };
                let Some(t) = t else {
                    return Err(ExcObj::msg(ExcClass::RuntimeError, "no running event loop"));
                };
                let child = self.spawn(t, &coro, name, group, numbered)?;
                self.task_ref(child)
            }
            CExpr::NewExc(c, args) => {
                let args = self.items(t, args)?;
                if c.is_group() {
                    return new_group(*c, args);
                }
                Value::Exc(ExcObj::new(*c, args))
            }
            CExpr::NewUserExc(c, args) => {
                let args = self.items(t, args)?;
                Value::Exc(ExcObj::of_user(c, args))
            }
            CExpr::Method(recv, m, args) => {
                let r = self.ev(t, recv)?;
                if *m == Method::Shutdown {
                    self.shutdown_lookup(&r)?;
                }
                let args = self.items(t, args)?;
                self.method(t, &r, *m, args)?
            }
            CExpr::Attr(recv, a) => {
                let r = self.ev(t, recv)?;
                self.attr(&r, *a)?
            }
            CExpr::StrFormat(call) => self.str_format(t, call)?,
            CExpr::CallDyn(call) => self.call_dyn(t, call)?,
            CExpr::MethodKw(m, call) => self.method_kw(t, *m, call)?,
            CExpr::Index(v, i) => {
                let v = self.ev(t, v)?;
                let i = self.ev(t, i)?;
                ops::index(&v, &i)?
            }
            CExpr::InPlace(op, a, b) => {
                let a = self.ev(t, a)?;
                let b = self.ev(t, b)?;
                crate::value::store::inplace(crate::compile::bin(*op), &a, &b)?
            }
            CExpr::Slice(v, parts) => {
                let v = self.ev(t, v)?;
                // Every bound is evaluated before any is checked, as CPython
                // builds the slice object first.
                let mut vals = [Value::None, Value::None, Value::None];
                for (k, part) in parts.iter().enumerate() {
                    if let Some(x) = part {
                        vals[k] = self.ev(t, x)?;
                    }
                }
                let mut p = [None, None, None];
                for (k, x) in vals.iter().enumerate() {
                    p[k] = crate::value::store::slice_bound(x)?;
                }
                ops::slice(&v, p[0], p[1], p[2])?
            }
            CExpr::FString(parts) => Value::str(self.render_in(t, parts)?),
            CExpr::BarrierInfo(b, field) => {
                let Value::Prim(p) = self.ev(t, b)? else { unreachable!("Barrier's own code") };
                let Prim::Barrier { parties, state, count, cond } = &self.prims[p.id as usize] else {
                    return Err(ExcObj::msg(
                        ExcClass::AttributeError,
                        format!("'{}' object has no attribute '_cond'", p.kind.class_name()),
                    ));
                };
                match field {
                    crate::compile::BarrierField::State => Value::str(*state),
                    crate::compile::BarrierField::Count => Value::Int(*count),
                    crate::compile::BarrierField::Parties => Value::Int(*parties),
                    crate::compile::BarrierField::Cond => Value::Prim(Rc::new(PrimRef {
                        id: *cond,
                        kind: crate::value::PrimKind::Condition,
                        name: self.prim_names[*cond as usize].clone(),
                    })),
                }
            }
        })
    }

    /// `r.a`, a data attribute.
    fn attr(&self, r: &Value, a: Attr) -> Result<Value, Exc> {
        Ok(match (r, a) {
            (Value::Exc(e), Attr::Args) => Value::tuple(e.args.clone()),
            (Value::Exc(e), Attr::Cause) => e.chain.borrow().cause.clone().map_or(Value::None, Value::Exc),
            (Value::Exc(e), Attr::Context) => e.chain.borrow().context.clone().map_or(Value::None, Value::Exc),
            (Value::Exc(e), Attr::SuppressContext) => Value::Bool(e.chain.borrow().suppress_context),
            (Value::Exc(e), Attr::Exceptions) if e.class.is_group() => {
                Value::tuple(e.group.iter().map(|x| Value::Exc(x.clone())).collect())
            }
            (Value::Exc(e), Attr::Message) if e.class.is_group() => Value::str(e.message()),
            (Value::Prim(p), Attr::Parties | Attr::NWaiting | Attr::Broken)
                if matches!(self.prims[p.id as usize], Prim::Barrier { .. }) =>
            {
                let Prim::Barrier { parties, state, count, .. } = &self.prims[p.id as usize] else { unreachable!() };
                match a {
                    Attr::Parties => Value::Int(*parties),
                    Attr::NWaiting => {
                        Value::Int(if *state == crate::compile::barrier_state::FILLING { *count } else { 0 })
                    }
                    _ => Value::Bool(*state == crate::compile::barrier_state::BROKEN),
                }
            }
            _ => return Err(no_attribute(r, a.name())),
        })
    }

    /// Renders a template in a task.
    pub(crate) fn render(&mut self, t: TaskId, parts: &[CPart]) -> Result<String, Exc> {
        self.render_in(Some(t), parts)
    }

    fn render_in(&mut self, t: Task_, parts: &[CPart]) -> Result<String, Exc> {
        crate::value::clear_str_error();
        let mut out = String::new();
        for p in parts {
            match p {
                CPart::Lit(s) => out.push_str(s),
                CPart::Field(field) => {
                    let CField { expr, conversion, spec } = &**field;
                    let v = self.ev(t, expr)?;
                    let spec = if spec.is_empty() { String::new() } else { self.render_in(t, spec)? };
                    let v = match conversion {
                        Some('r') => Value::str(v.repr()),
                        Some('a') => Value::str(ascii(&v.repr())),
                        Some(_) => Value::str(v.to_str()),
                        None => v,
                    };
                    if spec.is_empty() {
                        out.push_str(&v.to_str());
                    } else {
                        out.push_str(&format_object(&v, &spec)?);
                    }
                    // An int of more than 4,300 digits made into a string.
                    if let Some(e) = crate::value::take_str_error() {
                        return Err(e);
                    }
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn eval_classes(&mut self, t: TaskId, types: &[CExpr]) -> Result<Vec<Class>, Exc> {
        let mut out = Vec::new();
        for e in types {
            let v = self.eval(t, e)?;
            collect_classes(&v, &mut out)?;
        }
        Ok(out)
    }
}

fn one<const N: usize>(args: Vec<Value>, name: &str) -> Result<[Value; N], Exc> {
    let n = args.len();
    args.try_into().map_err(|_| {
        type_error(format!("{name}() takes exactly {N} argument{} ({n} given)", if N == 1 { "" } else { "s" }))
    })
}

fn collect_classes(v: &Value, out: &mut Vec<Class>) -> Result<(), Exc> {
    match v {
        Value::ExcClass(c) => out.push(Class::Builtin(*c)),
        Value::UserClass(c) => out.push(Class::User(c.clone())),
        Value::Tuple(items) => {
            for i in items.iter() {
                collect_classes(i, out)?;
            }
        }
        _ => return Err(type_error("catching classes that do not inherit from BaseException is not allowed")),
    }
    Ok(())
}

fn new_group(c: ExcClass, args: Vec<Value>) -> Result<Value, Exc> {
    let [msg, excs] = <[Value; 2]>::try_from(args).map_err(|a| {
        type_error(format!("BaseExceptionGroup.__new__() takes exactly 2 arguments ({} given)", a.len()))
    })?;
    let Value::Str(msg) = msg else {
        return Err(type_error("argument 1 must be str"));
    };
    let mut list = Vec::new();
    for e in ops::iter_items(&excs)? {
        match e {
            Value::Exc(e) => list.push(e),
            _ => return Err(value_error("second argument (exceptions) must be a sequence of exception instances")),
        }
    }
    if list.is_empty() {
        return Err(value_error("second argument (exceptions) must be a non-empty sequence"));
    }
    let g = ExcObj::group(&msg, list);
    if c == ExcClass::ExceptionGroup && g.class != ExcClass::ExceptionGroup {
        return Err(type_error("Cannot nest BaseExceptions in an ExceptionGroup"));
    }
    Ok(Value::Exc(g))
}

fn compare(op: CmpOp, a: &Value, b: &Value) -> Result<bool, Exc> {
    if let (Value::Set(x), Value::Set(y), CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge) = (a, b, op) {
        // Subset and superset, proper for `<` and `>`.
        let (x, y) = (x.borrow(), y.borrow());
        use crate::value::set::is_subset;
        return Ok(match op {
            CmpOp::Le => is_subset(&x, &y)?,
            CmpOp::Lt => x.len() < y.len() && is_subset(&x, &y)?,
            CmpOp::Ge => is_subset(&y, &x)?,
            _ => x.len() > y.len() && is_subset(&y, &x)?,
        });
    }
    let ord = |sym: &str| ops::compare(a, b, sym);
    Ok(match op {
        CmpOp::Eq => ops::eq(a, b),
        CmpOp::Ne => !ops::eq(a, b),
        CmpOp::Lt => ord("<")? == Some(Ordering::Less),
        CmpOp::Le => matches!(ord("<=")?, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord(">")? == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord(">=")?, Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::In => ops::contains(b, a)?,
        CmpOp::NotIn => !ops::contains(b, a)?,
        CmpOp::Is => ops::is(a, b),
        CmpOp::IsNot => !ops::is(a, b),
    })
}

/// The AttributeError of a missing attribute.
fn no_attribute(r: &Value, name: &str) -> Exc {
    ExcObj::msg(ExcClass::AttributeError, format!("'{}' object has no attribute '{name}'", r.type_name()))
}

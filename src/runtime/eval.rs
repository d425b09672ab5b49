//! Evaluating compiled expressions and templates inside a task.
//!
//! Names are already slots and indices; this is a plain tree walk over
//! [`CExpr`]. Calls to builtins and methods check their receiver's type at
//! run time and raise what Python raises.

use super::*;
use crate::compile::{Attr, Builtin, CExpr, CField, CPart, Method};
use crate::syntax::expr::CmpOp;
use crate::value::ops::{self, type_error, value_error};
use crate::value::pyfmt::{format_value, FormatArg, FormatErrorKind};
use crate::value::{CoroObj, PrimRef};
use std::cell::Cell;
use std::cmp::Ordering;

/// Seconds from a duration value (`sleep`, `block`).
pub(crate) fn seconds(v: &Value, what: &str) -> Result<f64, Exc> {
    let d = match v {
        Value::Int(i) => *i as f64,
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
        _ => Err(type_error("exceptions must derive from BaseException")),
    }
}

fn int_arg(v: &Value, what: &str) -> Result<i64, Exc> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
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
            Value::Unbound => {
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
            match e {
                CExpr::Starred(inner) => {
                    let v = self.ev(t, inner)?;
                    out.extend(ops::iter_items(&v)?);
                }
                e => out.push(self.ev(t, e)?),
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
        Value::Coro(Rc::new(CoroObj {
            coro: id,
            name: self.coro_names[id as usize].clone(),
            args,
            used: Cell::new(false),
        }))
    }

    fn ev(&mut self, t: Task_, e: &CExpr) -> Result<Value, Exc> {
        Ok(match e {
            CExpr::Const(v) => v.clone(),
            CExpr::Local(s) => self.local(t, *s)?,
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
                    if matches!(k, Value::List(_) | Value::Dict(_)) {
                        return Err(type_error(format!("unhashable type: '{}'", k.type_name())));
                    }
                    match out.iter_mut().find(|(k2, _)| ops::eq(k2, &k)) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k, v)),
                    }
                }
                Value::Dict(Rc::new(std::cell::RefCell::new(out)))
            }
            CExpr::Starred(_) => return Err(type_error("can't use starred expression here")),
            CExpr::Neg(x) => ops::neg(&self.ev(t, x)?)?,
            CExpr::Pos(x) => ops::pos(&self.ev(t, x)?)?,
            CExpr::Not(x) => Value::Bool(!self.ev(t, x)?.truthy()),
            CExpr::Binary(op, a, b) => {
                let a = self.ev(t, a)?;
                let b = self.ev(t, b)?;
                ops::binary(crate::compile::bin(*op), &a, &b)?
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
                let args = self.items(t, args)?;
                let mut kw = Vec::with_capacity(kwargs.len());
                for (k, v) in kwargs.iter() {
                    kw.push((&**k, self.ev(t, v)?));
                }
                builtin(*b, args, &kw)?
            }
            CExpr::Coro(id, args) => {
                let vals = self.coro_args(t, *id, args)?;
                self.coro_obj(*id, vals)
            }
            CExpr::NewExc(c, args) => {
                let args = self.items(t, args)?;
                if c.is_group() {
                    return new_group(*c, args);
                }
                Value::Exc(ExcObj::new(*c, args))
            }
            CExpr::Method(recv, m, args) => {
                let r = self.ev(t, recv)?;
                let args = self.items(t, args)?;
                self.method(t, &r, *m, args)?
            }
            CExpr::Attr(recv, a) => {
                let r = self.ev(t, recv)?;
                match (&r, a) {
                    (Value::Exc(e), Attr::Args) => Value::tuple(e.args.clone()),
                    (Value::Exc(e), Attr::Exceptions) if e.class.is_group() => {
                        Value::tuple(e.group.iter().map(|x| Value::Exc(x.clone())).collect())
                    }
                    (Value::Exc(e), Attr::Message) if e.class.is_group() => Value::str(e.message()),
                    (Value::Prim(p), Attr::Parties | Attr::NWaiting | Attr::Broken)
                        if matches!(self.prims[p.id as usize], Prim::Barrier { .. }) =>
                    {
                        let Prim::Barrier { parties, state, count, .. } = &self.prims[p.id as usize] else {
                            unreachable!()
                        };
                        match a {
                            Attr::Parties => Value::Int(*parties),
                            Attr::NWaiting => {
                                Value::Int(if *state == crate::compile::barrier_state::FILLING { *count } else { 0 })
                            }
                            _ => Value::Bool(*state == crate::compile::barrier_state::BROKEN),
                        }
                    }
                    _ => {
                        let name = match a {
                            Attr::Args => "args",
                            Attr::Exceptions => "exceptions",
                            Attr::Message => "message",
                            Attr::Parties => "parties",
                            Attr::NWaiting => "n_waiting",
                            Attr::Broken => "broken",
                        };
                        return Err(ExcObj::msg(
                            ExcClass::AttributeError,
                            format!("'{}' object has no attribute '{name}'", r.type_name()),
                        ));
                    }
                }
            }
            CExpr::Index(v, i) => {
                let v = self.ev(t, v)?;
                let i = self.ev(t, i)?;
                ops::index(&v, &i)?
            }
            CExpr::Slice(v, parts) => {
                let v = self.ev(t, v)?;
                let mut p = [None, None, None];
                for (k, part) in parts.iter().enumerate() {
                    if let Some(x) = part {
                        match self.ev(t, x)? {
                            Value::None => {}
                            x => p[k] = Some(int_arg(&x, "")?),
                        }
                    }
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

    /// Renders a template in a task.
    pub(crate) fn render(&mut self, t: TaskId, parts: &[CPart]) -> Result<String, Exc> {
        self.render_in(Some(t), parts)
    }

    fn render_in(&mut self, t: Task_, parts: &[CPart]) -> Result<String, Exc> {
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
                        out.push_str(&format_spec(&v, &spec)?);
                    }
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn eval_classes(&mut self, t: TaskId, types: &[CExpr]) -> Result<Vec<ExcClass>, Exc> {
        let mut out = Vec::new();
        for e in types {
            let v = self.eval(t, e)?;
            collect_classes(&v, &mut out)?;
        }
        Ok(out)
    }

    fn method(&mut self, t: Task_, r: &Value, m: Method, args: Vec<Value>) -> Result<Value, Exc> {
        let arity = |n: usize| -> Result<(), Exc> {
            if args.len() > n {
                Err(type_error(format!(
                    "{}() takes at most {n} argument{} ({} given)",
                    m.name(),
                    if n == 1 { "" } else { "s" },
                    args.len()
                )))
            } else {
                Ok(())
            }
        };
        Ok(match (r, m) {
            (Value::Task(task), _) => {
                arity(usize::from(m == Method::Cancel))?;
                let fut = self.tasks[task.id as usize].fut;
                match m {
                    Method::Cancel => {
                        let msg = args.first().cloned();
                        if !self.task_done(task.id) {
                            self.record(task.id, EventKind::CancelRequested(t.unwrap_or(task.id)));
                        }
                        Value::Bool(self.task_cancel(task.id, msg))
                    }
                    Method::Cancelling => Value::Int(i64::from(self.tasks[task.id as usize].num_cancels)),
                    Method::Uncancel => Value::Int(i64::from(self.task_uncancel(task.id))),
                    Method::Done => Value::Bool(self.futs[fut as usize].done()),
                    Method::Cancelled => Value::Bool(self.futs[fut as usize].cancelled()),
                    Method::GetName => Value::str(task.name.to_string()),
                    Method::Result => {
                        if !self.futs[fut as usize].done() {
                            return Err(ExcObj::msg(ExcClass::InvalidStateError, "Result is not set."));
                        }
                        self.fut_outcome(fut)?
                    }
                    Method::Exception => match &self.futs[fut as usize].state {
                        FutState::Pending => {
                            return Err(ExcObj::msg(ExcClass::InvalidStateError, "Exception is not set."))
                        }
                        FutState::Cancelled => return Err(self.make_cancelled_error(fut)),
                        FutState::Exception(e) => {
                            let e = e.clone();
                            self.retrieve(fut);
                            Value::Exc(e)
                        }
                        FutState::Result(_) => Value::None,
                    },
                    _ => return Err(no_method(r, m)),
                }
            }
            (Value::Prim(p), Method::Notify) if matches!(self.prims[p.id as usize], Prim::Cond { .. }) => {
                let n = match args.as_slice() {
                    [] => 1,
                    [n] => int_arg(n, "")?,
                    _ => return Err(type_error("notify() takes at most 1 argument")),
                };
                self.cond_notify(p.id, n)?;
                Value::None
            }
            (Value::Prim(p), Method::PutNowait) => {
                let [x] = one(args, "put_nowait")?;
                if !matches!(self.prims[p.id as usize], Prim::Queue(_)) {
                    return Err(no_method(r, m));
                }
                self.put_nowait(p.id, x)?;
                Value::None
            }
            (Value::Prim(p), _) => {
                arity(0)?;
                match (m, &self.prims[p.id as usize]) {
                    (Method::Locked, Prim::Lock { locked, .. }) => Value::Bool(*locked),
                    (Method::Locked, Prim::Cond { lock, .. }) => {
                        Value::Bool(matches!(self.prims[*lock as usize], Prim::Lock { locked: true, .. }))
                    }
                    (Method::Release, Prim::Cond { .. }) => {
                        self.release(t.unwrap_or(u32::MAX), r)?;
                        Value::None
                    }
                    (Method::NotifyAll, Prim::Cond { .. }) => {
                        let n = self.cond_waiters(p.id);
                        self.cond_notify(p.id, n)?;
                        Value::None
                    }
                    (Method::Locked, Prim::Sem { .. }) => Value::Bool(self.sem_locked(p.id)),
                    (Method::Release, Prim::Lock { .. } | Prim::Sem { .. }) => {
                        self.release(t.unwrap_or(u32::MAX), r)?;
                        Value::None
                    }
                    (Method::IsSet, Prim::Event { flag, .. }) => Value::Bool(*flag),
                    (Method::Set, Prim::Event { .. }) => {
                        self.event_set(p.id);
                        Value::None
                    }
                    (Method::Qsize, Prim::Queue(q)) => Value::Int(q.items.len() as i64),
                    (Method::Empty, Prim::Queue(q)) => Value::Bool(q.items.is_empty()),
                    (Method::Full, Prim::Queue(q)) => Value::Bool(q.full()),
                    (Method::GetNowait, Prim::Queue(_)) => self.get_nowait(p.id)?,
                    (Method::TaskDone, Prim::Queue(_)) => {
                        self.queue_task_done(p.id)?;
                        Value::None
                    }
                    (Method::Clear, Prim::Event { .. }) => {
                        if let Prim::Event { flag, .. } = &mut self.prims[p.id as usize] {
                            *flag = false;
                        }
                        Value::None
                    }
                    _ => return Err(no_method(r, m)),
                }
            }
            (Value::List(l), _) => match m {
                Method::Append => {
                    let [x] = one(args, "append")?;
                    ops::within_budget(l.borrow().len(), 1)?;
                    l.borrow_mut().push(x);
                    Value::None
                }
                Method::Extend => {
                    let [x] = one(args, "extend")?;
                    let items = ops::iter_items(&x)?;
                    ops::within_budget(l.borrow().len(), items.len())?;
                    l.borrow_mut().extend(items);
                    Value::None
                }
                Method::Pop => {
                    arity(1)?;
                    let mut l = l.borrow_mut();
                    if l.is_empty() {
                        return Err(ExcObj::msg(ExcClass::IndexError, "pop from empty list"));
                    }
                    let n = l.len() as i64;
                    let i = match args.first() {
                        Some(i) => int_arg(i, "")?,
                        None => -1,
                    };
                    let j = if i < 0 { i + n } else { i };
                    if !(0..n).contains(&j) {
                        return Err(ExcObj::msg(ExcClass::IndexError, "pop index out of range"));
                    }
                    l.remove(j as usize)
                }
                Method::Insert => {
                    if args.len() != 2 {
                        return Err(type_error(format!("insert expected 2 arguments, got {}", args.len())));
                    }
                    let mut l = l.borrow_mut();
                    let n = l.len() as i64;
                    let i = int_arg(&args[0], "")?;
                    let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
                    l.insert(j as usize, args[1].clone());
                    Value::None
                }
                Method::Index => {
                    let [x] = one(args, "index")?;
                    match l.borrow().iter().position(|v| ops::eq(v, &x)) {
                        Some(i) => Value::Int(i as i64),
                        None => return Err(value_error(format!("{} is not in list", x.repr()))),
                    }
                }
                Method::Count => {
                    let [x] = one(args, "count")?;
                    Value::Int(l.borrow().iter().filter(|v| ops::eq(v, &x)).count() as i64)
                }
                _ => return Err(no_method(r, m)),
            },
            (Value::Dict(d), _) => match m {
                Method::Get => {
                    if args.is_empty() || args.len() > 2 {
                        return Err(type_error(format!("get expected at least 1 argument, got {}", args.len())));
                    }
                    let found = d.borrow().iter().find(|(k, _)| ops::eq(k, &args[0])).map(|(_, v)| v.clone());
                    found.unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None))
                }
                Method::Keys => Value::list(d.borrow().iter().map(|(k, _)| k.clone()).collect()),
                Method::Values => Value::list(d.borrow().iter().map(|(_, v)| v.clone()).collect()),
                Method::Items => {
                    Value::list(d.borrow().iter().map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()])).collect())
                }
                Method::Pop => {
                    if args.is_empty() {
                        return Err(type_error("pop expected at least 1 argument, got 0"));
                    }
                    let mut dm = d.borrow_mut();
                    match dm.iter().position(|(k, _)| ops::eq(k, &args[0])) {
                        Some(i) => dm.remove(i).1,
                        None => match args.get(1) {
                            Some(dflt) => dflt.clone(),
                            None => return Err(ExcObj::new(ExcClass::KeyError, vec![args[0].clone()])),
                        },
                    }
                }
                _ => return Err(no_method(r, m)),
            },
            (Value::Str(s), _) => match m {
                Method::Upper => Value::str(s.to_uppercase()),
                Method::Lower => Value::str(s.to_lowercase()),
                Method::Strip => Value::str(s.trim()),
                Method::Split => match args.first() {
                    None | Some(Value::None) => Value::list(s.split_whitespace().map(Value::str).collect()),
                    Some(Value::Str(sep)) => {
                        if sep.is_empty() {
                            return Err(value_error("empty separator"));
                        }
                        Value::list(s.split(&**sep).map(Value::str).collect())
                    }
                    Some(other) => return Err(type_error(format!("must be str or None, not {}", other.type_name()))),
                },
                Method::Join => {
                    let [x] = one(args, "join")?;
                    let mut parts = Vec::new();
                    for (i, item) in ops::iter_items(&x)?.into_iter().enumerate() {
                        match item {
                            Value::Str(p) => parts.push(p.to_string()),
                            other => {
                                return Err(type_error(format!(
                                    "sequence item {i}: expected str instance, {} found",
                                    other.type_name()
                                )))
                            }
                        }
                    }
                    Value::str(parts.join(s))
                }
                Method::Replace => match args.as_slice() {
                    [Value::Str(a), Value::Str(b)] => Value::str(s.replace(&**a, b)),
                    _ => return Err(type_error("replace expected 2 str arguments")),
                },
                Method::StartsWith | Method::EndsWith => match args.as_slice() {
                    [Value::Str(p)] => {
                        Value::Bool(if m == Method::StartsWith { s.starts_with(&**p) } else { s.ends_with(&**p) })
                    }
                    _ => return Err(type_error(format!("{}() takes one str argument", m.name()))),
                },
                Method::Count => match args.as_slice() {
                    [Value::Str(p)] => Value::Int(if p.is_empty() {
                        s.chars().count() as i64 + 1
                    } else {
                        s.matches(&**p).count() as i64
                    }),
                    _ => return Err(type_error("count() takes one str argument")),
                },
                Method::Index => match args.as_slice() {
                    [Value::Str(p)] => match s.find(&**p) {
                        Some(b) => Value::Int(s[..b].chars().count() as i64),
                        None => return Err(value_error("substring not found")),
                    },
                    _ => return Err(type_error("index() takes one str argument")),
                },
                _ => return Err(no_method(r, m)),
            },
            (Value::Tuple(tu), Method::Index | Method::Count) => {
                let [x] = one(args, m.name())?;
                if m == Method::Count {
                    Value::Int(tu.iter().filter(|v| ops::eq(v, &x)).count() as i64)
                } else {
                    match tu.iter().position(|v| ops::eq(v, &x)) {
                        Some(i) => Value::Int(i as i64),
                        None => return Err(value_error("tuple.index(x): x not in tuple")),
                    }
                }
            }
            _ => return Err(no_method(r, m)),
        })
    }
}

fn one<const N: usize>(args: Vec<Value>, name: &str) -> Result<[Value; N], Exc> {
    let n = args.len();
    args.try_into().map_err(|_| {
        type_error(format!("{name}() takes exactly {N} argument{} ({n} given)", if N == 1 { "" } else { "s" }))
    })
}

fn no_method(r: &Value, m: Method) -> Exc {
    ExcObj::msg(ExcClass::AttributeError, format!("'{}' object has no attribute '{}'", r.type_name(), m.name()))
}

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else if (c as u32) < 0x100 {
                format!("\\x{:02x}", c as u32)
            } else if (c as u32) < 0x10000 {
                format!("\\u{:04x}", c as u32)
            } else {
                format!("\\U{:08x}", c as u32)
            }
        })
        .collect()
}

fn collect_classes(v: &Value, out: &mut Vec<ExcClass>) -> Result<(), Exc> {
    match v {
        Value::ExcClass(c) => out.push(*c),
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

fn format_spec(v: &Value, spec: &str) -> Result<String, Exc> {
    let text;
    let arg = match v {
        Value::Int(i) => FormatArg::Int(*i),
        Value::Float(f) => FormatArg::Float(*f),
        Value::Bool(b) => FormatArg::Bool(*b),
        Value::Str(s) => FormatArg::Str(s),
        other => {
            text = other.to_str();
            FormatArg::Other { text: &text, type_name: other.type_name() }
        }
    };
    format_value(arg, spec).map_err(|e| match e.kind {
        FormatErrorKind::ValueError => value_error(e.message),
        FormatErrorKind::TypeError => type_error(e.message),
        FormatErrorKind::Limit => ExcObj::msg(ExcClass::OverflowError, e.message),
    })
}

fn sort_values(items: &mut [Value]) -> Result<(), Exc> {
    let mut err = None;
    items.sort_by(|a, b| match ops::compare(b, a, "<") {
        Ok(Some(Ordering::Less)) => Ordering::Greater,
        Ok(_) => match ops::compare(a, b, "<") {
            Ok(Some(Ordering::Less)) => Ordering::Less,
            Ok(_) => Ordering::Equal,
            Err(e) => {
                err.get_or_insert(e);
                Ordering::Equal
            }
        },
        Err(e) => {
            err.get_or_insert(e);
            Ordering::Equal
        }
    });
    err.map_or(Ok(()), Err)
}

fn builtin(b: Builtin, args: Vec<Value>, kw: &[(&str, Value)]) -> Result<Value, Exc> {
    let name = Builtin::ALL.iter().find(|(_, x)| *x == b).map_or("?", |(n, _)| n);
    let allowed_kw: &[&str] = match b {
        Builtin::Enumerate => &["start"],
        Builtin::Sorted => &["reverse"],
        Builtin::Sum => &["start"],
        _ => &[],
    };
    if let Some((k, _)) = kw.iter().find(|(k, _)| !allowed_kw.contains(k)) {
        return Err(type_error(format!("{name}() got an unexpected keyword argument '{k}'")));
    }
    let kwarg = |k: &str| kw.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    let exactly = |n: usize| -> Result<(), Exc> {
        if args.len() == n {
            Ok(())
        } else {
            Err(type_error(format!("{name}() takes exactly one argument ({} given)", args.len())))
        }
    };
    Ok(match b {
        Builtin::Len => {
            exactly(1)?;
            Value::Int(ops::len_of(&args[0])?)
        }
        Builtin::Str => match args.first() {
            None => Value::str(""),
            Some(v) => Value::str(v.to_str()),
        },
        Builtin::Repr => {
            exactly(1)?;
            Value::str(args[0].repr())
        }
        Builtin::Bool => Value::Bool(args.first().is_some_and(Value::truthy)),
        Builtin::Int => match args.first() {
            None => Value::Int(0),
            Some(Value::Int(i)) => Value::Int(*i),
            Some(Value::Bool(x)) => Value::Int(i64::from(*x)),
            Some(Value::Float(f)) => {
                if f.is_nan() {
                    return Err(value_error("cannot convert float NaN to integer"));
                }
                if f.is_infinite() {
                    return Err(ExcObj::msg(ExcClass::OverflowError, "cannot convert float infinity to integer"));
                }
                let tr = f.trunc();
                if tr.abs() >= 9.223_372_036_854_776e18 {
                    return Err(ExcObj::msg(
                        ExcClass::OverflowError,
                        "integer result does not fit in 64 bits (asim's ints are 64-bit)",
                    ));
                }
                Value::Int(tr as i64)
            }
            Some(Value::Str(s)) => {
                let clean = s.trim().replace('_', "");
                let ok = !s.trim().starts_with('_') && !s.trim().ends_with('_') && !s.contains("__");
                match clean.parse::<i64>() {
                    Ok(i) if ok => Value::Int(i),
                    _ => {
                        return Err(value_error(format!(
                            "invalid literal for int() with base 10: {}",
                            crate::value::pyfmt::str_repr(s)
                        )))
                    }
                }
            }
            Some(other) => {
                return Err(type_error(format!(
                    "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                    other.type_name()
                )))
            }
        },
        Builtin::Float => match args.first() {
            None => Value::Float(0.0),
            Some(Value::Int(i)) => Value::Float(*i as f64),
            Some(Value::Bool(x)) => Value::Float(f64::from(u8::from(*x))),
            Some(Value::Float(f)) => Value::Float(*f),
            Some(Value::Str(s)) => {
                let t = s.trim();
                let lower = t.to_ascii_lowercase();
                let parsed = match lower.trim_start_matches(['+', '-']) {
                    "inf" | "infinity" => Some(if lower.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY }),
                    "nan" => Some(f64::NAN),
                    _ if t.chars().all(|c| c.is_ascii_digit() || "+-.eE_".contains(c)) && !t.is_empty() => {
                        t.replace('_', "").parse::<f64>().ok()
                    }
                    _ => None,
                };
                match parsed {
                    Some(f) => Value::Float(f),
                    None => {
                        return Err(value_error(format!(
                            "could not convert string to float: {}",
                            crate::value::pyfmt::str_repr(s)
                        )))
                    }
                }
            }
            Some(other) => {
                return Err(type_error(format!(
                    "float() argument must be a string or a real number, not '{}'",
                    other.type_name()
                )))
            }
        },
        Builtin::Abs => {
            exactly(1)?;
            match &args[0] {
                Value::Int(i) => {
                    Value::Int(i.checked_abs().ok_or_else(|| {
                        ExcObj::msg(ExcClass::OverflowError, "integer result does not fit in 64 bits")
                    })?)
                }
                Value::Bool(x) => Value::Int(i64::from(*x)),
                Value::Float(f) => Value::Float(f.abs()),
                other => return Err(type_error(format!("bad operand type for abs(): '{}'", other.type_name()))),
            }
        }
        Builtin::Min | Builtin::Max => {
            let items = match args.len() {
                0 => return Err(type_error(format!("{name} expected at least 1 argument, got 0"))),
                1 => ops::iter_items(&args[0])?,
                _ => args,
            };
            if items.is_empty() {
                return Err(value_error(format!("{name}() arg is an empty sequence")));
            }
            let mut best = items[0].clone();
            for v in items.into_iter().skip(1) {
                let better = if b == Builtin::Min {
                    ops::compare(&v, &best, "<")? == Some(Ordering::Less)
                } else {
                    ops::compare(&v, &best, ">")? == Some(Ordering::Greater)
                };
                if better {
                    best = v;
                }
            }
            best
        }
        Builtin::Range => {
            let ints: Vec<i64> = args.iter().map(|a| int_arg(a, "")).collect::<Result<_, _>>()?;
            let (a, s, st) = match ints.as_slice() {
                [stop] => (0, *stop, 1),
                [a, s] => (*a, *s, 1),
                [a, s, st] => (*a, *s, *st),
                _ => return Err(type_error(format!("range expected at most 3 arguments, got {}", ints.len()))),
            };
            if st == 0 {
                return Err(value_error("range() arg 3 must not be zero"));
            }
            Value::range(a, s, st)
        }
        Builtin::Enumerate => {
            exactly(1)?;
            let start = match kwarg("start") {
                Some(v) => int_arg(&v, "")?,
                None => 0,
            };
            let items = ops::iter_items(&args[0])?;
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                // Python's ints do not wrap; asim's are 64-bit and say so.
                let n = i64::try_from(i).ok().and_then(|i| start.checked_add(i)).ok_or_else(ops::int_overflow)?;
                out.push(Value::tuple(vec![Value::Int(n), v]));
            }
            Value::list(out)
        }
        Builtin::List => Value::list(match args.first() {
            Some(v) => ops::iter_items(v)?,
            None => Vec::new(),
        }),
        Builtin::Tuple => Value::tuple(match args.first() {
            Some(v) => ops::iter_items(v)?,
            None => Vec::new(),
        }),
        Builtin::Sum => {
            exactly(1)?;
            let mut acc = kwarg("start").unwrap_or(Value::Int(0));
            for v in ops::iter_items(&args[0])? {
                acc = ops::binary(ops::Bin::Add, &acc, &v)?;
            }
            acc
        }
        Builtin::Sorted => {
            exactly(1)?;
            let mut items = ops::iter_items(&args[0])?;
            sort_values(&mut items)?;
            if kwarg("reverse").is_some_and(|r| r.truthy()) {
                items.reverse();
            }
            Value::list(items)
        }
    })
}

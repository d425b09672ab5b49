//! Comprehensions, lambdas and the builtins that call them (`sorted`,
//! `min` and `max` with `key=`; `sum`, `any`, `all`, `min`, `max` of a
//! generator expression, which they consume one item at a time).

use super::*;
use crate::compile::{CComp, ScopeTarget};
use crate::syntax::expr::CompKind;
use crate::value::exc::{FrameName, TbEntry};
use crate::value::FuncObj;
use crate::version::Change;

/// What a comprehension gives each element (and a dict comprehension's
/// value) to; it returns `true` to stop.
type Each<'a, 'p> = dyn FnMut(&mut Vm<'p>, Value, Option<Value>) -> Result<bool, Exc> + 'a;

/// The running best of `min`/`max`: an item replaces it only when its key
/// is strictly better, so the first of equal items wins, as in CPython.
struct Best {
    op: &'static str,
    want: Ordering,
    best: Option<(Value, Value)>,
}

impl Best {
    fn new(b: Builtin) -> Best {
        match b {
            Builtin::Min => Best { op: "<", want: Ordering::Less, best: None },
            _ => Best { op: ">", want: Ordering::Greater, best: None },
        }
    }

    fn offer(&mut self, k: Value, v: Value) -> Result<(), Exc> {
        let better = match &self.best {
            None => true,
            Some((bk, _)) => ops::compare(&k, bk, self.op)? == Some(self.want),
        };
        if better {
            self.best = Some((k, v));
        }
        Ok(())
    }

    fn finish(self, name: &str, default: Option<Value>) -> Result<Value, Exc> {
        match (self.best, default) {
            (Some((_, v)), _) => Ok(v),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(crate::value::messages::empty_max_min(name)),
        }
    }
}

impl<'p> Vm<'p> {
    pub(super) fn scope_var(&self, up: u32, i: u32) -> Result<Value, Exc> {
        let base = self.scope_bases[self.scope_bases.len() - 1 - up as usize];
        let v = match &self.scope_vals[base + i as usize] {
            Value::Cell(c) => c.borrow().clone(),
            v => v.clone(),
        };
        match v {
            Value::Unbound => Err(ExcObj::msg(
                ExcClass::NameError,
                "cannot access free variable where it is not associated with a value in enclosing scope",
            )),
            v => Ok(v),
        }
    }

    fn scope_assign(&mut self, target: &ScopeTarget, v: Value) -> Result<(), Exc> {
        match target {
            ScopeTarget::Var(i) => {
                let base = *self.scope_bases.last().expect("inside a scope");
                let slot = &mut self.scope_vals[base + *i as usize];
                if let Value::Cell(c) = slot {
                    *c.borrow_mut() = v;
                } else {
                    *slot = v;
                }
                Ok(())
            }
            ScopeTarget::Seq(ts) => {
                let items = ops::unpack_items(&v)?;
                if items.len() < ts.len() {
                    return Err(ops::value_error(format!(
                        "not enough values to unpack (expected {}, got {})",
                        ts.len(),
                        items.len()
                    )));
                }
                if items.len() > ts.len() {
                    return Err(crate::value::messages::too_many_values(ts.len(), &v, items.len()));
                }
                for (t, v) in ts.iter().zip(items) {
                    self.scope_assign(t, v)?;
                }
                Ok(())
            }
        }
    }

    /// Runs a comprehension, giving each element (and a dict
    /// comprehension's value) to `out`, which returns `true` to stop.
    pub(super) fn comp_each(&mut self, t: Task_, c: &CComp, out: &mut Each<'_, 'p>) -> Result<(), Exc> {
        let first = self.ev(t, &c.first)?;
        let items = ops::iter_items(&first)?;
        let base = self.scope_vals.len();
        self.scope_vals.resize(base + c.n_vars as usize, Value::Unbound);
        self.scope_bases.push(base);
        let r = self.comp_level(t, c, 0, items, out);
        self.scope_bases.pop();
        self.scope_vals.truncate(base);
        match r {
            Ok(_) => Ok(()),
            // An error in the comprehension's own code passed through its
            // frame (`<listcomp>`...); what a generator's consumer raised
            // (`sum` adding) did not.
            Err((e, inside)) => {
                // From 3.12 (PEP 709) a list, dict or set comprehension runs
                // inline, in its caller's frame: no frame of its own.
                let own_frame = c.kind == CompKind::Gen || !self.has(Change::InlinedComprehensions);
                if inside && own_frame {
                    let frame = match c.kind {
                        CompKind::List => FrameName::ListComp,
                        CompKind::Dict => FrameName::DictComp,
                        CompKind::Set => FrameName::SetComp,
                        CompKind::Gen => FrameName::GenExpr,
                    };
                    self.trace_expr(t, &e, frame);
                }
                Err(e)
            }
        }
    }

    fn comp_level(
        &mut self,
        t: Task_,
        c: &CComp,
        level: usize,
        items: Vec<Value>,
        out: &mut Each<'_, 'p>,
    ) -> Result<bool, (Exc, bool)> {
        let g = &c.gens[level];
        let inside = |e| (e, true);
        'items: for v in items {
            self.scope_assign(&g.target, v).map_err(inside)?;
            for cond in &g.ifs {
                if !self.ev(t, cond).map_err(inside)?.truthy() {
                    continue 'items;
                }
            }
            if level + 1 == c.gens.len() {
                let k = self.ev(t, &c.elt).map_err(inside)?;
                let v = match &c.value {
                    Some(v) => Some(self.ev(t, v).map_err(inside)?),
                    None => None,
                };
                if out(self, k, v).map_err(|e| (e, c.kind != CompKind::Gen))? {
                    return Ok(true);
                }
            } else {
                let next = self.ev(t, &c.gens[level + 1].iter).map_err(inside)?;
                let next = ops::iter_items(&next).map_err(inside)?;
                if self.comp_level(t, c, level + 1, next, out)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// A list or dict comprehension's value (a generator expression that
    /// a call consumes whole is its list).
    pub(super) fn comp(&mut self, t: Task_, c: &CComp) -> Result<Value, Exc> {
        if c.kind == CompKind::Dict {
            let d = Value::Dict(Default::default());
            let target = d.clone();
            let r = self.comp_each(t, c, &mut |_, k, v| {
                crate::value::store::set_item(&target, &k, v.unwrap_or(Value::None))?;
                Ok(false)
            });
            drop(target);
            return match r {
                Ok(()) => Ok(d),
                Err(e) => Err(self.comp_failed(t, d, e)),
            };
        }
        if c.kind == CompKind::Set {
            let s = std::rc::Rc::new(std::cell::RefCell::new(crate::value::set::SetItems::default()));
            let target = s.clone();
            let r = self.comp_each(t, c, &mut |_, v, _| {
                target.borrow_mut().add(v)?;
                Ok(false)
            });
            drop(target);
            return match r {
                Ok(()) => Ok(Value::Set(s)),
                Err(e) => Err(self.comp_failed(t, Value::Set(s), e)),
            };
        }
        let mut items = Vec::new();
        let r = self.comp_each(t, c, &mut |_, v, _| {
            if items.len() as i64 >= ops::MAX_ITEMS {
                return Err(ops::limit_error());
            }
            items.push(v);
            Ok(false)
        });
        match r {
            Ok(()) => Ok(Value::list(items)),
            Err(e) => Err(self.comp_failed(t, Value::list(items), e)),
        }
    }

    /// A list, dict or set comprehension failed with `e`, having built
    /// `partial`. Up to 3.11 its frame frees `partial` as the exception
    /// leaves it, at the comprehension's line. From 3.12 (PEP 709) the
    /// comprehension is inline, and the cleanup code that frees `partial`
    /// has no line number: a coroutine in it is reported never awaited at
    /// line -1, once for all such places.
    fn comp_failed(&mut self, t: Task_, partial: Value, e: Exc) -> Exc {
        if self.has(Change::InlinedComprehensions) {
            self.free_without_line(t, || drop(partial));
        }
        e
    }

    /// Makes a lambda.
    pub(super) fn make_lambda(
        &mut self,
        t: Task_,
        id: u32,
        defaults: &[CExpr],
        captures: &[CExpr],
    ) -> Result<Value, Exc> {
        let defaults = self.items(t, defaults)?.into_boxed_slice();
        let mut captured = Vec::with_capacity(captures.len());
        for c in captures {
            // The variable becomes a cell shared by its slot and the lambda
            // (Python's closure: the lambda sees later assignments).
            let slot = match c {
                CExpr::Local(s) => {
                    let t = t.expect("locals only inside a task");
                    &mut self.tasks[t as usize].frames.last_mut().expect("frame").locals[*s as usize]
                }
                CExpr::ScopeVar(up, i) => {
                    let base = self.scope_bases[self.scope_bases.len() - 1 - *up as usize];
                    &mut self.scope_vals[base + *i as usize]
                }
                c => {
                    captured.push(self.ev(t, c)?);
                    continue;
                }
            };
            if !matches!(slot, Value::Cell(_)) {
                let v = std::mem::replace(slot, Value::Unbound);
                *slot = Value::Cell(Rc::new(std::cell::RefCell::new(v)));
            }
            captured.push(slot.clone());
        }
        let qualname = self.prog.lambdas[id as usize].qualname.clone();
        Ok(Value::Func(Rc::new(FuncObj { id, qualname, defaults, captured: captured.into_boxed_slice() })))
    }

    /// `f(args)` of a value.
    pub(crate) fn call_value(&mut self, t: Task_, f: &Value, args: Vec<Value>) -> Result<Value, Exc> {
        let f = match f {
            Value::Func(f) => f,
            // An exception class held in a value: `errors[i](msg)`.
            Value::ExcClass(c) if c.is_group() => return super::new_group(*c, args),
            Value::ExcClass(c) => return Ok(Value::Exc(ExcObj::new(*c, args))),
            Value::UserClass(c) => return Ok(Value::Exc(ExcObj::of_user(c, args))),
            // `key=len`: the builtin, called with the arguments given.
            Value::Builtin(b @ (Builtin::Map | Builtin::Filter)) => return self.map_filter(t, *b, args, &[]),
            Value::Builtin(b) => return super::builtins::builtin(*b, args, &[]),
            Value::Def(d) => return self.call_def(t, d.id, args),
            Value::MethodOf(m) => {
                let (owner, name) = **m;
                let method = crate::compile::Method::ALL.iter().find(|(n, _)| *n == name).map(|(_, m)| *m);
                let mut args = args;
                if args.is_empty() {
                    return Err(type_error(format!("unbound method {owner}.{name}() needs an argument")));
                }
                let recv = args.remove(0);
                if recv.type_name() != owner {
                    return Err(type_error(format!(
                        "descriptor '{name}' for '{owner}' objects doesn't apply to a '{}' object",
                        recv.type_name()
                    )));
                }
                return self.method(t, &recv, method.expect("a method"), args);
            }
            _ => return Err(type_error(format!("'{}' object is not callable", f.type_name()))),
        };
        let code = &self.prog.lambdas[f.id as usize];
        let np = code.params.len();
        let required = np - f.defaults.len();
        if args.len() > np {
            return Err(crate::value::ops::too_many_positional(&f.qualname, np, required, args.len()));
        }
        if args.len() < required {
            let missing: Vec<String> = code.params[args.len()..required].iter().map(|p| format!("'{p}'")).collect();
            return Err(crate::value::ops::missing_positional(&f.qualname, &missing));
        }
        let base = self.scope_vals.len();
        let given = args.len();
        self.scope_vals.extend(args);
        self.scope_vals.extend(f.defaults[given - required..].iter().cloned());
        self.scope_vals.extend(f.captured.iter().cloned());
        self.scope_vals.resize(base + code.n_vars as usize, Value::Unbound);
        self.scope_bases.push(base);
        let r = self.ev(t, &code.body);
        self.scope_bases.pop();
        self.scope_vals.truncate(base);
        if let Err(e) = &r {
            self.trace_expr(t, e, FrameName::Lambda);
        }
        r
    }

    /// Adds the frame of a comprehension or lambda an error passed through
    /// to its traceback, at the line the task (or the module) is at.
    fn trace_expr(&self, t: Task_, e: &Exc, frame: FrameName) {
        let at = match t {
            Some(t) => self.tasks[t as usize].frames.last().and_then(|f| {
                self.prog.coros[f.coro as usize].code.get(f.pc().saturating_sub(1)).map(|i| i.span.start)
            }),
            None => self.module_at,
        };
        let line = at.map_or(0, |at| self.line_of(at));
        e.traceback.borrow_mut().push(TbEntry { frame, line });
    }

    /// `sum`, `any`, `all`, `min`, `max` of a generator expression, one
    /// item at a time (a later item is not computed once the answer is
    /// known, or after an error).
    pub(super) fn consume_gen(&mut self, t: Task_, b: Builtin, c: &CComp, kw: &[(&str, Value)]) -> Result<Value, Exc> {
        let name = Builtin::ALL.iter().find(|(_, x)| *x == b).map_or("?", |(n, _)| n);
        match b {
            Builtin::Any | Builtin::All => {
                if !kw.is_empty() {
                    return Err(type_error(format!("{name}() takes no keyword arguments")));
                }
                let want = b == Builtin::Any;
                let mut found = false;
                self.comp_each(t, c, &mut |_, v, _| {
                    found = v.truthy() == want;
                    Ok(found)
                })?;
                Ok(Value::Bool(if want { found } else { !found }))
            }
            Builtin::Sum => {
                let mut acc = kw.iter().find(|(k, _)| *k == "start").map_or(Value::Int(0), |(_, v)| v.clone());
                self.comp_each(t, c, &mut |_, v, _| {
                    acc = ops::binary(ops::Bin::Add, &acc, &v)?;
                    Ok(false)
                })?;
                Ok(acc)
            }
            _ => {
                let key =
                    kw.iter().find(|(k, _)| *k == "key").map(|(_, v)| v.clone()).filter(|v| !matches!(v, Value::None));
                let default = kw.iter().find(|(k, _)| *k == "default").map(|(_, v)| v.clone());
                let mut best = Best::new(b);
                self.comp_each(t, c, &mut |vm, v, _| {
                    let k = match &key {
                        Some(f) => vm.call_value(t, f, vec![v.clone()])?,
                        None => v.clone(),
                    };
                    best.offer(k, v)?;
                    Ok(false)
                })?;
                best.finish(name, default)
            }
        }
    }

    /// `sorted(xs, key=f, reverse=r)`, `min`/`max` with `key=`: the keys
    /// are computed first, in order, as CPython does.
    /// `map(f, *iterables)` and `filter(f, iterable)`, as lists (like
    /// `zip`): `f` is called on each item in order, `filter(None, xs)`
    /// keeps the true ones.
    pub(super) fn map_filter(
        &mut self,
        t: Task_,
        b: Builtin,
        args: Vec<Value>,
        kw: &[(&str, Value)],
    ) -> Result<Value, Exc> {
        let name = b.name();
        if !kw.is_empty() {
            return Err(type_error(format!("{name}() takes no keyword arguments")));
        }
        let mut args = args.into_iter();
        if b == Builtin::Map {
            if args.len() < 2 {
                return Err(type_error("map() must have at least two arguments."));
            }
            let f = args.next().expect("checked");
            let lists = args.map(|a| ops::iter_items(&a)).collect::<Result<Vec<_>, _>>()?;
            let n = lists.iter().map(Vec::len).min().unwrap_or(0);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let call: Vec<Value> = lists.iter().map(|l| l[i].clone()).collect();
                out.push(self.call_value(t, &f, call)?);
            }
            return Ok(Value::list(out));
        }
        if args.len() != 2 {
            return Err(type_error(format!("filter expected 2 arguments, got {}", args.len())));
        }
        let f = args.next().expect("checked");
        let items = ops::iter_items(&args.next().expect("checked"))?;
        let mut out = Vec::new();
        for v in items {
            let keep = match &f {
                Value::None => v.truthy(),
                f => self.call_value(t, f, vec![v.clone()])?.truthy(),
            };
            if keep {
                out.push(v);
            }
        }
        Ok(Value::list(out))
    }

    pub(super) fn keyed(&mut self, t: Task_, b: Builtin, args: Vec<Value>, kw: &[(&str, Value)]) -> Result<Value, Exc> {
        let name = Builtin::ALL.iter().find(|(_, x)| *x == b).map_or("?", |(n, _)| n);
        let key = kw.iter().find(|(k, _)| *k == "key").map(|(_, v)| v.clone()).unwrap_or(Value::None);
        let rest: Vec<(&str, Value)> = kw.iter().filter(|(k, _)| *k != "key").cloned().collect();
        if matches!(key, Value::None) {
            return builtin(b, args, &rest);
        }
        match b {
            Builtin::Sorted => {
                if args.len() != 1 {
                    return Err(type_error(format!("sorted expected 1 argument, got {}", args.len())));
                }
                let items = ops::iter_items(&args[0])?;
                let mut keyed = Vec::with_capacity(items.len());
                for v in items {
                    keyed.push((self.call_value(t, &key, vec![v.clone()])?, v));
                }
                let reverse = rest.iter().find(|(k, _)| *k == "reverse").is_some_and(|(_, r)| r.truthy());
                let sorted = sort_keyed(keyed, reverse)?;
                Ok(Value::list(sorted))
            }
            _ => {
                let (items, default) = match args.len() {
                    0 => return Err(type_error(format!("{name} expected at least 1 argument, got 0"))),
                    1 => {
                        (ops::iter_items(&args[0])?, rest.iter().find(|(k, _)| *k == "default").map(|(_, v)| v.clone()))
                    }
                    _ => (args, None),
                };
                let mut best = Best::new(b);
                for v in items {
                    let k = self.call_value(t, &key, vec![v.clone()])?;
                    best.offer(k, v)?;
                }
                best.finish(name, default)
            }
        }
    }
}

impl Vm<'_> {
    /// `f(*args, **kwargs)` of a coroutine or a function: the arguments in
    /// Python's order, then bound to the parameters with Python's messages.
    pub(super) fn call_dyn(&mut self, t: Task_, call: &crate::compile::DynCall) -> Result<Value, Exc> {
        let code = &self.prog.coros[call.id as usize];
        let name = code.name.clone();
        let np = code.defaults.len();
        let has_default: Vec<bool> = code.defaults.iter().map(Option::is_some).collect();
        let params: Vec<String> = code.local_names[..np].to_vec();
        let mut positional = Vec::new();
        for a in &call.args {
            match a {
                CExpr::Starred(x) => {
                    let v = self.ev(t, x)?;
                    let items = ops::iter_items(&v).map_err(|_| {
                        type_error(format!(
                            "__main__.{name}() argument after * must be an iterable, not {}",
                            v.type_name()
                        ))
                    })?;
                    positional.extend(items);
                }
                a => positional.push(self.ev(t, a)?),
            }
        }
        let mut keywords: Vec<(String, Value)> = Vec::new();
        for (k, x) in call.kwargs.iter() {
            let v = self.ev(t, x)?;
            let pairs: Vec<(String, Value)> = if &**k == "**" {
                let Value::Dict(d) = &v else {
                    return Err(type_error(format!(
                        "__main__.{name}() argument after ** must be a mapping, not {}",
                        v.type_name()
                    )));
                };
                let mut out = Vec::new();
                for (key, val) in d.borrow().iter() {
                    let Value::Str(s) = key else { return Err(type_error("keywords must be strings")) };
                    out.push((s.to_string(), val.clone()));
                }
                out
            } else {
                vec![(k.to_string(), v)]
            };
            for (k, v) in pairs {
                if keywords.iter().any(|(n, _)| *n == k) {
                    return Err(type_error(format!(
                        "__main__.{name}() got multiple values for keyword argument '{k}'"
                    )));
                }
                keywords.push((k, v));
            }
        }
        if positional.len() > np {
            let required = has_default.iter().position(|d| *d).unwrap_or(np);
            return Err(crate::value::ops::too_many_positional(&name, np, required, positional.len()));
        }
        let mut bound: Vec<Value> = positional;
        bound.resize(np, Value::Unbound);
        for (k, v) in keywords {
            match params.iter().position(|p| *p == k) {
                None => return Err(type_error(format!("{name}() got an unexpected keyword argument '{k}'"))),
                Some(i) if !matches!(bound[i], Value::Unbound) => {
                    return Err(type_error(format!("{name}() got multiple values for argument '{k}'")))
                }
                Some(i) => bound[i] = v,
            }
        }
        let missing: Vec<String> = (0..np)
            .filter(|&i| matches!(bound[i], Value::Unbound) && !has_default[i])
            .map(|i| format!("'{}'", params[i]))
            .collect();
        if !missing.is_empty() {
            return Err(ops::missing_positional(&name, &missing));
        }
        if call.is_fn {
            self.call_fn(t, call.id, bound)
        } else {
            Ok(self.coro_obj(call.id, bound))
        }
    }
}

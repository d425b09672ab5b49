//! Method calls: the methods of tasks, the synchronization primitives and
//! queues, lists, dicts, strings and tuples, with their arity and type checks.

use super::*;

impl Vm<'_> {
    pub(super) fn method(&mut self, t: Task_, r: &Value, m: Method, args: Vec<Value>) -> Result<Value, Exc> {
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
            (Value::Loop, Method::Time) => {
                arity(0)?;
                Value::Float(self.now)
            }
            (Value::Task(task), _) if m != Method::Time => {
                arity(usize::from(m == Method::Cancel))?;
                let fut = self.tasks[task.id as usize].fut;
                match m {
                    Method::Cancel => {
                        let msg = args.first().cloned();
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
                        FutState::Exception(e, _) => {
                            let e = e.clone();
                            self.retrieve(fut);
                            Value::Exc(e)
                        }
                        FutState::Result(_) | FutState::Freed => Value::None,
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
            (Value::Prim(p), Method::Shutdown) if matches!(self.prims[p.id as usize], Prim::Queue(_)) => {
                self.shutdown_lookup(r)?;
                let immediate = match args.as_slice() {
                    [] => false,
                    [x] => x.truthy(),
                    _ => {
                        return Err(type_error(format!(
                            "Queue.shutdown() takes from 1 to 2 positional arguments but {} were given",
                            args.len() + 1
                        )))
                    }
                };
                self.queue_shutdown(p.id, immediate)?;
                Value::None
            }
            (Value::Prim(_), Method::Shutdown) => return Err(no_method(r, m)),
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
                        let before = self.prim_op(crate::runtime::Op::Set, p.id);
                        self.event_set(p.id);
                        self.set_cause(before);
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
                        let before = self.prim_op(crate::runtime::Op::Clear, p.id);
                        self.set_cause(before);
                        Value::None
                    }
                    _ => return Err(no_method(r, m)),
                }
            }
            (Value::Set(s), _) => self.set_method(r, s, m, args)?,
            (Value::List(l), Method::Copy) => {
                if !args.is_empty() {
                    return Err(type_error(format!("list.copy() takes no arguments ({} given)", args.len())));
                }
                Value::list(l.borrow().to_vec())
            }
            (Value::Dict(d), Method::Copy) => {
                if !args.is_empty() {
                    return Err(type_error(format!("dict.copy() takes no arguments ({} given)", args.len())));
                }
                Value::Dict(std::rc::Rc::new(std::cell::RefCell::new(d.borrow().clone())))
            }
            (Value::List(_), Method::Sort) => {
                if !args.is_empty() {
                    return Err(type_error("sort() takes no positional arguments"));
                }
                self.list_sort(t, r, Value::None, false)?;
                Value::None
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
                        None => return Err(crate::value::messages::not_in_list(&x)),
                    }
                }
                Method::Count => {
                    let [x] = one(args, "count")?;
                    Value::Int(l.borrow().iter().filter(|v| ops::eq(v, &x)).count() as i64)
                }
                Method::Remove => {
                    let [x] = one(args, "remove")?;
                    let at = l.borrow().iter().position(|v| ops::eq(v, &x));
                    match at {
                        Some(i) => drop(l.borrow_mut().remove(i)),
                        None => return Err(value_error("list.remove(x): x not in list")),
                    }
                    Value::None
                }
                Method::Clear => {
                    if !args.is_empty() {
                        return Err(type_error(format!("list.clear() takes no arguments ({} given)", args.len())));
                    }
                    let items = std::mem::take(&mut l.borrow_mut().0);
                    drop(crate::value::ListItems(items));
                    Value::None
                }
                _ => return Err(no_method(r, m)),
            },
            (Value::Dict(d), Method::Clear) => {
                if !args.is_empty() {
                    return Err(type_error(format!("dict.clear() takes no arguments ({} given)", args.len())));
                }
                d.borrow_mut().clear();
                Value::None
            }
            (Value::Dict(d), _) => match m {
                Method::SetDefault => {
                    if args.is_empty() || args.len() > 2 {
                        return Err(type_error(format!("setdefault expected at least 1 argument, got {}", args.len())));
                    }
                    let found = d.borrow().iter().find(|(k, _)| ops::eq(k, &args[0])).map(|(_, v)| v.clone());
                    match found {
                        Some(v) => v,
                        None => {
                            let v = args.get(1).cloned().unwrap_or(Value::None);
                            crate::value::store::set_item(r, &args[0], v.clone())?;
                            v
                        }
                    }
                }
                Method::Update => {
                    if args.len() > 1 {
                        return Err(type_error(format!("update expected at most 1 argument, got {}", args.len())));
                    }
                    if let Some(src) = args.first() {
                        crate::value::store::update(r, src)?;
                    }
                    Value::None
                }
                Method::Get => {
                    if args.is_empty() || args.len() > 2 {
                        return Err(type_error(format!("get expected at least 1 argument, got {}", args.len())));
                    }
                    ops::check_dict_key(&args[0])?;
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
                    // An empty dict answers without hashing the key.
                    if !d.borrow().is_empty() {
                        ops::check_dict_key(&args[0])?;
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
                Method::LStrip | Method::RStrip => {
                    let left = m == Method::LStrip;
                    let name = m.name();
                    let pred: Box<dyn Fn(char) -> bool> = match args.as_slice() {
                        [] | [Value::None] => Box::new(py_space),
                        [Value::Str(chars)] => {
                            let chars = chars.clone();
                            Box::new(move |c| chars.contains(c))
                        }
                        [_] => return Err(type_error(format!("{name} arg must be None or str"))),
                        _ => return Err(type_error(format!("{name} expected at most 1 argument, got {}", args.len()))),
                    };
                    Value::str(if left { s.trim_start_matches(&pred) } else { s.trim_end_matches(&pred) })
                }
                Method::Find | Method::RFind => {
                    let name = m.name();
                    if args.is_empty() || args.len() > 3 {
                        return Err(type_error(format!(
                            "{name}() takes {} ({} given)",
                            if args.is_empty() { "at least 1 argument" } else { "at most 3 arguments" },
                            args.len()
                        )));
                    }
                    let Value::Str(p) = &args[0] else {
                        return Err(type_error(format!("must be str, not {}", args[0].type_name())));
                    };
                    let chars: Vec<char> = s.chars().collect();
                    let n = chars.len() as i64;
                    // ADJUST_INDICES: a start past the end stays there (nothing is found).
                    let bound = |v: Option<&Value>, dflt: i64, is_end: bool| -> Result<i64, Exc> {
                        Ok(match v {
                            None | Some(Value::None) => dflt,
                            Some(Value::Int(i)) => {
                                let i = *i;
                                if i < 0 {
                                    (i + n).max(0)
                                } else if is_end {
                                    i.min(n)
                                } else {
                                    i
                                }
                            }
                            Some(Value::Bool(b)) => i64::from(*b),
                            Some(Value::BigInt(b)) => {
                                if num_traits::Signed::is_negative(&**b) {
                                    0
                                } else if is_end {
                                    n
                                } else {
                                    i64::MAX
                                }
                            }
                            Some(_) => {
                                return Err(type_error(
                                    "slice indices must be integers or None or have an __index__ method",
                                ))
                            }
                        })
                    };
                    let (lo, hi) = (bound(args.get(1), 0, false)?, bound(args.get(2), n, true)?);
                    let pat: Vec<char> = p.chars().collect();
                    let k = pat.len() as i64;
                    let mut found = -1;
                    if hi.saturating_sub(lo) >= k {
                        let starts: Box<dyn Iterator<Item = i64>> =
                            if m == Method::Find { Box::new(lo..=hi - k) } else { Box::new((lo..=hi - k).rev()) };
                        for st in starts {
                            if chars[st as usize..(st + k) as usize] == pat[..] {
                                found = st;
                                break;
                            }
                        }
                    }
                    Value::Int(found)
                }
                Method::Partition | Method::RPartition => {
                    let [sep]: [Value; 1] = args.try_into().map_err(|a: Vec<Value>| {
                        type_error(format!("str.{}() takes exactly one argument ({} given)", m.name(), a.len()))
                    })?;
                    let Value::Str(sep) = sep else {
                        return Err(type_error(format!("must be str, not {}", sep.type_name())));
                    };
                    if sep.is_empty() {
                        return Err(value_error("empty separator"));
                    }
                    let at = if m == Method::Partition { s.find(&*sep) } else { s.rfind(&*sep) };
                    let parts = match (at, m) {
                        (Some(b), _) => [Value::str(&s[..b]), Value::Str(sep.clone()), Value::str(&s[b + sep.len()..])],
                        (None, Method::Partition) => [Value::Str(s.clone()), Value::str(""), Value::str("")],
                        (None, _) => [Value::str(""), Value::str(""), Value::Str(s.clone())],
                    };
                    Value::tuple(parts.to_vec())
                }
                Method::LJust | Method::RJust | Method::Center => {
                    let name = m.name();
                    if args.is_empty() || args.len() > 2 {
                        return Err(type_error(format!(
                            "{name} expected {}, got {}",
                            if args.is_empty() { "at least 1 argument" } else { "at most 2 arguments" },
                            args.len()
                        )));
                    }
                    let width = int_arg(&args[0], "")?;
                    let fill = match args.get(1) {
                        None => ' ',
                        Some(Value::Str(f)) if f.chars().count() == 1 => f.chars().next().unwrap_or(' '),
                        Some(Value::Str(_)) => {
                            return Err(type_error("The fill character must be exactly one character long"))
                        }
                        Some(other) => {
                            return Err(type_error(format!(
                                "The fill character must be a unicode character, not {}",
                                other.type_name()
                            )))
                        }
                    };
                    let len = s.chars().count() as i64;
                    if width <= len {
                        Value::Str(s.clone())
                    } else {
                        ops::within_budget(width as usize, 0)?;
                        let marg = width - len;
                        // CPython's pad(): the odd space goes left only when
                        // the width is odd too.
                        let left = match m {
                            Method::LJust => 0,
                            Method::RJust => marg,
                            _ => marg / 2 + (marg & width & 1),
                        };
                        let pad = |n: i64| std::iter::repeat_n(fill, n as usize).collect::<String>();
                        Value::str(format!("{}{s}{}", pad(left), pad(marg - left)))
                    }
                }
                Method::RSplit => {
                    if args.len() > 2 {
                        return Err(type_error(format!("rsplit() takes at most 2 arguments ({} given)", args.len())));
                    }
                    let maxsplit = match args.get(1) {
                        None => -1,
                        Some(v) => int_arg(v, "")?,
                    };
                    let mut parts: Vec<Value> = match args.first() {
                        None | Some(Value::None) => {
                            let mut out = Vec::new();
                            let mut rest = s.trim_end_matches(py_space);
                            while !rest.is_empty() {
                                if maxsplit >= 0 && out.len() as i64 == maxsplit {
                                    out.push(Value::str(rest));
                                    break;
                                }
                                let start = rest
                                    .rfind(py_space)
                                    .map_or(0, |i| i + rest[i..].chars().next().map_or(1, char::len_utf8));
                                out.push(Value::str(&rest[start..]));
                                rest = rest[..start].trim_end_matches(py_space);
                            }
                            out
                        }
                        Some(Value::Str(sep)) => {
                            if sep.is_empty() {
                                return Err(value_error("empty separator"));
                            }
                            if maxsplit < 0 {
                                s.rsplit(&**sep).map(Value::str).collect()
                            } else {
                                s.rsplitn(maxsplit as usize + 1, &**sep).map(Value::str).collect()
                            }
                        }
                        Some(other) => {
                            return Err(type_error(format!("must be str or None, not {}", other.type_name())))
                        }
                    };
                    parts.reverse();
                    Value::list(parts)
                }
                Method::SplitLines => {
                    if args.len() > 1 {
                        return Err(type_error(format!(
                            "splitlines() takes at most 1 argument ({} given)",
                            args.len()
                        )));
                    }
                    let keep = match args.first() {
                        None => false,
                        Some(v) => int_arg(v, "")? != 0,
                    };
                    let is_break = |c: char| {
                        matches!(
                            c,
                            '\n' | '\r'
                                | '\x0b'
                                | '\x0c'
                                | '\x1c'
                                | '\x1d'
                                | '\x1e'
                                | '\u{85}'
                                | '\u{2028}'
                                | '\u{2029}'
                        )
                    };
                    let mut out = Vec::new();
                    let mut start = 0;
                    let mut it = s.char_indices().peekable();
                    while let Some((i, c)) = it.next() {
                        if !is_break(c) {
                            continue;
                        }
                        let mut end = i + c.len_utf8();
                        if c == '\r' {
                            if let Some(&(_, '\n')) = it.peek() {
                                it.next();
                                end += 1;
                            }
                        }
                        out.push(Value::str(&s[start..if keep { end } else { i }]));
                        start = end;
                    }
                    if start < s.len() {
                        out.push(Value::str(&s[start..]));
                    }
                    Value::list(out)
                }
                Method::ZFill => {
                    let [w]: [Value; 1] = args.try_into().map_err(|a: Vec<Value>| {
                        type_error(format!("str.zfill() takes exactly one argument ({} given)", a.len()))
                    })?;
                    let w = int_arg(&w, "")?;
                    let len = s.chars().count() as i64;
                    if w <= len {
                        Value::Str(s.clone())
                    } else {
                        ops::within_budget(w as usize, 0)?;
                        let fill = "0".repeat((w - len) as usize);
                        match s.chars().next() {
                            Some(c @ ('+' | '-')) => Value::str(format!("{c}{fill}{}", &s[1..])),
                            _ => Value::str(format!("{fill}{s}")),
                        }
                    }
                }
                Method::Strip => match args.as_slice() {
                    [] | [Value::None] => Value::str(s.trim_matches(py_space)),
                    [Value::Str(chars)] => Value::str(s.trim_matches(|c| chars.contains(c))),
                    [_] => return Err(type_error("strip arg must be None or str")),
                    _ => return Err(type_error(format!("strip expected at most 1 argument, got {}", args.len()))),
                },
                Method::Split => {
                    if args.len() > 2 {
                        return Err(type_error(format!("split() takes at most 2 arguments ({} given)", args.len())));
                    }
                    let maxsplit = match args.get(1) {
                        None => -1,
                        Some(v) => int_arg(v, "")?,
                    };
                    match args.first() {
                        None | Some(Value::None) => Value::list(split_whitespace(s, maxsplit)),
                        Some(Value::Str(sep)) => {
                            if sep.is_empty() {
                                return Err(value_error("empty separator"));
                            }
                            let parts: Vec<Value> = if maxsplit < 0 {
                                s.split(&**sep).map(Value::str).collect()
                            } else {
                                s.splitn(maxsplit as usize + 1, &**sep).map(Value::str).collect()
                            };
                            Value::list(parts)
                        }
                        Some(other) => {
                            return Err(type_error(format!("must be str or None, not {}", other.type_name())))
                        }
                    }
                }
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
                    [Value::Str(a), Value::Str(b), n] => {
                        let n = int_arg(n, "")?;
                        Value::str(if n < 0 { s.replace(&**a, b) } else { s.replacen(&**a, b, n as usize) })
                    }
                    _ => return Err(type_error("replace expected 2 str arguments")),
                },
                Method::StartsWith | Method::EndsWith => {
                    let test = |p: &str| if m == Method::StartsWith { s.starts_with(p) } else { s.ends_with(p) };
                    match args.as_slice() {
                        [Value::Str(p)] => Value::Bool(test(p)),
                        // `s.startswith(("a", "b"))`: any of them.
                        [Value::Tuple(ps)] => {
                            let mut any = false;
                            for p in ps.iter() {
                                match p {
                                    Value::Str(p) => any |= test(p),
                                    other => {
                                        return Err(type_error(format!(
                                            "tuple for {}() must only contain str, not {}",
                                            m.name(),
                                            other.type_name()
                                        )))
                                    }
                                }
                            }
                            Value::Bool(any)
                        }
                        _ => return Err(type_error(format!("{}() takes one str argument", m.name()))),
                    }
                }
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

impl Vm<'_> {
    /// `s.format(*args, **kwargs)`. As in Python, the receiver is checked
    /// (`'int' object has no attribute 'format'`) before the arguments are
    /// evaluated.
    /// A method call with keyword arguments: `list.sort(key=, reverse=)`,
    /// `str.split(sep=, maxsplit=)`.
    pub(super) fn method_kw(&mut self, t: Task_, m: Method, call: &crate::compile::KwCall) -> Result<Value, Exc> {
        let r = self.ev(t, &call.recv)?;
        if m == Method::Shutdown {
            self.shutdown_lookup(&r)?;
        }
        let mut args = self.items(t, &call.args)?;
        let mut kwargs = Vec::with_capacity(call.kwargs.len());
        for (k, v) in call.kwargs.iter() {
            kwargs.push((&**k, self.ev(t, v)?));
        }
        match (&r, m) {
            (Value::List(_), Method::Sort) => {
                if !args.is_empty() {
                    return Err(type_error("sort() takes no positional arguments"));
                }
                let (mut key, mut reverse) = (Value::None, false);
                for (k, v) in kwargs {
                    match k {
                        "key" => key = v,
                        "reverse" => reverse = int_arg(&v, "")? != 0,
                        other => {
                            return Err(type_error(format!("'{other}' is an invalid keyword argument for sort()")))
                        }
                    }
                }
                self.list_sort(t, &r, key, reverse)?;
                Ok(Value::None)
            }
            (Value::Str(_), Method::SplitLines) => {
                let mut args = args;
                for (k, v) in kwargs {
                    if k != "keepends" {
                        return Err(type_error(format!("'{k}' is an invalid keyword argument for splitlines()")));
                    }
                    if !args.is_empty() {
                        return Err(type_error(
                            "argument for splitlines() given by name ('keepends') and position (1)",
                        ));
                    }
                    args.push(v);
                }
                self.method(t, &r, m, args)
            }
            (Value::Str(_), Method::Split | Method::RSplit) => {
                let mname = m.name();
                const NAMES: [&str; 2] = ["sep", "maxsplit"];
                let given = args.len();
                args.resize(2, Value::Unbound);
                for (k, v) in kwargs {
                    let Some(i) = NAMES.iter().position(|n| *n == k) else {
                        return Err(type_error(format!("'{k}' is an invalid keyword argument for {mname}()")));
                    };
                    if i < given {
                        return Err(type_error(format!(
                            "argument for {mname}() given by name ('{k}') and position ({})",
                            i + 1
                        )));
                    }
                    args[i] = v;
                }
                if matches!(args[0], Value::Unbound) {
                    args[0] = Value::None;
                }
                if matches!(args[1], Value::Unbound) {
                    args[1] = Value::Int(-1);
                }
                self.method(t, &r, m, args)
            }
            (Value::Prim(p), Method::Shutdown) if matches!(self.prims[p.id as usize], Prim::Queue(_)) => {
                let mut args = args;
                for (k, v) in kwargs {
                    if k != "immediate" {
                        return Err(type_error(format!("Queue.shutdown() got an unexpected keyword argument '{k}'")));
                    }
                    if !args.is_empty() {
                        return Err(type_error("Queue.shutdown() got multiple values for argument 'immediate'"));
                    }
                    args.push(v);
                }
                self.method(t, &r, m, args)
            }
            // Each of these methods belongs to one type: on another, the
            // lookup fails before the arguments matter.
            _ => Err(no_method(&r, m)),
        }
    }

    /// Looking `shutdown` up on a queue: CPython 3.13 added the method
    /// (gh-96471); on an earlier release the lookup raises AttributeError,
    /// before the call's arguments are evaluated.
    pub(super) fn shutdown_lookup(&mut self, r: &Value) -> Result<(), Exc> {
        let queue = matches!(r, Value::Prim(p) if matches!(self.prims[p.id as usize], Prim::Queue(_)));
        if queue && !self.has(crate::version::Change::QueueShutdown) {
            return Err(no_method(r, Method::Shutdown));
        }
        Ok(())
    }

    /// `xs.sort(key=key, reverse=reverse)`: `sorted`'s order, stored in the
    /// list itself.
    fn list_sort(&mut self, t: Task_, list: &Value, key: Value, reverse: bool) -> Result<(), Exc> {
        let Value::List(l) = list else { return Err(no_method(list, Method::Sort)) };
        let kw: Vec<(&str, Value)> = vec![("key", key), ("reverse", Value::Bool(reverse))];
        let sorted = self.keyed(t, crate::compile::Builtin::Sorted, vec![list.clone()], &kw)?;
        if let Value::List(s) = sorted {
            let items = std::mem::take(&mut s.borrow_mut().0);
            let old = std::mem::replace(&mut l.borrow_mut().0, items);
            drop(old);
        }
        Ok(())
    }

    pub(super) fn str_format(&mut self, t: Task_, call: &crate::compile::KwCall) -> Result<Value, Exc> {
        let r = self.ev(t, &call.recv)?;
        let Value::Str(fmt) = &r else {
            return Err(no_method(&r, Method::Format));
        };
        let args = self.items(t, &call.args)?;
        let mut kwargs = Vec::with_capacity(call.kwargs.len());
        for (k, v) in call.kwargs.iter() {
            kwargs.push((&**k, self.ev(t, v)?));
        }
        // `{x.name}` reaches the attributes asim's values have.
        let mut attr = |v: &Value, name: &str| match Attr::by_name(name) {
            Some(a) => self.attr(v, a),
            None => Err(no_attribute(v, name)),
        };
        crate::value::pyfmt::str_format(fmt, &args, &kwargs, &mut attr).map(Value::str)
    }
}

fn no_method(r: &Value, m: Method) -> Exc {
    ExcObj::msg(ExcClass::AttributeError, format!("'{}' object has no attribute '{}'", r.type_name(), m.name()))
}

/// `str.isspace()` for one character: Unicode whitespace, and the four
/// separators U+001C-U+001F that Python counts too.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `s.split(None, maxsplit)`: runs of whitespace separate; at most
/// `maxsplit` splits (all when negative), the rest kept as it is.
fn split_whitespace(s: &str, maxsplit: i64) -> Vec<Value> {
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches(py_space);
    while !rest.is_empty() {
        if maxsplit >= 0 && out.len() as i64 == maxsplit {
            out.push(Value::str(rest));
            break;
        }
        let end = rest.find(py_space).unwrap_or(rest.len());
        out.push(Value::str(&rest[..end]));
        rest = rest[end..].trim_start_matches(py_space);
    }
    out
}

impl Vm<'_> {
    /// The methods of a set, with CPython's messages.
    fn set_method(
        &mut self,
        r: &Value,
        s: &std::rc::Rc<std::cell::RefCell<crate::value::set::SetItems>>,
        m: Method,
        args: Vec<Value>,
    ) -> Result<Value, Exc> {
        use crate::value::set;
        let name = m.name();
        let none = |args: &[Value]| -> Result<(), Exc> {
            if args.is_empty() {
                Ok(())
            } else {
                Err(type_error(format!("set.{name}() takes no arguments ({} given)", args.len())))
            }
        };
        let one = |args: &[Value]| -> Result<Value, Exc> {
            match args {
                [x] => Ok(x.clone()),
                _ => Err(type_error(format!("set.{name}() takes exactly one argument ({} given)", args.len()))),
            }
        };
        let shared = |items: set::SetItems| Value::Set(std::rc::Rc::new(std::cell::RefCell::new(items)));
        // What an in-place operation computes from a snapshot, then stores.
        let replace = |new: Value| {
            if let Value::Set(n) = new {
                let items = n.borrow().clone();
                let old = std::mem::replace(&mut *s.borrow_mut(), items);
                drop(old);
            }
        };
        Ok(match m {
            Method::Add => {
                let x = one(&args)?;
                s.borrow_mut().add(x)?;
                Value::None
            }
            Method::Discard => {
                let x = one(&args)?;
                s.borrow_mut().discard(&x)?;
                Value::None
            }
            Method::Remove => {
                let x = one(&args)?;
                if !s.borrow_mut().discard(&x)? {
                    return Err(ExcObj::new(ExcClass::KeyError, vec![x]));
                }
                Value::None
            }
            Method::Pop => {
                none(&args)?;
                let popped = s.borrow_mut().pop();
                match popped {
                    Some(v) => v,
                    None => return Err(ExcObj::new(ExcClass::KeyError, vec![Value::str("pop from an empty set")])),
                }
            }
            Method::Clear => {
                none(&args)?;
                let old = s.borrow_mut().clear();
                drop(old);
                Value::None
            }
            Method::Copy => {
                none(&args)?;
                shared(s.borrow().copy())
            }
            Method::Update => {
                for a in &args {
                    let mut copy = s.borrow().clone();
                    set::update(&mut copy, a)?;
                    *s.borrow_mut() = copy;
                }
                Value::None
            }
            Method::Union => set::union(&s.borrow().clone(), &args)?,
            Method::Intersection => set::intersection(&s.borrow().clone(), &args)?,
            Method::Difference => set::difference(&s.borrow().clone(), &args)?,
            Method::SymmetricDifference => set::symmetric_difference(&s.borrow().clone(), &one(&args)?)?,
            Method::IntersectionUpdate => {
                let v = set::intersection(&s.borrow().clone(), &args)?;
                replace(v);
                Value::None
            }
            Method::DifferenceUpdate => {
                // In place: the table keeps its size and its dummies.
                for a in &args {
                    let items = match a {
                        Value::Set(o) => o.borrow().iter().cloned().collect(),
                        _ => ops::iter_items(a)
                            .map_err(|_| type_error(format!("'{}' object is not iterable", a.type_name())))?,
                    };
                    for v in items {
                        s.borrow_mut().discard(&v)?;
                    }
                }
                Value::None
            }
            Method::SymmetricDifferenceUpdate => {
                let other = one(&args)?;
                let items: Vec<Value> = match &other {
                    Value::Set(o) => o.borrow().iter().cloned().collect(),
                    _ => set::from_value(&other)
                        .map_err(|_| type_error(format!("'{}' object is not iterable", other.type_name())))?
                        .iter()
                        .cloned()
                        .collect(),
                };
                for v in items {
                    let found = s.borrow_mut().discard(&v)?;
                    if !found {
                        s.borrow_mut().add(v)?;
                    }
                }
                Value::None
            }
            Method::IsSubset | Method::IsSuperset | Method::IsDisjoint => {
                let x = one(&args)?;
                Value::Bool(set::relation(&s.borrow(), name, &x)?)
            }
            _ => return Err(no_method(r, m)),
        })
    }
}

//! Lock, Semaphore, BoundedSemaphore and Event, as `locks.py` in 3.11.7
//! has them.
//!
//! Waiters are plain futures in a FIFO; "waking" one is `set_result` on its
//! future, so it resumes in the next iteration. A waiter removes its own
//! future when it resumes. This gives CPython's handoff rules: a released
//! lock is not taken by a newcomer while the woken waiter has yet to run,
//! and semaphore units are handed to waiters directly.

use super::exec::Flow;
use super::*;
use crate::runtime::event::Op;
use crate::value::{ops, PrimKind};

/// Builds a primitive from its constructor argument.
/// An int constructor argument; otherwise the TypeError of the comparison
/// CPython's constructor makes first (`value < 0`, `maxsize <= 0`).
fn int_arg(arg: &Value, op: &str) -> Result<i64, Exc> {
    match arg {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::BigInt(_) => Err(ops::int_overflow()),
        other => {
            Err(ops::type_error(format!("'{op}' not supported between instances of '{}' and 'int'", other.type_name())))
        }
    }
}

pub(super) fn construct(kind: PrimKind, arg: &Value) -> Result<Prim, Exc> {
    Ok(match kind {
        PrimKind::Lock => Prim::Lock { locked: false, waiters: VecDeque::new(), holder: None },
        PrimKind::Event => Prim::Event { flag: false, waiters: VecDeque::new() },
        PrimKind::Condition | PrimKind::Barrier => unreachable!("built by Vm::initialise"),
        PrimKind::Queue | PrimKind::LifoQueue | PrimKind::PriorityQueue => {
            let maxsize = int_arg(arg, "<=")?;
            let kind = match kind {
                PrimKind::Queue => super::QueueKind::Fifo,
                PrimKind::LifoQueue => super::QueueKind::Lifo,
                _ => super::QueueKind::Priority,
            };
            Prim::Queue(super::QueueState {
                kind,
                maxsize,
                items: VecDeque::new(),
                getters: VecDeque::new(),
                putters: VecDeque::new(),
                unfinished: 0,
                finished: u32::MAX,
                shutdown: false,
            })
        }
        PrimKind::Semaphore | PrimKind::BoundedSemaphore => {
            let value = int_arg(arg, "<")?;
            if value < 0 {
                return Err(ops::value_error("Semaphore initial value must be >= 0"));
            }
            let bound = (kind == PrimKind::BoundedSemaphore).then_some(value);
            Prim::Sem { value, bound, waiters: VecDeque::new(), holders: Default::default() }
        }
    })
}

fn no_attr(v: &Value, attr: &str) -> Exc {
    ExcObj::msg(ExcClass::AttributeError, format!("'{}' object has no attribute '{attr}'", v.type_name()))
}

impl Vm<'_> {
    /// `asyncio.Lock()` and the others, made while the program runs: a new
    /// primitive (with the Condition's own Lock, the Barrier's Condition,
    /// the Queue's `join()` Event it needs), named after its class and the
    /// order it was made in (`Lock-1`), as views show it.
    pub(crate) fn new_prim(&mut self, kind: PrimKind, arg: &Value) -> Result<Value, Exc> {
        let id = self.prims.len() as u32;
        self.made_prims += 1;
        let name: Rc<str> = format!("{}-{}", kind.class_name(), self.made_prims).into();
        let aux = |vm: &mut Self, p: Prim, name: String| {
            let i = vm.prims.len() as u32;
            vm.prims.push(p);
            vm.prim_names.push(name.into());
            i
        };
        match kind {
            PrimKind::Condition => {
                let lock = match arg {
                    Value::Prim(l) if l.kind == PrimKind::Lock => Some(l.id),
                    Value::None => None,
                    other => {
                        return Err(ops::type_error(format!(
                            "asim's Condition() takes a Lock, not {}",
                            other.type_name()
                        )))
                    }
                };
                self.prims.push(Prim::Cond { lock: lock.unwrap_or(u32::MAX), waiters: VecDeque::new() });
                self.prim_names.push(name.clone());
                if lock.is_none() {
                    let l = Prim::Lock { locked: false, waiters: VecDeque::new(), holder: None };
                    let l = aux(self, l, format!("{name}'s lock"));
                    self.prim_alias.insert(l, Some(id));
                    if let Prim::Cond { lock, .. } = &mut self.prims[id as usize] {
                        *lock = l;
                    }
                }
            }
            PrimKind::Barrier => {
                let parties = match arg {
                    Value::Int(n) => *n,
                    other => {
                        return Err(ops::type_error(format!(
                            "'<' not supported between instances of '{}' and 'int'",
                            other.type_name()
                        )))
                    }
                };
                if parties < 1 {
                    return Err(crate::value::messages::barrier_parties());
                }
                let state = crate::compile::barrier_state::FILLING;
                self.prims.push(Prim::Barrier { parties, state, count: 0, cond: u32::MAX });
                self.prim_names.push(name.clone());
                let c = aux(self, Prim::Cond { lock: u32::MAX, waiters: VecDeque::new() }, name.to_string());
                let l = Prim::Lock { locked: false, waiters: VecDeque::new(), holder: None };
                let l = aux(self, l, format!("{name}'s lock"));
                self.prim_alias.insert(l, Some(c));
                if let Prim::Cond { lock, .. } = &mut self.prims[c as usize] {
                    *lock = l;
                }
                if let Prim::Barrier { cond, .. } = &mut self.prims[id as usize] {
                    *cond = c;
                }
            }
            _ => {
                self.prims.push(construct(kind, arg)?);
                self.prim_names.push(name.clone());
                if let Prim::Queue(_) = &self.prims[id as usize] {
                    let fin = aux(self, Prim::Event { flag: true, waiters: VecDeque::new() }, format!("{name}.join()"));
                    if let Prim::Queue(q) = &mut self.prims[id as usize] {
                        q.finished = fin;
                    }
                }
            }
        }
        Ok(Value::Prim(Rc::new(crate::value::PrimRef { id, kind, name })))
    }

    fn waiters(&mut self, prim: u32) -> &mut VecDeque<FutId> {
        match &mut self.prims[prim as usize] {
            Prim::Lock { waiters, .. } | Prim::Sem { waiters, .. } | Prim::Event { waiters, .. } => waiters,
            Prim::Queue(q) => &mut q.getters,
            Prim::Cond { waiters, .. } => waiters,
            Prim::Barrier { .. } => unreachable!("a barrier has no waiters of its own"),
        }
    }

    /// `self._waiters.remove(fut)`.
    pub(super) fn remove_waiter(&mut self, prim: u32, fut: FutId) {
        let w = self.waiters(prim);
        if let Some(i) = w.iter().position(|&f| f == fut) {
            w.remove(i);
        }
    }

    pub(super) fn lock_locked(&self, prim: u32) -> bool {
        matches!(self.prims[prim as usize], Prim::Lock { locked: true, .. })
    }

    pub(super) fn lock_take(&mut self, prim: u32, t: TaskId) {
        if let Prim::Lock { locked, holder, .. } = &mut self.prims[prim as usize] {
            *locked = true;
            *holder = Some(t);
        }
    }

    /// `Lock._wake_up_first`: only the first waiter is looked at.
    pub(super) fn lock_wake_first(&mut self, prim: u32) {
        let Some(&first) = self.waiters(prim).front() else {
            return;
        };
        if !self.futs[first as usize].done() {
            self.set_result(first, Value::Bool(true));
        }
    }

    pub(super) fn sem_value(&self, prim: u32) -> i64 {
        match &self.prims[prim as usize] {
            Prim::Sem { value, .. } => *value,
            _ => 0,
        }
    }

    pub(super) fn sem_add(&mut self, prim: u32, n: i64) {
        if let Prim::Sem { value, .. } = &mut self.prims[prim as usize] {
            *value += n;
        }
    }

    pub(super) fn sem_holder(&mut self, prim: u32, t: TaskId) {
        if let Prim::Sem { holders, .. } = &mut self.prims[prim as usize] {
            *holders.entry(t).or_insert(0) += 1;
        }
    }

    /// `Semaphore.locked()`: no units, or a waiter that is not cancelled
    /// (including one woken but not yet resumed).
    pub(crate) fn sem_locked(&self, prim: u32) -> bool {
        match &self.prims[prim as usize] {
            Prim::Sem { value, waiters, .. } => {
                *value == 0 || waiters.iter().any(|&f| !self.futs[f as usize].cancelled())
            }
            _ => false,
        }
    }

    /// `Semaphore._wake_up_next`: the first waiter not done gets a unit;
    /// whether there was one.
    pub(super) fn sem_wake_next(&mut self, prim: u32) -> bool {
        let Prim::Sem { waiters, .. } = &self.prims[prim as usize] else {
            return false;
        };
        let Some(&fut) = waiters.iter().find(|&&f| !self.futs[f as usize].done()) else {
            return false;
        };
        self.sem_add(prim, -1);
        self.set_result(fut, Value::Bool(true));
        true
    }

    /// What a waiter of `Semaphore.acquire()` does once it resumes (woken
    /// or cancelled), after giving back a unit it was woken with but will
    /// not use: up to 3.12 it wakes the next waiter if a unit is free; from
    /// 3.13 (gh-90155) it wakes as many as there are free units, so waiters
    /// that queued behind it start in the same iteration, not in a chain.
    pub(super) fn sem_pass_on(&mut self, prim: u32) {
        if self.sem_value(prim) <= 0 {
            return;
        }
        if self.has(crate::version::Change::SemaphoreWakesAll) {
            while self.sem_value(prim) > 0 && self.sem_wake_next(prim) {}
        } else {
            self.sem_wake_next(prim);
        }
    }

    /// `await prim.acquire()` (also the start of `async with prim`).
    pub(super) fn acquire(&mut self, t: TaskId, v: &Value, bind: Option<Target>) -> Result<Flow, Exc> {
        let Value::Prim(p) = v else {
            return Err(no_attr(v, "acquire"));
        };
        let id = self.lock_target(p.id);
        match &self.prims[id as usize] {
            Prim::Lock { locked, waiters, .. } => {
                let free = !*locked && waiters.iter().all(|&f| self.futs[f as usize].cancelled());
                if free {
                    self.lock_take(id, t);
                    self.note_acquire(t, id);
                    return Ok(self.bind_pub(t, &bind, Value::Bool(true)));
                }
                let fut = self.new_fut(FutKind::Plain);
                self.waiters(id).push_back(fut);
                let holder = match &self.prims[id as usize] {
                    Prim::Lock { holder, .. } => *holder,
                    _ => None,
                };
                self.record(t, EventKind::Wait(WaitOn::Lock(&p.name, holder)));
                self.tasks[t as usize].resume = Resume::Lock { prim: id, fut, bind };
                Ok(Flow::Suspend(fut))
            }
            Prim::Sem { .. } => {
                if !self.sem_locked(id) {
                    self.sem_add(id, -1);
                    self.sem_holder(id, t);
                    self.note_acquire(t, id);
                    return Ok(self.bind_pub(t, &bind, Value::Bool(true)));
                }
                let fut = self.new_fut(FutKind::Plain);
                self.waiters(id).push_back(fut);
                self.record(t, EventKind::Wait(WaitOn::Semaphore(&p.name)));
                self.tasks[t as usize].resume = Resume::Sem { prim: id, fut, bind };
                Ok(Flow::Suspend(fut))
            }
            Prim::Event { .. } | Prim::Queue(_) | Prim::Cond { .. } | Prim::Barrier { .. } => {
                Err(no_attr(v, "acquire"))
            }
        }
    }

    /// `await event.wait()`.
    pub(super) fn event_wait(&mut self, t: TaskId, v: &Value, bind: Option<Target>) -> Result<Flow, Exc> {
        let Value::Prim(p) = v else {
            return Err(no_attr(v, "wait"));
        };
        let id = p.id;
        if let Prim::Cond { .. } = &self.prims[id as usize] {
            return self.cond_wait(t, id, &p.name, bind);
        }
        if let (Prim::Barrier { .. }, Some(ids)) = (&self.prims[id as usize], self.prog.barrier_coros) {
            // Barrier.wait() runs inline, as the coroutine it is.
            let coro = Value::Coro(Rc::new(crate::value::CoroObj {
                coro: ids[0],
                name: "Barrier.wait".into(),
                args: vec![v.clone()],
                used: std::cell::Cell::new(false),
            }));
            return self.await_value(t, coro, bind);
        }
        match &self.prims[id as usize] {
            Prim::Event { flag: true, .. } => Ok(self.bind_pub(t, &bind, Value::Bool(true))),
            Prim::Event { .. } => {
                let fut = self.new_fut(FutKind::Plain);
                self.waiters(id).push_back(fut);
                self.record(t, EventKind::Wait(WaitOn::Event(&p.name)));
                self.tasks[t as usize].resume = Resume::Event { prim: id, fut, bind };
                Ok(Flow::Suspend(fut))
            }
            _ => Err(no_attr(v, "wait")),
        }
    }

    /// `prim.release()` (also the end of `async with prim`).
    pub(crate) fn release(&mut self, t: TaskId, v: &Value) -> Result<(), Exc> {
        let Value::Prim(p) = v else {
            return Err(no_attr(v, "release"));
        };
        let id = self.lock_target(p.id);
        match &mut self.prims[id as usize] {
            Prim::Lock { .. } => self.release_lock(id),
            Prim::Sem { value, bound, holders, .. } => {
                if let Some(b) = bound {
                    if *value >= *b {
                        return Err(ops::value_error("BoundedSemaphore released too many times"));
                    }
                }
                // A semaphore has no owner: any task may release. The report
                // credits the releasing task if it holds a unit, else the oldest holder.
                // One lookup when the releasing task holds a unit (the `with` case).
                match holders.get_mut(&t) {
                    Some(n) if *n > 1 => *n -= 1,
                    Some(_) => {
                        holders.remove(&t);
                    }
                    None => {
                        if let Some(mut oldest) = holders.first_entry() {
                            *oldest.get_mut() -= 1;
                            if *oldest.get() == 0 {
                                oldest.remove();
                            }
                        }
                    }
                }
                *value += 1;
                let before = self.prim_op(Op::Release, id);
                self.sem_wake_next(id);
                self.set_cause(before);
                Ok(())
            }
            Prim::Event { .. } | Prim::Queue(_) | Prim::Cond { .. } | Prim::Barrier { .. } => {
                Err(no_attr(v, "release"))
            }
        }
    }

    /// `Lock.release()`.
    pub(crate) fn release_lock(&mut self, id: u32) -> Result<(), Exc> {
        let Prim::Lock { locked, holder, .. } = &mut self.prims[id as usize] else { unreachable!("a lock") };
        if !*locked {
            return Err(ExcObj::msg(ExcClass::RuntimeError, "Lock is not acquired."));
        }
        *locked = false;
        *holder = None;
        let before = self.prim_op(Op::Release, id);
        self.lock_wake_first(id);
        self.set_cause(before);
        Ok(())
    }

    /// `event.set()`: wake every waiter, in order.
    pub(crate) fn event_set(&mut self, id: u32) {
        let Prim::Event { flag, waiters } = &mut self.prims[id as usize] else {
            return;
        };
        if *flag {
            return;
        }
        *flag = true;
        let ws: Vec<FutId> = waiters.iter().copied().collect();
        for f in ws {
            if !self.futs[f as usize].done() {
                self.set_result(f, Value::Bool(true));
            }
        }
    }

    fn bind_pub(&mut self, t: TaskId, bind: &Option<Target>, v: Value) -> Flow {
        match bind {
            Some(b) => match self.assign(t, b, v) {
                Ok(()) => Flow::Continue,
                Err(e) => self.raise(t, e),
            },
            None => Flow::Continue,
        }
    }
}

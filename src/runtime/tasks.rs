//! Tasks: creation (`Task-N` names), the per-task state `Task.__step`
//! works on, cancellation requests, and the bookkeeping behind "Task
//! exception was never retrieved". Their frames are in `frames.rs`.

use super::*;

/// `Task._fut_waiter`: what a suspended task waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waiter {
    Fut(FutId),
    /// The private future of `asyncio.sleep` ([`Resume::Sleep`]).
    Sleep,
}

/// What a suspended task does when it resumes (the rest of the `await`).
#[derive(Debug, Clone)]
pub(crate) enum Resume {
    /// Never run yet.
    Start,
    /// Never run yet, made from a coroutine object already awaited: its
    /// first step fails (`coro.send(None)` raises RuntimeError).
    StartReused,
    /// `sleep(0)`.
    Yield,
    /// In `asyncio.sleep(d)`. Its future is private to the task (only the
    /// task awaits it, with one done callback, `Task.__wakeup`), so it is
    /// not made: `done` is the future's state (a result or cancelled), and
    /// completing it schedules the wake-up the callback would.
    Sleep {
        timer: TimerRef,
        done: bool,
    },
    Lock {
        prim: u32,
        fut: FutId,
        bind: Option<Target>,
    },
    Sem {
        prim: u32,
        fut: FutId,
        bind: Option<Target>,
    },
    Event {
        prim: u32,
        fut: FutId,
        bind: Option<Target>,
    },
    /// Awaiting a task or a gather.
    Await {
        fut: FutId,
        bind: Option<Target>,
    },
    /// Inside `TaskGroup.__aexit__`, waiting for `_on_completed_fut`.
    TgWait {
        tg: u32,
    },
    /// Inside `Queue.get()` / `put()`, waiting on a getter / putter future.
    Queue(Box<queue::QueueWait>),
    /// In `as_completed`'s `done.get()`.
    AsCompleted {
        ac: u32,
        fut: FutId,
        target: Target,
    },
    /// Inside `asyncio.wait`, awaiting its waiter.
    Wait {
        w: u32,
        bind: Option<Target>,
    },
    /// Inside `Condition.wait()`.
    Cond(Box<condition::CondWait>),
    /// `wait_for`: awaiting its waiter (the inner finished or the timer fired).
    /// (Boxed, as the rarer waits are, so that a task stays small.)
    WaitFor(Box<WaitFor>),
    /// `wait_for`'s `_cancel_and_wait(fut)`; then re-raise, or return the
    /// result / TimeoutError.
    WaitForCancel(Box<WaitForCancel>),
    Finished,
}

/// See [`Resume::WaitFor`].
#[derive(Debug, Clone)]
pub(crate) struct WaitFor {
    pub(crate) fut: FutId,
    pub(crate) waiter: FutId,
    pub(crate) handle: TimerRef,
    pub(crate) bind: Option<Target>,
}

/// See [`Resume::WaitForCancel`].
#[derive(Debug, Clone)]
pub(crate) struct WaitForCancel {
    pub(crate) fut: FutId,
    pub(crate) waiter: FutId,
    pub(crate) handle: Option<TimerRef>,
    pub(crate) reraise: Option<Exc>,
    pub(crate) bind: Option<Target>,
}

#[derive(Debug)]
pub(crate) struct Task {
    /// Its `Task-N` number (named tasks take one too in 3.11).
    pub(crate) num: u32,
    pub(crate) coro: CoroId,
    pub(crate) fut: FutId,
    pub(crate) frames: Frames,
    pub(crate) resume: Resume,
    /// `Task._fut_waiter`, packed: see [`Task::fut_waiter`].
    waiter: u32,
    pub(crate) num_cancels: u32,
    /// gather / wait / as_completed holding it until they retrieve or return it.
    pub(crate) holds: u32,
    /// What few tasks need: one pointer until then.
    pub(crate) rare: Rare,
    pub(crate) must_cancel: bool,
    /// One of the two tasks `asyncio.run` creates at shutdown: returns at once.
    pub(crate) noop: bool,
    /// Finished with an exception nobody has retrieved yet (and not reported).
    pub(crate) unretrieved: bool,
    /// `asyncio.run` holds it to the end (the main task).
    pub(crate) referenced: bool,
    /// Its future is done (kept here so the hot path need not read the future).
    pub(crate) done: bool,
}

/// The parts of a task that most tasks never have.
#[derive(Debug, Default)]
pub(crate) struct TaskRare {
    /// `create_task(..., name=...)`.
    pub(crate) name: Option<Rc<str>>,
    /// The arguments as passed, for the call a view prints; empty when the
    /// coroutine never rebinds a parameter (its first frame holds them).
    pub(crate) args: Box<[Value]>,
    pub(crate) cancel_msg: Option<Value>,
    /// The handle values referring to the task share (see [`TaskRef`]).
    pub(crate) token: std::rc::Weak<TaskRef>,
    /// `sys.exc_info()`'s stack: the exceptions being handled, innermost last.
    pub(crate) exc_info: Vec<Exc>,
}

/// A task's [`TaskRare`], made on first use.
#[derive(Debug, Default)]
pub(crate) struct Rare(Option<Box<TaskRare>>);

impl Rare {
    pub(crate) fn get_mut(&mut self) -> &mut TaskRare {
        self.0.get_or_insert_with(Box::default)
    }

    /// The exceptions being handled, innermost last.
    pub(crate) fn exc_info(&self) -> &[Exc] {
        self.0.as_ref().map_or(&[], |r| &r.exc_info)
    }

    pub(crate) fn exc_push(&mut self, e: Exc) {
        self.get_mut().exc_info.push(e);
    }

    pub(crate) fn exc_pop(&mut self) -> Option<Exc> {
        self.0.as_mut()?.exc_info.pop()
    }

    pub(crate) fn exc_truncate(&mut self, n: usize) {
        if let Some(r) = &mut self.0 {
            r.exc_info.truncate(n);
        }
    }
}

/// [`Task::fut_waiter`]'s packing: no waiter, and the sleep's future.
const NO_WAITER: u32 = u32::MAX;
const SLEEP_WAITER: u32 = u32::MAX - 1;

impl Task {
    /// Its name, as a value holds it.
    pub(crate) fn name(&self) -> TaskName {
        match self.rare.0.as_ref().and_then(|r| r.name.clone()) {
            Some(n) => TaskName::Given(n),
            None => TaskName::Auto(self.num),
        }
    }

    /// The name it was given, if any.
    pub(crate) fn given_name(&self) -> Option<&str> {
        self.rare.0.as_ref()?.name.as_deref()
    }

    /// The arguments it keeps (see [`TaskRare::args`]).
    pub(crate) fn args(&self) -> &[Value] {
        self.rare.0.as_ref().map_or(&[], |r| &r.args)
    }

    pub(crate) fn cancel_msg(&self) -> Option<&Value> {
        self.rare.0.as_ref()?.cancel_msg.as_ref()
    }

    pub(crate) fn rare_mut(&mut self) -> &mut TaskRare {
        self.rare.get_mut()
    }

    /// `Task._fut_waiter`.
    pub(crate) fn fut_waiter(&self) -> Option<Waiter> {
        match self.waiter {
            NO_WAITER => None,
            SLEEP_WAITER => Some(Waiter::Sleep),
            f => Some(Waiter::Fut(f)),
        }
    }

    pub(crate) fn set_fut_waiter(&mut self, w: Option<Waiter>) {
        self.waiter = match w {
            None => NO_WAITER,
            Some(Waiter::Sleep) => SLEEP_WAITER,
            Some(Waiter::Fut(f)) => {
                debug_assert!(f < SLEEP_WAITER);
                f
            }
        };
    }
}

impl Vm<'_> {
    /// `loop.create_task(coro)`: a new task whose first step is queued.
    pub(crate) fn create_task(&mut self, coro: CoroId, args: Vec<Value>, noop: bool) -> Result<TaskId, Exc> {
        self.create_named_task(coro, args, noop, None, true)
    }

    /// A task named `name`: `numbered` when it takes a `Task-N` number all
    /// the same, as `asyncio.create_task(coro, name=...)` and
    /// `tg.create_task` do in 3.11 (they name the task after making it);
    /// `loop.create_task(coro, name=...)` does not.
    pub(crate) fn create_named_task(
        &mut self,
        coro: CoroId,
        args: Vec<Value>,
        noop: bool,
        name: Option<Rc<str>>,
        numbered: bool,
    ) -> Result<TaskId, Exc> {
        if self.tasks.len() as u32 >= self.limits.max_tasks {
            let msg = format!("the run created more than {} tasks (--max-tasks)", self.limits.max_tasks);
            self.limit_hit = Some(msg.clone());
            return Err(ExcObj::msg(ExcClass::RuntimeError, msg));
        }
        self.check_memory();
        if let Some(msg) = &self.limit_hit {
            return Err(ExcObj::msg(ExcClass::RuntimeError, msg.clone()));
        }
        if self.stopped() {
            // The output is closed (`| head -1`): stop making tasks at once.
            return Err(ExcObj::msg(ExcClass::RuntimeError, "the output was closed"));
        }
        let id = self.tasks.len() as TaskId;
        if numbered || name.is_none() {
            self.task_counter += 1;
        }
        let fut = self.new_fut(FutKind::Task(id));
        let in_frame = !noop && self.prog.coros[coro as usize].args_in_frame;
        let (frames, args): (Frames, Box<[Value]>) = match noop {
            true => (Frames::default(), args.into()),
            false if in_frame => (Frames::one(self.new_frame(coro, args)), Box::default()),
            false => (Frames::one(self.new_frame(coro, args.clone())), args.into()),
        };
        let rare = match (name, args.is_empty()) {
            (None, true) => Rare::default(),
            (name, _) => Rare(Some(Box::new(TaskRare { name, args, ..TaskRare::default() }))),
        };
        self.tasks.push(Task {
            num: self.task_counter,
            coro,
            fut,
            frames,
            resume: Resume::Start,
            waiter: NO_WAITER,
            num_cancels: 0,
            holds: 0,
            rare,
            must_cancel: false,
            noop,
            unretrieved: false,
            referenced: false,
            done: false,
        });
        self.call_soon(Ready::Step(id, None));
        self.record(id, EventKind::Created);
        Ok(id)
    }

    pub(crate) fn task_ref(&mut self, t: TaskId) -> Value {
        let task = &mut self.tasks[t as usize];
        let handle = match task.rare.0.as_ref().and_then(|r| r.token.upgrade()) {
            Some(h) => h,
            None => {
                let rc = Rc::new(TaskRef { id: t, name: task.name() });
                task.rare_mut().token = Rc::downgrade(&rc);
                rc
            }
        };
        Value::Task(handle)
    }

    /// `fut.exception()` / `fut.result()` was called: its exception counts as retrieved.
    pub(crate) fn retrieve(&mut self, fut: FutId) {
        if let FutKind::Task(t) = self.futs[fut as usize].kind() {
            self.tasks[t as usize].unretrieved = false;
        }
    }

    /// CPython logs "Task exception was never retrieved" when a failed task
    /// is freed unretrieved: when no value refers to it and no done callback
    /// of it is still queued. A task still held or with a callback queued
    /// leaves the list; [`Vm::maybe_unretrieved`] puts it back when the last
    /// hold or callback goes (so a gather holding many failed children does
    /// not make every handle scan them all).
    pub(crate) fn check_unretrieved(&mut self) {
        let pending = std::mem::take(&mut self.unretrieved_pending);
        for t in pending {
            if self.freed(t) {
                if self.tasks[t as usize].unretrieved {
                    self.report_unretrieved(t);
                }
                self.release_exception(t);
            }
        }
    }

    /// A freed task lets go of its exception (`_exception`,
    /// `_cancelled_exc`), and with it of what the frames in its traceback
    /// held, unless something else still refers to it.
    fn release_exception(&mut self, t: TaskId) {
        let fut = self.tasks[t as usize].fut;
        let f = &mut self.futs[fut as usize];
        let cancelled = f.take_cancelled_exc();
        let failed = match &mut f.state {
            FutState::Exception(..) => {
                let FutState::Exception(e, _) = std::mem::replace(&mut f.state, FutState::Freed) else {
                    unreachable!()
                };
                Some(e)
            }
            _ => None,
        };
        drop(cancelled);
        drop(failed);
    }

    /// Whether a value (a variable, a list, a coroutine's locals) refers to
    /// the task.
    pub(super) fn has_value_refs(&self, t: TaskId) -> bool {
        self.tasks[t as usize].rare.0.as_ref().is_some_and(|r| r.token.strong_count() > 0)
    }

    /// The last hold on a task's future, or its last queued callback, went:
    /// if it failed unretrieved, check it again after this handle.
    pub(crate) fn maybe_unretrieved(&mut self, fut: FutId) {
        if let FutKind::Task(t) = self.futs[fut as usize].kind() {
            if self.freed(t) && self.holds_exception(t) {
                self.unretrieved_pending.push(t);
            }
        }
    }

    /// Whether the task's future holds an exception to let go of.
    fn holds_exception(&self, t: TaskId) -> bool {
        let f = &self.futs[self.tasks[t as usize].fut as usize];
        matches!(f.state, FutState::Exception(..)) || f.has_cancelled_exc()
    }

    /// A finished task that nothing refers to any more (CPython frees it).
    fn freed(&self, t: TaskId) -> bool {
        let task = &self.tasks[t as usize];
        task.done
            && !task.referenced
            && !self.has_value_refs(t)
            && task.holds == 0
            && self.futs[task.fut as usize].queued == 0
    }

    pub(super) fn report_unretrieved(&mut self, t: TaskId) {
        self.tasks[t as usize].unretrieved = false;
        let text = format!("Task exception was never retrieved\nfuture: {}", self.task_repr(t));
        self.warn_with_exception(t, &text);
    }

    /// A message asyncio logs with the task's exception, whose traceback
    /// follows it (`default_exception_handler`'s `exc_info`).
    pub(super) fn warn_with_exception(&mut self, t: TaskId, text: &str) {
        let failure = match &self.futs[self.tasks[t as usize].fut as usize].state {
            FutState::Exception(e, _) => Some(self.failure(&e.clone(), 0, &mut Vec::new())),
            _ => None,
        };
        self.record(t, EventKind::Warning(text, failure.as_ref(), 0));
    }

    /// The task's repr: `<Task finished name='Task-2' coro=<worker() done,
    /// defined at FILE:LINE> exception=ValueError('x')>`, or for one still
    /// pending `<Task pending name='Task-3' coro=<child() running at
    /// FILE:LINE>>`, the line its coroutine is at (its declaration before
    /// it starts).
    pub(super) fn task_repr(&self, t: TaskId) -> String {
        let task = &self.tasks[t as usize];
        let code = &self.prog.coros[task.coro as usize];
        // A primitive's method (`jobs.get()`) is named by its class.
        let recv = task.frames.first().and_then(|f| f.locals.first()).or_else(|| task.args().first());
        let name = self.method_qualname(task.coro, recv).unwrap_or(&code.name);
        if !self.task_done(t) {
            let line = match task.frames.first() {
                Some(f) if !matches!(task.resume, Resume::Start | Resume::StartReused) => {
                    code.code.get(f.pc().saturating_sub(1)).map_or(0, |i| self.line_of(i.span.start))
                }
                _ => self.line_of(code.def_at),
            };
            return format!(
                "<Task pending name='{}' coro=<{name}() running at {}:{line}>>",
                task.name(),
                self.prog.file
            );
        }
        let exc = match &self.futs[task.fut as usize].state {
            FutState::Exception(e, _) => format!(" exception={}", e.repr()),
            _ => String::new(),
        };
        format!(
            "<Task finished name='{}' coro=<{name}() done, defined at {}:{}>{exc}>",
            task.name(),
            self.prog.file,
            self.line_of(code.def_at)
        )
    }

    /// What was freed since the last look: never-awaited coroutines are
    /// reported, and failed tasks may have lost their last reference.
    pub(crate) fn after_handle(&mut self, t: Option<TaskId>) {
        // Where the task stopped, or nowhere in the scenario (asyncio's own
        // code, between handles).
        let line = t
            .and_then(|t| self.tasks[t as usize].frames.last())
            .and_then(|f| self.prog.coros[f.coro as usize].code.get(f.pc().saturating_sub(1)))
            .map_or(0, |i| self.line_of(i.span.start));
        self.after_handle_at(t, line);
    }

    /// Runs `free`, which drops values where CPython's code has no line
    /// number (3.12's inlined comprehension cleanup): what they held is
    /// reported at line -1, after what was dropped before at the task's line.
    pub(crate) fn free_without_line(&mut self, t: Option<TaskId>, free: impl FnOnce()) {
        if crate::value::any_dropped() {
            self.after_handle(t);
        }
        free();
        self.after_handle_at(t, super::NO_LINE);
    }

    /// [`Vm::after_handle`], with the scenario line the values were dropped
    /// at (0: not in the scenario). Python's warnings filters show a
    /// warning once per text and place ("default" action): a coroutine
    /// never awaited, dropped again at the same line, is not reported again.
    pub(crate) fn after_handle_at(&mut self, t: Option<TaskId>, line: u32) {
        for d in crate::value::take_dropped() {
            let name = match d {
                crate::value::Dropped::AsCompleted(ac) => {
                    self.as_completed_dropped(ac);
                    continue;
                }
                crate::value::Dropped::Warning(text) => {
                    if self.warned.insert((text.to_owned(), line)) {
                        self.record(t.unwrap_or(0), EventKind::Warning(text, None, line));
                    }
                    continue;
                }
                crate::value::Dropped::Coro(name) => name,
                crate::value::Dropped::CoroCall(c) => self.coro_names[c as usize].clone(),
                crate::value::Dropped::Task(id) => {
                    // The last value referring to it went.
                    if self.freed(id) && self.holds_exception(id) {
                        self.unretrieved_pending.push(id);
                    }
                    self.trim_rare(id);
                    continue;
                }
            };
            if !self.warned.insert((name.to_string(), line)) {
                continue;
            }
            let who = t.unwrap_or(0);
            self.record(
                who,
                EventKind::Warning(&format!("RuntimeWarning: coroutine '{name}' was never awaited"), None, line),
            );
        }
        if !self.unretrieved_pending.is_empty() {
            self.check_unretrieved();
            // What a freed exception's frames held may go in turn.
            if crate::value::any_dropped() {
                self.after_handle_at(t, line);
            }
        }
    }

    /// A finished task that no value refers to keeps no [`TaskRare`] that
    /// holds nothing but the dead handle token: a loop that spawns and
    /// awaits a million tasks would keep 128 bytes for each.
    pub(crate) fn trim_rare(&mut self, t: TaskId) {
        let task = &mut self.tasks[t as usize];
        if !task.done {
            return;
        }
        if let Some(r) = &task.rare.0 {
            let empty = r.token.strong_count() == 0
                && r.name.is_none()
                && r.args.is_empty()
                && r.cancel_msg.is_none()
                && r.exc_info.is_empty();
            if empty {
                task.rare.0 = None;
            }
        }
    }

    pub(crate) fn task_done(&self, t: TaskId) -> bool {
        let done = self.tasks[t as usize].done;
        debug_assert_eq!(done, self.futs[self.tasks[t as usize].fut as usize].done());
        done
    }

    /// `Task.cancel(msg)`.
    pub(crate) fn task_cancel(&mut self, t: TaskId, msg: Option<Value>) -> bool {
        // `self._log_traceback = False` comes first: cancelling a task that
        // already failed counts as retrieving its exception.
        self.tasks[t as usize].unretrieved = false;
        if self.task_done(t) {
            return false;
        }
        let by = self.causes.canceller;
        if !self.tasks[t as usize].noop {
            self.record(t, EventKind::Cancel(by));
        }
        self.tasks[t as usize].num_cancels += 1;
        let before = self.set_cause(RawCause::Cancel(by));
        let cancelled = match self.tasks[t as usize].fut_waiter() {
            Some(Waiter::Fut(w)) => self.fut_cancel(w, msg.clone()),
            Some(Waiter::Sleep) => self.sleep_cancel(t, msg.clone()),
            None => false,
        };
        self.set_cause(before);
        if cancelled {
            return true;
        }
        let task = &mut self.tasks[t as usize];
        task.must_cancel = true;
        match msg {
            Some(m) => task.rare_mut().cancel_msg = Some(m),
            None => {
                if let Some(r) = &mut task.rare.0 {
                    r.cancel_msg = None;
                }
            }
        }
        true
    }

    /// `future.cancel(msg)` on the future task `t` sleeps on: if still
    /// pending, it is cancelled and its callback, `Task.__wakeup`, queued;
    /// the wake-up raises what `future.result()` would.
    pub(crate) fn sleep_cancel(&mut self, t: TaskId, msg: Option<Value>) -> bool {
        let Resume::Sleep { done: done @ false, .. } = &mut self.tasks[t as usize].resume else {
            return false;
        };
        *done = true;
        let exc = match msg {
            None | Some(Value::None) => ExcObj::new(ExcClass::CancelledError, vec![]),
            Some(m) => ExcObj::new(ExcClass::CancelledError, vec![m]),
        };
        self.note_woken(t);
        self.call_soon(Ready::Step(t, Some(exc)));
        true
    }

    /// The sleep's timer: `_set_result_unless_cancelled(future, None)`,
    /// whose callback queues `Task.__wakeup`.
    pub(crate) fn sleep_done(&mut self, t: TaskId) {
        if let Resume::Sleep { done: done @ false, .. } = &mut self.tasks[t as usize].resume {
            *done = true;
            self.note_woken_by(t, RawCause::Slept);
            self.call_soon(Ready::Step(t, None));
        }
    }

    /// `Task.uncancel()`.
    pub(crate) fn task_uncancel(&mut self, t: TaskId) -> u32 {
        let task = &mut self.tasks[t as usize];
        if task.num_cancels == 0 {
            return 0;
        }
        task.num_cancels -= 1;
        // 3.13: back to no request, a cancellation not yet thrown in is dropped.
        if task.num_cancels == 0 && task.must_cancel && self.has(crate::version::Change::UncancelClearsCancel) {
            self.tasks[t as usize].must_cancel = false;
        }
        self.tasks[t as usize].num_cancels
    }
}

//! Stage 4: the run. An emulator of CPython 3.11's event loop.
//!
//! The loop keeps the same state as `BaseEventLoop` — a FIFO of ready
//! handles run as a per-iteration snapshot, a heap of timers with lazy
//! cancellation, a virtual clock that only moves when nothing is ready — and
//! tasks, futures and primitives follow `tasks.py`, `futures.py`, `locks.py`
//! and `taskgroups.py` step for step, so every wake-up happens in the same
//! iteration and order as in CPython. Everything is indexed by small
//! integers: the hot loop does no string lookups, and allocates only for
//! what the scenario itself builds.

mod as_completed;
mod condition;
mod deadlock;
mod eval;
mod event;
mod exec;
mod heap;
mod prims;
pub(crate) mod queue;
mod wait;

pub(crate) use queue::QueueOp;
use queue::{QueueKind, QueueState};

use crate::compile::{CoroId, Program, Target};
use crate::value::{Exc, ExcClass, ExcObj, TaskRef, Value};
pub use deadlock::{Deadlock, Waiting};
pub(crate) use event::TaskName;
pub use event::{Event, EventKind, Interest, Limit, Live, Name, Outcome, Repr, RunEnd, Sink, Tasks, WaitOn};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;

/// Limits that stop a run that would never end or would exhaust memory
/// (docs/limits.md).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Instructions executed, across all tasks.
    pub max_steps: u64,
    /// Tasks created.
    pub max_tasks: u32,
    /// Iterations of the event loop (`_run_once` calls), idle ones included.
    pub max_iterations: u64,
    /// Virtual seconds.
    pub max_time: f64,
    /// Bytes the program prints (its stdout, newlines included).
    pub max_output: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 100_000_000,
            max_tasks: 2_000_000,
            max_iterations: 20_000_000,
            max_time: 10_000_000.0,
            max_output: 1 << 30,
        }
    }
}

/// asyncio's `clock_resolution` on Linux.
const CLOCK_RESOLUTION: f64 = 1e-9;
/// `MAXIMUM_SELECT_TIMEOUT` in base_events.py.
const MAX_SELECT_TIMEOUT: f64 = 24.0 * 3600.0;
/// `_MIN_SCHEDULED_TIMER_HANDLES` and `_MIN_CANCELLED_TIMER_HANDLES_FRACTION`.
const MIN_SCHEDULED_TIMER_HANDLES: usize = 100;
const MIN_CANCELLED_FRACTION: f64 = 0.5;
/// Python's default recursion limit, minus the frames asyncio itself uses.
const MAX_FRAMES: usize = 990;

pub(crate) type TaskId = u32;
pub(crate) type FutId = u32;

/// A future's state.
#[derive(Debug, Clone)]
pub(crate) enum FutState {
    Pending,
    Result(Value),
    Exception(Exc),
    Cancelled,
}

/// What a future stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FutKind {
    Plain,
    Task(TaskId),
    Gather(u32),
}

/// A callback registered on a future; it is called with the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Callback {
    /// `Task.__wakeup`.
    Wakeup(TaskId),
    /// gather's `_done_callback`.
    Gather(u32),
    /// `TaskGroup._on_task_done`.
    TgTaskDone(u32),
    /// `_run_until_complete_cb`: stop the loop.
    RunUntilComplete,
    /// `tasks._release_waiter(waiter)` (wait_for).
    ReleaseWaiter(FutId),
    /// `as_completed`'s `_on_completion`.
    AsCompletedDone(u32),
    /// `asyncio.wait`'s `_on_completion`.
    WaitDone(u32),
    /// shield's `_inner_done_callback`, with the outer future.
    ShieldInner(FutId),
    /// shield's `_outer_done_callback`, with the inner future.
    ShieldOuter(FutId),
}

#[derive(Debug)]
pub(crate) struct Fut {
    pub(crate) state: FutState,
    pub(crate) kind: FutKind,
    pub(crate) callbacks: Vec<Callback>,
    /// Done callbacks queued but not run yet (they keep the future alive).
    pub(crate) queued: u32,
    /// What a cancelled future remembers; few futures are, so it is boxed.
    cancel: Option<Box<FutCancel>>,
}

/// `_cancel_message` and `_cancelled_exc`.
#[derive(Debug, Default)]
struct FutCancel {
    msg: Option<Value>,
    exc: Option<Exc>,
}

impl Fut {
    /// `_cancel_message`.
    pub(crate) fn cancel_msg(&self) -> Option<&Value> {
        self.cancel.as_ref().and_then(|c| c.msg.as_ref())
    }

    pub(crate) fn set_cancel_msg(&mut self, msg: Option<Value>) {
        match (&mut self.cancel, msg) {
            (Some(c), msg) => c.msg = msg,
            (None, None) => {}
            (c @ None, msg) => *c = Some(Box::new(FutCancel { msg, exc: None })),
        }
    }

    /// `_cancelled_exc`: the CancelledError a task ended with.
    pub(crate) fn set_cancelled_exc(&mut self, e: Exc) {
        self.cancel.get_or_insert_with(Box::default).exc = Some(e);
    }

    pub(crate) fn done(&self) -> bool {
        !matches!(self.state, FutState::Pending)
    }

    pub(crate) fn cancelled(&self) -> bool {
        matches!(self.state, FutState::Cancelled)
    }
}

/// A handle in the ready queue.
#[derive(Debug, Clone)]
pub(crate) enum Ready {
    /// `Task.__step(exc)`.
    Step(TaskId, Option<Exc>),
    /// A future's done callback, with the future.
    Call(Callback, FutId),
    /// An expired timer (possibly cancelled since).
    Timer(u32),
}

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TimerCb {
    /// `futures._set_result_unless_cancelled(fut, None)` (asyncio.sleep).
    SetResult(FutId),
    /// `Timeout._on_timeout` of an `asyncio.timeout()` block.
    Timeout(u32),
    /// `tasks._release_waiter(waiter)` (wait_for's timeout).
    ReleaseWaiter(FutId),
    /// `as_completed`'s `_on_timeout`.
    AsCompletedTimeout(u32),
}

/// `asyncio.timeouts._State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeoutState {
    Entered,
    Expiring,
    Expired,
    Exited,
}

/// An `asyncio.timeout()` context manager.
#[derive(Debug)]
pub(crate) struct Timeout {
    pub(crate) state: TimeoutState,
    pub(crate) task: TaskId,
    /// `task.cancelling()` on entry.
    pub(crate) cancelling: u32,
    pub(crate) handle: Option<TimerRef>,
}

#[derive(Debug)]
struct Timer {
    when: f64,
    cb: Option<TimerCb>,
    cancelled: bool,
    scheduled: bool,
    gen: u32,
}

/// A timer in the heap: its deadline, copied from the timer, and its id.
#[derive(Debug, Clone, Copy)]
struct HeapEntry {
    when: f64,
    id: u32,
}

/// A timer handle that may outlive its timer (a sleep cancels it in its
/// `finally`, by which time it may have fired and been reused).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimerRef {
    id: u32,
    gen: u32,
}

/// One iteration state of a `for` loop.
#[derive(Debug, Clone)]
pub(crate) enum Iter {
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    List(Rc<std::cell::RefCell<Vec<Value>>>, usize),
    Items(Rc<[Value]>, usize),
    /// An `as_completed` generator and how many more times it yields.
    AsCompleted(u32, usize),
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandlerKind {
    Except,
    ExceptStar,
    Finally,
    StarCollect,
}

/// A `try` block in progress (CPython's block stack).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Handler {
    pub(crate) kind: HandlerKind,
    pub(crate) pc: usize,
    pub(crate) exc_depth: u32,
    pub(crate) comp_depth: u32,
    pub(crate) star_depth: u32,
}

/// How a `finally` block was entered, so `EndFinally` can carry on.
#[derive(Debug, Clone)]
pub(crate) enum Completion {
    Normal,
    Raise(Exc),
    Return(Value),
}

/// An `except*` in progress.
#[derive(Debug, Clone)]
pub(crate) struct StarState {
    pub(crate) orig: Exc,
    pub(crate) naked: bool,
    pub(crate) group: Exc,
    pub(crate) rest: Option<Exc>,
    pub(crate) matched: Vec<Exc>,
    pub(crate) raised: Vec<Exc>,
}

/// A coroutine activation.
#[derive(Debug)]
pub(crate) struct Frame {
    pub(crate) coro: CoroId,
    pub(crate) pc: usize,
    pub(crate) locals: Vec<Value>,
    pub(crate) iters: Vec<Iter>,
    pub(crate) groups: Vec<u32>,
    pub(crate) handlers: Vec<Handler>,
    pub(crate) completions: Vec<Completion>,
    pub(crate) stars: Vec<StarState>,
    /// Where the caller wants the return value.
    pub(crate) ret: Option<Target>,
    /// The task's exc_info depth when this frame started.
    pub(crate) exc_base: u32,
}

/// What a suspended task does when it resumes (the rest of the `await`).
#[derive(Debug, Clone)]
pub(crate) enum Resume {
    /// Never run yet.
    Start,
    /// `sleep(0)`.
    Yield,
    Sleep {
        fut: FutId,
        timer: TimerRef,
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
    Queue(queue::QueueWait),
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
    Cond(condition::CondWait),
    /// `wait_for`: awaiting its waiter (the inner finished or the timer fired).
    WaitFor {
        fut: FutId,
        waiter: FutId,
        handle: TimerRef,
        bind: Option<Target>,
    },
    /// `wait_for`'s `_cancel_and_wait(fut)`; then re-raise, or return the
    /// result / TimeoutError.
    WaitForCancel {
        fut: FutId,
        waiter: FutId,
        handle: Option<TimerRef>,
        reraise: Option<Exc>,
        bind: Option<Target>,
    },
    Finished,
}

#[derive(Debug)]
pub(crate) struct Task {
    pub(crate) name: TaskName,
    pub(crate) coro: CoroId,
    /// The arguments as passed, for the call a view prints.
    pub(crate) args: Box<[Value]>,
    pub(crate) fut: FutId,
    pub(crate) frames: Vec<Frame>,
    pub(crate) resume: Resume,
    pub(crate) must_cancel: bool,
    /// Boxed: most tasks are never cancelled with a message.
    pub(crate) cancel_msg: Option<Box<Value>>,
    pub(crate) num_cancels: u32,
    pub(crate) fut_waiter: Option<FutId>,
    pub(crate) exc_info: Vec<Exc>,
    /// One of the two tasks `asyncio.run` creates at shutdown: returns at once.
    pub(crate) noop: bool,
    /// Values referring to the task hold this token (see `TaskRef::token`).
    pub(crate) token: std::rc::Weak<crate::value::TaskToken>,
    /// Finished with an exception nobody has retrieved yet (and not reported).
    pub(crate) unretrieved: bool,
    /// A value has referred to it (a variable, a list): then CPython frees
    /// it, and logs, at a time set by garbage collection; asim does not log.
    pub(crate) referenced: bool,
    /// gather / wait / as_completed holding it until they retrieve or return it.
    pub(crate) holds: u32,
}

/// A `gather()` in progress.
#[derive(Debug)]
pub(crate) struct Gather {
    pub(crate) outer: Option<FutId>,
    pub(crate) children: Vec<FutId>,
    /// The distinct children (`nfuts` is its length).
    pub(crate) distinct: BTreeSet<FutId>,
    pub(crate) nfinished: usize,
    pub(crate) return_exceptions: bool,
    pub(crate) cancel_requested: bool,
}

/// A `TaskGroup`.
#[derive(Debug)]
pub(crate) struct TaskGroup {
    pub(crate) parent: TaskId,
    pub(crate) exiting: bool,
    pub(crate) aborting: bool,
    pub(crate) parent_cancel_requested: bool,
    /// A set in CPython; asim iterates it in creation order (task ids).
    pub(crate) tasks: BTreeSet<TaskId>,
    pub(crate) errors: Vec<Exc>,
    pub(crate) base_error: Option<Exc>,
    pub(crate) on_completed: Option<FutId>,
    /// `__aexit__`'s `et`/`exc` and `propagate_cancellation_error`.
    pub(crate) body_exc: Option<Exc>,
    pub(crate) propagate: Option<Exc>,
}

impl TaskGroup {
    /// `TaskGroup.__repr__` (it appears in CPython's error messages).
    pub(crate) fn repr(&self) -> String {
        let mut info = String::new();
        if !self.tasks.is_empty() {
            info.push_str(&format!(" tasks={}", self.tasks.len()));
        }
        if !self.errors.is_empty() {
            info.push_str(&format!(" errors={}", self.errors.len()));
        }
        // Always entered by the time a spawn can reach it.
        info.push_str(if self.aborting { " cancelling" } else { " entered" });
        format!("<TaskGroup{info}>")
    }
}

/// A primitive's state.
#[derive(Debug)]
pub(crate) enum Prim {
    Lock {
        locked: bool,
        waiters: VecDeque<FutId>,
        holder: Option<TaskId>,
    },
    /// `holders` (task -> units held) is kept for deadlock reports only.
    Sem {
        value: i64,
        bound: Option<i64>,
        waiters: VecDeque<FutId>,
        holders: std::collections::BTreeMap<TaskId, u32>,
    },
    Event {
        flag: bool,
        waiters: VecDeque<FutId>,
    },
    Queue(QueueState),
    /// A Barrier: its state, its count, and its internal Condition.
    Barrier {
        parties: i64,
        state: &'static str,
        count: i64,
        cond: u32,
    },
    /// A Condition: its lock (a Lock primitive) and its waiters.
    Cond {
        lock: u32,
        waiters: VecDeque<FutId>,
    },
}

/// Stops a loop run early.
pub(crate) enum Stop {
    Deadlock,
    Limit(String),
    /// The sink could not write (a closed pipe, a full disk).
    Output,
}

/// The emulator.
pub(crate) struct Vm<'p> {
    pub(crate) prog: &'p Program,
    pub(crate) now: f64,
    ready: VecDeque<Ready>,
    /// The timer heap. Each entry carries its deadline, so sifting compares
    /// within the heap's own array (the order is the same: CPython compares
    /// `when` alone).
    heap: Vec<HeapEntry>,
    timers: Vec<Timer>,
    free_timers: Vec<u32>,
    timer_cancelled_count: usize,
    stopping: bool,
    pub(crate) futs: Vec<Fut>,
    free_futs: Vec<FutId>,
    pub(crate) tasks: Vec<Task>,
    pub(crate) gathers: Vec<Gather>,
    pub(crate) groups: Vec<TaskGroup>,
    pub(crate) timeouts: Vec<Timeout>,
    pub(crate) waits: Vec<wait::WaitState>,
    /// Failed tasks not retrieved yet, still referenced.
    pub(crate) unretrieved_pending: Vec<TaskId>,
    pub(crate) as_completed: Vec<as_completed::AsCompleted>,
    pub(crate) prims: Vec<Prim>,
    /// Names of the primitives (the declared ones, then internal ones
    /// such as a queue's `_finished` event).
    pub(crate) prim_names: Vec<Rc<str>>,
    pub(crate) globals: Vec<Value>,
    pub(crate) defaults: Vec<Vec<Option<Value>>>,
    /// The process-global `Task-N` counter.
    task_counter: u32,
    /// Where events go, and which kinds it wants built.
    sink: RefCell<&'p mut dyn Sink>,
    interest: Interest,
    nevents: Cell<u64>,
    write_error: Cell<Option<std::io::ErrorKind>>,
    pub(crate) steps: u64,
    iterations: u64,
    pub(crate) output_bytes: u64,
    /// Tasks that have finished (their frames are freed).
    pub(crate) finished_tasks: usize,
    peak_live: Live,
    pub(crate) limits: Limits,
    pub(crate) limit_hit: Option<String>,
}

impl<'p> Vm<'p> {
    pub(crate) fn new(prog: &'p Program, limits: Limits, sink: &'p mut dyn Sink) -> Self {
        let interest = sink.interest();
        Vm {
            prog,
            now: 0.0,
            ready: VecDeque::new(),
            heap: Vec::new(),
            timers: Vec::new(),
            free_timers: Vec::new(),
            timer_cancelled_count: 0,
            stopping: false,
            futs: Vec::new(),
            free_futs: Vec::new(),
            tasks: Vec::new(),
            gathers: Vec::new(),
            groups: Vec::new(),
            timeouts: Vec::new(),
            waits: Vec::new(),
            unretrieved_pending: Vec::new(),
            as_completed: Vec::new(),
            prims: Vec::new(),
            prim_names: Vec::new(),
            globals: vec![Value::Unbound; prog.globals.len()],
            defaults: Vec::new(),
            task_counter: 0,
            sink: RefCell::new(sink),
            interest,
            nevents: Cell::new(0),
            write_error: Cell::new(None),
            steps: 0,
            iterations: 0,
            output_bytes: 0,
            finished_tasks: 0,
            peak_live: Live::default(),
            limits,
            limit_hit: None,
        }
    }

    /// Hands an event to the sink, if it wants that kind.
    pub(crate) fn record(&self, task: TaskId, kind: EventKind<'_>) {
        if !self.interest.wants(&kind) {
            return;
        }
        self.nevents.set(self.nevents.get() + 1);
        let tasks = Tasks { tasks: &self.tasks, prog: self.prog };
        let written = self.sink.borrow_mut().event(&Event { t: self.now, task, kind }, &tasks);
        if let Err(e) = written {
            self.write_error.set(Some(e.kind()));
        }
    }

    /// Whether the sink wants more than prints and warnings (a view that
    /// prints none of them need not have them built).
    pub(crate) fn tracing(&self) -> bool {
        self.interest.wants_trace()
    }

    // ---- handles and timers --------------------------------------------

    pub(crate) fn call_soon(&mut self, r: Ready) {
        self.ready.push_back(r);
    }

    /// `TimerHandle.__lt__`: the deadline alone.
    fn timer_lt(a: HeapEntry, b: HeapEntry) -> bool {
        a.when < b.when
    }

    /// `loop.call_at(when, cb)`.
    pub(crate) fn call_at(&mut self, when: f64, cb: TimerCb) -> TimerRef {
        let r = self.new_handle(when, cb, true);
        heap::push(&mut self.heap, HeapEntry { when, id: r.id }, Self::timer_lt);
        r
    }

    /// `loop.call_soon(cb)`, keeping the handle so it can be cancelled. It
    /// never enters the heap, so cancelling it does not count as a
    /// cancelled timer.
    pub(crate) fn call_soon_handle(&mut self, cb: TimerCb) -> TimerRef {
        let r = self.new_handle(self.now, cb, false);
        self.ready.push_back(Ready::Timer(r.id));
        r
    }

    fn new_handle(&mut self, when: f64, cb: TimerCb, scheduled: bool) -> TimerRef {
        let id = match self.free_timers.pop() {
            Some(id) => {
                let t = &mut self.timers[id as usize];
                t.when = when;
                t.cb = Some(cb);
                t.cancelled = false;
                t.scheduled = scheduled;
                id
            }
            None => {
                self.timers.push(Timer { when, cb: Some(cb), cancelled: false, scheduled, gen: 0 });
                (self.timers.len() - 1) as u32
            }
        };
        TimerRef { id, gen: self.timers[id as usize].gen }
    }

    /// When a timer is due, if it is still the one `r` refers to.
    pub(crate) fn timer_when(&self, r: TimerRef) -> Option<f64> {
        let t = &self.timers[r.id as usize];
        (t.gen == r.gen && !t.cancelled).then_some(t.when)
    }

    /// `TimerHandle.cancel()`.
    pub(crate) fn cancel_timer(&mut self, r: TimerRef) {
        let t = &mut self.timers[r.id as usize];
        if t.gen != r.gen || t.cancelled {
            return;
        }
        if t.scheduled {
            self.timer_cancelled_count += 1;
        }
        t.cancelled = true;
        t.cb = None;
    }

    fn free_timer(&mut self, id: u32) {
        let t = &mut self.timers[id as usize];
        t.gen = t.gen.wrapping_add(1);
        t.cb = None;
        self.free_timers.push(id);
    }

    /// `BaseEventLoop._run_once`.
    fn run_once(&mut self) -> Result<(), Stop> {
        // 1. Purge cancelled timers.
        let n = self.heap.len();
        if n > MIN_SCHEDULED_TIMER_HANDLES && (self.timer_cancelled_count as f64) / (n as f64) > MIN_CANCELLED_FRACTION
        {
            let mut kept = Vec::with_capacity(n);
            for i in 0..n {
                let entry = self.heap[i];
                let id = entry.id;
                if self.timers[id as usize].cancelled {
                    self.timers[id as usize].scheduled = false;
                    self.free_timer(id);
                } else {
                    kept.push(entry);
                }
            }
            heap::heapify(&mut kept, Self::timer_lt);
            self.heap = kept;
            self.timer_cancelled_count = 0;
        } else {
            while let Some(&HeapEntry { id: root, .. }) = self.heap.first() {
                if !self.timers[root as usize].cancelled {
                    break;
                }
                heap::pop(&mut self.heap, Self::timer_lt);
                self.timer_cancelled_count -= 1;
                self.timers[root as usize].scheduled = false;
                self.free_timer(root);
            }
        }
        self.iterations += 1;
        if self.iterations > self.limits.max_iterations {
            return Err(Stop::Limit(format!(
                "the event loop ran more than {} iterations (--max-iterations); it may never end",
                self.limits.max_iterations
            )));
        }
        // 2-3. Select: the clock moves only when nothing is ready.
        let timeout = if !self.ready.is_empty() || self.stopping {
            Some(0.0)
        } else if let Some(&HeapEntry { when, .. }) = self.heap.first() {
            if when == f64::INFINITY {
                // Every timer left is due at infinity: real asyncio would
                // wait 24 hours at a time, for ever.
                return Err(Stop::Deadlock);
            }
            Some((when - self.now).clamp(0.0, MAX_SELECT_TIMEOUT))
        } else {
            None
        };
        let before = self.now;
        match timeout {
            None => return Err(Stop::Deadlock),
            Some(t) if t > 0.0 => self.now += t,
            Some(_) => {}
        }
        if self.now > self.limits.max_time {
            return Err(Stop::Limit(format!(
                "virtual time passed {}s (--max-time)",
                crate::value::pyfmt::float_repr(self.limits.max_time)
            )));
        }
        // 4. Move expired timers to the ready queue.
        self.expire_timers();
        if self.ready.is_empty() && !self.stopping && self.now == before && !self.heap.is_empty() {
            // The float clock could not move (past 2**24 s, `now + 1e-9 ==
            // now`): a real clock moves on regardless, so the earliest timer
            // comes due at the next representable instant.
            self.now = next_up(self.now);
            self.expire_timers();
        }
        // 5. Run exactly the handles that are ready now.
        let ntodo = self.ready.len();
        for _ in 0..ntodo {
            let Some(h) = self.ready.pop_front() else {
                break;
            };
            let who = match &h {
                Ready::Step(t, _) | Ready::Call(Callback::Wakeup(t), _) => Some(*t),
                _ => None,
            };
            self.run_handle(h);
            if crate::value::any_dropped() || !self.unretrieved_pending.is_empty() {
                self.after_handle(who);
            }
            if self.limit_hit.is_some() {
                return Err(Stop::Limit(self.limit_hit.clone().unwrap_or_default()));
            }
            if self.write_error.get().is_some() {
                return Err(Stop::Output);
            }
        }
        self.note_live();
        if let Err(e) = self.sink.get_mut().iteration_end() {
            self.write_error.set(Some(e.kind()));
            return Err(Stop::Output);
        }
        Ok(())
    }

    /// Records the high-water mark of live objects (for tests and `RunEnd`).
    fn note_live(&mut self) {
        let live = Live {
            tasks: self.tasks.len() - self.finished_tasks,
            futures: self.futs.len() - self.free_futs.len(),
            timers: self.timers.len() - self.free_timers.len(),
            ready: self.ready.len(),
        };
        let p = &mut self.peak_live;
        p.tasks = p.tasks.max(live.tasks);
        p.futures = p.futures.max(live.futures);
        p.timers = p.timers.max(live.timers);
        p.ready = p.ready.max(live.ready);
    }

    /// Step 4 of `_run_once`: timers due within `clock_resolution` become ready.
    fn expire_timers(&mut self) {
        let end_time = self.now + CLOCK_RESOLUTION;
        while let Some(&HeapEntry { when, id: root }) = self.heap.first() {
            if when >= end_time {
                break;
            }
            heap::pop(&mut self.heap, Self::timer_lt);
            self.timers[root as usize].scheduled = false;
            self.ready.push_back(Ready::Timer(root));
        }
    }

    fn run_handle(&mut self, h: Ready) {
        match h {
            Ready::Step(t, exc) => self.task_step(t, exc),
            Ready::Call(cb, fut) => self.run_callback(cb, fut),
            Ready::Timer(id) => {
                let timer = &self.timers[id as usize];
                let cb = if timer.cancelled { None } else { timer.cb };
                self.free_timer(id);
                match cb {
                    // futures._set_result_unless_cancelled
                    Some(TimerCb::SetResult(fut)) if !self.futs[fut as usize].cancelled() => {
                        self.set_result(fut, Value::None);
                    }
                    Some(TimerCb::SetResult(_)) => {}
                    Some(TimerCb::ReleaseWaiter(w)) => self.release_waiter(w),
                    Some(TimerCb::AsCompletedTimeout(ac)) => self.as_completed_timeout(ac),
                    // Timeout._on_timeout
                    Some(TimerCb::Timeout(id)) => {
                        let task = self.timeouts[id as usize].task;
                        self.record(task, EventKind::TimeoutExpired);
                        self.task_cancel(task, None);
                        let to = &mut self.timeouts[id as usize];
                        to.state = TimeoutState::Expiring;
                        to.handle = None;
                    }
                    None => {}
                }
            }
        }
    }

    fn run_callback(&mut self, cb: Callback, fut: FutId) {
        let f = &mut self.futs[fut as usize];
        f.queued = f.queued.saturating_sub(1);
        match cb {
            Callback::Wakeup(t) => {
                let exc = self.fut_outcome(fut).err();
                self.task_step(t, exc);
            }
            Callback::Gather(g) => self.gather_done(g, fut),
            Callback::TgTaskDone(g) => self.tg_task_done(g, fut),
            Callback::RunUntilComplete => self.stopping = true,
            Callback::ReleaseWaiter(w) => self.release_waiter(w),
            Callback::WaitDone(w) => self.wait_done(w, fut),
            Callback::AsCompletedDone(ac) => self.as_completed_done(ac, fut),
            Callback::ShieldInner(outer) => {
                // `inner.exception()` in either branch.
                self.retrieve(fut);
                if self.futs[outer as usize].cancelled() {
                    return;
                }
                match self.futs[fut as usize].state.clone() {
                    FutState::Cancelled => {
                        self.future_cancel_plain(outer, None);
                    }
                    FutState::Exception(e) => self.set_exception(outer, e),
                    FutState::Result(v) => self.set_result(outer, v),
                    FutState::Pending => {}
                }
            }
            Callback::ShieldOuter(inner) => {
                if !self.futs[inner as usize].done() {
                    self.remove_done_callback(inner, Callback::ShieldInner(fut));
                }
            }
        }
    }

    /// `run_forever()`: iterate until stopped.
    fn run_forever(&mut self) -> Result<(), Stop> {
        loop {
            self.run_once()?;
            if self.stopping {
                self.stopping = false;
                return Ok(());
            }
        }
    }

    // ---- futures -------------------------------------------------------

    pub(crate) fn new_fut(&mut self, kind: FutKind) -> FutId {
        let fut = Fut { state: FutState::Pending, kind, callbacks: Vec::new(), queued: 0, cancel: None };
        match self.free_futs.pop() {
            Some(id) => {
                self.futs[id as usize] = fut;
                id
            }
            None => {
                self.futs.push(fut);
                (self.futs.len() - 1) as FutId
            }
        }
    }

    /// Returns a plain future nobody refers to any more.
    pub(crate) fn free_fut(&mut self, id: FutId) {
        self.futs[id as usize].callbacks.clear();
        self.free_futs.push(id);
    }

    pub(crate) fn add_done_callback(&mut self, fut: FutId, cb: Callback) {
        if self.futs[fut as usize].done() {
            self.futs[fut as usize].queued += 1;
            self.call_soon(Ready::Call(cb, fut));
        } else {
            self.futs[fut as usize].callbacks.push(cb);
        }
    }

    /// `fut.remove_done_callback(cb)`: every registration of it.
    pub(crate) fn remove_done_callback(&mut self, fut: FutId, cb: Callback) {
        self.futs[fut as usize].callbacks.retain(|c| *c != cb);
    }

    /// `_release_waiter(waiter)`.
    fn release_waiter(&mut self, waiter: FutId) {
        if !self.futs[waiter as usize].done() {
            self.set_result(waiter, Value::None);
        }
    }

    fn schedule_callbacks(&mut self, fut: FutId) {
        let cbs = std::mem::take(&mut self.futs[fut as usize].callbacks);
        self.futs[fut as usize].queued += cbs.len() as u32;
        for cb in &cbs {
            self.ready.push_back(Ready::Call(*cb, fut));
        }
        // Keep the allocation for the next future that reuses this slot.
        let mut cbs = cbs;
        cbs.clear();
        self.futs[fut as usize].callbacks = cbs;
    }

    pub(crate) fn set_result(&mut self, fut: FutId, v: Value) {
        self.futs[fut as usize].state = FutState::Result(v);
        self.schedule_callbacks(fut);
    }

    pub(crate) fn set_exception(&mut self, fut: FutId, e: Exc) {
        self.futs[fut as usize].state = FutState::Exception(e);
        self.schedule_callbacks(fut);
    }

    /// `Future.cancel(msg)` on the future object itself.
    fn future_cancel_plain(&mut self, fut: FutId, msg: Option<Value>) -> bool {
        let f = &mut self.futs[fut as usize];
        if f.done() {
            return false;
        }
        f.state = FutState::Cancelled;
        f.set_cancel_msg(msg);
        self.schedule_callbacks(fut);
        true
    }

    /// `fut.cancel(msg)`, dispatched on what the future is.
    pub(crate) fn fut_cancel(&mut self, fut: FutId, msg: Option<Value>) -> bool {
        match self.futs[fut as usize].kind {
            FutKind::Plain => self.future_cancel_plain(fut, msg),
            FutKind::Task(t) => self.task_cancel(t, msg),
            FutKind::Gather(g) => {
                if self.futs[fut as usize].done() {
                    return false;
                }
                let children = self.gathers[g as usize].children.clone();
                let mut ret = false;
                for c in children {
                    if self.fut_cancel(c, msg.clone()) {
                        ret = true;
                    }
                }
                if ret {
                    self.gathers[g as usize].cancel_requested = true;
                }
                ret
            }
        }
    }

    /// `_make_cancelled_error()`.
    pub(crate) fn make_cancelled_error(&mut self, fut: FutId) -> Exc {
        let f = &mut self.futs[fut as usize];
        if let Some(e) = f.cancel.as_mut().and_then(|c| c.exc.take()) {
            return e;
        }
        match f.cancel_msg() {
            None | Some(Value::None) => ExcObj::new(ExcClass::CancelledError, vec![]),
            Some(m) => ExcObj::new(ExcClass::CancelledError, vec![m.clone()]),
        }
    }

    /// `fut.result()`: the value, or the exception it raises.
    pub(crate) fn fut_outcome(&mut self, fut: FutId) -> Result<Value, Exc> {
        match &self.futs[fut as usize].state {
            FutState::Result(v) => Ok(v.clone()),
            FutState::Exception(e) => {
                let e = e.clone();
                self.retrieve(fut);
                Err(e)
            }
            FutState::Cancelled => Err(self.make_cancelled_error(fut)),
            FutState::Pending => Err(ExcObj::msg(ExcClass::InvalidStateError, "Result is not set.")),
        }
    }

    // ---- tasks -----------------------------------------------------------

    /// `loop.create_task(coro)`: a new task whose first step is queued.
    pub(crate) fn create_task(&mut self, coro: CoroId, args: Vec<Value>, noop: bool) -> Result<TaskId, Exc> {
        self.create_named_task(coro, args, noop, None)
    }

    /// `loop.create_task(coro, name=name)`. A named task still takes a
    /// `Task-N` number in 3.11.
    pub(crate) fn create_named_task(
        &mut self,
        coro: CoroId,
        args: Vec<Value>,
        noop: bool,
        name: Option<Rc<str>>,
    ) -> Result<TaskId, Exc> {
        if self.tasks.len() as u32 >= self.limits.max_tasks {
            let msg = format!("the run created more than {} tasks (--max-tasks)", self.limits.max_tasks);
            self.limit_hit = Some(msg.clone());
            return Err(ExcObj::msg(ExcClass::RuntimeError, msg));
        }
        let id = self.tasks.len() as TaskId;
        self.task_counter += 1;
        let name = match name {
            Some(n) => TaskName::Given(n),
            None => TaskName::Auto(self.task_counter),
        };
        let fut = self.new_fut(FutKind::Task(id));
        let frames = if noop { Vec::new() } else { vec![self.new_frame(coro, args.clone(), None)] };
        self.tasks.push(Task {
            name,
            coro,
            args: args.into(),
            fut,
            frames,
            resume: Resume::Start,
            must_cancel: false,
            cancel_msg: None,
            num_cancels: 0,
            fut_waiter: None,
            exc_info: Vec::new(),
            noop,
            token: std::rc::Weak::new(),
            unretrieved: false,
            referenced: false,
            holds: 0,
        });
        self.call_soon(Ready::Step(id, None));
        self.record(id, EventKind::Created);
        Ok(id)
    }

    pub(crate) fn new_frame(&self, coro: CoroId, args: Vec<Value>, ret: Option<Target>) -> Frame {
        let code = &self.prog.coros[coro as usize];
        let mut locals = args;
        locals.resize(code.n_locals as usize, Value::Unbound);
        Frame {
            coro,
            pc: 0,
            locals,
            iters: vec![Iter::Done; code.n_iters as usize],
            groups: vec![u32::MAX; code.n_groups as usize],
            handlers: Vec::new(),
            completions: Vec::new(),
            stars: Vec::new(),
            ret,
            exc_base: 0,
        }
    }

    pub(crate) fn task_ref(&mut self, t: TaskId) -> Value {
        let task = &mut self.tasks[t as usize];
        task.referenced = true;
        let token = task.token.upgrade().unwrap_or_else(|| {
            let rc = Rc::new(crate::value::TaskToken);
            task.token = Rc::downgrade(&rc);
            rc
        });
        Value::Task(TaskRef { id: t, name: task.name.clone(), _token: token })
    }

    /// `fut.exception()` / `fut.result()` was called: its exception counts as retrieved.
    pub(crate) fn retrieve(&mut self, fut: FutId) {
        if let FutKind::Task(t) = self.futs[fut as usize].kind {
            self.tasks[t as usize].unretrieved = false;
        }
    }

    /// CPython logs "Task exception was never retrieved" when a failed task
    /// is freed unretrieved: when no value refers to it and no done callback
    /// of it is still queued.
    pub(crate) fn check_unretrieved(&mut self) {
        let pending = std::mem::take(&mut self.unretrieved_pending);
        for t in pending {
            let task = &self.tasks[t as usize];
            if !task.unretrieved || task.referenced {
                continue;
            }
            if task.holds > 0 || self.futs[task.fut as usize].queued > 0 {
                self.unretrieved_pending.push(t);
                continue;
            }
            self.report_unretrieved(t);
        }
    }

    fn report_unretrieved(&mut self, t: TaskId) {
        self.tasks[t as usize].unretrieved = false;
        let text = format!("Task exception was never retrieved\nfuture: {}", self.task_repr(t));
        self.record(t, EventKind::Warning(&text));
    }

    /// `<Task finished name='Task-2' coro=<worker()> exception=ValueError('x')>`.
    fn task_repr(&self, t: TaskId) -> String {
        let task = &self.tasks[t as usize];
        let exc = match &self.futs[task.fut as usize].state {
            FutState::Exception(e) => format!(" exception={}", e.repr()),
            _ => String::new(),
        };
        format!("<Task finished name='{}' coro=<{}() done>{exc}>", task.name, self.prog.coros[task.coro as usize].name)
    }

    /// What was freed since the last look: never-awaited coroutines are
    /// reported, and failed tasks may have lost their last reference.
    pub(crate) fn after_handle(&mut self, t: Option<TaskId>) {
        for d in crate::value::take_dropped() {
            if let crate::value::Dropped::Coro(name) = d {
                let who = t.unwrap_or(0);
                self.record(who, EventKind::Warning(&format!("RuntimeWarning: coroutine '{name}' was never awaited")));
            }
        }
        if !self.unretrieved_pending.is_empty() {
            self.check_unretrieved();
        }
    }

    pub(crate) fn task_done(&self, t: TaskId) -> bool {
        self.futs[self.tasks[t as usize].fut as usize].done()
    }

    /// `Task.cancel(msg)`.
    pub(crate) fn task_cancel(&mut self, t: TaskId, msg: Option<Value>) -> bool {
        if self.task_done(t) {
            return false;
        }
        self.tasks[t as usize].num_cancels += 1;
        if let Some(w) = self.tasks[t as usize].fut_waiter {
            if self.fut_cancel(w, msg.clone()) {
                return true;
            }
        }
        let task = &mut self.tasks[t as usize];
        task.must_cancel = true;
        task.cancel_msg = msg.map(Box::new);
        true
    }

    /// `Task.uncancel()`.
    pub(crate) fn task_uncancel(&mut self, t: TaskId) -> u32 {
        let task = &mut self.tasks[t as usize];
        task.num_cancels = task.num_cancels.saturating_sub(1);
        task.num_cancels
    }

    // ---- gather and task groups -----------------------------------------

    /// Starts `asyncio.gather(...)`: the state its callbacks refer to. The
    /// children are added one by one with [`Vm::gather_child`], each wrapped
    /// and given its done callback before the next argument is looked at, as
    /// CPython's loop does; [`Vm::gather_end`] makes the outer future.
    pub(crate) fn gather_begin(&mut self, return_exceptions: bool) -> u32 {
        self.gathers.push(Gather {
            outer: None,
            children: Vec::new(),
            distinct: BTreeSet::new(),
            nfinished: 0,
            return_exceptions,
            cancel_requested: false,
        });
        (self.gathers.len() - 1) as u32
    }

    /// Adds a child future; one seen before is listed again but counted once.
    pub(crate) fn gather_child(&mut self, g: u32, fut: FutId) {
        let gs = &mut self.gathers[g as usize];
        gs.children.push(fut);
        if gs.distinct.insert(fut) {
            self.hold(fut, 1);
            self.add_done_callback(fut, Callback::Gather(g));
        }
    }

    /// gather / wait / as_completed keep a task alive while they hold it.
    pub(crate) fn hold(&mut self, fut: FutId, delta: i32) {
        if let FutKind::Task(t) = self.futs[fut as usize].kind {
            let h = &mut self.tasks[t as usize].holds;
            *h = h.saturating_add_signed(delta);
        }
    }

    /// The outer future is done: gather lets go of its children.
    fn gather_release(&mut self, g: u32) {
        let children: Vec<FutId> = self.gathers[g as usize].distinct.iter().copied().collect();
        for c in children {
            self.hold(c, -1);
        }
    }

    /// Makes the outer future (already done, with `[]`, for no children).
    pub(crate) fn gather_end(&mut self, g: u32) -> FutId {
        if self.gathers[g as usize].children.is_empty() {
            let outer = self.new_fut(FutKind::Plain);
            self.futs[outer as usize].state = FutState::Result(Value::list(Vec::new()));
            return outer;
        }
        let outer = self.new_fut(FutKind::Gather(g));
        self.gathers[g as usize].outer = Some(outer);
        outer
    }

    /// gather's `_done_callback(fut)`.
    fn gather_done(&mut self, g: u32, fut: FutId) {
        let gs = &mut self.gathers[g as usize];
        gs.nfinished += 1;
        // bpo-46672: a child may finish before gather() made the outer future.
        let outer = gs.outer;
        if outer.is_none_or(|o| self.futs[o as usize].done()) {
            // `if not fut.cancelled(): fut.exception()`
            self.retrieve(fut);
            return;
        }
        let outer = outer.expect("checked");
        if !self.gathers[g as usize].return_exceptions {
            if self.futs[fut as usize].cancelled() {
                let exc = self.make_cancelled_error(fut);
                self.set_exception(outer, exc);
                self.gather_release(g);
                return;
            }
            if let FutState::Exception(e) = &self.futs[fut as usize].state {
                let e = e.clone();
                self.retrieve(fut);
                self.set_exception(outer, e);
                self.gather_release(g);
                return;
            }
        }
        let gs = &self.gathers[g as usize];
        if gs.nfinished == gs.distinct.len() {
            let children = gs.children.clone();
            for &c in &children {
                self.retrieve(c);
            }
            let mut results = Vec::with_capacity(children.len());
            for &c in &children {
                let f = &self.futs[c as usize];
                results.push(match &f.state {
                    FutState::Cancelled => {
                        let msg = match f.cancel_msg() {
                            None | Some(Value::None) => Value::str(""),
                            Some(m) => m.clone(),
                        };
                        Value::Exc(ExcObj::new(ExcClass::CancelledError, vec![msg]))
                    }
                    FutState::Exception(e) => Value::Exc(e.clone()),
                    FutState::Result(v) => v.clone(),
                    FutState::Pending => Value::None,
                });
            }
            if self.gathers[g as usize].cancel_requested {
                let last = *children.last().expect("gather has children");
                let exc = self.make_cancelled_error(last);
                self.set_exception(outer, exc);
            } else {
                self.set_result(outer, Value::list(results));
            }
            self.gather_release(g);
        }
    }

    /// `TaskGroup._abort()`: cancel every child not done, in creation order.
    pub(crate) fn tg_abort(&mut self, g: u32) {
        self.groups[g as usize].aborting = true;
        let tasks: Vec<TaskId> = self.groups[g as usize].tasks.iter().copied().collect();
        for t in tasks {
            if !self.task_done(t) {
                self.task_cancel(t, None);
            }
        }
    }

    /// `TaskGroup._on_task_done(task)`.
    fn tg_task_done(&mut self, g: u32, fut: FutId) {
        let FutKind::Task(t) = self.futs[fut as usize].kind else {
            return;
        };
        let grp = &mut self.groups[g as usize];
        grp.tasks.remove(&t);
        if let Some(oc) = grp.on_completed {
            if grp.tasks.is_empty() && !self.futs[oc as usize].done() {
                self.set_result(oc, Value::Bool(true));
            }
        }
        let exc = match &self.futs[fut as usize].state {
            FutState::Exception(e) => e.clone(),
            _ => return,
        };
        self.retrieve(fut);
        let grp = &mut self.groups[g as usize];
        grp.errors.push(exc.clone());
        if (exc.is(ExcClass::KeyboardInterrupt) || exc.is(ExcClass::SystemExit)) && grp.base_error.is_none() {
            grp.base_error = Some(exc);
        }
        let parent = grp.parent;
        if self.task_done(parent) {
            return;
        }
        let grp = &self.groups[g as usize];
        if !grp.aborting && !grp.parent_cancel_requested {
            self.tg_abort(g);
            self.groups[g as usize].parent_cancel_requested = true;
            self.task_cancel(parent, None);
        }
    }

    // ---- asyncio.run -------------------------------------------------------

    fn initialise(&mut self) -> Result<(), Exc> {
        let prog = self.prog;
        for (i, init) in &prog.global_init {
            let v = self.eval_global(init)?;
            self.globals[*i as usize] = v;
        }
        let mut own_locks = Vec::new();
        let mut barriers = Vec::new();
        for (i, p) in prog.prims.iter().enumerate() {
            let arg = self.eval_global(&p.arg)?;
            if p.kind == crate::value::PrimKind::Condition {
                // Condition(lock=None): the given Lock, or a new one of its own.
                let lock = match &arg {
                    Value::Prim(l) if l.kind == crate::value::PrimKind::Lock => l.id,
                    Value::None => {
                        own_locks.push(i);
                        u32::MAX
                    }
                    other => {
                        return Err(ops_type_error(format!(
                            "asim's Condition() takes a Lock, not {}",
                            other.type_name()
                        )))
                    }
                };
                self.prims.push(Prim::Cond { lock, waiters: VecDeque::new() });
            } else if p.kind == crate::value::PrimKind::Barrier {
                let parties = match &arg {
                    Value::Int(n) => *n,
                    other => {
                        return Err(ops_type_error(format!(
                            "'<' not supported between instances of '{}' and 'int'",
                            other.type_name()
                        )))
                    }
                };
                if parties < 1 {
                    return Err(crate::value::ops::value_error("parties must be > 0"));
                }
                barriers.push(i);
                let state = crate::compile::barrier_state::FILLING;
                self.prims.push(Prim::Barrier { parties, state, count: 0, cond: u32::MAX });
            } else {
                self.prims.push(prims::construct(p.kind, &arg)?);
            }
            self.prim_names.push(p.name.as_str().into());
        }
        // A Barrier's Condition (named after the barrier), whose lock is its own.
        for &i in &barriers {
            let cond = self.prims.len() as u32;
            self.prims.push(Prim::Cond { lock: u32::MAX, waiters: VecDeque::new() });
            self.prim_names.push(prog.prims[i].name.as_str().into());
            own_locks.push(cond as usize);
            if let Prim::Barrier { cond: c, .. } = &mut self.prims[i] {
                *c = cond;
            }
        }
        for i in own_locks {
            let id = self.prims.len() as u32;
            self.prims.push(Prim::Lock { locked: false, waiters: VecDeque::new(), holder: None });
            let owner = self.prim_names[i].clone();
            self.prim_names.push(format!("{owner}'s lock").into());
            if let Prim::Cond { lock, .. } = &mut self.prims[i] {
                *lock = id;
            }
        }
        // Each queue's `_finished` Event (initially set), after the declared ones.
        for i in 0..prog.prims.len() {
            if let Prim::Queue(_) = &self.prims[i] {
                let fin = self.prims.len() as u32;
                self.prims.push(Prim::Event { flag: true, waiters: VecDeque::new() });
                self.prim_names.push(format!("{}.join()", prog.prims[i].name).into());
                if let Prim::Queue(q) = &mut self.prims[i] {
                    q.finished = fin;
                }
            }
        }
        for c in &prog.coros {
            let mut d = Vec::new();
            for e in &c.defaults {
                d.push(match e {
                    Some(e) => Some(self.eval_global(e)?),
                    None => None,
                });
            }
            self.defaults.push(d);
        }
        Ok(())
    }

    /// `run_until_complete(fut)`.
    fn run_until_complete(&mut self, fut: FutId) -> Result<(), Stop> {
        self.add_done_callback(fut, Callback::RunUntilComplete);
        self.run_forever()
    }

    /// `asyncio.run(main())`, then `Runner.close()`.
    pub(crate) fn run(mut self) -> RunEnd {
        // Nothing freed by an earlier run on this thread belongs to this one.
        let _ = crate::value::take_dropped();
        if let Err(e) = self.initialise() {
            return self.finish(Some(Err(e)), None);
        }
        let main = match self.create_task(self.prog.main, Vec::new(), false) {
            Ok(t) => t,
            Err(e) => return self.finish(Some(Err(e)), None),
        };
        // Runner.run holds the main task (and retrieves its result).
        self.tasks[main as usize].referenced = true;
        let main_fut = self.tasks[main as usize].fut;
        if let Err(stop) = self.run_until_complete(main_fut) {
            return self.finish(None, Some(stop));
        }
        // run_until_complete returns future.result(): main's outcome is retrieved.
        let result = self.fut_outcome(main_fut);
        // Runner.close(): _cancel_all_tasks, shutdown_asyncgens, shutdown_default_executor.
        let to_cancel: Vec<TaskId> = (0..self.tasks.len() as TaskId).filter(|&t| !self.task_done(t)).collect();
        if !to_cancel.is_empty() {
            for &t in &to_cancel {
                self.record(t, EventKind::ShutdownCancel);
                self.task_cancel(t, None);
            }
            let to_cancel_kept = to_cancel.clone();
            let g = self.gather_begin(true);
            for &t in &to_cancel {
                let f = self.tasks[t as usize].fut;
                self.gather_child(g, f);
            }
            let outer = self.gather_end(g);
            if let Err(stop) = self.run_until_complete(outer) {
                return self.finish(None, Some(stop));
            }
            // _cancel_all_tasks: a task that ended with an exception is reported.
            for t in to_cancel_kept {
                let f = self.tasks[t as usize].fut;
                if let FutState::Exception(_) = &self.futs[f as usize].state {
                    self.retrieve(f);
                    let text =
                        format!("unhandled exception during asyncio.run() shutdown\ntask: {}", self.task_repr(t));
                    self.record(t, EventKind::Warning(&text));
                }
            }
        }
        for _ in 0..2 {
            let t = match self.create_task(self.prog.main, Vec::new(), true) {
                Ok(t) => t,
                Err(_) => break,
            };
            let f = self.tasks[t as usize].fut;
            if let Err(stop) = self.run_until_complete(f) {
                return self.finish(None, Some(stop));
            }
        }
        // What is still referenced when the program ends is freed by the
        // interpreter's final garbage collection, whose logging CPython does
        // not reliably show: asim reports nothing more.
        self.finish(Some(result), None)
    }

    fn finish(mut self, main: Option<Result<Value, Exc>>, mut stop: Option<Stop>) -> RunEnd {
        if let Some(msg) = self.limit_hit.take() {
            // A limit hit where no loop was running yet (the main task itself).
            stop.get_or_insert(Stop::Limit(msg));
        }
        self.note_live();
        let outcome = match (stop, main) {
            (Some(Stop::Deadlock), _) => Outcome::Deadlock(self.deadlock_report()),
            (Some(Stop::Output), _) => {
                Outcome::Limit(Limit { message: "output could not be written".into(), running: Vec::new() })
            }
            (Some(Stop::Limit(message)), _) => Outcome::Limit(Limit { message, running: self.running_tasks() }),
            (None, Some(Err(e))) => Outcome::Error {
                kind: e.class.name().to_owned(),
                message: e.to_str(),
                traceback: e
                    .traceback
                    .borrow()
                    .iter()
                    .map(|tb| (self.prog.coros[tb.coro as usize].name.clone(), tb.line, 0))
                    .collect(),
            },
            _ => Outcome::Ok,
        };
        let mut end = RunEnd {
            elapsed: self.now,
            outcome,
            tasks: self.tasks.iter().filter(|t| !t.noop).count(),
            events: self.nevents.get(),
            write_error: self.write_error.get(),
            peak_live: self.peak_live,
        };
        let tasks = Tasks { tasks: &self.tasks, prog: self.prog };
        if let Err(e) = self.sink.borrow_mut().finish(&end, &tasks) {
            end.write_error.get_or_insert(e.kind());
        }
        end
    }

    /// Every unfinished task and where it is, for a limit report.
    fn running_tasks(&self) -> Vec<(u32, String)> {
        let mut out = Vec::new();
        for (i, task) in self.tasks.iter().enumerate() {
            if task.noop || self.task_done(i as u32) {
                continue;
            }
            let place = match task.frames.last() {
                Some(f) if !matches!(task.resume, Resume::Start) => {
                    let code = &self.prog.coros[f.coro as usize];
                    let pc = f.pc.saturating_sub(1).min(code.code.len().saturating_sub(1));
                    match code.code.get(pc) {
                        Some(instr) => format!("{}() at line {}", code.name, self.line_of(instr.span.start)),
                        None => format!("{}()", code.name),
                    }
                }
                _ => "not started yet".to_owned(),
            };
            out.push((i as u32, place));
        }
        out
    }
}

/// The next float above a non-negative `x` (`f64::next_up`, Rust 1.86).
fn next_up(x: f64) -> f64 {
    f64::from_bits(x.to_bits() + 1)
}

fn ops_type_error(msg: String) -> Exc {
    crate::value::ops::type_error(msg)
}

/// Runs a compiled program, streaming its events into `sink`.
pub(crate) fn run(prog: &Program, limits: Limits, sink: &mut dyn Sink) -> RunEnd {
    Vm::new(prog, limits, sink).run()
}

#[cfg(test)]
mod tests {
    use crate::source::Source;

    /// Collects the names of the tasks, in creation order.
    struct Names(Vec<String>);

    impl super::Sink for Names {
        fn event(&mut self, _: &super::Event<'_>, _: &super::Tasks<'_>) -> std::io::Result<()> {
            Ok(())
        }
        fn finish(&mut self, _: &super::RunEnd, tasks: &super::Tasks<'_>) -> std::io::Result<()> {
            self.0 = (0..tasks.len() as u32).map(|t| tasks.name(t).to_string()).collect();
            Ok(())
        }
    }

    fn task_names(scenario: &str) -> Vec<String> {
        let compiled = crate::compile_source(&Source::new("t.yaml", scenario)).expect("valid scenario");
        let mut names = Names(Vec::new());
        compiled.run(super::Limits::default(), &mut names);
        names.0
    }

    #[test]
    fn task_numbers_follow_cpythons_counter() {
        // (scenario, names in creation order), per asyncio-notes.md section 2.7;
        // the last two are the shutdown_asyncgens and shutdown_default_executor tasks.
        let table: &[(&str, &[&str])] = &[
            ("main:\n  - print: hi\n", &["Task-1", "Task-2", "Task-3"]),
            // An inline await creates no task.
            ("coroutines:\n  f():\n    - return: 1\nmain:\n  - await: f()\n  - spawn: f()\n", &["Task-1", "Task-2", "Task-3", "Task-4"]),
            // A named task still takes a number.
            (
                "coroutines:\n  f():\n    - return: 1\nmain:\n  - spawn: f()\n    name: x\n  - spawn: f()\n",
                &["Task-1", "x", "Task-3", "Task-4", "Task-5"],
            ),
            // gather: one task per coroutine argument, none for a task handle.
            (
                "coroutines:\n  f():\n    - return: 1\nmain:\n  - spawn: f()\n    as: t\n  - gather:\n      - f()\n      - t\n      - f()\n",
                &["Task-1", "Task-2", "Task-3", "Task-4", "Task-5", "Task-6"],
            ),
            // TaskGroup children, then a task after the group.
            (
                "coroutines:\n  f():\n    - return: 1\nmain:\n  - task_group:\n      - spawn: f()\n      - spawn: f()\n        name: named\n  - spawn: f()\n",
                &["Task-1", "Task-2", "named", "Task-4", "Task-5", "Task-6"],
            ),
        ];
        for (scenario, want) in table {
            assert_eq!(task_names(scenario), *want, "{scenario}");
        }
    }
}

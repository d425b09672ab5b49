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

mod arena;
mod as_completed;
mod awaits;
mod cache;
mod causes;
mod condition;
mod deadlock;
mod eval;
mod event;
mod event_loop;

mod exec;
mod fifo;
mod frames;
mod futures;
mod gather;
mod heap;
mod inspect;
mod prims;
pub(crate) mod queue;
mod run;
mod set_order;
mod tasks;
mod timers;
mod vary;
mod wait;

use event_loop::*;
use frames::*;
use futures::*;
use gather::*;
use tasks::*;
use timers::*;

pub(crate) use crate::compile::QueueOp;
use queue::{QueueKind, QueueState};

use crate::compile::{CoroId, Program, Target};
pub use crate::syntax::spread::Spread;
pub(crate) use crate::value::TaskName;
use crate::value::{Exc, ExcClass, ExcObj, TaskRef, TgView, Value};
pub(crate) use causes::RawCause;
pub use deadlock::{Deadlock, Waiting};
pub(crate) use event::push_u32_bytes;
pub use event::{
    Canceller, Cause, Event, EventKind, Failure, Interest, Limit, Link, Live, Name, Op, Outcome, Repr, RunEnd, Sink,
    Tasks, WaitOn,
};
pub(crate) use inspect::run_at;
pub use inspect::{FrameState, PrimitiveState, Snapshot, TaskState, TimerState, WaitList};
pub use set_order::{SetChoice, SetOrder, SetSite};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;
pub use vary::{Draw, Variant};

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
    /// Bytes of heap the run may hold (counted only where the allocator is
    /// [`crate::memory::Counting`], as in the `asim` binary).
    pub max_memory: u64,
    /// Not a limit: the order of the set iterations CPython leaves to
    /// memory addresses (`--set-order`).
    pub set_order: SetOrder,
    /// Not a limit: CPython's `PYTHONHASHSEED` whose str hashes the run
    /// uses (`--hash-seed`; 0 by default).
    pub hash_seed: u32,
    /// Not a limit: the CPython release to reproduce (`--python`), which
    /// wins over the scenario's `python:`; without either, the newest.
    pub python: Option<crate::version::Python>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 100_000_000,
            max_tasks: 2_000_000,
            max_iterations: 20_000_000,
            max_time: 10_000_000.0,
            max_output: 1 << 30,
            max_memory: 4 << 30,
            set_order: SetOrder::Creation,
            hash_seed: 0,
            python: None,
        }
    }
}

/// The scenario line of a warning issued where CPython's code has no line
/// number (shown as line -1).
pub const NO_LINE: u32 = u32::MAX;

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
    /// A task raised `KeyboardInterrupt` or `SystemExit`: `Task.__step`
    /// re-raises it out of the loop, which stops where it is.
    Interrupt(Exc),
    Deadlock,
    Limit(String),
    /// The sink could not write (a closed pipe, a full disk).
    Output,
    /// The clock was about to pass the instant `asim run --at` asked for
    /// (see [`inspect`]).
    At,
    /// The clock would pass the sink's [`Sink::horizon`].
    Horizon,
}

/// The emulator.
pub(crate) struct Vm<'p> {
    /// The running task's frame count below the plain function being
    /// called (`functions:`): returning or raising out of that frame ends
    /// the nested run (0: no call in progress).
    pub(crate) sync_floor: usize,
    /// The exception that left a plain function last: its caller's frame
    /// takes it as propagated, not raised anew (its context stays).
    pub(crate) sync_escaped: Option<Exc>,
    /// The slots of the comprehensions and lambdas being evaluated, and
    /// where each one's start (innermost last).
    pub(crate) scope_vals: Vec<Value>,
    pub(crate) scope_bases: Vec<usize>,
    pub(crate) prog: &'p Program,
    pub(crate) now: f64,
    ready: fifo::Fifo<Ready>,
    /// The timer heap. Each entry carries its deadline, so sifting compares
    /// within the heap's own array (the order is the same: CPython compares
    /// `when` alone).
    heap: Vec<HeapEntry>,
    timers: arena::Arena<Timer>,
    free_timers: Vec<u32>,
    timer_cancelled_count: usize,
    stopping: bool,
    pub(crate) futs: arena::Arena<Fut>,
    free_futs: Vec<FutId>,
    pub(crate) tasks: arena::Arena<Task>,
    pub(crate) gathers: Vec<Gather>,
    pub(crate) groups: Vec<TaskGroup>,
    pub(crate) timeouts: Vec<Timeout>,
    pub(crate) waits: Vec<wait::WaitState>,
    /// Failed tasks not retrieved yet, still referenced.
    pub(crate) unretrieved_pending: Vec<TaskId>,
    /// The warnings shown, by text and scenario line (Python's
    /// `__warningregistry__`): each is shown once per place.
    pub(crate) warned: BTreeSet<(String, u32)>,
    /// The `KeyboardInterrupt`/`SystemExit` a task just ended with.
    pub(crate) interrupt: Option<Exc>,
    /// Primitives made in code so far (their names count them).
    pub(crate) made_prims: u32,
    /// What CPython frees only in a garbage collection (objects in reference
    /// cycles, and what they refer to): held to the end of the run, so that
    /// nothing in it is reported freed.
    pub(crate) uncollected: Vec<Box<dyn std::any::Any>>,
    pub(crate) as_completed: Vec<as_completed::AsCompleted>,
    pub(crate) prims: Vec<Prim>,
    /// Names of the primitives (the declared ones, then internal ones
    /// such as a queue's `_finished` event).
    pub(crate) prim_names: Vec<Rc<str>>,
    /// asyncio's own primitives inside others, as the event stream names
    /// them: a Condition's own Lock (a Barrier's Condition's too) by the
    /// Condition, whose name is the Barrier's (`None` would hide one).
    /// Others go by their own name.
    pub(crate) prim_alias: std::collections::BTreeMap<u32, Option<u32>>,
    /// `Value::Prim` of each declared primitive, made once.
    pub(crate) prim_values: Vec<Value>,
    /// The emptied extra parts of finished frames (at most
    /// [`SPARE_EXTRAS`]), so a `try` or `with` in each of many tasks does
    /// not allocate one each.
    #[allow(clippy::vec_box)] // the boxes themselves are what is reused
    pub(crate) spare_extras: Vec<Box<frames::FrameExtra>>,
    /// Each coroutine's name, shared by its coroutine objects.
    pub(crate) coro_names: Vec<Rc<str>>,
    pub(crate) globals: Vec<Value>,
    pub(crate) defaults: Vec<Vec<Option<Value>>>,
    /// The process-global `Task-N` counter.
    task_counter: u32,
    /// Where events go, and which kinds it wants built.
    sink: RefCell<&'p mut dyn Sink>,
    interest: Interest,
    /// [`Sink::horizon`], or infinity.
    horizon: f64,
    nevents: Cell<u64>,
    write_error: Cell<Option<std::io::ErrorKind>>,
    pub(crate) steps: u64,
    iterations: u64,
    pub(crate) output_bytes: u64,
    /// Tasks that have finished (their frames are freed).
    pub(crate) finished_tasks: usize,
    peak_live: Live,
    /// While declaring globals and primitives: the declaration being run.
    module_at: Option<usize>,
    pub(crate) limits: Limits,
    pub(crate) limit_hit: Option<String>,
    /// The set iterations whose order was a choice (see [`set_order`]).
    pub(crate) set_choices: Vec<SetChoice>,
    /// `random`'s generator, seeded from the scenario's `seed:`.
    pub(crate) rng: Option<Box<crate::value::random::Rng>>,
    /// The CPython release whose behaviour the run reproduces.
    pub(crate) py: crate::version::Python,
    /// The exception the code running the loop is handling: main's, while
    /// `asyncio.run`'s `Runner.__exit__` shuts down after main failed. An
    /// exception raised in a task that handles nothing itself gets it as
    /// its `__context__`.
    pub(crate) handling_outside: Option<Exc>,
    /// The version changes whose mechanism the run went through, as
    /// [`crate::version::Change::bit`]s (see [`Vm::has`]).
    pub(crate) changes: u64,
    /// Why tasks wake up (kept only for sinks that read wake-ups).
    pub(crate) causes: causes::Causes,
    /// `asim run --at T`: the run stops when the clock would pass T
    /// (infinite otherwise), and its state is captured into the slot.
    pub(crate) at_time: f64,
    pub(crate) at_slot: Option<&'p RefCell<Option<Snapshot>>>,
    /// `asim explore`'s variant: the durations it draws (`None`: every
    /// duration as written).
    pub(crate) vary: Option<vary::Vary<'p>>,
}

/// See [`Vm::spare_extras`].
const SPARE_EXTRAS: usize = 1024;

impl<'p> Vm<'p> {
    /// Drops a finished frame, keeping its extra part for reuse.
    pub(crate) fn drop_frame(&mut self, mut f: Frame) {
        if f.pinned() {
            // Kept by a traceback in a reference cycle: not freed (nor
            // what its locals name) while the program runs.
            let locals = std::mem::take(&mut f.locals);
            self.uncollected.push(Box::new(locals));
        }
        if let Some(x) = f.into_spare() {
            if self.spare_extras.len() < SPARE_EXTRAS {
                self.spare_extras.push(x);
            }
        }
    }

    pub(crate) fn new(prog: &'p Program, limits: Limits, sink: &'p mut dyn Sink) -> Self {
        let interest = sink.interest();
        let horizon = sink.horizon().unwrap_or(f64::INFINITY);
        Vm {
            prog,
            now: 0.0,
            ready: fifo::Fifo::default(),
            heap: Vec::new(),
            timers: arena::Arena::default(),
            free_timers: Vec::new(),
            timer_cancelled_count: 0,
            stopping: false,
            futs: arena::Arena::default(),
            free_futs: Vec::new(),
            tasks: arena::Arena::default(),
            gathers: Vec::new(),
            groups: Vec::new(),
            timeouts: Vec::new(),
            waits: Vec::new(),
            unretrieved_pending: Vec::new(),
            sync_floor: 0,
            sync_escaped: None,
            warned: BTreeSet::new(),
            interrupt: None,
            made_prims: 0,
            uncollected: Vec::new(),
            as_completed: Vec::new(),
            prims: Vec::new(),
            prim_names: Vec::new(),
            prim_values: Vec::new(),
            prim_alias: std::collections::BTreeMap::new(),
            spare_extras: Vec::new(),
            coro_names: prog.coros.iter().map(|c| c.name.as_str().into()).collect(),
            globals: vec![Value::Unbound; prog.globals.len()],
            defaults: Vec::new(),
            task_counter: 0,
            sink: RefCell::new(sink),
            interest,
            horizon,
            nevents: Cell::new(0),
            write_error: Cell::new(None),
            steps: 0,
            iterations: 0,
            output_bytes: 0,
            finished_tasks: 0,
            peak_live: Live::default(),
            module_at: None,
            limits,
            set_choices: Vec::new(),
            limit_hit: None,
            scope_vals: Vec::new(),
            scope_bases: Vec::new(),
            rng: prog.seed.as_deref().map(crate::value::random::Rng::from_key),
            py: limits.python.or(prog.python).unwrap_or(crate::version::Python::DEFAULT),
            changes: 0,
            handling_outside: None,
            causes: causes::Causes::new(interest.wants_trace()),
            at_time: f64::INFINITY,
            at_slot: None,
            vary: None,
        }
    }

    /// Whether the release being reproduced has `change`, asked where the
    /// run's behaviour depends on it: the run notes that it went through
    /// the change's mechanism, so `--python all` can name it.
    #[inline]
    pub(crate) fn has(&mut self, change: crate::version::Change) -> bool {
        self.changes |= change.bit();
        self.py.has(change)
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

    /// A limit was hit or the output was closed: the running task stops
    /// where it is.
    #[inline]
    pub(crate) fn stopped(&self) -> bool {
        self.limit_hit.is_some() || self.write_error.get().is_some()
    }

    /// Whether the sink wants more than prints and warnings (a view that
    /// prints none of them need not have them built).
    pub(crate) fn tracing(&self) -> bool {
        self.interest.wants_trace()
    }
}

/// Runs a compiled program, streaming its events into `sink`.
pub(crate) fn run(prog: &Program, limits: Limits, sink: &mut dyn Sink) -> RunEnd {
    Vm::new(prog, limits, sink).run()
}

/// Runs one variant of a compiled program (`asim explore`): its set order
/// replaces `limits`'s, and its draws are pushed to `draws` if given.
pub(crate) fn run_variant(
    prog: &Program,
    limits: Limits,
    variant: &Variant,
    draws: Option<&mut Vec<Draw>>,
    sink: &mut dyn Sink,
) -> RunEnd {
    let limits = Limits { set_order: variant.set_order(), ..limits };
    let mut vm = Vm::new(prog, limits, sink);
    vm.vary = vary::Vary::new(prog, variant, draws);
    vm.run()
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

    fn task_names_in(python: crate::version::Python, scenario: &str) -> Vec<String> {
        let compiled = crate::compile_source(&Source::new("t.yaml", scenario)).expect("valid scenario");
        let mut names = Names(Vec::new());
        compiled.run(super::Limits { python: Some(python), ..super::Limits::default() }, &mut names);
        names.0
    }

    fn task_names(scenario: &str) -> Vec<String> {
        task_names_in(crate::version::Python::V3_11, scenario)
    }

    #[test]
    fn from_3_13_a_named_task_takes_no_number() {
        let scenario = "coroutines:\n  f():\n    - return: 1\nmain:\n  - spawn: f()\n    name: x\n  - spawn: f()\n  - task_group:\n      - spawn: f()\n        name: y\n      - spawn: f()\n";
        let want_3_12: &[&str] = &["Task-1", "x", "Task-3", "y", "Task-5", "Task-6", "Task-7"];
        let want_3_13: &[&str] = &["Task-1", "x", "Task-2", "y", "Task-3", "Task-4", "Task-5"];
        assert_eq!(task_names_in(crate::version::Python::V3_12, scenario), want_3_12);
        assert_eq!(task_names_in(crate::version::Python::V3_13, scenario), want_3_13);
        assert_eq!(task_names_in(crate::version::Python::V3_14, scenario), want_3_13);
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
#[cfg(test)]
mod sizes {
    /// The hot data stays compact: a value is three words, and a task, its
    /// frame and a future keep the sizes the memory figures were measured with.
    #[test]
    fn hot_types_stay_small() {
        use std::mem::size_of;
        assert_eq!(size_of::<super::Value>(), 24);
        assert!(size_of::<super::tasks::Task>() <= 104, "{}", size_of::<super::tasks::Task>());
        assert!(size_of::<Option<crate::compile::Target>>() <= 8);

        assert!(size_of::<super::frames::Frame>() <= 32, "{}", size_of::<super::frames::Frame>());
        assert!(size_of::<super::futures::Fut>() <= 48, "{}", size_of::<super::futures::Fut>());
    }
}

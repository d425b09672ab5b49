//! The event stream: the one interface between the run and every view.
//!
//! The emulator hands each [`Event`] to a [`Sink`] the moment it happens and
//! keeps nothing of it: a run's memory follows its live tasks, not the
//! length of its log. Events borrow what they name (a primitive's name, a
//! value) and tasks are named through [`Tasks`] at the moment of the event,
//! so an event costs no allocation unless a view formats it. A sink says
//! once, through [`Sink::interest`], which kinds it reads; the emulator does
//! not even build the others.

use super::{Deadlock, Task};
use crate::compile::Program;
use crate::value::{TaskName, Value};
use std::fmt;

/// Something that happened, as it happens.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Virtual time (`loop.time()`).
    pub t: f64,
    /// The task it happened to (an index for [`Tasks`]).
    pub task: u32,
    /// What happened.
    pub kind: EventKind<'a>,
}

/// The kinds of [`Event`].
#[derive(Debug, Clone, Copy)]
pub enum EventKind<'a> {
    /// A task was created (already named); a [`EventKind::Spawn`] or the
    /// run itself (main, `asyncio.run`'s shutdown tasks) created it.
    Created,
    /// `print(...)`: the text, without the newline.
    Print(&'a str),
    /// The task's coroutine took its first step.
    Start,
    /// The task created another.
    Spawn(u32),
    /// `asyncio.sleep(d)` until the given deadline.
    Sleep(f64),
    /// `time.sleep(d)`: the loop stalled for d seconds.
    Block(f64),
    /// Suspended on something other than a sleep.
    Wait(WaitOn<'a>),
    /// Resumed after a [`EventKind::Wait`] or a [`EventKind::Sleep`].
    Wake {
        /// What completed the wait.
        cause: Cause<'a>,
        /// When it became ready to run (the wake-up was queued): before
        /// the event's time only when a `block` stalled the loop between.
        ready: f64,
    },
    /// The task did something to a primitive (named): acquired or released
    /// a lock or semaphore, set or cleared an event, notified a condition,
    /// put to, got from, marked done or shut down a queue.
    Prim(Op, &'a str),
    /// A cancellation of this task was requested, and by whom (`t.cancel()`,
    /// a TaskGroup, `asyncio.run`'s shutdown, an expired timeout).
    Cancel(Canceller),
    /// Right after a [`EventKind::Wait`] on several tasks at once (a
    /// gather, `asyncio.wait`, `as_completed`, a task group): one of the
    /// tasks it waits for, one event each. Only for a sink whose
    /// [`Sink::interest`] includes [`Interest::AWAITS`].
    Awaits(u32),
    /// Finished with a value.
    Done(Repr<'a>),
    /// Finished with an exception: its type and `str()`.
    Failed(&'a str, &'a str),
    /// Finished cancelled.
    Cancelled,
    /// An `asyncio.timeout()` block of this task expired: it is cancelled.
    TimeoutExpired,
    /// What CPython would log on stderr (asyncio's logger, or a RuntimeWarning).
    /// What CPython writes to stderr while the program runs: asyncio's log
    /// messages and Python's warnings, with the exception a log message
    /// carries (its traceback follows the message).
    /// The third field is the scenario line a Python warning is issued at
    /// (0 for a log message): stderr shows `FILE:LINE: Category: text` and
    /// the line, as Python's warnings module formats it.
    Warning(&'a str, Option<&'a Failure>, u32),
    /// A set of `n` tasks iterated in an order CPython leaves to memory
    /// addresses, here in `order` (`--set-order`): what follows (the
    /// cancellations, the order of results) comes from that choice.
    SetOrder {
        /// Which iteration.
        site: super::SetSite,
        /// The order asim used.
        order: super::SetOrder,
        /// How many tasks.
        n: u32,
    },
}

/// What a task waits on.
#[derive(Debug, Clone, Copy)]
pub enum WaitOn<'a> {
    /// A lock, by name; its holder.
    Lock(&'a str, Option<u32>),
    /// A semaphore, by name.
    Semaphore(&'a str),
    /// An event, by name.
    Event(&'a str),
    /// Another task.
    Task(u32),
    /// A gather of n children.
    Gather(usize),
    /// `asyncio.wait` of n tasks (until the first, the first error, or all).
    Wait(usize, &'static str),
    /// The next result of an `as_completed`, n tasks still to come.
    AsCompleted(usize),
    /// A task group's children.
    TaskGroup(usize),
    /// A queue, by name, and what for.
    Queue(&'a str, &'static str),
    /// A condition's notify, by name.
    Condition(&'a str),
}

/// Why a task woke up: what completed the wait it was suspended in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cause<'a> {
    /// Its `asyncio.sleep` timer came due.
    Slept,
    /// A deadline passed: of `wait_for`, `asyncio.wait` or `as_completed`.
    Deadline,
    /// A task did something to a primitive: released the lock, set the
    /// event, put to the queue...
    Op {
        /// The task that did it.
        by: u32,
        /// What it did.
        op: Op,
        /// The primitive, by name.
        prim: &'a str,
    },
    /// A task it waited for finished (for a gather, `asyncio.wait` or a
    /// TaskGroup: the one whose end completed the wait).
    Finished(u32),
    /// It was cancelled, by this.
    Cancel(Canceller),
    /// A task completed the wait in a way no other cause names.
    Task(u32),
    /// The loop itself (nothing more precise is known).
    Loop,
}

/// What a task did to a primitive ([`EventKind::Prim`], [`Cause::Op`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// Acquired a lock or a semaphore unit (at once, or after waiting).
    Acquire,
    /// Released a lock or a semaphore unit.
    Release,
    /// `event.set()`.
    Set,
    /// `event.clear()`.
    Clear,
    /// `cond.notify(n)` / `notify_all()`.
    Notify,
    /// Put an item into a queue (`put` or `put_nowait`).
    Put,
    /// Took an item from a queue (`get` or `get_nowait`).
    Get,
    /// `queue.task_done()` (wakes `join()` when it was the last).
    TaskDone,
    /// `queue.shutdown()`.
    Shutdown,
}

impl Op {
    /// Every operation, in declaration order.
    pub const ALL: [Op; 9] =
        [Op::Acquire, Op::Release, Op::Set, Op::Clear, Op::Notify, Op::Put, Op::Get, Op::TaskDone, Op::Shutdown];

    /// The word the views use (the event name in JSON).
    pub fn word(self) -> &'static str {
        match self {
            Op::Acquire => "acquire",
            Op::Release => "release",
            Op::Set => "set",
            Op::Clear => "clear",
            Op::Notify => "notify",
            Op::Put => "put",
            Op::Get => "get",
            Op::TaskDone => "task_done",
            Op::Shutdown => "shutdown",
        }
    }

    /// What it did, as a past-tense phrase before the primitive's name
    /// ("released lock", "put to jobs").
    pub fn past(self) -> &'static str {
        match self {
            Op::Acquire => "acquired",
            Op::Release => "released",
            Op::Set => "set",
            Op::Clear => "cleared",
            Op::Notify => "notified",
            Op::Put => "put to",
            Op::Get => "got from",
            Op::TaskDone => "marked an item done in",
            Op::Shutdown => "shut down",
        }
    }
}

/// Who requested a cancellation ([`EventKind::Cancel`], [`Cause::Cancel`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canceller {
    /// A task, with `t.cancel()` (or `wait_for` giving up on what it awaits).
    Task(u32),
    /// The TaskGroup of this task (its parent): a child failed, or the body
    /// raised, so it cancels the other children and its parent.
    TaskGroup(u32),
    /// `asyncio.run`, cancelling the tasks left at shutdown.
    Shutdown,
    /// An `asyncio.timeout()` block of the task expired.
    Timeout,
    /// The loop (a callback no task owns).
    Loop,
}

impl Canceller {
    /// The kind, as the JSON view names it.
    pub fn word(self) -> &'static str {
        match self {
            Canceller::Task(_) => "task",
            Canceller::TaskGroup(_) => "task_group",
            Canceller::Shutdown => "shutdown",
            Canceller::Timeout => "timeout",
            Canceller::Loop => "loop",
        }
    }

    /// The task it names, if any.
    pub fn task(self) -> Option<u32> {
        match self {
            Canceller::Task(t) | Canceller::TaskGroup(t) => Some(t),
            _ => None,
        }
    }
}

impl Cause<'_> {
    /// The kind, as the JSON view names it.
    pub fn word(&self) -> &'static str {
        match self {
            Cause::Slept => "slept",
            Cause::Deadline => "deadline",
            Cause::Op { op, .. } => op.word(),
            Cause::Finished(_) => "finished",
            Cause::Cancel(_) => "cancel",
            Cause::Task(_) => "task",
            Cause::Loop => "loop",
        }
    }

    /// The task it names, if any (who did it).
    pub fn task(&self) -> Option<u32> {
        match *self {
            Cause::Op { by, .. } => Some(by),
            Cause::Finished(t) | Cause::Task(t) => Some(t),
            Cause::Cancel(c) => c.task(),
            _ => None,
        }
    }
}

/// A Python value, printed with `repr()` only if a view asks.
#[derive(Clone, Copy)]
pub struct Repr<'a>(pub(crate) &'a Value);

impl Repr<'_> {
    /// Whether the value is `None` (views often leave it out).
    pub fn is_none(&self) -> bool {
        matches!(self.0, Value::None)
    }
}

impl fmt::Display for Repr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.repr())
    }
}

impl fmt::Debug for Repr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The kinds a sink can ask for, as bits of [`Interest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interest(pub u32);

impl Interest {
    /// Every kind a view shows: prints, warnings and the rest
    /// ([`Interest::TRACE`]). [`Interest::AWAITS`] is asked for on its own
    /// (`Interest::ALL.with(Interest::AWAITS)`): views that do not need it
    /// do not pay for building it.
    pub const ALL: Interest = Interest(1 | 2 | 4);
    /// Every kind but prints, warnings and the opt-in ones.
    pub const TRACE: Interest = Interest(4);
    /// `print` output.
    pub const PRINTS: Interest = Interest(1);
    /// What CPython logs on stderr.
    pub const WARNINGS: Interest = Interest(2);
    /// [`EventKind::Awaits`]: which tasks a gather, `asyncio.wait`,
    /// `as_completed` or task group waits for.
    pub const AWAITS: Interest = Interest(8);
    /// Nothing (the run still ends with [`Sink::finish`]).
    pub const NONE: Interest = Interest(0);

    /// Both sets.
    pub const fn with(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    pub(crate) fn wants(self, kind: &EventKind<'_>) -> bool {
        let bit = match kind {
            EventKind::Print(_) => Self::PRINTS.0,
            EventKind::Warning(..) => Self::WARNINGS.0,
            EventKind::Awaits(_) => Self::AWAITS.0,
            _ => 4,
        };
        self.0 & bit != 0
    }

    /// Whether kinds other than prints and warnings are wanted.
    pub(crate) fn wants_trace(self) -> bool {
        self.0 & 4 != 0
    }
}

/// A consumer of the event stream: a view, a test, a library user.
///
/// Write errors stop the run: the emulator stops at the next handle and
/// hands the error back in [`RunEnd::write_error`].
pub trait Sink {
    /// Which kinds of events to build at all (asked once, before the run).
    fn interest(&self) -> Interest {
        Interest::ALL
    }
    /// One event, at the moment it happens.
    fn event(&mut self, event: &Event<'_>, tasks: &Tasks<'_>) -> std::io::Result<()>;
    /// The end of one loop iteration: a chance to flush.
    fn iteration_end(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    /// The virtual time after which the sink wants nothing more (asked
    /// once, before the run): the run stops, cleanly, instead of moving
    /// its clock past it, and ends with [`Outcome::Stopped`]. `None` (the
    /// default): the whole run.
    fn horizon(&self) -> Option<f64> {
        None
    }
    /// The run is over.
    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> std::io::Result<()>;
}

/// How the run ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// `asyncio.run` returned.
    Ok,
    /// It raised: the exception, with what Python's traceback shows
    /// before it and, for a group, inside it.
    Error(Failure),
    /// Nothing could ever run again.
    Deadlock(Deadlock),
    /// A limit of [`super::Limits`] was hit.
    Limit(Limit),
    /// The sink wanted nothing past this virtual time ([`Sink::horizon`];
    /// `--until`, as the user gave it): the run stopped before its clock
    /// passed it, unfinished, so how it would end is not known.
    Stopped(f64),
}

/// An exception as Python's traceback report shows it.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The exception class (`type(e).__name__`).
    pub kind: String,
    /// The class's module when Python names it in a traceback (not
    /// `builtins` nor the program's own): `asyncio.exceptions`, or empty.
    pub module: &'static str,
    /// `str(exc)`.
    pub message: String,
    /// (coroutine, line, column) frames of the scenario, outermost first.
    pub traceback: Vec<(String, u32, u32)>,
    /// Whether it was raised at all (a cause made only to be named was
    /// not): Python then heads it with "Traceback (most recent call last):",
    /// even when only asyncio's own frames, which asim does not show, are
    /// listed.
    pub raised: bool,
    /// The exceptions printed before this one, earliest first: each is the
    /// `__cause__` or shown `__context__` of the next (the last of this
    /// one). Each element's own `chain` is empty.
    pub chain: Vec<(Failure, Link)>,
    /// A group's sub-exceptions, each with its own chain; empty for a
    /// group nested deeper than [`Failure::MAX_GROUP_DEPTH`].
    pub exceptions: Vec<Failure>,
    /// Whether it is an exception group (which may be too deep to list).
    pub group: bool,
}

impl Failure {
    /// Groups nested deeper than this are not shown (Python's traceback
    /// module's `max_group_depth`).
    pub const MAX_GROUP_DEPTH: usize = 10;
    /// A group shows at most this many sub-exceptions, then "and N more
    /// exceptions" (`max_group_width`).
    pub const MAX_GROUP_WIDTH: usize = 15;
}

/// How an exception in a traceback follows the one printed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `raise ... from earlier`: "The above exception was the direct cause
    /// of the following exception:".
    Cause,
    /// Raised while the earlier one was being handled: "During handling of
    /// the above exception, another exception occurred:".
    Context,
}

impl Link {
    /// The sentence Python prints between the two tracebacks.
    pub fn sentence(self) -> &'static str {
        match self {
            Link::Cause => "The above exception was the direct cause of the following exception:",
            Link::Context => "During handling of the above exception, another exception occurred:",
        }
    }

    /// The link's name in the JSON view.
    pub fn word(self) -> &'static str {
        match self {
            Link::Cause => "cause",
            Link::Context => "context",
        }
    }
}

/// A run stopped by a limit.
#[derive(Debug, Clone)]
pub struct Limit {
    /// Which limit, with its value and flag: "the run created more than 5 tasks (--max-tasks)".
    pub message: String,
    /// The first tasks still unfinished when it stopped, in creation order,
    /// and where each one is (`worker() at line 7`).
    pub running: Vec<(u32, String)>,
    /// How many more were still unfinished beyond the first [`Limit::SHOWN`].
    pub more: usize,
}

impl Limit {
    /// How many running tasks a limit report lists by name.
    pub const SHOWN: usize = 20;
}

/// What the run leaves once it is over: counts, not events.
#[derive(Debug, Clone)]
pub struct RunEnd {
    /// Virtual seconds at the end.
    pub elapsed: f64,
    /// How it ended.
    pub outcome: Outcome,
    /// Tasks the program created (asyncio.run's own two excluded).
    pub tasks: usize,
    /// Events emitted (of the kinds the sink asked for).
    pub events: u64,
    /// Instructions executed, across all tasks (what `--max-steps` counts).
    pub steps: u64,
    /// Iterations of the event loop (what `--max-iterations` counts).
    pub iterations: u64,
    /// A sink's write error that stopped the run.
    pub write_error: Option<std::io::ErrorKind>,
    /// The most objects alive at once, sampled at the end of every loop
    /// iteration: memory follows these, not the number of events.
    pub peak_live: Live,
    /// The set iterations of two or more tasks the run went through, whose
    /// order CPython leaves to memory addresses (`--set-order` chose it).
    pub set_choices: Vec<super::SetChoice>,
    /// Whether the program hashed a str (a set of strings): its order may
    /// change with CPython's `PYTHONHASHSEED` (`--hash-seed`).
    pub str_hashes: bool,
    /// Whether the program hashed a value whose hash a 32-bit CPython
    /// computes otherwise (a str, a tuple, a non-integral float, a big
    /// int): on such a build its sets may iterate in another order.
    pub hashes_vary_by_width: bool,
    /// The CPython release whose behaviour the run reproduced.
    pub python: crate::version::Python,
    /// The version changes whose mechanism the run went through
    /// ([`crate::version::Change::bit`]s): what may explain a difference
    /// between two releases.
    pub changes: u64,
}

/// Counts of live runtime objects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Live {
    /// Tasks not finished yet.
    pub tasks: usize,
    /// Futures still referenced (a task's own, a sleep's, a waiter's...).
    pub futures: usize,
    /// Timer handles scheduled or queued.
    pub timers: usize,
    /// Handles in the ready queue.
    pub ready: usize,
}

/// Names and calls of the run's tasks, looked up when a view needs them.
#[derive(Clone, Copy)]
pub struct Tasks<'a> {
    pub(crate) tasks: &'a super::arena::Arena<Task>,
    pub(crate) prog: &'a Program,
}

/// A task's name, for display (pads like a `str` with `{:width$}`).
#[derive(Clone, Copy)]
pub struct Name<'a>(NameRef<'a>);

#[derive(Clone, Copy)]
enum NameRef<'a> {
    /// `Task-N`.
    Auto(u32),
    Given(&'a str),
}

impl<'a> Name<'a> {
    /// Its length in characters.
    pub fn len(&self) -> usize {
        match self.0 {
            NameRef::Auto(n) => TaskName::Auto(n).len(),
            NameRef::Given(s) => s.chars().count(),
        }
    }

    /// Whether the name is empty (`name=""`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends the name to `out` (no formatting machinery: views call this
    /// once per event).
    pub fn push_to(&self, out: &mut String) {
        match self.0 {
            NameRef::Auto(n) => {
                out.push_str("Task-");
                push_u32(out, n);
            }
            NameRef::Given(s) => out.push_str(s),
        }
    }

    /// The text of a name given to the task (`None` for `Task-N`).
    pub fn given(&self) -> Option<&'a str> {
        match self.0 {
            NameRef::Auto(_) => None,
            NameRef::Given(s) => Some(s),
        }
    }

    /// `Some(n)` for a `Task-N` name, whose text needs no escaping.
    pub fn number(&self) -> Option<u32> {
        match self.0 {
            NameRef::Auto(n) => Some(n),
            NameRef::Given(_) => None,
        }
    }
}

/// Appends the decimal digits of `n`.
pub(crate) fn push_u32(out: &mut String, n: u32) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends the decimal digits of `n` to bytes.
pub(crate) fn push_u32_bytes(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            NameRef::Auto(n) => fmt::Display::fmt(&TaskName::Auto(n), f),
            NameRef::Given(s) => {
                f.write_str(s)?;
                for _ in self.len()..f.width().unwrap_or(0) {
                    f.write_str(" ")?;
                }
                Ok(())
            }
        }
    }
}

impl<'a> Tasks<'a> {
    /// How many tasks the run has created so far.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task was created yet.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// The task's name.
    pub fn name(&self, task: u32) -> Name<'a> {
        let t = &self.tasks[task as usize];
        Name(match t.given_name() {
            Some(s) => NameRef::Given(s),
            None => NameRef::Auto(t.num),
        })
    }

    /// The scenario line the task is at: the step its innermost coroutine
    /// frame runs (at a `sleep` event, that sleep's line). 0 when it has no
    /// frame, or is in asyncio's own code (`wait_for`, `Barrier.wait`).
    pub fn line(&self, task: u32) -> u32 {
        let t = &self.tasks[task as usize];
        let Some(f) = t.frames.last() else { return 0 };
        if f.coro > self.prog.main {
            return 0;
        }
        let code = &self.prog.coros[f.coro as usize];
        code.code
            .get(f.pc().saturating_sub(1))
            .map_or(0, |i| self.prog.line_starts.partition_point(|&s| s <= i.span.start) as u32)
    }

    /// One of the two tasks `asyncio.run` creates at shutdown.
    pub fn internal(&self, task: u32) -> bool {
        self.tasks[task as usize].noop
    }

    /// Its coroutine, with arguments as they were passed: `worker(1, 2)`.
    /// The arguments are kept while the task lives; once it is done (its
    /// frame is gone) a coroutine that never rebinds a parameter shows as
    /// `worker()`, since nothing else needs them.
    pub fn call(&self, task: u32) -> String {
        let mut out = String::new();
        self.push_call(task, &mut out);
        out
    }

    /// [`Tasks::call`], appended to `out`.
    pub fn push_call(&self, task: u32, out: &mut String) {
        let t = &self.tasks[task as usize];
        if t.noop {
            // The two tasks asyncio.run's Runner.close() runs, in this order.
            let first = self.tasks.iter().take(task as usize).all(|o| !o.noop);
            out.push_str(if first { "loop.shutdown_asyncgens()" } else { "loop.shutdown_default_executor()" });
            return;
        }
        let code = &self.prog.coros[t.coro as usize];
        if code.builtin {
            // A primitive operation made a task: `ready.wait()`.
            match t.args().first() {
                Some(Value::Prim(p)) => out.push_str(&p.name),
                Some(v) => v.write_repr(out),
                None => {}
            }
            out.push('.');
            out.push_str(&code.name);
            out.push('(');
            if code.name == "put" {
                if let Some(v) = t.args().get(1) {
                    v.write_repr(out);
                }
            }
            out.push(')');
            return;
        }
        out.push_str(&code.name);
        out.push('(');
        let args = match t.frames.first() {
            Some(f) if code.args_in_frame => &f.locals[..code.defaults.len()],
            _ => t.args(),
        };
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match a {
                // Its repr counts its tasks, which change under the reader.
                Value::TaskGroup(_) => out.push_str("<TaskGroup>"),
                a => a.write_repr(out),
            }
        }
        out.push(')');
    }
}

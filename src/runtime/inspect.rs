//! `asim run --at T`: the state of the program at one instant, as CPython
//! 3.14's `python -m asyncio pstree PID` shows a live process.
//!
//! The run stops when the clock is about to pass T: the loop has run every
//! callback due by T and would now select for the next timer (the check is
//! one comparison where the clock moves, see `run_once`). The emulator then
//! describes itself as plain data, a [`Snapshot`]: the pending tasks with
//! their coroutine frames and what each one waits on, the awaited-by tree,
//! the primitives with their holders and waiters, and the pending timers in
//! the order they would fire. A run that ends before T is described as it
//! ended. Nothing here runs unless `--at` was given.

use super::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The state of a run at one instant (`asim run --at T`).
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    /// The instant asked for.
    pub at: f64,
    /// The virtual clock when the state was taken: the time of the loop's
    /// last iteration at or before `at` (or the end of a run that ended
    /// before `at`).
    pub time: f64,
    /// Whether the run got to `at` (and was stopped there); false when it
    /// ended before.
    pub reached: bool,
    /// How a run that ended before `at` ended: `ok`, `error`, `deadlock`
    /// or `limit`; `None` when it got to `at`.
    pub ended: Option<&'static str>,
    /// The scenario file the frames' lines refer to.
    pub file: String,
    /// The program's tasks not finished yet, in creation order.
    pub tasks: Vec<TaskState>,
    /// The roots of the awaited-by tree: the pending tasks no other task
    /// awaits, in creation order (main first).
    pub roots: Vec<u32>,
    /// How many of the program's tasks have finished so far.
    pub finished: usize,
    /// The primitives (internal ones only while something waits on them).
    pub primitives: Vec<PrimitiveState>,
    /// The timers still to fire, in the order they would fire.
    pub timers: Vec<TimerState>,
}

/// One pending task.
#[derive(Debug, Clone, Serialize)]
pub struct TaskState {
    /// Its index (creation order, from 0), as tasks are referred to here.
    pub id: u32,
    /// Its name (`Task-2`, or the name it was given).
    pub name: String,
    /// Its coroutine with its arguments: `worker('a', 1)`.
    pub call: String,
    /// `ready`, `sleeping` or `blocked`.
    pub state: &'static str,
    /// On what or until when: `until 2.0`, `lock `l` (held by Task-2)`.
    pub detail: String,
    /// Its coroutine frames, outermost first.
    pub frames: Vec<FrameState>,
    /// The tasks it awaits (its children in the awaited-by tree): the task
    /// it awaits, a gather's, a task group's, `asyncio.wait`'s or
    /// `as_completed`'s pending tasks, the inner task of `wait_for` or
    /// `shield`.
    pub awaits: Vec<u32>,
    /// The primitives it holds: `lock `l``, `semaphore `s``.
    pub holds: Vec<String>,
    /// Cancellation requests not yet withdrawn (`task.cancelling()`).
    pub cancelling: u32,
}

/// One coroutine frame of a task.
#[derive(Debug, Clone, Serialize)]
pub struct FrameState {
    /// The coroutine's name (`Queue.get` for a primitive's method).
    pub coroutine: String,
    /// The scenario line it is at: the step it is suspended in, or its
    /// declaration if it has not started; 0 for asyncio's own coroutines
    /// (`wait_for`, `Barrier.wait`...), which are not in the scenario.
    pub line: u32,
}

/// One primitive.
#[derive(Debug, Clone, Serialize)]
pub struct PrimitiveState {
    /// Its name: the declared one, or `Lock-1` for one made in code.
    pub name: String,
    /// Its class: `Lock`, `Semaphore`, `BoundedSemaphore`, `Event`,
    /// `Condition`, `Queue`, `LifoQueue`, `PriorityQueue`, `Barrier`.
    pub kind: &'static str,
    /// Its state in words: `locked`, `value 0`, `set`, `2 items`...
    pub state: String,
    /// The tasks holding it (a lock's holder, a semaphore's holders).
    pub holders: Vec<u32>,
    /// Its queues of waiting tasks, each in FIFO order (only non-empty ones).
    pub waiting: Vec<WaitList>,
}

/// A primitive's FIFO of waiting tasks.
#[derive(Debug, Clone, Serialize)]
pub struct WaitList {
    /// What they wait for: `acquire`, `set`, `get`, `put`, `notify`,
    /// `lock` (a condition's waiters taking its lock back), `wait` (a barrier).
    pub what: &'static str,
    /// The tasks, first in line first.
    pub tasks: Vec<u32>,
}

/// A pending timer.
#[derive(Debug, Clone, Serialize)]
pub struct TimerState {
    /// When it fires.
    pub when: f64,
    /// What it does: `Task-2's asyncio.sleep ends`.
    pub what: String,
    /// The task it concerns.
    pub task: Option<u32>,
}

/// What [`Vm::snapshot`] works from: looked up once per snapshot.
struct Index {
    /// Waiter future -> the task waiting on it.
    waiter_task: BTreeMap<FutId, TaskId>,
    /// Task -> the deadline of its `asyncio.sleep`.
    sleep_until: BTreeMap<TaskId, f64>,
    /// wait_for's waiter future -> its deadline.
    deadline: BTreeMap<FutId, f64>,
    /// Tasks whose step is in the ready queue.
    ready: BTreeSet<TaskId>,
    /// How each primitive is named in a sentence (`lock `l``).
    labels: Vec<String>,
    /// Primitives that are parts of others (a condition's own lock...).
    internal: Vec<bool>,
}

impl Vm<'_> {
    /// Describes the run's state now. `reached`: the run was stopped at
    /// the instant asked for (otherwise it ended with `outcome`).
    pub(crate) fn snapshot(&self, reached: bool, outcome: &Outcome) -> Snapshot {
        let index = self.index();
        // asyncio.run's two shutdown tasks are not the program's.
        let ours = |t: &TaskId| !self.tasks[*t as usize].noop;
        let pending: Vec<TaskId> =
            (0..self.tasks.len() as TaskId).filter(ours).filter(|&t| !self.task_done(t)).collect();
        let mut holds: BTreeMap<TaskId, Vec<String>> = BTreeMap::new();
        for (i, p) in self.prims.iter().enumerate() {
            match p {
                Prim::Lock { holder: Some(h), locked: true, .. } => {
                    holds.entry(*h).or_default().push(index.labels[i].clone())
                }
                Prim::Sem { holders, .. } => {
                    for (&h, &n) in holders {
                        let times = if n > 1 { format!(" ({n} units)") } else { String::new() };
                        holds.entry(h).or_default().push(format!("{}{times}", index.labels[i]));
                    }
                }
                _ => {}
            }
        }
        let names = Tasks { tasks: &self.tasks, prog: self.prog };
        let mut tasks = Vec::with_capacity(pending.len());
        for &t in &pending {
            let awaits = self.awaited(t);
            let (state, detail) = self.task_state(t, &awaits, &index);
            tasks.push(TaskState {
                id: t,
                name: names.name(t).to_string(),
                call: names.call(t),
                state,
                detail,
                frames: self.frame_states(t),
                awaits,
                holds: holds.remove(&t).unwrap_or_default(),
                cancelling: self.tasks[t as usize].num_cancels,
            });
        }
        let awaited: BTreeSet<u32> = tasks.iter().flat_map(|t| t.awaits.iter().copied()).collect();
        let roots = pending.iter().copied().filter(|t| !awaited.contains(t)).collect();
        let ended = match (reached, outcome) {
            (true, _) => None,
            (false, Outcome::Ok) => Some("ok"),
            (false, Outcome::Error(_)) => Some("error"),
            (false, Outcome::Deadlock(_)) => Some("deadlock"),
            (false, Outcome::Limit(_)) => Some("limit"),
            (false, Outcome::Stopped(_)) => Some("stopped"),
        };
        Snapshot {
            at: self.at_time,
            time: self.now,
            reached,
            ended,
            file: self.prog.file.clone(),
            finished: (0..self.tasks.len() as TaskId).filter(ours).count() - pending.len(),
            tasks,
            roots,
            primitives: self.primitive_states(&index),
            timers: self.timer_states(),
        }
    }

    fn index(&self) -> Index {
        let mut waiter_task = BTreeMap::new();
        let mut ready = BTreeSet::new();
        for (i, task) in self.tasks.iter().enumerate() {
            let t = i as TaskId;
            if task.done {
                continue;
            }
            let fut = match &task.resume {
                Resume::Lock { fut, .. } | Resume::Sem { fut, .. } | Resume::Event { fut, .. } => Some(*fut),
                Resume::Queue(w) => Some(w.fut),
                Resume::Cond(w) => Some(w.fut),
                _ => None,
            };
            if let Some(Waiter::Fut(f)) = task.fut_waiter() {
                waiter_task.insert(f, t);
            }
            if let Some(f) = fut {
                waiter_task.insert(f, t);
            }
        }
        for i in 0..self.ready.len() {
            if let Some(Ready::Step(t, _) | Ready::Call(Callback::Wakeup(t), _)) = self.ready.get(i) {
                ready.insert(*t);
            }
        }
        let mut sleep_until = BTreeMap::new();
        let mut deadline = BTreeMap::new();
        for e in &self.heap {
            let timer = &self.timers[e.id as usize];
            match timer.cb {
                Some(TimerCb::SleepDone(t)) if !timer.cancelled => {
                    sleep_until.insert(t, e.when);
                }
                Some(TimerCb::ReleaseWaiter(w)) if !timer.cancelled => {
                    deadline.insert(w, e.when);
                }
                _ => {}
            }
        }
        let mut labels: Vec<String> = self
            .prims
            .iter()
            .zip(&self.prim_names)
            .map(|(p, n)| match p {
                Prim::Lock { .. } => format!("lock `{n}`"),
                Prim::Sem { .. } => format!("semaphore `{n}`"),
                Prim::Event { .. } => format!("event `{n}`"),
                Prim::Queue(_) => format!("queue `{n}`"),
                Prim::Barrier { .. } => format!("barrier `{n}`"),
                Prim::Cond { .. } => format!("condition `{n}`"),
            })
            .collect();
        let mut internal = vec![false; self.prims.len()];
        for (i, p) in self.prims.iter().enumerate() {
            match p {
                Prim::Cond { lock, .. } if (*lock as usize) < self.prims.len() => {
                    let lock = *lock as usize;
                    if *self.prim_names[lock] == *format!("{}'s lock", self.prim_names[i]) {
                        internal[lock] = true;
                        labels[lock] = format!("the lock of condition `{}`", self.prim_names[i]);
                    }
                }
                Prim::Barrier { cond, .. } if (*cond as usize) < self.prims.len() => {
                    internal[*cond as usize] = true;
                    labels[*cond as usize] = format!("barrier `{}`", self.prim_names[i]);
                }
                Prim::Queue(q) if (q.finished as usize) < self.prims.len() => {
                    internal[q.finished as usize] = true;
                    labels[q.finished as usize] = format!("queue `{}`.join()", self.prim_names[i]);
                }
                _ => {}
            }
        }
        // A barrier's condition's lock is internal too.
        for (i, p) in self.prims.iter().enumerate() {
            if let (true, Prim::Cond { lock, .. }) = (internal[i], p) {
                if let Some(x) = internal.get_mut(*lock as usize) {
                    *x = true;
                }
            }
        }
        Index { waiter_task, sleep_until, deadline, ready, labels, internal }
    }

    /// The pending tasks `t` awaits, in order, each once.
    fn awaited(&self, t: TaskId) -> Vec<u32> {
        let mut out = Vec::new();
        match &self.tasks[t as usize].resume {
            Resume::Await { fut, .. } => match self.futs[*fut as usize].kind() {
                FutKind::Plain => {
                    // `shield(inner)`: the inner future's callback names this outer one.
                    for (i, f) in self.futs.iter().enumerate() {
                        if f.callbacks().any(|cb| cb == Callback::ShieldInner(*fut)) {
                            self.tasks_behind(i as FutId, &mut out);
                        }
                    }
                }
                _ => self.tasks_behind(*fut, &mut out),
            },
            Resume::AsCompleted { ac, .. } => out.extend(self.as_completed[*ac as usize].todo.iter().copied()),
            Resume::Wait { w, .. } => {
                for &f in &self.waits[*w as usize].futs {
                    self.tasks_behind(f, &mut out);
                }
            }
            Resume::WaitFor(w) => self.tasks_behind(w.fut, &mut out),
            Resume::WaitForCancel(w) => self.tasks_behind(w.fut, &mut out),
            _ => {}
        }
        // A task group's children are awaited by the task that entered it
        // (CPython records them in the awaited-by graph when made).
        for g in &self.groups {
            if g.parent == t {
                out.extend(g.tasks.iter().copied());
            }
        }
        let mut seen = BTreeSet::new();
        out.retain(|&c| c != t && !self.task_done(c) && seen.insert(c));
        out
    }

    /// The tasks behind a future: itself if it is a task, a gather's children.
    fn tasks_behind(&self, f: FutId, out: &mut Vec<u32>) {
        match self.futs[f as usize].kind() {
            FutKind::Task(o) => out.push(o),
            FutKind::Gather(g) => {
                for &c in &self.gathers[g as usize].children {
                    self.tasks_behind(c, out);
                }
            }
            FutKind::Plain => {}
        }
    }

    fn names_of(&self, tasks: &[u32]) -> String {
        let names: Vec<String> = tasks.iter().map(|t| self.tasks[*t as usize].name().to_string()).collect();
        names.join(", ")
    }

    /// `(state, detail)` of a pending task.
    fn task_state(&self, t: TaskId, awaits: &[u32], ix: &Index) -> (&'static str, String) {
        let task = &self.tasks[t as usize];
        let name = |t: TaskId| self.tasks[t as usize].name().to_string();
        let repr = crate::value::pyfmt::float_repr;
        let (state, detail) = match &task.resume {
            Resume::Start | Resume::StartReused => ("ready", "not started yet".to_owned()),
            Resume::Yield => ("ready", "after asyncio.sleep(0)".to_owned()),
            Resume::Finished => ("ready", "finishing".to_owned()),
            Resume::Sleep { done: true, .. } => ("ready", "its asyncio.sleep is over".to_owned()),
            Resume::Sleep { .. } => match ix.sleep_until.get(&t) {
                Some(&when) => ("sleeping", format!("until {}", repr(when))),
                None => ("sleeping", "in asyncio.sleep".to_owned()),
            },
            Resume::Lock { prim, .. } => ("blocked", self.lock_wait(*prim, t, ix)),
            Resume::Sem { prim, .. } => {
                let (value, holders) = match &self.prims[*prim as usize] {
                    Prim::Sem { value, holders, .. } => (*value, holders.keys().copied().collect::<Vec<_>>()),
                    _ => (0, Vec::new()),
                };
                let held =
                    if holders.is_empty() { String::new() } else { format!("; held by {}", self.names_of(&holders)) };
                let place = self.place_in_line(*prim, t, ix);
                ("blocked", format!("{} ({value} free{held}{place})", ix.labels[*prim as usize]))
            }
            Resume::Event { prim, .. } => {
                // A queue's join() waits on the queue's internal event.
                let queue = self.prims.iter().find_map(|p| match p {
                    Prim::Queue(q) if q.finished == *prim => Some(q.unfinished),
                    _ => None,
                });
                let why = match queue {
                    Some(n) => format!("{n} unfinished"),
                    None => "not set".to_owned(),
                };
                ("blocked", format!("{} ({why})", ix.labels[*prim as usize]))
            }
            Resume::Await { fut, .. } => {
                let what = match self.futs[*fut as usize].kind() {
                    FutKind::Task(o) => format!("task {}", name(o)),
                    FutKind::Gather(g) => {
                        let g = &self.gathers[g as usize];
                        let n = g.distinct.as_ref().map_or(g.children.len(), Vec::len);
                        format!("gather of {} ({} of {n} done)", self.names_of(awaits), g.nfinished)
                    }
                    FutKind::Plain if !awaits.is_empty() => format!("shield of {}", self.names_of(awaits)),
                    FutKind::Plain => "a future".to_owned(),
                };
                ("blocked", what)
            }
            Resume::TgWait { tg } => {
                let left: Vec<u32> = self.groups[*tg as usize].tasks.iter().copied().collect();
                ("blocked", format!("task group (TaskGroup.__aexit__) of {}", self.names_of(&left)))
            }
            Resume::Queue(w) => {
                let queue::QueueWait { prim, op, .. } = &**w;
                let size = match &self.prims[*prim as usize] {
                    Prim::Queue(q) => q.items.len(),
                    _ => 0,
                };
                let what = if *op == QueueOp::Get { "an item" } else { "a free slot" };
                let place = self.place_in_line(*prim, t, ix);
                ("blocked", format!("{} ({what}; {size} queued{place})", ix.labels[*prim as usize]))
            }
            Resume::AsCompleted { ac, .. } => {
                let todo: Vec<u32> = self.as_completed[*ac as usize].todo.iter().copied().collect();
                ("blocked", format!("as_completed: the next of {}", self.names_of(&todo)))
            }
            Resume::Wait { w, .. } => {
                let ws = &self.waits[*w as usize];
                let until = match ix.deadline.get(&ws.waiter) {
                    Some(&d) => format!(", timeout at {}", repr(d)),
                    None => String::new(),
                };
                let what = format!("asyncio.wait of {} ({}{until})", self.names_of(awaits), ws.return_when.name());
                ("blocked", what)
            }
            Resume::Cond(w) if w.reacquiring => ("blocked", self.lock_wait(self.lock_target(w.cond), t, ix)),
            Resume::Cond(w) => {
                let label = &ix.labels[w.cond as usize];
                let what = if label.starts_with("barrier") { "the other parties" } else { "a notify" };
                ("blocked", format!("{label} ({what})"))
            }
            Resume::WaitFor(w) => {
                let inner = match self.futs[w.fut as usize].kind() {
                    FutKind::Task(o) => format!(" of task {}", name(o)),
                    _ => String::new(),
                };
                let until = match ix.deadline.get(&w.waiter) {
                    Some(&d) => format!(" (timeout at {})", repr(d)),
                    None => String::new(),
                };
                ("blocked", format!("wait_for{inner}{until}"))
            }
            Resume::WaitForCancel(w) => {
                let inner = match self.futs[w.fut as usize].kind() {
                    FutKind::Task(o) => format!("task {}", name(o)),
                    _ => "its awaitable".to_owned(),
                };
                ("blocked", format!("wait_for, cancelling {inner} and waiting for it to finish"))
            }
        };
        if ix.ready.contains(&t) && state != "ready" {
            return ("ready", format!("woken from: {detail}"));
        }
        (state, detail)
    }

    /// "lock `l` (held by Task-2; 2nd in line)".
    fn lock_wait(&self, lock: u32, t: TaskId, ix: &Index) -> String {
        let holder = match &self.prims[lock as usize] {
            Prim::Lock { holder, locked: true, .. } => *holder,
            _ => None,
        };
        let held = match holder {
            Some(h) => format!("held by {}", self.tasks[h as usize].name()),
            None => "released, handed to an earlier waiter".to_owned(),
        };
        format!("{} ({held}{})", ix.labels[lock as usize], self.place_in_line(lock, t, ix))
    }

    /// "; 2nd in line" when `t` is in a primitive's FIFO of waiters.
    fn place_in_line(&self, prim: u32, t: TaskId, ix: &Index) -> String {
        for list in self.wait_lists(prim, ix) {
            if let Some(i) = list.tasks.iter().position(|&w| w == t) {
                return format!("; {} in line", ordinal(i + 1));
            }
        }
        String::new()
    }

    /// The live waiters of a FIFO of waiter futures, as tasks.
    fn waiter_tasks(&self, futs: &VecDeque<FutId>, ix: &Index) -> Vec<u32> {
        futs.iter()
            .filter(|f| !self.futs[**f as usize].done())
            .filter_map(|f| ix.waiter_task.get(f).copied())
            .filter(|&t| !self.task_done(t))
            .collect()
    }

    fn wait_lists(&self, prim: u32, ix: &Index) -> Vec<WaitList> {
        let list = |what, futs: &VecDeque<FutId>| WaitList { what, tasks: self.waiter_tasks(futs, ix) };
        let lists = match &self.prims[prim as usize] {
            Prim::Lock { waiters, .. } | Prim::Sem { waiters, .. } => vec![list("acquire", waiters)],
            Prim::Event { waiters, .. } => vec![list("set", waiters)],
            Prim::Queue(q) => vec![list("get", &q.getters), list("put", &q.putters)],
            Prim::Cond { lock, waiters } => {
                let mut v = vec![list("notify", waiters)];
                if let Some(Prim::Lock { waiters, .. }) = self.prims.get(*lock as usize) {
                    v.push(list("lock", waiters));
                }
                v
            }
            Prim::Barrier { cond, .. } => match self.prims.get(*cond as usize) {
                Some(Prim::Cond { waiters, .. }) => vec![list("wait", waiters)],
                _ => Vec::new(),
            },
        };
        lists.into_iter().filter(|l| !l.tasks.is_empty()).collect()
    }

    fn primitive_states(&self, ix: &Index) -> Vec<PrimitiveState> {
        let mut out = Vec::new();
        for (i, p) in self.prims.iter().enumerate() {
            let waiting = self.wait_lists(i as u32, ix);
            if ix.internal[i] && (waiting.is_empty() || matches!(p, Prim::Lock { .. } | Prim::Cond { .. })) {
                // A condition's lock is shown with its condition.
                continue;
            }
            let name = |t: TaskId| self.tasks[t as usize].name().to_string();
            let (kind, state, holders) = match p {
                Prim::Lock { locked: true, holder: Some(h), .. } => {
                    ("Lock", format!("locked by {}", name(*h)), vec![*h])
                }
                Prim::Lock { locked: true, .. } => ("Lock", "locked".to_owned(), Vec::new()),
                Prim::Lock { .. } => ("Lock", "unlocked".to_owned(), Vec::new()),
                Prim::Sem { value, bound, holders, .. } => {
                    let kind = if bound.is_some() { "BoundedSemaphore" } else { "Semaphore" };
                    let of = bound.map(|b| format!(" of {b}")).unwrap_or_default();
                    let held: Vec<u32> = holders.keys().copied().collect();
                    let by =
                        if held.is_empty() { String::new() } else { format!("; held by {}", self.names_of(&held)) };
                    (kind, format!("{value}{of} free{by}"), held)
                }
                Prim::Event { flag, .. } => ("Event", if *flag { "set" } else { "not set" }.to_owned(), Vec::new()),
                Prim::Queue(q) => {
                    let kind = match q.kind {
                        QueueKind::Fifo => "Queue",
                        QueueKind::Lifo => "LifoQueue",
                        QueueKind::Priority => "PriorityQueue",
                    };
                    let n = q.items.len();
                    let mut s = format!("{n} item{}", if n == 1 { "" } else { "s" });
                    if q.maxsize > 0 {
                        s.push_str(&format!(" (maxsize {})", q.maxsize));
                    }
                    if q.unfinished > 0 {
                        s.push_str(&format!(", {} unfinished", q.unfinished));
                    }
                    if q.shutdown {
                        s.push_str(", shut down");
                    }
                    (kind, s, Vec::new())
                }
                Prim::Cond { lock, .. } => match self.prims.get(*lock as usize) {
                    Some(Prim::Lock { locked: true, holder: Some(h), .. }) => {
                        ("Condition", format!("its lock held by {}", name(*h)), vec![*h])
                    }
                    Some(Prim::Lock { locked: true, .. }) => ("Condition", "its lock held".to_owned(), Vec::new()),
                    _ => ("Condition", "its lock free".to_owned(), Vec::new()),
                },
                Prim::Barrier { parties, state, count, .. } => {
                    ("Barrier", format!("{state}, {count} of {parties} parties waiting"), Vec::new())
                }
            };
            out.push(PrimitiveState { name: self.prim_names[i].to_string(), kind, state, holders, waiting });
        }
        out
    }

    /// The timers not cancelled, in the order they would fire (ties as the
    /// heap gives them up).
    fn timer_states(&self) -> Vec<TimerState> {
        let name = |t: TaskId| self.tasks[t as usize].name().to_string();
        let mut heap = self.heap.clone();
        let mut out = Vec::new();
        while let Some(e) = heap::pop(&mut heap, Self::timer_lt) {
            let timer = &self.timers[e.id as usize];
            if timer.cancelled {
                continue;
            }
            let (what, task) = match timer.cb {
                Some(TimerCb::SleepDone(t)) => (format!("{}'s asyncio.sleep ends", name(t)), Some(t)),
                Some(TimerCb::Timeout(id)) => {
                    let t = self.timeouts[id as usize].task;
                    (format!("{}'s asyncio.timeout expires (the task is cancelled)", name(t)), Some(t))
                }
                Some(TimerCb::ReleaseWaiter(w)) => {
                    let owner = (0..self.tasks.len() as TaskId).find(|&t| match &self.tasks[t as usize].resume {
                        Resume::WaitFor(wf) => wf.waiter == w,
                        Resume::Wait { w: i, .. } => self.waits[*i as usize].waiter == w,
                        _ => false,
                    });
                    let kind = match owner.map(|t| &self.tasks[t as usize].resume) {
                        Some(Resume::Wait { .. }) => "asyncio.wait",
                        _ => "wait_for",
                    };
                    match owner {
                        Some(t) => (format!("{}'s {kind} times out", name(t)), Some(t)),
                        None => (format!("a {kind} times out"), None),
                    }
                }
                Some(TimerCb::AsCompletedTimeout(ac)) => {
                    let owner = (0..self.tasks.len() as TaskId).find(
                        |&t| matches!(&self.tasks[t as usize].resume, Resume::AsCompleted { ac: a, .. } if *a == ac),
                    );
                    match owner {
                        Some(t) => (format!("{}'s as_completed times out", name(t)), Some(t)),
                        None => ("an as_completed times out".to_owned(), None),
                    }
                }
                None => continue,
            };
            out.push(TimerState { when: e.when, what, task });
        }
        out
    }

    /// The task's frames, outermost first, each at the step it is in.
    fn frame_states(&self, t: TaskId) -> Vec<FrameState> {
        let task = &self.tasks[t as usize];
        let started = !matches!(task.resume, Resume::Start | Resume::StartReused);
        task.frames
            .iter()
            .enumerate()
            .map(|(depth, f)| {
                let code = &self.prog.coros[f.coro as usize];
                let recv = f.locals.first().or_else(|| task.args().first());
                let method = if depth == 0 { self.method_qualname(f.coro, recv) } else { None };
                let line = match code.code.get(f.pc().saturating_sub(1)) {
                    // asyncio's own coroutines (wait_for, Barrier.wait...) come after main.
                    _ if f.coro > self.prog.main => 0,
                    Some(i) if started => self.line_of(i.span.start),
                    _ => self.line_of(code.def_at),
                };
                FrameState { coroutine: method.map_or_else(|| code.name.clone(), str::to_owned), line }
            })
            .collect()
    }
}

/// `1st`, `2nd`, `3rd`, `4th`...
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Runs a compiled program until the clock would pass `at`, and describes
/// its state then (or at its end, if it ended before).
pub(crate) fn run_at(prog: &Program, limits: Limits, at: f64, sink: &mut dyn Sink) -> (RunEnd, Option<Snapshot>) {
    let slot = RefCell::new(None);
    let mut vm = Vm::new(prog, limits, sink);
    vm.at_time = at;
    vm.at_slot = Some(&slot);
    let end = vm.run();
    (end, slot.into_inner())
}

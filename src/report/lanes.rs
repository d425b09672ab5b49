//! Lanes: what each task is doing along virtual time, as segments, built
//! from the event stream as it goes. The pictures (`--timeline`, Perfetto)
//! and `--summary` read runs through this.
//!
//! A task is always in one state: ready (created, or woken, and waiting
//! for its turn), running (only a `block` takes virtual time while
//! running: every other step is instantaneous), sleeping (`asyncio.sleep`)
//! or blocked (on a primitive, a task, a gather...). A segment is closed
//! and handed out the moment the state changes, so the tracker keeps one
//! small record per live task and nothing per event. Names of primitives
//! are interned once: no event costs an allocation.

use crate::runtime::{Event, EventKind, Tasks, WaitOn};
use std::collections::BTreeMap;

/// What a blocked task waits on (names interned: see [`Lanes::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    /// A lock, by interned name.
    Lock(u32),
    /// A semaphore, by interned name.
    Semaphore(u32),
    /// An event, by interned name.
    Event(u32),
    /// A condition's notify, by interned name.
    Condition(u32),
    /// A queue, by interned name.
    Queue(u32),
    /// Another task.
    Task(u32),
    /// A gather of n awaitables.
    Gather(u32),
    /// `asyncio.wait` of n tasks.
    Wait(u32),
    /// The next result of `as_completed`.
    AsCompleted(u32),
    /// A task group's children (n left).
    TaskGroup(u32),
}

impl Blocked {
    /// The primitive's interned name, for the blocks on a primitive.
    pub fn prim(self) -> Option<u32> {
        match self {
            Blocked::Lock(p)
            | Blocked::Semaphore(p)
            | Blocked::Event(p)
            | Blocked::Condition(p)
            | Blocked::Queue(p) => Some(p),
            _ => None,
        }
    }

    /// The kind of thing waited on, one word.
    pub fn word(self) -> &'static str {
        match self {
            Blocked::Lock(_) => "lock",
            Blocked::Semaphore(_) => "semaphore",
            Blocked::Event(_) => "event",
            Blocked::Condition(_) => "condition",
            Blocked::Queue(_) => "queue",
            Blocked::Task(_) => "task",
            Blocked::Gather(_) => "gather",
            Blocked::Wait(_) => "wait",
            Blocked::AsCompleted(_) => "as_completed",
            Blocked::TaskGroup(_) => "task_group",
        }
    }
}

/// A task's state over a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Created or woken, waiting for the loop to run it.
    Ready,
    /// Running a `block` (`time.sleep`): the whole loop stalls.
    Running,
    /// In `asyncio.sleep`.
    Sleeping,
    /// Suspended on something.
    Blocked(Blocked),
}

impl State {
    /// One word: ready, running, sleeping, blocked.
    pub fn word(self) -> &'static str {
        match self {
            State::Ready => "ready",
            State::Running => "running",
            State::Sleeping => "sleeping",
            State::Blocked(_) => "blocked",
        }
    }
}

/// A task in one state from `start` to `end` (virtual seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// The task (an index for `Tasks`).
    pub task: u32,
    /// What it was doing.
    pub state: State,
    /// When it started.
    pub start: f64,
    /// When it ended.
    pub end: f64,
    /// Whether the run ended with the task still in this state (a
    /// deadlock, a limit, or a task left pending).
    pub open: bool,
}

/// The tracker.
#[derive(Debug, Default)]
pub struct Lanes {
    /// Per task: its current state and since when (`None`: running an
    /// instantaneous step, or finished).
    now: Vec<Option<(State, f64)>>,
    names: Vec<String>,
    ids: BTreeMap<String, u32>,
}

impl Lanes {
    /// An empty tracker.
    pub fn new() -> Self {
        Lanes::default()
    }

    /// The interned name `id` (a primitive's).
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// Interns a name.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }

    /// The state task `t` is in now (`None`: running, or finished).
    pub fn state(&self, t: u32) -> Option<(State, f64)> {
        self.now.get(t as usize).copied().flatten()
    }

    fn set(&mut self, t: u32, to: Option<(State, f64)>, at: f64, out: &mut impl FnMut(Segment)) {
        let i = t as usize;
        if self.now.len() <= i {
            self.now.resize(i + 1, None);
        }
        if let Some((state, start)) = std::mem::replace(&mut self.now[i], to) {
            out(Segment { task: t, state, start, end: at, open: false });
        }
    }

    /// What blocks a task waiting on `on`.
    pub fn blocked(&mut self, on: &WaitOn<'_>) -> Blocked {
        match *on {
            WaitOn::Lock(n, _) => Blocked::Lock(self.intern(n)),
            WaitOn::Semaphore(n) => Blocked::Semaphore(self.intern(n)),
            WaitOn::Event(n) => Blocked::Event(self.intern(n)),
            WaitOn::Condition(n) => Blocked::Condition(self.intern(n)),
            WaitOn::Queue(n, _) => Blocked::Queue(self.intern(n)),
            WaitOn::Task(t) => Blocked::Task(t),
            WaitOn::Gather(n) => Blocked::Gather(n as u32),
            WaitOn::Wait(n, _) => Blocked::Wait(n as u32),
            WaitOn::AsCompleted(n) => Blocked::AsCompleted(n as u32),
            WaitOn::TaskGroup(n) => Blocked::TaskGroup(n as u32),
        }
    }

    /// Follows one event; hands out the segment it closes, if any.
    /// asyncio.run's own two shutdown tasks have no lane.
    pub fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>, out: &mut impl FnMut(Segment)) {
        let t = e.task;
        match e.kind {
            EventKind::Created if tasks.internal(t) => {}
            EventKind::Created => self.set(t, Some((State::Ready, e.t)), e.t, out),
            EventKind::Start => self.set(t, None, e.t, out),
            EventKind::Sleep(_) => self.set(t, Some((State::Sleeping, e.t)), e.t, out),
            EventKind::Wait(on) => {
                let b = self.blocked(&on);
                self.set(t, Some((State::Blocked(b), e.t)), e.t, out);
            }
            EventKind::Wake { ready, .. } => {
                if ready < e.t {
                    self.set(t, Some((State::Ready, ready)), ready, out);
                }
                self.set(t, None, e.t, out);
            }
            EventKind::Block(d) => {
                self.set(t, None, e.t, out);
                out(Segment { task: t, state: State::Running, start: e.t, end: e.t + d, open: false });
            }
            EventKind::Done(_) | EventKind::Failed(..) | EventKind::Cancelled => self.set(t, None, e.t, out),
            _ => {}
        }
    }

    /// The run ended at `end`: the states still open, by task.
    pub fn finish(&mut self, end: f64, out: &mut impl FnMut(Segment)) {
        for (t, s) in self.now.iter_mut().enumerate() {
            if let Some((state, start)) = s.take() {
                out(Segment { task: t as u32, state, start, end, open: true });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Limits, RunEnd, Sink};

    struct Collect(Lanes, Vec<Segment>);

    impl Sink for Collect {
        fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> std::io::Result<()> {
            let segs = &mut self.1;
            self.0.event(e, tasks, &mut |s| segs.push(s));
            Ok(())
        }
        fn finish(&mut self, end: &RunEnd, _: &Tasks<'_>) -> std::io::Result<()> {
            let segs = &mut self.1;
            self.0.finish(end.elapsed, &mut |s| segs.push(s));
            Ok(())
        }
    }

    fn lanes(text: &str) -> (Lanes, Vec<Segment>) {
        let c = crate::compile_source(&crate::source::Source::new("t.yaml", text)).unwrap();
        let mut sink = Collect(Lanes::new(), Vec::new());
        c.run(Limits::default(), &mut sink);
        (sink.0, sink.1)
    }

    #[test]
    fn a_lock_holder_sleeps_while_the_waiter_is_blocked_on_the_lock() {
        let (l, segs) = lanes(
            "sync:\n  lock: Lock()\ncoroutines:\n  w(d):\n    - sleep: d\n    - with: lock\n      do:\n        - sleep: 1\n        - block: 0.5\nmain:\n  - gather: [w(0), w(0.25)]\n",
        );
        let of = |t: u32| -> Vec<(State, f64, f64)> {
            segs.iter().filter(|s| s.task == t).map(|s| (s.state, s.start, s.end)).collect()
        };
        let lock = Blocked::Lock(0);
        assert_eq!(l.name(0), "lock");
        // Task-2 (index 1): created ready, sleeps 0 (a yield), holds the lock asleep, then blocks the loop.
        assert_eq!(of(1), [(State::Ready, 0.0, 0.0), (State::Sleeping, 0.0, 1.0), (State::Running, 1.0, 1.5)]);
        // Task-3: sleeps 0.25, blocked on the lock until 1.5, sleeps, blocks.
        assert_eq!(
            of(2),
            [
                (State::Ready, 0.0, 0.0),
                (State::Sleeping, 0.0, 0.25),
                (State::Blocked(lock), 0.25, 1.5),
                (State::Sleeping, 1.5, 2.5),
                (State::Running, 2.5, 3.0)
            ]
        );
        assert_eq!(of(0)[1], (State::Blocked(Blocked::Gather(2)), 0.0, 3.0));
        assert!(segs.iter().all(|s| !s.open));
    }

    #[test]
    fn a_deadlock_leaves_the_blocked_states_open() {
        let (_, segs) = lanes("sync:\n  ev: Event()\nmain:\n  - await: ev.wait()\n");
        let last = segs.last().unwrap();
        assert!(last.open && last.state == State::Blocked(Blocked::Event(0)), "{segs:?}");
    }
}

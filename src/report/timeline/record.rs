//! What a timeline keeps of a run, gathered as the events go by: lanes of
//! segments (from [`Lanes`]), prints, spawn and wake-up arrows, how each
//! task ended, and per group of tasks (same coroutine) the counts per state
//! over time.
//!
//! Up to [`DETAIL_LIMIT`] tasks every task keeps its own lane. Past that
//! the run is *aggregated*: each group keeps the lanes of its first
//! [`SAMPLE`] tasks only (the others' segments go into the group's
//! [`Grid`] buckets and are dropped), so memory and the page's size follow
//! the number of groups, not of tasks.

use super::buckets::Grid;
use crate::report::lanes::{Blocked, Lanes, Segment, State};
use crate::runtime::{Cause, Event, EventKind, Tasks};
use std::collections::BTreeMap;

/// Runs with more tasks than this are drawn by group.
pub(crate) const DETAIL_LIMIT: usize = 300;
/// Tasks per group kept in detail once aggregated (shown when expanded).
pub(crate) const SAMPLE: usize = 40;
/// Prints kept as marks; later ones are only counted.
pub(crate) const MAX_MARKS: usize = 20_000;
/// Arrows kept; later ones are only counted.
pub(crate) const MAX_ARROWS: usize = 20_000;
/// No lane, label or task.
pub(crate) const NONE_LANE: u32 = u32::MAX;
const NONE: u32 = NONE_LANE;

/// A state as a small number: 0 ready, 1 running, 2 sleeping, 3 blocked.
pub(crate) fn state_code(s: State) -> usize {
    match s {
        State::Ready => 0,
        State::Running => 1,
        State::Sleeping => 2,
        State::Blocked(_) => 3,
    }
}

/// One segment of a kept lane.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seg {
    pub(crate) state: u8,
    pub(crate) start: f64,
    pub(crate) end: f64,
    /// What it waits on (an index into [`Record::labels`]), or none.
    pub(crate) label: u32,
    /// The task it waits on (`Blocked::Task`), or none.
    pub(crate) target: u32,
    /// Still in this state when the run ended.
    pub(crate) open: bool,
    /// Waits on the children it spawned (gather, task group, wait).
    pub(crate) children: bool,
}

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Done,
    Raised,
    Cancelled,
}

/// A task with its own lane.
#[derive(Debug, Clone)]
pub(crate) struct Lane {
    pub(crate) task: u32,
    pub(crate) name: String,
    pub(crate) call: String,
    pub(crate) group: u32,
    pub(crate) parent: u32,
    pub(crate) created: f64,
    pub(crate) end: Option<(f64, End, String)>,
    pub(crate) segs: Vec<Seg>,
    pub(crate) marks: Vec<(f64, String)>,
    /// The tasks a wait on several at once (a gather, a task group,
    /// `asyncio.wait`) waits for, each with the time of that wait.
    pub(crate) awaits: Vec<(f64, u32)>,
}

/// A group of tasks: those of one coroutine.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) name: String,
    pub(crate) count: usize,
}

/// An arrow between two tasks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arrow {
    /// Spawn (false) or wake-up (true).
    pub(crate) wake: bool,
    pub(crate) from: u32,
    pub(crate) t0: f64,
    pub(crate) to: u32,
    pub(crate) t1: f64,
}

/// The recorder.
#[derive(Debug)]
pub(crate) struct Record {
    lanes_state: Lanes,
    pending: Vec<Segment>,
    /// Per task: its lane (an index into `lanes`) or none.
    lane_of: Vec<u32>,
    /// Per task: its group.
    group_of: Vec<u32>,
    pub(crate) lanes: Vec<Lane>,
    pub(crate) groups: Vec<Group>,
    group_ids: BTreeMap<String, u32>,
    pub(crate) grid: Grid,
    pub(crate) labels: Vec<String>,
    label_ids: BTreeMap<(u8, u32), u32>,
    pub(crate) arrows: Vec<Arrow>,
    pub(crate) aggregated: bool,
    pub(crate) tasks: usize,
    pub(crate) marks: usize,
    pub(crate) dropped_marks: usize,
    pub(crate) dropped_arrows: usize,
    call_buf: String,
}

impl Record {
    pub(crate) fn new() -> Self {
        Record {
            lanes_state: Lanes::new(),
            pending: Vec::new(),
            lane_of: Vec::new(),
            group_of: Vec::new(),
            lanes: Vec::new(),
            groups: Vec::new(),
            group_ids: BTreeMap::new(),
            grid: Grid::new(),
            labels: Vec::new(),
            label_ids: BTreeMap::new(),
            arrows: Vec::new(),
            aggregated: false,
            tasks: 0,
            marks: 0,
            dropped_marks: 0,
            dropped_arrows: 0,
            call_buf: String::new(),
        }
    }

    /// The lane of task `t`, if it has one.
    pub(crate) fn lane(&self, t: u32) -> Option<usize> {
        match self.lane_of.get(t as usize) {
            Some(&l) if l != NONE => Some(l as usize),
            _ => None,
        }
    }

    fn created(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) {
        let t = e.task as usize;
        if self.lane_of.len() <= t {
            self.lane_of.resize(t + 1, NONE);
            self.group_of.resize(t + 1, NONE);
        }
        self.call_buf.clear();
        tasks.push_call(e.task, &mut self.call_buf);
        let coro = self.call_buf.split('(').next().unwrap_or_default();
        let g = match self.group_ids.get(coro) {
            Some(&g) => g,
            None => {
                let g = self.groups.len() as u32;
                self.groups.push(Group { name: coro.to_owned(), count: 0 });
                self.group_ids.insert(coro.to_owned(), g);
                self.grid.ensure(g as usize);
                g
            }
        };
        self.group_of[t] = g;
        let nth = self.groups[g as usize].count;
        self.groups[g as usize].count += 1;
        self.tasks += 1;
        if self.tasks > DETAIL_LIMIT && !self.aggregated {
            self.aggregate();
        }
        if !self.aggregated || nth < SAMPLE {
            self.lane_of[t] = self.lanes.len() as u32;
            self.lanes.push(Lane {
                task: e.task,
                name: tasks.name(e.task).to_string(),
                call: self.call_buf.clone(),
                group: g,
                parent: NONE,
                created: e.t,
                end: None,
                segs: Vec::new(),
                marks: Vec::new(),
                awaits: Vec::new(),
            });
        }
    }

    /// Too many tasks: keep the first [`SAMPLE`] of each group only.
    fn aggregate(&mut self) {
        self.aggregated = true;
        let mut seen = vec![0usize; self.groups.len()];
        let lanes = std::mem::take(&mut self.lanes);
        for lane in lanes {
            let g = lane.group as usize;
            seen[g] += 1;
            if seen[g] <= SAMPLE {
                self.lane_of[lane.task as usize] = self.lanes.len() as u32;
                self.lanes.push(lane);
            } else {
                self.lane_of[lane.task as usize] = NONE;
                self.marks -= lane.marks.len();
                self.dropped_marks += lane.marks.len();
            }
        }
        let lane_of = &self.lane_of;
        let kept = |t: u32| lane_of.get(t as usize).is_some_and(|&l| l != NONE);
        self.arrows.retain(|a| kept(a.from) && kept(a.to));
    }

    fn arrow(&mut self, wake: bool, from: u32, t0: f64, to: u32, t1: f64) {
        if self.lane(from).is_none() || self.lane(to).is_none() {
            return;
        }
        if self.arrows.len() >= MAX_ARROWS {
            self.dropped_arrows += 1;
        } else {
            self.arrows.push(Arrow { wake, from, t0, to, t1 });
        }
    }

    fn label(&mut self, key: (u8, u32), text: impl FnOnce(&Lanes) -> String) -> u32 {
        if let Some(&id) = self.label_ids.get(&key) {
            return id;
        }
        let id = self.labels.len() as u32;
        self.labels.push(text(&self.lanes_state));
        self.label_ids.insert(key, id);
        id
    }

    fn segment(&mut self, s: Segment, tasks: &Tasks<'_>) {
        let code = state_code(s.state);
        if let Some(&g) = self.group_of.get(s.task as usize) {
            if g != NONE {
                self.grid.add(g as usize, code, s.start, s.end);
            }
        }
        let Some(lane) = self.lane(s.task) else { return };
        let (mut label, mut target, mut children) = (NONE, NONE, false);
        if let State::Blocked(b) = s.state {
            let plural = |n: u32| if n == 1 { "" } else { "s" };
            label = match b {
                Blocked::Task(t) => {
                    target = t;
                    // Named by the page from the target's lane when it has one.
                    if self.lane(t).is_some() {
                        NONE
                    } else {
                        self.label((0, t), |_| tasks.name(t).to_string())
                    }
                }
                Blocked::Lock(p) => self.label((1, p), |l| format!("lock `{}`", l.name(p))),
                Blocked::Semaphore(p) => self.label((2, p), |l| format!("semaphore `{}`", l.name(p))),
                Blocked::Event(p) => self.label((3, p), |l| format!("event `{}`", l.name(p))),
                Blocked::Condition(p) => self.label((4, p), |l| format!("condition `{}`", l.name(p))),
                Blocked::Queue(p) => self.label((5, p), |l| format!("queue `{}`", l.name(p))),
                Blocked::Gather(n) => {
                    children = true;
                    self.label((6, n), |_| format!("gather of {n} awaitable{}", plural(n)))
                }
                Blocked::Wait(n) => {
                    children = true;
                    self.label((7, n), |_| format!("asyncio.wait of {n} task{}", plural(n)))
                }
                Blocked::AsCompleted(n) => {
                    children = true;
                    self.label((8, n), |_| format!("as_completed of {n} task{}", plural(n)))
                }
                Blocked::TaskGroup(n) => {
                    children = true;
                    self.label((9, n), |_| format!("task group ({n} task{} left)", plural(n)))
                }
            };
        }
        self.lanes[lane].segs.push(Seg {
            state: code as u8,
            start: s.start,
            end: s.end,
            label,
            target,
            open: s.open,
            children,
        });
    }

    /// Follows one event.
    pub(crate) fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) {
        if let EventKind::Created = e.kind {
            if tasks.internal(e.task) {
                return;
            }
            self.created(e, tasks);
        }
        let mut pending = std::mem::take(&mut self.pending);
        self.lanes_state.event(e, tasks, &mut |s| pending.push(s));
        for s in pending.drain(..) {
            self.segment(s, tasks);
        }
        self.pending = pending;
        match e.kind {
            EventKind::Awaits(child) => {
                if let (Some(l), Some(_)) = (self.lane(e.task), self.lane(child)) {
                    self.lanes[l].awaits.push((e.t, child));
                }
            }
            EventKind::Spawn(child) => {
                if let Some(l) = self.lane(child) {
                    self.lanes[l].parent = e.task;
                }
                self.arrow(false, e.task, e.t, child, e.t);
            }
            EventKind::Wake { cause, ready } => {
                let by = match cause {
                    Cause::Op { by, .. } | Cause::Finished(by) | Cause::Task(by) => Some(by),
                    Cause::Cancel(c) => c.task(),
                    Cause::Slept | Cause::Deadline | Cause::Loop => None,
                };
                if let Some(by) = by.filter(|&b| b != e.task) {
                    self.arrow(true, by, ready, e.task, e.t);
                }
            }
            EventKind::Print(text) => {
                if let Some(l) = self.lane(e.task) {
                    if self.marks >= MAX_MARKS {
                        self.dropped_marks += 1;
                    } else {
                        self.marks += 1;
                        self.lanes[l].marks.push((e.t, text.to_owned()));
                    }
                }
            }
            EventKind::Done(v) => self.ended(e, End::Done, || if v.is_none() { String::new() } else { v.to_string() }),
            EventKind::Failed(kind, msg) => {
                self.ended(e, End::Raised, || if msg.is_empty() { kind.to_owned() } else { format!("{kind}: {msg}") })
            }
            EventKind::Cancelled => self.ended(e, End::Cancelled, String::new),
            _ => {}
        }
    }

    fn ended(&mut self, e: &Event<'_>, how: End, text: impl FnOnce() -> String) {
        if let Some(l) = self.lane(e.task) {
            self.lanes[l].end = Some((e.t, how, text()));
        }
    }

    /// The run ended at `elapsed`: closes the open states, and names the
    /// lanes as the run names their tasks now.
    pub(crate) fn finish(&mut self, elapsed: f64, tasks: &Tasks<'_>) {
        let mut pending = std::mem::take(&mut self.pending);
        self.lanes_state.finish(elapsed, &mut |s| pending.push(s));
        for s in pending.drain(..) {
            self.segment(s, tasks);
        }
        for lane in &mut self.lanes {
            lane.name = tasks.name(lane.task).to_string();
        }
    }
}

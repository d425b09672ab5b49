//! The dynamic task tree of a run (`asim graph --run`): a sink that keeps
//! one small record per task (its call, who created it, how and when it
//! ended) and the pairs (waiter, awaited), and draws them at the end.
//!
//! A node per task, named as the run names it (`Task-2`, or the name
//! given), labelled with its call, its outcome and its lifetime in virtual
//! seconds; a solid edge from the task that created it, a dotted one from
//! each task that awaited it (labelled with how: `await`, `gather`,
//! `wait`, `as_completed`, `task group`). `asyncio.run`'s own two shutdown
//! tasks are left out.

use super::{clip, Diagram, Format, Line, Link, Shape, Tone};
use crate::runtime::{Event, EventKind, Interest, RunEnd, Sink, Tasks, WaitOn};
use crate::source::Source;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// A label line is cut after this many characters.
const MAX_LABEL: usize = 60;

/// How a task waited for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Await,
    Gather,
    Wait,
    AsCompleted,
    TaskGroup,
}

impl How {
    fn word(self) -> &'static str {
        match self {
            How::Await => "await",
            How::Gather => "gather",
            How::Wait => "wait",
            How::AsCompleted => "as_completed",
            How::TaskGroup => "task group",
        }
    }
}

#[derive(Debug)]
enum End {
    Pending,
    Returned(Option<String>),
    Raised(String),
    Cancelled,
}

#[derive(Debug)]
struct Rec {
    /// Its call, taken when it is created (a finished task forgets its
    /// arguments).
    call: String,
    parent: Option<u32>,
    created: f64,
    finished: f64,
    end: End,
    /// What its latest wait on several tasks was (for the `Awaits` that follow).
    waiting: How,
    internal: bool,
}

/// The sink behind `asim graph --run`.
pub struct TaskTree<'w> {
    out: &'w mut dyn Write,
    err: &'w mut dyn Write,
    source: &'w Source,
    title: String,
    format: Format,
    tasks: Vec<Rec>,
    awaited: BTreeMap<(u32, u32), How>,
}

impl<'w> TaskTree<'w> {
    /// Writes the diagram to `out` at the end of the run, and what went
    /// wrong (a traceback, a deadlock report) to `err`.
    pub fn new(
        out: &'w mut dyn Write,
        err: &'w mut dyn Write,
        source: &'w Source,
        title: &str,
        format: Format,
    ) -> Self {
        TaskTree { out, err, source, title: title.to_owned(), format, tasks: Vec::new(), awaited: BTreeMap::new() }
    }

    fn rec(&mut self, task: u32) -> Option<&mut Rec> {
        self.tasks.get_mut(task as usize)
    }

    fn diagram(&self, tasks: &Tasks<'_>, elapsed: f64) -> Diagram {
        let mut d = Diagram::new(&self.title);
        let mut node = vec![usize::MAX; self.tasks.len()];
        for (id, r) in self.tasks.iter().enumerate() {
            if r.internal {
                continue;
            }
            let name = tasks.name(id as u32).to_string();
            let (outcome, tone) = match &r.end {
                End::Pending => ("pending".to_owned(), Tone::Pending),
                End::Returned(None) => ("done".to_owned(), Tone::Ok),
                End::Returned(Some(v)) => (format!("-> {v}"), Tone::Ok),
                End::Raised(e) => (format!("raised {e}"), Tone::Failed),
                End::Cancelled => ("cancelled".to_owned(), Tone::Cancelled),
            };
            let finished = if matches!(r.end, End::Pending) { elapsed } else { r.finished };
            let life = format!(
                "{:.3} → {:.3}{}",
                r.created,
                finished,
                if matches!(r.end, End::Pending) { " (run ended)" } else { "" }
            );
            let shape = if r.parent.is_none() { Shape::Main } else { Shape::Box };
            node[id] = d.node("t_", &name, vec![clip(&name, MAX_LABEL), r.call.clone(), outcome, life], shape, tone);
        }
        for (id, r) in self.tasks.iter().enumerate() {
            if let Some(p) = r.parent {
                let (from, to) = (node[p as usize], node[id]);
                if from != usize::MAX && to != usize::MAX {
                    d.edges.push(Link { from, to, style: Line::Solid, label: String::new() });
                }
            }
        }
        for (&(waiter, awaited), how) in &self.awaited {
            let (from, to) = (node[waiter as usize], node[awaited as usize]);
            if from != usize::MAX && to != usize::MAX {
                d.edges.push(Link { from, to, style: Line::Dotted, label: how.word().to_owned() });
            }
        }
        d
    }
}

impl Sink for TaskTree<'_> {
    fn interest(&self) -> Interest {
        // Prints and warnings are not needed; every other kind is.
        Interest::TRACE.with(Interest::AWAITS)
    }

    fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        match e.kind {
            EventKind::Created => {
                let id = e.task as usize;
                if self.tasks.len() <= id {
                    self.tasks.resize_with(id + 1, || Rec {
                        call: String::new(),
                        parent: None,
                        created: 0.0,
                        finished: 0.0,
                        end: End::Pending,
                        waiting: How::Await,
                        internal: false,
                    });
                }
                let call = clip(&tasks.call(e.task), MAX_LABEL);
                let r = &mut self.tasks[id];
                r.call = call;
                r.created = e.t;
                r.internal = tasks.internal(e.task);
            }
            EventKind::Spawn(child) => {
                if let Some(r) = self.rec(child) {
                    r.parent = Some(e.task);
                }
            }
            EventKind::Wait(on) => {
                let how = match on {
                    WaitOn::Task(t) => {
                        self.awaited.entry((e.task, t)).or_insert(How::Await);
                        return Ok(());
                    }
                    WaitOn::Gather(_) => How::Gather,
                    WaitOn::Wait(..) => How::Wait,
                    WaitOn::AsCompleted(_) => How::AsCompleted,
                    WaitOn::TaskGroup(_) => How::TaskGroup,
                    _ => return Ok(()),
                };
                if let Some(r) = self.rec(e.task) {
                    r.waiting = how;
                }
            }
            EventKind::Awaits(t) => {
                if let Some(how) = self.tasks.get(e.task as usize).map(|r| r.waiting) {
                    self.awaited.entry((e.task, t)).or_insert(how);
                }
            }
            EventKind::Done(v) => {
                let value = if v.is_none() { None } else { Some(clip(&v.to_string(), MAX_LABEL)) };
                if let Some(r) = self.rec(e.task) {
                    r.end = End::Returned(value);
                    r.finished = e.t;
                }
            }
            EventKind::Failed(kind, message) => {
                let text = if message.is_empty() { kind.to_owned() } else { format!("{kind}: {message}") };
                if let Some(r) = self.rec(e.task) {
                    r.end = End::Raised(clip(&text, MAX_LABEL));
                    r.finished = e.t;
                }
            }
            EventKind::Cancelled => {
                if let Some(r) = self.rec(e.task) {
                    r.end = End::Cancelled;
                    r.finished = e.t;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        let text = self.diagram(tasks, end.elapsed).render(self.format);
        self.out.write_all(text.as_bytes())?;
        self.out.flush()?;
        let epilogue = crate::report::epilogue(end, tasks, self.source);
        self.err.write_all(epilogue.as_bytes())?;
        self.err.flush()
    }
}

//! Deadlock reports.
//!
//! When nothing is ready, no timer is pending and `asyncio.run` has not
//! returned, a real program would hang forever. We stop and say why: every
//! blocked task, what it waits on, and the wait-for cycle if there is one
//! (found with petgraph on the graph "task -> task it waits for").

use super::*;
use petgraph::algo::kosaraju_scc;
use petgraph::graph::DiGraph;

/// What one blocked task waits for.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    /// The blocked task.
    pub task: u32,
    /// A sentence: "lock `a` (held by Task-3)".
    pub on: String,
    /// Tasks it waits for.
    pub waits_for: Vec<u32>,
}

/// The state of a deadlocked run.
#[derive(Debug, Clone, PartialEq)]
pub struct Deadlock {
    /// Every task that cannot go on, in creation order.
    pub blocked: Vec<Waiting>,
    /// A wait-for cycle, as task indices, first task repeated at the end.
    pub cycle: Option<Vec<u32>>,
}

impl Vm<'_> {
    /// The tasks among `futs` that are not done yet.
    fn pending_tasks(&self, futs: &[FutId]) -> Vec<u32> {
        futs.iter()
            .filter_map(|f| match self.futs[*f as usize].kind() {
                FutKind::Task(o) if !self.task_done(o) => Some(o),
                _ => None,
            })
            .collect()
    }

    /// `Task-2, Task-3`.
    fn task_names(&self, tasks: &[u32]) -> String {
        tasks.iter().map(|p| self.tasks[*p as usize].name().to_string()).collect::<Vec<_>>().join(", ")
    }

    fn prim_name(&self, id: u32) -> &str {
        &self.prim_names[id as usize]
    }

    pub(super) fn deadlock_report(&self) -> Deadlock {
        let mut blocked = Vec::new();
        for (i, task) in self.tasks.iter().enumerate() {
            if self.task_done(i as u32) {
                continue;
            }
            let (on, waits_for) = match &task.resume {
                Resume::Lock { prim, .. } => {
                    let holder = match &self.prims[*prim as usize] {
                        Prim::Lock { holder, .. } => *holder,
                        _ => None,
                    };
                    let held = match holder {
                        Some(h) => format!(" (held by {})", self.tasks[h as usize].name()),
                        None => " (released, but its waiter was never woken)".to_owned(),
                    };
                    (format!("lock `{}`{held}", self.prim_name(*prim)), holder.into_iter().collect())
                }
                Resume::Sem { prim, .. } => {
                    let (value, holders) = match &self.prims[*prim as usize] {
                        Prim::Sem { value, holders, .. } => (*value, holders.keys().copied().collect::<Vec<_>>()),
                        _ => (0, Vec::new()),
                    };
                    let names: Vec<String> =
                        holders.iter().map(|h| self.tasks[*h as usize].name().to_string()).collect();
                    let held = if names.is_empty() { String::new() } else { format!(", held by {}", names.join(", ")) };
                    (format!("semaphore `{}` ({value} free{held})", self.prim_name(*prim)), holders)
                }
                Resume::Event { prim, .. } => {
                    (format!("event `{}`, which nothing will set", self.prim_name(*prim)), Vec::new())
                }
                Resume::Await { fut, .. } => match self.futs[*fut as usize].kind() {
                    FutKind::Task(o) => (format!("task {}", self.tasks[o as usize].name()), vec![o]),
                    FutKind::Gather(g) => {
                        let pending = self.pending_tasks(&self.gathers[g as usize].children);
                        (format!("gather of {}", self.task_names(&pending)), pending)
                    }
                    FutKind::Plain => ("a future".to_owned(), Vec::new()),
                },
                Resume::TgWait { tg } => {
                    let pending: Vec<u32> = self.groups[*tg as usize].tasks.iter().copied().collect();
                    (format!("its task group's children {}", self.task_names(&pending)), pending)
                }
                Resume::AsCompleted { ac, .. } => {
                    let pending: Vec<u32> = self.as_completed[*ac as usize].todo.iter().copied().collect();
                    (format!("as_completed of {}", self.task_names(&pending)), pending)
                }
                Resume::Wait { w, .. } => {
                    let pending = self.pending_tasks(&self.waits[*w as usize].futs);
                    (format!("asyncio.wait of {}", self.task_names(&pending)), pending)
                }
                Resume::Cond(w) if w.reacquiring => {
                    let lock = self.lock_target(w.cond);
                    let holder = match &self.prims[lock as usize] {
                        Prim::Lock { holder, .. } => *holder,
                        _ => None,
                    };
                    let held =
                        holder.map(|h| format!(" (held by {})", self.tasks[h as usize].name())).unwrap_or_default();
                    (format!("the lock of condition `{}`{held}", self.prim_name(w.cond)), holder.into_iter().collect())
                }
                Resume::Cond(w) => {
                    (format!("condition `{}`, which nothing will notify", self.prim_name(w.cond)), Vec::new())
                }
                Resume::Queue(w) => {
                    let queue::QueueWait { prim, op, .. } = &**w;
                    let what = if *op == QueueOp::Get { "an item" } else { "a free slot" };
                    (format!("queue `{}` ({what}), which nothing will provide", self.prim_name(*prim)), Vec::new())
                }
                Resume::WaitFor(w) => self.wait_for_blocker(w.fut),
                Resume::WaitForCancel(w) => self.wait_for_blocker(w.fut),
                Resume::Sleep { timer, .. } if self.timer_never_due(*timer) => {
                    ("asyncio.sleep until inf, a deadline that never comes".to_owned(), Vec::new())
                }
                Resume::Start | Resume::StartReused | Resume::Yield | Resume::Sleep { .. } | Resume::Finished => {
                    continue
                }
            };
            blocked.push(Waiting { task: i as u32, on, waits_for });
        }
        let mut g: DiGraph<u32, ()> = DiGraph::new();
        let nodes: Vec<_> = (0..self.tasks.len() as u32).map(|i| g.add_node(i)).collect();
        for w in &blocked {
            for &o in &w.waits_for {
                g.add_edge(nodes[w.task as usize], nodes[o as usize], ());
            }
        }
        // kosaraju_scc is iterative (tarjan_scc recurses once per task on
        // the cycle); membership is a table, so walking a cycle is linear.
        let mut in_scc = vec![false; g.node_count()];
        let cycle = kosaraju_scc(&g)
            .into_iter()
            .filter(|scc| scc.len() > 1 || g.contains_edge(scc[0], scc[0]))
            .map(|scc| {
                for n in &scc {
                    in_scc[n.index()] = true;
                }
                // Walk the cycle from its lowest task, following edges inside the component.
                let start = *scc.iter().min_by_key(|n| g[**n]).expect("non-empty");
                let mut path = vec![g[start]];
                let mut cur = start;
                loop {
                    let next =
                        g.neighbors(cur).filter(|n| in_scc[n.index()]).min_by_key(|n| g[*n]).expect("cycle edge");
                    path.push(g[next]);
                    if next == start || path.len() > scc.len() + 1 {
                        break;
                    }
                    cur = next;
                }
                for n in &scc {
                    in_scc[n.index()] = false;
                }
                path
            })
            .min_by_key(|p| p[0]);
        Deadlock { blocked, cycle }
    }
}

impl Vm<'_> {
    /// What a task in `wait_for(fut)` waits on, for the report.
    fn wait_for_blocker(&self, fut: FutId) -> (String, Vec<u32>) {
        match self.futs[fut as usize].kind() {
            FutKind::Task(o) => (format!("wait_for of task {}", self.tasks[o as usize].name()), vec![o]),
            _ => ("wait_for".to_owned(), Vec::new()),
        }
    }
}

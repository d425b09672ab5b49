//! Which tasks a task waits for when it waits on several at once (a
//! gather, `asyncio.wait`, `as_completed`, a task group): one
//! [`EventKind::Awaits`] per task, right after the [`EventKind::Wait`].
//! Built only for a sink whose [`Interest`] includes [`Interest::AWAITS`].

use super::*;

impl Vm<'_> {
    /// Whether the sink wants [`EventKind::Awaits`] events.
    pub(crate) fn wants_awaits(&self) -> bool {
        self.interest.0 & Interest::AWAITS.0 != 0
    }

    /// The tasks behind `futs` (futures that are not a task's are skipped).
    pub(crate) fn fut_tasks(&self, futs: &[FutId]) -> Vec<TaskId> {
        let mut out: Vec<TaskId> = futs
            .iter()
            .filter_map(|&f| match self.futs[f as usize].kind() {
                FutKind::Task(t) => Some(t),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// `t` now waits for each of `tasks`.
    pub(crate) fn record_awaits(&self, t: TaskId, tasks: impl IntoIterator<Item = TaskId>) {
        for child in tasks {
            self.record(t, EventKind::Awaits(child));
        }
    }
}

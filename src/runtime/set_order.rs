//! The orders CPython leaves to memory addresses, made a choice.
//!
//! In four places CPython 3.11 iterates a `set` of tasks, whose order
//! follows their addresses: `TaskGroup._abort` cancelling the other
//! children, `asyncio.run` cancelling the tasks left at shutdown (and
//! gathering them, and reporting their errors), `asyncio.wait`'s set of
//! futures (the order of `done` and `pending`), and `as_completed`'s set of
//! tasks (the order it queues those already done). asim iterates them in
//! an order chosen by `--set-order`: task creation order (the default),
//! its reverse, or a seeded shuffle. The differential harness uses the same
//! rule, so every order is checked against CPython.
//!
//! The shuffle sorts the tasks by a hash of the seed and the task's `Task-N`
//! number (every task takes one in 3.11, named or not): the same rule in
//! Rust and in the Python harness, whatever else either side creates.

use super::{TaskId, Vm};
use crate::source::Span;

/// How to iterate a set of tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SetOrder {
    /// Task creation order.
    #[default]
    Creation,
    /// Newest first.
    Reverse,
    /// A shuffle, the same for the same seed.
    Shuffle(u64),
}

impl SetOrder {
    /// Parses `creation`, `reverse` or `shuffle:SEED`.
    pub fn parse(text: &str) -> Result<SetOrder, String> {
        match text {
            "creation" => Ok(SetOrder::Creation),
            "reverse" => Ok(SetOrder::Reverse),
            _ => match text.strip_prefix("shuffle:").map(str::parse::<u64>) {
                Some(Ok(seed)) => Ok(SetOrder::Shuffle(seed)),
                _ => Err(format!(
                    "`{text}` is not a set order: write `creation`, `reverse` or `shuffle:SEED` (SEED a whole number)"
                )),
            },
        }
    }

    /// The sort key of the task numbered `num` (`Task-N`).
    pub(crate) fn key(self, num: u32) -> u64 {
        match self {
            SetOrder::Creation => u64::from(num),
            SetOrder::Reverse => u64::MAX - u64::from(num),
            SetOrder::Shuffle(seed) => mix(seed.wrapping_add(u64::from(num).wrapping_mul(0x9E37_79B9_7F4A_7C15))),
        }
    }
}

impl std::fmt::Display for SetOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetOrder::Creation => f.write_str("creation"),
            SetOrder::Reverse => f.write_str("reverse"),
            SetOrder::Shuffle(s) => write!(f, "shuffle:{s}"),
        }
    }
}

/// splitmix64's finaliser.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Which of CPython's set iterations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetSite {
    /// A TaskGroup cancelling its other children.
    TaskGroupAbort,
    /// `asyncio.run` cancelling the tasks left at shutdown.
    Shutdown,
    /// `asyncio.wait`'s set of futures.
    Wait,
    /// `as_completed`'s set of tasks.
    AsCompleted,
}

impl SetSite {
    /// The name in JSON (`"site"`).
    pub fn key(self) -> &'static str {
        match self {
            SetSite::TaskGroupAbort => "task_group_abort",
            SetSite::Shutdown => "shutdown",
            SetSite::Wait => "wait",
            SetSite::AsCompleted => "as_completed",
        }
    }

    /// What the order decides, for a warning.
    pub fn describe(self) -> &'static str {
        match self {
            SetSite::TaskGroupAbort => "the order in which a TaskGroup cancels its other tasks when one fails",
            SetSite::Shutdown => "the order in which asyncio.run() cancels the tasks still running at the end",
            SetSite::Wait => "the order of asyncio.wait()'s done and pending sets",
            SetSite::AsCompleted => "the order in which as_completed() yields tasks that are already done",
        }
    }
}

/// A set iteration of two or more tasks that the run went through: where
/// its order was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetChoice {
    /// Which iteration.
    pub site: SetSite,
    /// The scenario text of the construct (the step that waits, the task
    /// group, ...), when there is one (`asyncio.run`'s shutdown has none).
    pub span: Option<Span>,
}

/// The most distinct choices a run keeps (memory follows live tasks, not
/// the run's length).
const MAX_CHOICES: usize = 16;

impl Vm<'_> {
    /// Puts `tasks` (ascending ids, i.e. creation order) in the run's set
    /// order, and notes the choice when it has one to make.
    pub(crate) fn set_order(&mut self, tasks: &mut [TaskId], site: SetSite, at: Option<TaskId>) {
        if tasks.len() < 2 {
            return;
        }
        let order = self.limits.set_order;
        if order != SetOrder::Creation {
            // Keyed by creation number (the first task is 1), which every
            // task has: a named one may have no `Task-N` number of its own.
            tasks.sort_by_key(|&t| order.key(t + 1));
        }
        // The task that iterates (main for asyncio.run's shutdown).
        self.record(at.unwrap_or(0), super::EventKind::SetOrder { site, order, n: tasks.len() as u32 });
        let span = at.and_then(|t| self.task_span(t));
        let choice = SetChoice { site, span };
        if self.set_choices.len() < MAX_CHOICES && !self.set_choices.contains(&choice) {
            self.set_choices.push(choice);
        }
    }

    /// The scenario text of the instruction a task is at.
    pub(crate) fn task_span(&self, t: TaskId) -> Option<Span> {
        let f = self.tasks[t as usize].frames.last()?;
        let code = &self.prog.coros[f.coro as usize];
        let pc = f.pc().saturating_sub(1).min(code.code.len().saturating_sub(1));
        code.code.get(pc).map(|i| i.span.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::SetOrder;

    #[test]
    fn orders_parse_print_and_sort() {
        for text in ["creation", "reverse", "shuffle:7"] {
            assert_eq!(SetOrder::parse(text).unwrap().to_string(), text);
        }
        assert!(SetOrder::parse("shuffle").is_err() && SetOrder::parse("random").is_err());
        let mut nums: Vec<u32> = (1..=6).collect();
        nums.sort_by_key(|&n| SetOrder::Reverse.key(n));
        assert_eq!(nums, [6, 5, 4, 3, 2, 1]);
        // The harness (tests/harness/vclock.py, `set_order_key`) computes
        // the same keys: these values came from it.
        assert_eq!(SetOrder::Shuffle(1).key(2), 0xbeeb_8da1_658e_ec67);
        let mut nums: Vec<u32> = (1..=8).collect();
        nums.sort_by_key(|&n| SetOrder::Shuffle(7).key(n));
        assert_eq!(nums, [2, 6, 8, 1, 5, 7, 4, 3]);
    }
}

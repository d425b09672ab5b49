//! The CPython release whose asyncio a run reproduces: the scenario's
//! top-level `python:` key, or `--python` (which wins), or the newest
//! supported release.
//!
//! Every behaviour that differs between releases is a method here, named
//! after the mechanism and documented with the CPython change responsible,
//! so each mechanism asks one question in one place instead of comparing
//! version numbers (docs/fidelity.md, "Python versions").

use std::cell::Cell;
use std::fmt;

/// A supported CPython release (its newest patch release at the time of
/// writing; the asyncio behaviour did not change within a release line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Python {
    /// CPython 3.11.
    V3_11,
    /// CPython 3.12.
    V3_12,
    /// CPython 3.13.
    V3_13,
    /// CPython 3.14.
    V3_14,
}

impl Python {
    /// Every supported release, oldest first.
    pub const ALL: [Python; 4] = [Python::V3_11, Python::V3_12, Python::V3_13, Python::V3_14];
    /// The release a run reproduces when neither the scenario nor the
    /// command line names one.
    pub const DEFAULT: Python = Python::V3_14;

    /// `"3.11"` and so on.
    pub fn as_str(self) -> &'static str {
        match self {
            Python::V3_11 => "3.11",
            Python::V3_12 => "3.12",
            Python::V3_13 => "3.13",
            Python::V3_14 => "3.14",
        }
    }

    /// Parses `3.11`, `3.12`, `3.13` or `3.14` (also with a patch number,
    /// `3.12.7`, or a `python` prefix, `python3.13`).
    pub fn parse(text: &str) -> Result<Python, String> {
        let t = text.trim();
        let t = t.strip_prefix("python").unwrap_or(t).trim();
        let mut parts = t.splitn(3, '.');
        let (major, minor) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let patch_ok = parts.next().is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let found = match (major, minor) {
            ("3", "11") => Some(Python::V3_11),
            ("3", "12") => Some(Python::V3_12),
            ("3", "13") => Some(Python::V3_13),
            ("3", "14") => Some(Python::V3_14),
            _ => None,
        };
        match found {
            Some(v) if patch_ok => Ok(v),
            _ => Err(format!("`{text}` is not a supported Python version: asim reproduces 3.11, 3.12, 3.13 and 3.14")),
        }
    }

    /// Whether this release has `change`.
    pub fn has(self, change: Change) -> bool {
        self >= change.since()
    }
}

/// A change to asyncio's (or the language's) observable behaviour between
/// two supported releases. A mechanism of the runtime asks
/// [`Python::has`] about its own change, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// `gather` handles an argument that is already done in the call
    /// itself, instead of through a done callback queued on the loop: when
    /// every argument is done, the gather is done when `gather()` returns.
    GatherDoneArguments,
    /// `wait_for` awaits its argument in the calling task under
    /// `asyncio.timeout()`, instead of wrapping it in a task of its own and
    /// waiting on a future with a timer.
    WaitForInPlace,
    /// `asyncio.create_task(coro, name=...)` and `tg.create_task(coro,
    /// name=...)` pass the name to the task's constructor, so a named task
    /// no longer uses up a `Task-N` number.
    NamedTaskUnnumbered,
    /// A waiter of `Semaphore.acquire()` that resumes wakes as many
    /// waiters as there are free units, instead of at most one.
    SemaphoreWakesAll,
    /// `Condition.wait()` that ends with an exception (a cancellation)
    /// wakes the next waiter, passing on a notification it may have had,
    /// and re-raises the CancelledError it got rather than a new one.
    ConditionPassesNotification,
    /// `Task.uncancel()` that brings the count of cancel requests to 0
    /// also drops a cancellation not yet delivered (`_must_cancel`).
    UncancelClearsCancel,
    /// A TaskGroup takes back its own cancellation of the parent task only
    /// after its children have finished, and when it raises its errors
    /// while the parent was also cancelled from outside, it cancels the
    /// parent again so that cancellation is not lost.
    TaskGroupSettlesAfterChildren,
    /// `tg.create_task()` on a finished or shutting-down group closes the
    /// coroutine, so it is not reported as never awaited.
    TaskGroupClosesRefusedCoroutine,
    /// An expired `asyncio.timeout()` left by an exception other than the
    /// cancellation puts a TimeoutError into that exception's context
    /// chain, between it and the CancelledError.
    TimeoutMarksOtherErrors,
    /// A shielded task that fails after its `shield()` was cancelled has
    /// its exception logged when it fails ("... exception in shielded
    /// future"), not as "never retrieved" when it is freed.
    ShieldLogsLateFailure,
    /// `Queue.shutdown(immediate=False)` and `asyncio.QueueShutDown`: a
    /// queue can be shut down, which wakes its getters and putters and
    /// makes later puts (and gets of an empty queue) raise `QueueShutDown`.
    /// Before, neither name exists: using one raises `AttributeError`.
    QueueShutdown,
    /// List, dict and set comprehensions run inline in their caller's
    /// frame (PEP 709): no `<listcomp>` frame in tracebacks, and what a
    /// failed one built is freed by code without a line number.
    InlinedComprehensions,
    /// `TaskGroup.__aexit__` clears its references to the parent task and
    /// the errors as it leaves, so what it raises is not in a reference
    /// cycle: the tasks and frames involved are freed at once, not by the
    /// garbage collector.
    TaskGroupBreaksCycles,
    /// `'%c' % x` of a wrong type says what it got.
    PercentCharMessage,
    /// `dict(seq)` with an element that is not a sequence says `object is
    /// not iterable` (with the old sentence as a note).
    DictUpdateElementMessage,

    // Exception messages (docs/fidelity.md, "Python versions: messages"),
    // asked through `crate::value::messages`.
    /// `x % 0.0` says `float modulo by zero`, not `float modulo`.
    FloatModuloMessage,
    /// Every int and float `/`, `//`, `%` and `divmod()` by zero says
    /// `division by zero`.
    ZeroDivisionMessage,
    /// `0 ** -1` says `zero to a negative power`.
    ZeroPowerMessage,
    /// `max([])` says `max() iterable argument is empty`.
    EmptyMaxMinMessage,
    /// `[1, 2].index(5)` says `list.index(x): x not in list`.
    ListIndexMessage,
    /// An unhashable dict key or set element says what it was used as:
    /// `cannot use 'list' as a dict key (unhashable type: 'list')`.
    UnhashableMessage,
    /// `1 in 5` says `argument of type 'int' is not a container or
    /// iterable`.
    ContainsMessage,
    /// Unpacking a list, tuple or dict of too many items says how many:
    /// `too many values to unpack (expected 2, got 3)`.
    UnpackCountMessage,
    /// `asyncio.Barrier(0)` says `parties must be >= 1`.
    BarrierPartiesMessage,
    /// `asyncio.sleep(nan)` raises `ValueError('Invalid delay: NaN (not a
    /// number)')` (it slept as `sleep(0)` before).
    SleepNanError,

    // The `random` module (docs/fidelity.md, "Python versions: the random
    // module"), asked through `crate::value::random`.
    /// `randrange()` takes only ints (`operator.index()`): `10.0` raises
    /// TypeError where it was taken with a DeprecationWarning, and `10.5`
    /// or `'10'` raise TypeError instead of ValueError; an empty range
    /// names the arguments, `empty range in randrange(5, 2)`.
    RandrangeIntegersOnly,
    /// `expovariate()` has a default rate, `lambd=1.0`.
    ExpovariateDefaultRate,
    /// `random.binomialvariate(n=1, p=0.5)` exists.
    BinomialVariate,
    /// `seed()` of an unsupported type says `The only supported seed types
    /// are:\nNone, int, ...` (the line broken after `are:`).
    SeedTypesMessage,
    /// `randint(a, b)` converts both with `operator.index()` and checks
    /// the range itself (`empty range in randint(5, 1)`), instead of
    /// calling `randrange(a, b+1)`.
    RandintChecksItself,
    /// `sample(..., counts=...)` accepts counts that total zero (a sample
    /// of 0 is `[]`) and says `Counts must be non-negative` for a negative
    /// total.
    SampleZeroCounts,
    /// `getrandbits(-1)` says `Cannot convert negative int`.
    GetrandbitsNegativeMessage,
}

impl Change {
    /// Every change, oldest first.
    pub const ALL: [Change; 32] = [
        Change::GatherDoneArguments,
        Change::WaitForInPlace,
        Change::NamedTaskUnnumbered,
        Change::SemaphoreWakesAll,
        Change::ConditionPassesNotification,
        Change::UncancelClearsCancel,
        Change::TaskGroupSettlesAfterChildren,
        Change::TaskGroupClosesRefusedCoroutine,
        Change::TimeoutMarksOtherErrors,
        Change::ShieldLogsLateFailure,
        Change::QueueShutdown,
        Change::InlinedComprehensions,
        Change::TaskGroupBreaksCycles,
        Change::PercentCharMessage,
        Change::DictUpdateElementMessage,
        // Exception messages.
        Change::FloatModuloMessage,
        Change::ZeroDivisionMessage,
        Change::ZeroPowerMessage,
        Change::EmptyMaxMinMessage,
        Change::ListIndexMessage,
        Change::UnhashableMessage,
        Change::ContainsMessage,
        Change::UnpackCountMessage,
        Change::BarrierPartiesMessage,
        Change::SleepNanError,
        // The random module.
        Change::RandrangeIntegersOnly,
        Change::ExpovariateDefaultRate,
        Change::BinomialVariate,
        Change::SeedTypesMessage,
        Change::RandintChecksItself,
        Change::SampleZeroCounts,
        Change::GetrandbitsNegativeMessage,
    ];

    /// The first release with the change.
    pub fn since(self) -> Python {
        match self {
            Change::GatherDoneArguments | Change::WaitForInPlace | Change::InlinedComprehensions => Python::V3_12,
            Change::NamedTaskUnnumbered
            | Change::SemaphoreWakesAll
            | Change::ConditionPassesNotification
            | Change::UncancelClearsCancel
            | Change::TaskGroupSettlesAfterChildren
            | Change::TaskGroupClosesRefusedCoroutine
            | Change::TimeoutMarksOtherErrors
            | Change::QueueShutdown
            | Change::TaskGroupBreaksCycles => Python::V3_13,
            Change::ShieldLogsLateFailure | Change::PercentCharMessage | Change::DictUpdateElementMessage => {
                Python::V3_14
            }
            // Exception messages.
            Change::EmptyMaxMinMessage => Python::V3_12,
            Change::FloatModuloMessage | Change::BarrierPartiesMessage | Change::SleepNanError => Python::V3_13,
            Change::ZeroDivisionMessage
            | Change::ZeroPowerMessage
            | Change::ListIndexMessage
            | Change::UnhashableMessage
            | Change::ContainsMessage
            | Change::UnpackCountMessage => Python::V3_14,
            // The random module.
            Change::RandrangeIntegersOnly | Change::ExpovariateDefaultRate | Change::BinomialVariate => Python::V3_12,
            Change::SeedTypesMessage => Python::V3_13,
            Change::RandintChecksItself | Change::SampleZeroCounts | Change::GetrandbitsNegativeMessage => {
                Python::V3_14
            }
        }
    }

    /// The CPython issue that made it.
    pub fn issue(self) -> &'static str {
        match self {
            Change::GatherDoneArguments => "gh-104144",
            Change::WaitForInPlace => "gh-96764",
            Change::NamedTaskUnnumbered => "gh-112622",
            Change::SemaphoreWakesAll => "gh-111693",
            Change::ConditionPassesNotification => "gh-112202",
            Change::UncancelClearsCancel | Change::TaskGroupSettlesAfterChildren => "gh-116720",
            Change::TaskGroupClosesRefusedCoroutine => "gh-115957",
            Change::TimeoutMarksOtherErrors => "gh-96037",
            Change::ShieldLogsLateFailure => "asyncio.shield, 3.14",
            Change::QueueShutdown => "gh-96471",
            Change::InlinedComprehensions => "PEP 709",
            Change::TaskGroupBreaksCycles => "gh-124958",
            Change::PercentCharMessage => "unicodeobject.c %c formatting",
            Change::DictUpdateElementMessage => "dictobject.c dict_merge_from_seq2",
            // Exception messages: where no issue was found, where the
            // change is.
            Change::FloatModuloMessage => "floatobject.c float_rem",
            Change::ZeroDivisionMessage => "gh-119057",
            Change::ZeroPowerMessage => "floatobject.c float_pow",
            Change::EmptyMaxMinMessage => "bltinmodule.c min_max",
            Change::ListIndexMessage => "listobject.c list.index",
            Change::UnhashableMessage => "gh-132825",
            Change::ContainsMessage => "abstract.c PySequence_Contains",
            Change::UnpackCountMessage => "ceval.c unpack_iterable",
            Change::BarrierPartiesMessage => "asyncio/locks.py Barrier",
            Change::SleepNanError => "gh-105331",
            // The random module: where no issue was found, where the
            // change is.
            Change::RandrangeIntegersOnly => "gh-86388",
            Change::ExpovariateDefaultRate => "random.py expovariate",
            Change::BinomialVariate => "random.py binomialvariate",
            Change::SeedTypesMessage => "random.py seed",
            Change::RandintChecksItself => "random.py randint",
            Change::SampleZeroCounts => "random.py sample",
            Change::GetrandbitsNegativeMessage => "_randommodule.c getrandbits",
        }
    }

    /// What changed, in a sentence a user can act on.
    pub fn what(self) -> &'static str {
        match self {
            Change::GatherDoneArguments => "gather() takes arguments that are already done at once, one loop iteration sooner",
            Change::WaitForInPlace => {
                "wait_for() runs the awaited coroutine in the calling task under asyncio.timeout(), not in a task of its own"
            }
            Change::NamedTaskUnnumbered => "a task created with name= no longer uses up a Task-N number",
            Change::ConditionPassesNotification => {
                "a Condition.wait() cancelled after its notify passes the notification on to the next waiter"
            }
            Change::UncancelClearsCancel => {
                "uncancel() back to zero requests also drops a cancellation the task has not received yet"
            }
            Change::TaskGroupSettlesAfterChildren => {
                "a TaskGroup undoes its cancellation of the parent only after the children finish, and re-delivers a cancellation from outside"
            }
            Change::TaskGroupClosesRefusedCoroutine => {
                "tg.create_task() on a finished group closes the coroutine (no 'never awaited' warning)"
            }
            Change::TimeoutMarksOtherErrors => {
                "an expired asyncio.timeout() left by another exception puts a TimeoutError into its context chain"
            }
            Change::ShieldLogsLateFailure => {
                "a shielded task failing after the shield was cancelled is logged at once as '... exception in shielded future'"
            }
            Change::SemaphoreWakesAll => {
                "a task woken by a Semaphore wakes every waiter there is a unit for, not just the next one"
            }
            Change::InlinedComprehensions => {
                "list, dict and set comprehensions are inlined (no <listcomp> frame in tracebacks)"
            }
            Change::TaskGroupBreaksCycles => {
                "what a TaskGroup raises no longer keeps its task alive in a reference cycle until garbage collection"
            }
            Change::PercentCharMessage => "'%c' % x of a wrong type says what it got",
            Change::DictUpdateElementMessage => {
                "dict() of an element that is not a pair says 'object is not iterable' (the old text becomes a note)"
            }
            Change::QueueShutdown => {
                "queues gain shutdown() and asyncio.QueueShutDown; before 3.13 using either raises AttributeError"
            }
            // Exception messages.
            Change::FloatModuloMessage => "a float modulo by zero says `float modulo by zero`",
            Change::ZeroDivisionMessage => "every int and float division or modulo by zero says `division by zero`",
            Change::ZeroPowerMessage => "`0 ** -1` says `zero to a negative power`",
            Change::EmptyMaxMinMessage => "max() and min() of an empty iterable say `max() iterable argument is empty`",
            Change::ListIndexMessage => "list.index() of a missing item says `list.index(x): x not in list`",
            Change::UnhashableMessage => {
                "an unhashable dict key or set element says `cannot use 'list' as a dict key (unhashable type: 'list')`"
            }
            Change::ContainsMessage => "`x in 5` says `argument of type 'int' is not a container or iterable`",
            Change::UnpackCountMessage => {
                "unpacking a list, tuple or dict of too many items says how many: `(expected 2, got 3)`"
            }
            Change::BarrierPartiesMessage => "asyncio.Barrier(0) says `parties must be >= 1`",
            Change::SleepNanError => "asyncio.sleep(nan) raises ValueError instead of sleeping as sleep(0)",
            // The random module.
            Change::RandrangeIntegersOnly => {
                "randrange() takes only ints (TypeError for 10.0, 10.5 or '10'), and an empty range says `empty range in randrange(5, 2)`"
            }
            Change::ExpovariateDefaultRate => "expovariate() defaults to lambd=1.0",
            Change::BinomialVariate => "random.binomialvariate() exists (AttributeError before 3.12)",
            Change::SeedTypesMessage => {
                "seed() of an unsupported type breaks its message after `are:` rather than after `None,`"
            }
            Change::RandintChecksItself => {
                "randint() takes only ints itself and says `empty range in randint(5, 1)` rather than naming randrange()"
            }
            Change::SampleZeroCounts => {
                "sample(counts=...) accepts counts totalling zero and says `Counts must be non-negative` for a negative total"
            }
            Change::GetrandbitsNegativeMessage => "getrandbits(-1) says `Cannot convert negative int`",
        }
    }

    /// The bit of the change in a set of changes.
    pub fn bit(self) -> u64 {
        1 << (self as u32)
    }
}

thread_local! {
    /// The release the run on this thread reproduces, for code that builds
    /// exceptions without the runtime at hand (`crate::value`).
    static CURRENT: Cell<Python> = const { Cell::new(Python::DEFAULT) };
    /// The changes [`asked`] about since [`set_current`].
    static ASKED: Cell<u64> = const { Cell::new(0) };
}

/// Sets the release that [`asked`] answers for, at the start of a run
/// (`Vm::run`), and forgets what earlier runs asked.
pub(crate) fn set_current(python: Python) {
    CURRENT.with(|c| c.set(python));
    ASKED.with(|a| a.set(0));
}

/// Whether the release of the run on this thread has `change`, noting
/// that the run went through its mechanism (as `Vm::has` does), for code
/// without the runtime at hand.
pub(crate) fn asked(change: Change) -> bool {
    ASKED.with(|a| a.set(a.get() | change.bit()));
    CURRENT.with(|c| c.get()).has(change)
}

/// The bits of the changes [`asked`] about since [`set_current`].
pub(crate) fn asked_changes() -> u64 {
    ASKED.with(|a| a.get())
}

impl fmt::Display for Python {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{Change, Python};

    #[test]
    fn every_change_is_listed_once_and_has_a_bit_of_its_own() {
        for (i, c) in Change::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i, "{c:?} is out of place in Change::ALL");
            assert!(c.since() > Python::V3_11, "{c:?}");
            assert!(!c.what().is_empty() && !c.issue().is_empty(), "{c:?}");
        }
        assert!(Change::ALL.len() <= 64, "Change::bit is a u64");
    }

    #[test]
    fn parses_the_spellings_users_write() {
        assert_eq!(Python::parse("3.12"), Ok(Python::V3_12));
        assert_eq!(Python::parse("3.13.2"), Ok(Python::V3_13));
        assert_eq!(Python::parse("python3.14"), Ok(Python::V3_14));
        assert!(Python::parse("3.10").is_err());
        assert!(Python::parse("3.12.").is_err());
        assert!(Python::parse("3").is_err());
        assert!(Python::parse("2.7").is_err());
    }
}

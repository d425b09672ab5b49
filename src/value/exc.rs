//! Exception classes and exception objects.
//!
//! The class hierarchy is Python's own (a static table of parents, with
//! `ExceptionGroup` inheriting from both `BaseExceptionGroup` and
//! `Exception`), so `except Exception` catches `ValueError` but not
//! `CancelledError`, exactly as in CPython 3.11.

use super::Value;
use std::cell::RefCell;
use std::rc::Rc;

macro_rules! exc_classes {
    ($($variant:ident = $name:literal : [$($parent:ident),*];)*) => {
        /// A Python exception class known to asim.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) enum ExcClass { $($variant),* }

        impl ExcClass {
            /// Every class, for name lookup.
            pub(crate) const ALL: &'static [ExcClass] = &[$(ExcClass::$variant),*];

            /// The class's `__name__`.
            pub(crate) fn name(self) -> &'static str {
                match self { $(ExcClass::$variant => $name),* }
            }

            /// Direct base classes.
            pub(crate) fn parents(self) -> &'static [ExcClass] {
                match self { $(ExcClass::$variant => &[$(ExcClass::$parent),*]),* }
            }
        }
    };
}

exc_classes! {
    BaseException = "BaseException": [];
    Exception = "Exception": [BaseException];
    ArithmeticError = "ArithmeticError": [Exception];
    ZeroDivisionError = "ZeroDivisionError": [ArithmeticError];
    OverflowError = "OverflowError": [ArithmeticError];
    AssertionError = "AssertionError": [Exception];
    AttributeError = "AttributeError": [Exception];
    LookupError = "LookupError": [Exception];
    IndexError = "IndexError": [LookupError];
    KeyError = "KeyError": [LookupError];
    NameError = "NameError": [Exception];
    UnboundLocalError = "UnboundLocalError": [NameError];
    OSError = "OSError": [Exception];
    TimeoutError = "TimeoutError": [OSError];
    ConnectionError = "ConnectionError": [OSError];
    BrokenPipeError = "BrokenPipeError": [ConnectionError];
    ConnectionAbortedError = "ConnectionAbortedError": [ConnectionError];
    ConnectionRefusedError = "ConnectionRefusedError": [ConnectionError];
    ConnectionResetError = "ConnectionResetError": [ConnectionError];
    BlockingIOError = "BlockingIOError": [OSError];
    ChildProcessError = "ChildProcessError": [OSError];
    FileExistsError = "FileExistsError": [OSError];
    FileNotFoundError = "FileNotFoundError": [OSError];
    InterruptedError = "InterruptedError": [OSError];
    IsADirectoryError = "IsADirectoryError": [OSError];
    NotADirectoryError = "NotADirectoryError": [OSError];
    PermissionError = "PermissionError": [OSError];
    ProcessLookupError = "ProcessLookupError": [OSError];
    EOFError = "EOFError": [Exception];
    FloatingPointError = "FloatingPointError": [ArithmeticError];
    UnicodeError = "UnicodeError": [ValueError];
    RuntimeError = "RuntimeError": [Exception];
    RecursionError = "RecursionError": [RuntimeError];
    BrokenBarrierError = "BrokenBarrierError": [RuntimeError];
    NotImplementedError = "NotImplementedError": [RuntimeError];
    TypeError = "TypeError": [Exception];
    ValueError = "ValueError": [Exception];
    InvalidStateError = "InvalidStateError": [Exception];
    QueueFull = "QueueFull": [Exception];
    QueueEmpty = "QueueEmpty": [Exception];
    QueueShutDown = "QueueShutDown": [Exception];
    BaseExceptionGroup = "BaseExceptionGroup": [BaseException];
    ExceptionGroup = "ExceptionGroup": [BaseExceptionGroup, Exception];
    CancelledError = "CancelledError": [BaseException];
    KeyboardInterrupt = "KeyboardInterrupt": [BaseException];
    SystemExit = "SystemExit": [BaseException];
}

impl ExcClass {
    /// `issubclass(self, other)`.
    pub(crate) fn is_subclass(self, other: ExcClass) -> bool {
        self == other || self.parents().iter().any(|p| p.is_subclass(other))
    }

    /// Looks a class up by its Python name.
    pub(crate) fn by_name(name: &str) -> Option<ExcClass> {
        Self::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// Whether the class lives in `asyncio` (and is also reachable as `asyncio.X`).
    pub(crate) fn in_asyncio(self) -> bool {
        matches!(
            self,
            ExcClass::CancelledError
                | ExcClass::InvalidStateError
                | ExcClass::TimeoutError
                | ExcClass::QueueFull
                | ExcClass::QueueEmpty
                | ExcClass::QueueShutDown
                | ExcClass::BrokenBarrierError
        )
    }

    /// The module a traceback names it by, when not `builtins`.
    pub(crate) fn module(self) -> &'static str {
        match self {
            ExcClass::CancelledError | ExcClass::InvalidStateError | ExcClass::BrokenBarrierError => {
                "asyncio.exceptions"
            }
            ExcClass::QueueFull | ExcClass::QueueEmpty | ExcClass::QueueShutDown => "asyncio.queues",
            _ => "",
        }
    }

    /// The release change that added the class, for one that not every
    /// supported release has: on the others its name is undefined.
    pub(crate) fn since(self) -> Option<crate::version::Change> {
        match self {
            ExcClass::QueueShutDown => Some(crate::version::Change::QueueShutdown),
            _ => None,
        }
    }

    /// Whether it is an exception group class.
    pub(crate) fn is_group(self) -> bool {
        self.is_subclass(ExcClass::BaseExceptionGroup)
    }
}

/// A class declared in the scenario (`class Name(Base): pass`), shared by
/// its instances. `base` is its nearest built-in ancestor, which gives it
/// its behaviour (`str()` of a `KeyError` subclass is the key's repr).
#[derive(Debug)]
pub(crate) struct UserClass {
    /// Its index in the program's declarations.
    pub(crate) id: u32,
    pub(crate) name: Rc<str>,
    /// The declared base when it is a class of the scenario too.
    pub(crate) parent: Option<Rc<UserClass>>,
    pub(crate) base: ExcClass,
}

impl UserClass {
    /// `issubclass(self, other)` for another declared class.
    pub(crate) fn is_subclass(&self, other: u32) -> bool {
        self.id == other || self.parent.as_ref().is_some_and(|p| p.is_subclass(other))
    }
}

/// An exception class as a program uses it: a built-in one or one of the
/// scenario's.
#[derive(Debug, Clone)]
pub(crate) enum Class {
    Builtin(ExcClass),
    User(Rc<UserClass>),
}

impl Class {
    /// `isinstance(e, self)`.
    pub(crate) fn matches(&self, e: &ExcObj) -> bool {
        match self {
            Class::Builtin(c) => e.class.is_subclass(*c),
            Class::User(u) => e.user.as_ref().is_some_and(|x| x.is_subclass(u.id)),
        }
    }
}

/// A raised (or raisable) exception object. Identity matters (a bare `raise`
/// re-raises the same object), so it lives behind an `Rc`.
#[derive(Debug)]
pub(crate) struct ExcObj {
    /// Its class, or for an instance of a scenario's class, that class's
    /// nearest built-in ancestor.
    pub(crate) class: ExcClass,
    /// The scenario's class it is an instance of.
    pub(crate) user: Option<Rc<UserClass>>,
    /// `e.args`. For a group: `(message, exceptions)`.
    pub(crate) args: Vec<Value>,
    /// The sub-exceptions of a group.
    pub(crate) group: Vec<Rc<ExcObj>>,
    /// `__traceback__`: an entry per frame it entered, the latest (the
    /// outermost) last; Python's traceback lists them in reverse.
    pub(crate) traceback: RefCell<Vec<TbEntry>>,
    /// `__cause__`, `__context__` and `__suppress_context__`.
    pub(crate) chain: RefCell<Chain>,
}

/// How an exception is chained to earlier ones.
#[derive(Debug, Default)]
pub(crate) struct Chain {
    /// `raise ... from cause`.
    pub(crate) cause: Option<Exc>,
    /// The exception being handled when this one was raised.
    pub(crate) context: Option<Exc>,
    /// Set by `raise ... from ...`: the context is not shown.
    pub(crate) suppress_context: bool,
    /// What the frames of its traceback keep alive in CPython (their
    /// locals, the arguments of the asyncio function that raised it): freed
    /// with it.
    pub(crate) keep: Vec<KeepAlive>,
    /// In a reference cycle (what a TaskGroup's `__aexit__` raises refers to
    /// itself through its traceback): each frame it enters is kept alive
    /// until the garbage collector runs.
    pub(crate) cyclic: bool,
    /// The task that failed with it (its `_exception`): a frame that refers
    /// to that task and that it passes through closes a cycle.
    pub(crate) owner: Option<u32>,
}

/// Values an exception keeps alive until it is freed itself.
#[allow(dead_code)] // never read: it is there to be dropped with the exception
pub(crate) struct KeepAlive(pub(crate) Box<dyn std::any::Any>);

impl std::fmt::Debug for KeepAlive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeepAlive")
    }
}

/// One traceback line: a coroutine frame and the scenario line it was at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TbEntry {
    pub(crate) frame: FrameName,
    pub(crate) line: u32,
}

/// Whose frame a traceback entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameName {
    /// A coroutine of the scenario (its index in the program).
    Coro(u32),
    /// The frames Python gives comprehensions and lambdas.
    ListComp,
    DictComp,
    SetComp,
    GenExpr,
    Lambda,
    /// asyncio's own code: not shown, but it makes the exception one that
    /// was raised (Python prints "Traceback" above it).
    Internal,
}

/// A shared exception object.
pub(crate) type Exc = Rc<ExcObj>;

impl ExcObj {
    /// An exception with a single string argument (or none when `msg` is empty
    /// and `keep_empty` is false).
    pub(crate) fn new(class: ExcClass, args: Vec<Value>) -> Exc {
        Rc::new(ExcObj {
            class,
            user: None,
            args,
            group: Vec::new(),
            traceback: RefCell::default(),
            chain: RefCell::default(),
        })
    }

    /// `Class("message")`.
    pub(crate) fn msg(class: ExcClass, msg: impl Into<String>) -> Exc {
        Self::new(class, vec![Value::str(msg.into())])
    }

    /// The group `except*` wraps a naked exception in: its `args` hold a
    /// tuple, as CPython's `_PyExc_CreateExceptionGroup` makes it.
    pub(crate) fn wrap_naked(exc: &Exc) -> Exc {
        let g = Self::group("", vec![exc.clone()]);
        let mut obj = Rc::try_unwrap(g).expect("a new group has one owner");
        obj.args[1] = Value::tuple(vec![Value::Exc(exc.clone())]);
        Rc::new(obj)
    }

    /// `ExceptionGroup(message, exceptions)`, or `BaseExceptionGroup` when a
    /// member is not an `Exception` (that is what the constructor returns).
    pub(crate) fn group(message: &str, exceptions: Vec<Exc>) -> Exc {
        let all_exceptions = exceptions.iter().all(|e| e.class.is_subclass(ExcClass::Exception));
        let class = if all_exceptions { ExcClass::ExceptionGroup } else { ExcClass::BaseExceptionGroup };
        let list = Value::list(exceptions.iter().map(|e| Value::Exc(e.clone())).collect());
        Rc::new(ExcObj {
            class,
            user: None,
            args: vec![Value::str(message), list],
            group: exceptions,
            traceback: RefCell::default(),
            chain: RefCell::default(),
        })
    }

    /// The group's message (`eg.message`), or `str()` for a plain exception.
    pub(crate) fn message(&self) -> String {
        if self.class.is_group() {
            if let Some(Value::Str(s)) = self.args.first() {
                return s.to_string();
            }
        }
        self.to_str()
    }

    /// `str(e)` as Python gives it.
    pub(crate) fn to_str(&self) -> String {
        if self.class.is_group() {
            let n = self.group.len();
            let msg = match self.args.first() {
                Some(Value::Str(s)) => s.to_string(),
                _ => String::new(),
            };
            return format!("{msg} ({n} sub-exception{})", if n == 1 { "" } else { "s" });
        }
        match self.args.as_slice() {
            [] => String::new(),
            [one] if self.class == ExcClass::KeyError => one.repr(),
            [one] => one.to_str(),
            // OSError(errno, strerror) and its subclasses.
            [errno, strerror] if self.class.is_subclass(ExcClass::OSError) => {
                format!("[Errno {}] {}", errno.to_str(), strerror.to_str())
            }
            many => Value::Tuple(many.to_vec().into()).repr(),
        }
    }

    /// `repr(e)` as Python gives it: `ValueError('boom')`.
    pub(crate) fn repr(&self) -> String {
        let args: Vec<String> = self.args.iter().map(Value::repr).collect();
        format!("{}({})", self.name(), args.join(", "))
    }

    /// An instance of a scenario's class.
    pub(crate) fn of_user(class: &Rc<UserClass>, args: Vec<Value>) -> Exc {
        Rc::new(ExcObj {
            class: class.base,
            user: Some(class.clone()),
            args,
            group: Vec::new(),
            traceback: RefCell::default(),
            chain: RefCell::default(),
        })
    }

    /// Raised while `handled` was being handled: CPython's
    /// `_PyErr_SetObject` sets `__context__`, first cutting any chain from
    /// `handled` back to this exception (no cycles).
    pub(crate) fn set_context(self: &Exc, handled: &Exc) {
        if Rc::ptr_eq(self, handled) {
            return;
        }
        let mut o = handled.clone();
        loop {
            let next = o.chain.borrow().context.clone();
            match next {
                Some(n) if Rc::ptr_eq(&n, self) => {
                    o.chain.borrow_mut().context = None;
                    break;
                }
                Some(n) => o = n,
                None => break,
            }
        }
        self.chain.borrow_mut().context = Some(handled.clone());
    }

    /// `type(e).__name__`.
    pub(crate) fn name(&self) -> &str {
        match &self.user {
            Some(u) => &u.name,
            None => self.class.name(),
        }
    }

    /// `isinstance(self, class)`.
    pub(crate) fn is(&self, class: ExcClass) -> bool {
        self.class.is_subclass(class)
    }

    /// Splits a group by `pred`: (matching part, rest), each a group with the
    /// same message, or `None` when empty. Nested groups are split recursively.
    pub(crate) fn split(self: &Exc, pred: &dyn Fn(&ExcObj) -> bool) -> (Option<Exc>, Option<Exc>) {
        if pred(self) {
            return (Some(self.clone()), None);
        }
        if !self.class.is_group() {
            return (None, Some(self.clone()));
        }
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for e in &self.group {
            let (a, b) = e.split(pred);
            yes.extend(a);
            no.extend(b);
        }
        let msg = self.message();
        let make = |v: Vec<Exc>| -> Option<Exc> {
            if v.is_empty() {
                return None;
            }
            // CPython's `exceptiongroup_subset`: the part keeps the
            // original's traceback, context and cause (setting the cause
            // sets `__suppress_context__`, even to None).
            let part = ExcObj::group(&msg, v);
            *part.traceback.borrow_mut() = self.traceback.borrow().clone();
            {
                let from = self.chain.borrow();
                let mut to = part.chain.borrow_mut();
                to.cause = from.cause.clone();
                to.context = from.context.clone();
                to.suppress_context = true;
            }
            Some(part)
        };
        (make(yes), make(no))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy_is_pythons() {
        use ExcClass::*;
        let table = [
            (ValueError, Exception, true),
            (CancelledError, Exception, false),
            (CancelledError, BaseException, true),
            (ExceptionGroup, Exception, true),
            (ExceptionGroup, BaseExceptionGroup, true),
            (TimeoutError, OSError, true),
            (KeyError, LookupError, true),
            (ZeroDivisionError, ArithmeticError, true),
            (RecursionError, RuntimeError, true),
            (Exception, ValueError, false),
        ];
        for (a, b, want) in table {
            assert_eq!(a.is_subclass(b), want, "{a:?} < {b:?}");
        }
    }

    #[test]
    fn str_and_repr_match_python() {
        let e = ExcObj::msg(ExcClass::ValueError, "boom");
        assert_eq!(e.to_str(), "boom");
        assert_eq!(e.repr(), "ValueError('boom')");
        let k = ExcObj::msg(ExcClass::KeyError, "k");
        assert_eq!(k.to_str(), "'k'");
        assert_eq!(ExcObj::new(ExcClass::ValueError, vec![]).repr(), "ValueError()");
        let two = ExcObj::new(ExcClass::ValueError, vec![Value::str("a"), Value::Int(1)]);
        assert_eq!(two.to_str(), "('a', 1)");
        let g = ExcObj::group("m", vec![e.clone(), k]);
        assert_eq!(g.to_str(), "m (2 sub-exceptions)");
        let g1 = ExcObj::group("m", vec![e]);
        assert_eq!(g1.repr(), "ExceptionGroup('m', [ValueError('boom')])");
        assert_eq!(ExcObj::msg(ExcClass::CancelledError, "").repr(), "CancelledError('')");
    }

    #[test]
    fn split_keeps_message_and_structure() {
        let g = ExcObj::group("m", vec![ExcObj::msg(ExcClass::ValueError, "a"), ExcObj::msg(ExcClass::KeyError, "b")]);
        let (yes, no) = g.split(&|e| e.is(ExcClass::ValueError));
        assert_eq!(yes.unwrap().repr(), "ExceptionGroup('m', [ValueError('a')])");
        assert_eq!(no.unwrap().repr(), "ExceptionGroup('m', [KeyError('b')])");
    }
}

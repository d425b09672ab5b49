//! Python values as the scenario language sees them.
//!
//! A [`Value`] is cheap to clone (containers and strings are behind `Rc`), so
//! moving values between tasks costs no allocation. Printing follows Python:
//! `str()` at the top of a template, `repr()` inside containers.

pub(crate) mod bigint;
pub(crate) mod builtin;
pub(crate) use builtin::Builtin;
pub(crate) mod exc;
pub(crate) mod hash;
pub(crate) mod messages;
pub(crate) mod ops;
pub(crate) mod pyfmt;
pub(crate) mod random;
pub(crate) mod set;
pub(crate) mod sort;
pub(crate) mod store;

pub(crate) use exc::{Class, Exc, ExcClass, ExcObj, UserClass};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// A task handle as a value: its index in the run and its name. Values
/// share one per task (`Value::Task(Rc<TaskRef>)`), so its reference count
/// is the count of values referring to the task, as CPython's refcount is:
/// a failed task is reported when the last one goes.
#[derive(Debug)]
pub(crate) struct TaskRef {
    pub(crate) id: u32,
    pub(crate) name: TaskName,
}

/// A task's name: `Task-N`, or the name it was given.
#[derive(Debug, Clone)]
pub(crate) enum TaskName {
    /// `Task-N`.
    Auto(u32),
    /// `create_task(..., name=...)`.
    Given(std::rc::Rc<str>),
}

impl TaskName {
    /// The length of the printed name, without formatting it.
    pub(crate) fn len(&self) -> usize {
        match self {
            TaskName::Auto(n) => 5 + n.checked_ilog10().unwrap_or(0) as usize + 1,
            TaskName::Given(s) => s.chars().count(),
        }
    }
}

impl std::fmt::Display for TaskName {
    /// Pads (left-aligned) to a given width, like a `str`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TaskName::Auto(n) => write!(f, "Task-{n}")?,
            TaskName::Given(s) => f.write_str(s)?,
        }
        for _ in self.len()..f.width().unwrap_or(0) {
            f.write_str(" ")?;
        }
        Ok(())
    }
}

/// A list's items. Freed last first, as CPython's `list_dealloc` does (a
/// list of coroutines never awaited warns in that order).
#[derive(Debug, Clone, Default)]
pub(crate) struct ListItems(pub(crate) Vec<Value>);

impl std::ops::Deref for ListItems {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl std::ops::DerefMut for ListItems {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0
    }
}

impl Drop for ListItems {
    fn drop(&mut self) {
        while self.0.pop().is_some() {}
    }
}

/// What went away since the loop last looked (the run drains this).
#[derive(Debug)]
pub(crate) enum Dropped {
    /// A coroutine object freed without ever being awaited.
    Coro(Rc<str>),
    /// The same, for a call the run held without making its object (a
    /// gather item): the coroutine's id.
    CoroCall(u32),
    /// The last value referring to a task (its id).
    Task(u32),
    /// The last reference to an `as_completed` generator's `done` queue
    /// from the program's side (the loop, an exception's traceback).
    AsCompleted(u32),
    /// A Python warning the value layer raised (`randrange`'s
    /// DeprecationWarning), as `Category: message`.
    Warning(&'static str),
}

thread_local! {
    static DROPPED: RefCell<Vec<Dropped>> = const { RefCell::new(Vec::new()) };
    /// The error of an int too long for `str()` met by the last rendering.
    static STR_ERROR: RefCell<Option<Exc>> = const { RefCell::new(None) };
}

/// Clears the error of an int too long to convert to a string.
pub(crate) fn clear_str_error() {
    STR_ERROR.with(|x| x.borrow_mut().take());
}

/// The ValueError CPython raises for an int of more than 4,300 digits made
/// into a string, if the rendering since [`clear_str_error`] met one.
pub(crate) fn take_str_error() -> Option<Exc> {
    STR_ERROR.with(|x| x.borrow_mut().take())
}

/// Takes what was dropped since the last call.
pub(crate) fn take_dropped() -> Vec<Dropped> {
    DROPPED.with(|d| std::mem::take(&mut *d.borrow_mut()))
}

/// Whether anything was dropped since the last [`take_dropped`].
pub(crate) fn any_dropped() -> bool {
    DROPPED.with(|d| !d.borrow().is_empty())
}

/// An `as_completed()` generator, as the `for` loop over it and the
/// exceptions its items raise refer to it: when the last goes, so does the
/// generator (and its `done` queue, once no pending task's callback refers
/// to it).
#[derive(Debug)]
pub(crate) struct AcToken(pub(crate) u32);

impl Drop for AcToken {
    fn drop(&mut self) {
        let _ = DROPPED.try_with(|d| d.borrow_mut().push(Dropped::AsCompleted(self.0)));
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        let _ = DROPPED.try_with(|d| d.borrow_mut().push(Dropped::Task(self.id)));
    }
}

/// Raises a Python warning (shown once per text and scenario line, as the
/// warnings filters' "default" action does).
pub(crate) fn warn(text: &'static str) {
    let _ = DROPPED.try_with(|d| d.borrow_mut().push(Dropped::Warning(text)));
}

/// Says that a coroutine call held without its object (see
/// [`Dropped::CoroCall`]) was dropped unawaited.
pub(crate) fn dropped_coro_call(coro: u32) {
    let _ = DROPPED.try_with(|d| d.borrow_mut().push(Dropped::CoroCall(coro)));
}

impl Drop for CoroObj {
    fn drop(&mut self) {
        if !self.used.get() {
            let name = self.name.clone();
            let _ = DROPPED.try_with(|d| d.borrow_mut().push(Dropped::Coro(name)));
        }
    }
}

/// The kind of a synchronisation primitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrimKind {
    Lock,
    Semaphore,
    BoundedSemaphore,
    Event,
    Queue,
    LifoQueue,
    PriorityQueue,
    Condition,
    Barrier,
}

impl PrimKind {
    /// The kind of an asyncio class name (`"Lock"`).
    pub(crate) fn by_class_name(name: &str) -> Option<PrimKind> {
        use PrimKind as K;
        [
            K::Lock,
            K::Semaphore,
            K::BoundedSemaphore,
            K::Event,
            K::Queue,
            K::LifoQueue,
            K::PriorityQueue,
            K::Condition,
            K::Barrier,
        ]
        .into_iter()
        .find(|k| k.class_name() == name)
    }

    /// The asyncio class name.
    pub(crate) fn class_name(self) -> &'static str {
        match self {
            PrimKind::Lock => "Lock",
            PrimKind::Semaphore => "Semaphore",
            PrimKind::BoundedSemaphore => "BoundedSemaphore",
            PrimKind::Event => "Event",
            PrimKind::Queue => "Queue",
            PrimKind::LifoQueue => "LifoQueue",
            PrimKind::PriorityQueue => "PriorityQueue",
            PrimKind::Condition => "Condition",
            PrimKind::Barrier => "Barrier",
        }
    }
}

/// A primitive as a value: its index, kind and declared name. The run
/// makes one per primitive and values share it (`Value::Prim(Rc<PrimRef>)`).
#[derive(Debug)]
pub(crate) struct PrimRef {
    pub(crate) id: u32,
    pub(crate) kind: PrimKind,
    pub(crate) name: Rc<str>,
}

/// A coroutine object: `f(1, 2)` called but not yet awaited.
#[derive(Debug)]
pub(crate) struct CoroObj {
    pub(crate) coro: u32,
    pub(crate) name: Rc<str>,
    pub(crate) args: Vec<Value>,
    /// Set once awaited or wrapped in a task; a coroutine runs once.
    pub(crate) used: Cell<bool>,
}

/// A lambda as a value: its code (an index into the program's lambdas),
/// its qualified name, and the defaults and enclosing values it was made
/// with.
#[derive(Debug)]
pub(crate) struct FuncObj {
    pub(crate) id: u32,
    pub(crate) qualname: Rc<str>,
    pub(crate) defaults: Box<[Value]>,
    pub(crate) captured: Box<[Value]>,
}

/// A function declared under `functions:`, named as a value.
#[derive(Debug)]
pub(crate) struct DefRef {
    pub(crate) id: u32,
    pub(crate) name: Rc<str>,
}

/// What a program sees of a task group: the runtime keeps its counts up
/// to date, for its repr (`<TaskGroup tasks=2 entered>`).
#[derive(Debug)]
pub(crate) struct TgView {
    /// The runtime's index of the group.
    pub(crate) id: u32,
    pub(crate) tasks: Cell<u32>,
    pub(crate) errors: Cell<u32>,
    pub(crate) aborting: Cell<bool>,
}

impl TgView {
    /// `TaskGroup.__repr__`.
    pub(crate) fn repr(&self) -> String {
        let mut info = String::new();
        if self.tasks.get() > 0 {
            info.push_str(&format!(" tasks={}", self.tasks.get()));
        }
        if self.errors.get() > 0 {
            info.push_str(&format!(" errors={}", self.errors.get()));
        }
        // A group a program can name has been entered.
        info.push_str(if self.aborting.get() { " cancelling" } else { " entered" });
        format!("<TaskGroup{info}>")
    }
}

/// A Python value.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An int that does not fit in 64 bits (never one that does: see
    /// [`bigint::norm`]).
    BigInt(Rc<num_bigint::BigInt>),
    Float(f64),
    Str(Rc<str>),
    List(Rc<RefCell<ListItems>>),
    Tuple(Rc<[Value]>),
    /// Insertion-ordered, like Python's dict.
    Dict(Rc<RefCell<Vec<(Value, Value)>>>),
    /// A set, in CPython's table order.
    Set(Rc<RefCell<set::SetItems>>),
    /// `range(start, stop, step)`, boxed so that a value stays three words.
    Range(Rc<(i64, i64, i64)>),
    Exc(Exc),
    ExcClass(ExcClass),
    /// A class declared in the scenario.
    UserClass(Rc<UserClass>),
    Task(Rc<TaskRef>),
    Prim(Rc<PrimRef>),
    Coro(Rc<CoroObj>),
    /// An entered `asyncio.TaskGroup()` (`task_group` with `as: tg`).
    TaskGroup(Rc<TgView>),
    /// The running event loop (`asyncio.get_running_loop()`): `.time()` is
    /// the virtual clock.
    Loop,
    /// A lambda.
    Func(Rc<FuncObj>),
    /// A plain function declared under `functions:` (its id among the
    /// program's coroutines, and its name).
    Def(Rc<DefRef>),
    /// A method of a builtin type named as a value (`str.lower`, for
    /// `key=str.lower`): the type's name and the method's.
    MethodOf(Rc<(&'static str, &'static str)>),
    /// A builtin function or class named as a value (`key=len`).
    Builtin(Builtin),
    /// A variable a lambda closes over (Python's cell): the local slot and
    /// the lambda share it, so each sees the other's assignments. Only
    /// ever in a slot, never a value a program sees.
    Cell(Rc<RefCell<Value>>),
    /// A local slot with nothing assigned yet.
    Unbound,
}

impl Value {
    /// A `str` value.
    pub(crate) fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// A `range` value.
    pub(crate) fn range(start: i64, stop: i64, step: i64) -> Value {
        Value::Range(Rc::new((start, stop, step)))
    }

    /// A `list` value.
    pub(crate) fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(ListItems(items))))
    }

    /// A `tuple` value.
    pub(crate) fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(items.into())
    }

    /// `type(v).__name__`.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::BigInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Set(_) => "set",
            Value::Range(..) => "range",
            Value::Exc(e) => e.class.name(),
            Value::ExcClass(_) | Value::UserClass(_) => "type",
            Value::Task(_) => "Task",
            Value::Prim(p) => p.kind.class_name(),
            Value::Coro(_) => "coroutine",
            Value::TaskGroup(_) => "TaskGroup",
            Value::Loop => "_UnixSelectorEventLoop",
            Value::Func(_) | Value::Def(_) => "function",
            Value::MethodOf(_) => "method_descriptor",
            Value::Builtin(b) if b.is_class() => "type",
            Value::Builtin(_) => "builtin_function_or_method",
            Value::Cell(c) => c.borrow().type_name(),
            Value::Unbound => "unbound",
        }
    }

    /// Python truthiness.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Value::None | Value::Unbound => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.borrow().is_empty(),
            Value::Set(s) => s.borrow().len() > 0,
            Value::Range(..) => ops::range_len(self) > 0,
            _ => true,
        }
    }

    /// `str(v)`.
    pub(crate) fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::Exc(e) => e.to_str(),
            _ => self.repr(),
        }
    }

    /// `repr(v)`.
    pub(crate) fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    pub(crate) fn write_repr(&self, out: &mut String) {
        match self {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::BigInt(b) => match bigint::decimal(b) {
                Ok(s) => out.push_str(&s),
                Err(e) => {
                    // Only the program's own str()/repr()/print() raise (see
                    // `take_str_error`); a view writes the digits.
                    STR_ERROR.with(|x| *x.borrow_mut() = Some(e));
                    out.push_str(&b.to_string());
                }
            },
            Value::Float(f) => out.push_str(&pyfmt::float_repr(*f)),
            Value::Str(s) => out.push_str(&pyfmt::str_repr(s)),
            Value::List(l) => {
                let Some(_guard) = ReprGuard::enter(Rc::as_ptr(l) as *const ()) else {
                    return out.push_str("[...]");
                };
                write_seq(out, "[", "]", &l.borrow(), false)
            }
            Value::Tuple(t) => {
                let Some(_guard) = ReprGuard::enter(std::ptr::null()) else { return out.push_str("(...)") };
                write_seq(out, "(", ")", t, t.len() == 1)
            }
            Value::Set(s) => {
                let Some(_guard) = ReprGuard::enter(Rc::as_ptr(s) as *const ()) else {
                    return out.push_str("set(...)");
                };
                set::write_repr(&s.borrow(), out)
            }
            Value::Dict(d) => {
                let Some(_guard) = ReprGuard::enter(Rc::as_ptr(d) as *const ()) else {
                    return out.push_str("{...}");
                };
                out.push('{');
                for (i, (k, v)) in d.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_repr(out);
                    out.push_str(": ");
                    v.write_repr(out);
                }
                out.push('}');
            }
            Value::Range(r) => match **r {
                (a, b, 1) => out.push_str(&format!("range({a}, {b})")),
                (a, b, s) => out.push_str(&format!("range({a}, {b}, {s})")),
            },
            Value::Exc(e) => out.push_str(&e.repr()),
            Value::ExcClass(c) => {
                let module = c.module();
                let dot = if module.is_empty() { "" } else { "." };
                out.push_str(&format!("<class '{module}{dot}{}'>", c.name()));
            }
            Value::UserClass(c) => out.push_str(&format!("<class '__main__.{}'>", c.name)),
            Value::Task(t) => out.push_str(&format!("<Task name='{}'>", t.name)),
            Value::Prim(p) => out.push_str(&format!("<asyncio.{} {}>", p.kind.class_name(), p.name)),
            Value::Coro(c) => out.push_str(&format!("<coroutine object {}>", c.name)),
            Value::TaskGroup(g) => out.push_str(&g.repr()),
            Value::Loop => out.push_str("<_UnixSelectorEventLoop running=True closed=False debug=False>"),
            Value::Func(f) => out.push_str(&format!("<function {}>", f.qualname)),
            Value::Def(f) => out.push_str(&format!("<function {}>", f.name)),
            Value::MethodOf(m) => out.push_str(&format!("<method '{}' of '{}' objects>", m.1, m.0)),
            Value::Builtin(b) if b.is_class() => out.push_str(&format!("<class '{}'>", b.name())),
            Value::Builtin(b) => out.push_str(&format!("<built-in function {}>", b.name())),
            Value::Cell(c) => c.borrow().write_repr(out),
            Value::Unbound => out.push_str("<unbound>"),
        }
    }
}

thread_local! {
    /// The containers whose repr is being written, innermost last
    /// (CPython's `Py_ReprEnter`).
    static REPR_STACK: RefCell<Vec<*const ()>> = const { RefCell::new(Vec::new()) };
}

/// How deep a repr may nest before it is cut short with `...` (Python would
/// raise RecursionError near its recursion limit; asim must not overflow
/// its own stack).
const MAX_REPR_DEPTH: usize = 990;

/// One container on [`REPR_STACK`]; leaves it when dropped.
struct ReprGuard;

impl ReprGuard {
    /// `None` if `ptr` is already being printed (a container that contains
    /// itself prints as `[...]`), or the nesting is too deep. A null `ptr`
    /// (a tuple, which cannot contain itself) only counts for the depth.
    fn enter(ptr: *const ()) -> Option<ReprGuard> {
        REPR_STACK.with(|s| {
            let mut s = s.borrow_mut();
            if s.len() >= MAX_REPR_DEPTH || (!ptr.is_null() && s.contains(&ptr)) {
                return None;
            }
            s.push(ptr);
            Some(ReprGuard)
        })
    }
}

impl Drop for ReprGuard {
    fn drop(&mut self) {
        REPR_STACK.with(|s| s.borrow_mut().pop());
    }
}

fn write_seq(out: &mut String, open: &str, close: &str, items: &[Value], trailing_comma: bool) {
    out.push_str(open);
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        v.write_repr(out);
    }
    if trailing_comma {
        out.push(',');
    }
    out.push_str(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_matches_python() {
        let d = Value::Dict(Rc::new(RefCell::new(vec![
            (Value::str("id"), Value::Int(1)),
            (Value::str("data"), Value::str("x")),
        ])));
        let table: Vec<(Value, &str, &str)> = vec![
            (Value::None, "None", "None"),
            (Value::Bool(true), "True", "True"),
            (Value::Float(0.1 + 0.2), "0.30000000000000004", "0.30000000000000004"),
            (Value::Float(1e16), "1e+16", "1e+16"),
            (Value::Float(2.0), "2.0", "2.0"),
            (Value::str("it's"), "it's", "\"it's\""),
            (d, "{'id': 1, 'data': 'x'}", "{'id': 1, 'data': 'x'}"),
            (
                Value::list(vec![Value::Int(1), Value::Float(2.0), Value::None, Value::Bool(true)]),
                "[1, 2.0, None, True]",
                "[1, 2.0, None, True]",
            ),
            (Value::tuple(vec![Value::Int(1)]), "(1,)", "(1,)"),
            (Value::tuple(vec![]), "()", "()"),
            (Value::range(0, 5, 1), "range(0, 5)", "range(0, 5)"),
            (Value::Exc(ExcObj::msg(ExcClass::ValueError, "x")), "x", "ValueError('x')"),
        ];
        for (v, s, r) in table {
            assert_eq!(v.to_str(), s);
            assert_eq!(v.repr(), r);
        }
    }

    #[test]
    fn truthiness() {
        assert!(!Value::Int(0).truthy());
        assert!(Value::str("a").truthy());
        assert!(!Value::list(vec![]).truthy());
        assert!(!Value::range(3, 3, 1).truthy());
        assert!(Value::Float(0.5).truthy());
    }
}

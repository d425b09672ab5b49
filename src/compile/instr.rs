//! The compiled program: names turned into indices, bodies into flat
//! instruction lists.
//!
//! Nothing in here holds a string that the run has to look up: locals are
//! slot numbers, shared variables and primitives are indices, coroutines are
//! ids, builtins and methods are enums. Spans are kept only to report errors.

use crate::source::Span;
use crate::syntax::expr::{BinOp, CmpOp};
use crate::value::{ExcClass, PrimKind, Value};

/// A coroutine's index in [`Program::coros`].
pub(crate) type CoroId = u32;

pub(crate) use crate::value::Builtin;

/// A method or attribute reached through `.`; resolved by name at compile
/// time, checked against the receiver's type at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    // tasks
    Cancel,
    Cancelling,
    Uncancel,
    Result,
    Exception,
    Done,
    Cancelled,
    GetName,
    // primitives
    Locked,
    Release,
    IsSet,
    Set,
    Clear,
    Notify,
    NotifyAll,
    // queues
    PutNowait,
    GetNowait,
    TaskDone,
    Qsize,
    Empty,
    Full,
    /// `q.shutdown(immediate=False)`, 3.13.
    Shutdown,
    // containers and strings
    Add,
    Discard,
    Union,
    Intersection,
    Difference,
    SymmetricDifference,
    IntersectionUpdate,
    DifferenceUpdate,
    SymmetricDifferenceUpdate,
    IsSubset,
    IsSuperset,
    IsDisjoint,
    Copy,
    Sort,
    LStrip,
    RStrip,
    Find,
    RFind,
    Partition,
    RPartition,
    ZFill,
    LJust,
    RJust,
    Center,
    RSplit,
    SplitLines,
    Append,
    Pop,
    Extend,
    Insert,
    Index,
    Count,
    Get,
    Remove,
    SetDefault,
    Update,
    Keys,
    Values,
    Items,
    Upper,
    Lower,
    Strip,
    Split,
    Join,
    Replace,
    StartsWith,
    EndsWith,
    /// `str.format(...)`, compiled to [`CExpr::StrFormat`] (it takes keywords).
    Format,
    // the event loop
    Time,
}

impl Method {
    /// Every method with its Python name.
    pub(crate) const ALL: &'static [(&'static str, Method)] = &[
        ("cancel", Method::Cancel),
        ("cancelling", Method::Cancelling),
        ("uncancel", Method::Uncancel),
        ("result", Method::Result),
        ("exception", Method::Exception),
        ("done", Method::Done),
        ("cancelled", Method::Cancelled),
        ("get_name", Method::GetName),
        ("time", Method::Time),
        ("locked", Method::Locked),
        ("release", Method::Release),
        ("is_set", Method::IsSet),
        ("set", Method::Set),
        ("clear", Method::Clear),
        ("notify", Method::Notify),
        ("notify_all", Method::NotifyAll),
        ("put_nowait", Method::PutNowait),
        ("get_nowait", Method::GetNowait),
        ("task_done", Method::TaskDone),
        ("qsize", Method::Qsize),
        ("empty", Method::Empty),
        ("full", Method::Full),
        ("shutdown", Method::Shutdown),
        ("add", Method::Add),
        ("discard", Method::Discard),
        ("union", Method::Union),
        ("intersection", Method::Intersection),
        ("difference", Method::Difference),
        ("symmetric_difference", Method::SymmetricDifference),
        ("intersection_update", Method::IntersectionUpdate),
        ("difference_update", Method::DifferenceUpdate),
        ("symmetric_difference_update", Method::SymmetricDifferenceUpdate),
        ("issubset", Method::IsSubset),
        ("issuperset", Method::IsSuperset),
        ("isdisjoint", Method::IsDisjoint),
        ("copy", Method::Copy),
        ("sort", Method::Sort),
        ("lstrip", Method::LStrip),
        ("rstrip", Method::RStrip),
        ("find", Method::Find),
        ("rfind", Method::RFind),
        ("partition", Method::Partition),
        ("rpartition", Method::RPartition),
        ("zfill", Method::ZFill),
        ("ljust", Method::LJust),
        ("rjust", Method::RJust),
        ("center", Method::Center),
        ("rsplit", Method::RSplit),
        ("splitlines", Method::SplitLines),
        ("append", Method::Append),
        ("pop", Method::Pop),
        ("extend", Method::Extend),
        ("insert", Method::Insert),
        ("index", Method::Index),
        ("count", Method::Count),
        ("get", Method::Get),
        ("remove", Method::Remove),
        ("setdefault", Method::SetDefault),
        ("update", Method::Update),
        ("keys", Method::Keys),
        ("values", Method::Values),
        ("items", Method::Items),
        ("upper", Method::Upper),
        ("lower", Method::Lower),
        ("strip", Method::Strip),
        ("split", Method::Split),
        ("join", Method::Join),
        ("replace", Method::Replace),
        ("startswith", Method::StartsWith),
        ("endswith", Method::EndsWith),
        ("format", Method::Format),
    ];

    /// The Python name.
    pub(crate) fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, m)| *m == self).map_or("?", |(n, _)| n)
    }
}

/// A data attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attr {
    Args,
    Exceptions,
    Message,
    Cause,
    Context,
    SuppressContext,
    /// Barrier properties.
    Parties,
    NWaiting,
    Broken,
}

impl Attr {
    /// Every data attribute with its Python name.
    pub(crate) const ALL: &'static [(&'static str, Attr)] = &[
        ("args", Attr::Args),
        ("__cause__", Attr::Cause),
        ("__context__", Attr::Context),
        ("__suppress_context__", Attr::SuppressContext),
        ("exceptions", Attr::Exceptions),
        ("message", Attr::Message),
        ("parties", Attr::Parties),
        ("n_waiting", Attr::NWaiting),
        ("broken", Attr::Broken),
    ];

    /// The attribute of that Python name.
    pub(crate) fn by_name(name: &str) -> Option<Attr> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
    }

    /// The Python name.
    pub(crate) fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, a)| *a == self).map_or("?", |(n, _)| n)
    }
}

/// What `Barrier`'s own code reads of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BarrierField {
    State,
    Count,
    Parties,
    /// Its internal Condition, as a value.
    Cond,
}

/// What `Barrier`'s own code changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BarrierOp {
    AddCount(i64),
    SetState(&'static str),
    /// `self._count -= 1; self._exit()`.
    Exit,
    /// The state change of `reset()`.
    Reset,
}

/// An expression, compiled.
#[derive(Debug, Clone)]
pub(crate) enum CExpr {
    Const(Value),
    /// A local slot, with the variable's name index for `UnboundLocalError`.
    Local(u32),
    /// A hidden slot read once: the value moves out (see `compile::lift`).
    Take(u32),
    Global(u32),
    Prim(u32),
    List(Vec<CExpr>),
    Tuple(Vec<CExpr>),
    Dict(Vec<(CExpr, CExpr)>),
    /// `*xs` inside a list, tuple or call.
    Starred(Box<CExpr>),
    Neg(Box<CExpr>),
    /// `{a, b}`, built as CPython's compiler builds it (the order follows).
    Set(Vec<CExpr>, crate::value::set::SetForm),
    /// A call of a plain function (`functions:`): its id and arguments in
    /// parameter order (`None`: the default), run to its return.
    CallFn(u32, Vec<Option<CExpr>>),
    /// `~x`
    Invert(Box<CExpr>),
    Pos(Box<CExpr>),
    Not(Box<CExpr>),
    Binary(BinOp, Box<CExpr>, Box<CExpr>),
    /// `a | b`, `a ^ b`, `a & b`, `a << b`, `a >> b` (off the arithmetic path).
    Bitwise(BinOp, Box<CExpr>, Box<CExpr>),
    Compare(Box<CExpr>, Vec<(CmpOp, CExpr)>),
    And(Vec<CExpr>),
    Or(Vec<CExpr>),
    IfExp(Box<CExpr>, Box<CExpr>, Box<CExpr>),
    /// A builtin's call (boxed slices keep an expression at five words).
    Builtin(Builtin, Box<[CExpr]>, Box<[(Box<str>, CExpr)]>),
    /// `f(a, b)` of a coroutine: a coroutine object (arguments bound to
    /// parameter slots; `None` means "use the default").
    Coro(CoroId, Vec<Option<CExpr>>),
    /// `ValueError("x")`.
    NewExc(ExcClass, Vec<CExpr>),
    /// `asyncio.Lock()`, `asyncio.Queue(maxsize=2)`... made in code: its
    /// kind and constructor argument.
    NewPrim(PrimKind, Box<CExpr>),
    /// `asyncio.create_task(coro, name=...)`, or `tg.create_task(...)` of
    /// a bound task group.
    CreateTask(Box<CreateTask>),
    /// `MyError("x")` of a class declared under `exceptions:`.
    NewUserExc(std::rc::Rc<crate::value::UserClass>, Vec<CExpr>),
    Method(Box<CExpr>, Method, Vec<CExpr>),
    /// `s.format(*args, **kwargs)`.
    StrFormat(Box<KwCall>),
    /// `f(*args, **kwargs)`.
    CallDyn(Box<DynCall>),
    /// A method call with keyword arguments (`xs.sort(key=f)`,
    /// `s.split(maxsplit=1)`): the method and the call.
    MethodKw(Method, Box<KwCall>),
    Attr(Box<CExpr>, Attr),
    Index(Box<CExpr>, Box<CExpr>),
    /// `a op= b`'s new value (a list is changed in place).
    InPlace(BinOp, Box<CExpr>, Box<CExpr>),
    Slice(Box<CExpr>, [Option<Box<CExpr>>; 3]),
    FString(Vec<CPart>),
    /// A field of the barrier in the local (Barrier's own methods only).
    BarrierInfo(Box<CExpr>, BarrierField),
    /// `loop.time()`, `time.monotonic()`: the virtual clock.
    Now,
    /// `random.f(...)`: a call of the seeded generator.
    Random(crate::value::random::RandFn, Box<[CExpr]>, Box<[(Box<str>, CExpr)]>),
    /// `asyncio.current_task()`.
    CurrentTask,
    /// `asyncio.get_running_loop()`.
    RunningLoop,
    /// `isinstance(x, (A, B))`, its classes resolved when compiled.
    IsInstance(Box<CExpr>, Box<[TypeTest]>),
    /// `type(x).__name__`, `x.__class__.__name__`.
    TypeName(Box<CExpr>),
    /// A variable of an enclosing comprehension or lambda: `up` scopes
    /// out from the innermost, slot `index` there.
    ScopeVar(u32, u32),
    /// A list, dict or set comprehension, or a generator expression where
    /// it is consumed at once.
    Comp(Box<CComp>),
    /// `lambda ...: body`: the program's lambda, its defaults and the
    /// values it closes over, evaluated when the lambda is made.
    Lambda(Box<(u32, Vec<CExpr>, Vec<CExpr>)>),
    /// `f(args)` of a value (a lambda held in a variable).
    CallValue(Box<CExpr>, Box<[CExpr]>),
    /// An expression naming an exception class that only later releases
    /// have (`asyncio.QueueShutDown`, new in 3.13): on an earlier release
    /// it raises where Python evaluates the name.
    Newer(Box<Newer>),
}

/// See [`CExpr::Newer`].
#[derive(Debug, Clone)]
pub(crate) struct Newer {
    /// The class, whose [`ExcClass::since`] says which releases have it.
    pub(crate) class: ExcClass,
    /// Named bare (`QueueShutDown`, imported from asyncio: a `NameError`
    /// where it is missing) rather than as `asyncio.QueueShutDown` (an
    /// `AttributeError`).
    pub(crate) bare: bool,
    /// The name is evaluated after `inner` (`isinstance(x, C)` evaluates
    /// `x` first), else before it (`C(args)`).
    pub(crate) after: bool,
    /// What the expression is where the class exists.
    pub(crate) inner: CExpr,
}

impl Newer {
    /// `inner`, wrapped when `class` is missing from some release.
    pub(crate) fn wrap(class: ExcClass, bare: bool, after: bool, inner: CExpr) -> CExpr {
        match class.since() {
            Some(_) => CExpr::Newer(Box::new(Newer { class, bare, after, inner })),
            None => inner,
        }
    }
}

/// A comprehension, compiled. Its targets are slots of its own scope;
/// the first iterable is evaluated outside it, as in Python.
#[derive(Debug, Clone)]
pub(crate) struct CComp {
    pub(crate) kind: crate::syntax::expr::CompKind,
    pub(crate) n_vars: u32,
    pub(crate) first: CExpr,
    pub(crate) gens: Vec<CGen>,
    pub(crate) elt: CExpr,
    pub(crate) value: Option<CExpr>,
}

/// One `for ... in ... if ...` clause; the first clause's `iter` is
/// [`CComp::first`].
#[derive(Debug, Clone)]
pub(crate) struct CGen {
    pub(crate) target: ScopeTarget,
    pub(crate) iter: CExpr,
    pub(crate) ifs: Vec<CExpr>,
}

/// A comprehension's target: a slot of its scope, or an unpacking.
#[derive(Debug, Clone)]
pub(crate) enum ScopeTarget {
    Var(u32),
    Seq(Box<[ScopeTarget]>),
}

/// A lambda's code: its parameters are its scope's first slots, then the
/// values it closes over.
#[derive(Debug, Clone)]
pub(crate) struct CLambda {
    /// `main.<locals>.<lambda>`.
    pub(crate) qualname: std::rc::Rc<str>,
    pub(crate) params: Vec<String>,
    pub(crate) n_vars: u32,
    pub(crate) body: CExpr,
}

/// One class of an `isinstance` test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeTest {
    /// An exception class (its subclasses match too).
    Exc(ExcClass),
    /// A class declared under `exceptions:`, by index.
    User(u32),
    /// A builtin type by name (`bool` values are `int`s too).
    Builtin(&'static str),
}

/// The builtin types `isinstance` can test.
pub(crate) const BUILTIN_TYPES: &[&str] = &["int", "float", "str", "bool", "list", "tuple", "dict", "set", "range"];

/// Part of a compiled template.
#[derive(Debug, Clone)]
pub(crate) enum CPart {
    Lit(Box<str>),
    /// Boxed, so that a part is two words: most are short literals.
    Field(Box<CField>),
}

/// A replacement field of a compiled template.
#[derive(Debug, Clone)]
pub(crate) struct CField {
    pub(crate) expr: CExpr,
    pub(crate) conversion: Option<char>,
    pub(crate) spec: Vec<CPart>,
}

/// Where an assignment goes. Two words: a suspended task keeps the target
/// of its `await` until it resumes.
/// Where an assignment stores. Two words of `u32`, copied freely: an
/// `await` that binds its result keeps one in the suspended task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Local(u32),
    Global(u32),
    /// `i, x` unpacking: the targets are the coroutine's
    /// [`CoroCode::unpacks`] entry with this index.
    Unpack(u32),
    /// `obj[index] = v`: the coroutine's [`CoroCode::items`] entry.
    Item(u32),
}

/// A task made in an expression.
#[derive(Debug, Clone)]
pub(crate) struct CreateTask {
    /// The task group it is made in (`tg.create_task`), or none.
    pub(crate) group: Option<CExpr>,
    pub(crate) coro: CExpr,
    pub(crate) name: Option<CExpr>,
}

/// `f(*args, **kwargs)` of a coroutine or a function: bound at run time.
#[derive(Debug, Clone)]
pub(crate) struct DynCall {
    pub(crate) id: u32,
    /// Positional arguments, `CExpr::Starred` for `*xs`.
    pub(crate) args: Vec<CExpr>,
    /// Keyword arguments in order; the name `**` for `**mapping`.
    pub(crate) kwargs: Box<[(Box<str>, CExpr)]>,
    /// A plain function (called), or a coroutine (a coroutine object).
    pub(crate) is_fn: bool,
}

/// A method call with keyword arguments (`str.format`, `list.sort`,
/// `str.split`...): the receiver, the positional arguments and the keyword
/// arguments.
#[derive(Debug, Clone)]
pub(crate) struct KwCall {
    pub(crate) recv: CExpr,
    pub(crate) args: Box<[CExpr]>,
    pub(crate) kwargs: Box<[(Box<str>, CExpr)]>,
}

/// The targets of one unpacking, and which of them is starred (`a, *b`).
#[derive(Debug, Clone)]
pub(crate) struct Unpack {
    pub(crate) targets: Box<[Target]>,
    pub(crate) star: Option<u32>,
}

/// A subscription target: the object and the index or slice bounds,
/// evaluated (in that order) when the target is stored to.
#[derive(Debug, Clone)]
pub(crate) struct ItemTarget {
    pub(crate) obj: CExpr,
    pub(crate) index: CIndex,
}

/// The index of an [`ItemTarget`].
#[derive(Debug, Clone)]
pub(crate) enum CIndex {
    One(CExpr),
    Slice([Option<CExpr>; 3]),
}

/// One gather item, compiled.
#[derive(Debug, Clone)]
pub(crate) enum CGatherItem {
    One(CExpr),
    /// `*xs`
    Star(CExpr),
    /// `{for: ..., call: ...}`: the iterable, the targets, the call.
    For(CExpr, Target, CExpr),
}

/// Instructions of a coroutine body. `usize` operands are instruction indices.
/// The rarer second operands are boxed, so that an instruction stays small
/// (a big scenario compiles to millions of them).
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Print(Vec<CPart>),
    /// `asyncio.sleep`, at a [`VarySite`] (or [`NO_SITE`]: asim's own).
    Sleep(CExpr, u32),
    /// `time.sleep`, at a [`VarySite`].
    Block(CExpr, u32),
    /// Await a coroutine object, a task or a primitive operation.
    Await(CExpr, Option<Target>),
    /// Await `obj.acquire()` / `obj.wait()`.
    AwaitAcquire(CExpr, Option<Target>),
    AwaitWait(CExpr, Option<Target>),
    /// `create_task`; `group` is the task group slot when inside one.
    Spawn {
        call: CExpr,
        name: Option<Box<[CPart]>>,
        bind: Option<Target>,
        group: Option<u32>,
    },
    Gather {
        items: Vec<CGatherItem>,
        return_exceptions: Option<Box<CExpr>>,
        bind: Option<Target>,
    },
    TgEnter(u32),
    /// `as tg`: the group in the slot, as a value, into the target.
    TgBind(u32, Target),
    TgExit(u32),
    /// Evaluate the primitive into the slot and acquire it.
    WithEnter(CExpr, u32),
    WithExit(u32),
    Do(CExpr),
    Assign(Vec<(Target, CExpr)>),
    /// `del a, b[i]`, left to right.
    Del(Box<[Target]>),
    /// The end of `except E as e`: `e = None; del e` (no error if unbound).
    Unbind(Target),
    Return(Option<CExpr>),
    Raise(Option<CExpr>),
    /// `raise exc from cause`.
    RaiseFrom(Box<[CExpr; 2]>),
    PushExcept(usize),
    PushExceptStar(usize),
    PushFinally(usize),
    PopHandler,
    Jump(usize),
    JumpIfNot(CExpr, usize),
    /// Start iterating into the iterator slot.
    ForStart(CExpr, u32),
    /// Next item into the target, or jump to the end.
    ForNext(u32, Target, usize),
    /// The loop is left: its iterator goes (an `as_completed` generator).
    IterDone(u32),
    /// Does the handled exception match? If not, jump.
    Match(Vec<CExpr>, Option<Target>, usize),
    /// End of an except block: drop the handled exception.
    ExceptDone,
    /// No handler matched: raise the handled exception again.
    Reraise,
    /// `except*`: the group is split by each handler in turn.
    StarMatch(Vec<CExpr>, Option<Target>, usize),
    /// Collects what an `except*` handler raised, then continues at the operand.
    PushStarCollect(usize),
    /// After all `except*` handlers: raise what remains.
    StarEnd,
    /// Fall into a `finally` normally.
    EnterFinally,
    EndFinally,
    Assert(CExpr, Option<Vec<CPart>>),
    /// `as_completed(fs, timeout)` as a `for` source, into the iterator slot.
    AsCompletedStart(CExpr, Option<Box<CExpr>>, u32),
    /// Await the next completion into the target, or jump to the end.
    AsCompletedNext(u32, Target, usize),
    /// `asyncio.wait(items, timeout=, return_when=)`; binds `(done, pending)`.
    Wait {
        items: Vec<CGatherItem>,
        timeout: Option<Box<CExpr>>,
        return_when: crate::syntax::ast::ReturnWhen,
        bind: Option<Target>,
    },
    /// `await q.get()` / `q.put(item)` / `q.join()`.
    AwaitQueue(CExpr, QueueOp, Option<Box<CExpr>>, Option<Target>),
    /// `asyncio.wait_for(what, timeout)`.
    WaitFor(CExpr, Box<CExpr>, Option<Target>),
    /// `await asyncio.shield(what)`.
    AwaitShield(CExpr, Option<Target>),
    /// `asyncio.timeout(delay).__aenter__()`; the Timeout id goes in the slot.
    TimeoutEnter(CExpr, u32),
    /// `Timeout.__aexit__`, on the pending completion.
    TimeoutExit(u32),
    /// Barrier's own state changes (on the barrier in local 0).
    Barrier(BarrierOp),
}

/// An instruction and the step it came from.
#[derive(Debug, Clone)]
pub(crate) struct Instr {
    pub(crate) op: Op,
    pub(crate) span: Span,
}

/// A coroutine, compiled.
#[derive(Debug, Clone)]
pub(crate) struct CoroCode {
    pub(crate) name: String,
    /// Byte offset of its declaration (`name(params):`, `main:`): the line
    /// a traceback shows for a task cancelled before its first step.
    pub(crate) def_at: usize,
    /// Default values, evaluated once when the program starts (as `def` does).
    pub(crate) defaults: Vec<Option<CExpr>>,
    pub(crate) n_locals: u32,
    pub(crate) local_names: Vec<String>,
    pub(crate) n_iters: u32,
    pub(crate) n_groups: u32,
    pub(crate) code: Vec<Instr>,
    /// One of asim's own (Barrier's methods): left out of tracebacks.
    pub(crate) builtin: bool,
    /// A plain function (`functions:`): called, not awaited.
    pub(crate) is_fn: bool,
    /// No step rebinds a parameter, so while the task runs its first
    /// `defaults.len()` locals are the arguments it was called with (the
    /// task need not keep a copy for the call a view prints).
    pub(crate) args_in_frame: bool,
    /// The target lists of [`Target::Unpack`].
    pub(crate) unpacks: Vec<Unpack>,
    /// The subscriptions of [`Target::Item`].
    pub(crate) items: Vec<ItemTarget>,
}

/// A primitive declared under `sync`.
#[derive(Debug, Clone)]
pub(crate) struct PrimDef {
    pub(crate) name: String,
    pub(crate) kind: PrimKind,
    pub(crate) arg: CExpr,
    /// Where it is declared (byte offset), for a traceback.
    pub(crate) at: usize,
}

/// The whole compiled scenario.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub(crate) name: String,
    /// The scenario file, as the user named it: where a task's repr says
    /// its coroutine is `defined at`.
    pub(crate) file: String,
    pub(crate) globals: Vec<String>,
    /// Initial values, in an order where each only uses earlier ones.
    /// Each shared variable's slot, initial value, and declaration (byte offset).
    pub(crate) global_init: Vec<(u32, CExpr, usize)>,
    pub(crate) prims: Vec<PrimDef>,
    pub(crate) coros: Vec<CoroCode>,
    pub(crate) main: CoroId,
    /// `Barrier.wait`, `reset`, `abort`, when the scenario has a Barrier.
    pub(crate) barrier_coros: Option<[CoroId; 3]>,
    /// 3.12's `wait_for` (see [`super::barrier::WAIT_FOR_COROUTINE`]).
    pub(crate) wait_for_coro: CoroId,
    /// The first of the primitives' method coroutines (`acquire`, `wait`,
    /// `get`, `put`, `join`, in that order).
    pub(crate) method_coros: CoroId,
    /// Byte offset of each line of the scenario, to report lines.
    pub(crate) line_starts: Vec<usize>,
    /// The lambdas, by [`CExpr::Lambda`] id.
    pub(crate) lambdas: Vec<CLambda>,
    /// `seed:`, the key of `random`'s generator (`None`: no `random`).
    pub(crate) seed: Option<Vec<u32>>,
    /// The scenario's `python:` release, if it names one.
    pub(crate) python: Option<crate::version::Python>,
    /// Each `sleep` and `block` of the scenario, by the id its instruction
    /// carries: what `asim explore` may vary.
    pub(crate) sites: Vec<VarySite>,
}

/// A `sleep` or `block` of the scenario (see [`Program::sites`]).
#[derive(Debug, Clone)]
pub(crate) struct VarySite {
    /// The step's byte offset.
    pub(crate) at: usize,
    /// A `block` (`time.sleep`), not a `sleep`.
    pub(crate) block: bool,
    /// The spread the scenario gives it (`1.0 ± 20%`), if any.
    pub(crate) spread: Option<crate::syntax::spread::Spread>,
}

/// The site of an instruction asim made itself (never varied).
pub(crate) const NO_SITE: u32 = u32::MAX;

/// Maps a syntax binary operator to the value layer's.
pub(crate) fn bin(op: BinOp) -> crate::value::ops::Bin {
    use crate::value::ops::Bin;
    match op {
        BinOp::Add => Bin::Add,
        BinOp::Sub => Bin::Sub,
        BinOp::Mul => Bin::Mul,
        BinOp::Div => Bin::Div,
        BinOp::FloorDiv => Bin::FloorDiv,
        BinOp::Mod => Bin::Mod,
        BinOp::Pow => Bin::Pow,
        BinOp::BitOr => Bin::BitOr,
        BinOp::BitXor => Bin::BitXor,
        BinOp::BitAnd => Bin::BitAnd,
        BinOp::LShift => Bin::LShift,
        BinOp::RShift => Bin::RShift,
    }
}

/// A queue operation that may wait (an instruction operand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueueOp {
    Get,
    Put,
    Join,
}

#[cfg(test)]
mod tests {
    /// A big scenario compiles to millions of instructions and expressions:
    /// they stay small (the program lives for the whole run).
    #[test]
    fn instructions_and_expressions_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<super::Instr>() <= 88, "{}", size_of::<super::Instr>());
        assert!(size_of::<super::CExpr>() <= 40, "{}", size_of::<super::CExpr>());
        assert!(size_of::<super::CPart>() <= 16, "{}", size_of::<super::CPart>());
    }
}

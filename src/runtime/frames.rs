//! Coroutine frames: a frame's locals, its loop iterators, task groups and
//! block stacks (`try`, `finally`, `except*`), and a task's stack of frames.

use super::*;

/// One iteration state of a `for` loop.
#[derive(Debug, Clone)]
pub(crate) enum Iter {
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    List(Rc<std::cell::RefCell<crate::value::ListItems>>, usize),
    Items(Rc<[Value]>, usize),
    /// An `as_completed` generator and how many more times it yields.
    AsCompleted(Rc<crate::value::AcToken>, usize),
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandlerKind {
    Except,
    ExceptStar,
    Finally,
    StarCollect,
}

/// A `try` block in progress (CPython's block stack).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Handler {
    pub(crate) kind: HandlerKind,
    pub(crate) pc: usize,
    pub(crate) exc_depth: u32,
    pub(crate) comp_depth: u32,
    pub(crate) star_depth: u32,
}

/// How a `finally` block was entered, so `EndFinally` can carry on.
#[derive(Debug, Clone)]
pub(crate) enum Completion {
    Normal,
    Raise(Exc),
    Return(Value),
}

/// An `except*` in progress.
#[derive(Debug, Clone)]
pub(crate) struct StarState {
    pub(crate) orig: Exc,
    pub(crate) naked: bool,
    pub(crate) group: Exc,
    pub(crate) rest: Option<Exc>,
    pub(crate) matched: Vec<Exc>,
    pub(crate) raised: Vec<Exc>,
}

/// A coroutine activation.
#[derive(Debug)]
pub(crate) struct Frame {
    pub(crate) coro: CoroId,
    /// The next instruction (see [`Frame::pc`]).
    pc: u32,
    /// Sized by the compiler: arguments first, then the other locals.
    pub(crate) locals: Box<[Value]>,
    /// What only some frames need (a `for`, a task group, a `try`, a
    /// caller waiting for the value): one pointer until then.
    extra: Option<Box<FrameExtra>>,
}

/// A frame's loop iterators and task groups (sized by the compiler) and its
/// block stacks.
#[derive(Debug, Default)]
pub(crate) struct FrameExtra {
    /// Where the caller wants the return value.
    pub(crate) ret: Option<Target>,
    /// The task's exc_info depth when this frame started.
    pub(crate) exc_base: u32,
    pub(crate) iters: Box<[Iter]>,
    pub(crate) groups: Box<[u32]>,
    pub(crate) handlers: Vec<Handler>,
    pub(crate) completions: Vec<Completion>,
    pub(crate) stars: Vec<StarState>,
    /// An exception in a reference cycle passed through this frame (one a
    /// TaskGroup raised): CPython's traceback keeps the frame, and its
    /// locals, alive until the garbage collector runs.
    pub(crate) pinned: bool,
}

impl Frame {
    /// The next instruction's index.
    #[inline]
    pub(crate) fn pc(&self) -> usize {
        self.pc as usize
    }

    #[inline]
    pub(crate) fn jump(&mut self, pc: usize) {
        debug_assert!(pc <= u32::MAX as usize);
        self.pc = pc as u32;
    }

    /// The task's exc_info depth when this frame started.
    pub(crate) fn exc_base(&self) -> usize {
        self.extra.as_ref().map_or(0, |x| x.exc_base as usize)
    }

    /// Takes where the caller wants the return value.
    pub(crate) fn take_ret(&mut self) -> Option<Target> {
        self.extra.as_mut()?.ret.take()
    }

    /// The frame's iterators, task groups and block stacks. A frame whose
    /// code has iterators or groups gets them when it is made; the stacks
    /// are made on first use.
    pub(crate) fn x(&mut self) -> &mut FrameExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// [`Frame::x`], made from `spare` (what finished frames left) if the
    /// frame has none yet.
    #[allow(clippy::vec_box)] // the boxes themselves are what is reused
    pub(crate) fn x_from(&mut self, spare: &mut Vec<Box<FrameExtra>>) -> &mut FrameExtra {
        self.extra.get_or_insert_with(|| spare.pop().unwrap_or_default())
    }

    /// Drops the frame and returns its extra part, emptied, for another
    /// frame to reuse. What it held is dropped in the order dropping the
    /// frame would (locals, then the extra part field by field).
    pub(crate) fn into_spare(mut self) -> Option<Box<FrameExtra>> {
        let x = self.extra.take();
        drop(self);
        let mut x = x?;
        x.ret = None;
        x.exc_base = 0;
        x.iters = Box::default();
        x.groups = Box::default();
        x.handlers.clear();
        x.completions.clear();
        x.stars.clear();
        x.pinned = false;
        Some(x)
    }

    /// Whether a `task_group` block of this frame has started (Python's
    /// frame then holds the group as a local).
    pub(crate) fn used_a_group(&self) -> bool {
        self.extra.as_ref().is_some_and(|x| x.groups.iter().any(|&g| g != u32::MAX))
    }

    /// See [`FrameExtra::pinned`].
    pub(crate) fn pinned(&self) -> bool {
        self.extra.as_ref().is_some_and(|x| x.pinned)
    }

    /// Pops the innermost handler, if the frame ever pushed one.
    pub(crate) fn pop_handler(&mut self) -> Option<Handler> {
        self.extra.as_mut()?.handlers.pop()
    }
}

/// A task's frames, innermost last. The first (the task's own coroutine)
/// lives in the task record; only an `await` of a coroutine call, which
/// runs it inline, pushes more.
#[derive(Debug, Default)]
pub(crate) struct Frames {
    base: Option<Frame>,
    more: Stack<Frame>,
}

impl Frames {
    pub(crate) fn one(f: Frame) -> Self {
        Frames { base: Some(f), more: Stack::default() }
    }

    /// The task's own coroutine's frame.
    pub(crate) fn first(&self) -> Option<&Frame> {
        self.base.as_ref()
    }

    pub(crate) fn last(&self) -> Option<&Frame> {
        self.more.last().or(self.base.as_ref())
    }

    pub(crate) fn last_mut(&mut self) -> Option<&mut Frame> {
        match self.more.len() {
            0 => self.base.as_mut(),
            _ => self.more.last_mut(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        usize::from(self.base.is_some()) + self.more.len()
    }

    pub(crate) fn push(&mut self, f: Frame) {
        match self.base {
            None => self.base = Some(f),
            Some(_) => self.more.push(f),
        }
    }

    pub(crate) fn pop(&mut self) -> Option<Frame> {
        match self.more.len() {
            0 => self.base.take(),
            _ => self.more.pop(),
        }
    }

    /// The frames, outermost first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Frame> {
        self.base.iter().chain(self.more.0.iter().flat_map(|v| v.iter()))
    }

    /// All the frames, outermost first.
    pub(crate) fn into_frames(self) -> impl Iterator<Item = Frame> {
        self.base.into_iter().chain(self.more.0.map(|v| *v).unwrap_or_default())
    }
}

/// A stack that costs one pointer until it is first used: most frames
/// never enter a `try`, so their block stacks stay empty.
#[derive(Debug)]
#[allow(clippy::box_collection)] // the point: one pointer, not three words, while empty
pub(crate) struct Stack<T>(Option<Box<Vec<T>>>);

impl<T> Default for Stack<T> {
    fn default() -> Self {
        Stack(None)
    }
}

impl<T> Stack<T> {
    pub(crate) fn push(&mut self, x: T) {
        self.0.get_or_insert_with(Box::default).push(x);
    }

    pub(crate) fn pop(&mut self) -> Option<T> {
        self.0.as_mut()?.pop()
    }

    pub(crate) fn last_mut(&mut self) -> Option<&mut T> {
        self.0.as_mut()?.last_mut()
    }

    pub(crate) fn last(&self) -> Option<&T> {
        self.0.as_ref()?.last()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |v| v.len())
    }
}

impl Vm<'_> {
    /// A new activation of `coro`: the arguments become its first locals.
    pub(crate) fn new_frame(&self, coro: CoroId, args: Vec<Value>) -> Frame {
        let code = &self.prog.coros[coro as usize];
        let mut locals = args;
        locals.resize(code.n_locals as usize, Value::Unbound);
        Frame {
            coro,
            pc: 0,
            locals: locals.into(),
            extra: (code.n_iters > 0 || code.n_groups > 0).then(|| {
                Box::new(FrameExtra {
                    iters: vec![Iter::Done; code.n_iters as usize].into(),
                    groups: vec![u32::MAX; code.n_groups as usize].into(),
                    ..FrameExtra::default()
                })
            }),
        }
    }
}

//! The syntax tree of a scenario: what the YAML says, with spans.
//!
//! Nothing here is resolved yet: names are strings and expressions are
//! parsed but unchecked. The checker turns this into a checked program.

use super::expr::{Expr, FPart};
use crate::source::Span;

/// A name as written, with its place in the file.
#[derive(Debug, Clone)]
pub(crate) struct Name {
    pub(crate) text: String,
    pub(crate) span: Span,
}

/// Where an expression's text sits in the file, to map its inner spans.
///
/// Sixteen bytes: a big scenario has one per code field. When the file
/// holds the text verbatim (a plain or quoted scalar with no escapes or
/// folded lines, the common case), only its place is kept and the text is
/// read from the file; otherwise the decoded text is owned, and inner
/// spans map to the whole scalar.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// The text is the file's bytes `at..at + len`; the whole scalar
    /// extends `quote` bytes further on each side (its quotes).
    Verbatim { at: u32, len: u32, quote: u32 },
    /// The whole scalar's span and its decoded text.
    Owned(std::rc::Rc<(Span, String)>),
}

impl Origin {
    /// The origin of a scalar spanning `whole` whose text, when verbatim
    /// in the file, starts at `at`; `text` is the decoded text.
    pub(crate) fn new(whole: Span, at: Option<usize>, text: &str) -> Origin {
        if let Some(at) = at {
            let quote = at.saturating_sub(whole.start);
            let len = whole.end.saturating_sub(whole.start + 2 * quote);
            if let (Ok(at), Ok(len), Ok(quote)) = (u32::try_from(at), u32::try_from(len), u32::try_from(quote)) {
                return Origin::Verbatim { at, len, quote };
            }
        }
        // A file past 4 GiB: its text is copied, as a decoded scalar's is.
        Origin::Owned(std::rc::Rc::new((whole, text.to_owned())))
    }

    /// The scalar's text, from the file `src` it was parsed from.
    pub(crate) fn text<'s>(&'s self, src: &'s str) -> &'s str {
        match self {
            Origin::Verbatim { at, len, .. } => {
                let at = *at as usize;
                src.get(at..at + *len as usize).unwrap_or_default()
            }
            Origin::Owned(o) => &o.1,
        }
    }

    /// The span of the whole scalar, quotes included.
    pub(crate) fn whole(&self) -> Span {
        match self {
            Origin::Verbatim { at, len, quote } => (*at - *quote) as usize..(*at + *len + *quote) as usize,
            Origin::Owned(o) => o.0.clone(),
        }
    }

    /// The file span of a span inside the expression text.
    pub(crate) fn span(&self, inner: &Span) -> Span {
        match self {
            Origin::Verbatim { at, .. } => {
                let at = *at as usize;
                at + inner.start..at + inner.end.max(inner.start)
            }
            Origin::Owned(o) => o.0.clone(),
        }
    }
}

/// A code field: a Python expression, or a YAML list/map/literal that
/// stands for one (section 1 of the format).
#[derive(Debug, Clone)]
pub(crate) enum Code {
    /// A Python expression from a scalar.
    Expr(Expr, Origin),
    /// A YAML number, bool or null.
    Lit(Lit, Span),
    /// A YAML list: a Python list.
    List(Vec<Code>, Span),
    /// A YAML map: a dict whose keys are taken literally.
    Dict(Vec<(String, Code)>, Span),
}

/// A YAML literal scalar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    None,
    Bool(bool),
    Int(i64),
    /// An int beyond 64 bits.
    BigInt(Box<num_bigint::BigInt>),
    Float(f64),
}

impl Code {
    /// The span of the whole field.
    pub(crate) fn span(&self) -> Span {
        match self {
            Code::Expr(e, o) => o.span(&e.span),
            Code::Lit(_, s) | Code::List(_, s) | Code::Dict(_, s) => s.clone(),
        }
    }
}

/// A text field: an f-string template.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) parts: Vec<FPart>,
    pub(crate) origin: Origin,
}

/// A duration: a literal with a unit, or code giving seconds.
#[derive(Debug, Clone)]
pub(crate) enum Duration {
    /// `250ms`: the double nearest the exact decimal value in seconds.
    Literal(f64),
    Code(Code),
    /// A `sleep` or `block` that `asim explore` may vary: the nominal
    /// duration and its spread (`1.0 ± 20%`), with the spread's span.
    Varied(Box<(Duration, super::spread::Spread, Span)>),
}

/// `asyncio.wait`'s `return_when`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReturnWhen {
    FirstCompleted,
    FirstException,
    AllCompleted,
}

impl ReturnWhen {
    /// The asyncio constant's name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ReturnWhen::FirstCompleted => "FIRST_COMPLETED",
            ReturnWhen::FirstException => "FIRST_EXCEPTION",
            ReturnWhen::AllCompleted => "ALL_COMPLETED",
        }
    }
}

/// One `except`/`except_star` handler.
#[derive(Debug, Clone)]
pub(crate) struct Handler {
    /// The classes matched; empty means `except BaseException`.
    pub(crate) types: Vec<Code>,
    pub(crate) bind: Option<Name>,
    pub(crate) body: Vec<Step>,
    pub(crate) span: Span,
}

/// An assignment target, as Python's grammar has it.
#[derive(Debug, Clone)]
pub(crate) enum Tgt {
    Name(Name),
    /// `obj[index]`; the index may be a slice (`xs[1:3]`).
    Item {
        obj: Code,
        index: Code,
    },
    /// `a, b` or `[a, b]`.
    Seq(Vec<Tgt>),
    /// `*rest` inside a [`Tgt::Seq`].
    Star(Box<Tgt>),
}

impl Tgt {
    /// The plain names the target binds, outermost first.
    pub(crate) fn names(&self, out: &mut Vec<Name>) {
        match self {
            Tgt::Name(n) => out.push(n.clone()),
            Tgt::Item { .. } => {}
            Tgt::Seq(ts) => ts.iter().for_each(|t| t.names(out)),
            Tgt::Star(t) => t.names(out),
        }
    }
}

/// One assignment: `a = b = value` (targets left to right), or
/// `target op= value`.
#[derive(Debug, Clone)]
pub(crate) struct Assign {
    pub(crate) targets: Vec<Tgt>,
    pub(crate) aug: Option<crate::syntax::expr::BinOp>,
    pub(crate) value: Code,
}

/// One item of a `gather` list.
#[derive(Debug, Clone)]
pub(crate) enum GatherItem {
    /// `f(1)`, `t` or `*tasks`.
    Expr(Code),
    /// `{for: "i in range(5)", call: "f(i)"}`.
    For { targets: Vec<Name>, iter: Code, call: Code },
}

/// A step: one verb with its modifiers.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) kind: StepKind,
    /// The verb key.
    pub(crate) span: Span,
}

/// What a step does.
#[derive(Debug, Clone)]
pub(crate) enum StepKind {
    Print(Template),
    Sleep(Duration),
    Block(Duration),
    Await {
        what: Code,
        bind: Option<Name>,
    },
    // The rarer parts of the larger steps are boxed, so that a step (of
    // which a big scenario has millions) stays at most 192 bytes.
    Spawn {
        call: Code,
        bind: Option<Name>,
        name: Option<Box<Template>>,
    },
    Gather {
        items: Vec<GatherItem>,
        bind: Option<Name>,
        return_exceptions: Option<Box<Code>>,
    },
    /// `done, pending = await asyncio.wait([...], timeout=, return_when=)`.
    Wait {
        items: Vec<GatherItem>,
        timeout: Option<Box<Duration>>,
        return_when: ReturnWhen,
        bind: Vec<Name>,
    },
    /// `async with asyncio.TaskGroup() as tg:` (the name when it is bound).
    TaskGroup(Vec<Step>, Option<Box<Name>>),
    With {
        prim: Code,
        body: Vec<Step>,
    },
    Do(Code),
    /// `let`: assignments whose plain names are locals.
    Let(Vec<Assign>),
    /// `set`: the same, with plain names being shared `vars` (`global`).
    Set(Vec<Assign>),
    /// `del d[k]`, `del x`.
    Del(Vec<Tgt>),
    Return(Option<Code>),
    /// `raise`, `raise exc`, `raise exc from cause`.
    Raise(Option<Code>, Option<Box<Code>>),
    Try {
        body: Vec<Step>,
        handlers: Vec<Handler>,
        star: bool,
        orelse: Vec<Step>,
        finally: Option<Vec<Step>>,
    },
    /// `if`; an `elif` branch is an `If` alone in its parent's `orelse`,
    /// marked `elif` (so export writes it back as `elif`).
    If {
        cond: Code,
        then: Box<[Step]>,
        orelse: Vec<Step>,
        elif: bool,
    },
    /// `for`; `orelse` is its `else:` (run when the loop ends without `break`).
    For {
        targets: Box<[Name]>,
        iter: Code,
        body: Vec<Step>,
        orelse: Option<Box<[Step]>>,
    },
    While {
        cond: Code,
        body: Vec<Step>,
        orelse: Option<Box<[Step]>>,
    },
    /// `break`: leave the innermost loop.
    Break,
    /// `continue`: the innermost loop's next iteration.
    Continue,
    Assert {
        cond: Code,
        message: Option<Box<Template>>,
    },
    /// `x = await asyncio.wait_for(what, timeout)`.
    WaitFor {
        what: Code,
        timeout: Box<Duration>,
        bind: Option<Name>,
    },
    /// `async with asyncio.timeout(delay):` (`None` never expires).
    Timeout {
        delay: Duration,
        body: Vec<Step>,
    },
}

/// A coroutine definition.
#[derive(Debug, Clone)]
pub(crate) struct CoroDef {
    pub(crate) name: Name,
    pub(crate) params: Vec<(Name, Option<Code>)>,
    pub(crate) body: Vec<Step>,
    /// Declared under `functions:`: a plain `def`, called for its value.
    pub(crate) is_fn: bool,
}

/// A whole scenario file.
#[derive(Debug, Clone)]
pub(crate) struct Scenario {
    pub(crate) name: Option<String>,
    pub(crate) vars: Vec<(Name, Code)>,
    pub(crate) sync: Vec<(Name, Code)>,
    pub(crate) coroutines: Vec<CoroDef>,
    pub(crate) main: Vec<Step>,
    pub(crate) main_span: Span,
    pub(crate) expect: Option<super::parse::Expect>,
    /// The top-level `seed:` of `random`.
    pub(crate) seed: Option<Seed>,
    /// `exceptions:`: each class declared and its base's name.
    pub(crate) exceptions: Vec<(Name, Name)>,
    /// `python: "3.12"`: the CPython release the scenario is for.
    pub(crate) python: Option<crate::version::Python>,
    /// `allow:`: the warning ids silenced, for the scenario and per step.
    pub(crate) allows: super::allow::Allows,
}

/// `seed: 42`: the key `random.seed(42)` gives CPython's Mersenne Twister.
#[derive(Debug, Clone)]
pub(crate) struct Seed {
    /// The absolute value's 32-bit words, least significant first (none
    /// for zero).
    pub(crate) words: Vec<u32>,
    /// The int as written, without underscores (for `asim export python`).
    pub(crate) text: String,
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    /// A big scenario is mostly steps, code fields and expressions: they
    /// stay small (the front end's memory is a multiple of the file's).
    #[test]
    fn a_step_stays_small() {
        assert!(size_of::<super::Step>() <= 152, "{}", size_of::<super::Step>());
        assert!(size_of::<super::Code>() <= 80, "{}", size_of::<super::Code>());
        assert!(size_of::<super::Expr>() <= 64, "{}", size_of::<super::Expr>());
        assert!(size_of::<super::Origin>() <= 16, "{}", size_of::<super::Origin>());
    }
}

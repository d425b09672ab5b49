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
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// File offset of the expression text's first byte, when verbatim.
    pub(crate) at: Option<usize>,
    /// The whole scalar, used when the text is not verbatim in the file.
    pub(crate) whole: Span,
    /// The scalar's text (what the expression's spans index) when the file
    /// does not hold it verbatim; otherwise it is read from the file
    /// ([`Origin::text`]), not copied.
    pub(crate) owned: Option<std::rc::Rc<str>>,
}

impl Origin {
    /// The scalar's text, from the file `src` it was parsed from.
    pub(crate) fn text<'s>(&'s self, src: &'s str) -> &'s str {
        match (&self.owned, self.at) {
            (Some(t), _) => t,
            // Inside the quotes of a quoted scalar: as much is cut at the end.
            (None, Some(at)) => src.get(at..self.whole.end - (at - self.whole.start)).unwrap_or_default(),
            (None, None) => "",
        }
    }

    /// The file span of a span inside the expression text.
    pub(crate) fn span(&self, inner: &Span) -> Span {
        match self.at {
            Some(at) => at + inner.start..at + inner.end.max(inner.start),
            None => self.whole.clone(),
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
        timeout: Option<Box<Code>>,
        return_when: ReturnWhen,
        bind: Vec<Name>,
    },
    TaskGroup(Vec<Step>),
    With {
        prim: Code,
        body: Vec<Step>,
    },
    Do(Code),
    Let(Vec<(Name, Code)>),
    Set(Vec<(Name, Code)>),
    Return(Option<Code>),
    Raise(Option<Code>),
    Try {
        body: Vec<Step>,
        handlers: Vec<Handler>,
        star: bool,
        orelse: Vec<Step>,
        finally: Option<Vec<Step>>,
    },
    If {
        cond: Code,
        then: Vec<Step>,
        orelse: Vec<Step>,
    },
    For {
        targets: Vec<Name>,
        iter: Code,
        body: Vec<Step>,
    },
    While {
        cond: Code,
        body: Vec<Step>,
    },
    Assert {
        cond: Code,
        message: Option<Box<Template>>,
    },
    /// `x = await asyncio.wait_for(what, timeout)`.
    WaitFor {
        what: Code,
        timeout: Box<Code>,
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
}

#[cfg(test)]
mod tests {
    /// A big scenario is mostly steps: they stay small.
    #[test]
    fn a_step_stays_small() {
        assert!(std::mem::size_of::<super::Step>() <= 192, "{}", std::mem::size_of::<super::Step>());
    }
}

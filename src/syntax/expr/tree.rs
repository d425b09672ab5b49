//! The expression tree the parser builds: [`Expr`] and its parts, operators,
//! coroutine signatures, and the [`ParseError`] every stage of parsing returns.

use super::Span;
use std::fmt;

/// A parsed expression and the bytes of the source it spans.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    /// What the expression is.
    pub(crate) kind: ExprKind,
    /// Where it is in the parsed source.
    pub(crate) span: Span,
}

/// The kinds of expression asim supports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExprKind {
    /// An integer literal. A negative literal is `Unary(Neg, Int)`, as in
    /// Python, except `-9223372036854775808`, whose operand does not fit.
    Int(i64),
    /// An int literal beyond 64 bits.
    BigInt(Box<num_bigint::BigInt>),
    /// A float literal (`1.5`, `.5`, `1e3`; `1e400` is infinity, as in Python).
    Float(f64),
    /// A string literal, escapes decoded, adjacent literals concatenated.
    Str(String),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// An f-string literal `f"..."`, as its parts. Adjacent plain literals
    /// are merged into it (`"a" f"{x}"`); empty literal parts are dropped,
    /// so `f""` has no parts.
    FString(Vec<FPart>),
    /// A name to look up.
    Name(String),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{a, b}`.
    Set(Vec<Expr>),
    /// `(a, b)`, `(a,)`, `()`, or a top-level `a, b`.
    Tuple(Vec<Expr>),
    /// `{k: v}`, pairs in source order.
    Dict(Vec<(Expr, Expr)>),
    /// `-x`, `+x`, `not x`.
    Unary(UnaryOp, Box<Expr>),
    /// An arithmetic operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A comparison, possibly chained: `a < b <= c` is
    /// `Compare(a, [(Lt, b), (Le, c)])`.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `a and b and c` is `BoolOp(And, [a, b, c])`.
    BoolOp(BoolOp, Vec<Expr>),
    /// `then if cond else orelse`.
    IfExp {
        /// The condition.
        cond: Box<Expr>,
        /// The value when the condition is true.
        then: Box<Expr>,
        /// The value when the condition is false.
        orelse: Box<Expr>,
    },
    /// `func(args, name=value)`.
    Call {
        /// What is called.
        func: Box<Expr>,
        /// Positional arguments in order, including `*xs`.
        args: Box<[Expr]>,
        /// Keyword arguments in order.
        kwargs: Box<[Keyword]>,
    },
    /// `value.attr`.
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// The attribute's name.
        attr: Box<str>,
        /// Where the attribute's name is.
        attr_span: Span,
    },
    /// `value[index]`.
    Index {
        /// The indexed object.
        value: Box<Expr>,
        /// The index: an expression, a [`ExprKind::Slice`], or a tuple.
        index: Box<Expr>,
    },
    /// `lo:hi:step` in `a[lo:hi:step]`, each part optional. It appears only
    /// as the `index` of an [`ExprKind::Index`].
    Slice {
        /// The start, if written.
        lo: Option<Box<Expr>>,
        /// The stop, if written.
        hi: Option<Box<Expr>>,
        /// The step, if written.
        step: Option<Box<Expr>>,
    },
    /// `*xs`: a call argument, a list or tuple element, or an item parsed by
    /// [`parse_starred_item`]; nowhere else.
    Starred(Box<Expr>),
    /// `await x`, in an expression.
    Await(Box<Expr>),
    /// A comprehension: `[elt for ...]`, `(elt for ...)`, `{k: v for ...}`,
    /// `{elt for ...}`.
    Comp(Box<Comp>),
    /// `lambda a, b=1: body`.
    Lambda(Box<Lambda>),
}

/// What a comprehension builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompKind {
    List,
    /// A generator expression.
    Gen,
    Dict,
    Set,
}

/// A comprehension's parts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Comp {
    pub(crate) kind: CompKind,
    /// The element, or a dict comprehension's key.
    pub(crate) elt: Expr,
    /// A dict comprehension's value.
    pub(crate) value: Option<Expr>,
    /// The `for` clauses, outermost first.
    pub(crate) gens: Vec<CompFor>,
}

/// `for target in iter if cond ...` in a comprehension.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompFor {
    /// A name, or a tuple or list of targets.
    pub(crate) target: Expr,
    pub(crate) iter: Expr,
    pub(crate) ifs: Vec<Expr>,
}

/// A lambda's parameters and body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lambda {
    pub(crate) params: Vec<Param>,
    pub(crate) body: Expr,
}

/// A keyword argument `name=value` of a call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Keyword {
    /// The parameter's name, or `**` for `**mapping`.
    pub(crate) name: String,
    /// Where the name is.
    pub(crate) name_span: Span,
    /// The argument.
    pub(crate) value: Expr,
}

/// One piece of an f-string or a template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FPart {
    /// Literal text, escapes and doubled braces already decoded.
    Lit(String),
    /// A `{...}` replacement field (boxed: a template is mostly short
    /// literals, which then take three words each).
    Field(Box<FField>),
}

/// A replacement field `{expr=!conversion:spec}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FField {
    /// The expression; its span points into the parsed source.
    pub(crate) expr: Expr,
    /// `'s'`, `'r'` or `'a'`. For a debug field (`{x=}`) with neither a
    /// conversion nor a `:` spec this is `Some('r')`, as CPython does.
    pub(crate) conversion: Option<char>,
    /// The format spec after `:`, which may hold nested fields (`{x:>{w}}`);
    /// empty when there is none.
    pub(crate) spec: Vec<FPart>,
    /// For `{x=}` : the text `x=`, with any whitespace around the `=` kept,
    /// to print before the value.
    pub(crate) debug_text: Option<String>,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `not x`
    Not,
    /// `~x`
    Invert,
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `&`
    BitAnd,
    /// `<<`
    LShift,
    /// `>>`
    RShift,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `is`
    Is,
    /// `is not`
    IsNot,
}

/// A boolean operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoolOp {
    /// `and`
    And,
    /// `or`
    Or,
}

/// A syntax error: what is wrong, where, and perhaps how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    /// One line in Python's spirit, e.g. "unclosed `(`".
    pub(crate) message: String,
    /// The offending bytes; empty at the end of the input.
    pub(crate) span: Span,
    /// A suggestion, when one helps.
    pub(crate) hint: Option<String>,
}

impl ExprKind {
    /// A literal: an int, float, str, bool or `None`.
    pub(crate) fn is_literal(&self) -> bool {
        matches!(
            self,
            ExprKind::Int(_)
                | ExprKind::BigInt(_)
                | ExprKind::Float(_)
                | ExprKind::Str(_)
                | ExprKind::Bool(_)
                | ExprKind::None
        )
    }
}

impl Expr {
    /// Calls `f` on this expression and on every expression inside it
    /// (f-string fields, comprehension and lambda parts too), outside in.
    pub(crate) fn each(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        let parts = |parts: &[FPart], f: &mut dyn FnMut(&Expr)| {
            fn go(parts: &[FPart], f: &mut dyn FnMut(&Expr)) {
                for p in parts {
                    if let FPart::Field(x) = p {
                        x.expr.each(f);
                        go(&x.spec, f);
                    }
                }
            }
            go(parts, f);
        };
        match &self.kind {
            ExprKind::Int(_)
            | ExprKind::BigInt(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Name(_) => {}
            ExprKind::FString(p) => parts(p, f),
            ExprKind::List(xs) | ExprKind::Set(xs) | ExprKind::Tuple(xs) | ExprKind::BoolOp(_, xs) => {
                xs.iter().for_each(|x| x.each(f))
            }
            ExprKind::Dict(kv) => kv.iter().for_each(|(k, v)| {
                k.each(f);
                v.each(f);
            }),
            ExprKind::Unary(_, x)
            | ExprKind::Starred(x)
            | ExprKind::Await(x)
            | ExprKind::Attribute { value: x, .. } => x.each(f),
            ExprKind::Binary(_, a, b) | ExprKind::Index { value: a, index: b } => {
                a.each(f);
                b.each(f);
            }
            ExprKind::Compare(a, rest) => {
                a.each(f);
                rest.iter().for_each(|(_, x)| x.each(f));
            }
            ExprKind::IfExp { cond, then, orelse } => [cond, then, orelse].into_iter().for_each(|x| x.each(f)),
            ExprKind::Call { func, args, kwargs } => {
                func.each(f);
                args.iter().for_each(|x| x.each(f));
                kwargs.iter().for_each(|k| k.value.each(f));
            }
            ExprKind::Slice { lo, hi, step } => [lo, hi, step].into_iter().flatten().for_each(|x| x.each(f)),
            ExprKind::Comp(c) => {
                for g in &c.gens {
                    g.iter.each(f);
                    g.target.each(f);
                    g.ifs.iter().for_each(|x| x.each(f));
                }
                c.elt.each(f);
                if let Some(v) = &c.value {
                    v.each(f);
                }
            }
            ExprKind::Lambda(l) => {
                l.params.iter().filter_map(|p| p.default.as_ref()).for_each(|d| d.each(f));
                l.body.each(f);
            }
        }
    }
}

impl ParseError {
    pub(super) fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError { message: message.into(), span, hint: None }
    }

    pub(super) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// A coroutine signature `name(param, param=default)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signature {
    /// The coroutine's name.
    pub(crate) name: String,
    /// Where the name is.
    pub(crate) name_span: Span,
    /// The parameters in order.
    pub(crate) params: Vec<Param>,
}

/// One parameter of a [`Signature`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Param {
    /// The parameter's name.
    pub(crate) name: String,
    /// Where the name is.
    pub(crate) span: Span,
    /// The default value, if any.
    pub(crate) default: Option<Expr>,
}

//! The builtin functions and classes a scenario can name (`len`, `str`...),
//! as values: `sorted(xs, key=len)` passes one.

/// A builtin function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    Len,
    Str,
    Repr,
    Int,
    Float,
    Bool,
    Abs,
    Min,
    Max,
    Range,
    Enumerate,
    List,
    Tuple,
    Dict,
    Sum,
    Sorted,
    Any,
    All,
    Divmod,
    Round,
    Zip,
    Reversed,
    Map,
    Filter,
    Hash,
    Set,
}

impl Builtin {
    /// Its Python name.
    pub(crate) fn name(self) -> &'static str {
        Builtin::ALL.iter().find(|(_, b)| *b == self).map_or("?", |(n, _)| n)
    }

    /// Whether Python's `len` is a class (`str`, `list`...) rather than a
    /// function: its repr is `<class 'str'>` and its type `type`.
    pub(crate) fn is_class(self) -> bool {
        matches!(
            self,
            Builtin::Str
                | Builtin::Int
                | Builtin::Float
                | Builtin::Bool
                | Builtin::Range
                | Builtin::Enumerate
                | Builtin::List
                | Builtin::Tuple
                | Builtin::Dict
                | Builtin::Set
                | Builtin::Zip
                | Builtin::Reversed
                | Builtin::Map
                | Builtin::Filter
        )
    }

    /// Every builtin with its Python name.
    pub(crate) const ALL: &'static [(&'static str, Builtin)] = &[
        ("len", Builtin::Len),
        ("str", Builtin::Str),
        ("repr", Builtin::Repr),
        ("int", Builtin::Int),
        ("float", Builtin::Float),
        ("bool", Builtin::Bool),
        ("abs", Builtin::Abs),
        ("min", Builtin::Min),
        ("max", Builtin::Max),
        ("range", Builtin::Range),
        ("enumerate", Builtin::Enumerate),
        ("list", Builtin::List),
        ("tuple", Builtin::Tuple),
        ("dict", Builtin::Dict),
        ("sum", Builtin::Sum),
        ("sorted", Builtin::Sorted),
        ("any", Builtin::Any),
        ("all", Builtin::All),
        ("divmod", Builtin::Divmod),
        ("round", Builtin::Round),
        ("zip", Builtin::Zip),
        ("reversed", Builtin::Reversed),
        ("map", Builtin::Map),
        ("filter", Builtin::Filter),
        ("hash", Builtin::Hash),
        ("set", Builtin::Set),
    ];
}

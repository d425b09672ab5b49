//! A value's text for the formatting operations: `str()`, `repr()`,
//! `ascii()` and `format(value, spec)` of a [`Value`], raising what CPython
//! raises (an int of more than 4,300 digits made into a string, a bad
//! format spec).

use super::format::{format_value, FormatArg, FormatError, FormatErrorKind};
use crate::value::ops::{type_error, value_error};
use crate::value::{clear_str_error, take_str_error, Exc, ExcClass, ExcObj, Value};

/// The exception a failed [`format_value`] raises. asim's size budget is
/// an `OverflowError` with its own message (docs/limits.md).
pub(crate) fn format_error(e: FormatError) -> Exc {
    match e.kind {
        FormatErrorKind::ValueError => value_error(e.message),
        FormatErrorKind::TypeError => type_error(e.message),
        FormatErrorKind::Limit | FormatErrorKind::Overflow => ExcObj::msg(ExcClass::OverflowError, e.message),
    }
}

/// The type's name as CPython's messages print it (its `tp_name`): a
/// class declared under `exceptions:` by its own name, a task as
/// `_asyncio.Task`.
pub(crate) fn tp_name(v: &Value) -> &str {
    match v {
        Value::Exc(e) => e.name(),
        Value::Task(_) => "_asyncio.Task",
        v => v.type_name(),
    }
}

/// Runs a rendering, raising the `ValueError` of an int too long for a
/// decimal string met on the way (CPython raises it where it meets it).
fn checked(render: impl FnOnce() -> String) -> Result<String, Exc> {
    clear_str_error();
    let text = render();
    match take_str_error() {
        Some(e) => Err(e),
        None => Ok(text),
    }
}

/// `str(v)`.
pub(crate) fn str_of(v: &Value) -> Result<String, Exc> {
    checked(|| v.to_str())
}

/// `repr(v)`.
pub(crate) fn repr_of(v: &Value) -> Result<String, Exc> {
    checked(|| v.repr())
}

/// `ascii(v)`: the repr with every non-ASCII character escaped.
pub(crate) fn ascii_of(v: &Value) -> Result<String, Exc> {
    repr_of(v).map(|r| ascii(&r))
}

/// Escapes the non-ASCII characters of a repr as `ascii()` does: `\xNN`,
/// `\uNNNN` or `\UNNNNNNNN`.
pub(crate) fn ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let code = u32::from(c);
        if c.is_ascii() {
            out.push(c);
        } else if code < 0x100 {
            out.push_str(&format!("\\x{code:02x}"));
        } else if code < 0x10000 {
            out.push_str(&format!("\\u{code:04x}"));
        } else {
            out.push_str(&format!("\\U{code:08x}"));
        }
    }
    out
}

/// `format(v, spec)`: the mini-language for int, float, bool and str;
/// `str(v)` for an empty spec; the `TypeError` of an object without
/// Python's `__format__` for any other spec.
pub(crate) fn format_object(v: &Value, spec: &str) -> Result<String, Exc> {
    let text;
    let arg = match v {
        Value::Int(i) => FormatArg::Int(*i),
        Value::BigInt(b) => FormatArg::BigInt(b),
        Value::Float(f) => FormatArg::Float(*f),
        Value::Bool(b) => FormatArg::Bool(*b),
        Value::Str(s) => FormatArg::Str(s),
        // `object.__format__` refuses a spec before it calls `str()`.
        other => {
            text = if spec.is_empty() { str_of(other)? } else { String::new() };
            FormatArg::Other { text: &text, type_name: tp_name(other) }
        }
    };
    format_value(arg, spec).map_err(format_error)
}

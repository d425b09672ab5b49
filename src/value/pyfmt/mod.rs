//! Python-exact text rendering of floats, strings and format specs.
//!
//! `asim` emulates Python asyncio programs and its output must match what
//! CPython 3.11 prints, character for character. Rust's own formatting differs
//! from Python's in many small ways (`1e16` vs `1e+16`, `1` vs `1.0`, string
//! escapes, the `format()` mini-language), so this module re-implements the
//! three pieces of Python's text rendering the emulator needs:
//!
//! * [`float_repr`] renders `repr(float)` / `str(float)`;
//! * [`str_repr`] renders `repr(str)`;
//! * [`format_value`](format::format_value) implements `format(value,
//!   spec)`, i.e. the format-spec mini-language used by f-strings and
//!   `str.format`, including CPython's exact error messages.
//!
//! On top of them, for values: [`format_object`] (`format(v, spec)` of a
//! [`crate::value::Value`], raising its exception), [`percent_format`]
//! (`str % args`, printf-style) and [`str_format()`] (`str.format(...)`).
//!
//! The behaviour was written from Python's documentation and checked case by
//! case against `python3` (CPython 3.11). Digit generation relies on Rust's
//! float formatting: `{:e}` yields shortest round-tripping digits (where two
//! equally near candidates exist, the ties-to-even one is chosen afterwards,
//! as CPython does) and `{:.N}` / `{:.Ne}` yield digits correctly rounded
//! from the exact binary value with ties to even, like CPython. Printability
//! for [`str_repr`] uses CPython 3.11's Unicode 14.0 data (a boundary table
//! generated from `str.isprintable`), so it is exact, not an approximation.
//!
//! Known gap, caused by Rust types rather than by the algorithms:
//! `format(n, 'c')` and `'%c' % n` for a surrogate code point
//! (U+D800..U+DFFF) cannot be represented in a Rust `String` and yield
//! U+FFFD instead.

#[cfg(test)]
mod expr_cases;
mod float;
mod format;
mod object;
mod percent;
#[cfg(test)]
mod percent_tests;
mod str_format;
#[cfg(test)]
mod str_format_tests;
mod string;
#[cfg(test)]
mod tests;

pub(crate) use float::float_repr;
pub(crate) use object::{ascii, format_object};
pub(crate) use percent::percent_format;
pub(crate) use str_format::str_format;
pub(crate) use string::str_repr;

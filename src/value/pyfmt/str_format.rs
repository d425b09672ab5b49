//! `str.format(*args, **kwargs)`, as CPython 3.11's
//! `Objects/stringlib/unicode_format.h` does it.
//!
//! The format is read and rendered one field at a time, as CPython does,
//! so of two mistakes the first one raises: a literal part, then a field
//! (`{name!conversion:spec}`), then the next literal. A field's name is
//! an automatic number (`{}`), an index (`{0}`) or a keyword (`{x}`), then
//! any chain of `[key]` items (a key of decimal digits is an int, any other
//! key a str: `{0[-1]}` looks up the str `'-1'`) and `.name` attributes; a
//! spec may hold fields of its own (`{:{w}}`), one level deep. Automatic
//! and manual numbering do not mix, within the spec's fields too.

use super::format::decimal_value;
use super::object::{ascii_of, format_object, repr_of, str_of};
use crate::value::ops::{self, value_error};
use crate::value::{Exc, ExcClass, ExcObj, Value};
use std::ops::Range;

/// Reads `value.name` for a `{0.name}` field.
pub(crate) type AttrLookup<'a> = &'a mut dyn FnMut(&Value, &str) -> Result<Value, Exc>;

/// How the fields are numbered so far (CPython's `AutoNumberState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbering {
    Unknown,
    Automatic,
    Manual,
}

/// One replacement field, as positions in the format being read.
struct Field {
    name: Range<usize>,
    conversion: Option<char>,
    spec: Range<usize>,
    /// The spec has fields of its own to fill in first.
    nested: bool,
}

struct Formatter<'a, 'f> {
    args: &'a [Value],
    kwargs: &'a [(&'a str, Value)],
    attr: AttrLookup<'f>,
    numbering: Numbering,
    next_auto: i64,
}

/// Text being built, within asim's size budget.
#[derive(Default)]
struct Out {
    text: String,
    chars: usize,
}

impl Out {
    fn write(&mut self, s: &str) -> Result<(), Exc> {
        let n = s.chars().count();
        ops::within_budget(self.chars, n)?;
        self.chars += n;
        self.text.push_str(s);
        Ok(())
    }
}

/// `fmt.format(*args, **kwargs)`; `attr` reads the attributes of `{x.name}`.
pub(crate) fn str_format(
    fmt: &str,
    args: &[Value],
    kwargs: &[(&str, Value)],
    attr: AttrLookup<'_>,
) -> Result<String, Exc> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut f = Formatter { args, kwargs, attr, numbering: Numbering::Unknown, next_auto: 0 };
    // PEP 3101: the format, and the fields of a spec, but no deeper.
    f.build(&chars, 2)
}

impl Formatter<'_, '_> {
    /// CPython's `build_string` and `output_markup`.
    fn build(&mut self, s: &[char], depth: u32) -> Result<String, Exc> {
        if depth == 0 {
            return Err(value_error("Max string recursion exceeded"));
        }
        let mut out = Out::default();
        let mut pos = 0;
        while pos < s.len() {
            // The literal text up to the first brace, as `MarkupIterator_next`.
            let start = pos;
            let mut c = '\0';
            let mut markup = false;
            while pos < s.len() {
                c = s[pos];
                pos += 1;
                if c == '{' || c == '}' {
                    markup = true;
                    break;
                }
            }
            let at_end = pos >= s.len();
            let mut len = pos - start;
            if c == '}' && (at_end || s[pos] != '}') {
                return Err(value_error("Single '}' encountered in format string"));
            }
            if at_end && c == '{' {
                return Err(value_error("Single '{' encountered in format string"));
            }
            if !at_end {
                if s[pos] == c {
                    // `{{` or `}}`: the brace is literal text.
                    pos += 1;
                    markup = false;
                } else {
                    len -= 1;
                }
            }
            out.write(&s[start..start + len].iter().collect::<String>())?;
            if markup {
                let field = parse_field(s, &mut pos)?;
                let text = self.field(s, &field, depth)?;
                out.write(&text)?;
            }
        }
        Ok(out.text)
    }

    /// CPython's `output_field`: the object, its conversion, the spec
    /// (its own fields filled in), and `format(object, spec)`.
    fn field(&mut self, s: &[char], field: &Field, depth: u32) -> Result<String, Exc> {
        let mut obj = self.field_object(&s[field.name.clone()])?;
        if let Some(conversion) = field.conversion {
            obj = Value::str(match conversion {
                'r' => repr_of(&obj)?,
                's' => str_of(&obj)?,
                'a' => ascii_of(&obj)?,
                c if (33..127).contains(&u32::from(c)) => {
                    return Err(value_error(format!("Unknown conversion specifier {c}")))
                }
                c => return Err(value_error(format!("Unknown conversion specifier \\x{:x}", u32::from(c)))),
            });
        }
        let spec = &s[field.spec.clone()];
        let spec = if field.nested { self.build(spec, depth - 1)? } else { spec.iter().collect() };
        format_object(&obj, &spec)
    }

    /// CPython's `get_field_object`: the argument a field names, then its
    /// items and attributes.
    fn field_object(&mut self, name: &[char]) -> Result<Value, Exc> {
        let split = name.iter().position(|&c| c == '[' || c == '.').unwrap_or(name.len());
        let (first, mut rest) = name.split_at(split);
        let index = integer(first)?;
        let empty = first.is_empty();
        if empty || index.is_some() {
            if self.numbering == Numbering::Unknown {
                self.numbering = if empty { Numbering::Automatic } else { Numbering::Manual };
            }
            match (self.numbering, empty) {
                (Numbering::Manual, true) => {
                    return Err(value_error(
                        "cannot switch from manual field specification to automatic field numbering",
                    ))
                }
                (Numbering::Automatic, false) => {
                    return Err(value_error(
                        "cannot switch from automatic field numbering to manual field specification",
                    ))
                }
                _ => {}
            }
        }
        let index = if empty {
            self.next_auto += 1;
            Some(self.next_auto - 1)
        } else {
            index
        };
        let mut obj = match index {
            Some(i) => self.args.get(usize::try_from(i).unwrap_or(usize::MAX)).cloned().ok_or_else(|| {
                ExcObj::msg(
                    ExcClass::IndexError,
                    format!("Replacement index {i} out of range for positional args tuple"),
                )
            })?,
            None => {
                let key: String = first.iter().collect();
                match self.kwargs.iter().find(|(k, _)| **k == key) {
                    Some((_, v)) => v.clone(),
                    None => return Err(ExcObj::new(ExcClass::KeyError, vec![Value::str(key)])),
                }
            }
        };
        // CPython's `FieldNameIterator_next`, one `.name` or `[key]` at a time.
        while let Some((&c, after)) = rest.split_first() {
            let part;
            let item = match c {
                '.' => {
                    let end = after.iter().position(|&c| c == '[' || c == '.').unwrap_or(after.len());
                    part = &after[..end];
                    rest = &after[end..];
                    false
                }
                '[' => {
                    let Some(end) = after.iter().position(|&c| c == ']') else {
                        return Err(value_error("Missing ']' in format string"));
                    };
                    part = &after[..end];
                    rest = &after[end + 1..];
                    true
                }
                _ => return Err(value_error("Only '.' or '[' may follow ']' in format field specifier")),
            };
            let index = if item { integer(part)? } else { None };
            if part.is_empty() {
                return Err(value_error("Empty attribute in format string"));
            }
            let text: String = part.iter().collect();
            obj = match (item, index) {
                (false, _) => (self.attr)(&obj, &text)?,
                (true, Some(i)) => ops::index(&obj, &Value::Int(i))?,
                (true, None) => ops::index(&obj, &Value::str(text))?,
            };
        }
        Ok(obj)
    }
}

/// CPython's `parse_field`: from just past the `{` to just past the
/// field's `}`.
fn parse_field(s: &[char], pos: &mut usize) -> Result<Field, Exc> {
    let name_start = *pos;
    let mut c = '\0';
    while *pos < s.len() {
        c = s[*pos];
        *pos += 1;
        match c {
            '{' => return Err(value_error("unexpected '{' in field name")),
            '[' => {
                while *pos < s.len() && s[*pos] != ']' {
                    *pos += 1;
                }
            }
            '}' | ':' | '!' => break,
            _ => {}
        }
    }
    let name = name_start..*pos - 1;
    if c != '!' && c != ':' {
        if c != '}' {
            return Err(value_error("expected '}' before end of string"));
        }
        return Ok(Field { name, conversion: None, spec: 0..0, nested: false });
    }
    let mut conversion = None;
    if c == '!' {
        let Some(&conv) = s.get(*pos) else {
            return Err(value_error("end of string while looking for conversion specifier"));
        };
        conversion = Some(conv);
        *pos += 1;
        if let Some(&next) = s.get(*pos) {
            *pos += 1;
            if next == '}' {
                return Ok(Field { name, conversion, spec: 0..0, nested: false });
            }
            if next != ':' {
                return Err(value_error("expected ':' after conversion specifier"));
            }
        }
    }
    let spec_start = *pos;
    let mut open = 1;
    let mut nested = false;
    while *pos < s.len() {
        let c = s[*pos];
        *pos += 1;
        match c {
            '{' => {
                nested = true;
                open += 1;
            }
            '}' => {
                open -= 1;
                if open == 0 {
                    return Ok(Field { name, conversion, spec: spec_start..*pos - 1, nested });
                }
            }
            _ => {}
        }
    }
    Err(value_error("unmatched '{' in format spec"))
}

/// CPython's `get_integer`: the value of a run of Unicode decimal digits,
/// `None` for an empty name or one with any other character in it.
fn integer(s: &[char]) -> Result<Option<i64>, Exc> {
    if s.is_empty() {
        return Ok(None);
    }
    let mut value: i64 = 0;
    for &c in s {
        let Some(digit) = decimal_value(c) else { return Ok(None) };
        let digit = i64::from(digit);
        if value > (i64::MAX - digit) / 10 {
            return Err(value_error("Too many decimal digits in format string"));
        }
        value = value * 10 + digit;
    }
    Ok(Some(value))
}

//! printf-style formatting, `str % args`, as CPython 3.11's
//! `PyUnicode_Format` does it.
//!
//! The scan follows CPython's step by step (its position and its count of
//! characters left, which may run below zero), so a malformed format fails
//! with the same exception, the same message and the same index. The
//! arguments are CPython's too: a tuple is the argument list, any other
//! value is one argument, and a dict (or a list or a range: anything
//! with `__getitem__` that is not a tuple or a str) is also the mapping
//! `%(key)s` reads; the argument is fetched before its conversion
//! character is checked, and the padding rules for signs, zeros and the
//! `0x` prefix are `unicode_format_arg_output`'s.

use super::format::{budget_error, format_value, FormatArg, BUDGET};
use super::object::{ascii_of, format_error, repr_of, str_of, tp_name};
use crate::value::ops::{self, int_overflow, limit_error, type_error, value_error, MAX_ITEMS};
use crate::value::{bigint, Exc, ExcClass, ExcObj, Value};
use num_bigint::{BigInt, Sign};

/// The conversion flags `-`, `+`, space, `#` and `0`.
#[derive(Debug, Default, Clone, Copy)]
struct Flags {
    ljust: bool,
    sign: bool,
    blank: bool,
    alt: bool,
    zero: bool,
}

/// One conversion specifier.
#[derive(Debug)]
struct Arg {
    /// The conversion character (`d`, `s`, ...), or the last character read.
    ch: char,
    flags: Flags,
    /// Minimum width; `-1` when absent.
    width: i64,
    /// Precision; `-1` when absent.
    prec: i64,
    /// Whether the text is a number whose sign the flags place.
    sign: bool,
}

/// CPython's `unicode_formatter_t`.
struct Formatter<'a> {
    fmt: Vec<char>,
    /// The next character to read.
    pos: usize,
    /// Characters left to read (`fmtcnt`); below zero past the end.
    cnt: i64,
    /// The arguments: the right operand, or the value of the last `%(key)`.
    args: Value,
    /// The tuple's length, or `-1` for a single argument.
    arglen: i64,
    /// The next argument's index (`-2` before a single argument is used).
    argidx: i64,
    /// The right operand when it is a mapping.
    dict: Option<&'a Value>,
    out: String,
    /// Characters in `out`.
    out_chars: usize,
}

/// `fmt % args`.
pub(crate) fn percent_format(fmt: &str, args: &Value) -> Result<String, Exc> {
    let fmt: Vec<char> = fmt.chars().collect();
    let (arglen, argidx) = match args {
        Value::Tuple(t) => (t.len() as i64, 0),
        _ => (-1, -2),
    };
    let dict = matches!(args, Value::Dict(_) | Value::List(_) | Value::Range(_)).then_some(args);
    let cnt = fmt.len() as i64;
    let mut f =
        Formatter { fmt, pos: 0, cnt, args: args.clone(), arglen, argidx, dict, out: String::new(), out_chars: 0 };
    loop {
        f.cnt -= 1;
        if f.cnt < 0 {
            break;
        }
        if f.at(f.pos) != '%' {
            let start = f.pos;
            f.pos += 1;
            while f.cnt >= 0 && f.at(f.pos) != '%' {
                f.pos += 1;
                f.cnt -= 1;
            }
            if f.cnt < 0 {
                f.pos -= 1;
            }
            let text: String = f.fmt[start..f.pos].iter().collect();
            f.write(&text)?;
        } else {
            f.pos += 1;
            f.format_arg()?;
        }
    }
    if f.argidx < f.arglen && f.dict.is_none() {
        return Err(not_all_converted());
    }
    Ok(f.out)
}

fn not_all_converted() -> Exc {
    type_error("not all arguments converted during string formatting")
}

impl Formatter<'_> {
    /// The character at `i` (NUL past the end, as CPython reads it).
    fn at(&self, i: usize) -> char {
        self.fmt.get(i).copied().unwrap_or('\0')
    }

    /// Reads the next character into `ch` if one is left (`--fmtcnt >= 0`).
    fn advance(&mut self, ch: &mut char) -> bool {
        self.cnt -= 1;
        if self.cnt >= 0 {
            *ch = self.at(self.pos);
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn write(&mut self, s: &str) -> Result<(), Exc> {
        let n = s.chars().count();
        ops::within_budget(self.out_chars, n)?;
        self.out_chars += n;
        self.out.push_str(s);
        Ok(())
    }

    fn fill(&mut self, c: char, n: i64) -> Result<(), Exc> {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if self.out_chars.saturating_add(n) > MAX_ITEMS as usize {
            return Err(limit_error());
        }
        self.out_chars += n;
        self.out.extend(std::iter::repeat_n(c, n));
        Ok(())
    }

    fn next_arg(&mut self) -> Result<Value, Exc> {
        let idx = self.argidx;
        if idx < self.arglen {
            self.argidx += 1;
            return Ok(match &self.args {
                Value::Tuple(t) if self.arglen >= 0 => t[idx as usize].clone(),
                v => v.clone(),
            });
        }
        Err(type_error("not enough arguments for format string"))
    }

    /// One `%...` specifier; `pos` is just past the `%`.
    fn format_arg(&mut self) -> Result<(), Exc> {
        let ch = self.at(self.pos);
        if ch == '%' {
            self.pos += 1;
            self.cnt -= 1;
            return self.write("%");
        }
        let mut arg = Arg { ch, flags: Flags::default(), width: -1, prec: -1, sign: false };
        self.parse(&mut arg)?;
        let v = self.next_arg()?;
        let text = match arg.ch {
            's' => str_of(&v)?,
            'r' => repr_of(&v)?,
            'a' => ascii_of(&v)?,
            'i' | 'd' | 'u' | 'o' | 'x' | 'X' => {
                arg.sign = true;
                format_long(&v, &arg)?
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                arg.sign = true;
                format_float(&v, &arg)?
            }
            'c' => format_char(&v)?.to_string(),
            other => {
                let code = u32::from(other);
                let shown = if (31..=126).contains(&code) { other } else { '?' };
                return Err(value_error(format!(
                    "unsupported format character '{shown}' ({code:#x}) at index {}",
                    self.pos - 1
                )));
            }
        };
        self.output(&mut arg, &text)?;
        if self.dict.is_some() && self.argidx < self.arglen {
            return Err(not_all_converted());
        }
        Ok(())
    }

    /// `%(key)`, flags, width, precision and length modifier, as
    /// `unicode_format_arg_parse` reads them.
    fn parse(&mut self, arg: &mut Arg) -> Result<(), Exc> {
        if self.at(self.pos) == '(' {
            let Some(dict) = self.dict else {
                return Err(type_error("format requires a mapping"));
            };
            self.pos += 1;
            self.cnt -= 1;
            let start = self.pos;
            let mut depth = 1;
            while depth > 0 && self.advance(&mut arg.ch) {
                match arg.ch {
                    ')' => depth -= 1,
                    '(' => depth += 1,
                    _ => {}
                }
            }
            if self.cnt < 0 || depth > 0 {
                return Err(value_error("incomplete format key"));
            }
            let key: String = self.fmt[start..self.pos - 1].iter().collect();
            self.args = ops::index(dict, &Value::str(key))?;
            self.arglen = -1;
            self.argidx = -2;
        }
        while self.advance(&mut arg.ch) {
            match arg.ch {
                '-' => arg.flags.ljust = true,
                '+' => arg.flags.sign = true,
                ' ' => arg.flags.blank = true,
                '#' => arg.flags.alt = true,
                '0' => arg.flags.zero = true,
                _ => break,
            }
        }
        if arg.ch == '*' {
            let v = self.next_arg()?;
            let width = match v {
                Value::Int(i) => i,
                Value::Bool(b) => i64::from(b),
                Value::BigInt(_) => return Err(int_overflow()),
                _ => return Err(type_error("* wants int")),
            };
            arg.width = width;
            if width < 0 {
                arg.flags.ljust = true;
                // CPython's negation wraps: -(2**63) stays negative, no padding.
                arg.width = width.wrapping_neg();
            }
            self.advance(&mut arg.ch);
        } else if let Some(d) = arg.ch.to_digit(10) {
            arg.width = i64::from(d);
            while self.advance(&mut arg.ch) {
                let Some(d) = arg.ch.to_digit(10) else { break };
                arg.width = arg
                    .width
                    .checked_mul(10)
                    .and_then(|w| w.checked_add(i64::from(d)))
                    .ok_or_else(|| value_error("width too big"))?;
            }
        }
        if arg.ch == '.' {
            arg.prec = 0;
            self.advance(&mut arg.ch);
            if arg.ch == '*' {
                let v = self.next_arg()?;
                let prec = match v {
                    Value::Int(i) => i32::try_from(i).map_err(|_| c_int_overflow())?,
                    Value::Bool(b) => i32::from(b),
                    Value::BigInt(_) => return Err(c_int_overflow()),
                    _ => return Err(type_error("* wants int")),
                };
                arg.prec = i64::from(prec.max(0));
                self.advance(&mut arg.ch);
            } else if let Some(d) = arg.ch.to_digit(10) {
                arg.prec = i64::from(d);
                while self.advance(&mut arg.ch) {
                    let Some(d) = arg.ch.to_digit(10) else { break };
                    arg.prec = arg.prec * 10 + i64::from(d);
                    if arg.prec > i64::from(i32::MAX) {
                        return Err(value_error("precision too big"));
                    }
                }
            }
        }
        if self.cnt >= 0 && matches!(arg.ch, 'h' | 'l' | 'L') {
            self.advance(&mut arg.ch);
        }
        if self.cnt < 0 {
            return Err(value_error("incomplete format"));
        }
        Ok(())
    }

    /// Writes `text` padded, signed and prefixed as
    /// `unicode_format_arg_output` does.
    fn output(&mut self, arg: &mut Arg, text: &str) -> Result<(), Exc> {
        let fill = if arg.sign && arg.flags.zero { '0' } else { ' ' };
        let chars: Vec<char> = text.chars().collect();
        let mut len = chars.len() as i64;
        if (arg.width == -1 || arg.width <= len)
            && (arg.prec == -1 || arg.prec >= len)
            && !(arg.flags.sign || arg.flags.blank)
        {
            return self.write(text);
        }
        if matches!(arg.ch, 's' | 'r' | 'a') && arg.prec >= 0 && len > arg.prec {
            len = arg.prec;
        }
        let mut pindex = 0;
        let mut signchar = '\0';
        if arg.sign {
            let first = chars.first().copied().unwrap_or('\0');
            if first == '-' || first == '+' {
                signchar = first;
                len -= 1;
                pindex += 1;
            } else if arg.flags.sign {
                signchar = '+';
            } else if arg.flags.blank {
                signchar = ' ';
            } else {
                arg.sign = false;
            }
        }
        let mut width = arg.width.max(len);
        if width > len && width as u64 > BUDGET {
            return Err(format_error(budget_error()));
        }
        let prefixed = arg.flags.alt && matches!(arg.ch, 'x' | 'X' | 'o');
        let mut head = String::new();
        if arg.sign {
            if fill != ' ' {
                head.push(signchar);
            }
            if width > len {
                width -= 1;
            }
        }
        if prefixed {
            if fill != ' ' {
                head.push('0');
                head.push(arg.ch);
                pindex += 2;
            }
            width = (width - 2).max(0);
            len -= 2;
        }
        self.write(&head)?;
        if width > len && !arg.flags.ljust {
            self.fill(fill, width - len)?;
            width = len;
        }
        if fill == ' ' {
            let mut head = String::new();
            if arg.sign {
                head.push(signchar);
            }
            if prefixed {
                head.push('0');
                head.push(arg.ch);
                pindex += 2;
            }
            self.write(&head)?;
        }
        if len > 0 {
            let body: String = chars[pindex..pindex + len as usize].iter().collect();
            self.write(&body)?;
        }
        if width > len {
            self.fill(' ', width - len)?;
        }
        Ok(())
    }
}

fn c_int_overflow() -> Exc {
    ExcObj::msg(ExcClass::OverflowError, "Python int too large to convert to C int")
}

/// `%d %i %u %o %x %X`: an int (a float is truncated for the decimal
/// ones), its digits zero-filled to the precision, with `0o`/`0x`/`0X` in
/// the alternate form.
fn format_long(v: &Value, arg: &Arg) -> Result<String, Exc> {
    let code = arg.ch;
    let hex_or_octal = matches!(code, 'o' | 'x' | 'X');
    let wrong_type = || {
        let wanted = if hex_or_octal { "an integer" } else { "a real number" };
        type_error(format!("%{code} format: {wanted} is required, not {}", tp_name(v)))
    };
    let n: BigInt = match v {
        Value::Float(_) if hex_or_octal => return Err(wrong_type()),
        Value::Float(f) if f.is_nan() => return Err(value_error("cannot convert float NaN to integer")),
        Value::Float(f) if f.is_infinite() => {
            return Err(ExcObj::msg(ExcClass::OverflowError, "cannot convert float infinity to integer"))
        }
        Value::Float(f) => bigint::float_to_big(*f),
        v => bigint::to_big(v).ok_or_else(wrong_type)?,
    };
    if arg.prec > i64::from(i32::MAX) - 3 {
        return Err(ExcObj::msg(ExcClass::OverflowError, "precision too large"));
    }
    let digits = match code {
        'o' => n.magnitude().to_str_radix(8),
        'x' => n.magnitude().to_str_radix(16),
        'X' => n.magnitude().to_str_radix(16).to_ascii_uppercase(),
        _ => bigint::decimal(&n)?.trim_start_matches('-').to_owned(),
    };
    let prec = usize::try_from(arg.prec).unwrap_or(0);
    if prec > digits.len() && prec as u64 > BUDGET {
        return Err(format_error(budget_error()));
    }
    let prefix = match code {
        'o' if arg.flags.alt => "0o",
        'x' if arg.flags.alt => "0x",
        'X' if arg.flags.alt => "0X",
        _ => "",
    };
    let sign = if n.sign() == Sign::Minus { "-" } else { "" };
    let zeros = "0".repeat(prec.saturating_sub(digits.len()));
    Ok(format!("{sign}{prefix}{zeros}{digits}"))
}

/// `%e %E %f %F %g %G`: the float (an int converted), formatted as
/// `format()` does with the same precision and type.
fn format_float(v: &Value, arg: &Arg) -> Result<String, Exc> {
    let x = match v {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::BigInt(b) => bigint::to_f64(b)?,
        other => return Err(type_error(format!("must be real number, not {}", tp_name(other)))),
    };
    let prec = if arg.prec < 0 { 6 } else { arg.prec };
    let spec = format!("{}.{prec}{}", if arg.flags.alt { "#" } else { "" }, arg.ch);
    format_value(FormatArg::Float(x), &spec).map_err(format_error)
}

/// `%c`: a one-character str, or an int code point. A surrogate
/// (U+D800..U+DFFF) cannot be in a Rust string and becomes U+FFFD.
fn format_char(v: &Value) -> Result<char, Exc> {
    let code = match v {
        Value::Str(s) => {
            let mut chars = s.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(crate::value::messages::percent_c_type(v)),
            };
        }
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        Value::BigInt(_) => -1,
        _ => return Err(crate::value::messages::percent_c_type(v)),
    };
    match u32::try_from(code) {
        Ok(c) if c < 0x11_0000 => Ok(char::from_u32(c).unwrap_or('\u{fffd}')),
        _ => Err(ExcObj::msg(ExcClass::OverflowError, "%c arg not in range(0x110000)")),
    }
}

//! `format(value, spec)`: the format-spec mini-language for int, float, bool
//! and str, with CPython's exact error messages.

use super::float::{float_repr, positional, repr_parts, rounded_digits, scientific_layout, strip_zeros};

/// The value being formatted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FormatArg<'a> {
    /// A Python `int` (within the `i64` range).
    Int(i64),
    /// A Python `int` beyond it.
    BigInt(&'a num_bigint::BigInt),
    /// A Python `float`.
    Float(f64),
    /// A Python `bool`: an empty spec gives `True`/`False`, any other spec
    /// formats it as the int 0 or 1 (errors name the type `bool`).
    Bool(bool),
    /// A Python `str`.
    Str(&'a str),
    /// Any other object: its str() text and its Python type name (e.g.
    /// "list", "NoneType", "Task").
    Other {
        /// The object's `str()` text.
        text: &'a str,
        /// The object's Python type name, used in the error message.
        type_name: &'a str,
    },
}

/// Which Python exception a failed format raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormatErrorKind {
    /// `ValueError` (bad spec for the type, unknown format code, ...).
    ValueError,
    /// `TypeError` (non-empty spec for an object without `__format__`).
    TypeError,
    /// asim's size budget (docs/limits.md): a width or precision that would
    /// build a string of more than `MAX_ITEMS` characters.
    Limit,
    /// `OverflowError` (an int too large for a float presentation).
    Overflow,
}

/// A failed `format()`: the Python exception type and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormatError {
    /// The exception type to raise.
    pub(crate) kind: FormatErrorKind,
    /// The exception message, worded exactly as CPython 3.11 words it.
    pub(crate) message: String,
}

/// The longest string a width or a float's precision may ask for: asim's
/// container budget (docs/limits.md). CPython would try to allocate it.
pub(super) const BUDGET: u64 = crate::value::ops::MAX_ITEMS as u64;

pub(super) fn budget_error() -> FormatError {
    FormatError {
        kind: FormatErrorKind::Limit,
        message: format!("asim limit: a format width or precision may be at most {BUDGET}"),
    }
}

/// Builds a `ValueError` with the given message.
fn value_error(message: impl Into<String>) -> FormatError {
    FormatError { kind: FormatErrorKind::ValueError, message: message.into() }
}

/// How CPython quotes a presentation type in error messages: the character
/// itself for `!`..=DEL, otherwise `\x` and its lowercase hex code point
/// without padding (`\x20`, `\xe9`, `\x1f600`).
fn code_text(code: char) -> String {
    if ('!'..='\u{7f}').contains(&code) {
        code.to_string()
    } else {
        format!("\\x{:x}", u32::from(code))
    }
}

/// The `ValueError` for a presentation type the value's type does not know.
fn unknown_code(code: char, type_name: &str) -> FormatError {
    value_error(format!("Unknown format code '{}' for object of type '{type_name}'", code_text(code)))
}

/// A parsed `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
#[derive(Debug, Clone)]
struct Spec {
    /// Padding character (space unless given, `'0'` with the `0` flag).
    fill: char,
    /// `<`, `>`, `^` or `=`; `None` means the type's default.
    align: Option<char>,
    /// `+`, `-` or space.
    sign: Option<char>,
    /// The `z` option: coerce negative zero (after rounding) to zero.
    no_neg_zero: bool,
    /// The `#` alternate form.
    alternate: bool,
    /// Minimum total width in characters (0 when absent).
    width: usize,
    /// Thousands separator, `,` or `_`.
    grouping: Option<char>,
    /// Precision, if given.
    precision: Option<u64>,
    /// Presentation type (the value type's default when absent).
    kind: Option<char>,
}

/// Digit values of Unicode decimal digits: each entry is the zero of a run
/// of ten consecutive digits (category Nd), as `int()` and Python's format
/// spec parser accept them. Generated with `unicodedata.decimal`.
const DECIMAL_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0,
    0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0,
    0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60,
    0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The value of `c` as a Unicode decimal digit, like Python's
/// `unicodedata.decimal`.
pub(super) fn decimal_value(c: char) -> Option<u32> {
    let code = u32::from(c);
    let index = DECIMAL_ZEROS.partition_point(|&zero| zero <= code);
    let zero = *DECIMAL_ZEROS.get(index.checked_sub(1)?)?;
    (code - zero < 10).then_some(code - zero)
}

/// Reads a run of decimal digits at `*pos` as a width or precision; `None`
/// when there is no digit. Values beyond `i64::MAX` fail like CPython.
fn parse_count(chars: &[char], pos: &mut usize) -> Result<Option<u64>, FormatError> {
    let mut value: Option<u64> = None;
    while let Some(digit) = chars.get(*pos).and_then(|&c| decimal_value(c)) {
        let next = value
            .unwrap_or(0)
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit)))
            .filter(|&v| v <= i64::MAX as u64)
            .ok_or_else(|| value_error("Too many decimal digits in format string"))?;
        value = Some(next);
        *pos += 1;
    }
    Ok(value)
}

/// Parses a non-empty format spec the way CPython 3.11 does, including the
/// check of the grouping option against the (possibly default) type.
/// `default_kind` is the type assumed when none is given (`None` for float);
/// `numeric` makes the `0` flag imply `=` alignment.
fn parse_spec(spec: &str, type_name: &str, default_kind: Option<char>, numeric: bool) -> Result<Spec, FormatError> {
    let chars: Vec<char> = spec.chars().collect();
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    let mut pos = 0;
    let mut fill = ' ';
    let mut fill_given = false;
    let mut align = None;
    if chars.len() >= 2 && is_align(chars[1]) {
        fill = chars[0];
        fill_given = true;
        align = Some(chars[1]);
        pos = 2;
    } else if chars.first().is_some_and(|&c| is_align(c)) {
        align = Some(chars[0]);
        pos = 1;
    }
    let mut sign = None;
    if let Some(&c @ ('+' | '-' | ' ')) = chars.get(pos) {
        sign = Some(c);
        pos += 1;
    }
    let no_neg_zero = chars.get(pos) == Some(&'z');
    if no_neg_zero {
        pos += 1;
    }
    let alternate = chars.get(pos) == Some(&'#');
    if alternate {
        pos += 1;
    }
    if !fill_given && chars.get(pos) == Some(&'0') {
        fill = '0';
        if align.is_none() && numeric {
            align = Some('=');
        }
        pos += 1;
    }
    let width = parse_count(&chars, &mut pos)?.unwrap_or(0);
    let mut grouping = None;
    if let Some(&c @ (',' | '_')) = chars.get(pos) {
        grouping = Some(c);
        pos += 1;
        if let Some(&other @ (',' | '_')) = chars.get(pos) {
            if other != c {
                return Err(value_error("Cannot specify both ',' and '_'."));
            }
        }
    }
    let mut precision = None;
    if chars.get(pos) == Some(&'.') {
        pos += 1;
        precision = parse_count(&chars, &mut pos)?;
        if precision.is_none() {
            return Err(value_error("Format specifier missing precision"));
        }
    }
    if width > BUDGET {
        return Err(budget_error());
    }
    if chars.len() - pos > 1 {
        return Err(value_error(format!("Invalid format specifier '{spec}' for object of type '{type_name}'")));
    }
    let kind = chars.get(pos).copied().or(default_kind);
    if let Some(sep) = grouping {
        let allowed = match kind {
            None => true,
            Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => true,
            Some('b' | 'o' | 'x' | 'X') => sep == '_',
            Some(_) => false,
        };
        if !allowed {
            let kind = code_text(kind.unwrap_or_default());
            return Err(value_error(format!("Cannot specify '{sep}' with '{kind}'.")));
        }
    }
    Ok(Spec {
        fill,
        align,
        sign,
        no_neg_zero,
        alternate,
        width: usize::try_from(width).unwrap_or(usize::MAX),
        grouping,
        precision,
        kind,
    })
}

/// Pads `lead` + `body` to the spec's width. `=` alignment puts the padding
/// between `lead` (sign and base prefix) and `body`.
fn pad(lead: &str, body: &str, spec: &Spec, default_align: char) -> String {
    let len = lead.chars().count() + body.chars().count();
    let padding = spec.width.saturating_sub(len);
    let fill = |n: usize| std::iter::repeat_n(spec.fill, n).collect::<String>();
    match spec.align.unwrap_or(default_align) {
        '<' => format!("{lead}{body}{}", fill(padding)),
        '^' => format!("{}{lead}{body}{}", fill(padding / 2), fill(padding - padding / 2)),
        '=' => format!("{lead}{}{body}", fill(padding)),
        _ => format!("{}{lead}{body}", fill(padding)),
    }
}

/// Inserts `sep` between groups of `size` digits, counting from the right;
/// when `min_width` exceeds the result, zeros (and separators) are added on
/// the left until it is reached, never starting with a separator.
fn group_digits(digits: &str, sep: char, size: usize, min_width: usize) -> String {
    let digits = digits.as_bytes();
    let mut remaining = digits.len();
    let mut reversed: Vec<char> = Vec::with_capacity(remaining * 2);
    let mut written = 0;
    loop {
        let take = remaining.max(min_width.saturating_sub(written)).clamp(1, size);
        for _ in 0..take {
            if remaining > 0 {
                remaining -= 1;
                reversed.push(char::from(digits[remaining]));
            } else {
                reversed.push('0');
            }
        }
        written += take;
        if remaining == 0 && written >= min_width {
            break;
        }
        reversed.push(sep);
        written += 1;
    }
    reversed.iter().rev().collect()
}

/// A number split the way the mini-language lays it out.
struct Number {
    /// Whether to print a minus sign.
    negative: bool,
    /// Base prefix (`0x`, ...) for the `#` form, else empty.
    prefix: &'static str,
    /// Integer-part digits (or `inf`/`nan`, or the `c` character).
    digits: String,
    /// Whether `digits` takes thousands separators.
    groupable: bool,
    /// Point, fraction, exponent and `%`, after the integer part.
    rest: String,
}

/// Renders a number with sign, grouping and padding per `spec`.
fn render_number(number: Number, spec: &Spec, group_size: usize) -> String {
    let sign = match (number.negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    let lead = format!("{sign}{}", number.prefix);
    let digits = match spec.grouping {
        Some(sep) if number.groupable => {
            let zero_padded = spec.fill == '0' && spec.align == Some('=');
            let min_width =
                if zero_padded { spec.width.saturating_sub(lead.len() + number.rest.chars().count()) } else { 0 };
            group_digits(&number.digits, sep, group_size, min_width)
        }
        _ => number.digits,
    };
    pad(&lead, &format!("{digits}{}", number.rest), spec, '>')
}

/// `format(str, spec)` for a non-empty spec.
fn format_str(text: &str, spec: &str) -> Result<String, FormatError> {
    let spec = parse_spec(spec, "str", Some('s'), false)?;
    match spec.kind {
        Some('s') | None => {}
        Some(code) => return Err(unknown_code(code, "str")),
    }
    match spec.sign {
        Some(' ') => return Err(value_error("Space not allowed in string format specifier")),
        Some(_) => return Err(value_error("Sign not allowed in string format specifier")),
        None => {}
    }
    if spec.no_neg_zero {
        return Err(value_error("Negative zero coercion (z) not allowed in string format specifier"));
    }
    if spec.alternate {
        return Err(value_error("Alternate form (#) not allowed in string format specifier"));
    }
    if spec.align == Some('=') {
        return Err(value_error("'=' alignment not allowed in string format specifier"));
    }
    let body: String = match spec.precision {
        Some(limit) => text.chars().take(usize::try_from(limit).unwrap_or(usize::MAX)).collect(),
        None => text.to_string(),
    };
    Ok(pad("", &body, &spec, '<'))
}

/// An int to format: 64-bit or big.
#[derive(Clone, Copy)]
enum IntVal<'a> {
    Small(i64),
    Big(&'a num_bigint::BigInt),
}

impl IntVal<'_> {
    fn negative(self) -> bool {
        match self {
            IntVal::Small(v) => v < 0,
            IntVal::Big(b) => b.sign() == num_bigint::Sign::Minus,
        }
    }

    /// The digits of the magnitude in `radix`.
    fn digits(self, radix: u32, upper: bool) -> Result<String, FormatError> {
        let s = match self {
            IntVal::Small(v) => {
                let m = v.unsigned_abs();
                match radix {
                    2 => format!("{m:b}"),
                    8 => format!("{m:o}"),
                    16 if upper => format!("{m:X}"),
                    16 => format!("{m:x}"),
                    _ => m.to_string(),
                }
            }
            IntVal::Big(b) => {
                if radix == 10 {
                    let s = crate::value::bigint::decimal(b).map_err(|e| value_error(e.to_str()))?;
                    s.trim_start_matches('-').to_owned()
                } else {
                    let s = b.magnitude().to_str_radix(radix);
                    if upper {
                        s.to_ascii_uppercase()
                    } else {
                        s
                    }
                }
            }
        };
        Ok(s)
    }

    fn to_f64(self) -> Result<f64, FormatError> {
        match self {
            IntVal::Small(v) => Ok(v as f64),
            IntVal::Big(b) => crate::value::bigint::to_f64(b)
                .map_err(|e| FormatError { kind: FormatErrorKind::Overflow, message: e.to_str() }),
        }
    }
}

/// `format(int, spec)` for a non-empty spec; `type_name` is `int` or `bool`.
fn format_int(value: IntVal<'_>, spec: &str, type_name: &str) -> Result<String, FormatError> {
    let spec = parse_spec(spec, type_name, Some('d'), true)?;
    let kind = spec.kind.unwrap_or('d');
    match kind {
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => return render_float(value.to_f64()?, &spec),
        'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n' => {}
        _ => return Err(unknown_code(kind, type_name)),
    }
    if spec.precision.is_some() {
        return Err(value_error("Precision not allowed in integer format specifier"));
    }
    if spec.no_neg_zero {
        return Err(value_error("Negative zero coercion (z) not allowed in integer format specifier"));
    }
    if kind == 'c' {
        if spec.sign.is_some() {
            return Err(value_error("Sign not allowed with integer format specifier 'c'"));
        }
        if spec.alternate {
            return Err(value_error("Alternate form (#) not allowed with integer format specifier 'c'"));
        }
        let small = match value {
            IntVal::Small(v) => v,
            IntVal::Big(_) => -1,
        };
        let code = u32::try_from(small).ok().filter(|&c| c < 0x11_0000).ok_or_else(|| FormatError {
            kind: FormatErrorKind::Overflow,
            message: "%c arg not in range(0x110000)".to_string(),
        })?;
        let c = char::from_u32(code).unwrap_or('\u{fffd}');
        let number =
            Number { negative: false, prefix: "", digits: c.to_string(), groupable: false, rest: String::new() };
        return Ok(render_number(number, &spec, 3));
    }
    let (prefix, digits, group_size) = match kind {
        'b' => ("0b", value.digits(2, false)?, 4),
        'o' => ("0o", value.digits(8, false)?, 4),
        'x' => ("0x", value.digits(16, false)?, 4),
        'X' => ("0X", value.digits(16, true)?, 4),
        _ => ("", value.digits(10, false)?, 3),
    };
    let number = Number {
        negative: value.negative(),
        prefix: if spec.alternate { prefix } else { "" },
        digits,
        groupable: true,
        rest: String::new(),
    };
    Ok(render_number(number, &spec, group_size))
}

/// `f` layout with `precision` fraction digits of the finite, non-negative
/// `x`: integer digits and the rest (point and fraction).
fn fixed_parts(x: f64, precision: usize, alternate: bool) -> (String, String) {
    // At most 1074 fraction digits of a double are not zero.
    const EXACT: usize = 1100;
    let mut text = format!("{x:.*}", precision.min(EXACT));
    if precision > EXACT {
        text.extend(std::iter::repeat_n('0', precision - EXACT));
    }
    match text.split_once('.') {
        Some((int_part, fraction)) => (int_part.to_string(), format!(".{fraction}")),
        None if alternate => (text, ".".to_string()),
        None => (text, String::new()),
    }
}

/// `g` layout of the finite, non-negative `x` with `precision` significant
/// digits. With `no_type` (a precision but no presentation type) it follows
/// Python's variant: scientific already from exponent `precision - 1` and at
/// least one fraction digit in positional form.
fn general_parts(x: f64, precision: usize, alternate: bool, marker: char, no_type: bool) -> (String, String) {
    let precision = precision.max(1);
    let (digits, exponent) = rounded_digits(x, precision);
    let limit = i64::try_from(precision).unwrap_or(i64::MAX) - i64::from(no_type);
    if exponent < -4 || i64::from(exponent) >= limit {
        let digits = if alternate {
            digits.as_str()
        } else {
            let stripped = strip_zeros(&digits);
            if stripped.is_empty() {
                "0"
            } else {
                stripped
            }
        };
        return scientific_layout(digits, exponent, alternate, marker);
    }
    let (int_part, fraction) = positional(&digits, exponent);
    let fraction = if alternate { fraction.as_str() } else { strip_zeros(&fraction) };
    let rest = if !fraction.is_empty() {
        format!(".{fraction}")
    } else if no_type {
        ".0".to_string()
    } else if alternate {
        ".".to_string()
    } else {
        String::new()
    };
    (int_part, rest)
}

/// Float formatting shared by floats and by ints with a float type.
fn render_float(x: f64, spec: &Spec) -> Result<String, FormatError> {
    if spec.precision.is_some_and(|p| p > i32::MAX as u64) {
        return Err(value_error("precision too big"));
    }
    if spec.precision.is_some_and(|p| p > BUDGET) {
        return Err(budget_error());
    }
    let precision = spec.precision.map(|p| p as usize);
    let kind = spec.kind;
    let upper = matches!(kind, Some('E' | 'F' | 'G'));
    let percent = kind == Some('%');
    // Python scales in float arithmetic before formatting (so it may overflow).
    let x = if percent { x * 100.0 } else { x };
    let mut negative = x.is_sign_negative() && !x.is_nan();
    if !x.is_finite() {
        let word = match (x.is_nan(), upper) {
            (true, false) => "nan",
            (true, true) => "NAN",
            (false, false) => "inf",
            (false, true) => "INF",
        };
        let number = Number {
            negative,
            prefix: "",
            digits: word.to_string(),
            groupable: false,
            rest: if percent { "%".to_string() } else { String::new() },
        };
        return Ok(render_number(number, spec, 3));
    }
    let magnitude = x.abs();
    let alternate = spec.alternate;
    let marker = if upper { 'E' } else { 'e' };
    let (int_part, mut rest) = match kind {
        Some('f' | 'F') => fixed_parts(magnitude, precision.unwrap_or(6), alternate),
        Some('%') => fixed_parts(magnitude, precision.unwrap_or(6), alternate),
        Some('e' | 'E') => {
            let (digits, exponent) = rounded_digits(magnitude, precision.unwrap_or(6) + 1);
            scientific_layout(&digits, exponent, alternate, marker)
        }
        Some(_) => general_parts(magnitude, precision.unwrap_or(6), alternate, marker, false),
        None => match precision {
            Some(p) => general_parts(magnitude, p, alternate, marker, true),
            None => repr_parts(magnitude, alternate),
        },
    };
    if percent {
        rest.push('%');
    }
    if spec.no_neg_zero && negative && int_part.chars().chain(rest.chars()).all(|c| !c.is_ascii_digit() || c == '0') {
        negative = false;
    }
    let number = Number { negative, prefix: "", digits: int_part, groupable: true, rest };
    Ok(render_number(number, spec, 3))
}

/// `format(float, spec)` for a non-empty spec.
fn format_float(x: f64, spec: &str) -> Result<String, FormatError> {
    let spec = parse_spec(spec, "float", None, true)?;
    match spec.kind {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => render_float(x, &spec),
        Some(code) => Err(unknown_code(code, "float")),
    }
}

/// format(arg, spec), Python 3.11 semantics: the full mini-language
/// `[[fill]align][sign][z][#][0][width][grouping][.precision][type]` for
/// int, float, bool and str, `str()` for an empty spec, and CPython's
/// exceptions (type and exact message) for invalid specs.
pub(crate) fn format_value(arg: FormatArg<'_>, spec: &str) -> Result<String, FormatError> {
    match arg {
        FormatArg::Int(value) if spec.is_empty() => Ok(value.to_string()),
        FormatArg::Int(value) => format_int(IntVal::Small(value), spec, "int"),
        FormatArg::BigInt(value) if spec.is_empty() => {
            IntVal::Big(value).digits(10, false).map(
                |d| {
                    if IntVal::Big(value).negative() {
                        format!("-{d}")
                    } else {
                        d
                    }
                },
            )
        }
        FormatArg::BigInt(value) => format_int(IntVal::Big(value), spec, "int"),
        FormatArg::Bool(value) if spec.is_empty() => Ok(if value { "True" } else { "False" }.to_string()),
        FormatArg::Bool(value) => format_int(IntVal::Small(i64::from(value)), spec, "bool"),
        FormatArg::Float(x) if spec.is_empty() => Ok(float_repr(x)),
        FormatArg::Float(x) => format_float(x, spec),
        FormatArg::Str(text) if spec.is_empty() => Ok(text.to_string()),
        FormatArg::Str(text) => format_str(text, spec),
        FormatArg::Other { text, .. } if spec.is_empty() => Ok(text.to_string()),
        FormatArg::Other { type_name, .. } => Err(FormatError {
            kind: FormatErrorKind::TypeError,
            message: format!("unsupported format string passed to {type_name}.__format__"),
        }),
    }
}

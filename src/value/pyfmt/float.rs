//! Float digits: shortest round-tripping and correctly rounded digits, their
//! positional and scientific layouts, and `repr(float)`.

/// Turns Rust's `{:e}` rendering (`"1.2345e-7"`) into its significant digits
/// (`"12345"`) and the decimal exponent of the first digit (`-7`).
fn split_scientific(text: &str) -> (String, i32) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let digits = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// Shortest digits that round-trip to the finite, non-negative `x`, with the
/// decimal exponent of the first digit (`0.001` gives `("1", -3)`).
fn shortest_digits(x: f64) -> (String, i32) {
    let shortest = format!("{x:e}");
    let (digits, exponent) = split_scientific(&shortest);
    // When two candidates of that length round-trip and are equally near
    // (e.g. the exact value ends in ...25), Rust may pick either; Python
    // picks the correctly rounded (ties-to-even) one, so prefer that.
    let nearest = format!("{:.*e}", digits.len().max(1) - 1, x);
    if nearest != shortest && nearest.parse::<f64>() == Ok(x) {
        return split_scientific(&nearest);
    }
    (digits, exponent)
}

/// Exactly `significant` (at least 1) correctly rounded digits of the finite,
/// non-negative `x`, with the decimal exponent of the first digit.
pub(super) fn rounded_digits(x: f64, significant: usize) -> (String, i32) {
    // A double's exact decimal expansion has at most 767 significant
    // digits: past that every digit is a zero (and Rust's formatter takes
    // precisions only up to 65535).
    const EXACT: usize = 800;
    let (mut digits, exponent) = split_scientific(&format!("{:.*e}", significant.clamp(1, EXACT) - 1, x));
    if significant > EXACT {
        digits.extend(std::iter::repeat_n('0', significant - EXACT));
    }
    (digits, exponent)
}

/// Python's exponent suffix: the marker, an explicit sign and at least two
/// digits (`e+16`, `E-07`).
fn exponent_suffix(marker: char, exponent: i32) -> String {
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{marker}{sign}{:02}", exponent.unsigned_abs())
}

/// Places the decimal point into `digits` (first digit has decimal exponent
/// `exponent`), returning the integer part and the fraction digits; zeros are
/// added where the point falls outside the digits.
pub(super) fn positional(digits: &str, exponent: i32) -> (String, String) {
    if exponent < 0 {
        let zeros = "0".repeat(exponent.unsigned_abs() as usize - 1);
        return ("0".to_string(), format!("{zeros}{digits}"));
    }
    let int_len = exponent as usize + 1;
    if int_len >= digits.len() {
        let zeros = "0".repeat(int_len - digits.len());
        (format!("{digits}{zeros}"), String::new())
    } else {
        (digits[..int_len].to_string(), digits[int_len..].to_string())
    }
}

/// Removes trailing `'0'`s from a digit string.
pub(super) fn strip_zeros(digits: &str) -> &str {
    digits.trim_end_matches('0')
}

/// Scientific layout `d[.ddd]e±XX` of `digits`: returns the leading digit and
/// the rest (point, fraction, exponent). `keep_point` forces the point even
/// without fraction digits (the `#` alternate form).
pub(super) fn scientific_layout(digits: &str, exponent: i32, keep_point: bool, marker: char) -> (String, String) {
    let (lead, fraction) = digits.split_at(1.min(digits.len()));
    let mut rest = String::new();
    if !fraction.is_empty() || keep_point {
        rest.push('.');
        rest.push_str(fraction);
    }
    rest.push_str(&exponent_suffix(marker, exponent));
    (lead.to_string(), rest)
}

/// Python's repr layout of a finite, non-negative float, split into the
/// integer digits and the rest: positional with at least one fraction digit
/// when the exponent is in `-4..16`, scientific otherwise. `alternate` keeps
/// the point in scientific form (`format(1e16, '#')` is `'1.e+16'`).
pub(super) fn repr_parts(x: f64, alternate: bool) -> (String, String) {
    let (digits, exponent) = shortest_digits(x);
    if !(-4..16).contains(&exponent) {
        return scientific_layout(&digits, exponent, alternate, 'e');
    }
    let (int_part, fraction) = positional(&digits, exponent);
    let fraction = if fraction.is_empty() { "0".to_string() } else { fraction };
    (int_part, format!(".{fraction}"))
}

/// repr(float) / str(float) in Python 3: shortest round-tripping digits;
/// scientific notation when the decimal exponent is < -4 or >= 16 (`1e+16`,
/// `1e-05`, `1.5e-07`), otherwise positional with at least one digit after
/// the point (`1.0`, `0.30000000000000004`, `123456789012345.6`), `inf`,
/// `-inf`, `nan`, `-0.0`.
pub(crate) fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    let (int_part, rest) = repr_parts(x.abs(), false);
    format!("{sign}{int_part}{rest}")
}

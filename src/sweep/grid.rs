//! The grid of `asim sweep`: each `--var NAME=VALUES` flag parsed into its
//! values, and the grid points, the cartesian product of the flags in the
//! order given (the first flag varies slowest).
//!
//! VALUES is a comma-separated list of items; an item is a Python
//! expression (`4`, `0.25`, `'fast'`, `[1, 2]`: commas inside brackets and
//! quotes do not split), or a range of numbers `A..B` (the integers from A
//! to B, both included) or `A..B:STEP`. A range with a decimal point
//! anywhere (`0.1..0.5:0.1`) is a range of floats, computed in exact
//! decimal arithmetic and written with the most decimals of its bounds
//! and step, so `0.1..0.5:0.1` is `0.1, 0.2, 0.3, 0.4, 0.5` (never
//! `0.30000000000000004`). Items and ranges mix: `1..4,8,16`.

/// The most grid points `asim sweep` runs unless `--max-points` says more.
pub const MAX_POINTS: u64 = 10_000;

/// One `--var` flag: the var's name and its values, each the text of a
/// Python expression, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    /// The var's name.
    pub name: String,
    /// Its values, as Python expression text.
    pub values: Vec<String>,
}

/// What is wrong with a `--var` flag: a message, and for a value that does
/// not parse as Python, where in the flag's text (a byte range) and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridError {
    /// One line saying what is wrong.
    pub message: String,
    /// Where in the flag's text, when one place is to blame.
    pub at: Option<std::ops::Range<usize>>,
    /// What to write instead.
    pub hint: Option<String>,
}

impl GridError {
    fn new(message: impl Into<String>) -> Self {
        GridError { message: message.into(), at: None, hint: None }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Parses one flag's text, `NAME=VALUES`; `max_points` caps a range's
/// length (a bigger one could not run anyway).
pub fn parse_var(flag: &str, max_points: u64) -> Result<Var, GridError> {
    let Some((name, values)) = flag.split_once('=') else {
        return Err(GridError::new(format!("`{flag}` is not NAME=VALUES"))
            .hint("write the var's name, `=`, and its values: `--var workers=1..8` or `--var mode=\"'a','b'\"`"));
    };
    let name = name.trim();
    let ident = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !ident {
        return Err(GridError::new(format!("`{name}` is not a var name"))
            .hint("NAME is a top-level `vars:` entry of the scenario, such as `workers`"));
    }
    let offset = flag.len() - values.len();
    if values.trim().is_empty() {
        return Err(GridError::new(format!("`{name}` has no values"))
            .hint(format!("give a list or a range: `{name}=1,2,4` or `{name}=1..8`")));
    }
    let mut out: Vec<String> = Vec::new();
    for (start, item) in split_items(values) {
        let trimmed = item.trim();
        let at = offset + start + (item.len() - item.trim_start().len());
        if trimmed.is_empty() {
            return Err(GridError {
                at: Some(offset + start..offset + start),
                ..GridError::new("an empty item in the list")
            }
            .hint("separate the values with single commas: `1,2,4`"));
        }
        if is_range(trimmed) {
            let limit = max_points.saturating_sub(out.len() as u64);
            let values = range(trimmed, limit).map_err(|e| GridError { at: Some(at..at + trimmed.len()), ..e })?;
            out.extend(values);
        } else {
            if let Err(d) = crate::check_expression(trimmed) {
                let span = at + d.span.start..at + d.span.end;
                return Err(GridError {
                    message: format!("`{trimmed}` is not a Python expression: {}", d.message),
                    at: Some(span),
                    hint: d.hint,
                });
            }
            out.push(trimmed.to_owned());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for v in &out {
        if !seen.insert(v.as_str()) {
            return Err(GridError::new(format!("`{v}` is listed twice for `{name}`")).hint("give each value once"));
        }
    }
    Ok(Var { name: name.to_owned(), values: out })
}

/// The items of a list, with their byte offsets: split at commas outside
/// brackets and string quotes.
fn split_items(text: &str) -> Vec<(usize, &str)> {
    let mut items = Vec::new();
    let (mut depth, mut quote, mut escaped, mut start) = (0i32, None::<char>, false, 0);
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth <= 0 => {
                    items.push((start, &text[start..i]));
                    start = i + 1;
                }
                _ => {}
            },
        }
    }
    items.push((start, &text[start..]));
    items
}

/// Whether an item is meant as a range (`..` outside a string; no Python
/// expression has it).
fn is_range(item: &str) -> bool {
    item.contains("..") && !item.contains(['\'', '"'])
}

/// A decimal number as written: its digits as an integer, and how many of
/// them are decimals (`-1.25` is (-125, 2)).
#[derive(Debug, Clone, Copy)]
struct Decimal {
    digits: i128,
    scale: u32,
    /// Written with a decimal point.
    point: bool,
}

fn decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || !digits_only(int) || !digits_only(frac) || int.len() + frac.len() > 30 {
        return None;
    }
    let digits: i128 = format!("{int}{frac}").parse().ok()?;
    Some(Decimal { digits: if neg { -digits } else { digits }, scale: frac.len() as u32, point: body.contains('.') })
}

/// `A..B` or `A..B:STEP`, at most `limit` values.
fn range(item: &str, limit: u64) -> Result<Vec<String>, GridError> {
    let bad = || {
        GridError::new(format!("`{item}` is not a range"))
            .hint("a range is A..B or A..B:STEP of plain numbers: `1..8`, `2..16:2`, `0.1..0.5:0.1`, `8..1:-1`")
    };
    let (bounds, step) = match item.split_once(':') {
        Some((b, s)) => (b, Some(s)),
        None => (item, None),
    };
    let (a, b) = bounds.split_once("..").ok_or_else(bad)?;
    let (a, b) = (decimal(a).ok_or_else(bad)?, decimal(b).ok_or_else(bad)?);
    let step = match step {
        Some(s) => decimal(s).ok_or_else(bad)?,
        None => Decimal { digits: 1, scale: 0, point: false },
    };
    let scale = a.scale.max(b.scale).max(step.scale);
    let float = a.point || b.point || step.point;
    let up = |d: Decimal| d.digits * 10i128.pow(scale - d.scale);
    let (lo, hi, by) = (up(a), up(b), up(step));
    if by == 0 {
        return Err(GridError::new(format!("`{item}` has a step of 0")).hint("give a step that moves from A toward B"));
    }
    if (hi - lo) != 0 && (hi - lo).signum() != by.signum() {
        let hint = if by > 0 {
            format!(
                "to count down, give a negative step: `{}..{}:-{}`",
                item_bound(bounds, 0),
                item_bound(bounds, 1),
                step_text(item)
            )
        } else {
            "to count up, give a positive step".to_owned()
        };
        return Err(GridError::new(format!("`{item}` is empty: its step goes away from its end")).hint(hint));
    }
    let count = (hi - lo) / by + 1;
    if count as u128 > u128::from(limit) {
        return Err(GridError::new(format!("`{item}` has {count} values, more than the grid's limit of {limit}"))
            .hint("use a bigger step, or raise the limit with --max-points"));
    }
    Ok((0..count).map(|i| text(lo + i * by, scale, float)).collect())
}

fn item_bound(bounds: &str, i: usize) -> &str {
    bounds.split("..").nth(i).unwrap_or_default().trim()
}

/// The step of a range as written, without a sign (`1` when none is).
fn step_text(item: &str) -> String {
    item.split_once(':').map_or("1".to_owned(), |(_, s)| s.trim().trim_start_matches('+').to_owned())
}

/// `digits` with `scale` decimals, as a Python int or float literal: a
/// float keeps at least one decimal and no trailing zeros beyond it.
fn text(digits: i128, scale: u32, float: bool) -> String {
    let neg = digits < 0;
    let abs = digits.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{abs:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    let mut frac = frac.trim_end_matches('0').to_owned();
    if float && frac.is_empty() {
        frac.push('0');
    }
    let sign = if neg && (int != "0" || !frac.trim_matches('0').is_empty()) { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// The number of grid points, or an error when it is over `max_points`.
pub fn size(vars: &[Var], max_points: u64) -> Result<u64, GridError> {
    let mut n: u64 = 1;
    for v in vars {
        n = n.saturating_mul(v.values.len() as u64);
    }
    if n > max_points {
        let sizes: Vec<String> = vars.iter().map(|v| v.values.len().to_string()).collect();
        return Err(GridError::new(format!(
            "the grid has {n} points ({}), more than the limit of {max_points}",
            sizes.join(" × ")
        ))
        .hint("sweep fewer values, or raise the limit with --max-points"));
    }
    Ok(n)
}

/// The grid point `i` (in grid order: the first var varies slowest): the
/// index of each var's value.
pub fn point(vars: &[Var], mut i: usize) -> Vec<usize> {
    let mut out = vec![0; vars.len()];
    for (k, v) in vars.iter().enumerate().rev() {
        let n = v.values.len().max(1);
        out[k] = i % n;
        i /= n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(flag: &str) -> Vec<String> {
        parse_var(flag, MAX_POINTS).unwrap().values
    }

    fn error(flag: &str) -> String {
        parse_var(flag, MAX_POINTS).unwrap_err().message
    }

    #[test]
    fn lists_split_at_top_level_commas() {
        assert_eq!(values("n=1,2,4,8"), ["1", "2", "4", "8"]);
        assert_eq!(values("mode='a','b,c'"), ["'a'", "'b,c'"]);
        assert_eq!(values("xs=[1, 2], (3, 4), {'k': 5}"), ["[1, 2]", "(3, 4)", "{'k': 5}"]);
        assert_eq!(values("d= 0.1 , 0.25"), ["0.1", "0.25"]);
        assert_eq!(values("s='it\\'s', \"x\""), ["'it\\'s'", "\"x\""]);
    }

    #[test]
    fn integer_ranges_include_both_ends() {
        assert_eq!(values("n=1..4"), ["1", "2", "3", "4"]);
        assert_eq!(values("n=1..16:5"), ["1", "6", "11", "16"]);
        assert_eq!(values("n=1..16:3"), ["1", "4", "7", "10", "13", "16"]);
        assert_eq!(values("n=1..8:3"), ["1", "4", "7"]);
        assert_eq!(values("n=8..1:-3"), ["8", "5", "2"]);
        assert_eq!(values("n=-2..2:2"), ["-2", "0", "2"]);
        assert_eq!(values("n=3..3"), ["3"]);
        assert_eq!(values("n=1..3,8,16"), ["1", "2", "3", "8", "16"]);
    }

    #[test]
    fn float_ranges_are_exact_decimals() {
        assert_eq!(values("d=0.1..0.5:0.1"), ["0.1", "0.2", "0.3", "0.4", "0.5"]);
        assert_eq!(values("d=1..2:0.25"), ["1.0", "1.25", "1.5", "1.75", "2.0"]);
        assert_eq!(values("d=0.5..-0.5:-0.5"), ["0.5", "0.0", "-0.5"]);
        assert_eq!(values("d=0.0..0.3:0.15"), ["0.0", "0.15", "0.3"]);
    }

    #[test]
    fn bad_flags_say_why() {
        assert_eq!(error("workers"), "`workers` is not NAME=VALUES");
        assert_eq!(error("2x=1"), "`2x` is not a var name");
        assert_eq!(error("n="), "`n` has no values");
        assert_eq!(error("n=1,,2"), "an empty item in the list");
        assert_eq!(error("n=1..8:0"), "`1..8:0` has a step of 0");
        assert_eq!(error("n=8..1"), "`8..1` is empty: its step goes away from its end");
        assert_eq!(error("n=1..8:-1"), "`1..8:-1` is empty: its step goes away from its end");
        assert_eq!(error("n=1..x"), "`1..x` is not a range");
        assert_eq!(error("n=1,2,1"), "`1` is listed twice for `n`");
        assert!(error("n=1..100000").contains("100000 values, more than the grid's limit of 10000"));
        let e = parse_var("n=1, f(", MAX_POINTS).unwrap_err();
        assert!(e.message.starts_with("`f(` is not a Python expression"), "{}", e.message);
        assert_eq!(e.at.map(|r| r.start), Some(5 + 1));
        assert_eq!(
            parse_var("n=8..1", MAX_POINTS).unwrap_err().hint.unwrap(),
            "to count down, give a negative step: `8..1:-1`"
        );
    }

    #[test]
    fn the_grid_is_the_product_in_flag_order() {
        let a = Var { name: "a".into(), values: vec!["1".into(), "2".into()] };
        let b = Var { name: "b".into(), values: vec!["x".into(), "y".into(), "z".into()] };
        let vars = [a, b];
        assert_eq!(size(&vars, MAX_POINTS), Ok(6));
        let points: Vec<Vec<usize>> = (0..6).map(|i| point(&vars, i)).collect();
        assert_eq!(points, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
        assert!(size(&vars, 5).unwrap_err().message.contains("6 points (2 × 3), more than the limit of 5"));
    }
}

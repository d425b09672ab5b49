//! A spread on a `sleep` or `block` duration: how much `asim explore` may
//! vary it (`sleep: 1.0 ± 20%`, `sleep: delay +- 50ms`,
//! `sleep: uniform(0.5, 1.5)`). A plain run uses the nominal duration.

use super::parse::parse_duration;
use crate::value::pyfmt::float_repr;

/// How far a varied duration may move from its nominal value, both ways.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// `± 20%`: a fraction of the nominal duration (0.2).
    Relative(f64),
    /// `± 0.3` or `± 300ms`: seconds.
    Absolute(f64),
}

impl Spread {
    /// The interval a duration of nominal `d` seconds may take, at `scale`
    /// (0: the nominal value only, 1: the whole spread); never below 0.
    pub fn range(self, d: f64, scale: f64) -> (f64, f64) {
        let half = match self {
            Spread::Relative(p) => d.abs() * p,
            Spread::Absolute(s) => s,
        } * scale;
        ((d - half).max(0.0), (d + half).max(0.0))
    }

    /// Parses a spread as written after `±` (`20%`, `0.3`, `300ms`), for
    /// the command line too (`asim explore --jitter 10%`).
    pub fn parse(text: &str) -> Result<Spread, String> {
        let t = text.trim();
        if let Some(p) = t.strip_suffix('%') {
            return match p.trim().replace('_', "").parse::<f64>() {
                Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Ok(Spread::Relative(v / 100.0)),
                Ok(_) => Err(format!("a relative spread is between 0% and 100%, found `{t}`")),
                Err(_) => Err(format!("`{t}` is not a percentage")),
            };
        }
        match seconds(t) {
            Some(v) if v.is_finite() && v >= 0.0 => Ok(Spread::Absolute(v)),
            Some(_) => Err(format!("a spread is a non-negative number of seconds, found `{t}`")),
            None => Err(format!("`{t}` is not a spread: write a percentage (`20%`) or seconds (`0.3`, `300ms`)")),
        }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spread::Relative(p) => {
                let pct = float_repr(p * 100.0);
                write!(f, "{}%", pct.strip_suffix(".0").unwrap_or(&pct))
            }
            Spread::Absolute(s) => f.write_str(&float_repr(*s)),
        }
    }
}

/// A number of seconds written as a number or with a unit (`0.3`, `300ms`).
fn seconds(t: &str) -> Option<f64> {
    match parse_duration(t) {
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => None,
        None => t.replace('_', "").parse::<f64>().ok(),
    }
}

/// What a duration's text says about its spread.
#[derive(Debug, PartialEq)]
pub(crate) enum Split {
    /// `BASE ± SPREAD`: the base's length in bytes, the spread, and where
    /// the spread's text starts.
    Around(usize, Result<Spread, String>, usize),
    /// `uniform(A, B)`: its nominal value (the middle) and spread, or why
    /// its bounds are wrong.
    Uniform(Result<(f64, Spread), String>),
}

/// Finds a spread in a duration's text, if it has one.
pub(crate) fn split(text: &str) -> Option<Split> {
    let t = text.trim_end();
    if let Some(args) = t.strip_prefix("uniform(").and_then(|r| r.strip_suffix(')')) {
        let Some((a, b)) = args.split_once(',') else {
            return Some(Split::Uniform(Err("`uniform` takes two bounds: `uniform(0.5, 1.5)`".into())));
        };
        let (Some(lo), Some(hi)) = (seconds(a.trim()), seconds(b.trim())) else {
            return Some(Split::Uniform(Err(
                "the bounds of `uniform` are numbers of seconds (`0.5`, `500ms`), not expressions".into(),
            )));
        };
        if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi) {
            return Some(Split::Uniform(Err(format!("`uniform({}, {})` needs 0 <= low <= high", a.trim(), b.trim()))));
        }
        return Some(Split::Uniform(Ok((lo + (hi - lo) / 2.0, Spread::Absolute((hi - lo) / 2.0)))));
    }
    // ASCII `+-` only between spaces: `x+-1` is Python's `x + (-1)`.
    let (at, len) = t.find('±').map(|i| (i, '±'.len_utf8())).or_else(|| t.find(" +- ").map(|i| (i + 1, 2)))?;
    let rest = &t[at + len..];
    let lead = rest.len() - rest.trim_start().len();
    Some(Split::Around(t[..at].trim_end().len(), Spread::parse(rest), at + len + lead))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_are_read_as_written() {
        assert_eq!(split("1.0 ± 20%"), Some(Split::Around(3, Ok(Spread::Relative(0.2)), 7)));
        assert_eq!(split("delay +- 50ms"), Some(Split::Around(5, Ok(Spread::Absolute(0.05)), 9)));
        assert_eq!(split("x±0.5"), Some(Split::Around(1, Ok(Spread::Absolute(0.5)), 3)));
        assert_eq!(split("uniform(0.5, 1.5)"), Some(Split::Uniform(Ok((1.0, Spread::Absolute(0.5))))));
        assert!(matches!(split("uniform(2, 1)"), Some(Split::Uniform(Err(_)))));
        assert!(matches!(split("uniform(a, b)"), Some(Split::Uniform(Err(_)))));
        assert!(matches!(split("1 ± lots"), Some(Split::Around(1, Err(_), 5))));
        assert!(matches!(split("1 ± 150%"), Some(Split::Around(1, Err(_), 5))));
        assert_eq!(split("delay * 2"), None);
        assert_eq!(split("a - -1"), None);
        assert_eq!(split("a+-1"), None);
    }

    #[test]
    fn ranges_stay_at_or_above_zero() {
        assert_eq!(Spread::Relative(0.2).range(1.0, 1.0), (0.8, 1.2));
        assert_eq!(Spread::Relative(0.2).range(1.0, 0.0), (1.0, 1.0));
        assert_eq!(Spread::Absolute(0.5).range(0.2, 1.0), (0.0, 0.7));
        assert_eq!(Spread::parse("10%").unwrap().to_string(), "10%");
        assert_eq!(Spread::parse("250ms").unwrap(), Spread::Absolute(0.25));
    }
}

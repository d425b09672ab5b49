//! CPython's `random` module, bit for bit: the Mersenne Twister MT19937
//! that `_random.Random` is, seeded as CPython seeds it from an int, and the
//! pure-Python algorithms of `random.py` on top of it, with their
//! argument checks and messages. The same seed gives the same numbers as
//! `random.seed(n)` in CPython, so a scenario's jitter and
//! `asim export python` agree. The numbers drawn are the same in 3.11 to
//! 3.14; what changed between releases (argument checks, messages, new
//! functions) asks its [`Change`] here, only on the paths it alters
//! (docs/fidelity.md, "Python versions: the random module").
//!
//! The floating-point functions (`log`, `cos`, `sin`, `sqrt`, `exp`) are the
//! platform's C library ones, as CPython's `math` module uses.

use super::ops::{self, type_error, value_error, Bin};
use super::{store, Exc, ExcClass, ExcObj, Value};
use crate::version::{asked, Change};
use std::cmp::Ordering;

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER: u32 = 0x8000_0000;
const LOWER: u32 = 0x7fff_ffff;

/// The generator's state: MT19937's words and `Random.gauss`'s spare value.
pub(crate) struct Rng {
    mt: [u32; N],
    index: usize,
    gauss_next: Option<f64>,
}

impl Rng {
    /// Seeded from the 32-bit words of a non-negative int, least
    /// significant first (CPython's `random_seed` for an int argument: the
    /// absolute value's words, `[0]` for zero).
    pub(crate) fn from_key(key: &[u32]) -> Box<Rng> {
        let mut r = Box::new(Rng { mt: [0; N], index: N, gauss_next: None });
        r.seed_key(key);
        r
    }

    fn seed_key(&mut self, key: &[u32]) {
        let key: &[u32] = if key.is_empty() { &[0] } else { key };
        let mt = &mut self.mt;
        mt[0] = 19_650_218;
        for i in 1..N {
            mt[i] = 1_812_433_253u32.wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_add(i as u32);
        }
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_664_525)).wrapping_add(key[j]).wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        self.index = N;
        self.gauss_next = None;
    }

    /// `random.seed(n)` for an int `n`.
    pub(crate) fn seed_int(&mut self, n: i64) {
        let a = n.unsigned_abs();
        let key: &[u32] = &[a as u32, (a >> 32) as u32];
        self.seed_key(if a >> 32 == 0 { &key[..1] } else { key });
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            let mag = |y: u32| if y & 1 == 1 { MATRIX_A } else { 0 };
            let mt = &mut self.mt;
            for k in 0..N {
                let y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
                mt[k] = mt[(k + M) % N] ^ (y >> 1) ^ mag(y);
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random.random()`: 53 random bits as a float in [0, 1).
    pub(crate) fn random(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for `k <= 64`: words least significant first, the
    /// last one's low bits dropped.
    fn bits(&mut self, k: u32) -> u64 {
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return u64::from(self.next_u32() >> (32 - k));
        }
        let lo = u64::from(self.next_u32());
        let hi = u64::from(self.next_u32() >> (64 - k));
        lo | hi << 32
    }

    /// `_randbelow_with_getrandbits(n)`, for `n > 0`.
    fn below(&mut self, n: u64) -> u64 {
        let k = 64 - n.leading_zeros();
        loop {
            let r = self.bits(k);
            if r < n {
                return r;
            }
        }
    }
}

/// The functions of the `random` module asim runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RandFn {
    Seed,
    Random,
    Uniform,
    Randint,
    Randrange,
    Getrandbits,
    Choice,
    Choices,
    Shuffle,
    Sample,
    Gauss,
    Normalvariate,
    Lognormvariate,
    Expovariate,
    Triangular,
    Binomialvariate,
}

/// A parameter: its name, and whether it has a default (`None` stands for
/// every default but `mu`/`sigma`/`low`/`high`'s, filled in by the caller).
struct Param {
    name: &'static str,
    default: Option<Value>,
    kw_only: bool,
}

const fn req(name: &'static str) -> Param {
    Param { name, default: None, kw_only: false }
}

impl RandFn {
    /// Every function with its Python name.
    pub(crate) const ALL: &'static [(&'static str, RandFn)] = &[
        ("seed", RandFn::Seed),
        ("random", RandFn::Random),
        ("uniform", RandFn::Uniform),
        ("randint", RandFn::Randint),
        ("randrange", RandFn::Randrange),
        ("getrandbits", RandFn::Getrandbits),
        ("choice", RandFn::Choice),
        ("choices", RandFn::Choices),
        ("shuffle", RandFn::Shuffle),
        ("sample", RandFn::Sample),
        ("gauss", RandFn::Gauss),
        ("normalvariate", RandFn::Normalvariate),
        ("lognormvariate", RandFn::Lognormvariate),
        ("expovariate", RandFn::Expovariate),
        ("triangular", RandFn::Triangular),
        ("binomialvariate", RandFn::Binomialvariate),
    ];

    pub(crate) fn by_name(name: &str) -> Option<RandFn> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    pub(crate) fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, f)| *f == self).map_or("?", |(n, _)| n)
    }

    /// The Python signature (after `self`).
    fn params(self) -> Vec<Param> {
        let opt = |name, v: Value| Param { name, default: Some(v), kw_only: false };
        let kw = |name, v: Value| Param { name, default: Some(v), kw_only: true };
        match self {
            RandFn::Seed => vec![opt("a", Value::None), opt("version", Value::Int(2))],
            RandFn::Random | RandFn::Getrandbits => vec![],
            RandFn::Uniform | RandFn::Randint => vec![req("a"), req("b")],
            RandFn::Randrange => vec![req("start"), opt("stop", Value::None), opt("step", Value::Int(1))],
            RandFn::Choice => vec![req("seq")],
            RandFn::Choices => vec![
                req("population"),
                opt("weights", Value::None),
                kw("cum_weights", Value::None),
                kw("k", Value::Int(1)),
            ],
            RandFn::Shuffle => vec![req("x")],
            RandFn::Sample => vec![req("population"), req("k"), kw("counts", Value::None)],
            RandFn::Gauss | RandFn::Normalvariate => {
                vec![opt("mu", Value::Float(0.0)), opt("sigma", Value::Float(1.0))]
            }
            RandFn::Lognormvariate => vec![req("mu"), req("sigma")],
            RandFn::Expovariate => vec![opt("lambd", Value::Float(1.0))],
            RandFn::Binomialvariate => vec![opt("n", Value::Int(1)), opt("p", Value::Float(0.5))],
            RandFn::Triangular => {
                vec![opt("low", Value::Float(0.0)), opt("high", Value::Float(1.0)), opt("mode", Value::None)]
            }
        }
    }
}

/// Binds arguments to a Python signature, with CPython's messages for a
/// method of `Random` (which count `self` among the positional arguments).
fn bind(f: RandFn, args: Vec<Value>, kw: &[(&str, Value)]) -> Result<Vec<Value>, Exc> {
    let qual = format!("Random.{}()", f.name());
    if matches!(f, RandFn::Random | RandFn::Getrandbits) {
        // Methods written in C.
        if !kw.is_empty() {
            return Err(type_error(format!("{qual} takes no keyword arguments")));
        }
        let want = usize::from(f == RandFn::Getrandbits);
        if args.len() != want {
            return Err(type_error(if want == 0 {
                format!("{qual} takes no arguments ({} given)", args.len())
            } else {
                format!("{qual} takes exactly one argument ({} given)", args.len())
            }));
        }
        return Ok(args);
    }
    let mut params = f.params();
    // `lambd` has had its default since 3.12: it matters only when the
    // call does not pass exactly the rate.
    if f == RandFn::Expovariate && !(args.len() == 1 && kw.is_empty()) && !asked(Change::ExpovariateDefaultRate) {
        params[0].default = None;
    }
    let positional = params.iter().filter(|p| !p.kw_only).count();
    if args.len() > positional {
        let min = params.iter().filter(|p| !p.kw_only && p.default.is_none()).count();
        let takes = if min == positional {
            format!("{}", positional + 1)
        } else {
            format!("from {} to {}", min + 1, positional + 1)
        };
        let s = if positional == 0 { "" } else { "s" };
        return Err(type_error(format!(
            "{qual} takes {takes} positional argument{s} but {} were given",
            args.len() + 1
        )));
    }
    let mut out: Vec<Option<Value>> = args.into_iter().map(Some).collect();
    out.resize(params.len(), None);
    for (name, v) in kw {
        match params.iter().position(|p| p.name == *name) {
            None => return Err(type_error(format!("{qual} got an unexpected keyword argument '{name}'"))),
            Some(i) if out[i].is_some() => {
                return Err(type_error(format!("{qual} got multiple values for argument '{name}'")));
            }
            Some(i) => out[i] = Some(v.clone()),
        }
    }
    let missing: Vec<&str> =
        params.iter().zip(&out).filter(|(p, v)| v.is_none() && p.default.is_none()).map(|(p, _)| p.name).collect();
    if !missing.is_empty() {
        let quoted: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
        let list = match quoted.len() {
            1 => quoted[0].clone(),
            n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
        };
        let kind =
            if params.iter().any(|p| missing.contains(&p.name) && p.kw_only) { "keyword-only" } else { "positional" };
        let s = if missing.len() == 1 { "" } else { "s" };
        return Err(type_error(format!("{qual} missing {} required {kind} argument{s}: {list}", missing.len())));
    }
    Ok(out.into_iter().zip(params).map(|(v, p)| v.or(p.default).expect("bound")).collect())
}

fn bin(op: Bin, a: &Value, b: &Value) -> Result<Value, Exc> {
    ops::binary(op, a, b)
}

fn float(f: f64) -> Value {
    Value::Float(f)
}

/// `math.f(x)` for the one-argument functions `random.py` uses.
fn math(x: &Value, f: fn(f64) -> f64, domain: fn(f64) -> bool) -> Result<f64, Exc> {
    let x = match x {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::BigInt(b) => super::bigint::to_f64(b)?,
        Value::Bool(b) => f64::from(u8::from(*b)),
        other => return Err(type_error(format!("must be real number, not {}", other.type_name()))),
    };
    if x.is_finite() && !domain(x) {
        return Err(value_error("math domain error"));
    }
    let r = f(x);
    if x.is_finite() && r.is_infinite() {
        return Err(ExcObj::msg(ExcClass::OverflowError, "math range error"));
    }
    Ok(r)
}

fn index_int(v: &Value) -> Result<i64, Exc> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::BigInt(_) => Err(ops::int_overflow()),
        other => Err(type_error(format!("'{}' object cannot be interpreted as an integer", other.type_name()))),
    }
}

/// `randrange`'s `_index(x)`, falling back to `int(x)` for the integral
/// floats that 3.11 still takes, with its DeprecationWarnings (shown only
/// when the program calls `randrange` itself: from `randint` the warning
/// comes from the random module, which the default filters ignore).
fn range_arg(v: &Value, which: &str, warn: bool) -> Result<i64, Exc> {
    if matches!(v, Value::Int(_) | Value::Bool(_)) || asked(Change::RandrangeIntegersOnly) {
        // 3.12: `_index(x)` and nothing else.
        return index_int(v);
    }
    let deprecated = |text: &'static str| {
        if warn {
            crate::value::warn(text);
        }
    };
    const WILL_RAISE: &str = "DeprecationWarning: randrange() will raise TypeError in the future";
    match v {
        Value::Int(_) | Value::Bool(_) => index_int(v),
        Value::Float(f) if f.is_nan() => Err(value_error("cannot convert float NaN to integer")),
        Value::Float(f) if f.is_infinite() => {
            Err(ExcObj::msg(ExcClass::OverflowError, "cannot convert float infinity to integer"))
        }
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => {
            deprecated(
                "DeprecationWarning: non-integer arguments to randrange() have been deprecated since Python 3.10 \
                 and will be removed in a subsequent version",
            );
            Ok(*f as i64)
        }
        Value::Float(_) => {
            deprecated(WILL_RAISE);
            Err(value_error(format!("non-integer {which} for randrange()")))
        }
        Value::Str(s) => match s.trim().parse::<i64>() {
            Ok(_) => {
                deprecated(WILL_RAISE);
                Err(value_error(format!("non-integer {which} for randrange()")))
            }
            Err(_) => {
                Err(value_error(format!("invalid literal for int() with base 10: {}", super::pyfmt::str_repr(s))))
            }
        },
        other => Err(type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

/// The ValueError of `randrange(start, stop[, step])` over an empty
/// range: `step` is `None` for the two-argument fast path (step 1).
fn empty_randrange(start: &Value, stop: &Value, step: Option<&Value>, istart: i64, istop: i64, width: i128) -> Exc {
    if asked(Change::RandrangeIntegersOnly) {
        return value_error(match step {
            None => format!("empty range in randrange({}, {})", start.to_str(), stop.to_str()),
            Some(step) => format!("empty range in randrange({}, {}, {})", start.to_str(), stop.to_str(), step.to_str()),
        });
    }
    match step {
        None => value_error(format!("empty range for randrange() ({istart}, {istop}, {width})")),
        Some(_) => value_error("empty range for randrange()"),
    }
}

/// `randint(a, b)`: `randrange(a, b+1)` until 3.13; from 3.14 its own
/// `_index()` of both and its own check.
fn randint(rng: &mut Rng, a: &Value, b: &Value) -> Result<Value, Exc> {
    let ints = match (a, b) {
        (Value::Int(_) | Value::Bool(_), Value::Int(_) | Value::Bool(_)) => Some((index_int(a)?, index_int(b)?)),
        _ => None,
    };
    // Both releases draw the same number from ints that make a range.
    let ranged = ints.filter(|(a, b)| b >= a && i128::from(*b) - i128::from(*a) < i128::from(i64::MAX));
    if ranged.is_none() && asked(Change::RandintChecksItself) {
        let (ia, ib) = (index_int(a)?, index_int(b)?);
        if ib < ia {
            return Err(value_error(format!("empty range in randint({ia}, {ib})")));
        }
    }
    let stop = bin(Bin::Add, b, &Value::Int(1))?;
    randrange(rng, a, &stop, &Value::Int(1), false)
}

/// `warn`: called by the program itself (not through `randint`).
fn randrange(rng: &mut Rng, start: &Value, stop: &Value, step: &Value, warn: bool) -> Result<Value, Exc> {
    let step_value = step;
    let istart = range_arg(start, "arg 1", warn)?;
    if matches!(stop, Value::None) {
        if !matches!(step, Value::Int(1)) {
            return Err(type_error("Missing a non-None stop argument"));
        }
        if istart > 0 {
            return Ok(Value::Int(rng.below(istart as u64) as i64));
        }
        return Err(value_error("empty range for randrange()"));
    }
    let istop = range_arg(stop, "stop", warn)?;
    let width = i128::from(istop) - i128::from(istart);
    let istep = range_arg(step, "step", warn)?;
    let too_big =
        || ExcObj::msg(ExcClass::OverflowError, "randrange() over more than 2**63 values (asim's ints are 64-bit)");
    if istep == 1 {
        if width > 0 {
            let w = u64::try_from(width).ok().filter(|w| *w <= i64::MAX as u64).ok_or_else(too_big)?;
            return Ok(Value::Int((i128::from(istart) + i128::from(rng.below(w))) as i64));
        }
        return Err(empty_randrange(start, stop, None, istart, istop, width));
    }
    let step = i128::from(istep);
    // Python's `//` rounds toward minus infinity.
    let floor_div = |a: i128, b: i128| if (a % b != 0) && ((a < 0) != (b < 0)) { a / b - 1 } else { a / b };
    let n = match istep.cmp(&0) {
        Ordering::Greater => floor_div(width + step - 1, step),
        Ordering::Less => floor_div(width + step + 1, step),
        Ordering::Equal => return Err(value_error("zero step for randrange()")),
    };
    if n <= 0 {
        return Err(empty_randrange(start, stop, Some(step_value), istart, istop, width));
    }
    let n = u64::try_from(n).ok().filter(|n| *n <= i64::MAX as u64).ok_or_else(too_big)?;
    Ok(Value::Int((i128::from(istart) + step * i128::from(rng.below(n))) as i64))
}

/// `bisect.bisect_right(a, x, lo, hi)`.
fn bisect_right(a: &Value, x: &Value, mut lo: i64, mut hi: i64) -> Result<i64, Exc> {
    while lo < hi {
        let mid = (lo + hi) / 2;
        let item = ops::index(a, &Value::Int(mid))?;
        if ops::compare(x, &item, "<")? == Some(Ordering::Less) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(lo)
}

/// `list(itertools.accumulate(xs))`.
fn accumulate(xs: &Value) -> Result<Vec<Value>, Exc> {
    let mut out: Vec<Value> = Vec::new();
    for x in ops::iter_items(xs)? {
        let next = match out.last() {
            Some(total) => bin(Bin::Add, total, &x)?,
            None => x,
        };
        out.push(next);
    }
    Ok(out)
}

fn choices(rng: &mut Rng, population: &Value, weights: &Value, cum: &Value, k: &Value) -> Result<Value, Exc> {
    let n = ops::len_of(population)?;
    let count = |k: &Value| -> Result<i64, Exc> { Ok(index_int(k)?.max(0)) };
    let cum_weights = match (weights, cum) {
        (Value::None, Value::None) => {
            let k = count(k)?;
            ops::within_budget(k as usize, 1)?;
            let mut out = Vec::with_capacity(k as usize);
            for _ in 0..k {
                let i = (rng.random() * n as f64).floor() as i64;
                out.push(ops::index(population, &Value::Int(i))?);
            }
            return Ok(Value::list(out));
        }
        (w, Value::None) => match w {
            Value::Int(k) if ops::iter_items(w).is_err() => {
                return Err(type_error(format!("The number of choices must be a keyword argument: k={k}")));
            }
            w => Value::list(accumulate(w)?),
        },
        (Value::None, c) => c.clone(),
        _ => return Err(type_error("Cannot specify both weights and cumulative weights")),
    };
    if ops::len_of(&cum_weights)? != n {
        return Err(value_error("The number of weights does not match the population"));
    }
    let total = bin(Bin::Add, &ops::index(&cum_weights, &Value::Int(-1))?, &float(0.0))?;
    if ops::compare(&total, &float(0.0), "<=")? != Some(Ordering::Greater) {
        return Err(value_error("Total of weights must be greater than zero"));
    }
    if matches!(total, Value::Float(t) if !t.is_finite()) {
        return Err(value_error("Total of weights must be finite"));
    }
    let k = count(k)?;
    ops::within_budget(k as usize, 1)?;
    let mut out = Vec::with_capacity(k as usize);
    for _ in 0..k {
        let x = bin(Bin::Mul, &float(rng.random()), &total)?;
        let i = bisect_right(&cum_weights, &x, 0, n - 1)?;
        out.push(ops::index(population, &Value::Int(i))?);
    }
    Ok(Value::list(out))
}

fn sample(rng: &mut Rng, population: &Value, k: &Value, counts: &Value) -> Result<Value, Exc> {
    if !matches!(population, Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Range(_)) {
        return Err(type_error("Population must be a sequence.  For dicts or sets, use sorted(d)."));
    }
    let n = ops::len_of(population)?;
    if !matches!(counts, Value::None) {
        let cum = accumulate(counts)?;
        if cum.len() as i64 != n {
            return Err(value_error("The number of counts does not match the population"));
        }
        let zero_allowed = || asked(Change::SampleZeroCounts);
        let total = match cum.last() {
            Some(total) => total.clone(),
            None if zero_allowed() => Value::Int(0),
            None => return Err(ExcObj::msg(ExcClass::IndexError, "pop from empty list")),
        };
        let total = match total {
            Value::Int(t) => t,
            Value::Bool(b) => i64::from(b),
            _ => return Err(type_error("Counts must be integers")),
        };
        if total <= 0 {
            if !zero_allowed() {
                return Err(value_error("Total of counts must be greater than zero"));
            }
            if total < 0 {
                return Err(value_error("Counts must be non-negative"));
            }
        }
        let cum = Value::list(cum[..cum.len().saturating_sub(1)].to_vec());
        let selections = sample(rng, &Value::range(0, total, 1), k, &Value::None)?;
        let hi = ops::len_of(&cum)?;
        let mut out = Vec::new();
        for s in ops::iter_items(&selections)? {
            out.push(ops::index(population, &Value::Int(bisect_right(&cum, &s, 0, hi)?))?);
        }
        return Ok(Value::list(out));
    }
    let kv = match k {
        Value::Int(_) | Value::Bool(_) => index_int(k)?,
        other => {
            let in_range = ops::compare(&Value::Int(0), other, "<=")? != Some(Ordering::Greater)
                && ops::compare(other, &Value::Int(n), "<=")? != Some(Ordering::Greater);
            if !in_range {
                return Err(value_error("Sample larger than population or is negative"));
            }
            return Err(type_error(format!("can't multiply sequence by non-int of type '{}'", other.type_name())));
        }
    };
    if !(0..=n).contains(&kv) {
        return Err(value_error("Sample larger than population or is negative"));
    }
    let k = kv as usize;
    let mut setsize = 21.0;
    if k > 5 {
        setsize += 4f64.powf(((k as f64 * 3.0).ln() / 4f64.ln()).ceil());
    }
    let mut result = Vec::with_capacity(k);
    if n as f64 <= setsize {
        let mut pool = ops::iter_items(population)?;
        let n = pool.len();
        for i in 0..k {
            let j = rng.below((n - i) as u64) as usize;
            result.push(pool[j].clone());
            pool[j] = pool[n - i - 1].clone();
        }
    } else {
        let mut selected = std::collections::BTreeSet::new();
        for _ in 0..k {
            let mut j = rng.below(n as u64);
            while selected.contains(&j) {
                j = rng.below(n as u64);
            }
            selected.insert(j);
            result.push(ops::index(population, &Value::Int(j as i64))?);
        }
    }
    Ok(Value::list(result))
}

/// `x[i], x[j] = x[j], x[i]` for each step of `shuffle`.
fn shuffle(rng: &mut Rng, x: &Value) -> Result<Value, Exc> {
    let n = ops::len_of(x)?;
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as i64;
        let (vi, vj) = (Value::Int(i), Value::Int(j));
        let a = ops::index(x, &vj)?;
        let b = ops::index(x, &vi)?;
        store::set_item(x, &vi, a)?;
        store::set_item(x, &vj, b)?;
    }
    Ok(Value::None)
}

fn normal(rng: &mut Rng) -> f64 {
    let magic = 4.0 * (-0.5f64).exp() / 2f64.sqrt();
    loop {
        let u1 = rng.random();
        let u2 = 1.0 - rng.random();
        let z = magic * (u1 - 0.5) / u2;
        if z * z / 4.0 <= -u2.ln() {
            return z;
        }
    }
}

/// `random.<f>(*args, **kw)`.
pub(crate) fn call(rng: &mut Rng, f: RandFn, args: Vec<Value>, kw: &[(&str, Value)]) -> Result<Value, Exc> {
    let a = bind(f, args, kw)?;
    Ok(match f {
        RandFn::Seed => {
            match &a[0] {
                Value::Int(_) | Value::Bool(_) => rng.seed_int(index_int(&a[0])?),
                Value::None | Value::Float(_) | Value::Str(_) => {
                    return Err(ExcObj::msg(
                        ExcClass::NotImplementedError,
                        format!("random.seed({}) is not reproducible in asim: give an int seed", a[0].repr()),
                    ));
                }
                _ => return Err(seed_types()),
            }
            Value::None
        }
        RandFn::Random => float(rng.random()),
        RandFn::Uniform => {
            let r = float(rng.random());
            bin(Bin::Add, &a[0], &bin(Bin::Mul, &bin(Bin::Sub, &a[1], &a[0])?, &r)?)?
        }
        RandFn::Randint => randint(rng, &a[0], &a[1])?,
        RandFn::Randrange => randrange(rng, &a[0], &a[1], &a[2], true)?,
        RandFn::Getrandbits => {
            let k = index_int(&a[0])?;
            if k < 0 {
                return Err(value_error(if asked(Change::GetrandbitsNegativeMessage) {
                    "Cannot convert negative int"
                } else {
                    "number of bits must be non-negative"
                }));
            }
            if k > 64 {
                for _ in 0..(k - 1) / 32 + 1 {
                    rng.next_u32();
                }
                return Err(ops::int_overflow());
            }
            let r = rng.bits(k as u32);
            Value::Int(i64::try_from(r).map_err(|_| ops::int_overflow())?)
        }
        RandFn::Choice => {
            let n = ops::len_of(&a[0])?;
            if n == 0 {
                return Err(ExcObj::msg(ExcClass::IndexError, "Cannot choose from an empty sequence"));
            }
            ops::index(&a[0], &Value::Int(rng.below(n as u64) as i64))?
        }
        RandFn::Choices => choices(rng, &a[0], &a[1], &a[2], &a[3])?,
        RandFn::Shuffle => shuffle(rng, &a[0])?,
        RandFn::Sample => sample(rng, &a[0], &a[1], &a[2])?,
        RandFn::Gauss => {
            let z = match rng.gauss_next.take() {
                Some(z) => z,
                None => {
                    let x2pi = rng.random() * std::f64::consts::TAU;
                    let g2rad = (-2.0 * (1.0 - rng.random()).ln()).sqrt();
                    rng.gauss_next = Some(x2pi.sin() * g2rad);
                    x2pi.cos() * g2rad
                }
            };
            bin(Bin::Add, &a[0], &bin(Bin::Mul, &float(z), &a[1])?)?
        }
        RandFn::Normalvariate => {
            let z = normal(rng);
            bin(Bin::Add, &a[0], &bin(Bin::Mul, &float(z), &a[1])?)?
        }
        RandFn::Lognormvariate => {
            let z = normal(rng);
            let v = bin(Bin::Add, &a[0], &bin(Bin::Mul, &float(z), &a[1])?)?;
            float(math(&v, f64::exp, |_| true)?)
        }
        RandFn::Expovariate => {
            let r = rng.random();
            bin(Bin::Div, &float(-(1.0 - r).ln()), &a[0])?
        }
        RandFn::Triangular => {
            let (mut low, mut high, mode) = (a[0].clone(), a[1].clone(), &a[2]);
            let mut u = float(rng.random());
            let c = match mode {
                Value::None => Ok(float(0.5)),
                m => bin(Bin::Div, &bin(Bin::Sub, m, &low)?, &bin(Bin::Sub, &high, &low)?),
            };
            let mut c = match c {
                Ok(c) => c,
                Err(e) if e.class == ExcClass::ZeroDivisionError => return Ok(low),
                Err(e) => return Err(e),
            };
            if ops::compare(&u, &c, ">")? == Some(Ordering::Greater) {
                u = bin(Bin::Sub, &float(1.0), &u)?;
                c = bin(Bin::Sub, &float(1.0), &c)?;
                std::mem::swap(&mut low, &mut high);
            }
            let root = float(math(&bin(Bin::Mul, &u, &c)?, f64::sqrt, |x| x >= 0.0)?);
            bin(Bin::Add, &low, &bin(Bin::Mul, &bin(Bin::Sub, &high, &low)?, &root)?)?
        }
        RandFn::Binomialvariate => binomial(rng, &a[0], &a[1])?,
    })
}

/// Looking `random.<f>` up: `binomialvariate` is new in 3.12, so before
/// the lookup raises AttributeError (before the arguments are evaluated).
pub(crate) fn lookup(f: RandFn) -> Result<(), Exc> {
    if f == RandFn::Binomialvariate && !asked(Change::BinomialVariate) {
        return Err(ExcObj::msg(ExcClass::AttributeError, "module 'random' has no attribute 'binomialvariate'"));
    }
    Ok(())
}

/// The TypeError of `seed()` with an argument of a type it does not take.
fn seed_types() -> Exc {
    type_error(if asked(Change::SeedTypesMessage) {
        "The only supported seed types are:\nNone, int, float, str, bytes, and bytearray."
    } else {
        "The only supported seed types are: None,\nint, float, str, bytes, and bytearray."
    })
}

/// A number `random.py` does float arithmetic with (after a comparison
/// has made sure it is one).
fn real(v: &Value) -> Result<f64, Exc> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        Value::BigInt(b) => super::bigint::to_f64(b),
        other => Err(type_error(format!("must be real number, not {}", other.type_name()))),
    }
}

/// `math.lgamma(x)` for the `x >= 1` that `binomialvariate` asks about
/// (all integral when `n` is an int): Stirling's series after moving `x`
/// up to 15 or more. It is within an ulp or two of CPython's (its own
/// Lanczos approximation), which only `binomialvariate`'s acceptance test
/// compares, so a difference decides a draw only in a tie that close.
fn lgamma(x: f64) -> f64 {
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let (mut x, mut shift) = (x, 1.0f64);
    while x < 15.0 {
        shift *= x;
        x += 1.0;
    }
    let z = 1.0 / x;
    let z2 = z * z;
    let series = z * (1.0 / 12.0 - z2 * (1.0 / 360.0 - z2 * (1.0 / 1260.0 - z2 * (1.0 / 1680.0 - z2 / 1188.0))));
    (x - 0.5) * x.ln() - x + 0.5 * std::f64::consts::TAU.ln() + series - shift.ln()
}

/// `binomialvariate(n, p)` (3.12): Devroye's geometric method when
/// `n * p < 10`, else Hörmann's BTRS, as `random.py` writes them.
fn binomial(rng: &mut Rng, n: &Value, p: &Value) -> Result<Value, Exc> {
    if ops::compare(n, &Value::Int(0), "<")? == Some(Ordering::Less) {
        return Err(value_error("n must be non-negative"));
    }
    let le_zero = matches!(ops::compare(p, &float(0.0), "<=")?, Some(Ordering::Less | Ordering::Equal));
    if le_zero || matches!(ops::compare(p, &float(1.0), ">=")?, Some(Ordering::Greater | Ordering::Equal)) {
        if ops::compare(p, &float(0.0), "==")? == Some(Ordering::Equal) {
            return Ok(Value::Int(0));
        }
        if ops::compare(p, &float(1.0), "==")? == Some(Ordering::Equal) {
            return Ok(n.clone());
        }
        return Err(value_error("p must be in the range 0.0 <= p <= 1.0"));
    }
    let (nf, pf) = (real(n)?, real(p)?);
    if nf == 1.0 {
        return Ok(Value::Int(i64::from(rng.random() < pf)));
    }
    if pf > 0.5 {
        let other = binomial(rng, n, &float(1.0 - pf))?;
        return bin(Bin::Sub, n, &other);
    }
    if nf * pf < 10.0 {
        let (mut x, mut y) = (0i64, 0f64);
        let c = (1.0 - pf).log2();
        if c == 0.0 {
            return Ok(Value::Int(x));
        }
        loop {
            y += (rng.random().log2() / c).floor() + 1.0;
            if y > nf {
                return Ok(Value::Int(x));
            }
            x += 1;
        }
    }
    if (nf * pf).is_nan() {
        // `assert n*p >= 10.0 and p <= 0.5` (a NaN `p`).
        return Err(ExcObj::msg(ExcClass::AssertionError, ""));
    }
    let spq = (nf * pf * (1.0 - pf)).sqrt();
    let b = 1.15 + 2.53 * spq;
    let a = -0.0873 + 0.0248 * b + 0.01 * pf;
    let c = nf * pf + 0.5;
    let vr = 0.92 - 4.2 / b;
    let mut setup: Option<(f64, f64, f64, f64)> = None;
    loop {
        let u = rng.random() - 0.5;
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + c).floor();
        if k < 0.0 || k > nf {
            continue;
        }
        let mut v = rng.random();
        if us >= 0.07 && v <= vr {
            return Ok(Value::Int(k as i64));
        }
        let (alpha, lpq, m, h) = *setup.get_or_insert_with(|| {
            let m = ((nf + 1.0) * pf).floor();
            ((2.83 + 5.1 / b) * spq, (pf / (1.0 - pf)).ln(), m, lgamma(m + 1.0) + lgamma(nf - m + 1.0))
        });
        v *= alpha / (a / (us * us) + b);
        if v.ln() <= h - lgamma(k + 1.0) - lgamma(nf - k + 1.0) + (k - m) * lpq {
            return Ok(Value::Int(k as i64));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values from CPython 3.11: `random.seed(42); random.random()` and so on.
    #[test]
    fn matches_cpython_for_known_seeds() {
        let mut r = Rng::from_key(&[42]);
        assert_eq!(r.random(), 0.6394267984578837);
        let mut r = Rng::from_key(&[0]);
        assert_eq!(r.random(), 0.8444218515250481);
        // 2**40 + 5: two key words.
        let mut r = Rng::from_key(&[5, 256]);
        let mut s = Rng::from_key(&[0]);
        s.seed_int((1 << 40) + 5);
        assert_eq!(r.random(), s.random());
    }

    fn run(rng: &mut Rng, f: &str, args: Vec<Value>) -> Result<Value, Exc> {
        call(rng, RandFn::by_name(f).expect("a random function"), args, &[])
    }

    /// `f(args)` as CPython prints it, or the exception as `Type: message`.
    fn shown(rng: &mut Rng, f: &str, args: Vec<Value>) -> String {
        match run(rng, f, args) {
            Ok(v) => v.repr(),
            Err(e) => format!("{}: {}", e.class.name(), e.message()),
        }
    }

    /// The argument checks and messages of each release, as CPython
    /// 3.11.7, 3.12.7, 3.13.2 and 3.14.2 print them (the calls raise before
    /// drawing, so the generator's state does not matter).
    #[test]
    fn checks_and_messages_per_release() {
        use crate::version::{set_current, Python};
        let (i, f, s) = (Value::Int, Value::Float, Value::str);
        for py in Python::ALL {
            set_current(py);
            let mut r = Rng::from_key(&[1]);
            let r = &mut r;
            let (v12, v13, v14) = (py >= Python::V3_12, py >= Python::V3_13, py >= Python::V3_14);
            let pick = |old: &str, new: &str, since: bool| if since { new.to_owned() } else { old.to_owned() };
            let not_int = "TypeError: 'float' object cannot be interpreted as an integer";
            assert_eq!(
                shown(r, "randrange", vec![f(1.5)]),
                pick("ValueError: non-integer arg 1 for randrange()", not_int, v12)
            );
            assert_eq!(
                shown(r, "randrange", vec![s("a")]),
                pick(
                    "ValueError: invalid literal for int() with base 10: 'a'",
                    "TypeError: 'str' object cannot be interpreted as an integer",
                    v12
                )
            );
            assert_eq!(
                shown(r, "randrange", vec![Value::None]),
                pick(
                    "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
                    "TypeError: 'NoneType' object cannot be interpreted as an integer",
                    v12
                )
            );
            assert_eq!(
                shown(r, "randrange", vec![i(5), i(2)]),
                pick(
                    "ValueError: empty range for randrange() (5, 2, -3)",
                    "ValueError: empty range in randrange(5, 2)",
                    v12
                )
            );
            assert_eq!(
                shown(r, "randrange", vec![Value::Bool(true), Value::Bool(false)]),
                pick(
                    "ValueError: empty range for randrange() (1, 0, -1)",
                    "ValueError: empty range in randrange(True, False)",
                    v12
                )
            );
            assert_eq!(
                shown(r, "randrange", vec![i(10), i(1), i(3)]),
                pick("ValueError: empty range for randrange()", "ValueError: empty range in randrange(10, 1, 3)", v12)
            );
            assert_eq!(shown(r, "randrange", vec![i(0)]), "ValueError: empty range for randrange()");
            let randint_empty = match py {
                Python::V3_11 => "ValueError: empty range for randrange() (5, 2, -3)",
                Python::V3_12 | Python::V3_13 => "ValueError: empty range in randrange(5, 2)",
                Python::V3_14 => "ValueError: empty range in randint(5, 1)",
            };
            assert_eq!(shown(r, "randint", vec![i(5), i(1)]), randint_empty);
            assert_eq!(
                shown(r, "randint", vec![Value::Bool(true), Value::Bool(false)]),
                match py {
                    Python::V3_11 => "ValueError: empty range for randrange() (1, 1, 0)",
                    Python::V3_12 | Python::V3_13 => "ValueError: empty range in randrange(True, 1)",
                    Python::V3_14 => "ValueError: empty range in randint(1, 0)",
                }
            );
            assert_eq!(
                shown(r, "randint", vec![i(1), s("a")]),
                pick(
                    "TypeError: can only concatenate str (not \"int\") to str",
                    "TypeError: 'str' object cannot be interpreted as an integer",
                    v14
                )
            );
            assert_eq!(
                shown(r, "randint", vec![f(1.5), i(3)]),
                pick("ValueError: non-integer arg 1 for randrange()", not_int, v12)
            );
            let rate = run(r, "expovariate", vec![]).map_err(|e| e.message());
            if v12 {
                assert!(matches!(rate, Ok(Value::Float(x)) if x > 0.0), "{rate:?}");
            } else {
                assert_eq!(rate.unwrap_err(), "Random.expovariate() missing 1 required positional argument: 'lambd'");
            }
            assert_eq!(
                shown(r, "expovariate", vec![i(1), i(2)]),
                pick(
                    "TypeError: Random.expovariate() takes 2 positional arguments but 3 were given",
                    "TypeError: Random.expovariate() takes from 1 to 2 positional arguments but 3 were given",
                    v12
                )
            );
            assert_eq!(
                shown(r, "seed", vec![Value::list(vec![])]),
                pick(
                    "TypeError: The only supported seed types are: None,\nint, float, str, bytes, and bytearray.",
                    "TypeError: The only supported seed types are:\nNone, int, float, str, bytes, and bytearray.",
                    v13
                )
            );
            assert_eq!(
                shown(r, "getrandbits", vec![i(-1)]),
                pick("ValueError: number of bits must be non-negative", "ValueError: Cannot convert negative int", v14)
            );
            let sample = |r: &mut Rng, pop: &str, k: i64, counts: Vec<i64>| {
                let counts = Value::list(counts.into_iter().map(Value::Int).collect());
                let kw = [("counts", counts)];
                match call(r, RandFn::Sample, vec![Value::str(pop.to_owned()), i(k)], &kw) {
                    Ok(v) => v.repr(),
                    Err(e) => format!("{}: {}", e.class.name(), e.message()),
                }
            };
            let (no_total, larger) = (
                "ValueError: Total of counts must be greater than zero",
                "ValueError: Sample larger than population or is negative",
            );
            assert_eq!(sample(r, "", 0, vec![]), pick("IndexError: pop from empty list", "[]", v14));
            assert_eq!(sample(r, "", 1, vec![]), pick("IndexError: pop from empty list", larger, v14));
            assert_eq!(sample(r, "ab", 0, vec![0, 0]), pick(no_total, "[]", v14));
            assert_eq!(sample(r, "ab", 1, vec![0, 0]), pick(no_total, larger, v14));
            assert_eq!(sample(r, "ab", 1, vec![1, -2]), pick(no_total, "ValueError: Counts must be non-negative", v14));
            assert_eq!(
                lookup(RandFn::Binomialvariate).map_err(|e| e.message()),
                if v12 { Ok(()) } else { Err("module 'random' has no attribute 'binomialvariate'".to_owned()) }
            );
        }
    }

    /// `randrange(10.0)` and `randint(1.0, 3)`: taken with a warning in
    /// 3.11, a TypeError from 3.12.
    #[test]
    fn integral_floats_are_refused_from_3_12() {
        use crate::version::{set_current, Python};
        set_current(Python::V3_11);
        let mut r = Rng::from_key(&[3]);
        assert_eq!(run(&mut r, "randrange", vec![Value::Float(10.0)]).unwrap().repr(), "3");
        set_current(Python::V3_12);
        let e = run(&mut r, "randrange", vec![Value::Float(10.0)]).unwrap_err();
        assert_eq!(e.message(), "'float' object cannot be interpreted as an integer");
        set_current(Python::V3_14);
        assert!(run(&mut r, "randint", vec![Value::Float(1.0), Value::Int(3)]).is_err());
    }

    /// The numbers CPython 3.12 to 3.14 draw: `random.seed(7)`, then six
    /// `binomialvariate(n, p)` of each pair (both methods, and the
    /// symmetry for `p > 0.5`), then `random()`; `random.seed(8)`, then
    /// `expovariate()` and `expovariate(lambd=3)`.
    #[test]
    fn binomialvariate_and_expovariate_draw_as_cpython() {
        use crate::version::{set_current, Python};
        set_current(Python::V3_12);
        let mut r = Rng::from_key(&[7]);
        let pairs =
            [(10.0, 0.3), (100.0, 0.4), (1000.0, 0.7), (1.0, 0.5), (3.5, 0.2), (50.0, 0.9), (1e6, 0.01), (40.0, 0.5)];
        let mut got = Vec::new();
        for (n, p) in pairs {
            let n = if n == 3.5 { Value::Float(n) } else { Value::Int(n as i64) };
            let draws: Vec<String> = (0..6).map(|_| binomial(&mut r, &n, &Value::Float(p)).unwrap().repr()).collect();
            got.push(format!("[{}]", draws.join(", ")));
        }
        assert_eq!(
            format!("[{}]", got.join(", ")),
            "[[2, 2, 2, 1, 2, 1], [41, 57, 46, 34, 37, 35], [694, 698, 729, 692, 708, 702], [0, 0, 1, 0, 0, 0], \
             [1, 1, 0, 1, 0, 0], [41, 43, 47, 47, 45, 43], [10138, 9883, 9918, 9996, 9929, 9977], [22, 21, 14, 23, 19, 21]]"
        );
        assert_eq!(r.random(), 0.06734761584302484);
        let mut r = Rng::from_key(&[8]);
        assert_eq!(run(&mut r, "expovariate", vec![]).unwrap().repr(), "0.2570957845082924");
        let kw = [("lambd", Value::Int(3))];
        assert_eq!(call(&mut r, RandFn::Expovariate, vec![], &kw).unwrap().repr(), "1.092654505905355");
        assert_eq!(lgamma(1.0), 0.0);
        assert!((lgamma(11.0) - 3_628_800f64.ln()).abs() < 1e-13);
        assert!((lgamma(171.0) - 706.5730622457874).abs() < 1e-11);
    }
}

//! Python's arbitrary-precision ints beyond 64 bits.
//!
//! An int is a `Value::Int(i64)` whenever it fits (the fast path every
//! operation tries first) and a `Value::BigInt` only when it does not: every
//! result goes through [`norm`], so the two never overlap and equal ints
//! have one representation. The arithmetic is `num-bigint`'s; what is
//! CPython's here is the rest: floor division and modulo, correctly rounded
//! conversions to float and true division, exact comparison with floats,
//! and the limits (4,300 digits for a decimal string, as 3.11's
//! `sys.get_int_max_str_digits()`; asim's own cap on an int's size).

use super::{Exc, ExcClass, ExcObj, Value};
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

/// The most bits an int may have (docs/limits.md): CPython would go on
/// computing `10 ** 10 ** 9` for minutes.
pub(crate) const MAX_BITS: u64 = 1_000_000;

/// CPython 3.11's default `sys.get_int_max_str_digits()`.
pub(crate) const MAX_STR_DIGITS: usize = 4300;

/// The int as a `Value`: `Int` when it fits in 64 bits.
pub(crate) fn norm(b: BigInt) -> Value {
    match b.to_i64() {
        Some(i) => Value::Int(i),
        None => Value::BigInt(Rc::new(b)),
    }
}

/// The int of an `int`, `bool` or big int value.
pub(crate) fn to_big(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(i64::from(*b))),
        Value::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

fn overflow(msg: &str) -> Exc {
    ExcObj::msg(ExcClass::OverflowError, msg)
}

/// asim's cap on an int's size.
pub(crate) fn too_big() -> Exc {
    overflow(&format!("asim limit: an int may have at most {MAX_BITS} bits"))
}

fn checked(b: BigInt) -> Result<Value, Exc> {
    if b.bits() > MAX_BITS {
        return Err(too_big());
    }
    Ok(norm(b))
}

/// `float(b)`, correctly rounded; OverflowError beyond the largest float.
pub(crate) fn to_f64(b: &BigInt) -> Result<f64, Exc> {
    match b.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(overflow("int too large to convert to float")),
    }
}

/// `a + b`, `a - b`, `a * b`, `a // b`, `a % b`, `a ** b` of two ints, one
/// at least too big for `i64` (or a 64-bit operation overflowed).
pub(crate) fn arith(op: super::ops::Bin, a: &BigInt, b: &BigInt) -> Result<Value, Exc> {
    use super::ops::Bin;
    match op {
        Bin::Add => checked(a + b),
        Bin::Sub => checked(a - b),
        Bin::Mul => {
            if a.bits() + b.bits() > MAX_BITS + 1 {
                return Err(too_big());
            }
            checked(a * b)
        }
        Bin::FloorDiv | Bin::Mod if b.is_zero() => Err(super::messages::zero_division(if op == Bin::Mod {
            super::messages::ZeroDiv::IntMod
        } else {
            super::messages::ZeroDiv::IntFloorDiv
        })),
        Bin::FloorDiv => checked(a.div_floor(b)),
        Bin::Mod => checked(a.mod_floor(b)),
        Bin::Pow => pow(a, b),
        Bin::Div => true_div(a, b).map(Value::Float),
        Bin::BitOr => checked(a | b),
        Bin::BitXor => checked(a ^ b),
        Bin::BitAnd => checked(a & b),
        Bin::LShift | Bin::RShift if b.is_negative() => Err(ExcObj::msg(ExcClass::ValueError, "negative shift count")),
        Bin::LShift if a.is_zero() => Ok(Value::Int(0)),
        Bin::LShift => match b.to_u64().filter(|&n| a.bits().saturating_add(n) <= MAX_BITS) {
            Some(n) => checked(a << n),
            None => Err(too_big()),
        },
        Bin::RShift => match b.to_u64().filter(|&n| n < a.bits()) {
            Some(n) => checked(a >> n),
            None => Ok(Value::Int(if a.is_negative() { -1 } else { 0 })),
        },
    }
}

/// `a ** b`: an int for `b >= 0`, else a float.
fn pow(a: &BigInt, b: &BigInt) -> Result<Value, Exc> {
    if b.is_negative() {
        if a.is_zero() {
            return Err(super::messages::zero_to_negative_power());
        }
        let base = to_f64(a)?;
        let r = match b.to_i32() {
            Some(e) => base.powi(e),
            None => base.powf(to_f64(b).unwrap_or(f64::NEG_INFINITY)),
        };
        return Ok(Value::Float(r));
    }
    // 0, 1 and -1 to any power stay small.
    if a.is_zero() || a.is_one() || (-a).is_one() {
        let odd = b.is_odd();
        return Ok(Value::Int(if a.is_zero() && !b.is_zero() {
            0
        } else if a.is_negative() && odd {
            -1
        } else {
            1
        }));
    }
    let e = b.to_u64().filter(|&e| e.saturating_mul(a.bits().saturating_sub(1).max(1)) <= MAX_BITS);
    let Some(e) = e else { return Err(too_big()) };
    checked(num_traits::pow::Pow::pow(a, e))
}

/// `a / b` of two ints, correctly rounded as CPython's `long_true_divide`.
pub(crate) fn true_div(a: &BigInt, b: &BigInt) -> Result<f64, Exc> {
    if b.is_zero() {
        return Err(super::messages::zero_division(super::messages::ZeroDiv::IntTrueDiv));
    }
    let negative = a.is_negative() != b.is_negative();
    let (ua, ub) = (a.magnitude(), b.magnitude());
    if ua.is_zero() {
        return Ok(if negative { -0.0 } else { 0.0 });
    }
    // Scale the dividend so the quotient has 64 or more bits; the remainder
    // decides the rounding ("sticky").
    let shift = (64 + ub.bits()).saturating_sub(ua.bits());
    let (q, r) = (ua << shift).div_rem(ub);
    let extra = q.bits().saturating_sub(53);
    let mut mant: u64 = (&q >> extra).to_u64().expect("53 bits");
    if extra > 0 {
        let rest = &q - ((&q >> extra) << extra);
        let half = num_bigint::BigUint::one() << (extra - 1);
        if rest > half || (rest == half && (!r.is_zero() || mant & 1 == 1)) {
            mant += 1;
        }
    }
    let exp = i64::try_from(extra).unwrap_or(i64::MAX) - i64::try_from(shift).unwrap_or(i64::MAX);
    // mant < 2**54: the largest float is below 2**1024.
    if exp + 54 > 1024 && (mant as f64) * 2f64.powi(i32::try_from(exp).unwrap_or(i32::MAX)) == f64::INFINITY {
        return Err(overflow("integer division result too large for a float"));
    }
    let v = scale(mant as f64, exp);
    Ok(if negative { -v } else { v })
}

/// `m * 2**exp` for the exponents a quotient can have.
fn scale(m: f64, exp: i64) -> f64 {
    let mut v = m;
    let mut e = exp;
    while e > 1000 {
        v *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        v *= 2f64.powi(-1000);
        e += 1000;
    }
    v * 2f64.powi(i32::try_from(e).unwrap_or(0))
}

/// The exact order of an int and a float; `None` for a NaN.
pub(crate) fn cmp_float(a: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { Ordering::Less } else { Ordering::Greater });
    }
    let whole = f.trunc();
    match a.cmp(&float_to_big(whole)) {
        Ordering::Equal => {
            let frac = f - whole;
            Some(if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
        o => Some(o),
    }
}

/// The int of an integral, finite float, exactly.
pub(crate) fn float_to_big(f: f64) -> BigInt {
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, e) = if exp == 0 { (frac, -1074) } else { (frac | (1 << 52), exp - 1075) };
    let m = BigInt::from(mant);
    let v = if e >= 0 { m << e } else { m >> (-e) };
    if f < 0.0 {
        -v
    } else {
        v
    }
}

/// The decimal digits of `b`, within CPython's limit for a conversion to
/// `str` (ValueError past 4,300 digits).
pub(crate) fn decimal(b: &BigInt) -> Result<String, Exc> {
    // A cheap bound first: 2**(bits-1) has more than (bits-1) * 0.30103 digits.
    if (b.bits().saturating_sub(1) as f64) * std::f64::consts::LOG10_2 >= MAX_STR_DIGITS as f64 {
        return Err(str_limit());
    }
    let s = b.magnitude().to_string();
    if s.len() > MAX_STR_DIGITS {
        return Err(str_limit());
    }
    Ok(if b.sign() == Sign::Minus { format!("-{s}") } else { s })
}

fn str_limit() -> Exc {
    ExcObj::msg(
        ExcClass::ValueError,
        format!(
            "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"
        ),
    )
}

/// `int(s)` of a string of `digits` decimal digits past CPython's limit.
pub(crate) fn parse_limit(digits: usize) -> Exc {
    ExcObj::msg(
        ExcClass::ValueError,
        format!(
            "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
        ),
    )
}

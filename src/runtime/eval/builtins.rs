//! Builtin functions: `len`, `range`, `sorted`, `min`, `max`, `int`, `str` and
//! the others asim runs, with their arguments checked as CPython does.

use super::*;
use crate::value::bigint;
use num_traits::Signed as _;

fn lt(a: &Value, b: &Value) -> Result<bool, Exc> {
    Ok(ops::compare(a, b, "<")? == Some(Ordering::Less))
}

fn sort_values(items: &mut [Value]) -> Result<(), Exc> {
    crate::value::sort::py_sort(items, &mut lt)
}

/// Sorts `(key, value)` pairs by key, stably; `reverse` keeps equal keys
/// in their order, as CPython's `list.sort(reverse=True)` does.
pub(super) fn sort_keyed(mut keyed: Vec<(Value, Value)>, reverse: bool) -> Result<Vec<Value>, Exc> {
    if reverse {
        keyed.reverse();
    }
    crate::value::sort::py_sort(&mut keyed, &mut |a, b| lt(&a.0, &b.0))?;
    let mut out: Vec<Value> = keyed.into_iter().map(|(_, v)| v).collect();
    if reverse {
        out.reverse();
    }
    Ok(out)
}

pub(super) fn builtin(b: Builtin, args: Vec<Value>, kw: &[(&str, Value)]) -> Result<Value, Exc> {
    let name = Builtin::ALL.iter().find(|(_, x)| *x == b).map_or("?", |(n, _)| n);
    let allowed_kw: &[&str] = match b {
        Builtin::Enumerate => &["start"],
        Builtin::Sorted => &["reverse", "key"],
        Builtin::Min | Builtin::Max => &["key", "default"],
        Builtin::Sum => &["start"],
        Builtin::Round => &["number", "ndigits"],
        Builtin::Int => &["base"],
        _ => &[],
    };
    if !kw.is_empty() && matches!(b, Builtin::Set | Builtin::List | Builtin::Tuple) {
        return Err(type_error(format!("{name}() takes no keyword arguments")));
    }
    if let Some((k, _)) = kw.iter().find(|(k, _)| !allowed_kw.contains(k) && b != Builtin::Dict) {
        return Err(type_error(format!("{name}() got an unexpected keyword argument '{k}'")));
    }
    let kwarg = |k: &str| kw.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    let exactly = |n: usize| -> Result<(), Exc> {
        if args.len() == n {
            Ok(())
        } else {
            Err(type_error(format!("{name}() takes exactly one argument ({} given)", args.len())))
        }
    };
    Ok(match b {
        Builtin::Map | Builtin::Filter => unreachable!("map and filter call functions: Vm::map_filter"),
        Builtin::Len => {
            exactly(1)?;
            Value::Int(ops::len_of(&args[0])?)
        }
        Builtin::Str => match args.first() {
            None => Value::str(""),
            Some(v) => {
                crate::value::clear_str_error();
                let s = v.to_str();
                if let Some(e) = crate::value::take_str_error() {
                    return Err(e);
                }
                Value::str(s)
            }
        },
        Builtin::Repr => {
            exactly(1)?;
            crate::value::clear_str_error();
            let s = args[0].repr();
            if let Some(e) = crate::value::take_str_error() {
                return Err(e);
            }
            Value::str(s)
        }
        Builtin::Bool => Value::Bool(args.first().is_some_and(Value::truthy)),
        Builtin::Int if args.len() > 1 || kwarg("base").is_some() => {
            if args.len() > 2 {
                return Err(type_error(format!("int() takes at most 2 arguments ({} given)", args.len())));
            }
            let base = int_arg(&args.get(1).cloned().or_else(|| kwarg("base")).unwrap_or(Value::Int(10)), "")?;
            if base != 0 && !(2..=36).contains(&base) {
                return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
            }
            let Some(Value::Str(s)) = args.first() else {
                return Err(type_error("int() can't convert non-string with explicit base"));
            };
            match int_with_base(s, base as u32)? {
                Some(i) => i,
                None => {
                    return Err(value_error(format!(
                        "invalid literal for int() with base {base}: {}",
                        crate::value::pyfmt::str_repr(s)
                    )))
                }
            }
        }
        Builtin::Int => match args.first() {
            None => Value::Int(0),
            Some(Value::Int(i)) => Value::Int(*i),
            Some(v @ Value::BigInt(_)) => v.clone(),
            Some(Value::Bool(x)) => Value::Int(i64::from(*x)),
            Some(Value::Float(f)) => {
                if f.is_nan() {
                    return Err(value_error("cannot convert float NaN to integer"));
                }
                if f.is_infinite() {
                    return Err(ExcObj::msg(ExcClass::OverflowError, "cannot convert float infinity to integer"));
                }
                bigint::norm(bigint::float_to_big(f.trunc()))
            }
            Some(Value::Str(s)) => match int_with_base(s, 10)? {
                Some(i) => i,
                None => {
                    return Err(value_error(format!(
                        "invalid literal for int() with base 10: {}",
                        crate::value::pyfmt::str_repr(s)
                    )))
                }
            },
            Some(other) => {
                return Err(type_error(format!(
                    "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                    other.type_name()
                )))
            }
        },
        Builtin::Float => match args.first() {
            None => Value::Float(0.0),
            Some(Value::Int(i)) => Value::Float(*i as f64),
            Some(Value::BigInt(b)) => Value::Float(bigint::to_f64(b)?),
            Some(Value::Bool(x)) => Value::Float(f64::from(u8::from(*x))),
            Some(Value::Float(f)) => Value::Float(*f),
            Some(Value::Str(s)) => {
                let t = s.trim();
                let lower = t.to_ascii_lowercase();
                let parsed = match lower.trim_start_matches(['+', '-']) {
                    "inf" | "infinity" => Some(if lower.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY }),
                    "nan" => Some(f64::NAN),
                    _ if t.chars().all(|c| c.is_ascii_digit() || "+-.eE_".contains(c)) && !t.is_empty() => {
                        t.replace('_', "").parse::<f64>().ok()
                    }
                    _ => None,
                };
                match parsed {
                    Some(f) => Value::Float(f),
                    None => {
                        return Err(value_error(format!(
                            "could not convert string to float: {}",
                            crate::value::pyfmt::str_repr(s)
                        )))
                    }
                }
            }
            Some(other) => {
                return Err(type_error(format!(
                    "float() argument must be a string or a real number, not '{}'",
                    other.type_name()
                )))
            }
        },
        Builtin::Hash => {
            exactly(1)?;
            match crate::value::hash::hash(&args[0])? {
                crate::value::hash::Hash::Known(h) => Value::Int(h),
                crate::value::hash::Hash::Salted(_) | crate::value::hash::Hash::Unknown => {
                    return Err(value_error(format!(
                        "asim does not model hash() of a {}: CPython's value differs from one process to the next",
                        args[0].type_name()
                    )))
                }
            }
        }
        Builtin::Abs => {
            exactly(1)?;
            match &args[0] {
                Value::Int(i) => {
                    i.checked_abs().map_or_else(|| bigint::norm(num_bigint::BigInt::from(*i).abs()), Value::Int)
                }
                Value::BigInt(b) => bigint::norm(b.abs()),
                Value::Bool(x) => Value::Int(i64::from(*x)),
                Value::Float(f) => Value::Float(f.abs()),
                other => return Err(type_error(format!("bad operand type for abs(): '{}'", other.type_name()))),
            }
        }
        Builtin::Min | Builtin::Max => {
            let items = match args.len() {
                0 => return Err(type_error(format!("{name} expected at least 1 argument, got 0"))),
                1 => ops::iter_items(&args[0])?,
                _ => args,
            };
            if items.is_empty() {
                return match kwarg("default") {
                    Some(d) => Ok(d),
                    None => Err(crate::value::messages::empty_max_min(name)),
                };
            }
            let mut best = items[0].clone();
            for v in items.into_iter().skip(1) {
                let better = if b == Builtin::Min {
                    ops::compare(&v, &best, "<")? == Some(Ordering::Less)
                } else {
                    ops::compare(&v, &best, ">")? == Some(Ordering::Greater)
                };
                if better {
                    best = v;
                }
            }
            best
        }
        Builtin::Range => {
            let ints: Vec<i64> = args.iter().map(|a| int_arg(a, "")).collect::<Result<_, _>>()?;
            let (a, s, st) = match ints.as_slice() {
                [stop] => (0, *stop, 1),
                [a, s] => (*a, *s, 1),
                [a, s, st] => (*a, *s, *st),
                _ => return Err(type_error(format!("range expected at most 3 arguments, got {}", ints.len()))),
            };
            if st == 0 {
                return Err(value_error("range() arg 3 must not be zero"));
            }
            Value::range(a, s, st)
        }
        Builtin::Enumerate => {
            exactly(1)?;
            let start = match kwarg("start") {
                Some(v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => v,
                Some(v) => {
                    return Err(type_error(format!("'{}' object cannot be interpreted as an integer", v.type_name())))
                }
                None => Value::Int(0),
            };
            let items = ops::iter_items(&args[0])?;
            let mut out = Vec::with_capacity(items.len());
            let mut n = start;
            for v in items {
                let next = ops::binary(ops::Bin::Add, &n, &Value::Int(1))?;
                out.push(Value::tuple(vec![std::mem::replace(&mut n, next), v]));
            }
            Value::list(out)
        }
        Builtin::List => Value::list(match args.first() {
            Some(v) => ops::iter_items(v)?,
            None => Vec::new(),
        }),
        Builtin::Tuple => Value::tuple(match args.first() {
            Some(v) => ops::iter_items(v)?,
            None => Vec::new(),
        }),
        Builtin::Set => {
            if args.len() > 1 {
                return Err(type_error(format!("set expected at most 1 argument, got {}", args.len())));
            }
            let s = match args.first() {
                Some(
                    v @ (Value::Set(_)
                    | Value::List(_)
                    | Value::Tuple(_)
                    | Value::Dict(_)
                    | Value::Str(_)
                    | Value::Range(_)),
                ) => crate::value::set::from_value(v)?,
                Some(v) => return Err(type_error(format!("'{}' object is not iterable", v.type_name()))),
                None => Default::default(),
            };
            Value::Set(std::rc::Rc::new(std::cell::RefCell::new(s)))
        }
        Builtin::Dict => {
            if args.len() > 1 {
                return Err(type_error(format!("dict expected at most 1 argument, got {}", args.len())));
            }
            let d = Value::Dict(Default::default());
            if let Some(src) = args.first() {
                crate::value::store::update(&d, src)?;
            }
            for (k, v) in kw {
                crate::value::store::set_item(&d, &Value::str(*k), v.clone())?;
            }
            d
        }
        Builtin::Sum => {
            match args.len() {
                0 => return Err(type_error("sum() takes at least 1 positional argument (0 given)")),
                1 | 2 => {}
                n => return Err(type_error(format!("sum() takes at most 2 arguments ({n} given)"))),
            }
            if args.len() == 2 && kwarg("start").is_some() {
                return Err(type_error("argument for sum() given by name ('start') and position (2)"));
            }
            let mut acc = args.get(1).cloned().or_else(|| kwarg("start")).unwrap_or(Value::Int(0));
            if matches!(acc, Value::Str(_)) {
                return Err(type_error("sum() can't sum strings [use ''.join(seq) instead]"));
            }
            for v in ops::iter_items(&args[0])? {
                acc = ops::binary(ops::Bin::Add, &acc, &v)?;
            }
            acc
        }
        Builtin::Zip => {
            let columns: Vec<Vec<Value>> = args.iter().map(ops::iter_items).collect::<Result<_, _>>()?;
            let n = columns.iter().map(Vec::len).min().unwrap_or(0);
            Value::list((0..n).map(|i| Value::tuple(columns.iter().map(|c| c[i].clone()).collect())).collect())
        }
        Builtin::Reversed => {
            if args.len() != 1 {
                return Err(type_error(format!("reversed expected 1 argument, got {}", args.len())));
            }
            match &args[0] {
                v @ (Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Range(_) | Value::Dict(_)) => {
                    let mut items = ops::iter_items(v)?;
                    items.reverse();
                    Value::list(items)
                }
                v => return Err(type_error(format!("'{}' object is not reversible", v.type_name()))),
            }
        }
        Builtin::Any | Builtin::All => {
            exactly(1)?;
            let want = b == Builtin::Any;
            let found = ops::iter_items(&args[0])?.iter().any(|v| v.truthy() == want);
            Value::Bool(if want { found } else { !found })
        }
        Builtin::Divmod => {
            if args.len() != 2 {
                return Err(type_error(format!("divmod expected 2 arguments, got {}", args.len())));
            }
            let numeric = |v: &Value| matches!(v, Value::Int(_) | Value::BigInt(_) | Value::Bool(_) | Value::Float(_));
            if !numeric(&args[0]) || !numeric(&args[1]) {
                return Err(type_error(format!(
                    "unsupported operand type(s) for divmod(): '{}' and '{}'",
                    args[0].type_name(),
                    args[1].type_name()
                )));
            }
            if matches!(args[1], Value::Float(z) if z == 0.0)
                || (matches!(args[0], Value::Float(_)) && matches!(args[1], Value::Int(0) | Value::Bool(false)))
            {
                return Err(crate::value::messages::zero_division(crate::value::messages::ZeroDiv::FloatDivmod));
            }
            let q = ops::binary(ops::Bin::FloorDiv, &args[0], &args[1])?;
            let r = ops::binary(ops::Bin::Mod, &args[0], &args[1])?;
            Value::tuple(vec![q, r])
        }
        Builtin::Round => {
            let number = args.first().cloned().or_else(|| kwarg("number"));
            let ndigits = args.get(1).cloned().or_else(|| kwarg("ndigits")).filter(|v| !matches!(v, Value::None));
            if args.len() > 2 {
                return Err(type_error(format!("round() takes at most 2 arguments ({} given)", args.len())));
            }
            let Some(x) = number else {
                return Err(type_error("round() missing required argument 'number' (pos 1)"));
            };
            let n = match &ndigits {
                None => None,
                Some(Value::BigInt(b)) if num_traits::Signed::is_negative(&**b) => Some(i64::MIN),
                Some(Value::BigInt(_)) => Some(i64::MAX),
                Some(v @ (Value::Int(_) | Value::Bool(_))) => Some(int_arg(v, "")?),
                Some(v) => {
                    return Err(type_error(format!("'{}' object cannot be interpreted as an integer", v.type_name())))
                }
            };
            round(&x, n)?
        }
        Builtin::Sorted => {
            exactly(1)?;
            let mut items = ops::iter_items(&args[0])?;
            let reverse = kwarg("reverse").is_some_and(|r| r.truthy());
            if reverse {
                items.reverse();
            }
            sort_values(&mut items)?;
            if reverse {
                items.reverse();
            }
            Value::list(items)
        }
    })
}

/// `round(x)` and `round(x, n)`, as CPython computes them: the exact
/// binary value rounded to `n` decimal places, ties to even.
fn round(x: &Value, n: Option<i64>) -> Result<Value, Exc> {
    match (x, n) {
        (Value::Bool(b), _) => Ok(Value::Int(i64::from(*b))),
        (Value::Int(_) | Value::BigInt(_), None) => Ok(x.clone()),
        (Value::Int(_) | Value::BigInt(_), Some(n)) if n >= 0 => Ok(x.clone()),
        (Value::Int(_) | Value::BigInt(_), Some(n)) => {
            use num_integer::Integer;
            let i = bigint::to_big(x).expect("an int");
            // 10**-n beyond any int this size rounds it to 0.
            if u64::try_from(-(n as i128)).unwrap_or(u64::MAX) > i.bits() + 1 {
                return Ok(Value::Int(0));
            }
            let p = num_traits::pow::Pow::pow(num_bigint::BigInt::from(10), u64::try_from(-(n as i128)).unwrap_or(0));
            let (q, r) = i.div_mod_floor(&p);
            let twice: num_bigint::BigInt = &r * 2;
            let up = twice > p || (twice == p && q.is_odd());
            let q = if up { q + 1 } else { q };
            Ok(bigint::norm(q * p))
        }
        (Value::Float(f), None) => {
            if f.is_nan() {
                return Err(value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(ExcObj::msg(ExcClass::OverflowError, "cannot convert float infinity to integer"));
            }
            Ok(bigint::norm(bigint::float_to_big(f.round_ties_even())))
        }
        (Value::Float(f), Some(n)) => {
            if !f.is_finite() || n > 323 {
                return Ok(Value::Float(*f));
            }
            if n >= 0 {
                // Rust's fixed-precision formatting rounds the exact value, ties to even.
                let s = format!("{:.*}", n as usize, f);
                return Ok(Value::Float(s.parse().unwrap_or(*f)));
            }
            let k = u32::try_from(-n).unwrap_or(u32::MAX);
            let a = f.abs();
            if a >= 1e38 {
                // An integer this big: round its exact value, then read the
                // decimal digits back as a float, as CPython's dtoa/strtod do.
                use num_integer::Integer;
                let i = bigint::float_to_big(a);
                let p = num_traits::pow::Pow::pow(num_bigint::BigInt::from(10), k.min(400));
                let (q, r) = i.div_mod_floor(&p);
                let twice: num_bigint::BigInt = &r * 2;
                let up = twice > p || (twice == p && q.is_odd());
                let q = if up { q + 1 } else { q };
                let v: f64 = (q * p).to_string().parse().unwrap_or(f64::INFINITY);
                if v.is_infinite() {
                    return Err(ExcObj::msg(ExcClass::OverflowError, "rounded value too large to represent"));
                }
                return Ok(Value::Float(v.copysign(*f)));
            }
            if k > 38 {
                return Ok(Value::Float(0.0f64.copysign(*f)));
            }
            let (i, frac) = (a.trunc() as u128, a.fract());
            let p = 10u128.pow(k);
            let (q, r) = (i / p, i % p);
            let up = 2 * r > p || (2 * r == p && (frac > 0.0 || q % 2 != 0));
            let v = ((q + u128::from(up)) * p) as f64;
            Ok(Value::Float(v.copysign(*f)))
        }
        (other, _) => Err(type_error(format!("type {} doesn't define __round__ method", other.type_name()))),
    }
}

/// `int(s, base)`: optional sign, a `0x`/`0o`/`0b` prefix matching the base
/// (any of them for base 0, which also refuses leading zeros), single
/// underscores between digits, whitespace around.
/// `int(s, base)`: the int, or `None` for a string that is not one (the
/// caller words the ValueError); a decimal string of more than 4,300 digits
/// is CPython's ValueError.
fn int_with_base(s: &str, base: u32) -> Result<Option<Value>, Exc> {
    let Some((neg, base, clean)) = int_digits(s, base) else { return Ok(None) };
    if !base.is_power_of_two() && clean.len() > bigint::MAX_STR_DIGITS {
        return Err(bigint::parse_limit(clean.len()));
    }
    if let Ok(v) = i64::from_str_radix(&clean, base) {
        return Ok(Some(Value::Int(if neg { -v } else { v })));
    }
    let Some(v) = num_bigint::BigInt::parse_bytes(clean.as_bytes(), base) else { return Ok(None) };
    if v.bits() > bigint::MAX_BITS {
        return Err(bigint::too_big());
    }
    Ok(Some(bigint::norm(if neg { -v } else { v })))
}

/// The sign, base and digits (underscores removed) of `int(s, base)`.
fn int_digits(s: &str, base: u32) -> Option<(bool, u32, String)> {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = t.to_ascii_lowercase();
    let prefixed = |p: &str| lower.starts_with(p);
    let (base, digits) = match base {
        0 if prefixed("0x") => (16, &t[2..]),
        0 if prefixed("0o") => (8, &t[2..]),
        0 if prefixed("0b") => (2, &t[2..]),
        0 => {
            // `010` is refused with base 0 (ambiguous), `0` and `00` are not.
            if t.starts_with('0') && !t.trim_start_matches(['0', '_']).is_empty() {
                return None;
            }
            (10, t)
        }
        16 if prefixed("0x") => (16, &t[2..]),
        8 if prefixed("0o") => (8, &t[2..]),
        2 if prefixed("0b") => (2, &t[2..]),
        b => (b, t),
    };
    // After a prefix one underscore may come first (`0x_1f`).
    let had_prefix = digits.len() < t.len();
    let digits = if had_prefix { digits.strip_prefix('_').unwrap_or(digits) } else { digits };
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    Some((neg, base, clean))
}

//! Builtin functions: `len`, `range`, `sorted`, `min`, `max`, `int`, `str` and
//! the others asim runs, with their arguments checked as CPython does.

use super::*;

fn sort_values(items: &mut [Value]) -> Result<(), Exc> {
    let mut err = None;
    items.sort_by(|a, b| match ops::compare(b, a, "<") {
        Ok(Some(Ordering::Less)) => Ordering::Greater,
        Ok(_) => match ops::compare(a, b, "<") {
            Ok(Some(Ordering::Less)) => Ordering::Less,
            Ok(_) => Ordering::Equal,
            Err(e) => {
                err.get_or_insert(e);
                Ordering::Equal
            }
        },
        Err(e) => {
            err.get_or_insert(e);
            Ordering::Equal
        }
    });
    err.map_or(Ok(()), Err)
}

pub(super) fn builtin(b: Builtin, args: Vec<Value>, kw: &[(&str, Value)]) -> Result<Value, Exc> {
    let name = Builtin::ALL.iter().find(|(_, x)| *x == b).map_or("?", |(n, _)| n);
    let allowed_kw: &[&str] = match b {
        Builtin::Enumerate => &["start"],
        Builtin::Sorted => &["reverse"],
        Builtin::Sum => &["start"],
        _ => &[],
    };
    if let Some((k, _)) = kw.iter().find(|(k, _)| !allowed_kw.contains(k)) {
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
        Builtin::Len => {
            exactly(1)?;
            Value::Int(ops::len_of(&args[0])?)
        }
        Builtin::Str => match args.first() {
            None => Value::str(""),
            Some(v) => Value::str(v.to_str()),
        },
        Builtin::Repr => {
            exactly(1)?;
            Value::str(args[0].repr())
        }
        Builtin::Bool => Value::Bool(args.first().is_some_and(Value::truthy)),
        Builtin::Int => match args.first() {
            None => Value::Int(0),
            Some(Value::Int(i)) => Value::Int(*i),
            Some(Value::Bool(x)) => Value::Int(i64::from(*x)),
            Some(Value::Float(f)) => {
                if f.is_nan() {
                    return Err(value_error("cannot convert float NaN to integer"));
                }
                if f.is_infinite() {
                    return Err(ExcObj::msg(ExcClass::OverflowError, "cannot convert float infinity to integer"));
                }
                let tr = f.trunc();
                if tr.abs() >= 9.223_372_036_854_776e18 {
                    return Err(ExcObj::msg(
                        ExcClass::OverflowError,
                        "integer result does not fit in 64 bits (asim's ints are 64-bit)",
                    ));
                }
                Value::Int(tr as i64)
            }
            Some(Value::Str(s)) => {
                let clean = s.trim().replace('_', "");
                let ok = !s.trim().starts_with('_') && !s.trim().ends_with('_') && !s.contains("__");
                match clean.parse::<i64>() {
                    Ok(i) if ok => Value::Int(i),
                    _ => {
                        return Err(value_error(format!(
                            "invalid literal for int() with base 10: {}",
                            crate::value::pyfmt::str_repr(s)
                        )))
                    }
                }
            }
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
        Builtin::Abs => {
            exactly(1)?;
            match &args[0] {
                Value::Int(i) => {
                    Value::Int(i.checked_abs().ok_or_else(|| {
                        ExcObj::msg(ExcClass::OverflowError, "integer result does not fit in 64 bits")
                    })?)
                }
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
                return Err(value_error(format!("{name}() arg is an empty sequence")));
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
                Some(v) => int_arg(&v, "")?,
                None => 0,
            };
            let items = ops::iter_items(&args[0])?;
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.into_iter().enumerate() {
                // Python's ints do not wrap; asim's are 64-bit and say so.
                let n = i64::try_from(i).ok().and_then(|i| start.checked_add(i)).ok_or_else(ops::int_overflow)?;
                out.push(Value::tuple(vec![Value::Int(n), v]));
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
        Builtin::Sum => {
            exactly(1)?;
            let mut acc = kwarg("start").unwrap_or(Value::Int(0));
            for v in ops::iter_items(&args[0])? {
                acc = ops::binary(ops::Bin::Add, &acc, &v)?;
            }
            acc
        }
        Builtin::Sorted => {
            exactly(1)?;
            let mut items = ops::iter_items(&args[0])?;
            sort_values(&mut items)?;
            if kwarg("reverse").is_some_and(|r| r.truthy()) {
                items.reverse();
            }
            Value::list(items)
        }
    })
}

//! Storing into containers: `x[i] = v`, `del x[i]`, their slice forms, and
//! the in-place operators of augmented assignment (`xs += ys` extends the
//! list itself), with CPython 3.11's exceptions and messages.

use super::ops::{self, binary, iter_items, limit_error, type_error, value_error, Bin, MAX_ITEMS};
use super::{Exc, ExcClass, ExcObj, Value};

/// The position `i` names in a list of `len` items, or the IndexError of
/// an assignment or deletion.
fn list_index(i: &Value, len: usize) -> Result<usize, Exc> {
    let i = match i {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        Value::BigInt(_) => {
            return Err(ExcObj::msg(ExcClass::IndexError, "cannot fit 'int' into an index-sized integer"))
        }
        _ => return Err(type_error(format!("list indices must be integers or slices, not {}", i.type_name()))),
    };
    let j = if i < 0 { i + len as i64 } else { i };
    if (0..len as i64).contains(&j) {
        Ok(j as usize)
    } else {
        Err(ExcObj::msg(ExcClass::IndexError, "list assignment index out of range"))
    }
}

fn no_assignment(v: &Value) -> Exc {
    type_error(format!("'{}' object does not support item assignment", v.type_name()))
}

fn no_deletion(v: &Value) -> Exc {
    type_error(format!("'{}' object doesn't support item deletion", v.type_name()))
}

/// `obj[i] = v`.
pub(crate) fn set_item(obj: &Value, i: &Value, v: Value) -> Result<(), Exc> {
    match obj {
        Value::List(l) => {
            let mut l = l.borrow_mut();
            let k = list_index(i, l.len())?;
            // The old item is dropped after the borrow ends (its drop may
            // report an unawaited coroutine, which looks at nothing here).
            let _old = std::mem::replace(&mut l[k], v);
            Ok(())
        }
        Value::Dict(d) => {
            ops::check_dict_key(i)?;
            let mut d = d.borrow_mut();
            if let Some(slot) = d.iter_mut().find(|(k, _)| ops::eq(k, i)) {
                // Python keeps the first key object (`d[1] = a; d[1.0] = b`
                // leaves the key `1`).
                let _old = std::mem::replace(&mut slot.1, v);
            } else {
                if d.len() as i64 >= MAX_ITEMS {
                    return Err(limit_error());
                }
                d.push((i.clone(), v));
            }
            Ok(())
        }
        _ => Err(no_assignment(obj)),
    }
}

/// `d.update(src)` for a dict `d`: a dict's items, or an iterable of
/// pairs, with CPython's messages for an item that is not a pair.
pub(crate) fn update(d: &Value, src: &Value) -> Result<(), Exc> {
    if let Value::Dict(o) = src {
        let pairs = o.borrow().clone();
        for (k, v) in pairs {
            set_item(d, &k, v)?;
        }
        return Ok(());
    }
    for (i, item) in iter_items(src)?.into_iter().enumerate() {
        let kv = match &item {
            Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Dict(_) | Value::Range(_) => iter_items(&item)?,
            _ => return Err(super::messages::dict_update_element(i)),
        };
        let [k, v]: [Value; 2] = kv.try_into().map_err(|kv: Vec<Value>| {
            value_error(format!("dictionary update sequence element #{i} has length {}; 2 is required", kv.len()))
        })?;
        set_item(d, &k, v)?;
    }
    Ok(())
}

/// `del obj[i]`.
pub(crate) fn del_item(obj: &Value, i: &Value) -> Result<(), Exc> {
    match obj {
        Value::List(l) => {
            let removed = {
                let mut l = l.borrow_mut();
                let k = list_index(i, l.len())?;
                l.remove(k)
            };
            drop(removed);
            Ok(())
        }
        Value::Dict(d) => {
            ops::check_dict_key(i)?;
            let removed = {
                let mut d = d.borrow_mut();
                let Some(k) = d.iter().position(|(k, _)| ops::eq(k, i)) else {
                    return Err(ExcObj::new(ExcClass::KeyError, vec![i.clone()]));
                };
                d.remove(k)
            };
            drop(removed);
            Ok(())
        }
        _ => Err(no_deletion(obj)),
    }
}

/// A slice bound as CPython's `_PyEval_SliceIndex` takes it.
pub(crate) fn slice_bound(v: &Value) -> Result<Option<i64>, Exc> {
    match v {
        Value::None => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        Value::Bool(b) => Ok(Some(i64::from(*b))),
        // Clipped, as `PyNumber_AsSsize_t(v, NULL)` clips.
        Value::BigInt(b) if num_traits::Signed::is_negative(&**b) => Ok(Some(i64::MIN)),
        Value::BigInt(_) => Ok(Some(i64::MAX)),
        _ => Err(type_error("slice indices must be integers or None or have an __index__ method")),
    }
}

/// The positions a slice selects in a sequence of `len` items, in order
/// (CPython's `PySlice_AdjustIndices`), and whether the step is 1.
fn slice_positions(
    len: usize,
    lo: Option<i64>,
    hi: Option<i64>,
    step: Option<i64>,
) -> Result<(Vec<usize>, usize, bool), Exc> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(value_error("slice step cannot be zero"));
    }
    let n = len as i64;
    let adjust = |x: i64, lower: i64, upper: i64| {
        let x = if x < 0 { x + n } else { x };
        x.clamp(lower, upper)
    };
    let (start, stop) = if step > 0 {
        (lo.map_or(0, |x| adjust(x, 0, n)), hi.map_or(n, |x| adjust(x, 0, n)))
    } else {
        (lo.map_or(n - 1, |x| adjust(x, -1, n - 1)), hi.map_or(-1, |x| adjust(x, -1, n - 1)))
    };
    let mut picked = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        picked.push(i as usize);
        i += step;
    }
    // Where a step-1 slice assignment inserts when it selects nothing.
    let at = if step > 0 { start.max(0) as usize } else { 0 };
    Ok((picked, at, step == 1))
}

/// `obj[lo:hi:step] = v`.
pub(crate) fn set_slice(
    obj: &Value,
    lo: Option<i64>,
    hi: Option<i64>,
    step: Option<i64>,
    v: &Value,
) -> Result<(), Exc> {
    let l = match obj {
        Value::List(l) => l,
        Value::Dict(_) => return Err(type_error("unhashable type: 'slice'")),
        _ => return Err(no_assignment(obj)),
    };
    let len = l.borrow().len();
    let (picked, at, simple) = slice_positions(len, lo, hi, step)?;
    if simple {
        let items = iter_items(v).map_err(|_| type_error("can only assign an iterable"))?;
        let end = picked.last().map_or(at, |&p| p + 1);
        let start = picked.first().copied().unwrap_or(at);
        if len - (end - start) + items.len() > MAX_ITEMS as usize {
            return Err(limit_error());
        }
        let removed: Vec<Value> = l.borrow_mut().splice(start..end, items).collect();
        drop(removed);
        return Ok(());
    }
    let items = iter_items(v).map_err(|_| type_error("must assign iterable to extended slice"))?;
    if items.len() != picked.len() {
        return Err(value_error(format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            items.len(),
            picked.len()
        )));
    }
    let mut old = Vec::with_capacity(items.len());
    {
        let mut l = l.borrow_mut();
        for (p, x) in picked.into_iter().zip(items) {
            old.push(std::mem::replace(&mut l[p], x));
        }
    }
    drop(old);
    Ok(())
}

/// `del obj[lo:hi:step]`.
pub(crate) fn del_slice(obj: &Value, lo: Option<i64>, hi: Option<i64>, step: Option<i64>) -> Result<(), Exc> {
    let l = match obj {
        Value::List(l) => l,
        Value::Dict(_) => return Err(type_error("unhashable type: 'slice'")),
        _ => return Err(no_deletion(obj)),
    };
    let len = l.borrow().len();
    let (mut picked, _, _) = slice_positions(len, lo, hi, step)?;
    picked.sort_unstable();
    let mut removed = Vec::with_capacity(picked.len());
    {
        let mut l = l.borrow_mut();
        for &p in picked.iter().rev() {
            removed.push(l.remove(p));
        }
    }
    drop(removed);
    Ok(())
}

/// `a op= b`: a list is changed in place by `+=` (any iterable) and `*=`;
/// every other value computes `a op b`. A type error names the in-place
/// operator, as CPython's does (`unsupported operand type(s) for +=`).
pub(crate) fn inplace(op: Bin, a: &Value, b: &Value) -> Result<Value, Exc> {
    if let (Value::Dict(_), Bin::BitOr) = (a, op) {
        update(a, b)?;
        return Ok(a.clone());
    }
    if let (Value::Set(s), Value::Set(o)) = (a, b) {
        // `s |= t` and the others change the set itself.
        if matches!(op, Bin::BitOr | Bin::BitAnd | Bin::BitXor | Bin::Sub) {
            let other = o.borrow().clone();
            let mut items = s.borrow().clone();
            match op {
                Bin::BitOr => items.merge(&other),
                Bin::Sub => {
                    for v in other.iter() {
                        items.discard(v)?;
                    }
                }
                Bin::BitXor => {
                    for v in other.iter() {
                        if !items.discard(v)? {
                            items.add(v.clone())?;
                        }
                    }
                }
                _ => {
                    let Value::Set(r) = super::set::intersection(&items, std::slice::from_ref(b))? else {
                        unreachable!("a set")
                    };
                    items = r.borrow().clone();
                }
            }
            let old = std::mem::replace(&mut *s.borrow_mut(), items);
            drop(old);
            return Ok(a.clone());
        }
    }
    if op.is_bitwise() {
        return ops::bitwise(op, a, b);
    }
    if let Value::List(l) = a {
        match op {
            Bin::Add => {
                let items = iter_items(b)?;
                ops::within_budget(l.borrow().len(), items.len())?;
                l.borrow_mut().extend(items);
                return Ok(a.clone());
            }
            Bin::Mul => {
                let count = match b {
                    Value::Int(i) => *i,
                    Value::Bool(x) => i64::from(*x),
                    Value::BigInt(n) if num_traits::Signed::is_negative(&**n) => 0,
                    Value::BigInt(_) => {
                        return Err(ExcObj::msg(
                            ExcClass::OverflowError,
                            "cannot fit 'int' into an index-sized integer",
                        ))
                    }
                    _ => {
                        return Err(type_error(format!(
                            "can't multiply sequence by non-int of type '{}'",
                            b.type_name()
                        )))
                    }
                };
                let len = l.borrow().len() as i64;
                if len.saturating_mul(count.max(0)) > MAX_ITEMS {
                    return Err(limit_error());
                }
                let removed = {
                    let mut v = l.borrow_mut();
                    if count <= 0 {
                        std::mem::take(&mut v.0)
                    } else {
                        let unit = v.clone();
                        for _ in 1..count {
                            v.extend(unit.iter().cloned());
                        }
                        Vec::new()
                    }
                };
                drop(crate::value::ListItems(removed));
                return Ok(a.clone());
            }
            _ => {}
        }
    }
    binary(op, a, b).map_err(|e| {
        let prefix = format!("unsupported operand type(s) for {}:", op.symbol());
        match e.to_str().strip_prefix(&prefix) {
            Some(rest) if e.class == ExcClass::TypeError => {
                type_error(format!("unsupported operand type(s) for {}=:{rest}", op.symbol_plain()))
            }
            _ => e,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(xs: &[i64]) -> Value {
        Value::list(xs.iter().map(|&i| Value::Int(i)).collect())
    }

    #[test]
    fn slices_assign_and_delete_as_python_does() {
        // Each checked against python3: xs = [0..5]; xs[lo:hi:step] = v.
        type Case = (Option<i64>, Option<i64>, Option<i64>, &'static [i64], &'static str);
        let cases: &[Case] = &[
            (Some(1), Some(3), None, &[9], "[0, 9, 3, 4]"),
            (Some(4), Some(1), None, &[9], "[0, 1, 2, 3, 9, 4]"),
            (None, None, Some(2), &[7, 8, 9], "[7, 1, 8, 3, 9]"),
            (None, None, Some(-2), &[7, 8, 9], "[9, 1, 8, 3, 7]"),
            (Some(-1), None, Some(-1), &[5, 6, 7, 8, 9], "[9, 8, 7, 6, 5]"),
            (Some(10), None, None, &[9], "[0, 1, 2, 3, 4, 9]"),
            (Some(-10), Some(-10), None, &[9], "[9, 0, 1, 2, 3, 4]"),
        ];
        for &(lo, hi, step, v, want) in cases {
            let xs = ints(&[0, 1, 2, 3, 4]);
            set_slice(&xs, lo, hi, step, &ints(v)).unwrap();
            assert_eq!(xs.repr(), want, "{lo:?}:{hi:?}:{step:?}");
        }
        let xs = ints(&[0, 1, 2, 3, 4]);
        del_slice(&xs, None, None, Some(-2)).unwrap();
        assert_eq!(xs.repr(), "[1, 3]");
        let e = set_slice(&ints(&[0, 1, 2]), None, None, Some(2), &ints(&[1])).unwrap_err();
        assert_eq!(e.to_str(), "attempt to assign sequence of size 1 to extended slice of size 2");
    }

    #[test]
    fn in_place_operators_name_the_augmented_operator() {
        let e = inplace(Bin::Pow, &Value::Int(1), &Value::str("a")).unwrap_err();
        assert_eq!(e.to_str(), "unsupported operand type(s) for **=: 'int' and 'str'");
        let xs = ints(&[1, 2]);
        let alias = xs.clone();
        inplace(Bin::Add, &xs, &xs).unwrap();
        assert_eq!(alias.repr(), "[1, 2, 1, 2]");
    }
}

//! Operators and builtins with Python's semantics and Python's error messages.
//!
//! Ints are Python's, unbounded: 64-bit ones take the fast path, and a result
//! that does not fit goes on as a big int (`super::bigint`).

use super::messages::{zero_division, zero_to_negative_power, ZeroDiv};
use super::{bigint, Exc, ExcClass, ExcObj, Value};
use num_bigint::BigInt;
use std::cmp::Ordering;

/// A failed operation: the exception Python would raise.
pub(crate) type OpResult = Result<Value, Exc>;

/// The largest container asim builds (a documented limit; see docs/limits.md).
pub(crate) const MAX_ITEMS: i64 = 10_000_000;

pub(crate) fn type_error(msg: impl Into<String>) -> Exc {
    ExcObj::msg(ExcClass::TypeError, msg)
}

pub(crate) fn value_error(msg: impl Into<String>) -> Exc {
    ExcObj::msg(ExcClass::ValueError, msg)
}

/// The OverflowError of an int that must fit in 64 bits where CPython's
/// must fit in a C `ssize_t` (an index, a count, a range bound).
pub(crate) fn int_overflow() -> Exc {
    ExcObj::msg(ExcClass::OverflowError, "Python int too large to convert to C ssize_t")
}

/// A numeric view: bools are ints.
#[derive(Clone, Copy)]
enum Num<'a> {
    I(i64),
    B(&'a BigInt),
    F(f64),
}

fn num(v: &Value) -> Option<Num<'_>> {
    match v {
        Value::Bool(b) => Some(Num::I(i64::from(*b))),
        Value::Int(i) => Some(Num::I(*i)),
        Value::BigInt(b) => Some(Num::B(b)),
        Value::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

/// `float(n)`: OverflowError for an int beyond the largest float.
fn as_f64(n: Num<'_>) -> Result<f64, Exc> {
    Ok(match n {
        Num::I(i) => i as f64,
        Num::B(b) => bigint::to_f64(b)?,
        Num::F(f) => f,
    })
}

fn big(n: Num<'_>) -> BigInt {
    match n {
        Num::I(i) => BigInt::from(i),
        Num::B(b) => b.clone(),
        Num::F(_) => unreachable!("an int"),
    }
}

/// The exact order of two numbers (`None`: a NaN).
fn num_cmp(x: Num<'_>, y: Num<'_>) -> Option<Ordering> {
    const EXACT: u64 = 1 << 53;
    match (x, y) {
        (Num::I(p), Num::I(q)) => Some(p.cmp(&q)),
        (Num::F(p), Num::F(q)) => p.partial_cmp(&q),
        (Num::I(p), Num::F(q)) if p.unsigned_abs() <= EXACT => (p as f64).partial_cmp(&q),
        (Num::F(p), Num::I(q)) if q.unsigned_abs() <= EXACT => p.partial_cmp(&(q as f64)),
        (Num::F(p), i) => bigint::cmp_float(&big(i), p).map(Ordering::reverse),
        (i, Num::F(q)) => bigint::cmp_float(&big(i), q),
        (p, q) => Some(big(p).cmp(&big(q))),
    }
}

/// Binary operators, in the order of the expression AST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitOr,
    BitXor,
    BitAnd,
    LShift,
    RShift,
}

impl Bin {
    /// The operator as written (`**` for [`Bin::Pow`]).
    pub(crate) fn symbol_plain(self) -> &'static str {
        match self {
            Bin::Pow => "**",
            op => op.symbol(),
        }
    }

    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Bin::Add => "+",
            Bin::Sub => "-",
            Bin::Mul => "*",
            Bin::Div => "/",
            Bin::FloorDiv => "//",
            Bin::Mod => "%",
            Bin::Pow => "** or pow()",
            Bin::BitOr => "|",
            Bin::BitXor => "^",
            Bin::BitAnd => "&",
            Bin::LShift => "<<",
            Bin::RShift => ">>",
        }
    }

    pub(crate) fn is_bitwise(self) -> bool {
        matches!(self, Bin::BitOr | Bin::BitXor | Bin::BitAnd | Bin::LShift | Bin::RShift)
    }
}

/// CPython's float divmod, step for step (so signs and rounding agree).
fn float_divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0_f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0_f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// CPython's list of missing argument names: `'a'`, `'a' and 'b'`,
/// `'a', 'b', and 'c'`.
pub(crate) fn name_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
    }
}

/// `f() takes 2 positional arguments but 3 were given` (`from 1 to 2` when
/// some have defaults).
pub(crate) fn too_many_positional(name: &str, np: usize, required: usize, given: usize) -> Exc {
    let takes = if required == np { np.to_string() } else { format!("from {required} to {np}") };
    let s = if np == 1 && required == np { "" } else { "s" };
    let was = if given == 1 { "was" } else { "were" };
    type_error(format!("{name}() takes {takes} positional argument{s} but {given} {was} given"))
}

/// `f() missing 2 required positional arguments: 'a' and 'b'` (the names
/// already quoted).
pub(crate) fn missing_positional(name: &str, missing: &[String]) -> Exc {
    let s = if missing.len() == 1 { "" } else { "s" };
    type_error(format!("{name}() missing {} required positional argument{s}: {}", missing.len(), name_list(missing)))
}

/// `a <op> b`.
pub(crate) fn binary(op: Bin, a: &Value, b: &Value) -> OpResult {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return numeric(op, x, y);
    }
    match (op, a, b) {
        (Bin::Add, Value::Str(x), Value::Str(y)) => {
            within_budget(x.len(), y.len())?;
            Ok(Value::str(format!("{x}{y}")))
        }
        (Bin::Add, Value::List(x), Value::List(y)) => {
            within_budget(x.borrow().len(), y.borrow().len())?;
            let mut v = x.borrow().to_vec();
            v.extend(y.borrow().iter().cloned());
            Ok(Value::list(v))
        }
        (Bin::Add, Value::Tuple(x), Value::Tuple(y)) => {
            within_budget(x.len(), y.len())?;
            Ok(Value::tuple(x.iter().chain(y.iter()).cloned().collect()))
        }
        (Bin::Add, Value::Str(_) | Value::List(_) | Value::Tuple(_), _) => Err(type_error(format!(
            "can only concatenate {} (not \"{}\") to {}",
            a.type_name(),
            b.type_name(),
            a.type_name()
        ))),
        (Bin::Sub, Value::Set(x), Value::Set(_)) => super::set::difference(&x.borrow(), std::slice::from_ref(b)),
        (Bin::Mul, Value::Str(_) | Value::List(_) | Value::Tuple(_), _) => repeat(a, b),
        (Bin::Mul, _, Value::Str(_) | Value::List(_) | Value::Tuple(_)) => repeat(b, a),
        (Bin::Mod, Value::Str(f), _) => Ok(Value::str(super::pyfmt::percent_format(f, b)?)),
        _ => Err(type_error(format!(
            "unsupported operand type(s) for {}: '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// `a | b`, `a ^ b`, `a & b`, `a << b`, `a >> b`: on ints (bools stay
/// bools for `|`, `^`, `&`), `|` merging two dicts, set operations.
pub(crate) fn bitwise(op: Bin, a: &Value, b: &Value) -> OpResult {
    use Num::{B, I};
    let ints = match (num(a), num(b)) {
        (Some(x @ (I(_) | B(_))), Some(y @ (I(_) | B(_)))) => Some((x, y)),
        _ => None,
    };
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) if !matches!(op, Bin::LShift | Bin::RShift) => {
            return Ok(Value::Bool(match op {
                Bin::BitOr => x | y,
                Bin::BitXor => x ^ y,
                _ => x & y,
            }))
        }
        (Value::Set(x), Value::Set(_)) if op != Bin::LShift && op != Bin::RShift => {
            let x = x.borrow();
            let others = std::slice::from_ref(b);
            return match op {
                Bin::BitOr => super::set::union(&x, others),
                Bin::BitAnd => super::set::intersection(&x, others),
                _ => super::set::symmetric_difference(&x, b),
            };
        }
        (Value::Dict(x), Value::Dict(_)) if op == Bin::BitOr => {
            let merged = Value::Dict(std::rc::Rc::new(std::cell::RefCell::new(x.borrow().clone())));
            super::store::update(&merged, b)?;
            return Ok(merged);
        }
        _ => {}
    }
    let Some((x, y)) = ints else {
        return Err(type_error(format!(
            "unsupported operand type(s) for {}: '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        )));
    };
    if let (I(p), I(q)) = (x, y) {
        let fast = match op {
            Bin::BitOr => Some(p | q),
            Bin::BitXor => Some(p ^ q),
            Bin::BitAnd => Some(p & q),
            _ if q < 0 => return Err(value_error("negative shift count")),
            Bin::RShift => Some(p >> q.min(63)),
            _ if p == 0 => Some(0),
            _ => (q < 63).then(|| p << q).filter(|r| r >> q == p),
        };
        if let Some(r) = fast {
            return Ok(Value::Int(r));
        }
    }
    bigint::arith(op, &big(x), &big(y))
}

/// `~x`.
pub(crate) fn invert(v: &Value) -> OpResult {
    match num(v) {
        Some(Num::I(i)) => Ok(Value::Int(!i)),
        Some(Num::B(b)) => Ok(bigint::norm(-b - 1)),
        _ => Err(type_error(format!("bad operand type for unary ~: '{}'", v.type_name()))),
    }
}

/// An int too big for an index or a count (CPython's `Py_ssize_t`).
fn index_sized(kind: &str) -> Exc {
    let class = if kind == "IndexError" { ExcClass::IndexError } else { ExcClass::OverflowError };
    ExcObj::msg(class, "cannot fit 'int' into an index-sized integer")
}

fn repeat(seq: &Value, n: &Value) -> OpResult {
    let count = match n {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        Value::BigInt(b) if num_traits::Signed::is_negative(&**b) => 0,
        Value::BigInt(_) => return Err(index_sized("OverflowError")),
        _ => return Err(type_error(format!("can't multiply sequence by non-int of type '{}'", n.type_name()))),
    }
    .max(0);
    let unit = len_of(seq)?;
    if unit.saturating_mul(count) > MAX_ITEMS {
        return Err(limit_error());
    }
    let count = count as usize;
    Ok(match seq {
        Value::Str(s) => Value::str(s.repeat(count)),
        Value::List(l) => Value::list(l.borrow().iter().cloned().cycle().take(l.borrow().len() * count).collect()),
        Value::Tuple(t) => Value::tuple(t.iter().cloned().cycle().take(t.len() * count).collect()),
        _ => unreachable!("only sequences repeat"),
    })
}

/// A container of `a + b` items (a string of `a + b` bytes) is within the budget.
pub(crate) fn within_budget(a: usize, b: usize) -> Result<(), Exc> {
    if a.saturating_add(b) > MAX_ITEMS as usize {
        return Err(limit_error());
    }
    Ok(())
}

pub(crate) fn limit_error() -> Exc {
    ExcObj::msg(ExcClass::OverflowError, format!("asim limit: a container may hold at most {MAX_ITEMS} items"))
}

fn numeric(op: Bin, x: Num<'_>, y: Num<'_>) -> OpResult {
    use Num::{B, I};

    // The 64-bit fast path; `None` (an overflow) goes on with big ints.
    let fast = match (op, x, y) {
        (Bin::Add, I(a), I(b)) => a.checked_add(b),
        (Bin::Sub, I(a), I(b)) => a.checked_sub(b),
        (Bin::Mul, I(a), I(b)) => a.checked_mul(b),
        (Bin::FloorDiv, I(_), I(0)) => return Err(zero_division(ZeroDiv::IntFloorDiv)),
        (Bin::Mod, I(_), I(0)) => return Err(zero_division(ZeroDiv::IntMod)),
        (Bin::FloorDiv, I(a), I(b)) => floor_div(a, b),
        (Bin::Mod, I(a), I(b)) => floor_div(a, b).and_then(|q| q.checked_mul(b)).and_then(|m| a.checked_sub(m)),
        (Bin::Pow, I(a), I(b)) if b >= 0 => u32::try_from(b).ok().and_then(|e| a.checked_pow(e)),
        (Bin::Pow, I(0), I(_)) => return Err(zero_to_negative_power()),
        (Bin::Div, I(a), I(b)) => {
            if b == 0 {
                return Err(zero_division(ZeroDiv::IntTrueDiv));
            }
            return Ok(Value::Float(int_true_div(a, b)));
        }
        (Bin::Pow, I(_), I(_)) => None,
        (_, I(_) | B(_), I(_) | B(_)) => None,
        _ => None,
    };
    if let Some(r) = fast {
        return Ok(Value::Int(r));
    }
    if let (I(_) | B(_), I(_) | B(_)) = (x, y) {
        if matches!((op, x, y), (Bin::Pow, I(a), I(b)) if b < 0 && a != 0) {
            // A negative power of a small int: a float, as below.
        } else {
            return bigint::arith(op, &big(x), &big(y));
        }
    }
    match (op, x, y) {
        (Bin::Div, _, _) => {
            let (a, b) = (as_f64(x)?, as_f64(y)?);
            if b == 0.0 {
                return Err(zero_division(ZeroDiv::FloatDiv));
            }
            Ok(Value::Float(a / b))
        }
        _ => {
            let (a, b) = (as_f64(x)?, as_f64(y)?);
            Ok(Value::Float(match op {
                Bin::Add => a + b,
                Bin::Sub => a - b,
                Bin::Mul => a * b,
                Bin::FloorDiv | Bin::Mod => {
                    if b == 0.0 {
                        return Err(zero_division(if op == Bin::Mod {
                            ZeroDiv::FloatMod
                        } else {
                            ZeroDiv::FloatFloorDiv
                        }));
                    }
                    let (q, m) = float_divmod(a, b);
                    if op == Bin::Mod {
                        m
                    } else {
                        q
                    }
                }
                Bin::Pow => {
                    if a == 0.0 && b < 0.0 {
                        return Err(zero_to_negative_power());
                    }
                    if a < 0.0 && b.fract() != 0.0 && b.is_finite() {
                        return Err(value_error(
                            "asim does not support complex results (negative number to a fractional power)",
                        ));
                    }
                    let r = a.powf(b);
                    if r.is_infinite() && a.is_finite() && b.is_finite() {
                        return Err(ExcObj::new(
                            ExcClass::OverflowError,
                            vec![Value::Int(34), Value::str("Numerical result out of range")],
                        ));
                    }
                    r
                }
                Bin::Div | Bin::BitOr | Bin::BitXor | Bin::BitAnd | Bin::LShift | Bin::RShift => unreachable!(),
            }))
        }
    }
}

fn floor_div(a: i64, b: i64) -> Option<i64> {
    let q = a.checked_div(b)?;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q.checked_sub(1)
    } else {
        Some(q)
    }
}

/// Unary `-`, `+`, `not`.
pub(crate) fn neg(v: &Value) -> OpResult {
    match num(v) {
        Some(Num::I(i)) => Ok(i.checked_neg().map_or_else(|| bigint::norm(-BigInt::from(i)), Value::Int)),
        Some(Num::B(b)) => Ok(bigint::norm(-b)),
        Some(Num::F(f)) => Ok(Value::Float(-f)),
        None => Err(type_error(format!("bad operand type for unary -: '{}'", v.type_name()))),
    }
}

/// Unary `+`.
pub(crate) fn pos(v: &Value) -> OpResult {
    match num(v) {
        Some(Num::I(i)) => Ok(Value::Int(i)),
        Some(Num::B(_)) => Ok(v.clone()),
        Some(Num::F(f)) => Ok(Value::Float(f)),
        None => Err(type_error(format!("bad operand type for unary +: '{}'", v.type_name()))),
    }
}

/// `a == b`.
pub(crate) fn eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return num_cmp(x, y) == Some(Ordering::Equal);
    }
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) => seq_eq(&x.borrow(), &y.borrow()),
        (Value::Tuple(x), Value::Tuple(y)) => seq_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| eq(k, k2) && eq(v, v2)))
        }
        (Value::Set(x), Value::Set(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().all(|k| y.contains(k).unwrap_or(false))
        }
        // range_richcompare: the same length, then the same start, then the same step.
        (Value::Range(x), Value::Range(y)) => {
            let n = range_len_exact(a);
            n == range_len_exact(b) && (n == 0 || (x.0 == y.0 && (n == 1 || x.2 == y.2)))
        }
        (Value::Exc(x), Value::Exc(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::ExcClass(x), Value::ExcClass(y)) => x == y,
        (Value::UserClass(x), Value::UserClass(y)) => x.id == y.id,
        (Value::Task(x), Value::Task(y)) => x.id == y.id,
        (Value::Prim(x), Value::Prim(y)) => x.id == y.id,
        (Value::Coro(x), Value::Coro(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::TaskGroup(x), Value::TaskGroup(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Func(x), Value::Func(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Def(x), Value::Def(y)) => x.id == y.id,
        (Value::MethodOf(x), Value::MethodOf(y)) => x == y,
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        _ => false,
    }
}

/// `a is b`: identity for objects, equality for the small immutable values
/// CPython caches (None, bools, small ints).
pub(crate) fn is(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y && (-5..=256).contains(x),
        (Value::List(x), Value::List(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Set(x), Value::Set(y)) => std::rc::Rc::ptr_eq(x, y),
        (Value::Str(x), Value::Str(y)) => std::rc::Rc::ptr_eq(x, y),
        _ => {
            matches!(
                (a, b),
                (
                    Value::Exc(_)
                        | Value::ExcClass(_)
                        | Value::UserClass(_)
                        | Value::Task(_)
                        | Value::Prim(_)
                        | Value::Coro(_)
                        | Value::TaskGroup(_)
                        | Value::Func(_)
                        | Value::Def(_)
                        | Value::Builtin(_),
                    _
                )
            ) && eq(a, b)
        }
    }
}

fn seq_eq(x: &[Value], y: &[Value]) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(p, q)| eq(p, q))
}

/// Ordering for `<`, `<=`, `>`, `>=`; `sym` is the operator for the message.
/// `None` means unordered (a NaN is involved): every ordering test is false.
pub(crate) fn compare(a: &Value, b: &Value, sym: &str) -> Result<Option<Ordering>, Exc> {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return Ok(num_cmp(x, y));
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(Some(x.cmp(y))),
        (Value::List(x), Value::List(y)) => seq_cmp(&x.borrow(), &y.borrow(), sym),
        (Value::Tuple(x), Value::Tuple(y)) => seq_cmp(x, y, sym),
        _ => Err(type_error(format!(
            "'{sym}' not supported between instances of '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))),
    }
}

fn seq_cmp(x: &[Value], y: &[Value], sym: &str) -> Result<Option<Ordering>, Exc> {
    for (p, q) in x.iter().zip(y) {
        if !eq(p, q) {
            return compare(p, q, sym);
        }
    }
    Ok(Some(x.len().cmp(&y.len())))
}

/// `item in container`.
pub(crate) fn contains(container: &Value, item: &Value) -> Result<bool, Exc> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(&**sub)),
            _ => Err(type_error(format!("'in <string>' requires string as left operand, not {}", item.type_name()))),
        },
        Value::Dict(d) => {
            check_dict_key(item)?;
            Ok(d.borrow().iter().any(|(k, _)| eq(k, item)))
        }
        Value::Set(s) => s.borrow().contains(item),
        Value::List(_) | Value::Tuple(_) | Value::Range(..) => Ok(iter_items(container)?.iter().any(|v| eq(v, item))),
        _ => Err(super::messages::not_a_container(container)),
    }
}

/// That `v` can be a dict's key: a TypeError (as a dict words it) if it
/// is unhashable.
pub(crate) fn check_dict_key(v: &Value) -> Result<(), Exc> {
    check_hashable(v).map_err(|e| super::messages::unhashable_as(v, super::messages::KeyUse::DictKey, e))
}

/// That `v` is hashable: `hash(v)`'s TypeError if not.
pub(crate) fn check_hashable(v: &Value) -> Result<(), Exc> {
    match v {
        Value::List(_) | Value::Dict(_) | Value::Set(_) => {
            Err(type_error(format!("unhashable type: '{}'", v.type_name())))
        }
        Value::Tuple(t) => t.iter().try_for_each(check_hashable),
        _ => Ok(()),
    }
}

/// Number of items in a range.
pub(crate) fn range_len(v: &Value) -> i64 {
    i64::try_from(range_len_exact(v)).unwrap_or(i64::MAX)
}

/// A range's length without overflow (`range(-2**63, 2**63 - 1)` has 2**64 - 1 items).
fn range_len_exact(v: &Value) -> i128 {
    let Value::Range(r) = v else { return 0 };
    match **r {
        (a, b, s) if s > 0 && b > a => (i128::from(b) - i128::from(a) - 1) / i128::from(s) + 1,
        (a, b, s) if s < 0 && a > b => (i128::from(a) - i128::from(b) - 1) / -i128::from(s) + 1,
        _ => 0,
    }
}

/// `len(v)`.
pub(crate) fn len_of(v: &Value) -> Result<i64, Exc> {
    Ok(match v {
        Value::Str(s) => s.chars().count() as i64,
        Value::List(l) => l.borrow().len() as i64,
        Value::Tuple(t) => t.len() as i64,
        Value::Dict(d) => d.borrow().len() as i64,
        Value::Set(s) => s.borrow().len() as i64,
        Value::Range(..) => i64::try_from(range_len_exact(v))
            .map_err(|_| ExcObj::msg(ExcClass::OverflowError, "Python int too large to convert to C ssize_t"))?,
        _ => return Err(type_error(format!("object of type '{}' has no len()", v.type_name()))),
    })
}

/// The items an unpacking assignment (`a, b = v`) takes from `v`.
pub(crate) fn unpack_items(v: &Value) -> Result<Vec<Value>, Exc> {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) | Value::Str(_) | Value::Range(_) => {
            iter_items(v)
        }
        _ => Err(type_error(format!("cannot unpack non-iterable {} object", v.type_name()))),
    }
}

/// The items a `for` loop or `*xs` visits.
pub(crate) fn iter_items(v: &Value) -> Result<Vec<Value>, Exc> {
    Ok(match v {
        Value::List(l) => l.borrow().to_vec(),
        Value::Tuple(t) => t.to_vec(),
        Value::Dict(d) => d.borrow().iter().map(|(k, _)| k.clone()).collect(),
        Value::Set(s) => s.borrow().iter().cloned().collect(),
        Value::Str(s) => s.chars().map(|c| Value::str(c.to_string())).collect(),
        Value::Range(r) => {
            let (a, _, s) = **r;
            let n = range_len(v);
            if n > MAX_ITEMS {
                return Err(limit_error());
            }
            (0..n).map(|i| Value::Int(a + i * s)).collect()
        }
        _ => return Err(type_error(format!("'{}' object is not iterable", v.type_name()))),
    })
}

fn index_of(i: &Value, len: usize, what: &str) -> Result<usize, Exc> {
    let i = match i {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        Value::BigInt(_) => return Err(index_sized("IndexError")),
        // 3.11 words the str case its own way.
        _ if what == "string" => {
            return Err(type_error(format!("string indices must be integers, not '{}'", i.type_name())))
        }
        _ => {
            // `range(3)['a']`: the type is "range" here, "range object" in the IndexError.
            let what = what.trim_end_matches(" object");
            return Err(type_error(format!("{what} indices must be integers or slices, not {}", i.type_name())));
        }
    };
    let len = len as i64;
    let j = if i < 0 { i + len } else { i };
    if (0..len).contains(&j) {
        Ok(j as usize)
    } else {
        Err(ExcObj::msg(ExcClass::IndexError, format!("{what} index out of range")))
    }
}

/// `v[i]`.
pub(crate) fn index(v: &Value, i: &Value) -> OpResult {
    match v {
        Value::List(l) => {
            let l = l.borrow();
            Ok(l[index_of(i, l.len(), "list")?].clone())
        }
        Value::Tuple(t) => Ok(t[index_of(i, t.len(), "tuple")?].clone()),
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            Ok(Value::str(chars[index_of(i, chars.len(), "string")?].to_string()))
        }
        Value::Range(r) => {
            let n = usize::try_from(range_len_exact(v)).unwrap_or(i64::MAX as usize).min(i64::MAX as usize);
            let k = index_of(i, n, "range object")?;
            // Between start and stop, so it fits, though the product may not.
            Ok(Value::Int((i128::from(r.0) + k as i128 * i128::from(r.2)) as i64))
        }
        Value::Dict(d) => {
            check_dict_key(i)?;
            d.borrow()
                .iter()
                .find(|(k, _)| eq(k, i))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| ExcObj::new(ExcClass::KeyError, vec![i.clone()]))
        }
        _ => Err(type_error(format!("'{}' object is not subscriptable", v.type_name()))),
    }
}

/// `v[lo:hi:step]` for lists, tuples and strings.
pub(crate) fn slice(v: &Value, lo: Option<i64>, hi: Option<i64>, step: Option<i64>) -> OpResult {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err(value_error("slice step cannot be zero"));
    }
    let items: Vec<Value> = match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) => iter_items(v)?,
        _ => return Err(type_error(format!("'{}' object is not subscriptable", v.type_name()))),
    };
    let n = items.len() as i64;
    let clamp = |x: i64, lo: i64, hi: i64| x.clamp(lo, hi);
    let norm = |x: i64| if x < 0 { x + n } else { x };
    let picked: Vec<Value> = if step > 0 {
        let a = clamp(norm(lo.unwrap_or(0)), 0, n);
        let b = clamp(norm(hi.unwrap_or(n)), 0, n);
        (a..b).step_by(step as usize).map(|i| items[i as usize].clone()).collect()
    } else {
        let a = clamp(lo.map_or(n - 1, norm), -1, n - 1);
        let b = clamp(hi.map_or(-1, norm), -1, n - 1);
        let mut out = Vec::new();
        let mut i = a;
        while i > b {
            out.push(items[i as usize].clone());
            i += step;
        }
        out
    };
    Ok(match v {
        Value::List(_) => Value::list(picked),
        Value::Tuple(_) => Value::tuple(picked),
        _ => Value::str(picked.iter().map(Value::to_str).collect::<String>()),
    })
}

/// `a / b` of two ints, correctly rounded as CPython's `long_true_divide`
/// does (not `float(a) / float(b)`, which rounds twice: `1 / (2**53 + 1)`).
fn int_true_div(a: i64, b: i64) -> f64 {
    const EXACT: u64 = 1 << 53;
    let (ua, ub) = (a.unsigned_abs(), b.unsigned_abs());
    if ua <= EXACT && ub <= EXACT {
        // Both exact as floats: one correctly rounded division.
        return a as f64 / b as f64;
    }
    let negative = (a < 0) != (b < 0);
    if ua == 0 {
        return if negative { -0.0 } else { 0.0 };
    }
    let bits = |x: u128| 128 - x.leading_zeros();
    // Scale the dividend so the quotient has 64 or more bits; the
    // remainder decides the rounding ("sticky").
    let shift = (64 + bits(u128::from(ub))).saturating_sub(bits(u128::from(ua)));
    let num = u128::from(ua) << shift;
    let (q, r) = (num / u128::from(ub), num % u128::from(ub));
    let n = bits(q);
    let extra = n.saturating_sub(53);
    let mut mant = q >> extra;
    if extra > 0 {
        let rest = q & ((1u128 << extra) - 1);
        let half = 1u128 << (extra - 1);
        if rest > half || (rest == half && (r != 0 || mant & 1 == 1)) {
            mant += 1;
        }
    }
    let exp = i32::try_from(extra).unwrap_or(0) - i32::try_from(shift).unwrap_or(0);
    let v = mant as f64 * 2f64.powi(exp);
    if negative {
        -v
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(op: Bin, a: Value, b: Value) -> String {
        match binary(op, &a, &b) {
            Ok(v) => v.repr(),
            Err(e) => format!("{}: {}", e.name(), e.to_str()),
        }
    }

    #[test]
    fn arithmetic_matches_python() {
        use Value::{Float as F, Int as I};
        // The messages as 3.11 words them (src/value/messages.rs has each
        // release's).
        crate::version::set_current(crate::version::Python::V3_11);

        let s = |x: &str| Value::str(x);
        let table = [
            (Bin::FloorDiv, I(7), I(2), "3"),
            (Bin::FloorDiv, I(-7), I(2), "-4"),
            (Bin::Mod, I(-7), I(2), "1"),
            (Bin::Mod, I(7), I(-2), "-1"),
            (Bin::Div, I(7), I(2), "3.5"),
            // Correctly rounded, not float(a) / float(b) (CPython's long_true_divide).
            (Bin::Div, I(1), I(9007199254740993), "1.1102230246251564e-16"),
            (Bin::Div, I(4611686018427387911), I(9007199254740993), "511.99999999999994"),
            (Bin::Div, I(-4611686018427387905), I(3), "-1.5372286728091292e+18"),
            (Bin::Div, I(5), I(4611686018427387907), "1.0842021724855044e-18"),
            (Bin::Div, I(-3), I(9007199254740993), "-3.330669073875469e-16"),
            (Bin::Div, I(1), I(0), "ZeroDivisionError: division by zero"),
            (Bin::Div, F(1.0), I(0), "ZeroDivisionError: float division by zero"),
            (Bin::FloorDiv, I(1), I(0), "ZeroDivisionError: integer division or modulo by zero"),
            (Bin::FloorDiv, F(1.0), I(0), "ZeroDivisionError: float floor division by zero"),
            (Bin::Mod, I(1), I(0), "ZeroDivisionError: integer modulo by zero"),
            (Bin::Mod, F(1.0), I(0), "ZeroDivisionError: float modulo"),
            (Bin::Pow, I(0), I(-1), "ZeroDivisionError: 0.0 cannot be raised to a negative power"),
            (Bin::Pow, I(2), I(-1), "0.5"),
            (Bin::Pow, I(2), I(10), "1024"),
            (Bin::Mod, F(-7.5), I(2), "0.5"),
            (Bin::FloorDiv, F(-7.5), I(2), "-4.0"),
            (Bin::Mod, F(7.0), F(-2.0), "-1.0"),
            (Bin::Add, F(0.1), F(0.2), "0.30000000000000004"),
            (Bin::Add, I(1), s("a"), "TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
            (Bin::Add, s("a"), I(1), "TypeError: can only concatenate str (not \"int\") to str"),
            (Bin::Add, s("a"), s("b"), "'ab'"),
            (Bin::Mul, s("ab"), I(3), "'ababab'"),
            (Bin::Mul, I(2), Value::list(vec![I(1)]), "[1, 1]"),
            (Bin::Mul, s("a"), s("b"), "TypeError: can't multiply sequence by non-int of type 'str'"),
            (Bin::Add, Value::Bool(true), Value::Bool(true), "2"),
            (Bin::Add, Value::None, I(1), "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'"),
            // Past 64 bits: big ints, Python's results.
            (Bin::Add, I(i64::MAX), I(1), "9223372036854775808"),
            (Bin::Sub, I(i64::MIN), I(1), "-9223372036854775809"),
            (Bin::Mul, I(1 << 40), I(1 << 40), "1208925819614629174706176"),
            (Bin::Pow, I(3), I(50), "717897987691852588770249"),
            (Bin::Pow, I(2), I(-3), "0.125"),
            (Bin::FloorDiv, I(i64::MIN), I(-1), "9223372036854775808"),
            (Bin::Mod, I(i64::MIN), I(-1), "0"),
            (Bin::Pow, I(2), I(2_000_000), "OverflowError: asim limit: an int may have at most 1000000 bits"),
        ];
        for (op, a, b, want) in table {
            assert_eq!(r(op, a.clone(), b.clone()), want, "{a:?} {op:?} {b:?}");
        }
    }

    #[test]
    fn comparisons_and_containers() {
        assert!(eq(&Value::Int(1), &Value::Float(1.0)));
        assert!(eq(&Value::Int(1), &Value::Bool(true)));
        assert!(!eq(&Value::Int(1), &Value::str("1")));
        let e = compare(&Value::Int(1), &Value::str("a"), "<").unwrap_err();
        assert_eq!(e.to_str(), "'<' not supported between instances of 'int' and 'str'");
        assert!(contains(&Value::str("abc"), &Value::str("bc")).unwrap());
        assert_eq!(index(&Value::list(vec![]), &Value::Int(5)).unwrap_err().to_str(), "list index out of range");
        assert_eq!(index(&Value::Dict(Default::default()), &Value::str("b")).unwrap_err().to_str(), "'b'");
        assert_eq!(range_len(&Value::range(0, 10, 3)), 4);
        assert_eq!(range_len(&Value::range(10, 0, -3)), 4);
        // range_richcompare: equal when they hold the same numbers.
        assert!(eq(&Value::range(0, 5, 2), &Value::range(0, 6, 2)));
        assert!(eq(&Value::range(0, 0, 1), &Value::range(5, 2, 3)));
        assert!(eq(&Value::range(4, 5, 1), &Value::range(4, 9, 7)));
        assert!(!eq(&Value::range(0, 3, 1), &Value::range(0, 3, 2)));
        assert_eq!(index(&Value::range(10, 0, -3), &Value::Int(-1)).unwrap().repr(), "1");
        assert_eq!(
            index(&Value::range(0, i64::MAX, 1), &Value::Int(i64::MAX - 1)).unwrap().repr(),
            (i64::MAX - 1).to_string()
        );
        assert_eq!(
            index(&Value::range(0, 3, 1), &Value::Int(3)).unwrap_err().to_str(),
            "range object index out of range"
        );
        assert_eq!(slice(&Value::str("hello"), None, None, Some(-1)).unwrap().repr(), "'olleh'");
        assert_eq!(
            slice(&Value::list(vec![Value::Int(1), Value::Int(2), Value::Int(3)]), Some(1), None, None).unwrap().repr(),
            "[2, 3]"
        );
    }
}

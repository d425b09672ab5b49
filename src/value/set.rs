//! Python's `set`, laid out as CPython 3.11's `setobject.c` lays it out: an
//! open-addressing table probed linearly then by perturbation, resized at
//! three-fifths full, with dummies where items were removed. Iteration is
//! table order, so `print({3, 1, 2})` and `for x in s` go in CPython's order
//! wherever the hashes are CPython's (ints, floats, tuples of them; see
//! `hash`). Other items (strings, whose hash CPython salts per process;
//! `None`, tasks, whose hash is their address) get a stand-in hash: their
//! order is one CPython could give, not the one it gives.

use super::hash::{hash, Hash};
use super::{ops, Exc, ExcClass, Value};
use std::cell::RefCell;
use std::rc::Rc;

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

#[derive(Debug, Clone)]
enum Slot {
    Empty,
    Dummy,
    Full(i64, Value),
}

/// A set's table.
#[derive(Debug, Clone)]
pub(crate) struct SetItems {
    table: Vec<Slot>,
    /// Full and dummy slots.
    fill: usize,
    /// Full slots.
    used: usize,
    /// Where `pop` looks next.
    finger: usize,
}

impl Default for SetItems {
    fn default() -> Self {
        SetItems { table: vec![Slot::Empty; MIN_SIZE], fill: 0, used: 0, finger: 0 }
    }
}

/// The hash a set files `v` under: CPython's where it is the same in every
/// process, a stand-in otherwise.
pub(crate) fn set_hash(v: &Value) -> Result<i64, Exc> {
    let h = hash(v).map_err(|e| super::messages::unhashable_as(v, super::messages::KeyUse::SetElement, e))?;
    Ok(match h {
        Hash::Known(h) | Hash::Salted(h) => h,
        Hash::Unknown => stand_in(v),
    })
}

/// A deterministic hash for a value whose CPython hash changes between
/// processes (FNV-1a of its text; -1 is never a hash).
fn stand_in(v: &Value) -> i64 {
    let text = match v {
        Value::Str(s) => s.to_string(),
        Value::Task(t) => format!("task {}", t.id),
        other => other.repr(),
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let h = h as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

impl SetItems {
    pub(crate) fn len(&self) -> usize {
        self.used
    }

    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    /// The items in iteration (table) order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Value> {
        self.table.iter().filter_map(|s| match s {
            Slot::Full(_, v) => Some(v),
            _ => None,
        })
    }

    /// The slot holding an item equal to `key`, if any.
    fn find(&self, key: &Value, h: i64) -> Option<usize> {
        let mask = self.mask();
        let mut perturb = h as u64;
        let mut i = (h as u64 as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            for j in i..=i + probes {
                match &self.table[j] {
                    Slot::Empty => return None,
                    Slot::Full(eh, v) if *eh == h && ops::eq(v, key) => return Some(j),
                    _ => {}
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
        }
    }

    pub(crate) fn contains(&self, key: &Value) -> Result<bool, Exc> {
        let h = set_hash(key)?;
        Ok(self.find(key, h).is_some())
    }

    /// `set_add_entry`.
    pub(crate) fn add(&mut self, key: Value) -> Result<(), Exc> {
        let h = set_hash(&key)?;
        let mask = self.mask();
        let mut perturb = h as u64;
        let mut i = (h as u64 as usize) & mask;
        let mut free: Option<usize> = None;
        let empty = loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            let mut found = None;
            for j in i..=i + probes {
                match &self.table[j] {
                    Slot::Empty => {
                        found = Some(j);
                        break;
                    }
                    Slot::Full(eh, v) if *eh == h && ops::eq(v, &key) => return Ok(()),
                    // CPython keeps the last dummy it passes.
                    Slot::Dummy => free = Some(j),
                    _ => {}
                }
            }
            if let Some(j) = found {
                break j;
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
        };
        if let Some(f) = free {
            self.table[f] = Slot::Full(h, key);
            self.used += 1;
            return Ok(());
        }
        if self.used as i64 >= ops::MAX_ITEMS {
            return Err(ops::limit_error());
        }
        self.table[empty] = Slot::Full(h, key);
        self.fill += 1;
        self.used += 1;
        if self.fill * 5 >= mask * 3 {
            let min_used = if self.used > 50_000 { self.used * 2 } else { self.used * 4 };
            self.resize(min_used);
        }
        Ok(())
    }

    /// `set_table_resize`: a table of the smallest power of two above
    /// `min_used`, the items re-inserted in table order.
    fn resize(&mut self, min_used: usize) {
        let mut size = MIN_SIZE;
        while size <= min_used {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.table, vec![Slot::Empty; size]);
        self.fill = self.used;
        for slot in old {
            if let Slot::Full(h, v) = slot {
                self.insert_clean(h, v);
            }
        }
    }

    /// `set_insert_clean`: into a table with no dummies and no equal item.
    fn insert_clean(&mut self, h: i64, v: Value) {
        let mask = self.mask();
        let mut perturb = h as u64;
        let mut i = (h as u64 as usize) & mask;
        loop {
            if matches!(self.table[i], Slot::Empty) {
                self.table[i] = Slot::Full(h, v);
                return;
            }
            if i + LINEAR_PROBES <= mask {
                for j in i + 1..=i + LINEAR_PROBES {
                    if matches!(self.table[j], Slot::Empty) {
                        self.table[j] = Slot::Full(h, v);
                        return;
                    }
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
        }
    }

    /// `discard`: whether it was there.
    pub(crate) fn discard(&mut self, key: &Value) -> Result<bool, Exc> {
        let h = set_hash(key)?;
        match self.find(key, h) {
            Some(j) => {
                let old = std::mem::replace(&mut self.table[j], Slot::Dummy);
                self.used -= 1;
                drop(old);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// `pop`: the item at or after the finger (`None`: empty).
    pub(crate) fn pop(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut j = self.finger & mask;
        while !matches!(self.table[j], Slot::Full(..)) {
            j = (j + 1) & mask;
        }
        let Slot::Full(_, v) = std::mem::replace(&mut self.table[j], Slot::Dummy) else { unreachable!() };
        self.used -= 1;
        self.finger = j + 1;
        Some(v)
    }

    /// `clear`: an empty table of the minimum size (`pop`'s finger stays).
    pub(crate) fn clear(&mut self) -> SetItems {
        let finger = self.finger;
        let old = std::mem::take(self);
        self.finger = finger;
        old
    }

    /// `set_merge` of another set into this one: a table-order copy.
    pub(crate) fn merge(&mut self, other: &SetItems) {
        if other.used == 0 {
            return;
        }
        if (self.fill + other.used) * 5 >= self.mask() * 3 {
            self.resize((self.used + other.used) * 2);
        }
        if self.fill == 0 && self.mask() == other.mask() && other.fill == other.used {
            // An empty table of the same size, no dummies: the same slots.
            for (i, s) in other.table.iter().enumerate() {
                if let Slot::Full(h, v) = s {
                    self.table[i] = Slot::Full(*h, v.clone());
                    self.fill += 1;
                    self.used += 1;
                }
            }
            return;
        }
        if self.fill == 0 {
            for s in &other.table {
                if let Slot::Full(h, v) = s {
                    self.fill += 1;
                    self.used += 1;
                    self.insert_clean(*h, v.clone());
                }
            }
            return;
        }
        for v in other.iter() {
            // Hashable already: it is in a set.
            let _ = self.add(v.clone());
        }
    }

    /// A copy (`set(s)`, `s.copy()`).
    pub(crate) fn copy(&self) -> SetItems {
        let mut out = SetItems::default();
        out.merge(self);
        out
    }
}

/// A set built by adding `items` in order (`{a, b}` of names, `set(xs)`,
/// a set comprehension).
pub(crate) fn from_items(items: impl IntoIterator<Item = Value>) -> Result<SetItems, Exc> {
    let mut s = SetItems::default();
    for v in items {
        s.add(v)?;
    }
    Ok(s)
}

/// How a set display is built, which decides its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetForm {
    /// Its items added in order (`{a, b}`, two constants or any name).
    Built,
    /// Three or more constants: CPython's compiler makes a frozenset
    /// constant, and the code merges it into an empty set.
    Display,
    /// All constants, iterated (`for x in {...}`, a comprehension's
    /// `in {...}`): the frozenset constant itself.
    Frozen,
}

/// The frozenset CPython's compiler makes of constants: built from the
/// tuple, rebuilt from its own order when the code's constants are merged,
/// and rebuilt again when one of its strings is interned (a str of ASCII
/// letters, digits and `_`; CPython rebuilds only if an equal str was
/// interned before, which asim takes to be so).
fn frozen(items: Vec<Value>) -> Result<SetItems, Exc> {
    let interned = items.iter().any(
        |v| matches!(v, Value::Str(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')),
    );
    let mut s = from_items(items)?;
    for _ in 0..1 + usize::from(interned) {
        s = from_items(s.iter().cloned())?;
    }
    Ok(s)
}

/// A set display's value.
pub(crate) fn display(items: Vec<Value>, form: SetForm) -> Result<SetItems, Exc> {
    match form {
        SetForm::Built => from_items(items),
        SetForm::Display => Ok(frozen(items)?.copy()),
        SetForm::Frozen => frozen(items),
    }
}

// -- the operations, as setobject.c does them --------------------------------

fn shared(items: SetItems) -> Value {
    Value::Set(Rc::new(RefCell::new(items)))
}

/// `set(iterable)`: a set's table copied, any other iterable's items added.
pub(crate) fn from_value(v: &Value) -> Result<SetItems, Exc> {
    let mut s = SetItems::default();
    update(&mut s, v)?;
    Ok(s)
}

/// `set_update_internal`: merge a set, add another iterable's items.
pub(crate) fn update(s: &mut SetItems, other: &Value) -> Result<(), Exc> {
    if let Value::Set(o) = other {
        let o = o.borrow().clone();
        s.merge(&o);
        return Ok(());
    }
    for v in ops::iter_items(other)? {
        s.add(v)?;
    }
    Ok(())
}

fn not_iterable(v: &Value) -> Exc {
    ops::type_error(format!("'{}' object is not iterable", v.type_name()))
}

/// The items of a set argument, as a set (`issubset([1, 2])`).
fn as_set(v: &Value) -> Result<SetItems, Exc> {
    match v {
        Value::Set(o) => Ok(o.borrow().clone()),
        Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Str(_) | Value::Range(_) => from_value(v),
        _ => Err(not_iterable(v)),
    }
}

/// `so | other` and `so.union(*others)`.
pub(crate) fn union(so: &SetItems, others: &[Value]) -> Result<Value, Exc> {
    let mut r = so.copy();
    for o in others {
        update(&mut r, o)?;
    }
    Ok(shared(r))
}

/// `set_intersection`: the smaller set is walked (`other` on a tie), and
/// its items kept.
fn intersect(so: &SetItems, other: &Value) -> Result<SetItems, Exc> {
    let mut r = SetItems::default();
    match other {
        Value::Set(o) => {
            let o = o.borrow();
            let (walk, probe) = if o.len() > so.len() { (so, &*o) } else { (&*o, so) };
            for v in walk.iter() {
                if probe.contains(v)? {
                    r.add(v.clone())?;
                }
            }
        }
        _ => {
            for v in ops::iter_items(other).map_err(|_| not_iterable(other))? {
                // `set_intersection` hashes the item itself: `hash()`'s
                // message in every release.
                hash(&v)?;
                if so.contains(&v)? {
                    r.add(v)?;
                }
            }
        }
    }
    Ok(r)
}

/// `so & other` and `so.intersection(*others)`.
pub(crate) fn intersection(so: &SetItems, others: &[Value]) -> Result<Value, Exc> {
    let mut r = so.copy();
    for o in others {
        r = intersect(&r, o)?;
    }
    Ok(shared(r))
}

/// `set_difference`: a copy with `other` discarded when `other` is much
/// smaller, else the items of `so` not in `other`, in `so`'s order.
fn subtract(so: &SetItems, other: &Value) -> Result<SetItems, Exc> {
    let other_len = match other {
        Value::Set(o) => Some(o.borrow().len()),
        _ => None,
    };
    match other_len {
        Some(n) if (so.len() >> 2) <= n => {
            let Value::Set(o) = other else { unreachable!() };
            let o = o.borrow();
            let mut r = SetItems::default();
            for v in so.iter() {
                if !o.contains(v)? {
                    r.add(v.clone())?;
                }
            }
            Ok(r)
        }
        _ => {
            let mut r = so.copy();
            for v in ops::iter_items(other).map_err(|_| not_iterable(other))? {
                r.discard(&v)?;
            }
            Ok(r)
        }
    }
}

/// `so - other` and `so.difference(*others)`.
pub(crate) fn difference(so: &SetItems, others: &[Value]) -> Result<Value, Exc> {
    let Some((first, rest)) = others.split_first() else { return Ok(shared(so.copy())) };
    let mut r = subtract(so, first)?;
    for o in rest {
        for v in ops::iter_items(o).map_err(|_| not_iterable(o))? {
            r.discard(&v)?;
        }
    }
    Ok(shared(r))
}

/// `so ^ other`: a copy of `other`, then each item of `so` discarded from
/// it or added.
pub(crate) fn symmetric_difference(so: &SetItems, other: &Value) -> Result<Value, Exc> {
    let mut r = as_set(other)?.copy();
    for v in so.iter() {
        if !r.discard(v)? {
            r.add(v.clone())?;
        }
    }
    Ok(shared(r))
}

/// `so <= other` as `issubset` computes it.
pub(crate) fn is_subset(so: &SetItems, other: &SetItems) -> Result<bool, Exc> {
    if so.len() > other.len() {
        return Ok(false);
    }
    for v in so.iter() {
        if !other.contains(v)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `so.issubset(x)`, `issuperset(x)`, `isdisjoint(x)` of any iterable.
pub(crate) fn relation(so: &SetItems, method: &str, other: &Value) -> Result<bool, Exc> {
    let o = match as_set(other) {
        Ok(o) => o,
        // `issubset` reports the item's own `hash()` error in every
        // release (the others word it as a set element's).
        Err(e) if method == "issubset" && e.class == ExcClass::TypeError => {
            for v in ops::iter_items(other)? {
                hash(&v)?;
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    match method {
        "issubset" => is_subset(so, &o),
        "issuperset" => is_subset(&o, so),
        _ => {
            for v in o.iter() {
                if so.contains(v)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
    }
}

/// `{...}` of a set: `set()` when empty.
pub(crate) fn write_repr(items: &SetItems, out: &mut String) {
    if items.len() == 0 {
        out.push_str("set()");
        return;
    }
    out.push('{');
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        v.write_repr(out);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of(xs: &[i64]) -> SetItems {
        let mut s = SetItems::default();
        for &x in xs {
            s.add(Value::Int(x)).unwrap();
        }
        s
    }

    fn literal(xs: &[i64]) -> SetItems {
        display(xs.iter().map(|&x| Value::Int(x)).collect(), SetForm::Display).unwrap()
    }

    fn order(s: &SetItems) -> Vec<i64> {
        s.iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                _ => unreachable!(),
            })
            .collect()
    }

    /// Orders printed by CPython 3.11.
    #[test]
    fn orders_match_cpython() {
        assert_eq!(order(&set_of(&[3, 1, 2])), [1, 2, 3]);
        // `s.add(x)` one by one.
        assert_eq!(order(&set_of(&[8, 16, 0, -1, 7])), [0, 7, 8, 16, -1]);
        assert_eq!(order(&set_of(&[100, 5, 37, 64, 2, 9])), [64, 2, 100, 37, 5, 9]);
        // A literal of constants is a frozenset merged into an empty set.
        assert_eq!(order(&literal(&[8, 16, 0, -1, 7])), [0, 16, 7, 8, -1]);
        assert_eq!(order(&literal(&[100, 5, 37, 64, 2, 9])), [64, 2, 100, 5, 37, 9]);
        let mut s = set_of(&(0..20).map(|i| i * 7).collect::<Vec<_>>());
        s.discard(&Value::Int(14)).unwrap();
        s.add(Value::Int(1000)).unwrap();
        let want = [0, 133, 7, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 1000, 105, 112, 119, 126];
        assert_eq!(order(&s), want);
    }
}

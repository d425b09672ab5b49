//! Exception messages whose wording differs between CPython releases: one
//! function per family, each asking [`crate::version::asked`] about its
//! own [`Change`] (docs/fidelity.md, "Python versions: messages").

use super::ops::{type_error, value_error};
use super::{Exc, ExcClass, ExcObj, Value};
use crate::version::{asked, Change};

/// What was divided (or taken modulo) by zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZeroDiv {
    /// `int // 0`, `divmod(int, 0)`.
    IntFloorDiv,
    /// `int % 0`.
    IntMod,
    /// `int / 0`: `division by zero` in every release.
    IntTrueDiv,
    /// A float `/ 0`.
    FloatDiv,
    /// A float `// 0`.
    FloatFloorDiv,
    /// A float `% 0`.
    FloatMod,
    /// `divmod()` of a float by zero.
    FloatDivmod,
}

/// The ZeroDivisionError of a division, floor division, modulo or
/// `divmod()` by zero.
pub(crate) fn zero_division(kind: ZeroDiv) -> Exc {
    let msg = match kind {
        ZeroDiv::IntTrueDiv => "division by zero",
        _ if asked(Change::ZeroDivisionMessage) => "division by zero",
        ZeroDiv::IntFloorDiv => "integer division or modulo by zero",
        ZeroDiv::IntMod => "integer modulo by zero",
        ZeroDiv::FloatDiv => "float division by zero",
        ZeroDiv::FloatFloorDiv => "float floor division by zero",
        ZeroDiv::FloatMod if asked(Change::FloatModuloMessage) => "float modulo by zero",
        ZeroDiv::FloatMod => "float modulo",
        ZeroDiv::FloatDivmod => "float divmod()",
    };
    ExcObj::msg(ExcClass::ZeroDivisionError, msg)
}

/// The ZeroDivisionError of `0 ** -1` (an int or a float zero).
pub(crate) fn zero_to_negative_power() -> Exc {
    ExcObj::msg(
        ExcClass::ZeroDivisionError,
        if asked(Change::ZeroPowerMessage) {
            "zero to a negative power"
        } else {
            "0.0 cannot be raised to a negative power"
        },
    )
}

/// The ValueError of `max()` or `min()` (`name`) of an empty iterable.
pub(crate) fn empty_max_min(name: &str) -> Exc {
    if asked(Change::EmptyMaxMinMessage) {
        value_error(format!("{name}() iterable argument is empty"))
    } else {
        value_error(format!("{name}() arg is an empty sequence"))
    }
}

/// The ValueError of `list.index(x)` when `x` is not in the list.
pub(crate) fn not_in_list(x: &Value) -> Exc {
    if asked(Change::ListIndexMessage) {
        value_error("list.index(x): x not in list")
    } else {
        value_error(format!("{} is not in list", x.repr()))
    }
}

/// What an unhashable value was used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyUse {
    /// A dict's key (`d[k]`, `k in d`, `{k: v}`, `d.get(k)`, ...).
    DictKey,
    /// A set's element (`s.add(x)`, `x in s`, `{x}`, `set(xs)`, ...).
    SetElement,
}

/// The TypeError `hash(v)` raised (`unhashable type: 'list'`, for `v` or
/// an item of it), as a dict or a set reports it when `v` is used as a
/// key or an element.
pub(crate) fn unhashable_as(v: &Value, what: KeyUse, hash_error: Exc) -> Exc {
    if hash_error.class != ExcClass::TypeError || !asked(Change::UnhashableMessage) {
        return hash_error;
    }
    let role = match what {
        KeyUse::DictKey => "a dict key",
        KeyUse::SetElement => "a set element",
    };
    type_error(format!("cannot use '{}' as {role} ({})", v.type_name(), hash_error.message()))
}

/// The TypeError of `x in c` where `c` is neither a container nor
/// iterable.
pub(crate) fn not_a_container(c: &Value) -> Exc {
    if asked(Change::ContainsMessage) {
        type_error(format!("argument of type '{}' is not a container or iterable", c.type_name()))
    } else {
        type_error(format!("argument of type '{}' is not iterable", c.type_name()))
    }
}

/// The ValueError of unpacking `v` into `expected` targets when it has
/// more items: `got` is their number, which a list, a tuple or a dict
/// reports (they know their length without being iterated).
pub(crate) fn too_many_values(expected: usize, v: &Value, got: usize) -> Exc {
    let sized = matches!(v, Value::List(_) | Value::Tuple(_) | Value::Dict(_));
    if sized && asked(Change::UnpackCountMessage) {
        value_error(format!("too many values to unpack (expected {expected}, got {got})"))
    } else {
        value_error(format!("too many values to unpack (expected {expected})"))
    }
}

/// The ValueError of `asyncio.Barrier(parties)` with `parties < 1`.
pub(crate) fn barrier_parties() -> Exc {
    value_error(if asked(Change::BarrierPartiesMessage) { "parties must be >= 1" } else { "parties must be > 0" })
}

/// The ValueError `asyncio.sleep(nan)` raises, or `None` in the releases
/// where it sleeps as `sleep(0)`.
pub(crate) fn sleep_nan() -> Option<Exc> {
    asked(Change::SleepNanError).then(|| value_error("Invalid delay: NaN (not a number)"))
}

/// The TypeError of `'%c' % v` for a `v` that is neither an int nor a
/// one-character str: 3.14 says what it got.
pub(crate) fn percent_c_type(v: &Value) -> Exc {
    if asked(Change::PercentCharMessage) {
        let got = match v {
            Value::Str(s) => format!("a string of length {}", s.chars().count()),
            other => other.type_name().to_string(),
        };
        type_error(format!("%c requires an int or a unicode character, not {got}"))
    } else {
        type_error("%c requires int or char")
    }
}

/// The TypeError of `dict(seq)` / `d.update(seq)` whose element `i` is not
/// a sequence. 3.14 raises the element's iteration error ("object is not
/// iterable") with the old sentence as a note, which asim does not show.
pub(crate) fn dict_update_element(i: usize) -> Exc {
    if asked(Change::DictUpdateElementMessage) {
        type_error("object is not iterable")
    } else {
        type_error(format!("cannot convert dictionary update sequence element #{i} to a sequence"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::{asked_changes, set_current, Python};

    fn text(e: &Exc) -> String {
        e.message()
    }

    /// Each message in each release, as CPython 3.11.3, 3.12.7, 3.13.2 and
    /// 3.14.2 print it.
    #[test]
    fn wording_per_release() {
        let list = Value::list(vec![]);
        for py in Python::ALL {
            set_current(py);
            let v14 = py >= Python::V3_14;
            let want = |old: &'static str| if v14 { "division by zero" } else { old };
            assert_eq!(text(&zero_division(ZeroDiv::IntFloorDiv)), want("integer division or modulo by zero"));
            assert_eq!(text(&zero_division(ZeroDiv::IntMod)), want("integer modulo by zero"));
            assert_eq!(text(&zero_division(ZeroDiv::IntTrueDiv)), "division by zero");
            assert_eq!(text(&zero_division(ZeroDiv::FloatDiv)), want("float division by zero"));
            assert_eq!(text(&zero_division(ZeroDiv::FloatFloorDiv)), want("float floor division by zero"));
            assert_eq!(text(&zero_division(ZeroDiv::FloatDivmod)), want("float divmod()"));
            let modulo = match py {
                Python::V3_11 | Python::V3_12 => "float modulo",
                Python::V3_13 => "float modulo by zero",
                Python::V3_14 => "division by zero",
            };
            assert_eq!(text(&zero_division(ZeroDiv::FloatMod)), modulo);
            assert_eq!(
                text(&zero_to_negative_power()),
                if v14 { "zero to a negative power" } else { "0.0 cannot be raised to a negative power" }
            );
            assert_eq!(
                text(&empty_max_min("min")),
                if py >= Python::V3_12 { "min() iterable argument is empty" } else { "min() arg is an empty sequence" }
            );
            assert_eq!(
                text(&not_in_list(&Value::Int(5))),
                if v14 { "list.index(x): x not in list" } else { "5 is not in list" }
            );
            let hash_error = crate::value::hash::hash(&list).unwrap_err();
            assert_eq!(text(&hash_error), "unhashable type: 'list'");
            assert_eq!(
                text(&unhashable_as(&list, KeyUse::DictKey, hash_error.clone())),
                if v14 {
                    "cannot use 'list' as a dict key (unhashable type: 'list')"
                } else {
                    "unhashable type: 'list'"
                }
            );
            let tuple = Value::tuple(vec![list.clone()]);
            assert_eq!(
                text(&unhashable_as(&tuple, KeyUse::SetElement, hash_error)),
                if v14 {
                    "cannot use 'tuple' as a set element (unhashable type: 'list')"
                } else {
                    "unhashable type: 'list'"
                }
            );
            assert_eq!(
                text(&not_a_container(&Value::Int(5))),
                if v14 {
                    "argument of type 'int' is not a container or iterable"
                } else {
                    "argument of type 'int' is not iterable"
                }
            );
            assert_eq!(
                text(&too_many_values(2, &list, 3)),
                if v14 {
                    "too many values to unpack (expected 2, got 3)"
                } else {
                    "too many values to unpack (expected 2)"
                }
            );
            assert_eq!(text(&too_many_values(2, &Value::str("abc"), 3)), "too many values to unpack (expected 2)");
            assert_eq!(
                text(&barrier_parties()),
                if py >= Python::V3_13 { "parties must be >= 1" } else { "parties must be > 0" }
            );
            assert_eq!(
                sleep_nan().map(|e| text(&e)).as_deref(),
                (py >= Python::V3_13).then_some("Invalid delay: NaN (not a number)")
            );
            assert_eq!(
                text(&dict_update_element(0)),
                if v14 {
                    "object is not iterable"
                } else {
                    "cannot convert dictionary update sequence element #0 to a sequence"
                }
            );
        }
    }

    /// Asking notes the change, so `--python all` can name it.
    #[test]
    fn asking_notes_the_change() {
        set_current(Python::V3_11);
        assert_eq!(asked_changes(), 0);
        let _ = zero_division(ZeroDiv::IntMod);
        assert_ne!(asked_changes() & Change::ZeroDivisionMessage.bit(), 0);
        assert_eq!(asked_changes() & Change::FloatModuloMessage.bit(), 0);
        let _ = zero_division(ZeroDiv::IntTrueDiv);
        set_current(Python::V3_14);
        let _ = zero_division(ZeroDiv::IntTrueDiv);
        assert_eq!(asked_changes(), 0);
    }
}

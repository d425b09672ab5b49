//! Python's `hash()` where CPython's value does not depend on the process:
//! ints, bools and floats (the modular hash of `Python/pyhash.c`, so that
//! `hash(1) == hash(1.0) == hash(True)`), and tuples of them (the xxHash
//! mix of `tupleobject.c`). A str's hash is salted per process
//! (`PYTHONHASHSEED`): asim computes the one CPython gives with
//! `PYTHONHASHSEED=0` ([`Hash::Salted`]), so a set of strings has that
//! order. `None`'s and other objects' follow their memory address in 3.11:
//! [`Hash::Unknown`].

use super::{ops::type_error, Exc, Value};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

/// `sys.hash_info.modulus`: the Mersenne prime 2**61 - 1.
const MODULUS: u64 = (1 << 61) - 1;
const BITS: u32 = 61;
/// `sys.hash_info.inf`.
const INF: i64 = 314_159;

/// The hash of a hashable value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    /// CPython's value, the same in every process.
    Known(i64),
    /// A str's (or a tuple holding one): salted per process; this is the
    /// value CPython gives with `PYTHONHASHSEED=0` (SipHash-1-3, key 0).
    Salted(i64),
    /// Address-based (None, tasks, ...): it differs from one process to
    /// the next.
    Unknown,
}

/// `hash(v)`: TypeError for an unhashable value (a list, a dict, ...).
pub(crate) fn hash(v: &Value) -> Result<Hash, Exc> {
    // A 32-bit build hashes these otherwise, or (a negative hash) probes
    // its table with another perturbation (`size_t perturb = hash`).
    let wide = match v {
        Value::Int(i) => !(0..=0x7fff_fffe).contains(i),
        Value::Float(f) => f.fract() != 0.0 || !(0.0..2_147_483_647.0).contains(f),
        Value::BigInt(_) | Value::Str(_) | Value::Tuple(_) => true,
        _ => false,
    };
    if wide {
        WIDE_USED.with(|u| u.set(true));
    }
    Ok(match v {
        Value::Bool(b) => Hash::Known(i64::from(*b)),
        Value::Int(i) => Hash::Known(int_hash(*i)),
        Value::BigInt(b) => Hash::Known(big_hash(b)),
        Value::Float(f) => match float_hash(*f) {
            Some(h) => Hash::Known(h),
            None => Hash::Unknown,
        },
        Value::Str(s) => Hash::Salted(str_hash(s)),
        Value::Tuple(items) => {
            let mut lanes = Vec::with_capacity(items.len());
            let (mut unknown, mut salted) = (false, false);
            for item in items.iter() {
                match hash(item)? {
                    Hash::Known(h) => lanes.push(h),
                    Hash::Salted(h) => {
                        salted = true;
                        lanes.push(h)
                    }
                    Hash::Unknown => unknown = true,
                }
            }
            if unknown {
                Hash::Unknown
            } else if salted {
                Hash::Salted(tuple_hash(&lanes))
            } else {
                Hash::Known(tuple_hash(&lanes))
            }
        }
        Value::List(_) | Value::Dict(_) | Value::Set(_) => {
            return Err(type_error(format!("unhashable type: '{}'", v.type_name())))
        }
        _ => Hash::Unknown,
    })
}

/// `-1` is CPython's error return: a hash that would be -1 is -2.
fn fix(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

fn int_hash(i: i64) -> i64 {
    let m = (i.unsigned_abs() % MODULUS) as i64;
    fix(if i < 0 { -m } else { m })
}

fn big_hash(b: &BigInt) -> i64 {
    let m = (b.abs() % BigInt::from(MODULUS)).to_i64().unwrap_or(0);
    fix(if b.is_negative() { -m } else { m })
}

/// `_Py_HashDouble`; `None` for a NaN (hashed by address since 3.10).
fn float_hash(v: f64) -> Option<i64> {
    if v.is_nan() {
        return None;
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { INF } else { -INF });
    }
    let (mut m, mut e) = frexp(v.abs());
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (BITS - 28));
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 { e % BITS as i32 } else { BITS as i32 - 1 - ((-1 - e) % BITS as i32) } as u32;
    x = ((x << e) & MODULUS) | (x >> (BITS - e));
    let h = x as i64;
    Some(fix(if v < 0.0 { -h } else { h }))
}

/// C's `frexp` for a finite, non-negative `v`: `v == m * 2**e`, `0.5 <= m < 1`.
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 {
        return (0.0, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// A str's hash under `PYTHONHASHSEED=0`: SipHash-1-3 with a zero key
/// over CPython's storage of the string (1, 2 or 4 bytes a character, the
/// narrowest that holds its largest code point), 0 for "".
fn str_hash(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let widest = s.chars().map(|c| c as u32).max().unwrap_or(0);
    let width = if widest < 0x100 {
        1
    } else if widest < 0x10000 {
        2
    } else {
        4
    };
    let mut bytes = Vec::with_capacity(s.len() * width);
    for c in s.chars() {
        bytes.extend_from_slice(&(c as u32).to_le_bytes()[..width]);
    }
    SALTED_USED.with(|u| u.set(true));
    let (k0, k1) = HASH_KEY.with(std::cell::Cell::get);
    fix(siphash13(k0, k1, &bytes) as i64)
}

thread_local! {
    /// SipHash's key: CPython's with the run's `PYTHONHASHSEED`.
    static HASH_KEY: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
    /// Whether the run hashed a str (its order may depend on the seed).
    static SALTED_USED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Whether the run hashed a value a 32-bit CPython hashes otherwise.
    static WIDE_USED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The key CPython derives from `PYTHONHASHSEED=seed` (`lcg_urandom` over
/// the secret's bytes; 0 is the zero key), for the runs on this thread.
pub(crate) fn set_hash_seed(seed: u32) {
    let mut bytes = [0u8; 16];
    if seed != 0 {
        let mut x = seed;
        for b in bytes.iter_mut() {
            x = x.wrapping_mul(214_013).wrapping_add(2_531_011);
            *b = ((x >> 16) & 0xff) as u8;
        }
    }
    let k0 = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    let k1 = u64::from_le_bytes(bytes[8..].try_into().expect("8 bytes"));
    HASH_KEY.with(|k| k.set((k0, k1)));
    SALTED_USED.with(|u| u.set(false));
    WIDE_USED.with(|u| u.set(false));
}

/// Whether a value whose hash a 32-bit CPython computes or uses otherwise
/// (a str, a tuple, a non-integral float, a negative int or one beyond
/// 2**31) was hashed since
/// [`set_hash_seed`]: such a run's sets may iterate in another order on a
/// 32-bit build (CPython under WebAssembly, as the version tests run it).
pub(crate) fn wide_used() -> bool {
    WIDE_USED.with(std::cell::Cell::get)
}

/// Whether a str was hashed since [`set_hash_seed`].
pub(crate) fn salted_used() -> bool {
    SALTED_USED.with(std::cell::Cell::get)
}

/// SipHash-1-3 (one compression round, three finalization rounds).
fn siphash13(k0: u64, k1: u64, data: &[u8]) -> u64 {
    let mut v0 = k0 ^ 0x736f_6d65_7073_6575;
    let mut v1 = k1 ^ 0x646f_7261_6e64_6f6d;
    let mut v2 = k0 ^ 0x6c79_6765_6e65_7261;
    let mut v3 = k1 ^ 0x7465_6462_7974_6573;
    let round = |v0: &mut u64, v1: &mut u64, v2: &mut u64, v3: &mut u64| {
        *v0 = v0.wrapping_add(*v1);
        *v1 = v1.rotate_left(13) ^ *v0;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v3);
        *v3 = v3.rotate_left(16) ^ *v2;
        *v0 = v0.wrapping_add(*v3);
        *v3 = v3.rotate_left(21) ^ *v0;
        *v2 = v2.wrapping_add(*v1);
        *v1 = v1.rotate_left(17) ^ *v2;
        *v2 = v2.rotate_left(32);
    };
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let m = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        v3 ^= m;
        round(&mut v0, &mut v1, &mut v2, &mut v3);
        v0 ^= m;
    }
    let mut last = [0u8; 8];
    let rest = chunks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    let b = ((data.len() as u64) << 56) | u64::from_le_bytes(last);
    v3 ^= b;
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    v0 ^= b;
    v2 ^= 0xff;
    for _ in 0..3 {
        round(&mut v0, &mut v1, &mut v2, &mut v3);
    }
    v0 ^ v1 ^ v2 ^ v3
}

/// `tuplehash` (xxHash's mix, as CPython 3.8+ has it).
fn tuple_hash(lanes: &[i64]) -> i64 {
    const P1: u64 = 11_400_714_785_074_694_791;
    const P2: u64 = 14_029_467_366_897_019_727;
    const P5: u64 = 2_870_177_450_012_600_261;
    let mut acc = P5;
    for &lane in lanes {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((lanes.len() as u64) ^ (P5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: Value) -> i64 {
        match hash(&v).unwrap() {
            Hash::Known(h) | Hash::Salted(h) => h,
            Hash::Unknown => panic!("unknown"),
        }
    }

    /// Values printed by CPython 3.11 (`python3 -c 'print(hash(...))'`).
    #[test]
    fn hashes_match_cpython() {
        assert_eq!(h(Value::Int(-1)), -2);
        assert_eq!(h(Value::Int(-2)), -2);
        assert_eq!(h(Value::Int(1 << 61)), 1);
        assert_eq!(h(Value::Int(i64::MIN)), -4);
        assert_eq!(h(Value::Float(1.5)), 1_152_921_504_606_846_977);
        assert_eq!(h(Value::Float(-0.1)), -230_584_300_921_369_408);
        assert_eq!(h(Value::Float(1e300)), 1_224_995_262_755_759_164);
        assert_eq!(h(Value::Float(5e-324)), 16_777_216);
        assert_eq!(h(Value::Float(f64::INFINITY)), 314_159);
        assert_eq!(h(Value::Float(3.0)), 3);
        assert_eq!(h(Value::tuple(vec![])), 5_740_354_900_026_072_187);
        assert_eq!(h(Value::tuple(vec![Value::Int(1), Value::Int(2)])), -3_550_055_125_485_641_917);
        let big = BigInt::from(1u8) << 100u32;
        assert_eq!(h(Value::BigInt(std::rc::Rc::new(big))), 549_755_813_888);
        // `PYTHONHASHSEED=0 python3 -c 'print(hash(...))'`.
        assert_eq!(h(Value::str("a")), 4_644_417_185_603_328_019);
        assert_eq!(h(Value::str("")), 0);
        assert_eq!(h(Value::str("hello world, this is long")), 7_650_859_633_215_404_784);
        assert_eq!(h(Value::str("é")), 6_047_309_291_227_476_195);
        assert_eq!(h(Value::str("€")), -5_529_981_157_763_016_009);
        assert_eq!(h(Value::str("😀")), -3_536_540_696_076_613_844);
        assert_eq!(h(Value::tuple(vec![Value::str("a"), Value::Int(1)])), 6_955_645_834_154_447_545);
        assert!(matches!(hash(&Value::str("a")).unwrap(), Hash::Salted(_)));
        assert!(hash(&Value::list(vec![])).is_err());
    }
}

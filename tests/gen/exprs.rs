//! A seeded generator of Python expressions inside asim's documented subset,
//! for the differential expression fuzzer: a scenario evaluates each one
//! and prints its `repr` (or the exception it raises, type and message), and
//! CPython runs the same program exported, so every value, every `repr` and
//! every error message is compared.
//!
//! The expressions are typed so that most of them compute something, and
//! each type also has its ways to fail (an index out of range, a missing
//! key, `int('x')`, a comparison of `str` and `int`...). What the subset does
//! not have (sets, bitwise operators) is left out; the fuzzer looks for wrong
//! answers, not for what is documented as missing.

use super::Rng;

/// How deep an expression may nest.
const DEPTH: usize = 3;

/// One scenario that evaluates `n` expressions from `seed`.
pub(crate) fn scenario(seed: u64, n: usize) -> String {
    let mut g = Exprs { rng: Rng::new(seed) };
    let mut out = format!("name: exprs_{seed}\nmain:\n");
    for i in 0..n {
        let e = g.any(DEPTH);
        // A YAML single-quoted scalar: a quote is written twice.
        let quoted = e.replace('\'', "''");
        out.push_str("  - try:\n");
        out.push_str(&format!("      - let: 'v = {quoted}'\n"));
        out.push_str(&format!("      - print: \"{i} {{v!r}}\"\n"));
        out.push_str("    except:\n");
        out.push_str("      - match: Exception\n");
        out.push_str("        as: e\n");
        out.push_str("        do:\n");
        out.push_str(&format!("          - print: \"{i} {{type(e).__name__}}: {{e}}\"\n"));
    }
    out
}

struct Exprs {
    rng: Rng,
}

const INTS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "-7",
    "10",
    "255",
    "1000",
    "-2",
    "9007199254740993",
    "2**62",
    "-(2**63)",
    "2**64",
    "10**20",
    "-(10**30) - 7",
    "123456789012345678901234567890",
];
const FLOATS: &[&str] = &[
    "0.0",
    "-0.0",
    "0.1",
    "0.5",
    "1.5",
    "2.5",
    "-3.75",
    "1e16",
    "1e-7",
    "1e300",
    "2.675",
    "0.30000000000000004",
    "123.456",
];
const STRS: &[&str] = &[
    "''", "'a'", "'abc'", "'Hello'", "'a b  c'", "' pad '", "'A-b-C'", "'x,y,,z'", "'42'", "'-17'", "' 3 '", "'1e3'",
    "'0x1f'", "'nan'", "'inf'", "'aXbXc'", "'ß'", "'été'",
];

/// printf-style formats: flags, widths, precisions, every conversion,
/// `%(key)` and `*`, and malformed ones.
const PERCENT_FORMATS: &[&str] = &[
    "'%s'",
    "'%r'",
    "'%a'",
    "'%d'",
    "'%i|%u'",
    "'%5.2f'",
    "'%-6s|'",
    "'%+d %x'",
    "'%#o %X'",
    "'%#x'",
    "'%e'",
    "'%10.3E|'",
    "'%g'",
    "'%#.3G'",
    "'%c'",
    "'%%'",
    "'%s %s'",
    "'%05d'",
    "'% 08.2f'",
    "'%-+7d|'",
    "'%.3s'",
    "'%.4d'",
    "'%(a)s'",
    "'%(b)r %(a)s'",
    "'%(a)05.1f'",
    "'[%s] %s'",
    "'%ld'",
    "'%z'",
    "'%'",
    "'%(a'",
    "'no field'",
];

/// `str.format` templates: automatic, manual and keyword fields, items,
/// conversions, nested specs, escapes, and malformed ones.
const FORMAT_TEMPLATES: &[&str] = &[
    "'{}'",
    "'{} {}'",
    "'{0}{1}{0}'",
    "'{!r:>8}'",
    "'{:^9}|'",
    "'{0[0]}'",
    "'{0[a]}'",
    "'{:{w}}|'",
    "'{x}-{}'",
    "'{x!r}'",
    "'{:.2f}'",
    "'{:x}'",
    "'{:,}'",
    "'{:>{w}}'",
    "'{{}}{}'",
    "'{{{}}}'",
    "'{0!a}'",
    "'{!s:<5}|'",
    "'{1}'",
    "'{}{0}'",
    "'{0}{}'",
    "'{x[0]}'",
    "'{0:d}'",
    "'{0.args}'",
    "'{'",
    "'}'",
    "'{!z}'",
    "'no field'",
];

/// `(x)`: an operand or receiver keeps its meaning whatever it is.
fn p(x: String) -> String {
    format!("({x})")
}

impl Exprs {
    fn pick(&mut self, xs: &[&str]) -> String {
        (*self.rng.pick(xs)).to_owned()
    }

    /// An expression of any type.
    fn any(&mut self, d: usize) -> String {
        match self.rng.below(7) {
            0 | 1 => self.int(d),
            2 => self.float(d),
            3 => self.str(d),
            4 => self.list(d),
            5 => self.boolean(d),
            _ => self.other(d),
        }
    }

    fn int(&mut self, d: usize) -> String {
        if d == 0 {
            return self.pick(INTS);
        }
        let d1 = d - 1;
        match self.rng.below(19) {
            0..=2 => self.pick(INTS),
            15 => {
                let op = self.pick(&["|", "^", "&", "<<", ">>"]);
                let amount = if op.len() == 2 { self.pick(&["0", "1", "3", "64", "-1", "70"]) } else { self.int(d1) };
                format!("{} {op} {}", p(self.int(d1)), p(amount))
            }
            16 => format!("~{}", p(self.int(d1))),
            17 => {
                let v = match self.rng.below(3) {
                    0 => self.int(d1),
                    // Not a NaN: its hash is its address.
                    1 => self.pick(&["0.5", "-2.25", "1e300", "1e-300", "float('inf')", "-0.0", "2.0 ** 70"]),
                    _ => format!("({}, {}, True)", self.int(d1), self.pick(&["0.1", "-7.0"])),
                };
                format!("hash({v})")
            }
            3 => {
                let op = self.pick(&["+", "-", "*", "//", "%"]);
                format!("{} {op} {}", p(self.int(d1)), p(self.int(d1)))
            }
            4 => format!("{} ** {}", p(self.int(0)), self.pick(&["0", "1", "2", "3", "-1", "10"])),
            5 => format!("len({})", self.seq(d1)),
            6 => format!("abs({})", self.int(d1)),
            7 => format!(
                "int({})",
                self.pick(&[
                    "'42'",
                    "' -7 '",
                    "'1_000'",
                    "'x'",
                    "'3.5'",
                    "2.9",
                    "-2.9",
                    "True",
                    "'0b101', 0",
                    "'ff', 16",
                    "'z', 36"
                ])
            ),
            8 => format!("round({})", self.float(d1)),
            9 => format!("{}({}, {})", self.pick(&["min", "max"]), self.int(d1), self.int(d1)),
            10 => format!("sum({})", self.int_list(d1)),
            11 => format!("{}.{}({})", p(self.str(d1)), self.pick(&["count", "index"]), self.str(0)),
            12 => format!("{}.index({})", self.int_list(d1), self.int(0)),
            13 => format!("divmod({}, {})[{}]", self.int(d1), self.int(d1), self.rng.below(2)),
            14 => format!("{} if {} else {}", p(self.int(d1)), p(self.boolean(d1)), p(self.int(d1))),
            _ => format!("-{}", p(self.int(d1))),
        }
    }

    fn float(&mut self, d: usize) -> String {
        if d == 0 {
            return self.pick(FLOATS);
        }
        let d1 = d - 1;
        match self.rng.below(10) {
            0..=2 => self.pick(FLOATS),
            3 => {
                let op = self.pick(&["+", "-", "*", "/", "//", "%"]);
                let (a, b) = (p(self.num(d1)), p(self.num(d1)));
                format!("{a} {op} {b}")
            }
            4 => format!("{} / {}", p(self.int(d1)), p(self.int(d1))),
            5 => format!("float({})", self.pick(&["'1.5'", "' -2e3 '", "'nan'", "'-inf'", "'x'", "3", "True"])),
            6 => format!("round({}, {})", self.float(d1), self.pick(&["0", "1", "2", "3", "-1"])),
            // A negative base to a fractional power is complex in Python.
            7 => format!("abs({}) ** {}", self.float(0), self.pick(&["0.5", "2", "-1", "0", "1.5"])),
            8 => format!("abs({})", self.float(d1)),
            _ => format!("{}({})", self.pick(&["min", "max"]), self.num_list(d1)),
        }
    }

    fn num(&mut self, d: usize) -> String {
        if self.rng.chance(50) {
            self.int(d)
        } else {
            self.float(d)
        }
    }

    fn str(&mut self, d: usize) -> String {
        if d == 0 {
            return self.pick(STRS);
        }
        let d1 = d - 1;
        match self.rng.below(21) {
            19 => format!(
                "{}.{}({})",
                p(self.str(d1)),
                self.pick(&["lstrip", "rstrip"]),
                self.pick(&["", "'a'", "' -'", "None", "1"])
            ),
            20 => match self.rng.below(6) {
                3 => format!(
                    "{}.{}({}{})",
                    p(self.str(d1)),
                    self.pick(&["ljust", "rjust", "center"]),
                    self.pick(&["0", "6", "7", "-2", "'x'"]),
                    self.pick(&["", ", '*'", ", 'ab'", ", ''", ", 1"])
                ),
                4 => format!(
                    "{}.rsplit({})",
                    p(self.str(d1)),
                    self.pick(&["", "'-'", "',', 1", "None, 1", "sep=' ', maxsplit=2", "maxsplit=0"])
                ),
                5 => format!(
                    "{}.splitlines({})",
                    self.pick(&["'a\\nb\\r\\nc\\rd'", "'x\\x1cy\\x85z\\u2028'", "''", "'\\n\\n'", "'one'"]),
                    self.pick(&["", "True", "keepends=True", "0"])
                ),
                0 => format!(
                    "str({}.{}({}))",
                    p(self.str(d1)),
                    self.pick(&["partition", "rpartition"]),
                    self.pick(&["'-'", "'a'", "''", "' '"])
                ),
                1 => format!("{}.zfill({})", p(self.str(d1)), self.pick(&["0", "5", "-3", "'x'", "12"])),
                _ => format!(
                    "str({}.{}({}{}))",
                    p(self.str(d1)),
                    self.pick(&["find", "rfind"]),
                    self.str(0),
                    self.pick(&["", ", 1", ", -2", ", 9", ", 0, -1", ", None, 2", ", 'x'"])
                ),
            },
            0..=2 => self.pick(STRS),
            3 => format!("{} + {}", p(self.str(d1)), p(self.str(d1))),
            4 => format!("{} * {}", p(self.str(d1)), self.pick(&["0", "2", "3", "-1"])),
            5 => format!("{}.{}()", p(self.str(d1)), self.pick(&["upper", "lower", "strip"])),
            6 => format!("{}.strip({})", p(self.str(d1)), self.pick(&["'a'", "' -'", "'xyz'", "''"])),
            7 => format!(
                "{}.replace({}, {}{})",
                p(self.str(d1)),
                self.str(0),
                self.str(0),
                self.pick(&["", ", 1", ", 0", ", -1"])
            ),
            8 => format!("{}[{}]", p(self.str(d1)), self.int(0)),
            9 => format!("{}[{}]", p(self.str(d1)), self.slice()),
            10 => format!("{}.join({})", self.pick(&["', '", "''", "'-'"]), self.str_list(d1)),
            11 => format!("str({})", self.any(d1)),
            12 => format!("repr({})", self.any(d1)),
            13 => {
                let spec =
                    self.pick(&["", ":>6", ":<5", ":^7", ":.2f", ":.3", ":+d", ":,", ":08.3f", ":e", "!r", ":x", ":%"]);
                // Depth 0 inside: 3.11 has no f-string within an f-string's field.
                // (A space after `{`: a dict or set literal inside is not `{{`.)
                format!("f\"{{ {}{spec}}}\"", self.any(0))
            }
            14 => format!(
                "{}.split({})[{}]",
                p(self.str(d1)),
                self.pick(&["", "'-'", "',', 1", "None, 1", "'X'"]),
                self.int(0)
            ),
            15 => format!("{} if {} else {}", p(self.str(d1)), p(self.boolean(d1)), p(self.str(d1))),
            16 => self.percent(d1),
            17 => self.str_format(d1),
            _ => format!("type({}).__name__", self.any(d1)),
        }
    }

    /// `fmt % args`: a tuple, a single value or a dict for the args, so
    /// that the formats meet values of every type (and fail as CPython
    /// fails: a missing argument, a wrong type, a bad conversion).
    fn percent(&mut self, d: usize) -> String {
        if self.rng.chance(15) {
            // `*` takes a width or precision from the arguments: a small one
            // (a huge width is a MemoryError in CPython, asim's size limit).
            let fmt = self.pick(&["'%*d'", "'%-*s|'", "'%.*f'", "'%*r|'", "'%0*x'"]);
            let n = self.pick(&["3", "-4", "0", "True", "-(2**63)", "2**64", "1.5"]);
            return format!("{fmt} % ({n}, {})", self.any(d));
        }
        let fmt = self.pick(PERCENT_FORMATS);
        let args = match self.rng.below(4) {
            0 | 1 => self.tuple(d),
            2 => self.dict(d),
            _ => p(self.any(d)),
        };
        format!("{fmt} % {args}")
    }

    /// `fmt.format(...)`: positional and keyword arguments of any type.
    fn str_format(&mut self, d: usize) -> String {
        let fmt = self.pick(FORMAT_TEMPLATES);
        let n = self.rng.below(4);
        let mut args: Vec<String> = (0..n).map(|_| self.any(d)).collect();
        if self.rng.chance(40) {
            args.push(format!("x={}", self.any(d)));
        }
        if self.rng.chance(30) {
            args.push(format!("w={}", self.pick(&["3", "8", "0", "'>6'", "'x'"])));
        }
        format!("{fmt}.format({})", args.join(", "))
    }

    fn boolean(&mut self, d: usize) -> String {
        if d == 0 {
            return self.pick(&["True", "False"]);
        }
        let d1 = d - 1;
        match self.rng.below(12) {
            0 => self.pick(&["True", "False"]),
            1..=3 => {
                let op = self.pick(&["==", "!=", "<", "<=", ">", ">="]);
                format!("{} {op} {}", p(self.any(d1)), p(self.any(d1)))
            }
            4 => format!("{} < {} < {}", p(self.int(d1)), p(self.int(d1)), p(self.int(d1))),
            5 => format!("{} in {}", p(self.any(0)), p(self.list(d1))),
            6 => format!("{} not in {}", self.str(0), p(self.str(d1))),
            7 => format!("not {}", p(self.any(d1))),
            8 => format!("{} {} {}", p(self.any(d1)), self.pick(&["and", "or"]), p(self.any(d1))),
            9 => format!("{}.{}({})", p(self.str(d1)), self.pick(&["startswith", "endswith"]), self.str(0)),
            10 => format!("{}({})", self.pick(&["any", "all", "bool"]), self.list(d1)),
            _ => format!(
                "isinstance({}, {})",
                self.any(d1),
                self.pick(&["int", "float", "str", "bool", "list", "(int, str)", "tuple", "dict"])
            ),
        }
    }

    fn int_list(&mut self, d: usize) -> String {
        let n = self.rng.below(5);
        let items: Vec<String> = (0..n).map(|_| self.int(d.min(1))).collect();
        format!("[{}]", items.join(", "))
    }

    fn num_list(&mut self, d: usize) -> String {
        let n = 1 + self.rng.below(4);
        let items: Vec<String> = (0..n).map(|_| self.num(d.min(1))).collect();
        format!("[{}]", items.join(", "))
    }

    fn str_list(&mut self, d: usize) -> String {
        let n = self.rng.below(4);
        let items: Vec<String> = (0..n).map(|_| self.str(d.min(1))).collect();
        format!("[{}]", items.join(", "))
    }

    fn seq(&mut self, d: usize) -> String {
        match self.rng.below(3) {
            0 => self.str(d),
            1 => self.list(d),
            _ => self.tuple(d),
        }
    }

    fn slice(&mut self) -> String {
        let part = |g: &mut Self| if g.rng.chance(30) { String::new() } else { g.int(0) };
        let (a, b) = (part(self), part(self));
        if self.rng.chance(30) {
            let step = self.pick(&["1", "2", "-1", "-2", "3"]);
            format!("{a}:{b}:{step}")
        } else {
            format!("{a}:{b}")
        }
    }

    fn list(&mut self, d: usize) -> String {
        if d == 0 {
            return self.int_list(0);
        }
        let d1 = d - 1;
        match self.rng.below(15) {
            14 => {
                let m = self.pick(&["str.lower", "str.upper", "str.strip", "len", "str"]);
                format!("sorted({}, key={m}, reverse={})", self.str_list(d1), self.pick(&["True", "False"]))
            }
            0 => self.int_list(d1),
            1 => self.str_list(d1),
            2 => {
                let n = self.rng.below(4);
                let items: Vec<String> = (0..n).map(|_| self.any(d1)).collect();
                format!("[{}]", items.join(", "))
            }
            3 => format!("sorted({}{})", self.list(d1), self.pick(&["", ", reverse=True", ", key=abs", ", key=str"])),
            4 => format!("list(reversed({}))", self.list(d1)),
            5 => format!("{} + {}", p(self.list(d1)), p(self.list(d1))),
            6 => format!("{} * {}", p(self.list(d1)), self.pick(&["0", "2", "-1"])),
            7 => format!("{}[{}]", p(self.list(d1)), self.slice()),
            8 => format!("[x * 2 for x in {} if x]", self.list(d1)),
            9 => format!("list(zip({}, {}))", self.list(d1), self.str(d1)),
            10 => format!("list(enumerate({}))", self.seq(d1)),
            // Small bounds: a range of 2**62 items is a MemoryError in CPython
            // and asim's container limit, not a comparison.
            11 => {
                let small = ["0", "1", "3", "-2", "10", "-7"];
                format!(
                    "list(range({}, {}, {}))",
                    self.pick(&small),
                    self.pick(&small),
                    self.pick(&["1", "2", "-1", "3", "0"])
                )
            }
            12 => format!("{}.split({})", p(self.str(d1)), self.pick(&["", "'-'", "',', 1", "' '", "None, 2"])),
            _ => format!(
                "list({})",
                self.pick(&["{'a': 1, 'b': 2}.items()", "{'a': 1}.keys()", "'abc'", "(1, 2)", "range(3)"])
            ),
        }
    }

    fn tuple(&mut self, d: usize) -> String {
        let n = self.rng.below(4);
        let items: Vec<String> = (0..n).map(|_| self.any(d.min(1))).collect();
        match n {
            1 => format!("({},)", items[0]),
            _ => format!("({})", items.join(", ")),
        }
    }

    fn dict(&mut self, d: usize) -> String {
        let n = self.rng.below(4);
        let items: Vec<String> = (0..n)
            .map(|_| {
                format!("{}: {}", self.pick(&["'a'", "'b'", "1", "2", "True", "1.0", "(1, 2)"]), self.any(d.min(1)))
            })
            .collect();
        format!("{{{}}}", items.join(", "))
    }

    /// A set of ints or strings (their order is CPython's: str hashes as
    /// with PYTHONHASHSEED=0, which the harness uses), and what is done
    /// with sets. The name-like strings are ones CPython has interned
    /// before any program runs ('url', one-letter strings): for a display
    /// of constants holding one it has not ('key9', 'key'), CPython's order
    /// differs from asim's (a documented difference, docs/format.md Sets).
    fn set(&mut self, d: usize) -> String {
        let lit = |g: &mut Self| {
            let n = g.rng.below(7);
            let strs = g.rng.chance(40);
            let items: Vec<String> = (0..n)
                .map(|_| {
                    if strs {
                        g.pick(&["'a'", "'b'", "'url'", "'/x'", "'é'", "''", "'x y'"])
                    } else {
                        g.pick(&["0", "1", "-1", "7", "8", "16", "33", "64", "-2", "100", "2**61", "1.5"])
                    }
                })
                .collect();
            match (n, g.rng.below(3)) {
                (0, _) => "set()".to_owned(),
                (_, 0) => format!("set([{}])", items.join(", ")),
                // CPython's compiler shares one frozenset between equal
                // displays of constants in a module (the first one's order;
                // a documented difference): an item of its own keeps each
                // display apart.
                (_, 1) if n > 2 => format!("{{{}, {}}}", items.join(", "), 1000 + g.rng.below(1_000_000)),
                _ => format!("{{{}}}", items.join(", ")),
            }
        };
        let a = lit(self);
        let b = lit(self);
        match self.rng.below(12) {
            0 => a,
            1 => format!("{a} | {b}"),
            2 => format!("{a} & {b}"),
            3 => format!("{a} - {b}"),
            4 => format!("{a} ^ {b}"),
            5 => format!("[{a} <= {b}, {a} < {b}, {a} == {b}, {a} >= {b}]"),
            6 => format!("{{x * 3 % 11 for x in range({})}}", self.rng.below(20)),
            7 => format!("{a}.union({b}, [5, 'z'])"),
            8 => format!("{a}.intersection({}).difference([1, 'a'])", self.seq(d)),
            9 => format!("sorted({a} | {{3, 2}}, key=str)"),
            10 => format!("[len({a}), 1 in {a}, 'a' in {a}, {a}.isdisjoint({b}), {a}.issubset({b})]"),
            _ => format!("{a}.symmetric_difference({b})"),
        }
    }

    /// Tuples, dicts and the operations on them.
    fn other(&mut self, d: usize) -> String {
        let d1 = d.saturating_sub(1);
        match self.rng.below(13) {
            10 => format!("{} | {}", self.dict(d1), self.dict(d1)),
            11 | 12 => self.set(d1),
            0 => self.tuple(d1),
            1 => self.dict(d1),
            2 => format!("{}[{}]", p(self.dict(d1)), self.pick(&["'a'", "1", "True", "'z'"])),
            3 => format!("{}.get({}, {})", p(self.dict(d1)), self.pick(&["'a'", "2", "'z'"]), self.any(0)),
            4 => format!("{}[{}]", p(self.seq(d1)), self.int(0)),
            5 => format!("dict(zip({}, {}))", self.str(d1), self.list(d1)),
            6 => format!("{{k: len(str(k)) for k in {}}}", self.list(d1)),
            7 => format!("{} + {}", p(self.tuple(d1)), p(self.tuple(d1))),
            8 => format!("divmod({}, {})", self.num(d1), self.num(d1)),
            _ => format!("tuple({})", self.seq(d1)),
        }
    }
}

/// The expressions of a scenario from [`scenario`], by index (to report a
/// divergence with the expression that made it).
pub(crate) fn expressions(seed: u64, n: usize) -> Vec<String> {
    let mut g = Exprs { rng: Rng::new(seed) };
    (0..n).map(|_| g.any(DEPTH)).collect()
}

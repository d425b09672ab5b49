//! Tests of what parses: the trees, spans and f-string parts of valid input.

use super::*;

#[test]
fn precedence() {
    check_expr(&[
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("8 / 4 // 2 % 3", "(% (// (/ 8 4) 2) 3)"),
        ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
        ("-2 ** 2", "(- (** 2 2))"),
        ("2 ** -1", "(** 2 (- 1))"),
        ("-x ** -y ** z", "(- (** x (- (** y z))))"),
        ("--+x", "(- (- (+ x)))"),
        ("a * -b", "(* a (- b))"),
        ("not a == b", "(not (cmp a == b))"),
        ("not not a", "(not (not a))"),
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c and d", "(or (and a b) (and c d))"),
        ("a and b and c", "(and a b c)"),
        ("a or b or c", "(or a b c)"),
        ("not a and not b", "(and (not a) (not b))"),
        ("a if b else c", "(if b a c)"),
        ("a if b else c if d else e", "(if b a (if d c e))"),
        ("a or b if c and d else e", "(if (and c d) (or a b) e)"),
        ("x + 1 if x > 0 else -x", "(if (cmp x > 0) (+ x 1) (- x))"),
        ("(a if b else c) + 1", "(+ (if b a c) 1)"),
        ("await f() ** 2", "(** (await (call f)) 2)"),
        ("-await x", "(- (await x))"),
        ("await q.get() + await t", "(+ (await (call (. q get))) (await t))"),
        ("await xs[0].y", "(await (. (index xs 0) y))"),
        ("not await ev.wait()", "(not (await (call (. ev wait))))"),
        ("a + b < c * d", "(cmp (+ a b) < (* c d))"),
        ("a | b ^ c & d << e + f", "(| a (^ b (& c (<< d (+ e f)))))"),
        ("a & b | c", "(| (& a b) c)"),
        ("1 << 2 >> 3", "(>> (<< 1 2) 3)"),
        ("a | b == c", "(cmp (| a b) == c)"),
        ("~a ** 2 + ~-b", "(+ (~ (** a 2)) (~ (- b)))"),
        ("not a & b", "(not (& a b))"),
        ("f(x).y[0] ** 2", "(** (index (. (call f x) y) 0) 2)"),
        ("-f(x)", "(- (call f x))"),
        ("x.y.z", "(. (. x y) z)"),
        ("f(a)(b)", "(call (call f a) b)"),
        ("a[1][2]", "(index (index a 1) 2)"),
        ("\"a\".upper()", "(call (. \"a\" upper))"),
        ("1 .real", "(. 1 real)"),
        ("1if x else 2", "(if x 1 2)"),
        ("  1  ", "1"),
        ("\n1\n\n", "1"),
        ("x \\\n + 1", "(+ x 1)"),
        ("x \\\n\n", "x"),
        ("\n\nx", "x"),
        ("\n\x0cx", "x"),
        ("# leading comment\nx", "x"),
        ("x\n\n  \n", "x"),
        ("x\n  # c", "x"),
        ("x\n \x0c", "x"),
        ("(x\n  )", "x"),
        ("(x +\n 1)", "(+ x 1)"),
        ("[1,\n 2]", "[1 2]"),
        ("1 # a comment", "1"),
        ("true", "true"),
        ("null", "null"),
    ]);
}

#[test]
fn comparisons() {
    check_expr(&[
        ("a < b", "(cmp a < b)"),
        ("a < b <= c", "(cmp a < b <= c)"),
        ("a == b != c > d >= e", "(cmp a == b != c > d >= e)"),
        ("a in b", "(cmp a in b)"),
        ("a not in b", "(cmp a not-in b)"),
        ("a is b", "(cmp a is b)"),
        ("a is not b", "(cmp a is-not b)"),
        ("a is not None in c", "(cmp a is-not None in c)"),
        ("a is (not b)", "(cmp a is (not b))"),
        ("x not in y and y in z", "(and (cmp x not-in y) (cmp y in z))"),
        ("1 < x < 10 == True", "(cmp 1 < x < 10 == True)"),
    ]);
}

#[test]
fn numbers() {
    check_expr(&[
        ("0", "0"),
        ("00", "0"),
        ("0_0", "0"),
        ("1_000_000", "1000000"),
        ("0x1F", "31"),
        ("0XfF", "255"),
        ("0x_1", "1"),
        ("0o17", "15"),
        ("0b1010", "10"),
        ("0B1_0", "2"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("- 9223372036854775808", "-9223372036854775808"),
        ("-0x8000000000000000", "-9223372036854775808"),
        ("-1", "(- 1)"),
        ("1.5", "1.5"),
        (".5", "0.5"),
        ("5.", "5.0"),
        ("1e3", "1000.0"),
        ("1E-3", "0.001"),
        ("1.5e+2", "150.0"),
        ("1.e2", "100.0"),
        ("1_000.5", "1000.5"),
        ("1_0e1_0", "100000000000.0"),
        ("09.5", "9.5"),
        ("09e1", "90.0"),
        ("0.1", "0.1"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("1e400", "inf"),
        ("1e-400", "0.0"),
        ("2.2250738585072011e-308", "2.225073858507201e-308"),
        ("1.7976931348623157e308", "1.7976931348623157e308"),
        ("1.7976931348623159e308", "inf"),
        ("0.1e1", "1.0"),
        ("x if 1else 2", "(if 1 x 2)"),
        ("0x1or y", "(or 1 y)"),
        ("0b1if x else 2", "(if x 1 2)"),
        ("0o7not in y", "(cmp 7 not-in y)"),
    ]);
}

#[test]
fn literals_and_displays() {
    check_expr(&[
        ("True", "True"),
        ("False", "False"),
        ("None", "None"),
        ("[]", "[]"),
        ("[1]", "[1]"),
        ("[1, 2,]", "[1 2]"),
        ("[*a, b, *c]", "[(* a) b (* c)]"),
        ("[*a + b]", "[(* (+ a b))]"),
        ("()", "(tuple)"),
        ("(1,)", "(tuple 1)"),
        ("(1, 2)", "(tuple 1 2)"),
        ("(1, 2,)", "(tuple 1 2)"),
        ("(*a,)", "(tuple (* a))"),
        ("(*a, *b)", "(tuple (* a) (* b))"),
        ("(1)", "1"),
        ("((1))", "1"),
        ("1, 2", "(tuple 1 2)"),
        ("1,", "(tuple 1)"),
        ("1, (2, 3)", "(tuple 1 (tuple 2 3))"),
        ("{}", "{}"),
        ("{'a': 1}", "{\"a\": 1}"),
        ("{'a': 1, 'b': [2],}", "{\"a\": 1, \"b\": [2]}"),
        ("{k: v if c else w}", "{k: (if c v w)}"),
        ("{(1, 2): x}", "{(tuple 1 2): x}"),
    ]);
}

#[test]
fn calls_attributes_indexes() {
    check_expr(&[
        ("f()", "(call f)"),
        ("f(1, 2)", "(call f 1 2)"),
        ("f(1, 2,)", "(call f 1 2)"),
        ("f(x, start=1)", "(call f x start=1)"),
        ("Queue(maxsize=3)", "(call Queue maxsize=3)"),
        ("f(a=1, b=2,)", "(call f a=1 b=2)"),
        ("f(*xs)", "(call f (* xs))"),
        ("f(a, *xs, b)", "(call f a (* xs) b)"),
        ("f(a=1, *xs)", "(call f (* xs) a=1)"),
        ("f(*a or b)", "(call f (* (or a b)))"),
        ("f(x if y else z, k=not v)", "(call f (if y x z) k=(not v))"),
        ("f(a == b)", "(call f (cmp a == b))"),
        ("t.result()", "(call (. t result))"),
        ("e.args[0]", "(index (. e args) 0)"),
        ("a[i]", "(index a i)"),
        ("a[-1]", "(index a (- 1))"),
        ("a[1:2]", "(index a (slice 1 2 _))"),
        ("a[:]", "(index a (slice _ _ _))"),
        ("a[::]", "(index a (slice _ _ _))"),
        ("a[::2]", "(index a (slice _ _ 2))"),
        ("a[1:]", "(index a (slice 1 _ _))"),
        ("a[:n - 1]", "(index a (slice _ (- n 1) _))"),
        ("a[1:2:3]", "(index a (slice 1 2 3))"),
        ("a[lo:hi:]", "(index a (slice lo hi _))"),
        ("d[1, 2]", "(index d (tuple 1 2))"),
        ("d[1,]", "(index d (tuple 1))"),
        ("d['k']", "(index d \"k\")"),
    ]);
}

#[test]
fn strings() {
    check_expr(&[
        ("'abc'", "\"abc\""),
        ("\"abc\"", "\"abc\""),
        ("''", "\"\""),
        ("'a' 'b'", "\"ab\""),
        ("'a' \"b\" 'c'", "\"abc\""),
        (r#"'\n\t\r\\\'\"'"#, r#""\n\t\r\\'\"""#),
        (r"'\0'", r#""\0""#),
        (r"'\101\12\777'", r#""A\nǿ""#),
        (r"'\x41\u00e9\U0001F600'", "\"Aé😀\""),
        (r"'\a\b\f\v'", r#""\u{7}\u{8}\u{c}\u{b}""#),
        (r"'\q\d'", r#""\\q\\d""#),
        ("'a\\\nb'", "\"ab\""),
        (r"r'\n'", r#""\\n""#),
        (r"R'\n' '\n'", r#""\\n\n""#),
        (r#"r'\''"#, r#""\\'""#),
        ("u'x'", "\"x\""),
        ("U'\\n'", "\"\\n\""),
        ("'''a\nb'''", "\"a\\nb\""),
        (r#""""a"b""""#, r#""a\"b""#),
        ("'é'", "\"é\""),
        ("'a' f'{x}'", "f[\"a\" {x}]"),
        ("f'{x}' 'b' f'c{y}'", "f[{x} \"bc\" {y}]"),
        ("f''", "f[]"),
        ("f'' ''", "f[]"),
    ]);
}

#[test]
fn fstrings() {
    check_expr(&[
        ("f'abc'", "f[\"abc\"]"),
        ("f'{x}'", "f[{x}]"),
        ("f'a{x}b{y}c'", "f[\"a\" {x} \"b\" {y} \"c\"]"),
        ("f'{x!r}'", "f[{x!r}]"),
        ("f'{x!s}'", "f[{x!s}]"),
        ("f'{x!a}'", "f[{x!a}]"),
        ("f'{x:>5}'", "f[{x:[\">5\"]}]"),
        ("f'{x:.2f}'", "f[{x:[\".2f\"]}]"),
        ("f'{x!r:>5}'", "f[{x!r:[\">5\"]}]"),
        ("f'{x:>{w}}'", "f[{x:[\">\" {w}]}]"),
        ("f'{x:{w}.{p}f}'", "f[{x:[{w} \".\" {p} \"f\"]}]"),
        ("f'{x:{w!r:>3}}'", "f[{x:[{w!r:[\">3\"]}]}]"),
        ("f'{x:}'", "f[{x}]"),
        ("f'{x=}'", "f[{x!r dbg=\"x=\"}]"),
        ("f'{x = }'", "f[{x!r dbg=\"x = \"}]"),
        ("f'{x=!s}'", "f[{x!s dbg=\"x=\"}]"),
        ("f'{x=:>4}'", "f[{x:[\">4\"] dbg=\"x=\"}]"),
        ("f'{x=:}'", "f[{x dbg=\"x=\"}]"),
        ("f'{{}}'", "f[\"{}\"]"),
        ("f'{{x}}'", "f[\"{x}\"]"),
        ("f'{{{x}}}'", "f[\"{\" {x} \"}\"]"),
        ("f'{x:{{}}}'", "f[{x:[{{}}]}]"),
        ("f'{1, 2}'", "f[{(tuple 1 2)}]"),
        ("f'{1,}'", "f[{(tuple 1)}]"),
        ("f'{*a, 1}'", "f[{(tuple (* a) 1)}]"),
        ("f'{a != b}'", "f[{(cmp a != b)}]"),
        ("f'{a == b}'", "f[{(cmp a == b)}]"),
        ("f'{a <= b}'", "f[{(cmp a <= b)}]"),
        ("f'{a >= b}'", "f[{(cmp a >= b)}]"),
        ("f'{a < b}'", "f[{(cmp a < b)}]"),
        ("f'{a > b}'", "f[{(cmp a > b)}]"),
        ("f'{x:=5}'", "f[{x:[\"=5\"]}]"),
        ("f'{d[\"k\"]}'", "f[{(index d \"k\")}]"),
        ("f'{\"}\"}'", "f[{\"}\"}]"),
        ("f'{\"{\"}'", "f[{\"{\"}]"),
        ("f'{\"!:=\"}'", "f[{\"!:=\"}]"),
        ("f'{d[1:2]}'", "f[{(index d (slice 1 2 _))}]"),
        ("f'{ {\"a\": 1}[\"a\"] }'", "f[{(index {\"a\": 1} \"a\")}]"),
        ("f'{f(a, b=c)!r}'", "f[{(call f a b=c)!r}]"),
        ("f'{f\"{x}\"}'", "f[{f[{x}]}]"),
        ("f'''{x\n+ 1}'''", "f[{(+ x 1)}]"),
        ("f'''{\"\"\"a\"\"\"}'''", "f[{\"a\"}]"),
        (r"f'a\n{x}\t'", r#"f["a\n" {x} "\t"]"#),
        (r"f'\{x}'", r#"f["\\" {x}]"#),
        (r"f'\x7b'", "f[\"{\"]"),
        (r"rf'\n{x}'", r#"f["\\n" {x}]"#),
        (r"fR'\n{x}'", r#"f["\\n" {x}]"#),
        (r"Fr'{x}\n'", r#"f[{x} "\\n"]"#),
        (r"f'{x:\n}'", r#"f[{x:["\n"]}]"#),
    ]);
}

#[test]
fn templates() {
    let show = |_: &str, parts: &Vec<FPart>| fparts(parts);
    check(
        &[
            ("", ""),
            ("plain text", "\"plain text\""),
            ("Received result: {result}", "\"Received result: \" {result}"),
            ("Received {x!r:>5} {{lit}}", "\"Received \" {x!r:[\">5\"]} \" {lit}\""),
            ("{a}{b}", "{a} {b}"),
            ("{{}}", "\"{}\""),
            ("}}{{", "\"}{\""),
            ("{x=}", "{x!r dbg=\"x=\"}"),
            ("{total:.2f}s", "{total:[\".2f\"]} \"s\""),
            ("{x:>{w}}|", "{x:[\">\" {w}]} \"|\""),
            ("{t.get_name()} done", "{(call (. t get_name))} \" done\""),
            ("{'a' if ok else 'b'}", "{(if ok \"a\" \"b\")}"),
            ("{\"q\"}", "{\"q\"}"),
            ("C:\\path\\n", "\"C:\\\\path\\\\n\""),
            ("{ x }", "{x}"),
            ("{x\n}", "{x}"),
            ("é{x}ü", "\"é\" {x} \"ü\""),
        ],
        parse_template,
        show,
    );
}

#[test]
fn spans_follow_cpython() {
    check(
        &[
            ("a + b * c", "a + b * c | a | b * c | b | c"),
            ("(a + b) * c", "(a + b) * c | a + b | a | b | c"),
            ("(a)", "a"),
            ("( a , b )", "( a , b ) | a | b"),
            ("1, 2", "1, 2 | 1 | 2"),
            ("-x", "-x | x"),
            ("not  x", "not  x | x"),
            ("f(a, k=b)", "f(a, k=b) | f | a | b"),
            ("(f)(a)", "(f)(a) | f | a"),
            ("x.y.z", "x.y.z | x.y | x"),
            ("a[1:2]", "a[1:2] | a | 1:2 | 1 | 2"),
            ("a[:]", "a[:] | a | :"),
            ("a < b < c", "a < b < c | a | b | c"),
            ("a and b or c", "a and b or c | a and b | a | b | c"),
            ("x if c else y", "x if c else y | x | c | y"),
            ("'a' 'b'", "'a' 'b'"),
            ("f'{x} {y!r}'", "f'{x} {y!r}' | x | y"),
            ("f'{ x + 1 }'", "f'{ x + 1 }' | x + 1 | x | 1"),
            ("[*xs, 1]", "[*xs, 1] | *xs | xs | 1"),
            ("{'k': v}", "{'k': v} | 'k' | v"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("  x  ", "x"),
        ],
        parse_expr,
        spans,
    );
    let e = parse_expr("obj.attr").unwrap();
    let ExprKind::Attribute { attr_span, .. } = e.kind else { panic!("{e:?}") };
    assert_eq!(attr_span, 4..8);
    let e = parse_expr("f(a, key=1)").unwrap();
    let ExprKind::Call { kwargs, .. } = e.kind else { panic!("{e:?}") };
    assert_eq!(kwargs[0].name_span, 5..8);
    assert_eq!(kwargs[0].value.span, 9..10);
    let parts = parse_template("ab {x + y} {z:{w}}").unwrap();
    let FPart::Field(f) = &parts[1] else { panic!("{parts:?}") };
    assert_eq!(f.expr.span, 4..9);
    let FPart::Field(f) = &parts[3] else { panic!("{parts:?}") };
    assert_eq!(f.expr.span, 12..13);
    let FPart::Field(w) = &f.spec[0] else { panic!("{f:?}") };
    assert_eq!(w.expr.span, 15..16);
}

#[test]
fn for_headers() {
    let show = |_: &str, (targets, iter): &(Vec<(String, Span)>, Expr)| {
        let targets: Vec<String> = targets.iter().map(|(n, s)| format!("{n}@{}..{}", s.start, s.end)).collect();
        format!("{} in {}", targets.join(","), sx(iter))
    };
    check(
        &[
            ("i in range(3)", "i@0..1 in (call range 3)"),
            ("i, x in enumerate(xs)", "i@0..1,x@3..4 in (call enumerate xs)"),
            ("(a, b) in pairs", "a@1..2,b@4..5 in pairs"),
            ("[a, b] in pairs", "a@1..2,b@4..5 in pairs"),
            ("(a, b,) in pairs", "a@1..2,b@4..5 in pairs"),
            ("a, b, in pairs", "a@0..1,b@3..4 in pairs"),
            ("(a) in xs", "a@1..2 in xs"),
            ("x in 1, 2", "x@0..1 in (tuple 1 2)"),
            ("x in *a, b", "x@0..1 in (tuple (* a) b)"),
            ("x in [1, 2] + ys", "x@0..1 in (+ [1 2] ys)"),
            ("  x  in  xs  ", "x@2..3 in xs"),
            ("item in q.items if q else []", "item@0..4 in (if q (. q items) [])"),
        ],
        parse_for_header,
        show,
    );
}

#[test]
fn signatures() {
    let show = |_: &str, s: &Signature| {
        let params: Vec<String> = s
            .params
            .iter()
            .map(|p| {
                let at = format!("{}@{}..{}", p.name, p.span.start, p.span.end);
                match &p.default {
                    Some(d) => format!("{at}={}", sx(d)),
                    None => at,
                }
            })
            .collect();
        format!("{}@{}..{}({})", s.name, s.name_span.start, s.name_span.end, params.join(", "))
    };
    check(
        &[
            ("worker", "worker@0..6()"),
            ("worker()", "worker@0..6()"),
            ("fetch(id)", "fetch@0..5(id@6..8)"),
            ("fetch(id, delay=1.5)", "fetch@0..5(id@6..8, delay@10..15=1.5)"),
            ("f(a, b=-1, c=[1, 2],)", "f@0..1(a@2..3, b@5..6=(- 1), c@11..12=[1 2])"),
            ("f(a=x if y else z)", "f@0..1(a@2..3=(if y x z))"),
            ("  g ( a )  ", "g@2..3(a@6..7)"),
        ],
        parse_signature,
        show,
    );
}

#[test]
fn starred_items() {
    check(
        &[
            ("*tasks", "(* tasks)"),
            ("* tasks", "(* tasks)"),
            ("*(a + b)", "(* (+ a b))"),
            ("*a or b", "(* (or a b))"),
            ("f(1)", "(call f 1)"),
            ("t", "t"),
            ("*[f(i) for i in xs]", "(* (listcomp (call f i) (for i xs)))"),
        ],
        parse_starred_item,
        |_, e| sx(e),
    );
}

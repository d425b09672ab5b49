//! Tests of what does not parse: the messages, spans and hints of errors, and
//! the limits on nesting and length.

use super::*;

#[test]
fn token_errors() {
    check_errors(expr_error, &[
        ("$", "ERR unexpected character `$` @0..1"),
        ("a ? b", "ERR unexpected character `?` @2..3"),
        ("x + “y”", "ERR unexpected character `“` @4..7 (use a plain ASCII quote, `'` or `\"`)"),
        ("données", "ERR unexpected character `é` @4..6 (asim names use ASCII letters, digits and `_`)"),
        ("'abc", "ERR unterminated string @0..1 (close it with `'`)"),
        ("x + \"abc", "ERR unterminated string @4..5 (close it with `\"`)"),
        ("f'{x}", "ERR unterminated string @0..2 (close it with `'`)"),
        ("'''abc''", "ERR unterminated triple-quoted string @0..3 (close it with `'''`)"),
        ("'a\nb'", "ERR unterminated string @0..1 (close it with `'`)"),
        (r"'abc\'", "ERR unterminated string @0..1 (close it with `'`)"),
        (r"r'abc\'", "ERR unterminated string @0..2 (close it with `'`)"),
        ("(\"abc", "ERR unterminated string @1..2 (close it with `\"`)"),
        ("b'x'", "ERR bytes literals are not supported in asim expressions @0..4"),
        ("Rb'x'", "ERR bytes literals are not supported in asim expressions @0..5"),
        (r"'\x4'", r"ERR truncated `\x` escape: expected 2 hex digits @1..4"),
        (r"'ab\u12'", r"ERR truncated `\u` escape: expected 4 hex digits @3..7"),
        (r"'\U00110000'", r"ERR illegal Unicode character @1..11"),
        (r"'\ud800'", r"ERR surrogate code points are not supported in asim strings @1..7"),
        (r"'\N{BULLET}'", r"ERR `\N{...}` escapes are not supported in asim expressions @1..3 (write the character itself, or use `\u`)"),
        ("1abc", "ERR invalid decimal literal @0..2"),
        ("1__2", "ERR invalid decimal literal @0..2"),
        ("1_", "ERR invalid decimal literal @0..2"),
        ("1._5", "ERR invalid decimal literal @0..3"),
        ("1e", "ERR invalid decimal literal @0..2"),
        ("1e+", "ERR invalid decimal literal @0..2"),
        ("1e_5", "ERR invalid decimal literal @0..2"),
        ("1.real", "ERR invalid decimal literal @0..3"),
        ("0x", "ERR invalid hexadecimal literal @0..2"),
        ("0xg", "ERR invalid hexadecimal literal @0..2"),
        ("0x1fg", "ERR invalid hexadecimal literal @0..5"),
        ("0x1and 1", "ERR invalid hexadecimal literal @0..5"),
        ("0x_", "ERR invalid hexadecimal literal @0..3"),
        ("0b12", "ERR invalid digit '2' in binary literal @3..4"),
        ("0o8", "ERR invalid digit '8' in octal literal @2..3"),
        ("09", "ERR leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers @0..2"),
        ("0_1", "ERR leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers @0..3"),
        ("1j", "ERR complex numbers are not supported in asim expressions @0..2"),
        ("1.5J", "ERR complex numbers are not supported in asim expressions @0..4"),
        ("x \\ y", "ERR unexpected character after line continuation character @2..3"),
        ("x \\\n", "ERR unexpected end of input after line continuation character @2..3"),
        ("\n x", "ERR unexpected indent @1..2"),
        ("#c\n\tx", "ERR unexpected indent @3..4"),
        ("  \n  x", "ERR unexpected indent @3..5"),
        ("x\n  ", "ERR unexpected indent @2..4"),
        ("x # c\r\n\t", "ERR unexpected indent @7..8"),
        ("\n ", "ERR unexpected indent @1..2"),
    ]);
}

#[test]
fn syntax_errors() {
    check_errors(expr_error, &[
        ("", "ERR expected an expression @0..0"),
        ("   ", "ERR expected an expression @3..3"),
        ("1 +", "ERR expected an expression @3..3"),
        ("1 + )", "ERR unexpected `)` @4..5 (there is no matching opening bracket for `)`)"),
        ("f(1))", "ERR unexpected `)` @4..5 (there is no matching opening bracket for `)`)"),
        (")", "ERR unexpected `)` @0..1 (there is no matching opening bracket for `)`)"),
        ("(1 + )", "ERR expected an expression @5..6"),
        ("(1]", "ERR closing `]` does not match opening `(` @2..3 (expected `)`)"),
        ("[1, 2)", "ERR closing `)` does not match opening `[` @5..6 (expected `]`)"),
        ("(1 + 2", "ERR unclosed `(` @0..1 (add the matching `)`)"),
        ("f(a[1", "ERR unclosed `[` @3..4 (add the matching `]`)"),
        ("f(1,", "ERR unclosed `(` @1..2 (add the matching `)`)"),
        ("{'a': 1", "ERR unclosed `{` @0..1 (add the matching `}`)"),
        ("(x if y", "ERR unclosed `(` @0..1 (add the matching `)`)"),
        ("(1 2)", "ERR unexpected `2` @3..4 (perhaps you forgot a comma?)"),
        ("[1 2]", "ERR unexpected `2` @3..4 (perhaps you forgot a comma?)"),
        ("f(a b)", "ERR unexpected `b` @4..5 (perhaps you forgot a comma?)"),
        ("[a 'b']", "ERR unexpected string literal @3..6 (perhaps you forgot a comma?)"),
        ("1 2", "ERR unexpected `2` @2..3"),
        ("x y", "ERR unexpected `y` @2..3"),
        ("x = 3", "ERR unexpected `=` @2..3 (to compare values, write `==`)"),
        ("count = 3", "ERR unexpected `=` @6..7 (to compare values, write `==`)"),
        ("f(a.b=1)", "ERR unexpected `=` @5..6 (to compare values, write `==`)"),
        ("x += 1", "ERR unexpected `+=` @2..4 (assignments are steps, not expressions: write the statement in a `let` (`- let: x += 1`), or `set` for a shared variable)"),
        ("a && b", "ERR unexpected `&&` @2..4 (Python spells logical AND as `and`)"),
        ("a || b", "ERR unexpected `||` @2..4 (Python spells logical OR as `or`)"),
        ("!x", "ERR unexpected `!` @0..1 (Python spells logical NOT as `not`)"),
        ("a and !b", "ERR unexpected `!` @6..7 (Python spells logical NOT as `not`)"),
        ("a ! b", "ERR unexpected `!` @2..3 (Python spells logical NOT as `not`)"),
        ("a <> b", "ERR unexpected `<>` @2..4 (Python spells not-equal as `!=`)"),
        ("a @ b", "ERR the `@` operator is not supported in asim expressions @2..3"),
        ("(y := 1)", "ERR assignment expressions (`:=`) are not supported in asim expressions @3..5 (assign with a `let` step)"),
        ("lambda: 1", "(lambda () 1)"),
        ("f(lambda x, y=2: x + y)", "(call f (lambda (x y=2) (+ x y)))"),
        ("lambda x: lambda: x if x else 0", "(lambda (x) (lambda () (if x x 0)))"),
        ("lambda *a: 1", "ERR `*`, `**` and `/` parameters are not supported in asim lambdas @7..8"),
        ("lambda a=1, b: 1", "ERR non-default argument follows default argument @12..13"),
        ("await -f()", "ERR `await` applies to a primary (a name, a call, an attribute or an item) @6..7 (put what it awaits in parentheses: `await (...)`, or move the operator out: `-(await f())`)"),
        ("await await f()", "ERR `await` applies to a primary (a name, a call, an attribute or an item) @6..11 (put what it awaits in parentheses: `await (...)`, or move the operator out: `-(await f())`)"),
        ("await", "ERR expected an expression @5..5"),
        ("yield x", "ERR `yield` is not supported in asim expressions @0..5"),
        ("[x for x in xs]", "(listcomp x (for x xs))"),
        ("[x * y for x, (y, _) in xs if x if y > 1 for z in x]", "(listcomp (* x y) (for (tuple x (tuple y _)) xs (if x) (if (cmp y > 1))) (for z x))"),
        ("[1, x for x in xs]", "ERR unexpected `for` @6..9 (a comprehension has one element before `for`: `[x for x in xs]`; wrap a tuple element in parentheses: `[(a, b) for ...]`)"),
        ("(x for x in xs)", "(genexp x (for x xs))"),
        ("sum(x for x in xs)", "(call sum (genexp x (for x xs)))"),
        ("f(a, x for x in xs)", "ERR Generator expression must be parenthesized @5..18"),
        ("{k: v for k in xs}", "(dictcomp k v (for k xs))"),
        ("{x for x in xs}", "(setcomp x (for x xs))"),
        ("[x for x in a if b else c]", "ERR unexpected `else` @19..23 (expected `]`)"),
        ("x for x in xs", "ERR unexpected `for` @2..5"),
        ("{x}", "{set x}"),
        ("{1, 2,}", "{set 1 2}"),
        ("{1, x: 2}", "ERR unexpected `:` @5..6 (expected `,` or `}`)"),
        ("{*a}", "ERR `*` unpacking in a set literal is not supported in asim @1..2"),
        ("{**d}", "ERR dict unpacking (`**`) is not supported in asim expressions @1..3"),
        ("{'a': 1, 'b'}", "ERR expected `:` after dictionary key @12..13"),
        ("{'a' 1}", "ERR unexpected `1` @5..6 (perhaps you forgot a comma?)"),
        ("f(**kw)", "(call f **=kw)"),
        ("f(a, *b, c=1, **d, **e)", "(call f a (* b) c=1 **=d **=e)"),
        ("f(a=1, b)", "ERR positional argument follows keyword argument @7..8"),
        ("f(a=1, a=2)", "ERR keyword argument repeated: `a` @7..8"),
        ("f(a=)", "ERR expected an expression @4..5"),
        ("f(if=1)", "ERR expected an expression @2..4 (`if` is a Python keyword, so it cannot be used as a name)"),
        ("x if y", "ERR expected `else` after `if` expression @6..6"),
        ("x if y z", "ERR expected `else` after `if` expression @7..8"),
        ("*a", "ERR cannot use starred expression here @0..1 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
        ("*a, b", "ERR cannot use starred expression here @0..1 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
        ("(*a)", "ERR cannot use starred expression here @1..3 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
        ("a[*b]", "ERR cannot use starred expression here @2..3 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
        ("[*a if b else c]", "ERR unexpected `if` @4..6 (expected `,` or `]`)"),
        ("[a None]", "ERR unexpected `None` @3..7 (perhaps you forgot a comma?)"),
        ("[a 1.5]", "ERR unexpected `1.5` @3..6 (perhaps you forgot a comma?)"),
        ("f(a) (b c)", "ERR unexpected `c` @8..9 (perhaps you forgot a comma?)"),
        ("{'a': 1 'b': 2}", "ERR unexpected string literal @8..11 (perhaps you forgot a comma?)"),
        ("a[1:2:3:4]", "ERR unexpected `:` @7..8 (expected `]`)"),
        ("f(x)(", "ERR unclosed `(` @4..5 (add the matching `)`)"),
        ("1 + not x", "ERR expected an expression @4..7 (`not` binds more loosely than comparisons and arithmetic; wrap it in parentheses: `(not ...)`)"),
        ("a not b", "ERR unexpected `not` @2..5"),
        ("x.if", "ERR expected an attribute name after `.` @2..4"),
        ("x.", "ERR expected an attribute name after `.` @2..2"),
        ("x.1", "ERR unexpected `.1` @1..3"),
        ("a[]", "ERR expected an expression @2..3"),
        ("a[1:2, 3]", "ERR slices inside a tuple index are not supported in asim expressions @2..5"),
        ("...", "ERR `...` (Ellipsis) is not supported in asim expressions @0..3"),
        ("class", "ERR expected an expression @0..5 (`class` is a Python keyword, so it cannot be used as a name)"),
        ("x +\n1", "ERR expected an expression @3..4 (to continue an expression on the next line, wrap it in parentheses)"),
        ("x\n+ 1", "ERR unexpected newline @1..2 (to continue an expression on the next line, wrap it in parentheses)"),
        ("1; 2", "ERR unexpected `;` @1..2"),
        ("ur'x'", "ERR unexpected string literal @2..5"),
        ("f(x) $", "ERR unexpected character `$` @5..6"),
        (") $", "ERR unexpected `)` @0..1 (there is no matching opening bracket for `)`)"),
        ("f(1 $", "ERR unexpected character `$` @4..5"),
    ]);
}

#[test]
fn fstring_errors() {
    check_errors(expr_error, &[
        ("f'{}'", "ERR f-string: empty expression not allowed @2..4"),
        ("f'{ }'", "ERR f-string: empty expression not allowed @2..5"),
        ("f'{!r}'", "ERR f-string: expression required before '!' @2..4"),
        ("f'{:x}'", "ERR f-string: expression required before ':' @2..4"),
        ("f'{=}'", "ERR f-string: expression required before '=' @2..4"),
        ("f'}'", "ERR f-string: single '}' is not allowed @2..3 (write `}}` for a literal `}`)"),
        ("f'{x}}'", "ERR f-string: single '}' is not allowed @5..6 (write `}}` for a literal `}`)"),
        ("f'{x'", "ERR f-string: expecting '}' @2..3 (write `{{` for a literal `{`)"),
        ("f'{'", "ERR f-string: expecting '}' @2..3 (write `{{` for a literal `{`)"),
        ("f'{x!r'", "ERR f-string: expecting '}' @2..3 (write `{{` for a literal `{`)"),
        ("f'{x!r }'", "ERR f-string: expecting '}' @6..7 (write `{{` for a literal `{`)"),
        ("f'{x=y}'", "ERR f-string: expecting '}' @5..6 (write `{{` for a literal `{`)"),
        ("f'{x!r=}'", "ERR f-string: expecting '}' @6..7 (write `{{` for a literal `{`)"),
        ("f'{x!z}'", "ERR f-string: invalid conversion character: expected 's', 'r', or 'a' @5..6"),
        ("f'{x!}'", "ERR f-string: invalid conversion character: expected 's', 'r', or 'a' @5..6"),
        ("f'{x:{y:{z}}}'", "ERR f-string: expressions nested too deeply @8..9"),
        ("f'{x:{y'", "ERR f-string: expecting '}' @5..6"),
        ("f'{a)}'", "ERR f-string: unmatched ')' @4..5"),
        ("f'{a]}'", "ERR f-string: unmatched ']' @4..5"),
        ("f'{(a]}'", "ERR f-string: closing parenthesis ']' does not match opening parenthesis '(' @5..6"),
        ("f'{(a}'", "ERR f-string: closing parenthesis '}' does not match opening parenthesis '(' @5..6"),
        ("f'{(a'", "ERR f-string: unmatched '(' @3..4"),
        ("f'{x\"}'", "ERR f-string: unterminated string @4..5"),
        ("f'{a #}'", "ERR f-string expression part cannot include '#' @5..6"),
        (r#"f'{"\n"}'"#, "ERR f-string expression part cannot include a backslash @4..5 (compute the value in a `let` step first)"),
        ("f'{x y}'", "ERR unexpected `y` @5..6"),
        ("f'{x +}'", "ERR expected an expression @6..6"),
        ("f'{*a}'", "ERR cannot use starred expression here @3..5 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
        ("f'{(lambda:1)()}'", "f[{(call (lambda () 1))}]"),
        ("f'{x}' f'{'", "ERR f-string: expecting '}' @9..10 (write `{{` for a literal `{`)"),
        ("f'{$}'", "ERR unexpected character `$` @3..4"),
        (r"f'\N{DASH}'", r"ERR `\N{...}` escapes are not supported in asim expressions @2..4 (write the character itself, or use `\u`)"),
    ]);
}

#[test]
fn template_errors() {
    let run = |src: &str| parse_template(src).map(|p| fparts(&p));
    check_errors(run, &[
        ("a } b", "ERR f-string: single '}' is not allowed @2..3 (write `}}` for a literal `}`)"),
        ("a { b", "ERR f-string: expecting '}' @2..3 (write `{{` for a literal `{`)"),
        ("{}", "ERR f-string: empty expression not allowed @0..2"),
        ("x {x!q}", "ERR f-string: invalid conversion character: expected 's', 'r', or 'a' @5..6"),
        ("{x:{y:{z}}}", "ERR f-string: expressions nested too deeply @6..7"),
        ("{a + }", "ERR expected an expression @5..5"),
        ("{'\\n'.join(xs)}", "ERR f-string expression part cannot include a backslash @2..3 (compute the value in a `let` step first)"),
        ("{x = 3}", "ERR f-string: expecting '}' @5..6 (write `{{` for a literal `{`)"),
        ("{[x for x in y]}", "{(listcomp x (for x y))}"),
    ]);
}

#[test]
fn header_errors() {
    let for_run = |src: &str| parse_for_header(src).map(|(t, e)| format!("{t:?} {}", sx(&e)));
    check_errors(for_run, &[
        ("", "ERR expected a loop variable name @0..0"),
        ("in xs", "ERR expected a loop variable name @0..2 (`in` is a Python keyword, so it cannot be used as a name)"),
        ("for i in xs", "ERR expected a loop variable name @0..3 (write the header without the leading `for`: `i in range(3)`)"),
        ("i range(3)", "ERR expected `in` after the loop variable @2..7 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
        ("i", "ERR expected `in` after the loop variable @1..1 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
        ("i in", "ERR expected an expression @4..4"),
        ("i in xs ys", "ERR unexpected `ys` @8..10"),
        ("1 in xs", "ERR expected a loop variable name @0..1"),
        ("x.y in xs", "ERR a loop variable must be a plain name @1..2 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
        ("a[0] in xs", "ERR a loop variable must be a plain name @1..2 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
        ("(a, (b, c)) in xs", "ERR nested tuple targets are not supported in asim @4..5"),
        ("*a, b in xs", "ERR starred targets are not supported in asim @0..1"),
        ("a, in xs", "ERR a one-element tuple target is not supported in asim @1..2 (remove the comma to bind the name itself)"),
        ("(a,) in xs", "ERR a one-element tuple target is not supported in asim @2..3 (remove the comma to bind the name itself)"),
        ("(a, b in xs", "ERR unexpected `in` @6..8 (expected `,` or `)`)"),
        ("[a, b) in xs", "ERR closing `)` does not match opening `[` @5..6 (expected `]`)"),
        ("(a, b", "ERR unclosed `(` @0..1 (add the matching `)`)"),
        ("(a, b] in xs", "ERR closing `]` does not match opening `(` @5..6 (expected `)`)"),
        ("i = 0", "ERR expected `in` after the loop variable @2..3 (a `for` header reads `NAME in ITERABLE`, e.g. `i in range(3)`)"),
        ("i in *xs", "ERR cannot use starred expression here @5..8 (`*xs` unpacks only into a call `f(*xs)`, a list `[*xs]` or a tuple `(*xs,)`)"),
    ]);
    let sig_run = |src: &str| parse_signature(src).map(|s| format!("{s:?}"));
    check_errors(
        sig_run,
        &[
            ("", "ERR expected a coroutine name @0..0"),
            ("(a)", "ERR expected a coroutine name @0..1"),
            (
                "async def f()",
                "ERR expected a coroutine name @0..5 (write just `name(param, ...)`, without `async def`)",
            ),
            ("def f()", "ERR expected a coroutine name @0..3 (write just `name(param, ...)`, without `async def`)"),
            ("class", "ERR expected a coroutine name @0..5"),
            ("f(", "ERR unclosed `(` @1..2 (add the matching `)`)"),
            ("f(a", "ERR unclosed `(` @1..2 (add the matching `)`)"),
            ("f(a b)", "ERR unexpected `b` @4..5 (perhaps you forgot a comma?)"),
            ("f(a, a)", "ERR duplicate parameter `a` @5..6"),
            ("f(a=1, b)", "ERR parameter without a default follows parameter with a default @7..8"),
            ("f(*args)", "ERR `*` and `**` parameters are not supported in asim signatures @2..3"),
            ("f(a, *, b)", "ERR `*` and `**` parameters are not supported in asim signatures @5..6"),
            ("f(**kw)", "ERR `*` and `**` parameters are not supported in asim signatures @2..4"),
            ("f(a, /)", "ERR positional-only parameters (`/`) are not supported in asim signatures @5..6"),
            ("f(a: int)", "ERR parameter annotations are not supported in asim signatures @3..4"),
            ("f(1)", "ERR expected a parameter name @2..3"),
            ("f(if)", "ERR expected a parameter name @2..4 (`if` is a Python keyword, so it cannot be used as a name)"),
            ("f(a=)", "ERR expected an expression @4..5"),
            ("f():", "ERR unexpected `:` @3..4 (a signature is just `name(param, param=default)`)"),
            ("f() -> int", "ERR unexpected `->` @4..6 (a signature is just `name(param, param=default)`)"),
            ("f g", "ERR unexpected `g` @2..3"),
            ("f.g()", "ERR unexpected `.` @1..2"),
        ],
    );
    let star_run = |src: &str| parse_starred_item(src).map(|e| sx(&e));
    check_errors(
        star_run,
        &[
            ("", "ERR expected an expression @0..0"),
            ("*", "ERR expected an expression @1..1"),
            (
                "f(1), g(2)",
                "ERR unexpected `,` @4..5 (an item is a single expression; give each item its own list entry)",
            ),
            ("*a, *b", "ERR unexpected `,` @2..3 (an item is a single expression; give each item its own list entry)"),
            ("**kw", "ERR `**` unpacking is not supported in asim expressions @0..2"),
            ("f(1) g", "ERR unexpected `g` @5..6"),
        ],
    );
}

#[test]
fn nesting_limit() {
    let ok = format!("{}x{}", "(".repeat(MAX_DEPTH - 1), ")".repeat(MAX_DEPTH - 1));
    assert!(parse_expr(&ok).is_ok());
    let deep = format!("{}x{}", "(".repeat(MAX_DEPTH + 5), ")".repeat(MAX_DEPTH + 5));
    let err = parse_expr(&deep).unwrap_err();
    assert_eq!(err.message, "expression is too deeply nested");
    let unary = format!("{}x", "-".repeat(10 * MAX_DEPTH));
    assert_eq!(parse_expr(&unary).unwrap_err().message, "expression is too deeply nested");
    let nots = format!("{}x", "not ".repeat(10 * MAX_DEPTH));
    assert_eq!(parse_expr(&nots).unwrap_err().message, "expression is too deeply nested");
    let pows = format!("x{}", "**x".repeat(10 * MAX_DEPTH));
    assert_eq!(parse_expr(&pows).unwrap_err().message, "expression is too deeply nested");
    let lists = format!("{}{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
    assert!(parse_expr(&lists).is_ok());
    // f-strings nest too: their fields keep counting.
    let inner = format!("{}x{}", "(".repeat(MAX_DEPTH - 2), ")".repeat(MAX_DEPTH - 2));
    assert!(parse_expr(&format!("f'{{{inner}}}'")).is_ok());
    let nested_f = format!("f'{{f\"{{{inner}}}\"}}'");
    assert_eq!(parse_expr(&nested_f).unwrap_err().message, "expression is too deeply nested");
    assert!(parse_template(&format!("{{{inner}}}")).is_ok());
    // Long flat expressions are not nesting, up to CPython's chain limit.
    let flat = vec!["x"; MAX_CHAIN + 1].join(" + ");
    assert!(parse_expr(&flat).is_ok());
    let long = vec!["x"; MAX_CHAIN + 2].join(" + ");
    assert!(parse_expr(&long).unwrap_err().message.starts_with("expression too long"));
    let trailers = format!("x{}", "[0]".repeat(MAX_CHAIN + 1));
    assert!(parse_expr(&trailers).unwrap_err().message.starts_with("expression too long"));
}

/// Every prefix of tricky input, through every entry point: no panic,
/// and every span lies inside the input.
#[test]
fn prefixes_never_panic() {
    let corpus = [
        r#"f'{x!r:>{w}}' 'é' + g(a, *b, k=[1, {'k': (2,)}])[1:2:3].y"#,
        r#"rf"\{é}" f'''{x
=}''' "\u00e9\x4\N{A}" '\'"#,
        "a if b else -c ** -d not in e is not f and not g or h",
        "0x1F + 0b12 + 1_000.5e-3 + 1__0 + 09 + 1e + 1j + 1if x else 2",
        "(a, b) in [*xs, (1,)] \\\n + 1 # comment é",
        "worker(a, b=1, *, c) -> None: \u{201c}x\u{201d} $",
        r"{x:{y:{z}}} {{ }} } { {!r} {x=!s:^{w}} {'\n'} {a #} {(a]} {a)}",
        "i, (j, k) in enumerate(é)",
        "\n  x\r\n\t+ 1 \\\r\n",
    ];
    for text in corpus {
        for (end, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let src = &text[..end];
            let check = |e: ParseError| {
                assert!(e.span.start <= e.span.end && e.span.end <= src.len(), "{src:?}: {e:?}");
            };
            let _ = parse_expr(src).map_err(check);
            let _ = parse_template(src).map_err(check);
            let _ = parse_for_header(src).map_err(check);
            let _ = parse_signature(src).map_err(check);
            let _ = parse_starred_item(src).map_err(check);
            let _ = parse_assign(src).map_err(check);
            let _ = parse_del(src).map_err(check);
            let _ = parse_target(src).map_err(check);
        }
    }
}

#[test]
fn error_display_is_the_message() {
    let err = parse_expr("(1").unwrap_err();
    assert_eq!(err.to_string(), "unclosed `(`");
}

/// Assignment statements: what parses, and CPython 3.11's SyntaxError
/// message for what does not (each from `compile(src, 'f', 'exec')`).
#[test]
fn assignment_statements_follow_python() {
    let ok = [
        "a = 1",
        "a = b = 1",
        "a, b = 1, 2",
        "[a, (b, c)] = x",
        "a, *b = x",
        "d[k] = 1",
        "x[1:2] = y",
        "d['a'] += 1",
        "x **= 2",
        "a, = x",
        "(a) = 1",
        "() = []",
        "x = *a, b",
        "x[1:2] += y",
    ];
    for src in ok {
        assert!(parse_assign(src).is_ok(), "{src}: {:?}", parse_assign(src));
    }
    let bad = [
        ("f() = 1", "cannot assign to function call here. Maybe you meant '==' instead of '='?"),
        ("1 = x", "cannot assign to literal here. Maybe you meant '==' instead of '='?"),
        ("a + b = 1", "cannot assign to expression here. Maybe you meant '==' instead of '='?"),
        ("*a = xs", "starred assignment target must be in a list or tuple"),
        ("a, *b, *c = xs", "multiple starred expressions in assignment"),
        ("a, b += 1", "'tuple' is an illegal expression for augmented assignment"),
        ("[a, b] += 1", "'list' is an illegal expression for augmented assignment"),
        ("f() += 1", "'function call' is an illegal expression for augmented assignment"),
        ("True = 1", "cannot assign to True"),
        ("None = 1", "cannot assign to None"),
        ("a if b else c = 1", "cannot assign to conditional expression"),
        ("x = *a", "can't use starred expression here"),
        ("f'{s}' = 1", "cannot assign to f-string expression here. Maybe you meant '==' instead of '='?"),
        ("a < b = 1", "cannot assign to comparison"),
        ("a and b = 1", "cannot assign to expression"),
    ];
    for (src, want) in bad {
        assert_eq!(parse_assign(src).map(|_| ()).unwrap_err().message, want, "{src}");
    }
    for (src, want) in
        [("f()", "cannot delete function call"), ("1", "cannot delete literal"), ("a + b", "cannot delete expression")]
    {
        assert_eq!(parse_del(src).map(|_| ()).unwrap_err().message, want, "{src}");
    }
    assert!(parse_del("a, b[1], (c, d)").is_ok());
}

/// Int literals are unbounded up to asim's cap on an int's size.
#[test]
fn int_literal_size() {
    let huge = format!("1{}", "0".repeat(301_030));
    let e = expr_error(&huge).unwrap_err();
    assert_eq!(show_err(&e), "integer literal too large for asim (more than 1000000 bits) @0..301031");
    assert_eq!(expr_error("99999999999999999999999").unwrap(), "99999999999999999999999L");
    assert_eq!(expr_error("-9223372036854775808").unwrap(), "-9223372036854775808");
}

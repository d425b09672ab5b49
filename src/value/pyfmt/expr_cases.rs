//! Test support: evaluates Python expressions in a scenario and compares
//! each `repr()` (or the exception's `Type: message`) with what CPython 3.11
//! gives, as the tables of `percent_tests` and `str_format_tests` list it.

use crate::runtime::{Event, EventKind, Limits, RunEnd, Sink, Tasks};
use crate::source::Source;

/// An expression and `repr(eval(expr))`, or `Type: message` of what it raises.
pub(super) type Case = (&'static str, &'static str);

/// Collects the printed lines.
struct Prints(Vec<String>);

impl Sink for Prints {
    fn event(&mut self, e: &Event<'_>, _: &Tasks<'_>) -> std::io::Result<()> {
        if let EventKind::Print(text) = e.kind {
            self.0.push(text.to_owned());
        }
        Ok(())
    }
    fn finish(&mut self, _: &RunEnd, _: &Tasks<'_>) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs every case in one scenario and asserts that each one prints what
/// the table says, listing all the cases that do not.
pub(super) fn check(cases: &[Case]) {
    let mut scenario = String::from("main:\n");
    for (i, (expr, _)) in cases.iter().enumerate() {
        // A YAML single-quoted scalar: a quote is written twice.
        let quoted = expr.replace('\'', "''");
        scenario.push_str(&format!(
            "  - try:\n      - let: 'v = {quoted}'\n      - print: \"{i} {{v!r}}\"\n    except:\n      - match: Exception\n        as: e\n        do:\n          - print: \"{i} {{type(e).__name__}}: {{e}}\"\n"
        ));
    }
    let compiled = match crate::compile_source(&Source::new("cases.yaml", &scenario)) {
        Ok(c) => c,
        Err(d) => panic!("the cases do not compile: {d:?}"),
    };
    let mut prints = Prints(Vec::new());
    // The expected results were measured on CPython 3.11.
    compiled.run(Limits { python: Some(crate::version::Python::V3_11), ..Limits::default() }, &mut prints);
    assert_eq!(prints.0.len(), cases.len(), "one line per case: {:?}", prints.0);
    let mut wrong = Vec::new();
    for (i, ((expr, want), got)) in cases.iter().zip(&prints.0).enumerate() {
        let got = got.strip_prefix(&format!("{i} ")).unwrap_or(got);
        if got != *want {
            wrong.push(format!("{expr}\n    python: {want}\n    asim:   {got}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} cases differ from CPython:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

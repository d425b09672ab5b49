//! JUnit XML for CI systems (`asim test --junit FILE`): one `testcase` per
//! scenario, a `failure` with the reason and the diff for each one that
//! failed. No wall-clock times: the file is as deterministic as the runs.

use super::case::{Case, Status};
use std::fmt::Write as _;

/// The whole report.
pub(crate) fn report(cases: &[Case], diffs: &[Option<String>], ci: bool) -> String {
    let failed = cases.iter().filter(|c| super::is_failure(c, ci)).count();
    let skipped = cases.iter().filter(|c| c.status == Status::New && !ci).count();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"asim\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">",
        cases.len()
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"asim test\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">",
        cases.len()
    );
    for (case, diff) in cases.iter().zip(diffs) {
        let (class, name) = match case.shown.rsplit_once('/') {
            Some((dir, file)) => (dir.replace('/', "."), file),
            None => (String::from("."), case.shown.as_str()),
        };
        let _ = write!(
            x,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
            esc(&class),
            esc(name),
            esc(&case.shown)
        );
        let failure = |kind: &str, message: &str, body: &str| {
            format!("      <failure type=\"{kind}\" message=\"{}\">{}</failure>\n", esc(message), esc(body))
        };
        let inner = match case.status {
            Status::Pass => String::new(),
            Status::New if !ci => {
                "      <skipped message=\"no snapshot yet: written as .asim.snap.new\"/>\n".to_owned()
            }
            Status::New => failure(
                "missing",
                "no snapshot (a missing snapshot fails under CI=true)",
                case.actual.as_deref().unwrap_or(""),
            ),
            Status::Changed => failure("snapshot", "the run differs from its snapshot", diff.as_deref().unwrap_or("")),
            Status::Invalid => failure("invalid", "the scenario is invalid", &case.message),
            Status::Expect => {
                let mut body = case.message.clone();
                if let Some(d) = diff {
                    body.push_str(d);
                }
                failure("expect", "an expectation of the expect: block failed", &body)
            }
        };
        if inner.is_empty() {
            x.push_str("/>\n");
        } else {
            x.push_str(">\n");
            x.push_str(&inner);
            x.push_str("    </testcase>\n");
        }
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

/// XML text and attribute escaping ([`crate::report::push_xml_escaped`]).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::report::push_xml_escaped(&mut out, s);
    out
}

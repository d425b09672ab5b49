//! The unified diff `asim test` shows between a stored snapshot and the
//! run's, coloured on a terminal (red: only in the snapshot, green: only
//! in the run).

use crate::report::{Style, DIM, GREEN, RED};
use similar::TextDiff;
use std::fmt::Write as _;

/// `old` (the stored snapshot) against `new` (this run), three lines of
/// context, headed by the two names.
pub(crate) fn unified(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    let style = Style { on: color };
    let diff = TextDiff::from_lines(old, new);
    let text = diff.unified_diff().context_radius(3).header(old_name, new_name).to_string();
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let painted = if line.starts_with("---") || line.starts_with("+++") {
            style.paint(crate::report::BOLD, line)
        } else if line.starts_with("@@") {
            style.paint(DIM, line)
        } else if line.starts_with('-') {
            style.paint(RED, line)
        } else if line.starts_with('+') {
            style.paint(GREEN, line)
        } else {
            line.to_owned()
        };
        let _ = writeln!(out, "{painted}");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_changed_line_shows_as_minus_then_plus() {
        let d = super::unified("a\nb\nc\n", "a\nB\nc\n", "old", "new", false);
        assert_eq!(d, "--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    }
}

//! The report of an unhandled exception, as CPython prints it at the end of
//! a program: chained exceptions first, each introduced by Python's
//! sentence, and an exception group as a box of its sub-exceptions, with
//! the frames of the scenario each one passed through.
//!
//! The layout follows CPython 3.11's `traceback.TracebackException.format`
//! (and `print_exception_recursive` in `pythonrun.c`, which prints the same
//! text): two spaces of indent per group level, a `| ` margin inside a group
//! (`+ ` on the top group's header), at most 15 sub-exceptions per group and
//! 10 levels of groups, and a frame repeated more than three times in a row
//! folded into "[Previous line repeated N more times]".

use crate::runtime::{Failure, Link};
use crate::source::Source;

/// Frames beyond this many identical ones in a row are folded
/// (`traceback._RECURSIVE_CUTOFF`).
const RECURSIVE_CUTOFF: usize = 3;

/// Appends the report of `failure` to `out`.
pub(crate) fn write(out: &mut String, failure: &Failure, source: &Source) {
    let mut ctx = Ctx { out, source, depth: 0, need_close: false };
    ctx.failure(failure);
}

/// The state of one report (`_ExceptionPrintContext`).
struct Ctx<'a> {
    out: &'a mut String,
    source: &'a Source,
    /// How many group boxes the current line is inside.
    depth: usize,
    /// Whether the last sub-exception's box still needs its closing line.
    need_close: bool,
}

impl Ctx<'_> {
    /// Writes `text` (one or more lines) behind the current indent and
    /// margin: `| `, or `margin` on the top group's header.
    fn emit(&mut self, text: &str, margin: char) {
        for line in text.split_inclusive('\n') {
            self.indent();
            if self.depth > 0 {
                self.out.push(margin);
                self.out.push(' ');
            }
            self.out.push_str(line);
        }
        if !text.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// An exception with its chain.
    fn failure(&mut self, f: &Failure) {
        for (earlier, link) in &f.chain {
            self.one(earlier);
            self.link(*link);
        }
        self.one(f);
    }

    fn link(&mut self, link: Link) {
        self.emit("\n", '|');
        self.emit(link.sentence(), '|');
        self.emit("\n", '|');
    }

    /// One exception: its frames and its line, or a group's box.
    fn one(&mut self, f: &Failure) {
        if !f.group {
            if f.raised {
                self.emit("Traceback (most recent call last):", '|');
                self.frames(f);
            }
            self.exception_line(f);
            return;
        }
        if self.depth > Failure::MAX_GROUP_DEPTH {
            self.emit(&format!("... (max_group_depth is {})", Failure::MAX_GROUP_DEPTH), '|');
            return;
        }
        let top = self.depth == 0;
        if top {
            self.depth += 1;
        }
        if f.raised {
            self.emit("Exception Group Traceback (most recent call last):", if top { '+' } else { '|' });
            self.frames(f);
        }
        self.exception_line(f);
        let total = f.exceptions.len();
        let n = total.min(Failure::MAX_GROUP_WIDTH + 1);
        self.need_close = false;
        for i in 0..n {
            let last = i == n - 1;
            if last {
                self.need_close = true;
            }
            let truncated = i >= Failure::MAX_GROUP_WIDTH;
            self.indent();
            self.out.push_str(if i == 0 { "+-" } else { "  " });
            self.out.push_str("+---------------- ");
            if truncated {
                self.out.push_str("...");
            } else {
                self.out.push_str(&(i + 1).to_string());
            }
            self.out.push_str(" ----------------\n");
            self.depth += 1;
            if truncated {
                let more = total - Failure::MAX_GROUP_WIDTH;
                self.emit(&format!("and {more} more exception{}", if more > 1 { "s" } else { "" }), '|');
            } else {
                self.failure(&f.exceptions[i]);
            }
            if last && self.need_close {
                self.indent();
                self.out.push_str("+------------------------------------\n");
                self.need_close = false;
            }
            self.depth -= 1;
        }
        if top {
            self.depth = 0;
        }
    }

    /// The frames, outermost first, each with its scenario line.
    fn frames(&mut self, f: &Failure) {
        let mut repeated = 0usize;
        let mut last: Option<(&str, u32)> = None;
        for (coro, line, _) in &f.traceback {
            if last != Some((coro.as_str(), *line)) {
                self.repeated(repeated);
                last = Some((coro.as_str(), *line));
                repeated = 0;
            }
            repeated += 1;
            if repeated > RECURSIVE_CUTOFF {
                continue;
            }
            let file = format!("  File \"{}\", line {line}, in {coro}", self.source.path);
            self.emit(&file, '|');
            if let Some(text) = self.source.line(*line as usize) {
                let text = text.trim();
                if !text.is_empty() {
                    self.emit(&format!("    {text}"), '|');
                }
            }
        }
        self.repeated(repeated);
    }

    fn repeated(&mut self, count: usize) {
        if count > RECURSIVE_CUTOFF {
            let more = count - RECURSIVE_CUTOFF;
            self.emit(&format!("  [Previous line repeated {more} more time{}]", if more > 1 { "s" } else { "" }), '|');
        }
    }

    /// `format_exception_only`: the class (with its module unless it is a
    /// builtin or the program's own) and `str(exc)`.
    fn exception_line(&mut self, f: &Failure) {
        let mut line = String::new();
        if !f.module.is_empty() {
            line.push_str(f.module);
            line.push('.');
        }
        line.push_str(&f.kind);
        if !f.message.is_empty() {
            line.push_str(": ");
            line.push_str(&f.message);
        }
        self.emit(&line, '|');
    }
}

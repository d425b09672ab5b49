//! `asim run --timeline OUT`: a picture of the run along virtual time, one
//! lane per task (or per group of tasks in a big run), written to OUT once
//! the run is over, beside the run's normal output (see [`super::tee`]).
//!
//! - [`record`] keeps what the picture needs as the events go by;
//! - [`buckets`] counts a group's tasks per state over time;
//! - [`html`] writes a self-contained page (canvas, zoom, pan, tooltips,
//!   the state at a clicked instant); [`svg`] a static picture.

pub(crate) mod buckets;
mod html;
pub(crate) mod record;
mod svg;

use crate::runtime::{Event, Interest, Outcome, RunEnd, Sink, Tasks};
use crate::source::Source;
use record::Record;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The kind of picture, from OUT's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An interactive page.
    Html,
    /// A static picture.
    Svg,
}

/// Parses `--timeline OUT`: a path ending in `.html` or `.svg`.
pub fn parse_out(text: &str) -> Result<(PathBuf, Kind), String> {
    let ext = Path::new(text).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html") | Some("htm") => Ok((text.into(), Kind::Html)),
        Some("svg") => Ok((text.into(), Kind::Svg)),
        _ => Err("the timeline is written as HTML or SVG: give a file name ending in .html or .svg".to_owned()),
    }
}

/// How the run ended, as the picture says it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ending {
    /// ok, error, deadlock, limit.
    pub(crate) word: &'static str,
    /// The explanation (traceback, deadlock report, limit), as the text views print it.
    pub(crate) text: String,
    /// The deadlock's wait-for cycle, as tasks.
    pub(crate) cycle: Vec<u32>,
    /// Per deadlocked task: what it waits for, in words.
    pub(crate) waits: Vec<(u32, String)>,
}

/// The timeline sink: records, then writes the picture at the end.
pub struct TimelineView<'s> {
    out: Box<dyn Write>,
    kind: Kind,
    title: String,
    source: &'s Source,
    record: Record,
    error: Option<io::Error>,
}

impl<'s> TimelineView<'s> {
    /// A timeline of the run of `source`, to be written to `out`.
    pub fn new(out: Box<dyn Write>, kind: Kind, title: &str, source: &'s Source) -> Self {
        TimelineView { out, kind, title: title.to_owned(), source, record: Record::new(), error: None }
    }

    /// The error writing the picture met, if any (the run itself went on).
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }
}

impl Sink for TimelineView<'_> {
    fn interest(&self) -> Interest {
        // What each gather or task group waits for, for the awaited-by tree.
        Interest::ALL.with(Interest::AWAITS)
    }

    fn event(&mut self, event: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        self.record.event(event, tasks);
        Ok(())
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        self.record.finish(end.elapsed, tasks);
        let mut ending = Ending {
            word: super::outcome_word(&end.outcome),
            text: super::epilogue(end, tasks, self.source),
            ..Ending::default()
        };
        if let Outcome::Deadlock(d) = &end.outcome {
            ending.cycle = d.cycle.clone().unwrap_or_default();
            ending.waits = d.blocked.iter().map(|w| (w.task, w.on.clone())).collect();
        }
        let title = format!("{} · {} tasks · {:.3}s · {}", self.title, end.tasks, end.elapsed, ending.word);
        let written = match self.kind {
            Kind::Html => html::write(&mut self.out, &self.record, &ending, &title, end.elapsed),
            Kind::Svg => svg::write(&mut self.out, &self.record, &ending, &title, end.elapsed),
        }
        .and_then(|()| self.out.flush());
        // The run's own output is not affected: the command line reports this.
        if let Err(e) = written {
            self.error = Some(e);
        }
        Ok(())
    }
}

/// Appends `s` as a JSON string; `<` is escaped so that the text can never
/// close the page's `<script>` element.
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a time (seconds) as JSON: the shortest text that reads back the
/// same float.
pub(crate) fn push_num(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    // `{}` of an f64 is the shortest text that reads back the same
    // (`2` for 2.0), never an exponent: valid JSON.
    if x.is_finite() {
        let _ = write!(out, "{x}");
    } else {
        out.push('0');
    }
}

/// Cuts a long text to `max` characters, with an ellipsis.
pub(crate) fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_chooses_the_picture() {
        assert_eq!(parse_out("a/b.html").unwrap().1, Kind::Html);
        assert_eq!(parse_out("b.SVG").unwrap().1, Kind::Svg);
        assert!(parse_out("b.png").is_err() && parse_out("html").is_err());
    }

    #[test]
    fn json_strings_cannot_close_the_script() {
        let mut s = String::new();
        push_json_str(&mut s, "</script>\"\n");
        assert_eq!(s, "\"\\u003c/script\\u003e\\\"\\n\"");
        let mut n = String::new();
        push_num(&mut n, 2.0);
        n.push(' ');
        push_num(&mut n, 0.1 + 0.2);
        assert_eq!(n, "2 0.30000000000000004");
    }
}

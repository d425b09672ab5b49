//! `asim run -q`: exactly what the Python program prints on stdout; what
//! CPython logs goes to stderr as it happens, and the end-of-run
//! explanation (traceback, deadlock, limit) follows it there.

use super::{epilogue, Streams};
use crate::runtime::{Event, EventKind, Interest, RunEnd, Sink, Tasks};
use crate::source::Source;
use std::io;

/// The `--stdout` view.
pub struct StdoutView<'w, 's> {
    streams: Streams<'w>,
    source: &'s Source,
}

impl<'w, 's> StdoutView<'w, 's> {
    /// A view writing to these streams, explaining errors with `source`.
    pub fn new(streams: Streams<'w>, source: &'s Source) -> Self {
        StdoutView { streams, source }
    }
}

impl Sink for StdoutView<'_, '_> {
    fn interest(&self) -> Interest {
        Interest::PRINTS.with(Interest::WARNINGS)
    }

    fn event(&mut self, event: &Event<'_>, _: &Tasks<'_>) -> io::Result<()> {
        match event.kind {
            EventKind::Print(text) => {
                self.streams.out.write_all(text.as_bytes())?;
                self.streams.out.write_all(b"\n")
            }
            EventKind::Warning(text, error, line) => {
                self.streams.err.write_all(super::stderr_text(text, error, line, self.source).as_bytes())
            }
            _ => Ok(()),
        }
    }

    fn iteration_end(&mut self) -> io::Result<()> {
        self.streams.tick()
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        self.streams.out.flush()?;
        self.streams.err.write_all(epilogue(end, tasks, self.source).as_bytes())?;
        self.streams.flush()
    }
}

//! One run, two views: [`Tee`] hands each event to both sinks, each only
//! the kinds it asked for, so a view that reads only prints (`-q`) costs
//! nothing more when a picture (`--timeline`) rides along.

use crate::runtime::{Event, Interest, RunEnd, Sink, Tasks};
use std::io;

/// Two sinks fed from one run; the first one's errors win.
pub struct Tee<'a, 'b> {
    first: &'a mut dyn Sink,
    first_wants: Interest,
    second: &'b mut dyn Sink,
    second_wants: Interest,
}

impl<'a, 'b> Tee<'a, 'b> {
    /// Both sinks, in the order they see each event.
    pub fn new(first: &'a mut dyn Sink, second: &'b mut dyn Sink) -> Self {
        let first_wants = first.interest();
        let second_wants = second.interest();
        Tee { first, first_wants, second, second_wants }
    }
}

impl Sink for Tee<'_, '_> {
    fn interest(&self) -> Interest {
        self.first_wants.with(self.second_wants)
    }

    fn event(&mut self, event: &Event<'_>, tasks: &Tasks<'_>) -> io::Result<()> {
        if self.first_wants.wants(&event.kind) {
            self.first.event(event, tasks)?;
        }
        if self.second_wants.wants(&event.kind) {
            self.second.event(event, tasks)?;
        }
        Ok(())
    }

    /// The earlier of the two: the run stops where the first view asks
    /// (`--until`), and the picture shows the run up to there.
    fn horizon(&self) -> Option<f64> {
        match (self.first.horizon(), self.second.horizon()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn iteration_end(&mut self) -> io::Result<()> {
        let a = self.first.iteration_end();
        let b = self.second.iteration_end();
        a.and(b)
    }

    fn finish(&mut self, end: &RunEnd, tasks: &Tasks<'_>) -> io::Result<()> {
        // Both finish, whatever the first one says.
        let a = self.first.finish(end, tasks);
        let b = self.second.finish(end, tasks);
        a.and(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{EventKind, Limits};

    #[derive(Default)]
    struct Count {
        wants: Option<Interest>,
        prints: usize,
        others: usize,
        finished: bool,
    }

    impl Sink for Count {
        fn interest(&self) -> Interest {
            self.wants.unwrap_or(Interest::ALL)
        }
        fn event(&mut self, e: &Event<'_>, _: &Tasks<'_>) -> io::Result<()> {
            match e.kind {
                EventKind::Print(_) => self.prints += 1,
                _ => self.others += 1,
            }
            Ok(())
        }
        fn finish(&mut self, _: &RunEnd, _: &Tasks<'_>) -> io::Result<()> {
            self.finished = true;
            Ok(())
        }
    }

    #[test]
    fn each_side_sees_only_what_it_asked_for() {
        let text = "main:\n  - print: a\n  - sleep: 1\n  - print: b\n";
        let c = crate::compile_source(&crate::source::Source::new("t.yaml", text)).unwrap();
        let mut prints = Count { wants: Some(Interest::PRINTS), ..Count::default() };
        let mut all = Count::default();
        let mut tee = Tee::new(&mut prints, &mut all);
        assert_eq!(tee.interest(), Interest::ALL);
        c.run(Limits::default(), &mut tee);
        assert_eq!((prints.prints, prints.others, prints.finished), (2, 0, true));
        assert!(all.prints == 2 && all.others > 2 && all.finished);
    }
}

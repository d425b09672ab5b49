//! A colour per task in the human view, so a reader can follow one task
//! down a long log. Derived from the task's index alone, so a task keeps
//! its colour from run to run. No red or green: those say error and ok.

/// Eight colours of the 256-colour palette that stay apart on dark and
/// light backgrounds: blue, orange, purple, teal, gold, pink, sky, brown.
const TASK_COLOURS: [&str; 8] = [
    "\x1b[38;5;33m",
    "\x1b[38;5;208m",
    "\x1b[38;5;135m",
    "\x1b[38;5;37m",
    "\x1b[38;5;178m",
    "\x1b[38;5;205m",
    "\x1b[38;5;117m",
    "\x1b[38;5;137m",
];

/// The colour of the task with this index (main is 0).
pub(crate) fn task_colour(task: u32) -> &'static str {
    TASK_COLOURS[task as usize % TASK_COLOURS.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn neighbours_differ_and_the_palette_repeats() {
        assert_ne!(super::task_colour(0), super::task_colour(1));
        assert_eq!(super::task_colour(3), super::task_colour(11));
    }
}

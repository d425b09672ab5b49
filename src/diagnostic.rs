//! Diagnostics: what went wrong, where, and what to do about it.
//!
//! Error *data* ([`Diagnostic`]) is kept apart from its *wording on screen*
//! ([`render`]), which uses `annotate-snippets` for the rustc-style layout:
//! `error: ...`, `--> file:line:col`, the source line, carets, and a hint.

use crate::source::{Source, Span};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The scenario cannot run.
    Error,
    /// The scenario runs, but probably not as meant.
    Warning,
}

/// One problem in a scenario, with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// Where (a byte range of the scenario file).
    pub span: Span,
    /// A short label under the carets.
    pub label: Option<String>,
    /// What to do about it ("did you mean `semaphore`?").
    pub hint: Option<String>,
    /// A static check's stable id (`lock-order`), shown as `warning[lock-order]`.
    pub id: Option<&'static str>,
    /// Other places and notes, when there are any (boxed: most
    /// diagnostics have none, and results carry diagnostics by value).
    pub more: Option<Box<More>>,
}

/// The rarer parts of a diagnostic.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct More {
    /// Other places that explain it, each with its label (drawn with `-`).
    pub secondary: Vec<(Span, String)>,
    /// `note:` lines after the excerpt.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            hint: None,
            id: None,
            more: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(message: impl Into<String>, span: Span) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message, span) }
    }

    /// Adds a label under the carets.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a hint line.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Gives it a static check's id.
    #[must_use]
    pub fn with_id(mut self, id: &'static str) -> Self {
        self.id = Some(id);
        self
    }

    /// Adds another labelled place.
    #[must_use]
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Self {
        self.more.get_or_insert_with(Default::default).secondary.push((span, label.into()));
        self
    }

    /// Adds a `note:` line.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.more.get_or_insert_with(Default::default).notes.push(note.into());
        self
    }

    /// The other labelled places.
    pub fn secondary(&self) -> &[(Span, String)] {
        self.more.as_ref().map_or(&[], |m| &m.secondary)
    }

    /// The `note:` lines.
    pub fn notes(&self) -> &[String] {
        self.more.as_ref().map_or(&[], |m| &m.notes)
    }

    /// Adds a hint if there is one.
    #[must_use]
    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        if hint.is_some() {
            self.hint = hint;
        }
        self
    }
}

/// The nearest of `candidates` to `name` by edit distance, if close enough to
/// be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::osa_distance(&name.to_lowercase(), &c.to_lowercase());
        let limit = (name.chars().count().max(c.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// The lines of `source` that `span` touches, annotated.
fn excerpt<'a>(
    source: &'a Source,
    span: &Span,
    label: Option<&'a str>,
    kind: AnnotationKind,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let start = span.start.min(source.text.len());
    let end = span.end.clamp(start, source.text.len());
    let (first_line, lines) = source.lines_around(&(start..end));
    let mut ann = kind.span(start - lines.start..end - lines.start);
    if let Some(label) = label {
        ann = ann.label(label);
    }
    Snippet::source(&source.text[lines.clone()])
        .line_start(first_line + 1)
        .path(source.path.as_str())
        .fold(true)
        .annotation(ann)
}

/// Renders diagnostics the way a compiler does; `color` adds ANSI styling.
pub fn render(source: &Source, diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        // One excerpt per place: the primary one first, then each secondary
        // one (a far place is its own excerpt, not the lines in between).
        let mut title = level.primary_title(d.message.as_str());
        if let Some(id) = d.id {
            title = title.id(id);
        }
        let mut group = title.element(excerpt(source, &d.span, d.label.as_deref(), AnnotationKind::Primary));
        for (span, label) in d.secondary() {
            group = group.element(excerpt(source, span, Some(label), AnnotationKind::Context));
        }
        let mut report = vec![group];
        for n in d.notes() {
            report.push(Group::with_title(Level::NOTE.secondary_title(n.as_str())));
        }
        if let Some(h) = &d.hint {
            report.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    if errors > 1 {
        out.push_str(&format!("error: {errors} errors in {}\n", source.path));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let known = ["semaphore", "lock", "ready"];
        assert_eq!(did_you_mean("semaphor", known).as_deref(), Some("did you mean `semaphore`?"));
        assert_eq!(did_you_mean("lok", known).as_deref(), Some("did you mean `lock`?"));
        assert_eq!(did_you_mean("zzzzzz", known), None);
    }

    #[test]
    fn renders_location_carets_and_hint() {
        let src = Source::new("s.yaml", "main:\n  - slep: 1\n");
        let d = Diagnostic::error("unknown step `slep`", 10..14).with_hint("did you mean `sleep`?");
        let text = render(&src, &[d], false);
        assert!(text.contains("error: unknown step `slep`"), "{text}");
        assert!(text.contains("s.yaml:2:5"), "{text}");
        assert!(text.contains("^^^^"), "{text}");
        assert!(text.contains("help: did you mean `sleep`?"), "{text}");
    }

    /// Each diagnostic renders only the lines it touches (so that thousands
    /// of errors in a big file cost the size of their lines, not the file's
    /// size each), with the file's own line numbers.
    #[test]
    fn renders_an_excerpt_with_the_files_line_numbers() {
        let text = "a: 1\nb: 2\nmain:\n  - print: x\n  - slep: 1\n  - sleep: 2\nz: 3\n";
        let src = Source::new("s.yaml", text);
        let at = text.find("slep").unwrap();
        let one = render(&src, &[Diagnostic::error("unknown step `slep`", at..at + 4)], false);
        assert!(one.contains("s.yaml:5:5"), "{one}");
        assert!(one.contains("5 |   - slep: 1"), "{one}");
        assert!(!one.contains("print") && !one.contains("sleep: 2"), "{one}");
        // A span over several lines shows them, up to the line its end is on.
        let (start, end) = (text.find("main").unwrap(), text.find("z: 3").unwrap());
        let many = render(&src, &[Diagnostic::error("bad main", start..end)], false);
        assert!(many.contains("3 | / main:") && many.contains("7 | | z: 3"), "{many}");
        assert!(!many.contains("b: 2"), "{many}");
        // A span at the very end of the file.
        let last = render(&src, &[Diagnostic::error("end", text.len()..text.len())], false);
        assert!(last.contains("s.yaml:8:1"), "{last}");
    }
}

//! Source text and positions.
//!
//! Every diagnostic points into the scenario file, so every stage keeps byte
//! spans into the original text. This module owns the text and turns byte
//! offsets into 1-based line and column numbers for messages.

use std::ops::Range;

/// A byte range into a [`Source`]'s text.
pub type Span = Range<usize>;

/// A scenario file: its display path and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it (used in messages).
    pub path: String,
    /// The whole file.
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    /// Wraps `text`, read from `path`.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { path: path.into(), text, line_starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count();
        (line + 1, col + 1)
    }

    /// The text of 1-based line `n`, without its line break, if there is one.
    pub fn line(&self, n: usize) -> Option<&str> {
        let start = *self.line_starts.get(n.checked_sub(1)?)?;
        let end = self.line_starts.get(n).map_or(self.text.len(), |&next| next - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }

    /// The whole lines that `span` touches: the 0-based index of the first
    /// and the byte range from its start to the end of the last (without
    /// its newline). Diagnostics render this excerpt, not the whole file, so
    /// that each costs the size of its lines.
    pub fn lines_around(&self, span: &Span) -> (usize, Span) {
        let start = span.start.min(self.text.len());
        let end = span.end.clamp(start, self.text.len());
        let first = self.line_starts.partition_point(|&s| s <= start) - 1;
        let last = self.line_starts.partition_point(|&s| s <= end) - 1;
        let to = match self.line_starts.get(last + 1) {
            Some(&next) => next - 1,
            None => self.text.len(),
        };
        (first, self.line_starts[first]..to.max(end))
    }

    /// The scenario's name when it has none of its own: the file stem.
    pub fn stem(&self) -> String {
        std::path::Path::new(&self.path)
            .file_stem()
            .map_or_else(|| self.path.clone(), |s| s.to_string_lossy().into_owned())
    }
}

/// Converts character indices (as the YAML scanner reports them) into byte
/// offsets. ASCII files, the common case, need no table.
#[derive(Debug)]
pub(crate) struct CharIndex {
    /// byte offset of every char, plus the text length at the end; empty when ASCII.
    offsets: Vec<usize>,
    len: usize,
}

impl CharIndex {
    pub(crate) fn new(text: &str) -> Self {
        let offsets = if text.is_ascii() {
            Vec::new()
        } else {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            v
        };
        CharIndex { offsets, len: text.len() }
    }

    pub(crate) fn byte(&self, char_index: usize) -> usize {
        if self.offsets.is_empty() {
            char_index.min(self.len)
        } else {
            self.offsets[char_index.min(self.offsets.len() - 1)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let s = Source::new("f.yaml", "ab\ncdé\nx");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(1), (1, 2));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(7), (2, 4)); // after the two-byte é
        assert_eq!(s.line_col(8), (3, 1));
        assert_eq!(s.stem(), "f");
    }

    #[test]
    fn char_index_to_bytes() {
        let c = CharIndex::new("aé b");
        assert_eq!(c.byte(0), 0);
        assert_eq!(c.byte(2), 3);
        assert_eq!(c.byte(4), 5);
    }
}

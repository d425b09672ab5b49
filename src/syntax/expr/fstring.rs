//! f-strings and templates: literal text and `{expr!conv:spec}` fields, with
//! CPython 3.11's f-string rules.

use super::lex::decode_escape;
use super::{FField, FPart, PResult, ParseError, Parser, Span};

/// Parses the inside of an f-string (or a template), `src[range]`, with
/// CPython 3.11's rules: fields cannot contain a backslash or `#`, strings
/// inside them must use the other quote, and fields nest at most two deep.
///
/// `depth` is the nesting depth of the f-string itself, so that the parsers
/// of its fields keep counting towards [`MAX_DEPTH`](super::MAX_DEPTH).
pub(super) fn parse_fstring_body(src: &str, range: Span, raw: bool, depth: usize) -> PResult<Vec<FPart>> {
    let body = FStr { src, end: range.end, raw, depth };
    let (mut parts, _) = body.parts(range.start, 0)?;
    parts.shrink_to_fit();
    Ok(parts)
}

struct FStr<'s> {
    src: &'s str,
    end: usize,
    /// Literal text is taken as is (raw f-strings and templates).
    raw: bool,
    /// The nesting depth the fields' expressions start at.
    depth: usize,
}

impl FStr<'_> {
    fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.src.as_bytes()[i]
        } else {
            0
        }
    }

    /// Literal text and fields from `pos`. At `level` 0 this runs to the end;
    /// inside a format spec (`level` > 0) it stops before the `}` that closes
    /// the field, returning where it stopped.
    fn parts(&self, mut pos: usize, level: u8) -> PResult<(Vec<FPart>, usize)> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        while pos < self.end {
            match self.at(pos) {
                b'\\' if !self.raw => {
                    if matches!(self.at(pos + 1), b'{' | b'}') {
                        // `\{` keeps its backslash and the brace starts a field.
                        lit.push('\\');
                        pos += 1;
                    } else {
                        pos = decode_escape(self.src, pos, self.end, &mut lit)?;
                    }
                }
                b'{' => {
                    if level == 0 && self.at(pos + 1) == b'{' {
                        lit.push('{');
                        pos += 2;
                        continue;
                    }
                    push_lit(&mut parts, std::mem::take(&mut lit));
                    let (field, next) = self.field(pos, level)?;
                    parts.push(FPart::Field(Box::new(field)));
                    pos = next;
                }
                b'}' => {
                    if level > 0 {
                        break;
                    }
                    if self.at(pos + 1) != b'}' {
                        return Err(ParseError::new("f-string: single '}' is not allowed", pos..pos + 1)
                            .with_hint("write `}}` for a literal `}`"));
                    }
                    lit.push('}');
                    pos += 2;
                }
                _ => {
                    let ch = self.src[pos..].chars().next().unwrap_or('\0');
                    lit.push(ch);
                    pos += ch.len_utf8();
                }
            }
        }
        push_lit(&mut parts, lit);
        Ok((exact(parts), pos))
    }

    /// The field whose `{` is at `open`; returns it and the position after
    /// its closing `}`.
    fn field(&self, open: usize, level: u8) -> PResult<(FField, usize)> {
        let open_span = open..open + 1;
        if level >= 2 {
            return Err(ParseError::new("f-string: expressions nested too deeply", open_span));
        }
        let expecting_close = |span: Span| {
            let err = ParseError::new("f-string: expecting '}'", span);
            if level == 0 {
                err.with_hint("write `{{` for a literal `{`")
            } else {
                err
            }
        };
        let expr_start = open + 1;
        let expr_end = self.scan_expression(expr_start)?;
        if expr_end >= self.end {
            return Err(expecting_close(open_span));
        }
        let terminator = self.at(expr_end);
        if self.src[expr_start..expr_end].trim().is_empty() {
            let message = if terminator == b'}' {
                "f-string: empty expression not allowed".to_string()
            } else {
                format!("f-string: expression required before '{}'", char::from(terminator))
            };
            return Err(ParseError::new(message, open..expr_end + 1));
        }
        let mut parser = Parser::new(self.src, expr_start..expr_end, true);
        parser.depth = self.depth;
        let expr = parser.expr_list(true)?;
        parser.expect_end()?;

        let mut pos = expr_end;
        let mut debug_text = None;
        if self.at(pos) == b'=' {
            pos += 1;
            while matches!(self.at(pos), b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
                pos += 1;
            }
            debug_text = Some(self.src[expr_start..pos].to_string());
        }
        let mut conversion = None;
        if pos < self.end && self.at(pos) == b'!' {
            pos += 1;
            if pos >= self.end {
                return Err(expecting_close(open_span));
            }
            let ch = self.src[pos..].chars().next().unwrap_or('\0');
            if !matches!(ch, 's' | 'r' | 'a') {
                return Err(ParseError::new(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    pos..pos + ch.len_utf8(),
                ));
            }
            conversion = Some(ch);
            pos += 1;
        }
        let mut spec = Vec::new();
        let has_spec = pos < self.end && self.at(pos) == b':';
        if has_spec {
            let (parts, next) = self.parts(pos + 1, level + 1)?;
            spec = parts;
            pos = next;
        }
        if pos >= self.end {
            return Err(expecting_close(open_span));
        }
        if self.at(pos) != b'}' {
            let ch = self.src[pos..].chars().next().unwrap_or('\0');
            return Err(expecting_close(pos..pos + ch.len_utf8()));
        }
        if debug_text.is_some() && conversion.is_none() && !has_spec {
            conversion = Some('r');
        }
        Ok((FField { expr, conversion, spec, debug_text }, pos + 1))
    }

    /// Finds the end of a field's expression: a `!`, `:`, `=` or `}` outside
    /// brackets and strings (but not `!=`, `==`, `<=`, `>=`).
    fn scan_expression(&self, mut pos: usize) -> PResult<usize> {
        let mut brackets: Vec<(u8, usize)> = Vec::new();
        let mut quote: Option<(u8, bool, usize)> = None;
        while pos < self.end {
            let c = self.at(pos);
            if c == b'\\' {
                return Err(ParseError::new("f-string expression part cannot include a backslash", pos..pos + 1)
                    .with_hint("compute the value in a `let` step first"));
            }
            if let Some((q, triple, _)) = quote {
                if c == q {
                    if !triple {
                        quote = None;
                    } else if self.at(pos + 1) == q && self.at(pos + 2) == q {
                        quote = None;
                        pos += 3;
                        continue;
                    }
                }
                pos += 1;
                continue;
            }
            match c {
                b'\'' | b'"' => {
                    let triple = self.at(pos + 1) == c && self.at(pos + 2) == c;
                    quote = Some((c, triple, pos));
                    pos += if triple { 3 } else { 1 };
                    continue;
                }
                b'(' | b'[' | b'{' => brackets.push((c, pos)),
                b')' | b']' | b'}' if !brackets.is_empty() => {
                    let (o, _) = brackets.pop().unwrap_or((c, pos));
                    let expected = match o {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    };
                    if c != expected {
                        return Err(ParseError::new(
                            format!(
                                "f-string: closing parenthesis '{}' does not match \
                                 opening parenthesis '{}'",
                                char::from(c),
                                char::from(o)
                            ),
                            pos..pos + 1,
                        ));
                    }
                }
                b')' | b']' => {
                    return Err(ParseError::new(format!("f-string: unmatched '{}'", char::from(c)), pos..pos + 1))
                }
                b'#' => return Err(ParseError::new("f-string expression part cannot include '#'", pos..pos + 1)),
                _ if brackets.is_empty() => {
                    if matches!(c, b'=' | b'!' | b'<' | b'>') && self.at(pos + 1) == b'=' {
                        pos += 2;
                        continue;
                    }
                    if matches!(c, b'!' | b':' | b'}' | b'=') {
                        return Ok(pos);
                    }
                }
                _ => {}
            }
            pos += 1;
        }
        if let Some((_, _, start)) = quote {
            return Err(ParseError::new("f-string: unterminated string", start..start + 1));
        }
        if let Some(&(o, at)) = brackets.last() {
            return Err(ParseError::new(format!("f-string: unmatched '{}'", char::from(o)), at..at + 1));
        }
        Ok(pos)
    }
}

/// Appends literal text, merging it with a literal before it.
pub(super) fn push_lit(parts: &mut Vec<FPart>, text: String) {
    if text.is_empty() {
        return;
    }
    if let Some(FPart::Lit(prev)) = parts.last_mut() {
        prev.push_str(&text);
    } else {
        parts.push(FPart::Lit(text));
    }
}

/// A template's parts, holding what they use and no more.
fn exact(mut parts: Vec<FPart>) -> Vec<FPart> {
    for p in &mut parts {
        if let FPart::Lit(s) = p {
            s.shrink_to_fit();
        }
    }
    parts.shrink_to_fit();
    parts
}

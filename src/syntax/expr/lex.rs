//! The tokenizer: CPython 3.11's tokens over a source range, number and
//! string literals, and the decoding of string escapes.

use super::{is_ident_byte, PResult, ParseError, Span, KEYWORDS_AFTER_NUMBER, OPERATORS};

#[derive(Debug, Clone)]
pub(super) enum Tok {
    /// An identifier or a keyword.
    Name(String),
    /// An integer literal.
    Int(u64),
    /// An integer literal beyond `u64`.
    BigInt(Box<num_bigint::BigInt>),
    Float(f64),
    Str(StrTok),
    Op(&'static str),
    /// A line break outside brackets.
    Newline,
    End,
    /// The tokenizer's error, raised when the parser reaches it, so that
    /// errors are reported in source order.
    Error(ParseError),
}

#[derive(Debug, Clone)]
pub(super) enum StrTok {
    /// A plain string, decoded.
    Plain(String),
    /// An f-string: the source between its quotes, parsed by the parser.
    F { body: Span, raw: bool },
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) span: Span,
}

/// CPython 3.11's tokenizer over `src[range]`, producing all tokens up to
/// the end or the first error.
pub(super) struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    end: usize,
    /// Open brackets: line breaks inside them are whitespace.
    depth: usize,
    /// The text is implicitly parenthesized (an f-string field).
    in_parens: bool,
}

impl<'s> Lexer<'s> {
    pub(super) fn tokenize(src: &'s str, range: Span, in_parens: bool) -> Vec<Token> {
        let mut lexer = Lexer { src, pos: range.start, end: range.end, depth: 0, in_parens };
        let mut toks: Vec<Token> = Vec::new();
        let mut leading_newline = false;
        loop {
            let token = match lexer.next_token() {
                Ok(Some(token)) => token,
                Ok(None) => {
                    if matches!(toks.last().map(|t| &t.tok), Some(Tok::Newline)) {
                        toks.pop();
                    }
                    let end = match lexer.trailing_indent() {
                        Some(e) => Token { span: e.span.clone(), tok: Tok::Error(e) },
                        None => Token { tok: Tok::End, span: lexer.end..lexer.end },
                    };
                    toks.push(end);
                    return toks;
                }
                Err(e) => {
                    let span = e.span.clone();
                    toks.push(Token { tok: Tok::Error(e), span });
                    return toks;
                }
            };
            if matches!(token.tok, Tok::Newline) {
                // Line breaks before the first token and blank lines are nothing.
                match toks.last().map(|t| &t.tok) {
                    None => leading_newline = true,
                    Some(Tok::Newline) => {}
                    Some(_) => toks.push(token),
                }
                continue;
            }
            if toks.is_empty() && leading_newline && lexer.indented(token.span.start) {
                let line_start = lexer.line_start(token.span.start);
                let e = ParseError::new("unexpected indent", line_start..token.span.start);
                toks.push(Token { tok: Tok::Error(e), span: token.span });
                return toks;
            }
            toks.push(token);
        }
    }

    /// The byte at `i`, or 0 past the end.
    fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.src.as_bytes()[i]
        } else {
            0
        }
    }

    fn line_start(&self, pos: usize) -> usize {
        self.src[..pos].rfind(['\n', '\r']).map_or(0, |i| i + 1)
    }

    /// Whether the token at `pos` is indented on its line. Like `eval`,
    /// blanks before the first line's token are fine, but after a line
    /// break they are an indented block; a form feed resets the indentation.
    fn indented(&self, pos: usize) -> bool {
        let indent = &self.src[self.line_start(pos)..pos];
        !indent.rsplit('\x0c').next().unwrap_or("").is_empty()
    }

    /// CPython's tokenizer reads a last line of only blanks, with no line
    /// break after it, as an indented line: "unexpected indent".
    fn trailing_indent(&self) -> Option<ParseError> {
        let line_start = self.line_start(self.end);
        let line = &self.src[line_start..self.end];
        let blank = line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\x0c'));
        let continued = self.src[..line_start].trim_end_matches(['\n', '\r']).ends_with('\\');
        let applies = !self.in_parens && self.depth == 0 && line_start > 0;
        (applies && blank && !continued && self.indented(self.end))
            .then(|| ParseError::new("unexpected indent", line_start..self.end))
    }

    fn next_token(&mut self) -> PResult<Option<Token>> {
        loop {
            if self.pos >= self.end {
                return Ok(None);
            }
            let start = self.pos;
            match self.at(start) {
                b' ' | b'\t' | b'\x0c' => self.pos += 1,
                b'\n' | b'\r' => {
                    let crlf = self.at(start) == b'\r' && self.at(start + 1) == b'\n';
                    self.pos += if crlf { 2 } else { 1 };
                    if self.depth == 0 && !self.in_parens {
                        return Ok(Some(Token { tok: Tok::Newline, span: start..self.pos }));
                    }
                }
                b'#' => {
                    while self.pos < self.end && !matches!(self.at(self.pos), b'\n' | b'\r') {
                        self.pos += 1;
                    }
                }
                b'\\' => {
                    self.pos += match (self.at(start + 1), self.at(start + 2)) {
                        (b'\r', b'\n') => 3,
                        (b'\n' | b'\r', _) => 2,
                        _ => {
                            return Err(ParseError::new(
                                "unexpected character after line continuation character",
                                start..start + 1,
                            ))
                        }
                    };
                    if self.pos >= self.end {
                        return Err(ParseError::new(
                            "unexpected end of input after line continuation character",
                            start..start + 1,
                        ));
                    }
                }
                _ => break,
            }
        }
        let start = self.pos;
        let c = self.at(start);
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            while is_ident_byte(self.at(self.pos)) {
                self.pos += 1;
            }
            let word = &self.src[start..self.pos];
            if matches!(self.at(self.pos), b'\'' | b'"') && is_string_prefix(word) {
                return self.string(start).map(Some);
            }
            Tok::Name(word.to_string())
        } else if c.is_ascii_digit() || (c == b'.' && self.at(start + 1).is_ascii_digit()) {
            self.number(start)?
        } else if c == b'\'' || c == b'"' {
            return self.string(start).map(Some);
        } else if let Some(op) = OPERATORS.iter().find(|op| self.src[start..self.end].starts_with(**op)) {
            self.pos += op.len();
            match *op {
                "(" | "[" | "{" => self.depth += 1,
                ")" | "]" | "}" => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            Tok::Op(op)
        } else {
            let ch = self.src[start..].chars().next().unwrap_or('\0');
            let span = start..start + ch.len_utf8();
            let err = ParseError::new(format!("unexpected character `{}`", ch.escape_debug()), span);
            return Err(match ch {
                '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' => {
                    err.with_hint("use a plain ASCII quote, `'` or `\"`")
                }
                _ if !ch.is_ascii() => err.with_hint("asim names use ASCII letters, digits and `_`"),
                _ => err,
            });
        };
        Ok(Some(Token { tok, span: start..self.pos }))
    }

    fn number(&mut self, start: usize) -> PResult<Tok> {
        let radix = match (self.at(start), self.at(start + 1) | 0x20) {
            (b'0', b'x') => Some((16, "hexadecimal")),
            (b'0', b'o') => Some((8, "octal")),
            (b'0', b'b') => Some((2, "binary")),
            _ => None,
        };
        if let Some((radix, name)) = radix {
            let invalid = |span| ParseError::new(format!("invalid {name} literal"), span);
            self.pos = start + 2;
            let mut digits = String::new();
            loop {
                let c = self.at(self.pos);
                if c == b'_' {
                    self.pos += 1;
                    if !self.at(self.pos).is_ascii_alphanumeric() {
                        return Err(invalid(start..self.pos));
                    }
                } else if !c.is_ascii_alphanumeric() {
                    break;
                } else if char::from(c).is_digit(radix) {
                    digits.push(char::from(c));
                    self.pos += 1;
                } else if c.is_ascii_digit() {
                    let message = format!("invalid digit '{}' in {name} literal", char::from(c));
                    return Err(ParseError::new(message, self.pos..self.pos + 1));
                } else {
                    break;
                }
            }
            if digits.is_empty() {
                return Err(invalid(start..self.pos));
            }
            self.end_of_number(start, name)?;
            return big_int(&digits, radix, start..self.pos);
        }

        let mut text = String::new();
        if self.at(start).is_ascii_digit() {
            self.digits(start, &mut text)?;
        }
        let mut is_float = false;
        if self.at(self.pos) == b'.' {
            is_float = true;
            text.push('.');
            self.pos += 1;
            if self.at(self.pos).is_ascii_digit() {
                self.digits(start, &mut text)?;
            } else if self.at(self.pos) == b'_' {
                return Err(invalid_decimal(start..self.pos + 1));
            }
        }
        if (self.at(self.pos) | 0x20) == b'e' {
            let save = self.pos;
            self.pos += 1;
            let sign = self.at(self.pos);
            if sign == b'+' || sign == b'-' {
                self.pos += 1;
            }
            if self.at(self.pos).is_ascii_digit() {
                is_float = true;
                text.push_str(&self.src[save..self.pos]);
                self.digits(start, &mut text)?;
            } else {
                // Not an exponent: `1else` is `1` then `else`, `1e` an error.
                self.pos = save;
            }
        }
        if (self.at(self.pos) | 0x20) == b'j' {
            return Err(ParseError::new("complex numbers are not supported in asim expressions", start..self.pos + 1));
        }
        self.end_of_number(start, "decimal")?;
        if is_float {
            return text.parse().map(Tok::Float).map_err(|_| invalid_decimal(start..self.pos));
        }
        if text.starts_with('0') && text.bytes().any(|b| b != b'0') {
            return Err(ParseError::new(
                "leading zeros in decimal integer literals are not permitted; \
                 use an 0o prefix for octal integers",
                start..self.pos,
            ));
        }
        big_int(&text, 10, start..self.pos)
    }

    /// A number must not run into a name, except into a keyword, as in
    /// `1if x else 2` (CPython checks only the keyword's first letters).
    fn end_of_number(&self, start: usize, kind: &str) -> PResult<()> {
        if !is_ident_byte(self.at(self.pos)) {
            return Ok(());
        }
        let mut word_end = self.pos;
        while is_ident_byte(self.at(word_end)) {
            word_end += 1;
        }
        let word = &self.src[self.pos..word_end];
        if KEYWORDS_AFTER_NUMBER.iter().any(|kw| word.starts_with(kw)) {
            return Ok(());
        }
        Err(ParseError::new(format!("invalid {kind} literal"), start..self.pos + 1))
    }

    /// Decimal digits with single `_` separators between them, into `text`.
    fn digits(&mut self, start: usize, text: &mut String) -> PResult<()> {
        loop {
            let c = self.at(self.pos);
            if c.is_ascii_digit() {
                text.push(char::from(c));
                self.pos += 1;
            } else if c == b'_' {
                if !self.at(self.pos + 1).is_ascii_digit() {
                    return Err(invalid_decimal(start..self.pos + 1));
                }
                self.pos += 1;
            } else {
                return Ok(());
            }
        }
    }

    /// A string literal whose prefix (possibly empty) starts at `start`;
    /// `self.pos` is at its opening quote.
    fn string(&mut self, start: usize) -> PResult<Token> {
        let prefix = self.src[start..self.pos].to_ascii_lowercase();
        let quote = self.at(self.pos);
        let triple = self.at(self.pos + 1) == quote && self.at(self.pos + 2) == quote;
        self.pos += if triple { 3 } else { 1 };
        let body_start = self.pos;
        let unterminated = || {
            let what = if triple { "unterminated triple-quoted string" } else { "unterminated string" };
            let q = char::from(quote);
            let closing = if triple { format!("{q}{q}{q}") } else { q.to_string() };
            ParseError::new(what, start..body_start).with_hint(format!("close it with `{closing}`"))
        };
        let body_end = loop {
            if self.pos >= self.end {
                return Err(unterminated());
            }
            let c = self.at(self.pos);
            if c == b'\\' {
                self.pos += 1;
                if self.at(self.pos) == b'\r' && self.at(self.pos + 1) == b'\n' {
                    self.pos += 2;
                } else if self.pos < self.end {
                    self.pos += self.src[self.pos..].chars().next().map_or(1, char::len_utf8);
                }
                continue;
            }
            if c == quote {
                if !triple {
                    self.pos += 1;
                    break self.pos - 1;
                }
                if self.at(self.pos + 1) == quote && self.at(self.pos + 2) == quote {
                    self.pos += 3;
                    break self.pos - 3;
                }
            } else if !triple && (c == b'\n' || c == b'\r') {
                return Err(unterminated());
            }
            self.pos += 1;
        };
        let span = start..self.pos;
        if prefix.contains('b') {
            return Err(ParseError::new("bytes literals are not supported in asim expressions", span));
        }
        let raw = prefix.contains('r');
        let tok = if prefix.contains('f') {
            StrTok::F { body: body_start..body_end, raw }
        } else if raw {
            StrTok::Plain(self.src[body_start..body_end].to_string())
        } else {
            let mut value = String::new();
            decode_literal(self.src, body_start..body_end, &mut value)?;
            StrTok::Plain(value)
        };
        Ok(Token { tok: Tok::Str(tok), span })
    }
}

fn is_string_prefix(word: &str) -> bool {
    matches!(word.to_ascii_lowercase().as_str(), "r" | "u" | "f" | "b" | "br" | "rb" | "fr" | "rf")
}

#[cold]
#[inline(never)]
fn invalid_decimal(span: Span) -> ParseError {
    ParseError::new("invalid decimal literal", span)
}

/// An int literal's token: `Int` up to `u64::MAX`, else `BigInt` (within
/// asim's cap on an int's size).
fn big_int(digits: &str, radix: u32, span: Span) -> PResult<Tok> {
    if let Ok(v) = u64::from_str_radix(digits, radix) {
        return Ok(Tok::Int(v));
    }
    match num_bigint::BigInt::parse_bytes(digits.as_bytes(), radix) {
        Some(b) if b.bits() <= crate::value::bigint::MAX_BITS => Ok(Tok::BigInt(Box::new(b))),
        _ => Err(ParseError::new(
            format!("integer literal too large for asim (more than {} bits)", crate::value::bigint::MAX_BITS),
            span,
        )),
    }
}

/// Decodes the backslash escapes of a non-raw string body.
fn decode_literal(src: &str, body: Span, out: &mut String) -> PResult<()> {
    let mut pos = body.start;
    while pos < body.end {
        match src[pos..body.end].find('\\') {
            None => {
                out.push_str(&src[pos..body.end]);
                break;
            }
            Some(i) => {
                out.push_str(&src[pos..pos + i]);
                pos = decode_escape(src, pos + i, body.end, out)?;
            }
        }
    }
    Ok(())
}

/// Decodes the escape whose backslash is at `pos` (before `end`), appending
/// it to `out`; returns the position after it. Unknown escapes keep their
/// backslash, as in Python.
pub(super) fn decode_escape(src: &str, pos: usize, end: usize, out: &mut String) -> PResult<usize> {
    let rest = &src[pos + 1..end];
    let Some(c) = rest.chars().next() else {
        out.push('\\');
        return Ok(pos + 1);
    };
    let mut next = pos + 1 + c.len_utf8();
    let decoded = match c {
        '\n' => return Ok(next),
        '\r' => return Ok(if rest[1..].starts_with('\n') { next + 1 } else { next }),
        '\\' => '\\',
        '\'' => '\'',
        '"' => '"',
        'a' => '\x07',
        'b' => '\x08',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        '0'..='7' => {
            let mut value = c.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                match src.as_bytes()[..end].get(next) {
                    Some(&d @ b'0'..=b'7') => {
                        value = value * 8 + u32::from(d - b'0');
                        next += 1;
                    }
                    _ => break,
                }
            }
            // At most 0o777, always a valid character.
            char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER)
        }
        'x' | 'u' | 'U' => {
            let want = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let have = src.as_bytes()[next..end].iter().take(want).take_while(|b| b.is_ascii_hexdigit()).count();
            if have < want {
                return Err(ParseError::new(
                    format!("truncated `\\{c}` escape: expected {want} hex digits"),
                    pos..next + have,
                ));
            }
            let value = u32::from_str_radix(&src[next..next + want], 16).unwrap_or(u32::MAX);
            next += want;
            match char::from_u32(value) {
                Some(ch) => ch,
                None if (0xD800..0xE000).contains(&value) => {
                    return Err(ParseError::new("surrogate code points are not supported in asim strings", pos..next))
                }
                None => return Err(ParseError::new("illegal Unicode character", pos..next)),
            }
        }
        'N' => {
            return Err(ParseError::new("`\\N{...}` escapes are not supported in asim expressions", pos..next)
                .with_hint("write the character itself, or use `\\u`"))
        }
        _ => {
            out.push('\\');
            out.push(c);
            return Ok(next);
        }
    };
    out.push(decoded);
    Ok(next)
}

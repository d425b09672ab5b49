//! Stage 1: source text to syntax tree (YAML with spans, then steps and
//! Python expressions).

pub(crate) mod allow;
pub(crate) mod ast;
pub(crate) mod expr;
pub(crate) mod overrides;
pub(crate) mod parse;
pub(crate) mod schema;
pub(crate) mod spread;
pub(crate) mod yaml;

use crate::diagnostic::Diagnostic;

/// Parses a scenario file into its syntax tree (without the steps that
/// had errors, so later stages can report more), and the errors found.
pub(crate) fn parse(text: &str) -> (Option<ast::Scenario>, Vec<Diagnostic>) {
    let mut root = match yaml::parse(text) {
        Ok(r) => r,
        Err(d) => return (None, vec![d]),
    };
    let mut p = parse::Parser::new(text);
    // The YAML tree is consumed as the syntax tree is built.
    let sc = p.scenario(&mut root);
    (sc, p.errors)
}

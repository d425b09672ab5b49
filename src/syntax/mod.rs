//! Stage 1: source text to syntax tree (YAML with spans, then steps and
//! Python expressions).

pub(crate) mod ast;
pub(crate) mod expr;
pub(crate) mod parse;
pub(crate) mod yaml;

use crate::diagnostic::Diagnostic;

/// Parses a scenario file into its syntax tree, or every error found.
pub(crate) fn parse(text: &str) -> Result<ast::Scenario, Vec<Diagnostic>> {
    let root = yaml::parse(text).map_err(|d| vec![d])?;
    let mut p = parse::Parser::new();
    let sc = p.scenario(&root);
    match sc {
        Some(sc) if p.errors.is_empty() => Ok(sc),
        _ => Err(p.errors),
    }
}

//! Graphviz DOT: `dot -Tsvg` draws it.

use super::{Diagram, Line, Shape, Tone};
use std::fmt::Write as _;

/// The diagram as a `digraph`.
pub fn render(d: &Diagram) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&d.title));
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for n in &d.nodes {
        let _ = write!(out, "  {} [label={}", n.id, quote(&n.lines.join("\n")));
        let mut style = match n.shape {
            Shape::Box | Shape::Main => vec!["rounded"],
            Shape::Function => vec![],
            Shape::Primitive => vec!["filled"],
        };
        if n.shape == Shape::Main {
            style.push("bold");
        }
        if n.tone == Tone::Pending {
            style.push("dashed");
        }
        if style != ["rounded"] {
            let _ = write!(out, ", style=\"{}\"", style.join(","));
        }
        if n.shape == Shape::Primitive {
            out.push_str(", shape=hexagon, fillcolor=\"#f3f0e0\"");
        }
        match n.tone {
            Tone::Plain => {}
            Tone::Ok => out.push_str(", color=\"#2e7d32\""),
            Tone::Failed => out.push_str(", color=\"#c62828\", fontcolor=\"#c62828\""),
            Tone::Cancelled => out.push_str(", color=\"#ef6c00\""),
            Tone::Pending => out.push_str(", color=\"#757575\""),
        }
        out.push_str("];\n");
    }
    for e in &d.edges {
        let _ = write!(out, "  {} -> {}", d.nodes[e.from].id, d.nodes[e.to].id);
        let mut attrs: Vec<String> = Vec::new();
        match e.style {
            Line::Solid => {}
            Line::Dashed => attrs.push("style=dashed".into()),
            Line::Dotted => attrs.push("style=dotted".into()),
            Line::Uses => {
                attrs.push("style=dotted".into());
                attrs.push("arrowhead=none".into());
                attrs.push("color=\"#8d6e63\"".into());
            }
        }
        if !e.label.is_empty() {
            attrs.push(format!("label={}", quote(&e.label)));
        }
        if !attrs.is_empty() {
            let _ = write!(out, " [{}]", attrs.join(", "));
        }
        out.push_str(";\n");
    }
    out.push_str("}\n");
    out
}

/// A DOT double-quoted string: `"` and `\` escaped, a newline as `\n`
/// (Graphviz's centred line break).
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(super::quote("a \"b\" \\n\nc"), "\"a \\\"b\\\" \\\\n\\nc\"");
    }
}

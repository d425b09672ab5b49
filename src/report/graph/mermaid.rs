//! Mermaid: a `flowchart`, for Markdown that renders it (GitHub, GitLab,
//! many editors).

use super::{Diagram, Line, Shape, Tone};
use std::fmt::Write as _;

/// The diagram as a `flowchart LR`.
pub fn render(d: &Diagram) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "%% {}", d.title.replace(['\n', '\r'], " "));
    out.push_str("flowchart LR\n");
    for n in &d.nodes {
        let label = n.lines.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>");
        let (open, close) = match n.shape {
            Shape::Box | Shape::Main | Shape::Function => ("(\"", "\")"),
            Shape::Primitive => ("{{\"", "\"}}"),
        };
        let _ = writeln!(out, "  {}{open}{label}{close}", n.id);
    }
    for e in &d.edges {
        let arrow = match e.style {
            Line::Solid => "-->",
            Line::Dashed | Line::Dotted => "-.->",
            Line::Uses => "-.-",
        };
        let (from, to) = (&d.nodes[e.from].id, &d.nodes[e.to].id);
        if e.label.is_empty() {
            let _ = writeln!(out, "  {from} {arrow} {to}");
        } else {
            let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {to}", escape(&e.label));
        }
    }
    // Colours and shapes by kind: one class per kind that is present.
    let classes = [
        ("main", "stroke-width:3px", &|n: &super::Node| n.shape == Shape::Main),
        ("fn", "stroke-dasharray:2 2", &|n: &super::Node| n.shape == Shape::Function),
        ("prim", "fill:#f3f0e0", &|n: &super::Node| n.shape == Shape::Primitive),
        ("ok", "stroke:#2e7d32", &|n: &super::Node| n.tone == Tone::Ok),
        ("failed", "stroke:#c62828,color:#c62828", &|n: &super::Node| n.tone == Tone::Failed),
        ("cancelled", "stroke:#ef6c00", &|n: &super::Node| n.tone == Tone::Cancelled),
        ("pending", "stroke:#757575,stroke-dasharray:4 2", &|n: &super::Node| n.tone == Tone::Pending),
    ] as [(&str, &str, &dyn Fn(&super::Node) -> bool); 7];
    for (class, style, member) in classes {
        let ids: Vec<&str> = d.nodes.iter().filter(|n| member(n)).map(|n| n.id.as_str()).collect();
        if !ids.is_empty() {
            let _ = writeln!(out, "  classDef {class} {style}");
            let _ = writeln!(out, "  class {} {class}", ids.join(","));
        }
    }
    out
}

/// Text for a quoted Mermaid label: the characters Mermaid would read as
/// syntax or HTML become entity codes (`#quot;`, `#35;`...).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' | '|' | '[' | ']' | '{' | '}' | ';' | '\\' => {
                let _ = write!(out, "#{};", c as u32);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn syntax_characters_become_entity_codes() {
        assert_eq!(
            super::escape("f(\"a\") <b> #1 [x] {y} a|b `c` & d;"),
            "f(#quot;a#quot;) #lt;b#gt; #35;1 #91;x#93; #123;y#125; a#124;b #96;c#96; #amp; d#59;"
        );
    }
}

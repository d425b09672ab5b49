//! `asim graph`: the task graph as a diagram, in Graphviz DOT or Mermaid.
//!
//! Two sources build a [`Diagram`]: [`static_graph`] from the checked
//! scenario (coroutines, primitives, and how each uses the others), and
//! [`task_tree::TaskTree`], a sink of a run's event stream (the tasks, who
//! created and who awaited whom, and how each ended). [`dot`] and
//! [`mermaid`] write it; both are deterministic (nodes and edges in a fixed
//! order, stable ids).

pub mod dot;
pub mod mermaid;
pub mod static_graph;
pub mod task_tree;

use std::collections::BTreeSet;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid `flowchart`.
    Mermaid,
}

/// A diagram: nodes, then edges between them.
#[derive(Debug, Default)]
pub struct Diagram {
    /// The graph's name (the scenario's).
    pub title: String,
    /// The nodes, in the order they are written.
    pub nodes: Vec<Node>,
    /// The edges, in the order they are written.
    pub edges: Vec<Link>,
    ids: BTreeSet<String>,
}

/// A node.
#[derive(Debug)]
pub struct Node {
    /// Its id: ASCII letters, digits and `_`, unique in the diagram.
    pub id: String,
    /// Its label, one line per entry.
    pub lines: Vec<String>,
    /// How it is drawn.
    pub shape: Shape,
    /// How it ended (a task of a run), for its colour.
    pub tone: Tone,
}

/// Node shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A coroutine, or a task.
    Box,
    /// The entry point (`main`, the main task).
    Main,
    /// A plain function (`functions:`).
    Function,
    /// A primitive (lock, semaphore, event, condition, queue, barrier).
    Primitive,
}

/// How a task ended, for colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Not a task, or no colour.
    Plain,
    /// Returned.
    Ok,
    /// Raised.
    Failed,
    /// Cancelled.
    Cancelled,
    /// Still unfinished when the run ended.
    Pending,
}

/// An edge.
#[derive(Debug)]
pub struct Link {
    /// Index of the source node.
    pub from: usize,
    /// Index of the target node.
    pub to: usize,
    /// How it is drawn.
    pub style: Line,
    /// Its label (may be empty).
    pub label: String,
}

/// Edge styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Solid: runs in the same task (static), or created (run).
    Solid,
    /// Dashed: a new task.
    Dashed,
    /// Dotted: awaited (run).
    Dotted,
    /// A coroutine's use of a primitive: dotted, no arrowhead.
    Uses,
}

impl Diagram {
    /// An empty diagram.
    pub fn new(title: &str) -> Diagram {
        Diagram { title: title.to_owned(), ..Diagram::default() }
    }

    /// Adds a node whose id is `prefix` and `name` made safe (other
    /// characters become `_`; a taken id gets `_2`, `_3`...); returns its
    /// index.
    pub fn node(&mut self, prefix: &str, name: &str, lines: Vec<String>, shape: Shape, tone: Tone) -> usize {
        let mut id = String::with_capacity(prefix.len() + name.len());
        id.push_str(prefix);
        id.extend(name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }));
        if self.ids.contains(&id) {
            let base = id.clone();
            let mut n = 2u32;
            loop {
                id = format!("{base}_{n}");
                if !self.ids.contains(&id) {
                    break;
                }
                n += 1;
            }
        }
        self.ids.insert(id.clone());
        self.nodes.push(Node { id, lines, shape, tone });
        self.nodes.len() - 1
    }

    /// Writes the diagram.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Dot => dot::render(self),
            Format::Mermaid => mermaid::render(self),
        }
    }
}

/// `text`, cut to at most `max` characters (with `…` at the end when cut).
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if text[i..].chars().nth(1).is_some() => format!("{}…", &text[..i]),
        _ => text.to_owned(),
    }
}

/// `label ×n` for a site repeated n times.
pub(crate) fn times(label: &str, n: u32) -> String {
    if n > 1 {
        format!("{label} ×{n}")
    } else {
        label.to_owned()
    }
}

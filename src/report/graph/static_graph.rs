//! The static task graph: what the checker found in the scenario's text.
//!
//! A node per coroutine (`main` first, then in declaration order; a plain
//! function of `functions:` only when it uses a primitive) and per
//! primitive of `sync:`; an edge per (caller, callee, kind), its
//! label the kind and, for a site written more than once, the count.

use super::{times, Diagram, Line, Shape, Tone};
use crate::check::graph::GraphInfo;
use crate::Edge;
use petgraph::graph::DiGraph;
use std::collections::BTreeMap;

/// The diagram of a compiled scenario.
pub fn diagram(compiled: &crate::Compiled) -> Diagram {
    build(&compiled.name(), &compiled.graph, &compiled.graph_info)
}

fn build(title: &str, graph: &DiGraph<u32, Edge>, info: &GraphInfo) -> Diagram {
    let mut d = Diagram::new(title);
    let main = info.coros.len().saturating_sub(1) as u32;
    // Coroutine ids in drawing order: main, then the others as declared.
    let order: Vec<u32> = std::iter::once(main).chain(0..main).collect();
    let mut node_of: BTreeMap<u32, usize> = BTreeMap::new();
    for &c in &order {
        let (name, signature, is_fn) = &info.coros[c as usize];
        if *is_fn && !info.uses.keys().any(|(user, ..)| *user == c) {
            continue;
        }
        let shape = match (c == main, *is_fn) {
            (true, _) => Shape::Main,
            (false, true) => Shape::Function,
            (false, false) => Shape::Box,
        };
        node_of.insert(c, d.node("c_", name, vec![signature.clone()], shape, Tone::Plain));
    }
    let mut prim_node = Vec::with_capacity(info.prims.len());
    for (name, ctor) in &info.prims {
        prim_node.push(d.node("p_", name, vec![name.clone(), ctor.clone()], Shape::Primitive, Tone::Plain));
    }
    // (caller rank, callee rank, kind) -> sites.
    let rank = |c: u32| if c == main { 0 } else { c + 1 };
    let mut edges: BTreeMap<(u32, u32, Edge), u32> = BTreeMap::new();
    for e in graph.edge_indices() {
        let Some((a, b)) = graph.edge_endpoints(e) else { continue };
        *edges.entry((rank(graph[a]), rank(graph[b]), graph[e])).or_insert(0) += 1;
    }
    let unrank = |r: u32| if r == 0 { main } else { r - 1 };
    for ((a, b, kind), n) in edges {
        let (Some(&from), Some(&to)) = (node_of.get(&unrank(a)), node_of.get(&unrank(b))) else { continue };
        let style = match kind {
            Edge::Awaits => Line::Solid,
            _ => Line::Dashed,
        };
        d.edges.push(super::Link { from, to, style, label: times(kind.word(), n) });
    }
    // Primitive uses: one edge per (coroutine, primitive), its operations
    // in alphabetical order.
    let mut uses: BTreeMap<(u32, u32), Vec<String>> = BTreeMap::new();
    for ((c, p, op), n) in &info.uses {
        uses.entry((rank(*c), *p)).or_default().push(times(op, *n));
    }
    for ((r, p), ops) in uses {
        let Some(&from) = node_of.get(&unrank(r)) else { continue };
        d.edges.push(super::Link { from, to: prim_node[p as usize], style: Line::Uses, label: ops.join(", ") });
    }
    for &(cond, lock) in &info.links {
        d.edges.push(super::Link {
            from: prim_node[cond as usize],
            to: prim_node[lock as usize],
            style: Line::Uses,
            label: "lock".to_owned(),
        });
    }
    d
}

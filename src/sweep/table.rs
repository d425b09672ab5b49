//! The sweep's table: one row per grid point, as aligned text (the
//! default), CSV (RFC 4180: a header row, fields quoted when they hold a
//! comma, a quote or a line break, CRLF line ends) or one JSON object.
//!
//! Text shows, per primitive that any run waited on, the most waiters at
//! once and the longest wait (`3/0.520`); CSV and JSON have every figure
//! of every primitive.

use super::grid::Var;
use super::Row;
use crate::report::{Style, BOLD, DIM, GREEN, RED};
use crate::value::pyfmt::float_repr;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// A sweep's results, ready to print.
#[derive(Debug)]
pub struct Sweep<'a> {
    /// The scenario's name.
    pub scenario: String,
    /// The CPython release the runs reproduce.
    pub python: String,
    /// The swept vars, in flag order.
    pub vars: &'a [Var],
    /// One row per grid point, in grid order.
    pub rows: &'a [Row],
}

/// Text columns show at most this many primitives (those with the longest waits).
pub const MAX_PRIM_COLUMNS: usize = 4;

impl Sweep<'_> {
    /// Every primitive of any run, with its class: those of the first run
    /// in its order, then any new ones of later runs.
    pub fn prims(&self) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for r in self.rows {
            for p in &r.prims {
                if !out.iter().any(|(n, _)| *n == p.name) {
                    out.push((p.name.clone(), p.kind));
                }
            }
        }
        out
    }

    /// The fastest successful run (the first in grid order of equals).
    pub fn fastest(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, r) in self.rows.iter().enumerate() {
            if r.ok() && best.is_none_or(|b| r.elapsed < self.rows[b].elapsed) {
                best = Some(i);
            }
        }
        best
    }

    /// A row's value of var `k`, as given.
    fn value(&self, row: &Row, k: usize) -> &str {
        &self.vars[k].values[row.point[k]]
    }

    /// `workers=3 db=2`: a row's point.
    pub fn point_text(&self, row: &Row) -> String {
        let parts: Vec<String> =
            self.vars.iter().enumerate().map(|(k, v)| format!("{}={}", v.name, self.value(row, k))).collect();
        parts.join(" ")
    }
}

/// The aligned text table, in colour if `color`.
pub fn text(s: &Sweep<'_>, color: bool) -> String {
    let st = Style { on: color };
    let mut out = String::new();
    let n = s.rows.len();
    let title = format!("asim sweep {} · Python {} · {n} run{}", s.scenario, s.python, if n == 1 { "" } else { "s" });
    out.push_str(&st.paint(BOLD, &title));
    out.push('\n');
    // The primitives someone waited on, longest waits first when they must be cut.
    let all = s.prims();
    let waited = |name: &str| {
        s.rows.iter().flat_map(|r| &r.prims).filter(|p| p.name == name).fold(0.0f64, |m, p| m.max(p.max_wait))
    };
    let mut shown: Vec<(usize, f64)> = all
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| s.rows.iter().flat_map(|r| &r.prims).any(|p| p.name == *name && p.waits > 0))
        .map(|(i, (name, _))| (i, waited(name)))
        .collect();
    let hidden = shown.len().saturating_sub(MAX_PRIM_COLUMNS);
    if hidden > 0 {
        shown.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shown.truncate(MAX_PRIM_COLUMNS);
        shown.sort_by_key(|&(i, _)| i);
    }
    let mut header: Vec<String> = s.vars.iter().map(|v| v.name.clone()).collect();
    header.extend(["elapsed", "outcome", "tasks", "concurrency"].map(str::to_owned));
    header.extend(shown.iter().map(|&(i, _)| all[i].0.clone()));
    let numeric: Vec<bool> = s.vars.iter().map(|v| v.values.iter().all(|x| x.parse::<f64>().is_ok())).collect();
    let fastest = s.fastest();
    let rows: Vec<Vec<String>> = s
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<String> = (0..s.vars.len()).map(|k| s.value(r, k).to_owned()).collect();
            cells.push(format!("{:.3}", r.elapsed));
            cells.push(r.verdict());
            cells.push(r.tasks.to_string());
            cells.push(r.max_concurrency.to_string());
            for &(i, _) in &shown {
                cells.push(match r.prims.iter().find(|p| p.name == all[i].0) {
                    Some(p) => format!("{}/{:.3}", p.max_waiters, p.max_wait),
                    None => "-".to_owned(),
                });
            }
            cells
        })
        .collect();
    let v = s.vars.len();
    let left = |c: usize| (c < v && !numeric[c]) || c == v + 1;
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([header[c].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String], paint: &dyn Fn(usize, &str) -> String| {
        let mut line = String::new();
        for (c, cell) in cells.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[c].saturating_sub(cell.chars().count()));
            if left(c) {
                let _ = write!(line, "{}{pad}", paint(c, cell));
            } else {
                let _ = write!(line, "{pad}{}", paint(c, cell));
            }
        }
        line.trim_end().to_owned()
    };
    out.push_str(&st.paint(DIM, &line(&header, &|_, c| c.to_owned())));
    out.push('\n');
    for (i, (r, cells)) in s.rows.iter().zip(&rows).enumerate() {
        let paint = |c: usize, cell: &str| {
            if c == v && fastest == Some(i) {
                st.paint(GREEN, cell)
            } else if c == v + 1 && !r.ok() {
                st.paint(RED, cell)
            } else {
                cell.to_owned()
            }
        };
        out.push_str(&line(cells, &paint));
        out.push('\n');
    }
    if let Some(b) = fastest {
        let _ = writeln!(out, "fastest: {:.3}s at {}", s.rows[b].elapsed, s.point_text(&s.rows[b]));
    }
    let failed = s.rows.iter().filter(|r| !r.ok()).count();
    if failed > 0 {
        let _ = writeln!(out, "{}", st.paint(RED, &format!("{failed} of {n} runs did not succeed")));
    }
    let mut legend = String::from("concurrency: most tasks at once neither finished nor blocked");
    if !shown.is_empty() {
        let names: Vec<&str> = shown.iter().map(|&(i, _)| all[i].0.as_str()).collect();
        let _ = write!(legend, "; {}: most waiters at once/longest wait (s)", names.join(", "));
    }
    if hidden > 0 {
        let _ =
            write!(legend, "; {hidden} more primitive{} in --format csv or json", if hidden == 1 { "" } else { "s" });
    }
    out.push_str(&st.paint(DIM, &legend));
    out.push('\n');
    out
}

/// A CSV field, quoted if it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The figures per primitive, in CSV and JSON.
const PRIM_FIGURES: [&str; 6] = ["acquisitions", "max_holders", "waits", "max_waiters", "total_wait", "max_wait"];

/// The CSV table: a header row, then a row per grid point.
pub fn csv(s: &Sweep<'_>) -> String {
    let prims = s.prims();
    let mut header: Vec<String> = s.vars.iter().map(|v| v.name.clone()).collect();
    header.extend(["elapsed", "outcome", "error", "expect", "tasks", "max_concurrency"].map(str::to_owned));
    for (name, _) in &prims {
        header.extend(PRIM_FIGURES.iter().map(|f| format!("{name}.{f}")));
    }
    let mut out = String::new();
    let mut row = |cells: Vec<String>| {
        let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    row(header);
    let opt = |x: Option<String>| x.unwrap_or_default();
    for r in s.rows {
        let mut cells: Vec<String> = (0..s.vars.len()).map(|k| s.value(r, k).to_owned()).collect();
        cells.push(float_repr(r.elapsed));
        cells.push(r.outcome.to_owned());
        cells.push(opt(r.error.clone()));
        cells.push(opt(r.expect.map(|m| if m { "met" } else { "failed" }.to_owned())));
        cells.push(r.tasks.to_string());
        cells.push(r.max_concurrency.to_string());
        for (name, _) in &prims {
            match r.prims.iter().find(|p| p.name == *name) {
                Some(p) => cells.extend([
                    opt(p.acquisitions.map(|x| x.to_string())),
                    opt(p.max_holders.map(|x| x.to_string())),
                    p.waits.to_string(),
                    p.max_waiters.to_string(),
                    float_repr(p.total_wait),
                    float_repr(p.max_wait),
                ]),
                None => cells.extend(PRIM_FIGURES.iter().map(|_| String::new())),
            }
        }
        row(cells);
    }
    out
}

/// A var's value in JSON: a number, bool or null when the text is that
/// literal; otherwise the expression's text.
pub fn json_value(text: &str) -> Value {
    match text {
        "True" => return Value::Bool(true),
        "False" => return Value::Bool(false),
        "None" => return Value::Null,
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    let float_like = text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match text.parse::<f64>() {
        Ok(x) if float_like && x.is_finite() => Value::from(x),
        _ => Value::from(text),
    }
}

/// The whole sweep as one JSON object (and a newline).
pub fn json(s: &Sweep<'_>) -> String {
    let vars: Vec<Value> = s
        .vars
        .iter()
        .map(|v| json!({"name": v.name, "values": v.values.iter().map(|x| json_value(x)).collect::<Vec<_>>()}))
        .collect();
    let prims: Vec<Value> = s.prims().into_iter().map(|(name, kind)| json!({"name": name, "kind": kind})).collect();
    let rows: Vec<Value> = s
        .rows
        .iter()
        .map(|r| {
            let mut point = Map::new();
            for (k, v) in s.vars.iter().enumerate() {
                point.insert(v.name.clone(), json_value(s.value(r, k)));
            }
            let prims: Vec<Value> = r
                .prims
                .iter()
                .map(|p| {
                    json!({
                        "name": p.name, "kind": p.kind, "acquisitions": p.acquisitions, "max_holders": p.max_holders,
                        "waits": p.waits, "max_waiters": p.max_waiters, "total_wait": p.total_wait, "max_wait": p.max_wait,
                    })
                })
                .collect();
            json!({
                "vars": point, "elapsed": r.elapsed, "outcome": r.outcome, "error": r.error, "expect": r.expect,
                "ok": r.ok(), "tasks": r.tasks, "max_concurrency": r.max_concurrency, "primitives": prims,
            })
        })
        .collect();
    let v = json!({
        "scenario": s.scenario, "python": s.python, "vars": vars, "primitives": prims, "rows": rows,
        "fastest": s.fastest(),
    });
    let mut out = serde_json::to_string(&v).expect("a JSON value always serialises");
    out.push('\n');
    out
}

//! `asim sweep`: the table of the worker-pool sweep (its rows checked
//! against `asim run` of the scenario edited by hand), CSV and JSON
//! structure, the SVG plot, outcomes other than ok, a var read by `sync:`,
//! bad flags (exit 2 and a message each), and determinism.

use crate::{asim, in_root, snapshot_settings};
use serde_json::Value;
use std::path::PathBuf;

const POOL: &str = "scenarios/worker_pool_sizing.yaml";

fn sweep(args: &[&str]) -> crate::Output {
    let mut all = vec!["sweep", "--color", "never"];
    all.extend_from_slice(args);
    asim(&all)
}

fn scratch(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sweep");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file.to_str().unwrap().to_owned()
}

/// The records of an RFC 4180 CSV text (quoted fields, CRLF line ends).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a CR not followed by LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the last record has no CRLF");
    rows
}

#[test]
fn the_worker_pool_sweep_table() {
    in_root();
    let run = sweep(&[POOL, "--var", "workers=1..12", "--var", "db_connections=2,4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot_settings().bind(|| insta::assert_snapshot!("sweep_worker_pool", run.stdout));
}

/// Rows of the sweep are what `asim run` says of the scenario with the
/// vars edited by hand.
#[test]
fn rows_are_runs_of_the_scenario_with_its_vars_edited() {
    in_root();
    let run = sweep(&[POOL, "--var", "workers=1,3,7,12", "--var", "db_connections=2,4", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let text = std::fs::read_to_string(POOL).unwrap();
    for row in v["rows"].as_array().unwrap() {
        let (w, d) = (row["vars"]["workers"].as_i64().unwrap(), row["vars"]["db_connections"].as_i64().unwrap());
        let edited = text
            .replace("  workers: 4\n", &format!("  workers: {w}\n"))
            .replace("  db_connections: 3\n", &format!("  db_connections: {d}\n"));
        let file = scratch(&format!("pool_{w}_{d}.yaml"), &edited);
        let by_hand = asim(&["run", "--format", "json", &file]);
        assert_eq!(by_hand.code, 0);
        let end: Value = serde_json::from_str(by_hand.stdout.lines().last().unwrap()).unwrap();
        assert_eq!(row["elapsed"], end["elapsed"], "workers={w} db_connections={d}");
        assert_eq!(row["tasks"], end["tasks"], "workers={w} db_connections={d}");
        assert_eq!(row["outcome"], end["outcome"]);
        // The summary of the same run has the same per-primitive figures.
        let summary = asim(&["run", "--summary", "--format", "json", &file]);
        let summary: Value = serde_json::from_str(&summary.stdout).unwrap();
        for p in row["primitives"].as_array().unwrap() {
            let theirs = summary["primitives"].as_array().unwrap().iter().find(|q| q["name"] == p["name"]).unwrap();
            for key in ["waits", "max_waiters", "total_wait", "max_wait"] {
                assert_eq!(p[key], theirs[key], "{key} of {} at workers={w} db_connections={d}", p["name"]);
            }
        }
        // `db` is `Semaphore(db_connections)`: the var reaches `sync:`.
        let db = row["primitives"].as_array().unwrap().iter().find(|p| p["name"] == "db").unwrap();
        assert_eq!(db["max_holders"].as_i64().unwrap(), d.min(w), "workers={w} db_connections={d}");
    }
}

#[test]
fn csv_has_a_header_and_every_figure() {
    in_root();
    let run = sweep(&[POOL, "--var", "workers=2..6:2", "--var", "db_connections=2", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = parse_csv(&run.stdout);
    assert_eq!(rows.len(), 4);
    let header = &rows[0];
    assert_eq!(
        header[..8],
        ["workers", "db_connections", "elapsed", "outcome", "error", "expect", "tasks", "max_concurrency"]
    );
    for prim in ["queue", "db"] {
        for f in ["acquisitions", "max_holders", "waits", "max_waiters", "total_wait", "max_wait"] {
            assert!(header.contains(&format!("{prim}.{f}")), "{prim}.{f} missing from {header:?}");
        }
    }
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.iter().skip(1).map(|r| r[col("workers")].as_str()).collect::<Vec<_>>(), ["2", "4", "6"]);
    assert_eq!(rows[1][col("elapsed")], "3.66");
    assert_eq!(rows[1][col("queue.acquisitions")], "", "a queue is not acquired");
    assert_eq!(rows[3][col("db.max_holders")], "2");
}

#[test]
fn csv_quotes_values_with_commas_and_quotes() {
    let file = scratch(
        "labels.yaml",
        "name: labels\nvars:\n  label: \"'x'\"\nmain:\n  - sleep: len(label)\n  - print: \"{label}\"\n",
    );
    let run = sweep(&[&file, "--var", r#"label='a,b','say "hi"',"it's""#, "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"'a,b'\",3.0,ok"), "{}", run.stdout);
    let rows = parse_csv(&run.stdout);
    let labels: Vec<&str> = rows.iter().skip(1).map(|r| r[0].as_str()).collect();
    assert_eq!(labels, ["'a,b'", "'say \"hi\"'", "\"it's\""]);
    let elapsed: Vec<&str> = rows.iter().skip(1).map(|r| r[1].as_str()).collect();
    assert_eq!(elapsed, ["3.0", "8.0", "4.0"]);
}

#[test]
fn json_is_one_object_with_the_grid_and_every_row() {
    in_root();
    let run = sweep(&[POOL, "--var", "db_connections=1,3", "--var", "workers=2,4,8", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["scenario"], "worker_pool_sizing");
    assert_eq!(v["python"], "3.14");
    assert_eq!(v["vars"][0]["name"], "db_connections");
    assert_eq!(v["vars"][1]["values"], serde_json::json!([2, 4, 8]));
    assert_eq!(
        v["primitives"],
        serde_json::json!([{"name": "queue", "kind": "Queue"}, {"name": "db", "kind": "Semaphore"}])
    );
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    // Grid order: the first var varies slowest.
    let points: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| (r["vars"]["db_connections"].as_i64().unwrap(), r["vars"]["workers"].as_i64().unwrap()))
        .collect();
    assert_eq!(points, [(1, 2), (1, 4), (1, 8), (3, 2), (3, 4), (3, 8)]);
    for r in rows {
        for key in ["elapsed", "outcome", "error", "expect", "ok", "tasks", "max_concurrency", "primitives"] {
            assert!(r.get(key).is_some(), "{key} missing from {r}");
        }
        assert_eq!(r["max_concurrency"], r["vars"]["workers"], "each worker fetches at the start");
    }
    let fastest = v["fastest"].as_u64().unwrap() as usize;
    assert_eq!(points[fastest], (3, 8));
}

/// A scenario whose runs end every way: a deadlock (a semaphore of 0), an
/// error, an `expect:` that fails, and ok.
const OUTCOMES: &str = "name: outcomes
vars:
  units: 1
  delay: 1
sync:
  gate: Semaphore(units)
coroutines:
  job(i):
    - with: gate
      do:
        - sleep: delay
        - if: delay > 2
          then:
            - raise: ValueError(f\"too slow {delay}\")
main:
  - gather: [job(1), job(2)]
expect:
  outcome: ok
  elapsed: 2.0
";

#[test]
fn runs_that_fail_are_rows_too() {
    let file = scratch("outcomes.yaml", OUTCOMES);
    let run = sweep(&[&file, "--var", "units=0..2", "--var", "delay=1,2.5"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.stdout.replace(&file, "outcomes.yaml");
    snapshot_settings().bind(|| insta::assert_snapshot!("sweep_outcomes", text));
    let json = sweep(&[&file, "--var", "units=0..2", "--var", "delay=1,2.5", "--format", "json"]);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let words: Vec<(&str, &Value, &Value)> =
        rows.iter().map(|r| (r["outcome"].as_str().unwrap(), &r["error"], &r["expect"])).collect();
    assert_eq!(words[0].0, "deadlock");
    assert_eq!(words[1].0, "deadlock");
    assert_eq!(words[2], ("ok", &Value::Null, &Value::Bool(true)));
    assert_eq!(words[3], ("error", &Value::from("ValueError"), &Value::Bool(false)));
    assert_eq!(words[4], ("ok", &Value::Null, &Value::Bool(false)), "two units: 1s, not the expected 2s");
}

#[test]
fn the_plot_is_an_svg_with_a_line_per_combination_and_a_mark_per_point() {
    in_root();
    let svg = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sweep_pool.svg");
    let run = sweep(&[POOL, "--var", "workers=1..12", "--var", "db_connections=2,4", "--plot", svg.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let count = |f: &dyn Fn(&roxmltree::Node) -> bool| doc.descendants().filter(|n| f(n)).count();
    let class = |n: &roxmltree::Node, c: &str| n.attribute("class").is_some_and(|a| a.split(' ').any(|x| x == c));
    assert_eq!(count(&|n| n.has_tag_name("polyline")), 2);
    assert_eq!(count(&|n| class(n, "point")), 24);
    assert_eq!(count(&|n| class(n, "fail")), 0);
    assert_eq!(count(&|n| n.has_tag_name("script")), 0);
    assert!(doc.descendants().any(|n| class(&n, "title") && n.text() == Some("worker_pool_sizing")));
    let legend: Vec<&str> = doc.descendants().filter(|n| class(n, "legend")).filter_map(|n| n.text()).collect();
    assert_eq!(legend, ["db_connections=2", "db_connections=4"]);
    // Each line has a point per value of the first var.
    for line in doc.descendants().filter(|n| n.has_tag_name("polyline")) {
        assert_eq!(line.attribute("points").unwrap().split(' ').count(), 12);
    }
    // Failing points are marked apart; a non-numeric first var is categorical.
    let file = scratch("outcomes_plot.yaml", OUTCOMES);
    let svg = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sweep_outcomes.svg");
    let run =
        sweep(&[&file, "--var", "delay=1,2.5,'x'[:0] or 3", "--var", "units=0..2", "--plot", svg.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(count_in(&doc, "polyline"), 3);
    let fails = doc.descendants().filter(|n| n.attribute("class") == Some("point fail")).count();
    let oks = doc.descendants().filter(|n| n.attribute("class") == Some("point ok")).count();
    assert_eq!((oks, fails), (1, 8));
    assert!(doc.descendants().any(|n| n.text() == Some("'x'[:0] or 3")), "the category is a tick label");
}

fn count_in(doc: &roxmltree::Document, tag: &str) -> usize {
    doc.descendants().filter(|n| n.has_tag_name(tag)).count()
}

#[test]
fn bad_flags_exit_2_with_a_message() {
    in_root();
    let file = scratch("outcomes_bad.yaml", OUTCOMES);
    let mut report = String::new();
    for args in [
        &[POOL, "--var", "worker=1..4"][..],
        &[POOL, "--var", "db=1..4"],
        &[POOL, "--var", "workers="],
        &[POOL, "--var", "workers=1,,2"],
        &[POOL, "--var", "workers"],
        &[POOL, "--var", "workers=1..8:0"],
        &[POOL, "--var", "workers=8..1"],
        &[POOL, "--var", "workers=0.5..0.1:0.1"],
        &[POOL, "--var", "workers=1..x"],
        &[POOL, "--var", "workers=1, f("],
        &[POOL, "--var", "workers=1,2,2"],
        &[POOL, "--var", "workers=1..200", "--var", "db_connections=1..100"],
        &[POOL, "--var", "workers=1..3", "--max-points", "2"],
        &[POOL, "--var", "workers=1", "--var", "workers=2"],
        &[POOL, "--var", "workers=2,undefined_name"],
        &[&file, "--var", "units=1,2", "--var", "delay=await_me(1)"],
        &["tests/nope.yaml", "--var", "workers=1"],
        &[POOL],
    ] {
        let run = sweep(args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stdout.is_empty());
        let entry = format!("$ asim sweep {}\n{}\n", args.join(" "), run.stderr);
        report.push_str(&entry.replace(&file, "outcomes.yaml"));
    }
    snapshot_settings().bind(|| insta::assert_snapshot!("sweep_bad_flags", report));
}

#[test]
fn sweeps_are_deterministic_whatever_the_threads() {
    in_root();
    let args = [POOL, "--var", "workers=1..12", "--var", "db_connections=1..4", "--format", "json"];
    let a = sweep(&args);
    let b = sweep(&args);
    let mut one = args.to_vec();
    one.extend(["-j", "1"]);
    let c = sweep(&one);
    let mut four = args.to_vec();
    four.extend(["-j", "4"]);
    let d = sweep(&four);
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.stdout, c.stdout);
    assert_eq!(a.stdout, d.stdout);
    let svg = |n: &str, j: &str| {
        let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(n);
        sweep(&[POOL, "--var", "workers=1..6", "--plot", p.to_str().unwrap(), "-j", j]);
        std::fs::read(p).unwrap()
    };
    assert_eq!(svg("det1.svg", "1"), svg("det2.svg", "2"));
}

#[test]
fn colour_marks_the_fastest_run_and_failures() {
    in_root();
    let file = scratch("outcomes_colour.yaml", OUTCOMES);
    let run = asim(&["sweep", "--color", "always", &file, "--var", "units=0..2"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("\x1b[31mdeadlock\x1b[0m"), "{}", run.stdout);
    assert!(run.stdout.contains("\x1b[32m2.000\x1b[0m"), "{}", run.stdout);
}

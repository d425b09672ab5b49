//! `asim graph`: the static task graph and the task tree of a run, in DOT
//! and Mermaid. Snapshots pin the text (reviewed line by line); Graphviz
//! itself checks that every shipped scenario's DOT parses.

use crate::{asim, in_root, rel, scenario_files};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

/// Snapshots of the static graph (DOT and Mermaid) and of the task tree.
#[test]
fn graph_snapshots() {
    in_root();
    crate::snapshot_settings().bind(|| {
        for (name, file) in [
            ("download_pool", "scenarios/download_pool.yaml"),
            ("condition", "scenarios/condition.yaml"),
            ("crawler", "scenarios/crawler.yaml"),
        ] {
            let dot = asim(&["graph", file]);
            assert_eq!(dot.code, 0, "{file}: {}", dot.stderr);
            insta::assert_snapshot!(format!("graph_{name}.dot"), dot.stdout);
            let mermaid = asim(&["graph", "--format", "mermaid", file]);
            assert_eq!(mermaid.code, 0, "{file}: {}", mermaid.stderr);
            insta::assert_snapshot!(format!("graph_{name}.mermaid"), mermaid.stdout);
        }
        // Spawns, a gather, a task group, a failure, a cancellation, a task
        // cancelled at shutdown, a name that needs escaping.
        let run = asim(&["graph", "--run", "tests/graph/tree.yaml"]);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""));
        insta::assert_snapshot!("graph_run_tree.dot", run.stdout);
        let run = asim(&["graph", "--run", "--format", "mermaid", "tests/graph/tree.yaml"]);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""));
        insta::assert_snapshot!("graph_run_tree.mermaid", run.stdout);
        // A deadlock: tasks still pending at the end; the report on stderr.
        let run = asim(&["graph", "--run", "scenarios/seed/12_deadlock.yaml"]);
        assert_eq!(run.code, 3);
        assert!(run.stderr.contains("cycle: Task-2 -> Task-3 -> Task-2"), "{}", run.stderr);
        insta::assert_snapshot!("graph_run_deadlock.dot", run.stdout);
    });
}

/// `dot`, or a skip (outside CI) / failure (with `CI=true`).
fn graphviz_or_skip(test: &str) -> bool {
    let found = Command::new("dot").arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test} needs Graphviz (`dot`) and CI=true");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: no `dot` (install Graphviz to run it)");
    false
}

/// `dot -Tsvg` of `text`: its exit status and output.
fn render_svg(text: &str) -> (bool, String, String) {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot runs");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_shipped_scenario_graph_parses_with_graphviz() {
    if !graphviz_or_skip("every_shipped_scenario_graph_parses_with_graphviz") {
        return;
    }
    in_root();
    let mut files: Vec<String> = scenario_files().iter().map(|p| rel(p)).collect();
    files.push("tests/graph/tree.yaml".to_owned());
    for file in &files {
        for run in [false, true] {
            let args: Vec<&str> = if run { vec!["graph", "--run", file] } else { vec!["graph", file] };
            let out = asim(&args);
            assert!(matches!(out.code, 0 | 1 | 3), "{file} run={run}: exit {}: {}", out.code, out.stderr);
            let (ok, svg, err) = render_svg(&out.stdout);
            assert!(ok && svg.contains("<svg"), "{file} run={run}: dot failed: {err}\n{}", out.stdout);
            assert!(err.is_empty(), "{file} run={run}: dot warned: {err}");
        }
    }
}

/// The ids a Mermaid flowchart declares, and the ids its edges use.
fn mermaid_ids(text: &str) -> (BTreeSet<String>, Vec<(String, String)>) {
    let mut nodes = BTreeSet::new();
    let mut edges = Vec::new();
    for line in text.lines().skip(2) {
        let line = line.trim();
        if line.starts_with("classDef ") || line.starts_with("class ") {
            continue;
        }
        let arrow = [" --> ", " -.-> ", " -.-|", " -.->|", " -->|"].iter().find_map(|a| line.find(a).map(|i| (i, a)));
        match arrow {
            Some((i, _)) => {
                let from = line[..i].to_owned();
                let to = line.rsplit(' ').next().unwrap().to_owned();
                edges.push((from, to));
            }
            None => {
                let id: String = line.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                let rest = &line[id.len()..];
                assert!(
                    (rest.starts_with("(\"") && rest.ends_with("\")"))
                        || (rest.starts_with("{{\"") && rest.ends_with("\"}}")),
                    "not a node: {line}"
                );
                // Inside the quotes, nothing Mermaid reads as syntax.
                let inner = rest.trim_start_matches(['(', '{', '"']).trim_end_matches([')', '}', '"']);
                assert!(!inner.contains(['"', '[', ']', '|', '`', '{', '}']), "unescaped: {line}");
                assert!(nodes.insert(id), "duplicate id: {line}");
            }
        }
    }
    (nodes, edges)
}

#[test]
fn every_shipped_scenario_mermaid_is_well_formed() {
    in_root();
    let mut files: Vec<String> = scenario_files().iter().map(|p| rel(p)).collect();
    files.push("tests/graph/tree.yaml".to_owned());
    for file in &files {
        for run in [false, true] {
            let mut args = vec!["graph", "--format", "mermaid", file.as_str()];
            if run {
                args.push("--run");
            }
            let out = asim(&args);
            assert!(matches!(out.code, 0 | 1 | 3), "{file}: exit {}: {}", out.code, out.stderr);
            assert!(out.stdout.starts_with("%% "), "{file}");
            assert_eq!(out.stdout.lines().nth(1), Some("flowchart LR"), "{file}");
            let (nodes, edges) = mermaid_ids(&out.stdout);
            for (a, b) in edges {
                assert!(nodes.contains(&a) && nodes.contains(&b), "{file}: edge {a} -> {b} to an undeclared node");
            }
            // Deterministic.
            assert_eq!(asim(&args).stdout, out.stdout, "{file}");
        }
    }
}

#[test]
fn bad_input_is_reported_with_status_2() {
    in_root();
    let missing = asim(&["graph", "no/such/file.yaml"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.starts_with("error: cannot read no/such/file.yaml"), "{}", missing.stderr);
    let invalid = asim(&["graph", "tests/invalid/unknown_step.yaml"]);
    assert_eq!((invalid.code, invalid.stdout.as_str()), (2, ""));
    assert!(invalid.stderr.contains("tests/invalid/unknown_step.yaml:"), "{}", invalid.stderr);
    let invalid = asim(&["graph", "--run", "tests/invalid/unknown_step.yaml"]);
    assert_eq!(invalid.code, 2);
    // Run flags need --run; an unknown format is refused.
    assert_eq!(asim(&["graph", "--python", "3.12", "scenarios/download_pool.yaml"]).code, 2);
    assert_eq!(asim(&["graph", "--format", "svg", "scenarios/download_pool.yaml"]).code, 2);
}

#[test]
fn run_flags_reach_the_run() {
    in_root();
    // wait_for makes a task in 3.11 only.
    let old = asim(&["graph", "--run", "--python", "3.11", "scenarios/wait_for_shield.yaml"]);
    let new = asim(&["graph", "--run", "--python", "3.14", "scenarios/wait_for_shield.yaml"]);
    assert_eq!((old.code, new.code), (0, 0), "{}{}", old.stderr, new.stderr);
    assert!(old.stdout.matches(" -> ").count() > new.stdout.matches(" -> ").count(), "{}\n{}", old.stdout, new.stdout);
    let limited = asim(&["graph", "--run", "--max-tasks", "2", "tests/graph/tree.yaml"]);
    assert_eq!(limited.code, 4, "{}", limited.stderr);
    assert!(limited.stdout.contains("pending"), "{}", limited.stdout);
}

#[test]
fn ten_thousand_tasks_draw_quickly() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("graph_10k.yaml");
    std::fs::write(
        &file,
        "coroutines:\n  work(i):\n    - sleep: i % 7\n    - return: i\nmain:\n  - gather:\n      - {for: \"i in range(10000)\", call: \"work(i)\"}\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let out = asim(&["graph", "--run", file.to_str().unwrap()]);
    let took = start.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("[label=").count(), 10_001);
    assert_eq!(out.stdout.matches("label=\"gather\"").count(), 10_000);
    assert!(took.as_secs_f64() < 10.0, "{took:?}");
}

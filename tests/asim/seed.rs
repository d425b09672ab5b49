//! The seed cases: each `scenarios/seed/NN_name.yaml` reproduces the output
//! CPython 3.11 gives for `tests/seed/NN_name.py` (copied from the spec's
//! seed-cases.md into `tests/seed/NN_name.expected`), line for line.

use crate::{asim, in_root, observable, root};

fn expected_lines(jsonl: &str) -> String {
    let (prints, (elapsed, outcome, _)) = observable(jsonl);
    let mut out = String::new();
    for (t, task, text) in prints {
        out.push_str(&format!("{t:.3} {task} | {text}\n"));
    }
    out.push_str(&format!("== elapsed {elapsed:.3} outcome {outcome}\n"));
    out
}

#[test]
fn every_seed_case_matches_cpython() {
    in_root();
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/seed"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".expected").map(str::to_owned))
        .collect();
    names.sort();
    assert_eq!(names.len(), 12, "seed-cases.md has twelve cases");
    for name in names {
        let want = std::fs::read_to_string(root().join(format!("tests/seed/{name}.expected"))).unwrap();
        let run = asim(&["run", "--format", "json", &format!("scenarios/seed/{name}.yaml")]);
        assert_eq!(expected_lines(&run.stdout), want, "{name}: stderr {}", run.stderr);
        let want_code = if want.contains("outcome deadlock") { 3 } else { 0 };
        assert_eq!(run.code, want_code, "{name}");
        // --stdout is exactly the program's stdout.
        let quiet = asim(&["run", "-q", &format!("scenarios/seed/{name}.yaml")]);
        let text: String = want.lines().filter_map(|l| l.split_once(" | ").map(|(_, t)| format!("{t}\n"))).collect();
        assert_eq!(quiet.stdout, text, "{name}");
    }
}

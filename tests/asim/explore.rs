//! `asim explore` and `asim run --variant`: the report (reviewed
//! snapshots), determinism whatever the threads and shards, every reported
//! failing variant reproduced by its replay command, bad input, and
//! fidelity: a variant replays exactly as CPython runs the program with the
//! durations the variant drew.

use crate::differential::python_or_skip;
use crate::gen::diff::{divergence, run_harness};
use crate::{asim, in_root, snapshot_settings};
use asim::runtime::{Draw, Variant};
use std::collections::BTreeMap;

const DINING: &str = "scenarios/dining_philosophers.yaml";
const RACE: &str = "tests/explore/timeout_race.yaml";

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn explore_reports_outcomes_and_the_smallest_failing_variant() {
    in_root();
    snapshot_settings().bind(|| {
        for (name, args) in [
            ("explore_dining_philosophers", vec!["explore", "--runs", "500", DINING]),
            ("explore_timeout_race", vec!["explore", "--runs", "300", "--seed", "3", RACE]),
            (
                "explore_lock_handoff_jitter",
                vec!["explore", "--runs", "200", "--jitter", "30%", "scenarios/lock_handoff.yaml"],
            ),
        ] {
            let run = asim(&args);
            insta::assert_snapshot!(name, format!("exit {}\n{}{}", run.code, run.stdout, run.stderr));
        }
    });
}

/// The tally as JSON, without the fields that say how it was split.
fn tally(args: &[&str]) -> serde_json::Value {
    let run = asim(args);
    assert!(run.code <= 1, "{args:?}: {}", run.stderr);
    let mut t = json(&run.stdout);
    t.as_object_mut().unwrap().remove("shards");
    t
}

#[test]
fn the_same_seed_gives_the_same_tally_on_any_threads_and_shards() {
    in_root();
    for file in [DINING, RACE] {
        let whole = tally(&["explore", "--runs", "301", "--format", "json", "-j", "1", file]);
        assert_eq!(whole, tally(&["explore", "--runs", "301", "--format", "json", "-j", "2", file]), "{file}");
        let dir = std::env::temp_dir().join(format!("asim-shards-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut parts = Vec::new();
        for k in 1..=4 {
            let shard = format!("{k}/4");
            let run = asim(&["explore", "--runs", "301", "--format", "json", "--shard", &shard, file]);
            let path = dir.join(format!("{k}.json"));
            std::fs::write(&path, run.stdout).unwrap();
            parts.push(path.to_string_lossy().into_owned());
        }
        // Merged in any order.
        parts.reverse();
        let mut args = vec!["explore", "--format", "json", "--merge"];
        args.extend(parts.iter().map(String::as_str));
        assert_eq!(whole, tally(&args), "{file}: 4 shards merged");
        // The human report of the merge is the whole one's, but for the
        // shards it names.
        let mut human = vec!["explore", "--merge"];
        human.extend(parts.iter().map(String::as_str));
        let merged = asim(&human).stdout.replacen(" · shards 1,2,3,4 of 4", "", 1);
        assert_eq!(merged, asim(&["explore", "--runs", "301", file]).stdout, "{file}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn every_reported_failing_variant_replays_its_failure() {
    in_root();
    let runs = [(DINING, "deadlock", 3), (RACE, "error TimeoutError", 1)];
    for (file, class, status) in runs {
        for seed in ["0", "1", "2"] {
            let t = json(&asim(&["explore", "--runs", "400", "--seed", seed, "--format", "json", file]).stdout);
            let example = &t["classes"][class]["example"];
            let id = example["variant"].as_str().unwrap_or_else(|| panic!("{file} seed {seed}: no {class}: {t}"));
            let replay = asim(&["run", "--variant", id, "--format", "json", file]);
            assert_eq!(replay.code, status, "{file} --variant {id}: {}", replay.stderr);
            let end = json(replay.stdout.lines().last().unwrap());
            assert_eq!(end["elapsed"], example["elapsed"], "{file} --variant {id}");
            // The variant it was shrunk from fails the same way.
            let original = example["original"].as_str().unwrap();
            assert_eq!(asim(&["run", "-q", "--variant", original, file]).code, status, "{file} {original}");
        }
    }
}

/// The scenario exported as Python, each duration the scenario marks
/// variable replaced by the values the variant drew there, in order.
fn python_with_draws(file: &str, variant: &Variant) -> (String, String) {
    let text = std::fs::read_to_string(file).unwrap();
    let source = asim::source::Source::new(file, text);
    let compiled = asim::compile_source(&source).unwrap();
    let mut draws: Vec<Draw> = Vec::new();
    let limits =
        asim::runtime::Limits { python: Some(asim::version::Python::parse("3.11").unwrap()), ..Default::default() };
    compiled.run_variant(limits, variant, Some(&mut draws), &mut asim::report::Discard);
    // The marked sites in file order are the marked lines of the export.
    let sites = compiled.sites();
    let mut marked: Vec<u32> = (0..sites.len() as u32).filter(|&s| sites[s as usize].spread.is_some()).collect();
    marked.sort_by_key(|&s| sites[s as usize].line);
    let mut values: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for d in &draws {
        let ordinal = marked.iter().position(|&s| s == d.site).expect("a drawn site is marked");
        values.entry(ordinal).or_default().push(format!("{:?}", d.value));
    }
    let exported = asim::export_python(&source).unwrap();
    let mut out = String::from("import collections\n");
    let table: Vec<String> = (0..marked.len())
        .map(|i| format!("{i}: collections.deque([{}])", values.get(&i).map(|v| v.join(", ")).unwrap_or_default()))
        .collect();
    out += &format!("_DRAWS = {{{}}}\n", table.join(", "));
    let mut ordinal = 0;
    for line in exported.lines() {
        match line.split_once("  # ± ") {
            Some((code, _)) => {
                let (head, rest) = code.split_once("sleep(").expect("a marked line sleeps");
                let arg = rest.strip_suffix(')').unwrap();
                out += &format!("{head}sleep(_DRAWS[{ordinal}].popleft() if _DRAWS[{ordinal}] else ({arg}))\n");
                ordinal += 1;
            }
            None => {
                out += line;
                out.push('\n');
            }
        }
    }
    assert_eq!(ordinal, marked.len(), "{file}: every marked site is in the export");
    (out, variant.set_order().to_string())
}

#[test]
fn a_variant_replays_as_cpython_runs_the_durations_it_drew() {
    in_root();
    let Some(py) = python_or_skip("a_variant_replays_as_cpython_runs_the_durations_it_drew") else { return };
    let dir = std::env::temp_dir().join(format!("asim-variants-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in [DINING, RACE] {
        let mut variants: Vec<Variant> = (0..12u64)
            .map(|index| Variant { scale: if index % 3 == 0 { 100 } else { 60 }, ..Variant::new(5, index) })
            .collect();
        // And the failing variants explore reports, shrunk or not.
        let t = json(&asim(&["explore", "--runs", "400", "--format", "json", file]).stdout);
        for (_, class) in t["classes"].as_object().unwrap() {
            for key in ["variant", "original"] {
                if let Some(id) = class["example"][key].as_str() {
                    variants.push(Variant::parse(id).unwrap());
                }
            }
        }
        assert!(variants.len() >= 14, "{file}: explore found no failure: {t}");
        for (n, variant) in variants.iter().enumerate() {
            let (program, order) = python_with_draws(file, variant);
            let path = dir.join(format!("v{n}.py"));
            std::fs::write(&path, program).unwrap();
            let theirs = run_harness(&py, &[path], &["--set-order", &order]).remove(0);
            let id = variant.to_string();
            let ours = asim(&["run", "--python", "3.11", "--format", "json", "--variant", &id, file]).stdout;
            if let Some(d) = divergence(&format!("{file} --variant {id}"), &ours, &theirs) {
                failures.push(d);
            }
            checked += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {checked} variants differ from CPython:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn explore_and_variant_refuse_bad_input() {
    in_root();
    let cases: &[(&[&str], &str)] = &[
        (&["run", "--variant", "seven", DINING], "is not a variant id"),
        (&["run", "--variant", "7.1~s300", DINING], "percentage from 0 to 100"),
        (&["run", "--variant", "7.1", "--set-order", "reverse", DINING], "cannot be used with"),
        (&["explore", "--shard", "0/4", DINING], "is not a shard"),
        (&["explore", "--shard", "5/4", DINING], "is not a shard"),
        (&["explore", "--jitter", "lots", DINING], "is not a spread"),
        (&["explore", "--jitter", "150%", DINING], "between 0% and 100%"),
        (&["explore", "--time-budget", "0", DINING], "above 0"),
        (&["explore", "--runs", "0", DINING], "at least 1"),
        (&["explore", "--merge", "Cargo.toml"], "is not the JSON of `asim explore"),
        (&["explore", "--merge", "no/such.json"], "cannot read"),
        (&["explore"], "required"),
    ];
    for (args, message) in cases {
        let run = asim(args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn merge_refuses_shards_of_different_explorations() {
    in_root();
    let dir = std::env::temp_dir().join(format!("asim-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, args: &[&str]| {
        let path = dir.join(name);
        std::fs::write(&path, asim(args).stdout).unwrap();
        path.to_string_lossy().into_owned()
    };
    let a = write("a.json", &["explore", "--runs", "20", "--shard", "1/2", "--format", "json", DINING]);
    let b = write("b.json", &["explore", "--runs", "20", "--seed", "9", "--shard", "2/2", "--format", "json", DINING]);
    let c = write("c.json", &["explore", "--runs", "20", "--shard", "1/3", "--format", "json", DINING]);
    for (args, message) in [
        ([a.as_str(), b.as_str()], "different explorations"),
        ([a.as_str(), a.as_str()], "given twice"),
        ([a.as_str(), c.as_str()], "different splits"),
    ] {
        let run = asim(&["explore", "--merge", args[0], args[1]]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(message), "{}", run.stderr);
    }
    // A single shard is reported as the part it is.
    let run = asim(&["explore", "--merge", &a]);
    assert!(run.stdout.contains("only 1 of 2 shards"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_spread_is_checked_where_it_is_written() {
    in_root();
    for (step, message) in [
        ("sleep: 1 ± lots", "is not a spread"),
        ("sleep: 1 ± 150%", "between 0% and 100%"),
        ("sleep: uniform(2, 1)", "needs 0 <= low <= high"),
        ("sleep: uniform(a, b)", "not expressions"),
        ("block: ± 20%", "needs a duration before it"),
    ] {
        let dir = std::env::temp_dir().join(format!("asim-spread-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.yaml");
        std::fs::write(&path, format!("main:\n  - {step}\n")).unwrap();
        let run = asim(&["run", &path.to_string_lossy()]);
        assert_eq!(run.code, 2, "{step}: {}", run.stderr);
        assert!(run.stderr.contains(message) && run.stderr.contains("s.yaml:2:"), "{step}: {}", run.stderr);
        let _ = std::fs::remove_dir_all(&dir);
    }
    // A spread does not change the plain run, nor the exported program.
    let run = asim(&["run", "-q", RACE]);
    assert!(run.stdout.ends_with("done at 0.9900000000000002\n"), "{}", run.stdout);
    let py = asim(&["export", "python", DINING]).stdout;
    assert!(py.contains("await asyncio.sleep(1.0)  # ± 50% under asim explore"), "{py}");
    // Quoted, the base is exported as written too.
    let dir = std::env::temp_dir().join(format!("asim-quoted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("q.yaml");
    std::fs::write(&path, "main:\n  - sleep: '1 ± 20%'\n  - block: \"0.05 +- 10ms\"\n").unwrap();
    let py = asim(&["export", "python", &path.to_string_lossy()]).stdout;
    assert!(py.contains("await asyncio.sleep(1)  # ± 20% under asim explore"), "{py}");
    assert!(py.contains("time.sleep(0.05)  # ± 0.01 under asim explore"), "{py}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outcome_classes_follow_expect_assertions_and_limits() {
    in_root();
    let file = "tests/explore/expect_order.yaml";
    let t = json(&asim(&["explore", "--runs", "400", "--no-orders", "--format", "json", file]).stdout);
    let classes: Vec<&str> = t["classes"].as_object().unwrap().keys().map(String::as_str).collect();
    // The nominal run meets the block; some variants print out of order or
    // run long (expect failed), some fail the audit's assert.
    assert_eq!(classes, ["expect failed", "failed assertion", "ok"], "{t}");
    assert_eq!(t["classes"]["ok"]["first"], 0);
    for class in ["expect failed", "failed assertion"] {
        let id = t["classes"][class]["example"]["variant"].as_str().unwrap();
        let run = asim(&["run", "--variant", id, file]);
        assert_eq!(run.code, 1, "{class} {id}");
        let shown = if class == "failed assertion" {
            "AssertionError: the audit ran before any step"
        } else {
            "error: expected"
        };
        assert!(run.stdout.contains(shown) || run.stderr.contains(shown), "{class} {id}: {}{}", run.stdout, run.stderr);
    }
    // A run limit is a class of its own.
    let t = json(&asim(&["explore", "--runs", "200", "--max-time", "1.05", "--format", "json", RACE]).stdout);
    assert!(t["classes"]["limit"]["count"].as_u64().unwrap() > 0, "{t}");
    let id = t["classes"]["limit"]["example"]["variant"].as_str().unwrap();
    assert_eq!(asim(&["run", "-q", "--max-time", "1.05", "--variant", id, RACE]).code, 4);
}

#[test]
fn an_assert_on_a_tuple_is_refused() {
    let dir = std::env::temp_dir().join(format!("asim-assert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a.yaml");
    std::fs::write(&path, "main:\n  - assert: 1 == 2, \"nope\"\n").unwrap();
    let run = asim(&["run", &path.to_string_lossy()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("this assert is on a tuple, which is always true"), "{}", run.stderr);
    assert!(run.stderr.contains("message:"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_time_budget_stops_starting_variants() {
    in_root();
    let started = std::time::Instant::now();
    let run = asim(&["explore", "--runs", "100000000", "--time-budget", "300ms", DINING]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "the budget was not kept");
    assert!(run.stdout.contains("--time-budget stopped it after "), "{}", run.stdout);
    assert!(run.stdout.contains(" of 100000000 variants"), "{}", run.stdout);
}

#[test]
fn the_report_is_coloured_on_request() {
    in_root();
    let plain = asim(&["explore", "--runs", "50", DINING]).stdout;
    let coloured = asim(&["explore", "--runs", "50", "--color", "always", DINING]).stdout;
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(coloured.contains("\x1b[32mok"), "{coloured}");
    let stripped: String = coloured
        .split('\x1b')
        .enumerate()
        .map(|(i, p)| if i == 0 { p } else { &p[p.find('m').unwrap() + 1..] })
        .collect();
    assert_eq!(stripped, plain);
}

/// Each `replay:` command of a report, as arguments.
fn replays(report: &str) -> Vec<Vec<String>> {
    report
        .lines()
        .filter_map(|l| l.trim().strip_prefix("replay: asim "))
        .map(|cmd| cmd.split_whitespace().map(str::to_owned).collect())
        .collect()
}

#[test]
fn a_runaway_variant_is_a_limit_bounded_by_the_nominal_run() {
    in_root();
    let file = "tests/explore/runaway.yaml";
    assert_eq!(asim(&["run", "-q", file]).stdout, "done\n");
    let started = std::time::Instant::now();
    let run = asim(&["explore", "--runs", "200", file]);
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "runaway variants were not cut short");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("each variant may take 100000 steps and 100000 loop iterations"), "{}", run.stdout);
    let commands = replays(&run.stdout);
    assert_eq!(commands.len(), 1, "{}", run.stdout);
    // The replay command says the limits, so it stops where explore did.
    assert!(commands[0].contains(&"--max-steps".to_owned()), "{:?}", commands[0]);
    let args: Vec<&str> = commands[0].iter().map(String::as_str).collect();
    let replay = asim(&args);
    assert_eq!(replay.code, 4, "{:?}: {}", args, replay.stderr);
    // A scenario whose nominal run never ends is refused at once.
    let dir = std::env::temp_dir().join(format!("asim-forever-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("forever.yaml");
    std::fs::write(&path, "main:\n  - while: true\n    do:\n      - sleep: 1 ± 10%\n").unwrap();
    let run = asim(&["explore", "--max-iterations", "100000", &path.to_string_lossy()]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("the nominal run (every duration as written) stops at a limit"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_replay_command_of_a_report_replays_its_class() {
    in_root();
    for (file, status) in [(DINING, 3), (RACE, 1), ("scenarios/lock_order.yaml", 3)] {
        let report = asim(&["explore", "--runs", "300", "--jitter", "20%", file]).stdout;
        let commands = replays(&report);
        assert!(!commands.is_empty(), "{file}: {report}");
        for c in commands {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            assert_eq!(asim(&args).code, status, "{args:?}");
        }
    }
}

#[test]
fn a_scenario_where_nothing_varies_says_how_to_vary_it() {
    in_root();
    let run = asim(&["explore", "--runs", "20", "scenarios/download_pool.yaml"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("nothing varied: every variant ran as the nominal run"), "{}", run.stdout);
    assert!(run.stdout.contains("distinct  1 interleaving · 1 output"), "{}", run.stdout);
    let run = asim(&["explore", "--runs", "20", "--no-orders", "scenarios/download_pool.yaml"]);
    assert!(run.stdout.contains("what varies: nothing\n"), "{}", run.stdout);
    let run = asim(&["explore", "--runs", "20", "--jitter", "10%", "scenarios/download_pool.yaml"]);
    assert!(!run.stdout.contains("nothing varied"), "{}", run.stdout);
}

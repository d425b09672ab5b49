//! Every view on generated scenarios (the generator of `tests/gen/` makes
//! every construct of the format): each answers with a valid status and no
//! panic, the causes keep their rules, the Perfetto trace and the summary's
//! JSON parse, the timeline is written, and the graph is produced.

use crate::asim;
use std::path::PathBuf;

#[test]
fn every_view_answers_every_generated_scenario() {
    let count: u64 = std::env::var("ASIM_GEN_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(300) / 2;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("views");
    std::fs::create_dir_all(&dir).unwrap();
    let mut seen = crate::events::Seen::default();
    for seed in 0..count {
        let file = dir.join(format!("gen{seed}.yaml"));
        std::fs::write(&file, crate::gen::scenario(seed)).unwrap();
        let file = file.to_str().unwrap();
        let ok = |run: &crate::Output, what: &str| {
            assert!((0..=4).contains(&run.code), "seed {seed} {what}: exit {}: {}", run.code, run.stderr);
            assert!(!run.stderr.contains("panicked"), "seed {seed} {what}: {}", run.stderr);
        };
        let json = asim(&["run", "--format", "json", file]);
        ok(&json, "json");
        crate::events::check_causes(&json.stdout, &format!("seed {seed}"), &mut seen);
        let perfetto = asim(&["run", "--format", "perfetto", file]);
        ok(&perfetto, "perfetto");
        let trace: serde_json::Value = serde_json::from_str(&perfetto.stdout).expect("the trace is JSON");
        assert!(trace["traceEvents"].is_array(), "seed {seed}");
        let summary = asim(&["run", "--summary", "--format", "json", file]);
        ok(&summary, "summary");
        let _: serde_json::Value = serde_json::from_str(&summary.stdout).expect("the summary is JSON");
        let page = dir.join(format!("gen{seed}.html"));
        let timeline = asim(&["run", "-q", "--timeline", page.to_str().unwrap(), file]);
        ok(&timeline, "timeline");
        assert_eq!(timeline.stdout, asim(&["run", "-q", file]).stdout, "seed {seed}: the timeline changes nothing");
        assert!(std::fs::metadata(&page).unwrap().len() > 0);
        // The static checks read it without a panic (warnings are fine).
        let check = asim(&["check", "--no-run", file]);
        assert_eq!(check.code, 0, "seed {seed} check: {}", check.stderr);
        assert!(!check.stderr.contains("panicked"), "seed {seed} check: {}", check.stderr);
        // A short exploration; each failure it reports replays as reported.
        let explore = asim(&["explore", "--runs", "6", "-j", "1", "--jitter", "30%", "--jitter-blocks", "30%", file]);
        ok(&explore, "explore");
        let mut class = String::new();
        for line in explore.stdout.lines() {
            if let Some((c, _)) = line.split_once(": ").filter(|(_, rest)| rest.contains(" variant")) {
                class = c.to_owned();
            }
            if let Some(cmd) = line.trim().strip_prefix("replay: asim ") {
                let args: Vec<&str> = cmd.split_whitespace().collect();
                let status = match class.as_str() {
                    "deadlock" => 3,
                    "limit" => 4,
                    _ => 1,
                };
                let replay = asim(&args);
                assert_eq!(replay.code, status, "seed {seed}: {class}: asim {cmd}: {}", replay.stderr);
            }
        }
        for args in [&["graph"][..], &["graph", "--run"], &["run", "--at", "0.5"], &["run", "--summary"]] {
            let mut all = args.to_vec();
            all.push(file);
            ok(&asim(&all), &format!("{args:?}"));
        }
    }
    let kinds = seen.kinds();
    assert!(["slept", "finished", "cancel"].iter().all(|k| kinds.contains(*k)), "{kinds:?}");
}

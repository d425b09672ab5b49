//! `asim run --timeline OUT`: the page and the picture, checked for their
//! structure, for the aggregation of big runs, and in a real headless
//! browser (Debian's `chromium`): the page renders, reports no script
//! error, shows the state at an instant, and can be screenshotted.
//!
//! Without chromium the browser test fails under `CI=true`, and elsewhere
//! skips with a message saying so.

use crate::{asim, in_root};
use std::path::{Path, PathBuf};
use std::process::Command;

fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("timeline").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `asim run -q --timeline OUT FILE`; the page or picture written, and the run's stdout.
fn timeline(scenario: &str, out: &Path) -> (String, String) {
    in_root();
    let run = asim(&["run", "-q", "--timeline", out.to_str().unwrap(), scenario]);
    assert!([0, 1, 3].contains(&run.code), "{}: {}", run.code, run.stderr);
    (std::fs::read_to_string(out).unwrap(), run.stdout)
}

/// The JSON the page embeds.
fn page_data(html: &str) -> serde_json::Value {
    let start = html.find("<script type=\"application/json\" id=\"data\">").expect("the data element") + 42;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("the page's data is JSON")
}

fn lane_names(data: &serde_json::Value) -> Vec<String> {
    data["lanes"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_output_file_must_be_html_or_svg() {
    in_root();
    let run = asim(&["run", "--timeline", "out.png", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid value 'out.png' for '--timeline <OUT>'"), "{}", run.stderr);
    assert!(run.stderr.contains("ending in .html or .svg"), "{}", run.stderr);
    let run = asim(&["run", "--timeline", "no/such/dir/t.html", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: cannot write the timeline to no/such/dir/t.html"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let run = asim(&["run", "--python", "all", "--timeline", "t.html", "scenarios/lock_handoff.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--timeline draws one run"), "{}", run.stderr);
}

#[test]
fn the_page_is_self_contained_and_holds_the_lanes() {
    let out = out_dir("page").join("lock_handoff.html");
    let (html, stdout) = timeline("scenarios/lock_handoff.yaml", &out);
    // The run's own output is unchanged.
    assert_eq!(stdout, asim(&["run", "-q", "scenarios/lock_handoff.yaml"]).stdout);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for remote in ["http://", "https://", "<link", " src=", "@import", "url("] {
        assert!(!html.contains(remote), "the page loads something: {remote}");
    }
    let data = page_data(&html);
    assert_eq!(lane_names(&data), ["Task-1", "Task-2", "Task-3"]);
    assert_eq!(data["lanes"][1]["call"], "greedy()");
    assert_eq!(data["outcome"], "ok");
    assert_eq!(data["aggregated"], false);
    // patient (Task-3) waits for the lock greedy (Task-2) holds, from 0.5 to 1.0, then is woken by Task-2.
    let segs: Vec<f64> = data["lanes"][2]["s"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let labels = data["labels"].as_array().unwrap();
    let blocked: Vec<&[f64]> = segs.chunks(6).filter(|s| s[0] == 3.0).collect();
    assert_eq!(blocked.len(), 1, "{segs:?}");
    assert_eq!((blocked[0][1], blocked[0][2]), (0.5, 1.0));
    assert_eq!(labels[blocked[0][3] as usize], "lock `lock`");
    let arrows: Vec<f64> = data["arrows"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    // [wake, from, t0, to, t1]: spawns of Task-2 and Task-3 by main, and Task-2 waking Task-3 at 1.0.
    let arrows: Vec<&[f64]> = arrows.chunks(5).collect();
    assert!(arrows.contains(&&[0.0, 0.0, 0.0, 1.0, 0.0][..]), "{arrows:?}");
    assert!(arrows.contains(&&[1.0, 1.0, 1.0, 2.0, 1.0][..]), "{arrows:?}");
    // Prints are marks on their task's lane.
    assert_eq!(data["lanes"][1]["m"][1], "greedy has the lock");
}

#[test]
fn a_deadlock_keeps_its_blocked_states_open_and_names_the_cycle() {
    let out = out_dir("page").join("deadlock.html");
    let (html, _) = timeline("scenarios/seed/12_deadlock.yaml", &out);
    let data = page_data(&html);
    assert_eq!(data["outcome"], "deadlock");
    assert!(data["ending"].as_str().unwrap().contains("cycle: Task-2 -> Task-3 -> Task-2"));
    assert_eq!(data["cycle"], serde_json::json!([1, 2, 1]));
    assert_eq!(data["lanes"][1]["wait"], "lock `b` (held by Task-3)");
    let last: Vec<f64> =
        data["lanes"][1]["s"].as_array().unwrap().iter().rev().take(6).map(|v| v.as_f64().unwrap()).collect();
    // Reversed [state, start, end, label, target, flags]: blocked, open.
    assert_eq!((last[5], last[0]), (3.0, 1.0), "{last:?}");
}

#[test]
fn the_svg_is_well_formed_and_draws_the_same_lanes() {
    let dir = out_dir("svg");
    for (scenario, expect) in [
        ("scenarios/lock_handoff.yaml", "Task-3 blocked on lock `lock`, 0.5 → 1"),
        ("scenarios/seed/12_deadlock.yaml", "Task-2 blocked on lock `b`, 1 → 1 (still so when the run ended)"),
        ("scenarios/unhandled_error.yaml", "raised at"),
    ] {
        let out = dir.join(Path::new(scenario).file_stem().unwrap()).with_extension("svg");
        let (svg, _) = timeline(scenario, &out);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{scenario}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert!(!svg.contains("<script"), "{scenario}");
        let titles: Vec<&str> =
            doc.descendants().filter(|n| n.has_tag_name("title")).filter_map(|n| n.text()).collect();
        assert!(titles.iter().any(|t| t.contains(expect)), "{scenario}: {titles:?}");
    }
}

/// The 10,000-task fan-out of /work/shared/perf/workloads.py.
fn fanout(n: usize) -> PathBuf {
    let file = out_dir("big").join(format!("fanout_{n}.yaml"));
    std::fs::write(
        &file,
        format!(
            "coroutines:\n  worker(i):\n    - sleep: (i * 7919 % 1000) / 1000\n    - return: i\nmain:\n  - gather:\n      - for: i in range({n})\n        call: worker(i)\n"
        ),
    )
    .unwrap();
    file
}

#[test]
fn a_run_of_ten_thousand_tasks_is_drawn_by_group() {
    let file = fanout(10_000);
    let dir = out_dir("big");
    let (html, _) = timeline(file.to_str().unwrap(), &dir.join("fanout.html"));
    let data = page_data(&html);
    assert_eq!(data["aggregated"], true);
    assert_eq!(data["tasks"], 10_001);
    let groups = data["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!((groups[1]["name"].as_str(), groups[1]["count"].as_u64()), (Some("worker"), Some(10_000)));
    // Only the first tasks of each group keep a lane.
    assert!(data["lanes"].as_array().unwrap().len() <= 41, "{}", data["lanes"].as_array().unwrap().len());
    // At the start all 10,000 workers sleep (on average over the first bucket), none at the end.
    let sleeping = groups[1]["agg"][2].as_array().unwrap();
    assert!(sleeping[0].as_f64().unwrap() > 9_000.0, "{:?}", &sleeping[..3]);
    assert!(sleeping.last().unwrap().as_f64().unwrap() < 100.0);
    assert!(html.len() < 200_000, "{} bytes", html.len());
    let (svg, _) = timeline(file.to_str().unwrap(), &dir.join("fanout.svg"));
    roxmltree::Document::parse(&svg).unwrap();
    assert!(svg.len() < 1_000_000, "{} bytes", svg.len());
    assert!(svg.contains("worker() ×10000"));
}

/// The chromium command, or skips (outside CI) / fails (in CI).
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
    });
    match found {
        Some(p) => Some(p),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test} needs chromium (Debian's `chromium` package) and CI=true")
        }
        None => {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "SKIPPED {test}: no chromium (install Debian's `chromium` to run it)");
            None
        }
    }
}

fn headless(chromium: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(chromium)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

#[test]
fn the_page_renders_in_a_headless_browser() {
    let Some(chromium) = chromium_or_skip("the_page_renders_in_a_headless_browser") else { return };
    let dir = out_dir("browser");
    let big = fanout(10_000);
    for (scenario, at, expect) in [
        ("scenarios/lock_handoff.yaml", "t=0.75", "blocked on lock `lock`"),
        ("scenarios/download_pool.yaml", "t=0.5", "gather of"),
        ("scenarios/seed/12_deadlock.yaml", "t=1", "blocked on lock `a`"),
        (big.to_str().unwrap(), "t=0.2&expand", "worker(): "),
    ] {
        let stem = Path::new(scenario).file_stem().unwrap().to_str().unwrap().to_owned();
        let page = dir.join(format!("{stem}.html"));
        timeline(scenario, &page);
        let url = format!("file://{}#{at}", page.display());
        let profile = dir.join(format!("profile-{stem}"));
        let dom = headless(&chromium, &profile, &["--dump-dom", &url]);
        let html = String::from_utf8_lossy(&dom.stdout);
        let stderr = String::from_utf8_lossy(&dom.stderr);
        let body = html.find("<body").map(|i| &html[i..html[i..].find('>').map_or(html.len(), |j| i + j)]);
        let body = body.unwrap_or_else(|| panic!("{stem}: no page: {stderr}"));
        assert!(body.contains("data-rendered=\""), "{stem}: not rendered: {body}\n{stderr}");
        assert!(!body.contains("data-error"), "{stem}: script error: {body}");
        assert!(!stderr.contains("Uncaught"), "{stem}: {stderr}");
        // The state at the instant of the link, in the side panel.
        let side = &html[html.find("<aside").unwrap()..];
        assert!(side.contains(expect), "{stem}: {side}");
        let png = dir.join(format!("{stem}.png"));
        let _ = std::fs::remove_file(&png);
        headless(&chromium, &profile, &[&format!("--screenshot={}", png.display()), "--window-size=1400,900", &url]);
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "{stem}: screenshot of {size} bytes");
    }
}

#[test]
fn a_gather_waits_for_the_tasks_it_gathers_not_every_task_its_parent_spawned() {
    let dir = out_dir("awaits");
    let scenario = dir.join("gather.yaml");
    std::fs::write(
        &scenario,
        "coroutines:\n  idle():\n    - sleep: 5\n  w(d):\n    - sleep: d\nmain:\n  - spawn: idle()\n    as: bystander\n  - gather: [w(1), w(2)]\n  - await: bystander\n",
    )
    .unwrap();
    let out = dir.join("gather.html");
    let (html, _) = timeline(scenario.to_str().unwrap(), &out);
    let data = page_data(&html);
    assert_eq!(lane_names(&data), ["Task-1", "Task-2", "Task-3", "Task-4"]);
    // main (lane 0) spawned Task-2 too, but its gather at 0.0 waits for lanes 2 and 3 only.
    assert_eq!(data["lanes"][0]["aw"], serde_json::json!([0, 2, 0, 3]));
    assert_eq!(data["lanes"][1]["parent"], 0);
}

//! What `asim explore` prints: the human report, or the tally as JSON
//! (which `asim explore --merge` reads back).

use super::Tally;
use crate::report::{Style, BOLD, DIM, GREEN, RED, YELLOW};
use std::io::{self, Write};

fn secs(t: f64) -> String {
    format!("{t:.3}s")
}

/// A path as one shell word: quoted when it holds anything but letters,
/// digits and `_-./`.
fn shell_word(path: &str) -> String {
    if !path.is_empty() && path.chars().all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c)) {
        return path.to_owned();
    }
    format!("'{}'", path.replace('\'', "'\\''"))
}

/// A task's call, cut to a width that keeps the table readable.
fn short(call: &str) -> String {
    const WIDTH: usize = 40;
    if call.chars().count() <= WIDTH {
        return call.to_owned();
    }
    let mut cut: String = call.chars().take(WIDTH - 1).collect();
    cut.push('…');
    cut
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes the report a person reads (`color`: ANSI colours).
pub fn write_human(out: &mut dyn Write, t: &Tally, color: bool) -> io::Result<()> {
    let style = Style { on: color };
    let mut head = format!(
        "asim explore {} · Python {} · {} of seed {}",
        t.scenario,
        t.python,
        plural(t.runs, "variant", "variants"),
        t.seed
    );
    if t.shards != [(1, 1)] {
        let n = t.shards[0].1;
        let ks: Vec<String> = t.shards.iter().map(|s| s.0.to_string()).collect();
        head += &format!(" · shard{} {} of {n}", if ks.len() == 1 { "" } else { "s" }, ks.join(","));
    }
    writeln!(out, "{}", style.paint(BOLD, &head))?;
    let mut varies = Vec::new();
    if t.varied_sites > 0 {
        varies.push(plural(t.varied_sites as u64, "varied duration", "varied durations"));
    }
    if let Some(j) = &t.jitter {
        varies.push(format!("sleeps ± {j}"));
    }
    if let Some(j) = &t.jitter_blocks {
        varies.push(format!("blocks ± {j}"));
    }
    if t.vary_orders {
        varies.push(match t.orders_met {
            0 => "no set order to shuffle".to_owned(),
            n if n == t.runs => "set orders shuffled".to_owned(),
            n => format!("set orders shuffled (in the {n} variants that met one)"),
        });
    }
    if varies.is_empty() {
        varies.push("nothing".into());
    }
    writeln!(out, "what varies: {}", varies.join(" · "))?;
    if t.varied_sites == 0 && t.orders_met == 0 {
        writeln!(
            out,
            "{}",
            style.paint(
                YELLOW,
                "nothing varied: every variant ran as the nominal run; mark durations variable (`sleep: 1.0 ± 20%`) or pass --jitter 10%"
            )
        )?;
    }
    writeln!(out, "each variant may take {} steps and {} loop iterations", t.max_steps, t.max_iterations)?;
    if t.budget_hit {
        writeln!(out, "--time-budget stopped it after {} of {} variants", t.runs, t.planned)?;
    }
    let covered: u64 = t.shards.len() as u64;
    if let Some(&(_, n)) = t.shards.first() {
        if covered < n {
            writeln!(out, "only {covered} of {n} shards: the other variants are not in these figures")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "outcomes")?;
    let width = t.classes.keys().map(|k| k.chars().count()).max().unwrap_or(2).max(8);
    for (class, c) in &t.classes {
        let share = 100.0 * c.count as f64 / t.runs.max(1) as f64;
        let nominal = if c.first == 0 { style.paint(DIM, "   (the nominal run)") } else { String::new() };
        let name = style.paint(if class == "ok" { GREEN } else { RED }, &format!("{class:<width$}"));
        writeln!(out, "  {name}  {:>9}  {share:>5.1}%{nominal}", c.count)?;
    }
    if let (Some(p50), Some(p95), Some(p99), Some(max)) =
        (t.percentile(50.0), t.percentile(95.0), t.percentile(99.0), t.elapsed.last())
    {
        let nominal = t.nominal_elapsed.map(|n| format!(" · nominal {}", secs(n))).unwrap_or_default();
        writeln!(
            out,
            "elapsed   p50 {} · p95 {} · p99 {} · max {}{nominal}",
            secs(p50),
            secs(p95),
            secs(p99),
            secs(*max)
        )?;
    }
    writeln!(
        out,
        "distinct  {} · {}",
        plural(t.interleavings.len() as u64, "interleaving", "interleavings"),
        plural(t.outputs.len() as u64, "output", "outputs")
    )?;
    for (class, c) in t.classes.iter().filter(|(k, _)| *k != "ok") {
        writeln!(out)?;
        let title = format!("{class}: {} of {}", plural(c.count, "variant", "variants"), t.runs);
        writeln!(out, "{}", style.paint(RED, &title))?;
        let Some(e) = &c.example else { continue };
        let from = if e.variant == e.original {
            String::new()
        } else {
            format!(", shrunk from {} in {} runs", e.original, e.shrink_runs)
        };
        writeln!(out, "  smallest failing variant {}{from}", e.variant)?;
        if !e.detail.is_empty() {
            writeln!(out, "  it ends at {}: {}", secs(e.elapsed), e.detail)?;
        }
        if e.draws.is_empty() {
            writeln!(out, "  every duration as written")?;
        } else {
            writeln!(out, "  durations away from the scenario's:")?;
            let place = |d: &super::ExampleDraw| format!("{}:{}", t.file, d.line);
            let pw = e.draws.iter().map(|d| place(d).len()).max().unwrap_or(0);
            let tw =
                e.draws.iter().map(|d| d.task.chars().count() + short(&d.call).chars().count() + 1).max().unwrap_or(0);
            for d in &e.draws {
                let who = format!("{} {}", d.task, short(&d.call));
                writeln!(
                    out,
                    "    {:<pw$}  {:<5}  {who:<tw$}  {} → {}",
                    place(d),
                    d.kind,
                    crate::value::pyfmt::float_repr(d.nominal),
                    crate::value::pyfmt::float_repr(d.value)
                )?;
            }
            if e.more_draws > 0 {
                writeln!(out, "    … {} more", e.more_draws)?;
            }
        }
        if e.shuffled {
            writeln!(
                out,
                "  with the set orders shuffled (--set-order alone does not give this one: replay the variant)"
            )?;
        }
        // A runaway variant stops where the exploration's limits stop it.
        let limits = if class == "limit" {
            format!(" --max-steps {} --max-iterations {}", t.max_steps, t.max_iterations)
        } else {
            String::new()
        };
        let replay = format!("asim run{limits} {} --variant {}", shell_word(&t.file), e.variant);
        writeln!(out, "  replay: {}", style.paint(BOLD, &replay))?;
    }
    Ok(())
}

/// Writes the tally as one JSON object (`asim explore --merge` reads it).
pub fn write_json(out: &mut dyn Write, t: &Tally) -> io::Result<()> {
    serde_json::to_writer(&mut *out, t)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn replay_paths_are_one_shell_word() {
        assert_eq!(shell_word("scenarios/pool.yaml"), "scenarios/pool.yaml");
        assert_eq!(shell_word("my scenarios/pool.yaml"), "'my scenarios/pool.yaml'");
        assert_eq!(shell_word("it's.yaml"), "'it'\\''s.yaml'");
    }
}

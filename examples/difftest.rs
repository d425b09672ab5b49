//! Long differential runs against CPython:
//!
//! ```sh
//! cargo run --release --example difftest -- --count 100000 --seed 1
//! ```
//!
//! Generates `--count` scenarios from seeds `--seed`, `--seed + 1`, ...,
//! (`--set-order ORDER` runs both sides in that set order: creation,
//! reverse, shuffle:SEED; `--python VERSION` (3.11, 3.12, 3.13, 3.14) runs
//! the CPython side on that version under Pyodide (Node.js; installed into
//! `target/pyodide/` on first use) and asim with `--python VERSION`),
//! runs each in asim and its `asim export python` on CPython (through
//! `tests/harness/vclock.py`, in batches), and prints a one-line summary.
//! Divergences are written to `target/difftest/divergences/` (or under
//! `--out DIR`), with the scenario and both outputs; the exit status is 1 if
//! there are any.

#[path = "../tests/gen/mod.rs"]
#[allow(dead_code)]
mod gen;

use std::path::PathBuf;
use std::time::Instant;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let count = arg("--count", 1000);
    let seed = arg("--seed", 1);
    let batch_size = arg("--batch", 500);
    let args: Vec<String> = std::env::args().collect();
    let version = args.iter().position(|a| a == "--python").and_then(|i| args.get(i + 1));
    let python = gen::diff::cpython(version.map(String::as_str)).unwrap_or_else(|e| {
        eprintln!("difftest needs Python 3.11+ (or, with --python, Node.js and npm): {e}");
        std::process::exit(2);
    });
    let dir = match args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)) {
        Some(d) => PathBuf::from(d),
        None => gen::diff::root().join("target/difftest"),
    };
    let order = args.iter().position(|a| a == "--set-order").and_then(|i| args.get(i + 1)).cloned();
    let order = order.unwrap_or_else(|| "creation".to_owned());
    let started = Instant::now();
    let (mut n, mut ok, mut errors, mut deadlocks, mut divergences, mut width) = (0, 0, 0, 0, 0, 0);
    let mut start = seed;
    while start < seed + count {
        let end = (start + batch_size).min(seed + count);
        let work = dir.join("batch");
        let _ = std::fs::remove_dir_all(&work);
        let b = gen::diff::check_seeds_ordered(&python, start..end, &work, &order);
        n += b.scenarios;
        ok += b.ok;
        errors += b.errors;
        deadlocks += b.deadlocks;
        width += b.width_dependent;
        for (s, report) in &b.divergences {
            divergences += 1;
            gen::diff::write(&dir.join(format!("divergences/seed_{s}.txt")), report);
            eprintln!("divergence at seed {s}: {}", dir.join(format!("divergences/seed_{s}.txt")).display());
        }
        start = end;
        eprint!("\r{n}/{count} scenarios, {divergences} divergences, {:.0}s", started.elapsed().as_secs_f64());
    }
    eprintln!();
    println!(
        "difftest: {n} scenarios from seed {seed}: {divergences} divergences ({ok} ok, {errors} error, {deadlocks} deadlock; {width} left out: they hash what a 32-bit CPython hashes otherwise) in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    std::process::exit(i32::from(divergences > 0));
}

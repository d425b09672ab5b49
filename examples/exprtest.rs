//! The differential expression fuzzer, for long runs:
//!
//! ```sh
//! cargo run --release --example exprtest -- --count 100 --seed 1
//! ```
//!
//! Evaluates `--count` batches of `--size` (default 200) generated
//! expressions in asim and in CPython and prints each expression whose
//! value, repr or error differs (the first per batch: a batch stops being
//! comparable after it), then a one-line summary; exit status 1 if any.

#[path = "../tests/gen/mod.rs"]
#[allow(dead_code)]
mod gen;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let count = arg("--count", 20);
    let seed = arg("--seed", 1);
    let size = arg("--size", 200) as usize;
    let python = gen::diff::python().unwrap_or_else(|e| {
        eprintln!("exprtest needs Python 3.11+: {e}");
        std::process::exit(2);
    });
    let dir = gen::diff::root().join("target/exprtest");
    let mut found = 0;
    let mut s = seed;
    while s < seed + count {
        let end = (s + 50).min(seed + count);
        for r in gen::diff::check_exprs(&python, s..end, size, &dir) {
            found += 1;
            println!("{r}\n");
        }
        s = end;
    }
    println!("exprtest: {count} batches of {size} expressions from seed {seed}: {found} divergences");
    std::process::exit(i32::from(found > 0));
}

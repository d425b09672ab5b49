//! Prints the generated scenario for a seed: `cargo run --example gen_one -- SEED`.
#[path = "../tests/gen/mod.rs"]
#[allow(dead_code)]
mod gen;

fn main() {
    let seed = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    print!("{}", gen::scenario(seed));
}

//! In-process benchmarks of asim's hot paths, with divan.
//!
//! `benches/scale.py` measures whole processes at large sizes and compares
//! them with CPython; this bench is the quick, fine-grained complement for
//! day-to-day work on the engine: it times the same workloads (fanout, pool,
//! convoy) at 1k and 10k tasks, the JSON report, and the front end (parse,
//! check, compile) on a large scenario.
//!
//! Everything goes through [`asim::cli::main_with`], the command line as a
//! function, exactly as `asim run -q FILE` would run it: reading the file,
//! compiling, running and writing the report to a sink. That entry point is
//! stable while the library's internal API is being reshaped.
//!
//! ```sh
//! cargo bench --bench engine                      # everything
//! cargo bench --bench engine -- fanout            # only names containing "fanout"
//! cargo bench --bench engine -- --sample-count 10 # quicker, noisier
//! ```

use divan::Bencher;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn main() {
    divan::main();
    // Best effort: the scenarios are small and live under the system temp dir.
    let _ = std::fs::remove_dir_all(scenario_dir());
}

/// Sizes (numbers of tasks) for the run benchmarks.
const SIZES: &[usize] = &[1_000, 10_000];

/// The workloads of `benches/scale.py` (keep the two in step), with `{n}` for
/// the number of tasks.
const FANOUT: &str = "\
coroutines:
  worker(i):
    - sleep: (i * 7919 % 1000) / 1000
    - return: i
main:
  - gather:
      - for: i in range({n})
        call: worker(i)
";

const POOL: &str = "\
sync:
  sem: Semaphore(100)
coroutines:
  worker(i):
    - with: sem
      do:
        - sleep: (i * 7919 % 100) / 1000 + 0.001
main:
  - gather:
      - for: i in range({n})
        call: worker(i)
";

const CONVOY: &str = "\
vars:
  counter: 0
sync:
  lock: Lock()
coroutines:
  worker(i):
    - with: lock
      do:
        - set: {counter: counter + 1}
        - sleep: 0.001
main:
  - gather:
      - for: i in range({n})
        call: worker(i)
  - print: \"{counter}\"
";

/// A directory of this process's own, for the generated scenarios.
fn scenario_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("asim-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scenario directory");
        dir
    })
}

/// Writes a scenario file (the CLI reads a path) and returns its path.
fn write_scenario(name: &str, text: &str) -> String {
    let path = scenario_dir().join(format!("{name}.yaml"));
    std::fs::write(&path, text).expect("write the scenario");
    path.to_str().expect("a UTF-8 temp path").to_owned()
}

/// A workload at size `n`, written to a file.
fn workload(name: &str, template: &str, n: usize) -> String {
    write_scenario(&format!("{name}_{n}"), &template.replace("{n}", &n.to_string()))
}

/// Runs the CLI with `args` (after the program name), its output discarded;
/// returns the exit status.
fn cli(args: &[&str]) -> i32 {
    let argv = std::iter::once("asim").chain(args.iter().copied()).map(OsString::from);
    asim::cli::main_with(argv, &mut std::io::sink(), &mut std::io::sink(), false)
}

/// Checks once, outside the timing, that the command succeeds, so that a
/// broken scenario cannot pass for a fast one; then times it.
fn bench_cli(bencher: Bencher, args: &[&str]) {
    let argv = std::iter::once("asim").chain(args.iter().copied()).map(OsString::from);
    let mut err = Vec::new();
    let status = asim::cli::main_with(argv, &mut std::io::sink(), &mut err, false);
    assert_eq!(status, 0, "asim {}: {}", args.join(" "), String::from_utf8_lossy(&err));
    bencher.bench(|| cli(divan::black_box(args)));
}

/// `asim run -q`: the engine itself (the report is only the program's stdout).
mod run_q {
    use super::*;

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn fanout(bencher: Bencher, n: usize) {
        bench_cli(bencher, &["run", "-q", &workload("fanout", FANOUT, n)]);
    }

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn pool(bencher: Bencher, n: usize) {
        bench_cli(bencher, &["run", "-q", &workload("pool", POOL, n)]);
    }

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn convoy(bencher: Bencher, n: usize) {
        bench_cli(bencher, &["run", "-q", &workload("convoy", CONVOY, n)]);
    }
}

/// `asim run --format json`: the engine plus recording and writing every event.
mod run_json {
    use super::*;

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn fanout(bencher: Bencher, n: usize) {
        bench_cli(bencher, &["run", "--format", "json", &workload("fanout", FANOUT, n)]);
    }

    #[divan::bench(args = SIZES, sample_count = 20)]
    fn convoy(bencher: Bencher, n: usize) {
        bench_cli(bencher, &["run", "--format", "json", &workload("convoy", CONVOY, n)]);
    }
}

/// A large scenario for the front end: `coros` coroutines, each with a dozen
/// steps of every common kind (expressions, branches, loops, primitives,
/// try/except, awaits of the previous coroutine), and a `main` that gathers
/// them all.
fn large_scenario(coros: usize) -> String {
    let mut s = String::from(
        "name: large\nvars:\n  total: 0\n  log: []\nsync:\n  lock: Lock()\n  sem: Semaphore(4)\n  ev: Event()\ncoroutines:\n",
    );
    for c in 0..coros {
        s.push_str(&format!(
            "  \
  step{c}(i, scale=2):
    - let: {{x: i * scale + {c}, ys: [i, {c}, i + 1]}}
    - if: x % 3 == 0 and len(ys) > 2
      then:
        - sleep: (x % 7) / 1000
      else:
        - sleep: 0
    - for: k, y in enumerate(ys)
      do:
        - let: {{x: x + k * y}}
    - with: sem
      do:
        - with: lock
          do:
            - set: {{total: total + x}}
            - do: log.append(x)
    - try:
        - if: x < 0
          then:
            - raise: ValueError(\"negative {{x}} in step{c}\")
      except:
        - match: ValueError
          as: e
          do:
            - print: \"caught {{e!r}}\"
"
        ));
        if c > 0 {
            s.push_str(&format!("    - await: step{}(i)\n", c - 1));
        }
        s.push_str("    - return: x\n");
    }
    s.push_str("main:\n  - gather:\n");
    for c in 0..coros {
        s.push_str(&format!("      - step{c}({c})\n"));
    }
    s.push_str("    as: results\n  - print: \"{len(results)} results, total {total}\"\n");
    s
}

/// `asim check`: parse, name resolution and checks, compilation (no run).
#[divan::bench(args = [100, 500], sample_count = 20)]
fn check_large(bencher: Bencher, coros: usize) {
    let path = write_scenario(&format!("large_{coros}"), &large_scenario(coros));
    bench_cli(bencher, &["check", &path]);
}

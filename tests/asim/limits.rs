//! Every run ends, and says why: a test per limit (exit 4, the message
//! names the limit, what was printed before is there), the stalled float
//! clock, an infinite sleep, closed and full outputs, and memory that stays
//! flat on a loop that prints for ever, and what a live task costs.

use crate::{asim, in_root};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

#[test]
fn a_forgotten_background_loop_stops_at_the_virtual_time_limit() {
    in_root();
    let run = asim(&["run", "-q", "tests/limits/forgotten_loop.yaml"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.stdout, "starting\n");
    assert!(run.stderr.contains("virtual time passed 10000000.0s (--max-time)"), "{}", run.stderr);
    assert!(run.stderr.contains("Task-1  main() at line 12"), "{}", run.stderr);
    assert!(run.stderr.contains("Task-2  heartbeat() at line 7"), "{}", run.stderr);
    let short = asim(&["run", "-q", "--max-time", "100", "tests/limits/forgotten_loop.yaml"]);
    assert_eq!(short.code, 4);
    assert!(
        short.stderr.starts_with("asim stopped the run at 120.000s: virtual time passed 100.0s"),
        "{}",
        short.stderr
    );
}

#[test]
fn every_limit_stops_a_print_loop_with_its_own_message() {
    in_root();
    let table: &[(&str, &str, &str)] = &[
        ("--max-iterations", "1000", "the event loop ran more than 1000 iterations (--max-iterations)"),
        ("--max-steps", "1000", "the run executed more than 1000 steps (--max-steps)"),
        ("--max-output", "100", "the program printed more than 100 bytes (--max-output)"),
        ("--max-tasks", "0", "the run created more than 0 tasks (--max-tasks)"),
    ];
    for (flag, value, message) in table {
        let run = asim(&["run", "-q", flag, value, "tests/limits/print_loop.yaml"]);
        assert_eq!(run.code, 4, "{flag}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{flag}: {}", run.stderr);
        assert!(!run.stderr.contains("never retrieved"), "{flag}: {}", run.stderr);
        if *flag != "--max-tasks" {
            // What was printed before the limit is there, whole lines only.
            assert!(run.stdout.starts_with("tick\ntick\n"), "{flag}");
            assert!(run.stdout.lines().all(|l| l == "tick"), "{flag}");
        }
        let json = asim(&["run", "--format", "json", flag, value, "tests/limits/print_loop.yaml"]);
        assert_eq!(json.code, 4);
        let end = json.stdout.lines().last().unwrap();
        assert!(end.contains("\"outcome\":\"limit\""), "{end}");
        assert!(end.contains(message), "{end}");
    }
    let out = asim(&["run", "-q", "--max-output", "100", "tests/limits/print_loop.yaml"]);
    assert_eq!(out.stdout.len(), 100, "every print up to the limit, and no more");
}

#[test]
fn the_clock_moves_on_where_the_float_cannot() {
    in_root();
    let run = asim(&["run", "-q", "--max-time", "1e9", "tests/limits/stalled_clock.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "tick 0\ntick 1\ntick 2\nafter\n");
    let json = asim(&["run", "--format", "json", "--max-time", "1e9", "tests/limits/stalled_clock.yaml"]);
    // Three sleeps, each one representable instant (2**-28 s, about 3.7 ns, here) later.
    assert!(json.stdout.ends_with("\"elapsed\":30000000.00000001,\"error\":null,\"event\":\"end\",\"outcome\":\"ok\",\"python\":\"3.14\",\"schema\":2,\"t\":30000000.00000001,\"tasks\":1}\n"), "{}", json.stdout);
}

#[test]
fn an_infinite_sleep_is_reported_as_sleeping_for_ever() {
    in_root();
    let run = asim(&["run", "-q", "tests/limits/sleep_forever.yaml"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.stdout, "before\n");
    assert!(
        run.stderr.contains("Task-1  main() waits for asyncio.sleep until inf, a deadline that never comes"),
        "{}",
        run.stderr
    );
}

#[test]
fn time_sleep_rejects_what_cpython_rejects() {
    // time.sleep(1e400) / time.sleep(1e10): OverflowError; time.sleep(nan): ValueError.
    in_root();
    let dir = std::env::temp_dir().join(format!("asim-block-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (arg, want) in [
        ("1e400", "OverflowError: timestamp out of range for platform time_t"),
        ("1e10", "OverflowError: timestamp out of range for platform time_t"),
        ("float('nan')", "ValueError: Invalid value NaN (not a number)"),
        ("-1", "ValueError: sleep length must be non-negative"),
    ] {
        let file = dir.join("block.yaml");
        std::fs::write(&file, format!("main:\n  - block: \"{arg}\"\n")).unwrap();
        let run = asim(&["run", "-q", file.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{arg}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{arg}: {}", run.stderr);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A writer that takes `room` bytes, then fails like a closed pipe or a full disk.
struct Failing {
    room: usize,
    kind: std::io::ErrorKind,
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(self.kind.into());
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_and_a_full_disk_is_an_error() {
    in_root();
    for view in [&["-q"][..], &["--format", "json"], &[]] {
        let mut args = vec!["asim", "run"];
        args.extend_from_slice(view);
        args.push("tests/limits/print_loop.yaml");
        let argv: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
        // Without the pipe, this loop would run to --max-iterations (exit 4).
        let mut out = Failing { room: 1 << 20, kind: std::io::ErrorKind::BrokenPipe };
        let mut err = Vec::new();
        let code = asim::cli::main_with(argv.clone(), &mut out, &mut err, false);
        assert_eq!(code, 0, "{view:?}: {}", String::from_utf8_lossy(&err));
        assert!(err.is_empty(), "{view:?}: {}", String::from_utf8_lossy(&err));
        let mut out = Failing { room: 1 << 20, kind: std::io::ErrorKind::StorageFull };
        let mut err = Vec::new();
        let code = asim::cli::main_with(argv, &mut out, &mut err, false);
        assert_eq!(code, 2, "{view:?}");
        assert!(String::from_utf8_lossy(&err).starts_with("error: cannot write output:"), "{view:?}");
    }
}

#[test]
fn a_closed_pipe_stops_a_step_that_never_yields() {
    in_root();
    let text = std::fs::read_to_string("tests/limits/sync_print_loop.yaml").unwrap();
    let compiled = asim::compile_source(&asim::source::Source::new("sync_print_loop.yaml", text)).unwrap();
    let limits = asim::runtime::Limits { max_steps: 2_000_000, ..Default::default() };
    let mut sink = ClosesAfter(10);
    let end = compiled.run(limits, &mut sink);
    assert_eq!(end.write_error, Some(std::io::ErrorKind::BrokenPipe));
    // The step stops at the failed write; had it run on, it would have
    // printed until --max-steps (about a million lines).
    assert!(end.events <= 11, "{}", end.events);
}

/// Takes `n` prints, then fails like a closed pipe.
struct ClosesAfter(u64);

impl asim::runtime::Sink for ClosesAfter {
    fn interest(&self) -> asim::runtime::Interest {
        asim::runtime::Interest::PRINTS
    }
    fn event(&mut self, _: &asim::runtime::Event<'_>, _: &asim::runtime::Tasks<'_>) -> std::io::Result<()> {
        match self.0 {
            0 => Err(std::io::ErrorKind::BrokenPipe.into()),
            _ => {
                self.0 -= 1;
                Ok(())
            }
        }
    }
    fn finish(&mut self, _: &asim::runtime::RunEnd, _: &asim::runtime::Tasks<'_>) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn head_gets_its_line_at_once_and_asim_exits_0() {
    in_root();
    let mut child = Command::new(env!("CARGO_BIN_EXE_asim"))
        .args(["run", "-q", "tests/limits/print_loop.yaml"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
    assert_eq!(first, "tick\n");
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a closed pipe is not an error");
}

#[test]
fn a_full_device_is_an_error() {
    in_root();
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("SKIPPED: no /dev/full on this system");
        return;
    };
    // Every subcommand that writes: run, and check and export too.
    let hello = "scenarios/seed/01_hello.yaml";
    for args in [&["run", "-q", hello][..], &["check", hello], &["export", "python", hello]] {
        let run =
            Command::new(env!("CARGO_BIN_EXE_asim")).args(args).stdout(full.try_clone().unwrap()).output().unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&run.stderr).starts_with("error: cannot write output:"), "{args:?}");
    }
}

/// Counts prints, keeps nothing.
struct Count(u64);

impl asim::runtime::Sink for Count {
    fn interest(&self) -> asim::runtime::Interest {
        asim::runtime::Interest::PRINTS
    }
    fn event(&mut self, _: &asim::runtime::Event<'_>, _: &asim::runtime::Tasks<'_>) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn finish(&mut self, _: &asim::runtime::RunEnd, _: &asim::runtime::Tasks<'_>) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn memory_stays_flat_on_a_loop_that_prints_for_ever() {
    in_root();
    let source =
        asim::source::Source::new("print_loop.yaml", std::fs::read_to_string("tests/limits/print_loop.yaml").unwrap());
    let compiled = asim::compile_source(&source).unwrap();
    let limits = asim::runtime::Limits { max_iterations: 1_000_000, ..Default::default() };
    let mut count = Count(0);
    let end = compiled.run(limits, &mut count);
    assert!(matches!(end.outcome, asim::runtime::Outcome::Limit(_)));
    assert_eq!(count.0, 1_000_000);
    // One task, its future, and at most a handle or two in flight.
    let live = end.peak_live;
    assert!(live.tasks <= 3 && live.futures <= 4 && live.timers <= 1 && live.ready <= 2, "{live:?}");
}

/// What a task costs: a gather of 100,000 tasks that all sleep at once,
/// and 100,000 that all wait on one semaphore, each run under a
/// `--max-memory` (the binary counts its heap) that allows about 290 bytes
/// per sleeping task and 320 per waiting one, the process's fixed cost
/// included. Measured at 252 and 272 (docs/performance.md).
#[test]
fn a_live_task_costs_under_three_hundred_bytes() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let fanout = dir.join("memory_fanout.yaml");
    std::fs::write(
        &fanout,
        "coroutines:\n  worker(i):\n    - sleep: (i * 7919 % 1000) / 1000\n    - return: i\n\
         main:\n  - gather:\n      - for: i in range(100000)\n        call: worker(i)\n",
    )
    .unwrap();
    let pool = dir.join("memory_pool.yaml");
    std::fs::write(
        &pool,
        "sync:\n  sem: Semaphore(100)\ncoroutines:\n  worker(i):\n    - with: sem\n      do:\n\
         \x20       - sleep: (i * 7919 % 100) / 1000 + 0.001\n\
         main:\n  - gather:\n      - for: i in range(100000)\n        call: worker(i)\n",
    )
    .unwrap();
    for (file, mib) in [(&fanout, "28"), (&pool, "31")] {
        // The binary itself: only its allocator counts the heap.
        let run = |mib: &str| {
            Command::new(env!("CARGO_BIN_EXE_asim"))
                .args(["run", "-q", "--max-memory", mib])
                .arg(file)
                .output()
                .expect("run asim")
        };
        let out = run(mib);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{} under --max-memory {mib}: {stderr}", file.display());
        // And the limit is real: half of it stops the same run.
        let half = (mib.parse::<u32>().unwrap() / 2).to_string();
        let out = run(&half);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{} under --max-memory {half}", file.display());
        assert!(stderr.contains("--max-memory"), "{stderr}");
    }
}

/// A loop that spawns and awaits 100k short tasks one after the other: a
/// finished task no value refers to keeps only its record and its future
/// (about 150 bytes; its handle token and rare parts go). It needed more than
/// 24 MiB before they did, and runs in 20 now; 10 MiB must stop it.
#[test]
fn a_finished_task_keeps_only_its_record() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let churn = dir.join("memory_churn.yaml");
    std::fs::write(
        &churn,
        "coroutines:\n  job(i):\n    - sleep: 0.001\n    - return: i\n\
         main:\n  - let: {total: 0}\n  - for: i in range(100000)\n    do:\n\
         \x20     - spawn: job(i)\n        as: t\n      - await: t\n        as: r\n      - let: {total: total + r}\n\
         \x20 - print: \"{total}\"\n",
    )
    .unwrap();
    let run = |mib: &str| {
        Command::new(env!("CARGO_BIN_EXE_asim")).args(["run", "-q", "--max-memory", mib]).arg(&churn).output().unwrap()
    };
    let out = run("20");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "4999950000\n");
    assert_eq!(run("10").status.code(), Some(4));
}

//! The whole pipeline on arbitrary bytes: read, parse, check, compile, run
//! under small limits into every view, and export to Python. Any panic,
//! abort or stack overflow is a bug; so is a run that ignores its limits
//! (libFuzzer's `-timeout` and `-rss_limit_mb` catch those).
#![no_main]

use asim::report::{human::HumanView, json::JsonView, snapshot::SnapshotView, stdout::StdoutView, Streams};
use asim::runtime::{Limits, SetOrder};
use asim::source::Source;
use libfuzzer_sys::fuzz_target;

fn limits() -> Limits {
    Limits {
        max_steps: 20_000,
        max_tasks: 200,
        max_iterations: 2_000,
        max_time: 1e5,
        max_output: 1 << 16,
        ..Limits::default()
    }
}

fuzz_target!(|data: &[u8]| {
    // On a thread with the stack the command line gives its work (the passes
    // are recursive within the format's nesting limits).
    let data = data.to_vec();
    let worker = std::thread::Builder::new().stack_size(asim::cli::STACK_SIZE).spawn(move || pipeline(&data));
    worker.expect("spawn").join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
});

fn pipeline(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let source = Source::new("fuzz.yaml", text.to_owned());
    let _ = asim::export_python(&source);
    let Ok(compiled) = asim::compile_source(&source) else { return };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    // With its `expect:` block checked, in a shuffled set order.
    let shuffled = Limits { set_order: SetOrder::Shuffle(data.len() as u64), ..limits() };
    compiled.run_checked(shuffled, &mut StdoutView::new(Streams::new(&mut out, &mut err), &source));
    compiled.run(limits(), &mut SnapshotView::new(&source, 1 << 16));
    let _ = compiled.set_order_warnings(&source, limits());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    compiled.run(limits(), &mut JsonView::new(Streams::new(&mut out, &mut err)));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    compiled.run(limits(), &mut HumanView::new(Streams::new(&mut out, &mut err), &source, "fuzz", true));
}

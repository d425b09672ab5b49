//! asim: run an asyncio program described as a YAML scenario on a
//! deterministic virtual clock, with CPython 3.11's exact interleaving.
//!
//! The pipeline, one module per stage:
//! [`source`] text and spans → `syntax` tree → `check`ed program (names
//! resolved, task graph) → `compile`d program (indices and flat
//! instructions) → [`runtime`] (the event-loop emulator) → [`report`].
//!
//! The run is a stream: it hands every event to a [`runtime::Sink`] the
//! moment it happens and keeps none of them, so a run's memory follows its
//! live tasks, not its length. The views of the command line are sinks;
//! so is anything a library user writes:
//!
//! ```
//! use asim::runtime::{Event, EventKind, Limits, RunEnd, Sink, Tasks};
//!
//! /// Collects (time, task, text) for every print.
//! struct Prints(Vec<(f64, String, String)>);
//!
//! impl Sink for Prints {
//!     fn event(&mut self, e: &Event<'_>, tasks: &Tasks<'_>) -> std::io::Result<()> {
//!         if let EventKind::Print(text) = e.kind {
//!             self.0.push((e.t, tasks.name(e.task).to_string(), text.to_owned()));
//!         }
//!         Ok(())
//!     }
//!     fn finish(&mut self, _: &RunEnd, _: &Tasks<'_>) -> std::io::Result<()> {
//!         Ok(())
//!     }
//! }
//!
//! let text = "coroutines:\n  hello(n):\n    - sleep: n\n    - print: \"hi {n}\"\nmain:\n  - gather:\n      - hello(2)\n      - hello(1)\n";
//! let compiled = asim::compile_source(&asim::source::Source::new("hello.yaml", text)).unwrap();
//! let mut prints = Prints(Vec::new());
//! let end = compiled.run(Limits::default(), &mut prints);
//! assert_eq!(prints.0, [(1.0, "Task-3".into(), "hi 1".into()), (2.0, "Task-2".into(), "hi 2".into())]);
//! assert_eq!(end.elapsed, 2.0);
//! ```

pub mod cli;
pub mod diagnostic;
pub mod memory;
pub mod report;
pub mod runtime;
pub mod source;
pub mod sweep;
pub mod testing;
pub mod version;

mod check;
mod compile;
pub mod explore;
mod export;
mod syntax;
pub(crate) mod value;

pub use check::Edge;
use diagnostic::Diagnostic;
use runtime::{Limits, RunEnd, Sink};
use source::Source;

/// A scenario that passed every check, ready to run any number of times.
#[derive(Debug)]
pub struct Compiled {
    program: compile::Program,
    graph: petgraph::graph::DiGraph<u32, Edge>,
    /// The graph's nodes and primitive uses, for `asim graph`.
    graph_info: check::graph::GraphInfo,
    expect: Option<syntax::parse::Expect>,
    /// The `main` key, where warnings about `asyncio.run` point.
    main_span: source::Span,
    /// The scenario's `allow:` lists (they silence set-order warnings too).
    allows: syntax::allow::Allows,
}

impl Compiled {
    /// The scenario's name.
    pub fn name(&self) -> String {
        self.program.name.clone()
    }

    /// Runs the scenario, handing every event to `sink` as it happens.
    pub fn run(&self, limits: Limits, sink: &mut dyn Sink) -> RunEnd {
        runtime::run(&self.program, limits, sink)
    }

    /// Runs the scenario until the virtual clock would pass `at` (the loop
    /// has run everything due by then) and describes its state at that
    /// instant, as `asim run --at` shows it: the snapshot has `reached`
    /// set, and the run stops there (its [`RunEnd`] then says `Ok`). A run
    /// that ends before `at` is described as it ended.
    pub fn run_at(&self, limits: Limits, at: f64, sink: &mut dyn Sink) -> (RunEnd, Option<runtime::Snapshot>) {
        runtime::run_at(&self.program, limits, at, sink)
    }

    /// Warnings where the scenario's output depends on an order CPython
    /// leaves to memory addresses: the scenario runs (under `limits`, capped
    /// to a few million steps) in creation order and, if it went through
    /// such an order, in others (docs/testing.md).
    pub fn set_order_warnings(&self, source: &Source, limits: Limits) -> Vec<Diagnostic> {
        let limits = Limits {
            max_steps: limits.max_steps.min(5_000_000),
            max_iterations: limits.max_iterations.min(2_000_000),
            ..limits
        };
        let mut warnings =
            report::orders::set_order_warnings(source, self.main_span.clone(), |order, hash_seed, sink| {
                self.run(Limits { set_order: order, hash_seed, ..limits }, sink)
            });
        warnings.retain(|d| !self.allows.silences(d.id.unwrap_or_default(), d.span.start));
        warnings
    }

    /// The CPython release a run reproduces: `flag` (`--python`) if given,
    /// else the scenario's `python:`, else the newest supported.
    pub fn python(&self, flag: Option<version::Python>) -> version::Python {
        flag.or(self.program.python).unwrap_or(version::Python::DEFAULT)
    }

    /// Runs one variant of the scenario (`asim explore`, `asim run
    /// --variant`), checking its `expect:` block like
    /// [`Compiled::run_checked`]; the durations it drew are pushed to
    /// `draws` if given.
    pub fn run_variant(
        &self,
        limits: Limits,
        variant: &runtime::Variant,
        draws: Option<&mut Vec<runtime::Draw>>,
        sink: &mut dyn Sink,
    ) -> (RunEnd, Option<report::expect::Verdict>) {
        let Some(expect) = &self.expect else {
            return (runtime::run_variant(&self.program, limits, variant, draws, sink), None);
        };
        let mut checked = report::expect::Checked::new(sink, expect);
        let end = runtime::run_variant(&self.program, limits, variant, draws, &mut checked);
        let unfinished = end.write_error.is_some() || matches!(end.outcome, runtime::Outcome::Stopped(_));
        let verdict = if unfinished { None } else { checked.verdict() };
        (end, verdict)
    }

    /// The scenario's `sleep` and `block` steps, by the site id a
    /// [`runtime::Draw`] names: what `asim explore` may vary.
    pub fn sites(&self) -> Vec<Site> {
        let p = &self.program;
        p.sites
            .iter()
            .map(|s| Site {
                line: p.line_starts.partition_point(|&start| start <= s.at) as u32,
                block: s.block,
                spread: s.spread,
            })
            .collect()
    }

    /// The scenario file, as the user named it.
    pub fn file(&self) -> &str {
        &self.program.file
    }

    /// Whether the scenario has an `expect:` block.
    pub fn has_expect(&self) -> bool {
        self.expect.is_some()
    }

    /// Runs the scenario like [`Compiled::run`] and checks its `expect:`
    /// block; the verdict is `None` when it has none (or the run stopped
    /// before its end, at a write error).
    pub fn run_checked(&self, limits: Limits, sink: &mut dyn Sink) -> (RunEnd, Option<report::expect::Verdict>) {
        let Some(expect) = &self.expect else { return (self.run(limits, sink), None) };
        let mut checked = report::expect::Checked::new(sink, expect);
        let end = self.run(limits, &mut checked);
        // A run stopped early (a closed output, `--until`) cannot be judged.
        let unfinished = end.write_error.is_some() || matches!(end.outcome, runtime::Outcome::Stopped(_));
        let verdict = if unfinished { None } else { checked.verdict() };
        (end, verdict)
    }

    /// One line about the scenario, for `asim check`.
    pub fn summary(&self) -> String {
        // The scenario's coroutines come first, then main, then asim's own.
        let main = self.program.main as usize;
        let fns = self.program.coros[..main].iter().filter(|c| c.is_fn).count();
        let n = main - fns;
        let count = |f: &dyn Fn(Edge) -> bool| self.graph.edge_weights().filter(|e| f(**e)).count();
        let edges = |kind: Edge| count(&|e| e == kind);
        // Every other way of making a task of a coroutine counts as a spawn.
        let spawns = count(&|e| e != Edge::Gathers && (e.new_task() || e == Edge::WaitFor));
        let fns = match fns {
            0 => String::new(),
            1 => " and 1 function".to_owned(),
            k => format!(" and {k} functions"),
        };
        format!(
            "scenario `{}`: {n} coroutine{}{fns} besides main; {} await, {} spawn and {} gather site{} between coroutines",
            self.program.name,
            if n == 1 { "" } else { "s" },
            edges(Edge::Awaits),
            spawns,
            edges(Edge::Gathers),
            if edges(Edge::Gathers) == 1 { "" } else { "s" }
        )
    }
}

/// A `sleep` or `block` step of a scenario (see [`Compiled::sites`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    /// Its line in the scenario file (from 1).
    pub line: u32,
    /// A `block` (`time.sleep`), not a `sleep`.
    pub block: bool,
    /// The spread the scenario gives it (`sleep: 1.0 ± 20%`), if any.
    pub spread: Option<runtime::Spread>,
}

/// The JSON Schema of the scenario format (for editors), pretty-printed.
pub fn json_schema() -> String {
    let mut s = serde_json::to_string_pretty(&syntax::schema::schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// Parses, checks and compiles a scenario.
pub fn compile_source(source: &Source) -> Result<Compiled, Vec<Diagnostic>> {
    front_end(source, false, &[], None).map(|(c, _)| c)
}

/// Parses, checks and compiles a scenario whose top-level `vars` entries
/// `(name, value)` start with other values: each value, a Python
/// expression, replaces the entry's own, as if the scenario said
/// `name: value` (`asim sweep`). An unknown name or a value that does not
/// parse is an error pointing at the scenario's `vars`; an error the
/// checker finds in a value points at the entry it replaced, labelled
/// with the value.
pub fn compile_with_vars(source: &Source, vars: &[(&str, &str)]) -> Result<Compiled, Vec<Diagnostic>> {
    front_end(source, false, vars, None).map(|(c, _)| c)
}

/// Whether `text` is one Python expression, as a `--var` value must be;
/// the error's span is in `text`.
pub fn check_expression(text: &str) -> Result<(), Diagnostic> {
    syntax::overrides::check_expression(text)
}

/// Parses, checks and compiles a scenario, and runs the static checks of
/// `asim check` on it: their warnings (each with its id, those `allow:`
/// silences left out) come with the compiled scenario.
pub fn check_source(source: &Source) -> Result<(Compiled, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut lints = Vec::new();
    let (compiled, _) = front_end(source, false, &[], Some(&mut lints))?;
    Ok((compiled, lints))
}

/// The scenario as an equivalent, runnable Python 3.11 asyncio program.
pub fn export_python(source: &Source) -> Result<String, Vec<Diagnostic>> {
    let (compiled, checked) = front_end(source, true, &[], None)?;
    Ok(export::python(&checked, &source.text, &source.path, &compiled.program.name))
}

/// Parse, check and compile. `keep_tree`: the checked scenario keeps its
/// coroutine bodies (export needs them); otherwise compiling consumes them.
/// `vars`: initial values that replace the scenario's ([`compile_with_vars`]).
/// `lints`: where the static checks' warnings go, if they are to run.
fn front_end(
    source: &Source,
    keep_tree: bool,
    vars: &[(&str, &str)],
    lints: Option<&mut Vec<Diagnostic>>,
) -> Result<(Compiled, check::Checked), Vec<Diagnostic>> {
    // Later stages run even after parse errors (on what did parse), so one
    // run reports as many problems as it can; errors are sorted by position.
    let (mut ast, mut errors) = syntax::parse(&source.text);
    let mut replaced = Vec::new();
    if let (Some(ast), false) = (ast.as_mut(), vars.is_empty()) {
        let (e, r) = syntax::overrides::apply(ast, vars);
        errors.extend(e);
        replaced = r;
    }
    let finish = |mut errors: Vec<Diagnostic>| {
        // An error inside a replaced value says which value it was.
        for d in &mut errors {
            if let Some((_, flag)) = replaced.iter().find(|(s, _)| s.start <= d.span.start && d.span.end <= s.end) {
                let here = format!("replaced by --var {flag}");
                d.label = Some(d.label.take().map_or(here.clone(), |l| format!("{l} ({here})")));
            }
        }
        if memory::ceiling_hit() {
            // Past the memory ceiling, the rest of the scenario was not read:
            // the other errors would be noise.
            let first = errors.iter().position(|d| d.message.ends_with("(--max-memory)"));
            errors = first.map(|i| errors.swap_remove(i)).into_iter().collect();
        }
        errors.sort_by_key(|d| d.span.start);
        errors.dedup();
        errors
    };
    let Some(ast) = ast else { return Err(finish(errors)) };
    let mut checked = match check::check(ast) {
        Ok(c) => c,
        Err(e) => {
            errors.extend(e);
            return Err(finish(errors));
        }
    };
    let graph_info = check::graph::GraphInfo::new(&checked, &source.text);
    if let Some(lints) = lints {
        if errors.is_empty() {
            *lints = check::lints::run(&checked, &source.text);
        }
    }
    let mut program = match compile::compile(&mut checked, &source.text, &source.stem(), keep_tree) {
        Ok(p) if errors.is_empty() => p,
        Ok(_) => return Err(finish(errors)),
        Err(e) => {
            errors.extend(e);
            return Err(finish(errors));
        }
    };
    program.file = source.path.clone();
    program.line_starts = std::iter::once(0).chain(source.text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let graph = checked.graph.clone();
    let expect = checked.scenario.expect.take();
    let main_span = checked.scenario.main_span.clone();
    let allows = std::mem::take(&mut checked.scenario.allows);
    Ok((Compiled { program, graph, graph_info, expect, main_span, allows }, checked))
}

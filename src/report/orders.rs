//! Does the output depend on an order CPython leaves to memory addresses?
//!
//! A run notes each set iteration of two or more tasks it went through
//! ([`RunEnd::set_choices`]). When there are any, the scenario is run again
//! under other set orders (`reverse`, and two shuffles); if what the program
//! prints, or how it ends, changes, each choice becomes a warning at the
//! construct that made it: real Python may print either. `asim check` and
//! `asim test` give these warnings.

use super::snapshot::SnapshotView;
use crate::diagnostic::Diagnostic;
use crate::runtime::{RunEnd, SetOrder, Sink};
use crate::source::{Source, Span};

/// The orders tried besides creation order.
const OTHER_ORDERS: [SetOrder; 3] = [SetOrder::Reverse, SetOrder::Shuffle(1), SetOrder::Shuffle(2)];

/// The warnings for a scenario whose output depends on the set order (none
/// when it does not). `run` runs the scenario once in the given order;
/// `main_span` is where a choice without a construct of its own (asyncio.run's
/// shutdown) points.
pub fn set_order_warnings(
    source: &Source,
    main_span: Span,
    mut run: impl FnMut(SetOrder, u32, &mut dyn Sink) -> RunEnd,
) -> Vec<Diagnostic> {
    const CAP: usize = 1 << 20;
    let mut first = SnapshotView::new(source, CAP);
    let end = run(SetOrder::Creation, 0, &mut first);
    if end.write_error.is_some() {
        return Vec::new();
    }
    let base = first.into_text();
    let mut warnings = Vec::new();
    if end.str_hashes {
        // A set of strings: CPython salts their hashes per process.
        for seed in [1, 2] {
            let mut view = SnapshotView::new(source, CAP);
            run(SetOrder::Creation, seed, &mut view);
            if view.into_text() != base {
                warnings.push(
                    Diagnostic::warning(
                        "this output depends on the order of a set of strings; real Python prints another order on each run",
                        main_span.clone(),
                    )
                    .with_id("set-order")
                    .with_label("CPython salts str hashes per process (PYTHONHASHSEED)")
                    .with_hint(format!(
                        "asim uses PYTHONHASHSEED=0's order; `asim run --hash-seed {seed}` shows another; print `sorted(s)` for one order everywhere"
                    )),
                );
                break;
            }
        }
    }
    if end.set_choices.is_empty() {
        return warnings;
    }
    let mut differs = None;
    for order in OTHER_ORDERS {
        let mut view = SnapshotView::new(source, CAP);
        run(order, 0, &mut view);
        if view.into_text() != base {
            differs = Some(order);
            break;
        }
    }
    let Some(order) = differs else { return warnings };
    warnings.extend(end.set_choices
        .iter()
        .map(|c| {
            let span = c.span.clone().unwrap_or_else(|| main_span.clone());
            Diagnostic::warning(
                format!("this output depends on {}; real Python may print either", c.site.describe()),
                span,
            )
            .with_id("set-order")
            .with_label("CPython iterates a set of tasks here, in memory-address order")
            .with_hint(format!(
                "asim runs it in task creation order; `asim run --set-order {order}` shows another order CPython may take"
            ))
        }));
    warnings
}

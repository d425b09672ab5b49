//! Static checks: `asim check`'s warnings about a valid scenario.
//!
//! Each check reads the checked scenario (names resolved, nothing
//! compiled or run) and reports warnings with a stable id
//! (`warning[lock-order]`), silenced by `allow:` (docs/format.md). One
//! file per check or family; [`facts`] and [`ops`] are what they share.
//! Every pass is one walk over the steps (the call graph for lock order),
//! so the checks cost time in proportion to the scenario.

use super::Checked;
use crate::diagnostic::Diagnostic;

mod facts;
mod lock_order;
mod ops;
mod over_release;
mod signals;
mod tasks;
mod unreleased;

/// The warnings of every check, in file order, without those `allow:` silences.
pub(crate) fn run(checked: &Checked, src: &str) -> Vec<Diagnostic> {
    let facts = facts::Facts::new(checked, src);
    let mut out = Vec::new();
    lock_order::check(&facts, &mut out);
    signals::check(&facts, &mut out);
    unreleased::check(&facts, &mut out);
    tasks::check(&facts, &mut out);
    over_release::check(&facts, &mut out);
    let allows = &checked.scenario.allows;
    // An `allow:` on the step of any place the warning shows silences it.
    out.retain(|d| {
        let id = d.id.unwrap_or_default();
        let places = std::iter::once(&d.span).chain(d.secondary().iter().map(|(s, _)| s));
        !places.into_iter().any(|s| allows.silences(id, s.start))
    });
    out.sort_by_key(|d| d.span.start);
    out
}

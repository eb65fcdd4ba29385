//! The team (API.md §7): who is on duty, clocking in and out ([`model`]), the staff and clock
//! logs as the engine syncs them ([`spec`]), and the handle the UI calls, `desk.team()`
//! ([`desk`]).

pub(crate) mod handle;
pub(crate) mod model;
pub(crate) mod spec;

pub use model::*;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        crate::features::team::TeamMember::decl(),
        crate::features::team::TeamGroup::decl(),
        crate::features::team::TeamBoard::decl(),
    ]
}

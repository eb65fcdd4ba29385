//! My shifts and my hours (API.md §14, Decision 11; issue 67): the signed-in person's own
//! roster and clock logs, read-only, kept on the desk so they open offline with "as of"
//! ([`read`]), and shown as the screen wants them ([`model`]) through the handle the UI calls
//! ([`handle`]). Not a resource of the sync engine: both are one person's rows of a range of
//! days that moves with the date, which no list address of the engine can say.

pub(crate) mod handle;
pub(crate) mod model;
pub(crate) mod read;

pub use handle::MyShiftsHandle;
pub use model::*;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![MyShift::decl(), MyLog::decl(), MyWeek::decl(), MyShifts::decl()]
}

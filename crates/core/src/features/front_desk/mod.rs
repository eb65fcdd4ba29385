//! The front desk's day at the 2026 backend (API.md §15): today's arrivals, departures and
//! guests in house, and the room board from the housekeeping dashboard, each synced into the
//! store so the screen opens from the desk's copy, searchable, when the server cannot be
//! reached. "Today" is the hotel's: the lists are asked without dates, so the server takes
//! its own day in `Hotel.timezone` (§15.2), never this computer's. Its typed view ([`model`]),
//! its descriptions for the engine ([`spec`]) and `desk.handle::<FrontDesk>()` ([`handle`]).

pub(crate) mod actions;
pub(crate) mod handle;
pub(crate) mod model;
pub(crate) mod older;
pub(crate) mod older_desk;
pub(crate) mod other_day;
pub(crate) mod seen;
pub mod spec;

pub use actions::{FittingRoom, StayAction, StayOutcome};
pub use handle::FrontDesk;
pub use model::*;
pub use older::{DeskBooking, DeskRoom, OlderDeskDay};
pub use older_desk::RoomCheckOut;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        BookingLine::decl(),
        RoomLine::decl(),
        RoomMove::decl(),
        RoomGroup::decl(),
        FrontDeskDay::decl(),
        PartyGuest::decl(),
        BookingDetail::decl(),
        FittingRoom::decl(),
        StayOutcome::decl(),
        StayAction::decl(),
        DeskRoom::decl(),
        DeskBooking::decl(),
        OlderDeskDay::decl(),
        RoomCheckOut::decl(),
    ]
}

//! The types the UI sees. TypeScript twins are generated from these (see `ui/src/lib/generated.ts`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::engine::merge::FieldConflict;
pub use crate::events::{ConnectionStatus, DeskEvent, OutboxSummary, SessionInfo, SignInAgain};
use crate::session::config::PusherEndpoint;

/// A paused change, as the status bar lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Conflict {
    /// The paused change's number in the outbox, to settle it by.
    #[ts(type = "number")]
    pub seq: i64,
    /// The resource it belongs to (`offers`, …).
    pub resource: String,
    /// The row it changes: its server id, or a negative id for a row made on this desk.
    #[ts(type = "number")]
    pub id: i64,
    /// What the row is called, for the list ("#<id>" when it has no title).
    pub title: String,
    /// Someone deleted the row this change was for.
    pub deleted_elsewhere: bool,
    /// The row deleted elsewhere can be brought back with this change ("keep mine"): not a
    /// page photo, which is only made with its file, nor a row this desk no longer knows.
    pub may_bring_back: bool,
    /// The change reached the server a moment after a colleague's save of the same field and
    /// replaced it unseen (issue 35.1): "keep theirs" puts theirs back, "keep mine" leaves it.
    pub overwrote_colleague: bool,
    /// The change reached the server, and a colleague's save of the same field arrived a moment
    /// later and replaced it, from a desk that may not have seen it (issue 63.21): "keep mine"
    /// sends it again, "keep theirs" lets it go.
    pub replaced_by_colleague: bool,
    /// Fields both sides changed.
    pub fields: Vec<FieldConflict>,
    /// The server refused the change (then `fields` is empty).
    pub refused: Option<String>,
}

/// How the user settles a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "choice", rename_all = "snake_case")]
pub enum Resolution {
    /// Keep my change: it is sent again (a row deleted elsewhere comes back as a new row).
    KeepMine,
    /// Keep theirs: my change is dropped.
    KeepTheirs,
    /// New values for the conflicting fields.
    Edit {
        /// Field name to its new value.
        #[ts(type = "Record<string, unknown>")]
        values: serde_json::Map<String, serde_json::Value>,
    },
}

/// A field the user must correct, in words (the editor shows it under the field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldProblem {
    /// The field's name, as the server spells it.
    pub field: String,
    /// What is wrong, in words for staff.
    pub message: String,
}

/// This computer's settings (the shell fills in what only it can know).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ComputerSettings {
    /// Closing the window keeps the desk running in the tray.
    pub close_to_tray: bool,
    /// The desk starts when the user logs in.
    pub start_at_login: bool,
    /// After how many minutes of waiting a guest is reminded of (0: never).
    pub guest_wait_reminder_minutes: u32,
}

/// About this desk: what the About box and the sign-in screen show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeskInfo {
    /// The app's version (Cargo.toml).
    pub version: String,
    /// Whether "Try the demo hotel" is in this build.
    pub has_demo: bool,
    /// Where the database, photos and logs are kept.
    pub data_dir: String,
    /// The logs (`desk.log` and the nine before it, each at most 10 MB).
    pub log_dir: String,
}

/// What the sign-in form sends for a real HotelMate server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SignInRequest {
    /// The server's address, as typed.
    pub server_url: String,
    /// The staff member's username.
    pub username: String,
    /// The staff member's password.
    pub password: String,
    /// Live updates; `None` signs in without them.
    pub pusher: Option<PusherEndpoint>,
}

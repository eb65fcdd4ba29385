//! The types the UI sees. TypeScript twins are generated from these (see `ui/src/lib/generated.ts`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::PusherEndpoint;
use crate::sync::merge::FieldConflict;

/// A paused change, as the status bar lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Conflict {
    #[ts(type = "number")]
    pub seq: i64,
    pub resource: String,
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    /// Someone deleted the row this change was for.
    pub deleted_elsewhere: bool,
    /// Fields both sides changed.
    pub fields: Vec<FieldConflict>,
    /// The server refused the change (then `fields` is empty).
    pub refused: Option<String>,
}

/// How the user settles a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "choice", rename_all = "snake_case")]
pub enum Resolution {
    KeepMine,
    KeepTheirs,
    /// New values for the conflicting fields.
    Edit {
        #[ts(type = "Record<string, unknown>")]
        values: serde_json::Map<String, serde_json::Value>,
    },
}

/// Who is signed in, where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionInfo {
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    /// "Anna Byrne", or the username when the server has no names.
    pub display_name: String,
    pub role: Option<String>,
    pub department: Option<String>,
    pub hotel_name: String,
    pub hotel_slug: String,
    #[ts(type = "number")]
    pub staff_id: i64,
    /// What to call the server in the UI: "Demo hotel (this computer)" or its host name.
    pub server_label: String,
    pub is_demo: bool,
}

/// A field the user must correct, in words (the editor shows it under the field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
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
    pub log_file: String,
}

/// What the sign-in form sends for a real HotelMate server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SignInRequest {
    pub server_url: String,
    pub username: String,
    pub password: String,
    /// Live updates; `None` signs in without them.
    pub pusher: Option<PusherEndpoint>,
}

/// How the desk's link to its server is doing, for the status bar. Reasons are plain words for
/// staff; the raw error is in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// Connecting: nothing has answered yet.
    Unknown,
    /// The server answers and colleagues' changes arrive live.
    Online,
    /// The server answers, but live updates are down for now; `retry_in_seconds` is when the
    /// live connection tries again, when known.
    LiveReconnecting {
        #[ts(type = "number | null")]
        retry_in_seconds: Option<u64>,
    },
    /// The server answers, but this sign-in cannot have live updates; `reason` says why.
    LiveOff { reason: String },
    /// The server could not be reached; `since` is an RFC 3339 time; `retry_in_seconds` is when
    /// the desk tries again, when known.
    Offline {
        since: String,
        reason: String,
        #[ts(type = "number | null")]
        retry_in_seconds: Option<u64>,
    },
}

/// How to sign in again after the server ended a sign-in: the form is filled in, and the edits
/// still waiting on this desk are sent once the same account signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignInAgain {
    pub server_url: String,
    pub username: String,
    pub is_demo: bool,
    /// Edits made on this desk that have not reached the server yet.
    pub waiting_edits: u32,
}

/// Local changes not yet on the server, for the status bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutboxSummary {
    pub pending: u32,
    pub conflicts: u32,
    pub rejected: u32,
}

/// Everything the core tells the UI without being asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskEvent {
    /// Signed in, signed out, or the names were refreshed.
    SessionChanged {
        session: Option<SessionInfo>,
    },
    /// The server refused the saved sign-in; the user must sign in again (as `again`, to send
    /// the edits still waiting).
    SessionExpired {
        message: String,
        again: Option<SignInAgain>,
    },
    Connection {
        status: ConnectionStatus,
    },
    /// The local copy of a resource changed (`offers`, …): read it again.
    ResourceChanged {
        resource: String,
    },
    /// Someone else changed something (for a highlight and a toast).
    RemoteChange {
        resource: String,
        action: String,
        #[ts(type = "number")]
        id: i64,
        title: Option<String>,
    },
    Outbox {
        summary: OutboxSummary,
    },
    /// A row created on this desk reached the server: `temp_id` is now `id`.
    IdAssigned {
        resource: String,
        #[ts(type = "number")]
        temp_id: i64,
        #[ts(type = "number")]
        id: i64,
    },
    /// An image upload is on its way: `sent` of `total` bytes.
    UploadProgress {
        resource: String,
        #[ts(type = "number")]
        id: i64,
        #[ts(type = "number")]
        sent: u64,
        #[ts(type = "number")]
        total: u64,
    },
}

/// An error as the UI shows it: a code to branch on, the field to correct (if any) and a
/// sentence to display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UiError {
    pub code: super::error::ErrorCode,
    pub field: Option<String>,
    pub message: String,
}

impl UiError {
    /// An error the shell itself finds (a missing window, a request that did not arrive).
    pub fn new(code: super::error::ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            field: None,
            message: message.into(),
        }
    }
}

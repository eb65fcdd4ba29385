//! The types the UI sees. TypeScript twins are generated from these (see `ui/src/lib/generated.ts`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::PusherEndpoint;

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

/// What the sign-in form sends for a real HotelMate server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SignInRequest {
    pub server_url: String,
    pub username: String,
    pub password: String,
    /// Live updates; `None` signs in without them.
    pub pusher: Option<PusherEndpoint>,
}

/// How the desk's link to its server is doing, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// Nothing tried yet.
    Unknown,
    Online,
    /// The server could not be reached; `since` is an RFC 3339 time.
    Offline {
        since: String,
        reason: String,
    },
}

/// Everything the core tells the UI without being asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskEvent {
    /// Signed in, signed out, or the names were refreshed.
    SessionChanged {
        session: Option<SessionInfo>,
    },
    /// The server refused the saved sign-in; the user must sign in again.
    SessionExpired {
        message: String,
    },
    Connection {
        status: ConnectionStatus,
    },
}

/// An error as the UI shows it: a code to branch on and a sentence to display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UiError {
    pub code: String,
    pub message: String,
}

//! The errors of [`crate::Desk`], converted into [`UiError`] at the boundary.

use crate::api::ApiError;
use crate::engine::store::StoreError;
use crate::session::config::ConfigError;
use crate::session::secrets::SecretsError;

/// Why a request of the UI to the desk failed. `Display` is a plain-words sentence for staff.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The server address, the live-update settings or the data folder cannot be used.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// Talking to the server failed.
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The system keyring could not keep or give back the sign-in token.
    #[error("{0}")]
    Secrets(#[from] SecretsError),
    /// The local database could not be used.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// Something the user typed is missing or wrong; `field` names it.
    #[error("{message}")]
    InvalidInput {
        /// The field the user must correct.
        field: &'static str,
        /// What is wrong with it, in words for staff.
        message: String,
    },
    /// No one is signed in on this desk.
    #[error("you are not signed in")]
    NotSignedIn,
    /// Signing out would delete work that has not reached the server.
    #[error("signing out now would delete what has not reached the server: {}", super::unsent::deleted(.0))]
    UnsentWork(crate::engine::store::UnsentWork),
    /// The server refused the username and password (400 `non_field_errors` or 401).
    #[error("wrong username or password")]
    WrongCredentials,
    /// The desk is still resuming the saved sign-in.
    #[error("the desk is still opening; try again in a moment")]
    Starting,
    /// The demo hotel could not start; the text says why.
    #[error("the demo hotel could not start: {0}")]
    Demo(String),
    /// A value the user typed breaks one of the desk's rules.
    #[error("{0}")]
    Invalid(#[from] crate::rules::FieldInvalid),
    /// A picture the user chose could not be read or prepared.
    #[error("{0}")]
    Media(#[from] crate::media::MediaError),
    /// An image to show could not be fetched or prepared.
    #[error("{0}")]
    Shown(#[from] crate::media::ShownError),
    /// The row is not on this desk (it may have been deleted); the text names its kind.
    #[error("that {0} is not on this desk (it may have been deleted)")]
    Missing(&'static str),
    /// "Keep mine" on a row deleted elsewhere, when this desk no longer has the row as it was:
    /// restoring only the changed fields would make a different, partial row.
    #[error(
        "this desk no longer has the deleted row as it was, so it cannot be brought back \
         whole; your change is kept here: copy it into a new one, or keep theirs"
    )]
    CannotRestore,
    /// This server does not let the desk clock (the message says where staff clock instead).
    #[error("{0}")]
    ClockRefused(String),
    /// Clocking needs the server, and it cannot be reached (the desk does not keep it for later).
    #[error(
        "you are offline. Clocking in or out needs the server, which records the time it \
         receives the request, so the desk does not keep it for later"
    )]
    ClockOffline,
    /// The toggle was sent but not answered: it may or may not have been recorded.
    #[error("{0}; the desk is asking the server whether your clock changed")]
    ClockUnknown(String),
    /// Taking a conversation over needs the server, and it cannot be reached.
    #[error(
        "you are offline. Taking a conversation over needs the server, so the guest's messages \
         reach the right person"
    )]
    ChatOffline,
    /// This server does not let this person do it (their account lacks the capability); nothing
    /// was queued.
    #[error("{0}")]
    NotAllowed(String),
    /// This server, or this account, does not offer the area at all (API.md §10: the 2026
    /// server has no offers or galleries; a 403, 404 or 405 on the area's list); nothing was
    /// queued. The words say which area and why.
    #[error("{0}")]
    Unavailable(String),
    /// A background task ended before finishing (a bug, or the app is closing).
    #[error("the desk stopped working on this ({0}); please try again")]
    Interrupted(String),
    /// A change could not be written to the desk's database and was not made: said in plain
    /// words (the database's own message is logged, never shown); its code is `disk_full` when
    /// the disk is.
    #[error(
        "{what} could not be written to the desk's database, and nothing was changed; try \
         again (the desk's log has the cause)"
    )]
    NotWritten {
        /// What was being written ("the saved replies").
        what: &'static str,
        /// The database's reason, for the log.
        #[source]
        source: StoreError,
    },
}

/// What went wrong, as a code the UI switches on (generated into TypeScript; never parsed from
/// a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The server address or live-update settings are wrong.
    Config,
    /// The server no longer accepts the sign-in.
    Unauthorized,
    /// This account may not do or see this.
    Forbidden,
    /// The row or address is not there (on the server, or no longer on this desk).
    NotFound,
    /// The server refused what was sent; the message has its words.
    Validation,
    /// Someone else changed it on the server first.
    Conflict,
    /// The server had a problem, or refused in a way not named here.
    Server,
    /// The server cannot be reached.
    Network,
    /// The server did not answer in time.
    Timeout,
    /// The server answers, but not in a way this desk understands.
    Unsupported,
    /// The system keyring could not be used.
    Keyring,
    /// The local database could not be used.
    Storage,
    /// Something the user typed is missing or wrong; `field` names it.
    InvalidInput,
    /// No one is signed in.
    NotSignedIn,
    /// The server refused the username and password.
    WrongCredentials,
    /// Signing out would delete work not sent yet: ask first.
    UnsentWork,
    /// A file the server named cannot be fetched from its host (refused, too large, gone).
    FileUnavailable,
    /// The desk is still opening.
    Starting,
    /// The demo hotel could not start.
    Demo,
    /// The chosen file is empty.
    EmptyFile,
    /// The chosen file is too large.
    FileTooLarge,
    /// The image is in a format (or encoding) the desk does not take.
    UnsupportedFormat,
    /// The chosen file is not an image.
    NotAnImage,
    /// The image has too many pixels to prepare.
    TooManyPixels,
    /// The image file is damaged.
    DamagedImage,
    /// The disk is full.
    DiskFull,
    /// The image could not be prepared or kept (encoder, cache).
    ImageFailed,
    /// This server does not let staff clock from the desk.
    ClockUnavailable,
    /// This server or account does not offer the area at all; nothing was queued.
    Unavailable,
    /// A background task stopped, or the UI's call failed before reaching the core.
    Internal,
}

impl DeskError {
    /// The code the UI switches on for this error.
    pub fn code(&self) -> ErrorCode {
        use crate::media::MediaError as M;
        match self {
            Self::Config(_) => ErrorCode::Config,
            Self::Api(err) => match err {
                ApiError::Unauthorized { .. } => ErrorCode::Unauthorized,
                ApiError::Forbidden { .. } => ErrorCode::Forbidden,
                ApiError::NotFound { .. } => ErrorCode::NotFound,
                ApiError::Validation { .. } => ErrorCode::Validation,
                ApiError::Conflict { .. } => ErrorCode::Conflict,
                ApiError::Server { .. } => ErrorCode::Server,
                ApiError::Network { .. } => ErrorCode::Network,
                ApiError::Timeout { .. } => ErrorCode::Timeout,
                ApiError::Unsupported { .. } | ApiError::MethodNotAllowed { .. } => {
                    ErrorCode::Unsupported
                }
                ApiError::FileHost { .. } => ErrorCode::FileUnavailable,
            },
            Self::Secrets(_) => ErrorCode::Keyring,
            Self::NotWritten { source, .. } if source.is_disk_full() => ErrorCode::DiskFull,
            Self::Store(_) | Self::NotWritten { .. } => ErrorCode::Storage,
            Self::InvalidInput { .. } | Self::Invalid(_) => ErrorCode::InvalidInput,
            Self::NotSignedIn => ErrorCode::NotSignedIn,
            Self::NotAllowed(_) => ErrorCode::Forbidden,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            Self::WrongCredentials => ErrorCode::WrongCredentials,
            Self::UnsentWork(_) => ErrorCode::UnsentWork,
            Self::Starting => ErrorCode::Starting,
            Self::Demo(_) => ErrorCode::Demo,
            Self::Media(err) => match err {
                M::Empty { .. } => ErrorCode::EmptyFile,
                M::FileTooLarge { .. } => ErrorCode::FileTooLarge,
                M::UnsupportedFormat { .. } | M::UnusualEncoding { .. } => {
                    ErrorCode::UnsupportedFormat
                }
                M::NotAnImage { .. } => ErrorCode::NotAnImage,
                M::TooManyPixels { .. } | M::TooMuchMemory { .. } => ErrorCode::TooManyPixels,
                M::Damaged { .. } => ErrorCode::DamagedImage,
                M::DiskFull { .. } => ErrorCode::DiskFull,
                M::Encode { .. }
                | M::InvalidPolicy(_)
                | M::CacheWrite { .. }
                | M::CacheRead { .. }
                | M::InvalidHash(_) => ErrorCode::ImageFailed,
            },
            Self::Shown(crate::media::ShownError::Fetch { .. }) => ErrorCode::Network,
            Self::Shown(_) => ErrorCode::ImageFailed,
            Self::Missing(_) | Self::CannotRestore => ErrorCode::NotFound,
            Self::ClockRefused(_) => ErrorCode::ClockUnavailable,
            Self::ClockOffline | Self::ChatOffline => ErrorCode::Network,
            Self::ClockUnknown(_) => ErrorCode::Timeout,
            Self::Interrupted(_) => ErrorCode::Internal,
        }
    }

    /// The field the user must correct, when the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidInput { field, .. } => Some(field),
            Self::Invalid(err) => Some(err.field),
            _ => None,
        }
    }
}

impl From<DeskError> for UiError {
    fn from(err: DeskError) -> Self {
        tracing::info!(error = %err, code = ?err.code(), "a request of the UI failed");
        let message = sentence(&err.to_string());
        Self {
            code: err.code(),
            field: err.field().map(str::to_owned),
            message,
        }
    }
}

/// Starts with a capital letter and ends with a full stop, as the UI shows it.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_reach_the_ui_as_a_code_and_a_sentence() {
        let ui: UiError = DeskError::Config(ConfigError::EmptyUrl).into();
        assert_eq!(ui.code, ErrorCode::Config);
        assert_eq!(ui.message, "The server address is empty.");
    }
}

/// An error as the UI shows it: a code to branch on, the field to correct (if any) and a
/// sentence to display.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct UiError {
    /// What went wrong, as a code the UI switches on.
    pub code: ErrorCode,
    /// The field to correct, when the error is about one.
    pub field: Option<String>,
    /// The sentence to show, starting with a capital and ending with a full stop.
    pub message: String,
}

impl UiError {
    /// An error the shell itself finds (a missing window, a request that did not arrive).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            field: None,
            message: message.into(),
        }
    }
}

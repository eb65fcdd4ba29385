//! The errors of [`crate::Desk`], converted into [`UiError`] at the boundary.

use super::types::UiError;
use crate::api::ApiError;
use crate::config::ConfigError;
use crate::secrets::SecretsError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("{0}")]
    Secrets(#[from] SecretsError),
    #[error("{0}")]
    Store(#[from] StoreError),
    /// Something the user typed is missing or wrong; `field` names it.
    #[error("{message}")]
    InvalidInput {
        field: &'static str,
        message: String,
    },
    #[error("you are not signed in")]
    NotSignedIn,
    #[error("the desk is still opening; try again in a moment")]
    Starting,
    #[error("the demo hotel could not start: {0}")]
    Demo(String),
    #[error("{0}")]
    Invalid(#[from] crate::rules::FieldInvalid),
    #[error("{0}")]
    Media(#[from] crate::media::MediaError),
    #[error("{0}")]
    Shown(#[from] crate::media::ShownError),
    #[error("that {0} is not on this desk (it may have been deleted)")]
    Missing(&'static str),
    /// This server does not let the desk clock (the message says where staff clock instead).
    #[error("{0}")]
    ClockRefused(String),
    #[error(
        "you are offline. Clocking in or out needs the server, which records the time it \
         receives the request, so the desk does not keep it for later"
    )]
    ClockOffline,
    /// The toggle was sent but not answered: it may or may not have been recorded.
    #[error("{0}; the desk is asking the server whether your clock changed")]
    ClockUnknown(String),
    #[error(
        "you are offline. Taking a conversation over needs the server, so the guest's messages \
         reach the right person"
    )]
    ChatOffline,
    /// A background task ended before finishing (a bug, or the app is closing).
    #[error("the desk stopped working on this ({0}); please try again")]
    Interrupted(String),
}

/// What went wrong, as a code the UI switches on (generated into TypeScript; never parsed from
/// a string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The server address or live-update settings are wrong.
    Config,
    Unauthorized,
    Forbidden,
    NotFound,
    /// The server refused what was sent; the message has its words.
    Validation,
    Conflict,
    Server,
    Network,
    Timeout,
    Unsupported,
    Keyring,
    Storage,
    /// Something the user typed is missing or wrong; `field` names it.
    InvalidInput,
    NotSignedIn,
    /// The desk is still opening.
    Starting,
    Demo,
    EmptyFile,
    FileTooLarge,
    UnsupportedFormat,
    NotAnImage,
    TooManyPixels,
    DamagedImage,
    DiskFull,
    /// The image could not be prepared or kept (encoder, cache).
    ImageFailed,
    /// This server does not let staff clock from the desk.
    ClockUnavailable,
    /// A background task stopped, or the UI's call failed before reaching the core.
    Internal,
}

impl DeskError {
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
            },
            Self::Secrets(_) => ErrorCode::Keyring,
            Self::Store(_) => ErrorCode::Storage,
            Self::InvalidInput { .. } | Self::Invalid(_) => ErrorCode::InvalidInput,
            Self::NotSignedIn => ErrorCode::NotSignedIn,
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
            Self::Missing(_) => ErrorCode::NotFound,
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

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
    #[error("the demo hotel could not start: {0}")]
    Demo(String),
    #[error("{0}")]
    Invalid(#[from] crate::offers::OfferInvalid),
    #[error("{0}")]
    Media(#[from] crate::media::MediaError),
    #[error("that {0} is not on this desk (it may have been deleted)")]
    Missing(&'static str),
    /// A background task ended before finishing (a bug, or the app is closing).
    #[error("the desk stopped working on this ({0}); please try again")]
    Interrupted(String),
}

impl DeskError {
    pub fn code(&self) -> String {
        match self {
            Self::Config(_) => "config".into(),
            Self::Api(err) => err.code().into(),
            Self::Secrets(_) => "keyring".into(),
            Self::Store(_) => "storage".into(),
            Self::InvalidInput { field, .. } => format!("invalid_{field}"),
            Self::NotSignedIn => "not_signed_in".into(),
            Self::Demo(_) => "demo".into(),
            Self::Invalid(err) => format!("invalid_{}", err.field),
            Self::Media(err) => err.code().into(),
            Self::Missing(_) => "not_found".into(),
            Self::Interrupted(_) => "interrupted".into(),
        }
    }
}

impl From<DeskError> for UiError {
    fn from(err: DeskError) -> Self {
        let message = sentence(&err.to_string());
        Self {
            code: err.code(),
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
        assert_eq!(ui.code, "config");
        assert_eq!(ui.message, "The server address is empty.");
    }
}

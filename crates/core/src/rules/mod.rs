//! The rules the server applies to what staff type, checked on the desk first so a mistake is
//! shown at once (and an edit made offline is not refused hours later).

pub(crate) mod guest_link;
pub(crate) mod opening;
pub(crate) mod row;
pub(crate) mod search;
pub(crate) mod slides;
pub(crate) mod text;
pub(crate) mod url;

/// A field the user got wrong, in words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct FieldInvalid {
    pub field: &'static str,
    pub message: String,
}

/// A problem with `field`.
pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> FieldInvalid {
    FieldInvalid {
        field,
        message: message.into(),
    }
}

/// The refusal of a change to what the desk shows but does not edit yet (`what`: "The hotel's
/// settings", "Conversations"), in words that send the person to the hotel's web app.
pub(crate) fn not_on_the_desk_yet(what: &'static str) -> FieldInvalid {
    invalid(
        "id",
        format!("{what} are not edited on the desk yet; use the hotel's web app."),
    )
}

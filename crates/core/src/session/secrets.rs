//! The staff token, kept in the operating system's keyring and nowhere else.
//!
//! On Linux that is the Secret Service (GNOME Keyring, KWallet), on macOS the Keychain, on Windows
//! the Credential Manager. The token never goes into SQLite, logs, crash output or the UI: the
//! [`StaffToken`] type prints as `***`.

use std::fmt;

/// The keyring service name every desk token is stored under.
pub(crate) const KEYRING_SERVICE: &str = "hotelmate-desk";

/// A HotelMate API token. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct StaffToken(String);

impl StaffToken {
    /// A token as the server gave it.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for StaffToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaffToken(***)")
    }
}

impl fmt::Display for StaffToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Why the keyring could not be used. Messages say what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// No keyring service answers; the text is the system's reason.
    #[error(
        "this computer's keyring is not available ({0}). HotelMate Desk keeps your sign-in only \
         in the system keyring; start or install a keyring service (e.g. GNOME Keyring) and try again"
    )]
    Unavailable(String),
    /// The keyring is locked; the text is the system's reason.
    #[error("the system keyring is locked ({0}); unlock it and try again")]
    Locked(String),
    /// The keyring refused the request for another reason, given in the text.
    #[error("the system keyring refused the request: {0}")]
    Failed(String),
}

impl From<keyring::Error> for SecretsError {
    fn from(err: keyring::Error) -> Self {
        match err {
            keyring::Error::NoStorageAccess(inner) => Self::Locked(inner.to_string()),
            keyring::Error::NoDefaultStore => Self::Unavailable("no keyring service found".into()),
            keyring::Error::PlatformFailure(inner) => Self::Unavailable(inner.to_string()),
            other => Self::Failed(other.to_string()),
        }
    }
}

/// Stores tokens per account in the OS keyring.
#[derive(Debug, Clone)]
pub struct TokenVault {
    service: String,
}

impl Default for TokenVault {
    fn default() -> Self {
        Self {
            service: KEYRING_SERVICE.to_owned(),
        }
    }
}

impl TokenVault {
    /// A vault under another service name (tests use their own so they never touch a real sign-in).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretsError> {
        Ok(keyring::Entry::new(&self.service, account)?)
    }

    /// Saves (or replaces) the token of `account`.
    pub fn store(&self, account: &str, token: &StaffToken) -> Result<(), SecretsError> {
        self.entry(account)?.set_password(token.expose())?;
        Ok(())
    }

    /// The token of `account`, or `None` when there is none.
    pub fn load(&self, account: &str) -> Result<Option<StaffToken>, SecretsError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(StaffToken(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Deletes the token of `account`; deleting a missing token is not an error.
    pub(crate) fn delete(&self, account: &str) -> Result<(), SecretsError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_prints_its_value() {
        let token = StaffToken::new("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b");
        assert_eq!(format!("{token}"), "***");
        assert!(!format!("{token:?}").contains("9944"));
        assert!(!format!("{:?}", Some(&token)).contains("9944"));
    }
}

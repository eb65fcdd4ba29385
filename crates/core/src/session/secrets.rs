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

/// Why the keyring could not be used. Messages say, in plain words, what the person at the desk
/// can do about it; the system's own reason (D-Bus names, error codes) is kept in `reason` for
/// the log and never shown.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// No keyring service answers (none installed or running, or the session has none).
    #[error(
        "this computer's keyring is not available: it is locked, not running or not installed. \
         Unlock or start it (or sign in to the desktop again) and try again; HotelMate Desk keeps \
         your sign-in only there"
    )]
    Unavailable {
        /// The system's reason, for the log.
        reason: String,
    },
    /// The keyring is there but locked (or refused access).
    #[error(
        "the system keyring is locked or not running; unlock it (or sign in to the desktop \
         again) and try again"
    )]
    Locked {
        /// The system's reason, for the log.
        reason: String,
    },
    /// The keyring refused the request for another reason.
    #[error(
        "the system keyring did not keep the sign-in; try again, and if it keeps failing, ask \
         your IT (the desk's log says why)"
    )]
    Failed {
        /// The system's reason, for the log.
        reason: String,
    },
}

impl SecretsError {
    /// The system's own reason, as the keyring gave it (for the log only).
    pub fn reason(&self) -> &str {
        match self {
            Self::Unavailable { reason } | Self::Locked { reason } | Self::Failed { reason } => {
                reason
            }
        }
    }
}

impl From<keyring::Error> for SecretsError {
    fn from(err: keyring::Error) -> Self {
        let error = match err {
            keyring::Error::NoStorageAccess(inner) => Self::Locked {
                reason: inner.to_string(),
            },
            keyring::Error::NoDefaultStore => Self::Unavailable {
                reason: "no keyring service found".into(),
            },
            keyring::Error::PlatformFailure(inner) => Self::Unavailable {
                reason: inner.to_string(),
            },
            other => Self::Failed {
                reason: other.to_string(),
            },
        };
        // The words shown say what to do; the cause (often a D-Bus error) is for whoever
        // reads the log.
        tracing::warn!(
            reason = error.reason(),
            "the system keyring refused a request"
        );
        error
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
    fn keyring_failures_are_told_in_plain_words_without_the_systems_jargon() {
        let dbus = "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets \
                    was not provided by any .service files";
        let platform = || -> Box<dyn std::error::Error + Send + Sync> { dbus.into() };
        for err in [
            keyring::Error::PlatformFailure(platform()),
            keyring::Error::NoStorageAccess(platform()),
            keyring::Error::NoDefaultStore,
            keyring::Error::BadStoreFormat(dbus.into()),
        ] {
            let error = SecretsError::from(err);
            let words = error.to_string();
            assert!(!words.contains("org.freedesktop"), "{words}");
            assert!(!words.contains("DBus"), "{words}");
            assert!(words.contains("keyring"), "{words}");
            assert!(words.contains("try again"), "{words}");
        }
        let locked = SecretsError::from(keyring::Error::NoStorageAccess(platform()));
        assert_eq!(
            locked.to_string(),
            "the system keyring is locked or not running; unlock it (or sign in to the desktop \
             again) and try again"
        );
        assert_eq!(locked.reason(), dbus, "the cause is kept for the log");
    }

    #[test]
    fn a_token_never_prints_its_value() {
        let token = StaffToken::new("9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b");
        assert_eq!(format!("{token}"), "***");
        assert!(!format!("{token:?}").contains("9944"));
        assert!(!format!("{:?}", Some(&token)).contains("9944"));
    }
}

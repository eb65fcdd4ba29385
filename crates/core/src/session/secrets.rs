//! The staff token, kept in the operating system's keyring and nowhere else.
//!
//! On Linux that is the Secret Service (GNOME Keyring, KWallet), on macOS the Keychain, on Windows
//! the Credential Manager. The token never goes into SQLite, logs, crash output or the UI: the
//! [`StaffToken`] type prints as `***`.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The keyring service name every desk token is stored under.
pub(crate) const KEYRING_SERVICE: &str = "hotelmate-desk";

/// How long the desk waits for the keyring to answer one request: long enough for a person to
/// type the keyring's password when it asks for it in a window of its own, and no longer, so a
/// keyring that never answers (hung, or its answer lost) never holds a sign-in, sign-out or
/// start-up for ever.
pub const KEYRING_WAIT: Duration = Duration::from_secs(120);

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
    /// The keyring took the request and did not answer within the vault's wait
    /// ([`KEYRING_WAIT`]).
    #[error(
        "this computer's keyring did not answer within {seconds} seconds: it may be asking for \
         its password in a window of its own. Unlock it and try again; HotelMate Desk keeps your \
         sign-in only there"
    )]
    NoAnswer {
        /// How long the desk waited, in seconds.
        seconds: u64,
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
            Self::NoAnswer { .. } => "no answer within the desk's wait",
        }
    }
}

impl From<keyring_core::Error> for SecretsError {
    fn from(err: keyring_core::Error) -> Self {
        let error = match err {
            keyring_core::Error::NoStorageAccess(inner) => Self::Locked {
                reason: inner.to_string(),
            },
            keyring_core::Error::NoDefaultStore => Self::Unavailable {
                reason: "no keyring service found".into(),
            },
            keyring_core::Error::PlatformFailure(inner) => Self::Unavailable {
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

/// This computer's keyring, as the desk talks to it: the Secret Service on Linux (GNOME
/// Keyring, KWallet), the Keychain on macOS, the Credential Manager on Windows.
type KeyringStore = Arc<keyring_core::CredentialStore>;

/// Connects to this computer's keyring (keyring-core's stores, as the `keyring` crate's own
/// `v1` module picks them, without its connection made once for the life of the process).
fn connect() -> keyring_core::Result<KeyringStore> {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    let store: KeyringStore = zbus_secret_service_keyring_store::Store::new()?;
    #[cfg(target_os = "macos")]
    let store: KeyringStore = apple_native_keyring_store::keychain::Store::new()?;
    #[cfg(target_os = "windows")]
    let store: KeyringStore = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

/// Whether a failure may be the keyring having gone away (stopped, restarted, its session with
/// the desk ended): the desk connects again and asks once more before saying so.
fn may_have_gone(err: &keyring_core::Error) -> bool {
    matches!(
        err,
        keyring_core::Error::PlatformFailure(_) | keyring_core::Error::NoStorageAccess(_)
    )
}

/// Stores tokens per account in the OS keyring.
///
/// The connection to the keyring is made at the first need and made again whenever a request
/// fails as a keyring that went away fails (issue 63.20: a GNOME Keyring restarted while the
/// desk ran was not used again until the desk itself restarted, its one connection kept for
/// good; one not running at the desk's first look was never looked for again). Clones share it.
///
/// Each request runs on a thread of its own and is waited for at most [`KEYRING_WAIT`]: a
/// keyring that takes a request and never answers refuses it as
/// [`SecretsError::NoAnswer`], and its connection is dropped for a new one at the next need.
#[derive(Clone)]
pub struct TokenVault {
    service: String,
    store: Arc<Mutex<Option<KeyringStore>>>,
    wait: Duration,
}

impl fmt::Debug for TokenVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVault")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl Default for TokenVault {
    fn default() -> Self {
        Self::with_service(KEYRING_SERVICE)
    }
}

impl TokenVault {
    /// A vault under another service name (tests use their own so they never touch a real sign-in).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            store: Arc::new(Mutex::new(None)),
            wait: KEYRING_WAIT,
        }
    }

    /// This vault waiting `wait` for each answer instead of [`KEYRING_WAIT`] (tests shorten it).
    #[must_use]
    pub fn waiting(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }

    /// The kept connection to the keyring, if any. The lock is never held while the keyring is
    /// asked anything: a keyring that never answers would hold it, and every later request
    /// (and the wait's own end) with it.
    fn kept(&self) -> std::sync::MutexGuard<'_, Option<KeyringStore>> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The connection to the keyring, made now if there is none.
    fn connected(&self) -> keyring_core::Result<KeyringStore> {
        if let Some(store) = self.kept().as_ref() {
            return Ok(store.clone());
        }
        let store = connect()?;
        // Two requests may connect at once; the first kept is used by both from then on.
        Ok(self.kept().get_or_insert(store).clone())
    }

    /// Forgets `store` (unless another request already replaced it): the next need connects.
    fn forget(&self, store: &KeyringStore) {
        let mut slot = self.kept();
        if slot.as_ref().is_some_and(|kept| Arc::ptr_eq(kept, store)) {
            *slot = None;
        }
    }

    /// Runs `request` on `account`'s entry; a failure that may be a keyring gone away is asked
    /// once more on a new connection (a keyring restarted meanwhile answers that one).
    fn with_entry<T>(
        &self,
        account: &str,
        request: impl Fn(&keyring_core::Entry) -> keyring_core::Result<T>,
    ) -> keyring_core::Result<T> {
        let store = self.connected()?;
        match store
            .build(&self.service, account, None)
            .and_then(|entry| request(&entry))
        {
            Err(err) if may_have_gone(&err) => {
                tracing::info!(error = %err, "the keyring did not answer; connecting to it again");
                self.forget(&store);
                let store = self.connected()?;
                store
                    .build(&self.service, account, None)
                    .and_then(|entry| request(&entry))
            }
            answer => answer,
        }
    }

    /// Runs `request` on a thread of its own (the keyring's client blocks) and waits for it at
    /// most the vault's wait; past it the request is left to end on its own and the connection
    /// it holds is forgotten.
    async fn answered<T: Send + 'static>(
        &self,
        request: impl FnOnce(&Self) -> Result<T, SecretsError> + Send + 'static,
    ) -> Result<T, SecretsError> {
        let vault = self.clone();
        let running = tokio::task::spawn_blocking(move || request(&vault));
        match tokio::time::timeout(self.wait, running).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(ended)) => Err(SecretsError::Failed {
                reason: format!("the keyring request ended early: {ended}"),
            }),
            Err(_) => {
                tracing::warn!(
                    seconds = self.wait.as_secs(),
                    "the system keyring did not answer; it is asked on a new connection next time"
                );
                *self.kept() = None;
                Err(SecretsError::NoAnswer {
                    seconds: self.wait.as_secs(),
                })
            }
        }
    }

    /// Saves (or replaces) the token of `account`.
    ///
    /// # Errors
    /// [`SecretsError`]: the keyring is not there, locked, refused, or did not answer in time.
    pub async fn store(&self, account: &str, token: &StaffToken) -> Result<(), SecretsError> {
        let (account, token) = (account.to_owned(), token.clone());
        self.answered(move |vault| {
            vault.with_entry(&account, |entry| entry.set_password(token.expose()))?;
            Ok(())
        })
        .await
    }

    /// The token of `account`, or `None` when there is none.
    ///
    /// # Errors
    /// As [`TokenVault::store`].
    pub async fn load(&self, account: &str) -> Result<Option<StaffToken>, SecretsError> {
        let account = account.to_owned();
        self.answered(move |vault| {
            match vault.with_entry(&account, keyring_core::Entry::get_password) {
                Ok(value) => Ok(Some(StaffToken(value))),
                Err(keyring_core::Error::NoEntry) => Ok(None),
                Err(err) => Err(err.into()),
            }
        })
        .await
    }

    /// Deletes the token of `account`; deleting a missing token is not an error.
    pub(crate) async fn delete(&self, account: &str) -> Result<(), SecretsError> {
        let account = account.to_owned();
        self.answered(move |vault| {
            match vault.with_entry(&account, keyring_core::Entry::delete_credential) {
                Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
                Err(err) => Err(err.into()),
            }
        })
        .await
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
            keyring_core::Error::PlatformFailure(platform()),
            keyring_core::Error::NoStorageAccess(platform()),
            keyring_core::Error::NoDefaultStore,
            keyring_core::Error::BadStoreFormat(dbus.into()),
        ] {
            let error = SecretsError::from(err);
            let words = error.to_string();
            assert!(!words.contains("org.freedesktop"), "{words}");
            assert!(!words.contains("DBus"), "{words}");
            assert!(words.contains("keyring"), "{words}");
            assert!(words.contains("try again"), "{words}");
        }
        let locked = SecretsError::from(keyring_core::Error::NoStorageAccess(platform()));
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

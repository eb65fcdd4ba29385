//! Leaving the reception display's kiosk: with the PIN set on this computer (or in the
//! system settings file), or a staff member of this hotel signing in, asked of the server or,
//! when it cannot be asked, checked against the key kept when that person last signed in here.
//! Every path goes through one lockout ([`PinGuard`]).

use std::time::{Duration, Instant};

use super::{Display, LeaveDisplay, PIN_KEY};
use crate::api::{ApiClient, ApiError};
use crate::context::{lock, DeskError};
use crate::context::staff_keys as keys;
use crate::session::config::ApiBase;
use crate::session::hashes;

/// Wrong tries (PINs or staff passwords) in a row before the display stops listening for a
/// while; each further five doubles the wait.
pub(super) const PIN_ATTEMPTS: u32 = 5;
/// How long the server is given to answer a staff sign-in before a key kept here for the same
/// name and password leaves the display (the server still decides a password it refuses).
const SERVER_FIRST: Duration = Duration::from_secs(2);
const PIN_LOCKOUT: Duration = Duration::from_secs(60);
const PIN_LOCKOUT_CAP: Duration = Duration::from_secs(60 * 60);

/// Wrong tries lately, of the PIN and of staff sign-ins alike (kept in memory: a restart is a
/// walk to the machine anyway).
#[derive(Default)]
pub(crate) struct PinGuard {
    failures: u32,
    /// Lockouts since the last right answer: each doubles the next.
    lockouts: u32,
    pub(super) locked_until: Option<Instant>,
}

impl PinGuard {
    /// Refuses while locked, in words with the time left.
    pub(super) fn check_open(&mut self) -> Result<(), DeskError> {
        if let Some(until) = self.locked_until {
            let left = until.saturating_duration_since(Instant::now());
            if !left.is_zero() {
                return Err(DeskError::InvalidInput {
                    field: "pin",
                    message: format!("Too many wrong tries; try again in {}", wait_words(left)),
                });
            }
            self.locked_until = None;
        }
        Ok(())
    }

    pub(super) fn right(&mut self) {
        *self = Self::default();
    }

    pub(super) fn wrong(&mut self) {
        self.failures += 1;
        if self.failures >= PIN_ATTEMPTS {
            self.failures = 0;
            let wait = PIN_LOCKOUT
                .saturating_mul(1 << self.lockouts.min(10))
                .min(PIN_LOCKOUT_CAP);
            self.lockouts += 1;
            self.locked_until = Some(Instant::now() + wait);
        }
    }
}

fn wait_words(left: Duration) -> String {
    let seconds = left.as_secs().max(1);
    if seconds <= 90 {
        format!("{seconds} seconds")
    } else {
        format!("{} minutes", seconds.div_ceil(60))
    }
}

impl Display<'_> {
    /// Whether someone may leave the kiosk: the PIN set on this computer, or a staff member of
    /// this hotel signing in, asked of the server; when the server cannot be reached, the
    /// password is checked against the key kept when that person last signed in here, and so
    /// it is with nobody signed in (a refused token, a locked keyring, a sign-out): every path
    /// goes through the same lockout.
    pub async fn leave(&self, who: &LeaveDisplay) -> Result<(), DeskError> {
        if let Some(pin) = who.pin.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            return self.check_pin(pin);
        }
        let (Some(username), Some(password)) = (
            who.username
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty()),
            who.password.as_deref().filter(|p| !p.is_empty()),
        ) else {
            return Err(DeskError::InvalidInput {
                field: "username",
                message: if self.settings()?.has_pin {
                    "Enter the display's PIN, or sign in as a member of staff".into()
                } else {
                    "Enter the username and password of a member of staff".into()
                },
            });
        };
        // Staff passwords are guessed as PINs are: the same lockouts (before, twelve guesses
        // went through in a tenth of a second), on every path.
        lock(self.pin_guard).check_open()?;
        let store = self.cx.store.clone();
        let hotel = self.hotel()?;
        // With nobody signed in there is no server to ask: the password is checked against
        // the keys kept here, as during an outage (before, any name and password left).
        let (Ok(running), Some(session), Some(hotel)) =
            (self.cx.running(), self.cx.session(), hotel.clone())
        else {
            return self.leave_offline(store, hotel, username, password).await;
        };
        // Known to be out of reach: the kept key decides at once (issue 63.19: "Checking…" for
        // 10.5 s while the request waited out its timeout).
        let offline = matches!(
            self.cx.sync().map(|sync| sync.connection_status()),
            Ok(crate::events::ConnectionStatus::Offline { .. })
        );
        if offline {
            return self
                .leave_offline(store, Some(hotel.clone()), username, password)
                .await;
        }
        let base: &ApiBase = running.client.base();
        let anonymous = ApiClient::with_timeout(base.clone(), self.cx.request_timeout)?;
        let login = anonymous.login(username, password);
        tokio::pin!(login);
        let answer = match tokio::time::timeout(SERVER_FIRST, &mut login).await {
            Ok(answer) => answer,
            // The server is slow to answer: a key kept here for this name and password
            // leaves now; anything else waits for the server (a changed password is its to
            // judge).
            Err(_) => {
                let (name, secret, kept_in) = (username.to_owned(), password.to_owned(), store.clone());
                let hotel_of = hotel.clone();
                let kept = tokio::task::spawn_blocking(move || {
                    keys::check(&kept_in, Some(&hotel_of), &name, &secret)
                })
                .await;
                if matches!(kept, Ok(keys::Offline::Right)) {
                    let mut guard = lock(self.pin_guard);
                    guard.check_open()?;
                    guard.right();
                    tracing::info!("the server is slow to answer; a kept key left the display");
                    return Ok(());
                }
                login.await
            }
        };
        self.judge(answer, &session.hotel_slug, store, hotel, username, password)
            .await
    }

    /// What the server said of a staff member leaving the display: right and of this hotel
    /// leaves (and keeps their key), anything else is a wrong guess; out of reach, the kept
    /// key decides.
    async fn judge(
        &self,
        answer: Result<crate::api::session::LoginResponse, ApiError>,
        hotel_slug: &str,
        store: std::sync::Arc<crate::engine::store::Store>,
        hotel: String,
        username: &str,
        password: &str,
    ) -> Result<(), DeskError> {
        match answer {
            Ok(login) if login.slug() == Some(hotel_slug) => {
                lock(self.pin_guard).right();
                if let Err(err) = keys::keep(&store, hotel, username, password).await {
                    tracing::warn!(error = %err, "the staff key was not kept");
                }
                Ok(())
            }
            Ok(_) => {
                lock(self.pin_guard).wrong();
                Err(DeskError::InvalidInput {
                    field: "username",
                    message: "That sign-in is not of this hotel's staff".into(),
                })
            }
            Err(ApiError::Network { .. } | ApiError::Timeout { .. }) => {
                self.leave_offline(store, Some(hotel), username, password)
                    .await
            }
            Err(err) => {
                if matches!(
                    err,
                    ApiError::Unauthorized { .. } | ApiError::Validation { .. }
                ) {
                    lock(self.pin_guard).wrong();
                    let (username, password) = (username.to_owned(), password.to_owned());
                    let checked = tokio::task::spawn_blocking(move || {
                        keys::forget_if_refused(&store, &hotel, &username, &password);
                    })
                    .await;
                    if let Err(join) = checked {
                        tracing::warn!(error = %join, "checking a refused password's key failed");
                    }
                }
                Err(err.into())
            }
        }
    }

    /// The server cannot be reached, or nobody is signed in: `username`'s password is
    /// checked against the key kept when they last signed in on this computer for `hotel`
    /// (see `Display::hotel`: never the demo hotel's while a real one is set up; no key at
    /// all when there is no hotel).
    async fn leave_offline(
        &self,
        store: std::sync::Arc<crate::engine::store::Store>,
        hotel: Option<String>,
        username: &str,
        password: &str,
    ) -> Result<(), DeskError> {
        let (name, secret) = (username.to_owned(), password.to_owned());
        let verdict = tokio::task::spawn_blocking(move || {
            keys::check(&store, hotel.as_deref(), &name, &secret)
        })
        .await
        .map_err(|err| DeskError::Interrupted(format!("checking the password: {err}")))?;
        let mut guard = lock(self.pin_guard);
        // A lockout that began while the hash was checked still counts.
        guard.check_open()?;
        match verdict {
            keys::Offline::Right => {
                guard.right();
                Ok(())
            }
            keys::Offline::Wrong => {
                guard.wrong();
                Err(DeskError::InvalidInput {
                    field: "password",
                    message: format!("That password is not right for {username}"),
                })
            }
            keys::Offline::Unknown => {
                guard.wrong();
                drop(guard);
                let pin = if self.settings()?.has_pin {
                    ", or with the display's PIN"
                } else {
                    ""
                };
                let why = if self.cx.session().is_some() {
                    "The hotel's server cannot be reached to check the sign-in"
                } else {
                    "Nobody is signed in on this desk, so the hotel's server cannot check \
                     the sign-in"
                };
                Err(DeskError::InvalidInput {
                    field: "username",
                    message: format!(
                        "{why}, and {username} has not signed in on this computer lately. \
                         Staff who have can leave with their password{pin}."
                    ),
                })
            }
        }
    }

    fn check_pin(&self, pin: &str) -> Result<(), DeskError> {
        let mut guard = lock(self.pin_guard);
        guard.check_open()?;
        let store = &self.cx.store;
        // The PIN of the system settings file opens the display; so does this computer's own
        // unless that file locks the display.
        let system = &self.cx.system;
        if system
            .pin_hash
            .as_deref()
            .is_some_and(|hash| hashes::matches(hash, pin))
        {
            guard.right();
            return Ok(());
        }
        let stored = match &system.pin_hash {
            Some(_) if system.display_locked => None,
            _ => store.preference(PIN_KEY)?,
        };
        if stored.as_deref().is_some_and(|s| hashes::matches(s, pin)) {
            guard.right();
            return Ok(());
        }
        guard.wrong();
        Err(DeskError::InvalidInput {
            field: "pin",
            message: if stored.is_none() && system.pin_hash.is_none() {
                "No PIN is set on this computer; sign in as a member of staff".into()
            } else {
                "That PIN is not right".into()
            },
        })
    }
}

//! What the reception display shows (`desk.display()`), read from this desk's store only, so a
//! lobby screen keeps showing it through a network outage: the hotel's name, logo, hero image
//! and welcome message (its settings), the offers a guest may book today in the hotel's own
//! date, the shown galleries' images, and who is on duty by department. Also this computer's
//! display settings (time zone, seconds per slide, whether it is a display, which screen) and
//! leaving the kiosk: with the PIN set on the desk or a staff sign-in, both offline too (a
//! staff sign-in is then checked against the key kept when that person last signed in here).

use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::api::{ApiClient, ApiError, SINGLETON_ID};
use crate::context::{lock, Context, DeskError};
use crate::features::hotel_images::spec::SETTINGS;
use crate::features::offers::desk::Offers;
use crate::features::offers::Offer;
use crate::features::pictures::Pictures;
use crate::features::team::desk::Team;
use crate::features::team::{TeamGroup, TeamMember};
use crate::session::config::ApiBase;
use crate::session::hashes;

/// One image of the gallery slideshow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SlideImage {
    /// Where the image is.
    pub url: String,
    /// The text shown with it, when it has one.
    pub caption: Option<String>,
    /// The gallery's name.
    pub gallery: String,
}

/// This computer's reception display settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisplaySettings {
    /// The hotel's time zone (IANA name, e.g. "Europe/Dublin"): the display's clock and
    /// "today" for the offers. This computer's own zone when not set.
    pub time_zone: String,
    /// How long each slide stays on screen.
    pub rotation_seconds: u32,
    /// This computer is a reception display: it opens straight into it at login.
    pub is_display: bool,
    /// The screen it shows on (its name); `None`: whichever it opens on.
    pub monitor: Option<String>,
    /// A PIN to leave the display is set on this computer.
    pub has_pin: bool,
    /// The staff of this hotel who signed in on this computer lately, most recent first: they
    /// can leave the display with their password even when the server cannot be reached.
    pub left_offline_by: Vec<String>,
    /// The settings above that this computer's IT set in the system settings file
    /// (`is_display`, `pin`), which staff cannot change here.
    pub from_system: Vec<String>,
    /// That file, when it sets any.
    pub system_file: Option<String>,
    /// Why the PIN is gone, when an earlier version's PIN was removed at start (it was kept as
    /// a fast hash of 4 digits, too easy to guess from a copy of the desk's data).
    pub pin_notice: Option<String>,
}

/// What the desk window sets (the PIN is set on its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisplaySettingsChange {
    /// The hotel's time zone (IANA name, e.g. "Europe/Dublin"), one this computer knows.
    pub time_zone: String,
    /// How long each slide stays on screen, in seconds (5 to 120).
    pub rotation_seconds: u32,
    /// Whether this computer is a reception display.
    pub is_display: bool,
    /// The screen it shows on (its name); `None`: whichever it opens on.
    pub monitor: Option<String>,
}

/// Who wants to leave the kiosk: the PIN, or a staff member of this hotel signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LeaveDisplay {
    /// The PIN set on this computer (tried first when given).
    pub pin: Option<String>,
    /// A staff member's username, to leave by signing in.
    pub username: Option<String>,
    /// That staff member's password.
    pub password: Option<String>,
}

/// The reception display's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisplayContent {
    /// The hotel's name, as its settings show it.
    pub hotel_name: String,
    /// The hotel's welcome message, when it has one.
    pub welcome: Option<String>,
    /// The hotel's logo, when it has one.
    pub logo_url: Option<String>,
    /// The hotel's hero image, when it has one.
    pub hero_url: Option<String>,
    /// Active offers valid today (the hotel's date), in the hotel's order.
    pub offers: Vec<Offer>,
    /// Everyone on duty.
    pub on_duty: Vec<TeamMember>,
    /// Everyone on duty, department by department.
    pub departments: Vec<TeamGroup>,
    /// The images of the galleries the hotel shows, gallery by gallery, in their order.
    pub gallery: Vec<SlideImage>,
    /// The hotel's date (YYYY-MM-DD).
    pub today: String,
    /// This computer's display settings.
    pub settings: DisplaySettings,
}

const SETTINGS_KEY: &str = "display_settings";
const PIN_KEY: &str = "display_pin";
/// Set when an earlier version's PIN was removed at start, until a new one is set.
const PIN_RETIRED_KEY: &str = "display_pin_retired";
const PIN_RETIRED: &str = "The display's PIN set by an earlier version of the desk was removed: \
                           it was too easy to guess. Set a new one (6 to 12 digits).";

/// Removes a PIN an earlier version kept (a salted SHA-256 of 4 digits, which kept opening
/// the display) and notes it, so the desk asks for a new one. Called once at start; returns
/// whether one was removed.
pub(crate) fn retire_weak_pin(store: &crate::engine::store::Store) -> Result<bool, DeskError> {
    match store.preference(PIN_KEY)? {
        Some(stored) if !hashes::is_slow_hash(&stored) => {
            store.delete_preference(PIN_KEY)?;
            store.set_preference(PIN_RETIRED_KEY, "true")?;
            tracing::warn!(
                "the display's PIN of an earlier version was removed; a new one is asked for"
            );
            Ok(true)
        }
        _ => Ok(false),
    }
}
pub(crate) const DEFAULT_ROTATION_SECONDS: u32 = 10;
const ROTATION_RANGE: std::ops::RangeInclusive<u32> = 5..=120;
/// Wrong tries (PINs or staff passwords) in a row before the display stops listening for a
/// while; each further five doubles the wait.
const PIN_ATTEMPTS: u32 = 5;
const PIN_LOCKOUT: Duration = Duration::from_secs(60);
const PIN_LOCKOUT_CAP: Duration = Duration::from_secs(60 * 60);
/// A new PIN's digits: six at least (a million tries, each a slow hash behind lockouts).
const PIN_DIGITS: std::ops::RangeInclusive<usize> = 6..=12;

/// Wrong tries lately, of the PIN and of staff sign-ins alike (kept in memory: a restart is a
/// walk to the machine anyway).
#[derive(Default)]
pub(crate) struct PinGuard {
    failures: u32,
    /// Lockouts since the last right answer: each doubles the next.
    lockouts: u32,
    locked_until: Option<Instant>,
}

impl PinGuard {
    /// Refuses while locked, in words with the time left.
    fn check_open(&mut self) -> Result<(), DeskError> {
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

    fn right(&mut self) {
        *self = Self::default();
    }

    fn wrong(&mut self) {
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

/// The settings as stored (the PIN's presence is read apart).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct StoredSettings {
    time_zone: Option<String>,
    rotation_seconds: Option<u32>,
    is_display: bool,
    monitor: Option<String>,
}

/// The hotel's date in `time_zone` (IANA); this computer's date when the zone is unknown.
pub fn today_in(time_zone: &str) -> NaiveDate {
    let zoned = jiff::tz::TimeZone::get(time_zone)
        .ok()
        .map(|tz| jiff::Timestamp::now().to_zoned(tz).date());
    match zoned {
        Some(date) => NaiveDate::from_ymd_opt(
            i32::from(date.year()),
            u32::try_from(date.month()).unwrap_or(1),
            u32::try_from(date.day()).unwrap_or(1),
        )
        .unwrap_or_else(|| chrono::Local::now().date_naive()),
        None => chrono::Local::now().date_naive(),
    }
}

/// Every time zone this computer knows, by name.
pub fn time_zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_owned())
        .collect();
    names.sort();
    names
}

/// The stored form of a PIN or a staff password (see [`hashes::slow_hash`]).
fn hash_secret(secret: &str) -> Result<String, DeskError> {
    hashes::slow_hash(secret)
        .map_err(|err| DeskError::Interrupted(format!("storing a secret: {err}")))
}

/// A new PIN's stored form, refused unless it is 6 to 12 digits (also what
/// `hotelmate-desk --hash-pin` prints for the system settings file).
pub fn hash_new_pin(pin: &str) -> Result<String, DeskError> {
    let pin = pin.trim();
    if !PIN_DIGITS.contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DeskError::InvalidInput {
            field: "pin",
            message: format!(
                "A PIN is {} to {} digits",
                PIN_DIGITS.start(),
                PIN_DIGITS.end()
            ),
        });
    }
    hash_secret(pin)
}

/// The reception display of a signed-in desk.
pub struct Display<'a> {
    cx: &'a Arc<Context>,
    pin_guard: &'a Mutex<PinGuard>,
}

impl<'a> Display<'a> {
    pub(crate) fn new(cx: &'a Arc<Context>, pin_guard: &'a Mutex<PinGuard>) -> Self {
        Self { cx, pin_guard }
    }
}

/// Whether a guest can book `offer` on `today`: switched on, started, not ended.
pub fn bookable_on(offer: &Offer, today: NaiveDate) -> bool {
    let day = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
    };
    offer.is_active
        && day(&offer.valid_from).is_none_or(|from| from <= today)
        && day(&offer.valid_to).is_none_or(|to| to >= today)
}

impl Display<'_> {
    fn stored(&self) -> StoredSettings {
        match self.cx.store.preference(SETTINGS_KEY) {
            Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_else(|err| {
                tracing::warn!(error = %err, "damaged display settings; using the defaults");
                StoredSettings::default()
            }),
            Ok(None) => StoredSettings::default(),
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the display settings; using the defaults");
                StoredSettings::default()
            }
        }
    }

    /// This computer's display settings; what the system settings file sets wins.
    pub fn settings(&self) -> Result<DisplaySettings, DeskError> {
        let stored = self.stored();
        let system = &self.cx.system;
        let mut from_system = Vec::new();
        if system.is_display.is_some() {
            from_system.push("is_display".to_owned());
        }
        if system.pin_hash.is_some() {
            from_system.push("pin".to_owned());
        }
        Ok(DisplaySettings {
            time_zone: stored
                .time_zone
                .filter(|zone| jiff::tz::TimeZone::get(zone).is_ok())
                .unwrap_or_else(super::local_zone),
            rotation_seconds: stored
                .rotation_seconds
                .unwrap_or(DEFAULT_ROTATION_SECONDS)
                .clamp(*ROTATION_RANGE.start(), *ROTATION_RANGE.end()),
            is_display: system.is_display.unwrap_or(stored.is_display),
            monitor: stored.monitor,
            has_pin: system.pin_hash.is_some() || self.cx.store.preference(PIN_KEY)?.is_some(),
            left_offline_by: super::keys::usernames(&self.cx.store, self.hotel()?.as_deref()),
            system_file: (!from_system.is_empty())
                .then(|| system.source.clone())
                .flatten(),
            from_system,
            pin_notice: self
                .cx
                .store
                .preference(PIN_RETIRED_KEY)?
                .map(|_| PIN_RETIRED.to_owned()),
        })
    }

    /// Changes this computer's display settings; a zone this computer does not know or a
    /// rotation out of 5–120 s is refused with the reason.
    pub fn set_settings(
        &self,
        change: &DisplaySettingsChange,
    ) -> Result<DisplaySettings, DeskError> {
        let zone = change.time_zone.trim();
        if jiff::tz::TimeZone::get(zone).is_err() {
            return Err(DeskError::InvalidInput {
                field: "time_zone",
                message: format!(
                    "'{zone}' is not a time zone this computer knows (e.g. Europe/Dublin)"
                ),
            });
        }
        if !ROTATION_RANGE.contains(&change.rotation_seconds) {
            return Err(DeskError::InvalidInput {
                field: "rotation_seconds",
                message: "A slide stays on screen for 5 to 120 seconds".into(),
            });
        }
        let system = &self.cx.system;
        if system.is_display.is_some_and(|on| on != change.is_display) {
            return Err(DeskError::InvalidInput {
                field: "is_display",
                message: system.locked_message("Whether this computer is a reception display"),
            });
        }
        let stored = StoredSettings {
            time_zone: Some(zone.to_owned()),
            rotation_seconds: Some(change.rotation_seconds),
            is_display: change.is_display,
            monitor: change.monitor.clone().filter(|m| !m.trim().is_empty()),
        };
        let json = serde_json::to_string(&stored)
            .map_err(|err| DeskError::Interrupted(format!("saving the display settings: {err}")))?;
        self.cx.store.set_preference(SETTINGS_KEY, &json)?;
        self.cx.emit(crate::events::DeskEvent::DisplayChanged);
        self.settings()
    }

    /// Sets (6 to 12 digits) or removes the PIN that leaves the display.
    pub fn set_pin(&self, pin: Option<&str>) -> Result<DisplaySettings, DeskError> {
        let store = &self.cx.store;
        let system = &self.cx.system;
        if system.display_locked && system.pin_hash.is_some() {
            return Err(DeskError::InvalidInput {
                field: "pin",
                message: system.locked_message("The display's PIN"),
            });
        }
        match pin.map(str::trim) {
            None | Some("") => store.delete_preference(PIN_KEY)?,
            Some(pin) => {
                store.set_preference(PIN_KEY, &hash_new_pin(pin)?)?;
                store.delete_preference(PIN_RETIRED_KEY)?;
            }
        }
        self.cx.emit(crate::events::DeskEvent::DisplayChanged);
        self.settings()
    }

    /// The hotel whose staff may leave the display, as the kept staff keys name it: the
    /// signed-in one, else the one whose sign-in ended here (a refused token, a locked
    /// keyring at start: its row is kept for the person). `None`: nobody's sign-in is kept,
    /// and the staff of any hotel who signed in on this computer may leave.
    fn hotel(&self) -> Result<Option<String>, DeskError> {
        if let Ok(running) = self.cx.running() {
            let row = lock(&running.identity);
            return Ok(Some(super::keys::hotel_of(&row)));
        }
        Ok(self
            .cx
            .store
            .load_session()?
            .map(|row| super::keys::hotel_of(&row)))
    }

    /// Why the display may not start: nobody could leave it during an outage (no PIN is set
    /// and no staff sign-in of this hotel is kept here, e.g. a sign-in restored from before
    /// keys were kept). `None`: it may start.
    /// Signed out too: the desk behind the display (and the computer behind the desk) is
    /// staff's, whoever is signed in.
    pub fn cannot_start(&self) -> Result<Option<String>, DeskError> {
        let settings = self.settings()?;
        Ok(
            (!settings.has_pin && settings.left_offline_by.is_empty()).then(|| {
                "The reception display cannot start yet: during an outage nobody could leave it. \
             Sign out and in again on this computer (staff who signed in here can leave it \
             with their password, even offline), or set a PIN for it."
                    .to_owned()
            }),
        )
    }

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
        let base: &ApiBase = running.client.base();
        let anonymous = ApiClient::with_timeout(base.clone(), self.cx.request_timeout)?;
        let answer = anonymous.login(username, password).await;
        match answer {
            Ok(login) if login.slug() == Some(session.hotel_slug.as_str()) => {
                lock(self.pin_guard).right();
                if let Err(err) = super::keys::keep(&store, hotel, username, password).await {
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
                        super::keys::forget_if_refused(&store, &hotel, &username, &password);
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
    /// checked against the key kept when they last signed in on this computer (for `hotel`,
    /// or for any hotel when no sign-in is kept).
    async fn leave_offline(
        &self,
        store: std::sync::Arc<crate::engine::store::Store>,
        hotel: Option<String>,
        username: &str,
        password: &str,
    ) -> Result<(), DeskError> {
        let (name, secret) = (username.to_owned(), password.to_owned());
        let verdict = tokio::task::spawn_blocking(move || {
            super::keys::check(&store, hotel.as_deref(), &name, &secret)
        })
        .await
        .map_err(|err| DeskError::Interrupted(format!("checking the password: {err}")))?;
        let mut guard = lock(self.pin_guard);
        // A lockout that began while the hash was checked still counts.
        guard.check_open()?;
        match verdict {
            super::keys::Offline::Right => {
                guard.right();
                Ok(())
            }
            super::keys::Offline::Wrong => {
                guard.wrong();
                Err(DeskError::InvalidInput {
                    field: "password",
                    message: format!("That password is not right for {username}"),
                })
            }
            super::keys::Offline::Unknown => {
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

    /// Everything the display shows, as stored here (no network).
    pub fn content(&self) -> Result<DisplayContent, DeskError> {
        let session = self.cx.session().ok_or(DeskError::NotSignedIn)?;
        let settings = self
            .cx
            .store
            .record(SETTINGS.name, SINGLETON_ID)?
            .unwrap_or_default();
        let text = |key: &str| {
            settings
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let settings = self.settings()?;
        let today = today_in(&settings.time_zone);
        let offers = Offers::new(self.cx)
            .list()?
            .into_iter()
            .filter(|offer| bookable_on(offer, today))
            .collect();
        let departments: Vec<TeamGroup> = Team::new(self.cx)
            .board("")?
            .groups
            .into_iter()
            .filter_map(|mut group| {
                group.members.retain(|member| member.on_duty);
                (!group.members.is_empty()).then_some(group)
            })
            .collect();
        let on_duty = departments
            .iter()
            .flat_map(|group| group.members.iter().cloned())
            .collect();
        let gallery = Pictures::new(self.cx)
            .overview()?
            .galleries
            .into_iter()
            .filter(|gallery| gallery.is_active)
            .flat_map(|gallery| {
                let name = gallery.name;
                gallery.images.into_iter().filter_map(move |image| {
                    Some(SlideImage {
                        url: image.url?,
                        caption: Some(image.caption).filter(|c| !c.trim().is_empty()),
                        gallery: name.clone(),
                    })
                })
            })
            .collect();
        Ok(DisplayContent {
            hotel_name: text("name_display").unwrap_or(session.hotel_name),
            welcome: text("welcome_message"),
            logo_url: text("logo_display"),
            hero_url: text("hero_image_display"),
            offers,
            on_duty,
            departments,
            gallery,
            today: today.format("%Y-%m-%d").to_string(),
            settings,
        })
    }
}

#[cfg(test)]
mod tests;

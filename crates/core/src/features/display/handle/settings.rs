//! This computer's display settings: as stored, as the system settings file overrides them, and
//! changed from the desk window.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Display, PIN_KEY, PIN_RETIRED, PIN_RETIRED_KEY};
use crate::context::DeskError;
use crate::rules::opening::OpeningHours;
pub use crate::rules::slides::SlideChange;

// Where they are kept (the context reads the hotel's zone from them, for every feature).
use crate::context::hotel_zone::DISPLAY_SETTINGS_KEY as SETTINGS_KEY;

const DEFAULT_ROTATION_SECONDS: u32 = 10;
const ROTATION_RANGE: std::ops::RangeInclusive<u32> = 5..=120;

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
    /// (`is_display`, `pin`, `offer_link`), which staff cannot change here.
    pub from_system: Vec<String>,
    /// That file, when it sets any.
    pub system_file: Option<String>,
    /// Why the PIN is gone, when an earlier version's PIN was removed at start (it was kept as
    /// a fast hash of 4 digits, too easy to guess from a copy of the desk's data).
    pub pin_notice: Option<String>,
    /// Where an offer's scan-to-book code opens, `{id}` standing for the offer's number
    /// (`None`: its "book now" address, where that is on the hotel's own web site).
    pub offer_link: Option<String>,
    /// When the display shows, in the hotel's time; outside, it sleeps (`None`: always).
    pub opening_hours: Option<OpeningHours>,
    /// How one slide gives way to the next, as chosen.
    pub slide_change: SlideChange,
    /// What that means on this computer: slides fade into each other (`false`: they cut).
    pub fades: bool,
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
    /// Where an offer's scan-to-book code opens (`https://…{id}…`); `None` or empty: its "book
    /// now" address where that is on the hotel's own site.
    #[serde(default)]
    pub offer_link: Option<String>,
    /// When the display shows (`None`: always).
    #[serde(default)]
    pub opening_hours: Option<OpeningHours>,
    /// How one slide gives way to the next.
    #[serde(default)]
    pub slide_change: SlideChange,
}

/// The settings as stored (the PIN's presence is read apart).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct StoredSettings {
    time_zone: Option<String>,
    rotation_seconds: Option<u32>,
    is_display: bool,
    monitor: Option<String>,
    #[serde(default)]
    offer_link: Option<String>,
    #[serde(default)]
    opening_hours: Option<OpeningHours>,
    #[serde(default)]
    slide_change: SlideChange,
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
        if system.offer_link.is_some() {
            from_system.push("offer_link".to_owned());
        }
        let system_hours = system
            .opening_hours
            .as_deref()
            .and_then(|h| crate::rules::opening::parse_range(h).ok());
        if system_hours.is_some() {
            from_system.push("opening_hours".to_owned());
        }
        if system.slide_change.is_some() {
            from_system.push("slide_change".to_owned());
        }
        let slide_change = system.slide_change.unwrap_or(stored.slide_change);
        Ok(DisplaySettings {
            time_zone: stored
                .time_zone
                .filter(|zone| jiff::tz::TimeZone::get(zone).is_ok())
                .unwrap_or_else(crate::context::hotel_zone::local_zone),
            rotation_seconds: stored
                .rotation_seconds
                .unwrap_or(DEFAULT_ROTATION_SECONDS)
                .clamp(*ROTATION_RANGE.start(), *ROTATION_RANGE.end()),
            is_display: system.is_display.unwrap_or(stored.is_display),
            monitor: stored.monitor,
            has_pin: system.pin_hash.is_some() || self.cx.store.preference(PIN_KEY)?.is_some(),
            left_offline_by: crate::context::staff_keys::usernames(
                &self.cx.store,
                self.hotel()?.as_deref(),
            ),
            system_file: (!from_system.is_empty())
                .then(|| system.source.clone())
                .flatten(),
            from_system,
            pin_notice: self
                .cx
                .store
                .preference(PIN_RETIRED_KEY)?
                .map(|_| PIN_RETIRED.to_owned()),
            offer_link: system.offer_link.clone().or(stored.offer_link),
            opening_hours: system_hours.or(stored.opening_hours),
            slide_change,
            fades: slide_change.fades(self.cpu_painting),
        })
    }

    /// Whether `offer_link` (trimmed, `None` when empty) may be where the offers' codes open:
    /// a usable template, not against what IT set, and a new one set by a manager, whose
    /// change trusts its site (issue 63.3).
    fn check_offer_link(&self, offer_link: Option<&str>) -> Result<(), DeskError> {
        let system = &self.cx.system;
        if let Some(link) = offer_link {
            crate::rules::guest_link::check_template(link).map_err(|reason| {
                DeskError::InvalidInput {
                    field: "offer_link",
                    message: format!("The address for the offers' codes cannot be used: {reason}"),
                }
            })?;
        }
        if system.offer_link.is_some() && offer_link != system.offer_link.as_deref() {
            return Err(DeskError::InvalidInput {
                field: "offer_link",
                message: system.locked_message("Where the offers' codes open"),
            });
        }
        // Where the lobby's codes open is a manager's to change, and theirs confirms its site
        // (issue 63.3).
        let new_link = system.offer_link.is_none()
            && offer_link != self.stored().offer_link.as_deref().map(str::trim);
        if new_link {
            if let Some(link) = offer_link {
                self.only_a_manager("set where the lobby's codes open")?;
                let site = crate::rules::guest_link::site_origin(
                    &link.replace(crate::rules::guest_link::OFFER_ID_FIELD, "1"),
                )
                .map_err(|reason| DeskError::InvalidInput {
                    field: "offer_link",
                    message: format!("The address for the offers' codes cannot be used: {reason}"),
                })?;
                self.trust(site)?;
            }
        }
        Ok(())
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
        self.refuse_what_it_set(change)?;
        let offer_link = change
            .offer_link
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        self.check_offer_link(offer_link)?;
        if let Some(hours) = &change.opening_hours {
            hours.check().map_err(|message| DeskError::InvalidInput {
                field: "opening_hours",
                message,
            })?;
        }
        let opening_hours = change.opening_hours.clone().map(|h| OpeningHours {
            opens: h.opens.trim().to_owned(),
            closes: h.closes.trim().to_owned(),
        });
        let stored = StoredSettings {
            time_zone: Some(zone.to_owned()),
            rotation_seconds: Some(change.rotation_seconds),
            is_display: change.is_display,
            monitor: change.monitor.clone().filter(|m| !m.trim().is_empty()),
            offer_link: offer_link
                .filter(|_| system.offer_link.is_none())
                .map(str::to_owned),
            opening_hours: opening_hours.filter(|_| system.opening_hours.is_none()),
            // What IT set is not stored as this computer's own choice (it is kept as it was).
            slide_change: match system.slide_change {
                Some(_) => self.stored().slide_change,
                None => change.slide_change,
            },
        };
        let json = serde_json::to_string(&stored)
            .map_err(|err| DeskError::Interrupted(format!("saving the display settings: {err}")))?;
        self.cx.store.set_preference(SETTINGS_KEY, &json)?;
        // The display is set up here for the hotel signed in (issue 63.2).
        self.note_shown_hotel()?;
        self.cx.emit(crate::events::DeskEvent::DisplayChanged);
        self.settings()
    }

    /// Refuses a change to what this computer's IT set in the system settings file, saying so.
    fn refuse_what_it_set(&self, change: &DisplaySettingsChange) -> Result<(), DeskError> {
        let system = &self.cx.system;
        let locked = |field: &'static str, what: &str| DeskError::InvalidInput {
            field,
            message: system.locked_message(what),
        };
        if system.is_display.is_some_and(|on| on != change.is_display) {
            return Err(locked(
                "is_display",
                "Whether this computer is a reception display",
            ));
        }
        if system
            .slide_change
            .is_some_and(|set| set != change.slide_change)
        {
            return Err(locked("slide_change", "How the display's slides change"));
        }
        if system.opening_hours.is_some() && change.opening_hours != self.settings()?.opening_hours
        {
            return Err(locked("opening_hours", "The display's opening hours"));
        }
        Ok(())
    }
}

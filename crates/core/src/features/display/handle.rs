//! What the reception display shows (`desk.display()`), read from this desk's store only, so a
//! lobby screen keeps showing it through a network outage: the hotel's name, logo, hero image
//! and welcome message (its settings), the offers a guest may book today in the hotel's own
//! date, the shown galleries' images, and who is on duty by department. Also this computer's
//! display settings (time zone, seconds per slide, whether it is a display, which screen) and
//! leaving the kiosk: with the PIN set on the desk or a staff sign-in, both offline too (a
//! staff sign-in is then checked against the key kept when that person last signed in here).

use std::sync::Arc;
use std::sync::Mutex;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::api::SINGLETON_ID;
use crate::context::{Context, DeskError, Handle, Parts, lock};
use crate::features::hotel_images::spec::SETTINGS;
use crate::features::offers::handle::Offers;
use crate::features::offers::spec::SPEC as OFFERS_SPEC;
use crate::features::offers::Offer;
use crate::features::pictures::Pictures;
use crate::features::public_page::PageCard;
use crate::features::team::handle::Team;
use crate::features::team::{TeamGroup, TeamMember};
use crate::rules::opening::{state_at, OpeningState, WOKEN_MINUTES};
use crate::session::hashes;

use super::health::HealthRecord;

mod leave;
mod page;
mod scan_site;
mod settings;
mod showing;
pub(crate) use leave::PinGuard;
#[cfg(test)]
use leave::PIN_ATTEMPTS;
pub use scan_site::{ScanSites, TrustedSite, WaitingSite};
pub use settings::{DisplaySettings, DisplaySettingsChange, SlideChange};

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
    /// The offers' scan-to-book codes (an offer with none has no code: nothing is guessed).
    pub scan_codes: Vec<super::scan::ScanCode>,
    /// On the 2026 server (no offers there): the cards of the published page's lists, the
    /// offers' successors (§17.5), in the page's order; empty where none was read.
    pub cards: Vec<PageCard>,
    /// Where every card's code opens (a card has no link of its own): the hotel's own booking
    /// or web site, when one is trusted; `None`: the cards show no code.
    pub card_code: Option<super::scan::ScanCode>,
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

const PIN_KEY: &str = "display_pin";
/// The real hotel the display last showed (see [`Display::hotel`]).
const SHOWN_HOTEL_KEY: &str = "display_shown_hotel";
/// Set when an earlier version's PIN was removed at start, until a new one is set.
const PIN_RETIRED_KEY: &str = "display_pin_retired";
/// Until when (RFC 3339) a member of staff woke the display outside its hours.
const WOKEN_KEY: &str = "display_woken_until";
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
/// A new PIN's digits: six at least (a million tries, each a slow hash behind lockouts).
const PIN_DIGITS: std::ops::RangeInclusive<usize> = 6..=12;

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

/// The time of day at `at` in `time_zone` (IANA); this computer's when the zone is unknown.
fn time_in(time_zone: &str, at: jiff::Timestamp) -> chrono::NaiveTime {
    let time = match jiff::tz::TimeZone::get(time_zone) {
        Ok(tz) => at.to_zoned(tz).time(),
        Err(_) => at.to_zoned(jiff::tz::TimeZone::system()).time(),
    };
    chrono::NaiveTime::from_hms_opt(
        u32::try_from(time.hour()).unwrap_or(0),
        u32::try_from(time.minute()).unwrap_or(0),
        u32::try_from(time.second()).unwrap_or(0),
    )
    .unwrap_or_default()
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
    /// How the display has been (its methods are in `showing.rs`).
    health: &'a Mutex<HealthRecord>,
    cpu_painting: bool,
}

impl<'a> Display<'a> {
    pub(crate) fn new(cx: &'a Arc<Context>, memory: &'a DisplayMemory) -> Self {
        Self {
            cx,
            pin_guard: &memory.pin_guard,
            health: &memory.health,
            cpu_painting: memory.cpu_painting,
        }
    }
}

/// What the display keeps in memory while the desk runs: wrong PINs typed lately, and how it
/// has been ([`super::health`]).
#[derive(Default)]
pub(crate) struct DisplayMemory {
    pin_guard: Mutex<PinGuard>,
    health: Mutex<HealthRecord>,
    /// This computer paints its screen on the CPU ([`crate::DeskOptions::cpu_painting`]).
    cpu_painting: bool,
}

impl DisplayMemory {
    pub(crate) fn new(cpu_painting: bool) -> Self {
        Self {
            cpu_painting,
            ..Self::default()
        }
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
    /// Whether the display shows now (its opening hours, in the hotel's time), and until when.
    /// Works offline and signed out.
    pub fn opening(&self) -> Result<OpeningState, DeskError> {
        self.opening_at(jiff::Timestamp::now())
    }

    /// [`Display::opening`] at `now`.
    pub fn opening_at(&self, now: jiff::Timestamp) -> Result<OpeningState, DeskError> {
        let settings = self.settings()?;
        let local = |at: jiff::Timestamp| time_in(&settings.time_zone, at);
        let woken_until = self
            .cx
            .store
            .preference(WOKEN_KEY)?
            .and_then(|text| text.parse::<jiff::Timestamp>().ok())
            .filter(|until| *until > now)
            .map(local);
        Ok(state_at(
            settings.opening_hours.as_ref(),
            local(now),
            woken_until,
        ))
    }

    /// Wakes a sleeping display for [`WOKEN_MINUTES`], for a member of staff who gives the PIN
    /// or signs in (as leaving it takes).
    pub async fn wake(&self, who: &LeaveDisplay) -> Result<OpeningState, DeskError> {
        self.leave(who).await?;
        let until = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_mins(WOKEN_MINUTES))
            .map_err(|err| DeskError::Interrupted(format!("waking the display: {err}")))?;
        self.cx
            .store
            .set_preference(WOKEN_KEY, &until.to_string())?;
        self.cx.emit(crate::events::DeskEvent::DisplayChanged);
        self.opening()
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
        self.note_shown_hotel()?;
        self.cx.emit(crate::events::DeskEvent::DisplayChanged);
        self.settings()
    }

    /// The hotel whose staff may leave the display, as the kept staff keys name it (issue
    /// 63.2): the signed-in one; else the one whose sign-in ended here (a refused token, a
    /// locked keyring at start: its row is kept for the person), unless that is the demo
    /// hotel; else the hotel the display last showed. Never the demo hotel's (its password is
    /// printed in the README) unless the demo hotel is what the desk shows now. `None`: no
    /// hotel, and no kept sign-in leaves the display (only its PIN does).
    fn hotel(&self) -> Result<Option<String>, DeskError> {
        if let Ok(running) = self.cx.running() {
            let row = lock(&running.identity);
            return Ok(Some(crate::context::staff_keys::hotel_of(&row)));
        }
        let kept = self
            .cx
            .store
            .load_session()?
            .map(|row| crate::context::staff_keys::hotel_of(&row))
            .filter(|hotel| !crate::context::staff_keys::is_demo(hotel));
        match kept {
            Some(hotel) => Ok(Some(hotel)),
            None => Ok(self.cx.store.preference(SHOWN_HOTEL_KEY)?),
        }
    }

    /// Notes the hotel the display shows (a real one: the demo hotel is never what a display
    /// was set up for), so that signed out its staff, and only they, can leave it.
    pub(super) fn note_shown_hotel(&self) -> Result<(), DeskError> {
        let Ok(running) = self.cx.running() else {
            return Ok(());
        };
        let hotel = crate::context::staff_keys::hotel_of(&lock(&running.identity));
        if crate::context::staff_keys::is_demo(&hotel)
            || self.cx.store.preference(SHOWN_HOTEL_KEY)?.as_deref() == Some(hotel.as_str())
        {
            return Ok(());
        }
        self.cx.store.set_preference(SHOWN_HOTEL_KEY, &hotel)?;
        Ok(())
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

    /// The offers the display shows: those a guest can book today (the hotel's date), of what
    /// the server has. An offer made here and not sent yet (or one a server with no offers at
    /// all will never take) is not the hotel's to show a guest (issue 63.11).
    fn offers_shown(&self) -> Result<Vec<Offer>, DeskError> {
        let today = today_in(&self.settings()?.time_zone);
        let offers_absent = self
            .cx
            .sync()
            .is_ok_and(|sync| sync.unavailable_words(OFFERS_SPEC.name()).is_some());
        Ok(Offers::open(Parts(self.cx))
            .list()?
            .into_iter()
            .filter(|offer| !offers_absent && offer.id > 0 && bookable_on(offer, today))
            .collect())
    }

    /// Everything the display shows, as stored here (no network).
    pub fn content(&self) -> Result<DisplayContent, DeskError> {
        let session = self.cx.session().ok_or(DeskError::NotSignedIn)?;
        self.note_shown_hotel()?;
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
        let offers = self.offers_shown()?;
        let settings = self.settings()?;
        let today = today_in(&settings.time_zone);
        let trusted = self.trusted_origins();
        let scan_codes = offers
            .iter()
            .filter_map(|offer| {
                let address = super::scan::offer_address(
                    offer.id,
                    &offer.book_now_url,
                    settings.offer_link.as_deref(),
                    &trusted,
                )?;
                super::scan::scan_code(offer.id, &address)
            })
            .collect();
        let departments = self.departments_on_duty()?;
        let on_duty = departments
            .iter()
            .flat_map(|group| group.members.iter().cloned())
            .collect();
        let page = self.published_page()?;
        let card_code = if page.cards.is_empty() {
            None
        } else {
            self.card_address(&trusted)
                .and_then(|address| super::scan::scan_code(0, &address))
        };
        let mut gallery = self.galleries_shown()?;
        gallery.extend(page.gallery);
        // On the 2026 server the settings are gone (§10): the published hero stands in.
        Ok(DisplayContent {
            hotel_name: text("name_display").unwrap_or(session.hotel_name),
            welcome: text("welcome_message").or(page.welcome),
            logo_url: text("logo_display").or(page.logo_url),
            hero_url: text("hero_image_display").or(page.hero_url),
            offers,
            scan_codes,
            cards: page.cards,
            card_code,
            on_duty,
            departments,
            gallery,
            today: today.format("%Y-%m-%d").to_string(),
            settings,
        })
    }

    /// Everyone on duty, department by department (departments with nobody on duty left out).
    fn departments_on_duty(&self) -> Result<Vec<TeamGroup>, DeskError> {
        Ok(Team::open(Parts(self.cx))
            .board("")?
            .groups
            .into_iter()
            .filter_map(|mut group| {
                group.members.retain(|member| member.on_duty);
                (!group.members.is_empty()).then_some(group)
            })
            .collect())
    }

    /// The images of the galleries the hotel shows (fd6c529), gallery by gallery.
    fn galleries_shown(&self) -> Result<Vec<SlideImage>, DeskError> {
        Ok(Pictures::open(Parts(self.cx))
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
            .collect())
    }
}

#[cfg(test)]
mod tests;

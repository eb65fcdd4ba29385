//! The hotel's time zone as this desk knows it. No HotelMate server says it (API.md §14.5:
//! 12e538a has `Hotel.timezone` but no serializer exposes it; fd6c529 has none), so it is a
//! setting of this computer, chosen with the display's settings ("The hotel's time zone"), and
//! this computer's own zone until one is chosen (the computer at reception is in the hotel).
//! Every feature that needs the hotel's "today" or its clock reads it here.

use crate::engine::store::Store;

/// The preference the display's settings are stored under; its `time_zone` is the hotel's.
pub(crate) const DISPLAY_SETTINGS_KEY: &str = "display_settings";

/// Debian's file naming this computer's time zone, read when `/etc/localtime` names none.
const ETC_TIMEZONE: &str = "/etc/timezone";

/// The hotel's zone: its IANA name, the zone itself, and whether someone chose it on this desk.
#[derive(Debug, Clone)]
pub(crate) struct HotelZone {
    /// Its IANA name ("Europe/Dublin"); "UTC" when this computer names no zone at all.
    pub name: String,
    /// The zone (its rules, daylight saving included).
    pub zone: jiff::tz::TimeZone,
    /// Chosen in the display's settings (`false`: this computer's own zone, as a guess).
    pub chosen: bool,
}

impl HotelZone {
    /// The zone named `name`, if this computer knows it.
    pub(crate) fn named(name: &str, chosen: bool) -> Option<Self> {
        let zone = jiff::tz::TimeZone::get(name).ok()?;
        Some(Self {
            name: name.to_owned(),
            zone,
            chosen,
        })
    }

    /// This computer's own zone (see [`local_zone`]).
    pub(crate) fn of_this_computer() -> Self {
        let name = local_zone();
        Self::named(&name, false).unwrap_or_else(|| Self {
            name: "UTC".to_owned(),
            zone: jiff::tz::TimeZone::UTC,
            chosen: false,
        })
    }

    /// The one kept in `store`'s display settings when it is a zone this computer knows, else
    /// this computer's own. A damaged or unreadable setting is this computer's zone too.
    pub(crate) fn of_desk(store: &Store) -> Self {
        // The screen says when the zone is this computer's; a setting that cannot be read is
        // also logged, so IT can tell it from one never chosen.
        let kept = store.preference(DISPLAY_SETTINGS_KEY).unwrap_or_else(|err| {
            tracing::warn!(error = %err, "the display settings cannot be read; using this computer's zone");
            None
        });
        let chosen = kept
            .and_then(|json| {
                serde_json::from_str::<serde_json::Value>(&json)
                    .map_err(|err| tracing::warn!(error = %err, "the display settings are damaged; using this computer's zone"))
                    .ok()
            })
            .and_then(|settings| settings.get("time_zone")?.as_str().map(str::to_owned));
        chosen
            .and_then(|name| Self::named(name.trim(), true))
            .unwrap_or_else(Self::of_this_computer)
    }
}

/// This computer's own zone (IANA). See [`zone_named_by`]; UTC only when the system names no
/// zone at all.
pub(crate) fn local_zone() -> String {
    let system = jiff::tz::TimeZone::system();
    zone_named_by(system.iana_name(), || {
        std::fs::read_to_string(ETC_TIMEZONE).ok()
    })
}

/// The zone the system names: `TZ` or the `/etc/localtime` link (`system`, as jiff reads them,
/// as the C library does), else `/etc/timezone` (read only then: where `/etc/localtime` is a
/// copy rather than a link, as in some images, it names no zone); "UTC" only when neither names
/// a zone this computer knows.
fn zone_named_by(system: Option<&str>, etc_timezone: impl FnOnce() -> Option<String>) -> String {
    let known = |name: &str| jiff::tz::TimeZone::get(name).is_ok();
    if let Some(name) = system.filter(|name| known(name)) {
        return name.to_owned();
    }
    etc_timezone()
        .and_then(|text| text.lines().next().map(|line| line.trim().to_owned()))
        .filter(|name| !name.is_empty() && known(name))
        .unwrap_or_else(|| "UTC".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_displays_zone_defaults_to_the_one_the_computer_names_never_utc_in_its_place() {
        let file = |text: &'static str| move || Some(text.to_owned());
        assert_eq!(
            zone_named_by(Some("Europe/Dublin"), || None),
            "Europe/Dublin"
        );
        // /etc/localtime copied rather than linked names no zone; Debian's file does.
        assert_eq!(
            zone_named_by(None, file("Europe/Dublin\n")),
            "Europe/Dublin"
        );
        // What the system names (TZ, the link) wins over a stale /etc/timezone.
        assert_eq!(
            zone_named_by(Some("America/New_York"), file("Europe/Dublin\n")),
            "America/New_York"
        );
        assert_eq!(zone_named_by(None, file("Not/AZone\n")), "UTC");
        assert_eq!(zone_named_by(None, || None), "UTC");
    }

    #[test]
    fn the_hotels_zone_is_the_one_chosen_in_the_display_settings_else_this_computers() {
        let (_dir, store) = crate::engine::store::testing::store();
        let guess = HotelZone::of_desk(&store);
        assert!(!guess.chosen);
        assert_eq!(guess.name, local_zone());
        store
            .set_preference(
                DISPLAY_SETTINGS_KEY,
                r#"{"time_zone": "America/New_York", "is_display": false}"#,
            )
            .unwrap();
        let chosen = HotelZone::of_desk(&store);
        assert!(chosen.chosen);
        assert_eq!(chosen.name, "America/New_York");
        // A zone this computer does not know is no choice.
        store
            .set_preference(DISPLAY_SETTINGS_KEY, r#"{"time_zone": "Not/AZone"}"#)
            .unwrap();
        assert!(!HotelZone::of_desk(&store).chosen);
    }
}

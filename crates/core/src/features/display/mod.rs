//! The reception display: what it shows, read from this desk's store only so a lobby screen
//! keeps showing it through an outage, this computer's display settings, and leaving the kiosk
//! with the PIN or a staff sign-in ([`desk`]: `desk.display()`), checked offline against the
//! kept keys of staff who signed in here ([`keys`]). Here: the display's default time zone.

pub(crate) mod handle;
pub mod health;
pub mod scan;

pub use crate::rules::opening::{OpeningHours, OpeningState, WOKEN_MINUTES};

/// Debian's file naming this computer's time zone, read when `/etc/localtime` names none.
const ETC_TIMEZONE: &str = "/etc/timezone";

/// The display's time zone until one is chosen: this computer's own (IANA). The HotelMate
/// server says nothing of its hotel's zone (API.md), and the computer at reception is in the
/// hotel. See [`zone_named_by`]; UTC only when the system names no zone at all.
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

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        handle::SlideImage::decl(),
        handle::DisplaySettings::decl(),
        handle::ScanSites::decl(),
        handle::TrustedSite::decl(),
        handle::WaitingSite::decl(),
        handle::DisplaySettingsChange::decl(),
        handle::SlideChange::decl(),
        handle::LeaveDisplay::decl(),
        scan::ScanCode::decl(),
        OpeningHours::decl(),
        OpeningState::decl(),
        handle::DisplayContent::decl(),
        health::DisplayReport::decl(),
        health::ShownSlide::decl(),
        health::NotLiveSpan::decl(),
        health::DisplayHealth::decl(),
    ]
}

#[cfg(test)]
mod tests {
    use super::zone_named_by;

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
}

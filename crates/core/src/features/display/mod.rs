//! The reception display: what it shows, read from this desk's store only so a lobby screen
//! keeps showing it through an outage, this computer's display settings, and leaving the kiosk
//! with the PIN or a staff sign-in ([`desk`]: `desk.display()`), checked offline against the
//! kept keys of staff who signed in here ([`keys`]).

pub(crate) mod handle;
pub mod health;
pub mod scan;

pub use crate::rules::opening::{OpeningHours, OpeningState, WOKEN_MINUTES};

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

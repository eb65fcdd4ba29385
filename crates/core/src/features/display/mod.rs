//! The reception display: what it shows, read from this desk's store only so a lobby screen
//! keeps showing it through an outage, this computer's display settings, and leaving the kiosk
//! with the PIN or a staff sign-in ([`desk`]: `desk.display()`), checked offline against the
//! kept keys of staff who signed in here ([`keys`]).

pub(crate) mod desk;
pub(crate) mod keys;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        desk::SlideImage::decl(),
        desk::DisplaySettings::decl(),
        desk::DisplaySettingsChange::decl(),
        desk::LeaveDisplay::decl(),
        desk::DisplayContent::decl(),
    ]
}

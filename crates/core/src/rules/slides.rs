//! How one slide of the reception display gives way to the next (issue 39.4): a cross-fade is
//! pleasant where a graphics chip composites it, and keeps a small PC's processor busy where
//! the CPU paints every frame. Chosen in the display's settings or the fleet file.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How one slide gives way to the next on the display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SlideChange {
    /// A fade where the page is painted with graphics acceleration; a cut where the CPU paints
    /// it (a cross-fade there keeps a small PC's processor busy: issue 39.4).
    #[default]
    Automatic,
    /// Always a cross-fade.
    Fade,
    /// Always a cut: the next slide replaces the one shown at once.
    Cut,
}

impl SlideChange {
    /// Whether slides fade on a computer whose screen is (or is not) painted on the CPU.
    pub fn fades(self, cpu_painting: bool) -> bool {
        match self {
            Self::Automatic => !cpu_painting,
            Self::Fade => true,
            Self::Cut => false,
        }
    }
}

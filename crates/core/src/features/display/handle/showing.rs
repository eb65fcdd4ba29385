//! How the display has been, as the shell and the display's page tell it (issue 39.5); the
//! record itself is [`crate::features::display::health`].

use jiff::Timestamp;

use super::Display;
use crate::context::{lock, DeskError};
use crate::features::display::health::{DisplayHealth, DisplayReport};

impl Display<'_> {
    /// The display opened (the shell, when it shows the kiosk): a new showing begins.
    pub fn opened(&self) {
        lock(self.health).opened(Timestamp::now());
    }

    /// The display closed (the shell, when the kiosk is left).
    pub fn closed(&self) {
        lock(self.health).closed(Timestamp::now());
    }

    /// What the display's page sees: whether it is live, the slide on screen.
    pub fn report(&self, report: DisplayReport) -> Result<(), DeskError> {
        lock(self.health).report(report, Timestamp::now())
    }

    /// How the display has been since the desk started, for the Overview.
    pub fn health(&self) -> DisplayHealth {
        lock(self.health).health()
    }
}

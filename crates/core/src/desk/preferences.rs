//! This computer's settings, kept in the desk's preferences (they belong to the computer, not
//! the account): which colleagues' changes become desktop toasts (one switch per kind of
//! resource), and whether closing the window keeps the desk in the tray.

use std::collections::BTreeSet;

use super::DeskEvent;
use super::{Desk, DeskError};
use crate::events::ResourceKind;
use crate::notify::ToastSetting;

/// The categories the user turned off (of those on by default).
const MUTED_TOASTS: &str = "muted_toasts";
/// The categories the user turned on (of those off by default).
const WANTED_TOASTS: &str = "wanted_toasts";

impl Desk {
    fn toast_choices(&self, key: &str) -> BTreeSet<ResourceKind> {
        match self.inner.cx.store.preference(key) {
            Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_else(|err| {
                tracing::warn!(key, error = %err, "a damaged toast preference; using the defaults");
                BTreeSet::new()
            }),
            Ok(None) => BTreeSet::new(),
            Err(err) => {
                tracing::warn!(key, error = %err, "cannot read a toast preference; using the defaults");
                BTreeSet::new()
            }
        }
    }

    /// The toast categories that are off: turned off by the user, or off by default and not
    /// turned on.
    pub(crate) fn muted_toasts(&self) -> BTreeSet<ResourceKind> {
        let muted = self.toast_choices(MUTED_TOASTS);
        let wanted = self.toast_choices(WANTED_TOASTS);
        ResourceKind::ALL
            .iter()
            .copied()
            .filter(|kind| match kind.toasts_by_default() {
                Some(true) => muted.contains(kind),
                Some(false) => !wanted.contains(kind),
                None => true,
            })
            .collect()
    }

    /// Each toast category and whether it is muted on this desk.
    pub fn toast_settings(&self) -> Vec<ToastSetting> {
        let muted = self.muted_toasts();
        ResourceKind::ALL
            .iter()
            .filter(|c| c.toasts_by_default().is_some())
            .map(|c| ToastSetting {
                category: *c,
                muted: muted.contains(c),
            })
            .collect()
    }

    /// Mutes or unmutes one kind of toast, on this computer; returns every kind's setting.
    pub async fn set_toast_muted(
        &self,
        category: ResourceKind,
        muted: bool,
    ) -> Result<Vec<ToastSetting>, DeskError> {
        let mut off = self.toast_choices(MUTED_TOASTS);
        let mut on = self.toast_choices(WANTED_TOASTS);
        if muted {
            off.insert(category);
            on.remove(&category);
        } else {
            off.remove(&category);
            on.insert(category);
        }
        for (key, set) in [(MUTED_TOASTS, &off), (WANTED_TOASTS, &on)] {
            let json = serde_json::to_string(set).map_err(|err| {
                DeskError::Interrupted(format!("saving the toast settings: {err}"))
            })?;
            self.inner.cx.store.set_preference(key, &json)?;
        }
        if let Some(notifier) = crate::context::lock(&self.inner.tasks)
            .as_ref()
            .and_then(|tasks| tasks.notifier.as_ref())
        {
            notifier.set_muted(category, muted);
        }
        Ok(self.toast_settings())
    }
}

impl Desk {
    /// No toasts while the reception display shows on this computer (a lobby screen must not
    /// show staff business), and toasts again when it is left.
    pub fn set_toasts_paused(&self, paused: bool) {
        self.inner
            .cx
            .toasts_paused
            .store(paused, std::sync::atomic::Ordering::SeqCst);
    }

    /// The desk was asked for while the reception display shows: the display asks who is
    /// leaving it (the PIN or a staff sign-in), the one way past it.
    pub fn ask_to_leave_display(&self) {
        self.emit(DeskEvent::DisplayLeaveRequested);
    }
}

const CLOSE_TO_TRAY: &str = "close_to_tray";

impl Desk {
    /// Whether closing the window keeps the desk running in the tray (front-desk PCs).
    pub fn close_to_tray(&self) -> bool {
        matches!(
            self.inner.cx.store.preference(CLOSE_TO_TRAY),
            Ok(Some(value)) if value == "true"
        )
    }

    /// Sets whether closing the window keeps the desk running in the tray.
    pub fn set_close_to_tray(&self, on: bool) -> Result<(), DeskError> {
        Ok(self
            .inner
            .cx
            .store
            .set_preference(CLOSE_TO_TRAY, if on { "true" } else { "false" })?)
    }
}

const UPDATE_FEED: &str = "update_feed";
const UPDATE_SLOT: &str = "update_daily_slot";

impl Desk {
    /// Where this desk's updates come from: IT's feed when locked, else the person's, else IT's;
    /// IT's key, else the build's.
    pub fn update_source(&self) -> crate::updates::UpdateSource {
        let system = &self.inner.options.system;
        let own = match self.inner.cx.store.preference(UPDATE_FEED) {
            Ok(Some(feed)) if !system.update_feed_locked => Some(feed),
            Ok(_) => None,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read this desk's own update feed; using IT's, if any");
                None
            }
        };
        // Both were checked when set; one that no longer reads is damage, said in the log.
        let feed = own
            .or_else(|| system.update_feed.clone())
            .and_then(|feed| match crate::updates::feed_address(&feed) {
                Ok(address) => Some(address),
                Err(err) => {
                    tracing::warn!(%feed, error = %err, "the update feed cannot be used; no updates are looked for");
                    None
                }
            });
        let pubkey = system
            .update_pubkey
            .clone()
            .or_else(|| crate::updates::BUILT_IN_UPDATE_PUBKEY.map(str::to_owned))
            .filter(|key| !key.trim().is_empty());
        crate::updates::UpdateSource { feed, pubkey }
    }

    /// The update settings as the About box shows them.
    pub fn update_settings(&self) -> crate::updates::UpdateSettings {
        let source = self.update_source();
        let looks = source.feed.is_some() && source.pubkey.is_some();
        let daily_at = match self.daily_update_second() {
            Ok(second) if looks => Some(
                crate::updates::next_daily_look(&chrono::Local::now(), second)
                    .format("%H:%M")
                    .to_string(),
            ),
            Ok(_) => None,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read when this desk looks for updates");
                None
            }
        };
        crate::updates::UpdateSettings {
            feed: source.feed.map(|url| url.to_string()),
            locked: self.inner.options.system.update_feed_locked,
            verifiable: source.pubkey.is_some(),
            daily_at,
        }
    }

    /// The second of the day this computer looks for updates by itself: drawn at random the
    /// first time and kept, so a fleet's desks spread over the day.
    pub fn daily_update_second(&self) -> Result<u32, DeskError> {
        let store = &self.inner.cx.store;
        let kept = store.preference(UPDATE_SLOT)?;
        if let Some(number) = kept.as_deref().and_then(|kept| kept.parse::<u64>().ok()) {
            return Ok(crate::updates::daily_second(number));
        }
        if let Some(damaged) = kept {
            // Only a random number, nobody's work: a new one is drawn (and said in the log).
            tracing::warn!(%damaged, "the kept update time was damaged; drawing a new one");
        }
        let drawn = rand::random::<u64>();
        store.set_preference(UPDATE_SLOT, &drawn.to_string())?;
        Ok(crate::updates::daily_second(drawn))
    }

    /// Sets this person's update feed (`None` or blank: IT's, if any). Refused when IT locked
    /// it, or when the address is not https (or http to this computer).
    pub fn set_update_feed(&self, feed: Option<&str>) -> Result<(), DeskError> {
        let system = &self.inner.options.system;
        if system.update_feed_locked {
            return Err(DeskError::InvalidInput {
                field: "update_feed",
                message: system.locked_message("The update feed"),
            });
        }
        match feed.map(str::trim).filter(|f| !f.is_empty()) {
            Some(feed) => {
                let url =
                    crate::updates::feed_address(feed).map_err(|err| DeskError::InvalidInput {
                        field: "update_feed",
                        message: format!("The update feed {err}."),
                    })?;
                Ok(self
                    .inner
                    .cx
                    .store
                    .set_preference(UPDATE_FEED, url.as_str())?)
            }
            None => Ok(self.inner.cx.store.delete_preference(UPDATE_FEED)?),
        }
    }
}

impl Desk {
    /// After how many minutes a waiting guest is reminded of (0: never), on this computer.
    pub fn guest_wait_reminder(&self) -> u32 {
        use crate::features::chat::worker::remind;
        match self.inner.cx.store.preference(remind::GUEST_WAIT_REMINDER) {
            Ok(value) => remind::reminder_minutes(value.as_deref()),
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the reminder time; using the default");
                remind::DEFAULT_REMINDER_MINUTES
            }
        }
    }

    /// Sets after how many minutes a waiting guest is reminded of (0: never), on this computer.
    pub fn set_guest_wait_reminder(&self, minutes: u32) -> Result<u32, DeskError> {
        use crate::features::chat::worker::remind;
        if minutes > remind::MAX_REMINDER_MINUTES {
            return Err(DeskError::InvalidInput {
                field: "minutes",
                message: format!(
                    "A reminder can come after at most {} minutes (a shift); 0 turns it off.",
                    remind::MAX_REMINDER_MINUTES
                ),
            });
        }
        self.inner
            .cx
            .store
            .set_preference(remind::GUEST_WAIT_REMINDER, &minutes.to_string())?;
        Ok(minutes)
    }
}

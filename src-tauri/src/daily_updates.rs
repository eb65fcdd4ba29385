//! The desk's daily look for updates: once a day at a second each computer draws and keeps
//! (so a fleet spreads over the day), where a feed and a key are set; what it finds is offered,
//! never installed unasked (see `crate::updates` for the looking itself).

use std::sync::Mutex;

use hotelmate_core::updates::UpdateStatus;
use hotelmate_core::Desk;
use tauri::{AppHandle, Manager};

use crate::updates::Updates;

/// What the daily look tells time with: the computer's clock, or one a test drives.
pub trait Clock {
    /// Now, in the computer's own time zone.
    fn now(&self) -> chrono::DateTime<chrono::Local>;
    /// Resolves at `at` (or at once if it has passed).
    fn sleep_until(
        &self,
        at: chrono::DateTime<chrono::Local>,
    ) -> impl std::future::Future<Output = ()>;
}

/// The computer's own clock.
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> chrono::DateTime<chrono::Local> {
        chrono::Local::now()
    }

    async fn sleep_until(&self, at: chrono::DateTime<chrono::Local>) {
        let wait = (at - chrono::Local::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
    }
}

/// Calls `look` once a day at `second` of the day on `clock`, until it says stop.
pub async fn every_day_at<C: Clock, F: std::future::Future<Output = std::ops::ControlFlow<()>>>(
    clock: &C,
    second: u32,
    mut look: impl FnMut() -> F,
) {
    loop {
        let at = hotelmate_core::updates::next_daily_look(&clock.now(), second);
        clock.sleep_until(at).await;
        if look().await.is_break() {
            return;
        }
    }
}

/// Looks for updates by itself, once a day at this computer's own time (drawn once and kept,
/// so a fleet's desks spread over the day), where a feed and a key are set. A version found is
/// offered in a notification and in About, never installed unasked; the same version is
/// offered once.
pub fn look_daily(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let second = match app.state::<Desk>().daily_update_second() {
            Ok(second) => second,
            Err(error) => {
                tracing::warn!(%error, "the desk will not look for updates by itself");
                return;
            }
        };
        let offered = std::sync::Arc::new(Mutex::new(None::<String>));
        every_day_at(&WallClock, second, || {
            let (app, offered) = (app.clone(), offered.clone());
            async move {
                let source = app.state::<Desk>().update_source();
                if source.feed.is_none() || source.pubkey.is_none() {
                    return std::ops::ControlFlow::Continue(());
                }
                let status = app.state::<Updates>().check(&app, source).await;
                if let UpdateStatus::Available { version, .. } = status {
                    let new = {
                        let mut told = offered.lock().unwrap_or_else(|e| e.into_inner());
                        told.replace(version.clone()).as_ref() != Some(&version)
                    };
                    if new {
                        hotelmate_core::notify::show_message(
                            "An update of HotelMate Desk is ready",
                            &format!(
                                "Version {version} can be installed from Settings, About. \
                                 Nothing changes until someone chooses to."
                            ),
                        )
                        .await;
                    }
                }
                std::ops::ControlFlow::Continue(())
            }
        })
        .await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock the test drives: sleeping moves it to the moment asked for, at once.
    struct DrivenClock(std::sync::Mutex<chrono::DateTime<chrono::Local>>);

    impl Clock for DrivenClock {
        fn now(&self) -> chrono::DateTime<chrono::Local> {
            *self.0.lock().unwrap()
        }

        async fn sleep_until(&self, at: chrono::DateTime<chrono::Local>) {
            let mut now = self.0.lock().unwrap();
            *now = (*now).max(at);
        }
    }

    /// Issue 35.4: the desk looks by itself once a day at its own second of the day: three
    /// days of a driven clock are three looks, a day apart, at that time.
    #[tokio::test]
    async fn the_desk_looks_once_a_day_at_its_own_time() {
        use chrono::TimeZone;
        let start = chrono::Local
            .with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
            .earliest()
            .unwrap();
        let clock = DrivenClock(std::sync::Mutex::new(start));
        let second = 14 * 3600 + 37 * 60 + 5;
        let looks = std::cell::RefCell::new(Vec::new());
        every_day_at(&clock, second, || {
            looks.borrow_mut().push(clock.now());
            let done = looks.borrow().len() == 3;
            async move {
                if done {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            }
        })
        .await;
        let shown: Vec<String> = looks
            .borrow()
            .iter()
            .map(|at| at.format("%Y-%m-%d %H:%M:%S").to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "2026-11-25 14:37:05",
                "2026-11-26 14:37:05",
                "2026-11-27 14:37:05"
            ]
        );
    }
}

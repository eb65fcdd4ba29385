//! A page that hangs is loaded again (issue 35.7, with `windows::survive_its_web_process` for a
//! page whose web process dies). Each page beats every two seconds through [`page_alive`]; a
//! watcher ends the web process of a shown page silent for [`HANG_AFTER`], and the page is
//! loaded again where it was by the same handler as a crash. The watcher also tells the core
//! whether the desk window is seen (shown and not minimised) each time it looks. Only shown windows are watched:
//! WebKit slows a hidden page's timers (the desk behind the reception display), and a window
//! just shown again gets that long to beat before it is judged.
//!
//! [`page_alive`]: crate::commands::settings::page_alive

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager};

/// How long a shown page may go without a beat (it beats every 2 s) before it is taken for hung.
pub const HANG_AFTER: Duration = Duration::from_secs(10);
/// How often the watcher looks.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// When each window's page last beat, and whether it was shown at the last look.
#[derive(Default)]
pub struct Heartbeats(Mutex<HashMap<String, Beat>>);

#[derive(Clone, Copy)]
struct Beat {
    at: Instant,
    shown: bool,
}

impl Heartbeats {
    fn beats(&self) -> std::sync::MutexGuard<'_, HashMap<String, Beat>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The page of window `label` is alive.
    pub fn beat(&self, label: &str) {
        self.beat_at(label, Instant::now());
    }

    fn beat_at(&self, label: &str, at: Instant) {
        let mut beats = self.beats();
        let shown = beats.get(label).is_some_and(|beat| beat.shown);
        beats.insert(label.to_owned(), Beat { at, shown });
    }

    /// The windows whose page is hung: shown now and at the last look, silent for
    /// [`HANG_AFTER`]. A window just shown (or hidden) starts its wait over. Each hung window is
    /// given a fresh wait, so its page has time to load again before it is judged again.
    fn hung(&self, shown_now: &HashMap<String, bool>, now: Instant) -> Vec<String> {
        let mut beats = self.beats();
        let mut hung = Vec::new();
        for (label, beat) in beats.iter_mut() {
            let shown = shown_now.get(label).copied().unwrap_or(false);
            if shown && !beat.shown {
                beat.at = now;
            }
            beat.shown = shown;
            if shown && now.saturating_duration_since(beat.at) > HANG_AFTER {
                beat.at = now;
                hung.push(label.clone());
            }
        }
        hung
    }
}

/// Starts the watcher (once, at start).
pub fn watch(app: &AppHandle) {
    let app = app.clone();
    let started = std::thread::Builder::new()
        .name("page-heartbeat".into())
        .spawn(move || loop {
            std::thread::sleep(LOOK_EVERY);
            // The status bar may claim "Connected" only about a server that answered lately
            // while it is seen: the core asks the server when it has been quiet (issue 63.13).
            let desk_seen = app.get_webview_window(crate::windows::MAIN).is_some_and(|window| {
                window.is_visible().unwrap_or(false) && !window.is_minimized().unwrap_or(false)
            });
            app.state::<hotelmate_core::Desk>().window_shown(desk_seen);
            let beats = app.state::<Heartbeats>();
            let shown: HashMap<String, bool> = app
                .webview_windows()
                .into_iter()
                .map(|(label, window)| (label, window.is_visible().unwrap_or(false)))
                .collect();
            for label in beats.hung(&shown, Instant::now()) {
                let Some(window) = app.get_webview_window(&label) else {
                    continue;
                };
                tracing::warn!(window = %label, "the page stopped answering for 10 s; its web process is ended and the page loaded again");
                let ended = window.with_webview(|webview| {
                    #[cfg(target_os = "linux")]
                    {
                        use webkit2gtk::WebViewExt;
                        webview.inner().terminate_web_process();
                    }
                    #[cfg(not(target_os = "linux"))]
                    let _ = webview;
                });
                if let Err(error) = ended {
                    tracing::warn!(%error, window = %label, "the hung page could not be ended");
                }
            }
        });
    if let Err(error) = started {
        tracing::warn!(%error, "hung pages are not watched");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(label: &str, on: bool) -> HashMap<String, bool> {
        HashMap::from([(label.to_owned(), on)])
    }

    #[test]
    fn a_shown_page_silent_past_the_wait_is_hung_once_and_a_hidden_one_never() {
        let beats = Heartbeats::default();
        let start = Instant::now();
        beats.beat_at("main", start);
        beats.beat_at("display", start);
        // Shown from the first look on.
        assert!(beats.hung(&shown("main", true), start).is_empty());
        let later = start + HANG_AFTER + Duration::from_secs(1);
        let both = HashMap::from([("main".to_owned(), true), ("display".to_owned(), false)]);
        assert_eq!(beats.hung(&both, later), vec!["main".to_owned()]);
        // Given a fresh wait to load again: not judged again at once.
        assert!(beats.hung(&both, later + Duration::from_secs(1)).is_empty());
        // The hidden display, silent for a long time, is shown: its wait starts now.
        let shown_at = later + Duration::from_secs(60);
        let display = HashMap::from([("main".to_owned(), false), ("display".to_owned(), true)]);
        assert!(beats.hung(&display, shown_at).is_empty());
        assert!(beats
            .hung(&display, shown_at + Duration::from_secs(5))
            .is_empty());
        assert_eq!(
            beats.hung(&display, shown_at + HANG_AFTER + Duration::from_secs(1)),
            vec!["display".to_owned()]
        );
    }

    #[test]
    fn a_page_that_keeps_beating_is_never_hung() {
        let beats = Heartbeats::default();
        let start = Instant::now();
        for second in 0..120u64 {
            let now = start + Duration::from_secs(second);
            if second % 2 == 0 {
                beats.beat_at("main", now);
            }
            assert!(
                beats.hung(&shown("main", true), now).is_empty(),
                "{second} s"
            );
        }
    }
}

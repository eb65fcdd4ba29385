//! The state every handler shares: the database, the media folder, the Pusher hub and the public URLs.

use serde_json::Value;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

use crate::pusher::hub::Hub;
use crate::PusherInfo;

/// How many accepted writes the log keeps.
pub(crate) const WRITES_KEPT: usize = 100_000;

/// Cheap to clone; everything lives behind one `Arc`.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Shared>);

/// How many request times are kept per "METHOD path" line: far more than any test waits for,
/// and bounded for the demo hotel that runs for days.
const TIMES_KEPT: usize = 64;

pub(crate) struct Shared {
    db: Mutex<Connection>,
    /// Root of the served media (`<media_dir>/image/upload/v…/….jpg`).
    pub media_dir: PathBuf,
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub base_url: String,
    pub hub: Arc<Hub>,
    pub pusher: Arc<PusherInfo>,
    /// Which HotelMate backend this sandbox plays.
    pub generation: crate::Generation,
    /// Whether `POST /api/staff/<slug>/clock/` toggles (API.md Decision 5). Off, it answers as
    /// the reference backend does: 403, since there the path falls into the staff router.
    pub token_clock: std::sync::atomic::AtomicBool,
    /// How many requests each "METHOD path" line received (tests ask what a client sent).
    pub requests: Mutex<std::collections::HashMap<String, u64>>,
    /// When each "METHOD path" line was last asked, newest last ([`TIMES_KEPT`] per line).
    pub request_times:
        Mutex<std::collections::HashMap<String, std::collections::VecDeque<std::time::Instant>>>,
    /// Every offer, gallery, gallery image and room type write the server accepted, in order:
    /// `{op, id, fields}`, with `resource` on all but offers' (tests tell from it which edits
    /// arrived and how often).
    pub writes: Mutex<Vec<Value>>,
    /// Answers set aside for the next request to a "METHOD path" line (tests make the server
    /// refuse a request a real server refuses only in rare states).
    /// "METHOD path" → the answer given instead, and whether it is given again (until
    /// withdrawn) or once.
    pub refusals: Mutex<std::collections::HashMap<String, (u16, Value, bool)>>,
    /// Requests to hold before they are handled, by "METHOD path" (once each): a test's way to
    /// land another client's write between a client's read and its write.
    pub holds: Mutex<std::collections::HashMap<String, crate::HeldRequest>>,
    /// A spell in which every API request is answered 503 with `Retry-After` (a server
    /// overloaded or in maintenance), started by the first request after it was set.
    pub busy: Mutex<Option<Busy>>,
    /// Every JSON body clients sent, with its method and path (tests show what was never sent).
    pub bodies: crate::bodies::BodyLog,
}

/// A spell of 503 answers with `Retry-After`.
#[derive(Debug, Clone)]
pub(crate) struct Busy {
    /// How long the spell lasts from its first answer.
    pub length: std::time::Duration,
    /// When its first answer was given.
    pub started: Option<std::time::Instant>,
    /// When each request in it came, after its start.
    pub asked_at: Vec<std::time::Duration>,
}

impl AppState {
    pub(crate) fn new(
        db: Connection,
        media_dir: PathBuf,
        base_url: String,
        pusher: PusherInfo,
        generation: crate::Generation,
    ) -> Self {
        Self(Arc::new(Shared {
            db: Mutex::new(db),
            media_dir,
            base_url,
            hub: Arc::new(Hub::new()),
            pusher: Arc::new(pusher),
            generation,
            token_clock: std::sync::atomic::AtomicBool::new(true),
            requests: Mutex::new(std::collections::HashMap::new()),
            request_times: Mutex::new(std::collections::HashMap::new()),
            writes: Mutex::new(Vec::new()),
            refusals: Mutex::new(std::collections::HashMap::new()),
            holds: Mutex::new(std::collections::HashMap::new()),
            busy: Mutex::new(None),
            bodies: crate::bodies::BodyLog::default(),
        }))
    }

    /// Starts a busy spell of `length` at the next request (`None`: ends any).
    pub(crate) fn set_busy(&self, length: Option<std::time::Duration>) {
        *self.busy() = length.map(|length| Busy {
            length,
            started: None,
            asked_at: Vec::new(),
        });
    }

    fn busy(&self) -> std::sync::MutexGuard<'_, Option<Busy>> {
        self.0
            .busy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The busy spell as it went so far.
    pub(crate) fn busy_spell(&self) -> Option<Busy> {
        self.busy().clone()
    }

    /// Whole seconds left of a busy spell this request falls in (its `Retry-After`), noting
    /// when it came; `None` when the server is not busy.
    pub(crate) fn busy_for(&self) -> Option<u64> {
        let mut busy = self.busy();
        let spell = busy.as_mut()?;
        let now = std::time::Instant::now();
        let started = *spell.started.get_or_insert(now);
        let into = now - started;
        if into >= spell.length {
            return None;
        }
        spell.asked_at.push(into);
        Some((spell.length - into).as_secs_f64().ceil() as u64)
    }

    /// Counts one request (its method and path, without the query).
    pub(crate) fn count_request(&self, method: &str, path: &str) {
        let mut requests = self
            .0
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let line = format!("{method} {path}");
        *requests.entry(line.clone()).or_default() += 1;
        drop(requests);
        let mut times = self
            .0
            .request_times
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let times = times.entry(line).or_default();
        if times.len() == TIMES_KEPT {
            times.pop_front();
        }
        times.push_back(std::time::Instant::now());
    }

    /// When "METHOD path" was last asked, oldest first (at most [`TIMES_KEPT`]).
    pub(crate) fn request_times(&self, line: &str) -> Vec<std::time::Instant> {
        self.0
            .request_times
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(line)
            .map(|times| times.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Notes a write the server accepted. The demo hotel runs for days, so only the newest
    /// [`WRITES_KEPT`] are kept (far more than any test makes).
    pub(crate) fn log_write(&self, write: Value) {
        let mut writes = self
            .0
            .writes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if writes.len() >= WRITES_KEPT {
            writes.drain(..WRITES_KEPT / 2);
        }
        writes.push(write);
    }

    /// Every write the server accepted so far.
    pub(crate) fn writes(&self) -> Vec<Value> {
        self.0
            .writes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The next request to "METHOD path" is answered with `status` and `body` instead.
    pub(crate) fn refuse_next(&self, line: &str, status: u16, body: Value) {
        self.set_refusal(line, Some((status, body, false)));
    }

    /// Every request to "METHOD path" is answered with `status` and `body` (until `None`).
    /// Holds the next request to "METHOD path" until the returned handle releases it.
    pub(crate) fn hold_next(&self, line: &str) -> crate::HeldRequest {
        let held = crate::HeldRequest::default();
        self.0
            .holds
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(line.to_owned(), held.clone());
        held
    }

    /// Holds the answer to the next request to "METHOD path", made before the hold, until the
    /// returned handle releases it.
    pub(crate) fn hold_answer_of(&self, line: &str) -> crate::HeldRequest {
        self.hold_next(&format!("answer of {line}"))
    }

    /// The answer hold set for this request, if any (taken: it holds once).
    pub(crate) fn take_answer_hold(&self, method: &str, path: &str) -> Option<crate::HeldRequest> {
        self.take_hold("answer of", &format!("{method} {path}"))
    }

    /// The hold set for this request, if any (taken: it holds once).
    pub(crate) fn take_hold(&self, method: &str, path: &str) -> Option<crate::HeldRequest> {
        self.0
            .holds
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&format!("{method} {path}"))
    }

    pub(crate) fn set_refusal(&self, line: &str, refusal: Option<(u16, Value, bool)>) {
        let mut refusals = self
            .0
            .refusals
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match refusal {
            Some(refusal) => refusals.insert(line.to_owned(), refusal),
            None => refusals.remove(line),
        };
    }

    /// The refusal set aside for this request, if any (used once).
    pub(crate) fn take_refusal(&self, method: &str, path: &str) -> Option<(u16, Value)> {
        let mut refusals = self
            .0
            .refusals
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let line = format!("{method} {path}");
        match refusals.get(&line) {
            Some((status, body, true)) => Some((*status, body.clone())),
            Some(_) => refusals
                .remove(&line)
                .map(|(status, body, _)| (status, body)),
            None => None,
        }
    }

    /// How many requests each "METHOD path" received so far.
    pub(crate) fn request_counts(&self) -> std::collections::BTreeMap<String, u64> {
        self.0
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .map(|(line, n)| (line.clone(), *n))
            .collect()
    }

    /// How many requests "METHOD path" received.
    pub(crate) fn requests_to(&self, line: &str) -> u64 {
        self.0
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(line)
            .copied()
            .unwrap_or_default()
    }

    /// The single connection. Never hold the guard across an `.await`.
    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (each write is one statement or one
        // transaction), so a poisoned lock is still usable.
        self.0
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Absolute URL of a stored media path (`image/upload/v…/….jpg`).
    /// Values that already are URLs (a room type's saved `photo_url`) are returned as they are.
    pub(crate) fn media_url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            return path.to_string();
        }
        format!("{}/media/{}", self.0.base_url, path)
    }

    /// `media_url` for an optional path; empty paths count as none.
    pub(crate) fn media_url_opt(&self, path: Option<&str>) -> Option<String> {
        path.filter(|p| !p.is_empty()).map(|p| self.media_url(p))
    }
}

impl axum::extract::FromRef<AppState> for crate::pusher::Endpoint {
    fn from_ref(state: &AppState) -> Self {
        Self {
            hub: state.hub.clone(),
            pusher: state.pusher.clone(),
        }
    }
}

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

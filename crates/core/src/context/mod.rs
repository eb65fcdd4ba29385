//! What every feature's handle works with: the desk's store, image caches and event stream, the
//! signed-in session (who, the server client, the sync engine), the rows as shown, and the
//! desk's error type. It sits below the features and knows none of them; [`crate::desk`], above
//! both, owns a [`Context`], runs the session's life and hands the features their handles.

mod error;
pub(crate) mod hotel_zone;
mod images;
mod rows;
pub(crate) mod saved_files;
pub(crate) mod staff_keys;
mod types;
pub(crate) mod unsent;

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

pub use error::{DeskError, ErrorCode, UiError};
pub use types::{
    ComputerSettings, Conflict, ConnectionStatus, DeskEvent, DeskInfo, FieldProblem, OutboxSummary,
    Resolution, SessionInfo, SignInAgain, SignInRequest,
};

use crate::api::{ApiClient, ApiError};
use crate::engine::store::{SessionRow, Store};
use crate::engine::SyncShared;
use crate::media::{MediaCache, ShownImages};
use crate::session::config::ApiBase;
use crate::session::system::SystemSettings;

/// What a feature's handle is made from (the desk's shared state), opaque outside the core.
#[derive(Clone, Copy)]
pub struct Parts<'a>(pub(crate) &'a Arc<Context>);

/// A feature's handle, which the desk hands out by its type: `desk.handle::<Offers>()`.
/// A feature that needs nothing but the desk's shared state implements this in its own folder,
/// so adding one touches nothing in `desk` (issue 37.2).
pub trait Handle<'a> {
    /// The handle, borrowing the desk's shared state.
    fn open(parts: Parts<'a>) -> Self;
}

/// The desk's shared state, one per desk, for as long as the desk lives.
pub(crate) struct Context {
    /// How long one request may wait for its answer.
    pub(crate) request_timeout: Duration,
    /// What this computer's IT presets.
    pub(crate) system: SystemSettings,
    pub(crate) store: Arc<Store>,
    pub(crate) media: MediaCache,
    pub(crate) shown: ShownImages,
    pub(crate) events: broadcast::Sender<DeskEvent>,
    phase: Mutex<Phase>,
    /// No toasts while the reception display shows on this computer.
    pub(crate) toasts_paused: Arc<AtomicBool>,
}

/// Where the desk is in its life. One state behind one lock: "signed in but no engine" cannot
/// be represented.
pub(crate) enum Phase {
    SignedOut,
    /// Restoring the saved session at start-up.
    Resuming,
    /// Signed in, with the sync engine and the live socket running.
    SignedIn(Arc<Running>),
    /// Stopping the engine and the socket (signing out, expiring, or quitting).
    Stopping,
}

/// A signed-in desk: who, the server client and the sync engine. The background work that
/// serves it is the desk's (`crate::desk`), started and stopped with it.
pub(crate) struct Running {
    pub(crate) account: String,
    pub(crate) identity: Mutex<SessionRow>,
    pub(crate) client: ApiClient,
    pub(crate) sync: Arc<SyncShared>,
    /// Why this server does not let the desk clock (it answered the toggle 403, 404 or 405).
    pub(crate) clock_refused: Mutex<Option<String>>,
}

impl Running {
    pub(crate) fn info(&self) -> SessionInfo {
        session_info(&lock(&self.identity), lock(&self.clock_refused).as_deref())
    }
}

/// A lock whose holder panicked is still used: every value behind one is whole between
/// statements (no invariant spans a panic).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Context {
    pub(crate) fn new(
        request_timeout: Duration,
        system: SystemSettings,
        store: Arc<Store>,
        media: MediaCache,
        shown: ShownImages,
        events: broadcast::Sender<DeskEvent>,
    ) -> Self {
        Self {
            request_timeout,
            system,
            store,
            media,
            shown,
            events,
            phase: Mutex::new(Phase::SignedOut),
            toasts_paused: Arc::default(),
        }
    }

    pub(crate) fn emit(&self, event: DeskEvent) {
        // No receiver (no window yet) is fine: the UI asks for the current state when it starts.
        let _ = self.events.send(event);
    }

    pub(crate) fn set_phase(&self, phase: Phase) -> Phase {
        std::mem::replace(&mut *lock(&self.phase), phase)
    }

    /// The signed-in desk, or why there is none.
    pub(crate) fn running(&self) -> Result<Arc<Running>, DeskError> {
        match &*lock(&self.phase) {
            Phase::SignedIn(running) => Ok(running.clone()),
            Phase::Resuming => Err(DeskError::Starting),
            Phase::SignedOut | Phase::Stopping => Err(DeskError::NotSignedIn),
        }
    }

    /// The sync engine of the signed-in session.
    pub(crate) fn sync(&self) -> Result<Arc<SyncShared>, DeskError> {
        Ok(self.running()?.sync.clone())
    }

    /// The signed-in staff member, if any (from memory; no I/O).
    pub(crate) fn session(&self) -> Option<SessionInfo> {
        self.running().ok().map(|running| running.info())
    }

    /// Asks the server who is signed in and stores the names. A refused token ends the session
    /// (as any refused request does).
    pub(crate) async fn refresh_identity(&self) -> Result<SessionInfo, DeskError> {
        let running = self.running()?;
        let slug = lock(&running.identity).hotel_slug.clone();
        match running.client.me(&slug).await {
            Ok(me) => {
                let role = me.role_detail.as_ref().and_then(|r| r.name.as_deref());
                let department = me
                    .department_detail
                    .as_ref()
                    .and_then(|d| d.name.as_deref());
                self.store
                    .update_identity(&me.first_name, &me.last_name, role, department)?;
                if let Some(on) = me.on_duty() {
                    self.store.set_on_duty(on)?;
                }
                {
                    let mut row = lock(&running.identity);
                    row.first_name = me.first_name.clone();
                    row.last_name = me.last_name.clone();
                    row.is_on_duty = me.on_duty().or(row.is_on_duty);
                }
                let info = running.info();
                self.emit(DeskEvent::SessionChanged {
                    session: Some(Box::new(info.clone())),
                });
                Ok(info)
            }
            Err(ApiError::Unauthorized { message }) => {
                running.sync.report_unauthorized(message.clone());
                Err(ApiError::Unauthorized { message }.into())
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Whether this person may do what `capability` names, where the server names capabilities
    /// (the 2026 backend): a refusal in words (`what`: "change room types") when not; nothing
    /// to check where the server names none.
    pub(crate) fn may(&self, capability: Option<&str>, what: &str) -> Result<(), DeskError> {
        let Some(capability) = capability else {
            return Ok(());
        };
        let running = self.running()?;
        let identity = lock(&running.identity);
        match &identity.capabilities {
            Some(allowed) if !allowed.iter().any(|c| c == capability) => {
                Err(DeskError::NotAllowed(format!(
                    "Your account may not {what} on this server (it needs \"{capability}\"); \
                     a manager can."
                )))
            }
            _ => Ok(()),
        }
    }

    /// My clock state changed (the server's answer or its event): kept, and shown.
    pub(crate) fn set_my_duty(&self, on: bool) -> Result<(), DeskError> {
        let running = self.running()?;
        self.store.set_on_duty(on)?;
        lock(&running.identity).is_on_duty = Some(on);
        self.emit(DeskEvent::SessionChanged {
            session: Some(Box::new(running.info())),
        });
        Ok(())
    }
}

/// What the UI shows of a session row.
pub(crate) fn session_info(row: &SessionRow, clock_refused: Option<&str>) -> SessionInfo {
    let full_name = format!("{} {}", row.first_name, row.last_name)
        .trim()
        .to_owned();
    let server_label = if row.is_demo {
        "Demo hotel (this computer)".to_owned()
    } else {
        ApiBase::parse(&row.api_base)
            .map(|b| b.host())
            .unwrap_or_else(|_| row.api_base.clone())
    };
    SessionInfo {
        username: row.username.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        display_name: if full_name.is_empty() {
            row.username.clone()
        } else {
            full_name
        },
        role: row.role.clone(),
        department: row.department.clone(),
        hotel_name: row.hotel_name.clone(),
        hotel_slug: row.hotel_slug.clone(),
        staff_id: row.staff_id,
        is_on_duty: row.is_on_duty,
        clock_refused: clock_refused.map(str::to_owned),
        clock_note: row.generation.contract().clock.note().map(str::to_owned),
        server_label,
        is_demo: row.is_demo,
        server_generation: row.generation,
        capabilities: row.capabilities.clone(),
    }
}

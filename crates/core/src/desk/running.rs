//! The background work of a signed-in desk: started on every sign-in and reopen, stopped on
//! sign-out, expiry and shutdown. Each feature that works in the background starts its own
//! tasks (`features::chat::worker::start`, `features::team::handle::start`); this module only
//! holds them.

use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;

use super::{images, Desk};
use crate::api::ApiClient;
use crate::context::{lock, session_info, Phase, Running, SessionInfo};
use crate::engine::link::Socket;
use crate::engine::store::SessionRow;
use crate::engine::supervise::supervised;
use crate::engine::{live, SyncEngine, SyncShared};
use crate::events::DeskEvent;
use crate::session::config::PusherEndpoint;

pub(crate) struct Tasks {
    engine: SyncEngine,
    socket: Option<live::Live>,
    pub(super) notifier: Option<crate::notify::Notifier>,
    /// Waits for the server to refuse the token, then signs the desk out.
    expiry: JoinHandle<()>,
    /// The features' own work, stopped in this order: keeping images for offline use, my
    /// clock, the guest chat's sender, channels and announcer.
    background: Vec<JoinHandle<()>>,
    /// The guest chat: what its tasks and the Messages handle share.
    pub(crate) chat: Arc<crate::features::chat::worker::ChatShared>,
}

impl Desk {
    /// Starts the background work of a signed-in desk (first sign-in and every reopen alike):
    /// the sync engine sends what is queued at once and reconciles once the live channel is
    /// subscribed. Called with the transition lock held.
    pub(super) fn start(&self, row: SessionRow, client: ApiClient) -> SessionInfo {
        let media_hosts = &self.inner.options.media_hosts;
        self.inner
            .cx
            .shown
            .allow(Some(crate::media::hosts::ImageHosts::new(
                client.base(),
                media_hosts,
            )));
        let client = client.with_media_hosts(media_hosts);
        let (endpoint, socket) = live_settings(&row);
        let engine = SyncEngine::start(
            client.clone(),
            self.inner.cx.store.clone(),
            self.inner.cx.media.clone(),
            row.hotel_slug.clone(),
            self.inner.cx.events.clone(),
            crate::engine::Schedule {
                resources: crate::features::ALL,
                generation: row.generation,
                capabilities: row.capabilities.clone(),
                socket,
                poll: self.inner.options.poll_interval,
                quiet: self.inner.options.quiet_interval,
                recheck: self.inner.options.unavailable_recheck,
                stale: self.inner.options.answer_stale,
                shown: self
                    .inner
                    .window_shown
                    .load(std::sync::atomic::Ordering::Relaxed),
            },
        );
        let shared = engine.shared.clone();
        let socket = endpoint.and_then(|endpoint| start_live(&endpoint, &shared));
        let notifier = self.inner.options.toasts.then(|| {
            crate::notify::Notifier::start(
                self.inner.cx.events.subscribe(),
                self.muted_toasts(),
                crate::features::ALL,
                row.staff_id,
                self.inner.cx.events.clone(),
                self.inner.cx.toasts_paused.clone(),
            )
        });
        let expiry = self.sign_out_when_expired(&shared, row.account.clone());
        let info = session_info(&row, None);
        let (chat, background) = self.start_features(&shared, &row, &info);
        let running = Running {
            account: row.account.clone(),
            identity: Mutex::new(row),
            client,
            sync: shared.clone(),
            clock_refused: Mutex::new(None),
        };
        *lock(&self.inner.tasks) = Some(Tasks {
            engine,
            socket,
            notifier,
            expiry,
            background,
            chat,
        });
        self.set_phase(Phase::SignedIn(Arc::new(running)));
        self.emit(DeskEvent::SessionChanged {
            session: Some(Box::new(info.clone())),
        });
        shared.announce_link();
        self.emit(DeskEvent::Outbox {
            summary: shared.outbox_summary(),
        });
        info
    }

    /// Waits for the server to refuse the token, then signs the desk out (in a task of its
    /// own: signing out aborts this one).
    fn sign_out_when_expired(&self, shared: &Arc<SyncShared>, account: String) -> JoinHandle<()> {
        let desk = self.clone();
        let shared = shared.clone();
        tokio::spawn(async move {
            let message = shared.expired().await;
            tokio::spawn(async move { desk.expire(&account, &message).await });
        })
    }

    /// The features' background work: images kept for offline use, my clock, the guest chat.
    fn start_features(
        &self,
        shared: &Arc<SyncShared>,
        row: &SessionRow,
        info: &SessionInfo,
    ) -> (
        Arc<crate::features::chat::worker::ChatShared>,
        Vec<JoinHandle<()>>,
    ) {
        let cx = &self.inner.cx;
        let prefetch = {
            let (store, shown, sync) = (cx.store.clone(), cx.shown.clone(), shared.clone());
            supervised(
                "keeping photos for offline use",
                cx.events.clone(),
                move || images::keep_shown_images(store.clone(), shown.clone(), sync.clone()),
            )
        };
        let my_clock = crate::features::team::handle::start(cx.clone(), row.staff_id);
        let (chat, chat_tasks) = crate::features::chat::worker::start(
            crate::features::chat::worker::ChatShared::new(
                shared.clone(),
                row.staff_id,
                info.display_name.clone(),
                self.inner
                    .options
                    .data_dir
                    .media()
                    .join(crate::features::chat::worker::FILES_FOLDER),
            )
            .with_reminder_minute(self.inner.options.reminder_minute),
            &cx.events,
        );
        let my_shifts = crate::features::my_shifts::handle::start(cx.clone());
        let mut background = vec![prefetch, my_clock, my_shifts];
        background.extend(chat_tasks);
        (chat, background)
    }

    /// Stops the engine, the socket and the toasts, if running. Called with the transition
    /// lock held; the phase is `Stopping` meanwhile and `SignedOut` after.
    pub(super) async fn stop_running(&self) -> Option<Arc<Running>> {
        let running = match self.set_phase(Phase::Stopping) {
            Phase::SignedIn(running) => Some(running),
            _ => None,
        };
        let tasks = lock(&self.inner.tasks).take();
        if let Some(tasks) = tasks {
            tasks.expiry.abort();
            for task in &tasks.background {
                task.abort();
            }
            if let Some(notifier) = tasks.notifier {
                notifier.stop();
            }
            tasks.engine.shared.set_socket_client(None);
            if let Some(socket) = tasks.socket {
                socket.stop().await;
            }
            tasks.engine.stop().await;
        }
        self.inner.cx.shown.allow(None);
        self.set_phase(Phase::SignedOut);
        running
    }
}

/// The live-update server a sign-in saved, and the socket's first state.
fn live_settings(row: &SessionRow) -> (Option<PusherEndpoint>, Socket) {
    match row.pusher.as_deref().map(serde_json::from_str) {
        None => (None, Socket::NotConfigured),
        Some(Ok(endpoint)) => (Some(endpoint), Socket::Connecting),
        Some(Err(err)) => {
            tracing::error!(error = %err, "the saved live-update settings cannot be read");
            let reason = "The saved live-update settings of this sign-in cannot be read; \
                          sign out and in again to set them."
                .to_owned();
            (None, Socket::Off { reason })
        }
    }
}

/// Opens the live socket; if it cannot start, the engine hears why and reads every minute.
fn start_live(endpoint: &PusherEndpoint, shared: &Arc<SyncShared>) -> Option<live::Live> {
    match live::Live::start(endpoint, shared.clone()) {
        Ok(socket) => Some(socket),
        Err(err) => {
            tracing::error!(error = %err, "live updates cannot start");
            shared.socket_changed(Socket::Off {
                reason: format!(
                    "Live updates cannot start ({err}), so colleagues' changes are fetched \
                     every minute."
                ),
            });
            None
        }
    }
}

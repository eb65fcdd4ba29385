//! `Desk`: the one facade the shell calls. It owns the store, the keyring vault, the API client,
//! the in-process demo hotel when one is used, and the stream of [`DeskEvent`]s for the UI.

mod demo;
mod error;
mod offers;
mod types;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

pub use error::DeskError;
pub use types::{
    Conflict, ConnectionStatus, DeskEvent, OutboxSummary, Resolution, SessionInfo, SignInRequest,
    UiError,
};

use crate::api::{ApiClient, ApiError, DEFAULT_REQUEST_TIMEOUT};
use crate::config::{ApiBase, DataDir, PusherEndpoint};
use crate::media::MediaCache;
use crate::secrets::{StaffToken, TokenVault};
use crate::store::{SessionRow, Store};
use crate::sync::{live, SyncEngine, SyncShared};
use demo::DemoHotel;

const EVENT_BUFFER: usize = 256;

/// How a [`Desk`] is set up. Tests point it at a temporary folder and their own keyring service.
#[derive(Debug, Clone)]
pub struct DeskOptions {
    pub data_dir: DataDir,
    pub vault: TokenVault,
    pub request_timeout: Duration,
    /// Desktop toasts for colleagues' changes (off on a reception display: `HOTELMATE_KIOSK`).
    pub toasts: bool,
}

impl DeskOptions {
    pub fn new(data_dir: DataDir) -> Self {
        Self {
            data_dir,
            vault: TokenVault::default(),
            toasts: true,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }

    /// The options of the running app: `HOTELMATE_KEYRING_SERVICE` puts the token under another
    /// keyring service name (a second desk on one computer, or a test run that must not touch a
    /// real sign-in).
    pub fn from_env(data_dir: DataDir) -> Self {
        let mut options = Self::new(data_dir);
        if let Some(service) = std::env::var("HOTELMATE_KEYRING_SERVICE")
            .ok()
            .filter(|s| !s.is_empty())
        {
            options.vault = TokenVault::with_service(service);
        }
        options.toasts =
            std::env::var_os("HOTELMATE_KIOSK").is_none_or(|v| v.is_empty() || v == "0");
        options
    }
}

/// The desk's core. Cheap to clone; all clones are the same desk.
#[derive(Clone)]
pub struct Desk {
    inner: Arc<Inner>,
}

struct Inner {
    options: DeskOptions,
    store: Arc<Store>,
    media: MediaCache,
    events: broadcast::Sender<DeskEvent>,
    live: Mutex<Option<Live>>,
    sync: Mutex<Option<Arc<SyncShared>>>,
    running: tokio::sync::Mutex<Option<Running>>,
    demo: tokio::sync::Mutex<Option<DemoHotel>>,
}

/// The background work of a signed-in desk.
struct Running {
    engine: SyncEngine,
    socket: Option<live::Live>,
    notifier: Option<crate::notify::Notifier>,
}

/// The signed-in state kept in memory: the stored row and an authenticated client.
#[derive(Clone)]
struct Live {
    row: SessionRow,
    client: ApiClient,
}

impl Desk {
    /// Opens the desk's database. Nothing touches the network until [`Desk::resume`] or a sign-in.
    pub fn open(options: DeskOptions) -> Result<Self, DeskError> {
        let store = Arc::new(Store::open(&options.data_dir.database())?);
        let media = MediaCache::open(options.data_dir.media())?;
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Ok(Self {
            inner: Arc::new(Inner {
                options,
                store,
                media,
                events,
                live: Mutex::new(None),
                sync: Mutex::new(None),
                running: tokio::sync::Mutex::new(None),
                demo: tokio::sync::Mutex::new(None),
            }),
        })
    }

    /// Every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.inner.events.subscribe()
    }

    fn emit(&self, event: DeskEvent) {
        // No receiver (no window yet) is fine: the UI asks for the current state when it starts.
        let _ = self.inner.events.send(event);
    }

    fn live(&self) -> Option<Live> {
        self.inner
            .live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn set_live(&self, live: Option<Live>) {
        *self
            .inner
            .live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = live;
    }

    /// The signed-in staff member, if any (from memory; no I/O).
    pub fn session(&self) -> Option<SessionInfo> {
        self.live().map(|live| session_info(&live.row))
    }

    /// At start-up: restores the saved session from SQLite and the keyring, starting the demo
    /// hotel again if that is where the session is. Works with no network; the names are
    /// refreshed in the background.
    pub async fn resume(&self) -> Result<Option<SessionInfo>, DeskError> {
        if let Some(live) = self.live() {
            return Ok(Some(session_info(&live.row)));
        }
        let Some(mut row) = self.inner.store.load_session()? else {
            return Ok(None);
        };
        let Some(token) = self.inner.options.vault.load(&row.account)? else {
            self.inner.store.wipe_account()?;
            self.emit(DeskEvent::SessionExpired {
                message:
                    "Your saved sign-in is no longer in the system keyring. Please sign in again."
                        .into(),
            });
            return Ok(None);
        };
        if row.is_demo {
            let demo = self.start_demo().await?;
            row.api_base = demo.api_base.to_string();
            row.pusher = Some(pusher_json(&demo.pusher));
        }
        let base = ApiBase::parse(&row.api_base)?;
        let client =
            ApiClient::with_timeout(base, self.inner.options.request_timeout)?.authenticated(token);
        let info = session_info(&row);
        self.set_live(Some(Live { row, client }));
        self.emit(DeskEvent::SessionChanged {
            session: Some(info.clone()),
        });
        let desk = self.clone();
        tokio::spawn(async move { desk.refresh_identity().await });
        Ok(Some(info))
    }

    /// Signs in to a real HotelMate server.
    pub async fn sign_in(&self, request: SignInRequest) -> Result<SessionInfo, DeskError> {
        let base = ApiBase::parse(&request.server_url)?;
        if let Some(pusher) = &request.pusher {
            pusher.validate()?;
        }
        self.stop_demo().await;
        let account = format!("{}@{}", request.username.trim(), base.host());
        self.sign_in_at(
            base,
            request.pusher,
            account,
            false,
            &request.username,
            &request.password,
        )
        .await
    }

    /// Starts the built-in demo hotel on this computer and signs in as its receptionist.
    pub async fn sign_in_demo(&self) -> Result<SessionInfo, DeskError> {
        let demo = self.start_demo().await?;
        let login = demo::receptionist();
        let account = format!("demo:{}", login.username);
        self.sign_in_at(
            demo.api_base,
            Some(demo.pusher),
            account,
            true,
            login.username,
            login.password,
        )
        .await
    }

    async fn sign_in_at(
        &self,
        base: ApiBase,
        pusher: Option<PusherEndpoint>,
        account: String,
        is_demo: bool,
        username: &str,
        password: &str,
    ) -> Result<SessionInfo, DeskError> {
        let username = username.trim();
        if username.is_empty() {
            return Err(DeskError::InvalidInput {
                field: "username",
                message: "Enter your username.".into(),
            });
        }
        if password.is_empty() {
            return Err(DeskError::InvalidInput {
                field: "password",
                message: "Enter your password.".into(),
            });
        }
        let anonymous = ApiClient::with_timeout(base.clone(), self.inner.options.request_timeout)?;
        let login = anonymous.login(username, password).await?;
        let Some(slug) = login.slug().map(str::to_owned) else {
            return Err(ApiError::Unsupported {
                message: "this account is not linked to a hotel, so the desk has nothing to show"
                    .into(),
            }
            .into());
        };
        let client = anonymous.authenticated(login.token.clone());
        let me = client.me(&slug).await?;
        let row = SessionRow {
            account,
            username: login.username.clone(),
            api_base: base.to_string(),
            pusher: pusher.as_ref().map(pusher_json),
            is_demo,
            hotel_id: login.hotel_id.or(login.hotel.as_ref().map(|h| h.id)),
            hotel_name: login
                .hotel_name()
                .or(me.hotel_name.as_deref())
                .unwrap_or(&slug)
                .to_owned(),
            hotel_slug: slug,
            staff_id: login.staff_id,
            first_name: me.first_name.clone(),
            last_name: me.last_name.clone(),
            role: login
                .role
                .clone()
                .or_else(|| me.role_detail.as_ref().and_then(|r| r.name.clone())),
            department: login
                .department
                .clone()
                .or_else(|| me.department_detail.as_ref().and_then(|d| d.name.clone())),
            access_level: login.access_level.clone(),
            signed_in_at: chrono::Utc::now().to_rfc3339(),
        };
        self.save_signed_in(&row, &login.token)?;
        let info = session_info(&row);
        self.set_live(Some(Live {
            row: row.clone(),
            client: client.clone(),
        }));
        self.start_sync(&row, client).await;
        self.emit(DeskEvent::SessionChanged {
            session: Some(info.clone()),
        });
        self.emit(DeskEvent::Connection {
            status: ConnectionStatus::Online,
        });
        Ok(info)
    }

    /// Token to the keyring first (nothing is written if the keyring refuses), then the session
    /// to SQLite; if that fails, the token is taken back out.
    fn save_signed_in(&self, row: &SessionRow, token: &StaffToken) -> Result<(), DeskError> {
        let vault = &self.inner.options.vault;
        if let Some(previous) = self
            .inner
            .store
            .load_session()?
            .filter(|p| p.account != row.account)
        {
            vault.delete(&previous.account)?;
        }
        vault.store(&row.account, token)?;
        if let Err(err) = self.inner.store.save_session(row) {
            if let Err(cleanup) = vault.delete(&row.account) {
                tracing::warn!(error = %cleanup, "could not take the token back out of the keyring");
            }
            return Err(err.into());
        }
        Ok(())
    }

    /// Forgets the token (keyring) and this account's local data; stops the demo hotel.
    pub async fn sign_out(&self) -> Result<(), DeskError> {
        if let Some(row) = self.inner.store.load_session()? {
            self.inner.options.vault.delete(&row.account)?;
        }
        self.stop_sync().await;
        self.inner.store.wipe_account()?;
        self.set_live(None);
        self.stop_demo().await;
        self.emit(DeskEvent::SessionChanged { session: None });
        Ok(())
    }

    /// Asks the server who is signed in and stores the names. A refused token ends the session.
    pub async fn refresh_identity(&self) -> Result<SessionInfo, DeskError> {
        let live = self.live().ok_or(DeskError::NotSignedIn)?;
        match live.client.me(&live.row.hotel_slug).await {
            Ok(me) => {
                let role = me.role_detail.as_ref().and_then(|r| r.name.as_deref());
                let department = me
                    .department_detail
                    .as_ref()
                    .and_then(|d| d.name.as_deref());
                self.inner.store.update_identity(
                    &me.first_name,
                    &me.last_name,
                    role,
                    department,
                )?;
                let mut row = live.row.clone();
                row.first_name = me.first_name.clone();
                row.last_name = me.last_name.clone();
                let info = session_info(&row);
                self.set_live(Some(Live {
                    row,
                    client: live.client,
                }));
                self.emit(DeskEvent::Connection {
                    status: ConnectionStatus::Online,
                });
                self.emit(DeskEvent::SessionChanged {
                    session: Some(info.clone()),
                });
                Ok(info)
            }
            Err(ApiError::Unauthorized { message }) => {
                tracing::warn!("the server refused the saved token; signing out");
                self.sign_out().await?;
                self.emit(DeskEvent::SessionExpired {
                    message: format!("The server no longer accepts your sign-in ({message}). Please sign in again."),
                });
                Err(ApiError::Unauthorized { message }.into())
            }
            Err(err @ (ApiError::Network { .. } | ApiError::Timeout { .. })) => {
                self.emit(DeskEvent::Connection {
                    status: ConnectionStatus::Offline {
                        since: chrono::Utc::now().to_rfc3339(),
                        reason: err.to_string(),
                        retry_in_seconds: None,
                    },
                });
                Err(err.into())
            }
            Err(err) => Err(err.into()),
        }
    }

    async fn start_demo(&self) -> Result<demo::DemoEndpoints, DeskError> {
        let mut slot = self.inner.demo.lock().await;
        if let Some(running) = slot.as_ref() {
            return Ok(running.endpoints());
        }
        let hotel = DemoHotel::start(&self.inner.options.data_dir.demo_hotel()).await?;
        let endpoints = hotel.endpoints();
        *slot = Some(hotel);
        Ok(endpoints)
    }

    async fn stop_demo(&self) {
        if let Some(hotel) = self.inner.demo.lock().await.take() {
            hotel.stop().await;
        }
    }

    /// Starts the sync engine and the live socket for a signed-in session.
    async fn start_sync(&self, row: &SessionRow, client: ApiClient) {
        self.stop_sync().await;
        let engine = SyncEngine::start(
            client,
            self.inner.store.clone(),
            self.inner.media.clone(),
            row.hotel_slug.clone(),
            self.inner.events.clone(),
        );
        let endpoint = row
            .pusher
            .as_deref()
            .and_then(|json| serde_json::from_str::<PusherEndpoint>(json).ok());
        let socket = endpoint.and_then(|endpoint| {
            match live::Live::start(&endpoint, engine.shared.clone()) {
                Ok(socket) => Some(socket),
                Err(err) => {
                    tracing::warn!(error = %err, "live updates are off");
                    None
                }
            }
        });
        *self
            .inner
            .sync
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(engine.shared.clone());
        let notifier = self.inner.options.toasts.then(|| {
            crate::notify::Notifier::start(self.inner.events.subscribe(), self.muted_toasts())
        });
        *self.inner.running.lock().await = Some(Running {
            engine,
            socket,
            notifier,
        });
    }

    async fn stop_sync(&self) {
        self.inner
            .sync
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(running) = self.inner.running.lock().await.take() {
            if let Some(notifier) = running.notifier {
                notifier.stop();
            }
            if let Some(socket) = running.socket {
                socket.stop().await;
            }
            running.engine.stop().await;
        }
    }

    /// The sync engine of the signed-in session.
    fn sync(&self) -> Result<Arc<SyncShared>, DeskError> {
        self.inner
            .sync
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .ok_or(DeskError::NotSignedIn)
    }

    /// Stops background work (sync, live socket, the demo hotel) before the process exits.
    pub async fn shutdown(&self) {
        self.stop_sync().await;
        self.stop_demo().await;
    }
}

fn pusher_json(endpoint: &PusherEndpoint) -> String {
    serde_json::to_string(endpoint).unwrap_or_default()
}

fn session_info(row: &SessionRow) -> SessionInfo {
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
        server_label,
        is_demo: row.is_demo,
    }
}

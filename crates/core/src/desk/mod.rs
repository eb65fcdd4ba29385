//! `Desk`: the one facade the shell calls. It owns the store, the keyring vault, the API client,
//! the in-process demo hotel when one is used, and the stream of [`DeskEvent`]s for the UI.

mod demo;
mod handles;
mod images;
mod preferences;
mod rows;
mod running;
mod sign_in;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

pub use crate::context::{
    ComputerSettings, Conflict, ConnectionStatus, DeskError, DeskEvent, DeskInfo, ErrorCode,
    FieldProblem, Handle, OutboxSummary, Parts, Resolution, SessionInfo, SignInAgain,
    SignInRequest, UiError,
};
pub use crate::engine::store::UnsentWork;
pub use crate::features::display::handle::{
    bookable_on, hash_new_pin, time_zones, today_in, DisplayContent, DisplaySettings,
    DisplaySettingsChange, LeaveDisplay, ScanSites, SlideChange, SlideImage, TrustedSite,
    WaitingSite,
};
pub use crate::features::display::health::{DisplayHealth, DisplayReport, NotLiveSpan, ShownSlide};
pub use crate::features::display::scan::ScanCode;
pub use crate::features::display::{OpeningHours, OpeningState, WOKEN_MINUTES};
pub use crate::features::galleries::handle::{GalleryPatch, ImagePatch};
pub use crate::features::hotel_images::handle::HotelImageSlot;
pub use crate::features::room_types::handle::RoomTypePatch;
pub use crate::features::team::handle::CLOCK_REFUSED;
pub use crate::media::{Crop, ShownSize};

use crate::api::{ApiClient, ApiError, DEFAULT_REQUEST_TIMEOUT};
use crate::context::{lock, Context, Phase, Running};
use crate::engine::store::{SessionRow, Store};
use crate::media::{MediaCache, ShownImage, ShownImages};
use crate::session::config::{ApiBase, DataDir, PusherEndpoint};
use crate::session::secrets::{StaffToken, TokenVault};
pub use demo::{DemoFuture, DemoLauncher, DemoServer};

const EVENT_BUFFER: usize = 256;

/// The most texts [`Desk::find_in`] searches (a screen's list is far shorter).
pub const MOST_TEXTS_SEARCHED: usize = 2_000;
/// The most characters of each text [`Desk::find_in`] reads.
pub const MOST_TEXT_CHARS_SEARCHED: usize = 2_000;

/// How a [`Desk`] is set up. Tests point it at a temporary folder and their own keyring service.
#[derive(Clone)]
pub struct DeskOptions {
    /// Where the desk keeps its database, images and logs.
    pub data_dir: DataDir,
    /// Where sign-in tokens are kept (the keyring service).
    pub vault: TokenVault,
    /// How long one request may wait for its answer.
    pub request_timeout: Duration,
    /// Desktop toasts for colleagues' changes (off on a reception display: `HOTELMATE_KIOSK`).
    pub toasts: bool,
    /// Starts the built-in demo hotel; `None` in a build without one.
    pub demo: Option<Arc<dyn DemoLauncher>>,
    /// How much disk the images kept for showing offline may take.
    pub shown_images_limit_bytes: u64,
    /// How often everything is read again without live updates.
    pub poll_interval: Duration,
    /// How often what no live event announces is read again while live updates flow.
    pub quiet_interval: Duration,
    /// How often an area the server does not offer (to this account) is asked again.
    pub unavailable_recheck: Duration,
    /// How long the server may be silent, while the desk window is shown, before the desk asks
    /// it whether it answers (the status bar says "Connected" only of a server that answered
    /// within it).
    pub answer_stale: Duration,
    /// Where pictures and files may be fetched from besides the hotel's server (https only).
    pub media_hosts: Vec<String>,
    /// What this computer's IT presets (the system settings file); empty without one.
    pub system: crate::session::system::SystemSettings,
    /// How long a minute of the guest-wait reminder is (tests shorten it; a minute otherwise).
    pub reminder_minute: Duration,
    /// The page is painted on the CPU (no graphics acceleration: no GPU, or WebKitGTK's DMA-BUF
    /// renderer off): the display cuts between slides there unless its settings ask for fades
    /// (`SlideChange::Automatic`).
    pub cpu_painting: bool,
}

impl DeskOptions {
    /// The defaults, keeping the desk's files in `data_dir`.
    pub fn new(data_dir: DataDir) -> Self {
        Self {
            data_dir,
            vault: TokenVault::default(),
            toasts: true,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            demo: None,
            shown_images_limit_bytes: crate::media::shown::DEFAULT_SHOWN_IMAGES_LIMIT_BYTES,
            poll_interval: crate::engine::POLL_INTERVAL,
            quiet_interval: crate::engine::QUIET_INTERVAL,
            unavailable_recheck: crate::engine::UNAVAILABLE_RECHECK,
            answer_stale: crate::engine::ANSWER_STALE,
            media_hosts: crate::media::hosts::DEFAULT_MEDIA_HOSTS
                .iter()
                .map(|h| (*h).to_owned())
                .collect(),
            system: crate::session::system::SystemSettings::default(),
            reminder_minute: Duration::from_secs(60),
            cpu_painting: false,
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
        options.media_hosts = crate::media::hosts::ImageHosts::media_hosts_from_env();
        options
    }
}

/// The desk's core. Cheap to clone; all clones are the same desk.
#[derive(Clone)]
pub struct Desk {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// What the features' handles share: store, caches, events, the signed-in session.
    pub(crate) cx: Arc<Context>,
    pub(crate) options: DeskOptions,
    /// Serialises sign-in, resume, sign-out, expiry and shutdown, so two never interleave.
    transitions: tokio::sync::Mutex<()>,
    demo: tokio::sync::Mutex<Option<demo::RunningDemo>>,
    /// The background work of the signed-in session: there exactly while the phase is
    /// `SignedIn` (set before it, taken after it ends, under `transitions`).
    tasks: Mutex<Option<running::Tasks>>,
    /// The reception display's memory: wrong PINs typed lately, how it has been.
    display: crate::features::display::handle::DisplayMemory,
    /// Whether the desk window is shown, as the shell last said (shown until it says).
    window_shown: std::sync::atomic::AtomicBool,
}

impl Desk {
    /// Opens the desk's database. Nothing touches the network until [`Desk::resume`] or a sign-in.
    pub fn open(mut options: DeskOptions) -> Result<Self, DeskError> {
        // Where pictures may come from: what IT set for the fleet wins.
        if let Some(hosts) = &options.system.media_hosts {
            options.media_hosts = hosts.clone();
        }
        let cpu_painting = options.cpu_painting;
        let store = Arc::new(Store::open(
            &options.data_dir.database(),
            crate::features::LOCAL_DATA,
        )?);
        let media = MediaCache::open(options.data_dir.media())?;
        let shown = ShownImages::open(options.data_dir.images(), options.shown_images_limit_bytes)?;
        // Everything the desk keeps, readable by this user only (new folders and old data).
        options.data_dir.keep_private()?;
        crate::features::display::handle::retire_weak_pin(&store)?;
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let cx = Context::new(
            options.request_timeout,
            options.system.clone(),
            store,
            media,
            shown,
            events,
        );
        Ok(Self {
            inner: Arc::new(Inner {
                cx: Arc::new(cx),
                options,
                transitions: tokio::sync::Mutex::new(()),
                demo: tokio::sync::Mutex::new(None),
                tasks: Mutex::new(None),
                display: crate::features::display::handle::DisplayMemory::new(cpu_painting),
                window_shown: std::sync::atomic::AtomicBool::new(true),
            }),
        })
    }

    /// Every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.inner.cx.events.subscribe()
    }

    pub(crate) fn emit(&self, event: DeskEvent) {
        self.inner.cx.emit(event);
    }

    fn set_phase(&self, phase: Phase) -> Phase {
        self.inner.cx.set_phase(phase)
    }

    /// The signed-in desk, or why there is none.
    pub(crate) fn running(&self) -> Result<Arc<Running>, DeskError> {
        self.inner.cx.running()
    }

    /// The signed-in staff member, if any (from memory; no I/O).
    pub fn session(&self) -> Option<SessionInfo> {
        self.inner.cx.session()
    }

    /// The areas this server or this account does not offer, in words (each screen's first
    /// paint; later changes come as `AreaAvailability` events).
    pub fn unavailable_areas(&self) -> Vec<crate::events::AreaStatus> {
        self.running()
            .map(|running| running.sync.unavailable_areas())
            .unwrap_or_default()
    }

    /// The person opened the screen of `view`: what it shows that no live event announces
    /// (galleries, room types, the conversation list) is read now unless read in the last
    /// minute. With live updates it is otherwise read only every ten minutes.
    pub fn looking_at(&self, view: crate::events::View) {
        if let Ok(running) = self.running() {
            running.sync.looking_at(view);
        }
    }

    /// Whether the desk window is seen (shown, not minimised or closed): the shell says so
    /// every second. While it is, a server silent for a minute is asked whether it answers,
    /// so the status bar never says "Connected" of one that stopped (issue 63.13); while it is
    /// not, nothing is asked only for that.
    pub fn window_shown(&self, shown: bool) {
        self.inner
            .window_shown
            .store(shown, std::sync::atomic::Ordering::Relaxed);
        if let Ok(running) = self.running() {
            running.sync.window_shown(shown);
        }
    }

    /// The person opened a screen that reads nothing of its own (the Overview, Settings): what
    /// is read only while its screen shows (the Guest page) is not read meanwhile.
    pub fn looking_away(&self) {
        if let Ok(running) = self.running() {
            running.sync.looking_away();
        }
    }

    /// Tests: every list was last read `by` earlier than it was, as if that much time had
    /// passed since (the poll interval [`Self::looking_at`] waits on purpose).
    #[cfg(feature = "test-support")]
    pub fn age_reads_by(&self, by: std::time::Duration) {
        if let Ok(running) = self.running() {
            running.sync.age_reads_by(by);
        }
    }

    /// Resolves when the desk has settled: every queue's sender waits between rounds with no
    /// work asked of it and none due now (nothing is being sent or read until time passes or
    /// something new comes; what the live socket hears is not covered). Keeping the rows' photos
    /// on this computer is one of those lanes, asked each time rows change. While the socket is
    /// connected, the chat's reads that its channel's confirmation asks for count as on their way
    /// from the moment the socket connects. At once when no one is signed in. For tests that
    /// check what did *not* happen, instead of sleeping.
    #[cfg(feature = "test-support")]
    pub async fn settled(&self) {
        if let Ok(running) = self.running() {
            running.sync.activity.settled().await;
        }
    }

    /// How the link to the server is doing right now (the status bar's first paint).
    pub fn connection_status(&self) -> ConnectionStatus {
        self.running()
            .map(|running| running.sync.connection_status())
            .unwrap_or(ConnectionStatus::Unknown)
    }

    /// Since when the disk has been too full to keep what arrives (RFC 3339), while it is
    /// (issue 63.9; [`DeskEvent::Storage`] tells each change).
    pub fn storage_full_since(&self) -> Option<String> {
        self.running()
            .ok()
            .and_then(|running| running.sync.storage_full_since())
    }

    /// Test support: fills this desk's database as a full disk would ([`Store::fill_for_test`]),
    /// or gives its room back (`full` false).
    #[cfg(feature = "test-support")]
    pub fn fill_disk_for_test(&self, full: bool) -> Result<(), DeskError> {
        let store = &self.inner.cx.store;
        if full {
            store.fill_for_test()?;
        } else {
            store.free_for_test()?;
        }
        Ok(())
    }

    /// At start-up: restores the saved session from SQLite and the keyring and starts the desk
    /// exactly as a sign-in does (sync engine, live socket), starting the demo hotel again if
    /// that is where the session is. Works with no network: cached data shows at once and the
    /// engine keeps trying. Without a token (the server ended the sign-in, or the keyring lost
    /// it) the account's data and waiting edits are kept for when the same account signs in.
    pub async fn resume(&self) -> Result<Option<SessionInfo>, DeskError> {
        let _transition = self.inner.transitions.lock().await;
        if let Some(info) = self.session() {
            return Ok(Some(info));
        }
        let Some(mut row) = self.inner.cx.store.load_session()? else {
            return Ok(None);
        };
        let Some(token) = self.inner.options.vault.load(&row.account).await? else {
            self.emit(DeskEvent::SessionExpired {
                message: "Your sign-in has ended. Please sign in again.".into(),
                again: Some(self.sign_in_again(&row)),
            });
            return Ok(None);
        };
        self.set_phase(Phase::Resuming);
        let started = async {
            if row.is_demo {
                let (api_base, pusher, ..) = self.start_demo().await?;
                row.api_base = api_base.to_string();
                row.pusher = Some(pusher_json(&pusher)?);
            }
            let base = ApiBase::parse(&row.api_base)?;
            let client = ApiClient::with_timeout(base, self.inner.options.request_timeout)?
                .authenticated(token)
                .with_generation(row.generation);
            Ok::<_, DeskError>(self.start(row, client))
        }
        .await;
        match started {
            Ok(info) => {
                let desk = self.clone();
                tokio::spawn(async move {
                    if let Err(err) = desk.refresh_identity().await {
                        tracing::info!(error = %err, "the staff names were not refreshed");
                    }
                });
                Ok(Some(info))
            }
            Err(err) => {
                self.set_phase(Phase::SignedOut);
                Err(err)
            }
        }
    }

    /// The texts among `texts` that `query` finds, by the desk's one search rule (accents,
    /// case and punctuation aside, each word typed beginning a word; issue 63.15), as their
    /// places in `texts`, best first (whole words before words begun, else in their order).
    /// For lists a screen holds (the settings, the saved replies' names), so a screen never
    /// matches by a rule of its own. At most [`MOST_TEXTS_SEARCHED`] texts of at most
    /// [`MOST_TEXT_CHARS_SEARCHED`] characters each are read; the query is bounded by the rule.
    pub fn find_in(&self, query: &str, texts: &[String]) -> Vec<u32> {
        let query = crate::rules::search::Query::new(query);
        let mut found: Vec<(crate::rules::search::Rank, u32)> = texts
            .iter()
            .take(MOST_TEXTS_SEARCHED)
            .zip(0..)
            .filter_map(|(text, place)| {
                let text = match text.char_indices().nth(MOST_TEXT_CHARS_SEARCHED) {
                    Some((end, _)) => &text[..end],
                    None => text.as_str(),
                };
                query.rank(&[text]).map(|rank| (rank, place))
            })
            .collect();
        found.sort_by_key(|(rank, place)| (std::cmp::Reverse(*rank), *place));
        found.into_iter().map(|(_, place)| place).collect()
    }

    /// What this computer's IT presets, for the sign-in form (the PIN's hash stays here).
    pub fn system_settings(&self) -> crate::session::system::SystemSettings {
        self.inner.options.system.clone()
    }

    /// Whether this build has the built-in demo hotel.
    pub fn has_demo(&self) -> bool {
        self.inner.options.demo.is_some()
    }

    /// The version, whether there is a demo hotel, and where data and logs are kept.
    pub fn info(&self) -> DeskInfo {
        let data_dir = &self.inner.options.data_dir;
        DeskInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            has_demo: self.has_demo(),
            data_dir: data_dir.path().display().to_string(),
            log_dir: data_dir.logs().display().to_string(),
        }
    }

    /// The server refused `account`'s token: stop, forget the token, keep the account's data
    /// and waiting edits, and ask for the password.
    async fn expire(&self, account: &str, server_message: &str) {
        let _transition = self.inner.transitions.lock().await;
        let current = self.running().ok().filter(|r| r.account == account);
        if current.is_none() {
            return;
        }
        self.stop_running().await;
        if let Err(err) = self.inner.options.vault.delete(account).await {
            tracing::warn!(error = %err, "could not delete the refused token from the keyring");
        }
        let again = match self.inner.cx.store.load_session() {
            Ok(row) => row.map(|row| self.sign_in_again(&row)),
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the session to offer signing in again");
                None
            }
        };
        self.emit(DeskEvent::SessionChanged { session: None });
        self.emit(DeskEvent::SessionExpired {
            message: format!(
                "The server no longer accepts your sign-in ({server_message}). Please sign in again."
            ),
            again,
        });
    }

    fn sign_in_again(&self, row: &SessionRow) -> SignInAgain {
        let unsent = self.inner.cx.store.unsent_work().unwrap_or_else(|err| {
            tracing::warn!(error = %err, "cannot count the work waiting to be sent");
            UnsentWork::default()
        });
        SignInAgain {
            server_url: row.api_base.clone(),
            username: row.username.clone(),
            is_demo: row.is_demo,
            waiting_edits: unsent.on_its_way(),
            waiting_for_decision: unsent.to_decide,
            drafts: unsent.drafts,
        }
    }

    /// Token to the keyring first (nothing is written if the keyring refuses), then the session
    /// to SQLite; if that fails, the token is taken back out.
    async fn save_signed_in(&self, row: &SessionRow, token: &StaffToken) -> Result<(), DeskError> {
        let vault = &self.inner.options.vault;
        if let Some(previous) = self
            .inner
            .cx
            .store
            .load_session()?
            .filter(|p| p.account != row.account)
        {
            vault.delete(&previous.account).await?;
        }
        vault.store(&row.account, token).await?;
        if let Err(err) = self.inner.cx.store.save_session(row) {
            if let Err(cleanup) = vault.delete(&row.account).await {
                tracing::warn!(error = %cleanup, "could not take the token back out of the keyring");
            }
            return Err(err.into());
        }
        Ok(())
    }

    /// What this desk holds that the server does not have yet (edits, uploads, replies and
    /// files for guests, refused ones, drafts), for the sign-out question and every "waiting"
    /// count.
    pub fn unsent_work(&self) -> Result<crate::engine::store::UnsentWork, DeskError> {
        Ok(self.inner.cx.store.unsent_work()?)
    }

    /// What the notification shown at quitting says is kept on this computer and what becomes
    /// of each kind (sent when the desk runs again, waiting for a decision, kept as a draft);
    /// `None` when nothing waits.
    pub fn work_kept_at_quit(&self) -> Result<Option<String>, DeskError> {
        Ok(crate::context::unsent::kept_at_quit(&self.unsent_work()?))
    }

    /// Forgets the token (keyring) and this account's local data; stops the demo hotel. With
    /// anything unsent it signs out only when told to discard it: otherwise it refuses with
    /// [`DeskError::UnsentWork`] and changes nothing (the person chooses, never the desk).
    pub async fn sign_out(&self) -> Result<(), DeskError> {
        self.sign_out_discarding(false).await
    }

    /// Signs out, deleting what has not reached the server if `discard_unsent` (the person
    /// chose "Discard N changes and sign out"); else as [`Desk::sign_out`].
    pub async fn sign_out_discarding(&self, discard_unsent: bool) -> Result<(), DeskError> {
        let _transition = self.inner.transitions.lock().await;
        let unsent = self.inner.cx.store.unsent_work()?;
        if unsent.total() > 0 && !discard_unsent {
            return Err(DeskError::UnsentWork(unsent));
        }
        if unsent.total() > 0 {
            tracing::warn!(
                ?unsent,
                "signing out; the person chose to discard what was not sent"
            );
        }
        // The token goes first: a keyring that does not answer refuses the sign-out, in words,
        // with the desk still signed in and at work, never half signed out (issue 63.20).
        if let Some(row) = self.inner.cx.store.load_session()? {
            self.inner.options.vault.delete(&row.account).await?;
        }
        self.stop_running().await;
        self.inner.cx.store.wipe_account()?;
        // Every picture shown to this person (guests' photos among them) goes with the account.
        if let Err(err) = self.inner.cx.shown.forget_all() {
            tracing::warn!(error = %err, "the pictures shown to the last person could not all be removed");
        }
        // The files of replies that were waiting go with them.
        let chat_files = self
            .inner
            .options
            .data_dir
            .media()
            .join(crate::features::chat::worker::FILES_FOLDER);
        if let Err(err) = std::fs::remove_dir_all(&chat_files) {
            if err.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(error = %err, "the files of unsent replies could not be removed");
            }
        }
        self.stop_demo().await;
        self.emit(DeskEvent::SessionChanged { session: None });
        Ok(())
    }

    /// Asks the server who is signed in and stores the names. A refused token ends the session
    /// (as any refused request does).
    pub async fn refresh_identity(&self) -> Result<SessionInfo, DeskError> {
        self.inner.cx.refresh_identity().await
    }

    /// An image to show (a photo URL of a stored row) at `size`, as the desk rendered it (issue
    /// 63.1: the window never decodes a sender's file): from this desk's disk when it was shown
    /// before, so it shows with no network; else fetched once and kept.
    pub async fn image(&self, url: &str, size: ShownSize) -> Result<ShownImage, DeskError> {
        if let Some(hash) = url.strip_prefix(crate::features::galleries::LOCAL_IMAGE_PREFIX) {
            // An image prepared here and waiting to be uploaded (`UploadView::preview`).
            let image = self
                .inner
                .cx
                .media
                .get(hash)?
                .ok_or(DeskError::Missing("image"))?;
            let bytes = tokio::fs::read(&image.path).await.map_err(|source| {
                crate::media::MediaError::CacheRead {
                    path: image.path.clone(),
                    source,
                }
            })?;
            return Ok(ShownImage {
                bytes,
                mime: image.mime,
            });
        }
        Ok(self.inner.cx.shown.get(url, size).await?)
    }

    /// Stops background work (sync, live socket, the demo hotel) before the process exits.
    /// Nothing is forgotten: the next start resumes where this one stopped.
    pub async fn shutdown(&self) {
        let _transition = self.inner.transitions.lock().await;
        self.stop_running().await;
        self.stop_demo().await;
    }
}

fn pusher_json(endpoint: &PusherEndpoint) -> Result<String, DeskError> {
    serde_json::to_string(endpoint)
        .map_err(|err| DeskError::Interrupted(format!("saving the live-update settings: {err}")))
}

//! Desktop toasts: which desk events become notifications, and showing them (notify-rust, the
//! freedesktop Notifications service on Linux). Only changes made by someone else, only in
//! categories the user has not muted, grouped when several arrive together, and never on the
//! reception display (the kiosk runs its own desk without a notifier). A guest's message is
//! shown once (by its id) and clicking it opens its thread.

use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::{error::RecvError, Receiver, Sender};
use tokio::task::JoinHandle;
use ts_rs::TS;

use crate::engine::spec::{spec_of, Resources};
use crate::events::{DeskEvent, ResourceKind};

/// Toasts arriving within this window are shown as one.
pub(crate) const GROUP_WINDOW: Duration = Duration::from_millis(1500);
const APP_NAME: &str = "HotelMate Desk";
/// How long a colleague's change stays on screen; a guest's message stays longer.
const CHANGE_TIMEOUT_MS: u32 = 6000;
const GUEST_TIMEOUT_MS: u32 = 20_000;
/// A guest's message is cut to this in a toast.
const GUEST_TEXT_CHARS: usize = 200;
/// A grouped toast lists at most this many messages or changes (the newest), then how many more.
const GROUPED_LINES: usize = 5;
/// Guest messages already shown, remembered so one is never shown twice.
const SHOWN_MESSAGES_KEPT: usize = 512;

/// Whether a kind of toast (one per resource kind) is muted, for the settings switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ToastSetting {
    /// The kind of change the toasts are about.
    pub category: ResourceKind,
    /// Whether those toasts are muted.
    pub muted: bool,
}

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Toast {
    pub category: ResourceKind,
    pub summary: String,
    pub body: String,
    /// Clicking it opens this guest conversation.
    pub open_thread: Option<i64>,
    /// How many messages or changes it tells of.
    pub count: u32,
    /// A reminder that a guest waits for an answer, not news of a message (issue 63.19: a
    /// group of reminders said "N new guest messages").
    pub reminder: bool,
}

/// How long a guest has waited, in the words a person reads at a glance: "12 min", "9 h 39 min",
/// "2 days 3 h" (issue 63.19: "579 min").
pub(crate) fn waited_words(minutes: u32) -> String {
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, 0, _) => "1 day".to_owned(),
        (1, h, _) => format!("1 day {h} h"),
        (d, 0, _) => format!("{d} days"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}

/// The toast for an event, if it deserves one; the words are the resource's
/// (`ResourceSpec::toast`). `RemoteChange` is only emitted for other people's changes, so this
/// desk's own edits never toast.
pub(crate) fn toast_for(event: &DeskEvent, resources: Resources) -> Option<Toast> {
    if let DeskEvent::GuestMessage {
        conversation_id,
        room_number,
        guest_name,
        text,
        earlier,
        ..
    } = event
    {
        let who = guest_title(room_number, guest_name.as_deref());
        let body = crate::rules::text::shorten(text, GUEST_TEXT_CHARS);
        let count = earlier.saturating_add(1);
        return Some(Toast {
            category: ResourceKind::Conversations,
            summary: if count > 1 {
                format!("{who}: {count} new messages")
            } else {
                who
            },
            body,
            open_thread: Some(*conversation_id),
            count,
            reminder: false,
        });
    }
    if let DeskEvent::GuestWaiting {
        conversation_id,
        room_number,
        guest_name,
        minutes,
    } = event
    {
        let who = guest_title(room_number, guest_name.as_deref());
        return Some(Toast {
            category: ResourceKind::Conversations,
            summary: format!("{who} has waited {}", waited_words(*minutes)),
            body: "No answer yet. Click to open the conversation.".into(),
            open_thread: Some(*conversation_id),
            count: 1,
            reminder: true,
        });
    }
    let DeskEvent::RemoteChange {
        resource,
        action,
        title,
        ..
    } = event
    else {
        return None;
    };
    let spec = spec_of(resources, *resource)?;
    let (summary, body) = (spec.toast)(action, title.as_deref())?;
    Some(Toast {
        category: *resource,
        summary,
        body,
        open_thread: None,
        count: 1,
        reminder: false,
    })
}

/// Who wrote, as a guest's toast is titled: "Room 310 · Mary Byrne", or "Room 310" when the
/// desk does not know the guest's name. Both are outside text, so both go through `reveal` (a
/// right-to-left override in a name never disguises the toast).
fn guest_title(room_number: &str, guest_name: Option<&str>) -> String {
    let room = crate::rules::text::reveal(room_number);
    match guest_name.map(str::trim).filter(|name| !name.is_empty()) {
        Some(name) => format!("Room {room} · {}", crate::rules::text::reveal(name)),
        None => format!("Room {room}"),
    }
}

/// A kind's toasts as one: the newest few, then how many more.
fn group_of(toasts: Vec<Toast>) -> Option<Toast> {
    match toasts.len() {
        0 => None,
        1 => toasts.into_iter().next(),
        lines => {
            let category = toasts[0].category;
            let guests = category == ResourceKind::Conversations;
            let n: u32 = toasts.iter().map(|t| t.count).sum();
            // The newest few, then how many more: a flood is one readable toast.
            let mut body = toasts
                .iter()
                .skip(lines.saturating_sub(GROUPED_LINES))
                .map(|t| {
                    if guests {
                        format!("{}: {}", t.summary, t.body)
                    } else {
                        t.body.clone()
                    }
                })
                .collect::<Vec<_>>();
            if lines > GROUPED_LINES {
                body.insert(0, format!("…and {} earlier", lines - GROUPED_LINES));
            }
            let body = body.join("\n");
            let waiting: u32 = toasts.iter().filter(|t| t.reminder).map(|t| t.count).sum();
            let news = n - waiting;
            let guests_waiting = |w: u32| {
                if w == 1 {
                    "1 guest waiting for an answer".to_owned()
                } else {
                    format!("{w} guests waiting for an answer")
                }
            };
            let summary = match (guests, news, waiting) {
                (false, _, _) => format!("{n} changes by colleagues"),
                (true, news, 0) => format!("{news} new guest messages"),
                (true, 0, waiting) => guests_waiting(waiting),
                (true, 1, waiting) => format!("1 new guest message, {}", guests_waiting(waiting)),
                (true, news, waiting) => {
                    format!("{news} new guest messages, {}", guests_waiting(waiting))
                }
            };
            Some(Toast {
                category,
                summary,
                body,
                // The newest message's thread.
                open_thread: toasts.iter().rev().find_map(|t| t.open_thread),
                count: n,
                reminder: news == 0,
            })
        }
    }
}

/// After a toast, more of the same kind (more from the same guests, more colleagues' changes)
/// waits this long: a flood is one toast, then at most one summary a minute. It was one toast
/// per burst (~56 stacked in a 90 s flood, issue 36.7). A new guest is shown at once.
const FLOOD_QUIET: Duration = Duration::from_secs(60);

/// Paces the toasts of each kind (guests' messages, colleagues' changes).
#[derive(Default)]
struct Pacer {
    /// When each kind last showed, and the guests' conversations it told of since.
    last: std::collections::HashMap<ResourceKind, (tokio::time::Instant, BTreeSet<i64>)>,
    /// Toasts kept back meanwhile, in order.
    held: std::collections::HashMap<ResourceKind, Vec<Toast>>,
}

impl Pacer {
    /// The toasts of a burst to show now (grouped by kind); the rest are kept for [`Pacer::due`].
    fn offer(&mut self, burst: Vec<Toast>, now: tokio::time::Instant) -> Vec<Toast> {
        let mut kinds: Vec<(ResourceKind, Vec<Toast>)> = Vec::new();
        for toast in burst {
            match kinds.iter_mut().find(|(kind, _)| *kind == toast.category) {
                Some((_, toasts)) => toasts.push(toast),
                None => kinds.push((toast.category, vec![toast])),
            }
        }
        let mut now_shown = Vec::new();
        for (kind, toasts) in kinds {
            let quiet = self.last.get(&kind).is_some_and(|(at, threads)| {
                now < *at + FLOOD_QUIET
                    && toasts
                        .iter()
                        .all(|t| t.open_thread.is_none_or(|thread| threads.contains(&thread)))
            });
            let held = self.held.entry(kind).or_default();
            held.extend(toasts);
            if !quiet {
                now_shown.extend(self.release(kind, now));
            }
        }
        now_shown
    }

    /// When the next kept-back toast is due.
    fn next_due(&self) -> Option<tokio::time::Instant> {
        self.held
            .iter()
            .filter(|(_, toasts)| !toasts.is_empty())
            .filter_map(|(kind, _)| self.last.get(kind).map(|(at, _)| *at + FLOOD_QUIET))
            .min()
    }

    /// The kept-back toasts whose quiet time is over, one summary per kind.
    fn due(&mut self, now: tokio::time::Instant) -> Vec<Toast> {
        let kinds: Vec<ResourceKind> = self
            .held
            .iter()
            .filter(|(kind, toasts)| {
                !toasts.is_empty()
                    && self
                        .last
                        .get(*kind)
                        .is_none_or(|(at, _)| *at + FLOOD_QUIET <= now)
            })
            .map(|(kind, _)| *kind)
            .collect();
        kinds
            .into_iter()
            .filter_map(|kind| self.release(kind, now))
            .collect()
    }

    fn release(&mut self, kind: ResourceKind, now: tokio::time::Instant) -> Option<Toast> {
        let toasts = std::mem::take(self.held.entry(kind).or_default());
        let threads: BTreeSet<i64> = toasts.iter().filter_map(|t| t.open_thread).collect();
        let toast = group_of(toasts)?;
        let last = self.last.entry(kind).or_insert((now, BTreeSet::new()));
        if last.0 + FLOOD_QUIET <= now {
            last.1.clear();
        }
        last.0 = now;
        last.1.extend(threads);
        Some(toast)
    }
}

/// Shows toasts for a desk's events until stopped.
pub(crate) struct Notifier {
    muted: Arc<Mutex<BTreeSet<ResourceKind>>>,
    task: JoinHandle<()>,
}

/// Sleeps until `due`, or for ever without one (no paced toast waits).
async fn sleep_until_due(due: Option<tokio::time::Instant>) {
    match due {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Notifier {
    /// `me`: my staff id; events about me (clocked at the face terminal) are not colleagues'.
    /// `opener` receives [`DeskEvent::OpenThread`] when a guest's toast is clicked; nothing
    /// shows while `paused` is set (the reception display shows on this computer).
    pub(crate) fn start(
        mut events: Receiver<DeskEvent>,
        muted: BTreeSet<ResourceKind>,
        resources: Resources,
        me: i64,
        opener: Sender<DeskEvent>,
        paused: Arc<AtomicBool>,
    ) -> Self {
        let muted = Arc::new(Mutex::new(muted));
        let filter = muted.clone();
        let quiet = paused;
        let task = tokio::spawn(async move {
            let mut shown = ShownMessages::default();
            let mut toast_of = |event: &DeskEvent| {
                if about(event, me) {
                    return None;
                }
                if let DeskEvent::GuestMessage { message_id, .. } = event {
                    if !shown.first_time(*message_id) {
                        return None;
                    }
                }
                toast_for(event, resources)
            };
            let mut pacer = Pacer::default();
            loop {
                let due = pacer.next_due();
                let first = tokio::select! {
                    received = events.recv() => match received {
                        Ok(event) => event,
                        Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return,
                    },
                    () = sleep_until_due(due) => {
                        let toasts = pacer.due(tokio::time::Instant::now());
                        if !quiet.load(Ordering::SeqCst) {
                            for toast in toasts {
                                show(&toast, &opener).await;
                            }
                        }
                        continue;
                    }
                };
                let Some(first) = toast_of(&first) else {
                    continue;
                };
                let mut burst = vec![first];
                let deadline = tokio::time::Instant::now() + GROUP_WINDOW;
                while let Ok(Ok(event)) = tokio::time::timeout_at(deadline, events.recv()).await {
                    burst.extend(toast_of(&event));
                }
                let muted = filter
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clone();
                let heard = burst.len();
                burst.retain(|t| !muted.contains(&t.category));
                let paused = quiet.load(Ordering::SeqCst);
                // Why a toast did or did not show, for the hotel's IT (and what a test waits
                // for before it says none showed).
                tracing::info!(
                    heard,
                    muted = heard - burst.len(),
                    paused,
                    "a burst of colleagues' and guests' news was decided"
                );
                if paused {
                    continue;
                }
                for toast in pacer.offer(burst, tokio::time::Instant::now()) {
                    show(&toast, &opener).await;
                }
            }
        });
        Self { muted, task }
    }

    pub(crate) fn set_muted(&self, category: ResourceKind, muted: bool) {
        let mut set = self
            .muted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if muted {
            set.insert(category);
        } else {
            set.remove(&category);
        }
    }

    pub(crate) fn stop(self) {
        self.task.abort();
    }
}

/// The guest messages shown lately (a message can reach the desk on several channels).
#[derive(Default)]
struct ShownMessages(VecDeque<i64>);

impl ShownMessages {
    fn first_time(&mut self, id: i64) -> bool {
        if self.0.contains(&id) {
            return false;
        }
        if self.0.len() == SHOWN_MESSAGES_KEPT {
            self.0.pop_front();
        }
        self.0.push_back(id);
        true
    }
}

/// Whether `event` is about me (my own staff row): never a colleague's change.
fn about(event: &DeskEvent, me: i64) -> bool {
    matches!(event, DeskEvent::RemoteChange { resource: ResourceKind::Staff, id, .. } if *id == me)
}

/// Shows one notification of the desk's own (the answer to a tray action).
pub async fn show_message(summary: &str, body: &str) {
    let result = notification(summary, body, CHANGE_TIMEOUT_MS)
        .show_async()
        .await;
    if let Err(err) = result {
        tracing::info!(error = %err, "could not show a desktop notification");
    }
}

/// Text for a notification: its disguising characters shown, and, where the daemon renders
/// markup in the body (the Desktop Notifications spec lets it: bold, links, images), `&`, `<`
/// and `>` escaped, so a guest's "<b>URGENT</b><a href=…>" is shown as typed, never rendered.
/// The summary is plain text by the spec; it is made visible all the same.
fn as_plain_text(text: &str, markup: bool) -> String {
    let visible = crate::rules::text::reveal(text);
    if !markup {
        return visible;
    }
    let mut escaped = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Whether the notification daemon renders markup in bodies (asked once; when it cannot be
/// asked, assumed so: an escaped "&amp;" shown as typed is better than a rendered link).
fn daemon_renders_markup() -> bool {
    static MARKUP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *MARKUP.get_or_init(|| match notify_rust::get_capabilities() {
        Ok(capabilities) => capabilities.iter().any(|c| c == "body-markup"),
        Err(err) => {
            tracing::info!(error = %err, "cannot ask the notification daemon what it renders");
            true
        }
    })
}

fn notification(summary: &str, body: &str, timeout_ms: u32) -> notify_rust::Notification {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname(APP_NAME)
        .summary(&crate::rules::text::reveal(summary))
        .body(&as_plain_text(body, daemon_renders_markup()))
        .icon("dialog-information")
        .timeout(notify_rust::Timeout::Milliseconds(timeout_ms));
    notification
}

async fn show(toast: &Toast, opener: &Sender<DeskEvent>) {
    let mut notification = notification(
        &toast.summary,
        &toast.body,
        if toast.open_thread.is_some() {
            GUEST_TIMEOUT_MS
        } else {
            CHANGE_TIMEOUT_MS
        },
    );
    if toast.open_thread.is_some() {
        // "default": a click on the toast itself.
        notification
            .action("default", "Open")
            .action("open", "Open conversation");
    }
    let handle = match notification.show_async().await {
        Ok(handle) => handle,
        Err(err) => {
            tracing::info!(error = %err, "could not show a desktop notification");
            return;
        }
    };
    if let Some(conversation_id) = toast.open_thread {
        let opener = opener.clone();
        // Waiting for the click blocks a thread until the toast is clicked or closed: a thread
        // of its own, so neither quitting nor stopping the desk waits for it.
        let waiter = std::thread::Builder::new()
            .name("toast-click".into())
            .spawn(move || {
                handle.wait_for_action(|action| {
                    if action == "default" || action == "open" {
                        let _ = opener.send(DeskEvent::OpenThread { conversation_id });
                    }
                });
            });
        if let Err(err) = waiter {
            tracing::info!(error = %err, "a toast cannot be clicked to open its conversation");
        }
    }
}

#[cfg(test)]
mod tests;

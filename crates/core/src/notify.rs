//! Desktop toasts: which desk events become notifications, and showing them (notify-rust, the
//! freedesktop Notifications service on Linux). Only changes made by someone else, only in
//! categories the user has not muted, grouped when several arrive together, and never on the
//! reception display (the kiosk runs its own desk without a notifier).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::{error::RecvError, Receiver};
use tokio::task::JoinHandle;
use ts_rs::TS;

use crate::events::{DeskEvent, ResourceKind};
use crate::sync::spec::{spec_of, Resources};

/// Toasts arriving within this window are shown as one.
pub const GROUP_WINDOW: Duration = Duration::from_millis(1500);
const APP_NAME: &str = "HotelMate Desk";

/// Whether a kind of toast (one per resource kind) is muted, for the settings switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ToastSetting {
    pub category: ResourceKind,
    pub muted: bool,
}

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub category: ResourceKind,
    pub summary: String,
    pub body: String,
}

/// The toast for an event, if it deserves one; the words are the resource's
/// (`ResourceSpec::toast`). `RemoteChange` is only emitted for other people's changes, so this
/// desk's own edits never toast.
pub fn toast_for(event: &DeskEvent, resources: Resources) -> Option<Toast> {
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
    })
}

/// Several toasts of a burst as one.
pub fn group(toasts: Vec<Toast>) -> Option<Toast> {
    match toasts.len() {
        0 => None,
        1 => toasts.into_iter().next(),
        n => {
            let category = toasts[0].category;
            let body = toasts
                .iter()
                .map(|t| t.body.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            Some(Toast {
                category,
                summary: format!("{n} changes by colleagues"),
                body,
            })
        }
    }
}

/// Shows toasts for a desk's events until stopped.
pub struct Notifier {
    muted: Arc<Mutex<BTreeSet<ResourceKind>>>,
    task: JoinHandle<()>,
}

impl Notifier {
    /// `me`: my staff id; events about me (clocked at the face terminal) are not colleagues'.
    pub fn start(
        mut events: Receiver<DeskEvent>,
        muted: BTreeSet<ResourceKind>,
        resources: Resources,
        me: i64,
    ) -> Self {
        let muted = Arc::new(Mutex::new(muted));
        let filter = muted.clone();
        let task = tokio::spawn(async move {
            loop {
                let first = match events.recv().await {
                    Ok(event) => event,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return,
                };
                let Some(first) = toast_for(&first, resources).filter(|_| !about(&first, me))
                else {
                    continue;
                };
                let mut burst = vec![first];
                let deadline = tokio::time::Instant::now() + GROUP_WINDOW;
                while let Ok(Ok(event)) = tokio::time::timeout_at(deadline, events.recv()).await {
                    if !about(&event, me) {
                        burst.extend(toast_for(&event, resources));
                    }
                }
                let muted = filter
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .clone();
                burst.retain(|t| !muted.contains(&t.category));
                if let Some(toast) = group(burst) {
                    show(&toast).await;
                }
            }
        });
        Self { muted, task }
    }

    pub fn set_muted(&self, category: ResourceKind, muted: bool) {
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

    pub fn stop(self) {
        self.task.abort();
    }
}

/// Whether `event` is about me (my own staff row): never a colleague's change.
fn about(event: &DeskEvent, me: i64) -> bool {
    matches!(event, DeskEvent::RemoteChange { resource: ResourceKind::Staff, id, .. } if *id == me)
}

/// Shows one notification of the desk's own (the answer to a tray action).
pub async fn show_message(summary: &str, body: &str) {
    show(&Toast {
        category: ResourceKind::Staff,
        summary: summary.to_owned(),
        body: body.to_owned(),
    })
    .await;
}

async fn show(toast: &Toast) {
    let result = notify_rust::Notification::new()
        .appname(APP_NAME)
        .summary(&toast.summary)
        .body(&toast.body)
        .icon("dialog-information")
        .timeout(notify_rust::Timeout::Milliseconds(6000))
        .show_async()
        .await;
    if let Err(err) = result {
        tracing::info!(error = %err, "could not show a desktop notification");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources;

    fn change(action: &str) -> DeskEvent {
        DeskEvent::RemoteChange {
            resource: ResourceKind::Offers,
            action: action.into(),
            id: 3,
            title: Some("Spa".into()),
        }
    }

    #[test]
    fn only_colleagues_changes_worth_a_toast_become_one() {
        let toast = toast_for(&change("created"), resources::ALL).unwrap();
        assert_eq!(toast.category, ResourceKind::Offers);
        assert_eq!(toast.summary, "New offer");
        assert_eq!(toast_for(&change("updated"), resources::ALL), None);
        assert_eq!(
            toast_for(
                &DeskEvent::ResourceChanged {
                    resource: ResourceKind::Offers
                },
                resources::ALL
            ),
            None
        );
    }

    #[test]
    fn a_burst_becomes_one_toast() {
        let toasts: Vec<Toast> = ["created", "deleted"]
            .iter()
            .filter_map(|a| toast_for(&change(a), resources::ALL))
            .collect();
        let one = group(toasts).unwrap();
        assert_eq!(one.summary, "2 changes by colleagues");
        assert!(one.body.contains("added") && one.body.contains("deleted"));
    }
}

//! Live updates: the hotel channel (`hotel-<slug>`, API.md Decision 8) through `pusher-channels`.
//! Well-formed payloads are applied at once; every event is also a hint for a debounced
//! reconcile, and every (re)subscription reconciles everything. Unknown events are ignored.

use std::sync::Arc;
use std::time::Instant;

use pusher_channels::{Client, Config, ConnectionState, Event};
use serde_json::{Map, Value};
use tokio::task::JoinHandle;

use super::link::Socket;
use super::SyncShared;
use crate::config::PusherEndpoint;
use crate::desk::DeskEvent;
use crate::store::Row;

/// A change someone else made, as the UI (highlight) and the notifier (toast) need it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteChange {
    pub resource: &'static str,
    pub action: &'static str,
    pub id: i64,
    pub title: Option<String>,
}

/// What one event on the hotel channel means for the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Hint {
    Upsert {
        resource: &'static str,
        row: Row,
        action: &'static str,
    },
    Patch {
        resource: &'static str,
        id: i64,
        fields: Row,
        title: Option<String>,
    },
    Delete {
        resource: &'static str,
        id: i64,
        title: Option<String>,
    },
    /// Only "refetch".
    Reconcile,
    Ignore,
}

/// Reads an event of the hotel channel (payloads of API.md §9.2).
pub fn interpret(event: &str, data: &Value) -> Hint {
    let id_of = |key: &str| data.get(key).and_then(Value::as_i64);
    let title = || {
        data.get("offer_title")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match event {
        "offer-created" | "offer-updated" => match data.get("offer").and_then(Value::as_object) {
            Some(offer) if offer.get("id").and_then(Value::as_i64).is_some() => Hint::Upsert {
                resource: "offers",
                row: offer.clone(),
                action: if event == "offer-created" {
                    "created"
                } else {
                    "updated"
                },
            },
            _ => Hint::Reconcile,
        },
        "offer-deleted" => id_of("offer_id").map_or(Hint::Reconcile, |id| Hint::Delete {
            resource: "offers",
            id,
            title: title(),
        }),
        "offer-image-updated" => match (id_of("offer_id"), data.get("photo_url")) {
            (Some(id), Some(url)) if url.is_string() || url.is_null() => {
                let mut fields = Map::new();
                fields.insert("photo_url".into(), url.clone());
                Hint::Patch {
                    resource: "offers",
                    id,
                    fields,
                    title: title(),
                }
            }
            _ => Hint::Reconcile,
        },
        "offers-updated" => Hint::Reconcile,
        _ => Hint::Ignore,
    }
}

/// The Pusher client settings for an endpoint.
pub fn pusher_config(endpoint: &PusherEndpoint) -> Config {
    match endpoint {
        PusherEndpoint::Hosted { key, cluster } => Config::hosted(key, cluster),
        PusherEndpoint::SelfHosted {
            key,
            host,
            port,
            tls,
        } => Config::self_hosted(host, *port, *tls, key),
    }
}

/// Holds the socket and the tasks that read it.
pub struct Live {
    client: Client,
    tasks: Vec<JoinHandle<()>>,
}

impl Live {
    pub fn start(
        endpoint: &PusherEndpoint,
        shared: Arc<SyncShared>,
    ) -> Result<Self, pusher_channels::Error> {
        let client = Client::connect(pusher_config(endpoint))?;
        shared.set_socket_client(Some(client.clone()));
        let channel_name = format!("hotel-{}", shared.slug);
        let mut tasks = Vec::new();

        let mut states = client.states();
        let state_shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(state) = states.recv().await {
                if let Some(socket) = socket_state(&state) {
                    state_shared.socket_changed(socket);
                }
            }
        }));

        let subscriber = client.clone();
        tasks.push(tokio::spawn(async move {
            let channel = match subscriber.subscribe(&channel_name).await {
                Ok(channel) => channel,
                Err(err) => {
                    tracing::warn!(error = %err, channel = channel_name, "cannot subscribe to live updates");
                    shared.socket_changed(Socket::Off {
                        reason: "The hotel's live-update server refused this desk, so \
                                 colleagues' changes are fetched every minute."
                            .into(),
                    });
                    return;
                }
            };
            let mut events = channel.events();
            while let Some(event) = events.recv().await {
                apply(&shared, &event);
            }
        }));
        Ok(Self { client, tasks })
    }

    pub async fn stop(self) {
        for task in &self.tasks {
            task.abort();
        }
        self.client.shutdown().await;
    }
}

/// The socket's state as the link needs it (subscription is reported by `apply`).
fn socket_state(state: &ConnectionState) -> Option<Socket> {
    match state {
        ConnectionState::Connecting { .. } | ConnectionState::Connected { .. } => {
            Some(Socket::Connecting)
        }
        ConnectionState::Unavailable { retry_in, reason } => {
            tracing::info!(%reason, retry_in_ms = retry_in.as_millis() as u64, "live updates lost");
            Some(Socket::Down {
                since: chrono::Utc::now(),
                at: Instant::now(),
                retry_at: Some(Instant::now() + *retry_in),
            })
        }
        ConnectionState::Failed(reason) => {
            tracing::warn!(
                ?reason,
                "the live-update server refused this desk's settings"
            );
            Some(Socket::Off {
                reason: "The hotel's live-update server refused this desk's settings (check \
                         the Pusher key), so colleagues' changes are fetched every minute."
                    .into(),
            })
        }
        ConnectionState::Initialized | ConnectionState::Disconnected => None,
    }
}

/// Applies one event: fast path into the store, then a reconcile hint.
pub fn apply(shared: &SyncShared, event: &Event) {
    if event.event == "pusher:subscription_succeeded" {
        shared.socket_changed(Socket::Subscribed);
        shared.request_reconcile(true);
        shared.kick();
        return;
    }
    let hint = interpret(&event.event, &event.data);
    if let Hint::Upsert { resource, row, .. } = &hint {
        if shared.is_own_create(resource, row) {
            // This desk's own new row, announced before the server answered the request:
            // the answer stores it (with the temporary id mapped), so nothing to do here.
            return;
        }
    }
    let store = &shared.store;
    let change = match &hint {
        Hint::Upsert {
            resource,
            row,
            action,
        } => {
            let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
            let title = row.get("title").and_then(Value::as_str).map(str::to_owned);
            store.upsert_record(resource, row).map(|()| RemoteChange {
                resource,
                action,
                id,
                title,
            })
        }
        Hint::Patch {
            resource,
            id,
            fields,
            title,
        } => store
            .patch_record(resource, *id, fields)
            .map(|_| RemoteChange {
                resource,
                action: "image_updated",
                id: *id,
                title: title.clone(),
            }),
        Hint::Delete {
            resource,
            id,
            title,
        } => store
            .delete_record_unless_edited(resource, *id)
            .map(|_| RemoteChange {
                resource,
                action: "deleted",
                id: *id,
                title: title.clone(),
            }),
        Hint::Reconcile => {
            shared.request_reconcile(false);
            return;
        }
        Hint::Ignore => {
            tracing::debug!(
                event = event.event,
                channel = event.channel,
                "ignored an event this desk does not use"
            );
            return;
        }
    };
    match change {
        Ok(change) => {
            shared.emit(DeskEvent::ResourceChanged {
                resource: change.resource.into(),
            });
            if !shared.is_own(change.resource, change.id) {
                shared.emit(DeskEvent::RemoteChange {
                    resource: change.resource.into(),
                    action: change.action.into(),
                    id: change.id,
                    title: change.title,
                });
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, "could not apply a live update; a reconcile will fix it")
        }
    }
    shared.request_reconcile(false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn offer_events_of_api_md_are_read_as_the_store_needs_them() {
        let offer = json!({"id": 7, "title": "Spa"});
        assert!(matches!(
            interpret(
                "offer-updated",
                &json!({"action": "updated", "offer": offer})
            ),
            Hint::Upsert {
                resource: "offers",
                action: "updated",
                ..
            }
        ));
        assert_eq!(
            interpret(
                "offer-deleted",
                &json!({"action": "deleted", "offer_id": 7, "offer_title": "Spa"})
            ),
            Hint::Delete {
                resource: "offers",
                id: 7,
                title: Some("Spa".into())
            }
        );
        let Hint::Patch { id, fields, .. } = interpret(
            "offer-image-updated",
            &json!({"action": "image-updated", "offer_id": 7, "offer_title": "Spa", "photo_url": "http://x/y.jpg"}),
        ) else {
            panic!("image update not read");
        };
        assert_eq!(
            (id, fields.get("photo_url")),
            (7, Some(&json!("http://x/y.jpg")))
        );
        assert_eq!(
            interpret("offers-updated", &json!({"action": "sync"})),
            Hint::Reconcile
        );
    }

    #[test]
    fn malformed_payloads_become_a_reconcile_and_unknown_events_are_ignored() {
        assert_eq!(
            interpret("offer-updated", &json!({"action": "updated"})),
            Hint::Reconcile
        );
        assert_eq!(
            interpret("offer-created", &json!({"offer": {"title": "no id"}})),
            Hint::Reconcile
        );
        assert_eq!(
            interpret("offer-deleted", &json!({"offer_id": "7"})),
            Hint::Reconcile
        );
        assert_eq!(
            interpret("offer-deleted", &json!("not an object")),
            Hint::Reconcile
        );
        assert_eq!(interpret("roster-updated", &json!({})), Hint::Ignore);
    }
}

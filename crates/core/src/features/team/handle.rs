//! The team (`desk.team()`): the on-duty board from the local store (no network), my clock
//! toggle (API.md Decision 5), and following my own clock state when it changes elsewhere.

use std::sync::Arc;

use tokio::sync::broadcast::{error::RecvError, Receiver};

use crate::api::generation::{ClockWay, Generation};
use crate::api::session::ClockAnswer;
use crate::api::ApiError;
use crate::context::{Context, DeskError, Handle, Parts, Running, SessionInfo, lock};
use crate::events::{ConnectionStatus, DeskEvent, ResourceKind};
use crate::features::team::spec::{CLOCK_LOGS, STAFF};
use crate::features::team::{self, TeamBoard};

/// What the clock button says on a server without the desk's clock toggle (the reference
/// backend clocks only by face, at its terminal).
pub const CLOCK_REFUSED: &str =
    "This hotel's server lets staff clock in and out only at the face-recognition terminal, \
     not from the desk. Your on-duty state still shows here as it changes.";

/// What the clock button says when a server that clocks from the desk (2026) refuses this
/// person (no attendance capability).
pub(crate) const CLOCK_NOT_YOURS: &str =
    "This hotel's server does not let your account clock in or out from the desk; ask a \
     manager. Your on-duty state still shows here as it changes.";

/// Where the clock log this desk opened is kept (2026: the clock-out closes it by its id).
const OPEN_LOG_KEY: &str = "clock_open_log";

/// The clock log I opened on this computer, as `hotel/staff/log` (one person at a time: a
/// kept log of someone else, or another hotel, is not mine).
fn kept_log(cx: &Context, owner: &str) -> Option<i64> {
    let kept = match cx.store.preference(OPEN_LOG_KEY) {
        Ok(kept) => kept?,
        Err(err) => {
            tracing::warn!(error = %err, "the kept clock log cannot be read");
            return None;
        }
    };
    let (whose, log) = kept.rsplit_once('/')?;
    (whose == owner).then(|| log.parse().ok()).flatten()
}

/// The team of a signed-in desk.
pub struct Team<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for Team<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

impl Team<'_> {
    /// The board as stored here (colleagues and since when they are on duty), searched by
    /// `query` (name, role or department).
    pub fn board(&self, query: &str) -> Result<TeamBoard, DeskError> {
        let running = self.cx.running()?;
        let store = &self.cx.store;
        let staff = store.records(STAFF.name)?;
        let logs = store.records(CLOCK_LOGS.name)?;
        let me = {
            let row = lock(&running.identity);
            let named = |name: &Option<String>| {
                name.as_ref().map_or(
                    serde_json::Value::Null,
                    |n| serde_json::json!({ "name": n }),
                )
            };
            let mut mine = serde_json::Map::new();
            mine.insert("id".into(), row.staff_id.into());
            mine.insert("first_name".into(), row.first_name.clone().into());
            mine.insert("last_name".into(), row.last_name.clone().into());
            mine.insert("role".into(), named(&row.role));
            mine.insert("department".into(), named(&row.department));
            mine.insert("is_on_duty".into(), row.is_on_duty.unwrap_or(false).into());
            mine
        };
        Ok(team::board(
            &staff,
            &logs,
            Some(&me),
            query,
            store.reconciled_at(STAFF.name)?,
        ))
    }

    /// Clocks me in or out: one request, answered with my new state. Not queued when offline:
    /// the server stamps the time it receives the request, so a queued clock-in would record
    /// the wrong time.
    pub async fn clock(&self) -> Result<SessionInfo, DeskError> {
        let running = self.cx.running()?;
        if let Some(reason) = lock(&running.clock_refused).clone() {
            return Err(DeskError::ClockRefused(reason));
        }
        if matches!(
            running.sync.connection_status(),
            ConnectionStatus::Offline { .. }
        ) {
            return Err(DeskError::ClockOffline);
        }
        let (slug, me, on_duty, generation) = {
            let row = lock(&running.identity);
            (
                row.hotel_slug.clone(),
                row.staff_id,
                row.is_on_duty.unwrap_or(false),
                row.generation,
            )
        };
        let owner = format!("{slug}/{me}");
        let kept = kept_log(self.cx, &owner);
        // The server's clock event for this also reaches `follow_my_clock`: it carries the same
        // state, so applying both is harmless, and an event from a clock elsewhere in the same
        // moments is not mistaken for this one. (Events about me never toast.)
        match running.client.clock(&slug, me, !on_duty).await {
            Ok(answer) => self.clocked(&running, &owner, &answer),
            Err(
                ApiError::Forbidden { message }
                | ApiError::NotFound { message }
                | ApiError::MethodNotAllowed { message },
            ) if kept.is_none() || !on_duty => {
                tracing::info!(%message, "this server does not let the desk clock this person");
                Err(self.refused_to_clock(&running, generation))
            }
            Err(ApiError::Unauthorized { message }) => {
                running.sync.report_unauthorized(message.clone());
                Err(ApiError::Unauthorized { message }.into())
            }
            Err(err @ (ApiError::Network { .. } | ApiError::Timeout { .. })) => {
                // The request may have reached the server: ask it what it recorded.
                tracing::info!(error = %err, "no answer to the clock toggle; asking the server");
                self.refresh_in_background();
                Err(DeskError::ClockUnknown(err.to_string()))
            }
            Err(err) => {
                // Refused in words (already clocked in; the kept clock-in was closed or
                // rejected elsewhere): the server's words, and its state read again.
                let gone = matches!(
                    err,
                    ApiError::Validation { .. }
                        | ApiError::NotFound { .. }
                        | ApiError::Forbidden { .. }
                        | ApiError::Conflict { .. }
                );
                if kept.is_some() && gone {
                    self.cx.store.delete_preference(OPEN_LOG_KEY)?;
                }
                self.refresh_in_background();
                Err(err.into())
            }
        }
    }

    /// The server clocked me: what it said is kept (my open clock-in's id, to close it on a
    /// server that wants it named), and my clock log is read again.
    fn clocked(
        &self,
        running: &Running,
        owner: &str,
        answer: &ClockAnswer,
    ) -> Result<SessionInfo, DeskError> {
        match answer.open_log {
            Some(log) => self
                .cx
                .store
                .set_preference(OPEN_LOG_KEY, &format!("{owner}/{log}"))?,
            None if !answer.is_on_duty => self.cx.store.delete_preference(OPEN_LOG_KEY)?,
            None => {}
        }
        self.cx.set_my_duty(answer.is_on_duty)?;
        running.sync.request_reconcile_of(CLOCK_LOGS.name);
        Ok(running.info())
    }

    /// This server does not let the desk clock this person: learned for the run and said in
    /// the words of its generation's way of clocking.
    fn refused_to_clock(&self, running: &Running, generation: Generation) -> DeskError {
        let words = match generation.contract().clock {
            ClockWay::Toggle { .. } => CLOCK_REFUSED,
            ClockWay::Unrostered { .. } => CLOCK_NOT_YOURS,
        };
        *lock(&running.clock_refused) = Some(words.to_owned());
        self.cx.emit(DeskEvent::SessionChanged {
            session: Some(Box::new(running.info())),
        });
        DeskError::ClockRefused(words.to_owned())
    }

    /// Asks the server for my state again, without waiting for it.
    fn refresh_in_background(&self) {
        let cx = self.cx.clone();
        tokio::spawn(async move {
            if let Err(err) = cx.refresh_identity().await {
                tracing::info!(error = %err, "my clock state was not refreshed");
            }
        });
    }
}

/// Starts following my own clock state ([`follow_my_clock`]) for a signed-in desk.
pub(crate) fn start(cx: Arc<Context>, me: i64) -> tokio::task::JoinHandle<()> {
    let events = cx.events.clone();
    crate::engine::supervise::supervised("following my clock", events, move || {
        follow_my_clock(cx.clone(), cx.events.subscribe(), me)
    })
}

/// Follows my own clock state for as long as the desk is signed in: a clock event about me
/// (clocked at the face terminal or on another desk), and the server's word after every
/// reconnect, when events may have been missed.
pub(crate) async fn follow_my_clock(cx: Arc<Context>, mut events: Receiver<DeskEvent>, me: i64) {
    let mut online = false;
    let mut was_online_before = false;
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        match event {
            DeskEvent::RemoteChange {
                resource: ResourceKind::Staff,
                id,
                action,
                ..
            } if id == me && (action == "clock_in" || action == "clock_out") => {
                if let Err(err) = cx.set_my_duty(action == "clock_in") {
                    tracing::warn!(error = %err, "could not keep my clock state");
                }
            }
            DeskEvent::Connection { status } => {
                // Asking a silent server whether it answers is no reconnect: nothing was missed.
                let now_online =
                    matches!(status, ConnectionStatus::Online | ConnectionStatus::Checking);
                if now_online && !online && was_online_before {
                    if let Err(err) = cx.refresh_identity().await {
                        tracing::info!(error = %err, "my clock state was not refreshed after reconnecting");
                    }
                }
                if now_online {
                    was_online_before = true;
                }
                online = now_online;
            }
            _ => {}
        }
    }
}

//! The handles: [`Client`] (cheap to clone) and [`Channel`], which talk to the owner task.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::channels::SubscriptionState;
use crate::config::Config;
use crate::connection::{Command, Connection, Shared};
use crate::error::Error;
use crate::events::{EventStream, Filter, Listeners};
use crate::presence::Members;
use crate::state::{ConnectionState, StateHub, StateStream};

/// A Pusher connection. Cloning is cheap; every clone talks to the same connection task, which ends on
/// [`Client::shutdown`] or when the last handle is dropped.
#[derive(Clone)]
pub struct Client {
    tx: mpsc::UnboundedSender<Command>,
    shared: Arc<Shared>,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("state", &self.state())
            .finish()
    }
}

impl Client {
    /// Starts the connection task and returns at once; watch [`Client::states`] for progress. Must be
    /// called inside a tokio runtime.
    pub fn connect(config: Config) -> Result<Self, Error> {
        config.validate()?;
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| Error::NoRuntime)?;
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            states: StateHub::new(),
            listeners: Listeners::default(),
        });
        let connection = Connection::new(config, rx, shared.clone());
        let task = runtime.spawn(connection.run());
        Ok(Self {
            tx,
            shared,
            task: Arc::new(Mutex::new(Some(task))),
        })
    }

    fn send(&self, command: Command) -> Result<(), Error> {
        self.tx.send(command).map_err(|_| Error::Shutdown)
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, Error> {
        let (reply, answer) = oneshot::channel();
        self.send(make(reply))?;
        answer.await.map_err(|_| Error::Shutdown)
    }

    /// The current state.
    pub fn state(&self) -> ConnectionState {
        self.shared.states.current()
    }

    /// Every state transition from now on, starting with the current state.
    pub fn states(&self) -> StateStream {
        self.shared.states.stream()
    }

    /// The latest state as a watch (intermediate states may be skipped; use [`Client::states`] for all).
    pub fn state_watch(&self) -> watch::Receiver<ConnectionState> {
        self.shared.states.watch()
    }

    /// The socket id while connected.
    pub fn socket_id(&self) -> Option<String> {
        self.state().socket_id().map(str::to_owned)
    }

    /// Subscribes to `name` (now if connected, else on connect) and keeps it subscribed across
    /// reconnects until [`Client::unsubscribe`]. Returns once the channel is registered; await
    /// [`Channel::subscribed`] for the server's confirmation. Subscribing twice returns the same channel.
    pub async fn subscribe(&self, name: &str) -> Result<Channel, Error> {
        let name = name.to_owned();
        let state = self
            .ask(|reply| Command::Subscribe {
                name: name.clone(),
                reply,
            })
            .await??;
        Ok(Channel {
            name,
            client: self.clone(),
            state,
        })
    }

    /// Stops wanting `name`; returns once the connection task has dropped it (its handles then show
    /// `Unsubscribed`). Safe at any point of the subscription: a pending authorization is dropped when it
    /// answers and a late confirmation is ignored.
    pub async fn unsubscribe(&self, name: &str) -> Result<(), Error> {
        self.ask(|reply| Command::Unsubscribe {
            name: name.to_owned(),
            reply,
        })
        .await
    }

    /// Every event on every channel, including the protocol's own (`pusher:subscription_succeeded`, ...).
    pub fn events(&self) -> EventStream {
        self.shared.listeners.add(Filter::All)
    }

    /// Events named `event` on any channel.
    pub fn bind(&self, event: &str) -> EventStream {
        self.shared.listeners.add(Filter::Event(event.to_owned()))
    }

    /// Events sent to the signed-in user (the `#server-to-user-<id>` channel); see [`Client::signin`].
    pub fn user_events(&self) -> EventStream {
        self.shared.listeners.add(Filter::UserChannel)
    }

    /// Signs the user in on this and every later connection (`pusher:signin`), then subscribes to the
    /// user's server-to-user channel. Needs [`Config::with_user_authenticator`].
    pub async fn signin(&self) -> Result<(), Error> {
        self.ask(|reply| Command::Signin { reply }).await?
    }

    /// Closes the connection and stays disconnected until [`Client::reconnect_now`]. Channels stay wanted.
    pub async fn disconnect(&self) -> Result<(), Error> {
        self.ask(|reply| Command::Disconnect { reply }).await
    }

    /// Drops the current connection or wait and connects at once; also restarts a `Failed` or
    /// `Disconnected` client.
    pub fn reconnect_now(&self) -> Result<(), Error> {
        self.send(Command::ReconnectNow)
    }

    /// Checks the connection at once with a ping and reconnects if no answer comes within the resume
    /// check timeout. Call it when the operating system reports a resume or a network change; the client
    /// also does it by itself when it notices it was suspended.
    pub fn check_connection(&self) -> Result<(), Error> {
        self.send(Command::CheckConnection)
    }

    /// Replaces the configuration and reconnects (also from `Failed`).
    pub fn reconfigure(&self, config: Config) -> Result<(), Error> {
        config.validate()?;
        self.send(Command::Reconfigure(Box::new(config)))
    }

    /// Closes the connection and ends the task; every stream ends. Waits until the task has ended.
    pub async fn shutdown(&self) {
        let _ = self.send(Command::Shutdown);
        let task = self.task.lock().ok().and_then(|mut task| task.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    pub(crate) async fn trigger(
        &self,
        channel: &str,
        event: &str,
        data: serde_json::Value,
    ) -> Result<(), Error> {
        self.ask(|reply| Command::Trigger {
            channel: channel.to_owned(),
            event: event.to_owned(),
            data,
            reply,
        })
        .await?
    }

    pub(crate) async fn members(&self, channel: &str) -> Result<Members, Error> {
        self.ask(|reply| Command::Members {
            channel: channel.to_owned(),
            reply,
        })
        .await?
    }

    pub(crate) fn listen(&self, filter: Filter) -> EventStream {
        self.shared.listeners.add(filter)
    }
}

/// A subscribed channel.
#[derive(Debug, Clone)]
pub struct Channel {
    name: String,
    client: Client,
    state: watch::Receiver<SubscriptionState>,
}

impl Channel {
    /// The channel name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The subscription's current state.
    pub fn state(&self) -> SubscriptionState {
        self.state.borrow().clone()
    }

    /// The subscription state as a watch; it goes back to `Pending` on every disconnect and to
    /// `Subscribed` on every (re)subscription.
    pub fn state_watch(&self) -> watch::Receiver<SubscriptionState> {
        self.state.clone()
    }

    /// Waits until the server confirmed the subscription on the current connection.
    pub async fn subscribed(&self) -> Result<(), Error> {
        let mut state = self.state.clone();
        let result = state
            .wait_for(|state| !matches!(state, SubscriptionState::Pending))
            .await
            .map(|state| state.clone());
        match result {
            Ok(SubscriptionState::Subscribed) => Ok(()),
            Ok(SubscriptionState::Failed(error)) => Err(error.into()),
            Ok(_) | Err(_) => Err(Error::Subscription(crate::error::SubscriptionError {
                channel: self.name.clone(),
                status: None,
                reason: "unsubscribed".into(),
            })),
        }
    }

    /// Every event on this channel, including `pusher:subscription_succeeded` after each (re)subscription.
    pub fn events(&self) -> EventStream {
        self.client.listen(Filter::Channel(self.name.clone()))
    }

    /// Events named `event` on this channel.
    pub fn bind(&self, event: &str) -> EventStream {
        self.client.listen(Filter::ChannelEvent {
            channel: self.name.clone(),
            event: event.to_owned(),
        })
    }

    /// Sends a client event (`client-` prefix; private or presence channels; after the subscription
    /// succeeded; at most 10 per second). `Ok` means it was queued on the current connection.
    pub async fn trigger(&self, event: &str, data: impl Serialize) -> Result<(), Error> {
        let data = serde_json::to_value(data).map_err(|_| Error::ClientEvent {
            channel: self.name.clone(),
            event: event.to_owned(),
            reason: "the data cannot be encoded as JSON",
        })?;
        self.client.trigger(&self.name, event, data).await
    }

    /// The members of a presence channel (empty while not subscribed).
    pub async fn members(&self) -> Result<Members, Error> {
        self.client.members(&self.name).await
    }

    /// Unsubscribes (see [`Client::unsubscribe`]).
    pub async fn unsubscribe(&self) -> Result<(), Error> {
        self.client.unsubscribe(&self.name).await
    }
}

//! A test computer's keyring stopped and started again, as when GNOME Keyring crashes or is
//! restarted while the desk runs (issue 63.20).

use std::time::Duration;

use crate::Machine;

/// How long the keyring's name may stay taken by a keyring the bus started meanwhile.
const WAIT: Duration = Duration::from_secs(20);
/// The Secret Service's name on the bus.
const SECRETS: &str = "org.freedesktop.secrets";

/// The keyring stopped: the real daemon is killed, and its name on the bus is held by a
/// stand-in that answers every request "not running". Without it the bus would start a new
/// keyring at the next request (`org.freedesktop.secrets` is D-Bus activated), locked, and on a
/// test computer no prompter can unlock it: the request would wait for a password nobody types.
/// [`KeyringGone::start_again`] starts the real one again.
pub struct KeyringGone {
    task: tokio::task::JoinHandle<()>,
    connection: zbus::Connection,
}

impl KeyringGone {
    /// Stops `machine`'s keyring (see [`KeyringGone`]).
    pub async fn stop(machine: &mut Machine) -> Self {
        Self::stop_answering(machine, true).await
    }

    /// Stops `machine`'s keyring and puts in its place one that takes every request and never
    /// answers, as a keyring that hangs (or whose answers are lost) does.
    pub async fn hang(machine: &mut Machine) -> Self {
        Self::stop_answering(machine, false).await
    }

    async fn stop_answering(machine: &mut Machine, answers: bool) -> Self {
        use futures_util::StreamExt;
        machine.stop_keyring();
        let connection = zbus::connection::Builder::address(machine.bus_address())
            .build()
            .await
            .expect("the test computer's bus answers");
        // A keyring the bus started meanwhile (for another client's request) is stopped too,
        // never replaced: replaced, it lived on with that request, locked, waiting for a
        // password nobody types, and the test hung on it (one run in a few). The stand-in lets
        // the real keyring replace it when it starts again.
        // Listening before the name is ours: a request sent to the name the moment it is ours
        // is already in this stream. A stream made after (in the task) missed it, the request
        // was never answered, and the desk's sign-out waited for ever (one run in about
        // thirteen).
        let mut stream = zbus::MessageStream::from(&connection);
        let flags = zbus::fdo::RequestNameFlags::ALLOW_REPLACEMENT
            | zbus::fdo::RequestNameFlags::DO_NOT_QUEUE;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let reply = connection.request_name_with_flags(SECRETS, flags).await;
            if matches!(reply, Ok(zbus::fdo::RequestNameReply::PrimaryOwner)) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the keyring's name stays taken: {reply:?}"
            );
            machine.stop_keyring();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let stand_in = connection.clone();
        let task = tokio::spawn(async move {
            let connection = stand_in;
            while let Some(Ok(message)) = stream.next().await {
                let header = message.header();
                if answers && header.message_type() == zbus::message::Type::MethodCall {
                    let _ = connection
                        .reply_error(
                            &header,
                            "org.freedesktop.DBus.Error.ServiceUnknown",
                            &("the keyring is not running",),
                        )
                        .await;
                }
            }
        });
        Self { task, connection }
    }

    /// The keyring started again, on the same keyring file and unlocked, as a session does.
    ///
    /// The name passes from the stand-in to the real keyring with no moment between: the real
    /// one asks for it while the stand-in holds it and waits in the bus's queue for it, and only
    /// then does the stand-in let it go. Let go before the real keyring asked (it asks a moment
    /// after it says it has started), the name would be free, the desk's next request would make
    /// the bus start a locked keyring, and that request would wait for a password nobody types.
    pub async fn start_again(self, machine: &mut Machine) {
        machine.start_keyring_daemon();
        let bus = zbus::fdo::DBusProxy::new(&self.connection)
            .await
            .expect("the test computer's bus answers");
        let name = zbus::names::WellKnownName::try_from(SECRETS).expect("a well-known name");
        let stand_in = self.connection.unique_name().cloned();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            // The owner first, then who waits.
            let queued = bus
                .list_queued_owners(name.clone())
                .await
                .expect("the bus lists who waits for the keyring's name");
            if queued.iter().any(|owner| stand_in.as_ref() != Some(owner)) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the keyring started again never asked for its name: {queued:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Released, the name goes at once to the first in the queue: the real keyring.
        self.connection
            .release_name(SECRETS)
            .await
            .expect("the stand-in lets the keyring's name go");
        self.task.abort();
        let _ = self.task.await;
        let _ = self.connection.close().await;
        machine.until_keyring_owns_its_name();
    }
}

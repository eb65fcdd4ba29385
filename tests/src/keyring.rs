//! A test computer's keyring stopped and started again, as when GNOME Keyring crashes or is
//! restarted while the desk runs (issue 63.20).

use std::time::Duration;

use crate::Machine;

/// How long the keyring's name may stay taken by a keyring the bus started meanwhile.
const WAIT: Duration = Duration::from_secs(20);

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
        let flags = zbus::fdo::RequestNameFlags::ALLOW_REPLACEMENT
            | zbus::fdo::RequestNameFlags::DO_NOT_QUEUE;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let reply = connection
                .request_name_with_flags("org.freedesktop.secrets", flags)
                .await;
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
            let mut stream = zbus::MessageStream::from(&connection);
            while let Some(Ok(message)) = stream.next().await {
                let header = message.header();
                if header.message_type() == zbus::message::Type::MethodCall {
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
    pub async fn start_again(self, machine: &mut Machine) {
        // Replaced at once (the stand-in allows it), so the name is never free meanwhile for
        // the bus to start a locked keyring for someone's request.
        machine.start_keyring();
        self.task.abort();
        let _ = self.task.await;
        let _ = self.connection.close().await;
    }
}

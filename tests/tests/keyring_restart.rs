//! The sign-in token lives only in this computer's keyring (the Secret Service; GNOME Keyring
//! on a test computer of its own, `tests/src/machine.rs`). Issue 63.20: a keyring that stopped
//! and started again while the desk ran was not noticed until the desk itself was restarted
//! (its one connection to the keyring was kept for good, and a keyring not there at the desk's
//! first look was never looked for again). Now the desk says in words that the keyring does not
//! answer, signs nobody out for it, and uses the keyring again at the next need. The real
//! keyring is stopped and started again mid-test; the desk signs in to the in-process sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use hotelmate_core::desk::ErrorCode;
use hotelmate_core::session::config::{DataDir, PusherEndpoint};
use hotelmate_core::session::secrets::TokenVault;
use hotelmate_core::{ConnectionStatus, Desk, DeskOptions, SignInRequest};
use hotelmate_e2e::{KeyringGone, Machine};
use hotelmate_sandbox::{Sandbox, SandboxHandle};

const WAIT: Duration = Duration::from_secs(20);
/// The whole story's time at most.
const STORY: Duration = Duration::from_secs(120);

fn sign_in_request(server: &SandboxHandle) -> SignInRequest {
    let addr = server.addr();
    SignInRequest {
        server_url: format!("http://{addr}"),
        username: "anna.byrne".into(),
        password: "killarney-demo".into(),
        pusher: Some(PusherEndpoint::SelfHosted {
            key: server.pusher().key,
            host: addr.ip().to_string(),
            port: addr.port(),
            tls: false,
        }),
    }
}

fn open(home: &tempfile::TempDir, vault: &TokenVault) -> Desk {
    let mut options = DeskOptions::new(DataDir::at(home.path()));
    options.vault = vault.clone();
    options.toasts = false;
    Desk::open(options).unwrap()
}

/// How long the desk's vault waits for the keyring here (a desk waits two minutes).
const KEYRING_WAIT: Duration = Duration::from_secs(2);

async fn stop_keyring(machine: &mut Machine) -> KeyringGone {
    KeyringGone::stop(machine).await
}

async fn start_keyring(machine: &mut Machine, gone: KeyringGone) {
    gone.start_again(machine).await;
}

async fn until_online(desk: &Desk) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while desk.connection_status() != ConnectionStatus::Online {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the desk is not online"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The keyring is not there at the desk's first look, then comes; it stops while the desk runs
/// and comes back; it hangs and comes back; it is gone when the desk reopens, then comes back. Each time the desk says in
/// words what the keyring does not do, keeps the person signed in (and their desk working), and
/// uses the keyring again at the next need, with no restart.
#[tokio::test(flavor = "multi_thread")]
async fn a_keyring_that_stops_and_starts_again_is_used_again_at_the_next_need_and_signs_nobody_out()
{
    let mut machine = Machine::start();
    // The desk reaches the keyring over this computer's session bus. Each test is a process of
    // its own (nextest), so no other test is affected.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", machine.bus_address());
    // A request that waited for ever (a keyring asking for a password) fails the test, and the
    // test computer's daemons are ended with it.
    tokio::time::timeout(STORY, story(&mut machine))
        .await
        .expect("the story ends within its time");
}

async fn story(machine: &mut Machine) {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let vault =
        TokenVault::with_service(format!("hotelmate-keyring-restart-{}", std::process::id()))
            .waiting(KEYRING_WAIT);
    let account = format!("anna.byrne@{}", server.addr().ip());

    // Not there at the first look: signing in says so, and works once it is there.
    let gone = stop_keyring(machine).await;
    let desk = open(&home, &vault);
    let refused = desk.sign_in(sign_in_request(&server)).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Keyring, "{refused}");
    assert!(refused.to_string().contains("keyring"), "{refused}");
    start_keyring(machine, gone).await;
    desk.sign_in(sign_in_request(&server)).await.unwrap();
    assert!(
        vault.load(&account).await.unwrap().is_some(),
        "the token is kept"
    );
    until_online(&desk).await;

    // Stopped while the desk runs: signing out is refused in words, and nothing else changes.
    let gone = stop_keyring(machine).await;
    let refused = desk.sign_out().await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Keyring, "{refused}");
    assert!(desk.session().is_some(), "still signed in");
    assert_eq!(
        desk.connection_status(),
        ConnectionStatus::Online,
        "still at work"
    );
    start_keyring(machine, gone).await;

    // Hung (it takes the request and never answers): the sign-out is refused in words once the
    // vault's wait is over, never waited for for ever, and nothing else changes.
    let hung = KeyringGone::hang(machine).await;
    let refused = desk.sign_out().await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Keyring, "{refused}");
    assert!(
        refused
            .to_string()
            .contains("did not answer within 2 seconds"),
        "{refused}"
    );
    assert!(desk.session().is_some(), "still signed in");
    assert_eq!(desk.connection_status(), ConnectionStatus::Online);

    // Back: the next sign-out uses it, with no restart of the desk.
    start_keyring(machine, hung).await;
    desk.sign_out().await.unwrap();
    assert!(desk.session().is_none());
    assert!(
        vault.load(&account).await.unwrap().is_none(),
        "the token is gone"
    );

    // Gone when the desk reopens: the desk says so and keeps the sign-in; back, it opens.
    desk.sign_in(sign_in_request(&server)).await.unwrap();
    desk.shutdown().await;
    drop(desk);
    let gone = stop_keyring(machine).await;
    let desk = open(&home, &vault);
    let mut events = desk.subscribe();
    let refused = desk.resume().await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Keyring, "{refused}");
    while let Ok(event) = events.try_recv() {
        assert!(
            !matches!(event, hotelmate_core::DeskEvent::SessionExpired { .. }),
            "a keyring that does not answer ends nobody's sign-in: {event:?}"
        );
    }
    start_keyring(machine, gone).await;
    let session = desk.resume().await.unwrap().expect("opens signed in");
    assert_eq!(session.username, "anna.byrne");
    until_online(&desk).await;
    desk.shutdown().await;
    server.shutdown().await;
}

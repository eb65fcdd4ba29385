//! Signing in and out against the real sandbox over HTTP, with the real keyring (the Secret
//! Service of the private desktop session that `cargo xtask test` runs in) and real SQLite files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::net::SocketAddr;
use std::time::Duration;

use crate::support::SandboxDemo;
use hotelmate_core::desk::ErrorCode;
use hotelmate_core::session::config::DataDir;
use hotelmate_core::session::secrets::{StaffToken, TokenVault};
use hotelmate_core::{Desk, DeskEvent, DeskOptions, SignInRequest};
use hotelmate_sandbox::{Generation, Sandbox, SandboxHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PASSWORD: &str = "killarney-demo";

struct Fixture {
    dir: tempfile::TempDir,
    vault: TokenVault,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        // A keyring service of its own, so a test never sees or touches a real sign-in.
        let vault = TokenVault::with_service(format!("hotelmate-desk-test-{}", unique()));
        Self { dir, vault }
    }

    fn options(&self) -> DeskOptions {
        let mut options = DeskOptions::new(DataDir::at(self.dir.path()));
        options.vault = self.vault.clone();
        options.demo = Some(std::sync::Arc::new(SandboxDemo));
        options.toasts = false;
        options
    }

    fn desk(&self) -> Desk {
        Desk::open(self.options()).unwrap()
    }

    fn database_bytes(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                all.extend(std::fs::read(path).unwrap());
            }
        }
        all
    }
}

fn unique() -> String {
    format!("{}-{:?}", std::process::id(), std::time::Instant::now())
        .replace(|c: char| !c.is_alphanumeric(), "")
}

async fn sandbox() -> SandboxHandle {
    Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn request(server: &str, username: &str, password: &str) -> SignInRequest {
    SignInRequest {
        server_url: server.into(),
        username: username.into(),
        password: password.into(),
        pusher: None,
    }
}

/// What the sandbox gives anna.byrne, read straight from the server.
async fn token_of(server: &SandboxHandle, username: &str) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/staff/login/", server.base_url()))
        .json(&serde_json::json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn signing_in_by_address_shows_the_hotel_and_the_staff_names() {
    let server = sandbox().await;
    let fixture = Fixture::new();
    let desk = fixture.desk();
    let session = desk
        .sign_in(request(&server.base_url(), "anna.byrne", PASSWORD))
        .await
        .unwrap();
    assert_eq!(session.hotel_name, "Hotel Killarney");
    assert_eq!(session.hotel_slug, "killarney");
    assert_eq!(session.display_name, "Anna Byrne");
    assert_eq!(session.role.as_deref(), Some("Receptionist"));
    assert!(!session.is_demo);

    let account = "anna.byrne@127.0.0.1";
    let stored = fixture
        .vault
        .load(account)
        .await
        .unwrap()
        .expect("token in the keyring");
    assert_eq!(
        stored,
        StaffToken::new(token_of(&server, "anna.byrne").await)
    );
    let token = token_of(&server, "anna.byrne").await;
    assert!(
        !fixture
            .database_bytes()
            .windows(token.len())
            .any(|w| w == token.as_bytes()),
        "the token must never be written to the desk's files"
    );
    desk.sign_out().await.unwrap();
    server.shutdown().await;
}

#[tokio::test]
async fn the_demo_session_survives_a_restart_and_sign_out_forgets_it() {
    let fixture = Fixture::new();
    let desk = fixture.desk();
    let session = desk.sign_in_demo().await.unwrap();
    assert!(session.is_demo);
    assert_eq!(session.hotel_name, "Hotel Killarney");
    assert_eq!(session.display_name, "Anna Byrne");
    desk.shutdown().await;
    drop(desk);

    let restarted = fixture.desk();
    let mut events = restarted.subscribe();
    let resumed = restarted
        .resume()
        .await
        .unwrap()
        .expect("opens straight into the hotel");
    assert_eq!(resumed.display_name, "Anna Byrne");
    assert_eq!(resumed.hotel_name, "Hotel Killarney");
    // The restarted desk reaches the restarted demo hotel with the kept token, live updates on.
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let DeskEvent::Connection {
                status: hotelmate_core::ConnectionStatus::Online,
            } = events.recv().await.unwrap()
            {
                break;
            }
        }
    })
    .await
    .expect("the desk says it is connected");
    assert!(fixture
        .vault
        .load("demo:anna.byrne")
        .await
        .unwrap()
        .is_some());

    restarted.sign_out().await.unwrap();
    assert!(
        fixture
            .vault
            .load("demo:anna.byrne")
            .await
            .unwrap()
            .is_none(),
        "token deleted from the keyring"
    );
    assert!(restarted.session().is_none());
    restarted.shutdown().await;
    drop(restarted);
    let after = fixture.desk();
    assert!(
        after.resume().await.unwrap().is_none(),
        "local data of the account is gone"
    );
}

#[tokio::test]
async fn a_build_without_the_demo_hotel_says_so() {
    let fixture = Fixture::new();
    let mut options = fixture.options();
    options.demo = None;
    let desk = Desk::open(options).unwrap();
    assert!(!desk.has_demo());
    let err = desk.sign_in_demo().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Demo);
    assert!(err.to_string().contains("no demo hotel"), "{err}");
}

/// Both generations of HotelMate the desk speaks (API.md §1–9 and §10).
const GENERATIONS: [Generation; 2] = [Generation::Classic, Generation::Hotelmate2026];

#[tokio::test]
async fn wrong_credentials_are_refused_in_plain_words_on_either_server_and_nothing_is_saved() {
    for generation in GENERATIONS {
        // fd6c529: 400 {"non_field_errors": [...]}; the 2026 backend (§10.3): 401
        // {"error": "Invalid username or password"}, which is not "the server no longer
        // accepts this sign-in".
        let server = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
            .await
            .unwrap();
        let fixture = Fixture::new();
        let desk = fixture.desk();
        let err = desk
            .sign_in(request(&server.base_url(), "anna.byrne", "wrong"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::WrongCredentials, "{generation:?}");
        assert_eq!(err.to_string(), "wrong username or password");
        assert!(desk.session().is_none());
        assert!(fixture
            .vault
            .load("anna.byrne@127.0.0.1")
            .await
            .unwrap()
            .is_none());
        assert!(fixture.desk().resume().await.unwrap().is_none());
        server.shutdown().await;
    }
}

#[tokio::test]
async fn a_receptionist_and_an_admin_sign_in_on_either_generation_and_are_still_signed_in_after_a_restart(
) {
    for generation in GENERATIONS {
        let server = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
            .await
            .unwrap();
        for (username, name, admin) in [
            ("anna.byrne", "Anna Byrne", false),
            ("sean.murphy", "Seán Murphy", true),
        ] {
            let case = format!("{username} on {generation:?}");
            let fixture = Fixture::new();
            let desk = fixture.desk();
            let session = desk
                .sign_in(request(&server.base_url(), username, PASSWORD))
                .await
                .unwrap_or_else(|err| panic!("{case}: {err}"));
            // The names come from "who am I", whose path differs between the generations
            // (the 2026 staff-management path refuses a receptionist).
            assert_eq!(session.display_name, name, "{case}");
            assert_eq!(session.hotel_name, "Hotel Killarney", "{case}");
            let expected = match generation {
                Generation::Classic => hotelmate_core::api::Generation::Classic,
                Generation::Hotelmate2026 => hotelmate_core::api::Generation::Hotelmate2026,
            };
            assert_eq!(session.server_generation, expected, "{case}");
            match generation {
                Generation::Classic => {
                    assert_eq!(
                        session.capabilities, None,
                        "{case}: the server does not say"
                    )
                }
                Generation::Hotelmate2026 => {
                    let caps = session.capabilities.clone().unwrap();
                    assert!(caps.iter().any(|c| c == "chat.message.send"), "{case}");
                    assert_eq!(
                        caps.iter().any(|c| c == "room.type.manage"),
                        admin,
                        "{case}: only an admin manages room types"
                    );
                }
            }

            // Quit and reopen: still signed in, on the same generation, and the desk still
            // works: it asks the server who is signed in again.
            desk.shutdown().await;
            drop(desk);
            let reopened = fixture.desk();
            let resumed = reopened.resume().await.unwrap().expect("still signed in");
            assert_eq!(resumed.server_generation, expected, "{case}");
            assert_eq!(resumed.capabilities, session.capabilities, "{case}");
            let refreshed = reopened
                .refresh_identity()
                .await
                .unwrap_or_else(|err| panic!("{case}: after a restart: {err}"));
            assert_eq!(refreshed.display_name, name, "{case}");
            reopened.sign_out().await.unwrap();
        }
        server.shutdown().await;
    }
}

#[tokio::test]
async fn bad_addresses_and_empty_fields_are_refused_before_anything_is_sent() {
    let fixture = Fixture::new();
    let desk = fixture.desk();
    let cases = [
        (
            request("ftp://hotel.example.com", "anna", "x"),
            (ErrorCode::Config, None),
            "only http and https",
        ),
        (
            request("http://hotel.example.com", "anna", "x"),
            (ErrorCode::Config, None),
            "unencrypted",
        ),
        (request("", "anna", "x"), (ErrorCode::Config, None), "empty"),
        // Port 9 (discard) is closed here; the fields are checked before any connection.
        (
            request("http://127.0.0.1:9", " ", "x"),
            (ErrorCode::InvalidInput, Some("username")),
            "username",
        ),
        (
            request("http://127.0.0.1:9", "anna", ""),
            (ErrorCode::InvalidInput, Some("password")),
            "password",
        ),
    ];
    for (req, code, words) in cases {
        let err = desk.sign_in(req.clone()).await.unwrap_err();
        assert_eq!((err.code(), err.field()), code, "{req:?}");
        assert!(
            err.to_string().contains(words),
            "{err} should mention {words}"
        );
    }
    assert!(fixture.desk().resume().await.unwrap().is_none());
}

/// A one-shot HTTP server that answers every connection with `response` (or never, if None).
async fn raw_server(response: Option<&'static str>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                match response {
                    Some(text) => {
                        let _ = socket.write_all(text.as_bytes()).await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_server_that_answers_an_html_error_page_gets_a_plain_words_error() {
    let addr = raw_server(Some(
        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/html\r\ncontent-length: 62\r\nconnection: close\r\n\r\n<html><title>OperationalError at /api/staff/login/</title></html>",
    ))
    .await;
    let fixture = Fixture::new();
    let err = fixture
        .desk()
        .sign_in(request(&format!("http://{addr}"), "anna", "pw"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Server);
    let text = err.to_string();
    assert!(
        text.contains("error page") && !text.contains("<html>"),
        "{text}"
    );
}

#[tokio::test]
async fn a_server_that_hangs_gives_a_timeout_message() {
    let addr = raw_server(None).await;
    let fixture = Fixture::new();
    let mut options = fixture.options();
    options.request_timeout = Duration::from_secs(1);
    let desk = Desk::open(options).unwrap();
    let err = desk
        .sign_in(request(&format!("http://{addr}"), "anna", "pw"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Timeout);
    assert!(
        err.to_string().contains("did not answer within 1 seconds"),
        "{err}"
    );
}

#[tokio::test]
async fn a_stale_token_signs_out_and_asks_to_sign_in_again() {
    let server = sandbox().await;
    let fixture = Fixture::new();
    let desk = fixture.desk();
    desk.sign_in(request(&server.base_url(), "anna.byrne", PASSWORD))
        .await
        .unwrap();
    drop(desk);
    // The token was revoked on the server (admin): the keyring now holds one the server refuses.
    fixture
        .vault
        .store("anna.byrne@127.0.0.1", &StaffToken::new("0".repeat(40)))
        .await
        .unwrap();

    let restarted = fixture.desk();
    let mut events = restarted.subscribe();
    assert!(
        restarted.resume().await.unwrap().is_some(),
        "cached session shows at once"
    );
    let message = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let DeskEvent::SessionExpired { message, .. } = events.recv().await.unwrap() {
                break message;
            }
        }
    })
    .await
    .unwrap();
    assert!(
        message.contains("Invalid token.") && message.contains("sign in again"),
        "{message}"
    );
    assert!(restarted.session().is_none());
    assert!(fixture
        .vault
        .load("anna.byrne@127.0.0.1")
        .await
        .unwrap()
        .is_none());
    server.shutdown().await;
}

/// Runs in a child process whose session bus does not exist, so no keyring can be reached.
#[tokio::test]
#[ignore = "run by without_a_keyring_sign_in_fails_clearly_and_writes_the_token_nowhere"]
async fn child_sign_in_without_keyring() {
    let server = sandbox().await;
    let dir = std::env::var("CHILD_DATA_DIR").unwrap();
    let mut options = DeskOptions::new(DataDir::at(&dir));
    options.vault = TokenVault::with_service("hotelmate-desk-test-no-keyring");
    let desk = Desk::open(options).unwrap();
    let err = desk
        .sign_in(request(&server.base_url(), "anna.byrne", PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Keyring, "{err}");
    assert!(
        err.to_string().contains("keyring is not available"),
        "{err}"
    );
    assert!(desk.session().is_none());
    let token = token_of(&server, "anna.byrne").await;
    std::fs::write(format!("{dir}/token-to-look-for"), token).unwrap();
    server.shutdown().await;
}

#[test]
fn without_a_keyring_sign_in_fails_clearly_and_writes_the_token_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            crate::support::test_name(concat!(module_path!(), "::child_sign_in_without_keyring")),
            "--ignored",
            "--nocapture",
        ])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/hotelmate-no-bus",
        )
        .env("CHILD_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "child failed:\n{log}");
    assert!(
        log.contains("1 passed"),
        "the child test did not run:\n{log}"
    );
    let token = std::fs::read_to_string(dir.path().join("token-to-look-for")).unwrap();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && !path.ends_with("token-to-look-for") {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "token found in {path:?}"
            );
        }
    }
}

/// Every address of a picture the desk shows (offers, hotel images, galleries, room types).
fn picture_addresses(desk: &Desk) -> String {
    let offers = serde_json::to_string(&desk.offers().list().unwrap()).unwrap();
    let pictures = serde_json::to_string(&desk.pictures().overview().unwrap()).unwrap();
    offers + &pictures
}

/// The port of the first address on 127.0.0.1 in `text`.
fn loopback_port(text: &str) -> Option<u16> {
    let (_, rest) = text.split_once("http://127.0.0.1:")?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The colleagues' changes the desk tells of (each would toast), collected as they come.
#[derive(Clone, Default)]
struct Told(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Told {
    fn follow(desk: &Desk) -> Self {
        let told = Self::default();
        let mut events = desk.subscribe();
        let into = told.clone();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match events.recv().await {
                    Ok(DeskEvent::RemoteChange {
                        resource,
                        action,
                        id,
                        ..
                    }) => into
                        .0
                        .lock()
                        .unwrap()
                        .push(format!("{resource:?} {id} {action}")),
                    Ok(_) => {}
                    // Missed events might have been changes: never a pass by not looking.
                    Err(RecvError::Lagged(n)) => into.0.lock().unwrap().push(format!("{n} missed")),
                    Err(RecvError::Closed) => return,
                }
            }
        });
        told
    }

    fn so_far(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// Issue 25.8: the demo hotel starts on another port at each start, so every picture's address
/// changes; a restart is nobody's change and tells of none. A colleague's real change after it
/// is told once.
#[tokio::test(flavor = "multi_thread")]
async fn a_restart_on_another_port_tells_of_no_colleagues_change_and_a_real_one_is_told_once() {
    let fixture = Fixture::new();
    let desk = fixture.desk();
    desk.sign_in_demo().await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let before = loop {
        let seen = picture_addresses(&desk);
        let offers = desk.offers().list().unwrap();
        if offers.len() >= 6 && seen.contains("/media/") {
            if let Some(port) = loopback_port(&seen) {
                break port;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the demo hotel is read"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    desk.shutdown().await;
    drop(desk);

    let restarted = fixture.desk();
    let told = Told::follow(&restarted);
    restarted.resume().await.unwrap().expect("signed in");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let after = loop {
        let seen = picture_addresses(&restarted);
        if !seen.contains(&format!("127.0.0.1:{before}/")) {
            if let Some(port) = loopback_port(&seen) {
                break port;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "every picture is read again from the restarted demo hotel"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_ne!(before, after, "the demo hotel moved to another port");
    // What the reconcile still reads after the last address changed.
    restarted.settled().await;
    assert_eq!(
        told.so_far(),
        Vec::<String>::new(),
        "a restart is nobody's change"
    );

    // A colleague renames an offer: told once.
    let offer = restarted.offers().list().unwrap()[0].clone();
    let base = format!("http://127.0.0.1:{after}");
    let token: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/staff/login/"))
        .json(&serde_json::json!({"username": "sean.murphy", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let renamed = reqwest::Client::new()
        .patch(format!(
            "{base}/api/staff/hotel/killarney/offers/{}/",
            offer.id
        ))
        .header(
            "Authorization",
            format!("Token {}", token["token"].as_str().unwrap()),
        )
        .json(&serde_json::json!({"title": "Renamed by a colleague"}))
        .send()
        .await
        .unwrap();
    assert!(renamed.status().is_success(), "{}", renamed.status());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while told.so_far().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the change is told");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    restarted.settled().await;
    let told = told.so_far();
    assert_eq!(told.len(), 1, "told once: {told:?}");
    assert!(
        told[0].starts_with(&format!("Offers {} ", offer.id)),
        "{told:?}"
    );
    restarted.shutdown().await;
}

//! Helpers for the cross-process tests: the real app window driven over WebDriver
//! (`tauri-driver` + Debian's `WebKitWebDriver`), with its own data folder and keyring service.
//!
//! The tests run inside the private desktop session of `cargo xtask test`; each app
//! installation ([`AppProfile`]) is on a test computer of its own ([`Machine`]: display, session
//! bus, keyring, notification daemon and its log). The tools are found through the variables
//! that command sets.

#![warn(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub mod converge;
pub mod crafted;
mod keyring;
mod machine;

pub use keyring::KeyringGone;
pub use machine::Machine;

/// How long the UI may take to show something before a test fails.
pub const UI_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a benchmark harness makes a short run (`HOTELMATE_BENCH_SHORT`, set by `cargo xtask
/// bench --short` and `cargo xtask test`): the same steps on small numbers and unoptimised
/// builds, to show from a fresh clone that it still runs. Its figures are not measurements, so
/// it misses no goal; what it checks of correctness (nothing lost) it still checks.
pub fn bench_short() -> bool {
    std::env::var_os("HOTELMATE_BENCH_SHORT").is_some()
}

/// How long a harness watches something on purpose (memory over a settling time, frames while
/// idle): `full`, or a tenth of it in a short run (at least half a second), which measures
/// nothing and need not wait for what a measurement would.
pub fn bench_span(full: Duration) -> Duration {
    if bench_short() {
        (full / 10).max(Duration::from_millis(500))
    } else {
        full
    }
}

/// Where a benchmark writes its figures: `target/bench/`, or `target/bench/short/` for a short
/// run, which never overwrites a measurement.
pub fn bench_dir() -> PathBuf {
    let out = workspace_root().join("target/bench");
    if bench_short() {
        out.join("short")
    } else {
        out
    }
}

/// The repository's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Starts `command` with its output passed on to the test's own, through pipes of the test's:
/// never the test's own output handed down. The app's WebKit processes, and what WebKit starts
/// for its sandbox, outlive the app for a moment when it is killed, some without the data
/// folder's variable [`end_everything_of`] finds them by; holding the test's output, they made
/// nextest call the test leaky. Holding a pipe of the test's, they hold nothing of nextest's.
/// `with_stdout`: false drops what it prints on its standard output (its errors still pass).
pub(crate) fn spawn_passing_output(
    command: &mut Command,
    with_stdout: bool,
) -> std::io::Result<Child> {
    let mut child = command
        .stdout(if with_stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(out) = child.stdout.take() {
        pass_on(out, std::io::stdout());
    }
    if let Some(err) = child.stderr.take() {
        pass_on(err, std::io::stderr());
    }
    Ok(child)
}

/// Copies `from` to `to` until every process holding `from`'s other end has closed it.
fn pass_on(
    mut from: impl std::io::Read + Send + 'static,
    mut to: impl std::io::Write + Send + 'static,
) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
    });
}

/// A tool named by `variable`, else `default`; a clear failure when it is missing.
pub(crate) fn tool(variable: &str, default: PathBuf, install_hint: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or(default);
    assert!(
        path.is_file(),
        "{} not found at {}; {install_hint}",
        variable,
        path.display()
    );
    path
}

/// Where the tests leave what a person may want to read afterwards (`HOTELMATE_E2E_ARTIFACTS`,
/// else `target/e2e`); created if missing.
pub fn artifacts_dir() -> PathBuf {
    let dir = std::env::var_os("HOTELMATE_E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/e2e"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Where the ports [`free_port`] hands out start, and how many each test process has.
const OWN_PORTS_FROM: u16 = 10_000;
const OWN_PORTS_EACH: u16 = 16;

/// A port to tell tauri-driver or WebKitWebDriver to listen on (they take a number, not a bound
/// socket). Not one from the kernel's range for `bind(0)` and outgoing connections
/// (`ip_local_port_range`): the tests beside this one open connections all the time, and one of
/// them can take a port picked there a moment before the driver binds it (the session then
/// never opens). Each test process has a block of its own below that range, chosen by its
/// process id; a port found in use is passed over.
fn free_port() -> u16 {
    static NEXT: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);
    let kernel_from = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32_768);
    let blocks = kernel_from.saturating_sub(OWN_PORTS_FROM) / OWN_PORTS_EACH;
    assert!(
        blocks > 0,
        "no ports below the kernel's own from {kernel_from}"
    );
    let block = (std::process::id() % u32::from(blocks)) as u16;
    for _ in 0..OWN_PORTS_EACH {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % OWN_PORTS_EACH;
        let port = OWN_PORTS_FROM + block * OWN_PORTS_EACH + n;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("every port of this test's block (from {OWN_PORTS_FROM} + {block} × {OWN_PORTS_EACH}) is in use")
}

/// A harness's number flag (`--hours 72`) from its command line, else `default`. Flags come in
/// pairs, each one of `known`; any other stops the harness, saying which it takes.
pub fn number_flag(name: &str, known: &[&str], default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    if let Some(unknown) = args
        .iter()
        .skip(1)
        .step_by(2)
        .find(|a| !known.contains(&a.as_str()))
    {
        panic!(
            "unknown argument {unknown}: this harness takes {}",
            known
                .iter()
                .map(|flag| format!("{flag} N"))
                .collect::<Vec<_>>()
                .join(" and ")
        );
    }
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The one package of `kind` (`deb`, `rpm`) that `cargo xtask test` bundled from the debug
/// build, in the folder `variable` names (xtask sets it).
pub fn bundled_package(variable: &str, kind: &str) -> PathBuf {
    let dir = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/bundle").join(kind));
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "no packages in {} ({e}); cargo xtask test bundles them",
                dir.display()
            )
        })
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == kind))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "exactly one .{kind} in {}: {found:?}",
        dir.display()
    );
    found.into_iter().next().unwrap()
}

/// One app installation: a data folder and a keyring service that live across app restarts.
pub struct AppProfile {
    /// The desk's data folder, deleted when the profile is dropped.
    pub data_dir: tempfile::TempDir,
    /// The keyring service the desk keeps its token under, unique to this profile.
    pub keyring_service: String,
    name: String,
    /// More variables the app starts with (a system settings file, say).
    env: Vec<(String, String)>,
    /// The computer it is installed on: its own display, session bus, keyring and toasts.
    pub machine: Machine,
}

impl AppProfile {
    /// A new profile named `name` (the name goes in its keyring service and its kept logs).
    pub fn new(name: &str) -> Self {
        Self {
            data_dir: tempfile::tempdir().unwrap(),
            keyring_service: format!("hotelmate-desk-e2e-{name}-{}", std::process::id()),
            name: name.to_owned(),
            env: Vec::new(),
            machine: Machine::start(),
        }
    }

    /// Every variable the app of this profile starts with: its computer's, then its own.
    fn app_env(&self) -> Vec<(String, String)> {
        let mut env = self.machine.env().to_vec();
        env.extend(self.env.iter().cloned());
        env
    }

    /// Every toast the app of this profile showed (its computer's notification log).
    pub fn notifications(&self) -> String {
        self.machine.notifications()
    }

    /// The app of this profile starts with `key` set to `value`.
    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// What the desk has written to its log so far (every day's file). The desk writes each
    /// line as it happens, so a test can wait for what the desk says it did (a refusal, say).
    pub fn log(&self) -> String {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.data_dir.path().join("logs"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .collect();
        files.sort();
        files
            .iter()
            .filter_map(|file| std::fs::read_to_string(file).ok())
            .collect()
    }

    /// Copies the desk's log (which goes with its data folder) among the artifacts, so it
    /// outlives the profile; where it went, or `None` when the desk wrote none.
    pub fn keep_logs(&self) -> Option<PathBuf> {
        let files = std::fs::read_dir(self.data_dir.path().join("logs")).ok()?;
        let kept = artifacts_dir().join(format!("logs-{}-{}", self.name, std::process::id()));
        let _ = std::fs::create_dir_all(&kept);
        for file in files.flatten() {
            let _ = std::fs::copy(file.path(), kept.join(file.file_name()));
        }
        // The desk's database too, so what waited in its outbox can be read afterwards.
        for name in ["desk.sqlite3", "desk.sqlite3-wal", "desk.sqlite3-shm"] {
            let _ = std::fs::copy(self.data_dir.path().join(name), kept.join(name));
        }
        Some(kept)
    }
}

/// How much of each desk's log a failed test prints.
const FAILED_LOG_TAIL: usize = 80;

impl Drop for AppProfile {
    /// When the test failed, the desk's log (which goes with its data folder) is kept among the
    /// artifacts and its end printed, so a failure seen once can be read afterwards.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let Some(kept) = self.keep_logs() else {
            return;
        };
        for file in std::fs::read_dir(&kept).into_iter().flatten().flatten() {
            let Ok(text) = std::fs::read_to_string(file.path()) else {
                continue;
            };
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(FAILED_LOG_TAIL)..];
            eprintln!(
                "--- the end of desk '{}' log ({}; whole in {}) ---\n{}",
                self.name,
                file.file_name().to_string_lossy(),
                kept.display(),
                tail.join("\n")
            );
        }
    }
}

/// Says why a launch is tried again, on the test's output and in `retries.log` among the
/// artifacts: a passing test's output is not shown, and a retry costs time worth knowing of.
fn note_retry(what: &str) {
    eprintln!("{what}");
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let line = format!("{test}: {what}\n");
    let _ = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(artifacts_dir().join("retries.log"))
        .and_then(|mut file| std::io::Write::write_all(&mut file, line.as_bytes()));
}

/// How long WebKitWebDriver may take to start the app and open a session before it is restarted.
const SESSION_START_TIMEOUT: Duration = Duration::from_secs(45);
const SESSION_START_ATTEMPTS: usize = 3;

/// A running `tauri-driver` (which starts the app for each WebDriver session).
pub struct Driver {
    child: Child,
    port: u16,
    data_dir: PathBuf,
    keyring_service: String,
    env: Vec<(String, String)>,
}

impl Driver {
    /// Starts tauri-driver with the app's environment for `profile`.
    pub fn start(profile: &AppProfile) -> Self {
        let env = profile.app_env();
        let (child, port) = Self::spawn(profile.data_dir.path(), &profile.keyring_service, &env);
        Self {
            child,
            port,
            data_dir: profile.data_dir.path().to_path_buf(),
            keyring_service: profile.keyring_service.clone(),
            env,
        }
    }

    fn spawn(data_dir: &Path, keyring_service: &str, env: &[(String, String)]) -> (Child, u16) {
        let driver = tool(
            "TAURI_DRIVER_BIN",
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cargo/bin/tauri-driver"),
            "run `cargo xtask setup` (cargo install tauri-driver --version ^2 --locked)",
        );
        let port = free_port();
        let native_port = free_port();
        let child = &mut Command::new(driver);
        child
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // The app turns WebKit's DMA-BUF renderer off by default (blank windows in VMs), but
            // with it off WebKitWebDriver's screenshot command never returns; the Xvfb display
            // of the tests renders fine with WebKit's default, so the tests ask for it.
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "0")
            .env("HOTELMATE_DATA_DIR", data_dir)
            .env("HOTELMATE_KEYRING_SERVICE", keyring_service)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        let child = spawn_passing_output(child, false).expect("tauri-driver starts");
        (child, port)
    }

    /// Stops tauri-driver and what it started (WebKitWebDriver, the app).
    fn stop(&mut self) {
        let parent = self.child.id().to_string();
        let _ = Command::new("pkill")
            .args(["-TERM", "-P", &parent])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Launches the app and returns a WebDriver session on its main window. A session that does
    /// not open in time (WebKitWebDriver occasionally stalls on a loaded machine) is retried with
    /// a fresh driver; the app's data folder and keyring entry are kept.
    pub async fn launch(&mut self) -> Client {
        let app = tool(
            "HOTELMATE_APP_BIN",
            workspace_root().join("target/debug/hotelmate-desk"),
            "build it with `cargo build -p hotelmate-desk` (cargo xtask test does)",
        );
        self.launch_binary(&app).await
    }

    /// As [`Driver::launch`], with the app binary at `app` (an installed package's, say).
    pub async fn launch_binary(&mut self, app: &Path) -> Client {
        previous_app_gone(&self.data_dir);
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "wry".into());
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app.display().to_string() }),
        );
        // Both of rustls' crypto providers are in the dependency graph; pick one explicitly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        for attempt in 1..=SESSION_START_ATTEMPTS {
            let url = format!("http://127.0.0.1:{}", self.port);
            let driver = &mut self.child;
            let connect = async {
                loop {
                    let mut builder = ClientBuilder::rustls().unwrap();
                    builder.capabilities(capabilities.clone());
                    match builder.connect(&url).await {
                        Ok(client) => break Some(client),
                        Err(error) => {
                            // A driver that has ended (its port was taken, say) never answers.
                            if let Ok(Some(status)) = driver.try_wait() {
                                eprintln!("tauri-driver ended ({status}): {error}");
                                break None;
                            }
                            eprintln!("waiting for tauri-driver: {error}");
                            tokio::time::sleep(Duration::from_millis(300)).await;
                        }
                    }
                }
            };
            let outcome = tokio::time::timeout(SESSION_START_TIMEOUT, connect).await;
            match outcome {
                Ok(Some(client)) => return client,
                Ok(None) | Err(_) => {
                    let why = match outcome {
                        Ok(_) => "tauri-driver ended".to_owned(),
                        Err(_) => format!("no WebDriver session after {SESSION_START_TIMEOUT:?}"),
                    };
                    note_retry(&format!(
                        "attempt {attempt}: {why}; restarting tauri-driver"
                    ));
                    self.stop();
                    // The app the stalled attempt started outlives its driver (it is
                    // WebKitWebDriver's child); left running, it would take the next launch
                    // over (one desk per data folder) and that attempt could never succeed.
                    previous_app_gone(&self.data_dir);
                    let (child, port) =
                        Self::spawn(&self.data_dir, &self.keyring_service, &self.env);
                    self.child = child;
                    self.port = port;
                }
            }
        }
        panic!("the app did not open a WebDriver session in {SESSION_START_ATTEMPTS} attempts");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop();
        // The app is WebKitWebDriver's child; one that outlives its driver would linger, and so
        // would its WebKit processes for a moment after it, holding the test's output open
        // (nextest calls the test leaky). Everything started for this data folder ends here.
        end_everything_of(&self.data_dir);
    }
}

/// How long the processes of a data folder may take to be gone once killed.
const GONE_TIMEOUT: Duration = Duration::from_secs(10);

/// Kills every process started with `data_dir` as its desk's data folder (the driver's, the
/// app, WebKit's) and waits until each has ended. A process being killed loses its environment
/// before it closes its files (the test's output among them), so each one found is followed by
/// its id and start time until it is gone or a zombie (its files closed), not until its
/// environment can no longer be read.
fn end_everything_of(data_dir: &Path) {
    let deadline = Instant::now() + GONE_TIMEOUT;
    let mut ending: Vec<(i32, u64)> = Vec::new();
    loop {
        for pid in processes_of(data_dir) {
            if let Some(started) = living_since(pid) {
                if !ending.contains(&(pid, started)) {
                    ending.push((pid, started));
                }
            }
        }
        // Still the same process (not an id used again), and not yet a zombie.
        ending.retain(|(pid, started)| living_since(*pid) == Some(*started));
        if ending.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            let message = format!(
                "processes of {} still running after {GONE_TIMEOUT:?}: {ending:?}",
                data_dir.display()
            );
            // A second panic while the test's own unwinds would abort the test run.
            if std::thread::panicking() {
                eprintln!("{message}");
                return;
            }
            panic!("{message}");
        }
        for (pid, _) in &ending {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// When process `pid` started (clock ticks after boot), while it runs; `None` once it is gone
/// or a zombie.
fn living_since(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    if fields.first() == Some(&"Z") {
        return None;
    }
    fields.get(19)?.parse().ok()
}

/// Every live process whose environment names `data_dir` as the desk's data folder (a process
/// that has ended but not been reaped has no environment left to read).
fn processes_of(data_dir: &Path) -> Vec<i32> {
    let wanted = format!("HOTELMATE_DATA_DIR={}", data_dir.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_string_lossy().parse::<i32>().ok()?;
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            environ
                .split(|b| *b == 0)
                .any(|var| var == wanted.as_bytes())
                .then_some(pid)
        })
        .collect()
}

/// Finds `css` and does `act` with it. The UI re-renders whenever the desk's data changes, so an
/// element found a moment ago may be gone ("stale"); then it is found again, as a person would
/// look again, until [`UI_TIMEOUT`].
pub(crate) async fn with_element<T, F, Fut>(client: &Client, css: &str, mut act: F) -> T
where
    F: FnMut(fantoccini::elements::Element) -> Fut,
    Fut: Future<Output = Result<T, fantoccini::error::CmdError>>,
{
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let outcome = match client.find(Locator::Css(css)).await {
            Ok(element) => act(element).await,
            Err(error) => Err(error),
        };
        match outcome {
            Ok(value) => return value,
            Err(error)
                if (error.is_stale_element_reference() || error.is_no_such_element())
                    && Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("{css}: {error}"),
        }
    }
}

/// The text of the element `css`, once it is there.
pub async fn text_of(client: &Client, css: &str) -> String {
    with_element(client, css, |element| async move { element.text().await }).await
}

/// The whole text of the element `css` (its `textContent`), if it is there: for a line clipped
/// with an ellipsis, whose words WebDriver's visible-text rule does not return.
pub async fn content_of(client: &Client, css: &str) -> Option<String> {
    client
        .execute(
            "return document.querySelector(arguments[0])?.textContent ?? null;",
            vec![serde_json::Value::from(css)],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
}

/// Types `keys` where the keyboard's focus is, as a person at the desk does (a `Key` as its
/// string: `Key::Tab.to_string()`; modifiers first for a chord).
pub async fn press(client: &Client, keys: &str) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

/// The list row of a guest conversation.
pub fn conversation_row(conversation_id: i64) -> String {
    format!("[data-testid=conversation][data-conversation-id='{conversation_id}']")
}

/// Waits until `css` shows exactly `expected`.
pub async fn wait_for_text(client: &Client, css: &str, expected: &str) {
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        let current = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if current == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} shows {current:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Types `text` into the field `css`, once it is there.
pub async fn type_into(client: &Client, css: &str, text: &str) {
    with_element(client, css, |element| async move {
        element.send_keys(text).await
    })
    .await
}

/// Replaces the text of a field.
pub async fn retype(client: &Client, css: &str, text: &str) {
    with_element(client, css, |element| async move {
        element.clear().await?;
        element.send_keys(text).await
    })
    .await
}

/// Clicks the element `css` selects, looking for it again until [`UI_TIMEOUT`].
pub async fn click(client: &Client, css: &str) {
    with_element(client, css, |element| async move { element.click().await }).await
}

/// The text `script` returns when run in the page with `args` ("" when it returns anything
/// but text: each script says what it returns when it finds nothing).
pub async fn page_text(client: &Client, script: &str, args: Vec<serde_json::Value>) -> String {
    client
        .execute(script, args)
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Whether the page has no element `css` selects, now. Only WebDriver's "no such element"
/// counts: a window that is gone or a session that failed is an error, not an absence. An
/// element that went from the page while WebDriver was taking hold of it ("stale element",
/// seen in CI) was there when the page was looked at: not gone yet, a wait looks again.
pub async fn absent(client: &Client, css: &str) -> bool {
    match client.find(Locator::Css(css)).await {
        Ok(_) => false,
        Err(e) if e.is_no_such_element() => true,
        Err(e) if e.is_stale_element_reference() => false,
        Err(e) => panic!("cannot look for {css}: {e}"),
    }
}

/// Something deleted with an undo, watched from before the delete until [`ReturnWatch::check`]:
/// every change of the page is looked at, so it catches the deleted thing showing again even
/// for a moment (between two paints, where a test that polls would not see it, and a person
/// may).
pub struct ReturnWatch<'a> {
    app: &'a Client,
    shown_css: String,
}

/// Starts watching for `shown_css` showing again once the undo bar `undo_css` has been shown
/// and has gone (the delete is then being made). Start it before the delete is asked for.
pub async fn watch_for_return<'a>(
    app: &'a Client,
    shown_css: &str,
    undo_css: &str,
) -> ReturnWatch<'a> {
    app.execute(
        "const [shownCss, undoCss] = arguments;
         window.__returnWatch?.observer.disconnect();
         const watch = { undoOffered: false, shownAgain: 0 };
         watch.observer = new MutationObserver(() => {
           if (document.querySelector(undoCss)) watch.undoOffered = true;
           else if (watch.undoOffered && document.querySelector(shownCss)) watch.shownAgain += 1;
         });
         watch.observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
         window.__returnWatch = watch;",
        vec![shown_css.into(), undo_css.into()],
    )
    .await
    .unwrap_or_else(|e| panic!("cannot watch for {shown_css}: {e}"));
    ReturnWatch {
        app,
        shown_css: shown_css.to_owned(),
    }
}

impl ReturnWatch<'_> {
    /// Stops watching; fails unless the undo bar was seen and the deleted thing never showed
    /// again after it went.
    pub async fn check(self) {
        let seen = self
            .app
            .execute(
                "const watch = window.__returnWatch;
                 watch.observer.disconnect();
                 return { undoOffered: watch.undoOffered, shownAgain: watch.shownAgain };",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("cannot read the watch for {}: {e}", self.shown_css));
        assert_eq!(
            seen["undoOffered"], true,
            "the watch for {} saw the undo bar",
            self.shown_css
        );
        assert_eq!(
            seen["shownAgain"], 0,
            "{} showed again after its undo was over (page changes seen with it)",
            self.shown_css
        );
    }
}

/// Waits until the page has no element `css` selects ([`absent`]); `what` names the wait
/// in a failure.
pub async fn until_gone(client: &Client, css: &str, what: &str) {
    until(what, || absent(client, css)).await
}

/// Waits until `check` holds for the page, polling.
pub async fn until<F, Fut>(what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    until_explained(what, check, || async { String::new() }).await
}

/// Polls `check` until it gives a value, or fails with `what` (the suite's time for the
/// screen, as [`until`]).
pub async fn until_some<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + UI_TIMEOUT;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// As [`until`]; on timing out, the failure also says what `explain` finds (what the screen
/// shows), so a failure seen once can be understood afterwards.
pub async fn until_explained<F, Fut, E, EFut>(what: &str, mut check: F, explain: E)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
    E: FnOnce() -> EFut,
    EFut: Future<Output = String>,
{
    let deadline = Instant::now() + UI_TIMEOUT;
    while !check().await {
        if Instant::now() >= deadline {
            panic!("timed out waiting until {what}; {}", explain().await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The titles of the Offers list, top to bottom (empty while the list re-renders).
pub async fn row_titles(app: &Client) -> Vec<String> {
    let mut titles = Vec::new();
    for element in app
        .find_all(Locator::Css("[data-testid=offer-title]"))
        .await
        .unwrap_or_default()
    {
        match element.text().await {
            Ok(text) => titles.push(text),
            Err(_) => return Vec::new(),
        }
    }
    titles
}

/// Runs `script` (which gets the offer's row as `arguments[0]`) on the row titled `title`;
/// `None` when no row has that title. One script, so a re-render cannot come in between.
pub async fn on_offer_row(app: &Client, title: &str, script: &str) -> Option<serde_json::Value> {
    let body = format!(
        "const rows = [...document.querySelectorAll('[data-testid=offer-row]')];
         const row = rows.find(r => r.querySelector('[data-testid=offer-title]')?.textContent === arguments[0]);
         if (!row) return null;
         return ((row) => {{ {script} }})(row);"
    );
    let value = app
        .execute(&body, vec![serde_json::Value::from(title)])
        .await
        .unwrap();
    (!value.is_null()).then_some(value)
}

/// Opens the offer titled `title` in the editor.
pub async fn open_offer(app: &Client, title: &str) {
    let opened = on_offer_row(
        app,
        title,
        "row.querySelector('.row-main').click(); return true;",
    )
    .await
    .is_some();
    assert!(opened, "no offer titled {title}");
    until("the editor shows the offer", || async {
        app.execute(
            "return document.querySelector('[data-testid=field-title]')?.value ?? null;",
            vec![],
        )
        .await
        .is_ok_and(|value| value == title)
    })
    .await;
}

/// The tag shown on the row titled `title` ("" when it has none; `None` when no such row).
pub async fn tag_of(app: &Client, title: &str) -> Option<String> {
    on_offer_row(
        app,
        title,
        "return row.querySelector('.tag')?.textContent ?? '';",
    )
    .await
    .and_then(|v| v.as_str().map(str::to_owned))
}

/// Signs in through `addr` (the sandbox, or a proxy in front of it) for REST and live updates.
pub async fn sign_in_through(
    app: &Client,
    server: &hotelmate_sandbox::SandboxHandle,
    addr: std::net::SocketAddr,
    username: &str,
) {
    sign_in_with_key(app, &server.pusher().key, addr, username).await;
}

/// Signs in to the sandbox answering at `addr` whose Pusher key is `key`, and shows the Offers
/// screen (a desk opens where the person left it, the Overview the first time). Every field is
/// typed over: the form may hold the server this computer last signed in to.
pub async fn sign_in_with_key(app: &Client, key: &str, addr: std::net::SocketAddr, username: &str) {
    retype(app, "[data-testid=server-url]", &format!("http://{addr}")).await;
    retype(app, "[data-testid=username]", username).await;
    retype(app, "[data-testid=password]", "killarney-demo").await;
    let open = app
        .execute(
            "return document.querySelector('details')?.open ?? false;",
            vec![],
        )
        .await
        .unwrap();
    if open != serde_json::Value::Bool(true) {
        click(app, "details summary").await;
    }
    retype(app, "[data-testid=pusher-key]", key).await;
    retype(app, "[data-testid=pusher-host]", &addr.ip().to_string()).await;
    retype(app, "[data-testid=pusher-port]", &addr.port().to_string()).await;
    let encrypted = app
        .execute(
            "return document.querySelector('[data-testid=pusher-tls]').checked;",
            vec![],
        )
        .await
        .unwrap();
    if encrypted == serde_json::Value::Bool(true) {
        click(app, "[data-testid=pusher-tls]").await;
    }
    click(app, "[data-testid=sign-in]").await;
    wait_for_text(app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    wait_for_text(app, "[data-testid=connection-state]", "Connected").await;
    open_screen(app, "offers").await;
}

/// Clicks "Try the demo hotel", waits until the desk is signed in and shows the Offers screen
/// (a first run opens on the Overview).
pub async fn sign_in_demo(app: &Client) {
    click(app, "[data-testid=try-demo]").await;
    wait_for_text(app, "[data-testid=hotel-name]", "Hotel Killarney").await;
    open_screen(app, "offers").await;
}

/// The demo hotel as its own process (`hotelmate-sandbox`, as a second desk on the same demo
/// hotel uses it), without the simulator; stopped when dropped.
pub struct StandaloneSandbox {
    child: Child,
    /// Where the sandbox listens (HTTP and the Pusher socket).
    pub addr: std::net::SocketAddr,
    /// The sandbox's Pusher app key.
    pub pusher_key: String,
}

impl StandaloneSandbox {
    /// Starts the sandbox binary on a free port and waits until it says where it listens.
    pub fn start() -> Self {
        use std::io::BufRead;
        let binary = tool(
            "HOTELMATE_SANDBOX_BIN",
            workspace_root().join("target/debug/hotelmate-sandbox"),
            "build it with `cargo build -p hotelmate-sandbox` (cargo xtask test does)",
        );
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--no-simulator"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the standalone sandbox starts");
        let stdout = child.stdout.take().unwrap();
        let (found, told) = std::sync::mpsc::channel();
        // Read what it prints for as long as it runs (a closed pipe would end it).
        std::thread::spawn(move || {
            let mut addr = None;
            let mut key = None;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if let Some(url) = line.strip_prefix("HotelMate sandbox: http://") {
                    addr = url.trim_end_matches('/').parse().ok();
                }
                if let Some(rest) = line.strip_prefix("pusher: ") {
                    key = rest
                        .split_whitespace()
                        .find_map(|pair| pair.strip_prefix("key="))
                        .map(str::to_owned);
                }
                if line.starts_with("logins:") {
                    let _ = found.send((addr.take(), key.take()));
                }
            }
        });
        let (addr, key) = told
            .recv_timeout(Duration::from_secs(30))
            .expect("the standalone sandbox says where it listens");
        Self {
            child,
            addr: addr.expect("the sandbox printed its address"),
            pusher_key: key.expect("the sandbox printed its Pusher key"),
        }
    }
}

impl Drop for StandaloneSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs in to `server` as `username`, for REST and live updates.
pub async fn sign_in(app: &Client, server: &hotelmate_sandbox::SandboxHandle, username: &str) {
    sign_in_through(app, server, server.addr(), username).await;
}

/// Creates an offer through the editor and waits until the list shows it.
pub async fn new_offer(app: &Client, title: &str, short: &str) {
    click(app, "[data-testid=new-offer]").await;
    type_into(app, "[data-testid=field-title]", title).await;
    type_into(app, "[data-testid=field-short-description]", short).await;
    click(app, "[data-testid=save-offer]").await;
    let wanted = title.to_owned();
    until("the new offer is listed", || async {
        row_titles(app).await.contains(&wanted)
    })
    .await;
}

/// Kills (SIGKILL) the app of `profile`, as a power cut or a crash would: no shutdown runs.
/// Found by its data folder in the process environment, so other tests' apps are left alone.
pub fn kill_app(profile: &AppProfile) -> usize {
    kill_apps_of(profile.data_dir.path())
}

/// The app processes using `data_dir`.
fn apps_of(data_dir: &Path) -> Vec<i32> {
    processes_of(data_dir)
        .into_iter()
        .filter(|pid| program_of(*pid) == "hotelmate-desk")
        .collect()
}

/// Whether an app of `profile` is running (its desk process, whatever its windows).
pub fn app_running(profile: &AppProfile) -> bool {
    !apps_of(profile.data_dir.path()).is_empty()
}

/// The WebKit web processes the app of `profile` started (one per window's page), oldest
/// first.
pub fn web_processes(profile: &AppProfile) -> Vec<i32> {
    let desks = apps_of(profile.data_dir.path());
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let web = program_of(pid) == "WebKitWebProcess";
        if web && stat_of(pid).is_some_and(|(parent, _)| desks.contains(&parent)) {
            found.push(pid);
        }
    }
    found.sort_unstable();
    found
}

/// What the app of one data folder uses: the desk process alone, and with every process it
/// started (WebKit's web and network processes). tauri-driver and WebKitWebDriver carry the same
/// data folder in their environment but are not the app, so they are not counted.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppUsage {
    /// The desk process's resident memory, in KiB.
    pub desk_rss_kib: u64,
    /// The resident memory of the desk and every process it started, in KiB.
    pub total_rss_kib: u64,
    /// Their proportional memory (PSS: each shared page divided among the processes sharing
    /// it), in KiB: what the tree costs the machine, where RSS counts shared libraries once
    /// per process.
    pub total_pss_kib: u64,
    /// CPU time (user and system) since each process started.
    pub desk_cpu: Duration,
    /// CPU time of the desk and every process it started.
    pub total_cpu: Duration,
}

/// The unit of the CPU times in `/proc/<pid>/stat` (Linux's USER_HZ).
const CLOCK_TICKS_PER_SECOND: u64 = 100;

/// What the app of `profile` uses now (zeros when it is not running).
pub fn app_usage(profile: &AppProfile) -> AppUsage {
    tree_usage(&apps_of(profile.data_dir.path()))
}

/// What the processes `roots` and every process they started use now; `desk_*` are the roots'
/// own figures. A reference app (the minimal Tauri window) is measured by its pid this way.
pub fn tree_usage(roots: &[i32]) -> AppUsage {
    let mut usage = AppUsage::default();
    for pid in family_of(roots) {
        let rss = resident_kib_of(pid);
        let cpu = stat_of(pid).map_or(Duration::ZERO, |(_, ticks)| {
            Duration::from_millis(ticks * 1000 / CLOCK_TICKS_PER_SECOND)
        });
        if roots.contains(&pid) {
            usage.desk_rss_kib += rss;
            usage.desk_cpu += cpu;
        }
        usage.total_rss_kib += rss;
        usage.total_pss_kib += proportional_kib_of(pid);
        usage.total_cpu += cpu;
    }
    usage
}

/// One process of an app's tree, by its program's name (`hotelmate-desk`, `WebKitWebProcess`,
/// `WebKitNetworkProcess`…): where in the tree memory goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessMemory {
    /// The program's file name (empty for a process that is gone).
    pub name: String,
    /// Resident memory, in KiB.
    pub rss_kib: u64,
    /// Proportional memory, in KiB.
    pub pss_kib: u64,
}

/// The memory of each process of the app of `profile` (the desk and every process it started).
pub fn app_processes(profile: &AppProfile) -> Vec<ProcessMemory> {
    family_of(&apps_of(profile.data_dir.path()))
        .into_iter()
        .map(|pid| ProcessMemory {
            name: program_of(pid),
            rss_kib: resident_kib_of(pid),
            pss_kib: proportional_kib_of(pid),
        })
        .collect()
}

/// The file name of the program process `pid` runs (empty for a process that is gone). A
/// program rebuilt while it runs (`cargo build` during a soak) is still itself: the kernel then
/// names it "hotelmate-desk (deleted)", and a soak lost its desk from the rebuild on (51).
fn program_of(pid: i32) -> String {
    let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) else {
        return String::new();
    };
    let name = exe
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.strip_suffix(" (deleted)") {
        Some(running) => running.to_owned(),
        None => name,
    }
}

/// `roots` and every process they started, roots first.
fn family_of(roots: &[i32]) -> Vec<i32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if let Some((parent, _)) = stat_of(pid) {
            parents.push((pid, parent));
        }
    }
    let mut family = roots.to_vec();
    let mut next = 0;
    while let Some(&pid) = family.get(next) {
        next += 1;
        family.extend(
            parents
                .iter()
                .filter(|(_, parent)| *parent == pid)
                .map(|(child, _)| *child),
        );
    }
    family
}

/// CPU time (user and system) of the desk process's threads so far, summed by thread name
/// (tokio's workers share one), busiest first: where the desk spends its time.
pub fn desk_threads_cpu(profile: &AppProfile) -> Vec<(String, Duration)> {
    let mut by_name: Vec<(String, Duration)> = Vec::new();
    for pid in apps_of(profile.data_dir.path()) {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"));
        for task in tasks.into_iter().flatten().flatten() {
            let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            let Some((_, ticks)) = stat_at(&task.path().join("stat")) else {
                continue;
            };
            let cpu = Duration::from_millis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
            let name = name.trim();
            match by_name.iter_mut().find(|(n, _)| n == name) {
                Some((_, total)) => *total += cpu,
                None => by_name.push((name.to_owned(), cpu)),
            }
        }
    }
    by_name.sort_by_key(|(_, cpu)| std::cmp::Reverse(*cpu));
    by_name
}

/// A process's parent and its CPU time in clock ticks, from `/proc/<pid>/stat`.
fn stat_of(pid: i32) -> Option<(i32, u64)> {
    stat_at(Path::new(&format!("/proc/{pid}/stat")))
}

/// The parent and CPU time in clock ticks of a process's or thread's `stat` file.
fn stat_at(path: &Path) -> Option<(i32, u64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name (in parentheses) may hold spaces; the fields after it do not.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let parent = fields.get(1)?.parse().ok()?;
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((parent, user + system))
}

fn resident_kib_of(pid: i32) -> u64 {
    kib_field(&format!("/proc/{pid}/status"), "VmRSS:")
}

/// A process's proportional memory (`Pss` of `/proc/<pid>/smaps_rollup`), 0 when it is gone.
fn proportional_kib_of(pid: i32) -> u64 {
    kib_field(&format!("/proc/{pid}/smaps_rollup"), "Pss:")
}

/// The "<field> <n> kB" line of a `/proc` file, in KiB; 0 when the process is gone.
fn kib_field(path: &str, field: &str) -> u64 {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn kill_apps_of(data_dir: &Path) -> usize {
    let pids = apps_of(data_dir);
    for pid in &pids {
        let status = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -KILL {pid}");
    }
    pids.len()
}

/// Before a launch: the previous app of this data folder has ended. Ending a WebDriver session
/// closes the window without the app's own quit, and the app (one per data folder) would take
/// the new launch over; a person would wait for it to quit, so the test does, then ends it.
fn previous_app_gone(data_dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !apps_of(data_dir).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = kill_apps_of(data_dir);
    if killed > 0 {
        eprintln!(
            "the previous app of {} had not quit; ended it",
            data_dir.display()
        );
    }
}

/// Saves a screenshot under target/e2e/ after two animation frames (WebKit may otherwise
/// return the previous frame).
pub async fn screenshot(client: &Client, name: &str) -> PathBuf {
    client
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
            vec![],
        )
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    let path = artifacts_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    path
}

pub use hotelmate_sandbox::network::CutProxy;

/// The sandbox of the 2026 server (API.md §10, §14–§17), seeded with the demo hotel.
pub async fn sandbox_2026() -> hotelmate_sandbox::SandboxHandle {
    hotelmate_sandbox::Sandbox::start_generation(
        "127.0.0.1:0".parse().unwrap(),
        hotelmate_sandbox::Generation::Hotelmate2026,
    )
    .await
    .unwrap()
}

/// The token of `username` (every demo login has the same password), as their own browser
/// would get it.
pub async fn token_of(server: &hotelmate_sandbox::SandboxHandle, username: &str) -> String {
    token_at(&server.base_url(), username).await
}

/// As [`token_of`], for the server at `base`.
async fn token_at(base: &str, username: &str) -> String {
    let login: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/staff/login/"))
        .json(&serde_json::json!({"username": username, "password": "killarney-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["token"].as_str().unwrap().to_owned()
}

/// Makes the reception display (`true`) or the desk window the one the session drives. The
/// display's window is made when it is first opened, so it may be a moment in coming.
pub async fn switch_to(app: &Client, display: bool) {
    let deadline = Instant::now() + UI_TIMEOUT;
    while !switched_to(app, display).await {
        assert!(
            Instant::now() < deadline,
            "no {} window",
            if display { "display" } else { "desk" }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One look through the windows for the display's (or the desk's); whether it is now driven.
/// A window may go while it is looked at: the desk window is closed once the display shows
/// its first slide.
async fn switched_to(app: &Client, display: bool) -> bool {
    for handle in app.windows().await.unwrap() {
        if app.switch_to_window(handle).await.is_err() {
            continue;
        }
        let Ok(hash) = app.execute("return location.hash;", vec![]).await else {
            continue;
        };
        if (hash == "#/display") == display {
            return true;
        }
    }
    false
}

/// A colleague's token (Niamh, the manager), for changes made as another browser would.
pub async fn colleague_token(server: &hotelmate_sandbox::SandboxHandle) -> String {
    token_of(server, "niamh.kelly").await
}

/// A request as `username`'s own browser would make it; the JSON answer.
pub async fn as_user(
    server: &hotelmate_sandbox::SandboxHandle,
    username: &str,
    method: reqwest::Method,
    path: &str,
) -> serde_json::Value {
    as_user_at(&server.base_url(), username, method, path).await
}

/// As [`as_user`], for the server at `base` (a standalone sandbox, its own process).
pub async fn as_user_at(
    base: &str,
    username: &str,
    method: reqwest::Method,
    path: &str,
) -> serde_json::Value {
    reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .header(
            "Authorization",
            format!("Token {}", token_at(base, username).await),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Every offer on the server (all pages), as a colleague's browser reads them.
pub async fn server_offers(server: &hotelmate_sandbox::SandboxHandle) -> Vec<serde_json::Value> {
    let token = colleague_token(server).await;
    let http = reqwest::Client::new();
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let body: serde_json::Value = http
            .get(format!(
                "{}/api/staff/hotel/killarney/offers/?page={page}",
                server.base_url()
            ))
            .header("Authorization", format!("Token {token}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        all.extend(body["results"].as_array().unwrap().iter().cloned());
        if body["next"].is_null() {
            return all;
        }
        page += 1;
    }
}

/// A stand-in for the desktop's screensaver service (`org.freedesktop.ScreenSaver` on the
/// session bus of a profile's computer): the test computer runs no desktop, so nothing else
/// answers there. It answers
/// `Inhibit` with cookies 1, 2, … and records every call the app makes, in order.
pub struct ScreenSaverStandIn {
    calls: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl ScreenSaverStandIn {
    /// Takes the screensaver service's name on the session bus of `profile`'s computer and
    /// starts answering.
    pub async fn start(profile: &AppProfile) -> Self {
        use futures_util::StreamExt;
        let connection = zbus::connection::Builder::address(profile.machine.bus_address())
            .build()
            .await
            .unwrap();
        connection
            .request_name("org.freedesktop.ScreenSaver")
            .await
            .unwrap();
        let calls = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let recorded = calls.clone();
        let task = tokio::spawn(async move {
            let mut stream = zbus::MessageStream::from(&connection);
            let mut next = 1u32;
            while let Some(Ok(message)) = stream.next().await {
                let header = message.header();
                if header.message_type() != zbus::message::Type::MethodCall {
                    continue;
                }
                let member = header.member().map(|m| m.as_str().to_owned());
                match member.as_deref() {
                    Some("Inhibit") => {
                        recorded.lock().unwrap().push(format!("Inhibit {next}"));
                        connection.reply(&header, &(next,)).await.unwrap();
                        next += 1;
                    }
                    Some("UnInhibit") => {
                        let cookie: u32 = message.body().deserialize().unwrap();
                        recorded.lock().unwrap().push(format!("UnInhibit {cookie}"));
                        connection.reply(&header, &()).await.unwrap();
                    }
                    _ => {}
                }
            }
        });
        Self { calls, task }
    }

    /// The calls so far, e.g. `["Inhibit 1", "UnInhibit 1"]`.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl Drop for ScreenSaverStandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What the display shows, in words, for a failure's message: the live slide's test ids (with
/// the offers' count) and each picture with whether it painted.
pub async fn describe_display(app: &Client) -> String {
    app.execute(
        "const shown = [...document.querySelectorAll('[data-testid=display] [data-testid]')]
           .map(e => e.dataset.testid + (e.dataset.count ? '=' + e.dataset.count : '')).join(', ');
         const pictures = [...document.querySelectorAll('[data-testid=display] img')]
           .map(i => `${i.src.slice(0, 60)} complete=${i.complete} width=${i.naturalWidth}`).join('; ');
         return `slides: ${shown}; pictures: ${pictures}`;",
        vec![],
    )
    .await
    .map(|v| v.to_string())
    .unwrap_or_else(|e| format!("unreadable: {e}"))
}

/// The reception display (the window the session drives): how many offers its offers panel
/// rotates through (0 while another panel is up), and whether every image on it (hero, logo,
/// the slide shown) has loaded from the desk's own copies.
pub async fn display_state(app: &Client) -> (u64, bool) {
    let value = app
        .execute(
            "const card = document.querySelector('[data-testid=display-offers]');
             const imgs = [...document.querySelectorAll('[data-testid=display] img')];
             const loaded = imgs.length >= 2 && imgs.every(i => i.src.startsWith('hmimg:') && i.complete && i.naturalWidth > 0);
             return [card ? Number(card.dataset.count) : 0, loaded];",
            vec![],
        )
        .await
        .unwrap();
    (
        value[0].as_u64().unwrap_or(0),
        value[1] == serde_json::Value::Bool(true),
    )
}

/// Starts the app of `profile` as its first instance without WebDriver (as a person starts it,
/// with the profile's variables), for a test that outlives a WebDriver session: it resumes
/// the session kept in the profile. Killed when the returned guard is dropped.
pub fn start_app(profile: &AppProfile) -> AppProcess {
    let app = tool(
        "HOTELMATE_APP_BIN",
        workspace_root().join("target/debug/hotelmate-desk"),
        "build it with `cargo build -p hotelmate-desk`",
    );
    let child = spawn_passing_output(
        std::process::Command::new(app)
            .env("HOTELMATE_DATA_DIR", profile.data_dir.path())
            .env("HOTELMATE_KEYRING_SERVICE", &profile.keyring_service)
            .envs(profile.app_env()),
        true,
    )
    .unwrap();
    AppProcess(child)
}

/// The app started by [`start_app`]; killed when dropped.
pub struct AppProcess(Child);

impl Drop for AppProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the app binary of `profile` again, as a second double-click would, and waits for it
/// to end (a second launch hands over to the running desk and ends).
pub fn launch_again(profile: &AppProfile, args: &[&str]) -> std::process::ExitStatus {
    let app = tool(
        "HOTELMATE_APP_BIN",
        workspace_root().join("target/debug/hotelmate-desk"),
        "build it with `cargo build -p hotelmate-desk`",
    );
    let mut child = spawn_passing_output(
        std::process::Command::new(app)
            .args(args)
            .env("HOTELMATE_DATA_DIR", profile.data_dir.path())
            .env("HOTELMATE_KEYRING_SERVICE", &profile.keyring_service)
            .envs(profile.app_env()),
        true,
    )
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("a second launch kept running instead of handing over to the desk");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Shows one of the desk window's screens (`overview`, `offers`, `messages`, `pictures`,
/// `team`, `settings`) through the side bar. Settings is waited for until its switches are
/// read: until then its groups grow, and a click could land on what moved under it.
pub async fn open_screen(app: &Client, screen: &str) {
    click(app, &format!("[data-testid=nav-{screen}]")).await;
    if screen == "settings" {
        until("the settings are read", || async {
            app.find(Locator::Css("[data-testid=settings-computer]"))
                .await
                .is_ok()
        })
        .await;
    }
}

/// The desk window's visibility as its page sees it ("visible" or "hidden"; "hidden" too while
/// it is closed behind the reception display). A visible desk window is then the one driven;
/// otherwise the display is, when there is one.
pub async fn desk_visibility(app: &Client) -> String {
    if switched_to(app, false).await {
        if let Ok(state) = app
            .execute("return document.visibilityState;", vec![])
            .await
        {
            let state = state.as_str().unwrap_or_default().to_owned();
            if state != "visible" {
                // A hidden desk window is closed once the display shows its first slide: the
                // display, not the window about to go, is left driven (one look; a display
                // already gone on the way back to the desk leaves the desk driven).
                switched_to(app, true).await;
            }
            return state;
        }
    }
    // No desk window: it is closed while the reception display shows, made again after. The
    // display is then the one driven.
    switch_to(app, true).await;
    "hidden".to_owned()
}

/// Moves the page's clock `ms` ahead of the real one (0: back to the real one): a page's own
/// waits by the clock (the display's "not live" notice after a few minutes, its burn-in drift
/// every five) driven without waiting. Only the page's `Date` moves; its timers and the desk's
/// core keep real time.
pub async fn shift_page_clock(app: &Client, ms: u64) {
    app.execute(
        "const real = window.__realDate ?? Date; window.__realDate = real;
         const shift = arguments[0];
         window.Date = shift === 0 ? real : class extends real {
           constructor(...a) { super(...(a.length ? a : [real.now() + shift])); }
           static now() { return real.now() + shift; }
         };",
        vec![serde_json::Value::from(ms)],
    )
    .await
    .unwrap();
}

/// Ctrl+Shift+L, typed on the keyboard: the reception display asks who is leaving.
pub async fn press_leave_keys(app: &Client) {
    use fantoccini::key::Key;
    press_with(app, &[Key::Control, Key::Shift], 'L')
        .await
        .unwrap();
}

/// Waits until the display's header holds still with the hotel's logo in it: the logo appears
/// once its picture has loaded, a moment after the display opens, and moves the hotel's name.
pub async fn display_header_settled(app: &Client) {
    until("the display's header holds still with its logo", || async {
        app.execute_async(
            "const done = arguments[0];
             const place = () => {
               const logo = document.querySelector('.rd-brand img.logo');
               const name = document.querySelector('.rd-brand h1')?.getBoundingClientRect();
               return logo && logo.complete && logo.naturalWidth > 0 && name
                 ? [name.left, name.top, name.width, name.height].map(Math.round).join(',') : null;
             };
             requestAnimationFrame(() => {
               const before = place();
               requestAnimationFrame(() => requestAnimationFrame(() => done(before !== null && place() === before)));
             });",
            vec![],
        )
        .await
        .is_ok_and(|v| v == serde_json::Value::Bool(true))
    })
    .await;
}

/// Sets the display window to `width`×`height` and waits until its page is laid out at that
/// size and holds still: the page restyles on its `resize` event (`--display-size`), and its
/// header and board take a frame or two to settle; what is measured in between is a layout
/// on its way. Settled: the same boxes two frames apart.
pub async fn resize_display(app: &Client, width: u32, height: u32) {
    app.set_window_size(width, height).await.unwrap();
    until(
        &format!("the display has drawn a frame at {width}×{height}"),
        || async {
            app.execute_async(
                "const [w, h, done] = arguments;
                 const box = (css) => {
                   const r = document.querySelector(css)?.getBoundingClientRect();
                   return r ? [r.left, r.top, r.width, r.height].map(Math.round).join(',') : '';
                 };
                 const layout = () => ['[data-testid=display]', '.rd-header', '.rd-layout', '.rd-stage'].map(box).join(';');
                 requestAnimationFrame(() => {
                   const before = layout();
                   requestAnimationFrame(() => requestAnimationFrame(() => {
                     const r = document.querySelector('[data-testid=display]')?.getBoundingClientRect();
                     const restyled = document.documentElement.style.getPropertyValue('--display-size');
                     done(!!r && innerWidth === w && innerHeight === h && restyled === `${w}x${h}`
                          && Math.round(r.width) === w && Math.round(r.height) === h
                          && matchMedia('(orientation: portrait)').matches === (h > w)
                          && layout() === before);
                   }));
                 });",
                vec![width.into(), height.into()],
            )
            .await
            .is_ok_and(|v| v == serde_json::Value::Bool(true))
        },
    )
    .await;
}

/// Presses the display's leave keys and waits for its prompt to ask for `field` (its test id:
/// `leave-username`, `leave-pin`).
pub async fn ask_to_leave(app: &Client, field: &str) {
    press_leave_keys(app).await;
    let css = format!("[data-testid={field}]");
    until("the display asks who is leaving", || async {
        app.find(fantoccini::Locator::Css(&css)).await.is_ok()
    })
    .await;
}

/// Types a staff sign-in into the display's leave prompt and sends it.
pub async fn leave_as(app: &Client, username: &str, password: &str) {
    type_into(app, "[data-testid=leave-username]", username).await;
    type_into(app, "[data-testid=leave-password]", password).await;
    click(app, "[data-testid=leave-submit]").await;
}

/// Presses `key` with `modifiers` held, as a keyboard does (Ctrl+Q, Alt+↑, Ctrl+Shift+L).
pub async fn press_with(
    app: &Client,
    modifiers: &[fantoccini::key::Key],
    key: char,
) -> Result<(), fantoccini::error::CmdError> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut keys = KeyActions::new("keyboard".into());
    for modifier in modifiers {
        keys = keys.then(KeyAction::Down {
            value: (*modifier).into(),
        });
    }
    keys = keys
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    for modifier in modifiers.iter().rev() {
        keys = keys.then(KeyAction::Up {
            value: (*modifier).into(),
        });
    }
    app.perform_actions(keys).await
}

/// Scrolls the Messages list to its end (the list draws only the rows in view).
pub async fn scroll_conversations_to_end(app: &Client) {
    app.execute(
        "const scroller = document.querySelector('ul[aria-label=Conversations]').parentElement;
         scroller.scrollTop = scroller.scrollHeight;",
        vec![],
    )
    .await
    .unwrap();
}

/// Sets the reception display's PIN on the Settings screen, as a manager does.
pub async fn set_display_pin(app: &Client, pin: &str) {
    open_screen(app, "settings").await;
    click(app, "[data-testid=display-settings] summary").await;
    until("the display settings are read", || async {
        text_of(app, "[data-testid=display-pin-state]")
            .await
            .contains("No PIN")
    })
    .await;
    type_into(app, "[data-testid=display-pin]", pin).await;
    type_into(app, "[data-testid=display-pin-again]", pin).await;
    until("the PIN can be saved", || async {
        app.execute(
            "const b = document.querySelector('[data-testid=display-pin-save]'); b.scrollIntoView(); return !b.disabled;",
            vec![],
        )
        .await
        .ok()
            == Some(serde_json::Value::Bool(true))
    })
    .await;
    click(app, "[data-testid=display-pin-save]").await;
    until("the PIN is set", || async {
        text_of(app, "[data-testid=display-pin-state]")
            .await
            .contains("A PIN is set")
    })
    .await;
}

/// Each message of the open thread as `(text, status)`.
pub async fn thread_shown(app: &Client) -> Vec<(String, String)> {
    let value = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=message]')]
                 .map(m => [m.textContent, m.dataset.status]);",
            vec![],
        )
        .await
        .unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap_or_default().to_owned(),
                pair[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The conversation whose thread is open in Messages, if one is.
pub async fn open_thread_id(app: &Client) -> Option<i64> {
    app.execute(
        "const t = document.querySelector('[data-testid=thread]');
         return t ? Number(t.dataset.conversationId) : null;",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| v.as_i64())
}

/// The unread badge of a conversation in the list (0 without one; -1 when its row is not
/// drawn).
pub async fn unread_badge(app: &Client, conversation_id: i64) -> i64 {
    app.execute(
        "const row = document.querySelector(`[data-testid=conversation][data-conversation-id='${arguments[0]}']`);
         const badge = row && row.querySelector('[data-testid=conversation-unread]');
         return badge ? Number(badge.textContent.trim()) : (row ? 0 : -1);",
        vec![serde_json::Value::from(conversation_id)],
    )
    .await
    .ok()
    .and_then(|v| v.as_i64())
    .unwrap_or(-1)
}

/// The digits of what the list says of its length ("2,005 conversations": 2005).
pub async fn listed_count(app: &Client) -> u64 {
    content_of(app, "[data-testid=chat-count]")
        .await
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

/// The display's motion, as the display window has it: whether the desktop asked for less
/// motion, the live slide's fade in seconds, whether the progress bar shows, how many slides
/// are on the stage, and the live one (its panel, and its markup to tell slides apart).
pub async fn display_motion(app: &Client) -> serde_json::Value {
    app.execute(
        "const live = document.querySelector('.rd-layer.live');
         const progress = document.querySelector('.rd-progress');
         return { reduce: matchMedia('(prefers-reduced-motion: reduce)').matches,
                  fade: live ? parseFloat(getComputedStyle(live).animationDuration) : null,
                  progress: progress ? getComputedStyle(progress).display !== 'none' : null,
                  layers: document.querySelectorAll('.rd-layer').length,
                  panel: document.querySelector('[data-testid=display-panel]')?.dataset.panel ?? null,
                  slide: live ? live.innerHTML : null };",
        vec![],
    )
    .await
    .unwrap()
}

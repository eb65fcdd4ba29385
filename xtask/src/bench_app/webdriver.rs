//! Signing the measured desk in to its demo hotel through WebDriver, with as little of the
//! protocol as that needs.

use super::*;

/// Signs the desk in to the demo hotel through tauri-driver (WebDriver): "Try the demo hotel",
/// then waits for the painted offers (the demo server's first pull is in the cache by then)
/// and stops it. Later starts resume the session from the keyring.
/// What tauri-driver and WebKitWebDriver said is kept beside the marks, and its end is told
/// with a failed sign-in: a WebDriver call that got no answer says why there.
pub(super) fn sign_in_to_the_demo(desk: &App) -> Result<(), String> {
    let _ = std::fs::remove_file(&desk.marks);
    let port = free_port()?;
    let native_port = free_port()?;
    let said = desk.marks.with_file_name("webdriver.log");
    let log = std::fs::File::create(&said)
        .map_err(|e| format!("cannot create {}: {e}", said.display()))?;
    let log_too = log
        .try_clone()
        .map_err(|e| format!("cannot share {}: {e}", said.display()))?;
    let driver = Command::new(crate::setup::tauri_driver_path())
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(desk.command().get_envs().filter_map(|(k, v)| Some((k, v?))))
        // Its errors without a backtrace of its own code: what went wrong, in a few lines.
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .stdout(log)
        .stderr(log_too)
        .spawn()
        .map_err(|e| format!("cannot start tauri-driver: {e}"))?;
    // tauri-driver starts WebKitWebDriver on the native port and forwards each call to it: a
    // session asked for before that one listens is refused ("tcp connect error: Connection
    // refused" in its log; once in a clean-clone run, with the fuzzer beside it on two cores).
    let signed_in = wait_until_listening(native_port, "WebKitWebDriver")
        .and_then(|()| drive_demo_sign_in(desk, port));
    stop_tree(driver);
    signed_in.map_err(|failure| {
        let text = std::fs::read_to_string(&said).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let end = lines[lines.len().saturating_sub(20)..].join("\n");
        format!(
            "{failure}\nthe end of what tauri-driver and WebKitWebDriver said ({}):\n{end}",
            said.display()
        )
    })
}

pub(super) fn drive_demo_sign_in(desk: &App, port: u16) -> Result<(), String> {
    let webdriver = WebDriver { port };
    wait_until_listening(port, "tauri-driver")?;
    let capabilities = json!({"capabilities": {"alwaysMatch": {
        "browserName": "wry",
        "tauri:options": {"application": desk.binary.display().to_string()},
    }}});
    let session = webdriver.call("POST", "/session", Some(&capabilities))?;
    let id = session["sessionId"]
        .as_str()
        .ok_or_else(|| format!("WebDriver opened no session: {session}"))?
        .to_owned();
    click_when_there(
        &webdriver,
        &id,
        "[data-testid=try-demo]",
        "\"Try the demo hotel\"",
    )?;
    // A first run opens on Overview: the offers are what the benchmark times.
    click_when_there(
        &webdriver,
        &id,
        "[data-testid=nav-offers]",
        "an Offers entry",
    )?;
    let deadline = Instant::now() + SIGN_IN_TIMEOUT;
    while !read_marks(&desk.marks).contains_key(OFFERS_PAINTED) {
        if Instant::now() > deadline {
            return Err(format!(
                "the demo hotel's offers did not show within {} s of signing in",
                SIGN_IN_TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(SETTLE_AFTER_SIGN_IN);
    // Ends the desk too; stop_tree takes what is left.
    let _ = webdriver.call("DELETE", &format!("/session/{id}"), None);
    Ok(())
}

/// Clicks the element `css` of session `id` once it is there (within [`START_TIMEOUT`]).
pub(super) fn click_when_there(
    webdriver: &WebDriver,
    id: &str,
    css: &str,
    what: &str,
) -> Result<(), String> {
    let find = json!({"using": "css selector", "value": css});
    let deadline = Instant::now() + START_TIMEOUT;
    let element = loop {
        let found = webdriver.call("POST", &format!("/session/{id}/element"), Some(&find))?;
        if let Some(element) = found[ELEMENT_KEY].as_str() {
            break element.to_owned();
        }
        if Instant::now() > deadline {
            return Err(format!("no {what} on the desk: {found}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    webdriver.call(
        "POST",
        &format!("/session/{id}/element/{element}/click"),
        Some(&json!({})),
    )?;
    Ok(())
}

/// The key of an element reference in WebDriver's answers.
pub(super) const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub(super) fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// How many times a WebDriver call that got no answer is made (see [`WebDriver::call`]).
const UNANSWERED_TRIES: u32 = 3;

/// The few WebDriver calls the warm-up makes, over plain HTTP/1.1 on the loopback.
pub(super) struct WebDriver {
    port: u16,
}

/// Waits (within 60 s) until `what` accepts connections on `port` of the loopback.
fn wait_until_listening(port: u16, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("{what} is not listening on port {port}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

impl WebDriver {
    /// The `value` of the answer (a WebDriver error is a value with `error` in it). A call that
    /// tauri-driver closes without an answer is made again, at most [`UNANSWERED_TRIES`] times in
    /// all: tauri-driver 2.1 forwards each call to WebKitWebDriver over a pooled connection, which
    /// now and then is reset as the call is sent ("client error (SendRequest) … Connection reset
    /// by peer" in its log, about one warm-up in ten); the call then never reached the page.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let mut tries = 1;
        loop {
            match self.call_once(method, path, body)? {
                Some(value) => return Ok(value),
                None if tries < UNANSWERED_TRIES => {
                    eprintln!("xtask: WebDriver {method} {path}: no answer; made again");
                    tries += 1;
                }
                None => {
                    return Err(format!(
                        "WebDriver {method} {path}: no HTTP answer ({tries} tries)"
                    ))
                }
            }
        }
    }

    /// One call: `None` when the connection closed without an answer.
    fn call_once(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>, String> {
        let failed = |e: std::io::Error| format!("WebDriver {method} {path}: {e}");
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(failed)?;
        stream
            .set_read_timeout(Some(START_TIMEOUT))
            .map_err(failed)?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        stream.write_all(request.as_bytes()).map_err(failed)?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(failed)?;
        if answer.is_empty() {
            return Ok(None);
        }
        let answer = String::from_utf8_lossy(&answer);
        let (head, payload) = answer
            .split_once("\r\n\r\n")
            .ok_or_else(|| format!("WebDriver {method} {path}: a broken answer: {answer:?}"))?;
        let payload = if head.to_lowercase().contains("transfer-encoding: chunked") {
            unchunk(payload)
        } else {
            payload.to_owned()
        };
        let value: Value = serde_json::from_str(&payload)
            .map_err(|e| format!("WebDriver {method} {path}: {e} in {payload:?}"))?;
        Ok(Some(value["value"].clone()))
    }
}

/// The body of a chunked HTTP answer.
pub(super) fn unchunk(mut text: &str) -> String {
    let mut body = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        body.push_str(&rest[..size]);
        text = rest[size..].trim_start_matches("\r\n");
    }
    body
}

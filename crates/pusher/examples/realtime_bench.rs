//! Realtime benchmark: `pusher-channels` side by side with pusher-js (Node) on one sockudo, receiving the
//! same events published by the official Python `pusher` library.
//!
//! Measures delivery latency p50/p99 (publish call to handler, same wall clock), sustained throughput of
//! one client on one channel (events/s), and resident memory of one connection holding 100 channels.
//! Latency and throughput run in several rounds, each on fresh connections; the table shows the median
//! and the min–max spread of each client, and prints no ratio ("reference unstable") when the pusher-js
//! figure varies more than 2× between rounds. Writes `target/bench/realtime.json` with every round.
//!
//! Every event is accounted for. sockudo keeps a bounded queue per connection (`WEBSOCKET_MAX_MESSAGES`,
//! 1000 by default); when a client falls behind during the burst, sockudo drops the overflow and only
//! logs it. The bench reads those drops per socket from sockudo's log (`target/bench/sockudo.log`) and
//! fails when an event was neither received nor dropped by the server.
//!
//! Run: `cargo run --release -p pusher-channels --example realtime_bench` (what `cargo xtask bench
//! realtime` runs). Tools: `SOCKUDO_BIN` (default `<workspace>/target/tools/optimised/bin/sockudo`,
//! the optimised build xtask keeps there, then PATH),
//! `PYTHON` (default `python3`, with `pip install pusher`), `PUSHER_JS_DIR` (default
//! `<workspace>/tests/node`, after `npm install`), `NODE` (default `node`). Sizes: `BENCH_ROUNDS`
//! (default 5), `BENCH_LATENCY_EVENTS` per client and round (default 1000), `BENCH_BURST_EVENTS` per
//! round (default 50000), `BENCH_PUBLISHER_THREADS` (default 8), `BENCH_CHANNELS` (default 100).
//! `BENCH_SOCKUDO_BUFFER_MESSAGES` sets sockudo's per-connection queue (default: sockudo's own, 1000).

// A benchmark, not shipped: its long measuring functions are test code (issue 64.5).
#![allow(clippy::too_many_lines)]

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pusher_channels::{Client, Config};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const APP_ID: &str = "4242";
const APP_KEY: &str = "bench-key";
const APP_SECRET: &str = "bench-secret";
const MASTER_KEY_B64: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const CHANNEL: &str = "bench-events";
/// Latency events go to one channel per client in turn, so the server's fan-out order favours no one.
const OUR_LATENCY_CHANNEL: &str = "bench-latency-rust";
const THEIR_LATENCY_CHANNEL: &str = "bench-latency-js";
const STEP_TIMEOUT: Duration = Duration::from_secs(300);
/// sockudo fans out each publish request asynchronously: the last batches need this to reach both
/// clients before the end marker is published.
const FAN_OUT_GRACE: Duration = Duration::from_secs(2);
/// How long each client gets to see the end marker before it is published again.
const END_MARKER_WAIT: Duration = Duration::from_secs(10);
const END_MARKER_ATTEMPTS: usize = 5;
/// The reference is unusable when its slowest round is more than this many times its fastest.
const MAX_REFERENCE_SPREAD: f64 = 2.0;
/// What sockudo logs when a connection's queue is full and it drops a message for it.
const SOCKUDO_DROP_MESSAGE: &str = "Dropping message for slow consumer";

/// Where the figures go: `target/bench/`, or `target/bench/short/` for a short run
/// (`HOTELMATE_BENCH_SHORT`: `cargo xtask bench --short` on the tests' unoptimised sockudo and
/// small sizes, to show the bench still runs; never a measurement, so it never overwrites one).
fn bench_dir() -> PathBuf {
    let out = workspace_root().join("target/bench");
    if std::env::var_os("HOTELMATE_BENCH_SHORT").is_some() {
        out.join("short")
    } else {
        out
    }
}

fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

fn env_or(name: &str, default: usize) -> usize {
    env_opt(name).unwrap_or(default)
}

fn env_opt(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

fn sockudo_bin() -> Result<PathBuf, BoxError> {
    if let Ok(bin) = std::env::var("SOCKUDO_BIN") {
        return Ok(bin.into());
    }
    // The optimised build `cargo xtask bench realtime` keeps there (the tests' own, in
    // target/tools/bin, is unoptimised: not what a benchmark should measure against).
    let local = workspace_root().join("target/tools/optimised/bin/sockudo");
    if local.exists() {
        return Ok(local);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("sockudo"))
        .find(|path| path.exists())
        .ok_or_else(|| {
            "sockudo not found: `cargo install sockudo --locked --no-default-features --features local \
             --root target/tools/optimised` or set SOCKUDO_BIN"
                .into()
        })
}

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn sockudo_log_path() -> PathBuf {
    bench_dir().join("sockudo.log")
}

async fn start_sockudo(port: u16, buffer_messages: Option<usize>) -> Result<Child, BoxError> {
    let path = sockudo_log_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // sockudo logs to stdout; JSON lines so the drops can be read back per socket.
    let log = std::fs::File::create(&path)?;
    let mut command = Command::new(sockudo_bin()?);
    command
        .envs([
            ("HOST", "127.0.0.1"),
            ("SOCKUDO_DEFAULT_APP_ID", APP_ID),
            ("SOCKUDO_DEFAULT_APP_KEY", APP_KEY),
            ("SOCKUDO_DEFAULT_APP_SECRET", APP_SECRET),
            ("ADAPTER_DRIVER", "local"),
            ("CACHE_DRIVER", "memory"),
            ("QUEUE_DRIVER", "memory"),
            ("RATE_LIMITER_DRIVER", "memory"),
            ("RATE_LIMITER_ENABLED", "false"),
            ("APP_MANAGER_DRIVER", "memory"),
            ("METRICS_ENABLED", "false"),
            (
                "SOCKUDO_DEFAULT_APP_MAX_BACKEND_EVENTS_PER_SECOND",
                "1000000",
            ),
            ("LOG_OUTPUT_FORMAT", "json"),
            // Info, so the drop warnings carry their span (the event name).
            ("RUST_LOG", "info"),
            // sockudo's local adapter drops the message for a full queue either way and keeps the
            // connection; with `false` its log line names the socket, so each drop has an owner.
            ("WEBSOCKET_DISCONNECT_ON_BUFFER_FULL", "false"),
        ])
        .env("PORT", port.to_string())
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .kill_on_drop(true);
    if let Some(messages) = buffer_messages {
        command.env("WEBSOCKET_MAX_MESSAGES", messages.to_string());
    }
    let child = command.spawn()?;
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(child);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("sockudo did not start within 30 s".into())
}

/// Messages sockudo dropped for our sockets and for everyone else's.
#[derive(Debug, Default, Clone, Copy)]
struct Dropped {
    ours: u64,
    others: u64,
}

/// The drops of one round, by event name.
#[derive(Debug, Default)]
struct RoundDrops {
    latency: Dropped,
    burst: Dropped,
}

/// Reads sockudo's JSON log as it grows.
struct ServerLog {
    path: PathBuf,
    read_to: u64,
}

impl ServerLog {
    /// The drops logged since the last call.
    fn drops_since_last(&mut self, our_sockets: &HashSet<String>) -> Result<RoundDrops, BoxError> {
        let mut file = std::fs::File::open(&self.path)?;
        file.seek(SeekFrom::Start(self.read_to))?;
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        // A line still being written is read next time.
        let complete = text.rfind('\n').map_or(0, |end| end + 1);
        self.read_to += complete as u64;
        let mut drops = RoundDrops::default();
        for line in text[..complete].lines() {
            let Ok(entry) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let is_drop = entry["fields"]["message"]
                .as_str()
                .is_some_and(|message| message.starts_with(SOCKUDO_DROP_MESSAGE));
            let dropped = match entry["span"]["event_name"].as_str() {
                Some("latency") if is_drop => &mut drops.latency,
                Some("burst") if is_drop => &mut drops.burst,
                _ => continue,
            };
            match entry["fields"]["socket_id"].as_str() {
                Some(socket) if our_sockets.contains(socket) => dropped.ours += 1,
                _ => dropped.others += 1,
            }
        }
        Ok(drops)
    }
}

/// A child speaking JSON lines.
struct JsonLines {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Lines<BufReader<ChildStdout>>,
}

impl JsonLines {
    fn spawn(mut command: Command, what: &str) -> Result<Self, BoxError> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| format!("cannot start {what}: {error}"))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        Ok(Self {
            child,
            stdin,
            lines: BufReader::new(stdout).lines(),
        })
    }

    async fn next(&mut self) -> Result<Value, BoxError> {
        let line = tokio::time::timeout(STEP_TIMEOUT, self.lines.next_line())
            .await
            .map_err(|_| "no answer within the step timeout")??
            .ok_or("the process ended early")?;
        Ok(serde_json::from_str(&line)?)
    }

    async fn call(&mut self, request: Value) -> Result<Value, BoxError> {
        let stdin = self.stdin.as_mut().ok_or("no stdin")?;
        stdin.write_all(format!("{request}\n").as_bytes()).await?;
        let answer = self.next().await?;
        if answer["ok"] != true {
            return Err(format!("publisher failed: {answer}").into());
        }
        Ok(answer)
    }
}

fn python_publisher(port: u16) -> Result<JsonLines, BoxError> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pusher_helper.py");
    let config = json!({"app_id": APP_ID, "key": APP_KEY, "secret": APP_SECRET, "host": "127.0.0.1",
                        "port": port, "master_key": MASTER_KEY_B64});
    let mut command = Command::new(&python);
    command.arg(script).arg(config.to_string());
    JsonLines::spawn(command, &format!("{python} (needs `pip install pusher`)"))
}

fn node_client(port: u16, mode: &str, channels: usize) -> Result<JsonLines, BoxError> {
    let dir = std::env::var("PUSHER_JS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("tests/node"));
    if !dir.join("node_modules/pusher-js").exists() {
        return Err(format!("pusher-js missing: run `npm install` in {}", dir.display()).into());
    }
    let node = std::env::var("NODE").unwrap_or_else(|_| "node".into());
    let mut command = Command::new(&node);
    command
        .current_dir(&dir)
        .arg("--expose-gc")
        .arg("pusher_bench_client.js")
        .args([
            port.to_string(),
            APP_KEY.into(),
            mode.into(),
            channels.to_string(),
        ]);
    JsonLines::spawn(command, &node)
}

#[derive(Debug, Default, Clone)]
struct Measured {
    latencies_us: Vec<i64>,
    burst_count: u64,
    /// Distinct burst events (by their index), where the client reports them.
    burst_distinct: Option<u64>,
    burst_first_us: i64,
    burst_last_us: i64,
    /// Process CPU time from the first burst event to the end marker.
    burst_cpu_ms: f64,
}

impl Measured {
    fn percentile_ms(&self, p: usize) -> f64 {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return f64::NAN;
        }
        let index = (sorted.len() * p / 100).min(sorted.len() - 1);
        sorted[index] as f64 / 1000.0
    }

    fn throughput(&self) -> f64 {
        let span = (self.burst_last_us - self.burst_first_us) as f64 / 1e6;
        if self.burst_count < 2 || span <= 0.0 {
            return f64::NAN;
        }
        (self.burst_count - 1) as f64 / span
    }

    fn cpu_per_thousand_events_ms(&self) -> f64 {
        if self.burst_count == 0 {
            return f64::NAN;
        }
        self.burst_cpu_ms * 1000.0 / self.burst_count as f64
    }

    fn from_node(result: &Value) -> Self {
        Self {
            latencies_us: result["latencies_us"]
                .as_array()
                .map(|values| values.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default(),
            burst_count: result["burst_count"].as_u64().unwrap_or_default(),
            burst_distinct: None,
            burst_first_us: result["burst_first_us"].as_i64().unwrap_or_default(),
            burst_last_us: result["burst_last_us"].as_i64().unwrap_or_default(),
            burst_cpu_ms: result["burst_cpu_ms"].as_f64().unwrap_or(f64::NAN),
        }
    }
}

/// Our client, measuring in the handler exactly what the Node client measures in its handler.
async fn rust_events(
    client: &Client,
    burst_events: usize,
) -> Result<tokio::task::JoinHandle<Measured>, BoxError> {
    let channel = client.subscribe(CHANNEL).await?;
    let latency_channel = client.subscribe(OUR_LATENCY_CHANNEL).await?;
    let mut events = client.events();
    channel.subscribed().await?;
    latency_channel.subscribed().await?;
    Ok(tokio::spawn(async move {
        let mut measured = Measured::default();
        let mut seen = vec![false; burst_events];
        let mut distinct = 0;
        let mut cpu_at_first_burst = 0.0;
        while let Some(event) = events.recv().await {
            match event.event.as_str() {
                "latency" => {
                    let sent = event.data["sent_at_us"].as_i64().unwrap_or_default();
                    measured.latencies_us.push(now_us() - sent);
                }
                "burst" => {
                    let now = now_us();
                    if measured.burst_count == 0 {
                        measured.burst_first_us = now;
                        cpu_at_first_burst = process_cpu_ms();
                    }
                    measured.burst_last_us = now;
                    measured.burst_count += 1;
                    let index = event.data["i"]
                        .as_u64()
                        .and_then(|i| usize::try_from(i).ok());
                    if let Some(first) = index.and_then(|i| seen.get_mut(i)) {
                        if !*first {
                            *first = true;
                            distinct += 1;
                        }
                    }
                }
                "bench-end" => {
                    measured.burst_cpu_ms = process_cpu_ms() - cpu_at_first_burst;
                    break;
                }
                _ => {}
            }
        }
        measured.burst_distinct = Some(distinct);
        measured
    }))
}

/// One client's share of a round.
#[derive(Debug)]
struct ClientRound {
    measured: Measured,
    connections: u64,
    latency_dropped_by_server: u64,
    burst_dropped_by_server: u64,
}

impl ClientRound {
    fn latency_p50_ms(&self) -> f64 {
        self.measured.percentile_ms(50)
    }

    fn latency_p99_ms(&self) -> f64 {
        self.measured.percentile_ms(99)
    }

    fn throughput(&self) -> f64 {
        self.measured.throughput()
    }

    fn cpu_per_thousand_events_ms(&self) -> f64 {
        self.measured.cpu_per_thousand_events_ms()
    }

    /// Events that were published but neither received (once) nor dropped by the server: lost by the
    /// client, or by the bench's counting.
    fn unaccounted(&self, latency_events: usize, burst_published: u64) -> i64 {
        let received = self
            .measured
            .burst_distinct
            .unwrap_or(self.measured.burst_count);
        let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        as_i64(latency_events as u64)
            - self.measured.latencies_us.len() as i64
            - as_i64(self.latency_dropped_by_server)
            + as_i64(burst_published)
            - as_i64(received)
            - as_i64(self.burst_dropped_by_server)
    }

    fn json(&self, latency_events: usize, burst_published: u64) -> Value {
        json!({
            "latency_p50_ms": self.latency_p50_ms(), "latency_p99_ms": self.latency_p99_ms(),
            "throughput_events_per_s": self.throughput(),
            "cpu_ms_per_1000_events": self.cpu_per_thousand_events_ms(),
            "latency_events_received": self.measured.latencies_us.len(),
            "latency_events_dropped_by_sockudo": self.latency_dropped_by_server,
            "burst_events_received": self.measured.burst_count,
            "burst_events_distinct": self.measured.burst_distinct,
            "burst_events_dropped_by_sockudo": self.burst_dropped_by_server,
            "events_unaccounted": self.unaccounted(latency_events, burst_published),
            "connections": self.connections,
        })
    }
}

#[derive(Debug)]
struct Round {
    ours: ClientRound,
    theirs: ClientRound,
    burst_published: u64,
    publisher_events_per_s: f64,
}

/// Sizes of one round.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    latency_events: usize,
    burst_events: usize,
    publisher_threads: usize,
}

/// One round on fresh connections: latency, then the burst, then the end marker.
async fn run_round(
    port: u16,
    sizes: Sizes,
    publisher: &mut JsonLines,
    log: &mut ServerLog,
) -> Result<Round, BoxError> {
    let mut node = node_client(port, "events", 0)?;
    let ready = node.next().await?;
    if ready["type"] != "ready" {
        return Err(format!("pusher-js did not subscribe: {ready}").into());
    }
    let client = Client::connect(Config::self_hosted("127.0.0.1", port, false, APP_KEY))?;
    let mut states = client.states();
    let mut rust = rust_events(&client, sizes.burst_events).await?;

    publisher
        .call(
            json!({"op": "bench_latency", "channels": [OUR_LATENCY_CHANNEL, THEIR_LATENCY_CHANNEL],
                 "count": sizes.latency_events * 2, "interval_ms": 5}),
        )
        .await?;
    let burst = publisher
        .call(
            json!({"op": "bench_burst", "channel": CHANNEL, "count": sizes.burst_events,
                     "threads": sizes.publisher_threads, "batch_size": 100}),
        )
        .await?;
    tokio::time::sleep(FAN_OUT_GRACE).await;
    // sockudo drops the end marker too for a client whose queue is still full: publish it again until
    // both clients have seen it (each stops at the first).
    let (mut ours, mut node_result) = (None, None);
    for _ in 0..END_MARKER_ATTEMPTS {
        publisher
            .call(json!({"op": "trigger", "channel": CHANNEL, "event": "bench-end", "data": {}}))
            .await?;
        let deadline = tokio::time::Instant::now() + END_MARKER_WAIT;
        if ours.is_none() {
            if let Ok(measured) = tokio::time::timeout_at(deadline, &mut rust).await {
                ours = Some(measured?);
            }
        }
        if node_result.is_none() {
            if let Ok(result) = tokio::time::timeout_at(deadline, node.next()).await {
                node_result = Some(result?);
            }
        }
        if ours.is_some() && node_result.is_some() {
            break;
        }
    }
    let (Some(ours), Some(node_result)) = (ours, node_result) else {
        return Err(format!(
            "a client did not see the end marker after {END_MARKER_ATTEMPTS} attempts"
        )
        .into());
    };
    let _ = node.child.wait().await;
    let our_sockets: HashSet<String> = std::iter::from_fn(|| states.try_recv())
        .filter_map(|state| state.socket_id().map(str::to_owned))
        .collect();
    client.shutdown().await;
    // sockudo logged each drop before it queued the end marker that both clients have now seen.
    let drops = log.drops_since_last(&our_sockets)?;
    let burst_published = burst["published"].as_u64().unwrap_or_default();
    Ok(Round {
        ours: ClientRound {
            measured: ours,
            connections: our_sockets.len() as u64,
            latency_dropped_by_server: drops.latency.ours,
            burst_dropped_by_server: drops.burst.ours,
        },
        theirs: ClientRound {
            measured: Measured::from_node(&node_result),
            connections: node_result["connects"].as_u64().unwrap_or_default(),
            latency_dropped_by_server: drops.latency.others,
            burst_dropped_by_server: drops.burst.others,
        },
        burst_published,
        publisher_events_per_s: burst_published as f64
            / burst["seconds"].as_f64().unwrap_or(f64::NAN),
    })
}

/// The median and range of one figure over the rounds.
#[derive(Debug, Clone, Copy)]
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let mut values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        values.sort_by(f64::total_cmp);
        let (Some(&min), Some(&max)) = (values.first(), values.last()) else {
            return Self {
                median: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
            };
        };
        let middle = values.len() / 2;
        let median = if values.len().is_multiple_of(2) {
            (values[middle - 1] + values[middle]) / 2.0
        } else {
            values[middle]
        };
        Self { median, min, max }
    }

    /// Whether the slowest round is within `MAX_REFERENCE_SPREAD` of the fastest.
    fn is_stable(&self) -> bool {
        self.min > 0.0 && self.max / self.min <= MAX_REFERENCE_SPREAD
    }

    fn cell(&self) -> String {
        if self.min == self.max {
            return number(self.median);
        }
        format!(
            "{} ({}–{})",
            number(self.median),
            number(self.min),
            number(self.max)
        )
    }

    fn json(&self) -> Value {
        json!({"median": self.median, "min": self.min, "max": self.max})
    }
}

fn number(value: f64) -> String {
    match value.abs() {
        v if v >= 1000.0 => format!("{value:.0}"),
        v if v >= 100.0 => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}

/// A row of the table: ours against the reference, with the ratio only when the reference is stable.
struct Row {
    name: &'static str,
    key: &'static str,
    ours: Spread,
    theirs: Spread,
}

impl Row {
    fn over_rounds(
        name: &'static str,
        key: &'static str,
        rounds: &[Round],
        figure: impl Fn(&ClientRound) -> f64,
    ) -> Self {
        Self {
            name,
            key,
            ours: Spread::of(rounds.iter().map(|round| figure(&round.ours))),
            theirs: Spread::of(rounds.iter().map(|round| figure(&round.theirs))),
        }
    }

    fn ratio(&self) -> Option<f64> {
        self.theirs
            .is_stable()
            .then(|| self.ours.median / self.theirs.median)
    }

    fn ratio_cell(&self) -> String {
        self.ratio().map_or_else(
            || "reference unstable".into(),
            |ratio| format!("{ratio:.2}"),
        )
    }

    fn json(&self) -> Value {
        json!({"pusher_channels": self.ours.json(), "pusher_js": self.theirs.json(),
               "ratio": self.ratio(), "reference_unstable": !self.theirs.is_stable()})
    }
}

/// User plus system CPU time of this process, from /proc (clock ticks of 10 ms).
fn process_cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) * 10.0
}

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Child mode: one connection holding `channels` channels, then print the resident memory.
async fn memory_probe(port: u16, channels: usize) -> Result<(), BoxError> {
    let client = Client::connect(Config::self_hosted("127.0.0.1", port, false, APP_KEY))?;
    let mut handles = Vec::with_capacity(channels);
    for i in 0..channels {
        handles.push(client.subscribe(&format!("bench-memory-{i}")).await?);
    }
    for channel in &handles {
        channel.subscribed().await?;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("{}", json!({"type": "memory", "rss": rss_bytes()}));
    client.shutdown().await;
    Ok(())
}

async fn rust_memory(port: u16, channels: usize) -> Result<u64, BoxError> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args(["--memory-probe", &port.to_string(), &channels.to_string()]);
    let mut probe = JsonLines::spawn(command, "the memory probe")?;
    let answer = probe.next().await?;
    let _ = probe.child.wait().await;
    answer["rss"]
        .as_u64()
        .ok_or_else(|| "no rss from the probe".into())
}

async fn node_memory(port: u16, channels: usize) -> Result<u64, BoxError> {
    let mut node = node_client(port, "memory", channels)?;
    let answer = node.next().await?;
    let _ = node.child.wait().await;
    answer["rss"]
        .as_u64()
        .ok_or_else(|| "no rss from node".into())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // Warnings (a dropped frame, a reconnect) belong next to the numbers they would explain.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--memory-probe") {
        let port = args.get(2).and_then(|p| p.parse().ok()).ok_or("port")?;
        let channels = args.get(3).and_then(|c| c.parse().ok()).ok_or("channels")?;
        return memory_probe(port, channels).await;
    }
    let rounds = env_or("BENCH_ROUNDS", 5).max(1);
    let sizes = Sizes {
        latency_events: env_or("BENCH_LATENCY_EVENTS", 1000),
        burst_events: env_or("BENCH_BURST_EVENTS", 50_000),
        publisher_threads: env_or("BENCH_PUBLISHER_THREADS", 8).max(1),
    };
    let channels = env_or("BENCH_CHANNELS", 100);
    let buffer_messages = env_opt("BENCH_SOCKUDO_BUFFER_MESSAGES");

    let port = free_port()?;
    let _sockudo = start_sockudo(port, buffer_messages).await?;
    let mut log = ServerLog {
        path: sockudo_log_path(),
        read_to: 0,
    };
    let mut publisher = python_publisher(port)?;

    let mut results = Vec::with_capacity(rounds);
    for round_number in 1..=rounds {
        eprintln!(
            "round {round_number}/{rounds}: latency {} events per client (one every 5 ms, alternating), \
             then a burst of {} events in batches of 100 from {} publisher threads",
            sizes.latency_events, sizes.burst_events, sizes.publisher_threads
        );
        results.push(run_round(port, sizes, &mut publisher, &mut log).await?);
    }

    eprintln!("memory: one connection holding {channels} channels");
    let our_rss = rust_memory(port, channels).await?;
    let their_rss = node_memory(port, channels).await?;

    let mut rows = vec![
        Row::over_rounds(
            "latency p50 (ms)",
            "latency_p50_ms",
            &results,
            ClientRound::latency_p50_ms,
        ),
        Row::over_rounds(
            "latency p99 (ms)",
            "latency_p99_ms",
            &results,
            ClientRound::latency_p99_ms,
        ),
        Row::over_rounds(
            "throughput (events/s)",
            "throughput_events_per_s",
            &results,
            ClientRound::throughput,
        ),
        Row::over_rounds(
            "CPU per 1000 events (ms)",
            "cpu_ms_per_1000_events",
            &results,
            ClientRound::cpu_per_thousand_events_ms,
        ),
    ];
    rows.push(Row {
        name: "RSS, 1 conn + channels (MiB)",
        key: "rss_mib",
        ours: Spread::of([our_rss as f64 / 1048576.0]),
        theirs: Spread::of([their_rss as f64 / 1048576.0]),
    });

    println!();
    println!(
        "{:<30} {:>26} {:>26} {:>20}",
        format!("realtime, {rounds} rounds"),
        "pusher-channels",
        "pusher-js",
        "ratio"
    );
    println!(
        "{:<30} {:>26} {:>26}",
        "", "median (min–max)", "median (min–max)"
    );
    for row in &rows {
        println!(
            "{:<30} {:>26} {:>26} {:>20}",
            row.name,
            row.ours.cell(),
            row.theirs.cell(),
            row.ratio_cell()
        );
    }

    println!();
    println!(
        "events per round: received + dropped by sockudo (slow consumer, queue of {} messages) = published",
        buffer_messages.map_or_else(|| "1000".into(), |messages| messages.to_string())
    );
    println!(
        "{:<6} {:>26} {:>26} {:>12} {:>16}",
        "round", "pusher-channels burst", "pusher-js burst", "connections", "publisher ev/s"
    );
    let mut unaccounted = Vec::new();
    for (index, round) in results.iter().enumerate() {
        let cell = |client: &ClientRound| {
            format!(
                "{} + {} = {}",
                client.measured.burst_count,
                client.burst_dropped_by_server,
                client.measured.burst_count + client.burst_dropped_by_server
            )
        };
        println!(
            "{:<6} {:>26} {:>26} {:>12} {:>16.0}",
            index + 1,
            cell(&round.ours),
            cell(&round.theirs),
            format!("{} / {}", round.ours.connections, round.theirs.connections),
            round.publisher_events_per_s
        );
        for (name, client) in [
            ("pusher-channels", &round.ours),
            ("pusher-js", &round.theirs),
        ] {
            let missing = client.unaccounted(sizes.latency_events, round.burst_published);
            if missing != 0 {
                unaccounted.push(format!(
                    "round {}: {name} has {missing} events neither received once nor dropped by \
                     sockudo ({} connections)",
                    index + 1,
                    client.connections
                ));
            }
        }
    }
    let accounted = unaccounted.is_empty();
    if accounted {
        println!("every event accounted for: received by the client or dropped by sockudo");
    }
    for line in &unaccounted {
        println!("LOST: {line}");
    }

    let mut summary = serde_json::Map::new();
    for row in &rows {
        summary.insert(row.key.into(), row.json());
    }
    let report = json!({
        "benchmark": "realtime",
        "server": "sockudo",
        "publisher": "python pusher",
        "rounds": rounds,
        "latency_events_per_round": sizes.latency_events,
        "burst_events_per_round": sizes.burst_events,
        "publisher_threads": sizes.publisher_threads,
        "sockudo_queue_messages": buffer_messages.unwrap_or(1000),
        "channels_for_memory": channels,
        "max_reference_spread": MAX_REFERENCE_SPREAD,
        "summary": summary,
        "rss_bytes": {"pusher_channels": our_rss, "pusher_js": their_rss},
        "every_event_accounted_for": accounted,
        "round_results": results.iter().enumerate().map(|(index, round)| json!({
            "round": index + 1,
            "burst_published": round.burst_published,
            "publisher_events_per_s": round.publisher_events_per_s,
            "pusher_channels": round.ours.json(sizes.latency_events, round.burst_published),
            "pusher_js": round.theirs.json(sizes.latency_events, round.burst_published),
        })).collect::<Vec<_>>(),
    });
    let dir = bench_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("realtime.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
    println!("wrote {}", path.display());
    if !accounted {
        return Err(format!("events lost: {}", unaccounted.join("; ")).into());
    }
    Ok(())
}

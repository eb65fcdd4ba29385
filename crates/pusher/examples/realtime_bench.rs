//! Realtime benchmark: `pusher-channels` side by side with pusher-js (Node) on one sockudo, receiving the
//! same events published by the official Python `pusher` library.
//!
//! Measures delivery latency p50/p99 (publish call to handler, same wall clock), sustained throughput of
//! one client on one channel (events/s), and resident memory of one connection holding 100 channels.
//! Prints a table and writes `target/bench/realtime.json`.
//!
//! Run: `cargo run --release -p pusher-channels --example realtime_bench` (what `cargo xtask bench
//! realtime` runs). Tools: `SOCKUDO_BIN` (default `<workspace>/target/tools/bin/sockudo`, then PATH),
//! `PYTHON` (default `python3`, with `pip install pusher`), `PUSHER_JS_DIR` (default
//! `<workspace>/tests/node`, after `npm install`), `NODE` (default `node`). Sizes: `BENCH_LATENCY_EVENTS`
//! (default 1000), `BENCH_BURST_EVENTS` (default 50000), `BENCH_CHANNELS` (default 100).

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

fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
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
    let local = workspace_root().join("target/tools/bin/sockudo");
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
             --root target/tools` or set SOCKUDO_BIN"
                .into()
        })
}

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// sockudo's log goes to `target/bench/sockudo.log` (it names slow consumers it dropped messages for).
fn sockudo_log() -> Stdio {
    let dir = workspace_root().join("target/bench");
    let _ = std::fs::create_dir_all(&dir);
    std::fs::File::create(dir.join("sockudo.log")).map_or_else(|_| Stdio::null(), Stdio::from)
}

async fn start_sockudo(port: u16) -> Result<Child, BoxError> {
    let child = Command::new(sockudo_bin()?)
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
        ])
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(sockudo_log())
        .kill_on_drop(true)
        .spawn()?;
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
            burst_first_us: result["burst_first_us"].as_i64().unwrap_or_default(),
            burst_last_us: result["burst_last_us"].as_i64().unwrap_or_default(),
            burst_cpu_ms: result["burst_cpu_ms"].as_f64().unwrap_or(f64::NAN),
        }
    }
}

/// Our client, measuring in the handler exactly what the Node client measures in its handler.
async fn rust_events(client: &Client) -> Result<tokio::task::JoinHandle<Measured>, BoxError> {
    let channel = client.subscribe(CHANNEL).await?;
    let latency_channel = client.subscribe(OUR_LATENCY_CHANNEL).await?;
    let mut events = client.events();
    channel.subscribed().await?;
    latency_channel.subscribed().await?;
    Ok(tokio::spawn(async move {
        let mut measured = Measured::default();
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
                }
                "bench-end" => {
                    measured.burst_cpu_ms = process_cpu_ms() - cpu_at_first_burst;
                    break;
                }
                _ => {}
            }
        }
        measured
    }))
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
    let latency_events = env_or("BENCH_LATENCY_EVENTS", 1000);
    let burst_events = env_or("BENCH_BURST_EVENTS", 50_000);
    let channels = env_or("BENCH_CHANNELS", 100);

    let port = free_port()?;
    let _sockudo = start_sockudo(port).await?;
    let mut publisher = python_publisher(port)?;

    let mut node = node_client(port, "events", 0)?;
    let ready = node.next().await?;
    if ready["type"] != "ready" {
        return Err(format!("pusher-js did not subscribe: {ready}").into());
    }
    let client = Client::connect(Config::self_hosted("127.0.0.1", port, false, APP_KEY))?;
    let mut states = client.states();
    let rust = rust_events(&client).await?;

    eprintln!("latency: {latency_events} events per client, one every 5 ms, alternating");
    publisher
        .call(
            json!({"op": "bench_latency", "channels": [OUR_LATENCY_CHANNEL, THEIR_LATENCY_CHANNEL],
                 "count": latency_events * 2, "interval_ms": 5}),
        )
        .await?;
    eprintln!("throughput: {burst_events} events in batches of 100 from several publisher threads");
    let burst = publisher
        .call(json!({"op": "bench_burst", "channel": CHANNEL, "count": burst_events, "threads": env_or("BENCH_PUBLISHER_THREADS", 8), "batch_size": 100}))
        .await?;
    // sockudo fans out each request asynchronously: let the last batches arrive before the end marker.
    tokio::time::sleep(Duration::from_secs(2)).await;
    publisher
        .call(json!({"op": "trigger", "channel": CHANNEL, "event": "bench-end", "data": {}}))
        .await?;
    let ours = tokio::time::timeout(STEP_TIMEOUT, rust).await??;
    let node_result = node.next().await?;
    let theirs = Measured::from_node(&node_result);
    let our_connects = std::iter::from_fn(|| states.try_recv())
        .filter(|state| state.socket_id().is_some())
        .count();
    let their_connects = node_result["connects"].as_u64().unwrap_or_default();
    client.shutdown().await;

    eprintln!("memory: one connection holding {channels} channels");
    let our_rss = rust_memory(port, channels).await?;
    let their_rss = node_memory(port, channels).await?;

    let published_rate = burst["published"].as_f64().unwrap_or(f64::NAN)
        / burst["seconds"].as_f64().unwrap_or(f64::NAN);
    let rows = [
        (
            "latency p50 (ms)",
            ours.percentile_ms(50),
            theirs.percentile_ms(50),
        ),
        (
            "latency p99 (ms)",
            ours.percentile_ms(99),
            theirs.percentile_ms(99),
        ),
        (
            "throughput (events/s)",
            ours.throughput(),
            theirs.throughput(),
        ),
        (
            "CPU per 1000 events (ms)",
            ours.cpu_per_thousand_events_ms(),
            theirs.cpu_per_thousand_events_ms(),
        ),
        (
            "RSS, 1 conn + channels (MiB)",
            our_rss as f64 / 1048576.0,
            their_rss as f64 / 1048576.0,
        ),
    ];
    println!();
    println!(
        "{:<30} {:>16} {:>12} {:>10}",
        "realtime", "pusher-channels", "pusher-js", "ratio"
    );
    for (name, ours_value, theirs_value) in rows {
        println!(
            "{name:<30} {ours_value:>16.2} {theirs_value:>12.2} {:>10.2}",
            ours_value / theirs_value
        );
    }
    println!(
        "events received: ours {}+{}, pusher-js {}+{} (latency+burst); publisher rate {published_rate:.0} events/s",
        ours.latencies_us.len(),
        ours.burst_count,
        theirs.latencies_us.len(),
        theirs.burst_count
    );
    println!("connections during the run: ours {our_connects}, pusher-js {their_connects} (1 = no reconnect)");

    let report = json!({
        "benchmark": "realtime",
        "server": "sockudo",
        "publisher": "python pusher",
        "latency_events": latency_events,
        "burst_events": burst_events,
        "channels_for_memory": channels,
        "publisher_events_per_s": published_rate,
        "pusher_channels": {
            "latency_p50_ms": ours.percentile_ms(50), "latency_p99_ms": ours.percentile_ms(99),
            "throughput_events_per_s": ours.throughput(), "rss_bytes": our_rss,
            "cpu_ms_per_1000_events": ours.cpu_per_thousand_events_ms(),
            "latency_events_received": ours.latencies_us.len(), "burst_events_received": ours.burst_count,
            "connections": our_connects,
        },
        "pusher_js": {
            "latency_p50_ms": theirs.percentile_ms(50), "latency_p99_ms": theirs.percentile_ms(99),
            "throughput_events_per_s": theirs.throughput(), "rss_bytes": their_rss,
            "cpu_ms_per_1000_events": theirs.cpu_per_thousand_events_ms(),
            "latency_events_received": theirs.latencies_us.len(), "burst_events_received": theirs.burst_count,
            "connections": their_connects,
        },
    });
    let dir = workspace_root().join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("realtime.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
    println!("wrote {}", path.display());
    Ok(())
}

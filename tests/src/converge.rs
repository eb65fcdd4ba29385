//! The convergence harness (issue 15.3): N desks as separate processes (`converge_desk`) against
//! one sandbox, each behind its own two cut proxies (requests, socket), making random changes to
//! the offers while the harness cuts their network, stalls their socket, and SIGKILLs and
//! restarts them. At the end every desk must show what the server has, field for field, and
//! every change must be accounted for: on the server (the sandbox's log of accepted writes),
//! replaced by the same desk's later change before it was sent, given up by the user ("keep
//! theirs"), or its offer deleted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::{Sandbox, SandboxHandle};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

/// How big a run is.
#[derive(Debug, Clone)]
pub struct Plan {
    pub desks: usize,
    pub rounds: usize,
    /// Changes each desk makes a round (1 to this many).
    pub changes: usize,
    pub seed: u64,
    /// The desk program (`converge_desk`).
    pub desk_program: PathBuf,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    pub desks: usize,
    pub edits: usize,
    pub cuts: usize,
    pub stalls: usize,
    pub kills: usize,
    pub conflicts: usize,
    /// Changes the server refused, with its words.
    pub refused: Vec<String>,
    /// Milliseconds from a save on one desk to the change in another desk's store, both
    /// connected throughout.
    pub latencies_ms: Vec<f64>,
    /// The slowest of them: which calm stretch, from which desk to which, and what.
    pub slowest: Vec<(f64, String)>,
    pub lost: Vec<String>,
    pub duplicated: Vec<String>,
    /// Desks whose offers differ from the server's at the end, with the first difference.
    pub diverged: Vec<String>,
    pub seconds: f64,
}

impl Report {
    pub fn percentile(&self, p: f64) -> Option<f64> {
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return None;
        }
        let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        Some(sorted[at])
    }

    pub fn conflicts_per_100(&self) -> f64 {
        if self.edits == 0 {
            return 0.0;
        }
        self.conflicts as f64 * 100.0 / self.edits as f64
    }

    pub fn print(&self) {
        let ms = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
        println!(
            "convergence: {} desks (separate processes), {:.0} s",
            self.desks, self.seconds
        );
        println!("  random changes                 {}", self.edits);
        println!(
            "  network cuts / socket stalls   {} / {}",
            self.cuts, self.stalls
        );
        println!("  SIGKILLs and restarts          {}", self.kills);
        println!(
            "  save -> other desk's store     p50 {} ms, p90 {} ms, p99 {} ms, max {} ms ({} samples, both connected)",
            ms(self.percentile(0.5)),
            ms(self.percentile(0.9)),
            ms(self.percentile(0.99)),
            ms(self.percentile(1.0)),
            self.latencies_ms.len()
        );
        let mut slowest = self.slowest.clone();
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, what) in slowest.iter().take(5) {
            println!("    slow: {ms:.1} ms, {what}");
        }
        println!("  lost changes                   {}", self.lost.len());
        println!("  duplicated changes             {}", self.duplicated.len());
        println!(
            "  conflicts put to users         {} ({:.1} per 100 changes; {} refused by the server)",
            self.conflicts,
            self.conflicts_per_100(),
            self.refused.len()
        );
        for refused in &self.refused {
            println!("    refused: {refused}");
        }
        println!(
            "  desks equal to the server      {}/{}",
            self.desks - self.diverged.len(),
            self.desks
        );
    }

    pub fn to_json(&self) -> Value {
        json!({
            "desks": self.desks, "edits": self.edits, "cuts": self.cuts, "stalls": self.stalls,
            "kills": self.kills, "conflicts": self.conflicts, "refused": self.refused,
            "conflicts_per_100": self.conflicts_per_100(),
            "latency_ms": {"p50": self.percentile(0.5), "p90": self.percentile(0.9), "p99": self.percentile(0.99),
                           "max": self.percentile(1.0), "samples": self.latencies_ms.len()},
            "lost": self.lost, "duplicated": self.duplicated, "diverged": self.diverged,
            "seconds": self.seconds,
        })
    }
}

/// One line a desk printed, with which desk.
type Line = (usize, Value);

struct DeskProcess {
    child: Child,
    stdin: ChildStdin,
    starts: u64,
}

struct Harness {
    plan: Plan,
    server: SandboxHandle,
    http: Vec<CutProxy>,
    socket: Vec<CutProxy>,
    homes: Vec<tempfile::TempDir>,
    services: Vec<String>,
    processes: Vec<Option<DeskProcess>>,
    /// Everything every desk printed, in order of arrival.
    log: Arc<Mutex<Vec<Line>>>,
    answers: Vec<mpsc::UnboundedReceiver<Value>>,
    answer_senders: Vec<mpsc::UnboundedSender<Value>>,
    /// A staff token for reading the server as the reference.
    token: String,
}

impl Harness {
    async fn start_desk(&mut self, n: usize) {
        let starts = self.processes[n].as_ref().map_or(0, |p| p.starts + 1);
        let pusher = self.server.pusher();
        let mut child = Command::new(&self.plan.desk_program)
            .args([
                self.homes[n].path().to_string_lossy().into_owned(),
                self.services[n].clone(),
                format!("http://{}", self.http[n].addr()),
                self.socket[n].addr().ip().to_string(),
                self.socket[n].addr().port().to_string(),
                pusher.key,
                n.to_string(),
                starts.to_string(),
                (self.plan.seed ^ ((n as u64 + 1) << 20) ^ starts).to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the desk program starts");
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take().unwrap();
        let (log, answers) = (self.log.clone(), self.answer_senders[n].clone());
        tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(value) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                match value["op"].as_str() {
                    Some("saved" | "seen" | "id") => log.lock().unwrap().push((n, value)),
                    _ => {
                        log.lock().unwrap().push((n, value.clone()));
                        let _ = answers.send(value);
                    }
                }
            }
        });
        self.processes[n] = Some(DeskProcess {
            child,
            stdin,
            starts,
        });
        let ready = self.answer(n, Duration::from_secs(60)).await;
        assert_eq!(ready["op"], "ready", "desk {n} did not start: {ready}");
    }

    async fn answer(&mut self, n: usize, wait: Duration) -> Value {
        tokio::time::timeout(wait, self.answers[n].recv())
            .await
            .unwrap_or_else(|_| panic!("desk {n} did not answer within {wait:?}"))
            .unwrap_or_else(|| panic!("desk {n} ended"))
    }

    async fn ask(&mut self, n: usize, command: &str) -> Value {
        let process = self.processes[n].as_mut().expect("the desk runs");
        process
            .stdin
            .write_all(format!("{command}\n").as_bytes())
            .await
            .unwrap();
        self.answer(n, Duration::from_secs(60)).await
    }

    async fn kill(&mut self, n: usize) {
        if let Some(process) = self.processes[n].as_mut() {
            // SIGKILL: no shutdown, whatever the desk was doing.
            process.child.start_kill().unwrap();
            let _ = process.child.wait().await;
        }
        // Answers the killed process never read are stale now.
        while self.answers[n].try_recv().is_ok() {}
    }
}

/// A tiny deterministic generator for the harness's own choices.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

pub async fn run(plan: Plan) -> Report {
    let started = Instant::now();
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut http = Vec::new();
    let mut socket = Vec::new();
    let (mut answers, mut answer_senders) = (Vec::new(), Vec::new());
    for _ in 0..plan.desks {
        http.push(CutProxy::start(server.addr()).await.unwrap());
        socket.push(CutProxy::start(server.addr()).await.unwrap());
        let (tx, rx) = mpsc::unbounded_channel();
        answers.push(rx);
        answer_senders.push(tx);
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let mut harness = Harness {
        homes: (0..plan.desks)
            .map(|_| tempfile::tempdir().unwrap())
            .collect(),
        services: (0..plan.desks)
            .map(|n| format!("hotelmate-converge-{}-{nanos}-{n}", std::process::id()))
            .collect(),
        processes: (0..plan.desks).map(|_| None).collect(),
        log: Arc::default(),
        answers,
        answer_senders,
        token: crate::token_of(&server, "sean.murphy").await,
        http,
        socket,
        server,
        plan: plan.clone(),
    };
    for n in 0..plan.desks {
        harness.start_desk(n).await;
    }
    let mut report = Report {
        desks: plan.desks,
        ..Report::default()
    };
    let mut dice = Dice(plan.seed | 1);
    // Calm stretches (every desk connected from the save until the change is seen elsewhere),
    // from the log's first line to its last, for the latency samples.
    let mut calm: Vec<(usize, usize)> = Vec::new();
    let mut down = vec![false; plan.desks];
    for round in 0..plan.rounds {
        let is_calm = round % 4 == 3;
        if is_calm {
            for (n, is_down) in down.iter_mut().enumerate() {
                harness.http[n].restore();
                harness.socket[n].restore();
                *is_down = false;
            }
            // Let every desk reconnect, catch up and send what waited before timing anything.
            settle(&mut harness, Duration::from_secs(20)).await;
        } else {
            for (n, is_down) in down.iter_mut().enumerate() {
                match dice.roll(20) {
                    0..=2 if !*is_down => {
                        harness.http[n].cut();
                        harness.socket[n].cut();
                        *is_down = true;
                        report.cuts += 1;
                    }
                    3 if !*is_down => {
                        harness.socket[n].cut();
                        report.stalls += 1;
                    }
                    4..=9 if *is_down => {
                        harness.http[n].restore();
                        harness.socket[n].restore();
                        *is_down = false;
                    }
                    10 => {
                        harness.kill(n).await;
                        report.kills += 1;
                        harness.start_desk(n).await;
                    }
                    _ => harness.socket[n].restore(),
                }
            }
        }
        let from = harness.log.lock().unwrap().len();
        for n in 0..plan.desks {
            let count = 1 + dice.roll(plan.changes as u64);
            let answer = harness.ask(n, &format!("edit {count}")).await;
            assert_eq!(answer["op"], "edited", "{answer}");
        }
        tokio::time::sleep(Duration::from_millis(if is_calm { 1500 } else { 300 })).await;
        if is_calm {
            calm.push((from, harness.log.lock().unwrap().len()));
        }
    }

    // The end: the network back everywhere; conflicts settled until nothing waits.
    for n in 0..plan.desks {
        harness.http[n].restore();
        harness.socket[n].restore();
    }
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut dropped: HashSet<String> = HashSet::new();
    loop {
        let mut quiet = true;
        for n in 0..plan.desks {
            let resolved = harness.ask(n, "resolve").await;
            report.conflicts += resolved["count"].as_u64().unwrap_or(0) as usize;
            for why in resolved["refused"].as_array().into_iter().flatten() {
                report
                    .refused
                    .push(format!("desk {n}: {}", why.as_str().unwrap_or_default()));
            }
            for token in resolved["dropped"].as_array().into_iter().flatten() {
                if let Some(token) = token.as_str() {
                    dropped.insert(token.to_owned());
                }
            }
            let state = harness.ask(n, "state").await;
            if state["pending"] != 0 || state["conflicts"] != 0 || state["rejected"] != 0 {
                quiet = false;
            }
        }
        if quiet && equal_everywhere(&mut harness).await.is_empty() {
            break;
        }
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    report.diverged = equal_everywhere(&mut harness).await;
    account(&harness, &mut report, &dropped, &calm).await;
    for n in 0..plan.desks {
        if let Some(process) = harness.processes[n].as_mut() {
            let _ = process.stdin.write_all(b"quit\n").await;
            let _ = tokio::time::timeout(Duration::from_secs(10), process.child.wait()).await;
        }
    }
    harness.server.shutdown().await;
    report.seconds = started.elapsed().as_secs_f64();
    report
}

/// Waits until every desk has nothing waiting and is live, or `wait` passes.
async fn settle(harness: &mut Harness, wait: Duration) {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        let mut settled = true;
        for n in 0..harness.plan.desks {
            let state = harness.ask(n, "state").await;
            if state["pending"] != 0 || state["online"] != true {
                settled = false;
            }
        }
        if settled {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every offer on the server, read page by page with plain HTTP (not the desk's own pager).
async fn server_offers(harness: &Harness) -> Vec<Value> {
    let http = reqwest::Client::new();
    let base = harness.server.base_url();
    let auth = format!("Token {}", harness.token);
    let mut all = Vec::new();
    let mut url = Some(format!("{base}/api/staff/hotel/killarney/offers/"));
    while let Some(next) = url {
        let page: Value = http
            .get(&next)
            .header("Authorization", &auth)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        all.extend(page["results"].as_array().unwrap().iter().cloned());
        url = page["next"].as_str().map(str::to_owned);
    }
    all
}

const COMPARED: [&str; 6] = [
    "id",
    "title",
    "tag",
    "short_description",
    "is_active",
    "sort_order",
];

/// The desks whose offers differ from the server's, each with its first difference.
async fn equal_everywhere(harness: &mut Harness) -> Vec<String> {
    let server: HashMap<i64, Value> = server_offers(harness)
        .await
        .into_iter()
        .map(|o| (o["id"].as_i64().unwrap(), o))
        .collect();
    let mut diverged = Vec::new();
    for n in 0..harness.plan.desks {
        let state = harness.ask(n, "state").await;
        let offers = state["offers"].as_array().cloned().unwrap_or_default();
        let mine: HashMap<i64, Value> = offers
            .into_iter()
            .map(|o| (o["id"].as_i64().unwrap(), o))
            .collect();
        let mut difference = None;
        if mine.len() != server.len() {
            difference = Some(format!(
                "{} offers, the server {}",
                mine.len(),
                server.len()
            ));
        }
        for (id, theirs) in &server {
            if difference.is_some() {
                break;
            }
            match mine.get(id) {
                None => difference = Some(format!("offer {id} missing")),
                Some(ours) => {
                    for field in COMPARED {
                        if ours[field] != theirs[field] {
                            difference = Some(format!(
                                "offer {id} {field}: {} here, {} on the server",
                                ours[field], theirs[field]
                            ));
                            break;
                        }
                    }
                }
            }
        }
        if let Some(difference) = difference {
            diverged.push(format!("desk {n}: {difference}"));
        }
    }
    diverged
}

/// Counts changes, conflicts and latencies, and finds lost and duplicated changes.
async fn account(
    harness: &Harness,
    report: &mut Report,
    dropped: &HashSet<String>,
    calm: &[(usize, usize)],
) {
    let log = harness.log.lock().unwrap().clone();
    let writes = harness.server.writes();
    // Tokens the server accepted, and how often each create's arrived.
    let mut written: HashSet<String> = HashSet::new();
    let mut deleted: HashSet<i64> = HashSet::new();
    for write in &writes {
        if write["op"] == "delete" {
            deleted.insert(write["id"].as_i64().unwrap_or_default());
        }
        for value in write["fields"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, v)| v)
        {
            if let Some(text) = value.as_str() {
                written.insert(text.to_owned());
            }
        }
    }
    // Temporary ids, per desk, to server ids.
    let mut ids: HashMap<(usize, i64), i64> = HashMap::new();
    for (n, line) in &log {
        if line["op"] == "id" {
            ids.insert(
                (*n, line["temp"].as_i64().unwrap()),
                line["id"].as_i64().unwrap(),
            );
        }
    }
    let offer_of = |n: usize, id: i64| ids.get(&(n, id)).copied().unwrap_or(id);
    let saves: Vec<(usize, &Value)> = log
        .iter()
        .filter(|(_, l)| l["op"] == "saved")
        .map(|(n, l)| (*n, l))
        .collect();
    report.edits = saves.len();
    for (index, (n, save)) in saves.iter().enumerate() {
        let Some(token) = save["token"].as_str() else {
            continue;
        };
        if written.contains(token) || dropped.contains(token) {
            continue;
        }
        let offer = offer_of(*n, save["offer"].as_i64().unwrap_or_default());
        if deleted.contains(&offer) {
            continue;
        }
        // Replaced by this desk's own later change of the same field before it was sent.
        let replaced = saves[index + 1..].iter().any(|(m, later)| {
            m == n
                && later["field"] == save["field"]
                && offer_of(*m, later["offer"].as_i64().unwrap_or_default()) == offer
        });
        if replaced {
            continue;
        }
        // What became of it, for whoever reads the report.
        let on_offer: Vec<String> = writes
            .iter()
            .filter(|w| w["id"].as_i64() == Some(offer))
            .map(|w| format!("{}: {}", w["op"], w["fields"]))
            .collect();
        let desk_lines: Vec<String> = log
            .iter()
            .filter(|(m, l)| {
                m == n
                    && l["op"] != "seen"
                    && (l["offer"].as_i64() == Some(offer) || l["op"] != "saved")
            })
            .map(|(_, l)| l.to_string())
            .collect();
        report.lost.push(format!(
            "desk {n}: {save}; the server's writes to offer {offer}: {on_offer:?}; the desk's lines: {desk_lines:?}"
        ));
    }
    // The same offer more than once on the server.
    let mut titles: HashMap<String, usize> = HashMap::new();
    for offer in server_offers(harness).await {
        if let Some(title) = offer["title"].as_str() {
            *titles.entry(title.to_owned()).or_default() += 1;
        }
    }
    for (title, count) in titles {
        if count > 1 && title.starts_with("cv") {
            report.duplicated.push(format!("'{title}' {count} times"));
        }
    }
    // Save on one desk to seen on another, within calm stretches.
    for (stretch_no, (from, to)) in calm.iter().enumerate() {
        let stretch = &log[*from..*to];
        for (n, save) in stretch.iter().filter(|(_, l)| l["op"] == "saved") {
            let Some(token) = save["token"].as_str() else {
                continue;
            };
            let saved_at = save["at"].as_u64().unwrap_or_default();
            for (m, seen) in stretch
                .iter()
                .filter(|(m, l)| m != n && l["op"] == "seen" && l["token"].as_str() == Some(token))
            {
                let seen_at = seen["at"].as_u64().unwrap_or_default();
                let ms = seen_at.saturating_sub(saved_at) as f64 / 1000.0;
                report.latencies_ms.push(ms);
                report.slowest.push((
                    ms,
                    format!(
                        "stretch {stretch_no}: desk {n} -> desk {m}, {} {}",
                        save["kind"], token
                    ),
                ));
            }
        }
    }
}

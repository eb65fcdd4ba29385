//! `cargo xtask bench server-load` (in the private test session, for the keyring): what one
//! signed-in desk asks of the hotel's server per minute (issue 35.8), from the sandbox's own
//! count of every request it answered (its access log), in three phases of `--minutes` each
//! (default 11, past one ten-minute quiet round):
//!
//! - live and idle, the desk window hidden, then shown (issue 63.13: while it is shown, a
//!   server silent for a minute is asked whether it answers, so the status bar never says
//!   "Connected" of a frozen one; hidden, nothing is asked for that);
//! - live and busy: a colleague's browser changes an offer every 10 s (its own requests are
//!   not counted);
//! - the live-update server down (its socket cut, the REST server answering).
//!
//! Beside the figures the issue measured on 40bce7f against the real backend: 8 a minute idle
//! and live, 18 with the socket down, 20 reads of the offers list for 50 colleague changes.
//! Prints a table and writes `target/bench/server-load.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "support/short.rs"]
mod short;

use std::collections::BTreeMap;
use std::time::Duration;

use hotelmate_core::session::config::{DataDir, PusherEndpoint};
use hotelmate_core::session::secrets::TokenVault;
use hotelmate_core::{ConnectionStatus, Desk, DeskOptions, SignInRequest};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::Sandbox;
use serde_json::{json, Value};

/// The desk's requests between two counts: everything but the colleague's writes and sign-in.
fn desk_requests(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
) -> BTreeMap<String, u64> {
    after
        .iter()
        .filter(|(line, _)| !line.starts_with("PATCH ") && !line.contains("/login/"))
        .filter_map(|(line, n)| {
            let more = n - before.get(line).copied().unwrap_or(0);
            (more > 0).then(|| (line.clone(), more))
        })
        .collect()
}

fn minutes_flag() -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--minutes")
        .and_then(|at| args.get(at + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(11)
}

#[tokio::main]
async fn main() {
    let minutes = minutes_flag();
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let socket_side = CutProxy::start(server.addr()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut options = DeskOptions::new(DataDir::at(dir.path()));
    options.vault =
        TokenVault::with_service(format!("hotelmate-bench-load-{}", std::process::id()));
    options.toasts = false;
    let desk = Desk::open(options).unwrap();
    let pusher = server.pusher();
    desk.sign_in(SignInRequest {
        server_url: server.base_url(),
        username: "sean.murphy".into(),
        password: "killarney-demo".into(),
        pusher: Some(PusherEndpoint::SelfHosted {
            key: pusher.key,
            host: socket_side.addr().ip().to_string(),
            port: socket_side.addr().port(),
            tls: false,
        }),
    })
    .await
    .unwrap();
    while desk.connection_status() != ConnectionStatus::Online {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The first sync's reads are done (and the photos kept): nothing of the start is counted.
    desk.settled().await;
    let colleague: Value = reqwest::Client::new()
        .post(format!("{}/api/staff/login/", server.base_url()))
        .json(&json!({"username": "anna.byrne", "password": "killarney-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = colleague["token"].as_str().unwrap().to_owned();
    let offers: Vec<i64> = desk.offers().list().unwrap().iter().map(|o| o.id).collect();
    // A short run's phases are seconds long: its counts say the steps ran, not the load.
    let span = Duration::from_secs(short::size(minutes * 60, 3));
    println!(
        "one desk's requests to the hotel's server, {:.1} min a phase",
        span.as_secs_f64() / 60.0
    );

    let mut report = Vec::new();
    for phase in [
        "live, idle, desk window hidden",
        "live, idle, desk window shown",
        "live, a colleague's change every 10 s",
        "live updates down",
    ] {
        desk.window_shown(phase != "live, idle, desk window hidden");
        if phase == "live updates down" {
            socket_side.cut();
            while !matches!(
                desk.connection_status(),
                ConnectionStatus::LiveReconnecting { .. }
            ) {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        let before = server.request_counts();
        let started = tokio::time::Instant::now();
        let mut changes = 0;
        while started.elapsed() < span {
            // Each wait ends at the phase's end at the latest (a short run's phase is shorter
            // than the 10 s between a colleague's changes).
            let left = span.saturating_sub(started.elapsed());
            if phase.starts_with("live, a colleague") {
                let id = offers[changes % offers.len()];
                reqwest::Client::new()
                    .patch(format!(
                        "{}/api/staff/hotel/killarney/offers/{id}/",
                        server.base_url()
                    ))
                    .header("Authorization", format!("Token {token}"))
                    .json(&json!({ "tag": format!("Change {changes}") }))
                    .send()
                    .await
                    .unwrap();
                changes += 1;
                tokio::time::sleep(Duration::from_secs(10).min(left)).await;
            } else {
                tokio::time::sleep(Duration::from_secs(1).min(left)).await;
            }
        }
        let asked = desk_requests(&before, &server.request_counts());
        let total: u64 = asked.values().sum();
        let per_minute = total as f64 / (span.as_secs_f64() / 60.0);
        println!("{phase:<40} {total:>6} requests  {per_minute:>6.2} a minute");
        for (line, n) in &asked {
            println!("    {n:>5} × {line}");
        }
        report.push(
            json!({ "phase": phase, "requests": total, "per_minute": per_minute,
                            "colleague_changes": changes, "asked": asked }),
        );
    }
    println!("before (40bce7f, the real backend): 8 a minute live and idle, 18 with the socket down; 50 colleague changes read the offers list 20 times");
    let out = short::out_dir();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("server-load.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    desk.sign_out().await.ok();
}

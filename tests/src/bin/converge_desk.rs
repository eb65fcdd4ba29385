//! One desk of the convergence harness (`cargo xtask bench converge`, and the small version in
//! the test suite): a real `Desk` (its own SQLite file and keyring entry) in its own process,
//! driven over stdin by the harness, which may SIGKILL it and start it again on the same folder.
//!
//! Arguments: `<folder> <keyring service> <server url> <socket host> <socket port> <key> <desk
//! number> <start number> <seed>`. Commands, one a line: `edit N` (N random changes to the
//! offers), `resolve` (settle every conflict at random), `state`, `quit`. It prints JSON lines:
//! `saved` (each change, with its unique token and time), `seen` (a token first seen in this
//! desk's store), `id` (a temporary id got its server id), `resolved`, `state`, `ready`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hotelmate_core::config::{DataDir, PusherEndpoint};
use hotelmate_core::desk::Resolution;
use hotelmate_core::events::ResourceKind;
use hotelmate_core::offers::{Offer, OfferPatch};
use hotelmate_core::secrets::TokenVault;
use hotelmate_core::{Desk, DeskEvent, DeskOptions, SignInRequest};
use serde_json::{json, Value};
use tokio::io::AsyncBufReadExt;

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or_default()
}

fn say(line: Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// xorshift64*: enough randomness for choosing changes, and the same run from the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The harness's tokens in an offer (titles and tags it wrote).
fn tokens(offer: &Offer) -> [(&'static str, &str); 2] {
    [("title", &offer.title), ("tag", &offer.tag)]
}

fn is_token(text: &str) -> bool {
    text.starts_with("cv") && text.contains('-')
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, folder, service, server, host, port, key, number, start, seed] = &args[..] else {
        eprintln!("usage: converge_desk <folder> <service> <server> <host> <port> <key> <desk> <start> <seed>");
        std::process::exit(2);
    };
    let number: u64 = number.parse().unwrap();
    let start: u64 = start.parse().unwrap();
    let mut options = DeskOptions::new(DataDir::at(folder));
    options.vault = TokenVault::with_service(service.clone());
    options.request_timeout = Duration::from_secs(5);
    options.toasts = false;
    let desk = Arc::new(Desk::open(options).unwrap());
    let mut events = desk.subscribe();
    if desk.resume().await.unwrap().is_none() {
        desk.sign_in(SignInRequest {
            server_url: server.clone(),
            username: "sean.murphy".into(),
            password: "killarney-demo".into(),
            pusher: Some(PusherEndpoint::SelfHosted {
                key: key.clone(),
                host: host.clone(),
                port: port.parse().unwrap(),
                tls: false,
            }),
        })
        .await
        .unwrap();
    }

    // What this desk's store shows: every token, the first time it is there.
    let seen: Arc<Mutex<HashSet<String>>> = Arc::default();
    let look = {
        let (desk, seen) = (desk.clone(), seen.clone());
        move || {
            let Ok(offers) = desk.offers().list() else {
                return;
            };
            let at = now_us();
            let mut seen = seen.lock().unwrap();
            for offer in &offers {
                for (_, value) in tokens(offer) {
                    if is_token(value) && seen.insert(value.to_owned()) {
                        say(json!({"op": "seen", "token": value, "at": at}));
                    }
                }
            }
        }
    };
    look();
    let watcher = {
        let look = look.clone();
        tokio::spawn(async move {
            loop {
                // Everything already waiting is read before the store is looked at, so a burst of
                // changes costs one look, not one each (nothing is delayed by it).
                let mut changed = false;
                let mut next = events.recv().await;
                loop {
                    match next {
                        Ok(DeskEvent::ResourceChanged {
                            resource: ResourceKind::Offers,
                        })
                        | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            changed = true
                        }
                        Ok(DeskEvent::IdAssigned {
                            resource: ResourceKind::Offers,
                            temp_id,
                            id,
                        }) => say(json!({"op": "id", "temp": temp_id, "id": id})),
                        Ok(_) => {}
                        Err(_) => return,
                    }
                    next = match events.try_recv() {
                        Ok(event) => Ok(event),
                        Err(tokio::sync::broadcast::error::TryRecvError::Empty) => break,
                        Err(tokio::sync::broadcast::error::TryRecvError::Lagged(n)) => {
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(n))
                        }
                        Err(tokio::sync::broadcast::error::TryRecvError::Closed) => {
                            Err(tokio::sync::broadcast::error::RecvError::Closed)
                        }
                    };
                }
                if changed {
                    look();
                }
            }
        })
    };
    say(json!({"op": "ready"}));

    let mut rng = Rng(seed.parse::<u64>().unwrap() | 1);
    let mut counter = 0u64;
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["edit", n] => {
                for _ in 0..n.parse::<usize>().unwrap_or(1) {
                    counter += 1;
                    let token = format!("cv{number}r{start}-{counter}");
                    change(&desk, &mut rng, &token);
                }
                say(json!({"op": "edited"}));
            }
            ["resolve"] => {
                let mut dropped = Vec::new();
                let conflicts = desk.conflicts().unwrap();
                for conflict in &conflicts {
                    let keep_mine = conflict.refused.is_none() && rng.below(2) == 0;
                    if !keep_mine {
                        for field in &conflict.fields {
                            dropped.push(field.mine.clone());
                        }
                    }
                    let resolution = if keep_mine {
                        Resolution::KeepMine
                    } else {
                        Resolution::KeepTheirs
                    };
                    if let Err(err) = desk.resolve_conflict(conflict.seq, resolution) {
                        eprintln!("desk {number}: cannot resolve {}: {err}", conflict.seq);
                    }
                }
                let refused = conflicts.iter().filter(|c| c.refused.is_some()).count();
                say(
                    json!({"op": "resolved", "count": conflicts.len(), "refused": refused, "dropped": dropped}),
                );
            }
            ["state"] => {
                look();
                let summary = desk.outbox_summary().unwrap();
                let offers: Vec<Value> = desk
                    .offers()
                    .list()
                    .unwrap()
                    .iter()
                    .map(|o| {
                        json!({"id": o.id, "title": o.title, "tag": o.tag, "short_description": o.short_description,
                               "is_active": o.is_active, "sort_order": o.sort_order})
                    })
                    .collect();
                say(
                    json!({"op": "state", "pending": summary.pending, "conflicts": summary.conflicts,
                           "rejected": summary.rejected, "online": desk.connection_status() == hotelmate_core::ConnectionStatus::Online,
                           "offers": offers}),
                );
            }
            ["quit"] => break,
            _ => eprintln!("desk {number}: unknown command {line}"),
        }
    }
    watcher.abort();
    desk.shutdown().await;
}

/// One random change, as a member of staff would make it.
fn change(desk: &Desk, rng: &mut Rng, token: &str) {
    let offers = desk.offers().list().unwrap_or_default();
    let at = now_us();
    let roll = rng.below(100);
    if offers.len() < 4 || roll < 8 {
        let patch = OfferPatch {
            title: Some(token.to_owned()),
            short_description: Some("Converge".into()),
            ..OfferPatch::default()
        };
        match desk.offers().create(&patch) {
            Ok(offer) => say(
                json!({"op": "saved", "kind": "create", "token": token, "offer": offer.id, "field": "title", "at": at}),
            ),
            Err(err) => eprintln!("create refused: {err}"),
        }
        return;
    }
    let offer = &offers[rng.below(offers.len())];
    match roll {
        8..=11 if offer.short_description == "Converge" => match desk.offers().delete(offer.id) {
            Ok(()) => say(json!({"op": "saved", "kind": "delete", "offer": offer.id, "at": at})),
            Err(err) => eprintln!("delete refused: {err}"),
        },
        12..=19 => {
            let mut ids: Vec<i64> = offers.iter().map(|o| o.id).collect();
            let from = rng.below(ids.len());
            let moved = ids.remove(from);
            ids.insert(rng.below(ids.len() + 1), moved);
            match desk.offers().reorder(&ids) {
                Ok(_) => say(json!({"op": "saved", "kind": "reorder", "at": at})),
                Err(err) => eprintln!("reorder refused: {err}"),
            }
        }
        20..=29 => match desk.offers().set_active(offer.id, !offer.is_active) {
            Ok(_) => say(json!({"op": "saved", "kind": "active", "offer": offer.id, "at": at})),
            Err(err) => eprintln!("switch refused: {err}"),
        },
        _ => {
            let title = roll < 65;
            let patch = OfferPatch {
                title: title.then(|| token.to_owned()),
                tag: (!title).then(|| token.to_owned()),
                ..OfferPatch::default()
            };
            let field = if title { "title" } else { "tag" };
            match desk.offers().update(offer.id, &patch) {
                Ok(_) => say(
                    json!({"op": "saved", "kind": "update", "token": token, "offer": offer.id, "field": field, "at": at}),
                ),
                Err(err) => eprintln!("update refused: {err}"),
            }
        }
    }
}

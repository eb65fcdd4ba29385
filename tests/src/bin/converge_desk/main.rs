//! One desk of the convergence harness (`cargo xtask bench converge`, and the small versions in
//! the test suite): a real `Desk` (its own SQLite file and keyring entry) in its own process,
//! driven over stdin by the harness, which may SIGKILL it and start it again on the same folder.
//!
//! Arguments: `<folder> <keyring service> <server url> <socket host> <socket port> <key> <desk
//! number> <start number> <seed> <resource> <poll ms>`, the resource being `offers`, `galleries`
//! (with their images' captions and order), `room_types`, or on the 2026 server `cards` (the
//! offers' list's cards) or `page_gallery_images` (the page's gallery photos, see [`page`]). Commands, one a line: `edit N` (N
//! random changes to the resource), `resolve` (settle every conflict at random), `state`,
//! `quit`. It prints JSON lines: `saved` (each change: its kind, resource, row as this desk
//! named it, and for every change but a reorder or a delete a unique token in one text field),
//! `seen` (a token first seen in this desk's store), `id` (a temporary id got its server id),
//! `resolved` (what the user chose: tokens dropped, tokens kept over a colleague's, rows
//! restored, refusals), `state`, `ready`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hotelmate_core::desk::{GalleryPatch, ImagePatch, Resolution, RoomTypePatch};
use hotelmate_core::events::ResourceKind;
use hotelmate_core::features::offers::OfferPatch;
use hotelmate_core::features::pictures::PicturesOverview;
use hotelmate_core::session::config::{DataDir, PusherEndpoint};
use hotelmate_core::session::secrets::TokenVault;
use hotelmate_core::{Desk, DeskEvent, DeskOptions, SignInRequest};
use serde_json::{json, Map, Value};
use tokio::io::AsyncBufReadExt;

mod page;

/// Galleries the harness makes are of this category, and only those are deleted: the seed's
/// galleries hold the only images (uploads are not part of the run).
const HARNESS_CATEGORY: &str = "other";
/// Room types the harness makes have this code, and only those are deleted.
const HARNESS_CODE: &str = "CV";
/// Offers the harness makes have this short description, and only those are deleted.
const HARNESS_OFFER: &str = "Converge";

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

    /// `ids` with one of them moved elsewhere, as a person drags one row.
    fn moved(&mut self, mut ids: Vec<i64>) -> Vec<i64> {
        let from = self.below(ids.len());
        let moved = ids.remove(from);
        ids.insert(self.below(ids.len() + 1), moved);
        ids
    }
}

fn is_token(text: &str) -> bool {
    text.starts_with("cv") && text.contains('-')
}

/// Every token in a row as the `state` command shows it (whatever field it is in).
fn tokens_in(value: &Value, into: &mut HashSet<String>) {
    match value {
        Value::String(text) if is_token(text) => {
            into.insert(text.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| tokens_in(v, into)),
        Value::Object(fields) => fields.values().for_each(|v| tokens_in(v, into)),
        _ => {}
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Resource {
    Offers,
    Galleries,
    RoomTypes,
    /// The 2026 server's offers: the cards of one list.
    Cards,
    /// The 2026 server's gallery photos.
    PageGalleryImages,
}

impl Resource {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "offers" => Some(Self::Offers),
            "galleries" => Some(Self::Galleries),
            "room_types" => Some(Self::RoomTypes),
            "cards" => Some(Self::Cards),
            "page_gallery_images" => Some(Self::PageGalleryImages),
            _ => None,
        }
    }

    /// Whether it is on the 2026 server's page builder.
    fn on_page(self) -> bool {
        matches!(self, Self::Cards | Self::PageGalleryImages)
    }

    /// The kinds of the desk's events that are about this run.
    fn kinds(self) -> &'static [ResourceKind] {
        match self {
            Self::Offers => &[ResourceKind::Offers],
            Self::Galleries => &[ResourceKind::Galleries, ResourceKind::GalleryImages],
            Self::RoomTypes => &[ResourceKind::RoomTypes],
            Self::Cards => &[ResourceKind::PageCards, ResourceKind::PageLists],
            Self::PageGalleryImages => {
                &[ResourceKind::PageGalleries, ResourceKind::PageGalleryImages]
            }
        }
    }
}

/// The name the harness and the server's log of writes give a part of the run: the 2026
/// server logs a card as `card`, a gallery photo as `image` and a gallery as `gallery`; the
/// others by the desk's own names.
fn part(name: &str) -> &str {
    match name {
        "page_cards" => "card",
        "page_gallery_images" => "image",
        "page_galleries" => "gallery",
        other => other,
    }
}

/// The rows of the run's resource as this desk shows them, in the order it shows them, with the
/// fields the harness compares with the server's.
fn rows(desk: &Desk, resource: Resource) -> Vec<Value> {
    match resource {
        Resource::Offers => desk
            .offers()
            .list()
            .unwrap_or_default()
            .iter()
            .map(|o| {
                json!({"id": o.id, "title": o.title, "tag": o.tag, "short_description": o.short_description,
                       "is_active": o.is_active, "sort_order": o.sort_order, "restored": o.restored})
            })
            .collect(),
        Resource::Galleries => overview(desk)
            .galleries
            .iter()
            .map(|g| {
                let images: Vec<Value> = g
                    .images
                    .iter()
                    .map(|i| json!({"id": i.id, "caption": i.caption}))
                    .collect();
                json!({"id": g.id, "name": g.name, "category": g.category, "description": g.description,
                       "is_active": g.is_active, "restored": g.restored, "images": images})
            })
            .collect(),
        Resource::RoomTypes => overview(desk)
            .room_types
            .iter()
            .map(|t| {
                json!({"id": t.id, "name": t.name, "code": t.code, "short_description": t.short_description,
                       "availability_message": t.availability_message, "is_active": t.is_active})
            })
            .collect(),
        Resource::Cards => page::card_rows(desk),
        Resource::PageGalleryImages => page::gallery_rows(desk),
    }
}

fn overview(desk: &Desk) -> PicturesOverview {
    desk.pictures()
        .overview()
        .unwrap_or_else(|_| PicturesOverview {
            hotel_images: Vec::new(),
            galleries: Vec::new(),
            room_types: Vec::new(),
            room_types_refused: None,
            room_type_photos_refused: None,
            changes_refused: Vec::new(),
        })
}

/// The tokens row `id` of `part` ("gallery_images" for an image) shows on this desk now.
fn row_tokens(desk: &Desk, resource: Resource, part: &str, id: i64) -> HashSet<String> {
    let mut found = HashSet::new();
    for row in rows(desk, resource) {
        if part == "gallery_images" || part == "image" {
            for image in row["images"].as_array().into_iter().flatten() {
                if image["id"].as_i64() == Some(id) {
                    tokens_in(image, &mut found);
                }
            }
        } else if row["id"].as_i64() == Some(id) {
            tokens_in(&row, &mut found);
        }
    }
    found
}

/// Writes the desk's log to `desk.log` in its folder (appended to by each start), kept with its
/// SQLite file for reading what a desk did (`RUST_LOG` filters; the core's info and up by
/// default).
fn keep_log(folder: &str) {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(std::path::Path::new(folder).join("desk.log"))
        .unwrap();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "hotelmate_core=info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .init();
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, folder, service, server, host, port, key, number, start, seed, resource, poll_ms] =
        &args[..]
    else {
        eprintln!("usage: converge_desk <folder> <service> <server> <host> <port> <key> <desk> <start> <seed> <resource> <poll ms>");
        std::process::exit(2);
    };
    let number: u64 = number.parse().unwrap();
    let start: u64 = start.parse().unwrap();
    let resource = Resource::parse(resource)
        .expect("offers, galleries, room_types, cards or page_gallery_images");
    if std::env::var_os("HOTELMATE_CONVERGE_KEEP").is_some() {
        keep_log(folder);
    }
    let mut options = DeskOptions::new(DataDir::at(folder));
    options.vault = TokenVault::with_service(service.clone());
    options.request_timeout = Duration::from_secs(5);
    options.toasts = false;
    // Galleries and room types are announced by no event: a desk reads them on this timer.
    options.poll_interval = Duration::from_millis(poll_ms.parse().unwrap());
    options.quiet_interval = options.poll_interval;
    let desk = Arc::new(Desk::open(options).unwrap());
    let mut events = desk.subscribe();
    if desk.resume().await.unwrap().is_none() {
        // Said for the harness's failure message: a restarted desk is expected to resume. Two
        // 10-desk runs ended with a restarted desk signing in again into its cut network.
        let mut why = "no session was kept".to_owned();
        while let Ok(event) = events.try_recv() {
            if let hotelmate_core::DeskEvent::SessionExpired { message, .. } = event {
                why = format!("the session was kept but its token was not ({message})");
            }
        }
        if start > 0 {
            eprintln!("desk {number}, start {start}: cannot resume: {why}");
        }
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

    if resource.on_page() {
        // Nothing on the 2026 page is announced (§17.9 item 7): it is read on the timer while
        // its screen shows, as for a person who keeps it open.
        let cards = resource == Resource::Cards;
        desk.looking_at(page::view(cards));
        let wait = if start == 0 { 30 } else { 3 };
        page::loaded(&desk, cards, Duration::from_secs(wait)).await;
    }

    // What this desk's store shows: every token, the first time it is there.
    let seen: Arc<Mutex<HashSet<String>>> = Arc::default();
    let look = {
        let (desk, seen) = (desk.clone(), seen.clone());
        move || {
            let mut shown = HashSet::new();
            rows(&desk, resource)
                .iter()
                .for_each(|r| tokens_in(r, &mut shown));
            let at = now_us();
            let mut seen = seen.lock().unwrap();
            for token in shown {
                if seen.insert(token.clone()) {
                    say(json!({"op": "seen", "token": token, "at": at}));
                }
            }
        }
    };
    look();
    let watcher = {
        let look = look.clone();
        let kinds = resource.kinds();
        tokio::spawn(async move {
            loop {
                // Everything already waiting is read before the store is looked at, so a burst of
                // changes costs one look, not one each (nothing is delayed by it).
                let mut changed = false;
                let mut next = events.recv().await;
                loop {
                    match next {
                        Ok(DeskEvent::ResourceChanged { resource })
                            if kinds.contains(&resource) =>
                        {
                            changed = true
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => changed = true,
                        Ok(DeskEvent::IdAssigned {
                            resource,
                            temp_id,
                            id,
                        }) if kinds.contains(&resource) => say(
                            json!({"op": "id", "resource": part(resource.name()), "temp": temp_id, "id": id}),
                        ),
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
    let mut next_token = move || {
        counter += 1;
        format!("cv{number}r{start}-{counter}")
    };
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["edit", n] => {
                for _ in 0..n.parse::<usize>().unwrap_or(1) {
                    let token = next_token();
                    match resource {
                        Resource::Offers => change_offers(&desk, &mut rng, &token),
                        Resource::Galleries => change_galleries(&desk, &mut rng, &token),
                        Resource::RoomTypes => change_room_types(&desk, &mut rng, &token),
                        Resource::Cards => page::change_cards(&desk, &mut rng, &token),
                        Resource::PageGalleryImages => {
                            page::change_photos(&desk, &mut rng, &token).await
                        }
                    }
                }
                say(json!({"op": "edited"}));
            }
            ["resolve"] => resolve(&desk, resource, &mut rng, &mut next_token, number),
            ["state"] => {
                look();
                let summary = desk.outbox_summary().unwrap();
                say(
                    json!({"op": "state", "pending": summary.pending, "held": summary.held, "conflicts": summary.conflicts,
                           "rejected": summary.rejected, "online": desk.connection_status() == hotelmate_core::ConnectionStatus::Online,
                           "rows": rows(&desk, resource)}),
                );
            }
            ["quit"] => break,
            _ => eprintln!("desk {number}: unknown command {line}"),
        }
    }
    watcher.abort();
    desk.shutdown().await;
}

/// Settles every conflict and refusal as a person might, and says what became of the changes:
/// `dropped` (tokens this desk's view of the row lost by "keep theirs", or by letting a
/// refusal go), `kept` (this desk's tokens put over a colleague's by "keep mine", each as
/// `[token, the value it was kept over]`), `restores`
/// (rows deleted elsewhere that "keep mine" brings back as new rows), `refused` (the server's
/// words). A gallery whose restore the server refuses for its name (a colleague restored it
/// too) is given a new name, as the desk asks.
fn resolve(
    desk: &Desk,
    resource: Resource,
    rng: &mut Rng,
    next_token: &mut impl FnMut() -> String,
    number: u64,
) {
    let (mut dropped, mut kept, mut restores, mut refused) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let conflicts = desk.conflicts().unwrap();
    for conflict in &conflicts {
        let conflict_part = part(&conflict.resource);
        let before = row_tokens(desk, resource, conflict_part, conflict.id);
        let at = now_us();
        let mine: Vec<String> = conflict
            .fields
            .iter()
            .filter_map(|f| f.mine.as_str().map(str::to_owned))
            .collect();
        // Each token kept, with the value it was kept over (issue 63.21: "keep mine" excuses
        // replacing that value only, not any other a colleague saved).
        let kept_over: Vec<Value> = conflict
            .fields
            .iter()
            .filter_map(|f| Some(json!([f.mine.as_str()?, f.theirs.as_str().unwrap_or("")])))
            .collect();
        let name_taken = conflict.resource == "galleries"
            && conflict
                .refused
                .as_deref()
                .is_some_and(|why| why.contains("name"));
        let new_name = name_taken.then(&mut *next_token);
        let resolution = match &new_name {
            Some(name) => {
                let mut values = Map::new();
                values.insert("name".into(), Value::from(name.as_str()));
                Resolution::Edit { values }
            }
            // A row deleted elsewhere that the desk cannot bring back (a gallery photo: it is
            // made only with its file) offers no "keep mine": the run's person lets it go, as
            // the screen lets a person do.
            None if conflict.deleted_elsewhere && !conflict.may_bring_back => {
                Resolution::KeepTheirs
            }
            None if conflict.refused.is_none() && rng.below(2) == 0 => Resolution::KeepMine,
            None => Resolution::KeepTheirs,
        };
        let (keeps_mine, lets_go) = (
            resolution == Resolution::KeepMine,
            resolution == Resolution::KeepTheirs,
        );
        if let Err(err) = desk.resolve_conflict(conflict.seq, resolution) {
            eprintln!("desk {number}: cannot resolve {}: {err}", conflict.seq);
            continue;
        }
        if let Some(why) = &conflict.refused {
            refused.push(json!({"resource": conflict_part, "id": conflict.id, "why": why}));
        }
        if let Some(name) = new_name {
            saved(
                "rename",
                "galleries",
                conflict.id,
                Some(("name", &name)),
                at,
            );
        }
        if keeps_mine {
            kept.extend(kept_over);
            if conflict.deleted_elsewhere {
                restores.push(json!({"resource": conflict_part, "id": conflict.id}));
            }
        }
        if lets_go {
            let after = row_tokens(desk, resource, conflict_part, conflict.id);
            dropped.extend(before.difference(&after).cloned());
            dropped.extend(mine);
        }
    }
    say(
        json!({"op": "resolved", "count": conflicts.len(), "refused": refused, "dropped": dropped,
               "kept": kept, "restores": restores,
               "replaced": conflicts
                   .iter()
                   .filter(|c| c.overwrote_colleague || c.replaced_by_colleague)
                   .count()}),
    );
}

/// The id of the row just created with `token` in `field`, read again: a read of the rows can
/// miss a row whose create the server answers during the read (the rows and the changes waiting
/// are read one after the other), so the overview a create returns may lack it.
fn new_row_id(desk: &Desk, resource: Resource, field: &str, token: &str) -> i64 {
    rows(desk, resource)
        .iter()
        .find(|row| row[field] == token)
        .and_then(|row| row["id"].as_i64())
        .unwrap_or_default()
}

fn saved(kind: &str, resource: &str, row: i64, change: Option<(&str, &str)>, at: u64) {
    let mut line = json!({"op": "saved", "kind": kind, "resource": resource, "row": row, "at": at});
    if let Some((field, token)) = change {
        line["field"] = Value::from(field);
        line["token"] = Value::from(token);
    }
    say(line);
}

/// One random change to the offers, as a member of staff would make it.
fn change_offers(desk: &Desk, rng: &mut Rng, token: &str) {
    let offers = desk.offers().list().unwrap_or_default();
    let at = now_us();
    let roll = rng.below(100);
    if offers.len() < 4 || roll < 8 {
        let patch = OfferPatch {
            title: Some(token.to_owned()),
            short_description: Some(HARNESS_OFFER.into()),
            ..OfferPatch::default()
        };
        match desk.offers().create(&patch) {
            Ok(offer) => saved("create", "offers", offer.id, Some(("title", token)), at),
            Err(err) => eprintln!("create refused: {err}"),
        }
        return;
    }
    let offer = &offers[rng.below(offers.len())];
    let (patch, kind, field) = match roll {
        8..=11 if offer.short_description == HARNESS_OFFER => {
            match desk.offers().delete(offer.id) {
                Ok(()) => saved("delete", "offers", offer.id, None, at),
                Err(err) => eprintln!("delete refused: {err}"),
            }
            return;
        }
        12..=19 => {
            let ids = rng.moved(offers.iter().map(|o| o.id).collect());
            match desk.offers().reorder(&ids) {
                Ok(_) => saved("reorder", "offers", 0, None, at),
                Err(err) => eprintln!("reorder refused: {err}"),
            }
            return;
        }
        // A switch carries a token too, so that every change can be found on the server.
        20..=29 => (
            OfferPatch {
                is_active: Some(!offer.is_active),
                tag: Some(token.to_owned()),
                ..OfferPatch::default()
            },
            "active",
            "tag",
        ),
        30..=64 => (
            OfferPatch {
                title: Some(token.to_owned()),
                ..OfferPatch::default()
            },
            "update",
            "title",
        ),
        _ => (
            OfferPatch {
                tag: Some(token.to_owned()),
                ..OfferPatch::default()
            },
            "update",
            "tag",
        ),
    };
    match desk.offers().update(offer.id, &patch) {
        Ok(_) => saved(kind, "offers", offer.id, Some((field, token)), at),
        Err(err) => eprintln!("update refused: {err}"),
    }
}

/// One random change to the galleries or their images' captions and order.
fn change_galleries(desk: &Desk, rng: &mut Rng, token: &str) {
    let galleries = overview(desk).galleries;
    let at = now_us();
    let roll = rng.below(100);
    let pictures = desk.pictures();
    if galleries.len() < 4 || roll < 8 {
        // A gallery's name is unique in its hotel: the token makes it so.
        let patch = GalleryPatch {
            name: Some(token.to_owned()),
            category: Some(HARNESS_CATEGORY.into()),
            ..GalleryPatch::default()
        };
        match pictures.create_gallery(&patch) {
            Ok(shown) => {
                let id = shown
                    .galleries
                    .iter()
                    .find(|g| g.name == token)
                    .map(|g| g.id)
                    .unwrap_or_else(|| new_row_id(desk, Resource::Galleries, "name", token));
                saved("create", "galleries", id, Some(("name", token)), at);
            }
            Err(err) => eprintln!("create refused: {err}"),
        }
        return;
    }
    let gallery = &galleries[rng.below(galleries.len())];
    let with_images: Vec<_> = galleries.iter().filter(|g| g.images.len() > 1).collect();
    let (patch, kind, field) = match roll {
        8..=11 if gallery.category == HARNESS_CATEGORY => {
            match pictures.delete_gallery(gallery.id) {
                Ok(_) => saved("delete", "galleries", gallery.id, None, at),
                Err(err) => eprintln!("delete refused: {err}"),
            }
            return;
        }
        12..=15 => {
            let ids = rng.moved(galleries.iter().map(|g| g.id).collect());
            match pictures.reorder_galleries(&ids) {
                Ok(_) => saved("reorder", "galleries", 0, None, at),
                Err(err) => eprintln!("reorder refused: {err}"),
            }
            return;
        }
        16..=23 if !with_images.is_empty() => {
            let gallery = with_images[rng.below(with_images.len())];
            let ids = rng.moved(gallery.images.iter().map(|i| i.id).collect());
            match pictures.reorder_images(gallery.id, &ids) {
                Ok(_) => saved("reorder_images", "galleries", gallery.id, None, at),
                Err(err) => eprintln!("photo reorder refused: {err}"),
            }
            return;
        }
        24..=51 if !with_images.is_empty() => {
            let gallery = with_images[rng.below(with_images.len())];
            let image = &gallery.images[rng.below(gallery.images.len())];
            let patch = ImagePatch {
                caption: Some(token.to_owned()),
                ..ImagePatch::default()
            };
            match pictures.edit_image(image.id, &patch) {
                Ok(_) => saved(
                    "update",
                    "gallery_images",
                    image.id,
                    Some(("caption", token)),
                    at,
                ),
                Err(err) => eprintln!("caption refused: {err}"),
            }
            return;
        }
        52..=61 => (
            GalleryPatch {
                is_active: Some(!gallery.is_active),
                description: Some(token.to_owned()),
                ..GalleryPatch::default()
            },
            "active",
            "description",
        ),
        62..=81 => (
            GalleryPatch {
                name: Some(token.to_owned()),
                ..GalleryPatch::default()
            },
            "update",
            "name",
        ),
        _ => (
            GalleryPatch {
                description: Some(token.to_owned()),
                ..GalleryPatch::default()
            },
            "update",
            "description",
        ),
    };
    match pictures.update_gallery(gallery.id, &patch) {
        Ok(_) => saved(kind, "galleries", gallery.id, Some((field, token)), at),
        Err(err) => eprintln!("update refused: {err}"),
    }
}

/// One random change to the room types.
fn change_room_types(desk: &Desk, rng: &mut Rng, token: &str) {
    let types = overview(desk).room_types;
    let at = now_us();
    let roll = rng.below(100);
    let room_types = desk.room_types();
    if types.len() < 4 || roll < 8 {
        let patch = RoomTypePatch {
            name: Some(token.to_owned()),
            code: Some(HARNESS_CODE.into()),
            starting_price_from: Some("100".into()),
            ..RoomTypePatch::default()
        };
        match room_types.create(&patch) {
            Ok(shown) => {
                let id = shown
                    .room_types
                    .iter()
                    .find(|t| t.name == token)
                    .map(|t| t.id)
                    .unwrap_or_else(|| new_row_id(desk, Resource::RoomTypes, "name", token));
                saved("create", "room_types", id, Some(("name", token)), at);
            }
            Err(err) => eprintln!("create refused: {err}"),
        }
        return;
    }
    let room_type = &types[rng.below(types.len())];
    let (patch, kind, field) = match roll {
        8..=11 if room_type.code == HARNESS_CODE => {
            match room_types.delete(room_type.id) {
                Ok(_) => saved("delete", "room_types", room_type.id, None, at),
                Err(err) => eprintln!("delete refused: {err}"),
            }
            return;
        }
        12..=19 => {
            let ids = rng.moved(types.iter().map(|t| t.id).collect());
            match room_types.reorder(&ids) {
                Ok(_) => saved("reorder", "room_types", 0, None, at),
                Err(err) => eprintln!("reorder refused: {err}"),
            }
            return;
        }
        20..=29 => (
            RoomTypePatch {
                is_active: Some(!room_type.is_active),
                availability_message: Some(token.to_owned()),
                ..RoomTypePatch::default()
            },
            "active",
            "availability_message",
        ),
        30..=59 => (
            RoomTypePatch {
                name: Some(token.to_owned()),
                ..RoomTypePatch::default()
            },
            "update",
            "name",
        ),
        60..=79 => (
            RoomTypePatch {
                short_description: Some(token.to_owned()),
                ..RoomTypePatch::default()
            },
            "update",
            "short_description",
        ),
        _ => (
            RoomTypePatch {
                availability_message: Some(token.to_owned()),
                ..RoomTypePatch::default()
            },
            "update",
            "availability_message",
        ),
    };
    match room_types.update(room_type.id, &patch) {
        Ok(_) => saved(kind, "room_types", room_type.id, Some((field, token)), at),
        Err(err) => eprintln!("update refused: {err}"),
    }
}

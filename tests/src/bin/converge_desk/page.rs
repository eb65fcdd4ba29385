//! The 2026 server's page builder in the convergence harness (issue 65): the cards of the
//! offers' list, and the photos of the page's galleries, changed as a member of staff would.
//! Neither is announced by any event (API.md §17.9 item 7): a desk learns of its colleagues'
//! changes by reading, while the screen that shows them is open.

use std::time::Duration;

use hotelmate_core::events::View;
use hotelmate_core::features::public_page::{
    CardPatch, PageCards, PageImagePatch, PublicPageHandle,
};
use hotelmate_core::Desk;
use serde_json::{json, Value};

use super::{now_us, saved, say, Rng};

/// The screen a desk keeps open for the run: the one whose timer reads the resource.
pub fn view(cards: bool) -> View {
    if cards {
        View::Offers
    } else {
        View::PublicPage
    }
}

/// Waits (at most `wait`) until the desk shows what the run changes: the offers' list chosen
/// (the one the desk proposes, the demo's "Offers") and read, or the page's galleries read. A
/// restarted desk has them already; one cut off from the network goes on with what it has.
pub async fn loaded(desk: &Desk, cards: bool, wait: Duration) {
    let deadline = tokio::time::Instant::now() + wait;
    while tokio::time::Instant::now() < deadline {
        if cards {
            let handle = desk.handle::<PageCards>();
            if let Ok(shown) = handle.get() {
                if shown.chosen.is_some() && !shown.cards.is_empty() {
                    return;
                }
                if let (None, Some(proposed)) = (shown.chosen, shown.proposed) {
                    let _ = handle.choose_list(proposed);
                }
            }
        } else if !galleries(desk).is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The page's galleries as this desk shows them, every section's, in page order.
fn galleries(desk: &Desk) -> Vec<hotelmate_core::features::public_page::PageGallery> {
    desk.handle::<PublicPageHandle>()
        .get()
        .ok()
        .flatten()
        .map(|page| {
            page.sections
                .into_iter()
                .flat_map(|s| s.galleries)
                .collect()
        })
        .unwrap_or_default()
}

/// The cards of the offers' list as this desk shows them, in its order.
pub fn card_rows(desk: &Desk) -> Vec<Value> {
    desk.handle::<PageCards>()
        .get()
        .map(|shown| shown.cards)
        .unwrap_or_default()
        .iter()
        .map(|c| json!({"id": c.id, "title": c.title, "subtitle": c.subtitle, "description": c.description}))
        .collect()
}

/// The page's galleries with their photos (on the server already) as this desk shows them.
pub fn gallery_rows(desk: &Desk) -> Vec<Value> {
    galleries(desk)
        .iter()
        .map(|g| {
            let images: Vec<Value> = g
                .images
                .iter()
                .map(|i| json!({"id": i.id, "caption": i.caption, "alt_text": i.alt_text, "image_url": i.image_url}))
                .collect();
            json!({"id": g.id, "name": g.name, "images": images, "uploads": g.uploads.len()})
        })
        .collect()
}

/// One random change to the offers' cards.
pub fn change_cards(desk: &Desk, rng: &mut Rng, token: &str) {
    let handle = desk.handle::<PageCards>();
    let cards = handle.get().map(|s| s.cards).unwrap_or_default();
    let at = now_us();
    let roll = rng.below(100);
    if cards.len() < 4 || roll < 8 {
        let patch = CardPatch {
            title: Some(token.to_owned()),
            ..CardPatch::default()
        };
        match handle.add_card(&patch) {
            Ok(shown) => {
                let id = shown
                    .cards
                    .iter()
                    .find(|c| c.title == token)
                    .map_or(0, |c| c.id);
                saved("create", "card", id, Some(("title", token)), at);
            }
            Err(err) => eprintln!("create refused: {err}"),
        }
        return;
    }
    let card = &cards[rng.below(cards.len())];
    let patch = match roll {
        8..=11 => {
            match handle.delete_card(card.id) {
                Ok(_) => saved("delete", "card", card.id, None, at),
                Err(err) => eprintln!("delete refused: {err}"),
            }
            return;
        }
        12..=21 => {
            match handle.move_card(card.id, rng.below(cards.len())) {
                Ok(_) => saved("reorder", "card", 0, None, at),
                Err(err) => eprintln!("move refused: {err}"),
            }
            return;
        }
        22..=57 => (
            "title",
            CardPatch {
                title: Some(token.to_owned()),
                ..CardPatch::default()
            },
        ),
        58..=79 => (
            "subtitle",
            CardPatch {
                subtitle: Some(token.to_owned()),
                ..CardPatch::default()
            },
        ),
        _ => (
            "description",
            CardPatch {
                description: Some(token.to_owned()),
                ..CardPatch::default()
            },
        ),
    };
    match handle.update_card(card.id, &patch.1) {
        Ok(_) => saved("update", "card", card.id, Some((patch.0, token)), at),
        Err(err) => eprintln!("update refused: {err}"),
    }
}

/// A small PNG of its own for `token`: every photo added in a run has other bytes, so the
/// harness tells the photos on the server apart by their files' hashes.
fn photo(token: &str) -> Vec<u8> {
    let seed = token.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut png = Vec::new();
    image::RgbImage::from_fn(32, 24, |x, y| {
        let v = seed.rotate_left(x + 7 * y);
        image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
    })
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .expect("a PNG in memory");
    png
}

/// One random change to the page's gallery photos: add one, caption or describe one, reorder
/// a gallery's, delete one.
pub async fn change_photos(desk: &Desk, rng: &mut Rng, token: &str) {
    let page = desk.handle::<PublicPageHandle>();
    let shown = galleries(desk);
    if shown.is_empty() {
        return;
    }
    let at = now_us();
    let roll = rng.below(100);
    let photos: usize = shown.iter().map(|g| g.images.len()).sum();
    let gallery = &shown[rng.below(shown.len())];
    if photos < 6 || roll < 12 || gallery.images.is_empty() {
        match page
            .add_gallery_photo(gallery.id, format!("{token}.png"), photo(token))
            .await
        {
            Ok(upload) => {
                // The prepared file's hash, as the desk keeps it and the server will hold it.
                let hash = galleries(desk)
                    .iter()
                    .flat_map(|g| g.uploads.iter())
                    .find(|u| u.upload == upload)
                    .and_then(|u| {
                        u.preview
                            .as_deref()?
                            .strip_prefix("desk-media:")
                            .map(str::to_owned)
                    });
                say(
                    json!({"op": "saved", "kind": "add_photo", "resource": "image", "row": gallery.id,
                           "photo": token, "hash": hash, "at": at}),
                );
            }
            Err(err) => eprintln!("photo refused: {err}"),
        }
        return;
    }
    let image = &gallery.images[rng.below(gallery.images.len())];
    let patch = match roll {
        12..=17 => {
            match page.delete_gallery_image(image.id) {
                Ok(_) => say(
                    json!({"op": "saved", "kind": "delete", "resource": "image", "row": image.id,
                                    "url": image.image_url, "at": at}),
                ),
                Err(err) => eprintln!("photo delete refused: {err}"),
            }
            return;
        }
        18..=31 if gallery.images.len() > 1 => {
            let ids = rng.moved(gallery.images.iter().map(|i| i.id).collect());
            match page.reorder_gallery_images(gallery.id, &ids) {
                Ok(_) => saved("reorder_images", "image", gallery.id, None, at),
                Err(err) => eprintln!("photo reorder refused: {err}"),
            }
            return;
        }
        32..=69 => (
            "caption",
            PageImagePatch {
                caption: Some(token.to_owned()),
                ..PageImagePatch::default()
            },
        ),
        _ => (
            "alt_text",
            PageImagePatch {
                alt_text: Some(token.to_owned()),
                ..PageImagePatch::default()
            },
        ),
    };
    match page.edit_gallery_image(image.id, &patch.1) {
        Ok(_) => saved("update", "image", image.id, Some((patch.0, token)), at),
        Err(err) => eprintln!("photo edit refused: {err}"),
    }
}

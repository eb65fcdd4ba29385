//! What a desk kept from the server of the brief's time (fd6c529) when its hotel moved to the
//! 2026 server (issue 65.10): that server dropped the Offer and Gallery models without copying
//! their data (API.md §10), so this desk's copy may be the hotel's only one. The engine never
//! asks an area the server does not have and never deletes its stored rows; this feature says
//! what is kept and exports it on request: one folder with a page a person reads in a browser
//! (`offers-and-galleries.html`, every text escaped), the same as data
//! (`offers-and-galleries.json`), and the photos (`photos/`), gallery photos in their order;
//! and puts each on the 2026 public page in one step (`republish.rs`). Nothing is deleted here.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::context::{Context, DeskError, Handle, Parts};
use crate::features::galleries::GalleryView;
use crate::features::offers::handle::Offers;
use crate::features::offers::spec::SPEC as OFFERS_SPEC;
use crate::features::offers::Offer;
use crate::features::pictures::Pictures;

mod republish;
pub use republish::{GallerySection, KeptGallery, KeptItems, KeptOffer, Republished};

/// The most photos one export writes (a hotel's galleries hold a few hundred).
const MAX_PHOTOS: usize = 2000;

/// What this desk keeps that the server it talks to no longer has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeptWork {
    /// Offers kept on this desk.
    pub offers: u32,
    /// Galleries kept on this desk.
    pub galleries: u32,
    /// Their photos (offers' and galleries').
    pub photos: u32,
    /// In words, for the screen: what is kept, why, and that nothing is deleted.
    pub words: String,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportDone {
    /// The folder written (new; nothing else was touched).
    pub folder: String,
    /// Offers written.
    pub offers: u32,
    /// Galleries written.
    pub galleries: u32,
    /// Photos written into `photos/`.
    pub photos: u32,
    /// Photos that could not be had (not kept here and not fetched): each named in the page
    /// and here by its address, never left out silently.
    pub photos_missing: Vec<String>,
}

/// The offers and galleries of the older server, kept on this desk.
pub struct OlderServer<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for OlderServer<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

/// One photo of the export: where it comes from and the name it is written under.
struct Photo {
    url: String,
    name: String,
}

impl OlderServer<'_> {
    /// What this desk keeps that the server it talks to has no place for (its offers area is
    /// absent: the 2026 server); `None` when the server has offers, or nothing is kept.
    pub fn kept(&self) -> Result<Option<KeptWork>, DeskError> {
        let absent = self
            .cx
            .sync()
            .is_ok_and(|sync| sync.unavailable_words(OFFERS_SPEC.name()).is_some());
        if !absent {
            return Ok(None);
        }
        let (offers, galleries) = self.stored()?;
        if offers.is_empty() && galleries.is_empty() {
            return Ok(None);
        }
        let photos = photos_of(&offers, &galleries).len();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(Some(KeptWork {
            offers: count(offers.len()),
            galleries: count(galleries.len()),
            photos: count(photos),
            words: format!(
                "This desk keeps {} and {} ({} photos) from before the hotel's HotelMate server \
                 was upgraded. The new server has no offers or galleries and did not copy them, \
                 so this may be the hotel's only copy: nothing is deleted. Export them to keep \
                 them in a folder.",
                plural(offers.len(), "offer"),
                plural(galleries.len(), "gallery"),
                photos
            ),
        }))
    }

    /// Writes every kept offer and gallery, with their photos, into a new folder inside
    /// `parent` ("HotelMate offers and galleries", numbered when one exists). A photo is taken
    /// from this desk's copy, else fetched from where the server kept it; one that cannot be
    /// had is named in [`ExportDone::photos_missing`] and in the page. The folder is written
    /// under a temporary name and renamed when whole, so a half-written one never looks done.
    ///
    /// Errors: [`DeskError::InvalidInput`] (`folder`) when it cannot be written, in words.
    pub async fn export_to(&self, parent: &Path) -> Result<ExportDone, DeskError> {
        let (offers, galleries) = self.stored()?;
        let folder = crate::context::saved_files::free_path(parent, "HotelMate offers and galleries");
        let working = parent.join(format!(
            ".{}.part",
            folder.file_name().and_then(|n| n.to_str()).unwrap_or("export")
        ));
        let written = self.write_into(&working, &offers, &galleries).await;
        let done = written.and_then(|missing| {
            std::fs::rename(&working, &folder)
                .map(|()| missing)
                .map_err(|err| cannot_write(&folder, &err))
        });
        match done {
            Ok(photos_missing) => {
                let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                let all = photos_of(&offers, &galleries).len().min(MAX_PHOTOS);
                Ok(ExportDone {
                    folder: folder.display().to_string(),
                    offers: count(offers.len()),
                    galleries: count(galleries.len()),
                    photos: count(all - photos_missing.len()),
                    photos_missing,
                })
            }
            Err(err) => {
                // Nothing half-written is left behind to be mistaken for the export.
                let _ = std::fs::remove_dir_all(&working);
                Err(err)
            }
        }
    }

    /// [`Self::export_to`] the Downloads folder (or the home folder).
    pub async fn export_to_downloads(&self) -> Result<ExportDone, DeskError> {
        let parent = crate::context::saved_files::downloads_folder("folder")?;
        self.export_to(&parent).await
    }

    /// The kept offers and galleries, as this desk shows them.
    fn stored(&self) -> Result<(Vec<Offer>, Vec<GalleryView>), DeskError> {
        let offers = Offers::open(Parts(self.cx)).list()?;
        let galleries = Pictures::open(Parts(self.cx)).overview()?.galleries;
        Ok((offers, galleries))
    }

    /// Writes the export into `folder`; the photos that could not be had.
    async fn write_into(
        &self,
        folder: &Path,
        offers: &[Offer],
        galleries: &[GalleryView],
    ) -> Result<Vec<String>, DeskError> {
        let photos_dir = folder.join("photos");
        std::fs::create_dir_all(&photos_dir).map_err(|err| cannot_write(folder, &err))?;
        let mut missing = Vec::new();
        for photo in photos_of(offers, galleries).into_iter().take(MAX_PHOTOS) {
            match self.cx.shown.original(&photo.url).await {
                Ok(bytes) => {
                    let path = photos_dir.join(format!("{}.{}", photo.name, extension(&bytes)));
                    std::fs::write(&path, bytes).map_err(|err| cannot_write(&path, &err))?;
                }
                Err(err) => {
                    tracing::warn!(url = %photo.url, error = %err, "a kept photo could not be had for the export");
                    missing.push(photo.url);
                }
            }
        }
        let data = serde_json::json!({
            "kind": "hotelmate-desk offers and galleries",
            "version": 1,
            "offers": offers,
            "galleries": galleries,
            "photos_missing": missing,
        });
        let json = serde_json::to_string_pretty(&data)
            .map_err(|err| DeskError::Interrupted(format!("writing the export: {err}")))?;
        let json_path = folder.join("offers-and-galleries.json");
        std::fs::write(&json_path, json).map_err(|err| cannot_write(&json_path, &err))?;
        let page_path = folder.join("offers-and-galleries.html");
        let page = page(offers, galleries, folder, &missing);
        std::fs::write(&page_path, page).map_err(|err| cannot_write(&page_path, &err))?;
        Ok(missing)
    }
}

fn plural(n: usize, what: &str) -> String {
    match (n, what) {
        (1, _) => format!("1 {what}"),
        (_, "gallery") => format!("{n} galleries"),
        _ => format!("{n} {what}s"),
    }
}

fn cannot_write(path: &Path, err: &std::io::Error) -> DeskError {
    DeskError::InvalidInput {
        field: "folder",
        message: format!("The export could not be written to {}: {err}", path.display()),
    }
}

/// Every photo to export, each under a name that sorts as shown: an offer's by its place in
/// the list, a gallery's by the gallery's place and the photo's.
fn photos_of(offers: &[Offer], galleries: &[GalleryView]) -> Vec<Photo> {
    let offer_photos = offers.iter().enumerate().filter_map(|(n, offer)| {
        Some(Photo {
            url: offer.photo_url.clone()?,
            name: format!("offer-{:03}", n + 1),
        })
    });
    let gallery_photos = galleries.iter().enumerate().flat_map(|(g, gallery)| {
        gallery.images.iter().enumerate().filter_map(move |(n, image)| {
            Some(Photo {
                url: image.url.clone()?,
                name: format!("gallery-{:02}-{:03}", g + 1, n + 1),
            })
        })
    });
    offer_photos.chain(gallery_photos).collect()
}

/// The file extension of an image's bytes (the desk keeps only images it recognised).
fn extension(bytes: &[u8]) -> &'static str {
    match crate::media::sniff(bytes) {
        crate::media::Sniffed::Accepted(format) => format.extension(),
        _ => "bin",
    }
}

/// The readable page: every offer with all it had (dates, tag, link, on or off), every gallery
/// with its photos in order and their captions. Every text is escaped.
fn page(offers: &[Offer], galleries: &[GalleryView], folder: &Path, missing: &[String]) -> String {
    let e = |text: &str| ammonia::clean_text(text);
    let photo_file = |name: &str| -> Option<String> {
        std::fs::read_dir(folder.join("photos"))
            .ok()?
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .find(|file| file.rsplit_once('.').is_some_and(|(stem, _)| stem == name))
    };
    let picture = |name: &str, url: &str| match photo_file(name) {
        Some(file) => format!("<img src=\"photos/{}\" alt=\"\" width=\"320\">", e(&file)),
        None => format!("<p><em>Photo not exported: {}</em></p>", e(url)),
    };
    let mut html = String::from(
        "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Offers and galleries</title>\n\
         <h1>Offers and galleries kept by HotelMate Desk</h1>\n\
         <p>From the hotel's HotelMate server before its upgrade. The same is in \
         offers-and-galleries.json; the photos are in the photos folder.</p>\n<h2>Offers</h2>\n",
    );
    for (n, offer) in offers.iter().enumerate() {
        html.push_str(&format!(
            "<section>\n<h3>{}</h3>\n<p>{}</p>\n<p>{}</p>\n<ul>\n<li>Valid from: {}</li>\n\
             <li>Valid to: {}</li>\n<li>Tag: {}</li>\n<li>Book now: {}</li>\n<li>{}</li>\n</ul>\n",
            e(&offer.title),
            e(&offer.short_description),
            e(&offer.details_text),
            e(offer.valid_from.as_deref().unwrap_or("not set")),
            e(offer.valid_to.as_deref().unwrap_or("not set")),
            e(if offer.tag.is_empty() { "none" } else { &offer.tag }),
            e(if offer.book_now_url.is_empty() { "none" } else { &offer.book_now_url }),
            if offer.is_active { "Shown to guests" } else { "Hidden from guests" },
        ));
        if let Some(url) = &offer.photo_url {
            html.push_str(&picture(&format!("offer-{:03}", n + 1), url));
        }
        html.push_str("</section>\n");
    }
    html.push_str("<h2>Galleries</h2>\n");
    for (g, gallery) in galleries.iter().enumerate() {
        html.push_str(&format!(
            "<section>\n<h3>{}</h3>\n<p>{}</p>\n<ol>\n",
            e(&gallery.name),
            e(&gallery.description)
        ));
        for (n, image) in gallery.images.iter().enumerate() {
            let shown = image.url.as_deref().map_or_else(
                || "<p><em>No photo</em></p>".to_owned(),
                |url| picture(&format!("gallery-{:02}-{:03}", g + 1, n + 1), url),
            );
            html.push_str(&format!("<li>{shown}<p>{}</p></li>\n", e(&image.caption)));
        }
        html.push_str("</ol>\n</section>\n");
    }
    if !missing.is_empty() {
        html.push_str(&format!(
            "<p><strong>{} could not be had</strong> (named above).</p>\n",
            plural(missing.len(), "photo")
        ));
    }
    html
}

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    let mut types = vec![KeptWork::decl(), ExportDone::decl()];
    types.extend(republish::typescript());
    types
}

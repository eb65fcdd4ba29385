//! Putting what this desk kept from the older server on the 2026 public page (issue 65.10),
//! one step per item: an offer becomes one card last in the list chosen for the offers (title,
//! subtitle and description from the offer, its photo prepared as every card picture is,
//! API.md §17.5), a gallery one gallery container of a gallery section the person chooses,
//! its photos in the kept order (§17.4). Both go through the desk's one outbox like any page
//! edit (offline first, kept through a restart), only for those who may edit the page (§17.1).
//! What a card has no field for (an offer's dates, tag, link, on/off; a gallery's description
//! and captions) is said beside the item for the manager to place by hand, never put into a
//! card field. This desk remembers which kept item became which card or container (by the
//! outbox's id, resolved as it maps temporary ids) and asks before doing one again. Nothing
//! kept is deleted here, and no "remove from this desk" is offered.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{extension, OlderServer};
use crate::context::{DeskError, Handle, Parts};
use crate::engine::view::RowSync;
use crate::features::galleries::GalleryView;
use crate::features::offers::Offer;
use crate::features::public_page::gallery::GALLERIES_SPEC;
use crate::features::public_page::spec::WHO_MAY_EDIT;
use crate::features::public_page::{CardPatch, PageCards, PageGallery, PublicPageHandle};

/// Where this desk remembers what a kept item became (a preference per hotel and item).
const KEY_PREFIX: &str = "older_server.republished";

/// Said while no list of the page is chosen to hold the offers.
const NO_LIST: &str = "Choose the list of the public page that holds the offers (above) first.";

/// The longest title and subtitle a card takes (§17.5: `title`, `subtitle` ≤ 255).
const MAX_CARD_LINE_CHARS: usize = 255;

/// The kept offers and galleries with what each became on the 2026 page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeptItems {
    /// Whether this person may put them on the page (§17.1).
    pub editable: bool,
    /// Who can, in one sentence (shown to those who cannot).
    pub who_can_edit: String,
    /// Whether a list is chosen for the offers (a card goes last in it).
    pub offers_list_chosen: bool,
    /// Where an offer goes, in one sentence (or that a list must be chosen first).
    pub offers_note: String,
    /// The kept offers, in their kept order.
    pub offers: Vec<KeptOffer>,
    /// The page's gallery sections a gallery can go into, in page order.
    pub gallery_sections: Vec<GallerySection>,
    /// The section proposed for a gallery: the first gallery section.
    #[ts(type = "number | null")]
    pub proposed_section: Option<i64>,
    /// Where a gallery goes, in one sentence (or that the page has no gallery section).
    pub sections_note: String,
    /// The kept galleries, in their kept order.
    pub galleries: Vec<KeptGallery>,
}

/// One kept offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeptOffer {
    /// Its id on the older server (or on this desk).
    #[ts(type = "number")]
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Whether it has a photo.
    pub photo: bool,
    /// What a card has no field for, in words, for the manager to place by hand.
    pub beside: Vec<String>,
    /// What it became on the page, once put there from this desk.
    pub republished: Option<Republished>,
}

/// One kept gallery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeptGallery {
    /// Its id on the older server (or on this desk).
    #[ts(type = "number")]
    pub id: i64,
    /// Its name.
    pub name: String,
    /// How many photos it has.
    pub photos: u32,
    /// What a gallery container has no field for, in words.
    pub beside: Vec<String>,
    /// What it became on the page, once put there from this desk.
    pub republished: Option<Republished>,
}

/// What a kept item became on the 2026 page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Republished {
    /// The card's or gallery container's id (negative until the server has it).
    #[ts(type = "number")]
    pub id: i64,
    /// Whether the server has it all (the card and its picture, the container and every photo).
    pub on_the_page: bool,
    /// Where it stands, in words.
    pub words: String,
}

/// A gallery section of the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GallerySection {
    /// Its id on the server.
    #[ts(type = "number")]
    pub id: i64,
    /// Its name (hidden ones say so).
    pub name: String,
}

/// What this desk remembers of one republish.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Record {
    /// The card's or container's id as queued (resolved through the outbox's mapping).
    id: i64,
    /// Photos that could not be had when it was put on the page.
    photos_missing: u32,
}

impl OlderServer<'_> {
    /// The kept offers and galleries, each with what a card has no place for and what it
    /// became on the page; `None` when the server has offers or nothing is kept (as
    /// [`Self::kept`]). No network.
    pub fn kept_items(&self) -> Result<Option<KeptItems>, DeskError> {
        if self.kept()?.is_none() {
            return Ok(None);
        }
        let (offers, galleries) = self.stored()?;
        let cards = PageCards::open(Parts(self.cx));
        let chosen = cards.get()?;
        let page = PublicPageHandle::open(Parts(self.cx)).get()?;
        let sections = gallery_sections(page.as_ref());
        let mut kept_offers = Vec::new();
        for offer in offers {
            let republished = match self.record("offer", offer.id)? {
                Some(record) => Some(card_state(&cards, record)?),
                None => None,
            };
            kept_offers.push(KeptOffer {
                id: offer.id,
                title: offer.title.clone(),
                photo: offer.photo_url.is_some(),
                beside: offer_beside(&offer),
                republished,
            });
        }
        let mut kept_galleries = Vec::new();
        for gallery in galleries {
            let republished = self
                .record("gallery", gallery.id)?
                .map(|record| self.gallery_state(page.as_ref(), record, gallery.images.len()))
                .transpose()?;
            kept_galleries.push(KeptGallery {
                id: gallery.id,
                name: gallery.name.clone(),
                photos: count(gallery.images.len()),
                beside: gallery_beside(&gallery),
                republished,
            });
        }
        let offers_list_chosen = chosen.chosen.is_some();
        let offers_note = match chosen.chosen.and_then(|c| chosen.lists.iter().find(|l| l.id == c)) {
            Some(list) => format!(
                "Each offer goes as a card last in the list “{}” (section “{}”).",
                list.title, list.section_name
            ),
            None => NO_LIST.to_owned(),
        };
        let sections_note = match sections.first() {
            Some(_) => "Choose the gallery section each gallery goes into; it goes last in it."
                .to_owned(),
            None => "The public page has no gallery section yet: add one on the Public page \
                     screen (it comes with an empty gallery of its own), then put the galleries \
                     in it."
                .to_owned(),
        };
        Ok(Some(KeptItems {
            editable: PublicPageHandle::open(Parts(self.cx)).may_edit(),
            who_can_edit: WHO_MAY_EDIT.to_owned(),
            offers_list_chosen,
            offers_note,
            offers: kept_offers,
            proposed_section: sections.first().map(|s| s.id),
            gallery_sections: sections,
            sections_note,
            galleries: kept_galleries,
        }))
    }

    /// Puts kept offer `id` on the page as one card last in the list chosen for the offers:
    /// its title, its short description as the subtitle (in the description when longer than
    /// a card's subtitle takes), its details as the description, and its photo (this desk's
    /// copy, else fetched) prepared and uploaded as a card picture is. Queued, so it works
    /// offline; a photo that cannot be had is said in the item's state. Returns the items.
    ///
    /// Errors: [`DeskError::NotAllowed`] for those who may not edit the page;
    /// [`DeskError::Missing`] (`offer`); [`DeskError::InvalidInput`] (`list`) while no list is
    /// chosen for the offers, (`again`) when it was already put on the page from this
    /// desk and `again` is false: the words ask.
    pub async fn republish_offer(&self, id: i64, again: bool) -> Result<KeptItems, DeskError> {
        PublicPageHandle::open(Parts(self.cx)).may_change()?;
        let offer = self
            .stored()?
            .0
            .into_iter()
            .find(|o| o.id == id)
            .ok_or(DeskError::Missing("offer"))?;
        let cards = PageCards::open(Parts(self.cx));
        if cards.get()?.chosen.is_none() {
            return Err(DeskError::InvalidInput {
                field: "list",
                message: NO_LIST.to_owned(),
            });
        }
        if let (Some(record), false) = (self.record("offer", id)?, again) {
            let state = card_state(&cards, record)?;
            return Err(asked_again(&offer.title, &state.words));
        }
        let photo = match &offer.photo_url {
            Some(url) => self.photo(url).await,
            None => None,
        };
        let card = cards.add_card_as(&card_of(&offer))?;
        let photos_missing = u32::from(offer.photo_url.is_some() && photo.is_none());
        self.remember("offer", id, Record { id: card, photos_missing })?;
        if let Some(bytes) = photo {
            let name = format!("offer-{id}.{}", extension(&bytes));
            cards.set_card_image(card, name, bytes).await?;
        }
        self.items()
    }

    /// Puts kept gallery `id` on the page as one gallery container named as it, last in the
    /// gallery section `section` (one of this hotel's, on the server), with its photos (this
    /// desk's copies, else fetched) uploaded in the kept order after it. Queued, so it works
    /// offline; photos that cannot be had are counted in the item's state.
    ///
    /// Errors: [`DeskError::NotAllowed`] for those who may not edit the page;
    /// [`DeskError::Missing`] (`gallery`); [`DeskError::InvalidInput`] (`section`) when it
    /// is not one of the page's gallery sections, (`again`) when it was already put on the
    /// page from this desk and `again` is false: the words ask.
    pub async fn republish_gallery(
        &self,
        id: i64,
        section: i64,
        again: bool,
    ) -> Result<KeptItems, DeskError> {
        let page = PublicPageHandle::open(Parts(self.cx));
        page.may_change()?;
        let gallery = self
            .stored()?
            .1
            .into_iter()
            .find(|g| g.id == id)
            .ok_or(DeskError::Missing("gallery"))?;
        let shown = page.get()?;
        if !gallery_sections(shown.as_ref()).iter().any(|s| s.id == section) {
            return Err(DeskError::InvalidInput {
                field: "section",
                message: "Choose one of the public page's gallery sections.".into(),
            });
        }
        if let (Some(record), false) = (self.record("gallery", id)?, again) {
            let state = self.gallery_state(shown.as_ref(), record, gallery.images.len())?;
            return Err(asked_again(&gallery.name, &state.words));
        }
        let mut photos = Vec::new();
        for url in gallery.images.iter().filter_map(|i| i.url.as_deref()) {
            photos.extend(self.photo(url).await);
        }
        let container = page.add_gallery_as(section, &gallery.name)?;
        let photos_missing = count(gallery.images.len() - photos.len());
        self.remember("gallery", id, Record { id: container, photos_missing })?;
        for (n, bytes) in photos.into_iter().enumerate() {
            let name = format!("gallery-{id}-{:03}.{}", n + 1, extension(&bytes));
            page.add_gallery_photo(container, name, bytes).await?;
        }
        self.items()
    }

    fn items(&self) -> Result<KeptItems, DeskError> {
        self.kept_items()?.ok_or(DeskError::Missing("offer"))
    }

    /// A kept photo's bytes: this desk's copy, else fetched; `None` (logged) when neither.
    async fn photo(&self, url: &str) -> Option<Vec<u8>> {
        match self.cx.shown.original(url).await {
            Ok(bytes) => Some(bytes),
            Err(err) => {
                tracing::warn!(url, error = %err, "a kept photo could not be had to put it on the page");
                None
            }
        }
    }

    /// The preference key of kept item `kind` `id` of this hotel.
    fn key(&self, kind: &str, id: i64) -> Result<String, DeskError> {
        let hotel = self
            .cx
            .store
            .load_session()?
            .map(|s| s.hotel_slug)
            .ok_or(DeskError::NotSignedIn)?;
        Ok(format!("{KEY_PREFIX}.{hotel}.{kind}.{id}"))
    }

    fn record(&self, kind: &str, id: i64) -> Result<Option<Record>, DeskError> {
        let Some(stored) = self.cx.store.preference(&self.key(kind, id)?)? else {
            return Ok(None);
        };
        match serde_json::from_str(&stored) {
            Ok(record) => Ok(Some(record)),
            Err(err) => {
                // Said rather than forgotten: a damaged note still means "done once".
                tracing::warn!(kind, id, error = %err, "what a kept item became is damaged");
                Ok(Some(Record { id: 0, photos_missing: 0 }))
            }
        }
    }

    fn remember(&self, kind: &str, id: i64, record: Record) -> Result<(), DeskError> {
        let value = serde_json::json!({"id": record.id, "photos_missing": record.photos_missing});
        self.cx
            .store
            .set_preference(&self.key(kind, id)?, &value.to_string())
            .map_err(|source| DeskError::NotWritten {
                what: "what the kept item became",
                source,
            })
    }

    /// Where a republished gallery stands: its container as the page shows it.
    fn gallery_state(
        &self,
        page: Option<&crate::features::public_page::PublicPage>,
        record: Record,
        photos: usize,
    ) -> Result<Republished, DeskError> {
        let id = self.cx.store.resolve_id(GALLERIES_SPEC.name(), record.id)?;
        let found = page.into_iter().flat_map(|p| &p.sections).find_map(|s| {
            s.galleries
                .iter()
                .find(|g| g.id == id)
                .map(|g| (s.name.as_str(), g))
        });
        let missing = missing_words(record.photos_missing, "photo");
        Ok(match found {
            Some((section, gallery)) => {
                // Its photos are queued one by one as each is prepared: until the last is in,
                // no upload waiting does not mean they are all there.
                let expected = photos.saturating_sub(record.photos_missing as usize);
                let on_the_page = settled(id, &gallery.sync)
                    && gallery.uploads.is_empty()
                    && gallery.images.len() >= expected;
                Republished {
                    id,
                    on_the_page,
                    words: gallery_words(section, gallery, on_the_page, photos) + &missing,
                }
            }
            None => Republished {
                id,
                on_the_page: false,
                words: format!(
                    "Put on the public page from this desk as a gallery that is no longer \
                     there (deleted since).{missing}"
                ),
            },
        })
    }
}

fn gallery_words(section: &str, gallery: &PageGallery, on_the_page: bool, photos: usize) -> String {
    if let RowSync::Rejected { message } = &gallery.sync {
        return format!("The server refused the gallery “{}”: {message}", gallery.name);
    }
    if on_the_page {
        format!(
            "On the public page as the gallery “{}” in “{section}” ({}).",
            gallery.name,
            plural(gallery.images.len(), "photo")
        )
    } else {
        format!(
            "On its way to the public page as the gallery “{}” in “{section}” ({} of {} there).",
            gallery.name,
            gallery.images.len(),
            plural(photos, "photo")
        )
    }
}

/// Where a republished offer stands: its card as the desk shows it, wherever it now is.
fn card_state(cards: &PageCards<'_>, record: Record) -> Result<Republished, DeskError> {
    let missing = missing_words(record.photos_missing, "photo");
    Ok(match cards.card_anywhere(record.id)? {
        Some(card) => {
            let on_the_page = settled(card.id, &card.sync) && !card.image_waiting;
            let words = match (&card.sync, on_the_page) {
                (RowSync::Rejected { message }, _) => {
                    format!("The server refused the card “{}”: {message}", card.title)
                }
                (_, true) => format!("On the public page as the card “{}”.", card.title),
                (_, false) => format!("On its way to the public page as the card “{}”.", card.title),
            };
            Republished {
                id: card.id,
                on_the_page,
                words: words + &missing,
            }
        }
        None => Republished {
            id: record.id,
            on_the_page: false,
            words: format!(
                "Put on the public page from this desk as a card that is no longer there \
                 (deleted since).{missing}"
            ),
        },
    })
}

fn settled(id: i64, sync: &RowSync) -> bool {
    id > 0 && *sync == RowSync::Synced
}

fn missing_words(missing: u32, what: &str) -> String {
    match missing {
        0 => String::new(),
        1 => format!(" Its {what} could not be had (the export names it)."),
        n => format!(" {n} {what}s could not be had (the export names them)."),
    }
}

fn asked_again(name: &str, state: &str) -> DeskError {
    DeskError::InvalidInput {
        field: "again",
        message: format!(
            "“{name}” was already put on the public page from this desk. {state} Put it on \
             the page again, as another one?"
        ),
    }
}

/// The page's gallery sections on the server (a new one is not there yet), in page order.
fn gallery_sections(page: Option<&crate::features::public_page::PublicPage>) -> Vec<GallerySection> {
    page.into_iter()
        .flat_map(|p| &p.sections)
        .filter(|s| s.section_type == "gallery" && s.id > 0)
        .map(|s| GallerySection {
            id: s.id,
            name: if s.hidden {
                format!("{} (hidden)", s.name)
            } else {
                s.name.clone()
            },
        })
        .collect()
}

/// The card an offer becomes: never a field the card does not have. A title or subtitle
/// longer than a card takes goes whole into the description, never cut silently.
fn card_of(offer: &Offer) -> CardPatch {
    let fits = |text: &str| text.chars().count() <= MAX_CARD_LINE_CHARS;
    let mut description = Vec::new();
    let title = match offer.title.trim() {
        "" => "Offer".to_owned(),
        title if fits(title) => title.to_owned(),
        title => {
            description.push(title.to_owned());
            let cut: String = title.chars().take(MAX_CARD_LINE_CHARS - 1).collect();
            format!("{cut}…")
        }
    };
    let short = offer.short_description.trim();
    let subtitle = if fits(short) {
        short.to_owned()
    } else {
        description.push(short.to_owned());
        String::new()
    };
    if !offer.details_text.trim().is_empty() {
        description.push(offer.details_text.trim().to_owned());
    }
    CardPatch {
        title: Some(title),
        subtitle: Some(subtitle),
        description: Some(description.join("\n\n")),
    }
}

/// An offer's fields a card has no place for (§17.5), in words.
fn offer_beside(offer: &Offer) -> Vec<String> {
    let dates = match (&offer.valid_from, &offer.valid_to) {
        (Some(from), Some(to)) => format!("Valid from {from} to {to}"),
        (Some(from), None) => format!("Valid from {from}, with no end date"),
        (None, Some(to)) => format!("Valid until {to}"),
        (None, None) => "No dates set".to_owned(),
    };
    let mut beside = vec![
        dates,
        match offer.tag.trim() {
            "" => "No tag".to_owned(),
            tag => format!("Tag: {tag}"),
        },
        match offer.book_now_url.trim() {
            "" => "No booking link".to_owned(),
            link => format!("Booking link: {link}"),
        },
        if offer.is_active {
            "Shown to guests on the older server".to_owned()
        } else {
            "Hidden from guests on the older server".to_owned()
        },
    ];
    if offer.details_text.trim().is_empty() && !offer.details_html.trim().is_empty() {
        beside.push("Formatted details: in the export's page".to_owned());
    }
    beside
}

/// A gallery's fields a container has no place for, in words.
fn gallery_beside(gallery: &GalleryView) -> Vec<String> {
    let mut beside = Vec::new();
    if !gallery.description.trim().is_empty() {
        beside.push(format!("Description: {}", gallery.description.trim()));
    }
    let captions: Vec<String> = gallery
        .images
        .iter()
        .filter(|i| !i.caption.trim().is_empty())
        .map(|i| format!("“{}”", i.caption.trim()))
        .collect();
    if !captions.is_empty() {
        beside.push(format!("Captions, in order: {}", captions.join(", ")));
    }
    beside.push(if gallery.is_active {
        "Shown to guests on the older server".to_owned()
    } else {
        "Hidden from guests on the older server".to_owned()
    });
    beside
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The types this part's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    vec![
        KeptItems::decl(),
        KeptOffer::decl(),
        KeptGallery::decl(),
        Republished::decl(),
        GallerySection::decl(),
    ]
}

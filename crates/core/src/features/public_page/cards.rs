//! The offers on the 2026 server (issue 65 item 5; API.md §17.5): the cards of one list of the
//! hotel's public page, chosen on this desk (a list titled like "Offers" is proposed; with no
//! list at all, one is made through `sections/create/`). Title, subtitle, description and
//! picture are edited, cards added, moved and deleted (with Undo while the delete waits); an
//! offer's dates, tag, link and on/off switch have nowhere to go on this server and are not
//! offered. Every change goes through the desk's one outbox as offers' do: kept through a quit
//! or a crash, a new card's picture sent once the card has its server id, an edit merged with
//! the server's row when sent (no conditional write, §17.9 item 8: a colleague's change of the
//! same field is a decision shown to the person). Only lists of this hotel's sections and their
//! cards are shown or used (§17.9 item 2), and no body carries `hotel`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::cards_spec::{CARDS_SPEC, LISTS_SPEC};
use super::handle::PublicPageHandle;
use super::spec::{SECTIONS_SPEC, WHO_MAY_EDIT};
use crate::context::{Context, DeskError, Handle, Parts};
use crate::engine::store::{Op, Row};
use crate::engine::view::{RowSync, ViewRow};
use crate::rules::row::{id, order, text, url};

/// Where this desk keeps the list chosen for the offers (a setting of this desk).
const CHOSEN_KEY: &str = "offers_list_container";

/// Lists and cards shown at most; the rest are left out (a hostile answer cannot flood it).
const MAX_SHOWN: usize = 200;

/// The Offers screen on the 2026 server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OfferCards {
    /// Whether this person may change the cards (§17.1).
    pub editable: bool,
    /// Who can change them, in one sentence (shown to those who cannot).
    pub who_can_edit: String,
    /// This hotel's lists to choose from, in page order.
    pub lists: Vec<CardList>,
    /// The list whose cards are the offers, as chosen on this desk.
    #[ts(type = "number | null")]
    pub chosen: Option<i64>,
    /// A list to propose while none is chosen: one titled like "Offers", else the first.
    #[ts(type = "number | null")]
    pub proposed: Option<i64>,
    /// The chosen list's cards, by (`sort_order`, id).
    pub cards: Vec<OfferCard>,
    /// Where the offers come from, in one sentence.
    pub note: String,
}

/// One list of cards (§17.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardList {
    /// Its id on the server.
    #[ts(type = "number")]
    pub id: i64,
    /// Its title (may be empty).
    pub title: String,
    /// The name of the page section it is in.
    pub section_name: String,
}

/// One card: an offer on the 2026 server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OfferCard {
    /// Its id (negative until the server has it).
    #[ts(type = "number")]
    pub id: i64,
    /// Its title (never blank on the server).
    pub title: String,
    /// Its subtitle.
    pub subtitle: String,
    /// Its description, plain text.
    pub description: String,
    /// Its picture (the `image_url` companion, never the raw field).
    pub image_url: Option<String>,
    /// A new picture waits to be uploaded.
    pub image_waiting: bool,
    /// Where this desk's changes to it stand (a colleague's change of the same field waits
    /// for a decision).
    pub sync: RowSync,
}

/// A new card's fields, or a change of some of them (`None`: unchanged; a new card needs a
/// title).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct CardPatch {
    /// The title: not blank, at most 255 characters.
    pub title: Option<String>,
    /// The subtitle: at most 255 characters.
    pub subtitle: Option<String>,
    /// The description, plain text.
    pub description: Option<String>,
}

/// What taking back a card's delete did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardUndo {
    /// Whether the card is back (its delete had not been sent).
    pub undone: bool,
    /// What became of it, in words.
    pub message: String,
}

/// `desk.handle::<PageCards>()`: the offers as cards on the 2026 server.
pub struct PageCards<'a> {
    cx: &'a Arc<Context>,
}

impl<'a> Handle<'a> for PageCards<'a> {
    fn open(parts: Parts<'a>) -> Self {
        Self { cx: parts.0 }
    }
}

fn card(view: &ViewRow) -> OfferCard {
    let row = &view.row;
    // A queued "remove the picture" is `image: null` over a row that still has its address.
    let cleared = row.get("image") == Some(&Value::Null);
    OfferCard {
        id: id(row),
        title: text(row, "title"),
        subtitle: text(row, "subtitle"),
        description: text(row, "description"),
        image_url: if cleared { None } else { url(row, "image_url") },
        image_waiting: view.pending_media.is_some(),
        sync: view.sync.clone(),
    }
}

fn parent(row: &Row, key: &str) -> Option<i64> {
    row.get(key).and_then(Value::as_i64)
}

impl PageCards<'_> {
    fn page(&self) -> PublicPageHandle<'_> {
        PublicPageHandle { cx: self.cx }
    }

    /// This hotel's lists (those of its sections, §17.9 item 2), in page order.
    fn lists(&self) -> Result<Vec<CardList>, DeskError> {
        let sections = self.page().get()?.map(|p| p.sections).unwrap_or_default();
        let mut lists: Vec<(i64, i64, CardList)> = Vec::new();
        for view in self.cx.view_rows(&LISTS_SPEC)?.iter().take(MAX_SHOWN) {
            let row = &view.row;
            let Some(section) = parent(row, "section")
                .and_then(|s| sections.iter().find(|shown| shown.id == s))
            else {
                continue;
            };
            lists.push((
                section.position,
                order(row, "sort_order"),
                CardList {
                    id: id(row),
                    title: text(row, "title"),
                    section_name: section.name.clone(),
                },
            ));
        }
        lists.sort_by_key(|(p, o, l)| (*p, *o, l.id));
        Ok(lists.into_iter().map(|(_, _, l)| l).collect())
    }

    fn chosen_id(&self, lists: &[CardList]) -> Result<Option<i64>, DeskError> {
        let stored = self.cx.store.preference(CHOSEN_KEY)?;
        let chosen = stored.and_then(|s| {
            s.parse::<i64>()
                .map_err(|err| {
                    tracing::warn!(error = %err, "the list chosen for the offers is damaged; proposing one again");
                })
                .ok()
        });
        Ok(chosen.filter(|c| lists.iter().any(|l| l.id == *c)))
    }

    /// The chosen list's cards as shown (this desk's waiting changes folded in), in order.
    fn cards_of(&self, list: i64) -> Result<Vec<OfferCard>, DeskError> {
        let mut rows: Vec<ViewRow> = self
            .cx
            .view_rows(&CARDS_SPEC)?
            .into_iter()
            .filter(|v| parent(&v.row, "list_container") == Some(list))
            .take(MAX_SHOWN)
            .collect();
        rows.sort_by_key(|v| (order(&v.row, "sort_order"), id(&v.row)));
        Ok(rows.iter().map(card).collect())
    }

    /// The offers as this desk keeps them (no network).
    pub fn get(&self) -> Result<OfferCards, DeskError> {
        let lists = self.lists()?;
        let chosen = self.chosen_id(&lists)?;
        let proposed = lists
            .iter()
            .find(|l| {
                let words = format!("{} {}", l.title, l.section_name).to_lowercase();
                words.contains("offer")
            })
            .or(lists.first())
            .map(|l| l.id);
        let cards = chosen.map(|c| self.cards_of(c)).transpose()?.unwrap_or_default();
        let note = match chosen.and_then(|c| lists.iter().find(|l| l.id == c)) {
            Some(l) => format!(
                "On this server the offers are the cards of the list “{}” in the page's \
                 section “{}” (chosen on this desk).",
                l.title, l.section_name
            ),
            None if lists.is_empty() => "The hotel's public page has no list of cards yet: \
                make one to hold the offers."
                .to_owned(),
            None => "Choose the list of the public page whose cards are the offers.".to_owned(),
        };
        Ok(OfferCards {
            editable: self.page().may_edit(),
            who_can_edit: WHO_MAY_EDIT.to_owned(),
            lists,
            chosen,
            proposed: if chosen.is_some() { None } else { proposed },
            cards,
            note,
        })
    }

    /// Chooses list `id` (one of this hotel's) to hold the offers, on this desk.
    pub fn choose_list(&self, id: i64) -> Result<OfferCards, DeskError> {
        if !self.lists()?.iter().any(|l| l.id == id) {
            return Err(DeskError::Missing("list"));
        }
        self.cx.store.set_preference(CHOSEN_KEY, &id.to_string())?;
        self.get()
    }

    /// Makes a list section named `name` (last on the page, through `sections/create/` with
    /// `section_type: list` and `container_name`, §17.2); its list can be chosen once the
    /// server has made it.
    pub fn create_list(&self, name: &str) -> Result<OfferCards, DeskError> {
        self.may_change()?;
        let name = match name.trim() {
            "" => "Offers",
            name => name,
        };
        let last = self.page().get()?.into_iter().flat_map(|p| p.sections).map(|s| s.position).max();
        let fields = json!({"section_type": "list", "name": name, "container_name": name,
            "position": last.map_or(0, |p| p + 1), "is_active": true});
        let fields = (SECTIONS_SPEC.validate)(&as_row(fields), None, true)?;
        self.cx.queue_create(&SECTIONS_SPEC, &fields)?;
        self.get()
    }

    /// Adds a card last in the chosen list; it shows at once (a negative id) and is made on
    /// the server when it can be reached.
    pub fn add_card(&self, fields: &CardPatch) -> Result<OfferCards, DeskError> {
        self.add_card_as(fields)?;
        self.get()
    }

    /// [`Self::add_card`], answering the new card's temporary id (what the older server's
    /// offers remember they became).
    pub(crate) fn add_card_as(&self, fields: &CardPatch) -> Result<i64, DeskError> {
        self.may_change()?;
        let list = self.chosen_id(&self.lists()?)?.ok_or(DeskError::Missing("list"))?;
        if list < 0 {
            return Err(DeskError::Missing("list"));
        }
        let last = self
            .cx
            .view_rows(&CARDS_SPEC)?
            .iter()
            .filter(|v| parent(&v.row, "list_container") == Some(list))
            .map(|v| order(&v.row, "sort_order"))
            .max();
        let mut row = patch_row(fields);
        row.insert("list_container".into(), Value::from(list));
        row.insert("sort_order".into(), Value::from(last.map_or(0, |l| l + 1).max(0)));
        for key in ["subtitle", "description"] {
            row.entry(key).or_insert_with(|| Value::from(""));
        }
        let row = (CARDS_SPEC.validate)(&row, None, true)?;
        self.cx.queue_create(&CARDS_SPEC, &row)
    }

    /// Card `id` (resolved as the outbox maps it) wherever it is, as shown: `None` once it
    /// is gone (deleted here or by a colleague).
    pub(crate) fn card_anywhere(&self, id: i64) -> Result<Option<OfferCard>, DeskError> {
        self.cx.find_resolved(&CARDS_SPEC, id, |id| {
            Ok(self
                .cx
                .view_rows(&CARDS_SPEC)?
                .iter()
                .find(|v| crate::rules::row::id(&v.row) == id)
                .map(card))
        })
    }

    /// Changes some of card `id`'s fields; merged with the server's row when sent.
    pub fn update_card(&self, id: i64, changes: &CardPatch) -> Result<OfferCards, DeskError> {
        self.may_change()?;
        self.change(id, patch_row(changes))
    }

    fn change(&self, id: i64, changes: Row) -> Result<OfferCards, DeskError> {
        let id = self.shown_card(id)?;
        let shown = self.cx.view_row(&CARDS_SPEC, id, "card")?.row;
        let changes = (CARDS_SPEC.validate)(&changes, Some(&shown), false)?;
        if !changes.is_empty() {
            self.cx.queue_edit(&CARDS_SPEC, id, &changes, &shown)?;
        }
        self.get()
    }

    /// Moves card `id` to place `to` (from 0) in the chosen list: by keys (one up or down)
    /// or by drag. One PATCH of `sort_order` per card that moves (§17.5, no reorder action).
    pub fn move_card(&self, id: i64, to: usize) -> Result<OfferCards, DeskError> {
        self.may_change()?;
        let list = self.chosen_id(&self.lists()?)?.ok_or(DeskError::Missing("list"))?;
        // A new card's create may be answered as it is looked for (see `find_resolved`).
        let (mut ids, from) = self
            .cx
            .find_resolved(&CARDS_SPEC, id, |id| {
                let ids: Vec<i64> = self.cards_of(list)?.iter().map(|c| c.id).collect();
                Ok(ids.iter().position(|c| *c == id).map(|from| (ids, from)))
            })?
            .ok_or(DeskError::Missing("card"))?;
        let to = to.min(ids.len().saturating_sub(1));
        if to == from {
            return self.get();
        }
        let moved = ids.remove(from);
        ids.insert(to, moved);
        self.cx.queue_reorder(&CARDS_SPEC, &ids)?;
        self.get()
    }

    /// Deletes card `id`; until the delete is sent, [`Self::undo_delete_card`] brings it back.
    pub fn delete_card(&self, id: i64) -> Result<OfferCards, DeskError> {
        self.may_change()?;
        let id = self.shown_card(id)?;
        self.cx.queue_delete(&CARDS_SPEC, id)?;
        self.get()
    }

    /// Takes back the delete of card `id` if it has not reached the server (one on its way is
    /// waited for a moment, as for a section's).
    pub async fn undo_delete_card(&self, id: i64) -> Result<CardUndo, DeskError> {
        self.may_change()?;
        let undone = self.cx.undo_delete(&CARDS_SPEC, id).await?;
        let never_sent = self.cx.store.resolve_id(CARDS_SPEC.name(), id)? < 0;
        let (undone, message) =
            super::sections::undo_said(undone, never_sent, "card", "is gone from the page.");
        Ok(CardUndo { undone, message })
    }

    /// Prepares a chosen picture as every desk image is (format check, bounded decode,
    /// orientation, resize, metadata stripped) and queues its upload through
    /// `cards/<id>/upload-image/`; a new card's waits for the card's server id.
    pub async fn set_card_image(
        &self,
        id: i64,
        file_name: String,
        bytes: Vec<u8>,
    ) -> Result<OfferCards, DeskError> {
        self.may_change()?;
        let id = self.shown_card(id)?;
        self.cx.may_queue(&CARDS_SPEC, Op::Upload)?;
        let cached = self.cx.prepare_image(file_name, bytes, None).await?;
        self.cx.queue_image(&CARDS_SPEC, id, Some(&cached.image.hash))?;
        self.get()
    }

    /// Removes card `id`'s picture: `{"image": null}` (§17.1), merged when sent.
    pub fn clear_card_image(&self, id: i64) -> Result<OfferCards, DeskError> {
        self.may_change()?;
        self.change(id, as_row(json!({"image": null})))
    }

    /// `id` resolved, if it is a card of the chosen list as shown (never another hotel's). A
    /// new card's create can reach the server between the id's resolution and the read of the
    /// cards: it is then looked for again under its server id.
    fn shown_card(&self, id: i64) -> Result<i64, DeskError> {
        let list = self.chosen_id(&self.lists()?)?.ok_or(DeskError::Missing("list"))?;
        self.cx
            .find_resolved(&CARDS_SPEC, id, |id| {
                Ok(self.cards_of(list)?.iter().any(|c| c.id == id).then_some(id))
            })?
            .ok_or(DeskError::Missing("card"))
    }

    /// Refuses, in words, a change by someone who may not edit the page (§17.1).
    fn may_change(&self) -> Result<(), DeskError> {
        self.cx.sync()?;
        if !self.page().may_edit() {
            return Err(DeskError::NotAllowed(WHO_MAY_EDIT.to_owned()));
        }
        self.cx.may(CARDS_SPEC.capabilities.change, "change the offers")
    }
}

fn as_row(value: Value) -> Row {
    value.as_object().cloned().unwrap_or_default()
}

fn patch_row(patch: &CardPatch) -> Row {
    let mut row = Row::new();
    for (key, value) in [
        ("title", &patch.title),
        ("subtitle", &patch.subtitle),
        ("description", &patch.description),
    ] {
        if let Some(value) = value {
            row.insert(key.into(), Value::from(value.clone()));
        }
    }
    row
}

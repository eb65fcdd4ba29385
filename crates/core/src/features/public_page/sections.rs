//! Changing the page's sections on the desk (issue 65 items 2, 6 and 8; API.md §17.2): add one
//! of the types `sections/create/` makes, rename, hide or show, move, delete and take a delete
//! back while it waits. Each change is written here first and sent by the desk's one runner
//! as offers' are: kept through a quit, a crash or an outage; a new section's later changes
//! wait for its server id; an update is merged with the server's row when sent (no conditional
//! write, §17.9 item 8: a colleague's change of the same field is a decision for the person,
//! and one that lands a moment apart is found by reading the row again after the write).
//! Only someone who may edit the page (§17.1) may queue any of it, and only this hotel's
//! sections are changed; no body carries `hotel` (§17.9 item 2).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::edit::NewSection;
use super::handle::PublicPageHandle;
use super::spec::{SECTIONS_SPEC, WHO_MAY_EDIT};
use super::{PageSection, PublicPage};
use crate::context::DeskError;
use crate::engine::store::{Row, Undone};

/// What taking back a delete did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SectionUndo {
    /// Whether the section is back (its delete had not been sent).
    pub undone: bool,
    /// What became of it, in words.
    pub message: String,
}

/// What an undo of the delete of a `noun` ("section", "card") came to: whether it is back,
/// and in words; `gone` ends the sentence said when it is too late ("is gone from the page").
pub(super) fn undo_said(undone: Undone, never_sent: bool, noun: &str, gone: &str) -> (bool, String) {
    match undone {
        Undone::BeforeSending => (true, format!("The {noun} is back; its delete was never sent.")),
        // Deleting a row that never reached the server drops it with its changes.
        Undone::NothingQueued if never_sent => (
            false,
            format!(
                "That {noun} had not reached the server, so nothing was sent and nothing can \
                 be brought back; add it again if you want it."
            ),
        ),
        Undone::OnItsWay => (
            false,
            "The delete is on its way to the server and has not been answered yet, so it \
             cannot be taken back now. If it does not get through, it waits again and you can \
             undo it then."
                .to_owned(),
        ),
        Undone::NothingQueued => (
            false,
            format!("Too late to undo: the delete has reached the server, so the {noun} {gone}"),
        ),
    }
}

/// The name `sections/create/` gives a section of `section_type` without one (§17.2).
fn default_name(section_type: &str) -> String {
    let mut chars = section_type.chars();
    let first: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    format!("{first}{} Section", chars.as_str())
}

impl PublicPageHandle<'_> {
    /// Adds a section of `new.section_type`, last on the page (shown at once under a temporary
    /// id; made on the server by `sections/create/` when it can be reached).
    pub fn add_section(&self, new: &NewSection) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let last = self.shown()?.iter().map(|s| s.position).max();
        // Shown, and later merged, with what the server will hold: its default name
        // ("<Type> Section", §17.2) and published. A later change before the server has it
        // then starts from these values, not from nothing (which would look like a colleague's).
        let name = match new.name.trim() {
            "" => default_name(&new.section_type),
            name => name.to_owned(),
        };
        let mut fields = Row::new();
        fields.insert("section_type".into(), Value::from(new.section_type.clone()));
        fields.insert("name".into(), Value::from(name));
        fields.insert("position".into(), Value::from(last.map_or(0, |p| p + 1)));
        fields.insert("is_active".into(), Value::Bool(true));
        let fields = (SECTIONS_SPEC.validate)(&fields, None, true)?;
        self.cx.queue_create(&SECTIONS_SPEC, &fields)?;
        self.page()
    }

    /// Renames section `id` (a name of at most 100 characters; empty is allowed, §17.2).
    pub fn rename_section(&self, id: i64, name: &str) -> Result<PublicPage, DeskError> {
        self.change(id, json!({"name": name}))
    }

    /// Hides section `id` from guests, or publishes it again.
    pub fn set_section_hidden(&self, id: i64, hidden: bool) -> Result<PublicPage, DeskError> {
        self.change(id, json!({"is_active": !hidden}))
    }

    /// Moves section `id` one place up (`by` < 0) or down (`by` > 0): the whole new order is
    /// queued (one PATCH of `position` per section that moves, §17.2; a later order replaces an
    /// unsent earlier one).
    pub fn move_section(&self, id: i64, by: i64) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let (mut ids, from) = self
            .cx
            .find_resolved(&SECTIONS_SPEC, id, |id| {
                let ids: Vec<i64> = self.shown()?.iter().map(|s| s.id).collect();
                Ok(ids.iter().position(|shown| *shown == id).map(|at| (ids, at)))
            })?
            .ok_or(DeskError::Missing("section"))?;
        let to = (from as i64 + by.signum()).clamp(0, ids.len() as i64 - 1) as usize;
        if to == from {
            return self.page();
        }
        ids.swap(from, to);
        self.cx.queue_reorder(&SECTIONS_SPEC, &ids)?;
        self.page()
    }

    /// Gives section `id` style variant `style` (1–5, §17.1; the server's presets name them
    /// where its table has any).
    pub fn set_section_style(&self, id: i64, style: i64) -> Result<PublicPage, DeskError> {
        self.change(id, json!({"style_variant": style}))
    }

    /// Puts the sections in the order `ids` gives (the whole page, as dragged): one PATCH of
    /// `position` per section that moves (§17.2). `ids` must name each of this hotel's shown
    /// sections once; anything else is refused and nothing is queued.
    pub fn reorder_sections(&self, ids: &[i64]) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        // A new section's create can reach the server between the read of the sections and
        // the ids' resolution: read again while the resolution changes (each create lands once).
        let mut before: Option<Vec<i64>> = None;
        let (shown, ids) = loop {
            let shown: Vec<i64> = self.shown()?.iter().map(|s| s.id).collect();
            let resolved = ids
                .iter()
                .map(|id| self.cx.store.resolve_id(SECTIONS_SPEC.name(), *id))
                .collect::<Result<Vec<i64>, _>>()?;
            let mut sorted = resolved.clone();
            sorted.sort_unstable();
            let mut expected = shown.clone();
            expected.sort_unstable();
            if sorted == expected {
                break (shown, resolved);
            }
            if before.as_ref() == Some(&resolved) {
                return Err(DeskError::Missing("section"));
            }
            before = Some(resolved);
        };
        if ids != shown {
            self.cx.queue_reorder(&SECTIONS_SPEC, &ids)?;
        }
        self.page()
    }

    /// Deletes section `id` with everything in it (§17.2: the server's delete cascades). It
    /// leaves the page at once; until it is sent, [`Self::undo_delete_section`] brings it back.
    pub fn delete_section(&self, id: i64) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let id = self.this_hotels(id)?;
        self.cx.queue_delete(&SECTIONS_SPEC, id)?;
        self.page()
    }

    /// Takes back the delete of section `id` if it has not reached the server; once it has, the
    /// section is gone from the server and cannot be brought back here: the answer says which.
    /// A delete on its way (the runner sent it and its answer is not in) is waited for, at most
    /// 12 s: one that did not reach the server (offline) waits again and is taken back;
    /// one still unanswered then is said to be on its way.
    pub async fn undo_delete_section(&self, id: i64) -> Result<SectionUndo, DeskError> {
        self.may_change()?;
        let undone = self.cx.undo_delete(&SECTIONS_SPEC, id).await?;
        let never_sent = self.cx.store.resolve_id(SECTIONS_SPEC.name(), id)? < 0;
        let (undone, message) = undo_said(
            undone,
            never_sent,
            "section",
            "and everything in it are gone from the page.",
        );
        Ok(SectionUndo { undone, message })
    }

    /// Queues `changes` to this hotel's section `id`, merged with the server's row when sent.
    fn change(&self, id: i64, changes: Value) -> Result<PublicPage, DeskError> {
        self.may_change()?;
        let id = self.this_hotels(id)?;
        let shown = self.cx.view_row(&SECTIONS_SPEC, id, "section")?.row;
        let changes = changes.as_object().cloned().unwrap_or_default();
        let changes = (SECTIONS_SPEC.validate)(&changes, Some(&shown), false)?;
        self.cx.queue_edit(&SECTIONS_SPEC, id, &changes, &shown)?;
        self.page()
    }

    /// Refuses, in words, a change by someone who may not edit the page (§17.1): nothing is
    /// queued that the server is known to refuse.
    pub(crate) fn may_change(&self) -> Result<(), DeskError> {
        self.cx.sync()?;
        if !self.may_edit() {
            return Err(DeskError::NotAllowed(WHO_MAY_EDIT.to_owned()));
        }
        self.cx.may(SECTIONS_SPEC.capabilities.change, "change the public page")
    }

    /// The sections as shown (this hotel's only), in order.
    fn shown(&self) -> Result<Vec<PageSection>, DeskError> {
        Ok(self.get()?.map(|page| page.sections).unwrap_or_default())
    }

    /// `id` resolved to the id it is shown under, if it is one of this hotel's shown sections
    /// (never a row an answer gave of another hotel, §17.9 item 2), also when its create is
    /// answered as it is looked up.
    pub(super) fn this_hotels(&self, id: i64) -> Result<i64, DeskError> {
        self.cx
            .find_resolved(&SECTIONS_SPEC, id, |id| {
                Ok(self.shown()?.iter().any(|s| s.id == id).then_some(id))
            })?
            .ok_or(DeskError::Missing("section"))
    }

    pub(super) fn page(&self) -> Result<PublicPage, DeskError> {
        self.get()?.ok_or(DeskError::Missing("public page"))
    }
}

//! How a resource is described to the engine, once, in its own module outside `sync`
//! (`crate::features`). The engine works from these descriptions and names no resource.

use serde_json::Value;

use crate::api::{ApiError, Generation, Resource};
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::FieldInvalid;

/// A colleague's change as a toast (summary, body), or `None` for changes not worth one.
pub(crate) type Toast = fn(action: &str, title: Option<&str>) -> Option<(String, String)>;

/// What one event on the hotel channel means for the store of one resource (which resource is
/// known from the description whose `interpret` read it).
#[derive(Debug, Clone, PartialEq)]
pub enum Hint {
    /// A whole row, as the server has it now.
    Upsert {
        /// The row, as the event carries it.
        row: Row,
        /// What happened to it, for the toast ("created", "updated", …).
        action: &'static str,
    },
    /// Some fields of a row (e.g. a new photo URL).
    Patch {
        /// The row's id on the server.
        id: i64,
        /// The fields that changed, with their new values.
        fields: Row,
        /// What happened to it, for the toast ("image_updated", …).
        action: &'static str,
        /// The row's title, when the event names it (for the toast).
        title: Option<String>,
    },
    /// A row was deleted on the server.
    Delete {
        /// The row's id on the server.
        id: i64,
        /// The row's title, when the event names it (for the toast).
        title: Option<String>,
    },
    /// Only "refetch" (the event names the resource but its payload cannot be applied).
    Reconcile,
}

/// One synced resource.
#[derive(Debug)]
pub struct ResourceSpec {
    /// Which kind of thing it is (also its toast category).
    pub kind: ResourceKind,
    /// Where it lives on the server and how its images are uploaded.
    pub api: Resource,
    /// Whether the server announces its changes on the hotel channel. If not, it is also
    /// reconciled every [`super::POLL_INTERVAL`] while signed in.
    pub broadcast: bool,
    /// Read only while its screen shows, besides once when the desk starts (so it opens
    /// offline): what an event or a timer would read meanwhile is read when its screen is
    /// next opened. For a view nobody needs kept current behind their back, whose read is
    /// costly to the server (the Guest page: every offer change would cost every desk a read
    /// of the whole public page).
    pub read_only_while_shown: bool,
    /// Read when the desk starts, when a read of everything finds it older than the quiet
    /// interval ([`super::QUIET_INTERVAL`], ten minutes: a reconnect after a long cut, a desk
    /// polling without live updates), and when its screen is opened after the poll interval;
    /// never on the quiet timer. For a table only the server's own script changes (the page
    /// builder's presets, API.md §17.7), not worth a request each interval.
    pub rarely_read: bool,
    /// While its screen shows (and the desk window is seen), read again every poll interval
    /// ([`super::POLL_INTERVAL`], a minute), live updates or not: for what no event announces
    /// and a person watches change (a front desk's arrivals, API.md §15.6 rule 1).
    pub refresh_while_shown: bool,
    /// Reads an event of the hotel channel: `None` when the event is not about this resource.
    pub interpret: fn(event: &str, data: &Value) -> Option<Hint>,
    /// The name staff know a row by ("Lakeside Spa Retreat").
    pub title: fn(row: &Row) -> Option<String>,
    /// Checks changed fields (all of them for a new row, `current` is `None`) as the server
    /// would; returns them normalised.
    pub validate:
        fn(changes: &Row, current: Option<&Row>, creating: bool) -> Result<Row, FieldInvalid>,
    /// The fields a re-create carries ("keep mine" after a colleague deleted the row).
    pub editable: &'static [&'static str],
    /// The fields that show the row's image, emptied by a queued "remove the image".
    pub image_fields: &'static [&'static str],
    /// Images sent as a file part of a multipart PATCH of the row (the hotel's settings: hero,
    /// landing-page image and logo, API.md §4.1), each on its own.
    pub field_images: &'static [FieldImage],
    /// A colleague's change as a toast (summary, body), or `None` for changes not worth one.
    pub toast: Toast,
    /// Server errors that will never go away for the request that got them (API.md §6.2: a 500
    /// for an upload to an unknown room type): the entry is refused with these words instead of
    /// being retried forever. `None` for errors worth retrying.
    pub permanent_failure: fn(&ApiError) -> Option<String>,
    /// Other resources whose server copy a change of this one changes (a gallery image edited
    /// or deleted changes its gallery's nested list): read again right after it is sent.
    pub also_changes: &'static [&'static str],
    /// Whether a colleague's change is told (toasted) when a reconcile finds it: for resources
    /// whose changes the server does not announce with the row (galleries, room types, the
    /// hotel's settings). Changes announced with the row toast when the event arrives.
    pub toasts_from_reconcile: bool,
    /// Fields that copy other resources (the settings' `galleries`, §4.1): a change there is
    /// told as that resource's, not this one's.
    pub copies: &'static [&'static str],
    /// The views built from this resource: told to read again when it changes.
    pub views: &'static [View],
    /// The rows nested in each row with actions of their own (a gallery's images), if any.
    pub children: Option<&'static Children>,
    /// Whether the server follows each event that names a row of this resource with a bare
    /// "read it all again" event that says nothing more (offers, API.md §9.2): that one is
    /// then not taken as news of any row.
    pub refetch_follows_row_events: bool,
    /// What a server that names capabilities (the 2026 backend, API.md §10.3) requires of the
    /// person to change a row, and to set its photo; `None` where it names none. Without it the
    /// desk refuses the change at once, in words, rather than queue what would be refused.
    pub capabilities: Capabilities,
    /// The generations of HotelMate that do not have this area at all, each with why in words:
    /// the desk never asks such a server for it and keeps its queued changes waiting.
    pub absent: &'static [(Generation, &'static str)],
    /// A capability the person needs for the server to answer a read of this resource at all
    /// (the page builder's staff lists, API.md §17.1), with why in words: without it the desk
    /// never asks (a request the server is known to refuse). `None`: anyone who signed in.
    pub read_needs: Option<(&'static str, &'static str)>,
}

/// The capabilities a change of a resource requires, where the server names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// To create, edit, reorder or delete a row.
    pub change: Option<&'static str>,
    /// To set a row's photo.
    pub photo: Option<&'static str>,
}

impl Capabilities {
    /// None required.
    pub const NONE: Self = Self {
        change: None,
        photo: None,
    };
}

/// A collection of rows nested in each row of a resource, added one file at a time and put in
/// order as a whole through actions of the row (a gallery's images, API.md §5.2 and §5.3).
#[derive(Debug)]
pub struct Children {
    /// The key of the nested list in the row.
    pub list_key: &'static str,
    /// The field of a child that holds the address of its file: an upload whose answer was
    /// lost is looked for by its bytes.
    pub file_url: &'static str,
    /// The field of a child that holds its place among its siblings.
    pub order_field: &'static str,
    /// How one child is added, with its file.
    pub add: AddChild,
    /// How a new order of the children is sent.
    pub reorder: ChildrenOrder,
    /// Where one child is removed (an upload cancelled while it was on its way).
    pub resource: Resource,
}

/// How a child is added to its row, one file per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddChild {
    /// A row action of the parent and its file part (a gallery's `upload_image/` with
    /// `image`, API.md §5.2).
    RowAction(&'static str, &'static str),
    /// A POST to the children's own collection ([`Children::resource`]) naming the parent's id
    /// in `parent_field`, with the file part `file_field` (a 2026 gallery image: `gallery` and
    /// `image`, API.md §17.4).
    Collection {
        /// The field that names the parent row.
        parent_field: &'static str,
        /// The file part.
        file_field: &'static str,
    },
}

/// How a row's children are put in a new order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildrenOrder {
    /// One call of a row action with the whole list of child ids, and the key of that list
    /// (`reorder_images` with `image_ids`, API.md §5.3).
    RowAction(&'static str, &'static str),
    /// One PATCH of the order field of each child whose place changes, by its place from 0
    /// (API.md §17.4 and §17.9 item 6: no reorder endpoint; two children sharing a place are
    /// numbered apart by it).
    PatchEach,
}

/// For resources the hotel channel says nothing about.
fn no_hint(_: &str, _: &Value) -> Option<Hint> {
    None
}

/// For resources whose rows have no name staff know them by.
fn no_title(_: &Row) -> Option<String> {
    None
}

/// For resources the desk does not change: every change is refused, in words.
fn read_only(_: &Row, _: Option<&Row>, _: bool) -> Result<Row, FieldInvalid> {
    Err(crate::rules::invalid(
        "id",
        "This is not edited on the desk; use the hotel's web app.",
    ))
}

/// For resources whose changes by colleagues are not worth a toast.
fn no_toast(_: &str, _: Option<&str>) -> Option<(String, String)> {
    None
}

/// For resources whose every server error is worth retrying.
pub fn no_permanent_failures(_: &ApiError) -> Option<String> {
    None
}

impl ResourceSpec {
    /// The common case, for a description to name only what differs (`..ResourceSpec::base(kind,
    /// api)` after its own fields): not announced on the hotel channel (so polled), kept
    /// current while its screen is away, no title, read only (every change refused), no
    /// image fields, no toasts, every server error worth retrying, no other resource or view
    /// touched, no nested rows, no capability needed, present in every generation. A new knob
    /// of the engine gets its common value here, so no feature's description changes with it.
    pub const fn base(kind: ResourceKind, api: Resource) -> Self {
        Self {
            kind,
            api,
            broadcast: false,
            read_only_while_shown: false,
            refresh_while_shown: false,
            rarely_read: false,
            interpret: no_hint,
            title: no_title,
            validate: read_only,
            editable: &[],
            image_fields: &[],
            field_images: &[],
            toast: no_toast,
            permanent_failure: no_permanent_failures,
            also_changes: &[],
            toasts_from_reconcile: false,
            copies: &[],
            views: &[],
            children: None,
            refetch_follows_row_events: false,
            capabilities: Capabilities::NONE,
            absent: &[],
            read_needs: None,
        }
    }

    /// The store key and the name the UI uses.
    pub(crate) fn name(&self) -> &'static str {
        self.api.name
    }
}

/// An image of a row set on its own, and the field that shows the result: by default through a
/// file part of a multipart PATCH of the row (the hotel's settings, API.md §4.1), or through a
/// row action of its own (a 2026 hero's `upload-hero-image/`, §17.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldImage {
    /// The row's field that holds the image (`hero_image`): the PATCH's file part, when it is
    /// sent by a PATCH.
    pub file_field: &'static str,
    /// The field of the row that shows the image in effect (`hero_image_display`).
    pub shown_field: &'static str,
    /// The row action that takes it instead of a PATCH, and that action's file part
    /// (`upload-hero-image`, `image`); `None`: a PATCH.
    pub action: Option<(&'static str, &'static str)>,
}

/// The resources of a desk: every synced resource, each once.
pub(crate) type Resources = &'static [&'static ResourceSpec];

/// The description of `kind` in `resources`.
pub(crate) fn spec_of(resources: Resources, kind: ResourceKind) -> Option<&'static ResourceSpec> {
    resources.iter().copied().find(|spec| spec.kind == kind)
}

/// The description of the resource stored as `name`.
pub(crate) fn spec_named(resources: Resources, name: &str) -> Option<&'static ResourceSpec> {
    resources.iter().copied().find(|spec| spec.name() == name)
}

//! One waiting change as the outbox keeps it: what it does ([`Op`]), where it stands
//! ([`EntryState`]), its fields and merge base, and the keys some operations keep in them.

use rusqlite::Row as SqlRow;
use serde_json::Value;

use super::super::records::Row;

/// What a waiting change does on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Creates row `target` (a temporary id) with `fields`.
    Create,
    /// Changes `fields` of row `target`.
    Update,
    /// Deletes row `target`.
    Delete,
    /// Sends the image `media` (a media cache hash) as row `target`'s picture.
    Upload,
    /// Removes row `target`'s picture.
    ClearImage,
    /// The whole order of a collection (`fields.order`: ids, first to last); the later reorder
    /// replaces an unsent earlier one, and wins as a whole when sent.
    Reorder,
    /// One child added to row `target`'s nested collection (a photo to a gallery), from the
    /// file `media`; each is an entry of its own ([`crate::engine::spec::Children`]).
    AddChild,
    /// The whole order of row `target`'s children (`fields.order`), replacing an unsent
    /// earlier one of the same row.
    ReorderChildren,
    /// A one-off action on row `target` (a booking marked seen, API.md §15.2): an empty POST
    /// to the address its feature made from what the server gave (`fields.path`), queued once
    /// per row and address; what the server answers is kept in the row and the resource is
    /// read back. Only for actions a repeat leaves as the first made them (a lost answer
    /// sends it again).
    Action,
}

impl Op {
    /// Every kind of change.
    pub(crate) const ALL: &'static [Op] = &[
        Self::Create,
        Self::Update,
        Self::Delete,
        Self::Upload,
        Self::ClearImage,
        Self::Reorder,
        Self::AddChild,
        Self::ReorderChildren,
        Self::Action,
    ];

    pub(in crate::engine::store) fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Upload => "upload",
            Self::ClearImage => "clear_image",
            Self::Reorder => "reorder",
            Self::AddChild => "add_child",
            Self::ReorderChildren => "reorder_children",
            Self::Action => "action",
        }
    }

    pub(in crate::engine::store) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "create" => Self::Create,
            "update" => Self::Update,
            "delete" => Self::Delete,
            "upload" => Self::Upload,
            "clear_image" => Self::ClearImage,
            "reorder" => Self::Reorder,
            "add_child" => Self::AddChild,
            "reorder_children" => Self::ReorderChildren,
            "action" => Self::Action,
            _ => return None,
        })
    }
}

/// Which row a waiting change is about. The outbox stores it as one number (the form the
/// desk's tables and lists use for row ids: a row made here and not yet on the server has a
/// negative temporary id); in code it is this type, so that no rule reads a sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The whole collection: a reorder of its rows.
    Collection,
    /// A row the server has, by its id.
    Saved(i64),
    /// A row made on this desk that has not reached the server yet, by its temporary id.
    Unsent(i64),
}

impl Target {
    /// Reads the stored number.
    pub fn from_id(id: i64) -> Self {
        match id {
            0 => Self::Collection,
            id if id > 0 => Self::Saved(id),
            id => Self::Unsent(id),
        }
    }

    /// The row's id as the desk's tables and lists hold it (0 for the whole collection).
    pub fn id(self) -> i64 {
        match self {
            Self::Collection => 0,
            Self::Saved(id) | Self::Unsent(id) => id,
        }
    }

    /// Whether the row is one the server has.
    pub fn is_saved(self) -> bool {
        matches!(self, Self::Saved(_))
    }

    /// Whether the row was made here and has not reached the server yet.
    pub fn is_unsent(self) -> bool {
        matches!(self, Self::Unsent(_))
    }
}

/// Where a waiting change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryState {
    /// Not sent yet.
    Pending,
    /// Sent, outcome unknown (the process may have died or the answer was lost).
    Sending,
    /// Paused until the user resolves it.
    Conflict,
    /// The server refused it; the user must change or discard it.
    Rejected,
}

impl EntryState {
    /// Whether the change is still going to the server (not paused for a decision, not
    /// refused): only such a change may be shown as if it were done.
    pub fn is_on_its_way(self) -> bool {
        matches!(self, Self::Pending | Self::Sending)
    }

    pub(in crate::engine::store) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Conflict => "conflict",
            Self::Rejected => "rejected",
        }
    }

    pub(in crate::engine::store) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => Self::Pending,
            "sending" => Self::Sending,
            "conflict" => Self::Conflict,
            "rejected" => Self::Rejected,
            _ => return None,
        })
    }
}

/// One change waiting for the server, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// Its place in the queue: changes are sent in this order.
    pub seq: i64,
    /// The resource it belongs to (`offers`, …).
    pub resource: String,
    /// What it does.
    pub op: Op,
    /// The row it is about.
    pub target: Target,
    /// The fields the user set.
    pub fields: Row,
    /// The server's values of those fields when the user started editing.
    pub base: Row,
    /// The media cache hash of an image to upload.
    pub media: Option<String>,
    /// Where it stands.
    pub state: EntryState,
    /// Conflict details (JSON) or the server's refusal (text).
    pub problem: Option<String>,
    /// How many times it was sent.
    pub attempts: i64,
    /// When it was made on this desk (RFC 3339).
    pub created_at: String,
}

fn parse_map(column: &str, text: &str) -> Result<Row, String> {
    serde_json::from_str(text).map_err(|err| format!("its {column} cannot be read ({err})"))
}

pub(in crate::engine::store) fn to_text(map: &Row) -> String {
    Value::Object(map.clone()).to_string()
}

impl OutboxEntry {
    /// Reads a row. A damaged row (unreadable JSON, an unknown operation or state, a reorder
    /// whose order of rows cannot be read) is not
    /// turned into an empty edit that would be "sent" and deleted: it comes back as a refused
    /// entry whose problem says what is damaged, so it blocks its row and is shown to the user,
    /// while the stored text stays as it was.
    pub(in crate::engine::store) fn from_row(row: &SqlRow<'_>) -> rusqlite::Result<Self> {
        let op_text: String = row.get("op")?;
        let state_text: String = row.get("state")?;
        let fields = parse_map("fields", &row.get::<_, String>("fields")?);
        let base = parse_map("base", &row.get::<_, String>("base")?);
        let op = Op::parse(&op_text);
        let state = EntryState::parse(&state_text);
        let damage = [
            op.is_none()
                .then(|| format!("its operation '{op_text}' is unknown")),
            state
                .is_none()
                .then(|| format!("its state '{state_text}' is unknown")),
            fields.as_ref().err().cloned(),
            base.as_ref().err().cloned(),
            carried_damage(op, fields.as_ref().ok()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
        let (state, problem) = if damage.is_empty() {
            (state.unwrap_or(EntryState::Rejected), row.get("problem")?)
        } else {
            (
                EntryState::Rejected,
                Some(format!(
                    "{DAMAGED}: {}. Discard it and make the change again.",
                    damage.join("; ")
                )),
            )
        };
        Ok(Self {
            seq: row.get("seq")?,
            resource: row.get("resource")?,
            op: op.unwrap_or(Op::Update),
            target: Target::from_id(row.get("target")?),
            fields: fields.unwrap_or_default(),
            base: base.unwrap_or_default(),
            media: row.get("media")?,
            state,
            problem,
            attempts: row.get("attempts")?,
            created_at: row.get("created_at")?,
        })
    }

    /// Whether the stored row could not be read (see [`OutboxEntry::from_row`]).
    pub(crate) fn is_damaged(&self) -> bool {
        self.problem
            .as_deref()
            .is_some_and(|p| p.starts_with(DAMAGED))
    }
}

/// How the problem of a damaged outbox row begins.
const DAMAGED: &str = "This change is damaged in the desk's database";

// What an operation carries besides the fields the person set is stored under these keys of
// the entry's JSON columns. Only the outbox reads and writes them; the rest of the desk asks
// the entry's typed accessors below (issue 37.1: no magic keys outside the store).

/// In an upload entry's fields: the file part of a PATCH the image goes in (absent: the
/// resource's upload action).
pub(in crate::engine::store) const IMAGE_FIELD: &str = "field";

/// The key of a reorder entry's list of ids.
pub(in crate::engine::store) const ORDER: &str = "order";

/// In an added child's fields: the name of the file the person chose.
pub(in crate::engine::store) const ADDED_FILE: &str = "adds";

/// In an added child's base, once it has been sent: the ids of the row's children before it
/// was, so that a retry after an unknown outcome can tell whether the server already has it.
/// (The stored name predates [`Op::AddChild`]; it stays, for entries waiting in old outboxes.)
pub(in crate::engine::store) const CHILDREN_BEFORE: &str = "images_before";

/// In an added child's base, once it has been sent: the place among its siblings it was sent
/// with, kept for its retries.
pub(in crate::engine::store) const ADDED_PLACE: &str = "place";

/// In an action's fields ([`Op::Action`]): its address below the server's base.
pub(in crate::engine::store) const ACTION_PATH: &str = "path";

/// What each kind of operation carries, typed.
impl OutboxEntry {
    /// An action's address below the server's base ([`Op::Action`]).
    pub fn action_path(&self) -> Option<&str> {
        self.fields.get(ACTION_PATH).and_then(Value::as_str)
    }

    /// A reorder's ids ([`Op::Reorder`], [`Op::ReorderChildren`]), first to last.
    pub fn order(&self) -> Vec<i64> {
        ids(self.fields.get(ORDER)).unwrap_or_default()
    }

    /// An upload's file part of a PATCH ([`Op::Upload`]); `None`: the resource's upload action.
    pub fn image_field(&self) -> Option<&str> {
        self.fields.get(IMAGE_FIELD).and_then(Value::as_str)
    }

    /// The name of the file the person chose for an added child ([`Op::AddChild`]).
    pub fn added_file(&self) -> Option<&str> {
        self.fields.get(ADDED_FILE).and_then(Value::as_str)
    }

    /// Once an added child was sent: the ids of its row's children before it (`None`: never
    /// sent, so it cannot be on the server already).
    pub fn children_before(&self) -> Option<Vec<i64>> {
        ids(self.base.get(CHILDREN_BEFORE))
    }

    /// Once an added child was sent: the place among its siblings it was sent with.
    pub fn added_place(&self) -> Option<i64> {
        self.base.get(ADDED_PLACE).and_then(Value::as_i64)
    }

    /// This added child with the place it is to be sent with, chosen as its replay starts (in
    /// memory: the place is stored with its first send, by `claim_added_child`).
    pub(crate) fn with_added_place(mut self, place: i64) -> Self {
        self.base.insert(ADDED_PLACE.into(), Value::from(place));
        self
    }
}

/// What `op` carries beside the person's fields that cannot be read: a reorder's order must be
/// a list of row ids (else it would be sent with the unreadable ids left out, or as no order).
fn carried_damage(op: Option<Op>, fields: Option<&Row>) -> Option<String> {
    if let (Some(Op::Action), Some(fields)) = (op, fields) {
        let readable = fields.get(ACTION_PATH).and_then(Value::as_str).is_some();
        return (!readable).then(|| "its address cannot be read".to_owned());
    }
    let (Some(Op::Reorder | Op::ReorderChildren), Some(fields)) = (op, fields) else {
        return None;
    };
    let readable = fields
        .get(ORDER)
        .and_then(Value::as_array)
        .is_some_and(|ids| ids.iter().all(|id| id.as_i64().is_some()));
    (!readable).then(|| "its order of rows cannot be read".to_owned())
}

fn ids(list: Option<&Value>) -> Option<Vec<i64>> {
    list.and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
}

//! Saved replies handed from desk to desk as a file: written by an export, read by an import.
//! A file is checked whole before anything is written (issue 63.12): one the desk cannot use
//! in full is refused in full, naming its first problems by the reply's place and name, and
//! what it brings is added in one transaction, so nothing is ever half imported.

use crate::features::chat::store::ChatStore;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{preset_key, SavedReplies};
use crate::context::DeskError;
use crate::engine::store::StoreError;
use crate::features::chat::handle::Chat;
use crate::session::system::{preset_reply_problem, MAX_SAVED_REPLIES};

/// The largest file of saved replies read (500 replies of 5,000 characters fit, with room).
pub const MAX_IMPORT_BYTES: usize = 12 * 1024 * 1024;
/// The longest key a reply may have, in characters. The desk's own keys are 32 hex digits, or
/// "it:" or "example:" and a name of at most 60 characters (68 at most); 100 leaves room for
/// another version's, and no file carries a page as a key.
pub const REPLY_KEY_MAX_CHARS: usize = 100;
/// What a file of saved replies says it is, so another JSON file is refused by name.
const FILE_KIND: &str = "hotelmate-desk saved replies";
/// How many of a refused file's problems are named (the rest are counted).
const PROBLEMS_NAMED: usize = 3;
/// How much of a reply's name a problem quotes, in characters.
const NAME_QUOTED_CHARS: usize = 40;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportOutcome {
    /// Replies added.
    pub added: u32,
    /// Replies the desk already had, unchanged.
    pub already_here: u32,
    /// Replies this desk has changed since, added beside its own as "… (imported)".
    pub beside_own: u32,
    /// Every reply now.
    pub replies: SavedReplies,
}

/// A file of saved replies, as exported.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyFile {
    kind: String,
    version: u32,
    replies: Vec<FileReply>,
}

/// One reply of a file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileReply {
    /// Names the reply across desks: an import that meets it again knows it.
    pub key: String,
    pub name: String,
    pub text: String,
}

/// Why a file of saved replies was not imported; nothing of it was.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is larger than any file of saved replies.
    #[error(
        "This file is larger than a file of saved replies can be ({} MB).",
        MAX_IMPORT_BYTES / (1024 * 1024)
    )]
    TooLarge,
    /// The file is not JSON of the form an export writes.
    #[error("This is not a file of saved replies the desk can read ({0}).")]
    Unreadable(String),
    /// The file says it is something else, or a version this desk does not know.
    #[error("This file is not a file of saved replies (it says it is '{kind}', version {version}).")]
    OtherKind {
        /// What the file says it is.
        kind: String,
        /// The version it says it is.
        version: u32,
    },
    /// Replies of the file cannot be kept as they are: the first problems, in words.
    #[error("Nothing was imported: {}.", problems_words(.problems, *.more))]
    Problems {
        /// The first problems, each naming the reply by its place in the file and its name.
        problems: Vec<String>,
        /// How many more there are.
        more: usize,
    },
    /// The desk would hold more replies than it keeps.
    #[error(
        "Nothing was imported: the desk would hold {0} saved replies, and keeps up to \
         {MAX_SAVED_REPLIES}."
    )]
    TooMany(usize),
    /// The desk's database could not be written; it is as it was.
    #[error(
        "Nothing was imported: the desk's database could not be written, and nothing was \
         changed. Try again; if it happens again, the desk's log has the cause."
    )]
    Storage(#[source] StoreError),
}

impl From<ImportError> for DeskError {
    fn from(err: ImportError) -> Self {
        match err {
            ImportError::Storage(source) => {
                tracing::warn!(error = %source, "saved replies could not be imported");
                DeskError::NotWritten {
                    what: "the saved replies",
                    source,
                }
            }
            other => DeskError::InvalidInput {
                field: "file",
                message: other.to_string(),
            },
        }
    }
}

fn problems_words(problems: &[String], more: usize) -> String {
    let mut words = problems.join("; ");
    if more > 0 {
        words.push_str(&format!(
            "; and {more} more {}",
            if more == 1 { "problem" } else { "problems" }
        ));
    }
    words
}

/// Why `key` cannot name a reply, in words; `None` when it can.
pub(super) fn key_problem(key: &str) -> Option<String> {
    let chars = key.chars().count();
    if key.trim().is_empty() {
        Some("has no key".into())
    } else if chars > REPLY_KEY_MAX_CHARS {
        Some(format!(
            "has a key of {chars} characters (a key is at most {REPLY_KEY_MAX_CHARS})"
        ))
    } else if key.chars().any(char::is_control) {
        Some("has a key with control characters in it".into())
    } else {
        None
    }
}

/// Reply `index` (from 0) of a file as a problem names it: "reply 3 (“Wi-Fi”)".
fn named(index: usize, name: &str) -> String {
    let name = crate::rules::text::reveal(&crate::rules::text::shorten(
        name.trim(),
        NAME_QUOTED_CHARS,
    ));
    format!("reply {} (“{name}”)", index + 1)
}

/// Every problem of a file's replies, in the file's order: too many of them, a key that is
/// missing, too long or given twice, a name or text the desk cannot keep.
fn problems_of(replies: &[FileReply]) -> Vec<String> {
    let mut problems = Vec::new();
    if replies.len() > MAX_SAVED_REPLIES {
        problems.push(format!(
            "the file has {} saved replies, and a desk keeps up to {MAX_SAVED_REPLIES}",
            replies.len()
        ));
    }
    let mut first_with: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, reply) in replies.iter().enumerate() {
        if let Some(problem) = key_problem(&reply.key) {
            problems.push(format!("{} {problem}", named(index, &reply.name)));
        } else if let Some(first) = first_with.get(reply.key.as_str()) {
            problems.push(format!(
                "{} has the same key as {}",
                named(index, &reply.name),
                named(*first, &replies[*first].name)
            ));
        } else {
            first_with.insert(&reply.key, index);
        }
        if let Some(problem) = preset_reply_problem(&reply.name, &reply.text) {
            problems.push(format!("{}: {problem}", named(index, &reply.name)));
        }
    }
    problems
}

/// Reads a file's text as the replies it brings, checked whole.
fn read_file(text: &str) -> Result<Vec<FileReply>, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let file: ReplyFile =
        serde_json::from_str(text).map_err(|err| ImportError::Unreadable(err.to_string()))?;
    if file.kind != FILE_KIND || file.version != 1 {
        return Err(ImportError::OtherKind {
            kind: crate::rules::text::reveal(&crate::rules::text::shorten(&file.kind, 60)),
            version: file.version,
        });
    }
    let mut problems = problems_of(&file.replies);
    if !problems.is_empty() {
        let more = problems.len().saturating_sub(PROBLEMS_NAMED);
        problems.truncate(PROBLEMS_NAMED);
        return Err(ImportError::Problems { problems, more });
    }
    Ok(file.replies)
}

impl Chat<'_> {
    /// Every saved reply as a file's text, to hand to other desks.
    pub fn export_saved_replies(&self) -> Result<String, DeskError> {
        let replies = if self.cx.system.saved_replies_locked {
            self.preset()
                .iter()
                .map(|r| FileReply {
                    key: preset_key(&r.name),
                    name: r.name.trim().to_owned(),
                    text: r.text.clone(),
                })
                .collect()
        } else {
            self.start_saved_replies()?;
            ChatStore::new(&self.cx.store).saved_replies_to_hand_on()?
        };
        let file = ReplyFile {
            kind: FILE_KIND.into(),
            version: 1,
            replies,
        };
        serde_json::to_string_pretty(&file)
            .map_err(|err| DeskError::Interrupted(format!("writing the saved replies: {err}")))
    }

    /// Writes [`Chat::export_saved_replies`] into the Downloads folder (or the home folder),
    /// under a name no other file has; says where.
    pub fn export_saved_replies_to_downloads(&self) -> Result<String, DeskError> {
        let text = self.export_saved_replies()?;
        let folder = crate::context::saved_files::downloads_folder("file")?;
        let path =
            crate::context::saved_files::free_path(&folder, "hotelmate-saved-replies.json");
        std::fs::write(&path, text).map_err(|err| DeskError::InvalidInput {
            field: "file",
            message: format!(
                "The saved replies could not be written to {}: {err}",
                path.display()
            ),
        })?;
        Ok(path.display().to_string())
    }

    /// Adds the replies of an exported file. One the desk has (by its key) is skipped when it
    /// is the same, and added beside this desk's own as "… (imported)" when either was
    /// changed: nothing here is replaced. A file the desk cannot use in full is refused whole
    /// ([`ImportError`]), and a file is added in one transaction: never in part.
    pub fn import_saved_replies(&self, text: &str) -> Result<ImportOutcome, DeskError> {
        self.refuse_if_locked()?;
        let replies = read_file(text)?;
        self.start_saved_replies()?;
        let done = ChatStore::new(&self.cx.store).import_saved_replies(&replies, MAX_SAVED_REPLIES)
            .map_err(ImportError::Storage)?;
        if !done.written {
            return Err(ImportError::TooMany(done.would_hold).into());
        }
        Ok(ImportOutcome {
            added: done.added,
            already_here: done.already_here,
            beside_own: done.beside_own,
            replies: self.saved_replies()?,
        })
    }
}

#[cfg(test)]
mod tests;

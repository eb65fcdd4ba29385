//! Guest chat (API.md §8): the conversation list and threads as the screen shows them
//! ([`model`]), the chat channels' events ([`events`]), the messages and replies kept in the
//! local database ([`store`]), the conversations as the engine syncs them ([`spec`]), the
//! background work that sends replies and follows the channels ([`worker`]), and the handle the
//! UI calls, `desk.chat()` ([`handle`]).

mod drafts;
pub(crate) mod events;
pub(crate) mod handle;
mod message;
pub(crate) mod model;
mod saved_replies;
mod search;
pub(crate) mod spec;
pub mod store;
mod waiting;
pub(crate) mod worker;

pub use drafts::{Draft, DRAFT_MAX_CHARS};
pub(crate) use message::{empties_kept_words, is_whole_message};
pub use model::*;
pub use saved_replies::{
    fill, FieldValues, FilledReply, ImportError, ImportOutcome, SavedReplies, SavedReply, FIELDS,
    MAX_IMPORT_BYTES, REPLY_KEY_MAX_CHARS,
};
pub use search::{find_messages, HitPiece, MessageHit, MessageSearch, MAX_HITS};
pub use worker::BACKGROUND_READS_PER_MINUTE;

/// The types this feature's screen receives, in TypeScript (for ui/src/lib/generated.ts).
#[cfg(test)]
pub(crate) fn typescript() -> Vec<String> {
    use ts_rs::TS;
    vec![
        crate::features::chat::Draft::decl(),
        crate::features::chat::SavedReply::decl(),
        crate::features::chat::SavedReplies::decl(),
        crate::features::chat::FilledReply::decl(),
        crate::features::chat::ImportOutcome::decl(),
        crate::features::chat::FieldValues::decl(),
        crate::features::chat::HitPiece::decl(),
        crate::features::chat::MessageHit::decl(),
        crate::features::chat::MessageSearch::decl(),
        crate::features::chat::ConversationSort::decl(),
        crate::features::chat::ViewCounts::decl(),
        crate::features::chat::SearchFound::decl(),
        crate::features::chat::RoomCount::decl(),
        crate::features::chat::ConversationFilter::decl(),
        crate::features::chat::ConversationView::decl(),
        crate::features::chat::ConversationList::decl(),
        crate::features::chat::TextPart::decl(),
        crate::features::chat::MessageStatus::decl(),
        crate::features::chat::AttachmentView::decl(),
        crate::features::chat::ReplyPreview::decl(),
        crate::features::chat::ChatMessageView::decl(),
        crate::features::chat::ThreadView::decl(),
    ]
}

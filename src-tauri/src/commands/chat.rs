//! Guest messages: the conversation list, threads, replies, files, read state and claiming.

use hotelmate_core::desk::ErrorCode;
use hotelmate_core::features::chat::{
    ConversationFilter, ConversationList, ConversationSort, Draft, FieldValues, FilledReply,
    ImportOutcome, MessageSearch, SavedReplies, TextPart, ThreadView,
};
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

command! {
    /// Async, so that reading the list never holds the window's main thread (a guest's flood reads
    /// it a few times a second).
    pub async fn chat_conversations(
        desk: State<'_, Desk>,
        filter: ConversationFilter,
        query: String,
        sort: ConversationSort,
        room: Option<String>,
    ) -> Result<ConversationList, UiError> {
        Ok(desk.chat().conversations_sorted(filter, &query, sort, room.as_deref())?)
    }
}

command! {
    /// Every cached message with the search's words, newest first (offline too). Async: the
    /// screen asks at each keystroke.
    pub async fn chat_search(desk: State<'_, Desk>, query: String) -> Result<MessageSearch, UiError> {
        Ok(desk.chat().search(&query)?)
    }
}

command! {
    pub async fn chat_thread(
        desk: State<'_, Desk>,
        conversation_id: i64,
        limit: usize,
    ) -> Result<ThreadView, UiError> {
        Ok(desk.chat().thread(conversation_id, limit).await?)
    }
}

command! {
    pub fn chat_send(
        desk: State<'_, Desk>,
        conversation_id: i64,
        message: String,
        reply_to: Option<i64>,
    ) -> Result<ThreadView, UiError> {
        Ok(desk.chat().send(conversation_id, &message, reply_to)?)
    }
}

command! {
    /// A file sent as the raw request body, with the conversation, its name and a caption as
    /// headers.
    pub async fn chat_attach(
        desk: State<'_, Desk>,
        request: Request<'_>,
    ) -> Result<ThreadView, UiError> {
        let (conversation_id, file) =
            super::upload(&request, "conversation-id", "file", super::id)?;
        let caption = super::header(&request, "message").unwrap_or_default();
        Ok(desk
            .chat()
            .attach(conversation_id, &file.name, file.bytes, &caption)
            .await?)
    }
}

command! {
    pub fn chat_edit(
        desk: State<'_, Desk>,
        message_id: i64,
        message: String,
    ) -> Result<ThreadView, UiError> {
        Ok(desk.chat().edit(message_id, &message)?)
    }
}

command! {
    pub fn chat_delete(desk: State<'_, Desk>, message_id: i64) -> Result<ThreadView, UiError> {
        Ok(desk.chat().delete(message_id)?)
    }
}

command! {
    /// Keeps what is typed in a conversation's reply box (empty: clears it).
    pub fn chat_set_draft(
        desk: State<'_, Desk>,
        conversation_id: i64,
        text: String,
    ) -> Result<(), UiError> {
        Ok(desk.chat().set_draft(conversation_id, &text)?)
    }
}

command! {
    /// Every conversation's draft, kept across a restart.
    pub fn chat_drafts(desk: State<'_, Desk>) -> Result<Vec<Draft>, UiError> {
        Ok(desk.chat().drafts()?)
    }
}

command! {
    /// This computer's saved replies, in order (IT's, where its file locks them).
    pub fn chat_saved_replies(desk: State<'_, Desk>) -> Result<SavedReplies, UiError> {
        Ok(desk.chat().saved_replies()?)
    }
}

command! {
    /// Adds a saved reply (no id) or changes one.
    pub fn chat_save_reply(
        desk: State<'_, Desk>,
        id: Option<i64>,
        name: String,
        text: String,
    ) -> Result<SavedReplies, UiError> {
        Ok(desk.chat().save_reply(id, &name, &text)?)
    }
}

command! {
    pub fn chat_delete_saved_reply(desk: State<'_, Desk>, id: i64) -> Result<SavedReplies, UiError> {
        Ok(desk.chat().delete_saved_reply(id)?)
    }
}

command! {
    pub fn chat_restore_saved_reply(desk: State<'_, Desk>, id: i64) -> Result<SavedReplies, UiError> {
        Ok(desk.chat().restore_saved_reply(id)?)
    }
}

command! {
    pub fn chat_order_saved_replies(
        desk: State<'_, Desk>,
        ids: Vec<i64>,
    ) -> Result<SavedReplies, UiError> {
        Ok(desk.chat().order_saved_replies(&ids)?)
    }
}

command! {
    /// A saved reply with its fields filled for one guest.
    pub fn chat_fill_saved_reply(
        desk: State<'_, Desk>,
        id: i64,
        values: FieldValues,
    ) -> Result<FilledReply, UiError> {
        Ok(desk.chat().fill_saved_reply(id, &values)?)
    }
}

command! {
    /// Writes the saved replies to a file in Downloads; says where.
    pub fn chat_export_saved_replies(desk: State<'_, Desk>) -> Result<String, UiError> {
        Ok(desk.chat().export_saved_replies_to_downloads()?)
    }
}

command! {
    /// Adds the saved replies of a file another desk exported.
    pub fn chat_import_saved_replies(
        desk: State<'_, Desk>,
        text: String,
    ) -> Result<ImportOutcome, UiError> {
        Ok(desk.chat().import_saved_replies(&text)?)
    }
}

command! {
    /// The E key: the person has read this conversation.
    pub async fn chat_mark_read(
        desk: State<'_, Desk>,
        conversation_id: i64,
    ) -> Result<bool, UiError> {
        Ok(desk.chat().mark_read(conversation_id)?)
    }
}

command! {
    pub async fn chat_viewing(
        desk: State<'_, Desk>,
        conversation_id: Option<i64>,
    ) -> Result<(), UiError> {
        Ok(desk.chat().viewing(conversation_id)?)
    }
}

command! {
    asks: server
    pub async fn chat_claim(
        desk: State<'_, Desk>,
        conversation_id: i64,
    ) -> Result<ThreadView, UiError> {
        Ok(desk.chat().claim(conversation_id).await?)
    }
}

command! {
    /// The whole text of a message the desk keeps only the start of, from the server.
    asks: server
    pub async fn chat_whole_message(
        desk: State<'_, Desk>,
        conversation_id: i64,
        message_id: i64,
    ) -> Result<Vec<TextPart>, UiError> {
        Ok(desk
            .chat()
            .whole_message(conversation_id, message_id)
            .await?)
    }
}

command! {
    pub fn chat_retry(desk: State<'_, Desk>, seq: i64) -> Result<ThreadView, UiError> {
        Ok(desk.chat().retry(seq)?)
    }
}

command! {
    pub fn chat_discard(desk: State<'_, Desk>, seq: i64) -> Result<ThreadView, UiError> {
        Ok(desk.chat().discard(seq)?)
    }
}

command! {
    asks: server
    pub async fn chat_save_attachment(
        desk: State<'_, Desk>,
        url: String,
        name: String,
    ) -> Result<String, UiError> {
        Ok(desk.chat().save_attachment(&url, &name).await?)
    }
}

command! {
    /// Opens a web link from a message in the system's browser (only `http`/`https`).
    pub fn open_link(url: String) -> Result<(), UiError> {
        let Some(url) = hotelmate_core::features::chat::safe_link(&url) else {
            return Err(UiError {
                code: ErrorCode::InvalidInput,
                field: Some("url".into()),
                message: "Only web links (http or https) are opened.".into(),
            });
        };
        crate::browser::open(&url).map_err(|error| UiError {
            code: ErrorCode::Internal,
            field: None,
            message: format!("The link could not be opened in the browser: {error}."),
        })
    }
}

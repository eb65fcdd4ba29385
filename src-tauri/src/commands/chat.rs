//! Guest messages: the conversation list, threads, replies, files, read state and claiming.

use hotelmate_core::desk::ErrorCode;
use hotelmate_core::features::chat::{
    ConversationFilter, ConversationList, ConversationSort, Draft, MessageSearch, TextPart,
    ThreadView,
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
    ) -> Result<ConversationList, UiError> {
        Ok(desk.chat().conversations_sorted(filter, &query, sort)?)
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
    pub async fn chat_viewing(
        desk: State<'_, Desk>,
        conversation_id: Option<i64>,
    ) -> Result<(), UiError> {
        Ok(desk.chat().viewing(conversation_id)?)
    }
}

command! {
    pub async fn chat_claim(
        desk: State<'_, Desk>,
        conversation_id: i64,
    ) -> Result<ThreadView, UiError> {
        Ok(desk.chat().claim(conversation_id).await?)
    }
}

command! {
    /// The whole text of a message the desk keeps only the start of, from the server.
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

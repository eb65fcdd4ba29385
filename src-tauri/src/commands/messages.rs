//! Guest messages: the conversation list, threads, replies, files, read state and claiming.

use hotelmate_core::desk::ErrorCode;
use hotelmate_core::features::chat::{ConversationFilter, ConversationList, TextPart, ThreadView};
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

/// Async, so that reading the list never holds the window's main thread (a guest's flood reads
/// it a few times a second).
#[tauri::command]
pub async fn chat_conversations(
    desk: State<'_, Desk>,
    filter: ConversationFilter,
    query: String,
) -> Result<ConversationList, UiError> {
    Ok(desk.messages().conversations(filter, &query)?)
}

#[tauri::command]
pub async fn chat_thread(
    desk: State<'_, Desk>,
    conversation_id: i64,
    limit: usize,
) -> Result<ThreadView, UiError> {
    Ok(desk.messages().thread(conversation_id, limit).await?)
}

#[tauri::command]
pub fn chat_send(
    desk: State<'_, Desk>,
    conversation_id: i64,
    message: String,
    reply_to: Option<i64>,
) -> Result<ThreadView, UiError> {
    Ok(desk.messages().send(conversation_id, &message, reply_to)?)
}

/// A file sent as the raw request body, with the conversation, its name and a caption as
/// headers.
#[tauri::command]
pub async fn chat_attach(
    desk: State<'_, Desk>,
    request: Request<'_>,
) -> Result<ThreadView, UiError> {
    let file = super::raw_file(&request, "conversation-id", "attachment")
        .and_then(|(id, name, bytes)| Some((id.parse::<i64>().ok()?, name, bytes)));
    let Some((conversation_id, name, bytes)) = file else {
        return Err(UiError {
            code: ErrorCode::InvalidInput,
            field: Some("file".into()),
            message: "The file did not arrive; try again.".into(),
        });
    };
    let caption = super::header(&request, "message").unwrap_or_default();
    Ok(desk
        .messages()
        .attach(conversation_id, &name, bytes, &caption)
        .await?)
}

#[tauri::command]
pub fn chat_edit(
    desk: State<'_, Desk>,
    message_id: i64,
    message: String,
) -> Result<ThreadView, UiError> {
    Ok(desk.messages().edit(message_id, &message)?)
}

#[tauri::command]
pub fn chat_delete(desk: State<'_, Desk>, message_id: i64) -> Result<ThreadView, UiError> {
    Ok(desk.messages().delete(message_id)?)
}

#[tauri::command]
pub async fn chat_viewing(
    desk: State<'_, Desk>,
    conversation_id: Option<i64>,
) -> Result<(), UiError> {
    Ok(desk.messages().viewing(conversation_id)?)
}

#[tauri::command]
pub async fn chat_claim(
    desk: State<'_, Desk>,
    conversation_id: i64,
) -> Result<ThreadView, UiError> {
    Ok(desk.messages().claim(conversation_id).await?)
}

/// The whole text of a message the desk keeps only the start of, from the server.
#[tauri::command]
pub async fn chat_whole_message(
    desk: State<'_, Desk>,
    conversation_id: i64,
    message_id: i64,
) -> Result<Vec<TextPart>, UiError> {
    Ok(desk
        .messages()
        .whole_message(conversation_id, message_id)
        .await?)
}

#[tauri::command]
pub fn chat_retry(desk: State<'_, Desk>, seq: i64) -> Result<ThreadView, UiError> {
    Ok(desk.messages().retry(seq)?)
}

#[tauri::command]
pub fn chat_discard(desk: State<'_, Desk>, seq: i64) -> Result<ThreadView, UiError> {
    Ok(desk.messages().discard(seq)?)
}

#[tauri::command]
pub async fn chat_save_attachment(
    desk: State<'_, Desk>,
    url: String,
    name: String,
) -> Result<String, UiError> {
    Ok(desk.messages().save_attachment(&url, &name).await?)
}

/// Opens a web link from a message in the system's browser (only `http`/`https`).
#[tauri::command]
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

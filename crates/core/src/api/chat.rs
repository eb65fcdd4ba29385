//! Guest chat (API.md §8; §10.2 "Chat paths" at 2026): a thread's messages paged backwards,
//! sending (200 with the stored message), files, edits, deletes, mark-read and taking a
//! conversation, at the paths of the server's generation ([`super::generation::ChatWay`]).
//! Answers are JSON values: the desk stores messages as the server sent them.

use reqwest::Method;
use serde_json::{json, Value};

use super::resources::{file_part, ImageFile, Progress};
use super::session::encode_segment;
use super::{ApiClient, ApiError};

impl ApiClient {
    /// The chat's paths on this server.
    fn chat_way(&self) -> &'static super::generation::ChatWay {
        &self.generation().contract().chat
    }

    /// `pattern` (a path of [`super::generation::ChatWay`]) for this hotel and `id`.
    fn chat_path(&self, pattern: &str, slug: &str, id: i64) -> String {
        pattern
            .replace("{slug}", &encode_segment(slug))
            .replace("{id}", &id.to_string())
    }

    fn thread_path(&self, slug: &str, conversation_id: i64) -> String {
        format!(
            "{}conversations/{conversation_id}/",
            self.chat_path(self.chat_way().base, slug, 0)
        )
    }

    /// Where my sent messages are changed, or why the desk offers no change on this server.
    fn chat_changes(&self) -> Result<&'static super::generation::ChatChanges, ApiError> {
        self.chat_way()
            .changes
            .as_ref()
            .map_err(|why| ApiError::Unsupported {
                message: (*why).to_owned(),
            })
    }
}

/// The message inside an answer (`{"message": RoomMessage, …}`), with the sender's
/// `staff_info` folded in when the answer carries it beside the message (§8.4).
fn message_of(mut answer: Value) -> Result<Value, ApiError> {
    let staff_info = answer.get("staff_info").cloned();
    match answer.get_mut("message") {
        Some(Value::Object(message)) => {
            if let Some(info) = staff_info.filter(|i| i.is_object()) {
                message.entry("staff_info").or_insert(info);
            }
            Ok(Value::Object(message.clone()))
        }
        _ => Err(ApiError::Unsupported {
            message: "the server's answer has no message in it; is this a HotelMate server?".into(),
        }),
    }
}

impl ApiClient {
    /// The newest `limit` messages of a thread older than `before_id`, oldest first (§8.2).
    pub(crate) async fn chat_messages(
        &self,
        slug: &str,
        conversation_id: i64,
        limit: usize,
        before_id: Option<i64>,
    ) -> Result<Vec<Value>, ApiError> {
        let mut path = format!(
            "{}messages/?limit={limit}",
            self.thread_path(slug, conversation_id)
        );
        if let Some(before) = before_id {
            path.push_str(&format!("&before_id={before}"));
        }
        self.get(&path).await
    }

    /// Sends a reply as the signed-in staff member; answers the stored message (§8.4: 200).
    pub(crate) async fn chat_send(
        &self,
        slug: &str,
        conversation_id: i64,
        message: &str,
        reply_to: Option<i64>,
    ) -> Result<Value, ApiError> {
        let mut body = json!({ "message": message });
        if let Some(reply_to) = reply_to {
            body["reply_to"] = reply_to.into();
        }
        let answer: Value = self
            .post(
                &format!("{}messages/send/", self.thread_path(slug, conversation_id)),
                &body,
            )
            .await?;
        message_of(answer)
    }

    /// Sends a file (field `files`) with a caption as a new message, with progress.
    pub(crate) async fn chat_upload(
        &self,
        slug: &str,
        conversation_id: i64,
        file: ImageFile,
        message: &str,
        reply_to: Option<i64>,
        progress: Progress,
    ) -> Result<Value, ApiError> {
        let bytes = file.bytes.len();
        let mut form = reqwest::multipart::Form::new().part("files", file_part(file, progress)?);
        if !message.trim().is_empty() {
            form = form.text("message", message.to_owned());
        }
        if let Some(reply_to) = reply_to {
            form = form.text("reply_to", reply_to.to_string());
        }
        let answer: Value = self
            .multipart(
                Method::POST,
                &format!(
                    "{}upload-attachment/",
                    self.thread_path(slug, conversation_id)
                ),
                form,
                bytes,
            )
            .await?;
        message_of(answer)
    }

    /// Changes the text of one of my messages; answers the message.
    pub(crate) async fn chat_edit(
        &self,
        slug: &str,
        message_id: i64,
        message: &str,
    ) -> Result<Value, ApiError> {
        let path = self.chat_path(self.chat_changes()?.update, slug, message_id);
        let answer: Value = self.patch(&path, &json!({ "message": message })).await?;
        message_of(answer)
    }

    /// Deletes one of my messages (soft: the server keeps it marked deleted); answers the
    /// message as it is now.
    pub(crate) async fn chat_delete(&self, slug: &str, message_id: i64) -> Result<Value, ApiError> {
        let path = self.chat_path(self.chat_changes()?.delete, slug, message_id);
        let answer: Value = self.delete_json(&path).await?;
        message_of(answer)
    }

    /// Marks the thread's guest messages read (§8.2: at fd6c529 this path has no slug).
    pub(crate) async fn chat_mark_read(
        &self,
        slug: &str,
        conversation_id: i64,
    ) -> Result<Value, ApiError> {
        self.post_empty(&self.chat_path(self.chat_way().mark_read, slug, conversation_id))
            .await
    }

    /// Takes the conversation over; answers who handles it now.
    pub(crate) async fn chat_assign(
        &self,
        slug: &str,
        conversation_id: i64,
    ) -> Result<Value, ApiError> {
        self.post_empty(&format!(
            "{}assign-staff/",
            self.thread_path(slug, conversation_id)
        ))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_message_carries_its_senders_name_from_the_answer() {
        let message = message_of(json!({
            "conversation_id": 45,
            "message": {"id": 812, "message": "Towels are on the way."},
            "staff_info": {"name": "Anna Byrne", "role": "Receptionist"}
        }))
        .unwrap();
        assert_eq!(message["staff_info"]["name"], "Anna Byrne");
        assert!(message_of(json!({"success": true})).is_err());
    }
}

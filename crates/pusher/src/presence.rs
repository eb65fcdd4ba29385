//! Presence channel members: the list from `subscription_succeeded`, kept current by `member_added` and
//! `member_removed`, cleared when the connection drops and rebuilt by the next subscription.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::protocol::id_to_string;

/// The members of a presence channel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Members {
    /// This client's own user id (from the authorizer's `channel_data`).
    pub me: Option<String>,
    /// Every member's id and `user_info`.
    pub list: BTreeMap<String, Value>,
}

impl Members {
    /// Number of members.
    pub fn count(&self) -> usize {
        self.list.len()
    }

    /// The `user_info` of a member.
    pub fn get(&self, user_id: &str) -> Option<&Value> {
        self.list.get(user_id)
    }

    /// Reads `{"presence": {"ids": [...], "hash": {id: info}, "count": n}}`.
    pub(crate) fn from_subscription(data: &Value, me: Option<String>) -> Self {
        let presence = data.get("presence").unwrap_or(&Value::Null);
        let mut list = BTreeMap::new();
        if let Some(hash) = presence.get("hash").and_then(Value::as_object) {
            for (id, info) in hash {
                list.insert(id.clone(), info.clone());
            }
        }
        if let Some(ids) = presence.get("ids").and_then(Value::as_array) {
            for id in ids.iter().cloned().filter_map(id_to_string) {
                list.entry(id).or_insert(Value::Null);
            }
        }
        Self { me, list }
    }

    pub(crate) fn add(&mut self, user_id: String, info: Value) {
        self.list.insert(user_id, info);
    }

    pub(crate) fn remove(&mut self, user_id: &str) {
        self.list.remove(user_id);
    }

    pub(crate) fn clear(&mut self) {
        self.list.clear();
    }

    /// Applies, in order, member changes that arrived before `subscription_succeeded`. A server
    /// may announce a member who joins between our subscribe and its answer before the answer,
    /// and the answer's list may or may not include them; replaying is right either way (an add
    /// of a listed member changes nothing, a remove of an unlisted one neither).
    pub(crate) fn apply_early(&mut self, changes: Vec<EarlyChange>) {
        for change in changes {
            match change {
                EarlyChange::Added(user_id, info) => {
                    self.list.entry(user_id).or_insert(info);
                }
                EarlyChange::Removed(user_id) => {
                    self.list.remove(&user_id);
                }
            }
        }
    }
}

/// A member event received while the presence subscription was still pending.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EarlyChange {
    Added(String, Value),
    Removed(String),
}

/// The user id in an authorizer's `channel_data` (`{"user_id": ..., "user_info": ...}` as a string).
pub(crate) fn my_user_id(channel_data: Option<&str>) -> Option<String> {
    let data: Value = serde_json::from_str(channel_data?).ok()?;
    data.get("user_id").cloned().and_then(id_to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Bob joins while Ann's subscription is pending; the server announces him first, and its
    /// answer to Ann was computed before he joined. Carol's leave was already in the answer.
    #[test]
    fn member_events_before_the_subscription_answer_are_not_lost() {
        let answer = json!({"presence": {"ids": ["1", "3"], "hash": {"1": {}, "3": {}}}});
        let mut members = Members::from_subscription(&answer, Some("1".into()));
        members.apply_early(vec![
            EarlyChange::Added("2".into(), json!({"name": "Bob"})),
            EarlyChange::Removed("3".into()),
            EarlyChange::Added("1".into(), json!({"name": "stale"})),
        ]);
        let mut ids: Vec<&String> = members.list.keys().collect();
        ids.sort();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(
            members.get("1"),
            Some(&json!({})),
            "the answer's own data is kept"
        );
    }

    #[test]
    fn members_come_from_the_subscription_and_follow_adds_and_removes() {
        let data = json!({"presence": {"ids": ["1", 2], "hash": {"1": {"name": "Ann"}, "2": null}, "count": 2}});
        let mut members = Members::from_subscription(&data, my_user_id(Some(r#"{"user_id":2}"#)));
        assert_eq!(members.me.as_deref(), Some("2"));
        assert_eq!(members.count(), 2);
        assert_eq!(members.get("1"), Some(&json!({"name": "Ann"})));
        members.add("3".into(), json!({}));
        members.remove("1");
        assert_eq!(members.list.keys().collect::<Vec<_>>(), ["2", "3"]);
        members.clear();
        assert_eq!(members.count(), 0);
    }
}

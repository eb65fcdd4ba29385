//! What becomes of work that has not reached the server, in words: each kind as it is (a draft
//! is kept, never sent; a refused change waits for a decision; only what is on its way is sent),
//! never all of it called "sent" (issue 63.17: a sign-out said drafts were sent as soon as the
//! server could be reached; they are deleted with the account).

use crate::engine::store::UnsentWork;

/// "2 edits, 1 photo and 1 reply to a guest": the kinds with a count, joined as said.
fn listed(kinds: &[(u32, &str, &str)]) -> Option<String> {
    let parts: Vec<String> = kinds
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
    match parts.split_last() {
        None => None,
        Some((last, [])) => Some(last.clone()),
        Some((last, rest)) => Some(format!("{} and {last}", rest.join(", "))),
    }
}

/// What is on its way ("3 edits and 1 photo"), if any.
pub(crate) fn on_its_way(work: &UnsentWork) -> Option<String> {
    listed(&[
        (work.edits, "edit", "edits"),
        (work.uploads, "photo", "photos"),
        (work.replies, "reply to a guest", "replies to guests"),
        (work.files, "file for a guest", "files for guests"),
    ])
}

/// Everything a sign-out would delete, each kind said as it is: "2 edits not sent yet, 1
/// change waiting for your decision and 2 draft replies".
pub(crate) fn deleted(work: &UnsentWork) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(moving) = on_its_way(work) {
        parts.push(format!("{moving} not sent yet"));
    }
    parts.extend(listed(&[(
        work.to_decide,
        "change waiting for your decision",
        "changes waiting for your decision",
    )]));
    parts.extend(listed(&[(work.drafts, "draft reply", "draft replies")]));
    match parts.split_last() {
        None => "nothing".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// What is kept on this computer when the desk quits, and what becomes of each kind, for the
/// notification shown then; `None` when nothing waits.
pub(crate) fn kept_at_quit(work: &UnsentWork) -> Option<String> {
    let verb = |n: u32| if n == 1 { "is" } else { "are" };
    let mut sentences = Vec::new();
    if let Some(moving) = on_its_way(work) {
        sentences.push(format!(
            "{moving} {} kept on this computer and will be sent when HotelMate Desk runs again.",
            verb(work.on_its_way())
        ));
    }
    if let Some(held) = listed(&[(work.to_decide, "change", "changes")]) {
        sentences.push(format!(
            "{held} that could not be sent {} for your decision.",
            if work.to_decide == 1 { "waits" } else { "wait" }
        ));
    }
    if let Some(drafts) = listed(&[(work.drafts, "draft reply", "draft replies")]) {
        sentences.push(format!(
            "{drafts} {} kept on this computer, not sent.",
            verb(work.drafts)
        ));
    }
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 63.17 and 63.20: a draft is never said to be sent, nor is a refused file.
    #[test]
    fn each_kind_is_said_as_what_becomes_of_it() {
        let work = UnsentWork {
            edits: 2,
            files: 1,
            to_decide: 1,
            drafts: 2,
            ..UnsentWork::default()
        };
        assert_eq!(
            deleted(&work),
            "2 edits and 1 file for a guest not sent yet, 1 change waiting for your decision \
             and 2 draft replies"
        );
        assert_eq!(
            kept_at_quit(&work).unwrap(),
            "2 edits and 1 file for a guest are kept on this computer and will be sent when \
             HotelMate Desk runs again. 1 change that could not be sent waits for your decision. \
             2 draft replies are kept on this computer, not sent."
        );
        let drafts_only = UnsentWork {
            drafts: 1,
            ..UnsentWork::default()
        };
        assert_eq!(
            kept_at_quit(&drafts_only).unwrap(),
            "1 draft reply is kept on this computer, not sent."
        );
        assert_eq!(kept_at_quit(&UnsentWork::default()), None);
    }
}

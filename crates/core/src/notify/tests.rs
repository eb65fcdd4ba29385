#[test]
fn a_guests_markup_is_shown_as_typed_never_rendered() {
    let guest = "<b><span color='red'>URGENT</span></b> from HotelMate IT: <a href=\"http://evil.example\">sign in</a> & pay";
    let body = super::as_plain_text(guest, true);
    assert!(!body.contains('<') && !body.contains('>'), "{body}");
    assert!(
        body.starts_with("&lt;b&gt;&lt;span color=&#39;red&#39;&gt;URGENT"),
        "{body}"
    );
    assert!(body.contains("&amp; pay"));
    assert_eq!(
        super::as_plain_text("Room 102 \u{202E}gnp.exe", false),
        "Room 102 [U+202E]gnp.exe",
        "a daemon without markup gets the text as it is, made visible"
    );
}

use super::*;
use crate::features as resources;

fn change(action: &str) -> DeskEvent {
    DeskEvent::RemoteChange {
        resource: ResourceKind::Offers,
        action: action.into(),
        id: 3,
        title: Some("Spa".into()),
    }
}

#[test]
fn only_colleagues_changes_worth_a_toast_become_one() {
    let toast = toast_for(&change("created"), resources::ALL).unwrap();
    assert_eq!(toast.category, ResourceKind::Offers);
    assert_eq!(toast.summary, "New offer");
    assert_eq!(toast_for(&change("updated"), resources::ALL), None);
    assert_eq!(
        toast_for(
            &DeskEvent::ResourceChanged {
                resource: ResourceKind::Offers
            },
            resources::ALL
        ),
        None
    );
}

#[test]
fn a_burst_becomes_one_toast() {
    let toasts: Vec<Toast> = ["created", "deleted"]
        .iter()
        .filter_map(|a| toast_for(&change(a), resources::ALL))
        .collect();
    let grouped = Pacer::default().offer(toasts, tokio::time::Instant::now());
    assert_eq!(grouped.len(), 1);
    let one = &grouped[0];
    assert_eq!(one.summary, "2 changes by colleagues");
    assert!(one.body.contains("added") && one.body.contains("deleted"));
}

fn guest(id: i64, conversation_id: i64, text: &str) -> DeskEvent {
    DeskEvent::GuestMessage {
        conversation_id,
        message_id: id,
        room_number: "101".into(),
        guest_name: None,
        text: text.into(),
        earlier: 0,
    }
}

/// Issue 36.9: a guest's toast names the room and the guest, their name made visible.
#[test]
fn a_guests_toast_is_titled_with_the_room_and_the_guests_name_when_known() {
    let named = |name: Option<&str>, earlier: u32| DeskEvent::GuestMessage {
        conversation_id: 5,
        message_id: 9,
        room_number: "310".into(),
        guest_name: name.map(str::to_owned),
        text: "Towels?".into(),
        earlier,
    };
    let title = |event: DeskEvent| toast_for(&event, resources::ALL).unwrap().summary;
    assert_eq!(title(named(Some("Mary Byrne"), 0)), "Room 310 · Mary Byrne");
    assert_eq!(
        title(named(Some("Mary Byrne"), 2)),
        "Room 310 · Mary Byrne: 3 new messages"
    );
    assert_eq!(title(named(None, 0)), "Room 310");
    assert_eq!(
        title(named(Some("  "), 0)),
        "Room 310",
        "a blank name is no name"
    );
    assert_eq!(
        title(named(Some("Mary \u{202E}gnp.exe"), 0)),
        "Room 310 · Mary [U+202E]gnp.exe",
        "a disguise in a name is shown"
    );
}

#[test]
fn guests_messages_group_apart_from_colleagues_changes_and_open_the_newest_thread() {
    let toasts: Vec<Toast> = [
        guest(1, 45, "Towels?"),
        change("created"),
        guest(2, 46, "Taxi?"),
    ]
    .iter()
    .filter_map(|e| toast_for(e, resources::ALL))
    .collect();
    let grouped = Pacer::default().offer(toasts, tokio::time::Instant::now());
    assert_eq!(grouped.len(), 2);
    assert_eq!(grouped[0].summary, "2 new guest messages");
    assert_eq!(grouped[0].open_thread, Some(46));
    assert!(grouped[0].body.contains("Room 101: Towels?"));
    assert_eq!(grouped[1].open_thread, None);
    let long = "x".repeat(500);
    let one = toast_for(&guest(3, 45, &long), resources::ALL).unwrap();
    assert_eq!(one.body.chars().count(), GUEST_TEXT_CHARS + 1);
}

/// Issue 63.16: a guest's long message is cut in its toast between whole characters: half a
/// family, a flag's first tags or one regional indicator never reach the notification.
#[test]
fn a_toast_cuts_a_long_message_between_whole_characters() {
    let england = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}";
    let family = "👨\u{200D}👩\u{200D}👧\u{200D}👦";
    let ireland = "\u{1F1EE}\u{1F1EA}";
    for emoji in [england, family, ireland, "👍\u{1F3FD}"] {
        for lead in 195..=GUEST_TEXT_CHARS {
            let text = format!("{}{} and more", "a".repeat(lead), emoji.repeat(4));
            let body = toast_for(&guest(3, 45, &text), resources::ALL)
                .unwrap()
                .body;
            let kept = body.trim_end_matches('…');
            assert!(body.ends_with('…'), "{body:?}");
            assert!(kept.chars().count() <= GUEST_TEXT_CHARS);
            assert!(
                kept.ends_with('a') || kept.ends_with(emoji),
                "{lead}: cut inside {emoji:?}: {:?}",
                kept.chars().rev().take(10).collect::<String>()
            );
        }
    }
}

/// Issue 28.2: a guest's flood is one toast that says how many, listing the newest few.
#[test]
fn a_flood_is_one_toast_that_counts_every_message_and_lists_the_newest() {
    let mut events: Vec<DeskEvent> = (1..=30)
        .map(|i| guest(i, 45, &format!("msg {i}")))
        .collect();
    if let Some(DeskEvent::GuestMessage { earlier, .. }) = events.last_mut() {
        *earlier = 970;
    }
    let toasts: Vec<Toast> = events
        .iter()
        .filter_map(|e| toast_for(e, resources::ALL))
        .collect();
    let grouped = Pacer::default().offer(toasts, tokio::time::Instant::now());
    assert_eq!(grouped.len(), 1);
    assert_eq!(grouped[0].summary, "1000 new guest messages");
    let lines: Vec<&str> = grouped[0].body.lines().collect();
    assert_eq!(lines.len(), GROUPED_LINES + 1, "{lines:?}");
    assert_eq!(lines[0], "…and 25 earlier");
    assert_eq!(lines[GROUPED_LINES], "Room 101: 971 new messages: msg 30");
}

/// Issue 36.7: a guest's 90 s flood gave ~56 stacked toasts, one per burst. Now: the first
/// burst at once, then at most one summary a minute; a new guest is shown at once. Tried:
/// 60 bursts of one guest, 1.5 s apart, with a second guest writing in the middle.
#[test]
fn a_long_flood_is_one_toast_then_a_summary_a_minute_and_a_new_guest_at_once() {
    let start = tokio::time::Instant::now();
    let mut pacer = Pacer::default();
    let mut shown: Vec<(Duration, Toast)> = Vec::new();
    for burst in 0..60u64 {
        let now = start + Duration::from_millis(1500 * burst);
        for toast in pacer.due(now) {
            shown.push((now - start, toast));
        }
        let mut events = vec![guest(burst as i64 * 2 + 1, 45, "again")];
        if burst == 30 {
            events.push(guest(9999, 46, "Is breakfast still on?"));
        }
        let toasts = events
            .iter()
            .filter_map(|e| toast_for(e, resources::ALL))
            .collect();
        for toast in pacer.offer(toasts, now) {
            shown.push((now - start, toast));
        }
    }
    let end = start + Duration::from_secs(150);
    while let Some(at) = pacer.next_due().filter(|at| *at <= end) {
        for toast in pacer.due(at) {
            shown.push((at - start, toast));
        }
    }
    let times: Vec<u64> = shown.iter().map(|(at, _)| at.as_secs()).collect();
    assert_eq!(times, [0, 45, 105], "{shown:#?}");
    assert_eq!(shown[0].1.count, 1);
    assert_eq!(shown[1].1.open_thread, Some(46), "the new guest at once");
    let summarised: u32 = shown.iter().map(|(_, t)| t.count).sum();
    assert_eq!(summarised, 61, "every message is told, none twice");
}

#[test]
fn a_guest_message_is_shown_once() {
    let mut shown = ShownMessages::default();
    assert!(shown.first_time(7));
    assert!(!shown.first_time(7));
}

/// Issue 63.19: reminders that guests wait, grouped, said "2 new guest messages", and a long
/// wait read "579 min". Tried: two reminders, a reminder beside a message, and waits of minutes,
/// hours and days.
#[test]
fn a_reminder_says_a_guest_waits_and_how_long_in_words_a_person_reads() {
    let waiting = |conversation_id: i64, minutes: u32| DeskEvent::GuestWaiting {
        conversation_id,
        room_number: "102".into(),
        guest_name: Some("Mary Byrne".into()),
        minutes,
    };
    let one = toast_for(&waiting(45, 579), resources::ALL).unwrap();
    assert_eq!(one.summary, "Room 102 · Mary Byrne has waited 9 h 39 min");
    let toasts: Vec<Toast> = [waiting(45, 12), waiting(46, 15)]
        .iter()
        .filter_map(|e| toast_for(e, resources::ALL))
        .collect();
    let grouped = Pacer::default().offer(toasts, tokio::time::Instant::now());
    assert_eq!(grouped[0].summary, "2 guests waiting for an answer");
    let toasts: Vec<Toast> = [guest(1, 47, "Towels?"), waiting(45, 12)]
        .iter()
        .filter_map(|e| toast_for(e, resources::ALL))
        .collect();
    let grouped = Pacer::default().offer(toasts, tokio::time::Instant::now());
    assert_eq!(
        grouped[0].summary,
        "1 new guest message, 1 guest waiting for an answer"
    );
    for (minutes, words) in [
        (1, "1 min"),
        (59, "59 min"),
        (60, "1 h"),
        (579, "9 h 39 min"),
        (1440, "1 day"),
        (1500, "1 day 1 h"),
        (4000, "2 days 18 h"),
    ] {
        assert_eq!(waited_words(minutes), words);
    }
}

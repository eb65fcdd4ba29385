// Every command the UI may call, written once. build.rs reads this file: it declares the
// commands to Tauri, registers their handlers for main.rs, writes each window's capability file
// (capabilities/*.json: a window may call only what is listed for it here) and the command
// names of ui/src/lib/commands.generated.ts, which backend.ts checks its calls against.
// Plain data, so build.rs can `include!` it.

/// The staff desk window.
const MAIN: &str = "main";
/// The reception display (kiosk) window: it reads, never changes anything.
const DISPLAY: &str = "display";

/// One command: its handler `commands::<module>::<name>` and the windows that may call it.
struct Command {
    module: &'static str,
    name: &'static str,
    windows: &'static [&'static str],
}

const fn command(
    module: &'static str,
    name: &'static str,
    windows: &'static [&'static str],
) -> Command {
    Command {
        module,
        name,
        windows,
    }
}

const COMMANDS: &[Command] = &[
    command("session", "session_resume", &[MAIN]),
    command("session", "session_current", &[MAIN, DISPLAY]),
    command("session", "sign_in", &[MAIN]),
    command("session", "sign_in_demo", &[MAIN]),
    command("session", "sign_out", &[MAIN]),
    command("session", "unsent_work", &[MAIN]),
    command("session", "desk_info", &[MAIN, DISPLAY]),
    command("session", "connection_status", &[MAIN, DISPLAY]),
    command("session", "unavailable_areas", &[MAIN]),
    command("display", "open_reception_display", &[MAIN]),
    command("display", "display_content", &[MAIN, DISPLAY]),
    command("display", "display_settings", &[MAIN]),
    command("display", "display_settings_set", &[MAIN]),
    command("display", "display_set_pin", &[MAIN]),
    command("display", "display_monitors", &[MAIN]),
    command("display", "time_zones", &[MAIN]),
    command("display", "display_leave", &[DISPLAY]),
    command("settings", "computer_settings", &[MAIN]),
    command("settings", "system_settings", &[MAIN]),
    command("settings", "set_close_to_tray", &[MAIN]),
    command("settings", "set_start_at_login", &[MAIN]),
    command("offers", "offers_list", &[MAIN]),
    command("offers", "offer_create", &[MAIN]),
    command("offers", "offer_update", &[MAIN]),
    command("offers", "offer_check", &[MAIN]),
    command("offers", "offers_reorder", &[MAIN]),
    command("offers", "offer_delete", &[MAIN]),
    command("offers", "offer_set_photo", &[MAIN]),
    command("offers", "offer_clear_photo", &[MAIN]),
    command("offers", "sanitize_html", &[MAIN]),
    command("offers", "outbox_summary", &[MAIN]),
    command("offers", "conflicts_list", &[MAIN]),
    command("offers", "conflict_resolve", &[MAIN]),
    command("offers", "toast_settings", &[MAIN]),
    command("offers", "toast_mute", &[MAIN]),
    command("pictures", "pictures_overview", &[MAIN]),
    command("pictures", "hotel_image_set", &[MAIN]),
    command("pictures", "gallery_image_edit", &[MAIN]),
    command("pictures", "gallery_image_delete", &[MAIN]),
    command("pictures", "gallery_create", &[MAIN]),
    command("pictures", "gallery_update", &[MAIN]),
    command("pictures", "gallery_delete", &[MAIN]),
    command("pictures", "gallery_image_add", &[MAIN]),
    command("pictures", "gallery_upload_cancel", &[MAIN]),
    command("pictures", "gallery_upload_retry", &[MAIN]),
    command("pictures", "gallery_images_reorder", &[MAIN]),
    command("pictures", "galleries_reorder", &[MAIN]),
    command("pictures", "room_type_create", &[MAIN]),
    command("pictures", "room_type_update", &[MAIN]),
    command("pictures", "room_type_delete", &[MAIN]),
    command("pictures", "room_types_reorder", &[MAIN]),
    command("pictures", "room_type_set_photo", &[MAIN]),
    command("team", "team_board", &[MAIN, DISPLAY]),
    command("team", "clock_toggle", &[MAIN]),
    command("messages", "chat_conversations", &[MAIN]),
    command("messages", "chat_thread", &[MAIN]),
    command("messages", "chat_send", &[MAIN]),
    command("messages", "chat_attach", &[MAIN]),
    command("messages", "chat_edit", &[MAIN]),
    command("messages", "chat_delete", &[MAIN]),
    command("messages", "chat_viewing", &[MAIN]),
    command("messages", "chat_claim", &[MAIN]),
    command("messages", "chat_whole_message", &[MAIN]),
    command("messages", "chat_retry", &[MAIN]),
    command("messages", "chat_discard", &[MAIN]),
    command("messages", "chat_save_attachment", &[MAIN]),
    command("messages", "open_link", &[MAIN]),
];

/// What each window's capability file says it is for.
const WINDOWS: &[(&str, &str, &str)] = &[
    (
        MAIN,
        "main-window",
        "The staff desk window: sign-in and session, offers (edit, photos, conflicts), the hotel's pictures (images, galleries with uploads, room types), the team board and my clock, guest messages, toast settings, opening the reception display.",
    ),
    (
        DISPLAY,
        "display-window",
        "The reception display kiosk: reads the session, what the display shows and the team board, and listens to events; changes nothing, and is left only with its PIN or a staff sign-in.",
    ),
];

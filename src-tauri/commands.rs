// The windows commands are called from. Each command is written once, in src/commands/<area>.rs
// with `command!` (which names the windows that may call it); build.rs finds them there,
// declares them to Tauri, registers their handlers for main.rs, writes each window's capability
// file (capabilities/*.json: a window may call only what its commands name) and their
// TypeScript signatures (ui/src/lib/commands.generated.ts). Plain data, so build.rs can
// `include!` it.

/// The staff desk window.
const MAIN: &str = "main";
/// The reception display (kiosk) window: it reads, never changes anything.
const DISPLAY: &str = "display";

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

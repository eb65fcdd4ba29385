//! What the core tells the UI without being asked ([`DeskEvent`]) and the small types those
//! events carry. A leaf module: the sync engine and the desk both speak it, and it names
//! neither, so `sync` does not depend on `desk`. TypeScript twins are generated (`typescript`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares [`ResourceKind`] from one line per kind (its variant, the name the store and the UI
/// use, what staff call it, whether colleagues' changes of it toast by default, and the screen
/// it alone makes, if any) and [`View`] from those screens and the views made from several.
macro_rules! resource_kinds {
    (
        views made from several: $($(#[$view_doc:meta])* $several:ident),*;
        $($(#[$doc:meta])* $variant:ident = $name:literal, $label:literal, toasts: $toasts:expr
            $(, screen: $screen:ident)?;)*
    ) => {
        /// A view the core builds for a screen from one or more resources. When any of them
        /// changes, the core says which views to read again ([`DeskEvent::ViewChanged`]): the UI
        /// never repeats which resources make a view (each resource's description lists the
        /// views it feeds).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        pub enum View {
            $($(#[$view_doc])* $several,)*
            $($(#[doc = concat!("The screen of ", $label, ".")] $screen,)?)*
        }

        /// A kind of thing the desk keeps in sync (also a toast category the user can mute).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum ResourceKind {
            $($(#[$doc])* $variant,)*
        }

        impl ResourceKind {
            /// Every kind, in the order the settings list them.
            pub(crate) const ALL: &'static [ResourceKind] = &[$(ResourceKind::$variant),*];

            /// The name the store and the UI use for it (`offers`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// What staff call it, in a sentence ("This server does not offer the offers").
            pub(crate) fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)*
                }
            }

            /// Whether colleagues' changes of this kind can toast (`None`: never), and if so
            /// whether they do until the user says otherwise.
            pub(crate) fn toasts_by_default(self) -> Option<bool> {
                match self {
                    $(Self::$variant => $toasts,)*
                }
            }
        }
    };
}

// One line per synced kind. Toasts: offers do; colleagues clocking in or out do not (a busy
// morning would be a stream of them); a guest waiting for an answer is what front-desk staff
// most need to hear of; the hotel's pictures change rarely and show on the public page; a
// gallery image's change is told as its gallery's.
resource_kinds! {
    views made from several:
        /// What the reception display shows.
        Display,
        /// The Pictures screen: the hotel's images, galleries and room types.
        Pictures,
        /// The My shifts screen: my shifts and hours, read by their own reader (no resource).
        MyShifts;
    /// Offers: packages and deals the hotel advertises.
    Offers = "offers", "offers", toasts: Some(true), screen: Offers;
    /// Colleagues (the on-duty board); as a toast category, colleagues clocking in or out.
    Staff = "staff", "the staff list", toasts: Some(false), screen: Team;
    /// Open clock logs: since when colleagues are on duty.
    ClockLogs = "clock_logs", "clock times", toasts: None;
    /// Galleries: named sets of photos of the hotel.
    Galleries = "galleries", "galleries", toasts: Some(true);
    /// Gallery images one by one (captions, alt text).
    GalleryImages = "gallery_images", "gallery photos", toasts: None;
    /// Room types: the kinds of room the hotel sells, with their photos.
    RoomTypes = "room_types", "room types", toasts: Some(true);
    /// The hotel's settings (hero, landing-page and logo images among them).
    Settings = "settings", "the hotel's settings and images", toasts: Some(true);
    /// What the hotel's public page tells guests (read-only).
    HotelDetails = "hotel_details", "the hotel's public page", toasts: None, screen: HotelDetails;
    /// The public page as guests see it: its offers, room types and booking buttons (read-only).
    GuestPage = "guest_page", "the page guests see", toasts: None, screen: GuestPage;
    /// The 2026 server's public page (page builder): its sections, hero, galleries and cards.
    PublicPage = "public_page", "the public page", toasts: None, screen: PublicPage;
    /// The public page's sections as staff who may edit them read them (hidden ones too).
    PageSections = "page_sections", "the public page's sections", toasts: None;
    /// The public page's lists of cards (§17.5), one of which holds the offers.
    PageLists = "page_lists", "the public page's lists", toasts: None;
    /// The cards of those lists: the offers on the 2026 server (§17.5).
    PageCards = "page_cards", "the offers' cards", toasts: None;
    /// The public page's heroes: title, text, background picture and logo (editors only).
    PageHeroes = "page_heroes", "the public page's heroes", toasts: None;
    /// The public page's gallery containers, each with its images (editors only).
    PageGalleries = "page_galleries", "the public page's galleries", toasts: None;
    /// The public page's gallery images one by one (captions, alt text).
    PageGalleryImages = "page_gallery_images", "the public page's gallery photos", toasts: None;
    /// The page builder's presets (§17.7): the names of a section's style variants.
    PagePresets = "page_presets", "the page's style names", toasts: None;
    /// Guest-chat conversations (their list is read from the chat's own store; its view is named
    /// so that opening the screen reads the list again when it is old, issue 35.8).
    Conversations = "conversations", "guest conversations", toasts: Some(true), screen: Messages;
    /// Today's arrivals (API.md §15.2), on the Front desk screen with the lists and the board.
    Arrivals = "arrivals", "today's arrivals", toasts: None, screen: FrontDesk;
    /// Today's departures still in house.
    Departures = "departures", "today's departures", toasts: None;
    /// Guests in house.
    InHouse = "in_house", "the guests in house", toasts: None;
    /// The room board: every room's housekeeping status (§15.1).
    RoomBoard = "room_board", "the room board", toasts: None;
    /// The older server's rooms, occupied or free (API.md §16).
    DeskRooms = "desk_rooms", "the rooms", toasts: None;
    /// The older server's rooms due out (§16).
    DueOut = "due_out", "the rooms due out", toasts: None;
    /// The older server's bookings around today (§16).
    DeskBookings = "desk_bookings", "the bookings", toasts: None;
}

/// Who is signed in, where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionInfo {
    /// The name signed in with.
    pub username: String,
    /// The staff member's first name, as the server has it (may be empty).
    pub first_name: String,
    /// The staff member's last name, as the server has it (may be empty).
    pub last_name: String,
    /// "Anna Byrne", or the username when the server has no names.
    pub display_name: String,
    /// The staff member's role, as the server names it.
    pub role: Option<String>,
    /// The staff member's department, as the server names it.
    pub department: Option<String>,
    /// The hotel's name (its slug when the server gives no name).
    pub hotel_name: String,
    /// The hotel's short name in the server's URLs.
    pub hotel_slug: String,
    /// The staff member's id on the server.
    #[ts(type = "number")]
    pub staff_id: i64,
    /// Whether I am clocked in, as the server last said (`None`: it has not said).
    pub is_on_duty: Option<bool>,
    /// Why the clock button cannot clock on this server, once it has refused (API.md
    /// Decision 5: the reference backend clocks only by face at its terminal).
    pub clock_refused: Option<String>,
    /// What the server makes of a clock-in from the desk, where it is not a plain one (2026:
    /// "unrostered, pending a manager's approval"); the clock button says it.
    pub clock_note: Option<String>,
    /// What to call the server in the UI: "Demo hotel (this computer)" or its host name.
    pub server_label: String,
    /// Whether this is the demo hotel on this computer rather than a real server.
    pub is_demo: bool,
    /// Which HotelMate the server is (About shows it).
    pub server_generation: crate::api::Generation,
    /// What this person may do, where the server says (2026: `allowed_capabilities`); `None`
    /// where the server does not (any staff member of the hotel may do all the desk offers).
    pub capabilities: Option<Vec<String>>,
}

/// How the desk's link to its server is doing, for the status bar. Reasons are plain words for
/// staff; the raw error is in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// Connecting: nothing has answered yet.
    Unknown,
    /// The server answers and colleagues' changes arrive live.
    Online,
    /// The server answers, but live updates are down for now; `retry_in_seconds` is when the
    /// live connection tries again, when known.
    LiveReconnecting {
        /// Seconds until the live connection tries again (`None`: not known).
        #[ts(type = "number | null")]
        retry_in_seconds: Option<u64>,
    },
    /// Nothing has answered for over a minute while the desk window was shown, and the desk is
    /// asking the server now: "Connected" is not said of it until it answers (issue 63.13).
    Checking,
    /// The server answers, but this sign-in cannot have live updates; `reason` says why.
    LiveOff {
        /// Why live updates are off, in words for staff.
        reason: String,
    },
    /// The server could not be reached; `since` is an RFC 3339 time; `retry_in_seconds` is when
    /// the desk tries again, when known.
    Offline {
        /// When the server stopped answering (RFC 3339).
        since: String,
        /// Which part failed, for the status bar's first words ("Offline" only when it is
        /// the network).
        cause: OfflineCause,
        /// Why the server could not be reached, in words for staff.
        reason: String,
        /// Seconds until the desk tries again (`None`: not known).
        #[ts(type = "number | null")]
        retry_in_seconds: Option<u64>,
    },
}

/// What stops the desk from working with its server, so "Offline" is said only when it is the
/// network (a frozen server on a working network was called "Offline", issue 36.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OfflineCause {
    /// Nothing answers: the network (or the server's machine) is gone.
    Network,
    /// The server accepts connections but does not answer in time.
    NotAnswering,
    /// The server answers with errors (5xx) or with what the desk cannot read.
    ServerTrouble,
    /// The server asked the desk to wait (429 or 503 with `Retry-After`).
    AskedToWait,
    /// This desk's own part failed (its database).
    ThisDesk,
}

/// How to sign in again after the server ended a sign-in: the form is filled in, and the edits
/// still waiting on this desk are sent once the same account signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignInAgain {
    /// The server signed in to.
    pub server_url: String,
    /// The name signed in with.
    pub username: String,
    /// Whether it was the demo hotel on this computer.
    pub is_demo: bool,
    /// Changes, photos, replies and files made on this desk that are on their way: sent once
    /// the same account signs in again.
    pub waiting_edits: u32,
    /// Those the server refused or a colleague also changed: they wait for that person's
    /// decision, not sent by themselves.
    pub waiting_for_decision: u32,
    /// Draft replies kept for that person, never sent by themselves.
    pub drafts: u32,
}

/// Local changes not yet on the server, for the status bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutboxSummary {
    /// Edits waiting to be sent, replies and files for guests among them.
    pub pending: u32,
    /// Of those, the edits held back by an earlier change of the same row that waits for a
    /// person's decision (a conflict or a refusal): they go once it is settled, not before.
    pub held: u32,
    /// Edits the server refused because someone changed the same thing meanwhile.
    pub conflicts: u32,
    /// Edits the server refused for good, replies and files for guests among them.
    pub rejected: u32,
}

/// An area this server or this account does not offer, in words (the server's among them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AreaStatus {
    /// The area not offered.
    pub resource: ResourceKind,
    /// Why not, in words for staff.
    pub message: String,
}

/// Everything the core tells the UI without being asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskEvent {
    /// Signed in, signed out, or the names were refreshed.
    SessionChanged {
        /// Who is signed in now (`None`: signed out).
        session: Option<Box<SessionInfo>>,
    },
    /// The server refused the saved sign-in; the user must sign in again (as `again`, to send
    /// the edits still waiting).
    SessionExpired {
        /// What happened, in words for staff.
        message: String,
        /// The form to fill in again (`None` when the saved sign-in could not be read).
        again: Option<SignInAgain>,
    },
    /// The link to the server changed (for the status bar).
    Connection {
        /// How the link is doing now.
        status: ConnectionStatus,
    },
    /// The local copy of a resource changed (`offers`, …). Each view made from it is told
    /// right after as [`DeskEvent::ViewChanged`].
    ResourceChanged {
        /// Which resource changed.
        resource: ResourceKind,
    },
    /// A view built from changed resources: read it again.
    ViewChanged {
        /// Which view to read again.
        view: View,
    },
    /// Someone else changed something (for a highlight and a toast).
    RemoteChange {
        /// Which resource changed.
        resource: ResourceKind,
        /// What happened to the row ("created", "changed", "removed", "clock_in", …).
        action: String,
        /// The row's id on the server.
        #[ts(type = "number")]
        id: i64,
        /// The row's title, when it has one (for the toast).
        title: Option<String>,
    },
    /// The count of local changes not yet on the server changed.
    Outbox {
        /// The counts now.
        summary: OutboxSummary,
    },
    /// The server stopped or started offering an area (`unavailable` says why it does not, in
    /// words; `None`: it does again). The status bar is not concerned: the server answers.
    AreaAvailability {
        /// The area.
        resource: ResourceKind,
        /// Why the server does not offer it, in words (`None`: it does again).
        unavailable: Option<String>,
    },
    /// A row created on this desk reached the server: `temp_id` is now `id`.
    IdAssigned {
        /// The kind of row created.
        resource: ResourceKind,
        /// The temporary (negative) id the row had on this desk.
        #[ts(type = "number")]
        temp_id: i64,
        /// The row's id on the server.
        #[ts(type = "number")]
        id: i64,
    },
    /// The guest chat kept on this desk changed: read the conversation list again, and the
    /// thread `conversation_id` (every open thread when `None`). `unread_total` is the number of
    /// guest messages no staff member has read, in every conversation.
    ChatChanged {
        /// The thread to read again (`None`: every open thread).
        #[ts(type = "number | null")]
        conversation_id: Option<i64>,
        /// Guest messages no staff member has read, in every conversation.
        unread_total: u32,
    },
    /// A guest wrote a message this desk had not seen, in a thread not in front of the user.
    /// `earlier`: new messages of the same thread that arrived with it and are not announced
    /// one by one (a guest's flood is one toast that says how many).
    GuestMessage {
        /// The guest's conversation.
        #[ts(type = "number")]
        conversation_id: i64,
        /// The new message's id on the server.
        #[ts(type = "number")]
        message_id: i64,
        /// The guest's room number.
        room_number: String,
        /// The guest's name, when the desk knows it (as the server wrote it).
        guest_name: Option<String>,
        /// What the guest wrote.
        text: String,
        /// Further new messages of the same thread that arrived with it.
        earlier: u32,
    },
    /// A guest has waited longer than this computer's reminder time for an answer: said once
    /// per wait, never for a conversation a colleague handles.
    GuestWaiting {
        /// The guest's conversation.
        #[ts(type = "number")]
        conversation_id: i64,
        /// The guest's room number.
        room_number: String,
        /// The guest's name, when the desk knows it (as the server wrote it).
        guest_name: Option<String>,
        /// How long the guest has waited, in whole minutes.
        minutes: u32,
    },
    /// Show this thread (its desktop notification was clicked).
    OpenThread {
        /// The conversation to show.
        #[ts(type = "number")]
        conversation_id: i64,
    },
    /// This computer's reception display settings changed (time zone, seconds per slide, PIN):
    /// an open display reads them again.
    DisplayChanged,
    /// A part of the desk stopped unexpectedly (a bug, in the log) and was started again:
    /// `task` says which, in words; `restarts` how often since sign-in.
    TaskRestarted {
        /// Which part of the desk, in words.
        task: String,
        /// How often it was started again since sign-in.
        restarts: u32,
    },
    /// Someone asked for the desk (a second launch, the tray's Open or Quit) while the reception
    /// display shows: the display asks for the PIN or a staff sign-in before anything else.
    DisplayLeaveRequested,
    /// The disk is full (since `full_since`, RFC 3339), so what arrives cannot be kept on this
    /// computer; `None`: it has room again, and what could not be kept is being read again.
    Storage {
        /// Since when the disk has been full (`None`: it is not).
        full_since: Option<String>,
    },
    /// An image upload is on its way: `sent` of `total` bytes.
    UploadProgress {
        /// The kind of row the image belongs to.
        resource: ResourceKind,
        /// The row's id.
        #[ts(type = "number")]
        id: i64,
        /// Which upload (an image added to a gallery is named by it; see `UploadView`).
        #[ts(type = "number")]
        upload: i64,
        /// Bytes sent so far.
        #[ts(type = "number")]
        sent: u64,
        /// Bytes to send in all.
        #[ts(type = "number")]
        total: u64,
    },
}

#[cfg(test)]
mod kind_tests {
    use super::ResourceKind;

    /// The name the store uses is the one the UI receives (serde's) for every kind.
    #[test]
    fn each_kinds_name_is_the_one_the_ui_receives() {
        for kind in ResourceKind::ALL {
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.name())
            );
        }
        // Every kind is a synced resource the features describe, and each is described once.
        let described: Vec<ResourceKind> = crate::features::ALL.iter().map(|s| s.kind).collect();
        let mut sorted = described.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), described.len(), "a kind described twice");
        let mut kinds = ResourceKind::ALL.to_vec();
        kinds.sort();
        assert_eq!(kinds, sorted);
    }
}

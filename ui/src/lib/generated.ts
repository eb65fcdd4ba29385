// Generated from the Rust types in crates/core by ts-rs. Do not edit by hand:
// run `UPDATE_GENERATED=1 cargo test -p hotelmate-core typescript`.

export type PusherEndpoint = { "kind": "hosted", key: string, cluster: string, } | { "kind": "self_hosted", key: string, host: string, port: number, tls: boolean, };

export type SessionInfo = { username: string, first_name: string, last_name: string, 
/**
 * "Anna Byrne", or the username when the server has no names.
 */
display_name: string, role: string | null, department: string | null, hotel_name: string, hotel_slug: string, staff_id: number, 
/**
 * Whether I am clocked in, as the server last said (`None`: it has not said).
 */
is_on_duty: boolean | null, 
/**
 * Why the clock button cannot clock on this server, once it has refused (API.md
 * Decision 5: the reference backend clocks only by face at its terminal).
 */
clock_refused: string | null, 
/**
 * What to call the server in the UI: "Demo hotel (this computer)" or its host name.
 */
server_label: string, is_demo: boolean, };

export type SignInRequest = { server_url: string, username: string, password: string, 
/**
 * Live updates; `None` signs in without them.
 */
pusher: PusherEndpoint | null, };

export type ConnectionStatus = { "state": "unknown" } | { "state": "online" } | { "state": "live_reconnecting", retry_in_seconds: number | null, } | { "state": "live_off", reason: string, } | { "state": "offline", since: string, reason: string, retry_in_seconds: number | null, };

export type SignInAgain = { server_url: string, username: string, is_demo: boolean, 
/**
 * Edits made on this desk that have not reached the server yet.
 */
waiting_edits: number, };

export type DeskInfo = { 
/**
 * The app's version (Cargo.toml).
 */
version: string, 
/**
 * Whether "Try the demo hotel" is in this build.
 */
has_demo: boolean, 
/**
 * Where the database, photos and logs are kept.
 */
data_dir: string, 
/**
 * The daily logs (`desk.<date>.log`, the last week kept).
 */
log_dir: string, };

export type ComputerSettings = { 
/**
 * Closing the window keeps the desk running in the tray.
 */
close_to_tray: boolean, 
/**
 * The desk starts when the user logs in.
 */
start_at_login: boolean, };

export type SystemSettings = { 
/**
 * The file the settings come from; `None` when there is none.
 */
source: string | null, 
/**
 * The hotel's server, as the sign-in form is to show it.
 */
server_url: string | null, 
/**
 * Staff cannot sign in to another server on this computer.
 */
server_locked: boolean, pusher: PusherEndpoint | null, 
/**
 * Staff cannot change the live updates on this computer.
 */
pusher_locked: boolean, 
/**
 * This computer is (or is not) a reception display.
 */
is_display: boolean | null, 
/**
 * Whether it is a display, and its PIN, cannot be changed on this computer.
 */
display_locked: boolean, 
/**
 * The update feed's address.
 */
update_feed: string | null, 
/**
 * Staff cannot change the update feed on this computer.
 */
update_feed_locked: boolean, };

export type OutboxSummary = { pending: number, conflicts: number, rejected: number, };

export type AreaStatus = { resource: ResourceKind, message: string, };

export type UnsentWork = { 
/**
 * Changes to offers, galleries, room types, the hotel's settings (and their conflicts and
 * refusals, which wait for the person).
 */
edits: number, 
/**
 * Photos and images waiting to be uploaded.
 */
uploads: number, 
/**
 * Replies to guests, and edits or deletes of my messages.
 */
replies: number, 
/**
 * Files and photos for guests.
 */
files: number, };

export type DeskEvent = { "type": "session_changed", session: SessionInfo | null, } | { "type": "session_expired", message: string, again: SignInAgain | null, } | { "type": "connection", status: ConnectionStatus, } | { "type": "resource_changed", resource: ResourceKind, } | { "type": "view_changed", view: View, } | { "type": "remote_change", resource: ResourceKind, action: string, id: number, title: string | null, } | { "type": "outbox", summary: OutboxSummary, } | { "type": "area_availability", resource: ResourceKind, unavailable: string | null, } | { "type": "id_assigned", resource: ResourceKind, temp_id: number, id: number, } | { "type": "chat_changed", conversation_id: number | null, unread_total: number, } | { "type": "guest_message", conversation_id: number, message_id: number, room_number: string, text: string, earlier: number, } | { "type": "open_thread", conversation_id: number, } | { "type": "display_changed" } | { "type": "task_restarted", task: string, restarts: number, } | { "type": "display_leave_requested" } | { "type": "upload_progress", resource: ResourceKind, id: number, 
/**
 * Which upload (an image added to a gallery is named by it; see `UploadView`).
 */
upload: number, sent: number, total: number, };

export type ErrorCode = "config" | "unauthorized" | "forbidden" | "not_found" | "validation" | "conflict" | "server" | "network" | "timeout" | "unsupported" | "keyring" | "storage" | "invalid_input" | "not_signed_in" | "wrong_credentials" | "unsent_work" | "file_unavailable" | "starting" | "demo" | "empty_file" | "file_too_large" | "unsupported_format" | "not_an_image" | "too_many_pixels" | "damaged_image" | "disk_full" | "image_failed" | "clock_unavailable" | "internal";

export type UiError = { code: ErrorCode, field: string | null, message: string, };

export type RowSync = { "state": "synced" } | { "state": "pending" } | { "state": "conflict" } | { "state": "rejected", message: string, };

export type FieldConflict = { field: string, mine: unknown, theirs: unknown, base: unknown, };

export type Conflict = { seq: number, resource: string, id: number, title: string, 
/**
 * Someone deleted the row this change was for.
 */
deleted_elsewhere: boolean, 
/**
 * Fields both sides changed.
 */
fields: Array<FieldConflict>, 
/**
 * The server refused the change (then `fields` is empty).
 */
refused: string | null, };

export type FieldProblem = { field: string, message: string, };

export type Resolution = { "choice": "keep_mine" } | { "choice": "keep_theirs" } | { "choice": "edit", values: Record<string, unknown>, };

export type ResourceKind = "offers" | "staff" | "clock_logs" | "galleries" | "gallery_images" | "room_types" | "settings" | "conversations";

export type View = "offers" | "team" | "display" | "pictures";

export type ToastSetting = { category: ResourceKind, muted: boolean, };

export type Crop = { x: number, y: number, width: number, height: number, };

export type UpdateSettings = { 
/**
 * The feed's address in effect, if any.
 */
feed: string | null, 
/**
 * Set by IT in the system settings file: staff cannot change it here.
 */
locked: boolean, 
/**
 * The desk has a key to verify updates with (without one it never checks).
 */
verifiable: boolean, };

export type UpdateStatus = { "state": "off", 
/**
 * In words.
 */
message: string, } | { "state": "not_checked" } | { "state": "checking" } | { "state": "up_to_date", 
/**
 * In words.
 */
message: string, } | { "state": "not_reached", 
/**
 * In words, without alarm.
 */
message: string, } | { "state": "available", 
/**
 * Its version.
 */
version: string, 
/**
 * Its notes, as the feed gives them.
 */
notes: string | null, 
/**
 * The package's file name (`hotelmate-desk_0.2.0_amd64.deb`).
 */
file: string, 
/**
 * `None` when the desk can install it here; otherwise what to ask IT, in words.
 */
ask_it: string | null, } | { "state": "downloading", 
/**
 * Its version.
 */
version: string, 
/**
 * Bytes received so far.
 */
received: bigint, 
/**
 * Bytes in all, when the feed's host says.
 */
total: bigint | null, } | { "state": "installed", 
/**
 * Its version.
 */
version: string, 
/**
 * In words.
 */
message: string, } | { "state": "ask_it", 
/**
 * Its version.
 */
version: string, 
/**
 * What to ask IT, in words.
 */
message: string, } | { "state": "failed", 
/**
 * The version it was about, if one was offered.
 */
version: string | null, 
/**
 * In words.
 */
message: string, 
/**
 * Refused (a file that fails its signature) or transient (a download cut short).
 */
refused: boolean, };

export type Offer = { 
/**
 * The server id, or a negative id while the offer exists only on this desk.
 */
id: number, title: string, short_description: string, details_text: string, 
/**
 * Sanitized HTML, safe to render.
 */
details_html: string, valid_from: string | null, valid_to: string | null, tag: string, book_now_url: string, photo_url: string | null, 
/**
 * A new photo is saved here and waiting to be uploaded.
 */
photo_pending: boolean, sort_order: number, is_active: boolean, created_at: string | null, sync: RowSync, 
/**
 * Brought back by this desk after a colleague deleted it: a new offer ("Restored").
 */
restored: boolean, };

export type OfferPatch = { title?: string, short_description?: string, details_text?: string, details_html?: string, 
/**
 * `""` clears the date.
 */
valid_from?: string, 
/**
 * `""` clears the date.
 */
valid_to?: string, tag?: string, book_now_url?: string, sort_order?: number, is_active?: boolean, };

export type TeamMember = { id: number, name: string, 
/**
 * "SM" for Seán Murphy: shown when there is no photo.
 */
initials: string, role: string | null, department: string | null, on_duty: boolean, 
/**
 * Since when (RFC 3339), where the server says: the open clock log, or the clock event.
 */
on_duty_since: string | null, photo_url: string | null, 
/**
 * The signed-in staff member (the server's staff list leaves them out; the desk adds them
 * from "me", so the board and the reception display show everyone on duty).
 */
is_me: boolean, };

export type TeamGroup = { department: string, on_duty: number, members: Array<TeamMember>, };

export type TeamBoard = { groups: Array<TeamGroup>, 
/**
 * On duty, of those shown.
 */
on_duty: number, 
/**
 * Colleagues shown (after the search).
 */
shown: number, 
/**
 * Colleagues on this desk in all.
 */
total: number, 
/**
 * When the desk last read the list from the server (RFC 3339), if ever: the board says
 * "as of 14:02" when that is not just now.
 */
as_of: string | null, };

export type SlideImage = { url: string, caption: string | null, 
/**
 * The gallery's name.
 */
gallery: string, };

export type DisplaySettings = { 
/**
 * The hotel's time zone (IANA name, e.g. "Europe/Dublin"): the display's clock and
 * "today" for the offers. This computer's own zone when not set.
 */
time_zone: string, 
/**
 * How long each slide stays on screen.
 */
rotation_seconds: number, 
/**
 * This computer is a reception display: it opens straight into it at login.
 */
is_display: boolean, 
/**
 * The screen it shows on (its name); `None`: whichever it opens on.
 */
monitor: string | null, 
/**
 * A PIN to leave the display is set on this computer.
 */
has_pin: boolean, 
/**
 * The settings above that this computer's IT set in the system settings file
 * (`is_display`, `pin`), which staff cannot change here.
 */
from_system: Array<string>, 
/**
 * That file, when it sets any.
 */
system_file: string | null, };

export type DisplaySettingsChange = { time_zone: string, rotation_seconds: number, is_display: boolean, monitor: string | null, };

export type LeaveDisplay = { pin: string | null, username: string | null, password: string | null, };

export type DisplayContent = { hotel_name: string, welcome: string | null, logo_url: string | null, hero_url: string | null, 
/**
 * Active offers valid today (the hotel's date), in the hotel's order.
 */
offers: Array<Offer>, 
/**
 * Everyone on duty.
 */
on_duty: Array<TeamMember>, 
/**
 * Everyone on duty, department by department.
 */
departments: Array<TeamGroup>, 
/**
 * The images of the galleries the hotel shows, gallery by gallery, in their order.
 */
gallery: Array<SlideImage>, 
/**
 * The hotel's date (YYYY-MM-DD).
 */
today: string, settings: DisplaySettings, };

export type HotelImageSlot = "hero" | "landing_page" | "logo";

export type ImageSource = "override" | "hotel" | "missing";

export type HotelImageView = { slot: HotelImageSlot, 
/**
 * "Hero image", "Landing page", "Logo".
 */
label: string, 
/**
 * The image in effect (`*_display`), if any.
 */
url: string | null, 
/**
 * Where that image comes from.
 */
source: ImageSource, 
/**
 * A replacement is saved here and waits to be sent.
 */
pending: boolean, 
/**
 * The shape a new image is cut to (width / height).
 */
aspect: number, };

export type GalleryImageView = { id: number, url: string | null, caption: string, alt_text: string, is_featured: boolean, 
/**
 * An edit of its caption or alt text waits to be sent (or for the user's decision).
 */
sync: RowSync, };

export type UploadState = "waiting" | "sending" | "refused";

export type UploadView = { 
/**
 * Names the upload (to cancel or retry it, and in `UploadProgress`).
 */
upload: number, file_name: string, 
/**
 * The prepared image, from this computer (load it through `shownImage`).
 */
preview: string | null, state: UploadState, message: string | null, };

export type GalleryView = { id: number, name: string, category: string, description: string, is_active: boolean, images: Array<GalleryImageView>, 
/**
 * Images added here that the server does not have yet, oldest first.
 */
uploads: Array<UploadView>, 
/**
 * A change made here waits to be sent (or for the user's decision).
 */
sync: RowSync, 
/**
 * Brought back by this desk after a colleague deleted it: a new gallery ("Restored").
 */
restored: boolean, };

export type GalleryPatch = { name?: string | null, category?: string | null, description?: string | null, is_active?: boolean | null, };

export type ImagePatch = { caption?: string | null, alt_text?: string | null, is_featured?: boolean | null, };

export type RoomTypeView = { id: number, code: string, name: string, short_description: string, max_occupancy: number | null, bed_setup: string, 
/**
 * "from 189.00 EUR", or empty.
 */
price: string, 
/**
 * The price as the server keeps it ("189.00"), for the editor.
 */
starting_price_from: string, currency: string, booking_code: string, booking_url: string, availability_message: string, is_active: boolean, photo_url: string | null, 
/**
 * A new photo is kept here and waits to be sent.
 */
photo_pending: boolean, 
/**
 * A change made here waits to be sent (or for the user's decision).
 */
sync: RowSync, 
/**
 * Brought back by this desk after a colleague deleted it: a new room type ("Restored").
 */
restored: boolean, };

export type RoomTypePatch = { code?: string | null, name?: string | null, short_description?: string | null, max_occupancy?: number | null, bed_setup?: string | null, 
/**
 * As typed ("149", "149.50").
 */
starting_price_from?: string | null, currency?: string | null, booking_code?: string | null, booking_url?: string | null, availability_message?: string | null, is_active?: boolean | null, };

export type PicturesOverview = { hotel_images: Array<HotelImageView>, galleries: Array<GalleryView>, room_types: Array<RoomTypeView>, };

export type ConversationFilter = "all" | "mine" | "unassigned" | "unread";

export type ConversationView = { conversation_id: number, room_number: string, guest_name: string | null, last_message: string | null, 
/**
 * RFC 3339.
 */
last_message_time: string | null, 
/**
 * Unread guest messages (at least 1 when the server says the conversation has some).
 */
unread: number, handled_by: string | null, mine: boolean, 
/**
 * Replies of mine not confirmed by the server yet.
 */
waiting: number, };

export type ConversationList = { conversations: Array<ConversationView>, 
/**
 * Unread guest messages in every conversation (the tray and the window title).
 */
unread_total: number, 
/**
 * When the list was last read from the server (RFC 3339), if ever.
 */
as_of: string | null, };

export type TextPart = { text: string, href: string | null, };

export type MessageStatus = "waiting" | "checking" | "failed" | "delivered" | "read";

export type AttachmentView = { name: string, url: string | null, is_image: boolean, size: string | null, };

export type ReplyPreview = { author: string, text: string, };

export type ChatMessageView = { 
/**
 * The server's id; a reply waiting on this desk has `-seq` of its outbox entry.
 */
id: number, from_guest: boolean, 
/**
 * Written by me (from this desk or another).
 */
mine: boolean, author: string, role: string | null, parts: Array<TextPart>, 
/**
 * RFC 3339; `None` for a reply not sent yet.
 */
timestamp: string | null, status: MessageStatus, problem: string | null, is_edited: boolean, is_deleted: boolean, reply_to: ReplyPreview | null, attachments: Array<AttachmentView>, 
/**
 * Only the start of the text is here: the whole text has this many characters, kept on
 * the server ("Show the whole message" reads it).
 */
clipped_from: number | null, };

export type ThreadView = { conversation_id: number, title: string, messages: Array<ChatMessageView>, 
/**
 * Earlier messages exist that this desk has not loaded.
 */
has_older: boolean, handled_by: string | null, mine: boolean, };

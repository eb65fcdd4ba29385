// Generated from the Rust types in crates/core by ts-rs. Do not edit by hand:
// run `UPDATE_GENERATED=1 cargo test -p hotelmate-core typescript`.

export type PusherEndpoint = { "kind": "hosted", 
/**
 * The Pusher app key.
 */
key: string, 
/**
 * The Pusher cluster, the `<cluster>` in the host name.
 */
cluster: string, } | { "kind": "self_hosted", 
/**
 * The Pusher app key.
 */
key: string, 
/**
 * The server's host name or address.
 */
host: string, 
/**
 * The server's port.
 */
port: number, 
/**
 * Whether to connect with TLS (`wss://`) rather than plain `ws://`.
 */
tls: boolean, };

export type SessionInfo = { 
/**
 * The name signed in with.
 */
username: string, 
/**
 * The staff member's first name, as the server has it (may be empty).
 */
first_name: string, 
/**
 * The staff member's last name, as the server has it (may be empty).
 */
last_name: string, 
/**
 * "Anna Byrne", or the username when the server has no names.
 */
display_name: string, 
/**
 * The staff member's role, as the server names it.
 */
role: string | null, 
/**
 * The staff member's department, as the server names it.
 */
department: string | null, 
/**
 * The hotel's name (its slug when the server gives no name).
 */
hotel_name: string, 
/**
 * The hotel's short name in the server's URLs.
 */
hotel_slug: string, 
/**
 * The staff member's id on the server.
 */
staff_id: number, 
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
 * What the server makes of a clock-in from the desk, where it is not a plain one (2026:
 * "unrostered, pending a manager's approval"); the clock button says it.
 */
clock_note: string | null, 
/**
 * What to call the server in the UI: "Demo hotel (this computer)" or its host name.
 */
server_label: string, 
/**
 * Whether this is the demo hotel on this computer rather than a real server.
 */
is_demo: boolean, 
/**
 * Which HotelMate the server is (About shows it).
 */
server_generation: Generation, 
/**
 * What this person may do, where the server says (2026: `allowed_capabilities`); `None`
 * where the server does not (any staff member of the hotel may do all the desk offers).
 */
capabilities: Array<string> | null, };

export type Generation = "classic" | "hotelmate2026";

export type SignInRequest = { 
/**
 * The server's address, as typed.
 */
server_url: string, 
/**
 * The staff member's username.
 */
username: string, 
/**
 * The staff member's password.
 */
password: string, 
/**
 * Live updates; `None` signs in without them.
 */
pusher: PusherEndpoint | null, };

export type ConnectionStatus = { "state": "unknown" } | { "state": "online" } | { "state": "live_reconnecting", 
/**
 * Seconds until the live connection tries again (`None`: not known).
 */
retry_in_seconds: number | null, } | { "state": "checking" } | { "state": "live_off", 
/**
 * Why live updates are off, in words for staff.
 */
reason: string, } | { "state": "offline", 
/**
 * When the server stopped answering (RFC 3339).
 */
since: string, 
/**
 * Which part failed, for the status bar's first words ("Offline" only when it is
 * the network).
 */
cause: OfflineCause, 
/**
 * Why the server could not be reached, in words for staff.
 */
reason: string, 
/**
 * Seconds until the desk tries again (`None`: not known).
 */
retry_in_seconds: number | null, };

export type OfflineCause = "network" | "not_answering" | "server_trouble" | "asked_to_wait" | "this_desk";

export type SignInAgain = { 
/**
 * The server signed in to.
 */
server_url: string, 
/**
 * The name signed in with.
 */
username: string, 
/**
 * Whether it was the demo hotel on this computer.
 */
is_demo: boolean, 
/**
 * Changes, photos, replies and files made on this desk that are on their way: sent once
 * the same account signs in again.
 */
waiting_edits: number, 
/**
 * Those the server refused or a colleague also changed: they wait for that person's
 * decision, not sent by themselves.
 */
waiting_for_decision: number, 
/**
 * Draft replies kept for that person, never sent by themselves.
 */
drafts: number, };

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
 * The logs (`desk.log` and the nine before it, each at most 10 MB).
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
start_at_login: boolean, 
/**
 * After how many minutes of waiting a guest is reminded of (0: never).
 */
guest_wait_reminder_minutes: number, };

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
server_locked: boolean, 
/**
 * The live-update (Pusher) connection the file presets, if any.
 */
pusher: PusherEndpoint | null, 
/**
 * Staff cannot change the live updates on this computer.
 */
pusher_locked: boolean, 
/**
 * IT allowed the preset live updates over plain `ws://` to another machine (warned in the
 * log at each sign-in).
 */
pusher_unencrypted: boolean, 
/**
 * This computer is (or is not) a reception display.
 */
is_display: boolean | null, 
/**
 * Whether it is a display, and its PIN, cannot be changed on this computer.
 */
display_locked: boolean, 
/**
 * Where an offer's scan-to-book code opens (`{id}`: the offer's number).
 */
offer_link: string | null, 
/**
 * The hotel's own web site (an `https` origin) set by IT: offers' "book now" addresses
 * there get scan-to-book codes on the display without a manager's confirmation (63.3).
 */
booking_site: string | null, 
/**
 * When the display shows ("06:30-23:30"); outside, it sleeps.
 */
opening_hours: string | null, 
/**
 * How the display's slides give way to each other.
 */
slide_change: SlideChange | null, 
/**
 * The update feed's address.
 */
update_feed: string | null, 
/**
 * Staff cannot change the update feed on this computer.
 */
update_feed_locked: boolean, 
/**
 * The desk uses exactly [`SystemSettings::saved_replies`]; staff cannot change them here.
 */
saved_replies_locked: boolean, };

export type OutboxSummary = { 
/**
 * Edits waiting to be sent, replies and files for guests among them.
 */
pending: number, 
/**
 * Of those, the edits held back by an earlier change of the same row that waits for a
 * person's decision (a conflict or a refusal): they go once it is settled, not before.
 */
held: number, 
/**
 * Edits the server refused because someone changed the same thing meanwhile.
 */
conflicts: number, 
/**
 * Edits the server refused for good, replies and files for guests among them.
 */
rejected: number, };

export type AreaStatus = { 
/**
 * The area not offered.
 */
resource: ResourceKind, 
/**
 * Why not, in words for staff.
 */
message: string, };

export type UnsentWork = { 
/**
 * Changes to offers, galleries, room types, the hotel's settings on their way to the server.
 */
edits: number, 
/**
 * Photos and images on their way to the server.
 */
uploads: number, 
/**
 * Replies to guests, and edits or deletes of my messages, on their way to the server.
 */
replies: number, 
/**
 * Files and photos for guests on their way to the server.
 */
files: number, 
/**
 * Changes, photos, replies and files that are not on their way: the server refused them,
 * or a colleague changed the same thing. Each waits for the person's decision.
 */
to_decide: number, 
/**
 * Replies typed and not sent (a conversation's draft): kept on this desk, never sent by
 * themselves.
 */
drafts: number, };

export type DeskEvent = { "type": "session_changed", 
/**
 * Who is signed in now (`None`: signed out).
 */
session: SessionInfo | null, } | { "type": "session_expired", 
/**
 * What happened, in words for staff.
 */
message: string, 
/**
 * The form to fill in again (`None` when the saved sign-in could not be read).
 */
again: SignInAgain | null, } | { "type": "connection", 
/**
 * How the link is doing now.
 */
status: ConnectionStatus, } | { "type": "resource_changed", 
/**
 * Which resource changed.
 */
resource: ResourceKind, } | { "type": "view_changed", 
/**
 * Which view to read again.
 */
view: View, } | { "type": "remote_change", 
/**
 * Which resource changed.
 */
resource: ResourceKind, 
/**
 * What happened to the row ("created", "changed", "removed", "clock_in", …).
 */
action: string, 
/**
 * The row's id on the server.
 */
id: number, 
/**
 * The row's title, when it has one (for the toast).
 */
title: string | null, } | { "type": "outbox", 
/**
 * The counts now.
 */
summary: OutboxSummary, } | { "type": "area_availability", 
/**
 * The area.
 */
resource: ResourceKind, 
/**
 * Why the server does not offer it, in words (`None`: it does again).
 */
unavailable: string | null, } | { "type": "id_assigned", 
/**
 * The kind of row created.
 */
resource: ResourceKind, 
/**
 * The temporary (negative) id the row had on this desk.
 */
temp_id: number, 
/**
 * The row's id on the server.
 */
id: number, } | { "type": "chat_changed", 
/**
 * The thread to read again (`None`: every open thread).
 */
conversation_id: number | null, 
/**
 * Guest messages no staff member has read, in every conversation.
 */
unread_total: number, } | { "type": "guest_message", 
/**
 * The guest's conversation.
 */
conversation_id: number, 
/**
 * The new message's id on the server.
 */
message_id: number, 
/**
 * The guest's room number.
 */
room_number: string, 
/**
 * The guest's name, when the desk knows it (as the server wrote it).
 */
guest_name: string | null, 
/**
 * What the guest wrote.
 */
text: string, 
/**
 * Further new messages of the same thread that arrived with it.
 */
earlier: number, } | { "type": "guest_waiting", 
/**
 * The guest's conversation.
 */
conversation_id: number, 
/**
 * The guest's room number.
 */
room_number: string, 
/**
 * The guest's name, when the desk knows it (as the server wrote it).
 */
guest_name: string | null, 
/**
 * How long the guest has waited, in whole minutes.
 */
minutes: number, } | { "type": "open_thread", 
/**
 * The conversation to show.
 */
conversation_id: number, } | { "type": "display_changed" } | { "type": "task_restarted", 
/**
 * Which part of the desk, in words.
 */
task: string, 
/**
 * How often it was started again since sign-in.
 */
restarts: number, } | { "type": "display_leave_requested" } | { "type": "storage", 
/**
 * Since when the disk has been full (`None`: it is not).
 */
full_since: string | null, } | { "type": "upload_progress", 
/**
 * The kind of row the image belongs to.
 */
resource: ResourceKind, 
/**
 * The row's id.
 */
id: number, 
/**
 * Which upload (an image added to a gallery is named by it; see `UploadView`).
 */
upload: number, 
/**
 * Bytes sent so far.
 */
sent: number, 
/**
 * Bytes to send in all.
 */
total: number, };

export type ErrorCode = "config" | "unauthorized" | "forbidden" | "not_found" | "validation" | "conflict" | "server" | "network" | "timeout" | "unsupported" | "keyring" | "storage" | "invalid_input" | "not_signed_in" | "wrong_credentials" | "unsent_work" | "file_unavailable" | "starting" | "demo" | "empty_file" | "file_too_large" | "unsupported_format" | "not_an_image" | "too_many_pixels" | "damaged_image" | "disk_full" | "image_failed" | "clock_unavailable" | "unavailable" | "internal";

export type UiError = { 
/**
 * What went wrong, as a code the UI switches on.
 */
code: ErrorCode, 
/**
 * The field to correct, when the error is about one.
 */
field: string | null, 
/**
 * The sentence to show, starting with a capital and ending with a full stop.
 */
message: string, };

export type RowSync = { "state": "synced" } | { "state": "pending" } | { "state": "conflict" } | { "state": "rejected", 
/**
 * The server's words, as it refused the change.
 */
message: string, };

export type FieldConflict = { field: string, mine: unknown, theirs: unknown, base: unknown, };

export type Conflict = { 
/**
 * The paused change's number in the outbox, to settle it by.
 */
seq: number, 
/**
 * The resource it belongs to (`offers`, …).
 */
resource: string, 
/**
 * The row it changes: its server id, or a negative id for a row made on this desk.
 */
id: number, 
/**
 * What the row is called, for the list ("#<id>" when it has no title).
 */
title: string, 
/**
 * Someone deleted the row this change was for.
 */
deleted_elsewhere: boolean, 
/**
 * The row deleted elsewhere can be brought back with this change ("keep mine"): not a
 * page photo, which is only made with its file, nor a row this desk no longer knows.
 */
may_bring_back: boolean, 
/**
 * The change reached the server a moment after a colleague's save of the same field and
 * replaced it unseen (issue 35.1): "keep theirs" puts theirs back, "keep mine" leaves it.
 */
overwrote_colleague: boolean, 
/**
 * The change reached the server, and a colleague's save of the same field arrived a moment
 * later and replaced it, from a desk that may not have seen it (issue 63.21): "keep mine"
 * sends it again, "keep theirs" lets it go.
 */
replaced_by_colleague: boolean, 
/**
 * Fields both sides changed.
 */
fields: Array<FieldConflict>, 
/**
 * The server refused the change (then `fields` is empty).
 */
refused: string | null, };

export type FieldProblem = { 
/**
 * The field's name, as the server spells it.
 */
field: string, 
/**
 * What is wrong, in words for staff.
 */
message: string, };

export type Resolution = { "choice": "keep_mine" } | { "choice": "keep_theirs" } | { "choice": "edit", 
/**
 * Field name to its new value.
 */
values: Record<string, unknown>, };

export type ResourceKind = "offers" | "staff" | "clock_logs" | "galleries" | "gallery_images" | "room_types" | "settings" | "hotel_details" | "guest_page" | "public_page" | "page_sections" | "page_lists" | "page_cards" | "page_heroes" | "page_galleries" | "page_gallery_images" | "page_presets" | "conversations" | "arrivals" | "departures" | "in_house" | "room_board" | "desk_rooms" | "due_out" | "desk_bookings";

export type View = "display" | "pictures" | "my_shifts" | "offers" | "team" | "hotel_details" | "guest_page" | "public_page" | "messages" | "front_desk";

export type ToastSetting = { 
/**
 * The kind of change the toasts are about.
 */
category: ResourceKind, 
/**
 * Whether those toasts are muted.
 */
muted: boolean, };

export type Crop = { 
/**
 * Left edge, as a fraction of the picture's width.
 */
x: number, 
/**
 * Top edge, as a fraction of the picture's height.
 */
y: number, 
/**
 * Width, as a fraction of the picture's width.
 */
width: number, 
/**
 * Height, as a fraction of the picture's height.
 */
height: number, };

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
verifiable: boolean, 
/**
 * When this computer looks by itself, once a day ("14:37", its own time); `None` when it
 * does not look (no feed or no key).
 */
daily_at: string | null, };

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

export type SystemLocale = { 
/**
 * A BCP 47 tag ("en-IE"), from `LC_ALL`, `LC_TIME` or `LANG`; "en" when none says.
 */
locale: string, 
/**
 * This computer's time zone (IANA, e.g. "Europe/Dublin"); "UTC" when it cannot tell.
 */
time_zone: string, };

export type Offer = { 
/**
 * The server id, or a negative id while the offer exists only on this desk.
 */
id: number, 
/**
 * The offer's name.
 */
title: string, 
/**
 * A short description.
 */
short_description: string, 
/**
 * The full description, as plain text.
 */
details_text: string, 
/**
 * Sanitized HTML, safe to render.
 */
details_html: string, 
/**
 * The first day it is valid (`YYYY-MM-DD`), if set.
 */
valid_from: string | null, 
/**
 * The last day it is valid (`YYYY-MM-DD`), if set.
 */
valid_to: string | null, 
/**
 * A short label (`""`: none).
 */
tag: string, 
/**
 * Where guests book it (`""`: nowhere).
 */
book_now_url: string, 
/**
 * The offer's photo on the server, if it has one.
 */
photo_url: string | null, 
/**
 * A new photo is saved here and waiting to be uploaded.
 */
photo_pending: boolean, 
/**
 * Its place in the list (lower first).
 */
sort_order: number, 
/**
 * Whether guests see it.
 */
is_active: boolean, 
/**
 * When it was created on the server (`None` until the server has it).
 */
created_at: string | null, 
/**
 * Where it stands between this desk and the server.
 */
sync: RowSync, 
/**
 * Brought back by this desk after a colleague deleted it: a new offer ("Restored").
 */
restored: boolean, };

export type OfferPatch = { 
/**
 * The offer's name, at most 200 characters; required on a new offer.
 */
title?: string, 
/**
 * A short description; required on a new offer.
 */
short_description?: string, 
/**
 * The full description, as plain text.
 */
details_text?: string, 
/**
 * The full description as HTML (sanitized before it is shown).
 */
details_html?: string, 
/**
 * `""` clears the date.
 */
valid_from?: string, 
/**
 * `""` clears the date.
 */
valid_to?: string, 
/**
 * A short label, at most 50 characters.
 */
tag?: string, 
/**
 * Where guests book it: a web address, or `""` for none.
 */
book_now_url?: string, 
/**
 * Its place in the list (0 or more; lower first).
 */
sort_order?: number, 
/**
 * Whether guests see it.
 */
is_active?: boolean, };

export type TeamMember = { 
/**
 * The colleague's staff id on the server.
 */
id: number, 
/**
 * Their full name ("Colleague <id>" when the server gives none).
 */
name: string, 
/**
 * "SM" for Seán Murphy: shown when there is no photo.
 */
initials: string, 
/**
 * Their role, as the server names it.
 */
role: string | null, 
/**
 * Their department, as the server names it.
 */
department: string | null, 
/**
 * Whether they are clocked in.
 */
on_duty: boolean, 
/**
 * Since when (RFC 3339), where the server says: the open clock log, or the clock event.
 */
on_duty_since: string | null, 
/**
 * Their photo, when they have one.
 */
photo_url: string | null, 
/**
 * The signed-in staff member (the server's staff list leaves them out; the desk adds them
 * from "me", so the board and the reception display show everyone on duty).
 */
is_me: boolean, };

export type TeamGroup = { 
/**
 * The department's name ("No department" for colleagues with none).
 */
department: string, 
/**
 * How many of its colleagues are on duty.
 */
on_duty: number, 
/**
 * Its colleagues: on duty first, then by name.
 */
members: Array<TeamMember>, };

export type TeamBoard = { 
/**
 * The departments, in the board's order.
 */
groups: Array<TeamGroup>, 
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

export type SlideImage = { 
/**
 * Where the image is.
 */
url: string, 
/**
 * The text shown with it, when it has one.
 */
caption: string | null, 
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
 * The staff of this hotel who signed in on this computer lately, most recent first: they
 * can leave the display with their password even when the server cannot be reached.
 */
left_offline_by: Array<string>, 
/**
 * The settings above that this computer's IT set in the system settings file
 * (`is_display`, `pin`, `offer_link`), which staff cannot change here.
 */
from_system: Array<string>, 
/**
 * That file, when it sets any.
 */
system_file: string | null, 
/**
 * Why the PIN is gone, when an earlier version's PIN was removed at start (it was kept as
 * a fast hash of 4 digits, too easy to guess from a copy of the desk's data).
 */
pin_notice: string | null, 
/**
 * Where an offer's scan-to-book code opens, `{id}` standing for the offer's number
 * (`None`: its "book now" address, where that is on the hotel's own web site).
 */
offer_link: string | null, 
/**
 * When the display shows, in the hotel's time; outside, it sleeps (`None`: always).
 */
opening_hours: OpeningHours | null, 
/**
 * How one slide gives way to the next, as chosen.
 */
slide_change: SlideChange, 
/**
 * What that means on this computer: slides fade into each other (`false`: they cut).
 */
fades: boolean, };

export type ScanSites = { 
/**
 * The sites codes open, each with who decided.
 */
trusted: Array<TrustedSite>, 
/**
 * Sites the hotel's data points codes to that nobody trusted yet.
 */
waiting: Array<WaitingSite>, 
/**
 * Whether the person signed in may confirm or take back a site (a manager).
 */
may_confirm: boolean, };

export type TrustedSite = { 
/**
 * Its scheme, host and port (`https://www.hotelkillarney.ie`).
 */
origin: string, 
/**
 * Who decided, in words ("IT, in the system settings file", "Seán Murphy, a manager").
 */
by: string, 
/**
 * When a manager confirmed it (RFC 3339; `None` for IT's).
 */
at: string | null, 
/**
 * IT set it: it cannot be taken back here.
 */
from_system: boolean, };

export type WaitingSite = { 
/**
 * Its scheme, host and port.
 */
origin: string, 
/**
 * Where it comes from, in words ("the hotel's web site, as the server gives it", "the
 * Book now address of 2 offers", "the address for the offers' codes set here").
 */
from: string, };

export type DisplaySettingsChange = { 
/**
 * The hotel's time zone (IANA name, e.g. "Europe/Dublin"), one this computer knows.
 */
time_zone: string, 
/**
 * How long each slide stays on screen, in seconds (5 to 120).
 */
rotation_seconds: number, 
/**
 * Whether this computer is a reception display.
 */
is_display: boolean, 
/**
 * The screen it shows on (its name); `None`: whichever it opens on.
 */
monitor: string | null, 
/**
 * Where an offer's scan-to-book code opens (`https://…{id}…`); `None` or empty: its "book
 * now" address where that is on the hotel's own site.
 */
offer_link: string | null, 
/**
 * When the display shows (`None`: always).
 */
opening_hours: OpeningHours | null, 
/**
 * How one slide gives way to the next.
 */
slide_change: SlideChange, };

export type SlideChange = "automatic" | "fade" | "cut";

export type LeaveDisplay = { 
/**
 * The PIN set on this computer (tried first when given).
 */
pin: string | null, 
/**
 * A staff member's username, to leave by signing in.
 */
username: string | null, 
/**
 * That staff member's password.
 */
password: string | null, };

export type ScanCode = { 
/**
 * The offer it opens.
 */
offer_id: number, 
/**
 * Where it opens (said beside the code, for a guest who types it).
 */
address: string, 
/**
 * Modules per side, without the quiet zone.
 */
size: number, 
/**
 * The dark modules, as an SVG path in module units.
 */
path: string, };

export type OpeningHours = { 
/**
 * When it wakes, e.g. "06:30".
 */
opens: string, 
/**
 * When it goes to sleep, e.g. "23:30" (earlier than `opens`: the next day).
 */
closes: string, };

export type OpeningState = { 
/**
 * Outside its hours (and not woken): black.
 */
asleep: boolean, 
/**
 * When that changes ("HH:MM", the hotel's time); `None` when it never sleeps.
 */
until: string | null, 
/**
 * Woken with the PIN outside its hours.
 */
woken: boolean, };

export type DisplayContent = { 
/**
 * The hotel's name, as its settings show it.
 */
hotel_name: string, 
/**
 * The hotel's welcome message, when it has one.
 */
welcome: string | null, 
/**
 * The hotel's logo, when it has one.
 */
logo_url: string | null, 
/**
 * The hotel's hero image, when it has one.
 */
hero_url: string | null, 
/**
 * Active offers valid today (the hotel's date), in the hotel's order.
 */
offers: Array<Offer>, 
/**
 * The offers' scan-to-book codes (an offer with none has no code: nothing is guessed).
 */
scan_codes: Array<ScanCode>, 
/**
 * On the 2026 server (no offers there): the cards of the published page's lists, the
 * offers' successors (§17.5), in the page's order; empty where none was read.
 */
cards: Array<PageCard>, 
/**
 * Where every card's code opens (a card has no link of its own): the hotel's own booking
 * or web site, when one is trusted; `None`: the cards show no code.
 */
card_code: ScanCode | null, 
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
today: string, 
/**
 * This computer's display settings.
 */
settings: DisplaySettings, };

export type DisplayReport = { 
/**
 * Since when the display has not been kept current (RFC 3339); `None` while it is.
 */
not_live_since: string | null, 
/**
 * The slide on screen now; `None` while none shows (asleep, no content yet).
 */
showing: ShownSlide | null, };

export type ShownSlide = { 
/**
 * "offers", "gallery", "team" or "welcome".
 */
panel: string, 
/**
 * The offer's title, the picture's caption, "On duty" or the welcome.
 */
title: string, 
/**
 * The slide's photo as the server names it (shown through the desk's image cache).
 */
image_url: string | null, };

export type NotLiveSpan = { 
/**
 * RFC 3339.
 */
from: string, 
/**
 * RFC 3339; `None`: still not live (or the display closed while it was not).
 */
until: string | null, };

export type DisplayHealth = { 
/**
 * When it was last opened (RFC 3339); `None`: not shown since the desk started.
 */
shown_from: string | null, 
/**
 * When it closed; `None` while it shows (or never shown).
 */
shown_until: string | null, 
/**
 * The latest spans it was not live while shown, oldest first.
 */
not_live: Array<NotLiveSpan>, 
/**
 * Earlier spans of the same showing not listed.
 */
earlier_not_live: number, 
/**
 * What was on the screen last.
 */
last_slide: ShownSlide | null, };

export type GalleryImageView = { 
/**
 * The image's id on the server.
 */
id: number, 
/**
 * Where the image is (`None` when the server gave no address).
 */
url: string | null, 
/**
 * The text shown with the image (`""`: none).
 */
caption: string, 
/**
 * The text that describes the image to those who cannot see it (`""`: none).
 */
alt_text: string, 
/**
 * Whether the gallery puts it forward.
 */
is_featured: boolean, 
/**
 * An edit of its caption or alt text waits to be sent (or for the user's decision).
 */
sync: RowSync, };

export type UploadState = "waiting" | "sending" | "refused";

export type UploadView = { 
/**
 * Names the upload (to cancel or retry it, and in `UploadProgress`).
 */
upload: number, 
/**
 * The name of the file the user chose.
 */
file_name: string, 
/**
 * The prepared image, from this computer (load it through `shownImage`).
 */
preview: string | null, 
/**
 * Where it stands.
 */
state: UploadState, 
/**
 * Why it was refused or cannot be sent, for [`UploadState::Refused`].
 */
message: string | null, };

export type GalleryView = { 
/**
 * The gallery's id on the server (negative while it exists only on this desk).
 */
id: number, 
/**
 * The gallery's name (unique in the hotel).
 */
name: string, 
/**
 * Its kind (`rooms`, `facilities`, `dining`, …) (API.md §5).
 */
category: string, 
/**
 * Its description (`""`: none).
 */
description: string, 
/**
 * Whether guests see it.
 */
is_active: boolean, 
/**
 * Its images on the server, in their order.
 */
images: Array<GalleryImageView>, 
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

export type GalleryPatch = { 
/**
 * The gallery's name, unique in the hotel; required on a new gallery.
 */
name?: string | null, 
/**
 * Its kind (`rooms`, `facilities`, `dining`, …) (API.md §5).
 */
category?: string | null, 
/**
 * Its description.
 */
description?: string | null, 
/**
 * Whether guests see it.
 */
is_active?: boolean | null, };

export type ImagePatch = { 
/**
 * The text shown with the image.
 */
caption?: string | null, 
/**
 * The text that describes the image to those who cannot see it.
 */
alt_text?: string | null, 
/**
 * Whether the gallery puts it forward.
 */
is_featured?: boolean | null, };

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

export type RoomTypePatch = { 
/**
 * A short code for the room type ("DBL"), at most 50 characters.
 */
code?: string | null, 
/**
 * The room type's name, at most 200 characters; required on a new room type.
 */
name?: string | null, 
/**
 * The room type's description for guests.
 */
short_description?: string | null, 
/**
 * How many guests it sleeps.
 */
max_occupancy?: number | null, 
/**
 * Its beds, in words, at most 100 characters.
 */
bed_setup?: string | null, 
/**
 * As typed ("149", "149.50").
 */
starting_price_from?: string | null, 
/**
 * The price's currency, up to 3 letters ("EUR").
 */
currency?: string | null, 
/**
 * Its booking code, at most 50 characters.
 */
booking_code?: string | null, 
/**
 * Where guests book it (a web address).
 */
booking_url?: string | null, 
/**
 * A note on availability, at most 100 characters.
 */
availability_message?: string | null, 
/**
 * Whether guests see it.
 */
is_active?: boolean | null, };

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

export type HotelDetails = { 
/**
 * The greeting at the top of the page.
 */
welcome_message: string, 
/**
 * The hotel's slogan.
 */
slogan: string, 
/**
 * The short description.
 */
short_description: string, 
/**
 * The long description.
 */
long_description: string, 
/**
 * What the hotel offers ("Spa", "Free Wi-Fi"), in the hotel's order.
 */
amenities: Array<string>, 
/**
 * Amenities the server listed beyond those shown.
 */
more_amenities: number, 
/**
 * The contact e-mail address guests see.
 */
contact_email: string, 
/**
 * The contact phone number guests see.
 */
contact_phone: string, 
/**
 * The postal address guests see.
 */
contact_address: string, 
/**
 * The hotel's website, as text (never fetched or opened by the desk from here).
 */
website: string, 
/**
 * The map link guests see, as text.
 */
google_maps_link: string, };

export type GuestPage = { 
/**
 * The hotel's name at the top of the page.
 */
name: string, 
/**
 * The line under it.
 */
tagline: string, 
/**
 * The short description.
 */
short_description: string, 
/**
 * The picture across the top (the settings' image, else the hotel's, §4.2).
 */
hero_image_url: string | null, 
/**
 * The logo.
 */
logo_url: string | null, 
/**
 * The booking buttons ("Book Now", "Call Us"), each with where it leads as text.
 */
buttons: Array<GuestPageButton>, 
/**
 * The offers guests see, in the page's order: the active ones (§3.3).
 */
offers: Array<GuestOffer>, 
/**
 * Offers the page lists beyond those shown.
 */
more_offers: number, 
/**
 * The room types guests can book, in the page's order: the active ones.
 */
room_types: Array<GuestRoomType>, 
/**
 * Room types the page lists beyond those shown.
 */
more_room_types: number, 
/**
 * Entries of the page's lists that are not an offer or a room type the desk can read
 * (not an object, or without an id), and booking options that are not an object: counted
 * and said, never shown as empty ones.
 */
unreadable: number, };

export type GuestPageButton = { 
/**
 * Its words ("Book Now").
 */
label: string, 
/**
 * Where it leads: an address or a phone number, as text (the desk never opens it).
 */
target: string, };

export type GuestOffer = { 
/**
 * The offer's id: the same offer on the Offers screen.
 */
id: number, 
/**
 * Its title.
 */
title: string, 
/**
 * Its short description.
 */
short_description: string, 
/**
 * Its tag ("Spa"), or empty.
 */
tag: string, 
/**
 * First day (`YYYY-MM-DD`), as the server has it.
 */
valid_from: string | null, 
/**
 * Last day (`YYYY-MM-DD`), as the server has it.
 */
valid_to: string | null, 
/**
 * Its "Book now" address, as text.
 */
book_now_url: string, 
/**
 * Its photo.
 */
photo_url: string | null, 
/**
 * Its last day has passed, yet guests still see it (the page does not check dates).
 */
ended: boolean, 
/**
 * Its first day is still to come, yet guests see it already.
 */
not_started: boolean, };

export type GuestRoomType = { 
/**
 * The room type's id: the same one on the Pictures screen.
 */
id: number, 
/**
 * Its name.
 */
name: string, 
/**
 * Its short description.
 */
short_description: string, 
/**
 * How many it sleeps.
 */
max_occupancy: number | null, 
/**
 * Its beds ("1 king bed").
 */
bed_setup: string, 
/**
 * "from 189.00 EUR", or empty.
 */
price: string, 
/**
 * What the page says of its availability.
 */
availability_message: string, 
/**
 * Its booking address, as text.
 */
booking_url: string, 
/**
 * Its photo.
 */
photo_url: string | null, };

export type PublicPage = { 
/**
 * Whether this person may change the page (from the login answer, §17.1).
 */
editable: boolean, 
/**
 * Who can change it, in one sentence (shown to those who cannot).
 */
who_can_edit: string, 
/**
 * The sections in the page's order: by `position`, then id.
 */
sections: Array<PageSection>, 
/**
 * Why the page cannot be refreshed now (the server fails on it, §17.9 item 1), with the
 * last page read still shown; `None` when it reads.
 */
stale_because: string | null, };

export type PageSection = { 
/**
 * Its id on the server.
 */
id: number, 
/**
 * Its name (may be empty).
 */
name: string, 
/**
 * Its place: the only order key the server has.
 */
position: number, 
/**
 * `hero`, `gallery`, `list`, `news`, `rooms`, an element type, or `unknown` (a hidden
 * section's type is not told by the staff list: `unknown` too).
 */
section_type: string, 
/**
 * Its type in words ("Hero", "Gallery", "List of cards", "Hidden: type not known").
 */
type_label: string, 
/**
 * Hidden from guests (only staff who may edit see it).
 */
hidden: boolean, 
/**
 * Its style variant, 1–5 (§17.1; 1 when the server gives none).
 */
style_variant: number, 
/**
 * The five variants its style menu offers: named from the server's presets where one
 * names a variant of this section's type, else "Style N" (`presets`).
 */
styles: Array<StyleChoice>, 
/**
 * A hero section's content.
 */
hero: PageHero | null, 
/**
 * A gallery section's containers, each with its images.
 */
galleries: Array<PageGallery>, 
/**
 * A list section's cards, in order, all its lists together.
 */
cards: Array<PageCard>, 
/**
 * Where this desk's changes to it stand: on their way, waiting for a decision (a
 * colleague changed the same thing), or refused with the server's words.
 */
sync: RowSync, };

export type StyleChoice = { 
/**
 * The `style_variant` it sets, 1–5.
 */
variant: number, 
/**
 * What it is called: the server's preset name, or "Style N" (text, never markup).
 */
name: string, 
/**
 * The preset's description, empty without one (text, never markup).
 */
description: string, };

export type PageHero = { 
/**
 * The title.
 */
title: string, 
/**
 * The text under it.
 */
text: string, 
/**
 * The background image (the `*_url` companion, never the raw field).
 */
image_url: string | null, 
/**
 * The logo.
 */
logo_url: string | null, 
/**
 * A background picture chosen here and not sent yet, from this computer (editors only).
 */
image_waiting: string | null, 
/**
 * A logo chosen here and not sent yet, from this computer (editors only).
 */
logo_waiting: string | null, 
/**
 * Where this desk's changes to it stand.
 */
sync: RowSync, };

export type PageGallery = { 
/**
 * Its id on the server.
 */
id: number, 
/**
 * Its name.
 */
name: string, 
/**
 * Its images by (`sort_order`, id): the server numbers bulk uploads with repeats.
 */
images: Array<PageImage>, 
/**
 * Photos added here that the server does not have yet, in the order they were added
 * (editors only; progress comes as `UploadProgress` events naming each `upload`).
 */
uploads: Array<UploadView>, 
/**
 * Where this desk's changes to it stand.
 */
sync: RowSync, };

export type PageImage = { 
/**
 * Its id on the server.
 */
id: number, 
/**
 * The picture.
 */
image_url: string | null, 
/**
 * Its caption.
 */
caption: string, 
/**
 * Its alternative text.
 */
alt_text: string, 
/**
 * Where this desk's changes to it stand.
 */
sync: RowSync, };

export type PageCard = { 
/**
 * Its id on the server.
 */
id: number, 
/**
 * Its title.
 */
title: string, 
/**
 * Its subtitle.
 */
subtitle: string, 
/**
 * Its description, plain text.
 */
description: string, 
/**
 * Its picture.
 */
image_url: string | null, };

export type NewSection = { 
/**
 * One of [`SECTION_TYPES`].
 */
section_type: string, 
/**
 * Its name; empty: the server's default ("Gallery Section").
 */
name: string, };

export type SectionUndo = { 
/**
 * Whether the section is back (its delete had not been sent).
 */
undone: boolean, 
/**
 * What became of it, in words.
 */
message: string, };

export type OfferCards = { 
/**
 * Whether this person may change the cards (§17.1).
 */
editable: boolean, 
/**
 * Who can change them, in one sentence (shown to those who cannot).
 */
who_can_edit: string, 
/**
 * This hotel's lists to choose from, in page order.
 */
lists: Array<CardList>, 
/**
 * The list whose cards are the offers, as chosen on this desk.
 */
chosen: number | null, 
/**
 * A list to propose while none is chosen: one titled like "Offers", else the first.
 */
proposed: number | null, 
/**
 * The chosen list's cards, by (`sort_order`, id).
 */
cards: Array<OfferCard>, 
/**
 * Where the offers come from, in one sentence.
 */
note: string, };

export type CardList = { 
/**
 * Its id on the server.
 */
id: number, 
/**
 * Its title (may be empty).
 */
title: string, 
/**
 * The name of the page section it is in.
 */
section_name: string, };

export type OfferCard = { 
/**
 * Its id (negative until the server has it).
 */
id: number, 
/**
 * Its title (never blank on the server).
 */
title: string, 
/**
 * Its subtitle.
 */
subtitle: string, 
/**
 * Its description, plain text.
 */
description: string, 
/**
 * Its picture (the `image_url` companion, never the raw field).
 */
image_url: string | null, 
/**
 * A new picture waits to be uploaded.
 */
image_waiting: boolean, 
/**
 * Where this desk's changes to it stand (a colleague's change of the same field waits
 * for a decision).
 */
sync: RowSync, };

export type CardPatch = { 
/**
 * The title: not blank, at most 255 characters.
 */
title: string | null, 
/**
 * The subtitle: at most 255 characters.
 */
subtitle: string | null, 
/**
 * The description, plain text.
 */
description: string | null, };

export type CardUndo = { 
/**
 * Whether the card is back (its delete had not been sent).
 */
undone: boolean, 
/**
 * What became of it, in words.
 */
message: string, };

export type PageImagePatch = { 
/**
 * The text shown with the photo (at most 255 characters).
 */
caption?: string | null, 
/**
 * The text that describes it to those who cannot see it (at most 255 characters).
 */
alt_text?: string | null, };

export type HeroImage = "background" | "logo";

export type HeroPatch = { 
/**
 * The title (at most 255 characters).
 */
title?: string | null, 
/**
 * The text under it.
 */
text?: string | null, };

export type PicturesOverview = { 
/**
 * The hotel's three image slots: hero, landing page and logo.
 */
hotel_images: Array<HotelImageView>, 
/**
 * The galleries, in the hotel's order.
 */
galleries: Array<GalleryView>, 
/**
 * The room types, in the hotel's order.
 */
room_types: Array<RoomTypeView>, 
/**
 * Why this person may not create, edit, reorder or delete room types on this server, in
 * words (the server names the capability and this person lacks it); `None`: they may.
 */
room_types_refused: string | null, 
/**
 * Why this person may not change room types' photos here, in words; `None`: they may.
 */
room_type_photos_refused: string | null, 
/**
 * The kinds of change to the hotel's pictures this server has refused this account since
 * the desk started, each in words (a photo's caption, a single photo's delete…).
 */
changes_refused: Array<string>, };

export type Draft = { 
/**
 * The conversation.
 */
conversation_id: number, 
/**
 * The text, as typed.
 */
text: string, };

export type SavedReply = { 
/**
 * Its number on this desk (negative for one IT's file sets while it locks them).
 */
id: number, 
/**
 * Its short name ("Wi-Fi").
 */
name: string, 
/**
 * Its text, fields unfilled.
 */
text: string, };

export type SavedReplies = { 
/**
 * The replies, first to last.
 */
replies: Array<SavedReply>, 
/**
 * Set when IT locked them in the fleet file: why they cannot be changed here.
 */
locked: string | null, 
/**
 * The reply deleted last, which "Undo" brings back.
 */
deleted: SavedReply | null, };

export type FilledReply = { 
/**
 * The text to put in the reply box.
 */
text: string, 
/**
 * The fields that could not be filled (left in the text as written), in words.
 */
unfilled: Array<string>, };

export type ImportOutcome = { 
/**
 * Replies added.
 */
added: number, 
/**
 * Replies the desk already had, unchanged.
 */
already_here: number, 
/**
 * Replies this desk has changed since, added beside its own as "… (imported)".
 */
beside_own: number, 
/**
 * Every reply now.
 */
replies: SavedReplies, };

export type FieldValues = { 
/**
 * The guest's name.
 */
guest: string | null, 
/**
 * The guest's room.
 */
room: string | null, 
/**
 * Today's date, as the screen writes dates.
 */
date: string | null, };

export type HitPiece = { 
/**
 * The text (outside text: shown as text, never as markup).
 */
text: string, 
/**
 * Whether it is a word the search matched.
 */
matched: boolean, };

export type MessageHit = { 
/**
 * Its conversation.
 */
conversation_id: number, 
/**
 * The message (the thread opens at it).
 */
message_id: number, 
/**
 * "Room 101 · John Doe", as the conversation list says it.
 */
title: string, 
/**
 * Whether the guest wrote it (else staff did).
 */
from_guest: boolean, 
/**
 * When it was sent (RFC 3339), when the server said.
 */
sent_at: string | null, 
/**
 * The message around the match.
 */
pieces: Array<HitPiece>, 
/**
 * How many of its thread's cached messages are as new as it or newer: a thread opened
 * with that many (and a few more) shows it.
 */
from_newest: number, };

export type MessageSearch = { 
/**
 * Newest first, at most [`MAX_HITS`].
 */
hits: Array<MessageHit>, 
/**
 * Whether more messages matched than are listed.
 */
more: boolean, 
/**
 * Whether the server cannot be reached now: what is found is what this desk holds (it
 * always is; offline, messages the desk never read cannot be among them).
 */
offline: boolean, };

export type ConversationSort = "newest" | "waiting_longest";

export type ViewCounts = { 
/**
 * Every conversation.
 */
all: number, 
/**
 * Handled by me.
 */
mine: number, 
/**
 * Handled by nobody yet, as far as the desk knows.
 */
unassigned: number, 
/**
 * Whose handler the desk has not learned yet (their threads are not read here yet): in
 * neither "mine" nor "unassigned".
 */
handler_unknown: number, 
/**
 * With an unread guest message.
 */
unread: number, 
/**
 * With a guest waiting for an answer.
 */
waiting: number, };

export type SearchFound = { 
/**
 * What was searched, as the screen quotes it: its start when long, cut between whole
 * characters (a pasted page is quoted as a line).
 */
searched: string, 
/**
 * In each view, in the room chosen (every room when none is).
 */
views: ViewCounts, 
/**
 * In every room, of the view shown.
 */
every_room: number, };

export type RoomCount = { 
/**
 * The room, as the list shows it.
 */
room_number: string, 
/**
 * Its conversations.
 */
conversations: number, 
/**
 * Its unread guest messages.
 */
unread: number, 
/**
 * Its conversations with a guest waiting for an answer.
 */
waiting: number, };

export type ConversationFilter = "all" | "mine" | "unassigned" | "unread" | "waiting";

export type ConversationView = { 
/**
 * The conversation's id on the server.
 */
conversation_id: number, 
/**
 * The guest's room number (`?` when the server gave none).
 */
room_number: string, 
/**
 * The guest's name, when the server gave one.
 */
guest_name: string | null, 
/**
 * The start of the last message (up to [`PREVIEW_CHARS`] characters).
 */
last_message: string | null, 
/**
 * RFC 3339.
 */
last_message_time: string | null, 
/**
 * Unread guest messages (at least 1 when the server says the conversation has some).
 */
unread: number, 
/**
 * The staff member handling the conversation, as far as this desk knows.
 */
handled_by: string | null, 
/**
 * Whether the desk knows who handles it (the server's list does not say: it is learnt
 * from the thread, so a conversation not read here is "not known yet", never "nobody").
 */
handler_known: boolean, 
/**
 * Whether I handle it.
 */
mine: boolean, 
/**
 * Replies of mine not confirmed by the server yet.
 */
waiting: number, 
/**
 * Since when the guest has waited for an answer (RFC 3339): their first message after the
 * last staff message this desk holds. `None`: nobody waits, or this desk has not read the
 * thread's newest messages and cannot tell.
 */
guest_waiting_since: string | null, 
/**
 * False when older messages not read here may make the wait longer ("at least").
 */
guest_waiting_exact: boolean, 
/**
 * The id of the message the wait began with (a wait is the same wait by it).
 */
guest_waiting_from: number | null, };

export type ConversationList = { 
/**
 * The conversations, filtered and searched.
 */
conversations: Array<ConversationView>, 
/**
 * Unread guest messages in every conversation (the tray and the window title).
 */
unread_total: number, 
/**
 * When the list was last read from the server (RFC 3339), if ever.
 */
as_of: string | null, 
/**
 * How many conversations each view holds, for its button.
 */
counts: ViewCounts, 
/**
 * Every room with a conversation, in room order, with what each holds (whatever is
 * filtered or searched): the list's room picker.
 */
rooms: Array<RoomCount>, 
/**
 * While something is searched, where the search finds conversations besides the view
 * shown, so a view with none of them says where they are (issue 63.15).
 */
found: SearchFound | null, };

export type TextPart = { 
/**
 * The text of this piece.
 */
text: string, 
/**
 * Where the link goes (`None`: plain text).
 */
href: string | null, };

export type MessageStatus = "waiting" | "checking" | "failed" | "delivered" | "read";

export type AttachmentView = { 
/**
 * The file's name ("attachment" when the server gave none).
 */
name: string, 
/**
 * Where to fetch it (`None` for a file of a reply not sent yet).
 */
url: string | null, 
/**
 * Whether it is an image.
 */
is_image: boolean, 
/**
 * Its size as the server words it, when it gave one.
 */
size: string | null, };

export type ReplyPreview = { 
/**
 * Who wrote the quoted message ("Guest" or "Staff" when the server gave no name).
 */
author: string, 
/**
 * The quoted message's text.
 */
text: string, };

export type ChatMessageView = { 
/**
 * The server's id; a reply waiting on this desk has `-seq` of its outbox entry.
 */
id: number, 
/**
 * Written by the guest (otherwise by staff, or by the server itself).
 */
from_guest: boolean, 
/**
 * The server's own note, not a person's (§10.2: "Anna Byrne has joined the
 * conversation." at 2026).
 */
from_server: boolean, 
/**
 * Written by me (from this desk or another).
 */
mine: boolean, 
/**
 * The sender's name ("Guest" or "Staff" when the server gave none).
 */
author: string, 
/**
 * A staff sender's role, when the server gave one.
 */
role: string | null, 
/**
 * The text, split into plain runs and web links.
 */
parts: Array<TextPart>, 
/**
 * RFC 3339; `None` for a reply not sent yet.
 */
timestamp: string | null, 
/**
 * Where the message is, as its sender sees it.
 */
status: MessageStatus, 
/**
 * Why the server refused it, in its words (for [`MessageStatus::Failed`]).
 */
problem: string | null, 
/**
 * The text was changed after it was sent.
 */
is_edited: boolean, 
/**
 * The message was deleted: its text and files are not shown.
 */
is_deleted: boolean, 
/**
 * The message it answers, when it answers one.
 */
reply_to: ReplyPreview | null, 
/**
 * Its files.
 */
attachments: Array<AttachmentView>, 
/**
 * Only the start of the text is here: the whole text has this many characters, kept on
 * the server ("Show the whole message" reads it).
 */
clipped_from: number | null, };

export type ThreadView = { 
/**
 * The conversation's id on the server.
 */
conversation_id: number, 
/**
 * "Room 101 · John Doe".
 */
title: string, 
/**
 * The messages, oldest first, my waiting replies last.
 */
messages: Array<ChatMessageView>, 
/**
 * Earlier messages exist that this desk has not loaded.
 */
has_older: boolean, 
/**
 * The staff member handling the conversation, as far as this desk knows.
 */
handled_by: string | null, 
/**
 * Whether the desk knows who handles it (see [`ConversationView::handler_known`]).
 */
handler_known: boolean, 
/**
 * Whether I handle it.
 */
mine: boolean, 
/**
 * Why this person cannot reply here (the server names a capability they lack).
 */
reply_refused: string | null, 
/**
 * Why my sent messages cannot be changed or deleted on this server.
 */
changes_refused: string | null, };

export type MyShift = { 
/**
 * The day (`YYYY-MM-DD`).
 */
date: string, 
/**
 * Start and end (`HH:MM`), the hotel's wall clock as written.
 */
start: string, 
/**
 * See `start`.
 */
end: string, 
/**
 * The end is on the next day (a night shift).
 */
ends_next_day: boolean, 
/**
 * Where, when the roster says.
 */
location: string | null, 
/**
 * The manager's note, when there is one.
 */
notes: string | null, 
/**
 * "planned; may change": the server cannot say its roster is published (§14.3).
 */
may_change: boolean, };

export type MyLog = { 
/**
 * In and out (RFC 3339, UTC); `time_out` is `None` while I am clocked in.
 */
time_in: string, 
/**
 * See `time_in`.
 */
time_out: string | null, 
/**
 * Hours: the server's `hours_worked`, else out − in, else (open) up to now.
 */
hours: number, 
/**
 * The server recorded no hours for it (computed here: §14.7 rule 2).
 */
hours_not_recorded: boolean, 
/**
 * `"approved"`, `"waiting for approval"` or `"rejected"`.
 */
state: string, 
/**
 * Finished breaks, in minutes (not subtracted from `hours`).
 */
break_minutes: number, };

export type MyWeek = { 
/**
 * Its Monday (`YYYY-MM-DD`).
 */
monday: string, 
/**
 * Approved hours (pending and rejected logs left out).
 */
total_hours: number, 
/**
 * Its logs, newest first.
 */
logs: Array<MyLog>, };

export type MyShifts = { 
/**
 * My shifts of this week and the next 14 days, in order.
 */
shifts: Array<MyShift>, 
/**
 * This week and the four before it, this week first.
 */
weeks: Array<MyWeek>, 
/**
 * When the desk last read them from the server (RFC 3339), if ever: "as of".
 */
as_of: string | null, 
/**
 * The hotel's time zone (IANA): clock times are shown in it, and its Mondays and
 * midnights start the weeks and days.
 */
time_zone: string, 
/**
 * `time_zone` is this computer's own, as a guess: no server says the hotel's (§14.5), and
 * none was chosen in the display's settings.
 */
time_zone_guessed: boolean, };

export type KeptWork = { 
/**
 * Offers kept on this desk.
 */
offers: number, 
/**
 * Galleries kept on this desk.
 */
galleries: number, 
/**
 * Their photos (offers' and galleries').
 */
photos: number, 
/**
 * In words, for the screen: what is kept, why, and that nothing is deleted.
 */
words: string, };

export type ExportDone = { 
/**
 * The folder written (new; nothing else was touched).
 */
folder: string, 
/**
 * Offers written.
 */
offers: number, 
/**
 * Galleries written.
 */
galleries: number, 
/**
 * Photos written into `photos/`.
 */
photos: number, 
/**
 * Photos that could not be had (not kept here and not fetched): each named in the page
 * and here by its address, never left out silently.
 */
photos_missing: Array<string>, };

export type KeptItems = { 
/**
 * Whether this person may put them on the page (§17.1).
 */
editable: boolean, 
/**
 * Who can, in one sentence (shown to those who cannot).
 */
who_can_edit: string, 
/**
 * Whether a list is chosen for the offers (a card goes last in it).
 */
offers_list_chosen: boolean, 
/**
 * Where an offer goes, in one sentence (or that a list must be chosen first).
 */
offers_note: string, 
/**
 * The kept offers, in their kept order.
 */
offers: Array<KeptOffer>, 
/**
 * The page's gallery sections a gallery can go into, in page order.
 */
gallery_sections: Array<GallerySection>, 
/**
 * The section proposed for a gallery: the first gallery section.
 */
proposed_section: number | null, 
/**
 * Where a gallery goes, in one sentence (or that the page has no gallery section).
 */
sections_note: string, 
/**
 * The kept galleries, in their kept order.
 */
galleries: Array<KeptGallery>, };

export type KeptOffer = { 
/**
 * Its id on the older server (or on this desk).
 */
id: number, 
/**
 * Its title.
 */
title: string, 
/**
 * Whether it has a photo.
 */
photo: boolean, 
/**
 * What a card has no field for, in words, for the manager to place by hand.
 */
beside: Array<string>, 
/**
 * What it became on the page, once put there from this desk.
 */
republished: Republished | null, };

export type KeptGallery = { 
/**
 * Its id on the older server (or on this desk).
 */
id: number, 
/**
 * Its name.
 */
name: string, 
/**
 * How many photos it has.
 */
photos: number, 
/**
 * What a gallery container has no field for, in words.
 */
beside: Array<string>, 
/**
 * What it became on the page, once put there from this desk.
 */
republished: Republished | null, };

export type Republished = { 
/**
 * The card's or gallery container's id (negative until the server has it).
 */
id: number, 
/**
 * Whether the server has it all (the card and its picture, the container and every photo).
 */
on_the_page: boolean, 
/**
 * Where it stands, in words.
 */
words: string, };

export type GallerySection = { 
/**
 * Its id on the server.
 */
id: number, 
/**
 * Its name (hidden ones say so).
 */
name: string, };

export type BookingLine = { 
/**
 * The server's booking number ("RB-2026-0042"): the key of its detail.
 */
booking_id: string, 
/**
 * The confirmation number the guest was given.
 */
confirmation_number: string, 
/**
 * Who the booking is for, as the server names them.
 */
guest: string, 
/**
 * Arrival date, `YYYY-MM-DD` (the hotel's calendar).
 */
check_in: string, 
/**
 * Departure date, `YYYY-MM-DD`.
 */
check_out: string, 
/**
 * Nights booked.
 */
nights: number, 
/**
 * The room assigned, if any.
 */
room_number: number | null, 
/**
 * People in the party.
 */
party_total: number, 
/**
 * People of the party not named yet (a room is assigned only when all are named).
 */
party_missing: number, 
/**
 * When the guest was checked in (UTC, ISO 8601), if they were.
 */
checked_in_at: string | null, 
/**
 * Whether the guest sent the pre-check-in form.
 */
precheckin_done: boolean, 
/**
 * Whether no one at the hotel has marked it seen yet.
 */
is_new: boolean, 
/**
 * Whether it was marked seen on this desk and that waits to reach the server.
 */
seen_waiting: boolean, 
/**
 * The booking's status as the server gives it (`CONFIRMED`, …).
 */
status: string, 
/**
 * The amount, as the server writes it ("387.00"), with its currency.
 */
amount: string, };

export type RoomLine = { 
/**
 * The room's id on the server (a status change names it).
 */
id: number, 
/**
 * The number guests know it by.
 */
room_number: number, 
/**
 * Its type's name.
 */
room_type: string, 
/**
 * Its status (`READY_FOR_GUEST`, …).
 */
status: string, 
/**
 * Whether maintenance is flagged.
 */
maintenance_required: boolean, 
/**
 * Last cleaned (UTC, ISO 8601), and by whom.
 */
last_cleaned_at: string | null, 
/**
 * Who cleaned it last, if the server says.
 */
cleaned_by: string | null, 
/**
 * Last inspected (UTC, ISO 8601).
 */
last_inspected_at: string | null, 
/**
 * The one status a front desk may set from this one (§15.1: an occupied room to dirty, a
 * ready one to maintenance), with its words; `None` where housekeeping makes the change.
 */
front_desk_move: RoomMove | null, };

export type RoomMove = { 
/**
 * The status it sets.
 */
to_status: string, 
/**
 * What the button says.
 */
label: string, };

export type RoomGroup = { 
/**
 * The status (`READY_FOR_GUEST`, …).
 */
status: string, 
/**
 * What staff call it ("Ready").
 */
label: string, 
/**
 * Rooms in it (the server's count; 0 where the server lists none, §15.6 rule 5).
 */
count: number, 
/**
 * Its rooms that match the search, by number.
 */
rooms: Array<RoomLine>, };

export type FrontDeskDay = { 
/**
 * Today's arrivals not checked in yet, matching the search.
 */
arrivals: Array<BookingLine>, 
/**
 * Today's departures still in house, matching the search.
 */
departures: Array<BookingLine>, 
/**
 * Guests in house, matching the search.
 */
in_house: Array<BookingLine>, 
/**
 * How many of each there are in all (the search aside): arrivals, departures, in house.
 */
counts: [number, number, number], 
/**
 * Every status of the board, in the order staff work through them, with its rooms.
 */
rooms: Array<RoomGroup>, 
/**
 * Rooms on the board.
 */
total_rooms: number, 
/**
 * When the lists were last read from the server (UTC), `None` before the first read.
 */
lists_as_of: string | null, 
/**
 * When the board was last read from the server (UTC).
 */
rooms_as_of: string | null, 
/**
 * The day the arrivals and departures are of (`YYYY-MM-DD`, the hotel's).
 */
date: string, 
/**
 * The hotel's date today as this desk knows it (`YYYY-MM-DD`); empty where not asked.
 */
today: string, };

export type PartyGuest = { 
/**
 * Their name, empty while unnamed.
 */
name: string, 
/**
 * Whether they are named.
 */
named: boolean, };

export type BookingDetail = { 
/**
 * The booking as the lists show it.
 */
line: BookingLine, 
/**
 * The party, primary guest first (empty from the copy).
 */
party: Array<PartyGuest>, 
/**
 * What the guest asked for.
 */
special_requests: string, 
/**
 * The room's type and status, when one is assigned and the detail says.
 */
room_type: string | null, 
/**
 * The assigned room's status.
 */
room_status: string | null, 
/**
 * Whether this is the desk's copy (the server could not be asked).
 */
from_copy: boolean, };

export type FittingRoom = { 
/**
 * The room's id on the server (the assignment names it).
 */
id: number, 
/**
 * The number guests know it by.
 */
room_number: number, 
/**
 * Its type's name.
 */
room_type: string, };

export type StayOutcome = { 
/**
 * The booking as the server shows it after the action.
 */
booking: BookingDetail, 
/**
 * What happened, in words for the person.
 */
message: string, 
/**
 * Guest conversations of the room this desk dropped (a check-out deletes them).
 */
dropped_conversations: number, };

export type StayAction = { "kind": "assign", 
/**
 * The room's id on the server.
 */
room_id: number, } | { "kind": "move", 
/**
 * The room's id on the server.
 */
room_id: number, } | { "kind": "unassign" } | { "kind": "check_in" } | { "kind": "check_out" };

export type DeskRoom = { 
/**
 * The room's id on the server (a check-out names it).
 */
id: number, 
/**
 * The number guests know it by.
 */
room_number: number, 
/**
 * Whether guests are in it.
 */
occupied: boolean, 
/**
 * Its guests' names.
 */
guests: Array<string>, 
/**
 * The earliest of its guests' `check_out_date` (`YYYY-MM-DD`), if any.
 */
check_out_date: string | null, };

export type DeskBooking = { 
/**
 * The booking's number (`BK-…`).
 */
booking_id: string, 
/**
 * The guest's name.
 */
guest: string, 
/**
 * The server's status (`CONFIRMED`, `PENDING_PAYMENT`, …).
 */
status: string, 
/**
 * Arrival and departure dates, `YYYY-MM-DD`.
 */
check_in: string, 
/**
 * See `check_in`.
 */
check_out: string, 
/**
 * Adults and children.
 */
guests: number, 
/**
 * The room type sold.
 */
room_type: string, };

export type OlderDeskDay = { 
/**
 * Rooms whose guests should have left before today, by number.
 */
due_out: Array<DeskRoom>, 
/**
 * Every room of the hotel, by number, occupied or free.
 */
rooms: Array<DeskRoom>, 
/**
 * Today's arrivals (`check_in` today), not cancelled.
 */
arrivals: Array<DeskBooking>, 
/**
 * Today's departures (`check_out` today), not cancelled.
 */
departures: Array<DeskBooking>, 
/**
 * When the rooms and the due-out list were last read (UTC), `None` before the first read.
 */
rooms_as_of: string | null, 
/**
 * When the bookings were last read (UTC).
 */
bookings_as_of: string | null, 
/**
 * Today, `YYYY-MM-DD`.
 */
today: string, 
/**
 * What this server does not have, in a sentence.
 */
lacks: string, 
/**
 * What a check-out deletes, for the confirmation.
 */
check_out_deletes: string, };

export type RoomCheckOut = { 
/**
 * What happened, in words for the person.
 */
message: string, 
/**
 * Guest conversations of the room this desk dropped (the server deleted them).
 */
dropped_conversations: number, };

/** Characters that change how text reads while showing nothing (inclusive code point
 * ranges), as the core's `reveal` marks them. */
export const DISGUISING_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00AD, 0x00AD],
  [0x034F, 0x034F],
  [0x061C, 0x061C],
  [0x115F, 0x1160],
  [0x17B4, 0x17B5],
  [0x180E, 0x180E],
  [0x200B, 0x200B],
  [0x200E, 0x200F],
  [0x202A, 0x202E],
  [0x2060, 0x206F],
  [0x3164, 0x3164],
  [0xFEFF, 0xFEFF],
  [0xFFA0, 0xFFA0],
  [0xFFF9, 0xFFFB],
  [0x1BCA0, 0x1BCA3],
  [0x1D173, 0x1D17A],
  [0xE0000, 0xE007F]
];

/** An emoji flag's tag sequence: the black flag, tags, then the cancel tag. */
export const FLAG_SEQUENCE = { base: 0x1F3F4, cancel: 0xE007F } as const;

// The only file that talks to the Tauri shell. Everything else imports from here, so the shell
// could be swapped without touching the screens.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { ASKS_THE_SERVER, type CommandName, type Commands } from "./commands.generated";
import { serverWait } from "./serverWait.svelte";
import type {
  AreaStatus,
  View,
  ComputerSettings,
  SystemSettings,
  SystemLocale,
  Conflict,
  UnsentWork,
  ConversationFilter,
  ConversationList,
  ConversationSort,
  TextPart,
  ThreadView,
  FieldProblem,
  OfferPatch,
  ConnectionStatus,
  DeskEvent,
  DeskInfo,
  Offer,
  OutboxSummary,
  Resolution,
  SessionInfo,
  SignInRequest,
  ResourceKind,
  DisplayContent,
  DisplaySettings,
  DisplaySettingsChange,
  LeaveDisplay,
  DisplayReport,
  Crop,
  GalleryPatch,
  HotelImageSlot,
  ImagePatch,
  PicturesOverview,
  RoomTypePatch,
  TeamBoard,
  ToastSetting,
  UiError,
  FieldValues,
} from "./generated";

export type { UpdateSettings, UpdateStatus } from "./generated";
export type { SavedReply, SavedReplies, FilledReply, ImportOutcome, FieldValues } from "./generated";
export type { DisplayHealth, DisplayReport, NotLiveSpan, ShownSlide } from "./generated";
export type { ScanSites, TrustedSite, WaitingSite } from "./generated";
export type {
  AreaStatus,
  SystemSettings,
  SystemLocale,
  UnsentWork,
  AttachmentView,
  ChatMessageView,
  ComputerSettings,
  ConversationFilter,
  ConversationList,
  ConversationSort,
  ConversationView,
  RoomCount,
  DeskInfo,
  HitPiece,
  MessageHit,
  MessageSearch,
  MessageStatus,
  ReplyPreview,
  TextPart,
  ThreadView,
  OfferPatch,
  ResourceKind,
  ToastSetting,
  Conflict,
  ConnectionStatus,
  OfflineCause,
  DeskEvent,
  FieldConflict,
  Offer,
  OutboxSummary,
  PusherEndpoint,
  Resolution,
  RowSync,
  SessionInfo,
  SignInAgain,
  SignInRequest,
  DisplayContent,
  DisplaySettings,
  DisplaySettingsChange,
  LeaveDisplay,
  SlideChange,
  SlideImage,
  ScanCode,
  OpeningHours,
  OpeningState,
  Crop,
  GalleryImageView,
  GalleryPatch,
  GalleryView,
  HotelImageSlot,
  ImagePatch,
  RoomTypePatch,
  UploadState,
  UploadView,
  HotelImageView,
  ImageSource,
  PicturesOverview,
  RoomTypeView,
  TeamBoard,
  TeamGroup,
  TeamMember,
  UiError,
  Generation,
} from "./generated";

/** The editable fields of an offer (API.md §3.1). */
export type OfferFields = Pick<
  Offer,
  | "title"
  | "short_description"
  | "details_text"
  | "details_html"
  | "valid_from"
  | "valid_to"
  | "tag"
  | "book_now_url"
  | "sort_order"
  | "is_active"
>;

/** The size a picture is shown at: the most the window ever decodes for it (issue 63.1). The
 *  desk renders it there itself; the window never decodes a sender's file. A list's or a chat's
 *  picture (480 px), a picture in a pane (1280 px), a whole screen (2560 px: the lightbox, the
 *  reception display). */
export type ShownSize = "thumbnail" | "pane" | "screen";

/** The address the webview loads an image from: the desk's own image cache (the shell's
 *  `hmimg:` scheme), which fetches it once and keeps it, so every photo shows offline, and
 *  hands the window its own rendering of it at `size`. */
export function shownImage(url: string, size: ShownSize): string {
  return `${convertFileSrc(url, "hmimg")}?size=${size}`;
}

/** Turns whatever a command rejected with into a UiError the screens can show. */
export function asUiError(error: unknown): UiError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    return error as UiError;
  }
  return { code: "internal", field: null, message: String(error) };
}

type Plain = { [K in CommandName]: Commands[K]["args"] extends "raw" ? never : K }[CommandName];
type Raw = Exclude<CommandName, Plain>;
type ArgsOf<K extends Plain> = Commands[K]["args"] extends null ? [] : [Commands[K]["args"]];
/** A command that takes nothing and answers a view, or `null` before it was read: a screen's
 *  read of what the desk keeps (`ViewStore`). */
export type ViewCommand = {
  [K in Plain]: Commands[K]["args"] extends null ? (null extends Commands[K]["result"] ? K : never) : never;
}[Plain];
/** What a command answers. */
export type ResultOf<K extends CommandName> = Commands[K]["result"];
type HeadersOf<K extends Raw> = Omit<Extract<Commands[K], { headers: unknown }>["headers"], "file-name">;

/** Calls a command with its arguments as the shell declares them (commands.generated.ts, written
 *  from the Rust handlers): a renamed argument or a changed result fails the type check. A
 *  failure rejects with a UiError. One that waits for the hotel's server says so after a moment
 *  (`serverWait`). */
export async function call<K extends Plain>(command: K, ...args: ArgsOf<K>): Promise<Commands[K]["result"]> {
  const answered = ASKS_THE_SERVER.has(command) ? serverWait.begin() : null;
  try {
    return await invoke<Commands[K]["result"]>(command, args[0] ?? undefined);
  } catch (error) {
    throw asUiError(error);
  } finally {
    answered?.();
  }
}

/** The one way a file reaches the shell: its bytes as the raw request body (no JSON encoding of
 *  a large image); its name and the command's `headers` go as headers, URI-encoded. */
async function upload<K extends Raw>(command: K, file: File, headers: HeadersOf<K>): Promise<Commands[K]["result"]> {
  const bytes = await readFile(file);
  const encoded: Record<string, string> = { "file-name": encodeURIComponent(file.name) };
  for (const [name, value] of Object.entries(headers as Record<string, string | undefined>)) {
    if (value !== undefined) encoded[name] = encodeURIComponent(value);
  }
  try {
    return await invoke<Commands[K]["result"]>(command, bytes, { headers: encoded });
  } catch (error) {
    throw asUiError(error);
  }
}

/** A picked file's bytes. A file that is not there (a path typed wrong in the file dialog, or
 *  moved since it was picked) is said in words, not as the web view's "The object can not be
 *  found here.". */
async function readFile(file: File): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    const missing = error instanceof DOMException && error.name === "NotFoundError";
    const failure: UiError = {
      code: "file_unavailable",
      field: "file",
      message: missing
        ? `There is no file “${file.name}” where it was picked: check its name and folder, then choose it again.`
        : `“${file.name}” cannot be read (${error instanceof Error ? error.message : String(error)}); choose it again.`,
    };
    throw failure;
  }
}

/** The `crop` header: the part of the picture to keep, as fractions of its size. */
function cropHeader(crop: Crop | null): { crop?: string } {
  return crop ? { crop: JSON.stringify(crop) } : {};
}

export const backend = {
  resumeSession: () => call("session_resume"),
  currentSession: () => call("session_current"),
  signIn: (request: SignInRequest) => call("sign_in", { request }),
  signInDemo: () => call("sign_in_demo"),
  /** Signs out; with work not yet sent, only when `discard` (else an `unsent_work` error). */
  signOut: (discard: boolean) => call("sign_out", { discard }),
  unsentWork: () => call("unsent_work"),
  deskInfo: () => call("desk_info"),
  computerSettings: () => call("computer_settings"),
  /** What this computer's IT presets in the system settings file (the sign-in form shows it). */
  systemSettings: () => call("system_settings"),
  /** The locale and time zone this computer writes dates and times in. */
  systemLocale: () => call("system_locale"),
  setCloseToTray: (on: boolean) => call("set_close_to_tray", { on }),
  /** After how many minutes of waiting a guest is reminded of (0: never). */
  setGuestWaitReminder: (minutes: number) => call("set_guest_wait_reminder", { minutes }),
  /** The person opened the screen of `view`: what no live event announces is read if old. */
  lookingAt: (view: View) => call("looking_at", { view }),
  /** The person opened a screen that reads nothing of its own. */
  lookingAway: () => call("looking_away"),
  /** This page is alive (every 2 s): a shown page silent for 10 s is loaded again. */
  pageAlive: () => call("page_alive"),
  /** Quits the desk (Ctrl+Q), as the tray's Quit does. */
  quitDesk: () => call("quit_desk"),
  /** The update feed in effect and whether IT locked it. */
  updateSettings: () => call("update_settings"),
  /** Sets this person's update feed (`null`: IT's, if any). */
  setUpdateFeed: (feed: string | null) => call("set_update_feed", { feed }),
  /** What the About box says about updates now (also while downloading). */
  updateStatus: () => call("update_status"),
  /** Looks at the feed for a newer version; the status says what happened, never throws for it. */
  checkForUpdate: () => call("check_for_update"),
  /** Downloads, verifies and installs the offered version, or says what to ask IT. */
  installUpdate: () => call("install_update"),
  setStartAtLogin: (on: boolean) => call("set_start_at_login", { on }),
  connectionStatus: () => call("connection_status"),
  storageFullSince: () => call("storage_full_since"),
  unavailableAreas: () => call("unavailable_areas"),
  openReceptionDisplay: () => call("open_reception_display"),
  offers: () => call("offers_list"),
  createOffer: (fields: OfferPatch) => call("offer_create", { fields }),
  updateOffer: (id: number, changes: OfferPatch) => call("offer_update", { id, changes }),
  checkOffer: (id: number | null, fields: OfferPatch) => call("offer_check", { id, fields }),
  reorderOffers: (ids: number[]) => call("offers_reorder", { ids }),
  deleteOffer: (id: number) => call("offer_delete", { id }),
  /** Sends the file's bytes as the raw request body (no JSON encoding of a large image). */
  setOfferPhoto: (id: number, file: File) => upload("offer_set_photo", file, { "offer-id": String(id) }),
  toastSettings: () => call("toast_settings"),
  muteToasts: (category: ResourceKind, muted: boolean) => call("toast_mute", { category, muted }),
  sanitizeHtml: (html: string) => call("sanitize_html", { html }),
  clearOfferPhoto: (id: number) => call("offer_clear_photo", { id }),
  outboxSummary: () => call("outbox_summary"),
  conflicts: () => call("conflicts_list"),
  resolveConflict: (seq: number, resolution: Resolution) => call("conflict_resolve", { seq, resolution }),
  pictures: () => call("pictures_overview"),
  createGallery: (fields: GalleryPatch) => call("gallery_create", { fields }),
  updateGallery: (id: number, changes: GalleryPatch) => call("gallery_update", { id, changes }),
  deleteGallery: (id: number) => call("gallery_delete", { id }),
  deleteGalleryImage: (id: number) => call("gallery_image_delete", { id }),
  /** Changes one thing about a gallery image: its caption, its alt text or its featured flag. */
  editGalleryImage: (id: number, patch: ImagePatch) => call("gallery_image_edit", { id, patch }),
  /** Adds a picked or dropped file to a gallery (raw body). The core prepares it first (resizes
   *  it, which takes up to a second for a big photo); resolves to the upload's number. */
  addGalleryImage: (galleryId: number, file: File) =>
    upload("gallery_image_add", file, { "gallery-id": String(galleryId) }),
  /** Stops an upload; false when it had already finished. */
  cancelUpload: (upload: number) => call("gallery_upload_cancel", { upload }),
  /** Sends a refused upload again. */
  retryUpload: (upload: number) => call("gallery_upload_retry", { upload }),
  reorderGalleryImages: (gallery: number, ids: number[]) =>
    call("gallery_images_reorder", { gallery, ids }),
  reorderGalleries: (ids: number[]) => call("galleries_reorder", { ids }),
  createRoomType: (fields: RoomTypePatch) => call("room_type_create", { fields }),
  updateRoomType: (id: number, changes: RoomTypePatch) => call("room_type_update", { id, changes }),
  deleteRoomType: (id: number) => call("room_type_delete", { id }),
  reorderRoomTypes: (ids: number[]) => call("room_types_reorder", { ids }),
  /** A room type's new photo (raw body), cut to `crop` when given. */
  setRoomTypePhoto: (id: number, file: File, crop: Crop | null) =>
    upload("room_type_set_photo", file, { "room-type-id": String(id), ...cropHeader(crop) }),
  /** A hotel image slot's new image (raw body), cut to `crop` when given. */
  setHotelImage: (slot: HotelImageSlot, file: File, crop: Crop | null) =>
    upload("hotel_image_set", file, { slot, ...cropHeader(crop) }),
  displayContent: () => call("display_content"),
  displaySettings: () => call("display_settings"),
  setDisplaySettings: (settings: DisplaySettingsChange) => call("display_settings_set", { settings }),
  displayScanSites: () => call("display_scan_sites"),
  confirmScanSite: (site: string) => call("display_confirm_scan_site", { site }),
  forgetScanSite: (site: string) => call("display_forget_scan_site", { site }),
  /** `null` removes the PIN; the core accepts 4 to 8 digits. */
  setDisplayPin: (pin: string | null) => call("display_set_pin", { pin }),
  /** The names of the screens connected to this computer. */
  displayMonitors: () => call("display_monitors"),
  /** Every IANA time zone name. */
  timeZones: () => call("time_zones"),
  /** From the display window, with the PIN (works offline) or a staff sign-in of this hotel
   *  (needs the server): on success the shell closes it and shows the desk. */
  leaveDisplay: (credentials: LeaveDisplay) => call("display_leave", { credentials }),
  /** Whether the display shows now (its opening hours); from the display window, the desktop
   *  may blank the screen while it sleeps. */
  displayOpening: (fromDisplay: boolean) => call("display_opening", { fromDisplay }),
  /** Wakes a sleeping display for half an hour with the PIN or a staff sign-in. */
  wakeDisplay: (credentials: LeaveDisplay) => call("display_wake", { credentials }),
  /** From the display window: whether it is live and the slide on screen, for the Overview. */
  displayReport: (report: DisplayReport) => call("display_report", { report }),
  /** How this computer's display has been since the desk started (its last showing). */
  displayHealth: () => call("display_health"),
  /** The places of the texts `query` finds among `texts`, best first: the core's one search
   *  rule, for lists a screen holds (never a rule of the screen's own). */
  findIn: (query: string, texts: string[]) => call("find_in", { query, texts }),
  teamBoard: (query: string) => call("team_board", { query }),
  clockToggle: () => call("clock_toggle"),
  chatConversations: (filter: ConversationFilter, query: string, sort: ConversationSort, room: string | null) =>
    call("chat_conversations", { filter, query, sort, room }),
  chatSearch: (query: string) => call("chat_search", { query }),
  chatThread: (conversationId: number, limit: number) => call("chat_thread", { conversationId, limit }),
  chatSend: (conversationId: number, message: string, replyTo: number | null) =>
    call("chat_send", { conversationId, message, replyTo }),
  /** Sends the file's bytes as the raw request body, like an offer photo. */
  chatAttach: (conversationId: number, file: File, message: string) =>
    upload("chat_attach", file, { "conversation-id": String(conversationId), message }),
  chatEdit: (messageId: number, message: string) => call("chat_edit", { messageId, message }),
  chatDelete: (messageId: number) => call("chat_delete", { messageId }),
  /** The thread shown in a focused window (null: none); the core marks it read while so. */
  chatViewing: (conversationId: number | null) => call("chat_viewing", { conversationId }),
  chatMarkRead: (conversationId: number) => call("chat_mark_read", { conversationId }),
  /** Keeps what is typed in a conversation's reply box (empty: clears it). */
  chatSetDraft: (conversationId: number, text: string) => call("chat_set_draft", { conversationId, text }),
  /** Every conversation's draft, kept across a restart. */
  chatDrafts: () => call("chat_drafts"),
  chatClaim: (conversationId: number) => call("chat_claim", { conversationId }),
  /** This computer's saved replies (IT's where its file locks them). */
  savedReplies: () => call("chat_saved_replies"),
  saveReply: (id: number | null, name: string, text: string) => call("chat_save_reply", { id, name, text }),
  deleteSavedReply: (id: number) => call("chat_delete_saved_reply", { id }),
  restoreSavedReply: (id: number) => call("chat_restore_saved_reply", { id }),
  orderSavedReplies: (ids: number[]) => call("chat_order_saved_replies", { ids }),
  fillSavedReply: (id: number, values: FieldValues) => call("chat_fill_saved_reply", { id, values }),
  /** Resolves to where the file was written. */
  exportSavedReplies: () => call("chat_export_saved_replies"),
  importSavedReplies: (text: string) => call("chat_import_saved_replies", { text }),
  /** The whole text of a message the desk keeps only the start of (read from the server). */
  chatWholeMessage: (conversationId: number, messageId: number) =>
    call("chat_whole_message", { conversationId, messageId }),
  chatRetry: (seq: number) => call("chat_retry", { seq }),
  chatDiscard: (seq: number) => call("chat_discard", { seq }),
  /** Saves an attachment to the computer; resolves to where it was saved. */
  chatSaveAttachment: (url: string, name: string) => call("chat_save_attachment", { url, name }),
  /** Opens a link in the computer's browser (never in the desk's window). */
  openLink: (url: string) => call("open_link", { url }),
  /** A moment for `cargo xtask bench app` (written only when the desk was started for it). */
  benchMark: (name: string) => call("bench_mark", { name }),
  onEvent: (handler: (event: DeskEvent) => void): Promise<UnlistenFn> =>
    listen<DeskEvent>("desk-event", (message) => handler(message.payload)),
};

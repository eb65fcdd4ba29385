// The only file that talks to the Tauri shell. Everything else imports from here, so the shell
// could be swapped without touching the screens.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { CommandName } from "./commands.generated";
import type {
  AreaStatus,
  ComputerSettings,
  SystemSettings,
  Conflict,
  UnsentWork,
  ConversationFilter,
  ConversationList,
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
  Crop,
  GalleryPatch,
  HotelImageSlot,
  ImagePatch,
  PicturesOverview,
  RoomTypePatch,
  TeamBoard,
  ToastSetting,
  UiError,
} from "./generated";

export type {
  AreaStatus,
  SystemSettings,
  UnsentWork,
  AttachmentView,
  ChatMessageView,
  ComputerSettings,
  ConversationFilter,
  ConversationList,
  ConversationView,
  DeskInfo,
  MessageStatus,
  ReplyPreview,
  TextPart,
  ThreadView,
  OfferPatch,
  ResourceKind,
  ToastSetting,
  Conflict,
  ConnectionStatus,
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
  SlideImage,
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

/** The address the webview loads an image from: the desk's own image cache (the shell's
 *  `hmimg:` scheme), which fetches it once and keeps it, so every photo shows offline. */
export function shownImage(url: string): string {
  return convertFileSrc(url, "hmimg");
}

/** Turns whatever a command rejected with into a UiError the screens can show. */
export function asUiError(error: unknown): UiError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    return error as UiError;
  }
  return { code: "internal", field: null, message: String(error) };
}

async function call<T>(command: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw asUiError(error);
  }
}

/** Sends a file's bytes as the raw request body (no JSON encoding of a large image); the file
 *  name and `headers` go as headers, URI-encoded. */
async function rawCall<T>(command: CommandName, file: File, headers: Record<string, string>): Promise<T> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const encoded: Record<string, string> = { "file-name": encodeURIComponent(file.name) };
  for (const [name, value] of Object.entries(headers)) encoded[name] = encodeURIComponent(value);
  try {
    return await invoke<T>(command, bytes, { headers: encoded });
  } catch (error) {
    throw asUiError(error);
  }
}

/** The `crop` header: the part of the picture to keep, as fractions of its size. */
function cropHeader(crop: Crop | null): Record<string, string> {
  return crop ? { crop: JSON.stringify(crop) } : {};
}

export const backend = {
  resumeSession: () => call<SessionInfo | null>("session_resume"),
  currentSession: () => call<SessionInfo | null>("session_current"),
  signIn: (request: SignInRequest) => call<SessionInfo>("sign_in", { request }),
  signInDemo: () => call<SessionInfo>("sign_in_demo"),
  /** Signs out; with work not yet sent, only when `discard` (else an `unsent_work` error). */
  signOut: (discard: boolean) => call<void>("sign_out", { discard }),
  unsentWork: () => call<UnsentWork>("unsent_work"),
  deskInfo: () => call<DeskInfo>("desk_info"),
  computerSettings: () => call<ComputerSettings>("computer_settings"),
  /** What this computer's IT presets in the system settings file (the sign-in form shows it). */
  systemSettings: () => call<SystemSettings>("system_settings"),
  setCloseToTray: (on: boolean) => call<ComputerSettings>("set_close_to_tray", { on }),
  setStartAtLogin: (on: boolean) => call<ComputerSettings>("set_start_at_login", { on }),
  connectionStatus: () => call<ConnectionStatus>("connection_status"),
  unavailableAreas: () => call<AreaStatus[]>("unavailable_areas"),
  openReceptionDisplay: () => call<void>("open_reception_display"),
  offers: () => call<Offer[]>("offers_list"),
  createOffer: (fields: OfferPatch) => call<Offer>("offer_create", { fields }),
  updateOffer: (id: number, changes: OfferPatch) => call<Offer>("offer_update", { id, changes }),
  checkOffer: (id: number | null, fields: OfferPatch) => call<FieldProblem[]>("offer_check", { id, fields }),
  reorderOffers: (ids: number[]) => call<Offer[]>("offers_reorder", { ids }),
  deleteOffer: (id: number) => call<void>("offer_delete", { id }),
  /** Sends the file's bytes as the raw request body (no JSON encoding of a large image). */
  setOfferPhoto: async (id: number, file: File): Promise<Offer> => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      const command: CommandName = "offer_set_photo";
      return await invoke<Offer>(command, bytes, {
        headers: { "offer-id": String(id), "file-name": encodeURIComponent(file.name) },
      });
    } catch (error) {
      throw asUiError(error);
    }
  },
  toastSettings: () => call<ToastSetting[]>("toast_settings"),
  muteToasts: (category: ResourceKind, muted: boolean) => call<ToastSetting[]>("toast_mute", { category, muted }),
  sanitizeHtml: (html: string) => call<string>("sanitize_html", { html }),
  clearOfferPhoto: (id: number) => call<Offer>("offer_clear_photo", { id }),
  outboxSummary: () => call<OutboxSummary>("outbox_summary"),
  conflicts: () => call<Conflict[]>("conflicts_list"),
  resolveConflict: (seq: number, resolution: Resolution) => call<void>("conflict_resolve", { seq, resolution }),
  pictures: () => call<PicturesOverview>("pictures_overview"),
  createGallery: (fields: GalleryPatch) => call<PicturesOverview>("gallery_create", { fields }),
  updateGallery: (id: number, changes: GalleryPatch) => call<PicturesOverview>("gallery_update", { id, changes }),
  deleteGallery: (id: number) => call<PicturesOverview>("gallery_delete", { id }),
  deleteGalleryImage: (id: number) => call<PicturesOverview>("gallery_image_delete", { id }),
  /** Changes one thing about a gallery image: its caption, its alt text or its featured flag. */
  editGalleryImage: (id: number, patch: ImagePatch) => call<PicturesOverview>("gallery_image_edit", { id, patch }),
  /** Adds a picked or dropped file to a gallery (raw body). The core prepares it first (resizes
   *  it, which takes up to a second for a big photo); resolves to the upload's number. */
  addGalleryImage: (galleryId: number, file: File): Promise<number> =>
    rawCall<number>("gallery_image_add", file, { "gallery-id": String(galleryId) }),
  /** Stops an upload; false when it had already finished. */
  cancelUpload: (upload: number) => call<boolean>("gallery_upload_cancel", { upload }),
  /** Sends a refused upload again. */
  retryUpload: (upload: number) => call<PicturesOverview>("gallery_upload_retry", { upload }),
  reorderGalleryImages: (gallery: number, ids: number[]) =>
    call<PicturesOverview>("gallery_images_reorder", { gallery, ids }),
  reorderGalleries: (ids: number[]) => call<PicturesOverview>("galleries_reorder", { ids }),
  createRoomType: (fields: RoomTypePatch) => call<PicturesOverview>("room_type_create", { fields }),
  updateRoomType: (id: number, changes: RoomTypePatch) => call<PicturesOverview>("room_type_update", { id, changes }),
  deleteRoomType: (id: number) => call<PicturesOverview>("room_type_delete", { id }),
  reorderRoomTypes: (ids: number[]) => call<PicturesOverview>("room_types_reorder", { ids }),
  /** A room type's new photo (raw body), cut to `crop` when given. */
  setRoomTypePhoto: (id: number, file: File, crop: Crop | null): Promise<PicturesOverview> =>
    rawCall<PicturesOverview>("room_type_set_photo", file, { "room-type-id": String(id), ...cropHeader(crop) }),
  /** A hotel image slot's new image (raw body), cut to `crop` when given. */
  setHotelImage: (slot: HotelImageSlot, file: File, crop: Crop | null): Promise<PicturesOverview> =>
    rawCall<PicturesOverview>("hotel_image_set", file, { slot, ...cropHeader(crop) }),
  displayContent: () => call<DisplayContent>("display_content"),
  displaySettings: () => call<DisplaySettings>("display_settings"),
  setDisplaySettings: (settings: DisplaySettingsChange) => call<DisplaySettings>("display_settings_set", { settings }),
  /** `null` removes the PIN; the core accepts 4 to 8 digits. */
  setDisplayPin: (pin: string | null) => call<DisplaySettings>("display_set_pin", { pin }),
  /** The names of the screens connected to this computer. */
  displayMonitors: () => call<string[]>("display_monitors"),
  /** Every IANA time zone name. */
  timeZones: () => call<string[]>("time_zones"),
  /** From the display window, with the PIN (works offline) or a staff sign-in of this hotel
   *  (needs the server): on success the shell closes it and shows the desk. */
  leaveDisplay: (credentials: LeaveDisplay) => call<void>("display_leave", { credentials }),
  teamBoard: (query: string) => call<TeamBoard>("team_board", { query }),
  clockToggle: () => call<SessionInfo>("clock_toggle"),
  chatConversations: (filter: ConversationFilter, query: string) =>
    call<ConversationList>("chat_conversations", { filter, query }),
  chatThread: (conversationId: number, limit: number) => call<ThreadView>("chat_thread", { conversationId, limit }),
  chatSend: (conversationId: number, message: string, replyTo: number | null) =>
    call<ThreadView>("chat_send", { conversationId, message, replyTo }),
  /** Sends the file's bytes as the raw request body, like an offer photo. */
  chatAttach: async (conversationId: number, file: File, message: string): Promise<ThreadView> => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      const command: CommandName = "chat_attach";
      return await invoke<ThreadView>(command, bytes, {
        headers: {
          "conversation-id": String(conversationId),
          "file-name": encodeURIComponent(file.name),
          message: encodeURIComponent(message),
        },
      });
    } catch (error) {
      throw asUiError(error);
    }
  },
  chatEdit: (messageId: number, message: string) => call<ThreadView>("chat_edit", { messageId, message }),
  chatDelete: (messageId: number) => call<ThreadView>("chat_delete", { messageId }),
  /** The thread shown in a focused window (null: none); the core marks it read while so. */
  chatViewing: (conversationId: number | null) => call<void>("chat_viewing", { conversationId }),
  chatClaim: (conversationId: number) => call<ThreadView>("chat_claim", { conversationId }),
  /** The whole text of a message the desk keeps only the start of (read from the server). */
  chatWholeMessage: (conversationId: number, messageId: number) =>
    call<TextPart[]>("chat_whole_message", { conversationId, messageId }),
  chatRetry: (seq: number) => call<ThreadView>("chat_retry", { seq }),
  chatDiscard: (seq: number) => call<ThreadView>("chat_discard", { seq }),
  /** Saves an attachment to the computer; resolves to where it was saved. */
  chatSaveAttachment: (url: string, name: string) => call<string>("chat_save_attachment", { url, name }),
  /** Opens a link in the computer's browser (never in the desk's window). */
  openLink: (url: string) => call<void>("open_link", { url }),
  onEvent: (handler: (event: DeskEvent) => void): Promise<UnlistenFn> =>
    listen<DeskEvent>("desk-event", (message) => handler(message.payload)),
};

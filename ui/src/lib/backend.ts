// The only file that talks to the Tauri shell, and only the stores import it: `call` and
// `upload`, typed by the generated command table (commands.generated.ts, written from the Rust
// handlers), and `onEvent`. A component reads from and writes through its feature's store
// (features/<feature>/), never from here (guard.test.ts).
import { invoke } from "@tauri-apps/api/core";
import { asUiError } from "./errors";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { ASKS_THE_SERVER, type CommandName, type Commands } from "./commands.generated";
import { serverWait } from "./serverWait.svelte";
import type { Crop, DeskEvent, UiError } from "./generated";

export type { UpdateSettings, UpdateStatus } from "./generated";
export type { SavedReply, SavedReplies, FilledReply, ImportOutcome, FieldValues } from "./generated";
export type { DisplayHealth, DisplayReport, NotLiveSpan, ShownSlide } from "./generated";
export type { ScanSites, TrustedSite, WaitingSite } from "./generated";
export { asUiError } from "./errors";
export type { ShownSize } from "./images";
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


export type Plain = { [K in CommandName]: Commands[K]["args"] extends "raw" ? never : K }[CommandName];
type Raw = Exclude<CommandName, Plain>;
export type ArgsOf<K extends Plain> = Commands[K]["args"] extends null ? [] : [Commands[K]["args"]];
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
export async function upload<K extends Raw>(command: K, file: File, headers: HeadersOf<K>): Promise<Commands[K]["result"]> {
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
export function cropHeader(crop: Crop | null): { crop?: string } {
  return crop ? { crop: JSON.stringify(crop) } : {};
}

/** Every desk event the core announces (`desk-event`), to the stores (`tellStores`). */
export function onEvent(handler: (event: DeskEvent) => void): Promise<UnlistenFn> {
  return listen<DeskEvent>("desk-event", (message) => handler(message.payload));
}

/** The commands a feature's screens send, as its store lets them: one method per command,
 *  named as the command and typed by the generated table. Only a feature's store module makes
 *  one; a component imports its feature's store, never this file. */
export type Door<K extends Plain> = { readonly [C in K]: (...args: ArgsOf<C>) => Promise<ResultOf<C>> };

/** A feature's door to `names` (see `Door`). */
export function door<const K extends Plain>(names: readonly K[]): Door<K> {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of names) {
    methods[name] = (...args: unknown[]) => (call as (command: K, ...rest: unknown[]) => Promise<unknown>)(name, ...args);
  }
  return methods as unknown as Door<K>;
}

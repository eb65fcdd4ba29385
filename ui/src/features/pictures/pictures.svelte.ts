// The Pictures screen's state: the overview as the core has it (read again whenever the core
// says its view changed) and upload progress. Kept
// outside the screen so uploads and their progress carry on while another screen is shown.
import { type Crop, type DeskEvent, type PicturesOverview, type ResourceKind, type UiError, type ArgsOf, type Plain, type ResultOf, call, cropHeader, upload } from "../../lib/backend";
import type { HotelImageSlot } from "../../lib/generated";
import { asUiError } from "../../lib/errors";
import { onDeskEvent } from "../../lib/events";

/** Bytes sent of an upload's total. */
/** The commands that change pictures and answer the whole overview. */
export type OverviewCommand = {
  [K in Plain]: ResultOf<K> extends PicturesOverview ? (K extends "pictures_overview" ? never : K) : never;
}[Plain];

export type Sent = { sent: number; total: number };

type UploadProgress = Extract<DeskEvent, { type: "upload_progress" }>;

/** `map` with `key` at `sent` of `total`, or without it once everything is sent. */
function withSent<K extends string | number>(map: Record<K, Sent>, key: K, sent: number, total: number): Record<K, Sent> {
  if (total > 0 && sent < total) return { ...map, [key]: { sent, total } };
  const rest = { ...map };
  delete rest[key];
  return rest;
}

class PicturesState {
  overview = $state<PicturesOverview | null>(null);
  /** The last reload's failure. */
  error = $state<UiError | null>(null);
  /** The last change's failure that is not about one field (the screen's error line). */
  problem = $state<UiError | null>(null);
  /** Progress of every upload under way, by upload number (`UploadView.upload`). */
  byUpload = $state<Record<number, Sent>>({});
  /** Progress of room type photos, by room type id. */
  byRoomType = $state<Record<number, Sent>>({});
  /** Progress of the hotel image being sent (one at a time: the settings are one row). */
  settings = $state<Sent | null>(null);

  /** Answers are applied in the order they were asked for: an older reload that answers late
   *  never replaces what a newer change returned. */
  #asked = 0;
  #applied = 0;

  /** Temporary ids of rows created here and the ids the server gave them, both ways. */
  #origin = new Map<string, number>();

  async reload(): Promise<void> {
    const ticket = ++this.#asked;
    try {
      const next = await call("pictures_overview");
      this.#apply(ticket, next);
      if (ticket >= this.#applied) this.error = null;
    } catch (caught) {
      if (ticket > this.#applied) this.error = asUiError(caught);
    }
  }

  /** Makes a change (a command that answers the whole overview) and shows the overview it
   *  returns, newest asked wins: no screen reads the overview again after its own change.
   *  Rejects with its UiError. */
  async change<K extends OverviewCommand>(command: K, ...args: ArgsOf<K>): Promise<PicturesOverview> {
    return this.#changed(() => call(command, ...args));
  }

  /** A room type's new photo, cut to `crop` when given (the file's bytes as the body). */
  async setRoomTypePhoto(id: number, file: File, crop: Crop | null): Promise<PicturesOverview> {
    return this.#changed(() => upload("room_type_set_photo", file, { "room-type-id": String(id), ...cropHeader(crop) }));
  }

  /** A hotel image slot's new image, cut to `crop` when given. */
  async setHotelImage(slot: HotelImageSlot, file: File, crop: Crop | null): Promise<PicturesOverview> {
    return this.#changed(() => upload("hotel_image_set", file, { slot, ...cropHeader(crop) }));
  }

  async #changed(action: () => Promise<PicturesOverview>): Promise<PicturesOverview> {
    const ticket = ++this.#asked;
    const next = await action();
    this.#apply(ticket, next);
    return next;
  }

  /** Runs a change; a failure goes to the screen's error line. True when it was made. */
  async run<K extends OverviewCommand>(command: K, ...args: ArgsOf<K>): Promise<boolean> {
    try {
      await this.change(command, ...args);
      this.problem = null;
      return true;
    } catch (caught) {
      this.problem = asUiError(caught);
      return false;
    }
  }

  #apply(ticket: number, next: PicturesOverview): void {
    if (ticket < this.#applied) return;
    this.#applied = ticket;
    this.overview = next;
    // Progress of an upload that finished, was cancelled or was refused is forgotten. (Not of
    // one this answer shows waiting: the answer may have been read before its bytes left, and
    // they are told only once.)
    const listed = new Set(
      next.galleries.flatMap((g) => g.uploads.filter((u) => u.state !== "refused").map((u) => u.upload)),
    );
    const kept = Object.entries(this.byUpload).filter(([upload]) => listed.has(Number(upload)));
    if (kept.length !== Object.keys(this.byUpload).length) this.byUpload = Object.fromEntries(kept);
  }

  /** A desk event: reloads when the overview's rows changed (once it has been read). */
  handle(event: DeskEvent): void {
    if (event.type === "view_changed" && event.view === "pictures") {
      if (this.overview) void this.reload();
    } else if (event.type === "outbox") {
      // An upload that could not be sent waits again: its row says so.
      if (this.overview) void this.reload();
    } else if (event.type === "upload_progress") {
      this.#progress(event);
    } else if (event.type === "id_assigned") {
      this.#origin.set(`${event.resource}:${event.id}`, this.keyOf(event.resource, event.temp_id));
    }
  }

  #progress(event: UploadProgress): void {
    const { resource, id, upload, sent, total } = event;
    if (resource === "settings") {
      this.settings = total > 0 && sent < total ? { sent, total } : null;
    } else if (resource === "room_types") {
      this.byRoomType = withSent(this.byRoomType, id, sent, total);
    } else if (resource === "galleries" || resource === "gallery_images") {
      // Kept at its end until the upload leaves the list: once every byte is on its way the
      // server still has to take it ("Saving…").
      if (total > 0) this.byUpload = { ...this.byUpload, [upload]: { sent, total } };
    }
  }

  /** The same key for a row before and after the server gives it its id, so what is open or
   *  typed for it is not re-created when that happens. */
  keyOf(resource: ResourceKind, id: number): number {
    return this.#origin.get(`${resource}:${id}`) ?? id;
  }
}

export const pictures = new PicturesState();
onDeskEvent((event) => pictures.handle(event));

/** A picked picture waiting for the user to choose the part to keep (the crop dialog). */
export type CropRequest = {
  file: File;
  /** Width / height of the place it goes. */
  aspect: number;
  /** The dialog's heading ("Crop the hero image"). */
  title: string;
  /** What it replaces, in words ("hero image"), for the banner. */
  label: string;
  /** The picture it replaces, as the overview has it now. */
  current: () => string | null;
  /** The picture it replaced when the dialog opened (or when the user chose to keep editing). */
  opened: string | null;
  save: (crop: Crop | null) => Promise<void>;
};

/** The first image among pasted or dropped files, if any. */
export function firstImage(files: FileList | File[] | null | undefined): File | null {
  return Array.from(files ?? []).find((file) => file.type.startsWith("image/") || file.type === "") ?? null;
}

/** Where Ctrl+V puts a pasted picture: the `data-paste` of the focused place that takes one,
 *  else of the one under the pointer ("slot:hero", "room:12"); null when neither. */
export function pasteTarget(): string | null {
  const focused = document.activeElement?.closest<HTMLElement>("[data-paste]");
  const hovered = Array.from(document.querySelectorAll<HTMLElement>("[data-paste]:hover")).pop();
  return (focused ?? hovered)?.dataset.paste ?? null;
}

// Photos added to a gallery, from the moment they are picked or dropped until the core has them
// as uploads (`GalleryView.uploads`): the core prepares each file (resizes it, up to a second
// for a big photo) one after the other, in the order they were picked (the order the core
// queues them in, and so their order in the gallery), the rest waiting their turn here. A file
// the core cannot take stays as a row with the reason until dismissed; it never holds back the
// others. Also counts each batch ("3 of 10 uploaded") until all of it has reached the server.
import { type GalleryView, type UiError, call, upload as sendFile } from "../../lib/backend";
import { asUiError } from "../../lib/errors";
import { pictures } from "./pictures.svelte";

/** Files handed to the core at once: one, so they are queued in the order picked (the uploads
 *  themselves still go several at a time). */
const MAX_PREPARING = 1;

/** A picked file the core does not have yet. */
export type LocalUpload = {
  /** Names the row on this screen only. */
  key: number;
  /** The gallery's key (`pictures.keyOf`), stable when the server gives a new gallery its id. */
  gallery: number;
  /** The id to send it to. */
  galleryId: number;
  file: File;
  /** An object URL of the file, for the preview. */
  preview: string;
  state: "preparing" | "failed";
  message: string | null;
  /** Handed to the core (`addGalleryImage` under way). */
  started: boolean;
  /** The core's number for it, once it took it (the row then gives way to the core's own). */
  upload: number | null;
};

/** The files of one gallery added while its previous ones were still on their way. */
type Batch = {
  /** Upload numbers of the batch's files the core took. */
  taken: number[];
};

/** How a gallery's batch is doing. */
export type BatchStatus = {
  uploaded: number;
  total: number;
  failed: number;
  refused: number;
  /** Some of it is still being prepared, waiting or being sent. */
  running: boolean;
};

class GalleryUploads {
  rows = $state<LocalUpload[]>([]);
  batches = $state<Record<number, Batch>>({});
  #nextKey = 1;
  #preparing = 0;

  /** Queues `files` for `gallery`. */
  add(gallery: GalleryView, files: Iterable<File>): void {
    const list = Array.from(files);
    if (list.length === 0) return;
    const key = pictures.keyOf("galleries", gallery.id);
    const current = this.batches[key];
    const running = current !== undefined && this.status(gallery)?.running === true;
    this.batches[key] = running && current ? current : { taken: [] };
    for (const file of list) {
      this.rows.push({
        key: this.#nextKey++,
        gallery: key,
        galleryId: gallery.id,
        file,
        preview: URL.createObjectURL(file),
        state: "preparing",
        message: null,
        started: false,
        upload: null,
      });
    }
    this.#pump();
  }

  /** The rows of `gallery` the core does not show yet, in the order they were added. */
  of(gallery: GalleryView): LocalUpload[] {
    const key = pictures.keyOf("galleries", gallery.id);
    const taken = new Set(gallery.uploads.map((upload) => upload.upload));
    return this.rows.filter((row) => row.gallery === key && (row.upload === null || !taken.has(row.upload)));
  }

  /** The batch counted from what the gallery shows: every photo on its way is in the total,
   *  also ones queued before this batch (after a restart, or an earlier batch still waiting).
   *  A file that could not be prepared is not on its way: it is counted apart, as needing the
   *  person's attention (it was counted in "1 of 3 uploaded" before, issue 36.10). */
  status(gallery: GalleryView): BatchStatus | null {
    const key = pictures.keyOf("galleries", gallery.id);
    const batch = this.batches[key];
    if (!batch) return null;
    const states = new Set(gallery.uploads.map((upload) => upload.upload));
    const uploaded = batch.taken.filter((n) => !states.has(n)).length;
    const refused = gallery.uploads.filter((upload) => upload.state === "refused").length;
    const moving = gallery.uploads.length - refused;
    const local = this.of(gallery);
    const preparing = local.filter((row) => row.state === "preparing").length;
    const failed = local.length - preparing;
    return {
      uploaded,
      total: uploaded + moving + refused + preparing,
      failed,
      refused,
      running: preparing > 0 || moving > 0,
    };
  }

  /** Forgets a batch that is over (its summary goes away). */
  finish(gallery: GalleryView): void {
    delete this.batches[pictures.keyOf("galleries", gallery.id)];
  }

  /** Drops a row not taken by the core: from the queue, or (while the core prepares it) its
   *  result is cancelled when it comes. A failed row is dismissed. */
  drop(key: number): void {
    if (!this.rows.some((r) => r.key === key)) return;
    this.#remove(key);
  }

  /** Stops an upload the core has; true when it was stopped (not already sent). */
  async cancel(gallery: GalleryView, upload: number): Promise<boolean> {
    const stopped = await call("gallery_upload_cancel", { upload });
    const batch = this.batches[pictures.keyOf("galleries", gallery.id)];
    if (stopped && batch?.taken.includes(upload)) {
      batch.taken = batch.taken.filter((n) => n !== upload);
    }
    await pictures.reload();
    return stopped;
  }

  #remove(key: number): void {
    const row = this.rows.find((r) => r.key === key);
    if (row) URL.revokeObjectURL(row.preview);
    this.rows = this.rows.filter((r) => r.key !== key);
  }

  #pump(): void {
    while (this.#preparing < MAX_PREPARING) {
      const next = this.rows.find((row) => row.state === "preparing" && !row.started);
      if (!next) return;
      next.started = true;
      this.#preparing += 1;
      void this.#prepare(next.key, next.gallery, next.galleryId, next.file).finally(() => {
        this.#preparing -= 1;
        this.#pump();
      });
    }
  }

  async #prepare(key: number, gallery: number, galleryId: number, file: File): Promise<void> {
    let upload: number;
    try {
      upload = await sendFile("gallery_image_add", file, { "gallery-id": String(galleryId) });
    } catch (caught) {
      const row = this.rows.find((r) => r.key === key);
      if (!row) return;
      row.state = "failed";
      row.message = asUiError(caught).message;
      return;
    }
    const row = this.rows.find((r) => r.key === key);
    if (row) {
      row.upload = upload;
      // The row gives way to the core's own once the overview has it (or it is already sent).
      await pictures.reload();
    }
    if (!this.rows.some((r) => r.key === key)) {
      // Cancelled while the core prepared it.
      await call("gallery_upload_cancel", { upload }).catch(() => false);
      await pictures.reload();
      return;
    }
    this.batches[gallery]?.taken.push(upload);
    this.#remove(key);
  }
}

export const uploads = new GalleryUploads();

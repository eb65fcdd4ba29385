// Photos added to a gallery, from the moment they are picked or dropped until the core has them
// as uploads (`GalleryView.uploads`): the core prepares each file (resizes it, up to a second
// for a big photo), at most two at once, the rest waiting their turn here. A file the core
// cannot take stays as a row with the reason until dismissed; it never holds back the others.
// Also counts each batch ("3 of 10 uploaded") until all of it has reached the server.
import { backend, type GalleryView, type UiError, asUiError } from "./backend";
import { pictures } from "./pictures.svelte";

/** Files handed to the core at once: two keep both cores busy without starving the window. */
const MAX_PREPARING = 2;

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
  total: number;
  /** Upload numbers of the batch's files the core took. */
  taken: number[];
  /** Files the core could not take (shown until dismissed). */
  failed: number;
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
    const batch: Batch = running && current ? current : { total: 0, taken: [], failed: 0 };
    batch.total += list.length;
    this.batches[key] = batch;
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

  status(gallery: GalleryView): BatchStatus | null {
    const key = pictures.keyOf("galleries", gallery.id);
    const batch = this.batches[key];
    if (!batch) return null;
    const states = new Map(gallery.uploads.map((upload) => [upload.upload, upload.state]));
    const uploaded = batch.taken.filter((n) => !states.has(n)).length;
    const refused = batch.taken.filter((n) => states.get(n) === "refused").length;
    const moving = batch.taken.length - uploaded - refused;
    const preparing = this.rows.some((row) => row.gallery === key && row.state === "preparing");
    return { uploaded, total: batch.total, failed: batch.failed, refused, running: preparing || moving > 0 };
  }

  /** Forgets a batch that is over (its summary goes away). */
  finish(gallery: GalleryView): void {
    delete this.batches[pictures.keyOf("galleries", gallery.id)];
  }

  /** Drops a row not taken by the core: from the queue, or (while the core prepares it) its
   *  result is cancelled when it comes. A failed row is dismissed. */
  drop(key: number): void {
    const row = this.rows.find((r) => r.key === key);
    if (!row) return;
    const batch = this.batches[row.gallery];
    if (batch) {
      batch.total = Math.max(0, batch.total - 1);
      if (row.state === "failed") batch.failed = Math.max(0, batch.failed - 1);
    }
    this.#remove(key);
  }

  /** Stops an upload the core has; true when it was stopped (not already sent). */
  async cancel(gallery: GalleryView, upload: number): Promise<boolean> {
    const stopped = await backend.cancelUpload(upload);
    const batch = this.batches[pictures.keyOf("galleries", gallery.id)];
    if (stopped && batch?.taken.includes(upload)) {
      batch.taken = batch.taken.filter((n) => n !== upload);
      batch.total = Math.max(0, batch.total - 1);
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
      upload = await backend.addGalleryImage(galleryId, file);
    } catch (caught) {
      const row = this.rows.find((r) => r.key === key);
      if (!row) return;
      row.state = "failed";
      row.message = asUiError(caught).message;
      const batch = this.batches[gallery];
      if (batch) batch.failed += 1;
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
      await backend.cancelUpload(upload).catch(() => false);
      await pictures.reload();
      return;
    }
    this.batches[gallery]?.taken.push(upload);
    this.#remove(key);
  }
}

export const uploads = new GalleryUploads();

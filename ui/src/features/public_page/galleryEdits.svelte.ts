// Changing the page's galleries and their photos (issue 65 item 4): each change goes to the core,
// which keeps it and sends it when the server can be reached; the page it answers is shown at
// once. Photos dropped together are handed to the core one by one in the order they were dropped
// (the core prepares each and keeps it; their places follow that order), and each one's progress
// comes from the core's `upload_progress` events. A delete (of a gallery or a photo) hides it at
// once and is undone as every delete of the page is (`lib/deleteWithUndo`).
import { call, upload } from "../../lib/backend";
import { DeleteWithUndo } from "../../lib/deleteWithUndo.svelte";
import { asUiError } from "../../lib/errors";
import { onDeskEvent } from "../../lib/events";
import type { DeskEvent, PageGallery, PageImage, PageImagePatch, PublicPage, UiError } from "../../lib/generated";
import { publicPage } from "./publicPage.svelte";

/** What a delete is about: a whole gallery, or one photo of one. */
export type Deleted = { kind: "gallery"; id: number; name: string } | { kind: "photo"; id: number; name: string };

/** Bytes sent of the total, per upload. */
export type Sent = { sent: number; total: number };

/** The photos of a gallery in the order `ids` asks for after a drag of `moved` onto `target`. */
export function dropped(ids: number[], moved: number, target: number): number[] {
  const from = ids.indexOf(moved);
  const to = ids.indexOf(target);
  if (from < 0 || to < 0 || from === to) return ids;
  const next = ids.filter((id) => id !== moved);
  next.splice(to, 0, moved);
  return next;
}

/** An upload's progress in words ("Waiting", "40 %", "Saving…"). */
export function progressNote(state: "waiting" | "sending" | "refused", sent: Sent | undefined): string {
  if (state === "refused") return "Not sent";
  if (state === "waiting" || !sent) return "Waiting to be sent";
  if (sent.sent >= sent.total) return "Saving…";
  return `${Math.floor((100 * sent.sent) / Math.max(sent.total, 1))} %`;
}

class GalleryEdits {
  /** Why the last change was refused. */
  problem = $state<UiError | null>(null);
  /** The delete the undo bar is about, and what the last undo did. */
  readonly deletes = new DeleteWithUndo<Deleted>({
    send: ({ kind, id }) =>
      this.#apply(() => call(kind === "gallery" ? "page_gallery_delete" : "page_gallery_image_delete", { id })),
    takeBack: async ({ kind, id }) =>
      (await call(kind === "gallery" ? "page_gallery_undo_delete" : "page_gallery_image_undo_delete", { id })).message,
    reload: () => publicPage.reload(),
    failed: (error) => (this.problem = error),
  });
  /** Progress of each upload on its way, by upload number. */
  byUpload = $state<Record<number, Sent>>({});

  /** A gallery's photos as the person sees them: without one deleted here. */
  photos(gallery: PageGallery): PageImage[] {
    const gone = this.deletes.item;
    return gallery.images.filter((i) => !(gone?.kind === "photo" && gone.id === i.id));
  }

  /** A section's galleries as the person sees them: without one deleted here. */
  galleries(galleries: PageGallery[]): PageGallery[] {
    const gone = this.deletes.item;
    return galleries.filter((g) => !(gone?.kind === "gallery" && gone.id === g.id));
  }

  async #apply(change: () => Promise<PublicPage>): Promise<void> {
    try {
      this.problem = null;
      publicPage.value = await change();
    } catch (caught) {
      this.problem = asUiError(caught);
    }
  }

  add(section: number, name: string): Promise<void> {
    return this.#apply(() => call("page_gallery_add", { section, name }));
  }

  rename(id: number, name: string): Promise<void> {
    return this.#apply(() => call("page_gallery_rename", { id, name }));
  }

  edit(id: number, patch: PageImagePatch): Promise<void> {
    return this.#apply(() => call("page_gallery_image_edit", { id, patch }));
  }

  move(gallery: number, id: number, by: -1 | 1): Promise<void> {
    return this.#apply(() => call("page_gallery_image_move", { gallery, id, by }));
  }

  /** A photo dragged onto another's place. */
  drop(gallery: PageGallery, moved: number, target: number): Promise<void> {
    const ids = dropped(this.photos(gallery).map((i) => i.id), moved, target);
    return this.#apply(() => call("page_gallery_images_reorder", { gallery: gallery.id, ids }));
  }

  /** Hands the files to the core one by one, in the order given; a refused one is said and
   *  the rest go on. */
  async addPhotos(gallery: number, files: File[]): Promise<void> {
    this.problem = null;
    for (const file of files) {
      try {
        await upload("page_gallery_photo_add", file, { "gallery-id": String(gallery) });
      } catch (caught) {
        this.problem = asUiError(caught);
      }
    }
    await publicPage.reload();
  }

  /** Deletes the gallery or photo after its undo time, unless undone (`lib/deleteWithUndo`). */
  requestDelete(what: Deleted): void {
    this.deletes.request(what);
  }

  /** A desk event: an upload's progress. */
  handle(event: DeskEvent): void {
    if (event.type === "upload_progress" && event.resource === "page_galleries" && event.total > 0) {
      this.byUpload = { ...this.byUpload, [event.upload]: { sent: event.sent, total: event.total } };
    }
  }
}

export const galleryEdits = new GalleryEdits();
onDeskEvent((event) => galleryEdits.handle(event));

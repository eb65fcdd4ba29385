// Changing the page's galleries and their photos (issue 65 item 4): each change goes to the core,
// which keeps it and sends it when the server can be reached; the page it answers is shown at
// once. Photos dropped together are handed to the core one by one in the order they were dropped
// (the core prepares each and keeps it; their places follow that order), and each one's progress
// comes from the core's `upload_progress` events. A delete (of a gallery or a photo) hides it at
// once and is handed to the core when its undo time is over; after that, Undo still takes it back
// while the core has not sent it, and says plainly when it is too late.
import { call, upload } from "../../lib/backend";
import { asUiError } from "../../lib/errors";
import { onDeskEvent } from "../../lib/events";
import type { DeskEvent, PageGallery, PageImage, PageImagePatch, PublicPage, SectionUndo, UiError } from "../../lib/generated";
import { publicPage } from "./publicPage.svelte";

/** How long a delete waits before it is handed to the core, in ms. */
export const UNDO_MS = 5000;

/** What a delete is about: a whole gallery, or one photo of one. */
export type Deleted = { kind: "gallery"; id: number; name: string } | { kind: "photo"; id: number; name: string };

type Waiting = { what: Deleted; timer: ReturnType<typeof setTimeout> | null };

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
  /** The delete the undo bar is about. */
  waiting = $state<Waiting | null>(null);
  /** What the last undo did, in words. */
  notice = $state<string | null>(null);
  /** Progress of each upload on its way, by upload number. */
  byUpload = $state<Record<number, Sent>>({});

  /** A gallery's photos as the person sees them: without one deleted here. */
  photos(gallery: PageGallery): PageImage[] {
    const gone = this.waiting?.what;
    return gallery.images.filter((i) => !(gone?.kind === "photo" && gone.id === i.id));
  }

  /** A section's galleries as the person sees them: without one deleted here. */
  galleries(galleries: PageGallery[]): PageGallery[] {
    const gone = this.waiting?.what;
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

  /** Hides the gallery or photo at once; it is deleted when the undo time is over (an earlier
   *  delete waiting is handed on now). */
  requestDelete(what: Deleted): void {
    void this.commit();
    this.notice = null;
    this.waiting = { what, timer: setTimeout(() => void this.commit(), UNDO_MS) };
  }

  /** Hands the waiting delete to the core now. */
  async commit(): Promise<void> {
    const target = this.waiting;
    if (!target?.timer) return;
    clearTimeout(target.timer);
    this.waiting = { what: target.what, timer: null };
    const { kind, id } = target.what;
    await this.#apply(() => call(kind === "gallery" ? "page_gallery_delete" : "page_gallery_image_delete", { id }));
  }

  /** Takes the delete back: before its time nothing was queued; after, the core says whether
   *  it was still waiting to be sent or is gone from the server. */
  async undo(): Promise<void> {
    const target = this.waiting;
    if (!target) return;
    this.waiting = null;
    if (target.timer) {
      clearTimeout(target.timer);
      this.notice = null;
      return;
    }
    try {
      const { kind, id } = target.what;
      const undone: SectionUndo = await call(
        kind === "gallery" ? "page_gallery_undo_delete" : "page_gallery_image_undo_delete",
        { id },
      );
      this.notice = undone.message;
      await publicPage.reload();
    } catch (caught) {
      this.problem = asUiError(caught);
    }
  }

  /** Closes the undo bar (the delete goes on). */
  dismiss(): void {
    void this.commit().then(() => {
      this.waiting = null;
    });
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

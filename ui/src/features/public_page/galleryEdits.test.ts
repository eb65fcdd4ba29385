// The galleries' edits as the screen lives them: photos dropped together are handed to the core
// one by one in the order they were dropped, a refused one said and the rest sent; a photo dragged
// onto another takes its place; a photo deleted here is hidden at once and handed to the core only
// when its undo time is over; an upload's progress is told in words. Only the Tauri IPC boundary
// is mocked (test/setup.ts); the undo time runs on Vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PageGallery, PageImage, PageSection, PublicPage } from "../../lib/generated";
import { UNDO_MS } from "../../lib/deleteWithUndo.svelte";
import { answer } from "../../test/setup";
import { publicPage } from "./publicPage.svelte";
import { dropped, galleryEdits, progressNote } from "./galleryEdits.svelte";

const image = (id: number): PageImage => ({ id, image_url: null, caption: `c${id}`, alt_text: "", sync: { state: "synced" } });

const gallery = (id: number, images: number[]): PageGallery => ({
  id,
  name: `g${id}`,
  images: images.map(image),
  uploads: [],
  sync: { state: "synced" },
});

const section: PageSection = {
  id: 4,
  name: "Gallery",
  position: 1,
  section_type: "gallery",
  type_label: "Gallery",
  hidden: false,
  style_variant: 1,
  styles: [],
  hero: null,
  galleries: [gallery(7, [1, 2, 3])],
  cards: [],
  sync: { state: "synced" },
};

const page: PublicPage = { editable: true, who_can_edit: "", sections: [section], stale_because: null };

beforeEach(() => {
  vi.useFakeTimers();
  galleryEdits.deletes.reset();
  galleryEdits.problem = null;
  publicPage.value = page;
});

afterEach(() => {
  vi.useRealTimers();
});

describe("photos dropped together", () => {
  it("are handed to the core one by one in the order dropped, a refused one said and the rest sent", async () => {
    const sent: string[] = [];
    answer({
      page_gallery_photo_add: (bytes) => {
        const text = new TextDecoder().decode(bytes as unknown as Uint8Array);
        sent.push(text);
        if (text === "b") throw { code: "not_an_image", field: "file", message: "b is not a picture" };
        return sent.length;
      },
      public_page: () => page,
    });
    const files = ["a", "b", "c"].map((name) => new File([name], `${name}.jpg`));
    await galleryEdits.addPhotos(7, files);
    expect(sent).toEqual(["a", "b", "c"]);
    expect(galleryEdits.problem?.message).toBe("b is not a picture");
  });
});

describe("a photo dragged onto another", () => {
  it("takes its place and the rest move along", () => {
    expect(dropped([1, 2, 3, 4], 4, 2)).toEqual([1, 4, 2, 3]);
    expect(dropped([1, 2, 3, 4], 1, 3)).toEqual([2, 3, 1, 4]);
    expect(dropped([1, 2, 3], 9, 2)).toEqual([1, 2, 3]);
  });

  it("sends the whole new order once", async () => {
    const asked = answer({ page_gallery_images_reorder: () => page });
    await galleryEdits.drop(gallery(7, [1, 2, 3]), 3, 1);
    expect(asked).toEqual([{ command: "page_gallery_images_reorder", args: { gallery: 7, ids: [3, 1, 2] } }]);
  });
});

describe("a photo deleted here", () => {
  it("is hidden at once and undone before its time with nothing asked of the core", async () => {
    const asked = answer({});
    galleryEdits.requestDelete({ kind: "photo", id: 2, name: "c2" });
    expect(galleryEdits.photos(section.galleries[0]!).map((i) => i.id)).toEqual([1, 3]);
    await galleryEdits.deletes.undo();
    expect(galleryEdits.photos(section.galleries[0]!).map((i) => i.id)).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(UNDO_MS * 2);
    expect(asked).toEqual([]);
  });

  it("is handed to the core after its time, and a gallery's delete likewise", async () => {
    const asked = answer({
      page_gallery_image_delete: () => page,
      page_gallery_delete: () => page,
      page_gallery_undo_delete: () => ({ undone: true, message: "The gallery and its photos are back; the delete was never sent." }),
      public_page: () => page,
    });
    galleryEdits.requestDelete({ kind: "photo", id: 2, name: "c2" });
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    galleryEdits.requestDelete({ kind: "gallery", id: 7, name: "g7" });
    expect(galleryEdits.galleries(section.galleries)).toEqual([]);
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    await galleryEdits.deletes.undo();
    expect(asked.map((a) => [a.command, a.args.id])).toEqual([
      ["page_gallery_image_delete", 2],
      ["page_gallery_delete", 7],
      ["page_gallery_undo_delete", 7],
      ["public_page", undefined],
    ]);
    expect(galleryEdits.deletes.notice).toContain("back");
  });
});

describe("an upload's progress", () => {
  it("is told in words from the core's events", () => {
    galleryEdits.handle({ type: "upload_progress", resource: "page_galleries", id: 7, upload: 31, sent: 40, total: 100 });
    expect(progressNote("sending", galleryEdits.byUpload[31])).toBe("40 %");
    expect(progressNote("sending", { sent: 100, total: 100 })).toBe("Saving…");
    expect(progressNote("waiting", undefined)).toBe("Waiting to be sent");
    expect(progressNote("refused", undefined)).toBe("Not sent");
  });
});

// The pictures store's rules: a change shows the overview it answers (no screen reads it again),
// the newest asked wins when answers cross, a refused change goes to the screen's error line.
// Only the Tauri IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { describe, expect, it } from "vitest";
import type { GalleryView, PicturesOverview } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { pictures } from "./pictures.svelte";

const overview = (...names: string[]): PicturesOverview =>
  ({
    hotel_images: [],
    room_types: [],
    galleries: names.map((name, index) => ({ id: index + 1, name, images: [], uploads: [] }) as unknown as GalleryView),
  }) as unknown as PicturesOverview;

const names = (): string[] => pictures.overview?.galleries.map((g) => g.name) ?? [];

describe("the pictures store", () => {
  it("shows the overview a change answers, without reading it again", async () => {
    const asked = answer({ gallery_update: () => overview("Rooftop bar") });
    await pictures.change("gallery_update", { id: 1, changes: { name: "Rooftop bar" } });
    expect(asked.map((a) => a.command)).toEqual(["gallery_update"]);
    expect(asked[0]?.args).toEqual({ id: 1, changes: { name: "Rooftop bar" } });
    expect(names()).toEqual(["Rooftop bar"]);
  });

  it("keeps the newest change's overview when an older answer arrives last", async () => {
    const older = later<PicturesOverview>();
    const newer = later<PicturesOverview>();
    const answers = [older, newer];
    answer({ galleries_reorder: () => answers.shift()?.promise });
    const first = pictures.change("galleries_reorder", { ids: [1, 2] });
    const second = pictures.change("galleries_reorder", { ids: [2, 1] });
    newer.resolve(overview("Spa", "Lobby"));
    await second;
    older.resolve(overview("Lobby", "Spa"));
    await first;
    expect(names()).toEqual(["Spa", "Lobby"]);
  });

  it("puts a refused change on the screen's error line and clears it on the next that works", async () => {
    answer({
      gallery_delete: () => {
        throw { code: "refused", field: null, message: "The gallery is in use." };
      },
    });
    expect(await pictures.run("gallery_delete", { id: 1 })).toBe(false);
    expect(pictures.problem?.message).toBe("The gallery is in use.");
    answer({ gallery_delete: () => overview() });
    expect(await pictures.run("gallery_delete", { id: 1 })).toBe(true);
    expect(pictures.problem).toBeNull();
  });

  it("reads the overview again when the core says it changed, once it was read", async () => {
    const asked = answer({ pictures_overview: () => overview("Garden") });
    await pictures.reload();
    pictures.handle({ type: "view_changed", view: "pictures" } as never);
    await Promise.resolve();
    expect(asked.map((a) => a.command)).toEqual(["pictures_overview", "pictures_overview"]);
  });
});

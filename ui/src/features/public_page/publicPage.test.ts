// The Public page screen's store: it reads the page when the core says its view changed, says
// what each section holds, and tells a person who may not change the page who can. Only the
// Tauri IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { describe, expect, it } from "vitest";
import type { PageSection, PublicPage } from "../../lib/generated";
import { answer } from "../../test/setup";
import { contents, publicPage, readOnlyNote } from "./publicPage.svelte";

const section = (over: Partial<PageSection>): PageSection => ({
  id: 1,
  name: "S",
  position: 0,
  section_type: "unknown",
  type_label: "Empty section",
  hidden: false,
  style_variant: 1,
  styles: [],
  hero: null,
  galleries: [],
  cards: [],
  sync: { state: "synced" },
  ...over,
});

const page = (editable: boolean): PublicPage => ({
  editable,
  who_can_edit: "Only the hotel's super staff admins can change the public page.",
  sections: [section({ section_type: "list", cards: [] })],
  stale_because: null,
});

describe("the public page store", () => {
  it("reads the page when its view changed, and not for another view", async () => {
    const asked = answer({ public_page: () => page(false) });
    publicPage.handle({ type: "view_changed", view: "offers" } as never);
    publicPage.handle({ type: "view_changed", view: "public_page" } as never);
    await Promise.resolve();
    await Promise.resolve();
    expect(asked.map((a) => a.command)).toEqual(["public_page"]);
    await publicPage.reload();
    expect(publicPage.value?.sections.length).toBe(1);
  });

  it("says what each section holds", () => {
    const synced = { state: "synced" } as const;
    const image = { id: 1, image_url: "http://x/a.jpg", caption: "", alt_text: "", sync: synced };
    expect(
      contents(section({ galleries: [
          { id: 1, name: "A", images: [image, image], uploads: [], sync: synced },
          { id: 2, name: "B", images: [image], uploads: [], sync: synced },
        ] })),
    ).toBe("2 galleries, 3 photos");
    const card = { id: 1, title: "T", subtitle: "", description: "", image_url: null };
    expect(contents(section({ section_type: "list", cards: [card] }))).toBe("1 card");
    expect(contents(section({
          hero: { title: "H", text: "t", image_url: null, logo_url: null, image_waiting: null, logo_waiting: null, sync: synced },
        }))).toBe(
      "title and text",
    );
  });

  it("tells a person who may not change the page who can, and an editor nothing", () => {
    expect(readOnlyNote(page(false))).toContain("super staff admins");
    expect(readOnlyNote(page(true))).toBeNull();
  });
});

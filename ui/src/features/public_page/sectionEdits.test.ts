// The section edits' delete and its undo: a section deleted here is hidden at once and handed to
// the core only when its undo time is over (undone before, nothing is asked of the core); undone
// after, the core is asked to take it back and its words are shown, "too late" included. Only the
// Tauri IPC boundary is mocked (test/setup.ts); the undo time runs on Vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PageSection, PublicPage } from "../../lib/generated";
import { UNDO_MS } from "../../lib/deleteWithUndo.svelte";
import { answer } from "../../test/setup";
import { publicPage } from "./publicPage.svelte";
import { sectionEdits, styleOptions } from "./sectionEdits.svelte";

const section = (id: number, name: string): PageSection => ({
  id,
  name,
  position: id,
  section_type: "list",
  type_label: "List of cards",
  hidden: false,
  style_variant: 1,
  styles: [],
  hero: null,
  galleries: [],
  cards: [],
  sync: { state: "synced" },
});

const page = (sections: PageSection[]): PublicPage => ({
  editable: true,
  who_can_edit: "",
  sections,
  stale_because: null,
});

const shownIds = (): number[] => sectionEdits.listed(publicPage.value!).map((s) => s.id);

beforeEach(() => {
  vi.useFakeTimers();
  sectionEdits.deletes.reset();
  publicPage.value = page([section(1, "Welcome"), section(2, "Offers")]);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a section deleted here", () => {
  it("is hidden at once and undone before its time with nothing asked of the core", async () => {
    const asked = answer({});
    sectionEdits.requestDelete(section(2, "Offers"));
    expect(shownIds()).toEqual([1]);
    await sectionEdits.deletes.undo();
    expect(shownIds()).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(UNDO_MS * 2);
    expect(asked).toEqual([]);
  });

  it("is handed to the core after its time, and an undo then says what the core did", async () => {
    const asked = answer({
      page_section_delete: () => page([section(1, "Welcome")]),
      page_section_undo_delete: () => ({ undone: false, message: "Too late to undo: gone." }),
      public_page: () => page([section(1, "Welcome")]),
    });
    sectionEdits.requestDelete(section(2, "Offers"));
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(asked.map((a) => a.command)).toEqual(["page_section_delete"]);
    expect(sectionEdits.deletes.item?.id).toBe(2);
    await sectionEdits.deletes.undo();
    expect(asked.map((a) => a.command)).toEqual(["page_section_delete", "page_section_undo_delete", "public_page"]);
    expect(sectionEdits.deletes.notice).toContain("Too late");
    expect(shownIds()).toEqual([1]);
  });
});

describe("a section dragged to another place", () => {
  const three = [section(1, "Welcome"), section(2, "Offers"), section(3, "Rooms")];

  it("sends the whole new order, the dragged one where it was dropped", async () => {
    const asked = answer({ page_sections_reorder: () => page(three) });
    await sectionEdits.drop(three, 3, 1);
    await sectionEdits.drop(three, 1, 2);
    expect(asked).toEqual([
      { command: "page_sections_reorder", args: { ids: [3, 1, 2] } },
      { command: "page_sections_reorder", args: { ids: [2, 1, 3] } },
    ]);
  });

  it("dropped on itself or on nothing known, asks nothing", async () => {
    const asked = answer({});
    await sectionEdits.drop(three, 2, 2);
    await sectionEdits.drop(three, 9, 1);
    expect(asked).toEqual([]);
  });
});

describe("a section's style menu", () => {
  it("offers the five variants by the server's preset names where the core has them, else Style N", () => {
    const named: PageSection = {
      ...section(3, "Welcome"),
      styles: [
        { variant: 1, name: "Centred title", description: "Title over the picture" },
        { variant: 2, name: "<b>Dark</b>", description: "" },
        { variant: 3, name: "Style 3", description: "" },
      ],
    };
    expect(styleOptions(named)).toEqual([
      { variant: 1, label: "Centred title", title: "Title over the picture" },
      { variant: 2, label: "<b>Dark</b>", title: "" },
      { variant: 3, label: "Style 3", title: "" },
      { variant: 4, label: "Style 4", title: "" },
      { variant: 5, label: "Style 5", title: "" },
    ]);
    expect(styleOptions(section(1, "Offers")).map((o) => o.label)).toEqual([
      "Style 1",
      "Style 2",
      "Style 3",
      "Style 4",
      "Style 5",
    ]);
  });
});

// A hero's edits: a blank title or text is said here and nothing is asked of the core; a title
// change and a picture removal go to the core and the page it answers is shown. Only the Tauri
// IPC boundary is mocked (test/setup.ts).
import { beforeEach, describe, expect, it } from "vitest";
import type { PublicPage } from "../../lib/generated";
import { answer } from "../../test/setup";
import { publicPage } from "./publicPage.svelte";
import { heroEdits, heroProblem } from "./heroEdits.svelte";

const page: PublicPage = { editable: true, who_can_edit: "", sections: [], stale_because: null };

beforeEach(() => {
  heroEdits.problem = null;
  publicPage.value = null;
});

describe("a hero's title and text", () => {
  it("may not be blank: said here, nothing sent", async () => {
    const asked = answer({});
    await heroEdits.edit(1, { text: "   " });
    expect(heroEdits.problem?.message).toBe("The hero's text cannot be empty.");
    expect(heroProblem({ title: "x".repeat(256) })).toContain("255");
    expect(heroProblem({ title: "Welcome" })).toBeNull();
    expect(asked).toEqual([]);
  });

  it("go to the core, as does a picture's removal, and the answer is shown", async () => {
    const asked = answer({ page_hero_edit: () => page, page_hero_image_clear: () => page });
    await heroEdits.edit(1, { title: "Welcome" });
    await heroEdits.clearImage(1, "logo");
    expect(asked).toEqual([
      { command: "page_hero_edit", args: { section: 1, patch: { title: "Welcome" } } },
      { command: "page_hero_image_clear", args: { section: 1, which: "logo" } },
    ]);
    expect(publicPage.value).toEqual(page);
  });
});

// The saved replies' store: a change shows the list it answers (no screen reads it again), a
// refused one says why and keeps the list; an import shows the list it made. Only the Tauri
// IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { describe, expect, it } from "vitest";
import type { SavedReplies } from "../../lib/generated";
import { answer } from "../../test/setup";
import { savedReplies } from "./savedReplies.svelte";

const list = (...names: string[]): SavedReplies =>
  ({ replies: names.map((name, index) => ({ id: index + 1, name, text: name })) }) as unknown as SavedReplies;

const shownNames = (): string[] => savedReplies.list?.replies.map((r) => r.name) ?? [];

describe("the saved replies store", () => {
  it("shows the list a change answers, in the order it answers", async () => {
    const asked = answer({ chat_order_saved_replies: () => list("Late check-out", "Breakfast") });
    expect(await savedReplies.change("chat_order_saved_replies", { ids: [2, 1] })).toBe(true);
    expect(asked.map((a) => a.command)).toEqual(["chat_order_saved_replies"]);
    expect(shownNames()).toEqual(["Late check-out", "Breakfast"]);
    expect(savedReplies.error).toBeNull();
  });

  it("says a refused change and keeps the list it had", async () => {
    answer({ chat_saved_replies: () => list("Breakfast") });
    await savedReplies.load();
    answer({
      chat_save_reply: () => {
        throw { code: "invalid", field: "name", message: "A reply needs a name." };
      },
    });
    expect(await savedReplies.change("chat_save_reply", { id: null, name: "", text: "x" })).toBe(false);
    expect(savedReplies.error).toBe("A reply needs a name.");
    expect(shownNames()).toEqual(["Breakfast"]);
  });

  it("shows the list an import made", async () => {
    answer({
      chat_import_saved_replies: () => ({ replies: list("Breakfast", "Parking"), added: 1, already_here: 1, beside_own: 0 }),
    });
    const outcome = await savedReplies.import("file text");
    expect(outcome.added).toBe(1);
    expect(shownNames()).toEqual(["Breakfast", "Parking"]);
  });
});

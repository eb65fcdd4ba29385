// The decisions waiting: resolving one shows the list without it, read by the store itself.
// Only the Tauri IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { describe, expect, it } from "vitest";
import type { Conflict } from "../../lib/generated";
import { answer } from "../../test/setup";
import { conflicts } from "./conflicts.svelte";

describe("the decisions waiting", () => {
  it("reads the list again after a resolution", async () => {
    let waiting = [{ seq: 4 }, { seq: 5 }] as Conflict[];
    const asked = answer({
      conflicts_list: () => waiting,
      conflict_resolve: (args) => {
        waiting = waiting.filter((c) => c.seq !== args.seq);
      },
    });
    await conflicts.load();
    await conflicts.resolve(4, { choice: "keep_mine" });
    expect(asked.map((a) => a.command)).toEqual(["conflicts_list", "conflict_resolve", "conflicts_list"]);
    expect(conflicts.list.map((c) => c.seq)).toEqual([5]);
  });
});

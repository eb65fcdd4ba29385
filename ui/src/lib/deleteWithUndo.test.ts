// The one delete-with-Undo of the page's screens (sections, cards, galleries, photos): while the
// core waits for a delete on its way the bar says so; a second delete hands the first on at once;
// Close lets the delete go on; an undo the core could not answer is said, not swallowed. The core
// here is a plain object of functions (no IPC is involved); the undo time runs on Vitest's fake
// clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeleteWithUndo, TAKING_BACK, UNDO_MS } from "./deleteWithUndo.svelte";
import type { UiError } from "./generated";
import { later as settleLater } from "../test/setup";

let sent: string[];
let failures: UiError[];
let takeBack: (item: string) => Promise<string>;
let deletes: DeleteWithUndo<string>;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  failures = [];
  takeBack = async (item) => `“${item}” is back.`;
  deletes = new DeleteWithUndo<string>({
    send: async (item) => void sent.push(item),
    takeBack: (item) => takeBack(item),
    reload: async () => {},
    failed: (error) => void failures.push(error),
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a delete with Undo", () => {
  it("says it is taking the delete back while the core waits, then the core's words", async () => {
    const later = settleLater<string>();
    takeBack = () => later.promise;
    deletes.request("Spa");
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(sent).toEqual(["Spa"]);
    const undoing = deletes.undo();
    expect(deletes.notice).toBe(TAKING_BACK);
    later.resolve("“Spa” is back.");
    await undoing;
    expect(deletes.notice).toBe("“Spa” is back.");
    expect(deletes.item).toBeNull();
  });

  it("hands an earlier delete on at once when a second one is asked", async () => {
    deletes.request("Spa");
    deletes.request("Golf");
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["Spa"]);
    expect(deletes.item).toBe("Golf");
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(sent).toEqual(["Spa", "Golf"]);
  });

  it("lets the delete go on when the bar is closed", async () => {
    deletes.request("Spa");
    deletes.dismiss();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual(["Spa"]);
    expect(deletes.waiting).toBeNull();
  });

  it("says why an undo could not be asked, and no longer says it is taking it back", async () => {
    takeBack = () => Promise.reject({ code: "store", message: "The desk's store could not be read." });
    deletes.request("Spa");
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    await deletes.undo();
    expect(failures.map((f) => f.message)).toEqual(["The desk's store could not be read."]);
    expect(deletes.notice).toBeNull();
  });
});

// The offers store's optimistic delete and its undo: an offer deleted here is hidden at once,
// deleted only when the undo time is over, back (and open again) on undo, and stays hidden
// until the list read after the delete shows. Only the Tauri IPC boundary is mocked
// (test/setup.ts); the undo time runs on Vitest's fake clock, not a sleep.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Offer } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { offers, UNDO_MS } from "./offers.svelte";

const offer = (id: number, title: string): Offer => ({ id, title }) as Offer;
const shownIds = (): number[] => offers.listed.map((o) => o.id);

beforeEach(async () => {
  vi.useFakeTimers();
  offers.forget();
  offers.undo();
  answer({ offers_list: () => [offer(1, "Spa"), offer(2, "Golf")] });
  await offers.reload();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a delete made here", () => {
  it("hides the offer at once and deletes it only when the undo time is over", async () => {
    let list = [offer(1, "Spa"), offer(2, "Golf")];
    const asked = answer({
      offer_delete: (args) => {
        list = list.filter((o) => o.id !== args.id);
      },
      offers_list: () => list,
    });
    offers.requestDelete(offer(2, "Golf"));
    expect(shownIds()).toEqual([1]);
    expect(offers.pending?.kind).toBe("delete");
    await vi.advanceTimersByTimeAsync(UNDO_MS - 1);
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked.map((a) => a.command)).toEqual(["offer_delete", "offers_list"]);
    expect(offers.pending).toBeNull();
    expect(shownIds()).toEqual([1]);
  });

  it("is undone: the offer is back and open in the editor, and nothing is sent", async () => {
    const asked = answer({});
    offers.requestDelete(offer(2, "Golf"));
    offers.undo();
    expect(shownIds()).toEqual([1, 2]);
    expect(offers.selected).toBe(2);
    await vi.advanceTimersByTimeAsync(UNDO_MS * 2);
    expect(asked).toEqual([]);
  });

  it("stays hidden while the delete is on its way, until the list after it shows", async () => {
    const sent = later<void>();
    answer({ offer_delete: () => sent.promise, offers_list: () => [offer(1, "Spa")] });
    offers.requestDelete(offer(2, "Golf"));
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(offers.pending).toBeNull();
    expect(offers.list.map((o) => o.id)).toEqual([1, 2]);
    expect(shownIds()).toEqual([1]);
    sent.resolve();
    await vi.runAllTimersAsync();
    expect(offers.sending).toEqual([]);
    expect(shownIds()).toEqual([1]);
  });

  it("comes back with the reason when the server refuses it", async () => {
    answer({
      offer_delete: () => {
        throw { code: "refused", field: null, message: "Only a manager may delete offers." };
      },
    });
    offers.requestDelete(offer(2, "Golf"));
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(offers.problem?.message).toBe("Only a manager may delete offers.");
    expect(shownIds()).toEqual([1, 2]);
  });

  it("is made at once when another is asked for, and the new one waits", async () => {
    const asked = answer({ offer_delete: () => undefined, offers_list: () => [offer(1, "Spa")] });
    offers.requestDelete(offer(2, "Golf"));
    offers.requestPhotoRemoval(offer(1, "Spa"));
    await vi.advanceTimersByTimeAsync(0);
    expect(asked.map((a) => a.command)).toEqual(["offer_delete", "offers_list"]);
    expect(offers.pending?.kind).toBe("photo");
    expect(offers.made("photo", offer(1, "Spa"))).toBe(true);
    offers.dropPhotoRemoval(offer(1, "Spa"));
    expect(offers.pending).toBeNull();
  });
});

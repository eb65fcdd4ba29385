// The Hotel screen's store, a view the desk keeps (as the Guest page's is): read again when the
// core says it changed, emptied on sign-out with a read in flight dropped, the newest read
// shown. Only the Tauri IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { describe, expect, it } from "vitest";
import type { HotelDetails } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { ViewStore } from "../../lib/viewStore.svelte";

const details = (name: string): HotelDetails => ({ name }) as unknown as HotelDetails;

describe("a view store", () => {
  it("reads its view again when the core says that view changed, and no other", async () => {
    const asked = answer({ hotel_details: () => details("Grand") });
    const store = new ViewStore("hotel_details", "hotel_details");
    store.handle({ type: "view_changed", view: "offers" } as never);
    store.handle({ type: "view_changed", view: "hotel_details" } as never);
    await Promise.resolve();
    await Promise.resolve();
    expect(asked.map((a) => a.command)).toEqual(["hotel_details"]);
    await store.reload();
    expect(store.loaded).toBe(true);
    expect(store.value).toEqual(details("Grand"));
  });

  it("shows the newest read when an older answer arrives last", async () => {
    const older = later<HotelDetails>();
    const newer = later<HotelDetails>();
    const answers = [older, newer];
    answer({ hotel_details: () => answers.shift()?.promise });
    const store = new ViewStore("hotel_details", "hotel_details");
    const first = store.reload();
    const second = store.reload();
    newer.resolve(details("newer"));
    await second;
    older.resolve(details("older"));
    await first;
    expect(store.value).toEqual(details("newer"));
  });

  it("empties on sign-out and drops a read still under way", async () => {
    const slow = later<HotelDetails>();
    answer({ hotel_details: () => slow.promise });
    const store = new ViewStore("hotel_details", "hotel_details");
    const read = store.reload();
    store.handle({ type: "session_changed", session: null } as never);
    slow.resolve(details("the previous person's"));
    await read;
    expect(store.value).toBeNull();
    expect(store.loaded).toBe(false);
  });
});

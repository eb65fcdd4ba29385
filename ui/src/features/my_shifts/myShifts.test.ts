// The "My shifts" store: reads the desk's copy, asks the server on "Refresh", keeps the copy and
// says why when the server cannot be reached, and forgets the previous person at sign-out. Only
// the Tauri IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { describe, expect, it, vi } from "vitest";
import type { MyShifts } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { myShifts } from "./myShifts.svelte";

const copy = (as_of: string | null): MyShifts => ({ shifts: [], weeks: [], as_of, time_zone: "Europe/Dublin", time_zone_guessed: true });

describe("my shifts", () => {
  it("reads the copy, refreshes from the server, and keeps the copy when that fails", async () => {
    const asked = answer({
      my_shifts: () => copy("2026-11-29T09:00:00Z"),
      my_shifts_refresh: () => {
        throw { code: "network", message: "The server cannot be reached." };
      },
    });
    await myShifts.reload();
    expect(myShifts.value?.as_of).toBe("2026-11-29T09:00:00Z");
    await myShifts.refresh();
    expect(asked.map((a) => a.command)).toEqual(["my_shifts", "my_shifts_refresh"]);
    expect(myShifts.value?.as_of).toBe("2026-11-29T09:00:00Z");
    expect(myShifts.error?.message).toContain("cannot be reached");
    expect(myShifts.refreshing).toBe(false);
  });

  it("forgets the previous person at sign-out, a read under way included", async () => {
    const slow = later<MyShifts>();
    answer({ my_shifts: () => slow.promise });
    const read = myShifts.reload();
    myShifts.handle({ type: "session_changed", session: null } as never);
    slow.resolve(copy("the previous person's"));
    await read;
    expect(myShifts.value).toBeNull();
  });
});

describe("my shifts, read by the core on its own", () => {
  it("reads the copy again when the core says it read them from the server", async () => {
    let read = 0;
    const asked = answer({ my_shifts: () => copy(read++ === 0 ? "first" : "second") });
    await myShifts.reload();
    expect(myShifts.value?.as_of).toBe("first");
    myShifts.handle({ type: "view_changed", view: "offers" } as never);
    myShifts.handle({ type: "view_changed", view: "my_shifts" } as never);
    await vi.waitFor(() => expect(myShifts.value?.as_of).toBe("second"));
    expect(asked.map((a) => a.command)).toEqual(["my_shifts", "my_shifts"]);
  });
});

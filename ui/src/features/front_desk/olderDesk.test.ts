// The older server's front desk store: the day is read from the core when the view changes, a
// check-out waits for the person's yes, is sent once with the room's id, says what came of it and
// reads the day again; the core's refusal (offline) is said in its words.
// Only the Tauri IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { beforeEach, describe, expect, it } from "vitest";
import type { DeskRoom, OlderDeskDay, RoomCheckOut } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { olderDesk } from "./olderDesk.svelte";

const day = (label: string): OlderDeskDay => ({ label }) as unknown as OlderDeskDay;
const room = { id: 4, room_number: 305, occupied: true, guests: ["Hannah Schmidt"], check_out_date: "2026-11-29" } as DeskRoom;

beforeEach(() => olderDesk.forget());

describe("the older server's front desk store", () => {
  it("reads the day again when the core says the front desk changed", async () => {
    const asked = answer({ front_desk_older_day: () => day("after") });
    olderDesk.handle({ type: "view_changed", view: "front_desk" } as never);
    olderDesk.handle({ type: "view_changed", view: "team" } as never);
    await new Promise((settled) => setTimeout(settled, 0));
    expect(asked).toHaveLength(1);
    expect(olderDesk.day).toEqual(day("after"));
  });

  it("checks a room out only after the yes, once, says it and reads the day again", async () => {
    const sent = later<RoomCheckOut>();
    const asked = answer({
      front_desk_check_out_room: () => sent.promise,
      front_desk_older_day: () => day("read back"),
    });
    await olderDesk.checkOut();
    expect(asked).toEqual([]);
    olderDesk.askCheckOut(room);
    const first = olderDesk.checkOut();
    const second = olderDesk.checkOut();
    sent.resolve({ message: "Room 305 is checked out.", dropped_conversations: 1 });
    await Promise.all([first, second]);
    expect(asked).toEqual([
      { command: "front_desk_check_out_room", args: { roomId: 4 } },
      { command: "front_desk_older_day", args: {} },
    ]);
    expect(olderDesk.outcome).toBe("Room 305 is checked out.");
    expect(olderDesk.confirming).toBeNull();
    expect(olderDesk.day).toEqual(day("read back"));
  });

  it("says the core's refusal offline in its words", async () => {
    answer({
      front_desk_check_out_room: () => {
        throw { code: "unavailable", field: null, message: "You are offline. A room is checked out on the server only." };
      },
      front_desk_older_day: () => day("copy"),
    });
    olderDesk.askCheckOut(room);
    await olderDesk.checkOut();
    expect(olderDesk.outcome).toBe("You are offline. A room is checked out on the server only.");
  });
});

// The front desk store: a search reads the day again for it, the newest read wins, a change of
// the view reads it again, opening a booking asks for its detail, and sign-out drops the day.
// Only the Tauri IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { beforeEach, describe, expect, it } from "vitest";
import type { BookingDetail, FrontDeskDay, StayOutcome } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { frontDesk } from "./frontDesk.svelte";

const day = (label: string): FrontDeskDay => ({ label }) as unknown as FrontDeskDay;

beforeEach(() => frontDesk.forget());

describe("the front desk store", () => {
  it("reads the day for what is searched", async () => {
    const asked = answer({ front_desk_day: () => day("found") });
    frontDesk.search("moran");
    await Promise.resolve();
    await Promise.resolve();
    expect(asked).toEqual([{ command: "front_desk_day", args: { query: "moran", date: null } }]);
  });

  it("shows the newest search's day when an older answer arrives last", async () => {
    const older = later<FrontDeskDay>();
    const newer = later<FrontDeskDay>();
    const answers = [older, newer];
    answer({ front_desk_day: () => answers.shift()?.promise });
    frontDesk.query = "m";
    const first = frontDesk.reload();
    frontDesk.query = "mo";
    const second = frontDesk.reload();
    newer.resolve(day("mo"));
    await second;
    older.resolve(day("m"));
    await first;
    expect(frontDesk.day).toEqual(day("mo"));
  });

  it("reads the day again when the core says its view changed (a room turned ready)", async () => {
    const asked = answer({ front_desk_day: () => day("after") });
    frontDesk.handle({ type: "view_changed", view: "front_desk" } as never);
    frontDesk.handle({ type: "view_changed", view: "team" } as never);
    await new Promise((settled) => setTimeout(settled, 0));
    expect(asked).toHaveLength(1);
    expect(frontDesk.day).toEqual(day("after"));
  });

  it("opens a booking's detail by its number", async () => {
    const detail = { from_copy: false } as unknown as BookingDetail;
    const asked = answer({ front_desk_booking: () => detail });
    await frontDesk.open("RB-2026-0019");
    expect(asked).toEqual([{ command: "front_desk_booking", args: { bookingId: "RB-2026-0019" } }]);
    expect(frontDesk.opened).toEqual(detail);
  });

  it("sends a room's change once and says the server's refusal", async () => {
    const asked = answer({
      front_desk_set_room_status: () => {
        throw { code: "forbidden", field: null, message: "Room cannot transition." };
      },
    });
    await frontDesk.setRoomStatus(7, "CHECKOUT_DIRTY");
    expect(asked).toEqual([
      { command: "front_desk_set_room_status", args: { roomId: 7, toStatus: "CHECKOUT_DIRTY" } },
    ]);
    expect(frontDesk.roomError?.message).toBe("Room cannot transition.");
    expect(frontDesk.changing).toBeNull();
  });

  it("shows a stay's action done only with the server's answer, read back", async () => {
    const before = { line: { booking_id: "RB-2026-0025" }, from_copy: false } as unknown as BookingDetail;
    const after = { line: { booking_id: "RB-2026-0025", room_number: 206 } } as unknown as BookingDetail;
    answer({ front_desk_booking: () => before });
    await frontDesk.open("RB-2026-0025");
    const slow = later<StayOutcome>();
    const asked = answer({ front_desk_stay: () => slow.promise });
    const acting = frontDesk.act({ kind: "assign", room_id: 31 });
    expect(frontDesk.acting).toBe("assign");
    expect(frontDesk.stayMessage).toBeNull();
    slow.resolve({ booking: after, message: "Seamus Doherty has room 206.", dropped_conversations: 0 });
    await acting;
    expect(asked).toEqual([
      { command: "front_desk_stay", args: { bookingId: "RB-2026-0025", action: { kind: "assign", room_id: 31 } } },
    ]);
    expect(frontDesk.opened).toEqual(after);
    expect(frontDesk.stayMessage).toBe("Seamus Doherty has room 206.");
  });

  it("says a refused check-in in the core's words, claims nothing and reads the booking again", async () => {
    const booking = { line: { booking_id: "RB-2026-0018" }, from_copy: false } as unknown as BookingDetail;
    answer({ front_desk_booking: () => booking });
    await frontDesk.open("RB-2026-0018");
    const asked = answer({
      front_desk_stay: () => {
        throw { code: "forbidden", field: null, message: "Not checked in. This HotelMate server lets only a manager check guests in." };
      },
      front_desk_booking: () => booking,
    });
    await frontDesk.act({ kind: "check_in" });
    expect(asked.map((a) => a.command)).toEqual(["front_desk_stay", "front_desk_booking"]);
    expect(frontDesk.stayError?.message).toContain("only a manager");
    expect(frontDesk.stayMessage).toBeNull();
    expect(frontDesk.acting).toBeNull();
  });

  it("reads another day when picked, shows it from the copy, and goes back to today", async () => {
    const asked = answer({ front_desk_read_day: () => undefined, front_desk_day: () => day("then") });
    await frontDesk.pickDay("2026-12-03");
    expect(asked).toEqual([
      { command: "front_desk_read_day", args: { date: "2026-12-03" } },
      { command: "front_desk_day", args: { query: "", date: "2026-12-03" } },
    ]);
    expect(frontDesk.date).toBe("2026-12-03");
    expect(frontDesk.day).toEqual(day("then"));
    const back = answer({ front_desk_day: () => day("today") });
    await frontDesk.backToToday();
    expect(back).toEqual([{ command: "front_desk_day", args: { query: "", date: null } }]);
    expect(frontDesk.date).toBeNull();
  });

  it("offline, says another day is the copy or is not kept, in the core's words", async () => {
    answer({
      front_desk_read_day: () => {
        throw { code: "unavailable", field: null, message: "The lists of 2026-12-09 are not kept on this desk." };
      },
      front_desk_day: () => {
        throw { code: "unavailable", field: null, message: "The lists of 2026-12-09 are not kept on this desk." };
      },
    });
    await frontDesk.pickDay("2026-12-09");
    expect(frontDesk.dayNote).toContain("not kept on this desk");
    expect(frontDesk.error).toBeNull();
    expect(frontDesk.day).toBeNull();
    answer({
      front_desk_read_day: () => {
        throw { code: "unavailable", field: null, message: "the lists of 2026-12-03 are this desk's copy as of 06:10." };
      },
      front_desk_day: () => day("copy"),
    });
    await frontDesk.pickDay("2026-12-03");
    expect(frontDesk.dayNote).toContain("copy as of");
    expect(frontDesk.day).toEqual(day("copy"));
  });

  it("marks the opened booking seen through the core's queue and reads the day again", async () => {
    const booking = { line: { booking_id: "RB-2026-0007", is_new: true }, from_copy: false } as unknown as BookingDetail;
    answer({ front_desk_booking: () => booking });
    await frontDesk.open("RB-2026-0007");
    const asked = answer({ front_desk_mark_seen: () => true, front_desk_day: () => day("seen") });
    await frontDesk.markSeen();
    expect(asked.map((a) => a.command)).toEqual(["front_desk_mark_seen", "front_desk_day"]);
    expect(asked[0]?.args).toEqual({ bookingId: "RB-2026-0007" });
    expect(frontDesk.seenMessage).toContain("as soon as it can be reached");
  });

  it("forgets the previous person's day and search on sign-out", async () => {
    const slow = later<FrontDeskDay>();
    answer({ front_desk_day: () => slow.promise });
    frontDesk.query = "moran";
    const read = frontDesk.reload();
    frontDesk.handle({ type: "session_changed", session: null } as never);
    slow.resolve(day("theirs"));
    await read;
    expect(frontDesk.day).toBeNull();
    expect(frontDesk.query).toBe("");
  });
});

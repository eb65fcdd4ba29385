// The Overview's front desk tile (issue 66.6): the counts come from the server's counts and the
// board, and the next arrival is the first not yet checked in.
import { describe, expect, it } from "vitest";
import type { BookingLine, FrontDeskDay, RoomGroup } from "../../lib/generated";
import { glance } from "./glance";

function booking(id: string, guest: string, checkedIn: string | null): BookingLine {
  return { booking_id: id, guest, checked_in_at: checkedIn, check_in: "2026-11-30" } as unknown as BookingLine;
}

const day = {
  arrivals: [booking("RB-1", "Aisling Moran", "2026-11-30T09:00:00Z"), booking("RB-2", "Tadhg Lynch", null)],
  departures: [],
  in_house: [],
  counts: [12, 9, 17],
  rooms: [{ status: "READY_FOR_GUEST", label: "Ready", count: 7, rooms: [] } as unknown as RoomGroup],
  total_rooms: 40,
  lists_as_of: "2026-11-30T08:00:00Z",
  rooms_as_of: null,
} as unknown as FrontDeskDay;

describe("the front desk at a glance", () => {
  it("counts the day as the server does and names the next arrival not checked in", () => {
    const seen = glance(day);
    expect([seen.arrivalsToCome, seen.departuresInHouse, seen.roomsReady, seen.totalRooms]).toEqual([12, 9, 7, 40]);
    expect(seen.nextArrival?.guest).toBe("Tadhg Lynch");
  });

  it("has no next arrival and no ready rooms on an empty day", () => {
    const empty = glance({ ...day, arrivals: [], rooms: [], counts: [0, 0, 0] });
    expect([empty.nextArrival, empty.roomsReady, empty.arrivalsToCome]).toEqual([null, 0, 0]);
  });
});

// The front desk's day at a glance, for the Overview (issue 66.6): arrivals still to come,
// departures still in house, rooms ready, and the next arrival. Made from the whole day as the
// desk keeps it (never a searched one), so it reads the same offline.
import type { BookingLine, FrontDeskDay } from "../../lib/generated";

export type Glance = {
  /** Arrivals not checked in yet (the server's arrivals bucket holds only those, §15.2). */
  arrivalsToCome: number;
  /** Departures still in house (the departures bucket: checked in, not out). */
  departuresInHouse: number;
  /** Rooms ready for a guest, of all the hotel's rooms. */
  roomsReady: number;
  totalRooms: number;
  /** The first arrival not checked in yet, in the list's order (by date, then guest). */
  nextArrival: BookingLine | null;
  /** When the lists were last read from the server (null: never). */
  asOf: string | null;
};

export function glance(day: FrontDeskDay): Glance {
  const ready = day.rooms.find((group) => group.status === "READY_FOR_GUEST");
  return {
    arrivalsToCome: day.counts[0],
    departuresInHouse: day.counts[1],
    roomsReady: ready?.count ?? 0,
    totalRooms: day.total_rooms,
    nextArrival: day.arrivals.find((booking) => booking.checked_in_at === null) ?? null,
    asOf: day.lists_as_of,
  };
}

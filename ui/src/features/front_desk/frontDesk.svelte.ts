// The Front desk screen's state: today's lists and the room board as the core keeps them (read
// again whenever the core says the view changed: a read it made, a room changed live), the
// search, and the booking opened. The core reads the lists again every minute while the screen
// shows (API.md §15.6 rule 1); this store only asks for what it shows.
import { Newest } from "../../lib/newest";
import { type DeskEvent, type UiError, asUiError, call } from "../../lib/backend";
import type { BookingDetail, FrontDeskDay } from "../../lib/generated";
import { onDeskEvent } from "../../lib/events";

/** The three lists, in the order the screen shows them. */
export const LISTS = [
  { key: "arrivals", label: "Arrivals", count: 0 },
  { key: "departures", label: "Departures", count: 1 },
  { key: "in_house", label: "In house", count: 2 },
] as const;

export type ListKey = (typeof LISTS)[number]["key"];

class FrontDeskState {
  day = $state<FrontDeskDay | null>(null);
  query = $state("");
  list = $state<ListKey>("arrivals");
  error = $state<UiError | null>(null);
  /** The booking opened, or null. */
  opened = $state<BookingDetail | null>(null);
  openError = $state<UiError | null>(null);

  #reads = new Newest();
  #opens = new Newest();

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    switch (event.type) {
      case "view_changed":
        if (event.view === "front_desk") void this.reload();
        break;
      case "session_changed":
        if (event.session) void this.reload();
        else this.forget();
        break;
    }
  }

  async reload(): Promise<void> {
    const answer = await this.#reads.ask(() => call("front_desk_day", { query: this.query }));
    if (answer.stale) return;
    if (answer.error) this.error = answer.error;
    else {
      this.day = answer.value;
      this.error = null;
    }
  }

  search(query: string): void {
    this.query = query;
    void this.reload();
  }

  show(list: ListKey): void {
    this.list = list;
  }

  /** Opens a booking: its detail from the server, or the desk's copy when it cannot answer. */
  async open(bookingId: string): Promise<void> {
    this.openError = null;
    const answer = await this.#opens.ask(() => call("front_desk_booking", { bookingId }));
    if (answer.stale) return;
    if (answer.error) {
      this.opened = null;
      this.openError = answer.error;
    } else this.opened = answer.value;
  }

  /** Why a room's status change failed, or null. */
  roomError = $state<UiError | null>(null);
  /** The room whose change is on its way (its button waits). */
  changing = $state<number | null>(null);

  /** One of the front desk's two room changes: sent once; the core reads the board back and
   *  says the view changed, which reads the day again. */
  async setRoomStatus(roomId: number, toStatus: string): Promise<void> {
    this.roomError = null;
    this.changing = roomId;
    try {
      await call("front_desk_set_room_status", { roomId, toStatus });
    } catch (error) {
      this.roomError = asUiError(error);
    } finally {
      this.changing = null;
    }
  }

  close(): void {
    this.#opens.drop();
    this.opened = null;
    this.openError = null;
  }

  /** Someone else is (or nobody is) signed in now: the previous person's day goes. */
  forget(): void {
    this.#reads.drop();
    this.#opens.drop();
    this.day = null;
    this.query = "";
    this.list = "arrivals";
    this.error = null;
    this.opened = null;
    this.openError = null;
    this.roomError = null;
    this.changing = null;
  }
}

export const frontDesk = new FrontDeskState();
onDeskEvent((event) => frontDesk.handle(event));

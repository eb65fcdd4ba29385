// The Front desk screen's state: today's lists and the room board as the core keeps them (read
// again whenever the core says the view changed: a read it made, a room changed live), the
// search, the day looked at (today, or another day read when picked and kept for offline), and
// the booking opened. The core reads the lists again every minute while the screen
// shows (API.md §15.6 rule 1); this store only asks for what it shows.
import { Newest } from "../../lib/newest";
import { type DeskEvent, type UiError, asUiError, call } from "../../lib/backend";
import type { BookingDetail, FittingRoom, FrontDeskDay, StayAction } from "../../lib/generated";
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
  /** Another day looked at (`YYYY-MM-DD`), or null for today. */
  date = $state<string | null>(null);
  /** What reading another day came to when it was not read (offline: the copy or not kept). */
  dayNote = $state<string | null>(null);
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
    const answer = await this.#reads.ask(() =>
      call("front_desk_day", { query: this.query, date: this.date }),
    );
    if (answer.stale) return;
    if (answer.error) this.error = answer.error;
    else {
      this.day = answer.value;
      this.error = null;
    }
  }

  /** Looks at another day: read from the server (once, when picked), then shown from the
   *  desk's copy; offline, the copy with its "as of", or the words that it is not kept. The
   *  hotel's today (or an empty pick) is the lists the core keeps. */
  async pickDay(date: string): Promise<void> {
    if (!date || date === this.day?.today) return this.backToToday();
    this.date = date;
    this.dayNote = null;
    try {
      await call("front_desk_read_day", { date });
    } catch (error) {
      if (this.date === date) this.dayNote = asUiError(error).message;
    }
    if (this.date !== date) return;
    await this.reload();
    if (this.error && this.dayNote) {
      // Not kept: no list of another day is shown as if it were that day's.
      this.error = null;
      this.day = null;
    }
  }

  /** Back to the hotel's today. */
  async backToToday(): Promise<void> {
    this.date = null;
    this.dayNote = null;
    await this.reload();
  }

  /** What marking the opened booking seen came to, in words, or null. */
  seenMessage = $state<string | null>(null);

  /** Marks the opened booking seen: the core queues it and sends it once when the server can
   *  be reached (API.md §15.2); the lists show it seen (waiting) at once. */
  async markSeen(): Promise<void> {
    const bookingId = this.opened?.line.booking_id;
    if (!bookingId) return;
    try {
      const queued = await call("front_desk_mark_seen", { bookingId });
      this.seenMessage = queued
        ? "Marked seen. It goes to the server as soon as it can be reached."
        : "Already marked seen.";
      await this.reload();
    } catch (error) {
      this.seenMessage = asUiError(error).message;
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
  async open(bookingId: string, keepOutcome = false): Promise<void> {
    this.openError = null;
    if (!keepOutcome) this.resetStay();
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

  /** The rooms that fit the opened booking (the server's read), or null before asked. */
  fits = $state<FittingRoom[] | null>(null);
  /** The action on the opened stay on its way (its buttons wait), or null. */
  acting = $state<StayAction["kind"] | null>(null);
  /** What the last action came to, in words, or null. */
  stayMessage = $state<string | null>(null);
  /** Why the last action was not done (the server's words), or null. */
  stayError = $state<UiError | null>(null);
  /** The check-out confirmation is open. */
  confirmingCheckOut = $state(false);

  /** Asks the server which rooms fit the opened booking (API.md §15.2 available-rooms). */
  async roomsThatFit(): Promise<void> {
    const bookingId = this.opened?.line.booking_id;
    if (!bookingId) return;
    this.stayError = null;
    try {
      this.fits = await call("front_desk_rooms_that_fit", { bookingId });
    } catch (error) {
      this.fits = null;
      this.stayError = asUiError(error);
    }
  }

  /** One action on the opened stay: sent once by the core, never shown done before the server
   *  says so; the booking shown is the one read back. A refusal shows the server's words and
   *  the booking is read again (the core read it back to learn what happened). */
  async act(action: StayAction): Promise<void> {
    const bookingId = this.opened?.line.booking_id;
    if (!bookingId || this.acting) return;
    this.stayMessage = null;
    this.stayError = null;
    this.confirmingCheckOut = false;
    this.acting = action.kind;
    try {
      const outcome = await call("front_desk_stay", { bookingId, action });
      this.opened = outcome.booking;
      this.stayMessage = outcome.message;
      this.fits = null;
    } catch (error) {
      this.stayError = asUiError(error);
      await this.open(bookingId, true);
    } finally {
      this.acting = null;
    }
  }

  close(): void {
    this.#opens.drop();
    this.opened = null;
    this.openError = null;
    this.resetStay();
  }

  resetStay(): void {
    this.seenMessage = null;
    this.fits = null;
    this.acting = null;
    this.stayMessage = null;
    this.stayError = null;
    this.confirmingCheckOut = false;
  }

  /** Someone else is (or nobody is) signed in now: the previous person's day goes. */
  forget(): void {
    this.#reads.drop();
    this.#opens.drop();
    this.day = null;
    this.query = "";
    this.date = null;
    this.dayNote = null;
    this.list = "arrivals";
    this.error = null;
    this.opened = null;
    this.openError = null;
    this.roomError = null;
    this.changing = null;
    this.resetStay();
  }
}

export const frontDesk = new FrontDeskState();
onDeskEvent((event) => frontDesk.handle(event));

// The Front desk screen on the older server fd6c529 (API.md §16): rooms occupied or free, the
// rooms due out, today's arrivals and departures from bookings (no room), as the core keeps them
// (read again whenever the core says the view changed; it reads the server every minute while the
// screen shows), and check-out by room through a confirmation that names what the server deletes.
import { Newest } from "../../lib/newest";
import { type DeskEvent, type UiError, asUiError, call } from "../../lib/backend";
import type { DeskRoom, OlderDeskDay } from "../../lib/generated";
import { onDeskEvent } from "../../lib/events";

class OlderDeskState {
  day = $state<OlderDeskDay | null>(null);
  error = $state<UiError | null>(null);
  /** The room whose check-out waits for the person's yes, or null. */
  confirming = $state<DeskRoom | null>(null);
  /** What the last check-out came to, in words. */
  outcome = $state<string | null>(null);
  busy = $state(false);

  #reads = new Newest();

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
    const answer = await this.#reads.ask(() => call("front_desk_older_day"));
    if (answer.stale) return;
    if (answer.error) this.error = answer.error;
    else {
      this.day = answer.value;
      this.error = null;
    }
  }

  /** Asks the person first: the confirmation names what the server deletes. */
  askCheckOut(room: DeskRoom): void {
    this.confirming = room;
    this.outcome = null;
  }

  cancel(): void {
    this.confirming = null;
  }

  /** Checks the confirmed room out, once (a second press while it is sent does nothing); the
   *  core refuses it offline with the reason and reads the rooms back; the day is read again. */
  async checkOut(): Promise<void> {
    const room = this.confirming;
    if (!room || this.busy) return;
    this.busy = true;
    try {
      const done = await call("front_desk_check_out_room", { roomId: room.id });
      this.outcome = done.message;
    } catch (error) {
      this.outcome = asUiError(error).message;
    } finally {
      this.busy = false;
      this.confirming = null;
    }
    await this.reload();
  }

  forget(): void {
    this.day = null;
    this.error = null;
    this.confirming = null;
    this.outcome = null;
    this.busy = false;
  }
}

export const olderDesk = new OlderDeskState();
onDeskEvent((event) => olderDesk.handle(event));

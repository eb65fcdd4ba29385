// The "My shifts" screen's state: my shifts and hours as the desk keeps them (read from its copy,
// offline too, "as of" the last read), read from the server when the person asks, and dropped at
// sign-out. The core reads them from the server on its own (start, reconnect, day change, every
// 20 minutes, my clock, a manager's verdict) and says so; the screen reads the copy again each
// minute while it shows (an open log's hours grow).
import { Newest } from "../../lib/newest";
import { type DeskEvent, type UiError, call } from "../../lib/backend";
import type { MyShifts } from "../../lib/generated";
import { onDeskEvent } from "../../lib/events";

class MyShiftsState {
  value = $state<MyShifts | null>(null);
  error = $state<UiError | null>(null);
  refreshing = $state(false);

  #reads = new Newest();

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    // The core read them from the server on its own (start, reconnect, my clock, a verdict…).
    if (event.type === "view_changed" && event.view === "my_shifts") {
      void this.reload();
      return;
    }
    if (event.type !== "session_changed") return;
    if (event.session) void this.reload();
    else {
      this.#reads.drop();
      this.value = null;
      this.error = null;
    }
  }

  /** The desk's copy (no network). */
  async reload(): Promise<void> {
    const answer = await this.#reads.ask(() => call("my_shifts"));
    if (answer.stale) return;
    if (answer.error) this.error = answer.error;
    else {
      this.value = answer.value;
      this.error = null;
    }
  }

  /** Asks the server now; offline, says why and keeps the copy shown. */
  async refresh(): Promise<void> {
    this.refreshing = true;
    const answer = await this.#reads.ask(() => call("my_shifts_refresh"));
    this.refreshing = false;
    if (answer.stale) return;
    if (answer.error) this.error = answer.error;
    else {
      this.value = answer.value;
      this.error = null;
    }
  }
}

export const myShifts = new MyShiftsState();
onDeskEvent((event) => myShifts.handle(event));

// The reception display's state: what it shows and its settings (time zone, rotation, PIN), read
// from the desk (its local store) at start and again whenever the core says the display's view
// changed. Each answer replaces the content whole; the
// display works out what changed, so a reload is never visible.
import { Newest } from "../../lib/newest";
import { type DeskEvent, type DisplayContent, type OpeningState, type UiError, call } from "../../lib/backend";
import { onDeskEvent } from "../../lib/events";

class DisplayState {
  content = $state.raw<DisplayContent | null>(null);
  error = $state<UiError | null>(null);
  /** Only the display window reads it; the desk window leaves it alone. */
  active = false;
  /** Bumped when the desk was asked for while the display shows: the display asks who leaves. */
  leaveRequests = $state(0);
  /** Whether the display shows now (its opening hours); `null` until first asked. */
  opening = $state<OpeningState | null>(null);
  #reads = new Newest();
  #openingReads = new Newest();

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    switch (event.type) {
      case "view_changed":
        if (event.view === "display") void this.reload();
        break;
      case "session_changed":
      case "display_changed":
        void this.reload();
        void this.checkOpening();
        break;
      case "display_leave_requested":
        this.leaveRequests += 1;
        break;
    }
  }

  /** Asks whether the display shows now (the display asks every few seconds: it wakes on time). */
  async checkOpening(): Promise<void> {
    if (!this.active) return;
    const answer = await this.#openingReads.ask(() => call("display_opening", { fromDisplay: true }));
    if (!answer.stale && !answer.error) this.opening = answer.value;
  }

  async reload(): Promise<void> {
    if (!this.active) return;
    const answer = await this.#reads.ask(() => call("display_content"));
    if (answer.stale) return;
    if (answer.error) this.error = answer.error;
    else {
      this.content = answer.value;
      this.error = null;
    }
  }
}

export const display = new DisplayState();
onDeskEvent((event) => display.handle(event));

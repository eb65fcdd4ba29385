// The Guest page screen's state: the hotel's public page as guests see it, read again whenever
// the core says its view changed (an offer, a room type's photo or the settings changed, or the
// desk caught up).
import { Newest } from "../../lib/newest";
import { call } from "../../lib/backend";
import { onDeskEvent } from "../../lib/events";
import type { DeskEvent, GuestPage, UiError } from "../../lib/generated";

class GuestPageState {
  /** `null` until the desk has read the page from the server once. */
  page = $state<GuestPage | null>(null);
  /** The first answer has arrived (so `null` means "not read yet", not "still asking"). */
  loaded = $state(false);
  error = $state<UiError | null>(null);

  #reads = new Newest();

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    switch (event.type) {
      case "view_changed":
        if (event.view === "guest_page") void this.reload();
        break;
      case "session_changed":
        if (event.session) void this.reload();
        else {
          this.#reads.drop();
          this.page = null;
          this.loaded = false;
        }
        break;
    }
  }

  async reload(): Promise<void> {
    const answer = await this.#reads.ask(() => call("guest_page"));
    if (answer.stale) return;
    this.loaded = true;
    if (answer.error) this.error = answer.error;
    else {
      this.page = answer.value;
      this.error = null;
    }
  }
}

export const guestPage = new GuestPageState();
onDeskEvent((event) => guestPage.handle(event));

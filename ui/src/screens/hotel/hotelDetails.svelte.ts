// The Hotel screen's state: what the hotel's public page tells guests, read again whenever the
// core says its view changed (a colleague edited the settings, or the desk caught up).
import { Newest } from "../../lib/newest";
import { call } from "../../lib/backend";
import { onDeskEvent } from "../../lib/events";
import type { DeskEvent, HotelDetails, UiError } from "../../lib/generated";

class HotelDetailsState {
  /** `null` until the desk has read the page from the server once. */
  details = $state<HotelDetails | null>(null);
  /** The first answer has arrived (so `null` means "not read yet", not "still asking"). */
  loaded = $state(false);
  error = $state<UiError | null>(null);

  #reads = new Newest();

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    switch (event.type) {
      case "view_changed":
        if (event.view === "hotel_details") void this.reload();
        break;
      case "session_changed":
        if (event.session) void this.reload();
        else {
          this.#reads.drop();
          this.details = null;
          this.loaded = false;
        }
        break;
    }
  }

  async reload(): Promise<void> {
    const answer = await this.#reads.ask(() => call("hotel_details"));
    if (answer.stale) return;
    this.loaded = true;
    if (answer.error) this.error = answer.error;
    else {
      this.details = answer.value;
      this.error = null;
    }
  }
}

export const hotelDetails = new HotelDetailsState();
onDeskEvent((event) => hotelDetails.handle(event));

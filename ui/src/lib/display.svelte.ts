// The reception display's state: what it shows and its settings (time zone, rotation, PIN), read
// from the desk (its local store) at start and again whenever the core says offers, colleagues,
// clock logs, pictures or the settings changed. Each answer replaces the content whole; the
// display works out what changed, so a reload is never visible.
import { backend, type DisplayContent, type UiError } from "./backend";

class DisplayState {
  content = $state.raw<DisplayContent | null>(null);
  error = $state<UiError | null>(null);
  /** Only the display window reads it; the desk window leaves it alone. */
  active = false;
  /** Bumped when the desk was asked for while the display shows: the display asks who leaves. */
  leaveRequests = $state(0);
  #latest = 0;

  async reload(): Promise<void> {
    if (!this.active) return;
    const ticket = ++this.#latest;
    try {
      const content = await backend.displayContent();
      if (ticket === this.#latest) {
        this.content = content;
        this.error = null;
      }
    } catch (error) {
      if (ticket === this.#latest) this.error = error as UiError;
    }
  }
}

export const display = new DisplayState();

// A screen's copy of one view the desk keeps (the Hotel screen's public page, the Guest page):
// read when the screen opens, again whenever the core says the view changed, and dropped at
// sign-out. Answers that arrive out of order never replace a newer one.
import { call, type ResultOf, type ViewCommand } from "./backend";
import { Newest } from "./newest";
import type { DeskEvent, UiError, View } from "./generated";

export class ViewStore<K extends ViewCommand> {
  /** `null` until the desk has read the view from the server once. */
  value = $state<ResultOf<K> | null>(null);
  /** The first answer has arrived (so `null` means "not read yet", not "still asking"). */
  loaded = $state(false);
  error = $state<UiError | null>(null);

  #reads = new Newest();

  /** `command` answers the view the core calls `view`. */
  constructor(
    private readonly command: K,
    private readonly view: View,
  ) {}

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    switch (event.type) {
      case "view_changed":
        if (event.view === this.view) void this.reload();
        break;
      case "session_changed":
        if (event.session) void this.reload();
        else {
          this.#reads.drop();
          this.value = null;
          this.loaded = false;
        }
        break;
    }
  }

  async reload(): Promise<void> {
    // A ViewCommand takes no arguments; TypeScript cannot see that through the generic `K`.
    const read = call as (command: K) => Promise<ResultOf<K>>;
    const answer = await this.#reads.ask(() => read(this.command));
    if (answer.stale) return;
    this.loaded = true;
    if (answer.error) this.error = answer.error;
    else {
      this.value = answer.value;
      this.error = null;
    }
  }
}

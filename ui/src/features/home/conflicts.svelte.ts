// The decisions waiting (API.md §5: a change the server refused because someone else changed
// the same row): the list as the core keeps it, read again after every resolution here, so no
// screen reads it again after its own write.
import { call } from "../../lib/backend";
import { asUiError } from "../../lib/errors";
import type { Conflict, Resolution, UiError } from "../../lib/generated";

class ConflictList {
  list = $state<Conflict[]>([]);
  error = $state<UiError | null>(null);

  async load(): Promise<void> {
    try {
      this.list = await call("conflicts_list");
    } catch (caught) {
      this.error = asUiError(caught);
    }
  }

  /** Resolves one decision, then shows the list without it. Rejects with its UiError. */
  async resolve(seq: number, resolution: Resolution): Promise<void> {
    await call("conflict_resolve", { seq, resolution });
    await this.load();
  }
}

export const conflicts = new ConflictList();

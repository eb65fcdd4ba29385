// The Offers screen's state: the list as the core has it (read again whenever the core says it
// changed), highlights for colleagues' changes, and upload progress per offer.
import { withProgress } from "../../lib/progress";
import { flash } from "../../lib/highlight";
import { Newest } from "../../lib/newest";
import { backend, type DeskEvent, type Offer, type UiError } from "../../lib/backend";
import { onDeskEvent } from "../../lib/events";

class OffersState {
  list = $state<Offer[]>([]);
  error = $state<UiError | null>(null);
  /** Offers someone else just changed, for a brief highlight. */
  highlighted = $state<Record<number, boolean>>({});
  /** The offer open in the editor (a negative id until the server has it). */
  selected = $state<number | "new" | null>(null);
  /** Upload progress per offer id, 0..1. */
  progress = $state<Record<number, number>>({});
  /** The last offer saved in the editor (its editor key) and its fields as saved, so the
   *  editor says "Saved" until they change again. */
  saved = $state<{ key: number; fields: string } | null>(null);

  /** Reloads overlap (events, saves); only the newest request's answer is applied. */
  #reads = new Newest();

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    switch (event.type) {
      case "view_changed":
        if (event.view === "offers") void this.reload();
        break;
      case "remote_change":
        if (event.resource === "offers") this.highlight(event.id);
        break;
      case "id_assigned":
        if (event.resource === "offers") this.idAssigned(event.temp_id, event.id);
        break;
      case "upload_progress":
        if (event.resource === "offers") this.uploadProgress(event.id, event.sent, event.total);
        break;
    }
  }

  async reload(): Promise<boolean> {
    const answer = await this.#reads.ask(() => backend.offers());
    if (answer.stale) return false;
    if (answer.error) this.error = answer.error;
    else {
      this.list = answer.value;
      this.error = null;
    }
    return true;
  }

  /** Reads the list again and returns once a read asked after this call is shown (a newer
   *  one asked meanwhile made this one's answer stale: it reads again rather than return
   *  while an older list is still shown). At most a few times: a storm of colleagues' changes
   *  cannot keep it reading. */
  async reloadUntilShown(): Promise<void> {
    for (let read = 0; read < 5; read += 1) {
      if (await this.reload()) return;
    }
  }

  /** Temporary ids of offers created here, and the ids the server gave them. */
  #assigned = new Map<number, number>();

  /** The temporary id a server id had on this desk, for a stable editor key. */
  #origin = new Map<number, number>();

  /** A new offer reached the server: keep it selected under its real id. */
  idAssigned(tempId: number, id: number): void {
    this.#assigned.set(tempId, id);
    this.#origin.set(id, tempId);
    if (this.selected === tempId) this.selected = id;
  }

  /** The same key before and after the server gives an offer its id, so an open editor (what
   *  is typed in it, a photo being chosen) is not re-created when that happens. */
  editorKey(id: number): number {
    return this.#origin.get(id) ?? id;
  }

  /** Opens an offer in the editor (its real id, if the server already gave it one). */
  select(id: number | "new" | null): void {
    this.selected = typeof id === "number" ? (this.#assigned.get(id) ?? id) : id;
  }

  highlight(id: number): void {
    flash(this, id);
  }

  /** Someone else is (or nobody is) signed in now: the previous person's open editor, their
   *  "Saved" note and what was read for them go; the next person starts with none open. */
  forget(): void {
    this.#reads.drop();
    this.list = [];
    this.error = null;
    this.highlighted = {};
    this.selected = null;
    this.progress = {};
    this.saved = null;
    this.#assigned.clear();
    this.#origin.clear();
  }

  uploadProgress(id: number, sent: number, total: number): void {
    this.progress = withProgress(this.progress, id, sent, total);
  }
}

export const offers = new OffersState();
onDeskEvent((event) => offers.handle(event));

/** "active", "scheduled" or "expired", from the validity dates and today's local date. */
export function validity(offer: Offer, today = new Date()): "active" | "scheduled" | "expired" {
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
  if (offer.valid_from && offer.valid_from > day) return "scheduled";
  if (offer.valid_to && offer.valid_to < day) return "expired";
  return "active";
}

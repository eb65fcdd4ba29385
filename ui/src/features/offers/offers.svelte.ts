// The Offers screen's state: the list as the core has it (read again whenever the core says it
// changed), highlights for colleagues' changes, and upload progress per offer.
import { withProgress } from "../../lib/progress";
import { flash } from "../../lib/highlight";
import { Newest } from "../../lib/newest";
import { type DeskEvent, type Offer, type UiError, call, upload } from "../../lib/backend";
import type { FieldProblem, OfferPatch } from "../../lib/generated";
import { onDeskEvent } from "../../lib/events";
import { asUiError } from "../../lib/errors";

/** The editable fields of an offer (API.md §3.1). */
export type OfferFields = Pick<
  Offer,
  | "title"
  | "short_description"
  | "details_text"
  | "details_html"
  | "valid_from"
  | "valid_to"
  | "tag"
  | "book_now_url"
  | "sort_order"
  | "is_active"
>;

/** How long a delete or a photo's removal can be undone, in ms. */
export const UNDO_MS = 5000;

/** A delete, or a photo's removal, shown at once and made when the undo time is over. */
export type Pending = { kind: "delete" | "photo"; offer: Offer; timer: ReturnType<typeof setTimeout> };

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
    const answer = await this.#reads.ask(() => call("offers_list"));
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

  /** The delete or photo removal that can still be undone (the undo bar). */
  pending = $state<Pending | null>(null);
  /** Deletes and removals made (the undo is over) until the list read after them is shown:
   *  still hidden, so a deleted offer or a removed photo never shows again for a moment. */
  sending = $state.raw<Pending[]>([]);
  /** Why the last delete or removal made was refused. */
  problem = $state<UiError | null>(null);

  /** Whether `offer` is deleted (`delete`) or its photo removed (`photo`) here but may still
   *  be in the list. */
  made(kind: Pending["kind"], offer: Offer): boolean {
    return [this.pending, ...this.sending].some((waiting) => waiting?.kind === kind && waiting.offer.id === offer.id);
  }

  /** The list as the person sees it: without the offers deleted here, undo time or not. */
  get listed(): Offer[] {
    return this.list.filter((offer) => !this.made("delete", offer));
  }

  /** Hides the offer at once and deletes it when the undo time is over (an earlier one waiting
   *  is made now). */
  requestDelete(offer: Offer): void {
    this.selected = null;
    this.#wait("delete", offer);
  }

  /** Hides the offer's photo at once and removes it when the undo time is over. */
  requestPhotoRemoval(offer: Offer): void {
    this.#wait("photo", offer);
  }

  /** A new photo was chosen: the removal of the old one waiting is dropped. */
  dropPhotoRemoval(offer: Offer): void {
    if (this.pending?.kind !== "photo" || this.pending.offer.id !== offer.id) return;
    clearTimeout(this.pending.timer);
    this.pending = null;
  }

  /** Undoes the delete or removal waiting: the offer (and its editor) or its photo is back. */
  undo(): void {
    if (!this.pending) return;
    clearTimeout(this.pending.timer);
    if (this.pending.kind === "delete") this.selected = this.pending.offer.id;
    this.pending = null;
  }

  /** Makes the delete or removal waiting now; it stays hidden until the list after it shows. */
  async commit(): Promise<void> {
    const target = this.pending;
    if (!target) return;
    clearTimeout(target.timer);
    this.pending = null;
    this.sending = [...this.sending, target];
    try {
      this.problem = null;
      await (target.kind === "delete" ? this.remove(target.offer.id) : this.clearPhoto(target.offer.id));
    } catch (caught) {
      this.problem = asUiError(caught);
    } finally {
      this.sending = this.sending.filter((other) => other !== target);
    }
  }

  #wait(kind: Pending["kind"], offer: Offer): void {
    void this.commit();
    this.pending = { kind, offer, timer: setTimeout(() => void this.commit(), UNDO_MS) };
  }

  /** Saves the editor's changes (a new offer when `id` is null) and shows the list with them:
   *  the store reads its list again itself, no screen does after its own write. `form` (the
   *  editor's fields as JSON) is remembered as saved, for the editor's "Saved" note. */
  async save(id: number | null, changes: OfferPatch, form: string): Promise<Offer> {
    const saved = id === null ? await call("offer_create", { fields: changes }) : await call("offer_update", { id, changes });
    this.saved = { key: this.editorKey(saved.id), fields: form };
    await this.reload();
    return saved;
  }

  /** An offer's new photo (the file's bytes as the body), then the list with it. */
  async setPhoto(id: number, file: File): Promise<void> {
    await upload("offer_set_photo", file, { "offer-id": String(id) });
    await this.reload();
  }

  /** Deletes an offer (after its undo time), then the list without it. */
  async remove(id: number): Promise<void> {
    await call("offer_delete", { id });
    await this.reloadUntilShown();
  }

  /** Removes an offer's photo (after its undo time), then the list without it. */
  async clearPhoto(id: number): Promise<void> {
    await call("offer_clear_photo", { id });
    await this.reloadUntilShown();
  }

  /** Shows or hides an offer on the hotel's site; the list follows from the core's event. */
  async setActive(id: number, on: boolean): Promise<void> {
    await call("offer_update", { id, changes: { is_active: on } });
  }

  /** Puts the offers in this order; the list follows from the core's event. */
  async reorder(ids: number[]): Promise<void> {
    await call("offers_reorder", { ids });
  }

  /** What the core finds wrong with these fields (API.md §3.1), before saving. */
  check(id: number | null, fields: OfferPatch): Promise<FieldProblem[]> {
    return call("offer_check", { id, fields });
  }

  /** The offer's details as the site will show them (sanitized by the core). */
  preview(html: string): Promise<string> {
    return call("sanitize_html", { html });
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

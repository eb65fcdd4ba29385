// What this desk kept from the hotel's server before its upgrade to the 2026 server (issue
// 65.10): the core says what is kept (null when the server has offers, or nothing is kept),
// writes it into a folder on request, and puts each offer and gallery on the 2026 public page
// one at a time. The items are read again whenever the offers or the page change (a card or a
// gallery reaching the server changes what they say). Nothing here deletes anything.
import { asUiError, call } from "../../lib/backend";
import { onDeskEvent } from "../../lib/events";
import type { DeskEvent, ExportDone, KeptItems, KeptWork, UiError } from "../../lib/generated";
import { Newest } from "../../lib/newest";

/** A kept item the core asked about before putting it on the page again. */
export type Asked = { kind: "offer" | "gallery"; id: number; message: string };

export class OlderServerWork {
  kept = $state<KeptWork | null>(null);
  items = $state<KeptItems | null>(null);
  exporting = $state(false);
  done = $state<ExportDone | null>(null);
  error = $state<string | null>(null);
  /** The item being put on the page ("offer-3", "gallery-1"). */
  busy = $state<string | null>(null);
  /** The core's question before a second time. */
  asked = $state<Asked | null>(null);
  #reads = new Newest();

  /** Asks the core what is kept and what each item became (this desk's copy, no network);
   *  an answer older than the last question is dropped. */
  async load(): Promise<void> {
    const answer = await this.#reads.ask(() => Promise.all([call("older_server_kept"), call("older_server_items")]));
    if (answer.stale) return;
    if (answer.error) this.error = answer.error.message;
    else [this.kept, this.items] = answer.value;
  }

  handle(event: DeskEvent): void {
    if (event.type === "session_changed") {
      this.#reads.drop();
      this.kept = null;
      this.items = null;
      this.asked = null;
      this.done = null;
      this.error = null;
    }
    // What is kept, and what each item became, change as the page's rows are read and sent.
    if (event.type === "view_changed" && (event.view === "offers" || event.view === "public_page")) void this.load();
  }

  /** Writes it all into a new folder in Downloads; what was written shows in `done`. */
  async export(): Promise<void> {
    this.exporting = true;
    this.error = null;
    try {
      this.done = await call("older_server_export");
    } catch (caught) {
      this.error = asUiError(caught).message;
    } finally {
      this.exporting = false;
    }
  }

  /** Puts kept offer `id` on the page as a card; `again` once the person said yes. */
  republishOffer(id: number, again = false): Promise<void> {
    return this.#republish({ kind: "offer", id }, () => call("older_server_republish_offer", { id, again }));
  }

  /** Puts kept gallery `id` into gallery section `section`; `again` once the person said yes. */
  republishGallery(id: number, section: number, again = false): Promise<void> {
    return this.#republish({ kind: "gallery", id }, () => call("older_server_republish_gallery", { id, section, again }));
  }

  async #republish(item: { kind: "offer" | "gallery"; id: number }, send: () => Promise<KeptItems>): Promise<void> {
    this.busy = `${item.kind}-${item.id}`;
    this.error = null;
    this.asked = null;
    try {
      const items = await send();
      // A read asked before this answer must not bring back what was before it; what changed
      // while the answer travelled (a photo reaching the page) is read once more, after it: a
      // dropped read may have been the last one the core's events asked for.
      this.#reads.drop();
      this.items = items;
      void this.load();
    } catch (caught) {
      const error: UiError = asUiError(caught);
      if (isQuestion(error)) this.asked = { ...item, message: error.message };
      else this.error = error.message;
    } finally {
      this.busy = null;
    }
  }
}

/** The core asks before putting an item on the page a second time (an `again` field). */
export function isQuestion(error: UiError): boolean {
  return error.code === "invalid_input" && error.field === "again";
}

/** What an export wrote, in one sentence. */
export function exportWords(done: ExportDone): string {
  const n = (count: number, one: string, many: string) => (count === 1 ? `1 ${one}` : `${count} ${many}`);
  const written = `${n(done.offers, "offer", "offers")}, ${n(done.galleries, "gallery", "galleries")} and ${n(done.photos, "photo", "photos")} written to ${done.folder}.`;
  return done.photos_missing.length === 0
    ? written
    : `${written} ${n(done.photos_missing.length, "photo", "photos")} could not be had; the page in the folder names them.`;
}

/** The one view of the kept items, read again on the core's word. */
export const olderServer = new OlderServerWork();
onDeskEvent((event) => olderServer.handle(event));

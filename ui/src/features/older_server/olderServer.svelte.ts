// What this desk kept from the hotel's server before its upgrade to the 2026 server (issue
// 65.10): the core says what is kept (null when the server has offers, or nothing is kept) and
// writes it into a folder on request. Nothing here deletes anything.
import { asUiError, call } from "../../lib/backend";
import type { ExportDone, KeptWork } from "../../lib/generated";

export class OlderServerWork {
  kept = $state<KeptWork | null>(null);
  exporting = $state(false);
  done = $state<ExportDone | null>(null);
  error = $state<string | null>(null);

  /** Asks the core what is kept (from this desk's copy, no network). */
  async load(): Promise<void> {
    try {
      this.kept = await call("older_server_kept");
    } catch (caught) {
      this.error = asUiError(caught).message;
    }
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
}

/** What an export wrote, in one sentence. */
export function exportWords(done: ExportDone): string {
  const n = (count: number, one: string, many: string) => (count === 1 ? `1 ${one}` : `${count} ${many}`);
  const written = `${n(done.offers, "offer", "offers")}, ${n(done.galleries, "gallery", "galleries")} and ${n(done.photos, "photo", "photos")} written to ${done.folder}.`;
  return done.photos_missing.length === 0
    ? written
    : `${written} ${n(done.photos_missing.length, "photo", "photos")} could not be had; the page in the folder names them.`;
}

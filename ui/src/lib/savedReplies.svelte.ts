// Saved replies (issue 38.1): this computer's ready answers, read once and kept here for the
// reply box's `/` list and their own screen. The core keeps them, fills their fields and says
// what it could not fill; this file only holds what the screens show.
import { asUiError, backend, type FieldValues, type FilledReply, type SavedReplies, type SavedReply } from "./backend";
import { formatLongDate } from "./format.svelte";

class SavedReplyList {
  list = $state<SavedReplies | null>(null);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      this.list = await backend.savedReplies();
      this.error = null;
    } catch (caught) {
      this.error = asUiError(caught).message;
    }
  }

  /** Runs a change; the list it answers with is shown. False (and the error said) when refused. */
  async change(action: () => Promise<SavedReplies>): Promise<boolean> {
    try {
      this.list = await action();
      this.error = null;
      return true;
    } catch (caught) {
      this.error = asUiError(caught).message;
      return false;
    }
  }

  /** The replies whose name holds `query` (case and accents aside), those it starts first. */
  matching(query: string): SavedReply[] {
    const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
    const wanted = fold(query.trim());
    const replies = this.list?.replies ?? [];
    if (!wanted) return replies;
    const starts = replies.filter((r) => fold(r.name).startsWith(wanted));
    const holds = replies.filter((r) => !fold(r.name).startsWith(wanted) && fold(r.name).includes(wanted));
    return [...starts, ...holds];
  }

  /** A reply filled for a guest: their name and room where known, today's date as this
   *  computer writes dates; the core adds my first name and the hotel's name. */
  fill(id: number, guest: string | null, room: string | null): Promise<FilledReply> {
    const values: FieldValues = {
      guest: guest?.trim() || null,
      room: room?.trim() || null,
      date: formatLongDate(new Date(), true),
    };
    return backend.fillSavedReply(id, values);
  }
}

export const savedReplies = new SavedReplyList();

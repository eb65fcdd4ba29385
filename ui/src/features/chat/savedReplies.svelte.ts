// Saved replies (issue 38.1): this computer's ready answers, read once and kept here for the
// reply box's `/` list and their own screen. The core keeps them, fills their fields and says
// what it could not fill; this file only holds what the screens show.
import { asUiError, backend, type FieldValues, type FilledReply, type SavedReplies, type SavedReply } from "../../lib/backend";
import { formatLongDate } from "../../lib/format.svelte";
import { findIn } from "../../lib/find";

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

  /** The replies whose name `query` finds by the core's one search rule (accents, case and
   *  punctuation aside, each word typed beginning a word of the name), whole words first; every
   *  reply, in order, when nothing is typed. */
  matching(query: string): Promise<SavedReply[]> {
    return findIn(query, this.list?.replies ?? [], (reply) => reply.name);
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

// Saved replies (issue 38.1): this computer's ready answers, read once and kept here for the
// reply box's `/` list and their own screen. The core keeps them, fills their fields and says
// what it could not fill; this file only holds what the screens show.
import { type FieldValues, type FilledReply, type SavedReplies, type SavedReply, type ArgsOf, type Plain, type ResultOf, type ImportOutcome, call } from "../../lib/backend";
import { asUiError } from "../../lib/errors";
import { formatLongDate } from "../../lib/format.svelte";
import { findIn } from "../../lib/find";

/** The commands that change the saved replies and answer the whole list. */
type ListCommand = {
  [K in Plain]: ResultOf<K> extends SavedReplies ? (K extends "chat_saved_replies" ? never : K) : never;
}[Plain];

class SavedReplyList {
  list = $state<SavedReplies | null>(null);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      this.list = await call("chat_saved_replies");
      this.error = null;
    } catch (caught) {
      this.error = asUiError(caught).message;
    }
  }

  /** Makes a change (a command that answers the whole list); the list it answers with is
   *  shown, no screen reads it again. False (and the error said) when refused. */
  async change<K extends ListCommand>(command: K, ...args: ArgsOf<K>): Promise<boolean> {
    try {
      this.list = await call(command, ...args);
      this.error = null;
      return true;
    } catch (caught) {
      this.error = asUiError(caught).message;
      return false;
    }
  }

  /** Imports a file of saved replies (its text); the list it answers with is shown. Rejects
   *  (and says so) when refused. */
  async import(text: string): Promise<ImportOutcome> {
    try {
      const outcome = await call("chat_import_saved_replies", { text });
      this.list = outcome.replies;
      this.error = null;
      return outcome;
    } catch (caught) {
      this.error = asUiError(caught).message;
      throw caught;
    }
  }

  /** Writes every saved reply to a file; resolves to where it was written. */
  export(): Promise<string> {
    return call("chat_export_saved_replies");
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
    return call("chat_fill_saved_reply", { id, values });
  }
}

export const savedReplies = new SavedReplyList();

// A delete the person can take back (issue 65 items 2, 4 and 5; the same for sections, cards,
// galleries and photos): the item is hidden at once and handed to the core only when its undo
// time is over (undone before, nothing is asked of the core). After that, Undo asks the core,
// which waits for a delete on its way (a few seconds at most) and answers in words: back, or too
// late (gone from the server). One of these per screen: a second delete hands the first on now.
import { asUiError } from "./errors";
import type { UiError } from "./generated";

/** How long a delete waits before it is handed to the core, in ms. */
export const UNDO_MS = 5000;

/** What the undo bar is about: waiting its time here (`timer`), or handed to the core (`null`). */
export type DeleteWaiting<T> = { item: T; timer: ReturnType<typeof setTimeout> | null };

/** How one screen deletes, takes back and shows its items. */
export interface UndoWays<T> {
  /** Hands the delete to the core (the screen shows what the core answers; a refusal is the
   *  screen's to show, this never throws). */
  send(item: T): Promise<void>;
  /** Asks the core to take the delete back; resolves to its words. */
  takeBack(item: T): Promise<string>;
  /** Reads the screen's items again after an undo the core answered. */
  reload(): Promise<void>;
  /** Shows why the undo could not be asked. */
  failed(error: UiError): void;
}

/** The words shown while the core waits for a delete on its way. */
export const TAKING_BACK = "Taking the delete back…";

export class DeleteWithUndo<T> {
  /** The delete the undo bar is about. */
  waiting = $state<DeleteWaiting<T> | null>(null);
  /** What the last undo did, in words. */
  notice = $state<string | null>(null);

  constructor(private readonly ways: UndoWays<T>) {}

  /** The item hidden now, if any. */
  get item(): T | null {
    return this.waiting?.item ?? null;
  }

  /** Hides `item` at once; it is deleted when the undo time is over (an earlier delete waiting
   *  is handed on now). */
  request(item: T): void {
    void this.commit();
    this.notice = null;
    this.waiting = { item, timer: setTimeout(() => void this.commit(), UNDO_MS) };
  }

  /** Hands the waiting delete to the core now; the undo bar stays while the core may still take
   *  it back. */
  async commit(): Promise<void> {
    const target = this.waiting;
    if (!target?.timer) return;
    clearTimeout(target.timer);
    this.waiting = { item: target.item, timer: null };
    await this.ways.send(target.item);
  }

  /** Takes the delete back: before its time nothing was queued; after, the core says whether it
   *  was still waiting to be sent (or did not get through), or is gone from the server. */
  async undo(): Promise<void> {
    const target = this.waiting;
    if (!target) return;
    this.waiting = null;
    if (target.timer) {
      clearTimeout(target.timer);
      this.notice = null;
      return;
    }
    try {
      this.notice = TAKING_BACK;
      this.notice = await this.ways.takeBack(target.item);
      await this.ways.reload();
    } catch (caught) {
      this.notice = null;
      this.ways.failed(asUiError(caught));
    }
  }

  /** Closes the undo bar (the delete goes on). */
  dismiss(): void {
    void this.commit().then(() => {
      this.waiting = null;
    });
  }

  /** Forgets the bar without asking anything (a test's fresh start, a screen left). */
  reset(): void {
    if (this.waiting?.timer) clearTimeout(this.waiting.timer);
    this.waiting = null;
    this.notice = null;
  }
}

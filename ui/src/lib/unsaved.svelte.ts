// What is typed in an open editor and not saved yet (an offer, a gallery's details, a new
// gallery, a photo's caption, a room type, a saved reply, an edit of my message to a guest):
// kept in the window's own storage, per person, as it is typed. A screen change, the reception
// display (the desk window is closed while it shows and made again when it is left), a quit or
// a crash loses none of it: the editor opens again with it, saying it is not saved; a sign-out
// counts it and says it is lost unless saved (issue 63.17: an offer editor's typed text was
// dropped without a word). Only the person's Save or Cancel ends it. A PIN is never kept here:
// it is a secret, and retyping it is the price.

/** One editor's typed text, as kept. */
export type UnsavedEdit = {
  /** The editor and what it edits: `offer:12`, `offer:new`, `gallery:4`, `room_type:new`… */
  key: string;
  /** The screen it is on (`features/index.ts`), to go back to it. */
  screen: string;
  /** What it is, in words for the sign-out question: "the offer “Summer Spa”". */
  what: string;
  /** The form as typed (plain JSON). */
  fields: unknown;
};

const KEY = "hotelmate.unsaved:";
/** Editors kept at most per person: a storage that grows without end is a leak of its own. */
const MOST = 50;

function read(account: string): Record<string, UnsavedEdit> {
  try {
    const kept: unknown = JSON.parse(localStorage.getItem(KEY + account) ?? "{}");
    if (!kept || typeof kept !== "object") return {};
    const edits: Record<string, UnsavedEdit> = {};
    for (const [key, value] of Object.entries(kept)) {
      if (value && typeof value === "object" && "screen" in value && "what" in value && "fields" in value) {
        const { screen, what, fields } = value as UnsavedEdit;
        if (typeof screen === "string" && typeof what === "string") edits[key] = { key, screen, what, fields };
      }
    }
    return edits;
  } catch {
    return {};
  }
}

class UnsavedEdits {
  /** Whose edits these are (the account key), `null` while nobody is signed in. */
  #account: string | null = null;
  /** The kept edits by key, newest last. */
  edits = $state<Record<string, UnsavedEdit>>({});
  /** Something could not be kept (no storage): said where the editors are. */
  problem = $state<string | null>(null);

  /** Someone signed in (their kept edits are read back), or nobody (`null`). */
  setAccount(account: string | null): void {
    if (account === this.#account) return;
    this.#account = account;
    this.edits = account === null ? {} : read(account);
  }

  /** Every kept edit, oldest first. */
  get list(): UnsavedEdit[] {
    return Object.values(this.edits);
  }

  get(key: string): UnsavedEdit | undefined {
    return this.edits[key];
  }

  /** Keeps an editor's typed text (replacing what was kept for it). */
  keep(edit: UnsavedEdit): void {
    const next = { ...this.edits };
    delete next[edit.key];
    next[edit.key] = edit;
    const keys = Object.keys(next);
    for (const old of keys.slice(0, Math.max(0, keys.length - MOST))) delete next[old];
    this.edits = next;
    this.#write();
  }

  /** The editor was saved or cancelled: nothing of it is kept. */
  drop(key: string): void {
    if (!(key in this.edits)) return;
    const next = { ...this.edits };
    delete next[key];
    this.edits = next;
    this.#write();
  }

  /** The person chose to sign out and lose it all. */
  discardAll(): void {
    this.edits = {};
    this.#write();
  }

  /** Keeps `fields` as the editor's text while they differ from `opened` (what the editor
   *  opened with); forgets it once they are the same again. */
  track(edit: UnsavedEdit, opened: unknown): void {
    if (JSON.stringify(edit.fields) === JSON.stringify(opened)) this.drop(edit.key);
    else this.keep(edit);
  }

  #write(): void {
    if (this.#account === null) return;
    try {
      if (Object.keys(this.edits).length === 0) localStorage.removeItem(KEY + this.#account);
      else localStorage.setItem(KEY + this.#account, JSON.stringify(this.edits));
      this.problem = null;
    } catch {
      this.problem = "What you type in an editor cannot be kept on this computer until it is saved (its storage is full): save it before leaving the screen.";
    }
  }
}

export const unsaved = new UnsavedEdits();

/** The kept fields of `key` over `opened` (a kept form may lack fields added since). */
export function keptOr<T extends object>(key: string, opened: T): { fields: T; restored: boolean } {
  const kept = unsaved.get(key)?.fields;
  if (kept && typeof kept === "object") return { fields: { ...opened, ...(kept as Partial<T>) }, restored: true };
  return { fields: { ...opened }, restored: false };
}

/** The fields of `form` typed over `opened` (only those differ): what an editor keeps, so a
 *  colleague's change of another field since is not undone when it opens again. */
export function typedOver<T extends object>(form: T, opened: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(form) as (keyof T)[]) {
    if ((form[key] ?? "") !== (opened[key] ?? "")) out[key] = form[key];
  }
  return out;
}

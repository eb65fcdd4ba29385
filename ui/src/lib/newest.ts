// One question asked again and again (read the list again, read the thread again): answers can
// arrive out of order, and only the answer to the newest question may be shown.
import { type UiError } from "./backend";
import { asUiError } from "./errors";

/** What a question answered, unless a newer question was asked meanwhile (`stale`). */
export type Answer<T> =
  | { stale: true }
  | { stale: false; value: T; error?: undefined }
  | { stale: false; error: UiError; value?: undefined };

export class Newest {
  #asked = 0;

  /** Makes the answers to every question asked so far stale (signed out, another thread). */
  drop(): void {
    this.#asked += 1;
  }

  /** A ticket for a question asked by other means; `isNewest` says whether it still is. */
  take(): number {
    return ++this.#asked;
  }

  isNewest(ticket: number): boolean {
    return ticket === this.#asked;
  }

  /** Asks `question`; its answer or its error, or `stale` when a newer question was asked. */
  async ask<T>(question: () => Promise<T>): Promise<Answer<T>> {
    const ticket = this.take();
    try {
      const value = await question();
      return this.isNewest(ticket) ? { stale: false, value } : { stale: true };
    } catch (error) {
      return this.isNewest(ticket) ? { stale: false, error: asUiError(error) } : { stale: true };
    }
  }
}

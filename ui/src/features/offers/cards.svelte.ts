// The Offers screen on the 2026 server (issue 65 item 5; API.md §17.5): the cards of the list
// chosen on this desk, read again whenever the core says the offers view changed (the desk reads
// them while the screen shows: the server announces nothing). Each change goes to the core,
// which keeps it and sends it when the server can be reached; the answer is shown at once. A
// delete hides the card at once and is undone as every delete of the page is
// (`lib/deleteWithUndo`).
import { call, upload } from "../../lib/backend";
import { DeleteWithUndo } from "../../lib/deleteWithUndo.svelte";
import { asUiError } from "../../lib/errors";
import { onDeskEvent } from "../../lib/events";
import type { CardPatch, DeskEvent, OfferCard, OfferCards, UiError } from "../../lib/generated";
import { Newest } from "../../lib/newest";

/** The offers as cards, as the desk keeps them: read when the screen opens, again whenever the
 *  core says the offers view changed, dropped at sign-out. Out-of-order answers never replace a
 *  newer one. */
class OfferCardsView {
  value = $state<OfferCards | null>(null);
  error = $state<UiError | null>(null);
  #reads = new Newest();

  handle(event: DeskEvent): void {
    if (event.type === "view_changed" && event.view === "offers") void this.reload();
    if (event.type === "session_changed") {
      this.#reads.drop();
      this.value = null;
      if (event.session) void this.reload();
    }
  }

  async reload(): Promise<void> {
    const answer = await this.#reads.ask(() => call("offer_cards"));
    if (answer.stale) return;
    if (answer.error) this.error = answer.error;
    else {
      this.value = answer.value;
      this.error = null;
    }
  }
}

export const offerCards = new OfferCardsView();
onDeskEvent((event) => offerCards.handle(event));

/** Where this desk's change to a card stands, in words (null when the server has it). */
export function cardSyncNote(card: OfferCard): string | null {
  switch (card.sync.state) {
    case "synced":
      return card.image_waiting ? "Picture waiting to be sent" : null;
    case "pending":
      return "Saved here; waiting to be sent";
    case "conflict":
      return "A colleague changed this too: needs your decision (status bar)";
    case "rejected":
      return `Not saved: ${card.sync.message}`;
  }
}

/** The ids in order after `id` moves to place `to` (a drop or a key). */
export function placeOf(cards: OfferCard[], id: number, step: -1 | 1): number | null {
  const from = cards.findIndex((c) => c.id === id);
  const to = from + step;
  return from < 0 || to < 0 || to >= cards.length ? null : to;
}

class CardEdits {
  /** Why the last change was refused. */
  problem = $state<UiError | null>(null);
  /** The delete the undo bar is about, and what the last undo did. */
  readonly deletes = new DeleteWithUndo<OfferCard>({
    send: async (card) => {
      await this.#apply(() => call("offer_card_delete", { id: card.id }));
    },
    takeBack: async (card) => (await call("offer_card_undo_delete", { id: card.id })).message,
    reload: () => offerCards.reload(),
    failed: (error) => (this.problem = error),
  });

  /** The cards as the person sees them: without one deleted here. */
  listed(cards: OfferCards): OfferCard[] {
    const gone = this.deletes.item?.id;
    return cards.cards.filter((c) => c.id !== gone);
  }

  async #apply(change: () => Promise<OfferCards>): Promise<boolean> {
    try {
      this.problem = null;
      offerCards.value = await change();
      return true;
    } catch (caught) {
      this.problem = asUiError(caught);
      return false;
    }
  }

  chooseList(id: number): Promise<boolean> {
    return this.#apply(() => call("offer_cards_choose_list", { id }));
  }

  createList(name: string): Promise<boolean> {
    return this.#apply(() => call("offer_cards_create_list", { name }));
  }

  add(card: CardPatch): Promise<boolean> {
    return this.#apply(() => call("offer_card_add", { card }));
  }

  update(id: number, changes: CardPatch): Promise<boolean> {
    return this.#apply(() => call("offer_card_update", { id, changes }));
  }

  move(id: number, to: number): Promise<boolean> {
    return this.#apply(() => call("offer_card_move", { id, to }));
  }

  setImage(id: number, file: File): Promise<boolean> {
    return this.#apply(() => upload("offer_card_set_image", file, { "card-id": String(id) }));
  }

  clearImage(id: number): Promise<boolean> {
    return this.#apply(() => call("offer_card_clear_image", { id }));
  }

  /** Deletes the card after its undo time, unless undone (`lib/deleteWithUndo`). */
  requestDelete(card: OfferCard): void {
    this.deletes.request(card);
  }
}

export const cardEdits = new CardEdits();

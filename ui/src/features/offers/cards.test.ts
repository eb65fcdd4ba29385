// The Offers screen on the 2026 server: a card deleted here is hidden at once and handed to the
// core only when its undo time is over (undone before, nothing is asked of the core); undone
// after, the core's words are shown, "too late" included; a move asks for the card's new place;
// a refused change (a blank title) is shown, not swallowed; and where a card's change stands is
// said in words. Only the Tauri IPC boundary is mocked (test/setup.ts); the undo time runs on
// Vitest's fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OfferCard, OfferCards } from "../../lib/generated";
import { UNDO_MS } from "../../lib/deleteWithUndo.svelte";
import { answer } from "../../test/setup";
import { cardEdits, cardSyncNote, offerCards, placeOf } from "./cards.svelte";

const card = (id: number, title: string): OfferCard => ({
  id,
  title,
  subtitle: "",
  description: "",
  image_url: null,
  image_waiting: false,
  sync: { state: "synced" },
});

const view = (cards: OfferCard[]): OfferCards => ({
  editable: true,
  who_can_edit: "",
  lists: [{ id: 5, title: "Offers", section_name: "Special Offers" }],
  chosen: 5,
  proposed: null,
  cards,
  note: "",
});

const shownIds = (): number[] => cardEdits.listed(offerCards.value!).map((c) => c.id);

beforeEach(() => {
  vi.useFakeTimers();
  cardEdits.deletes.reset();
  cardEdits.problem = null;
  offerCards.value = view([card(1, "Spa"), card(2, "Golf")]);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a card deleted here", () => {
  it("is hidden at once and undone before its time with nothing asked of the core", async () => {
    const asked = answer({});
    cardEdits.requestDelete(card(2, "Golf"));
    expect(shownIds()).toEqual([1]);
    await vi.advanceTimersByTimeAsync(UNDO_MS - 1);
    expect(asked).toEqual([]);
    await cardEdits.deletes.undo();
    expect(shownIds()).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(UNDO_MS * 2);
    expect(asked).toEqual([]);
  });

  it("is handed to the core after its time, and an undo then says what the core did", async () => {
    const asked = answer({
      offer_card_delete: () => view([card(1, "Spa")]),
      offer_card_undo_delete: () => ({ undone: false, message: "Too late to undo: gone." }),
      offer_cards: () => view([card(1, "Spa")]),
    });
    cardEdits.requestDelete(card(2, "Golf"));
    await vi.advanceTimersByTimeAsync(UNDO_MS);
    expect(asked.map((a) => a.command)).toEqual(["offer_card_delete"]);
    await cardEdits.deletes.undo();
    expect(asked.map((a) => a.command)).toEqual(["offer_card_delete", "offer_card_undo_delete", "offer_cards"]);
    expect(cardEdits.deletes.notice).toContain("Too late");
    expect(shownIds()).toEqual([1]);
  });
});

describe("card changes", () => {
  it("a move asks for the card's new place, and the ends do not move", async () => {
    const cards = [card(1, "Spa"), card(2, "Golf"), card(3, "Winter")];
    expect(placeOf(cards, 2, -1)).toBe(0);
    expect(placeOf(cards, 1, -1)).toBeNull();
    expect(placeOf(cards, 3, 1)).toBeNull();
    const asked = answer({ offer_card_move: () => view([card(2, "Golf"), card(1, "Spa")]) });
    await cardEdits.move(2, 0);
    expect(asked).toEqual([{ command: "offer_card_move", args: { id: 2, to: 0 } }]);
    expect(shownIds()).toEqual([2, 1]);
  });

  it("a refused change is shown in the core's words and the cards stay as they were", async () => {
    answer({
      offer_card_update: () => {
        throw { code: "invalid_input", field: "title", message: "A card needs a title." };
      },
    });
    expect(await cardEdits.update(1, { title: " ", subtitle: null, description: null })).toBe(false);
    expect(cardEdits.problem?.message).toBe("A card needs a title.");
    expect(shownIds()).toEqual([1, 2]);
  });

  it("says where a change stands, a colleague's change of the same field included", () => {
    expect(cardSyncNote(card(1, "Spa"))).toBeNull();
    expect(cardSyncNote({ ...card(1, "Spa"), image_waiting: true })).toContain("Picture waiting");
    expect(cardSyncNote({ ...card(1, "Spa"), sync: { state: "conflict" } })).toContain("colleague");
    expect(cardSyncNote({ ...card(1, "Spa"), sync: { state: "rejected", message: "No." } })).toBe("Not saved: No.");
  });
});

// What the Offers screen says after an export of what the desk kept from the older server
// (issue 65.10): where it went and what, and photos that could not be had are never left unsaid.
import { describe, expect, it, vi } from "vitest";
import type { ExportDone, KeptItems } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { exportWords, isQuestion, OlderServerWork } from "./olderServer.svelte";

const done = (missing: string[]): ExportDone => ({
  folder: "/home/anna/Downloads/HotelMate offers and galleries",
  offers: 3,
  galleries: 1,
  photos: 12,
  photos_missing: missing,
});

describe("an export's sentence", () => {
  it("names the folder and counts what was written", () => {
    expect(exportWords(done([]))).toBe("3 offers, 1 gallery and 12 photos written to /home/anna/Downloads/HotelMate offers and galleries.");
  });

  it("says when photos could not be had", () => {
    expect(exportWords(done(["https://media.example/a.jpg"]))).toContain("1 photo could not be had");
  });
});

describe("putting a kept item on the page again", () => {
  it("is a question from the core, not a failure", () => {
    expect(isQuestion({ code: "invalid_input", field: "again", message: "“Spa” was already put on the public page from this desk." })).toBe(true);
    expect(isQuestion({ code: "invalid_input", field: "section", message: "Choose one of the public page's gallery sections." })).toBe(false);
    expect(isQuestion({ code: "forbidden", field: null, message: "Only the hotel's super staff admins…" })).toBe(false);
  });
});

describe("the kept panel after putting an item on the page", () => {
  // Only what tells the answers apart: how many of the gallery's photos are on the page.
  const items = (photosThere: number) => ({ galleries: [{ id: 7, photosThere }] }) as unknown as KeptItems;
  const there = (work: OlderServerWork) =>
    (work.items as unknown as { galleries: { photosThere: number }[] } | null)?.galleries[0]?.photosThere;

  it("reads again after the answer, so an answer made before the last photo landed is not the last word", async () => {
    const republished = later<KeptItems>();
    let landed = 2;
    answer({
      older_server_republish_gallery: () => republished.promise,
      older_server_kept: () => null,
      older_server_items: () => items(landed),
    });
    const work = new OlderServerWork();
    const sending = work.republishGallery(7, 3);
    // The last photos land while the answer travels; the core's event is read at once.
    landed = 4;
    await work.load();
    expect(there(work)).toBe(4);
    republished.resolve(items(2));
    await sending;
    await vi.waitFor(() => expect(there(work)).toBe(4));
  });
});

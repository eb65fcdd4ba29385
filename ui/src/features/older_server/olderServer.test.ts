// What the Offers screen says after an export of what the desk kept from the older server
// (issue 65.10): where it went and what, and photos that could not be had are never left unsaid.
import { describe, expect, it } from "vitest";
import type { ExportDone } from "../../lib/generated";
import { exportWords, isQuestion } from "./olderServer.svelte";

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

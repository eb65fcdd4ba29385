// The reception display's slides on the 2026 server (issue 65.11): the published page's cards
// take the offers' place, each with the hotel's own booking code, and nothing a card does not
// have (a tag, an end date) is shown. Pure functions; only the Tauri IPC boundary is mocked
// (test/setup.ts), for the picture addresses.
import { describe, expect, it } from "vitest";
import type { DisplayContent, PageCard, ScanCode } from "../../lib/generated";
import { buildSlides, changedPanel, panelSignatures } from "./slides";

const code: ScanCode = { offer_id: 0, address: "https://hotel.example/", size: 21, path: "M0 0h1v1h-1z" };

function card(id: number, title: string, subtitle = ""): PageCard {
  return { id, title, subtitle, description: `About ${title}`, image_url: null };
}

function content(cards: PageCard[]): DisplayContent {
  return {
    hotel_name: "Hotel Killarney",
    welcome: "Welcome to Killarney",
    logo_url: null,
    hero_url: null,
    offers: [],
    scan_codes: [],
    cards,
    card_code: code,
    on_duty: [],
    departments: [],
    gallery: [],
    today: "2026-11-30",
  } as unknown as DisplayContent;
}

describe("the lobby on the 2026 server", () => {
  it("shows each card as an offer slide, in order, with the hotel's booking code and no tag or date", () => {
    const slides = buildSlides(content([card(11, "Golf & stay", "Two rounds"), card(12, "Spa weekend")]));
    const offers = slides.filter((s) => s.panel === "offers");
    expect(offers.map((s) => s.key)).toEqual(["card:11", "card:12"]);
    const [first, second] = offers;
    if (first?.panel !== "offers" || second?.panel !== "offers") throw new Error("not offer slides");
    expect([first.offer.title, first.offer.short_description, first.position, first.count]).toEqual(["Golf & stay", "Two rounds", 0, 2]);
    expect(second.offer.short_description).toBe("About Spa weekend");
    expect([first.offer.tag, first.offer.valid_to]).toEqual(["", null]);
    expect(first.code?.address).toBe("https://hotel.example/");
  });

  it("brings the offers up again when a card's title changes", () => {
    const before = panelSignatures(content([card(11, "Golf & stay")]));
    const after = panelSignatures(content([card(11, "Golf & spa")]));
    expect(changedPanel(before, after)).toBe("offers");
  });
});

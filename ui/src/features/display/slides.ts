// The reception display's stage as a list of slides, built from the display content: each offer,
// then each gallery picture, then who is on duty (a page per few departments), then the welcome
// message. A panel with nothing to show has no slides. A slide's key stays the same across reloads
// while it shows the same thing, so a reload keeps the slide on screen.
import { type DisplayContent, type ScanCode, type ShownSlide, type SlideImage, type TeamMember } from "../../lib/backend";
import type { PageCard } from "../../lib/generated";
import { shownImage } from "../../lib/images";

export type Panel = "offers" | "gallery" | "team" | "welcome";

/** What an offer slide shows: an offer (fd6c529), or a card of the published page's lists (the
 *  2026 server's offers, which have no tag and no dates: none is shown, none invented). */
export type ShownOffer = { id: number; title: string; short_description: string; tag: string; valid_to: string | null; photo_url: string | null };

/** A card as an offer slide shows it: its subtitle (else its description) under its title. */
function cardShown(card: PageCard): ShownOffer {
  return { id: card.id, title: card.title, short_description: card.subtitle.trim() || card.description, tag: "", valid_to: null, photo_url: card.image_url };
}

/** One department's column on a team page (a big department spans several). */
export type DepartmentCard = { department: string; members: TeamMember[] };

type Common = {
  key: string;
  /** The pictures to load before the slide is shown (addresses the webview loads). */
  images: string[];
  /** Without its picture the slide is not shown at all (a gallery slide is only its picture). */
  needsImages: boolean;
};

export type Slide = Common &
  (
    | { panel: "offers"; offer: ShownOffer; photo: string | null; position: number; count: number; code: ScanCode | null }
    | { panel: "gallery"; image: SlideImage; photo: string }
    | { panel: "team"; cards: DepartmentCard[] }
    | { panel: "welcome"; text: string }
  );

/** Gallery pictures per round of the panels, so who is on duty and the welcome come round every
 *  couple of minutes however big the galleries are; the next ones take their turn a window later. */
export const GALLERY_PER_ROUND = 6;
/** How long one window of gallery pictures lasts before the next ones take over. */
export const GALLERY_WINDOW_MS = 10 * 60_000;

/** A team page's columns, and the people in a column: readable from three metres. */
const CARDS_PER_TEAM_PAGE = 4;
const PEOPLE_PER_CARD = 5;

/** `galleryWindow` counts [`GALLERY_WINDOW_MS`] periods: which gallery pictures take part. */
export function buildSlides(content: DisplayContent | null, galleryWindow = 0): Slide[] {
  if (!content) return [];
  const slides: Slide[] = [];
  const offers: { key: string; offer: ShownOffer; code: ScanCode | null }[] = [
    ...content.offers.map((offer) => ({
      key: `offer:${offer.id}`,
      offer,
      code: content.scan_codes.find((code) => code.offer_id === offer.id) ?? null,
    })),
    ...content.cards.map((card) => ({ key: `card:${card.id}`, offer: cardShown(card), code: content.card_code })),
  ];
  offers.forEach(({ key, offer, code }, position) => {
    const photo = offer.photo_url ? shownImage(offer.photo_url, "screen") : null;
    slides.push({ key, panel: "offers", offer, photo, position, count: offers.length, code, images: photo ? [photo] : [], needsImages: false });
  });
  const seen = new Set<string>();
  const gallery = content.gallery.filter((image) => !seen.has(image.url) && seen.add(image.url));
  const first = gallery.length === 0 ? 0 : (galleryWindow * GALLERY_PER_ROUND) % gallery.length;
  const round = Array.from({ length: Math.min(GALLERY_PER_ROUND, gallery.length) }, (_, i) => gallery[(first + i) % gallery.length]!);
  for (const image of round) {
    const photo = shownImage(image.url, "screen");
    slides.push({ key: `gallery:${image.url}`, panel: "gallery", image, photo, images: [photo], needsImages: true });
  }
  const cards = content.departments.flatMap((group) => {
    const split: DepartmentCard[] = [];
    for (let at = 0; at < group.members.length; at += PEOPLE_PER_CARD) {
      split.push({ department: group.department, members: group.members.slice(at, at + PEOPLE_PER_CARD) });
    }
    return split;
  });
  for (let at = 0; at < cards.length; at += CARDS_PER_TEAM_PAGE) {
    const page = cards.slice(at, at + CARDS_PER_TEAM_PAGE);
    const images = page.flatMap((card) => card.members.flatMap((member) => (member.photo_url ? [shownImage(member.photo_url, "thumbnail")] : [])));
    slides.push({ key: `team:${at / CARDS_PER_TEAM_PAGE}`, panel: "team", cards: page, images, needsImages: false });
  }
  const welcome = content.welcome?.trim();
  if (welcome || slides.length === 0) {
    slides.push({
      key: "welcome",
      panel: "welcome",
      text: welcome || `Welcome to ${content.hotel_name}`,
      images: [],
      needsImages: false,
    });
  }
  return slides;
}

/** What each panel shows, in a form that changes exactly when a guest would see a change. */
export function panelSignatures(content: DisplayContent | null): Record<Panel, string> {
  return {
    offers: JSON.stringify([
      ...(content?.offers.map((o) => [o.id, o.title, o.short_description, o.tag, o.photo_url]) ?? []),
      ...(content?.cards.map((c) => ["card", c.id, c.title, c.subtitle, c.description, c.image_url]) ?? []),
    ]),
    gallery: JSON.stringify(content?.gallery.map((image) => [image.url, image.caption]) ?? []),
    team: JSON.stringify(content?.departments.map((group) => [group.department, group.members.map((m) => m.id)]) ?? []),
    welcome: content?.welcome ?? "",
  };
}

/** The panel whose content changed between two contents (the first, in the stage's order). A
 *  panel that had nothing before is arriving, not changing (a desk that just opened fills
 *  every panel in turn), and a panel left with nothing has nothing to bring up. */
export function changedPanel(before: Record<Panel, string> | null, after: Record<Panel, string>): Panel | null {
  if (!before) return null;
  const empty = (signature: string) => signature === "" || signature === "[]";
  const order: Panel[] = ["offers", "gallery", "team", "welcome"];
  return order.find((panel) => !empty(before[panel]) && !empty(after[panel]) && before[panel] !== after[panel]) ?? null;
}

/** Every picture the content shows, hero and logo included: the ones worth keeping loaded. */
export function contentImages(content: DisplayContent | null, slides: Slide[]): Set<string> {
  const sources = new Set(slides.flatMap((slide) => slide.images));
  if (content?.hero_url) sources.add(shownImage(content.hero_url, "screen"));
  if (content?.logo_url) sources.add(shownImage(content.logo_url, "thumbnail"));
  return sources;
}

/** A slide as the desk's Overview names it (issue 39.5): its title and its photo as the server
 *  names it (the Overview shows it through the desk's image cache). */
export function shownSlide(slide: Slide): ShownSlide {
  switch (slide.panel) {
    case "offers":
      return { panel: slide.panel, title: slide.offer.title, image_url: slide.offer.photo_url ?? null };
    case "gallery":
      return { panel: slide.panel, title: slide.image.caption ?? slide.image.gallery, image_url: slide.image.url };
    case "team":
      return { panel: slide.panel, title: "On duty", image_url: null };
    case "welcome":
      return { panel: slide.panel, title: slide.text, image_url: null };
  }
}

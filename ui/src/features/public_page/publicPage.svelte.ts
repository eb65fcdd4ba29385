// The Public page screen's state (2026 server): the hotel's page-builder page as the desk keeps
// it, read again whenever the core says its view changed (the desk reads it while the screen
// shows: the server announces nothing). What the screen says of a section is made here.
import { onDeskEvent } from "../../lib/events";
import { ViewStore } from "../../lib/viewStore.svelte";
import type { PageSection, PublicPage } from "../../lib/generated";

export const publicPage = new ViewStore("public_page", "public_page");
onDeskEvent((event) => publicPage.handle(event));

function count(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

/** What a section holds, in a few words ("2 galleries, 6 photos", "3 cards"). */
export function contents(section: PageSection): string {
  if (section.hero) return section.hero.image_url ? "title, text and picture" : "title and text";
  if (section.galleries.length > 0) {
    const photos = section.galleries.reduce((sum, g) => sum + g.images.length, 0);
    return `${count(section.galleries.length, "gallery", "galleries")}, ${count(photos, "photo", "photos")}`;
  }
  if (section.section_type === "list") return count(section.cards.length, "card", "cards");
  return "";
}

/** The sentence above a page the person may not change (null when they may). */
export function readOnlyNote(page: PublicPage): string | null {
  return page.editable ? null : `You can read this page but not change it. ${page.who_can_edit}`;
}

/** Where this desk's change to a section stands, in words (null when the server has it). */
export function syncNote(section: PageSection): string | null {
  switch (section.sync.state) {
    case "synced":
      return null;
    case "pending":
      return "Saved here; waiting to be sent";
    case "conflict":
      return "A colleague changed this too: needs your decision (status bar)";
    case "rejected":
      return `Not saved: ${section.sync.message}`;
  }
}

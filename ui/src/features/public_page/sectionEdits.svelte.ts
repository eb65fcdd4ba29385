// Changing the page's sections (issue 65 items 2 and 6): each change goes to the core, which
// keeps it and sends it when the server can be reached; the page it answers is shown at once.
// A delete hides the section at once and is handed to the core when its undo time is over
// (undone before then, nothing is queued); after that, Undo still takes it back while the core
// has not sent it, and says plainly when it is too late (the section is gone from the server).
import { call } from "../../lib/backend";
import { asUiError } from "../../lib/errors";
import type { PageSection, PublicPage, UiError } from "../../lib/generated";
import { publicPage } from "./publicPage.svelte";

/** How long a delete waits before it is handed to the core, in ms. */
export const UNDO_MS = 5000;

/** The style variants a section takes (API.md §17.1: 1–5). */
export const STYLE_VARIANTS = [1, 2, 3, 4, 5] as const;

/** One entry of a section's style menu: the variant it sets, its label and its tooltip. */
export type StyleOption = { variant: number; label: string; title: string };

/**
 * A section's style menu: the five variants, each named as the core names it (the server's
 * preset name where one names that variant, API.md §17.7, else "Style N"). A variant the core
 * did not name (an older core's page) is "Style N". Labels are text: the template escapes them.
 */
export function styleOptions(section: PageSection): StyleOption[] {
  return STYLE_VARIANTS.map((variant) => {
    const named = section.styles?.find((s) => s.variant === variant);
    return {
      variant,
      label: named?.name || `Style ${variant}`,
      title: named?.description ?? "",
    };
  });
}

/** The types a section can be added as (API.md §17.2), with their names. */
export const SECTION_TYPES: { value: string; label: string }[] = [
  { value: "hero", label: "Hero" },
  { value: "gallery", label: "Gallery" },
  { value: "list", label: "List of cards" },
  { value: "news", label: "News" },
  { value: "rooms", label: "Rooms" },
];

/** A delete the person can still undo: waiting its time here, or handed to the core. */
export type DeleteWaiting = { section: PageSection; timer: ReturnType<typeof setTimeout> | null };

class SectionEdits {
  /** Why the last change was refused. */
  problem = $state<UiError | null>(null);
  /** The delete the undo bar is about. */
  waiting = $state<DeleteWaiting | null>(null);
  /** What the last undo did, in words (back, or too late). */
  notice = $state<string | null>(null);

  /** The sections as the person sees them: without one deleted here. */
  listed(page: PublicPage): PageSection[] {
    const gone = this.waiting?.section.id;
    return page.sections.filter((s) => s.id !== gone);
  }

  async #apply(change: () => Promise<PublicPage>): Promise<void> {
    try {
      this.problem = null;
      publicPage.value = await change();
    } catch (caught) {
      this.problem = asUiError(caught);
    }
  }

  add(sectionType: string, name: string): Promise<void> {
    return this.#apply(() => call("page_section_add", { section: { section_type: sectionType, name } }));
  }

  rename(id: number, name: string): Promise<void> {
    return this.#apply(() => call("page_section_rename", { id, name }));
  }

  setHidden(id: number, hidden: boolean): Promise<void> {
    return this.#apply(() => call("page_section_hide", { id, hidden }));
  }

  move(id: number, by: -1 | 1): Promise<void> {
    return this.#apply(() => call("page_section_move", { id, by }));
  }

  /** Style variant 1–5 (API.md §17.1). */
  setStyle(id: number, style: number): Promise<void> {
    return this.#apply(() => call("page_section_style", { id, style }));
  }

  /** Drops section `dragged` where `onto` is (before it when moving up, after it when moving
   *  down): the whole new order goes to the core, which sends one change per section moved. */
  drop(sections: PageSection[], dragged: number, onto: number): Promise<void> {
    const ids = sections.map((s) => s.id);
    const from = ids.indexOf(dragged);
    const to = ids.indexOf(onto);
    if (from < 0 || to < 0 || from === to) return Promise.resolve();
    ids.splice(from, 1);
    ids.splice(to, 0, dragged);
    return this.#apply(() => call("page_sections_reorder", { ids }));
  }

  /** Hides the section at once; it is deleted when the undo time is over (an earlier delete
   *  waiting is handed on now). */
  requestDelete(section: PageSection): void {
    void this.commit();
    this.notice = null;
    this.waiting = { section, timer: setTimeout(() => void this.commit(), UNDO_MS) };
  }

  /** Hands the waiting delete to the core now; the undo bar stays while the core may still
   *  take it back. */
  async commit(): Promise<void> {
    const target = this.waiting;
    if (!target?.timer) return;
    clearTimeout(target.timer);
    this.waiting = { section: target.section, timer: null };
    await this.#apply(() => call("page_section_delete", { id: target.section.id }));
  }

  /** Takes the delete back: before its time nothing was queued; after, the core says whether
   *  it was still waiting to be sent (or did not get through), or is gone from the server. */
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
      // A delete on its way is waited for (a few seconds at most) before the core answers.
      this.notice = "Taking the delete back…";
      const undone = await call("page_section_undo_delete", { id: target.section.id });
      this.notice = undone.message;
      await publicPage.reload();
    } catch (caught) {
      this.problem = asUiError(caught);
    }
  }

  /** Closes the undo bar (the delete goes on). */
  dismiss(): void {
    void this.commit().then(() => {
      this.waiting = null;
    });
  }
}

export const sectionEdits = new SectionEdits();

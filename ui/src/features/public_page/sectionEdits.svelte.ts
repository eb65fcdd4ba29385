// Changing the page's sections (issue 65 items 2 and 6): each change goes to the core, which
// keeps it and sends it when the server can be reached; the page it answers is shown at once.
// A delete hides the section at once and is undone as every delete of the page is
// (`lib/deleteWithUndo`).
import { call } from "../../lib/backend";
import { DeleteWithUndo } from "../../lib/deleteWithUndo.svelte";
import { asUiError } from "../../lib/errors";
import type { PageSection, PublicPage, UiError } from "../../lib/generated";
import { publicPage } from "./publicPage.svelte";

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

class SectionEdits {
  /** Why the last change was refused. */
  problem = $state<UiError | null>(null);
  /** The delete the undo bar is about, and what the last undo did. */
  readonly deletes = new DeleteWithUndo<PageSection>({
    send: (section) => this.#apply(() => call("page_section_delete", { id: section.id })),
    takeBack: async (section) => (await call("page_section_undo_delete", { id: section.id })).message,
    reload: () => publicPage.reload(),
    failed: (error) => (this.problem = error),
  });

  /** The sections as the person sees them: without one deleted here. */
  listed(page: PublicPage): PageSection[] {
    const gone = this.deletes.item?.id;
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

  /** Deletes the section after its undo time, unless undone (`lib/deleteWithUndo`). */
  requestDelete(section: PageSection): void {
    this.deletes.request(section);
  }
}

export const sectionEdits = new SectionEdits();

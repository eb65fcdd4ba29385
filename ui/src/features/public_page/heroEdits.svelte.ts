// Changing a hero section (issue 65 item 3): its title and text (neither may be blank: said here
// before anything is asked of the core), its background picture and logo from a file (the core
// prepares the file and keeps it until it is sent) or removed. The page the core answers is shown
// at once.
import { call, upload } from "../../lib/backend";
import { asUiError } from "../../lib/errors";
import type { HeroImage, HeroPatch, PublicPage, UiError } from "../../lib/generated";
import { publicPage } from "./publicPage.svelte";

/** Why `patch` cannot be saved, in words, or null when it can (§17.3: neither may be blank). */
export function heroProblem(patch: HeroPatch): string | null {
  if (patch.title != null && patch.title.trim() === "") return "The hero's title cannot be empty.";
  if (patch.text != null && patch.text.trim() === "") return "The hero's text cannot be empty.";
  if (patch.title != null && [...patch.title.trim()].length > 255) {
    return "The hero's title is at most 255 characters.";
  }
  return null;
}

class HeroEdits {
  /** Why the last change was refused. */
  problem = $state<UiError | null>(null);

  async #apply(change: () => Promise<PublicPage>): Promise<void> {
    try {
      this.problem = null;
      publicPage.value = await change();
    } catch (caught) {
      this.problem = asUiError(caught);
    }
  }

  edit(section: number, patch: HeroPatch): Promise<void> {
    const problem = heroProblem(patch);
    if (problem) {
      this.problem = { code: "invalid_input", field: patch.title != null ? "hero_title" : "hero_text", message: problem };
      return Promise.resolve();
    }
    return this.#apply(() => call("page_hero_edit", { section, patch }));
  }

  setImage(section: number, which: HeroImage, file: File): Promise<void> {
    const command = which === "logo" ? "page_hero_logo_set" : "page_hero_image_set";
    return this.#apply(() => upload(command, file, { "section-id": String(section) }));
  }

  clearImage(section: number, which: HeroImage): Promise<void> {
    return this.#apply(() => call("page_hero_image_clear", { section, which }));
  }
}

export const heroEdits = new HeroEdits();

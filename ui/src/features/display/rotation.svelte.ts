// When the reception display's stage moves on, and to what. One slide at a time, each for the
// rotation setting; the next is shown only once its pictures have loaded (the one on screen stays
// until then) and fades in over the one before. New content keeps the slide on screen; a slide
// that disappeared gives way to the one that took its place. One timer, restarted cleanly.
import { images } from "./images";
import type { Panel, Slide } from "./slides";

/** The range the core accepts for the rotation setting. */
export const MIN_ROTATION_SECONDS = 5;
export const MAX_ROTATION_SECONDS = 120;
const DEFAULT_ROTATION_SECONDS = 10;

/** Loads a slide's pictures; resolves to whether the slide can be shown. */
async function ready(slide: Slide): Promise<boolean> {
  const loaded = await Promise.all(slide.images.map((src) => images.load(src)));
  return !slide.needsImages || loaded.every(Boolean);
}

export class Rotation {
  /** The slides, in the order they are shown. */
  slides = $state.raw<Slide[]>([]);
  /** How long each slide stays. */
  seconds = $state(DEFAULT_ROTATION_SECONDS);
  /** The slide under the one fading in, until the fade ends. */
  leaving = $state.raw<Slide | null>(null);
  /** Counts the timer's starts: the progress bar starts again with it. */
  round = $state(0);
  /** The slide on screen: as the latest content has it, or as it last was if it disappeared
   *  from the content (it stays until the next one has loaded). */
  current = $state.raw<Slide | null>(null);
  /** The panels there is something to show in, in order. */
  panels = $derived([...new Set(this.slides.map((slide): Panel => slide.panel))]);

  /** Where the current slide is in `slides`: the one after it comes next. */
  #index = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Each move takes a ticket; a newer move makes an older one (still loading) give up. */
  #ticket = 0;
  #moving = false;

  /** Takes new content (or a new setting) without a visible change unless the slide shown is gone. */
  update(slides: Slide[], seconds: number): void {
    const wanted = Number.isFinite(seconds) ? Math.min(MAX_ROTATION_SECONDS, Math.max(MIN_ROTATION_SECONDS, seconds)) : DEFAULT_ROTATION_SECONDS;
    const restart = wanted !== this.seconds;
    this.slides = slides;
    this.seconds = wanted;
    const at = slides.findIndex((slide) => slide.key === this.current?.key);
    if (at < 0) {
      void this.#move(this.#index);
      return;
    }
    this.current = slides[at]!;
    this.#index = at;
    // A picture changed on the slide shown loads now (the old one stays on screen meanwhile),
    // and the next slide's, so it is ready when its turn comes.
    this.#prepare();
    if (!this.#moving && (restart || this.#timer === undefined)) this.#schedule();
  }

  /** Brings `panel` up now (something in it changed on a desk): its first slide, unless one of
   *  its slides is already on screen. */
  showPanel(panel: Panel): void {
    if (this.current?.panel === panel) return;
    const at = this.slides.findIndex((slide) => slide.panel === panel);
    if (at >= 0) void this.#move(at);
  }

  /** The fade-in ended: the slide under it can go. */
  settled(): void {
    this.leaving = null;
  }

  stop(): void {
    this.#ticket += 1;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Shows the first slide from `from` on whose pictures load. */
  async #move(from: number): Promise<void> {
    const ticket = ++this.#ticket;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.slides.length === 0) {
      this.current = null;
      this.leaving = null;
      return;
    }
    this.#moving = true;
    try {
      for (let step = 0; step < this.slides.length; step += 1) {
        const slide = this.slides[(from + step) % this.slides.length];
        if (!slide) break;
        const shown = await ready(slide);
        if (ticket !== this.#ticket) return;
        // The content may have changed while the pictures loaded: show the slide as it is now.
        const latest = this.slides.find((s) => s.key === slide.key);
        if (shown && latest) {
          this.#show(latest);
          return;
        }
      }
      // Nothing else can be shown: the slide on screen stays, and the next turn tries again.
      this.#schedule();
    } finally {
      if (ticket === this.#ticket) this.#moving = false;
    }
  }

  #show(slide: Slide): void {
    if (this.current?.key !== slide.key) {
      this.leaving = this.current;
    }
    this.current = slide;
    this.#index = this.slides.findIndex((s) => s.key === slide.key);
    this.#schedule();
    this.#prepare();
  }

  /** Loads the pictures of the slide shown and of the next one. */
  #prepare(): void {
    for (const slide of [this.current, this.slides[(this.#index + 1) % this.slides.length]]) {
      if (slide) void ready(slide);
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.slides.length < 2) return;
    this.round += 1;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#move(this.#index + 1);
    }, this.seconds * 1000);
  }
}

// The pictures the reception display has fully loaded, so it shows a slide, a hero or a logo only
// once its picture can paint at once (never half-drawn or popping in). It remembers only the
// addresses in the current content: the display runs for days and must not grow.
import { SvelteSet } from "svelte/reactivity";

/** A picture that has not loaded by then counts as failed (tried again at the next reload). */
const LOAD_TIMEOUT_MS = 30_000;

/** A picture's own width and height, in pixels. */
export type PictureSize = readonly [number, number];

function decode(src: string): Promise<PictureSize> {
  const image = new Image();
  image.src = src;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${src} did not load in time`)), LOAD_TIMEOUT_MS);
  });
  return Promise.race([image.decode(), timeout])
    .then((): PictureSize => [image.naturalWidth, image.naturalHeight])
    .finally(() => clearTimeout(timer));
}

class ImageCache {
  /** Reactive: a picture waiting to be shown appears as soon as it is here. */
  #loaded = new SvelteSet<string>();
  /** Each loaded picture's own size: given to its `<img>`, it is laid out at its shape at once
   *  (a logo appearing never pushes the hotel's name aside a frame later). */
  #sizes = new Map<string, PictureSize>();
  #failed = new Set<string>();
  #loading = new Map<string, Promise<boolean>>();

  has(src: string): boolean {
    return this.#loaded.has(src);
  }

  /** A loaded picture's own size. */
  size(src: string): PictureSize | undefined {
    return this.#sizes.get(src);
  }

  /** Resolves to whether the picture loaded; asking again for one in flight waits for the same load. */
  load(src: string): Promise<boolean> {
    if (this.#loaded.has(src)) return Promise.resolve(true);
    if (this.#failed.has(src)) return Promise.resolve(false);
    const pending = this.#loading.get(src);
    if (pending) return pending;
    const loading = decode(src).then(
      (size) => {
        this.#sizes.set(src, size);
        this.#loaded.add(src);
        return true;
      },
      () => {
        this.#failed.add(src);
        return false;
      },
    );
    this.#loading.set(src, loading);
    void loading.then(() => this.#loading.delete(src));
    return loading;
  }

  /** Forgets every picture but these, and the failures (so they are tried again). */
  keepOnly(sources: ReadonlySet<string>): void {
    for (const src of [...this.#loaded]) {
      if (sources.has(src)) continue;
      this.#loaded.delete(src);
      this.#sizes.delete(src);
    }
    this.#failed.clear();
  }
}

export const images = new ImageCache();

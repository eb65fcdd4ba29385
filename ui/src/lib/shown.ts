// The one way text from outside (a guest, the server) reaches the screen. Characters that change
// how text reads without being seen (a right-to-left override, zero-width spaces, invisible
// operators, fillers, stray tag characters) are shown as marks ("[U+202E]"), exactly as the
// core's `reveal` does for toasts, the tray and the names it sends: the characters come from
// the same Rust table (generated.ts). An emoji flag's tag sequence (England's flag) stays whole.
// Idempotent: text the core already revealed passes unchanged.
import { DISGUISING_RANGES, FLAG_SEQUENCE } from "./generated";

const TAG_FIRST = 0xe0020;
const TAG_LAST = 0xe007e;

function disguises(point: number): boolean {
  let low = 0;
  let high = DISGUISING_RANGES.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = DISGUISING_RANGES[middle];
    if (range === undefined) return false;
    const [start, end] = range;
    if (point < start) high = middle - 1;
    else if (point > end) low = middle + 1;
    else return true;
  }
  return false;
}

/** How many code points of a flag's tags (cancel tag included) start at `points[at]`; 0 if none. */
function flagTags(points: number[], at: number): number {
  for (let index = at; index < points.length; index++) {
    const point = points[index] ?? 0;
    if (point === FLAG_SEQUENCE.cancel && index > at) return index - at + 1;
    if (point < TAG_FIRST || point > TAG_LAST) return 0;
  }
  return 0;
}

function mark(point: number): string {
  return `[U+${point.toString(16).toUpperCase().padStart(4, "0")}]`;
}

/** `text` as staff should read it: every disguising character visible as a mark. */
export function shown(text: string | null | undefined): string {
  if (!text) return "";
  let plain = true;
  for (const char of text) {
    if (disguises(char.codePointAt(0) ?? 0)) {
      plain = false;
      break;
    }
  }
  if (plain) return text;
  const points = Array.from(text, (char) => char.codePointAt(0) ?? 0);
  let out = "";
  for (let at = 0; at < points.length; at++) {
    const point = points[at] ?? 0;
    if (point === FLAG_SEQUENCE.base) {
      const tags = flagTags(points, at + 1);
      out += String.fromCodePoint(...points.slice(at, at + 1 + tags));
      at += tags;
    } else if (disguises(point)) {
      out += mark(point);
    } else {
      out += String.fromCodePoint(point);
    }
  }
  return out;
}

// Moving one item of an ordered list, by drag and drop or by keyboard, as the Pictures screen
// does for gallery images, galleries and room types. The screens send the whole new order once
// per drop or key press; these helpers only compute it.

/** Where a dragged item lands relative to the item it is over. */
export type Side = "before" | "after";

/** The item being dropped on and the side the dragged item goes to. */
export type DropTarget = { id: number; side: Side };

/** The whole order to send: `next` (the ids shown, in their new order) with each of `hidden`
 *  (rows deleted a moment ago that `all`, the order before, still has) back at its place. */
export function withHidden(all: readonly number[], next: readonly number[], hidden: readonly number[]): number[] {
  const out = [...next];
  all.forEach((id, place) => {
    if (hidden.includes(id)) out.splice(place, 0, id);
  });
  return out;
}

/** `ids` with `id` moved `step` places (-1: one earlier); null when it cannot move. */
export function moveBy(ids: readonly number[], id: number, step: number): number[] | null {
  const from = ids.indexOf(id);
  const to = from + step;
  if (from < 0 || to < 0 || to >= ids.length || step === 0) return null;
  const next = ids.filter((other) => other !== id);
  next.splice(to, 0, id);
  return next;
}

/** `ids` with `id` placed on `side` of `target`; null when that changes nothing. */
export function moveTo(ids: readonly number[], id: number, target: DropTarget): number[] | null {
  if (id === target.id || !ids.includes(id) || !ids.includes(target.id)) return null;
  const next = ids.filter((other) => other !== id);
  const at = next.indexOf(target.id) + (target.side === "after" ? 1 : 0);
  next.splice(at, 0, id);
  return next.every((other, i) => other === ids[i]) ? null : next;
}

/** Which side of `element` the pointer is on (left/right halves for a grid, top/bottom halves
 *  for a list). A pointer outside the element (an event made by a script has none) means the
 *  dragged item takes the target's place: after it when moving forwards, before it otherwise. */
export function sideOf(
  event: DragEvent,
  element: Element,
  axis: "x" | "y",
  ids: readonly number[],
  dragged: number,
  target: number,
): Side {
  const box = element.getBoundingClientRect();
  const inside =
    event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
  if (inside && box.width > 0 && box.height > 0) {
    const half = axis === "x" ? event.clientX < box.left + box.width / 2 : event.clientY < box.top + box.height / 2;
    return half ? "before" : "after";
  }
  return ids.indexOf(dragged) < ids.indexOf(target) ? "after" : "before";
}

/** Files dragged in from the computer (not an item of the page being moved). */
export function isFileDrag(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes("Files");
}

/** The id in the `data-*` attribute `name` of the nearest element that has one, from `target`. */
export function idFrom(target: EventTarget | null, name: string): number | null {
  if (!(target instanceof Element)) return null;
  const owner = target.closest(`[data-${name}]`);
  const raw = owner?.getAttribute(`data-${name}`);
  if (raw === null || raw === undefined || raw === "") return null;
  const id = Number(raw);
  return Number.isFinite(id) ? id : null;
}

/** The user is typing: keys go to the field, not to the list. */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select") !== null);
}

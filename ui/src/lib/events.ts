// Where the screens' stores hear the desk: each store registers itself where it is made, so a
// new screen's store adds no line to the desk (desk.svelte.ts hands every event on from here).
import type { DeskEvent } from "./generated";

type Listener = (event: DeskEvent) => void;

const listeners: Listener[] = [];

/** Every desk event from now on goes to `listener`, in the order the stores were made. */
export function onDeskEvent(listener: Listener): void {
  listeners.push(listener);
}

/** Hands a desk event to every store. */
export function tellStores(event: DeskEvent): void {
  for (const listener of listeners) listener(event);
}

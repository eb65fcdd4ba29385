/**
 * A Svelte action: the element takes the keyboard focus when it appears.
 *
 * Svelte's own `autofocus` moves the focus only while nothing else holds it, so a dialog opened
 * by a button (which WebKit sometimes leaves focused after the click) would open with the focus
 * still behind it. A dialog's default answer and an edit box that just opened must have it.
 */
export function takesFocus(node: HTMLElement): void {
  node.focus();
}

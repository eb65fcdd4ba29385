// Links open in the computer's browser, never in the desk's window: the one command every
// feature's links use (the context menu's "Open in browser" among them).
import { call } from "./backend";

/** Opens `url` in the computer's browser. */
export function openLink(url: string): Promise<void> {
  return call("open_link", { url });
}

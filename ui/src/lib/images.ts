// Where the webview loads a picture from: the desk's own image cache (not a command).
import { convertFileSrc } from "@tauri-apps/api/core";

/** The size a picture is shown at: the most the window ever decodes for it (issue 63.1). The
 *  desk renders it there itself; the window never decodes a sender's file. A list's or a chat's
 *  picture (480 px), a picture in a pane (1280 px), a whole screen (2560 px: the lightbox, the
 *  reception display). */
export type ShownSize = "thumbnail" | "pane" | "screen";

/** The address the webview loads an image from: the desk's own image cache (the shell's
 *  `hmimg:` scheme), which fetches it once and keeps it, so every photo shows offline, and
 *  hands the window its own rendering of it at `size`. */
export function shownImage(url: string, size: ShownSize): string {
  return `${convertFileSrc(url, "hmimg")}?size=${size}`;
}

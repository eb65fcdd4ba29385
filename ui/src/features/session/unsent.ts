// What becomes of work that has not reached the server, in words: only what is on its way is
// "sent"; a refused change waits for a decision, a draft is kept (issue 63.17, 63.20).
import { type SignInAgain, type UnsentWork } from "../../lib/backend";

/** "1 draft reply", "2 draft replies". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "the offer “Spa”" → "The offer “Spa”". */
export function capitalised(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "3 edits, 1 photo and 2 replies to guests": the kinds with a count, joined as said. */
export function listed(kinds: [number, string, string][]): string | null {
  const parts = kinds.filter(([n]) => n > 0).map(([n, one, many]) => plural(n, one, many));
  if (parts.length === 0) return null;
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : (parts[0] ?? null);
}

/** What is on its way to the server (sent by itself once it can be reached), if any. */
export function onItsWay(work: UnsentWork): string | null {
  return listed([
    [work.edits, "edit", "edits"],
    [work.uploads, "photo", "photos"],
    [work.replies, "reply to a guest", "replies to guests"],
    [work.files, "file for a guest", "files for guests"],
  ]);
}

/** What waits on this desk for the person whose sign-in the server ended, each kind as it is:
 *  "3 changes are waiting on this desk; they are sent when anna.byrne signs in again. …". */
export function keptWords(again: SignInAgain): string {
  const who = again.is_demo ? "you open the demo hotel again" : `${again.username} signs in again`;
  const sentences: string[] = [];
  if (again.waiting_edits > 0) {
    const one = again.waiting_edits === 1;
    sentences.push(`${plural(again.waiting_edits, "change is", "changes are")} waiting on this desk; ${one ? "it is" : "they are"} sent when ${who}.`);
  }
  if (again.waiting_for_decision > 0) {
    const one = again.waiting_for_decision === 1;
    sentences.push(`${plural(again.waiting_for_decision, "change", "changes")} that could not be sent ${one ? "waits" : "wait"} for a decision then.`);
  }
  if (again.drafts > 0) {
    sentences.push(`${plural(again.drafts, "draft reply is", "draft replies are")} kept for then, not sent.`);
  }
  return sentences.join(" ");
}

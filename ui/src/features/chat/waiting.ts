// The order in which guests waiting for an answer are answered (Alt+↓ on the Messages screen).
import { type ConversationView } from "../../lib/backend";

/** The conversations whose guest waits for an answer, who has waited longest first: the order
 *  of the core's "Waiting longest first" (the wait's start, then the newest last message, then
 *  the conversation's id), which the reminders follow too. */
export function waitingOrder(conversations: readonly ConversationView[]): ConversationView[] {
  const time = (at: string | null): number => (at === null ? Number.NaN : Date.parse(at));
  const since = (c: ConversationView): number => time(c.guest_waiting_since);
  return conversations
    .filter((c) => c.guest_waiting_since !== null && !Number.isNaN(since(c)))
    .sort(
      (a, b) =>
        since(a) - since(b) ||
        (time(b.last_message_time) || 0) - (time(a.last_message_time) || 0) ||
        a.conversation_id - b.conversation_id,
    );
}

// What the desk calls an outage, in one place: the status bar, the header's clock and the
// screens that say why nothing is sent use the same first words (issue 63.20: the header said
// "Offline" while the status bar said "Server not answering").
import { type ConnectionStatus, type OfflineCause } from "./backend";

/** The first words for each cause: "Offline" only when it is the network. */
export const OUTAGE_WORDS: Record<OfflineCause, string> = {
  network: "Offline",
  not_answering: "Server not answering",
  server_trouble: "Server trouble",
  asked_to_wait: "Server busy",
  this_desk: "Stopped",
};

/** The words for an outage's cause, or `null` when the desk is not out of reach. */
export function outageWords(connection: ConnectionStatus): string | null {
  return connection.state === "offline" ? OUTAGE_WORDS[connection.cause] : null;
}

/** Closer than this, a retry is "within a minute" rather than at a time. */
const SOON_MS = 60_000;

/** How a scheduled retry is said: words that change at most twice per retry, never a
 * countdown ticking every second through a whole outage (issue 63.20). `retryAt` and `now`
 * are milliseconds since the epoch; `at` formats a time as the desk does ("14:05"). */
export function retryWords(retryAt: number | null, now: number, at: (ms: number) => string): string {
  if (retryAt === null) return "";
  const left = retryAt - now;
  if (left <= 0) return " · trying again…";
  if (left < SOON_MS) return " · trying again within a minute";
  return ` · next try at ${at(retryAt)}`;
}

/** When [`retryWords`] next changes (ms since the epoch), or `null` when it no longer will. */
export function retryWordsChangeAt(retryAt: number | null, now: number): number | null {
  if (retryAt === null) return null;
  if (retryAt - SOON_MS > now) return retryAt - SOON_MS;
  return retryAt > now ? retryAt : null;
}

// The UI's view of the desk: filled from the backend at start, kept current by desk events.
import {
  backend,
  type ConnectionStatus,
  type DeskEvent,
  type DeskInfo,
  type OutboxSummary,
  type ResourceKind,
  type SessionInfo,
  type SignInAgain,
} from "./backend";
import { offers } from "./offers.svelte";
import { team } from "./team.svelte";
import { display } from "./display.svelte";
import { messages } from "./messages.svelte";
import { pictures } from "./pictures.svelte";
import { hotelDetails } from "./hotelDetails.svelte";
import { formats } from "./format.svelte";

const APP_NAME = "HotelMate Desk";
/** The screens' stores: each receives every desk event and takes what concerns it. */
const STORES: { handle(event: DeskEvent): void }[] = [offers, team, display, messages, pictures, hotelDetails];

class DeskState {
  session = $state<SessionInfo | null>(null);
  connection = $state<ConnectionStatus>({ state: "unknown" });
  /** Shown on the sign-in screen, e.g. when the server refused the saved sign-in. */
  notice = $state<string | null>(null);
  /** Who to sign in as again (the form is filled in) so the edits waiting here are sent. */
  again = $state<SignInAgain | null>(null);
  ready = $state(false);
  /** Connection events seen, so an answer to an earlier question cannot overwrite a newer event. */
  connectionEvents = 0;
  /** The version, whether this build has the demo hotel, where data and logs are. */
  info = $state<DeskInfo | null>(null);
  outbox = $state<OutboxSummary>({ pending: 0, conflicts: 0, rejected: 0 });
  /** A part of the desk that stopped unexpectedly and was restarted, in words, until dismissed. */
  restarted = $state<string | null>(null);
  /** The areas this server or account does not offer, and why in words (by resource). */
  unavailable = $state<Partial<Record<ResourceKind, string>>>({});
  /** When the live connection tries again (ms since the epoch), while offline. */
  retryAt = $state<number | null>(null);
  /** The window's title: the unread guest messages first, when someone is signed in and has
   *  any (never on the sign-in screen). */
  title = $derived(
    this.session && messages.unreadTotal > 0 ? `(${messages.unreadTotal}) ${APP_NAME}` : APP_NAME,
  );

  /** Areas events seen, so an answer to an earlier question cannot overwrite a newer event. */
  areaEvents = 0;

  /** Reads every area's availability from the core. An event that arrives while the answer is
   *  on its way is newer than what the answer knew, and the answer may hold areas no event
   *  ever announces (those a server's generation lacks): so the core is asked again, and its
   *  next answer includes that event. */
  async reloadAreas(): Promise<void> {
    try {
      for (let attempt = 0; ; attempt += 1) {
        const seen = this.areaEvents;
        const areas = await backend.unavailableAreas();
        if (this.areaEvents !== seen && attempt < 4) continue;
        const next: Partial<Record<ResourceKind, string>> = {};
        for (const area of areas) next[area.resource] = area.message;
        this.unavailable = next;
        return;
      }
    } catch {
      // Not signed in (any more): nothing is unavailable to show.
    }
  }

  apply(event: DeskEvent): void {
    if (event.type === "area_availability") this.areaEvents += 1;
    for (const store of STORES) store.handle(event);
    switch (event.type) {
      case "session_changed":
        this.session = event.session;
        if (event.session) {
          this.again = null;
          void this.reloadAreas();
        } else {
          this.unavailable = {};
        }
        break;
      case "session_expired":
        this.session = null;
        this.notice = event.message;
        this.again = event.again;
        break;
      case "connection":
        this.connectionEvents += 1;
        this.connection = event.status;
        this.retryAt =
          (event.status.state === "offline" || event.status.state === "live_reconnecting") &&
          event.status.retry_in_seconds !== null
            ? Date.now() + event.status.retry_in_seconds * 1000
            : null;
        break;
      case "task_restarted":
        this.restarted = `Part of the desk (${event.task}) stopped unexpectedly and was restarted; nothing waiting was lost. The log has the details.`;
        break;
      case "outbox":
        this.outbox = event.summary;
        break;
      case "area_availability": {
        const next = { ...this.unavailable };
        if (event.unavailable === null) delete next[event.resource];
        else next[event.resource] = event.unavailable;
        this.unavailable = next;
        break;
      }
    }
  }
}

export const desk = new DeskState();

/** Listens to the core and restores the saved session (resume = true) or reads the current one. */
export async function startDesk(resume: boolean): Promise<void> {
  await backend.onEvent((event) => desk.apply(event));
  try {
    formats.set(await backend.systemLocale());
    desk.info = await backend.deskInfo();
    desk.session = resume ? await backend.resumeSession() : await backend.currentSession();
    if (desk.session) void desk.reloadAreas();
    const seen = desk.connectionEvents;
    const status = await backend.connectionStatus();
    if (desk.connectionEvents === seen) desk.connection = status;
  } catch (error) {
    desk.notice = (error as { message?: string }).message ?? String(error);
  } finally {
    desk.ready = true;
  }
}

// The UI's view of the desk: filled from the backend at start, kept current by desk events.
import { type ConnectionStatus, type DeskEvent, type DeskInfo, type OutboxSummary, type PusherEndpoint, type ResourceKind, type SessionInfo, type SignInAgain, type SignInRequest, call, onEvent } from "./backend";
import { offers } from "../features/offers/offers.svelte";
import { team } from "../features/team/team.svelte";
import { messages } from "../features/chat/chat.svelte";
import { formats } from "./format.svelte";
import { tellStores } from "./events";
import { unsaved } from "./unsaved.svelte";

const APP_NAME = "HotelMate Desk";

/** Who a session is, as a key: the same person of the same hotel on the same server. */
export function accountKey(session: SessionInfo): string {
  return `${session.is_demo ? "demo" : session.server_label}/${session.hotel_slug}/${session.username}`;
}

class DeskState {
  #session = $state<SessionInfo | null>(null);
  /** Who is signed in. Another person (or nobody) takes over with nothing of the previous
   *  person's open: a shared front desk hands over between shifts (issue 36.8). */
  get session(): SessionInfo | null {
    return this.#session;
  }
  set session(next: SessionInfo | null) {
    const before = this.#session;
    this.#session = next;
    if ((before && accountKey(before)) !== (next && accountKey(next))) this.#personChanged(next);
  }
  connection = $state<ConnectionStatus>({ state: "unknown" });
  /** Since when the disk has been too full to keep what arrives (RFC 3339; null: it is not). */
  storageFullSince = $state<string | null>(null);
  /** Shown on the sign-in screen, e.g. when the server refused the saved sign-in. */
  notice = $state<string | null>(null);
  /** This computer's keyring does not answer, so the saved sign-in cannot be opened yet: why,
   *  in words, while the desk asks again every few seconds (the person is not signed out for
   *  it, issue 63.20); `null` otherwise. */
  keyringWait = $state<string | null>(null);
  /** Who to sign in as again (the form is filled in) so the edits waiting here are sent. */
  again = $state<SignInAgain | null>(null);
  ready = $state(false);
  /** Connection events seen, so an answer to an earlier question cannot overwrite a newer event. */
  connectionEvents = 0;
  /** The version, whether this build has the demo hotel, where data and logs are. */
  info = $state<DeskInfo | null>(null);
  outbox = $state<OutboxSummary>({ pending: 0, held: 0, conflicts: 0, rejected: 0 });
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
  /** Outbox events seen, for the same reason. */
  outboxEvents = 0;
  /** This is the desk window (with the status bar); the display's window may not ask what
   *  waits to be sent. */
  isDeskWindow = false;

  /** Closes whatever the previous person had open (an offer in the editor, a search; what they
   *  typed stays kept for them) and, with nobody signed in, counts again what waits on this desk: a sign-out that discarded it
   *  leaves nothing to count. The screens themselves are made anew for the next person. */
  #personChanged(next: SessionInfo | null): void {
    // What the next person typed and did not save is theirs (kept for whoever comes back).
    unsaved.setAccount(next && accountKey(next));
    offers.forget();
    team.forget();
    if (next === null && this.isDeskWindow) void this.countWaitingSignedOut();
  }

  /** What waits on this desk while nobody is signed in (kept for the person whose sign-in the
   *  server ended; nothing after "Discard and sign out"), for the status bar. */
  async countWaitingSignedOut(): Promise<void> {
    const seen = this.outboxEvents;
    let pending = 0;
    try {
      const work = await call("unsent_work");
      pending = work.edits + work.uploads + work.replies + work.files;
    } catch {
      // Nothing can be read: nothing is said to wait.
    }
    if (this.session === null && this.outboxEvents === seen) this.outbox = { pending, held: 0, conflicts: 0, rejected: 0 };
  }

  /** Reads every area's availability from the core. An event that arrives while the answer is
   *  on its way is newer than what the answer knew, and the answer may hold areas no event
   *  ever announces (those a server's generation lacks): so the core is asked again, and its
   *  next answer includes that event. */
  async reloadAreas(): Promise<void> {
    try {
      for (let attempt = 0; ; attempt += 1) {
        const seen = this.areaEvents;
        const areas = await call("unavailable_areas");
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
    // The screens' stores (each registered itself, `onDeskEvent`) take what concerns them.
    tellStores(event);
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
      case "storage":
        this.storageFullSince = event.full_since;
        break;
      case "task_restarted":
        this.restarted = `Part of the desk (${event.task}) stopped unexpectedly and was restarted; nothing waiting was lost. The log has the details.`;
        break;
      case "outbox":
        this.outboxEvents += 1;
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

/** A copy read whole at `asOf` is said to be "as of" then only when nothing keeps it current:
 *  offline, or without live updates once older than `staleMs`. Connected with live updates,
 *  they keep it current however long ago it was read whole (the Team board and the Messages
 *  list say the same; issue 36.10: "As of 07:22" under a green Connected). */
export function copyIsStale(asOf: string | null | undefined, now: number, staleMs: number): boolean {
  if (asOf == null) return false;
  switch (desk.connection.state) {
    case "online":
      return false;
    case "offline":
      return true;
    default:
      return now - Date.parse(asOf) > staleMs;
  }
}

/** How often the saved sign-in is tried again while this computer's keyring does not answer. */
const KEYRING_RETRY_MS = 3000;

/** Opens the saved sign-in; while the keyring does not answer, says so and tries again every
 *  few seconds, until it opens or the person chooses to sign in again. */
async function resumeSaved(): Promise<SessionInfo | null> {
  try {
    const session = await call("session_resume");
    desk.keyringWait = null;
    return session;
  } catch (caught) {
    const failure = caught as { code?: string; message?: string };
    if (failure.code !== "keyring") throw caught;
    desk.keyringWait = failure.message ?? String(caught);
    setTimeout(() => {
      if (desk.keyringWait === null || desk.session) return;
      void resumeSaved()
        .then((session) => {
          if (session) {
            desk.session = session;
            void desk.reloadAreas();
          }
        })
        .catch((error: { message?: string }) => {
          desk.keyringWait = null;
          desk.notice = error.message ?? String(error);
        });
    }, KEYRING_RETRY_MS);
    return null;
  }
}

/** Listens to the core and restores the saved session (resume = true) or reads the current one. */
export async function startDesk(resume: boolean): Promise<void> {
  desk.isDeskWindow = resume;
  await onEvent((event) => desk.apply(event));
  try {
    formats.set(await call("system_locale"));
    desk.info = await call("desk_info");
    desk.session = resume ? await resumeSaved() : await call("session_current");
    if (desk.session) void desk.reloadAreas();
    else if (resume) void desk.countWaitingSignedOut();
    const seen = desk.connectionEvents;
    const status = await call("connection_status");
    if (desk.connectionEvents === seen) desk.connection = status;
    desk.storageFullSince = await call("storage_full_since");
  } catch (error) {
    desk.notice = (error as { message?: string }).message ?? String(error);
  } finally {
    desk.ready = true;
  }
}

/** Where a person was on the desk: the screen (one of `features/index.ts`), in Pictures the
 *  gallery in view (its name; `null`: the top), and the offer open in the editor (`"new"`, an
 *  offer's id, or `null`: none), so a desk window made again (after the reception display,
 *  a restart) opens with it (issue 63.20). */
export type Place<S extends string = string> = { screen: S; gallery: string | null; offer: number | "new" | null };

const PLACE_KEY = "hotelmate.place:";

/** Where `session`'s person last was on this computer (kept in the window's own storage, per
 *  account, so a shared desk reopens each person where they left it), if it is one of `screens`;
 *  otherwise `first` (a first run opens on what needs the person now). */
export function rememberedPlace<S extends string>(session: SessionInfo, screens: readonly S[], first: S): Place<S> {
  try {
    const kept: unknown = JSON.parse(localStorage.getItem(PLACE_KEY + accountKey(session)) ?? "null");
    const screen = kept && typeof kept === "object" && "screen" in kept ? screens.find((s) => s === kept.screen) : undefined;
    if (kept && typeof kept === "object" && screen !== undefined) {
      const gallery = "gallery" in kept && typeof kept.gallery === "string" ? kept.gallery : null;
      const offer = "offer" in kept && (kept.offer === "new" || Number.isSafeInteger(kept.offer)) ? (kept.offer as number | "new") : null;
      return { screen, gallery, offer };
    }
  } catch {
    // Unreadable (or no storage): the first place.
  }
  return { screen: first, gallery: null, offer: null };
}

export function rememberPlace(session: SessionInfo, place: Place): void {
  try {
    localStorage.setItem(PLACE_KEY + accountKey(session), JSON.stringify(place));
  } catch {
    // No storage (full, or refused): the desk opens on the first place next time.
  }
}

/** The server this computer last signed in to, for the sign-in form: the computer's, not a
 *  person's (whoever signs in next at this desk uses the same hotel), and never a password. */
export type LastServer = { server_url: string; pusher: PusherEndpoint | null };
const LAST_SERVER_KEY = "hotelmate.last-server";

export function lastServer(): LastServer | null {
  try {
    const kept: unknown = JSON.parse(localStorage.getItem(LAST_SERVER_KEY) ?? "null");
    if (kept && typeof kept === "object" && "server_url" in kept && typeof kept.server_url === "string") {
      const pusher = "pusher" in kept && kept.pusher && typeof kept.pusher === "object" ? (kept.pusher as PusherEndpoint) : null;
      return { server_url: kept.server_url, pusher };
    }
  } catch {
    // Unreadable: the form starts empty, as on a new computer.
  }
  return null;
}

/** Keeps the server and live updates of a sign-in that worked (the password is left out). */
export function rememberServer(request: SignInRequest): void {
  const kept: LastServer = { server_url: request.server_url.trim(), pusher: request.pusher };
  try {
    localStorage.setItem(LAST_SERVER_KEY, JSON.stringify(kept));
  } catch {
    // No storage: the next sign-in is typed in full, as before.
  }
}

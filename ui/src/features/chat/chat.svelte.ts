// The Messages screen's state: the conversation list and the open thread as the core has them
// (read again whenever the core says the chat changed; only the newest read is shown, so a stale
// answer never overwrites a newer one), which thread is shown in a focused window (the only
// thing that marks messages read: a thread the person chose, once what it says is on screen),
// drafts, upload progress per waiting message, and the chime for a guest.
import { clock } from "../team/clock.svelte";
import { withProgress } from "../../lib/progress";
import { Newest } from "../../lib/newest";
import { type DeskEvent, type ConversationFilter, type ConversationList, type ConversationSort, type ThreadView, type ChatMessageView, type MessageSearch, type UiError, call, upload } from "../../lib/backend";
import { asUiError } from "../../lib/errors";
import { chime, prepareChime } from "./chime";
import { formatDate, formatLongDate, formatTime } from "../../lib/format.svelte";
import { onDeskEvent } from "../../lib/events";

/** Messages read when a thread opens, and how many more each scroll to the top reads. */
export const THREAD_PAGE = 50;
/** What the server accepts as an attachment (API.md). */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;
export const ATTACHMENT_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp", "bmp", "pdf", "doc", "docx", "xls", "xlsx", "txt", "csv"];
const SOUND_OFF_KEY = "hotelmate-desk.guest-message-sound-off";
/** Guest messages arriving together (say, after a reconnect) chime once. */
const CHIME_GAP_MS = 1500;
/** Message ids already chimed for, so one message never chimes twice. */
const CHIMED_REMEMBERED = 500;

class MessagesState {
  list = $state<ConversationList | null>(null);
  filter = $state<ConversationFilter>("all");
  /** Newest message first, or the guest who has waited longest. */
  sort = $state<ConversationSort>("newest");
  /** One room's conversations only (its number as the list shows it); `null`: every room's. */
  room = $state<string | null>(null);
  query = $state("");
  listError = $state<UiError | null>(null);
  /** The messages the search's words are in (every message this desk holds, offline too);
   *  null while there is no search. */
  found = $state<MessageSearch | null>(null);
  foundError = $state<UiError | null>(null);
  /** What the list shows while searching: the conversations, or the messages found. */
  searchIn = $state<"conversations" | "messages">("conversations");
  /** A found message the open thread is to show (scrolled to and marked), once drawn. */
  focusMessage = $state<number | null>(null);
  /** Unread guest messages in every conversation: the nav badge and the window title. */
  unreadTotal = $state(0);
  /** The conversation the person chose on the left (or by clicking its notification); none
   *  when the screen opens. */
  openId = $state<number | null>(null);
  /** The open conversation's thread, once read (never another conversation's). */
  thread = $state<ThreadView | null>(null);
  threadError = $state<UiError | null>(null);
  loadingOlder = $state(false);
  /** What is typed in each conversation's composer, kept by the core as it is typed (a
   *  restart, a crash or an outage keeps it until it is sent or cleared). */
  drafts = $state<Record<number, string>>({});
  /** A draft the core could not keep, in its words (shown by the composer). */
  draftError = $state<string | null>(null);
  /** When each draft was begun (ms), to tell a colleague's answer that came while it was being
   *  written. A draft kept over a restart counts from when it was read back. */
  draftBegun: Record<number, number> = {};
  /** Upload progress (0..1) per waiting message id (negative). */
  progress = $state<Record<number, number>>({});
  soundOn = $state(localStorage.getItem(SOUND_OFF_KEY) === null);
  /** Now, from the screens' one clock (for durations, "as of" and today's times). */
  get now(): number {
    return clock.now;
  }
  /** Goes up when something (a clicked notification) asks for the Messages screen. */
  summoned = $state(0);

  /** How many messages the open thread shows. */
  #limit = THREAD_PAGE;
  #foundReads = new Newest();
  #finding: Promise<void> | null = null;
  #findAgain = false;
  /** Someone is signed in in this window (the reception display never is). */
  #active = false;
  /** The Messages screen is shown. */
  #onScreen = false;
  /** What the core was last told is being viewed (undefined: not known). */
  #viewing: number | null | undefined = undefined;
  /** Viewing changes reach the core in the order they happened. */
  #viewingSent: Promise<void> = Promise.resolve();
  #listReads = new Newest();
  #threadReads = new Newest();
  #listReading = false;
  #listAgain = false;
  /** The reads of the open thread under way (one at a time), and whether one more is wanted. */
  #threadReading: Promise<boolean> | null = null;
  #threadAgain = false;
  #chimedAt = 0;
  #chimed = new Set<number>();
  /** Drafts typed and not yet kept by the core (the newest text of each), and whether they
   *  are being written: one write at a time, the newest text last. */
  #draftsToKeep = new Map<number, string>();
  #keepingDrafts = false;

  /** Someone signed in: a fresh start, and the unread total read at once. */
  start(): void {
    this.#reset();
    this.#active = true;
    prepareChime();
    void this.reloadList();
    void this.#loadDrafts();
  }

  /** What the core kept of each composer (typed before a restart); what was typed since the
   *  screen opened wins. */
  async #loadDrafts(): Promise<void> {
    try {
      const kept = await call("chat_drafts");
      if (!this.#active) return;
      for (const draft of kept) {
        if (this.drafts[draft.conversation_id] === undefined) {
          this.drafts[draft.conversation_id] = draft.text;
          this.draftBegun[draft.conversation_id] = Date.now();
        }
      }
    } catch (caught) {
      this.draftError = `The drafts kept on this computer could not be read: ${asUiError(caught).message}`;
    }
  }

  /** What is typed in a conversation's composer: shown at once, kept by the core behind it. */
  setDraft(conversationId: number, text: string): void {
    if (!text.trim()) delete this.draftBegun[conversationId];
    else if (!this.drafts[conversationId]?.trim()) this.draftBegun[conversationId] = Date.now();
    this.drafts[conversationId] = text;
    this.#draftsToKeep.set(conversationId, text);
    void this.#keepDrafts();
  }

  async #keepDrafts(): Promise<void> {
    if (this.#keepingDrafts) return;
    this.#keepingDrafts = true;
    try {
      while (this.#draftsToKeep.size > 0 && this.#active) {
        const [conversationId, text] = this.#draftsToKeep.entries().next().value as [number, string];
        this.#draftsToKeep.delete(conversationId);
        try {
          await call("chat_set_draft", { conversationId, text });
          this.draftError = null;
        } catch (caught) {
          this.draftError = asUiError(caught).message;
        }
      }
    } finally {
      this.#keepingDrafts = false;
    }
  }

  /** Signed out: nothing of that person's chat stays on screen or in the title. */
  stop(): void {
    this.#active = false;
    this.#reset();
  }

  #reset(): void {
    this.#listReads.drop();
    this.#threadReads.drop();
    this.list = null;
    this.listError = null;
    this.unreadTotal = 0;
    this.openId = null;
    this.thread = null;
    this.threadError = null;
    this.loadingOlder = false;
    this.drafts = {};
    this.draftBegun = {};
    this.draftError = null;
    this.#draftsToKeep.clear();
    this.progress = {};
    this.filter = "all";
    this.sort = "newest";
    this.room = null;
    this.query = "";
    this.found = null;
    this.foundError = null;
    this.searchIn = "conversations";
    this.focusMessage = null;
    this.#limit = THREAD_PAGE;
  }

  /** Reads the list again: one read at a time, and one more after it for whatever changed
   *  meanwhile (a guest's flood never queues a read per message). */
  async reloadList(): Promise<void> {
    if (!this.#active) return;
    if (this.#listReading) {
      this.#listAgain = true;
      return;
    }
    this.#listReading = true;
    try {
      do {
        this.#listAgain = false;
        await this.#readList();
      } while (this.#listAgain && this.#active);
    } finally {
      this.#listReading = false;
    }
  }

  async #readList(): Promise<void> {
    const answer = await this.#listReads.ask(() => call("chat_conversations", { filter: this.filter, query: this.query, sort: this.sort, room: this.room }));
    if (answer.stale) return;
    if (answer.error) this.listError = answer.error;
    else {
      this.list = answer.value;
      this.unreadTotal = answer.value.unread_total;
      this.listError = null;
    }
  }

  setFilter(filter: ConversationFilter): void {
    this.filter = filter;
    void this.reloadList();
  }

  setSort(sort: ConversationSort): void {
    this.sort = sort;
    void this.reloadList();
  }

  /** One room's conversations only (`null`: every room's). */
  setRoom(room: string | null): void {
    this.room = room;
    void this.reloadList();
  }

  search(query: string): void {
    this.query = query;
    void this.reloadList();
    void this.findMessages();
  }

  /** Searches the messages for the search's words: one search at a time, and one more after
   *  it for whatever changed meanwhile (typing on, or a guest's flood changing the chat several
   *  times a second never queues a search per change). */
  findMessages(): Promise<void> {
    if (this.#finding) {
      this.#findAgain = true;
      return this.#finding;
    }
    this.#finding = (async () => {
      try {
        do {
          this.#findAgain = false;
          await this.#findOnce();
        } while (this.#findAgain && this.#active);
      } finally {
        this.#finding = null;
      }
    })();
    return this.#finding;
  }

  async #findOnce(): Promise<void> {
    const query = this.query;
    if (!query.trim()) {
      this.#foundReads.drop();
      this.found = null;
      this.foundError = null;
      this.searchIn = "conversations";
      return;
    }
    const answer = await this.#foundReads.ask(() => call("chat_search", { query }));
    // Typed on meanwhile: the next search shows what the words are now.
    if (answer.stale || query !== this.query) return;
    if (answer.error) {
      this.foundError = answer.error;
      return;
    }
    this.found = answer.value;
    this.foundError = null;
  }

  /** Opens a found message's thread with it shown: as many of the thread's newest messages
   *  as reach back to it (its older pages are on this desk: it was found there). */
  async openAt(conversationId: number, messageId: number, fromNewest: number): Promise<void> {
    if (conversationId !== this.openId) {
      this.#close();
      this.openId = conversationId;
      this.syncViewing();
    }
    this.#limit = Math.max(this.#limit, THREAD_PAGE, fromNewest + 10);
    this.focusMessage = messageId;
    await this.reloadThread();
  }

  /** Shows a conversation (null: none), from its newest messages. */
  async open(conversationId: number | null): Promise<void> {
    if (conversationId === this.openId) return;
    this.#close();
    this.openId = conversationId;
    this.syncViewing();
    await this.reloadThread();
  }

  /** No conversation open (what was read of it is dropped; its draft stays). */
  #close(): void {
    this.#threadReads.drop();
    this.openId = null;
    this.thread = null;
    this.threadError = null;
    this.loadingOlder = false;
    this.#limit = THREAD_PAGE;
  }

  /** Reads the open thread again, one read at a time and one more after it for whatever
   *  changed meanwhile, as the list is: a read that a newer one made stale shows nothing, so
   *  reads overtaking each other while the chat changes several times a second (a busy hotel)
   *  would show "Reading the conversation…" for as long as that lasts. False if the last read
   *  failed. */
  reloadThread(): Promise<boolean> {
    if (this.#threadReading) {
      this.#threadAgain = true;
      return this.#threadReading;
    }
    this.#threadReading = this.#readThreadUntilQuiet();
    return this.#threadReading;
  }

  async #readThreadUntilQuiet(): Promise<boolean> {
    try {
      let read: boolean;
      do {
        this.#threadAgain = false;
        read = await this.#readThread();
      } while (this.#threadAgain && this.#active);
      return read;
    } finally {
      // In the same step as the last check, so a reload asked for after it starts a new read.
      this.#threadReading = null;
    }
  }

  async #readThread(): Promise<boolean> {
    const id = this.openId;
    if (id === null || !this.#active) return true;
    const answer = await this.#threadReads.ask(() => call("chat_thread", { conversationId: id, limit: this.#limit }));
    // Another conversation was opened, or an action answered with a newer thread.
    if (answer.stale) return true;
    if (answer.error) {
      this.threadError = answer.error;
      return false;
    }
    this.#show(answer.value);
    return true;
  }

  /** Shows the open thread as the core has it; once it is on screen it may be read. */
  #show(thread: ThreadView): void {
    this.thread = thread;
    this.threadError = null;
    this.syncViewing();
  }

  /** Reads a page of older messages into the open thread (scrolled to its top). */
  async loadOlder(): Promise<void> {
    // A thread never read here has nothing older to read until the server answers.
    if (!this.thread?.has_older || neverRead(this.thread) || this.loadingOlder) return;
    const id = this.openId;
    const before = this.#limit;
    // Set first, so a reload meanwhile (a new message) keeps the older ones too.
    this.#limit = before + THREAD_PAGE;
    this.loadingOlder = true;
    const read = await this.reloadThread();
    if (id !== this.openId) return;
    this.loadingOlder = false;
    if (!read) this.#limit = before;
  }

  /** Runs an action on the open thread and shows the thread it answers with. Rejects with the
   *  UiError, for the screen to show where it happened. */
  async #act(action: (conversationId: number) => Promise<ThreadView>): Promise<void> {
    const id = this.openId;
    if (id === null) return;
    const ticket = this.#threadReads.take();
    let thread: ThreadView;
    try {
      thread = await action(id);
    } catch (error) {
      // A reload that this action overtook was dropped: read the thread again.
      if (this.#threadReads.isNewest(ticket)) void this.reloadThread();
      throw error;
    }
    if (!this.#threadReads.isNewest(ticket) || id !== this.openId) return;
    if (this.#limit > THREAD_PAGE) {
      // The answer may hold fewer messages than are shown (scrolled back): read again with the
      // count shown rather than drop the older ones (the view would jump).
      await this.reloadThread();
    } else {
      this.#show(thread);
    }
  }

  send(message: string, replyTo: number | null): Promise<void> {
    return this.#act((id) => call("chat_send", { conversationId: id, message, replyTo }));
  }

  attach(file: File, message: string): Promise<void> {
    return this.#act((id) => upload("chat_attach", file, { "conversation-id": String(id), message }));
  }

  edit(messageId: number, message: string): Promise<void> {
    return this.#act(() => call("chat_edit", { messageId, message }));
  }

  remove(messageId: number): Promise<void> {
    return this.#act(() => call("chat_delete", { messageId }));
  }

  claim(): Promise<void> {
    return this.#act((id) => call("chat_claim", { conversationId: id }));
  }

  /** A waiting reply's queue number is its (negative) message id, turned positive. */
  retry(messageId: number): Promise<void> {
    return this.#act(() => call("chat_retry", { seq: -messageId }));
  }

  discard(messageId: number): Promise<void> {
    return this.#act(() => call("chat_discard", { seq: -messageId }));
  }

  /** The person has read this conversation (the E key); a thread never read here stays unread. */
  async markRead(conversationId: number): Promise<void> {
    try {
      await call("chat_mark_read", { conversationId });
    } catch (caught) {
      this.threadError = asUiError(caught);
    }
  }

  /** The Messages screen came up or went away. Leaving it closes the conversation, so the
   *  screen always opens on the list with none chosen: opening the screen marks nothing read
   *  (issue 36.9); the person's choice does. A draft stays with its conversation. */
  setOnScreen(shown: boolean): void {
    this.#onScreen = shown;
    if (!shown) this.#close();
    this.syncViewing();
  }

  /** Tells the core which thread is in front of the person, when that changed: chosen, its
   *  messages on screen (not a thread this desk has never read), in a focused, visible window.
   *  The core marks that one read while so, and nothing else does. */
  syncViewing(focused = document.hasFocus()): void {
    const visible = this.#active && this.#onScreen && focused && document.visibilityState === "visible";
    const thread = this.thread;
    const shown = thread !== null && thread.conversation_id === this.openId && !neverRead(thread);
    const id = visible && shown ? this.openId : null;
    if (id === this.#viewing) return;
    this.#viewing = id;
    this.#viewingSent = this.#viewingSent
      .then(() => call("chat_viewing", { conversationId: id }))
      .catch((error: unknown) => {
        this.#viewing = undefined;
        // Signed out meanwhile: nothing is being viewed, and nobody to tell.
        if (this.#active) this.threadError = asUiError(error);
      });
  }

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    switch (event.type) {
      case "chat_changed":
        this.changed(event.conversation_id, event.unread_total);
        break;
      case "guest_message":
        this.guestMessage(event.conversation_id, event.message_id);
        break;
      case "open_thread":
        this.show(event.conversation_id);
        break;
      case "upload_progress":
        if (event.resource === "conversations") this.uploadProgress(event.id, event.sent, event.total);
        break;
      case "connection":
        // The server answers again: a thread it could not be read from is read now.
        if (event.status.state !== "offline" && event.status.state !== "unknown" && this.thread && neverRead(this.thread)) {
          void this.reloadThread();
        }
        break;
    }
  }

  /** The chat on the desk changed: the list again, and the open thread if it is concerned. */
  changed(conversationId: number | null, unreadTotal: number): void {
    if (!this.#active) return;
    this.unreadTotal = unreadTotal;
    void this.reloadList();
    if (this.query.trim()) void this.findMessages();
    if (this.openId !== null && (conversationId === null || conversationId === this.openId)) {
      void this.reloadThread();
    }
  }

  /** A guest wrote: a chime, unless muted or the message is in front of the user already. */
  guestMessage(conversationId: number, messageId: number): void {
    if (!this.#active || !this.soundOn || this.#chimed.has(messageId)) return;
    if (this.#chimed.size >= CHIMED_REMEMBERED) this.#chimed.clear();
    this.#chimed.add(messageId);
    if (this.#onScreen && this.openId === conversationId && document.hasFocus()) return;
    const now = Date.now();
    if (now - this.#chimedAt < CHIME_GAP_MS) return;
    this.#chimedAt = now;
    chime();
  }

  /** A guest-message notification was clicked: the Messages screen, with that thread. */
  show(conversationId: number): void {
    if (!this.#active) return;
    this.summoned += 1;
    void this.open(conversationId);
  }

  setSound(on: boolean): void {
    this.soundOn = on;
    if (on) localStorage.removeItem(SOUND_OFF_KEY);
    else localStorage.setItem(SOUND_OFF_KEY, "1");
  }

  uploadProgress(id: number, sent: number, total: number): void {
    this.progress = withProgress(this.progress, id, sent, total);
  }
}

export const messages = new MessagesState();
onDeskEvent((event) => messages.handle(event));

/** A thread this desk has never read from the server (it was unreachable): none of its messages
 *  are here, though the server has some. My replies written meanwhile may be. */
export function neverRead(thread: ThreadView): boolean {
  return thread.has_older && !thread.messages.some((message) => message.id > 0);
}

/** Why a file cannot be attached, naming it (null: it can). */
export function attachmentProblem(file: File): string | null {
  const extension = file.name.includes(".") ? (file.name.split(".").pop() ?? "").toLowerCase() : "";
  if (!ATTACHMENT_EXTENSIONS.includes(extension)) {
    return `“${file.name}” cannot be sent: guests can be sent ${ATTACHMENT_EXTENSIONS.join(", ")} files only.`;
  }
  if (file.size > MAX_ATTACHMENT_BYTES) {
    const megabytes = (file.size / (1024 * 1024)).toFixed(1);
    return `“${file.name}” cannot be sent: it is ${megabytes} MB, and an attachment can be 50 MB at most.`;
  }
  return null;
}

/** The local calendar day of a moment, to group messages by. */
export function dayOf(at: string | number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** "Today", "Yesterday", "Monday 3 March" (with the year when it is not this year). */
export function dayLabel(at: string, now: number): string {
  if (dayOf(at) === dayOf(now)) return "Today";
  const today = new Date(now);
  if (dayOf(at) === dayOf(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1).getTime())) {
    return "Yesterday";
  }
  const date = new Date(at);
  return formatLongDate(date, date.getFullYear() !== today.getFullYear());
}

/** A conversation's time in the list: "14:02" today, else the date ("23/11/2026"). */
export function listTime(at: string, now: number): string {
  return dayOf(at) === dayOf(now) ? formatTime(at) : formatDate(at);
}

/** How long a guest has waited, in words: "waiting 12 min", "waiting 2 h 5 min"; "12+ min"
 *  when older messages not read here may make it longer. Under a minute: "waiting". */
export function waitedWords(since: string, exact: boolean, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  const more = exact ? "" : "+";
  if (Number.isNaN(minutes)) return "waiting";
  if (minutes < 1) return exact ? "waiting" : "waiting 1+ min";
  if (minutes < 60) return `waiting ${minutes}${more} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `waiting ${hours} h${rest ? ` ${rest} min` : ""}${more}`;
}

/** The newest answer a colleague sent in `thread` after `since` (ms): before a reply goes, the
 *  person is told, so a guest never gets two answers by surprise. */
export function colleagueAnsweredSince(thread: ThreadView | null, since: number | undefined): ChatMessageView | null {
  if (!thread || since === undefined) return null;
  let newest: ChatMessageView | null = null;
  for (const message of thread.messages) {
    if (message.from_guest || message.from_server || message.mine || message.is_deleted || !message.timestamp) continue;
    if (Date.parse(message.timestamp) > since) newest = message;
  }
  return newest;
}

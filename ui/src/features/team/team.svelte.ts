// The Team screen's state: the on-duty board as the core has it (read again whenever the core
// says its view changed), the search, a brief highlight for whoever just clocked,
// and a clock that ticks so "on duty for 2 h 05 min" stays true.
import { clock } from "./clock.svelte";
import { flash } from "../../lib/highlight";
import { formatTime } from "../../lib/format.svelte";
import { Newest } from "../../lib/newest";
import { type DeskEvent, type TeamBoard, type UiError, call } from "../../lib/backend";
import { onDeskEvent } from "../../lib/events";


class TeamState {
  board = $state<TeamBoard | null>(null);
  query = $state("");
  error = $state<UiError | null>(null);
  highlighted = $state<Record<number, boolean>>({});
  /** Now, from the screens' one clock (for durations, "as of" and today's times). */
  get now(): number {
    return clock.now;
  }

  #reads = new Newest();

  /** A desk event, as every store receives them. */
  handle(event: DeskEvent): void {
    switch (event.type) {
      case "view_changed":
        if (event.view === "team") void this.reload();
        break;
      case "session_changed":
        if (event.session) void this.reload();
        break;
      case "remote_change":
        if (event.resource === "staff") this.highlight(event.id);
        break;
    }
  }

  async reload(): Promise<void> {
    const answer = await this.#reads.ask(() => call("team_board", { query: this.query }));
    if (answer.stale) return;
    if (answer.error) this.error = answer.error;
    else {
      this.board = answer.value;
      this.error = null;
    }
  }

  search(query: string): void {
    this.query = query;
    void this.reload();
  }

  highlight(id: number): void {
    flash(this, id);
  }

  /** Someone else is (or nobody is) signed in now: the previous person's search and board go. */
  forget(): void {
    this.#reads.drop();
    this.board = null;
    this.query = "";
    this.error = null;
    this.highlighted = {};
  }
}

export const team = new TeamState();
onDeskEvent((event) => team.handle(event));

/** "2 h 05 min", "14 min", "just now": how long since `since` (RFC 3339). */
export function onDutyFor(since: string, now: number): string {
  const minutes = Math.floor((now - Date.parse(since)) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** "14:02": a time of day on this computer's clock, as this computer writes times. */
export function clockTime(at: string): string {
  return formatTime(at);
}

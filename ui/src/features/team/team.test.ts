// The team store: a search reads the board again for it, the newest read wins, and sign-out
// (forget) drops the previous person's board and a read under way. Only the Tauri IPC boundary
// is mocked (test/setup.ts): there is no shell in a unit test.
import { beforeEach, describe, expect, it } from "vitest";
import type { TeamBoard } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { team } from "./team.svelte";

const board = (label: string): TeamBoard => ({ label }) as unknown as TeamBoard;

beforeEach(() => team.forget());

describe("the team store", () => {
  it("reads the board for what is searched", async () => {
    const asked = answer({ team_board: () => board("found") });
    team.search("ana");
    await Promise.resolve();
    await Promise.resolve();
    expect(asked).toEqual([{ command: "team_board", args: { query: "ana" } }]);
  });

  it("shows the newest search's board when an older answer arrives last", async () => {
    const older = later<TeamBoard>();
    const newer = later<TeamBoard>();
    const answers = [older, newer];
    answer({ team_board: () => answers.shift()?.promise });
    team.query = "a";
    const first = team.reload();
    team.query = "an";
    const second = team.reload();
    newer.resolve(board("an"));
    await second;
    older.resolve(board("a"));
    await first;
    expect(team.board).toEqual(board("an"));
  });

  it("forgets the previous person's board and search, and a read under way", async () => {
    const slow = later<TeamBoard>();
    answer({ team_board: () => slow.promise });
    team.query = "ana";
    const read = team.reload();
    team.forget();
    slow.resolve(board("theirs"));
    await read;
    expect(team.board).toBeNull();
    expect(team.query).toBe("");
  });
});

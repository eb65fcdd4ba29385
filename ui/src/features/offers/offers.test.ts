// The offers store's rules: it reads its list again after its own writes (no screen does), the
// newest read wins, and a new offer stays selected when the server gives it its id. Only the
// Tauri IPC boundary is mocked (test/setup.ts): there is no shell in a unit test.
import { beforeEach, describe, expect, it } from "vitest";
import type { Offer } from "../../lib/generated";
import { answer, later } from "../../test/setup";
import { offers } from "./offers.svelte";

const offer = (id: number, title: string): Offer => ({ id, title }) as Offer;

beforeEach(() => offers.forget());

describe("the offers store", () => {
  it("reads its list again itself after a save, so the editor reloads nothing", async () => {
    let list = [offer(1, "Spa week")];
    const asked = answer({
      offer_update: (args) => {
        list = [offer(1, String((args.changes as { title: string }).title))];
        return list[0];
      },
      offers_list: () => list,
    });
    const saved = await offers.save(1, { title: "Spa weekend" }, '{"title":"Spa weekend"}');
    expect(saved.title).toBe("Spa weekend");
    expect(asked.map((a) => a.command)).toEqual(["offer_update", "offers_list"]);
    expect(offers.list.map((o) => o.title)).toEqual(["Spa weekend"]);
    expect(offers.saved).toEqual({ key: 1, fields: '{"title":"Spa weekend"}' });
  });

  it("creates a new offer when it has no id yet, then shows the list with it", async () => {
    const asked = answer({ offer_create: () => offer(7, "New"), offers_list: () => [offer(7, "New")] });
    await offers.save(null, { title: "New" }, "{}");
    expect(asked.map((a) => a.command)).toEqual(["offer_create", "offers_list"]);
    expect(offers.list.map((o) => o.id)).toEqual([7]);
  });

  it("deletes, then reads its list again until a read asked after the delete is shown", async () => {
    let list = [offer(1, "A"), offer(2, "B")];
    const asked = answer({
      offer_delete: (args) => {
        list = list.filter((o) => o.id !== args.id);
      },
      offers_list: () => list,
    });
    await offers.remove(2);
    expect(asked.map((a) => a.command)).toEqual(["offer_delete", "offers_list"]);
    expect(offers.list.map((o) => o.id)).toEqual([1]);
  });

  it("shows the newest read's list when an older answer arrives last", async () => {
    const first = later<Offer[]>();
    const second = later<Offer[]>();
    const answers = [first, second];
    answer({ offers_list: () => answers.shift()?.promise });
    const older = offers.reload();
    const newer = offers.reload();
    second.resolve([offer(2, "newer")]);
    expect(await newer).toBe(true);
    first.resolve([offer(1, "older")]);
    expect(await older).toBe(false);
    expect(offers.list.map((o) => o.title)).toEqual(["newer"]);
  });

  it("says a refused read and keeps the list it had", async () => {
    answer({ offers_list: () => [offer(1, "A")] });
    await offers.reload();
    answer({
      offers_list: () => {
        throw { code: "server_unavailable", field: null, message: "The hotel's server does not answer." };
      },
    });
    await offers.reload();
    expect(offers.error?.message).toBe("The hotel's server does not answer.");
    expect(offers.list.map((o) => o.id)).toEqual([1]);
  });

  it("keeps a new offer selected, and its editor's key, when the server gives it its id", () => {
    offers.select(-3);
    offers.handle({ type: "id_assigned", resource: "offers", temp_id: -3, id: 41 } as never);
    expect(offers.selected).toBe(41);
    expect(offers.editorKey(41)).toBe(-3);
    offers.select(-3);
    expect(offers.selected).toBe(41);
  });

  it("drops a read in flight when the person signs out (forget)", async () => {
    const slow = later<Offer[]>();
    answer({ offers_list: () => slow.promise });
    const read = offers.reload();
    offers.forget();
    slow.resolve([offer(1, "the previous person's")]);
    expect(await read).toBe(false);
    expect(offers.list).toEqual([]);
  });
});

// Finding in a list a screen holds (the settings, the saved replies' names) by the core's one
// search rule (issue 63.15): accents, case and punctuation aside, each word typed beginning a
// word, whole words first. The screen sends what is typed and the list's texts; the core answers
// with the places of those it finds. No screen matches by a rule of its own, so the desk's
// searches cannot drift apart.
import { call } from "./backend";

/** The items that `query` finds by their `text`, best first; all of them, in order, when
 *  nothing is typed. */
export async function findIn<T>(query: string, items: readonly T[], text: (item: T) => string): Promise<T[]> {
  if (!query.trim()) return [...items];
  const places = await call("find_in", { query, texts: items.map(text) });
  return places.flatMap((place) => {
    const item = items[place];
    return item === undefined ? [] : [item];
  });
}

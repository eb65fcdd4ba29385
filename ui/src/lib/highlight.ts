// A brief highlight of a row someone else just changed (offers, the team board).

const HIGHLIGHT_MS = 2500;

/** Highlights `id` in `rows.highlighted` for a moment. */
export function flash(rows: { highlighted: Record<number, boolean> }, id: number): void {
  rows.highlighted = { ...rows.highlighted, [id]: true };
  setTimeout(() => {
    const { [id]: _, ...rest } = rows.highlighted;
    rows.highlighted = rest;
  }, HIGHLIGHT_MS);
}

// Upload progress by row id, as the screens show it: a fraction while bytes are on their way,
// gone once the upload is complete.

/** The progress map with `id` at `sent` of `total` bytes (removed when done). */
export function withProgress(
  progress: Record<number, number>,
  id: number,
  sent: number,
  total: number,
): Record<number, number> {
  if (total > 0 && sent < total) return { ...progress, [id]: sent / total };
  const { [id]: _, ...rest } = progress;
  return rest;
}

/**
 * Item navigation in the dataset browser's order, and the filmstrip's window. Pure: the hook
 * (useItemNavigation.ts) does the fetching.
 */

/** The index `delta` steps from `index` in a list of `total`, or null past either end. */
export function stepIndex(index: number, total: number, delta: number): number | null {
  const next = index + delta;
  return next >= 0 && next < total ? next : null;
}

/**
 * Where the open item is in the list. The app remembers the index it was opened at (`hint`), but
 * the item may have been opened from elsewhere (review queue, QA finding) or the list may have
 * changed: look for the id in the page fetched around the hint.
 */
export function locate(ids: readonly string[], offset: number, itemId: string, hint: number): number | null {
  if (ids[hint - offset] === itemId) return hint;
  let best: number | null = null;
  ids.forEach((id, i) => {
    if (id === itemId && (best === null || Math.abs(offset + i - hint) < Math.abs(best - hint))) best = offset + i;
  });
  return best;
}

/** The page to fetch around an index (so the item and its neighbours are in one call). */
export function pageAround(hint: number, radius: number): { offset: number; limit: number } {
  const offset = Math.max(0, hint - radius);
  return { offset, limit: hint - offset + radius + 1 };
}

/**
 * The frames a filmstrip shows: a window of at most `slots` frames around `current`, shifted at
 * the ends so it stays full. Only these thumbnails are in the DOM.
 */
export function filmstripWindow(current: number, count: number, slots: number): { start: number; end: number } {
  const n = Math.max(0, Math.min(count, Math.floor(slots)));
  if (n === 0) return { start: 0, end: 0 };
  let start = Math.max(0, Math.min(current, count - 1) - Math.floor((n - 1) / 2));
  start = Math.min(start, count - n);
  return { start, end: start + n };
}

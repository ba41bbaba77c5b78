/**
 * Paged access to a project's items for virtualized views: only the pages that scroll into view
 * are fetched (200 items each), so 100k items cost a few requests, not one giant payload.
 * Pages belong to one filter+version key; a response for another key is dropped, so fast filter
 * changes can never mix results of two queries.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ItemSummary, Modality } from '../../preload/contract';
import type { ItemStatus } from '../../core/document/schema';
import { rpc } from '../transport';
import { reportError } from '../state/actions';

export const PAGE_SIZE = 200;

export interface ItemFilter {
  modality?: Modality[];
  status?: ItemStatus[];
  search?: string;
}

interface PageCache {
  key: string;
  pages: Map<number, ItemSummary[] | 'loading'>;
  total: number | null;
}

export function useItemPages(filter: ItemFilter, version: number) {
  const key = JSON.stringify(filter) + '#' + version;
  const cache = useRef<PageCache>({ key, pages: new Map(), total: null });
  const [, bump] = useState(0);
  // Switch caches synchronously during render: nothing from the old key is ever shown.
  if (cache.current.key !== key) cache.current = { key, pages: new Map(), total: null };

  const loadPage = useCallback(
    (page: number) => {
      const mine = cache.current;
      if (mine.key !== key || mine.pages.has(page)) return;
      mine.pages.set(page, 'loading');
      rpc
        .call('items.list', { offset: page * PAGE_SIZE, limit: PAGE_SIZE, ...filter, search: filter.search || undefined })
        .then((r) => {
          if (cache.current !== mine) return; // the filter changed meanwhile
          mine.pages.set(page, r.items);
          mine.total = r.total;
          bump((n) => n + 1);
        })
        .catch((err) => {
          mine.pages.delete(page);
          reportError(err);
        });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );

  useEffect(() => loadPage(0), [loadPage]);

  const itemAt = useCallback(
    (index: number): ItemSummary | undefined => {
      const page = Math.floor(index / PAGE_SIZE);
      const p = cache.current.pages.get(page);
      if (!p) {
        loadPage(page);
        return undefined;
      }
      return p === 'loading' ? undefined : p[index % PAGE_SIZE];
    },
    [loadPage],
  );

  return { total: cache.current.total, itemAt };
}

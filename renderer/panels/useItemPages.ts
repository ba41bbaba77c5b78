/**
 * Paged access to a project's items for virtualized views: only the pages that scroll into view
 * are fetched (200 items each), so 100k items cost a few requests, not one giant payload.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ItemSummary, Modality } from '../../preload/contract';
import type { ItemStatus } from '../core/document/schema';
import { rpc } from '../transport';
import { reportError } from '../state/actions';

export const PAGE_SIZE = 200;

export interface ItemFilter {
  modality?: Modality[];
  status?: ItemStatus[];
  search?: string;
}

export function useItemPages(filter: ItemFilter, version: number) {
  const [total, setTotal] = useState<number | null>(null);
  const pages = useRef(new Map<number, ItemSummary[] | 'loading'>());
  const [, bump] = useState(0);
  const key = JSON.stringify(filter) + version;
  const keyRef = useRef(key);

  const loadPage = useCallback(
    (page: number) => {
      if (pages.current.has(page)) return;
      pages.current.set(page, 'loading');
      const myKey = keyRef.current;
      rpc
        .call('items.list', { offset: page * PAGE_SIZE, limit: PAGE_SIZE, ...filter, search: filter.search || undefined })
        .then((r) => {
          if (keyRef.current !== myKey) return;
          pages.current.set(page, r.items);
          setTotal(r.total);
          bump((n) => n + 1);
        })
        .catch((err) => {
          pages.current.delete(page);
          reportError(err);
        });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );

  useEffect(() => {
    keyRef.current = key;
    pages.current = new Map();
    setTotal(null);
    loadPage(0);
  }, [key, loadPage]);

  const itemAt = useCallback(
    (index: number): ItemSummary | undefined => {
      const page = Math.floor(index / PAGE_SIZE);
      const p = pages.current.get(page);
      if (!p) {
        loadPage(page);
        return undefined;
      }
      return p === 'loading' ? undefined : p[index % PAGE_SIZE];
    },
    [loadPage],
  );

  return { total, itemAt };
}

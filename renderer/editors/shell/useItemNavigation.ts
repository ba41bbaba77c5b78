/**
 * Next / previous item in the dataset browser's order (its filter when the item was opened), for
 * every editor. The open item's position is checked against the list (it may have been opened
 * from the review queue, or the list changed); moving saves the open editor first.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ItemSummary } from '../../../preload/contract';
import { rpc } from '../../transport';
import { useApp, type BrowseFilter } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { locate, pageAround, stepIndex } from './navigation';
import { flushOpenEditor } from './shellStore';

/** Items either side of the open one kept at hand (neighbour ids, the folder filmstrip). */
export const NEIGHBOURS = 8;
const SCAN_PAGE = 1000;

export interface ItemPosition {
  index: number;
  total: number;
  filter: BrowseFilter;
  /** Items around the open one: `items[i]` is at list index `offset + i`. */
  offset: number;
  items: ItemSummary[];
}

function query(filter: BrowseFilter, offset: number, limit: number) {
  return rpc.call('items.list', { offset, limit, ...filter, search: filter.search || undefined });
}

async function findPosition(itemId: string, hint: number, filter: BrowseFilter): Promise<ItemPosition | null> {
  const around = pageAround(hint, NEIGHBOURS);
  const first = await query(filter, around.offset, around.limit);
  let index = locate(first.items.map((i) => i.id), around.offset, itemId, hint);
  // Not where it was opened: look through the list (a few calls even for 100k items).
  for (let offset = 0; index === null && offset < first.total; offset += SCAN_PAGE) {
    const page = await query(filter, offset, SCAN_PAGE);
    index = locate(page.items.map((i) => i.id), offset, itemId, hint);
  }
  if (index === null) return null;
  const near = index === hint ? { ...around, items: first.items } : await (async () => {
    const p = pageAround(index!, NEIGHBOURS);
    return { ...p, items: (await query(filter, p.offset, p.limit)).items };
  })();
  return { index, total: first.total, filter, offset: near.offset, items: near.items };
}

export function useItemNavigation(itemId: string | null) {
  const [position, setPosition] = useState<ItemPosition | null>(null);
  const moving = useRef(false);
  const positionRef = useRef(position);
  positionRef.current = position;

  useEffect(() => {
    if (!itemId) return;
    let live = true;
    setPosition(null);
    const { itemIndex, browseFilter } = useApp.getState();
    (async () => {
      let pos = await findPosition(itemId, itemIndex, browseFilter);
      // Filtered out (opened from the review queue, or its status changed): the whole dataset's order.
      if (!pos && Object.keys(browseFilter).length) pos = await findPosition(itemId, itemIndex, {});
      if (!live) return;
      setPosition(pos);
      if (pos && (pos.index !== itemIndex || pos.filter !== browseFilter)) useApp.getState().set({ itemIndex: pos.index, browseFilter: pos.filter });
    })().catch((err) => live && reportError(err));
    return () => {
      live = false;
    };
  }, [itemId]);

  /** Open the item at this list index (saving the open one first). */
  const openIndex = useCallback(async (target: number) => {
    const pos = positionRef.current;
    if (!pos || moving.current || target === pos.index || target < 0 || target >= pos.total) return false;
    moving.current = true;
    try {
      const item = pos.items[target - pos.offset] ?? (await query(pos.filter, target, 1)).items[0];
      if (!item) return false;
      await flushOpenEditor();
      useApp.getState().set({ view: 'item', itemId: item.id, itemIndex: target, browseFilter: pos.filter });
      return true;
    } catch (err) {
      reportError(err);
      return false;
    } finally {
      moving.current = false;
    }
  }, []);

  const go = useCallback(
    (delta: number) => {
      const pos = positionRef.current;
      const target = pos ? stepIndex(pos.index, pos.total, delta) : null;
      if (target === null) return false;
      void openIndex(target);
      return true;
    },
    [openIndex],
  );

  return {
    position,
    canPrev: !!position && stepIndex(position.index, position.total, -1) !== null,
    canNext: !!position && stepIndex(position.index, position.total, 1) !== null,
    next: () => go(1),
    prev: () => go(-1),
    openIndex,
  };
}

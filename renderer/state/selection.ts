/**
 * What the user has selected in the open item, shared between the editors (which write it) and
 * the panels around them (issues, QA findings), which read it or ask to focus something.
 * `frame` is the frame shown (null when the viewer has no frames or has not said).
 */
import { useEffect, useRef, useState } from 'react';
import { create } from 'zustand';

export interface SelectionState {
  itemId: string | null;
  objectIds: string[];
  frame: number | null;
  /** Replace the selection (editors call this on every selection or frame change). */
  select(itemId: string | null, objectIds: string[], frame?: number | null): void;
  setFrame(frame: number | null): void;
  clear(): void;
}

export const useSelection = create<SelectionState>((set) => ({
  itemId: null,
  objectIds: [],
  frame: null,
  select: (itemId, objectIds, frame) => set((s) => ({ itemId, objectIds, frame: frame === undefined ? s.frame : frame })),
  setFrame: (frame) => set({ frame }),
  clear: () => set({ itemId: null, objectIds: [], frame: null }),
}));

/**
 * The one object the selection asks `itemId`'s editor to show (a QA finding or an issue set it),
 * or null: another item's selection, none, or several (the editor's own, not a request).
 */
export function requestedObject(s: Pick<SelectionState, 'itemId' | 'objectIds'>, itemId: string): string | null {
  return s.itemId === itemId && s.objectIds.length === 1 ? s.objectIds[0] : null;
}

/**
 * For editors: show the object a finding or an issue asks for (selection store) once the
 * document is loaded (`ready`). Read when the editor opens (before it publishes its own, empty,
 * selection) and on later requests while it is open. `current` is the shared id the editor has
 * selected (its own publishing is no request); `show` selects and frames the object, returning
 * false while it cannot yet (the request is kept and tried again when `ready` or `show` change).
 */
export function useObjectRequest(itemId: string, ready: boolean, current: string | null, show: (id: string) => boolean): void {
  const pending = useRef<{ item: string; id: string | null } | null>(null);
  if (pending.current?.item !== itemId) pending.current = { item: itemId, id: requestedObject(useSelection.getState(), itemId) };
  const currentRef = useRef(current);
  currentRef.current = current;
  const [tick, setTick] = useState(0);
  useEffect(
    () =>
      useSelection.subscribe((s, prev) => {
        const id = requestedObject(s, itemId);
        if (!id || id === requestedObject(prev, itemId) || id === currentRef.current) return;
        pending.current = { item: itemId, id };
        setTick((n) => n + 1);
      }),
    [itemId],
  );
  useEffect(() => {
    const p = pending.current;
    if (!ready || !p?.id) return;
    if (p.id === currentRef.current || show(p.id)) p.id = null;
  }, [ready, show, tick]);
}

/**
 * For frame viewers: start on the frame the selection names for this item (a QA finding or an
 * issue opened it), and publish the frame shown so issues can be pinned to it.
 */
export function useSharedFrame(itemId: string, frame: number, setFrame: (f: number) => void, count: number): void {
  const pending = useRef<number | null>(null);
  useEffect(() => {
    const s = useSelection.getState();
    if (count > 0 && s.itemId === itemId && s.frame !== null && s.frame < count && s.frame !== frame) {
      pending.current = s.frame;
      setFrame(s.frame);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [itemId, count]);
  useEffect(() => {
    if (count === 0) return;
    if (pending.current !== null) {
      if (frame !== pending.current) return; // the requested frame is on its way
      pending.current = null;
    }
    const s = useSelection.getState();
    if (s.itemId === itemId) s.setFrame(frame);
    else s.select(itemId, [], frame);
  }, [itemId, frame, count]);
  // Later requests (clicking an issue) move the viewer too.
  useEffect(
    () =>
      useSelection.subscribe((s, prev) => {
        if (s.itemId === itemId && s.frame !== null && s.frame !== prev.frame && s.frame < count) setFrame(s.frame);
      }),
    [itemId, count, setFrame],
  );
}

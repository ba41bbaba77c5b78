/**
 * What the user has selected in the open item, shared between the editors (which write it) and
 * the panels around them (issues, QA findings), which read it or ask to focus something.
 * `frame` is the frame shown (null when the viewer has no frames or has not said).
 */
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

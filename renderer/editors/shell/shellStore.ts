/**
 * What the open editor tells the frame around it (renderer/panels/item/ItemView.tsx): its save state,
 * who last changed the document, and how to save at once before the frame moves to another item.
 * Editors publish through useEditorDocument; an editor that does not (yet) leaves it empty and the
 * frame shows nothing for it.
 */
import { create } from 'zustand';
import type { ItemDocument } from '../../../core/document/schema';

export type SaveState = 'saved' | 'saving' | 'error';

export interface DocumentProvenance {
  revision: number;
  /** The newest change to any object or track (or the document itself). */
  updatedAt?: number;
  updatedBy?: string;
}

export interface EditorShellState {
  itemId: string | null;
  saveState: SaveState | null;
  provenance: DocumentProvenance | null;
  /** Save every committed edit now; resolves when the host has it (or the save failed and the draft is kept). */
  flush: (() => Promise<void>) | null;
  /** Someone else holds the item's lease (their name): edits are refused (useItemLease). */
  readOnly: string | null;
  set(p: Partial<EditorShellState>): void;
}

export const useEditorShell = create<EditorShellState>((set) => ({
  itemId: null,
  saveState: null,
  provenance: null,
  flush: null,
  readOnly: null,
  set: (p) => set(p),
}));

/** Save the open editor's edits before leaving the item (navigation, back). Never throws. */
export async function flushOpenEditor(): Promise<void> {
  const flush = useEditorShell.getState().flush;
  if (!flush) return;
  try {
    await flush();
  } catch {
    // the edit stays in the local journal and draft; the store reported the error
  }
}

/** Who changed the document last: the newest stamp of any object or track. Pure. */
export function documentProvenance(doc: ItemDocument): DocumentProvenance {
  let newest: { updatedAt?: number; updatedBy?: string } | undefined;
  for (const r of [...doc.objects, ...doc.tracks]) {
    if (r.updatedAt !== undefined && (newest?.updatedAt === undefined || r.updatedAt > newest.updatedAt)) newest = r;
  }
  const updatedAt = Math.max(doc.updatedAt ?? 0, newest?.updatedAt ?? 0) || undefined;
  return { revision: doc.revision ?? 0, updatedAt, updatedBy: newest?.updatedBy };
}

/**
 * Edit conflicts the user decides: when a save finds the same object changed by someone else,
 * DocumentStore asks through `askConflicts`, the ConflictDialog shows the records and the answer
 * resolves the promise. One question at a time; further ones wait their turn.
 */
import i18next from 'i18next';
import { create } from 'zustand';
import type { MergeConflict, Resolution } from '../../core/document/merge';
import type { ItemDocument } from '../../core/document/schema';
import type { DocumentStoreHooks, RemoteChange } from '../persistence/documentStore';
import { useApp } from './appStore';

export interface PendingConflicts {
  itemId: string;
  conflicts: MergeConflict[];
  answer(choices: Record<string, Resolution>): void;
}

interface ConflictState {
  pending: PendingConflicts | null;
  queue: PendingConflicts[];
}

export const useConflicts = create<ConflictState>(() => ({ pending: null, queue: [] }));

export const conflictKey = (c: MergeConflict) => `${c.kind}:${c.key}`;

export function askConflicts(itemId: string, conflicts: MergeConflict[]): Promise<(c: MergeConflict) => Resolution> {
  return new Promise((resolve) => {
    const entry: PendingConflicts = {
      itemId,
      conflicts,
      answer(choices) {
        resolve((c) => choices[conflictKey(c)] ?? 'mine');
        useConflicts.setState((s) => ({ pending: s.queue[0] ?? null, queue: s.queue.slice(1) }));
      },
    };
    useConflicts.setState((s) => (s.pending ? { queue: [...s.queue, entry] } : { pending: entry }));
  });
}

/** The hooks every editor gives its DocumentStore: show merged / reloaded documents, ask on conflicts. */
export function editorStoreHooks(show: (itemId: string, document: ItemDocument) => void): DocumentStoreHooks {
  return {
    onConflict: askConflicts,
    onRemoteChange: (itemId: string, document: ItemDocument, change: RemoteChange) => {
      show(itemId, document);
      // A save that merged nothing of theirs (they only moved the review status or issues) is not news.
      if (!change.reloaded && change.takenFromTheirs + change.conflicts === 0) return;
      const notice = change.reloaded
        ? i18next.t('conflicts.reloaded')
        : i18next.t('conflicts.merged', { count: change.takenFromTheirs + change.conflicts });
      useApp.getState().set({ notice });
    },
  };
}

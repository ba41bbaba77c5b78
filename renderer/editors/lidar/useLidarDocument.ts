/**
 * The LiDAR editor's document: loaded and saved through DocumentStore (IndexedDB journal +
 * debounced atomic host save, with the app's merge / conflict hooks), records as in model.ts, one
 * History step per gesture (commit), live gestures (a sub-view drag: records change on every move,
 * one step at the end) and undo / redo.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemDocument } from '../../../core/document/schema';
import { History } from '../../../core/history/history';
import { diffRecords, invertDiff, type RecordDiff } from '../../../core/history/diff';
import { DocumentStore } from '../../persistence/documentStore';
import { editorStoreHooks } from '../../state/conflicts';
import { db } from '../../persistence/db';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { documentOf, recordsOf, type LidarRecord, type Records } from './model';

export type SaveState = 'saved' | 'saving' | 'unsaved';

export function useLidarDocument(itemId: string, projectPath: string, sequence: boolean, frame: number) {
  const { t } = useTranslation();
  const [records, setRecords] = useState<Records | null>(null);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const meta = useRef<ItemDocument | null>(null);
  const recordsRef = useRef<Records | null>(null);
  recordsRef.current = records;
  const history = useRef(new History<LidarRecord>());
  const gestureStart = useRef<Records | null>(null);
  const i18nRecovered = useRef(t('recovered'));
  const show = (document: ItemDocument) => {
    meta.current = document;
    setRecords(recordsOf(document, sequence));
  };
  // Someone else's save merged into (or reloaded) this item: show that document.
  const showRemote = useRef<(id: string, doc: ItemDocument) => void>(() => {});
  showRemote.current = (id, document) => {
    if (id === itemId) show(document);
  };
  const store = useMemo(
    () =>
      new DocumentStore(
        rpc,
        projectPath,
        db,
        400,
        (e) => {
          setSaveState('unsaved');
          reportError(e);
        },
        editorStoreHooks((id, doc) => showRemote.current(id, doc)),
      ),
    [projectPath],
  );
  useEffect(() => () => store.dispose(), [store]);

  useEffect(() => {
    let live = true;
    history.current.clear();
    store.load(itemId).then(({ document, recovered }) => {
      if (!live) return;
      if (recovered) useApp.getState().set({ notice: i18nRecovered.current });
      show(document);
    }, reportError);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [itemId, store]);

  const persist = useCallback(
    (next: Records, label: string, diff: RecordDiff<LidarRecord>) => {
      if (!meta.current) return;
      const document = documentOf(meta.current, next);
      meta.current = document;
      setSaveState('saving');
      store
        .commit(itemId, document, label, diff)
        .then(async () => {
          // The host save is debounced; report "saved" once the journal is empty again.
          for (let i = 0; i < 40; i++) {
            await new Promise((r) => setTimeout(r, 250));
            if ((await store.pendingEdits(itemId)) === 0) {
              if (meta.current === document) setSaveState('saved');
              return;
            }
          }
        })
        .catch((e) => {
          setSaveState('unsaved');
          reportError(e);
        });
    },
    [itemId, store],
  );

  /** One undoable step from `before` to `next`. */
  const commit = useCallback(
    (before: Records, next: Records, label: string, sel: string | null) => {
      const diff = diffRecords(before, next);
      setRecords(next);
      if (!Object.keys(diff.added).length && !Object.keys(diff.updated).length && !Object.keys(diff.removed).length) return;
      history.current.push({ diff, label, selection: sel ? [sel] : [], frame });
      persist(next, label, diff);
    },
    [persist, frame],
  );

  /** One step applying `f` to the current records. */
  const edit = useCallback(
    (f: (r: Records) => Records, label: string, sel: string | null) => {
      const cur = recordsRef.current;
      if (cur) commit(cur, f(cur), label, sel);
    },
    [commit],
  );

  const beginLive = useCallback(() => {
    gestureStart.current = recordsRef.current;
  }, []);
  const live = useCallback((f: (r: Records) => Records) => setRecords((cur) => (cur ? f(cur) : cur)), []);
  const endLive = useCallback(
    (label: string, sel: string | null) => {
      const before = gestureStart.current;
      gestureStart.current = null;
      const after = recordsRef.current;
      if (before && after) commit(before, after, label, sel);
    },
    [commit],
  );

  /** Undo or redo; returns the step's selection (when it still exists). */
  const undoRedo = useCallback(
    (redo: boolean): string | null | undefined => {
      const cur = recordsRef.current;
      if (!cur) return undefined;
      const r = redo ? history.current.redo(cur) : history.current.undo(cur);
      if (!r) return undefined;
      setRecords(r.records);
      persist(r.records, redo ? `redo ${r.entry.label}` : `undo ${r.entry.label}`, redo ? r.entry.diff : invertDiff(r.entry.diff));
      const sel = r.entry.selection?.[0];
      return sel && r.records[sel] ? sel : null;
    },
    [persist],
  );

  return { records, recordsRef, saveState, commit, edit, beginLive, live, endLive, undoRedo };
}

/**
 * The annotation document of one item as editor state: loaded through DocumentStore (which
 * prefers an unsaved local draft), every edit a record diff pushed on History (undo/redo) and
 * committed to the store (journal + debounced atomic host save).
 */
import i18next from 'i18next';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ItemDocument } from '../../core/document/schema';
import { History } from '../../core/history/history';
import { diffRecords, invertDiff, isEmptyDiff, type RecordDiff, type RecordMap } from '../../core/history/diff';
import { DocumentStore } from '../../persistence/documentStore';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { editorStoreHooks } from '../../state/conflicts';
import type { EditOps } from './ops';

export type SaveState = 'saved' | 'saving' | 'error';

export function useAnnotationDocument<R>(itemId: string, ops: EditOps<R>, onRestoreSelection: (ids: string[]) => void) {
  type Records = RecordMap<R>;
  const projectPath = useApp((s) => s.project?.path ?? '');
  const [records, setRecords] = useState<Records | null>(null);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [historyVersion, setHistoryVersion] = useState(0);
  const recordsRef = useRef<Records>({});
  const baseRef = useRef<ItemDocument | null>(null);
  const history = useRef(new History<R>());
  const restore = useRef(onRestoreSelection);
  restore.current = onRestoreSelection;

  // Someone else's save merged into (or reloaded) this item: show that document. Undo entries are
  // per-record diffs, so undoing one's own edits still works after a merge.
  const showRemote = useRef<(id: string, doc: ItemDocument) => void>(() => {});
  showRemote.current = (id, doc) => {
    if (id !== itemId) return;
    baseRef.current = doc;
    recordsRef.current = ops.read(doc);
    setRecords(recordsRef.current);
  };
  const store = useMemo(
    () =>
      new DocumentStore(
        rpc,
        projectPath,
        undefined,
        300,
        (err) => {
          setSaveState('error');
          reportError(err);
        },
        editorStoreHooks((id, doc) => showRemote.current(id, doc)),
      ),
    [projectPath],
  );
  useEffect(() => () => store.dispose(), [store]);

  useEffect(() => {
    let live = true;
    history.current.clear();
    setRecords(null);
    store.load(itemId).then(
      ({ document, recovered }) => {
        if (!live) return;
        baseRef.current = document;
        recordsRef.current = ops.read(document);
        setRecords(recordsRef.current);
        if (recovered) useApp.getState().set({ notice: i18next.t('recovered') });
      },
      (err) => live && reportError(err),
    );
    return () => {
      live = false;
    };
  }, [itemId, store, ops]);

  // "Saved" once the host confirmed every journalled edit.
  const poll = useRef<ReturnType<typeof setInterval> | null>(null);
  const watchSave = useCallback(() => {
    if (poll.current) return;
    poll.current = setInterval(() => {
      store.pendingEdits(itemId).then((n) => {
        if (n === 0 && poll.current) {
          clearInterval(poll.current);
          poll.current = null;
          setSaveState((s) => (s === 'error' ? s : 'saved'));
        }
      }, () => {});
    }, 200);
  }, [itemId, store]);
  useEffect(() => () => void (poll.current && clearInterval(poll.current)), []);

  const persist = useCallback(
    (next: Records, label: string, diff: RecordDiff<R>) => {
      if (!baseRef.current) return;
      const doc = ops.write(baseRef.current, next);
      baseRef.current = doc;
      setSaveState('saving');
      store.commit(itemId, doc, label, diff).then(watchSave, (err) => {
        setSaveState('error');
        reportError(err);
      });
    },
    [itemId, store, watchSave, ops],
  );

  /** Apply an edit (new records) as one undo step. */
  const apply = useCallback(
    (next: Records, label: string, selection: string[] = []) => {
      const diff = diffRecords(recordsRef.current, next);
      if (isEmptyDiff(diff)) return;
      history.current.push({ diff, label, selection });
      recordsRef.current = next;
      setRecords(next);
      setHistoryVersion((v) => v + 1);
      persist(next, label, diff);
    },
    [persist],
  );

  const undoRedo = useCallback(
    (redo: boolean) => {
      const r = redo ? history.current.redo(recordsRef.current) : history.current.undo(recordsRef.current);
      if (!r) return;
      recordsRef.current = r.records;
      setRecords(r.records);
      setHistoryVersion((v) => v + 1);
      restore.current((r.entry.selection ?? []).filter((id) => id in r.records));
      persist(r.records, `${redo ? 'redo' : 'undo'} ${r.entry.label}`, redo ? r.entry.diff : invertDiff(r.entry.diff));
    },
    [persist],
  );

  return {
    records,
    recordsRef,
    apply,
    undo: () => undoRedo(false),
    redo: () => undoRedo(true),
    canUndo: history.current.canUndo,
    canRedo: history.current.canRedo,
    historyVersion,
    saveState,
  };
}

/**
 * The editor shell's document hook, used by every editor that edits an ItemDocument as a map of
 * records: loaded through DocumentStore (which prefers an unsaved local draft), every edit a
 * record diff pushed on History (one undo step per gesture) and committed to the store (journal +
 * debounced atomic host save with the revision it started from). A CONFLICT is merged by the
 * store; conflicting records go to the ConflictDialog (editorStoreHooks), and the merged document
 * (or another window's save while nothing is unsaved here) replaces the records shown.
 *
 * The hook publishes its save state, the document's provenance and a `flush` to the shell store,
 * so the frame (ItemView) shows them and saves before it moves to another item.
 *
 * A live gesture (`beginLive`, `live` on every move, `endLive`) shows records as they change
 * and makes one undo step and one save at the end.
 *
 * `io` says which records of the document the editor edits: objects (image), tracks (video,
 * image sequences) or any other map (LiDAR cuboids), and how to write them back. Pass a stable
 * object (module constant or useMemo): a new one reloads the document.
 */
import i18next from 'i18next';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ItemDocument } from '../../../core/document/schema';
import { History } from '../../../core/history/history';
import { diffRecords, invertDiff, isEmptyDiff, type RecordDiff, type RecordMap } from '../../../core/history/diff';
import { DocumentStore } from '../../persistence/documentStore';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { editorStoreHooks } from '../../state/conflicts';
import { documentProvenance, useEditorShell, type SaveState } from './shellStore';

export type { SaveState } from './shellStore';

export interface DocumentIO<R> {
  /** The records this editor edits, keyed by id. */
  read(doc: ItemDocument): RecordMap<R>;
  /** A copy of `base` with these records written back (everything else kept). */
  write(base: ItemDocument, records: RecordMap<R>): ItemDocument;
}

export interface EditorDocumentOptions {
  /** Undo / redo put back the selection of the step (ids still present). */
  onRestoreSelection?: (ids: string[]) => void;
  /** Debounce of the host save after an edit (ms). */
  debounceMs?: number;
  /** Default true: publish save state, provenance and flush to the shell frame. */
  publish?: boolean;
}

/** Someone else holds the item's lease (useItemLease): say so and refuse the edit. */
function refuseReadOnly(): boolean {
  const holder = useEditorShell.getState().readOnly;
  if (!holder) return false;
  useApp.getState().set({ notice: i18next.t('team.readOnlyEdit', { name: holder }) });
  return true;
}

export function useEditorDocument<R>(itemId: string, io: DocumentIO<R>, options: EditorDocumentOptions = {}) {
  type Records = RecordMap<R>;
  const projectPath = useApp((s) => s.project?.path ?? '');
  const [records, setRecords] = useState<Records | null>(null);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [historyVersion, setHistoryVersion] = useState(0);
  const recordsRef = useRef<Records>({});
  /** The whole document as last loaded or written (records and everything else). */
  const baseRef = useRef<ItemDocument | null>(null);
  const history = useRef(new History<R>());
  /** Records when a live gesture began (null: none under way). */
  const liveStart = useRef<Records | null>(null);
  const opts = useRef(options);
  opts.current = options;
  const publish = options.publish !== false;
  const [document, setDocument] = useState<ItemDocument | null>(null);

  const show = (doc: ItemDocument) => {
    liveStart.current = null; // a gesture under way is dropped with the records it started from
    baseRef.current = doc;
    recordsRef.current = io.read(doc);
    setRecords(recordsRef.current);
    setDocument(doc);
  };

  // Someone else's save merged into (or reloaded) this item: show that document. Undo entries are
  // per-record diffs, so undoing one's own edits still works after a merge.
  const showRemote = useRef<(id: string, doc: ItemDocument) => void>(() => {});
  showRemote.current = (id, doc) => {
    if (id === itemId) show(doc);
  };
  const store = useMemo(
    () =>
      new DocumentStore(
        rpc,
        projectPath,
        undefined,
        options.debounceMs ?? 300,
        (err) => {
          setSaveState('error');
          reportError(err);
        },
        editorStoreHooks((id, doc) => showRemote.current(id, doc)),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [projectPath],
  );
  useEffect(() => () => store.dispose(), [store]);

  useEffect(() => {
    let live = true;
    history.current.clear();
    setRecords(null);
    setDocument(null);
    store.load(itemId).then(
      ({ document: doc, recovered }) => {
        if (!live) return;
        show(doc);
        if (recovered) useApp.getState().set({ notice: i18next.t('recovered') });
      },
      (err) => live && reportError(err),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [itemId, store, io]);

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

  /** Commits not yet in the journal: a flush waits for them. */
  const committing = useRef<Promise<unknown>>(Promise.resolve());
  const persist = useCallback(
    (next: Records, label: string, diff: RecordDiff<R>) => {
      if (!baseRef.current) return;
      const doc = io.write(baseRef.current, next);
      baseRef.current = doc;
      setDocument(doc);
      setSaveState('saving');
      const job = store.commit(itemId, doc, label, diff).then(watchSave, (err) => {
        setSaveState('error');
        reportError(err);
      });
      committing.current = Promise.all([committing.current, job]);
    },
    [itemId, store, watchSave, io],
  );

  /** Save now what was committed (navigation, closing). Nothing is written when nothing is pending. */
  const flush = useCallback(async () => {
    await committing.current;
    if (!baseRef.current || (await store.pendingEdits(itemId)) === 0) return;
    await store.flush(itemId, baseRef.current, 0);
    setSaveState((s) => (s === 'error' ? s : 'saved'));
  }, [itemId, store]);

  /** Apply an edit (new records) as one undo step (ignored before the document is loaded). */
  const apply = useCallback(
    (next: Records, label: string, selection: string[] = [], before: Records = recordsRef.current) => {
      if (!baseRef.current) return;
      if (refuseReadOnly()) {
        recordsRef.current = before; // a live gesture's records snap back
        setRecords(before);
        return;
      }
      const diff = diffRecords(before, next);
      if (isEmptyDiff(diff)) return;
      history.current.push({ diff, label, selection });
      recordsRef.current = next;
      setRecords(next);
      setHistoryVersion((v) => v + 1);
      persist(next, label, diff);
    },
    [persist],
  );

  /**
   * A live gesture (LiDAR's sub-view drags): `live` shows records on every move without a history
   * step or a save; `endLive` makes the whole gesture one step.
   */
  const beginLive = useCallback(() => {
    liveStart.current = recordsRef.current;
  }, []);
  const live = useCallback((f: (r: Records) => Records) => {
    if (!liveStart.current) return;
    recordsRef.current = f(recordsRef.current);
    setRecords(recordsRef.current);
  }, []);
  const endLive = useCallback(
    (label: string, selection: string[] = []) => {
      const before = liveStart.current;
      liveStart.current = null;
      if (before) apply(recordsRef.current, label, selection, before);
    },
    [apply],
  );

  const undoRedo = useCallback(
    (redo: boolean) => {
      if (refuseReadOnly()) return;
      const r = redo ? history.current.redo(recordsRef.current) : history.current.undo(recordsRef.current);
      if (!r) return;
      recordsRef.current = r.records;
      setRecords(r.records);
      setHistoryVersion((v) => v + 1);
      opts.current.onRestoreSelection?.((r.entry.selection ?? []).filter((id) => id in r.records));
      persist(r.records, `${redo ? 'redo' : 'undo'} ${r.entry.label}`, redo ? r.entry.diff : invertDiff(r.entry.diff));
    },
    [persist],
  );

  // The frame around the editor: save state, provenance, flush before navigation.
  useEffect(() => {
    if (!publish) return;
    useEditorShell.getState().set({ itemId, flush, saveState: 'saved', provenance: null });
    return () => {
      const s = useEditorShell.getState();
      if (s.flush === flush) s.set({ itemId: null, flush: null, saveState: null, provenance: null });
    };
  }, [publish, itemId, flush]);
  useEffect(() => {
    if (publish && useEditorShell.getState().flush === flush) useEditorShell.getState().set({ saveState });
  }, [publish, saveState, flush]);
  useEffect(() => {
    if (publish && useEditorShell.getState().flush === flush) useEditorShell.getState().set({ provenance: document ? documentProvenance(document) : null });
  }, [publish, document, flush]);

  return {
    records,
    recordsRef,
    /** The whole document as last loaded or written (status, review fields, other records). */
    document,
    apply,
    beginLive,
    live,
    endLive,
    undo: () => undoRedo(false),
    redo: () => undoRedo(true),
    flush,
    canUndo: history.current.canUndo,
    canRedo: history.current.canRedo,
    historyVersion,
    saveState,
  };
}

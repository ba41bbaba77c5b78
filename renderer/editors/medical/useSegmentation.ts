/**
 * The label map being edited: segments, undo/redo by gesture (LabelHistory), the revision that
 * repaints the views, and debounced autosave through the host (segments are saved with the voxels).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MedicalSegment } from '../../../preload/contract';
import { rpc } from '../../transport';
import { reportError } from '../../state/actions';
import { encodeLabelRuns } from '../../../core/medical/labelmap-rle';
import type { Labelmap } from '../../../core/medical/segmentation';
import { LabelHistory } from './labelHistory';
import { nextSegment, toBase64 } from './segmentsIo';

export type SaveState = 'saved' | 'saving' | 'unsaved';

export function useSegmentation(itemId: string, labelmap: Labelmap, initialSegments: MedicalSegment[]) {
  const [segments, setSegments] = useState<MedicalSegment[]>(initialSegments);
  const [revision, setRevision] = useState(0);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const history = useRef(new LabelHistory()).current;
  const dirty = useRef(false);
  const saving = useRef<Promise<void> | null>(null);
  const segmentsRef = useRef(segments);
  segmentsRef.current = segments;

  const markDirty = useCallback(() => {
    dirty.current = true;
    setSaveState('unsaved');
  }, []);
  const edited = useCallback(() => {
    markDirty();
    setRevision((r) => r + 1);
  }, [markDirty]);

  const save = useCallback(async () => {
    if (saving.current) await saving.current;
    if (!dirty.current) return;
    dirty.current = false;
    setSaveState('saving');
    const run = rpc
      .call('medical.saveLabelmap', { itemId, segments: segmentsRef.current, runs: toBase64(encodeLabelRuns(labelmap.data)) })
      .then(() => setSaveState(dirty.current ? 'unsaved' : 'saved'))
      .catch((e) => {
        dirty.current = true;
        setSaveState('unsaved');
        reportError(e);
      });
    saving.current = run;
    await run;
    saving.current = null;
  }, [itemId, labelmap]);
  /** Save now, whether or not anything changed (before an export, so the host has the latest voxels and names). */
  const flush = useCallback(() => {
    dirty.current = true;
    return save();
  }, [save]);

  useEffect(() => {
    if (saveState !== 'unsaved' || history.inGesture) return;
    const h = setTimeout(() => void save(), 600);
    return () => clearTimeout(h);
  }, [revision, segments, saveState, save, history]);
  useEffect(
    () => () => {
      void save();
    },
    [save],
  );

  const gestureStart = useCallback(() => history.begin(labelmap.data), [history, labelmap]);
  const gestureEnd = useCallback(() => {
    history.end(labelmap.data);
    setRevision((r) => r + 1);
  }, [history, labelmap]);
  const undo = useCallback(() => history.undo(labelmap.data) && edited(), [history, labelmap, edited]);
  const redo = useCallback(() => history.redo(labelmap.data) && edited(), [history, labelmap, edited]);

  /** One undo step around a change of the label map; returns how many voxels `fn` changed. */
  const applyEdit = (fn: () => number): number => {
    history.begin(labelmap.data);
    const n = fn();
    history.end(labelmap.data);
    if (n) edited();
    return n;
  };

  /** Adds a segment named by `name(number)`; returns its number (null when all 255 are used). */
  const addSegment = (name: (n: number) => string): number | null => {
    const next = nextSegment(segments);
    if (!next) return null;
    setSegments((s) => [...s, { number: next.number, label: name(next.number), color: next.color }]);
    markDirty();
    return next.number;
  };
  const updateSegment = (n: number, patch: Partial<MedicalSegment>) => {
    setSegments((s) => s.map((x) => (x.number === n ? { ...x, ...patch } : x)));
    markDirty();
  };
  const appendSegments = (added: MedicalSegment[]) => {
    setSegments((s) => [...s, ...added]);
    markDirty();
  };

  /** The saved segments, once a streamed volume is complete (its label map voxels are already in `labelmap`): not an edit. */
  const loadSaved = (saved: MedicalSegment[]) => {
    setSegments(saved);
    setRevision((r) => r + 1);
  };

  return { segments, revision, saveState, history, edited, flush, gestureStart, gestureEnd, undo, redo, applyEdit, addSegment, updateSegment, appendSegments, loadSaved };
}

export type Segmentation = ReturnType<typeof useSegmentation>;

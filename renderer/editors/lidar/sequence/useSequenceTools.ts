/**
 * The LiDAR editor's sequence tools: "Propagate" (the selected box, or every box of the frame, to
 * the next N frames: runPropagation.ts, chunked, with progress and Cancel; the result is ONE undo
 * step; a track with a keyframe on the previous frame starts with the velocity between the two) and the feedback of "Interpolate track" (which frames changed: a notice and marks on the
 * frame strip; with nothing selected, every track). Shift+D, Shift+T and `#` (the track-id field) are bound here (keys.ts of this folder).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type MutableRefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cuboid3D } from '../../../../core/document/schema';
import { useKeymap } from '../../../keymap/useKeymap';
import { boxAt, fillAllGaps, fillGaps, type Records } from '../model';
import { lidarSequenceKeymap } from './keys';
import { applyPropagation, changedFrames, previousKeyframeBox, propagationKeys, trackSpan } from './propagateModel';
import { frameTimes, runPropagation, type RunCloud } from './runPropagation';

export interface SequenceToolDeps {
  isSeq: boolean;
  frame: number;
  frameCount: number;
  /** The frames' cloud paths (sequence.json), for the frame times. */
  cloudPaths: readonly string[];
  selected: string | null;
  setSelected(key: string | null): void;
  recordsRef: MutableRefObject<Records>;
  /** One undo step: the new records, its label and the selection it restores. */
  apply(next: Records, label: string, selection: string[]): void;
  loadFrame(frame: number): Promise<RunCloud>;
  setNotice(text: string | null): void;
  /** Puts the keyboard in the selected box's track-id field (false when there is none). */
  focusTrackId(): boolean;
}

export interface PropagationProgress {
  done: number;
  total: number;
}

/** Compact frame list for a notice: 3–7, 9, 12. */
export function frameRanges(frames: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < frames.length; ) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j] + 1) j++;
    out.push(j > i ? `${frames[i] + 1}–${frames[j] + 1}` : `${frames[i] + 1}`);
    i = j + 1;
  }
  return out.join(', ');
}

export function useSequenceTools(d: SequenceToolDeps) {
  const { t } = useTranslation();
  const [count, setCount] = useState(10);
  const [progress, setProgress] = useState<PropagationProgress | null>(null);
  const [changed, setChanged] = useState<number[]>([]);
  const cancelRef = useRef(false);
  const running = useRef(false);
  const times = useMemo(() => frameTimes(d.cloudPaths), [d.cloudPaths]);
  const latest = useRef(d);
  latest.current = d;
  // Leaving the editor (another item, closing) cancels a run: its result would land in a document
  // no longer on screen.
  useEffect(() => () => {
    cancelRef.current = true;
  }, []);

  const propagate = useCallback(
    async (which: 'selected' | 'all') => {
      const { frame, frameCount, selected } = latest.current;
      if (running.current) return;
      const keys = propagationKeys(latest.current.recordsRef.current, frame, which === 'selected' ? selected : null);
      if (!keys.length || frame + 1 >= frameCount || (which === 'selected' && !selected)) {
        latest.current.setNotice(t('lidarSeq.nothing'));
        return;
      }
      const rec = latest.current.recordsRef.current;
      const starts = keys.map((key) => ({ key, box: boxAt(rec, key, frame) as Cuboid3D, previous: previousKeyframeBox(rec, key, frame) }));
      running.current = true;
      cancelRef.current = false;
      setProgress({ done: 0, total: Math.min(count, frameCount - 1 - frame) });
      try {
        const r = await runPropagation({
          startFrame: frame,
          frames: count,
          frameCount,
          times: times.length === frameCount ? times : Array.from({ length: frameCount }, (_, i) => i),
          starts,
          load: (f) => latest.current.loadFrame(f),
          onProgress: (done, total) => setProgress({ done, total }),
          cancelled: () => cancelRef.current,
        });
        if (r.cancelled) {
          latest.current.setNotice(t('lidarSeq.cancelled'));
          return;
        }
        const applied = applyPropagation(latest.current.recordsRef.current, frame, r.tracks);
        const sel = selected ? (applied.keys.get(selected) ?? selected) : null;
        latest.current.apply(applied.records, keys.length > 1 ? `propagate ${keys.length} boxes` : 'propagate box', sel ? [sel] : []);
        if (sel) latest.current.setSelected(sel);
        setChanged(applied.frames);
        const frames = Math.max(0, ...r.tracks.map((p) => p.boxes.length));
        latest.current.setNotice(t('lidarSeq.done', { count: keys.length, span: t('lidarSeq.span', { count: frames }), tracked: r.tracked, predicted: r.predicted, lost: r.lost }));
      } catch (e) {
        latest.current.setNotice(String((e as Error).message ?? e));
      } finally {
        running.current = false;
        setProgress(null);
      }
    },
    [count, times, t],
  );

  const interpolate = useCallback(() => {
    const { selected, recordsRef, frameCount } = latest.current;
    if (!selected) {
      // Every track at once (Shift+T with nothing selected): one undo step.
      const before = recordsRef.current;
      const all = fillAllGaps(before);
      const frames = [...new Set(all.keys.flatMap((key) => {
        const span = trackSpan(before, key);
        return span ? changedFrames(before, all.records, key, span[0], Math.min(span[1], frameCount - 1)) : [];
      }))].sort((a, b) => a - b);
      if (frames.length) latest.current.apply(all.records, `interpolate ${all.keys.length} tracks`, []);
      setChanged(frames);
      latest.current.setNotice(frames.length ? t('lidarSeq.interpolatedAll', { count: all.keys.length, frames: frameRanges(frames) }) : t('lidarSeq.interpolatedAllNone'));
      return;
    }
    const before = recordsRef.current;
    const after = fillGaps(before, selected);
    const span = trackSpan(before, selected);
    const frames = span ? changedFrames(before, after, selected, span[0], Math.min(span[1], frameCount - 1)) : [];
    if (frames.length) latest.current.apply(after, 'interpolate track', [selected]);
    setChanged(frames);
    latest.current.setNotice(frames.length ? t('lidarSeq.interpolated', { frames: frameRanges(frames) }) : t('lidarSeq.interpolatedNone'));
  }, [t]);

  useKeymap(
    lidarSequenceKeymap,
    {
      propagate: () => {
        if (!latest.current.isSeq || running.current) return false;
        void propagate(latest.current.selected ? 'selected' : 'all');
      },
      trackId: () => {
        if (!latest.current.isSeq || !latest.current.selected) return false;
        return latest.current.focusTrackId() ? undefined : false;
      },
      interpolate: () => {
        if (!latest.current.isSeq || running.current) return false;
        interpolate();
      },
    },
    { enabled: d.isSeq },
  );

  return { count, setCount, progress, cancel: () => (cancelRef.current = true), changed, propagate, interpolate };
}

export type SequenceTools = ReturnType<typeof useSequenceTools>;

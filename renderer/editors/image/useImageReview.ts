/**
 * The image editor's keyboard review walk over model predictions (as the LiDAR editor's
 * useLidarReview): the pending list and the actions come from core/editing/image/review.ts, the
 * keys from ./keys.ts (imageReviewKeymap). Going to a prediction switches to the select tool (so
 * its handles can be dragged at once), selects it and brings it into view; accepting or rejecting
 * one is one undo step and goes on to the next. Shift+Enter accepts every pending prediction of
 * the image at or above the threshold (one undo step).
 */
import { useMemo, useRef, useState, type MutableRefObject } from 'react';
import type { RecordMap } from '../../../core/history/diff';
import { DEFAULT_REVIEW_THRESHOLD } from '../../../core/review/predictions';
import { acceptIds, isPendingId, pendingPredictions, predictionsAbove, rejectId, stepPrediction, type PendingPrediction } from '../../../core/editing/image/review';
import type { Records } from '../../../core/editing/image/model';
import { useKeymap } from '../../keymap/useKeymap';
import { useApp } from '../../state/appStore';
import { boundsOf, type Rect } from '../../viewports/reveal';
import { imageReviewKeymap } from './keys';

export interface ImageReviewDeps {
  /** Only for still images and image sequences (objects): video tracks have no predictions to walk. */
  active: boolean;
  records: Records;
  recordsRef: MutableRefObject<RecordMap<any>>;
  frame: number;
  selectionRef: MutableRefObject<string[]>;
  select(ids: string[]): void;
  edit(next: RecordMap<any>, action: string, sel?: string[]): void;
  /** A drawing in progress keeps its keys. */
  busy(): boolean;
  toSelectTool(): void;
}

export interface ImageReview {
  inFrame: PendingPrediction[];
  above: PendingPrediction[];
  threshold: number;
  setThreshold(v: number): void;
  acceptAbove(): number;
  /** The region to bring into view (ImageViewer `reveal`). */
  reveal: { rect: Rect; seq: number } | null;
  /** Select an object shown on this frame and bring it into view (a QA finding or an issue asked). */
  focus(object: { id: string; geometry: unknown }): void;
}

export function useImageReview(d: ImageReviewDeps): ImageReview {
  const [threshold, setThreshold] = useState(DEFAULT_REVIEW_THRESHOLD);
  const [reveal, setReveal] = useState<{ rect: Rect; seq: number } | null>(null);
  const seq = useRef(0);
  const all = useMemo(() => (d.active ? pendingPredictions(d.records) : []), [d.active, d.records]);
  const inFrame = useMemo(() => all.filter((p) => p.frame === d.frame), [all, d.frame]);
  const above = useMemo(() => predictionsAbove(inFrame, threshold, d.frame), [inFrame, threshold, d.frame]);
  const records = () => d.recordsRef.current as Records;
  const current = () => (d.selectionRef.current.length === 1 ? d.selectionRef.current[0] : null);

  const focus = (o: { id: string; geometry: unknown }) => {
    d.select([o.id]);
    const rect = boundsOf(o.geometry);
    if (rect) setReveal({ rect, seq: ++seq.current });
  };
  const show = (p: PendingPrediction | null) => {
    if (!p) return d.select([]);
    d.toSelectTool();
    const o = records()[p.id];
    focus({ id: p.id, geometry: o?.geometry });
  };
  // The walk stays on this image (frame): a sequence's other frames are reached with its own keys.
  const go = (dir: 1 | -1) => {
    if (d.busy()) return false;
    const target = stepPrediction(inFrame, current(), d.frame, dir);
    if (!target) return false;
    show(target);
  };
  const after = (id: string) => {
    const next = stepPrediction(inFrame, id, d.frame, 1);
    show(next && next.id !== id ? next : null);
  };
  const decide = (kind: 'accept' | 'reject') => {
    const id = current();
    if (d.busy() || !isPendingId(records(), id)) return false; // Enter / Delete keep their other meanings
    d.edit(kind === 'accept' ? acceptIds(records(), [id!]) : rejectId(records(), id!), kind === 'accept' ? 'accept prediction' : 'reject prediction', [id!]);
    after(id!);
  };
  const acceptAbove = () => {
    const ids = above.map((p) => p.id);
    if (!ids.length) return 0;
    d.edit(acceptIds(records(), ids), 'accept predictions above threshold', d.selectionRef.current.filter((id) => !ids.includes(id)));
    return ids.length;
  };

  const enabled = !useApp((s) => s.shortcutsOpen) && d.active;
  useKeymap(
    imageReviewKeymap,
    {
      next: () => go(1),
      prev: () => go(-1),
      accept: () => decide('accept'),
      reject: () => decide('reject'),
      acceptAbove: () => (d.busy() ? false : acceptAbove() > 0),
    },
    { enabled },
  );

  return { inFrame, above, threshold, setThreshold, acceptAbove, reveal, focus };
}

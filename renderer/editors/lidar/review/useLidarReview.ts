/**
 * Reviewing model predictions in the LiDAR editor: the pending list (reviewModel.ts), the
 * threshold for "accept all above", the actions (each one undo step through the editor's `edit`)
 * and their keys (review/keys.ts). Going to a prediction selects it, changes frame when it is on
 * another one, and flies the view to it: the bird's-eye view frames it, the 3D view orbits round it.
 */
import { DEFAULT_PROPOSAL_THRESHOLD } from '../../../../core/lidar/proposalThreshold';
import { useCallback, useEffect, useMemo, useRef, useState, type MutableRefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cuboid3D } from '../../../../core/document/schema';
import { useKeymap } from '../../../keymap/useKeymap';
import { useApp } from '../../../state/appStore';
import { isRejectedKey, type Records } from '../model';
import type { SceneApi } from '../scene/Bridge';
import { focusOn } from '../scene/CameraFraming';
import type { LidarViewCommands } from '../useLidarKeys';
import { lidarReviewKeymap } from './keys';
import { acceptKeys, isPendingKey, pendingPredictions, predictionsAbove, rejectKey, stepPrediction, type PendingPrediction } from './reviewModel';

export interface LidarReviewDeps {
  records: Records | null;
  recordsRef: MutableRefObject<Records>;
  frame: number;
  setFrame(f: number): void;
  selected: string | null;
  setSelected(key: string | null): void;
  /** One undo step (the editor's `edit`). */
  edit(f: (r: Records) => Records, label: string, sel: string | null): void;
  view: LidarViewCommands;
  sceneApi: MutableRefObject<SceneApi | null>;
  /** The selected cuboid in scene coordinates, once it is shown. */
  selectedBox: Cuboid3D | null;
  setNotice(text: string | null): void;
}

export interface LidarReview {
  all: PendingPrediction[];
  inFrame: PendingPrediction[];
  threshold: number;
  setThreshold(v: number): void;
  isPending(key: string | null): boolean;
  go(dir: 1 | -1): boolean;
  accept(key: string): void;
  reject(key: string): void;
  acceptAbove(scope: 'frame' | 'sequence'): number;
  remembered: number;
  /** Select a box (editor key) on `frame` and fly the view to it, as going to a prediction does. */
  reveal(key: string, frame: number): void;
}

export function useLidarReview(p: LidarReviewDeps): LidarReview {
  const { t } = useTranslation();
  const [threshold, setThreshold] = useState(DEFAULT_PROPOSAL_THRESHOLD);
  const all = useMemo(() => (p.records ? pendingPredictions(p.records) : []), [p.records]);
  const inFrame = useMemo(() => all.filter((x) => x.frame === p.frame), [all, p.frame]);
  const remembered = useMemo(() => (p.records ? Object.keys(p.records).filter(isRejectedKey).length : 0), [p.records]);

  // Fly once the prediction asked for is selected and shown (after a frame change too).
  const flyTo = useRef<string | null>(null);
  const { selected, selectedBox, view, sceneApi } = p;
  useEffect(() => {
    if (!flyTo.current || flyTo.current !== selected || !selectedBox) return;
    flyTo.current = null;
    if (view.bev) view.frameSelection();
    else focusOn(sceneApi.current, selectedBox);
  }, [selected, selectedBox, view, sceneApi]);

  const reveal = useCallback(
    (key: string, frame: number) => {
      flyTo.current = key;
      if (frame !== p.frame) p.setFrame(frame);
      p.setSelected(key);
    },
    [p],
  );
  const show = useCallback((target: PendingPrediction | null) => (target ? reveal(target.key, target.frame) : p.setSelected(null)), [p, reveal]);
  const go = (dir: 1 | -1) => {
    const target = stepPrediction(all, p.selected, p.frame, dir);
    if (!target) return false;
    show(target);
    return true;
  };
  /** After accepting or rejecting one, the next one (in review order) is shown. */
  const after = (key: string) => {
    const next = stepPrediction(all, key, p.frame, 1);
    show(next && next.key !== key ? next : null);
  };
  const accept = (key: string) => {
    if (!isPendingKey(p.recordsRef.current, key)) return;
    p.edit((r) => acceptKeys(r, [key]), 'accept prediction', key);
    after(key);
  };
  const reject = (key: string) => {
    if (!isPendingKey(p.recordsRef.current, key)) return;
    p.edit((r) => rejectKey(r, key), 'reject prediction', key);
    after(key);
  };
  const acceptAbove = (scope: 'frame' | 'sequence') => {
    const chosen = predictionsAbove(all, threshold, scope === 'frame' ? p.frame : null).map((x) => x.key);
    if (!chosen.length) return 0;
    p.edit((r) => acceptKeys(r, chosen), scope === 'frame' ? 'accept predictions above threshold (frame)' : 'accept predictions above threshold (sequence)', null);
    p.setNotice(t('lidarReview.accepted', { count: chosen.length }));
    if (p.selected && chosen.includes(p.selected)) p.setSelected(null);
    return chosen.length;
  };

  const shortcutsOpen = useApp((s) => s.shortcutsOpen);
  const isPending = (key: string | null) => !!p.records && isPendingKey(p.records, key);
  useKeymap(
    lidarReviewKeymap,
    {
      next: () => go(1),
      prev: () => go(-1),
      // Only a selected prediction: otherwise Enter and Delete keep their other meanings.
      accept: () => (isPending(p.selected) ? void accept(p.selected!) : false),
      reject: () => (isPending(p.selected) ? void reject(p.selected!) : false),
      acceptAbove: () => acceptAbove('frame') > 0,
    },
    { enabled: !shortcutsOpen },
  );

  return { all, inFrame, threshold, setThreshold, isPending, go, accept, reject, acceptAbove, remembered, reveal };
}

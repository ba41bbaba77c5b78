/** Segment (AI) for the image editor: the library's first promptable-segment model (images only) and the tool's calls to the host. */
import { useEffect, useRef, useState } from 'react';
import type { ItemSummary } from '../../../preload/contract';
import { rpc } from '../../transport';
import { reportError } from '../../state/actions';

export function useSamModel(item: ItemSummary, changed: () => void) {
  const [samModel, setSamModel] = useState<string | null>(null);
  const samModelRef = useRef<string | null>(null);
  samModelRef.current = samModel;
  const [samBusy, setSamBusy] = useState(false);
  const changedRef = useRef(changed);
  changedRef.current = changed;
  useEffect(() => {
    if (item.modality !== 'image') return;
    let live = true;
    rpc
      .call('models.list', {})
      .then((r) => live && setSamModel(r.models.find((m) => m.task === 'promptable-segment')?.id ?? null))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [item.id, item.modality]);

  /** What the segment tool needs (createTool('segment', deps)); starts the encoder on the host. */
  const samDeps = () => {
    const modelId = samModelRef.current;
    if (modelId) void rpc.call('sam.embed', { itemId: item.id, modelId }).catch(reportError); // encoder once, cached by the host
    return {
      modelId,
      segment: async (points: { x: number; y: number; label: 0 | 1 }[], box?: [number, number, number, number]) => {
        if (!modelId) return null;
        setSamBusy(true);
        try {
          return await rpc.call('sam.segment', { itemId: item.id, modelId, points, ...(box ? { box } : {}) });
        } finally {
          setSamBusy(false);
        }
      },
      changed: () => changedRef.current(),
      onError: reportError,
    };
  };
  return { samModel, samModelRef, samBusy, samDeps };
}

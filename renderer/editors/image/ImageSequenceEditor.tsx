/**
 * A folder of frames behaves like a video: the image editor in track mode (a shape drawn is a
 * track, an edit on another frame is a keyframe, frames between interpolate) plus the timeline and
 * the shell's filmstrip of the frames around the current one.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../preload/contract';
import { Timeline } from '../../viewports/Timeline';
import { ImageEditor } from './ImageEditor';
import { trackOps } from '../../../core/editing/image/ops';
import { useSharedFrame } from '../../state/selection';
import { usePlayback } from '../../viewports/usePlayback';
import { Filmstrip } from '../shell/Filmstrip';

interface SequenceManifest {
  kind: string;
  fps?: number;
  frames: string[];
}

export function ImageSequenceEditor({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [manifest, setManifest] = useState<SequenceManifest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const count = manifest?.frames.length ?? 0;
  useSharedFrame(item.id, frame, setFrame, count);

  useEffect(() => {
    fetch(`/blob/item/${item.id}/sequence.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`sequence.json: HTTP ${r.status}`))))
      .then((m: SequenceManifest) => {
        if (!Array.isArray(m.frames) || m.frames.some((f) => typeof f !== 'string')) throw new Error('sequence.json: "frames" must be a list of file names');
        setManifest(m);
      })
      .catch((e) => setError(String(e.message ?? e)));
  }, [item.id]);

  usePlayback(count, setFrame, playing, manifest?.fps ?? 10);

  if (error) return <p className="error-text center">{error}</p>;
  if (!manifest) return <p className="muted center">{t('viewer.loading')}</p>;
  return (
    <ImageEditor
      item={item}
      ops={trackOps}
      frameCount={count}
      frame={frame}
      src={`/blob/item/${item.id}/${encodeURIComponent(manifest.frames[frame])}`}
      footer={
        <>
          <Timeline count={count} frame={frame} setFrame={setFrame} playing={playing} setPlaying={setPlaying} />
          <Filmstrip
            count={count}
            current={frame}
            onPick={setFrame}
            thumb={(i) => `/blob/item/${item.id}/${encodeURIComponent(manifest.frames[i])}`}
            label={(i) => `${t('shell.frame', { n: i + 1 })} · ${manifest.frames[i]}`}
            ariaLabel={t('shell.frames')}
          />
        </>
      }
    />
  );
}

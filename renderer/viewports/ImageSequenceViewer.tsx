import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../preload/contract';
import { ImageViewer } from './ImageViewer';
import { useFrameKeys } from './useFrameKeys';
import { useSharedFrame } from '../state/selection';

interface SequenceManifest {
  kind: string;
  fps?: number;
  frames: string[];
}

export function ImageSequenceViewer({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [manifest, setManifest] = useState<SequenceManifest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const count = manifest?.frames.length ?? 0;

  useEffect(() => {
    fetch(`/blob/item/${item.id}/sequence.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`sequence.json: HTTP ${r.status}`))))
      .then((m: SequenceManifest) => {
        if (!Array.isArray(m.frames) || m.frames.some((f) => typeof f !== 'string')) throw new Error('sequence.json: "frames" must be a list of file names');
        setManifest(m);
      })
      .catch((e) => setError(String(e.message ?? e)));
  }, [item.id]);

  useFrameKeys(count, frame, setFrame);
  useSharedFrame(item.id, frame, setFrame, count);
  useEffect(() => {
    if (!playing || !count) return;
    const id = setInterval(() => setFrame((f) => (f + 1) % count), 1000 / (manifest?.fps ?? 10));
    return () => clearInterval(id);
  }, [playing, count, manifest]);

  if (error) return <p className="error-text center">{error}</p>;
  if (!manifest) return <p className="muted center">{t('viewer.loading')}</p>;
  return (
    <div className="sequence">
      <ImageViewer src={`/blob/item/${item.id}/${encodeURIComponent(manifest.frames[frame])}`} />
      <Timeline count={count} frame={frame} setFrame={setFrame} playing={playing} setPlaying={setPlaying} />
    </div>
  );
}

export function Timeline(props: { count: number; frame: number; setFrame(f: number): void; playing: boolean; setPlaying(p: boolean): void }) {
  const { t } = useTranslation();
  return (
    <div className="timeline">
      <button className="ghost" onClick={() => props.setPlaying(!props.playing)}>
        {props.playing ? `❚❚ ${t('viewer.pause')}` : `▶ ${t('viewer.play')}`}
      </button>
      <input type="range" min={0} max={Math.max(0, props.count - 1)} value={props.frame} onChange={(e) => props.setFrame(Number(e.target.value))} aria-label="frame" />
      <span className="muted small mono" data-testid="frame-label">
        {t('viewer.frame', { n: props.frame + 1, total: props.count })}
      </span>
    </div>
  );
}

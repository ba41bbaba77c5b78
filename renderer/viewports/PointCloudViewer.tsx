import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Canvas, useThree } from '@react-three/fiber';
import { OrbitControls } from '@react-three/drei';
import * as THREE from 'three';
import type { ItemSummary } from '../../preload/contract';
import { colorize, type ColorMode } from './pointcloud/colorize';
import { loadCloud, type LoadedCloud } from './pointcloud/loadCloud';
import { Timeline } from './ImageSequenceViewer';
import { useFrameKeys } from './useFrameKeys';
import { useSharedFrame } from '../state/selection';

interface PointSequence {
  kind: 'pointcloud';
  fps?: number;
  frames: { cloud: string; images?: Record<string, string> }[];
}

/**
 * Point clouds in one BufferGeometry, rendered on demand (frameloop="demand"): the GPU only
 * redraws when the camera moves or data changes. Points never enter React state.
 */
export function PointCloudViewer({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const [seq, setSeq] = useState<PointSequence | null>(null);
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [cloud, setCloud] = useState<LoadedCloud | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<ColorMode>('height');
  const [pointSize, setPointSize] = useState(2);
  const isSeq = item.modality === 'pointcloud-sequence';

  useEffect(() => {
    if (!isSeq) return;
    fetch(`/blob/item/${item.id}/sequence.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`sequence.json: HTTP ${r.status}`))))
      .then((m: PointSequence) => {
        if (!Array.isArray(m.frames) || !m.frames.every((f) => typeof f?.cloud === 'string')) throw new Error('sequence.json: every frame needs a "cloud" path');
        setSeq(m);
      })
      .catch((e) => setError(String(e.message ?? e)));
  }, [item.id, isSeq]);

  const frameCount = seq?.frames.length ?? 1;
  const cloudUrl = isSeq ? (seq ? `/blob/item/${item.id}/${seq.frames[frame].cloud}` : null) : `/blob/item/${item.id}`;
  const cameraUrl = isSeq && seq ? Object.values(seq.frames[frame].images ?? {})[0] : undefined;

  useEffect(() => {
    if (!cloudUrl) return;
    const ctrl = new AbortController();
    loadCloud(cloudUrl, cloudUrl.split('/').pop()!, ctrl.signal).then(
      (c) => {
        setCloud(c);
        setError(null);
      },
      (e) => !ctrl.signal.aborted && setError(String(e.message ?? e)),
    );
    return () => ctrl.abort();
  }, [cloudUrl]);

  useFrameKeys(frameCount, frame, setFrame);
  useSharedFrame(item.id, frame, setFrame, isSeq && !seq ? 0 : frameCount);
  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => setFrame((f) => (f + 1) % frameCount), 1000 / (seq?.fps ?? 10));
    return () => clearInterval(id);
  }, [playing, frameCount, seq]);

  if (error) return <p className="error-text center">{error}</p>;
  return (
    <div className="pc-layout">
      <div className="pc-main">
        <div className="pc-canvas" data-testid="pointcloud-viewer">
          <Canvas frameloop="demand" camera={{ position: [-18, 0, 14], up: [0, 0, 1], fov: 55, near: 0.1, far: 2000 }} gl={{ antialias: false, preserveDrawingBuffer: true }}>
            <color attach="background" args={['#0b0f14']} />
            <gridHelper args={[100, 20, '#25313f', '#1a222c']} rotation={[Math.PI / 2, 0, 0]} position={[0, 0, -1.75]} />
            {cloud ? <Points cloud={cloud} mode={mode} size={pointSize} /> : null}
            <OrbitControls makeDefault enableDamping={false} />
          </Canvas>
          <div className="viewer-hud">
            <span className="muted small" data-testid="point-count">
              {cloud ? t('viewer.points', { count: cloud.count }) : t('viewer.loading')}
            </span>
            <label className="small">
              {t('viewer.colorBy')}{' '}
              <select value={mode} onChange={(e) => setMode(e.target.value as ColorMode)}>
                <option value="height">{t('viewer.height')}</option>
                <option value="intensity">{t('viewer.intensity')}</option>
              </select>
            </label>
            <input type="range" min={1} max={6} step={0.5} value={pointSize} onChange={(e) => setPointSize(Number(e.target.value))} aria-label="point size" />
          </div>
        </div>
        {cameraUrl ? (
          <div className="pc-camera card">
            <div className="muted small">{t('viewer.camera')}</div>
            <img src={`/blob/item/${item.id}/${cameraUrl}`} alt="" />
          </div>
        ) : null}
      </div>
      {isSeq ? <Timeline count={frameCount} frame={frame} setFrame={setFrame} playing={playing} setPlaying={setPlaying} /> : null}
    </div>
  );
}

function Points({ cloud, mode, size }: { cloud: LoadedCloud; mode: ColorMode; size: number }) {
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(cloud.positions, 3));
    g.setAttribute('color', new THREE.BufferAttribute(colorize(cloud.positions, cloud.count, mode, cloud.intensity), 3));
    g.computeBoundingSphere();
    return g;
  }, [cloud, mode]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  useEffect(() => invalidate(), [geometry, size, invalidate]);
  return (
    <points geometry={geometry}>
      <pointsMaterial size={size} sizeAttenuation={false} vertexColors />
    </points>
  );
}

/**
 * The sequence strip above the timeline: N, "Propagate box" / "Propagate all", the run's progress
 * with Cancel, and one cell per frame marking the frames the last propagation or interpolation
 * changed and the selected track's keyframes (a click opens the frame).
 */
import { useTranslation } from 'react-i18next';
import type { SequenceTools } from './useSequenceTools';
import './sequence.css';

export function SequenceBar(p: {
  tools: SequenceTools;
  frame: number;
  frameCount: number;
  setFrame(f: number): void;
  hasSelection: boolean;
  /** Keyframe frames of the selected track (empty when none). */
  keyframes: readonly number[];
}) {
  const { t } = useTranslation();
  const { tools } = p;
  const changed = new Set(tools.changed);
  const keys = new Set(p.keyframes);
  const busy = !!tools.progress;
  return (
    <div className="lidar-seqbar" data-testid="sequence-bar">
      <label className="lidar-seqbar-n" title={t('lidarSeq.framesHelp')}>
        N
        <input
          type="number"
          min={1}
          max={500}
          value={tools.count}
          disabled={busy}
          onChange={(e) => tools.setCount(Math.max(1, Math.min(500, Math.round(Number(e.target.value)) || 1)))}
          onKeyDown={(e) => e.stopPropagation()}
          data-testid="propagate-count"
        />
        {t('lidarSeq.frames')}
      </label>
      <button className="small" disabled={busy || !p.hasSelection} onClick={() => void tools.propagate('selected')} title={t('lidarSeq.propagateHelp')} data-testid="propagate-selected">
        {t('lidarSeq.propagate')} <kbd>⇧D</kbd>
      </button>
      <button className="small ghost" disabled={busy} onClick={() => void tools.propagate('all')} title={t('lidarSeq.propagateAllHelp')} data-testid="propagate-all">
        {t('lidarSeq.propagateAll')}
      </button>
      {tools.progress ? (
        <span className="lidar-seqbar-progress" data-testid="propagate-progress">
          <progress max={Math.max(1, tools.progress.total)} value={tools.progress.done} />
          <span className="small muted">{t('lidarSeq.running', { done: tools.progress.done, total: tools.progress.total })}</span>
          <button className="small" onClick={tools.cancel} data-testid="propagate-cancel">
            {t('lidarSeq.cancel')}
          </button>
        </span>
      ) : null}
      <FrameMarks count={p.frameCount} frame={p.frame} setFrame={p.setFrame} changed={changed} keys={keys} />
    </div>
  );
}

/**
 * The frame strip: one cell per frame while they fit (up to MAX_CELLS), else a bar with a tick per
 * marked frame, so a sequence of thousands of frames draws only its marks. A click opens the frame.
 */
const MAX_CELLS = 120;
function FrameMarks(p: { count: number; frame: number; setFrame(f: number): void; changed: ReadonlySet<number>; keys: ReadonlySet<number> }) {
  const { t } = useTranslation();
  const title = (f: number) => `${f + 1}${p.changed.has(f) ? ` · ${t('lidarSeq.changed')}` : ''}${p.keys.has(f) ? ` · ${t('lidarSeq.keyframe')}` : ''}`;
  const cls = (f: number) => `lidar-seqbar-cell${f === p.frame ? ' current' : ''}${p.changed.has(f) ? ' changed' : ''}${p.keys.has(f) ? ' key' : ''}`;
  const attrs = (f: number) => ({ 'data-testid': `frame-mark-${f}`, 'data-changed': p.changed.has(f) ? 'true' : undefined, 'data-key': p.keys.has(f) ? 'true' : undefined });
  if (p.count <= MAX_CELLS)
    return (
      <div className="lidar-seqbar-frames" data-testid="frame-marks">
        {Array.from({ length: p.count }, (_, f) => (
          <button key={f} className={cls(f)} onClick={() => p.setFrame(f)} title={title(f)} {...attrs(f)} />
        ))}
      </div>
    );
  const marked = [...new Set([...p.changed, ...p.keys, p.frame])].filter((f) => f >= 0 && f < p.count).sort((a, b) => a - b);
  return (
    <div
      className="lidar-seqbar-frames bar"
      data-testid="frame-marks"
      onClick={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        p.setFrame(Math.min(p.count - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * p.count))));
      }}
    >
      {marked.map((f) => (
        <span key={f} className={cls(f)} style={{ left: `${(100 * f) / p.count}%`, width: `max(3px, ${100 / p.count}%)` }} title={title(f)} {...attrs(f)} />
      ))}
    </div>
  );
}

/** The LiDAR editor's side panel: camera, the three sub-views, the selected cuboid and the frame's objects. */
import { useMemo, useState, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnnotationObject, AttributeValue, Cuboid3D, LabelSpec } from '../../../core/document/schema';
import { Provenance } from '../shell/Provenance';
import { SubView } from './SubView';
import { faceCounts } from '../../../core/lidar/faceCounts';
import { BoxFields } from './BoxFields';
import type { BoxField } from './boxFields';
import { INTERPOLATED_ATTR, isTrackKey, TRACK_ATTR } from './model';
import { ZERO_OFFSET, type SceneOffset } from '../../../core/editing/lidar/sceneFrame';

export interface LidarSideProps {
  isSeq: boolean;
  labels: readonly LabelSpec[];
  colorOf(label: string): string;
  /** The camera strip (cameras/CameraStrip.tsx), shown first. */
  cameras?: ReactNode;
  /** The frame's cuboids (file coordinates), id = record key. */
  shown: AnnotationObject[];
  selected: string | null;
  select(id: string | null): void;
  /** The selected cuboid as shown (file coordinates) and in scene coordinates. */
  selectedObj: AnnotationObject | null;
  selectedBox: Cuboid3D | null;
  positions: Float32Array | null;
  near: Uint32Array | null;
  nearCount: number;
  insideCount: number;
  offset: SceneOffset;
  canCopyNext: boolean;
  onBegin(): void;
  onLive(sceneBox: Cuboid3D): void;
  onEnd(view: string): void;
  relabel(label: string): void;
  /** A typed field committed: the cuboid in file coordinates (one undo step). */
  setBox(next: Cuboid3D, field: BoxField): void;
  setAttribute(attr: string, value: AttributeValue, scope: 'track' | 'frame'): void;
  setTrackId(id: string): void;
  /** The track-id field, so the sequence key `#` can put the keyboard there. */
  trackIdRef?: RefObject<HTMLInputElement | null>;
  remove(): void;
  interpolate(): void;
  copyNext(): void;
  /** Prediction review (review/): a card above the object list and a tag on each prediction in it. */
  review?: ReactNode;
  objectTag?(o: AnnotationObject): ReactNode;
}

export function LidarSide(p: LidarSideProps) {
  const { t } = useTranslation();
  const sel = p.selectedObj;
  const selLabel = sel ? p.labels.find((l) => l.id === sel.label) : undefined;
  const trackId = sel ? String(sel.attributes[TRACK_ATTR] ?? '') : '';
  // Points in the slab inside each face of the selected box (shown beside the faces in the sub-views).
  const counts = useMemo(
    () => (p.selectedBox && p.positions && p.near ? faceCounts(p.positions, 0, p.selectedBox, undefined, undefined, p.near, p.nearCount) : null),
    [p.selectedBox, p.positions, p.near, p.nearCount],
  );
  return (
    <aside className="lidar-side">
      {p.cameras}
      <section className="lidar-card">
        <div className="lidar-subviews" title={t('subview.hint')}>
          {(['top', 'side', 'front'] as const).map((kind) => (
            <SubView
              key={kind}
              kind={kind}
              title={t(`lidar.${kind}`)}
              boxKey={p.selected}
              box={p.selectedBox}
              counts={counts}
              color={selLabel?.color ?? '#e6edf3'}
              positions={p.positions}
              near={p.near}
              nearCount={p.nearCount}
              onBegin={p.onBegin}
              onChange={p.onLive}
              onEnd={() => p.onEnd(kind)}
            />
          ))}
          <div className="lidar-subview lidar-substats mono small">
            {p.selectedBox && sel ? (
              <>
                <span data-testid="points-inside">{t('lidar.pointsInside', { count: p.insideCount })}</span>
                <span data-testid="box-size">{p.selectedBox.size.map((v) => v.toFixed(2)).join(' × ')} m</span>
                <span>
                  {t('lidar.yaw')} {((p.selectedBox.yaw * 180) / Math.PI).toFixed(1)}°
                </span>
                <span data-testid="box-center">({(sel.geometry as Cuboid3D).center.map((v) => v.toFixed(2)).join(', ')})</span>
                {sel.attributes[INTERPOLATED_ATTR] ? <span className="muted">{t('lidar.interpolated')}</span> : null}
              </>
            ) : (
              <span className="muted">{t('lidar.noSelection')}</span>
            )}
          </div>
        </div>
      </section>
      {sel && p.selectedBox ? (
        <section className="lidar-card" data-testid="lidar-selected">
          <div className="row">
            <label className="small grow">
              {t('lidar.label')}{' '}
              <select value={sel.label} onChange={(e) => p.relabel(e.target.value)} data-testid="selected-label">
                {p.labels.map((l) => (
                  <option key={l.id} value={l.id}>{l.name}</option>
                ))}
              </select>
            </label>
            <label className="small" title={p.isSeq ? t('lidar.trackHelp') : undefined}>
              {t('lidar.trackId')}{' '}
              <input
                className="narrow"
                defaultValue={trackId}
                key={`${sel.id}-${trackId}`}
                ref={p.trackIdRef}
                onBlur={(e) => e.target.value.trim() !== trackId && p.setTrackId(e.target.value.trim())}
                onKeyDown={(e) => {
                  // Enter sets the id and Escape restores it; both give the keys back to the editor
                  // (typing an id is one step between box keys, not a form to fill in).
                  if (e.key === 'Escape') e.currentTarget.value = trackId;
                  if (e.key === 'Enter' || e.key === 'Escape') {
                    e.preventDefault();
                    e.stopPropagation();
                    e.currentTarget.blur();
                  }
                }}
                data-testid="track-id"
              />
            </label>
          </div>
          <BoxFields box={sel.geometry as Cuboid3D} boxKey={sel.id} onCommit={p.setBox} />
          {selLabel?.attributes.length ? (
            <div className="lidar-attrs">
              {selLabel.attributes.map((a) => {
                const v = sel.attributes[a.id] ?? a.default;
                const set = (val: AttributeValue) => p.setAttribute(a.id, val, a.scope === 'frame' ? 'frame' : 'track');
                return (
                  <label key={a.id} className="small row">
                    {a.name}
                    {a.type === 'bool' ? (
                      <input type="checkbox" checked={v === true} onChange={(e) => set(e.target.checked)} />
                    ) : a.type === 'enum' ? (
                      <select value={String(v ?? '')} onChange={(e) => set(e.target.value)}>
                        {(a.options ?? []).map((op) => (
                          <option key={op}>{op}</option>
                        ))}
                      </select>
                    ) : (
                      <input
                        key={`${sel.id}-${a.id}-${String(v)}`}
                        type={a.type === 'number' ? 'number' : 'text'}
                        defaultValue={v === undefined ? '' : String(v)}
                        onBlur={(e) => set(a.type === 'number' ? Number(e.target.value) : e.target.value)}
                      />
                    )}
                  </label>
                );
              })}
            </div>
          ) : null}
          <button className="danger small" onClick={p.remove}>
            {t('lidar.delete')}
          </button>
          {p.isSeq && isTrackKey(sel.id) ? (
            <button className="small" onClick={p.interpolate} data-testid="interpolate-track">
              {t('lidar.interpolate')}
            </button>
          ) : null}
        </section>
      ) : null}
      {p.review}
      <section className="lidar-card lidar-objects">
        <h4>
          {t('lidar.objects')} <span className="muted">({p.shown.length})</span>
          {p.isSeq ? (
            <button className="small ghost" onClick={p.copyNext} disabled={!p.canCopyNext}>
              {t('lidar.copyNext')}
            </button>
          ) : null}
        </h4>
        {p.shown.length === 0 ? <p className="muted small">{t('lidar.noObjects')}</p> : null}
        <ul data-testid="lidar-objects">
          {p.shown.map((o) => {
            const g = o.geometry as Cuboid3D;
            return (
              <li key={o.id} className={o.id === p.selected ? 'sel' : ''} onClick={() => p.select(o.id)}>
                <span className="dot" style={{ background: p.colorOf(o.label) }} />
                <span>{p.labels.find((l) => l.id === o.label)?.name ?? o.label}</span>
                {o.attributes[TRACK_ATTR] ? <span className="muted mono">#{String(o.attributes[TRACK_ATTR])}</span> : null}
                {/* range from the sensor; survey clouds in map coordinates (recentred) have no sensor at the origin */}
                {p.offset === ZERO_OFFSET || (p.offset[0] === 0 && p.offset[1] === 0) ? <span className="muted mono small">{Math.hypot(g.center[0], g.center[1]).toFixed(1)} m</span> : null}
                {p.objectTag?.(o)}
                {o.id === p.selected ? <Provenance record={o} /> : null}
              </li>
            );
          })}
        </ul>
      </section>
    </aside>
  );
}

/** Over the 3D view: point count, colour mode, point size, rings, .bin layout, the tool hint and lasso; warnings above it (LidarWarnings). */
import { useTranslation } from 'react-i18next';
import { declaredLayout, isPlainBin } from '../../../core/formats/pointcloud/projectLayout';
import type { ColorMode } from '../../viewports/pointcloud/colorize';
import type { LoadedCloud } from '../../viewports/pointcloud/loadCloud';
import { BinLayoutField } from './BinLayoutField';
import { LidarWarnings } from './LidarWarnings';

export function LidarHud(p: {
  cloud: LoadedCloud | null;
  mode: ColorMode;
  setMode(m: ColorMode): void;
  pointSize: number;
  setPointSize(n: number): void;
  showRings: boolean;
  setShowRings(b: boolean): void;
  cloudName: string;
  pointFormat?: string;
  binLayout: string;
  setNotice(n: string | null): void;
  hint: string;
  lasso: number[] | null;
  notice: string | null;
  extrinsicWarnings: string[];
}) {
  const { t } = useTranslation();
  const { cloud } = p;
  return (
    <>
      <div className="viewer-hud">
        <span
          className="muted small"
          data-testid="point-count"
          data-simd={cloud?.decode ? String(cloud.decode.simd) : undefined}
          title={cloud?.decode ? t('viewer.parsed', { ms: Math.round(cloud.decode.ms), kernel: t(cloud.decode.simd ? 'viewer.kernelSimd' : 'viewer.kernelJs') }) : undefined}
        >
          {cloud ? t('viewer.points', { count: cloud.count }) : t('viewer.loading')}
        </span>
        <label className="small">
          {t('viewer.colorBy')}{' '}
          <select value={p.mode} onChange={(e) => p.setMode(e.target.value as ColorMode)}>
            <option value="height">{t('viewer.height')}</option>
            {cloud?.intensity ? <option value="intensity">{t('viewer.intensity')}</option> : null}
            {cloud?.rgb ? <option value="rgb">RGB</option> : null}
            <option value="distance">{t('viewer.distance')}</option>
          </select>
        </label>
        <label className="small" title={t('viewer.pointSize')}>
          {t('viewer.pointSize')}{' '}
          <input type="range" min={1} max={6} step={0.5} value={p.pointSize} onChange={(e) => p.setPointSize(Number(e.target.value))} data-testid="point-size" />
        </label>
        <label className="small">
          <input type="checkbox" checked={p.showRings} onChange={(e) => p.setShowRings(e.target.checked)} data-testid="range-rings" /> {t('viewer.rings')}
        </label>
        {isPlainBin(p.cloudName) && !declaredLayout(p.pointFormat) ? <BinLayoutField saved={p.binLayout} onError={p.setNotice} /> : null}
        <span className="muted small lidar-hint">{p.hint}</span>
      </div>
      {p.lasso ? (
        <svg className="lidar-lasso">
          <polygon points={p.lasso.join(' ')} />
        </svg>
      ) : null}
      {p.notice ? <div className="lidar-notice" data-testid="lidar-notice">{p.notice}</div> : null}
      <LidarWarnings cloudWarnings={cloud?.warnings ?? []} extrinsicWarnings={p.extrinsicWarnings} />
    </>
  );
}

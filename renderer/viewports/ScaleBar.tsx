/**
 * Scale bar of a georeferenced image (core/geo/scalebar): a nice round ground length at the
 * current zoom, measured at the view's centre (the latitude matters for EPSG:4326 and 3857).
 */
import { useTranslation } from 'react-i18next';
import { scaleBar } from '../../core/geo/scalebar';
import type { GeoTransform } from '../../core/geo/geotransform';

export function ScaleBar({ gt, epsg, view, vw, vh }: { gt: GeoTransform; epsg: number | null; view: { scale: number; x: number; y: number }; vw: number; vh: number }) {
  const { t } = useTranslation();
  const bar = scaleBar(gt, epsg, view.scale, (vw / 2 - view.x) / view.scale, (vh / 2 - view.y) / view.scale);
  if (!bar) return null;
  return (
    <div className="scale-bar" data-testid="scale-bar" data-metres={bar.metres} title={t('geo.scaleBar')} onPointerDown={(e) => e.stopPropagation()}>
      <div className="scale-bar-line" data-testid="scale-bar-line" style={{ width: bar.px }} />
      <span className="small">{bar.label}</span>
    </div>
  );
}

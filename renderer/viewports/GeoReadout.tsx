/**
 * The map readout of a georeferenced image: its CRS, ground resolution and bands, the cursor's
 * map coordinates (and lon/lat where the CRS is one Datum can reproject), and the GeoJSON export.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rpc } from '../transport';
import { RasterDisplayControls } from './RasterDisplayControls';
import { toWgs84 } from '../../core/geo/crs';
import { pixelToMap } from '../../core/geo/geotransform';
import type { MethodOutput } from '../../preload/contract';

type Geo = NonNullable<MethodOutput<'image.info'>['geo']>;

const SAMPLE_TYPE: Record<number, string> = { 1: 'uint', 2: 'int', 3: 'float' };

export function GeoReadout({ itemId, geo, cursor }: { itemId: string; geo: Geo; cursor: { x: number; y: number } | null }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<string | null>(null);
  const conv = useMemo(() => {
    try {
      return geo.crsSupported ? toWgs84(geo.epsg) : null;
    } catch {
      return null;
    }
  }, [geo.epsg, geo.crsSupported]);
  const geographic = geo.epsg === 4326;
  const unit = geographic ? '°' : 'm';
  const res = geo.resolution[0];
  const map = cursor ? pixelToMap(geo.geotransform, cursor.x, cursor.y) : null;
  const ll = map && conv ? conv.forward(map) : null;
  const fmt = (v: number) => (geographic ? v.toFixed(6) : v.toFixed(2));
  return (
    <div className="geo-readout" data-testid="geo-readout" onPointerDown={(e) => e.stopPropagation()}>
      <span data-testid="geo-crs">
        {t('geo.crs')} {geo.epsg != null ? `EPSG:${geo.epsg}` : t('geo.noEpsg')}
      </span>
      <span data-testid="geo-resolution">{t('geo.resolution', { res: res < 0.01 ? res.toExponential(3) : +res.toPrecision(4), unit })}</span>
      <span className="muted">{t('geo.bands', { n: geo.bands, bits: geo.bitsPerSample, type: SAMPLE_TYPE[geo.sampleFormat] ?? '?' })}</span>
      <RasterDisplayControls itemId={itemId} bandCount={geo.bands} />
      <span data-testid="geo-cursor" className="mono">
        {map ? `${fmt(map[0])}, ${fmt(map[1])}` : '—'}
        {ll && !geographic ? ` · ${ll[1].toFixed(6)}° ${ll[1] >= 0 ? 'N' : 'S'} ${Math.abs(ll[0]).toFixed(6)}° ${ll[0] >= 0 ? 'E' : 'W'}` : ''}
      </span>
      {conv ? (
        <button
          className="ghost small"
          data-testid="geo-export"
          onClick={() =>
            rpc
              .call('geo.exportGeoJson', { itemId })
              .then((r) => setResult(`${t('geo.exported', { n: r.features, path: r.path })}${r.skipped ? ` ${t('geo.skipped', { n: r.skipped })}` : ''}`))
              .catch((e: Error) => setResult(e.message))
          }
        >
          {t('geo.exportGeoJson')}
        </button>
      ) : (
        <span className="muted">{t('geo.unsupported')}</span>
      )}
      {result ? (
        <span className="muted small" data-testid="geo-export-result">
          {result}
        </span>
      ) : null}
    </div>
  );
}

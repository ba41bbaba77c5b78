/**
 * The map readout of a georeferenced image: its CRS, ground resolution and bands, the cursor's
 * map coordinates (and lon/lat where the CRS is one Datum can reproject), and the GeoJSON export.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rpc } from '../transport';
import { RasterDisplayControls } from './RasterDisplayControls';
import { GeoLabelsMenu } from './GeoLabelsMenu';
import { GeoSplit } from './GeoSplit';
import type { Compare } from './tiledImage';
import { toWgs84 } from '../../core/geo/crs';
import { pixelToMap } from '../../core/geo/geotransform';
import type { MethodOutput } from '../../preload/contract';

type Geo = NonNullable<MethodOutput<'image.info'>['geo']>;

const SAMPLE_TYPE: Record<number, string> = { 1: 'uint', 2: 'int', 3: 'float' };

type Region = MethodOutput<'image.info'>['region'];

export function GeoReadout({
  itemId,
  geo,
  region,
  cursor,
  compare,
  onCompare,
}: {
  itemId: string;
  geo: Geo;
  region?: Region;
  cursor: { x: number; y: number } | null;
  compare: Compare | null;
  onCompare(c: Compare | null): void;
}) {
  const { t } = useTranslation();
  const parentName = useParentName(region?.parent);
  const [result, setResult] = useState<string | null>(null);
  // The display, label and compare tools cover part of the image: the readout folds to one line.
  const [folded, setFolded] = useState(false);
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
      <span data-testid="geo-cursor" className="mono">
        {map ? `${fmt(map[0])}, ${fmt(map[1])}` : '—'}
        {ll && !geographic ? ` · ${ll[1].toFixed(6)}° ${ll[1] >= 0 ? 'N' : 'S'} ${Math.abs(ll[0]).toFixed(6)}° ${ll[0] >= 0 ? 'E' : 'W'}` : ''}
      </span>
      <button className="ghost small" data-testid="geo-fold" aria-expanded={!folded} onClick={() => setFolded((f) => !f)}>
        {folded ? t('geo.showTools') : t('geo.hideTools')}
      </button>
      {folded ? null : (
        <>
          <RasterDisplayControls itemId={itemId} bandCount={geo.bands} />
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
          <GeoLabelsMenu itemId={itemId} reprojectable={!!conv} />
          <CompareControls itemId={itemId} compare={compare} onCompare={onCompare} />
          {region ? (
            <span className="muted small" data-testid="geo-region">
              {t('geo.region', { row: region.row + 1, col: region.col + 1, parent: parentName ?? region.parent, x: region.x, y: region.y })}
            </span>
          ) : (
            <GeoSplit itemId={itemId} projected={geo.epsg != null && geo.epsg !== 4326} />
          )}
        </>
      )}
    </div>
  );
}

function useParentName(parent: string | undefined): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    if (!parent) return;
    rpc.call('items.get', { id: parent }).then((i) => setName(i.name), () => {});
  }, [parent]);
  return name;
}

type Candidate = MethodOutput<'geo.compareCandidates'>['items'][number];

/**
 * "Compare with…": the project's other GeoTIFFs overlapping this one (asked when the list is
 * opened), shown with a swipe or side by side.
 */
function CompareControls({ itemId, compare, onCompare }: { itemId: string; compare: Compare | null; onCompare(c: Compare | null): void }) {
  const { t } = useTranslation();
  const [cands, setCands] = useState<Candidate[] | null>(null);
  const load = () => {
    if (cands) return;
    rpc.call('geo.compareCandidates', { itemId }).then((r) => setCands(r.items), () => setCands([]));
  };
  useEffect(() => setCands(null), [itemId]);
  const pick = async (id: string, mode: Compare['mode']) => {
    const c = cands?.find((x) => x.itemId === id);
    if (!c) return onCompare(null);
    const info = await rpc.call('image.info', { itemId: id });
    onCompare({ tiles: { itemId: id, ...info }, toPrimary: c.toPrimary, coregistered: c.coregistered, mode });
  };
  const mode = compare?.mode ?? 'swipe';
  return (
    <span className="geo-compare small">
      <select
        data-testid="geo-compare"
        aria-label={t('geo.compare')}
        value={compare?.tiles.itemId ?? ''}
        onFocus={load}
        onPointerDown={load}
        onChange={(e) => void pick(e.target.value, mode)}
      >
        <option value="">{cands && !cands.length ? t('geo.compareNone') : compare ? t('geo.compareOff') : t('geo.compare')}</option>
        {(cands ?? []).map((c) => (
          <option key={c.itemId} value={c.itemId}>
            {c.name} ({Math.round(c.overlap * 100)} %, {c.coregistered ? t('geo.coregistered') : t('geo.resampled')})
          </option>
        ))}
      </select>
      {compare ? (
        <select data-testid="geo-compare-mode" value={mode} onChange={(e) => onCompare({ ...compare, mode: e.target.value as Compare['mode'] })}>
          <option value="swipe">{t('geo.swipe')}</option>
          <option value="side">{t('geo.sideBySide')}</option>
        </select>
      ) : null}
    </span>
  );
}

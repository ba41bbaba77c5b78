/**
 * The label export / import menu under a georeferenced image: pick a format (GeoJSON, Shapefile,
 * DOTA, YOLO-OBB, COCO-OBB), export into <project>/exports/ (RPC geo.export), or import a file or
 * folder of the project back onto the image (geo.import; the host saves the document and the
 * editor reloads it through item.changed). The last export's path is offered for import.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rpc } from '../transport';

const FORMATS = ['geojson', 'shapefile', 'dota', 'yolo-obb', 'coco-obb'] as const;
type Format = (typeof FORMATS)[number];

export function GeoLabelsMenu({ itemId, reprojectable }: { itemId: string; reprojectable: boolean }) {
  const { t } = useTranslation();
  // map formats need a CRS Datum can reproject; the pixel formats work on any image
  const formats = FORMATS.filter((f) => reprojectable || (f !== 'geojson' && f !== 'shapefile'));
  const [format, setFormat] = useState<Format>(formats[0]);
  const [crs, setCrs] = useState<'image' | 'wgs84'>('image');
  const [importPath, setImportPath] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (job: () => Promise<string>) => {
    setBusy(true);
    try {
      setResult(await job());
    } catch (e) {
      setResult((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const doExport = () =>
    run(async () => {
      const r = await rpc.call('geo.export', { itemId, format, crs });
      const rel = r.path.replace(/^.*[\\/](exports[\\/])/, '$1');
      setImportPath(rel);
      return `${t('geoExchange.exported', { n: r.written, path: rel })}${r.skipped ? ` ${t('geoExchange.skipped', { n: r.skipped, format: t(`geoExchange.formats.${format}`) })}` : ''}`;
    });
  const doImport = () =>
    run(async () => {
      const r = await rpc.call('geo.import', { itemId, path: importPath.trim() });
      const added = r.labelsAdded.length ? ` · ${t('geoExchange.labelsAdded', { names: r.labelsAdded.join(', ') })}` : '';
      return `${t('geoExchange.imported', { format: t(`geoExchange.formats.${r.format as Format}`), added: r.added, updated: r.updated, unchanged: r.unchanged })}${added}`;
    });

  return (
    <details className="geo-labels" data-testid="geo-labels">
      <summary>{t('geoExchange.menu')}</summary>
      <div className="geo-labels-body">
        <label>
          {t('geoExchange.format')}{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)} data-testid="geo-format">
            {formats.map((f) => (
              <option key={f} value={f}>
                {t(`geoExchange.formats.${f}`)}
              </option>
            ))}
          </select>
        </label>
        {format === 'shapefile' ? (
          <label>
            {t('geoExchange.crs')}{' '}
            <select value={crs} onChange={(e) => setCrs(e.target.value as 'image' | 'wgs84')} data-testid="geo-crs-out">
              <option value="image">{t('geoExchange.crsImage')}</option>
              <option value="wgs84">{t('geoExchange.crsWgs84')}</option>
            </select>
          </label>
        ) : null}
        <button className="small" disabled={busy} onClick={doExport} data-testid="geo-export-as">
          {t('geoExchange.export')}
        </button>
        <span className="geo-labels-row">
          <input className="mono" value={importPath} placeholder={t('geoExchange.importPath')} onChange={(e) => setImportPath(e.target.value)} data-testid="geo-import-path" />
          <button className="small" disabled={busy || !importPath.trim()} onClick={doImport} data-testid="geo-import">
            {t('geoExchange.import')}
          </button>
        </span>
        {result ? (
          <span className="muted small" data-testid="geo-exchange-result">
            {result}
          </span>
        ) : null}
        <span className="muted small">{t('geoExchange.noGpkg')}</span>
      </div>
    </details>
  );
}

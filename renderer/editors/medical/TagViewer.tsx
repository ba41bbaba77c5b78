/**
 * The DICOM header of one file of a DICOM item (RPC medical.tags), as 3D Slicer's and Horos's tag
 * viewers show it: tag, keyword, VR, value, sequences indented; a filter; stepping through the
 * item's files. Identifying values stay hidden until the user asks for them.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../preload/contract';
import { rpc } from '../../transport';
import { useKeymap } from '../../keymap/useKeymap';
import { tagViewerKeys } from './keys';

type Listing = MethodOutput<'medical.tags'>;

export function TagViewer({ itemId, onClose }: { itemId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(0);
  const [reveal, setReveal] = useState(false);
  const [filter, setFilter] = useState('');
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  useKeymap(tagViewerKeys, { close: onClose });

  useEffect(() => {
    let cancelled = false;
    setError(null);
    rpc
      .call('medical.tags', { itemId, index, reveal })
      .then((l) => !cancelled && setListing(l))
      .catch((e) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [itemId, index, reveal]);

  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    if (!listing) return [];
    return q ? listing.rows.filter((r) => r.tag.toLowerCase().includes(q) || r.keyword.toLowerCase().includes(q) || r.value.toLowerCase().includes(q)) : listing.rows;
  }, [listing, filter]);

  return (
    <div className="modal-backdrop" data-testid="tag-viewer">
      <div className="modal tag-viewer" role="dialog" aria-modal="true" aria-labelledby="tag-viewer-title">
        <h2 id="tag-viewer-title">{t('dicomTags.title', { file: listing?.file ?? '…' })}</h2>
        <div className="tag-viewer-bar">
          <button disabled={!listing || index === 0} onClick={() => setIndex((i) => Math.max(0, i - 1))} data-testid="tags-previous">
            {t('dicomTags.previous')}
          </button>
          <span className="mono" data-testid="tags-file-of">
            {listing ? t('dicomTags.fileOf', { n: index + 1, count: listing.count }) : t('dicomTags.loading')}
          </span>
          <button disabled={!listing || index + 1 >= listing.count} onClick={() => setIndex((i) => i + 1)} data-testid="tags-next">
            {t('dicomTags.next')}
          </button>
          <input className="grow" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={t('dicomTags.filter')} aria-label={t('dicomTags.filter')} data-testid="tags-filter" />
          <label className="small">
            <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.target.checked)} data-testid="tags-reveal" /> {t('dicomTags.reveal')}
          </label>
        </div>
        {error ? (
          <p className="error mono" role="alert">
            {error}
          </p>
        ) : null}
        <div className="tag-table-wrap">
          <table className="tag-table" data-testid="tags-table">
            <thead>
              <tr>
                <th>{t('dicomTags.tag')}</th>
                <th>{t('dicomTags.keyword')}</th>
                <th>{t('dicomTags.vr')}</th>
                <th>{t('dicomTags.value')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={`${r.tag}-${i}`} data-tag={r.tag}>
                  <td className="mono" style={{ paddingLeft: 8 + r.depth * 14 }}>
                    {r.tag}
                  </td>
                  <td>{r.keyword}</td>
                  <td className="mono">{r.vr}</td>
                  <td className="mono tag-value">{r.identifying && !reveal ? <em className="muted">{t('dicomTags.hidden')}</em> : r.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="modal-actions">
          <span className="muted small grow">
            {t('dicomTags.rows', { count: rows.length })}
            {listing?.truncated ? ` · ${t('dicomTags.truncated', { count: listing.truncated })}` : ''}
          </span>
          <button className="primary" onClick={onClose}>
            {t('dicomTags.close')}
          </button>
        </div>
      </div>
    </div>
  );
}

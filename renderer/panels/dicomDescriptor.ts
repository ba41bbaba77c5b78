/**
 * The line a PACS browser shows for a DICOM item, from what the indexer read in its headers
 * (ItemSummary.dicom): modality, series description, slice / frame count and size, or the kind of
 * a non-image object. Patient-independent: no names, IDs or dates.
 */
import type { TFunction } from 'i18next';
import type { ItemSummary } from '../../preload/contract';

export function dicomDescriptor(item: ItemSummary, t: TFunction): string | null {
  const d = item.dicom;
  if (!d) return null;
  if (d.kind !== 'image') return t('dicomBrowser.object', { kind: d.kind });
  const parts: string[] = [];
  if (d.modality) parts.push(d.modality);
  if (d.description) parts.push(d.description);
  else if (d.seriesNumber !== undefined) parts.push(t('dicomBrowser.series', { n: d.seriesNumber }));
  if (item.modality === 'dicom-series') parts.push(t('dicomBrowser.slices', { count: item.frames ?? d.instances }));
  else if (item.frames && item.frames > 1) parts.push(t('dicomBrowser.frames', { count: item.frames }));
  if (d.rows && d.columns) parts.push(`${d.columns}×${d.rows}`);
  return parts.join(' · ');
}

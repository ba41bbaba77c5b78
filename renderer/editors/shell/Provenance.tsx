import { useTranslation } from 'react-i18next';
import type { AnnotationObject, Track } from '../../../core/document/schema';

/** "Ann · 5 min ago" (and the model and score for predictions): who changed an object and when. */
export function Provenance({ record }: { record: Pick<AnnotationObject, 'updatedAt' | 'updatedBy' | 'createdBy' | 'createdAt' | 'source'> | Track }) {
  const { t, i18n } = useTranslation();
  const src = record.source;
  const parts: string[] = [];
  if (src && src.kind !== 'human') parts.push(`${src.kind === 'model' ? t('provenance.model') : t('provenance.modelEdited')} ${src.model} ${src.score.toFixed(2)}`);
  if (record.updatedBy) parts.push(record.updatedBy);
  if (record.updatedAt) parts.push(relativeTime(record.updatedAt, i18n.language));
  if (!parts.length) return null;
  const title = [
    record.createdBy || record.createdAt ? `${t('provenance.created')}: ${record.createdBy ?? '?'} ${record.createdAt ? new Date(record.createdAt).toLocaleString() : ''}` : '',
    record.updatedAt ? `${t('provenance.updated')}: ${record.updatedBy ?? '?'} ${new Date(record.updatedAt).toLocaleString()}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span className="provenance muted small" title={title} data-testid="provenance">
      {parts.join(' · ')}
    </span>
  );
}

export function relativeTime(at: number, lang: string, now = Date.now()): string {
  const rtf = new Intl.RelativeTimeFormat(lang === 'zh' ? 'zh-CN' : 'en', { numeric: 'auto' });
  const s = Math.round((at - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(s, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

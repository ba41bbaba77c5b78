/**
 * "Split into regions": a grid of N × M or cells of a size (pixels or metres), with overlap, made
 * into region items of the project (geo.split), optionally assigned round robin.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rpc } from '../transport';
import { useApp } from '../state/appStore';

export function GeoSplit({ itemId, projected }: { itemId: string; projected: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<'grid' | 'size'>('grid');
  const [a, setA] = useState(2);
  const [b, setB] = useState(2);
  const [unit, setUnit] = useState<'px' | 'm'>('px');
  const [overlap, setOverlap] = useState(0);
  const [who, setWho] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  if (!open)
    return (
      <button className="ghost small" data-testid="geo-split-open" onClick={() => setOpen(true)}>
        {t('geo.split')}
      </button>
    );
  const go = async () => {
    try {
      const spec = mode === 'grid' ? { mode, cols: a, rows: b, overlap } : { mode, width: a, height: b, unit, overlap };
      const assignees = who.split(',').map((s) => s.trim()).filter(Boolean);
      const r = await rpc.call('geo.split', { itemId, spec, assignees: assignees.length ? assignees : undefined });
      setMsg(t('geo.splitDone', { n: r.regions.length }));
      const project = await rpc.call('project.current', {});
      useApp.setState((s) => ({ project, indexVersion: s.indexVersion + 1 })); // the browser lists the new items
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  const num = (v: number, set: (n: number) => void, id: string) => (
    <input type="number" data-testid={id} min={0} value={v} style={{ width: 64 }} onChange={(e) => Number.isFinite(e.target.valueAsNumber) && set(e.target.valueAsNumber)} />
  );
  return (
    <span className="geo-split small" data-testid="geo-split">
      <select data-testid="geo-split-mode" value={mode} onChange={(e) => setMode(e.target.value as 'grid' | 'size')}>
        <option value="grid">{t('geo.splitGrid')}</option>
        <option value="size">{t('geo.splitSize')}</option>
      </select>
      {num(a, setA, 'geo-split-a')}×{num(b, setB, 'geo-split-b')}
      {mode === 'grid' ? (
        <span className="muted">
          {t('geo.splitCols')} × {t('geo.splitRows')}
        </span>
      ) : (
        <select data-testid="geo-split-unit" value={unit} onChange={(e) => setUnit(e.target.value as 'px' | 'm')}>
          <option value="px">px</option>
          {projected ? <option value="m">m</option> : null}
        </select>
      )}
      <label>
        {t('geo.splitOverlap')} {num(overlap, setOverlap, 'geo-split-overlap')}
      </label>
      <input data-testid="geo-split-assignees" placeholder={t('geo.splitAssignees')} value={who} onChange={(e) => setWho(e.target.value)} style={{ width: 160 }} />
      <button className="small" data-testid="geo-split-go" onClick={() => void go()}>
        {t('geo.splitGo')}
      </button>
      {msg ? <span data-testid="geo-split-result">{msg}</span> : null}
    </span>
  );
}

import { useEffect, useMemo, useRef, useState, useLayoutEffect } from 'react';
import { dicomDescriptor } from './dicomDescriptor';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ItemSummary, Modality } from '../../preload/contract';
import type { ItemStatus } from '../../core/document/schema';
import { useApp } from '../state/appStore';
import { refreshIndex } from '../state/actions';
import { useItemPages } from './useItemPages';
import { Icon, type IconName } from './Icon';
import { useKeymap } from '../keymap/useKeymap';
import { datasetKeys } from './keys';

const MODALITIES: Modality[] = ['image', 'video', 'image-sequence', 'pointcloud', 'pointcloud-sequence', 'dicom', 'dicom-series', 'nifti'];
const STATUSES: ItemStatus[] = ['new', 'in_progress', 'submitted', 'accepted', 'rejected'];
const ICONS: Record<Modality, IconName> = {
  image: 'image',
  video: 'video',
  pointcloud: 'cloud',
  'image-sequence': 'frames',
  'pointcloud-sequence': 'cube',
  dicom: 'scan',
  'dicom-series': 'scan',
  nifti: 'brain',
};
const TILE = 196; // px, tile width including gap
const TILE_H = 206;

export function DatasetBrowser() {
  const { t } = useTranslation();
  const project = useApp((s) => s.project)!;
  const version = useApp((s) => s.indexVersion);
  const selected = useApp((s) => s.itemIndex);
  const set = useApp((s) => s.set);
  const [modality, setModality] = useState<Modality[] | undefined>(undefined);
  const [status, setStatus] = useState<ItemStatus | ''>('');
  const [search, setSearch] = useState('');
  const [layout, setLayout] = useState<'grid' | 'list'>('grid');
  const filter = useMemo(() => ({ modality, status: status ? [status] : undefined, search }), [modality, status, search]);
  const { total, itemAt } = useItemPages(filter, version);
  const scroller = useRef<HTMLDivElement>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const [width, setWidth] = useState(1200);

  // Measure before the first paint: a guessed width lays the grid out with the wrong column
  // count for a frame or two (tiles jump, and a click in that window opens the wrong item).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const columns = layout === 'grid' ? Math.max(1, Math.floor((width - 16) / TILE)) : 1;
  const count = total ?? 0;
  const rows = Math.ceil(count / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => (layout === 'grid' ? TILE_H : 44),
    overscan: 4,
  });

  // Open by id, captured where the user acted: the list may refetch underneath (a rescan).
  const open = (index: number, item = itemAt(index)) => {
    if (item) set({ view: 'item', itemId: item.id, itemIndex: index, browseFilter: filter });
  };

  const moveTo = (next: number) => {
    next = Math.max(0, Math.min(count - 1, next));
    set({ itemIndex: next });
    virtualizer.scrollToIndex(Math.floor(next / columns));
  };
  useKeymap(datasetKeys, {
    move: (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns }[e.key] ?? 0;
      moveTo(selected + step);
    },
    open: () => open(selected),
    search: () => searchBox.current?.focus(),
  });

  const toggleModality = (m: Modality | null) => {
    if (!m) return setModality(undefined);
    const cur = new Set(modality ?? []);
    if (cur.has(m)) cur.delete(m);
    else cur.add(m);
    setModality(cur.size ? [...cur] : undefined);
    set({ itemIndex: 0 });
  };

  return (
    <div className="browser">
      <div className="toolbar" onKeyDown={(e) => e.key === 'Escape' && (e.target as HTMLElement).matches('input, select, textarea') && (e.target as HTMLElement).blur()}>
        <input ref={searchBox} className="search" placeholder={t('browser.search')} value={search} onChange={(e) => setSearch(e.target.value)} data-testid="search" />
        <div className="chips" role="group" aria-label={t('browser.modality')}>
          <button className={!modality ? 'chip active' : 'chip'} onClick={() => toggleModality(null)}>
            {t('browser.all')}
          </button>
          {MODALITIES.map((m) => (
            <button key={m} className={modality?.includes(m) ? 'chip active' : 'chip'} onClick={() => toggleModality(m)} data-testid={`chip-${m}`}>
              <Icon name={ICONS[m]} size={13} /> {t(`modality.${m}`)}
            </button>
          ))}
        </div>
        <select value={status} onChange={(e) => setStatus(e.target.value as ItemStatus | '')} aria-label={t('browser.status')}>
          <option value="">{t('browser.status')}: {t('browser.all')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        <div className="segmented">
          <button className={layout === 'grid' ? 'active' : ''} onClick={() => setLayout('grid')}>
            {t('browser.grid')}
          </button>
          <button className={layout === 'list' ? 'active' : ''} onClick={() => setLayout('list')}>
            {t('browser.list')}
          </button>
        </div>
        <span className="muted count" data-testid="item-count">
          {t('browser.items', { count: total ?? project.itemCount })}
        </span>
        <button className="ghost" onClick={() => void refreshIndex()}>
          ⟳ {t('browser.reindex')}
        </button>
      </div>
      <div className="browser-scroll" ref={scroller}>
        {total === 0 ? <p className="empty muted">{t('browser.empty')}</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => (
            <div key={row.key} className={layout === 'grid' ? 'grid-row' : 'list-row'} style={{ transform: `translateY(${row.start}px)`, height: row.size }}>
              {Array.from({ length: columns }, (_, c) => {
                const index = row.index * columns + c;
                if (index >= count) return null;
                const item = itemAt(index);
                return layout === 'grid' ? (
                  <Tile key={c} item={item} selected={index === selected} onOpen={() => open(index, item)} onSelect={() => set({ itemIndex: index })} />
                ) : (
                  <ListRow key={c} item={item} selected={index === selected} onOpen={() => open(index, item)} onSelect={() => set({ itemIndex: index })} />
                );
              })}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  item: ItemSummary | undefined;
  selected: boolean;
  onOpen(): void;
  onSelect(): void;
}

/** Modalities the host makes thumbnails for (main/services/thumbnails.ts): images, and point clouds seen from above. */
const THUMB_MODALITIES = new Set<Modality>(['image', 'pointcloud', 'pointcloud-sequence']);

function Tile({ item, selected, onOpen, onSelect }: RowProps) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState<string | null>(null); // item id whose thumbnail did not load
  if (!item) return <div className="tile placeholder" />;
  const hasThumb = THUMB_MODALITIES.has(item.modality) && failed !== item.id;
  return (
    <button className={selected ? 'tile selected' : 'tile'} onClick={onSelect} onDoubleClick={onOpen} data-testid="item-tile" title={item.name}>
      <div className="thumb">
        {hasThumb ? <img src={`/thumb/${item.id}`} loading="lazy" alt="" data-testid="item-thumb" onError={() => setFailed(item.id)} /> : <Icon className="thumb-icon" name={ICONS[item.modality]} size={56} />}
        <span className={`status-dot status-${item.status}`} title={t(`status.${item.status}`)} />
      </div>
      <div className="tile-name">{item.name.split('/').pop()}</div>
      <div className="tile-meta muted small" data-testid="item-meta">
        {dicomDescriptor(item, t) ?? (
          <>
            {t(`modality.${item.modality}`)}
            {item.frames ? ` · ${item.frames}f` : ''}
          </>
        )}
      </div>
    </button>
  );
}

function ListRow({ item, selected, onOpen, onSelect }: RowProps) {
  const { t } = useTranslation();
  if (!item) return <div className="list-item placeholder" />;
  return (
    <button className={selected ? 'list-item selected' : 'list-item'} onClick={onSelect} onDoubleClick={onOpen} data-testid="item-row">
      <Icon className="list-icon" name={ICONS[item.modality]} />
      <span className="mono list-name">{item.name}</span>
      <span className="muted small" data-testid="item-meta">{dicomDescriptor(item, t) ?? t(`modality.${item.modality}`)}</span>
      <span className="muted small">{formatSize(item.size)}</span>
      <span className={`badge status-${item.status}`}>{t(`status.${item.status}`)}</span>
    </button>
  );
}

function formatSize(n: number): string {
  if (!n) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/**
 * The editor shell's frame around every editor: a header (back, previous / next item in the
 * dataset browser's order, the item's name and kind, who changed it last, the save state), the
 * review bar, the editor for the item's modality (registry.tsx), the issues panel, and for single
 * images a filmstrip of the items around it. Item keys (PageUp / PageDown; for single images also
 * A / D and ← / →; Escape) are a declared keymap on the view layer (editors/shell/keys.ts): the
 * editor's tables come first and decline the keys they do not use (LiDAR: PageUp / PageDown move
 * a selected cuboid, Escape drops the selection; medical: PageUp / PageDown are slice keys).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../preload/contract';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { viewers } from './registry';
import { IssuesPanel, ReviewBar } from '../review/ItemReview';
import { useKeymap } from '../../keymap/useKeymap';
import type { KeyboardEventLike } from '../../keymap/dispatcher';
import { itemKeymap } from '../../editors/shell/keys';
import { useItemNavigation, type ItemPosition } from '../../editors/shell/useItemNavigation';
import { flushOpenEditor, useEditorShell } from '../../editors/shell/shellStore';
import { Filmstrip } from '../../editors/shell/Filmstrip';
import { relativeTime } from '../../editors/shell/Provenance';
import { useItemLease } from '../../editors/shell/useItemLease';
import { ItemPresence, LeaseBanner } from '../team/LeaseBanner';
import '../../editors/shell/shell.css';

/** ← / → on a focused slider (the brush size) move the slider, not the item. */
function arrowOnSlider(e: KeyboardEventLike): boolean {
  const el = e.target as { tagName?: string; type?: string } | null;
  return e.key.startsWith('Arrow') && el?.tagName === 'INPUT' && el.type === 'range';
}

export function ItemView() {
  const { t } = useTranslation();
  const itemId = useApp((s) => s.itemId);
  const set = useApp((s) => s.set);
  const shortcutsOpen = useApp((s) => s.shortcutsOpen);
  const [item, setItem] = useState<ItemSummary | null>(null);
  const nav = useItemNavigation(itemId);
  // Two people never edit one item at once: the lease (taken here, for every editor) decides.
  const lease = useItemLease(itemId);

  useEffect(() => {
    if (!itemId) return;
    setItem(null);
    rpc.call('items.get', { id: itemId }).then(setItem, reportError);
  }, [itemId]);

  const back = () => void flushOpenEditor().then(() => set({ view: 'browser' }));
  const single = item?.modality === 'image';
  useKeymap(
    itemKeymap,
    {
      nextItem: () => nav.next(),
      prevItem: () => nav.prev(),
      nextImage: (e) => (single && !arrowOnSlider(e) ? (nav.next(), true) : false),
      prevImage: (e) => (single && !arrowOnSlider(e) ? (nav.prev(), true) : false),
      back: () => back(),
    },
    { enabled: !shortcutsOpen },
  );

  return (
    <div className="item-view">
      <div className="toolbar shell-header" data-testid="shell-header">
        <button className="ghost" onClick={back} data-testid="back">
          ← {t('viewer.back')}
        </button>
        <span className="shell-nav">
          <button className="ghost small" onClick={nav.prev} disabled={!nav.canPrev} title={`${t('shell.prevItem')} (PageUp)`} aria-label={t('shell.prevItem')} data-testid="prev-item">
            ‹
          </button>
          <span className="muted small mono shell-position" data-testid="item-position">
            {nav.position ? t('shell.position', { n: nav.position.index + 1, total: nav.position.total }) : ''}
          </span>
          <button className="ghost small" onClick={nav.next} disabled={!nav.canNext} title={`${t('shell.nextItem')} (PageDown)`} aria-label={t('shell.nextItem')} data-testid="next-item">
            ›
          </button>
        </span>
        {item ? (
          <>
            <span className="mono item-title" data-testid="item-title" title={item.name}>
              {item.name}
            </span>
            <span className="badge">{t(`modality.${item.modality}`)}</span>
          </>
        ) : null}
        <span className="shell-spacer" />
        {itemId ? <ItemPresence itemId={itemId} /> : null}
        <ShellStatus />
      </div>
      {lease.status === 'held' ? <LeaseBanner holder={lease.holder} /> : null}
      {item ? <ReviewBar item={item} /> : null}
      <div className="item-body">
        <div className="viewer">{item ? <Viewer key={item.id} item={item} /> : <p className="muted center">{t('viewer.loading')}</p>}</div>
        {item ? <IssuesPanel item={item} /> : null}
      </div>
      {single && nav.position && nav.position.total > 1 ? <ItemFilmstrip position={nav.position} open={(i) => void nav.openIndex(i)} /> : null}
    </div>
  );
}

/** Save state and provenance of the open document, as the editor publishes them (useEditorDocument). */
function ShellStatus() {
  const { t, i18n } = useTranslation();
  const saveState = useEditorShell((s) => s.saveState);
  const prov = useEditorShell((s) => s.provenance);
  const [, tick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => tick((n) => n + 1), 30_000); // "2 min ago" stays true
    return () => clearInterval(id);
  }, []);
  const when = prov?.updatedAt ? relativeTime(prov.updatedAt, i18n.language) : null;
  return (
    <>
      {when ? (
        <span className="muted small" data-testid="item-provenance" title={prov?.updatedAt ? new Date(prov.updatedAt).toLocaleString() : undefined}>
          {prov?.updatedBy ? t('shell.lastChangedBy', { who: prov.updatedBy, when }) : t('shell.lastChanged', { when })}
        </span>
      ) : null}
      {saveState ? (
        <span className={`shell-save small ${saveState}`} data-testid="save-state">
          {saveState === 'saved' ? t('shell.saved') : saveState === 'saving' ? t('shell.saving') : t('shell.unsaved')}
        </span>
      ) : null}
    </>
  );
}

/** Single images: the items around the open one (thumbnails the host already made). */
function ItemFilmstrip({ position, open }: { position: ItemPosition; open(index: number): void }) {
  const { t } = useTranslation();
  const at = (i: number) => position.items[i];
  return (
    <Filmstrip
      count={position.items.length}
      current={position.index - position.offset}
      onPick={(i) => open(position.offset + i)}
      thumb={(i) => (at(i)?.modality === 'image' ? `/thumb/${at(i)!.id}` : null)}
      label={(i) => at(i)?.name ?? ''}
      caption={(i) => String(position.offset + i + 1)}
      ariaLabel={t('shell.items')}
      testId="item-filmstrip"
    />
  );
}

function Viewer({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const Component = viewers[item.modality];
  return Component ? <Component item={item} /> : <p className="muted center">{t('viewer.noViewer')}</p>;
}

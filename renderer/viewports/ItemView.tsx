import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../preload/contract';
import { rpc } from '../transport';
import { useApp } from '../state/appStore';
import { reportError } from '../state/actions';
import { viewers } from './registry';
import { IssuesPanel, ReviewBar } from '../panels/review/ItemReview';

/** Shows an item in the viewer for its modality; editors plug in here in later milestones. */
export function ItemView() {
  const { t } = useTranslation();
  const itemId = useApp((s) => s.itemId);
  const set = useApp((s) => s.set);
  const [item, setItem] = useState<ItemSummary | null>(null);

  useEffect(() => {
    if (!itemId) return;
    setItem(null);
    rpc.call('items.get', { id: itemId }).then(setItem, reportError);
  }, [itemId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !useApp.getState().shortcutsOpen && !(e.target as HTMLElement).closest('input, textarea, select')) {
        set({ view: 'browser' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [set]);

  return (
    <div className="item-view">
      <div className="toolbar">
        <button className="ghost" onClick={() => set({ view: 'browser' })} data-testid="back">
          ← {t('viewer.back')}
        </button>
        {item ? (
          <>
            <span className="mono item-title" data-testid="item-title">
              {item.name}
            </span>
            <span className="badge">{t(`modality.${item.modality}`)}</span>
          </>
        ) : null}
      </div>
      {item ? <ReviewBar item={item} /> : null}
      <div className="item-body">
        <div className="viewer">{item ? <Viewer item={item} /> : <p className="muted center">{t('viewer.loading')}</p>}</div>
        {item ? <IssuesPanel item={item} /> : null}
      </div>
    </div>
  );
}

function Viewer({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const Component = viewers[item.modality];
  return Component ? <Component item={item} /> : <p className="muted center">{t('viewer.noViewer')}</p>;
}

/** The editor shell's read-only banner (someone else holds the item's lease) and who else is on the item. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { refreshPresence, usePresence } from '../../state/team';
import { useActiveProfile } from '../../state/review';
import { othersOn } from '../../../core/team/presence';
import './team.css';

export function LeaseBanner({ holder }: { holder: string }) {
  const { t } = useTranslation();
  return (
    <div className="lease-banner" role="status" data-testid="lease-banner">
      <span className="lease-lock" aria-hidden>
        ●
      </span>
      {t('team.beingEdited', { name: holder })}
    </div>
  );
}

export function ItemPresence({ itemId }: { itemId: string }) {
  const { t } = useTranslation();
  const people = usePresence((s) => s.people);
  const me = useActiveProfile()?.name;
  useEffect(() => {
    void refreshPresence();
  }, [itemId]);
  const others = othersOn(people, itemId, me);
  if (!others.length) return null;
  return (
    <span className="presence-chips" data-testid="item-presence" title={t('team.alsoHere', { names: others.map((p) => p.name).join(', ') })}>
      {others.map((p) => (
        <span key={p.name} className={`presence-chip ${p.mode}`} data-testid="presence-chip">
          <span className="presence-avatar">{p.name.slice(0, 1).toUpperCase()}</span>
          {p.name} · {t(p.mode === 'edit' ? 'team.editing' : 'team.viewing')}
        </span>
      ))}
    </span>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../../core/review/schema';
import { activeProfile, useProfiles } from '../../state/review';
import { useKeymap } from '../../keymap/useKeymap';
import { profileDialogKeys } from '../dialogKeys';
import './review.css';

const NEW = '__new__';

/** Local profiles in the top bar: who is working at this machine (no accounts). */
export function ProfileChooser() {
  const { t } = useTranslation();
  const { profiles, active, loaded, load, choose } = useProfiles();
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
  const current = activeProfile({ profiles, active });
  return (
    <>
      <div className={current ? `profile-chip role-${current.roles.includes('reviewer') ? 'reviewer' : 'annotator'}` : 'profile-chip'}>
        <span className="profile-avatar" aria-hidden>
          {current ? current.name.slice(0, 1).toUpperCase() : '?'}
        </span>
        <select
          aria-label={t('review.profile')}
          data-testid="profile-select"
          value={current?.id ?? ''}
          onChange={(e) => (e.target.value === NEW ? setCreating(true) : void choose(e.target.value || undefined))}
        >
          <option value="">{t('review.noProfile')}</option>
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} · {p.roles.map((r) => t(`review.role.${r}`)).join(', ')}
            </option>
          ))}
          <option value={NEW}>{t('review.newProfile')}</option>
        </select>
      </div>
      {creating ? <NewProfileDialog onClose={() => setCreating(false)} /> : null}
    </>
  );
}

function NewProfileDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const add = useProfiles((s) => s.add);
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['annotator']);
  const toggle = (r: Role) => setRoles((cur) => (cur.includes(r) ? cur.filter((x) => x !== r) : [...cur, r]));
  const ok = name.trim() && roles.length;
  // The modal keymap (dialogKeys.ts): Escape cancels, even from the name field; nothing reaches the editor.
  useKeymap(profileDialogKeys, { cancel: onClose });
  const submit = async () => {
    if (!ok) return;
    await add(name, roles);
    onClose();
  };
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form
        className="modal profile-dialog"
        role="dialog"
        aria-label={t('review.newProfile')}
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>{t('review.newProfile')}</h2>
        <label className="field">
          <span>{t('review.profileName')}</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} data-testid="profile-name" />
        </label>
        <div className="field">
          <span>{t('review.roles')}</span>
          <div className="row">
            {(['annotator', 'reviewer'] as const).map((r) => (
              <label key={r} className="check">
                <input type="checkbox" checked={roles.includes(r)} onChange={() => toggle(r)} data-testid={`profile-role-${r}`} /> {t(`review.role.${r}`)}
              </label>
            ))}
          </div>
        </div>
        <div className="row end">
          <button type="button" className="ghost" onClick={onClose}>
            {t('review.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!ok} data-testid="profile-create">
            {t('review.create')}
          </button>
        </div>
      </form>
    </div>
  );
}

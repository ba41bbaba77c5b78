/**
 * Consent for source folders outside the project folder. A downloaded dataset's datum.json can
 * name any folder; the host leaves such sources pending until the user allows them here. The
 * dialog appears once per opened project (declining keeps them pending; Settings can allow them
 * later), and Settings lists every outside source with its state and a Revoke button.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExternalSource } from '../../../preload/contract';
import { useApp } from '../../state/appStore';
import { grantSources, revokeSource } from '../../state/actions';
import { useKeymap } from '../../keymap/useKeymap';
import { sourceConsentKeys } from '../dialogKeys';

function useExternal(): ExternalSource[] {
  return useApp((s) => s.project?.externalSources) ?? [];
}

export function SourceConsentDialog() {
  const { t } = useTranslation();
  const projectPath = useApp((s) => s.project?.path ?? null);
  const pending = useExternal().filter((e) => e.status === 'pending');
  // Asked once per project path while the app runs; "Not now" is remembered for that path only.
  const [declined, setDeclined] = useState<string | null>(null);
  const open = !!projectPath && pending.length > 0 && declined !== projectPath;
  // While open it is the modal keymap (dialogKeys.ts): Escape is "Not now", editor keys do not pass.
  useKeymap(sourceConsentKeys, { decline: () => setDeclined(projectPath) }, { enabled: open });
  if (!open) return null;
  return (
    <div className="modal-backdrop">
      <div className="modal consent" role="dialog" aria-modal="true" aria-labelledby="consent-title" data-testid="source-consent">
        <h2 id="consent-title">{t('sources.consentTitle')}</h2>
        <p>{t('sources.consentBody', { count: pending.length })}</p>
        <ul className="consent-list">
          {pending.map((e) => (
            <li key={e.id}>
              <code>{e.path}</code> <span className="muted">({e.id})</span>
            </li>
          ))}
        </ul>
        <div className="modal-actions">
          <button className="ghost" onClick={() => setDeclined(projectPath)}>
            {t('sources.consentDecline')}
          </button>
          <button className="primary" onClick={() => void grantSources(pending.map((e) => e.id))}>
            {t('sources.consentAllow')}
          </button>
        </div>
      </div>
    </div>
  );
}

const STATUS = { granted: 'sources.statusGranted', allowed: 'sources.statusAllowed', pending: 'sources.statusPending' } as const;

export function ProjectSettings() {
  const { t } = useTranslation();
  const project = useApp((s) => s.project);
  const external = useExternal();
  if (!project) return null;
  return (
    <section className="settings-page" data-testid="project-settings">
      <h2>{t('sources.settingsTitle')}</h2>
      <div className="settings-row">
        <span className="muted">{t('sources.projectFolder')}</span> <code>{project.path}</code>
      </div>
      <h3>{t('sources.outside')}</h3>
      {external.length === 0 ? <p className="muted">{t('sources.none')}</p> : null}
      <ul className="source-grants">
        {external.map((e) => (
          <li key={e.id} data-testid={`source-${e.id}`}>
            <code>{e.path}</code>
            <span className={`grant-status ${e.status}`}>{t(STATUS[e.status])}</span>
            {e.status === 'granted' ? (
              <button className="ghost" onClick={() => void revokeSource(e.id)}>
                {t('sources.revoke')}
              </button>
            ) : null}
            {e.status === 'pending' ? (
              <button className="ghost" onClick={() => void grantSources([e.id])}>
                {t('sources.allow')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';
import { openDemo, openProjectAt, pickAndOpenFolder } from '../state/actions';
import { recentProjects, type RecentProject } from '../persistence/db';
import { Logo } from './Logo';
import { Icon } from './Icon';
import { ConnectTeamServer } from './ConnectTeamServer';

export function StartScreen() {
  const { t } = useTranslation();
  const info = useApp((s) => s.info);
  const [recents, setRecents] = useState<RecentProject[]>([]);
  const [path, setPath] = useState('');

  useEffect(() => {
    void recentProjects().then(setRecents);
  }, []);

  return (
    <div className="start">
      <section className="start-hero">
        <Logo size={64} />
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('app.tagline')}</p>
      </section>
      <section className="start-actions">
        {info?.canPickFolders ? (
          <button className="card action" onClick={() => void pickAndOpenFolder()} data-testid="open-folder">
            <Icon className="action-icon" name="folder" size={28} />
            <span className="action-title">{t('start.openFolder')}</span>
            <span className="muted small">{t('start.openFolderHint')}</span>
          </button>
        ) : (
          <form
            className="card action"
            onSubmit={(e) => {
              e.preventDefault();
              if (path.trim()) void openProjectAt(path.trim());
            }}
          >
            <Icon className="action-icon" name="folder" size={28} />
            <span className="action-title">{t('start.openFolder')}</span>
            <div className="row">
              <input value={path} onChange={(e) => setPath(e.target.value)} placeholder={t('start.pathPlaceholder')} aria-label={t('start.openFolder')} data-testid="folder-path" />
              <button type="submit" className="primary">
                {t('start.open')}
              </button>
            </div>
            <span className="muted small">{t('start.headlessNote')}</span>
          </form>
        )}
        <button className="card action" onClick={() => void openDemo()} data-testid="open-demo">
          <Icon className="action-icon" name="sparkle" size={28} />
          <span className="action-title">{t('start.openDemo')}</span>
          <span className="muted small">{t('start.openDemoHint')}</span>
        </button>
        {info?.host === 'electron' ? <ConnectTeamServer /> : null}
      </section>
      <section className="card recents">
        <h2>{t('start.recent')}</h2>
        {recents.length === 0 ? <p className="muted">{t('start.noRecent')}</p> : null}
        <ul>
          {recents.map((r) => (
            <li key={r.path}>
              <button className="recent" onClick={() => void openProjectAt(r.path)}>
                <span className="recent-name">{r.name}</span>
                <span className="muted small mono">{r.path}</span>
                <span className="muted small">{new Date(r.openedAt).toLocaleString()}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

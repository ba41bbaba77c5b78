import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';
import { cancelJob, closeProject } from '../state/actions';
import { LANGUAGES } from '../i18n';
import { setPref } from '../persistence/db';
import { Logo } from './Logo';
import { ProfileChooser } from './review/ProfileChooser';
import { TeamAccountChip } from './TeamAccount';

import { MergePackageButton } from './packages/MergePackageDialog';

export function TopBar() {
  const { t, i18n } = useTranslation();
  const project = useApp((s) => s.project);
  const view = useApp((s) => s.view);
  const jobs = useApp((s) => s.jobs);
  const set = useApp((s) => s.set);
  const running = Object.values(jobs);

  return (
    <header className="topbar">
      <div className="brand">
        <Logo />
        <span className="brand-name">{t('app.name')}</span>
        {project ? <span className="project-name" data-testid="project-name">{project.name}</span> : null}
      </div>
      {project ? (
        <nav className="tabs" role="tablist">
          <button role="tab" aria-selected={view === 'browser' || view === 'item'} className={view === 'browser' || view === 'item' ? 'tab active' : 'tab'} onClick={() => set({ view: 'browser' })}>
            {t('nav.browser')}
          </button>
          <button role="tab" aria-selected={view === 'ontology'} className={view === 'ontology' ? 'tab active' : 'tab'} onClick={() => set({ view: 'ontology' })}>
            {t('nav.ontology')}
          </button>
          <button role="tab" aria-selected={view === 'models'} className={view === 'models' ? 'tab active' : 'tab'} onClick={() => set({ view: 'models' })}>
            {t('models.tab')}
          </button>
          <button role="tab" aria-selected={view === 'review'} className={view === 'review' ? 'tab active' : 'tab'} onClick={() => set({ view: 'review' })} data-testid="tab-review">
            {t('review.tab')}
          </button>
          <button role="tab" aria-selected={view === 'jobs'} className={view === 'jobs' ? 'tab active' : 'tab'} onClick={() => set({ view: 'jobs' })} data-testid="tab-jobs">
            {t('team.tab')}
          </button>
          <button role="tab" aria-selected={view === 'settings'} className={view === 'settings' ? 'tab active' : 'tab'} onClick={() => set({ view: 'settings' })} data-testid="tab-settings">
            {t('sources.settingsTab')}
          </button>
        </nav>
      ) : (
        <div />
      )}
      <div className="topbar-right">
        {running.map((j) => (
          <div className="job" key={j.id} data-testid="job-progress">
            <div className="job-label">
              {j.phase || t('browser.indexing')}
              {j.total ? ` ${Math.round((100 * j.done) / j.total)}%` : ''}
            </div>
            <div className="progress">
              <div className={j.total ? 'progress-bar' : 'progress-bar indeterminate'} style={j.total ? { width: `${(100 * j.done) / j.total}%` } : undefined} />
            </div>
            <button className="link" onClick={() => void cancelJob(j.id)}>
              {t('jobs.cancel')}
            </button>
          </div>
        ))}
        <TeamAccountChip />
        <ProfileChooser />
        <select
          aria-label={t('nav.language')}
          className="lang"
          value={i18n.language}
          onChange={(e) => void i18n.changeLanguage(e.target.value).then(() => setPref('language', e.target.value))}
        >
          {LANGUAGES.map((l) => (
            <option key={l.code} value={l.code}>
              {l.name}
            </option>
          ))}
        </select>
        <button className="icon-button" title={t('nav.shortcuts')} aria-label={t('nav.shortcuts')} onClick={() => set({ shortcutsOpen: true })}>
          ?
        </button>
        {project ? <MergePackageButton /> : null}
        {project ? (
          <button className="ghost" onClick={() => void closeProject()}>
            {t('nav.close')}
          </button>
        ) : null}
      </div>
    </header>
  );
}

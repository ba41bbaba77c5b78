import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from './state/appStore';
import { rpc } from './transport';
import { getPref, rememberProject, setPref } from './persistence/db';
import { refreshIndex, reportError } from './state/actions';
import { TopBar } from './panels/TopBar';
import { StartScreen } from './panels/StartScreen';
import { DatasetBrowser } from './panels/DatasetBrowser';
import { OntologyEditor } from './panels/OntologyEditor';
import { ItemView } from './viewports/ItemView';
import { ModelsPanel } from './panels/models/ModelsPanel';
import { ReviewPage } from './panels/review/ReviewPage';
import { ShortcutsDialog } from './panels/ShortcutsDialog';
import { Notices } from './panels/Notices';
import { ConflictDialog } from './panels/ConflictDialog';
import { ProjectSettings, SourceConsentDialog } from './panels/project/SourceAccess';
import i18n from './i18n';

export function App() {
  const view = useApp((s) => s.view);
  const project = useApp((s) => s.project);
  const { t } = useTranslation();

  useEffect(() => {
    void (async () => {
      try {
        const lang = await getPref('language', 'en');
        if (lang !== i18n.language) await i18n.changeLanguage(lang);
        const [info, current] = await Promise.all([rpc.call('app.info', {}), rpc.call('project.current', {})]);
        useApp.getState().set({ info });
        // `datum serve <dir>` starts with a project open: go straight to it.
        if (current) {
          useApp.getState().set({ project: current, view: 'browser' });
          void rememberProject(current.path, current.name);
          if (current.indexStale) void refreshIndex();
        }
      } catch (err) {
        reportError(err);
      }
    })();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      const typing = target.closest('input, textarea, select, [contenteditable=true]');
      if (e.key === '?' && !typing) {
        e.preventDefault();
        useApp.getState().set({ shortcutsOpen: !useApp.getState().shortcutsOpen });
      } else if (e.key === 'Escape' && useApp.getState().shortcutsOpen) {
        useApp.getState().set({ shortcutsOpen: false });
      } else if (e.key.toLowerCase() === 'l' && e.altKey) {
        const next = i18n.language === 'zh' ? 'en' : 'zh';
        void i18n.changeLanguage(next).then(() => setPref('language', next));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    document.title = project ? `${project.name} — Datum` : t('app.name');
  }, [project, t]);

  return (
    <div className="app">
      <TopBar />
      <main className="app-main">
        {view === 'start' || !project ? <StartScreen /> : null}
        {project && view === 'browser' ? <DatasetBrowser /> : null}
        {project && view === 'ontology' ? <OntologyEditor /> : null}
        {project && view === 'item' ? <ItemView /> : null}
        {project && view === 'models' ? <ModelsPanel /> : null}
        {project && view === 'review' ? <ReviewPage /> : null}
        {project && view === 'settings' ? <ProjectSettings /> : null}
      </main>
      <ShortcutsDialog />
      <ConflictDialog />
      <SourceConsentDialog />
      <Notices />
    </div>
  );
}

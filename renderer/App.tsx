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
import { ItemView } from './panels/item/ItemView';
import { ModelsPanel } from './panels/models/ModelsPanel';
import { ReviewPage } from './panels/review/ReviewPage';
import { JobsPanel } from './panels/team/JobsPanel';
import { ShortcutsDialog } from './panels/ShortcutsDialog';
import { Notices } from './panels/Notices';
import { ConflictDialog } from './panels/ConflictDialog';
import { ProjectSettings, SourceConsentDialog } from './panels/project/SourceAccess';
import i18n from './i18n';
import { useKeymap } from './keymap/useKeymap';
import { appKeys } from './keymap/appKeys';

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

  useKeymap(appKeys, {
    help: () => useApp.getState().set({ shortcutsOpen: true }),
    language: () => {
      const next = i18n.language === 'zh' ? 'en' : 'zh';
      void i18n.changeLanguage(next).then(() => setPref('language', next));
    },
  });

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
        {project && view === 'jobs' ? <JobsPanel /> : null}
      </main>
      <ShortcutsDialog />
      <ConflictDialog />
      <SourceConsentDialog />
      <Notices />
    </div>
  );
}

import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import './i18n';
import '@fontsource/noto-sans-sc/400.css'; // bundled CJK glyphs: air-gapped Linux machines often have no CJK font
import './styles.css';
import { App } from './App';
import { subscribeHostEvents } from './state/actions';
import { teamStatus } from './transport/auth';
import { adoptAccount, watchTeamSession } from './state/teamAccount';
import { LoginScreen } from './panels/LoginScreen';

const root: Root = createRoot(document.getElementById('root')!);

function startApp() {
  subscribeHostEvents();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

// A team server (datum serve --accounts) wants to know who is here before anything else: no
// socket is opened until then. The desktop host and a single-user server start at once.
void (async () => {
  const status = window.datumHost ? null : await teamStatus().catch(() => null);
  if (!status?.accounts) return startApp();
  watchTeamSession();
  if (status.account) {
    await adoptAccount(status.account);
    return startApp();
  }
  root.render(
    <StrictMode>
      <LoginScreen
        onSignedIn={(account) =>
          void adoptAccount(account).then(() => {
            root.render(<></>);
            startApp();
          })
        }
      />
    </StrictMode>,
  );
})();

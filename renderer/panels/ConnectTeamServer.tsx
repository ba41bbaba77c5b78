import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkTeamServerUrl } from '../../core/team/serverUrl';
import { rpc } from '../transport';
import { reportError } from '../state/actions';
import { Icon } from './Icon';

/** Desktop app, start screen: open a team server by address in its own window (File > Connect to Team Server…). */
export function ConnectTeamServer() {
  const { t } = useTranslation();
  const [url, setUrl] = useState('');
  const check = url.trim() ? checkTeamServerUrl(url) : null;
  return (
    <form
      className="card action"
      data-testid="connect-team"
      onSubmit={(e) => {
        e.preventDefault();
        if (check?.ok) rpc.call('app.connectTeamServer', { url: check.url }).catch(reportError);
      }}
    >
      <Icon className="action-icon" name="folder" size={28} />
      <span className="action-title">{t('teamAccount.connect')}</span>
      <div className="row">
        <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder={t('teamAccount.serverUrl')} aria-label={t('teamAccount.connect')} data-testid="team-url" />
        <button type="submit" className="primary" disabled={!check?.ok}>
          {t('teamAccount.connectButton')}
        </button>
      </div>
      <span className={check && !check.ok ? 'error-text small' : 'muted small'}>{check && !check.ok ? check.reason : t('teamAccount.connectHint')}</span>
    </form>
  );
}

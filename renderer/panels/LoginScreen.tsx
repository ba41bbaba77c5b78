import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { signIn, type TeamAccount } from '../transport/auth';
import { LANGUAGES } from '../i18n';
import { Logo } from './Logo';

/**
 * The sign-in page of a team server, shown instead of the app until the host knows who is here.
 * The password goes to the host once (POST /auth/login) and is never kept by the page.
 */
export function LoginScreen({ onSignedIn }: { onSignedIn(account: TeamAccount): void }) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname);
  const submit = async () => {
    if (!name.trim() || !password || busy) return;
    setBusy(true);
    setError(null);
    try {
      const account = await signIn(name.trim(), password);
      setPassword('');
      onSignedIn(account);
    } catch (err) {
      setError((err as Error).message);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="start login" data-testid="login-screen">
      <section className="start-hero">
        <Logo size={64} />
        <h1>{t('app.name')}</h1>
      </section>
      <form
        className="card login-card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>{t('teamAccount.signInTitle')}</h2>
        <p className="muted small">{t('teamAccount.signInHint', { host: location.host })}</p>
        <label className="field">
          <span>{t('teamAccount.name')}</span>
          <input autoFocus autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} data-testid="login-name" />
        </label>
        <label className="field">
          <span>{t('teamAccount.password')}</span>
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" />
        </label>
        {error ? (
          <p className="error-text" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        {location.protocol !== 'https:' && !loopback ? <p className="error-text small">{t('teamAccount.insecure')}</p> : null}
        <div className="row end">
          <select aria-label={t('nav.language')} className="lang" value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
          <button type="submit" className="primary" disabled={busy || !name.trim() || !password} data-testid="login-submit">
            {busy ? t('teamAccount.signingIn') : t('teamAccount.signIn')}
          </button>
        </div>
      </form>
    </div>
  );
}

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';

/** Errors and notices as toasts; the app keeps running whatever went wrong. */
export function Notices() {
  const { t } = useTranslation();
  const error = useApp((s) => s.error);
  const notice = useApp((s) => s.notice);
  const connected = useApp((s) => s.connected);
  const set = useApp((s) => s.set);
  useEffect(() => {
    if (!notice) return;
    const id = setTimeout(() => set({ notice: null }), 4000);
    return () => clearTimeout(id);
  }, [notice, set]);
  return (
    <div className="toasts">
      {!connected ? <div className="toast warn">{t('errors.disconnected')}</div> : null}
      {error ? (
        <div className="toast error" role="alert" data-testid="error-toast">
          <strong>{t('errors.title')}</strong>
          <span>{error}</span>
          <button className="link" onClick={() => set({ error: null })}>
            {t('errors.dismiss')}
          </button>
        </div>
      ) : null}
      {notice ? <div className="toast info">{notice}</div> : null}
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import { signOutOfTeam, useTeam } from '../state/teamAccount';

/** The signed-in account in the top bar of a team server, with Sign out. */
export function TeamAccountChip() {
  const { t } = useTranslation();
  const account = useTeam((s) => s.account);
  if (!account) return null;
  return (
    <div className="team-account" data-testid="team-account">
      <span className="muted small">{t('teamAccount.signedInAs', { name: account.name, role: t(`review.role.${account.role}`) })}</span>
      <button className="ghost" onClick={() => void signOutOfTeam()} data-testid="sign-out">
        {t('teamAccount.signOut')}
      </button>
    </div>
  );
}

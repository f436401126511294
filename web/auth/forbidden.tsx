import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Permission } from './auth-api';
import { useCan } from './session';

/** A page only some roles may open: anyone else sees why not (the API would refuse them anyway). */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { t } = useTranslation();
  const can = useCan(permission);
  if (can) return <>{children}</>;
  return (
    <div data-testid="forbidden">
      <Result
        status="403"
        title={t('auth.forbidden.title')}
        subTitle={t('auth.forbidden.hint')}
        extra={<Button href="#/journeys">{t('auth.forbidden.back')}</Button>}
      />
    </div>
  );
}

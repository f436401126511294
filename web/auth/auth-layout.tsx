import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../shell/lang-switch';

/** The centred card of the pages before the app: first start, sign-in, invitation. */
export function AuthLayout({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="yt-auth">
      <div className="yt-auth__top">
        <LangSwitch />
      </div>
      <Card className="yt-auth__card">
        <div className="yt-brand yt-auth__brand">
          <span className="yt-brand__mark">鱼</span>
          {t('app.name')}
        </div>
        <Typography.Title level={4} className="yt-auth__title">
          {title}
        </Typography.Title>
        {subtitle && <div className="yt-auth__subtitle">{subtitle}</div>}
        {children}
      </Card>
    </div>
  );
}

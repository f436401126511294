import { App as AntApp, ConfigProvider, Layout, Menu, Segmented, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { AuditPage } from '../access/audit-page';
import { KeysPage } from '../access/keys-page';
import { UsersPage } from '../access/users-page';
import { AudienceEditorPage } from '../audiences/audience-editor-page';
import { AudiencesPage } from '../audiences/audiences-page';
import { AccountMenu } from '../auth/account-menu';
import { RequirePermission } from '../auth/forbidden';
import { AuthGate, useCan, useSession } from '../auth/session';
import { GuideWorkbenchPage } from '../guides/guide-workbench-page';
import { GuidesPage } from '../guides/guides-page';
import { setLang, useLang } from '../i18n';
import { MemberPage } from '../members/member-page';
import { DeliveryPage } from '../pages/delivery-page';
import { EditorPage } from '../pages/editor-page';
import { JourneyRunsPage } from '../pages/journey-runs-page';
import { JourneysPage } from '../pages/journeys-page';
import { SettingsPage } from '../pages/settings-page';
import { CatalogProvider } from './catalog';
import { paths, useRoute } from './router';

// The 效果 tab carries the chart library: its own chunk, loaded when a journey's results are opened.
const ResultsPage = lazy(() => import('../results/results-page'));

const theme = {
  token: {
    colorPrimary: '#1f6feb',
    borderRadius: 8,
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Segoe UI", Roboto, sans-serif',
  },
};

export function LangSwitch() {
  const { lang } = useLang();
  return (
    <Segmented
      size="small"
      data-testid="lang-switch"
      value={lang}
      onChange={(v) => setLang(v as 'zh' | 'en')}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'EN', value: 'en' },
      ]}
    />
  );
}

function Shell() {
  const { t } = useTranslation();
  const route = useRoute();
  const canUsers = useCan('users.manage');
  const canKeys = useCan('keys.manage');
  const canAudit = useCan('audit.read');
  const canEvents = useCan('events.read');
  const canAudiences = useCan('audiences.read');
  const canGuides = useCan('guides.read');
  if (route.name === 'editor')
    return <EditorPage key={`${route.journeyId}:${route.version ?? ''}`} {...route} />;
  const selected =
    route.name === 'member'
      ? 'members'
      : route.name === 'journeyRuns' || route.name === 'journeyResults'
        ? 'journeys'
        : route.name === 'audience'
          ? 'audiences'
          : route.name;
  return (
    <Layout className="yt-shell">
      <Layout.Header className="yt-header">
        <a className="yt-brand" href={paths.journeys()}>
          <span className="yt-brand__mark">鱼</span>
          {t('app.name')}
        </a>
        <Menu
          mode="horizontal"
          selectedKeys={[selected]}
          className="yt-nav"
          items={[
            { key: 'journeys', label: <a href={paths.journeys()}>{t('nav.journeys')}</a> },
            ...(canAudiences
              ? [
                  {
                    key: 'audiences',
                    label: (
                      <a href={paths.audiences()} data-testid="nav-audiences">
                        {t('nav.audiences')}
                      </a>
                    ),
                  },
                ]
              : []),
            { key: 'members', label: <a href={paths.member()}>{t('nav.members')}</a> },
            ...(canEvents
              ? [
                  {
                    key: 'delivery',
                    label: (
                      <a href={paths.delivery()} data-testid="nav-delivery">
                        {t('nav.delivery')}
                      </a>
                    ),
                  },
                ]
              : []),
            {
              key: 'settings',
              label: (
                <a href={paths.settings()} data-testid="nav-settings">
                  {t('nav.settings')}
                </a>
              ),
            },
            // what this role may open; the API refuses the rest anyway
            ...(canGuides
              ? [
                  {
                    key: 'guides',
                    label: (
                      <a href={paths.guides()} data-testid="nav-guides">
                        {t('nav.guides')}
                      </a>
                    ),
                  },
                ]
              : []),
            ...(canUsers
              ? [
                  {
                    key: 'users',
                    label: (
                      <a href={paths.users()} data-testid="nav-users">
                        {t('nav.users')}
                      </a>
                    ),
                  },
                ]
              : []),
            ...(canKeys
              ? [
                  {
                    key: 'keys',
                    label: (
                      <a href={paths.keys()} data-testid="nav-keys">
                        {t('nav.keys')}
                      </a>
                    ),
                  },
                ]
              : []),
            ...(canAudit
              ? [
                  {
                    key: 'audit',
                    label: (
                      <a href={paths.audit()} data-testid="nav-audit">
                        {t('nav.audit')}
                      </a>
                    ),
                  },
                ]
              : []),
          ]}
        />
        <AccountMenu />
        <LangSwitch />
      </Layout.Header>
      <Layout.Content className="yt-content">
        {route.name === 'journeys' && <JourneysPage />}
        {route.name === 'journeyRuns' && <JourneyRunsPage journeyId={route.journeyId} />}
        {route.name === 'journeyResults' && (
          <Suspense fallback={<Spin className="yt-page-spin" data-testid="results-chunk-loading" />}>
            <ResultsPage key={route.journeyId} journeyId={route.journeyId} />
          </Suspense>
        )}
        {route.name === 'audiences' && (
          <RequirePermission permission="audiences.read">
            <AudiencesPage />
          </RequirePermission>
        )}
        {route.name === 'audience' && (
          <RequirePermission permission="audiences.read">
            <AudienceEditorPage key={route.id} id={route.id} />
          </RequirePermission>
        )}
        {route.name === 'member' && <MemberPage externalId={route.externalId} q={route.q} />}
        {route.name === 'delivery' && (
          <RequirePermission permission="events.read">
            <DeliveryPage />
          </RequirePermission>
        )}
        {route.name === 'settings' && <SettingsPage />}
        {route.name === 'users' && (
          <RequirePermission permission="users.manage">
            <UsersPage />
          </RequirePermission>
        )}
        {route.name === 'keys' && (
          <RequirePermission permission="keys.manage">
            <KeysPage />
          </RequirePermission>
        )}
        {route.name === 'guides' && (
          <RequirePermission permission="guides.read">
            <GuidesPage />
          </RequirePermission>
        )}
        {route.name === 'guide' && <GuideWorkbenchPage />}
        {route.name === 'audit' && (
          <RequirePermission permission="audit.read">
            <AuditPage />
          </RequirePermission>
        )}
      </Layout.Content>
    </Layout>
  );
}

/**
 * Guides land on their workbench: a phone page of their own, without the console (whose catalog of node
 * types and journeys is not theirs to read). Everyone else gets the console.
 */
function Landing() {
  const { session } = useSession();
  if (session.role === 'guide') {
    if (window.location.hash !== paths.guide()) window.history.replaceState(null, '', paths.guide());
    return <GuideWorkbenchPage />;
  }
  return (
    <CatalogProvider>
      <Shell />
    </CatalogProvider>
  );
}

export function AppShell() {
  const { lang } = useLang();
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={theme}>
      <AntApp>
        <AuthGate>
          <Landing />
        </AuthGate>
      </AntApp>
    </ConfigProvider>
  );
}

import { Layout, Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { AccountMenu } from '../auth/account-menu';
import { RequirePermission } from '../auth/forbidden';
import { useCan } from '../auth/session';
import { GuideWorkbenchPage } from '../guides/guide-workbench-page';
import { CatalogProvider } from './catalog';
import { LangSwitch } from './lang-switch';
import { PageSlot } from './lazy-page';
import {
  AudienceEditorPage,
  AudiencesPage,
  AuditPage,
  CouponsPage,
  DeliveryPage,
  EditorPage,
  GuidesPage,
  JourneyRunsPage,
  JourneysPage,
  KeysPage,
  MemberPage,
  ResultsPage,
  SettingsPage,
  TagsPage,
  UsersPage,
} from './pages';
import { paths, useRoute } from './router';

/**
 * The console of marketers, ops, viewers and admins: the header with what the role may open, and the page of
 * the route — each page a chunk of its own (./pages.ts), fetched when first opened.
 */
export function Console() {
  return (
    <CatalogProvider>
      <Shell />
    </CatalogProvider>
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
  const canCatalog = useCan('journeys.read');
  if (route.name === 'editor')
    return (
      <PageSlot>
        <EditorPage key={`${route.journeyId}:${route.version ?? ''}`} {...route} />
      </PageSlot>
    );
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
            ...(canCatalog
              ? [
                  {
                    key: 'coupons',
                    label: (
                      <a href={paths.coupons()} data-testid="nav-coupons">
                        {t('nav.coupons')}
                      </a>
                    ),
                  },
                  {
                    key: 'tags',
                    label: (
                      <a href={paths.tags()} data-testid="nav-tags">
                        {t('nav.tags')}
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
        <PageSlot>
          {route.name === 'journeys' && <JourneysPage />}
          {route.name === 'journeyRuns' && <JourneyRunsPage journeyId={route.journeyId} />}
          {route.name === 'journeyResults' && (
            <ResultsPage key={route.journeyId} journeyId={route.journeyId} />
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
          {route.name === 'coupons' && (
            <RequirePermission permission="journeys.read">
              <CouponsPage />
            </RequirePermission>
          )}
          {route.name === 'tags' && (
            <RequirePermission permission="journeys.read">
              <TagsPage />
            </RequirePermission>
          )}
          {route.name === 'audit' && (
            <RequirePermission permission="audit.read">
              <AuditPage />
            </RequirePermission>
          )}
        </PageSlot>
      </Layout.Content>
    </Layout>
  );
}

import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { AuthGate, useSession } from '../auth/session';
import { GuideWorkbenchPage } from '../guides/guide-workbench-page';
import { useLang } from '../i18n';
import { lazyPage, PageSlot } from './lazy-page';
import { paths } from './router';

const theme = {
  token: {
    colorPrimary: '#1f6feb',
    borderRadius: 8,
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Segoe UI", Roboto, sans-serif',
  },
};

/**
 * The console (header, menu, catalog) is a chunk of its own: a guide's phone never fetches it. The guide's
 * workbench is in the entry instead: a guide's first visit then waits for no chunk after the session answers
 * (one round trip less on 4G), and it weighs little beside what every page loads (npm run bench:bundle).
 */
const Console = lazyPage(() => import('./console').then((m) => m.Console));

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
    <PageSlot>
      <Console />
    </PageSlot>
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

import { Button, Result, Spin } from 'antd';
import { Component, type ComponentType, lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

const RELOAD_KEY = 'yutang.chunk-reload-at';

/**
 * A page in a chunk of its own, fetched the first time it is shown: a guide's phone never downloads the
 * canvas, and an admin page weighs nothing until an admin opens it.
 *
 * After a new build the old chunk names are gone (the server answers 404 for an unknown /assets file): the
 * first failure reloads the page once, which fetches the new index.html and its chunks. A second failure within
 * a minute is the network, not a build: the boundary says so with a button instead of reloading in a loop.
 *
 * @example
 * const AuditPage = lazyPage(() => import('../access/audit-page').then((m) => m.AuditPage));
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(() =>
    load().then(
      (page) => ({ default: page }),
      (err: unknown) => {
        if (reloadOnce()) return new Promise<never>(() => {});
        throw new ChunkLoadFailed(err);
      },
    ),
  );
}

/** A page's code could not be fetched: the one error the page slot handles itself. */
class ChunkLoadFailed extends Error {
  constructor(cause: unknown) {
    super(`a page of the app could not be loaded: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

function reloadOnce(): boolean {
  try {
    const last = Number(sessionStorage.getItem(RELOAD_KEY) ?? 0);
    if (Date.now() - last < 60_000) return false;
    sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
  } catch {
    return false;
  }
  window.location.reload();
  return true;
}

/** Where lazy pages render: a spinner while the chunk comes, a way out if it cannot. */
export function PageSlot({ children }: { children: ReactNode }) {
  return (
    <PageBoundary>
      <Suspense
        fallback={
          <div className="yt-center" data-testid="page-loading">
            <Spin />
          </div>
        }
      >
        {children}
      </Suspense>
    </PageBoundary>
  );
}

class PageBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    // any other error goes on up as before: a page's bug stays loud (the e2e suite fails on it)
    if (!(error instanceof ChunkLoadFailed)) throw error;
    return <LoadFailed />;
  }
}

function LoadFailed() {
  const { t } = useTranslation();
  return (
    <Result
      status="warning"
      title={t('shell.loadFailed')}
      subTitle={t('shell.loadFailedHint')}
      extra={
        <Button type="primary" onClick={() => window.location.reload()} data-testid="page-reload">
          {t('shell.reload')}
        </Button>
      }
    />
  );
}

import { Button, Result, Spin } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onSignedOut } from '../api/client';
import { lazyPage, PageSlot } from '../shell/lazy-page';
import { authApi, type Permission, type Session } from './auth-api';

// Pages for the moments before a session (sign-in, first start, links from mails): chunks of their own, so a
// signed-in visit fetches none of their forms.
const AcceptInvitePage = lazyPage(() => import('./accept-invite-page').then((m) => m.AcceptInvitePage));
const ResetPasswordPage = lazyPage(() => import('./reset-password-page').then((m) => m.ResetPasswordPage));
const SetupPage = lazyPage(() => import('./setup-page').then((m) => m.SetupPage));
const SignInPage = lazyPage(() => import('./sign-in-page').then((m) => m.SignInPage));
const VerifyEmailPage = lazyPage(() => import('./verify-email-page').then((m) => m.VerifyEmailPage));
const ProveAddress = lazyPage(() => import('./prove-address').then((m) => m.ProveAddress));

interface SessionState {
  session: Session;
  /** what the server says now (after a switch of workspace, a role change…) */
  reload(): Promise<void>;
  setSession(s: Session): void;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside <AuthGate>');
  return state;
}

/**
 * Whether the signed-in person may do this in their workspace. The API refuses it anyway; the UI uses
 * this to hide or disable the control instead of offering a button that fails.
 */
export function useCan(permission: Permission): boolean {
  return useContext(SessionContext)?.session.permissions.includes(permission) ?? false;
}

/** A link that works without a session: an invitation, a verification or a password-reset mail. */
type LinkPage = { kind: 'invite' | 'verify' | 'reset'; token: string };
const linkPage = (): LinkPage | null => {
  const m = /^#\/(invite|verify|reset)\/([\w-]+)/.exec(window.location.hash);
  return m ? { kind: m[1] as LinkPage['kind'], token: m[2] } : null;
};

/**
 * Nothing of the app before the server knows who this is: the first start asks for the administrator,
 * an invitation link for a password, everyone else signs in. A 401 later (session expired or revoked)
 * brings sign-in back. The app below re-mounts when the workspace changes, so every page reloads.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [session, setSession] = useState<Session | null>(null);
  const [failed, setFailed] = useState(false);
  const [link, setLink] = useState(linkPage);

  const reload = useCallback(async () => {
    try {
      setSession(await authApi.session());
      setFailed(false);
    } catch {
      setFailed(true);
    }
  }, []);

  useEffect(() => {
    void reload();
    onSignedOut(() => void reload());
    const onHash = () => setLink(linkPage());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [reload]);

  // Removed from the workspace this session was in, but still in others: go on in the first of those.
  useEffect(() => {
    if (session?.user && !session.workspace && session.workspaces.length > 0)
      authApi.switchWorkspace(session.workspaces[0].id).then(setSession, () => setFailed(true));
  }, [session]);

  const signedIn = (s: Session) => {
    setSession(s);
    if (linkPage()) window.location.hash = '#/journeys';
  };

  if (link?.kind === 'invite')
    return (
      <PageSlot>
        <AcceptInvitePage token={link.token} onDone={signedIn} />
      </PageSlot>
    );
  if (link?.kind === 'reset')
    return (
      <PageSlot>
        <ResetPasswordPage token={link.token} onDone={signedIn} />
      </PageSlot>
    );
  if (link?.kind === 'verify')
    return (
      <PageSlot>
        <VerifyEmailPage
          token={link.token}
          onLeave={() => {
            window.location.hash = '#/journeys';
            void reload();
          }}
        />
      </PageSlot>
    );
  if (failed && !session)
    return (
      <Result
        status="warning"
        title={t('auth.unreachable')}
        extra={<Button onClick={() => void reload()}>{t('auth.retry')}</Button>}
      />
    );
  if (!session)
    return (
      <div className="yt-center">
        <Spin />
      </div>
    );
  if (session.setupRequired)
    return (
      <PageSlot>
        <SetupPage onDone={signedIn} />
      </PageSlot>
    );
  if (!session.user)
    return (
      <PageSlot>
        <SignInPage onDone={signedIn} />
      </PageSlot>
    );
  if (!session.workspace && session.workspaces.length > 0)
    return (
      <div className="yt-center">
        <Spin />
      </div>
    );
  if (!session.workspace)
    return (
      <Result
        status="info"
        title={t('auth.noWorkspace')}
        subTitle={t(session.suspendedWorkspaces.length ? 'auth.suspended.hint' : 'auth.noWorkspaceHint')}
        extra={
          <>
            {session.suspendedWorkspaces.length > 0 && (
              <PageSlot>
                <ProveAddress
                  workspaces={session.suspendedWorkspaces.map((w) => ({ ...w, waiting: true }))}
                />
              </PageSlot>
            )}
            <Button onClick={() => void authApi.signOut().then(reload)} data-testid="sign-out">
              {t('auth.signOut')}
            </Button>
          </>
        }
      />
    );
  return (
    <SessionContext.Provider value={{ session, reload, setSession }}>
      <div key={session.workspace.id} style={{ display: 'contents' }}>
        {children}
      </div>
    </SessionContext.Provider>
  );
}

/**
 * Sign-in for the console: OpenID Connect's authorization-code flow with PKCE
 * (oidc-client-ts's UserManager), against Cognito's hosted UI on AWS and the
 * local platform's provider on `npm start`, both named by /config.json
 * (`auth.authority`, `auth.clientId`).
 *
 * - Sign-in goes to the provider and comes back to `/callback`, which is
 *   handled before the router renders (`startOidcSession`), then replaced by
 *   the page the user was on (kept in the request's state).
 * - Tokens are renewed with the refresh token before they expire
 *   (automaticSilentRenew; no iframe); when a renew fails, the console is
 *   signed out and the sign-in screen says why.
 * - Sign-out revokes the refresh token, forgets the tokens, and ends the
 *   provider's session (Cognito's /logout, or the provider's end-session
 *   endpoint), back to the console.
 *
 * The user shown (sub, username, groups) comes from the access token's claims
 * (token-claims.ts): the ones the API reads.
 */
import { UserManager, type User } from 'oidc-client-ts';
import type { RuntimeConfig } from '../config/runtime-config.js';
import type { Session } from './session.js';
import { userFromAccessToken } from './token-claims.js';

export const CALLBACK_PATH = '/callback';

/** What the app subscribes to: the current session, changing on sign-in, renewal and sign-out. */
export interface SessionStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): Session;
}

/** Only a path of this console is a place to return to (never another origin). */
export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

export function createUserManager(config: RuntimeConfig, origin: string): UserManager {
  return new UserManager({
    authority: config.auth.authority,
    client_id: config.auth.clientId,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: config.auth.scopes.join(' '),
    // Renew with the refresh token (the code flow gives one on Cognito and locally), never in an iframe.
    automaticSilentRenew: true,
    // Cognito revokes refresh tokens only (and with them their access tokens).
    revokeTokenTypes: ['refresh_token'],
    loadUserInfo: false,
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class OidcSessionStore implements SessionStore {
  private readonly listeners = new Set<() => void>();
  private session: Session;

  constructor(
    private readonly manager: UserManager,
    private readonly config: RuntimeConfig,
    private readonly win: Window,
    user: User | null,
    signedOutReason: string | undefined,
  ) {
    this.session = this.sessionOf(user, signedOutReason);
    manager.events.addUserLoaded((loaded) => this.set(loaded, undefined));
    manager.events.addSilentRenewError((error) => {
      void manager.removeUser();
      this.set(null, `Your session could not be renewed (${errorMessage(error)}). Sign in again.`);
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Session => this.session;

  private set(user: User | null, signedOutReason: string | undefined): void {
    this.session = this.sessionOf(user, signedOutReason);
    for (const listener of this.listeners) listener();
  }

  private sessionOf(user: User | null, signedOutReason: string | undefined): Session {
    return {
      user: user ? userFromAccessToken(user.access_token) : undefined,
      ...(signedOutReason ? { signedOutReason } : {}),
      accessToken: () => this.accessToken(),
      signIn: (returnTo) => this.manager.signinRedirect({ state: { returnTo: safeReturnTo(returnTo) } }),
      signOut: () => this.signOut(),
    };
  }

  private async accessToken(): Promise<string | undefined> {
    const user = await this.manager.getUser();
    if (!user) return undefined;
    if (!user.expired) return user.access_token;
    try {
      return (await this.manager.signinSilent())?.access_token;
    } catch (error) {
      await this.manager.removeUser();
      this.set(null, `Your session could not be renewed (${errorMessage(error)}). Sign in again.`);
      return undefined;
    }
  }

  private async signOut(): Promise<void> {
    const user = await this.manager.getUser();
    await this.manager.revokeTokens().catch(() => undefined);
    await this.manager.removeUser();
    this.set(null, undefined);
    const origin = this.win.location.origin;
    const { logoutUrl, clientId } = this.config.auth;
    if (logoutUrl) {
      // Cognito's hosted UI has no end-session endpoint in its discovery document: its /logout ends the session.
      const url = new URL(logoutUrl);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('logout_uri', `${origin}/`);
      this.win.location.assign(url.href);
      return;
    }
    await this.manager
      .signoutRedirect(user?.id_token ? { id_token_hint: user.id_token } : {})
      .catch(() => undefined);
  }
}

/**
 * The session at start: finishes a sign-in when the provider sent the browser
 * back to /callback (then shows the page it started from), else the stored
 * user, renewed if its access token has expired.
 */
export async function startOidcSession(config: RuntimeConfig, win: Window = window): Promise<SessionStore> {
  const manager = createUserManager(config, win.location.origin);
  let user: User | null = null;
  let reason: string | undefined;
  if (win.location.pathname === CALLBACK_PATH) {
    try {
      user = await manager.signinRedirectCallback();
      win.history.replaceState(null, '', safeReturnTo((user.state as { returnTo?: unknown })?.returnTo));
    } catch (error) {
      reason = `Sign-in did not complete (${errorMessage(error)}).`;
      win.history.replaceState(null, '', '/');
    }
  } else {
    user = await manager.getUser();
    if (user?.expired) {
      try {
        user = await manager.signinSilent();
      } catch (error) {
        await manager.removeUser();
        user = null;
        reason = `Your session could not be renewed (${errorMessage(error)}). Sign in again.`;
      }
    }
  }
  return new OidcSessionStore(manager, config, win, user, reason);
}

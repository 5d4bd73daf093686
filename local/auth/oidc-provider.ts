/**
 * The local platform's OpenID provider: what the Cognito hosted UI is on AWS,
 * so `gcr login` runs the same authorization-code flow with PKCE against
 * `npm start` as against a deployed stack. It is `oidc-provider` (a certified
 * implementation), configured here, never hand-written OAuth:
 *
 * - one public client for the CLI (`LOCAL_CLI_CLIENT_ID`, no secret, native:
 *   loopback redirect URIs `http://127.0.0.1:<any port>/callback`, RFC 8252)
 *   and, when the platform serves the web console, one for it
 *   (`LOCAL_WEB_CLIENT_ID`, no secret, web: redirect `<console>/callback`,
 *   sign-out back to `<console>/`), as the Cognito web app client on AWS;
 *   PKCE S256 required (public clients always need it in oidc-provider),
 *   refresh tokens always (as Cognito gives them to the code flow), rotated
 *   on use; the token endpoint answers the console's origin (CORS, from its
 *   redirect URI);
 * - a login page over the local users (`users.ts`, `<dataDir>/auth/users.json`);
 * - access tokens as JWTs signed with the data directory's key
 *   (`jwt.ts`), with the claims a Cognito access token has and the API reads:
 *   sub (the dev tokens' sub of the same user name), `cognito:groups`,
 *   username, client_id, token_use `access`, scope; `aud` the resource
 *   indicator `LOCAL_API_RESOURCE`;
 * - its own HTTP server on 127.0.0.1 (the issuer is its URL), kept in memory:
 *   a restart of the platform ends every login (`gcr login` again).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { PlatformInfo } from '#schemas/generated/types.js';
import { localSubFor, signingPrivateJwk, type AccessTokenIssuer } from './jwt.js';
import { checkLocalUserPassword, readLocalUsers } from './users.js';

export const LOCAL_CLI_CLIENT_ID = 'gcr-cli';
/** The web console's public client. */
export const LOCAL_WEB_CLIENT_ID = 'gcr-web';
/** The resource indicator of the local API: the `aud` of its access tokens. */
export const LOCAL_API_RESOURCE = 'urn:gcr:local-api';
/** Scopes the CLI asks for, the same as on Cognito (whose hosted UI knows no offline_access). */
export const LOCAL_SCOPES = ['openid', 'email', 'profile'];
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export interface LocalOidcOptions {
  dataDir: string;
  host: string;
  /** Access-token lifetime (tests make it short to see a refresh); default one hour, as Cognito's. */
  accessTokenTtlSeconds?: number;
  /** The web console's origin (http://127.0.0.1:3001) when the platform serves it: its client is registered. */
  consoleOrigin?: string;
  log?: (message: string) => void;
}

/** What platform.json announces (`auth`): the issuer, its endpoints and the client. */
export type LocalOidcInfo = NonNullable<PlatformInfo['auth']>;

export interface LocalOidc {
  info: LocalOidcInfo;
  /** What the gateway checks a login's access token against. */
  accessTokens: AccessTokenIssuer;
  close(): Promise<void>;
}

async function userBySub(
  dataDir: string,
  sub: string,
): Promise<{ name: string; groups: string[] } | undefined> {
  const { users } = await readLocalUsers(dataDir);
  for (const [name, user] of Object.entries(users)) {
    if (localSubFor(name) === sub) return { name, groups: user.groups };
  }
  return undefined;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, message?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gcr local sign-in</title></head>
<body>
<h1>GEOS-Chem Cloud Runner (local)</h1>
${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login">
<label>Username <input name="username" autocomplete="username" autofocus required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<p>Users: <code>npm run local:users -- add NAME --groups admin</code></p>
</body></html>`;
}

/** The end-session page: submits its form (oidc-provider's, with its CSRF token) with logout=yes at once. */
async function signOutPage(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gcr local sign-out</title></head>
<body>
<h1>Signing out</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<script>
const form = document.getElementById('op.logoutForm');
const yes = Object.assign(document.createElement('input'), { type: 'hidden', name: 'logout', value: 'yes' });
form.appendChild(yes);
form.submit();
</script>
</body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 16_384) break;
  }
  return new URLSearchParams(text);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

/** The login page (GET) and its form (POST): the provider's interaction, over the local users. */
async function interaction(provider: Provider, dataDir: string, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    // The CLI and the console are first-party: consent is given here, for every scope.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({
          clientId: String(details.params['client_id']),
          accountId: details.session?.accountId ?? '',
        });
    if (!grant) throw new Error('the grant of this sign-in has expired');
    grant.addOIDCScope([...LOCAL_SCOPES, 'offline_access'].join(' '));
    grant.addResourceScope(LOCAL_API_RESOURCE, [...LOCAL_SCOPES, 'offline_access'].join(' '));
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
    return;
  }
  if (req.method === 'GET') {
    sendHtml(res, 200, loginPage(details.uid));
    return;
  }
  const form = await readForm(req);
  const username = form.get('username') ?? '';
  const user = await checkLocalUserPassword(dataDir, username, form.get('password') ?? '');
  if (!user) {
    sendHtml(res, 401, loginPage(details.uid, 'Wrong user name or password.'));
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: localSubFor(username) } },
    { mergeWithLastSubmission: false },
  );
}

/** Starts the provider on its own port of `host`; its URL is the issuer. */
export async function startLocalOidc(options: LocalOidcOptions): Promise<LocalOidc> {
  const { dataDir } = options;
  const accessTokenTTL = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server: Server = createServer((req, res) => handle(req, res));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve((server.address() as AddressInfo).port));
  });
  const issuer = `http://${options.host}:${port}`;
  const scopes = [...LOCAL_SCOPES, 'offline_access'];

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: LOCAL_CLI_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`http://127.0.0.1/callback`],
        id_token_signed_response_alg: 'ES256',
      },
      ...(options.consoleOrigin
        ? [
            {
              client_id: LOCAL_WEB_CLIENT_ID,
              application_type: 'web' as const,
              token_endpoint_auth_method: 'none' as const,
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code' as const],
              redirect_uris: [`${options.consoleOrigin}/callback`],
              post_logout_redirect_uris: [`${options.consoleOrigin}/`],
              id_token_signed_response_alg: 'ES256',
            },
          ]
        : []),
    ],
    jwks: { keys: [await signingPrivateJwk(dataDir)] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['cognito:username'],
    },
    features: {
      devInteractions: { enabled: false },
      // A public client revokes its own refresh token (gcr logout), as on Cognito.
      revocation: { enabled: true, allowedPolicy: async () => true },
      // The console's sign-out ends the provider's session at once, as Cognito's /logout does (no question asked).
      rpInitiatedLogout: { enabled: true, logoutSource: signOutPage },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => LOCAL_API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== LOCAL_API_RESOURCE) throw new Provider.errors.InvalidTarget();
          return {
            scope: scopes.join(' '),
            accessTokenFormat: 'jwt',
            accessTokenTTL,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
    ttl: {
      AccessToken: accessTokenTTL,
      IdToken: accessTokenTTL,
      RefreshToken: REFRESH_TOKEN_TTL_SECONDS,
      Session: REFRESH_TOKEN_TTL_SECONDS,
      Grant: REFRESH_TOKEN_TTL_SECONDS,
      Interaction: 600,
    },
    // As Cognito: the code flow always gets a refresh token, and it outlives the browser session.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: true,
    findAccount: async (_ctx: unknown, sub: string) => {
      const user = await userBySub(dataDir, sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          'cognito:username': user.name,
          email: `${user.name}@local`,
          email_verified: true,
        }),
      };
    },
    // The claims of a Cognito access token that the API reads; groups read at each issue, so a refresh sees changes.
    extraTokenClaims: async (_ctx: unknown, token: { accountId?: string; kind?: string }) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const user = await userBySub(dataDir, token.accountId);
      if (!user) return undefined;
      return {
        token_use: 'access',
        username: user.name,
        'cognito:username': user.name,
        ...(user.groups.length > 0 ? { 'cognito:groups': user.groups } : {}),
      };
    },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>gcr local sign-in</title><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`;
    },
  });
  provider.on('server_error', (_ctx: unknown, error: Error) =>
    options.log?.(`OpenID provider: ${error.stack}`),
  );
  const callback = provider.callback();
  handle = (req, res) => {
    const match = /^\/interaction\/([^/?]+)(\/login)?(?:\?.*)?$/.exec(req.url ?? '');
    if (!match) {
      callback(req, res);
      return;
    }
    interaction(provider, dataDir, req, res).catch((error: unknown) => {
      options.log?.(`OpenID provider login page: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent)
        sendHtml(res, 400, `<p>${escapeHtml((error as Error).message)}: start again with gcr login</p>`);
    });
  };

  const info: LocalOidcInfo = {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    revocationUrl: `${issuer}/token/revocation`,
    jwksUrl: `${issuer}/jwks`,
    clientId: LOCAL_CLI_CLIENT_ID,
    scopes: LOCAL_SCOPES,
  };
  return {
    info,
    accessTokens: {
      issuer,
      clientIds: [LOCAL_CLI_CLIENT_ID, ...(options.consoleOrigin ? [LOCAL_WEB_CLIENT_ID] : [])],
      audience: LOCAL_API_RESOURCE,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

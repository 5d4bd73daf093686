/**
 * `gcr login` and `gcr logout`: sign in with the profile's provider (Cognito's
 * hosted UI, or the local platform's OpenID provider) by the authorization-code
 * flow with PKCE, and keep the tokens under the config dir (cli/auth/).
 */
import { createInterface } from 'node:readline/promises';
import { decodeJwt } from 'jose';
import { openBrowser } from '../auth/browser.js';
import { startLoopback } from '../auth/loopback.js';
import {
  authorizationRequest,
  CALLBACK_PATH,
  codeFromRedirect,
  DEFAULT_CALLBACK_PORT,
  exchangeCode,
  revokeToken,
} from '../auth/oauth.js';
import { endpointsFor } from '../auth/session.js';
import { deleteCachedLogin, readCachedLogin, writeCachedLogin } from '../auth/token-cache.js';
import type { CommandContext, RegisterCommand } from '../context.js';

/** Reads one line the user types (`gcr login --manual`, a purge's confirmation); `ctx.io.readLine` in tests. */
export async function askLine(ctx: CommandContext, prompt: string): Promise<string> {
  if (ctx.io.readLine) return ctx.io.readLine(prompt);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
}

function usernameOf(idToken: string | undefined, accessToken: string): string | undefined {
  for (const token of [idToken, accessToken]) {
    if (!token) continue;
    const claims = decodeJwt(token);
    const name = claims['cognito:username'] ?? claims['username'] ?? claims['email'];
    if (typeof name === 'string') return name;
  }
  return undefined;
}

async function login(ctx: CommandContext, opts: { browser: boolean; manual?: boolean }): Promise<void> {
  const { name, profile } = await ctx.profile();
  const endpoints = await endpointsFor(name, profile, ctx.dataDir());
  const loopback = opts.manual ? undefined : await startLoopback(endpoints.callbackPort);
  const interrupt = ctx.interruptible();
  try {
    const redirectUri =
      loopback?.redirectUri ??
      `http://127.0.0.1:${endpoints.callbackPort || DEFAULT_CALLBACK_PORT}${CALLBACK_PATH}`;
    const request = authorizationRequest(endpoints, redirectUri);
    let redirected: string;
    if (loopback) {
      const opened = opts.browser && (await openBrowser(request.url, ctx.io.env));
      ctx.io.stderr.write(
        `${opened ? 'Your browser is open to sign in. If it is not, open' : 'Open this URL to sign in'}:\n\n  ${request.url}\n\nWaiting for the sign-in to finish (Ctrl-C to stop)...\n`,
      );
      redirected = await loopback.redirected(interrupt.signal);
    } else {
      ctx.io.stderr.write(
        `Open this URL in a browser on any machine and sign in:\n\n  ${request.url}\n\nThe browser then goes to ${redirectUri}?code=... and shows an error page (nothing listens there): copy that address from the address bar.\n`,
      );
      redirected = await askLine(ctx, 'Paste the address here: ');
    }
    const code = codeFromRedirect(redirected, request);
    const tokens = await exchangeCode(endpoints, request, code, ctx.tokenHttp());
    const username = usernameOf(tokens.idToken, tokens.accessToken);
    const file = await writeCachedLogin(ctx.io.env, {
      profile: name,
      tokenUrl: endpoints.tokenUrl,
      ...(endpoints.revocationUrl ? { revocationUrl: endpoints.revocationUrl } : {}),
      clientId: endpoints.clientId,
      accessToken: tokens.accessToken,
      ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
      expiresAt: new Date(tokens.expiresAt).toISOString(),
      ...(username ? { username } : {}),
    });
    if (ctx.json) {
      ctx.outJson({
        profile: name,
        username: username ?? null,
        expiresAt: new Date(tokens.expiresAt).toISOString(),
        file,
      });
      return;
    }
    ctx.out(`Logged in${username ? ` as ${username}` : ''} (profile ${name}); tokens kept in ${file}`);
  } finally {
    interrupt.dispose();
    await loopback?.close();
  }
}

async function logout(ctx: CommandContext): Promise<void> {
  const { name } = await ctx.profile();
  const cached = await readCachedLogin(ctx.io.env, name);
  const revoked =
    cached?.refreshToken !== undefined && cached.revocationUrl !== undefined
      ? await revokeToken(
          { revocationUrl: cached.revocationUrl, clientId: cached.clientId },
          cached.refreshToken,
          ctx.tokenHttp(),
        )
      : false;
  const removed = await deleteCachedLogin(ctx.io.env, name);
  if (ctx.json) {
    ctx.outJson({ profile: name, loggedOut: removed, revoked });
    return;
  }
  ctx.out(
    removed
      ? `Logged out of profile ${name}${revoked ? ' (refresh token revoked)' : ''}`
      : `Not logged in to profile ${name}: nothing to do`,
  );
}

export const registerLogin: RegisterCommand = (program, ctx) => {
  program
    .command('login')
    .description(
      "sign in with the profile's provider (Cognito hosted UI, or the local platform's) and keep the tokens",
    )
    .option('--no-browser', 'print the sign-in URL instead of opening a browser')
    .option('--manual', 'for SSH sessions: sign in on any machine and paste the redirected address back')
    .action(async (opts: { browser: boolean; manual?: boolean }) => {
      await login(ctx, opts);
    });
  program
    .command('logout')
    .description("delete the profile's login (and revoke its refresh token)")
    .action(async () => {
      await logout(ctx);
    });
};

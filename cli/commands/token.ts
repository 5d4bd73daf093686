/** `gcr token <user>`: sign a token with the local platform's key (for curl, scripts, the web console). */
import { jwtExpiry, loadLocalSigner } from '../config.js';
import type { RegisterCommand } from '../context.js';
import { AuthError, UsageError } from '../errors.js';
import { nonEmpty, positiveInteger } from '../options.js';

export const registerToken: RegisterCommand = (program, ctx) => {
  program
    .command('token')
    .description("sign an API token for a user with the local platform's key (in the data directory)")
    .argument('<user>', 'user id to put in the token (its sub)', nonEmpty('user'))
    .option('--admin', 'put the user in the admin group (may see and cancel every simulation)')
    .option('--ttl <seconds>', 'lifetime of the token in seconds', positiveInteger('--ttl'))
    .action(async (user: string, opts: { admin?: boolean; ttl?: number }) => {
      const dataDir = ctx.dataDir();
      const groups = opts.admin ? ['admin'] : [];
      const sign = ctx.io.signLocalToken ?? (await loadLocalSigner());
      let token: string;
      try {
        token = await sign(dataDir, {
          user,
          groups,
          ...(opts.ttl !== undefined ? { ttlSeconds: opts.ttl } : {}),
        });
      } catch (error) {
        if (error instanceof AuthError) throw error;
        // The signer refuses bad user names and lifetimes with a RangeError: a command-line problem.
        if (error instanceof RangeError) throw new UsageError(error.message);
        throw new AuthError(`cannot sign a token in ${dataDir}: ${(error as Error).message}`, {
          code: 'SigningFailed',
          cause: error,
        });
      }
      if (ctx.json) {
        const expiresAt =
          jwtExpiry(token) ??
          (opts.ttl !== undefined ? new Date(ctx.now().getTime() + opts.ttl * 1000).toISOString() : null);
        ctx.outJson({ token, user, groups, expiresAt });
        return;
      }
      ctx.out(token);
    });
};

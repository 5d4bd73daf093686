/**
 * `gcr token <user>`: a token from the running local platform of the data
 * directory, through its token route (for curl, scripts, the web console).
 */
import type { LocalTokenRequest } from '#schemas/generated/types.js';
import { requestLocalToken } from '../api-client.js';
import { localPlatformHint, runningPlatform } from '../config.js';
import type { RegisterCommand } from '../context.js';
import { ApiError, AuthError, UsageError } from '../errors.js';
import { nonEmpty, positiveInteger } from '../options.js';

export const registerToken: RegisterCommand = (program, ctx) => {
  program
    .command('token')
    .description('get an API token for a user from the local platform running in the data directory')
    .argument('<user>', 'user id to put in the token (its sub)', nonEmpty('user'))
    .option('--admin', 'put the user in the admin group (may see and cancel every simulation)')
    .option('--ttl <seconds>', 'lifetime of the token in seconds', positiveInteger('--ttl'))
    .action(async (user: string, opts: { admin?: boolean; ttl?: number }) => {
      const dataDir = ctx.dataDir();
      const groups = opts.admin ? ['admin'] : [];
      const platform = await runningPlatform(
        dataDir,
        'start it with `npm start` (the token comes from the running platform)',
      );
      const request: LocalTokenRequest = {
        user,
        groups,
        ...(opts.ttl !== undefined ? { ttlSeconds: opts.ttl } : {}),
      };
      let answer;
      try {
        answer = await requestLocalToken(platform.tokenUrl, request, {
          ...ctx.http(),
          headers: platform.tokenHeaders,
          unreachableHint: localPlatformHint(dataDir, 'Start it with `npm start`'),
        });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // A user name or lifetime the platform refuses: a command-line problem.
        if (error.httpStatus === 400) throw new UsageError(error.message, { issues: error.issues });
        throw new AuthError(`cannot get a token from the local platform in ${dataDir}: ${error.message}`, {
          code: 'SigningFailed',
          httpStatus: error.httpStatus,
          cause: error,
        });
      }
      if (ctx.json) {
        ctx.outJson({ token: answer.token, user, groups, expiresAt: answer.expiresAt });
        return;
      }
      ctx.out(answer.token);
    });
};

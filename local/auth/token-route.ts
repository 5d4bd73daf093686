/**
 * `POST /local/tokens`: dev tokens from the running local platform, so the CLI
 * and scripts ask for one over HTTP instead of signing with the platform's key
 * themselves. A route of the local platform itself: no serverless.yml declares
 * it, nothing deploys it, and the gateway answers it to loopback clients only
 * (local/http/api-gateway.ts).
 *
 * Loopback is not enough on a machine with other users: each start makes a
 * secret, written only to `<dataDir>/platform.json` (0600, in a 0700
 * directory), and a request must carry it in the header that file names
 * (`tokenSecretHeader`), so only the owner of the data directory mints tokens.
 * Without it: 403, before the body is read.
 *
 * Body: LocalTokenRequest `{ user, groups?, ttlSeconds? }`
 * (schemas/local/token-request.schema.json). Answer: 200 LocalTokenResponse
 * `{ token, expiresAt }`, or 400 naming the field (body, user, groups.N,
 * ttlSeconds) in the API's error format.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { decodeJwt } from 'jose';
import type {
  ErrorResponse,
  FieldIssue,
  LocalTokenRequest,
  LocalTokenResponse,
} from '#schemas/generated/types.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import { signLocalToken, TokenRequestError } from './jwt.js';

export const LOCAL_TOKEN_PATH = '/local/tokens';
/** The header carrying the per-start secret; platform.json names it too, so clients need no copy of it. */
export const TOKEN_SECRET_HEADER = 'X-Gcr-Token-Secret';

/** A new secret for this start of the platform. */
export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

const validateRequest = validatorFor<LocalTokenRequest>(
  'https://gcr.dev/schemas/local/token-request.schema.json',
);

export interface TokenAnswer {
  statusCode: 200 | 400 | 403;
  body: LocalTokenResponse | ErrorResponse;
}

function secretMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The route: the secret first (403 naming the header without it), then the
 * token the body asks for.
 */
export async function answerTokenRequest(
  dataDir: string,
  secret: string,
  request: { body: string; headers: IncomingHttpHeaders },
): Promise<TokenAnswer> {
  if (!secretMatches(secret, request.headers[TOKEN_SECRET_HEADER.toLowerCase()])) {
    return {
      statusCode: 403,
      body: {
        error: {
          code: 'Forbidden',
          message: `${LOCAL_TOKEN_PATH} issues tokens to the owner of the data directory only`,
          issues: [
            {
              field: `headers.${TOKEN_SECRET_HEADER.toLowerCase()}`,
              message: `must be the tokenSecret of ${dataDir}/platform.json (readable by its owner only)`,
            },
          ],
        },
      },
    };
  }
  return issueLocalToken(dataDir, request.body);
}

function refused(issues: FieldIssue[]): TokenAnswer {
  return {
    statusCode: 400,
    body: { error: { code: 'ValidationError', message: 'the token request is invalid', issues } },
  };
}

/** Signs the token a request body asks for with the data directory's key, or says which field is wrong. */
export async function issueLocalToken(dataDir: string, text: string): Promise<TokenAnswer> {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    return refused([{ field: 'body', message: 'must be a JSON object such as {"user": "alice"}' }]);
  }
  if (!validateRequest(request)) return refused(issuesFromAjv(validateRequest.errors));
  let token: string;
  try {
    token = await signLocalToken(dataDir, request);
  } catch (error) {
    if (error instanceof TokenRequestError) return refused([{ field: error.field, message: error.issue }]);
    throw error;
  }
  const { exp } = decodeJwt(token);
  return { statusCode: 200, body: { token, expiresAt: new Date(Number(exp) * 1000).toISOString() } };
}

/**
 * `POST /local/tokens`: dev tokens from the running local platform, so the CLI
 * and scripts ask for one over HTTP instead of signing with the platform's key
 * themselves. A route of the local platform itself: no serverless.yml declares
 * it, nothing deploys it, and the gateway answers it to loopback clients only
 * (local/http/api-gateway.ts).
 *
 * Body: LocalTokenRequest `{ user, groups?, ttlSeconds? }`
 * (schemas/local/token-request.schema.json). Answer: 200 LocalTokenResponse
 * `{ token, expiresAt }`, or 400 naming the field (body, user, groups.N,
 * ttlSeconds) in the API's error format.
 */
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

const validateRequest = validatorFor<LocalTokenRequest>(
  'https://gcr.dev/schemas/local/token-request.schema.json',
);

export interface TokenAnswer {
  statusCode: 200 | 400;
  body: LocalTokenResponse | ErrorResponse;
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

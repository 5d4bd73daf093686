/** POST /local/tokens's answers, from the request body to the token the platform verifies. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { clearSigningKeyCache, verifyLocalToken } from '#local/auth/jwt.js';
import { answerTokenRequest, issueLocalToken, newTokenSecret } from '#local/auth/token-route.js';
import { validatorFor } from '#schemas/validator.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-token-route-'));
});

afterEach(async () => {
  clearSigningKeyCache();
  await fs.rm(dataDir, { recursive: true, force: true });
});

const isResponse = validatorFor('https://gcr.dev/schemas/local/token-response.schema.json');
const isError = validatorFor('https://gcr.dev/schemas/api/error-response.schema.json');

async function refusal(body: string) {
  const answer = await issueLocalToken(dataDir, body);
  expect(answer.statusCode).toBe(400);
  expect(isError(answer.body)).toBe(true);
  return (answer.body as { error: { issues: { field: string; message: string }[] } }).error.issues;
}

describe('issueLocalToken', () => {
  it('signs a token the platform verifies, with the groups, and says when it expires', async () => {
    const before = Date.now();
    const answer = await issueLocalToken(
      dataDir,
      JSON.stringify({ user: 'erin', groups: ['admin'], ttlSeconds: 600 }),
    );
    expect(answer.statusCode).toBe(200);
    expect(isResponse(answer.body)).toBe(true);
    const { token, expiresAt } = answer.body as { token: string; expiresAt: string };
    const claims = await verifyLocalToken(dataDir, token);
    expect(claims['cognito:username']).toBe('erin');
    expect(claims['cognito:groups']).toEqual(['admin']);
    expect(Date.parse(expiresAt)).toBe(claims.exp * 1000);
    expect(claims.exp * 1000 - before).toBeGreaterThan(598_000);
    expect(claims.exp * 1000 - before).toBeLessThanOrEqual(601_000);
  });

  it('defaults to no groups and a 12 h lifetime', async () => {
    const answer = await issueLocalToken(dataDir, '{"user":"bob"}');
    const { token } = answer.body as { token: string };
    const claims = await verifyLocalToken(dataDir, token);
    expect(claims['cognito:groups']).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(12 * 3600);
  });

  it('answers 400 naming the body when it is not JSON, or not an object', async () => {
    expect(await refusal('user=alice')).toEqual([
      { field: 'body', message: expect.stringMatching(/JSON object/) },
    ]);
    expect(await refusal('')).toEqual([expect.objectContaining({ field: 'body' })]);
    expect(await refusal('[1]')).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('answers 400 naming the user when it is missing, empty or not a valid user name', async () => {
    expect(await refusal('{}')).toEqual([{ field: 'user', message: 'is required' }]);
    expect(await refusal('{"user":""}')).toEqual([{ field: 'user', message: 'must not be empty' }]);
    expect(await refusal('{"user":42}')).toEqual([{ field: 'user', message: 'must be a string' }]);
    expect(await refusal('{"user":"has space"}')).toEqual([
      { field: 'user', message: expect.stringMatching(/^"has space" is not a valid user name/) },
    ]);
  });

  it('answers 400 naming ttlSeconds, a bad group, or an unknown field', async () => {
    expect(await refusal('{"user":"a","ttlSeconds":0}')).toEqual([
      { field: 'ttlSeconds', message: 'must be at least 1' },
    ]);
    expect(await refusal('{"user":"a","ttlSeconds":1.5}')).toEqual([
      { field: 'ttlSeconds', message: 'must be a whole number' },
    ]);
    expect(await refusal('{"user":"a","groups":["ok","two words"]}')).toEqual([
      { field: 'groups.1', message: expect.stringMatching(/is not a valid group name/) },
    ]);
    expect(await refusal('{"user":"a","admin":true}')).toEqual([
      { field: 'body', message: expect.stringMatching(/unknown field "admin"/) },
    ]);
  });
});

describe('The local data dir is world-readable: POST /local/tokens wants the per-start secret', () => {
  const secret = newTokenSecret();
  const body = '{"user":"mallory","groups":["admin"]}';

  it.each([
    ['without the header', {}],
    ['with another secret', { 'x-gcr-token-secret': newTokenSecret() }],
    ['with a prefix of it', { 'x-gcr-token-secret': secret.slice(0, 10) }],
  ])('answers 403 naming the header %s, and signs nothing', async (_case, headers) => {
    const answer = await answerTokenRequest(dataDir, secret, { body, headers });
    expect(answer.statusCode).toBe(403);
    expect(isError(answer.body)).toBe(true);
    expect(answer.body).toEqual({
      error: {
        code: 'Forbidden',
        message: '/local/tokens issues tokens to the owner of the data directory only',
        issues: [{ field: 'headers.x-gcr-token-secret', message: expect.stringContaining('platform.json') }],
      },
    });
  });

  it('signs the token asked for when the header carries the secret', async () => {
    const answer = await answerTokenRequest(dataDir, secret, {
      body,
      headers: { 'x-gcr-token-secret': secret },
    });
    expect(answer.statusCode).toBe(200);
    const claims = await verifyLocalToken(dataDir, (answer.body as { token: string }).token);
    expect(claims['cognito:username']).toBe('mallory');
  });

  it('makes a different secret at every start, long enough not to be guessed', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => newTokenSecret()));
    expect(secrets.size).toBe(20);
    for (const s of secrets) expect(s.length).toBeGreaterThanOrEqual(43);
  });
});

/**
 * The authorization matrix: every route of the API (every `httpApi` event of
 * every services/<name>/serverless.yml, read by scripts/fuzz/api-routes.ts, so
 * a new route cannot be missed) x every kind of caller, against the real local
 * platform (its gateway runs the JWT authorizer as API Gateway does). Each
 * cell has its expected status, and no caller reads anything of another
 * owner's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { localSubFor } from '#local/auth/jwt.js';
import { apiRoutes, fillPath } from '#scripts/fuzz/api-routes.js';
import { hostileTokens } from '#test/helpers/hostile-tokens.js';
import { api, startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';
import {
  platformStores,
  writeFinishedRun,
  type WrittenRun,
} from '#test/integration/services/results-processor/api/results-fixtures.js';

const OWNER = 'matrix-owner';
type Caller =
  | 'no token'
  | 'expired'
  | 'bad signature'
  | 'wrong audience'
  | 'other owner'
  | 'group "x,admin"'
  | 'admin'
  | 'owner';
const CALLERS: Caller[] = [
  'no token',
  'expired',
  'bad signature',
  'wrong audience',
  'other owner',
  'group "x,admin"',
  'admin',
  'owner',
];

/**
 * What each route answers the owner, another signed-in user and an admin, for
 * the owner's finished run (SUCCEEDED, results READY, no job log). Refused
 * tokens always get the gateway's 401; routes without the authorizer answer
 * everyone alike. "Another user" includes a user of a group named "x,admin".
 */
const EXPECTED: Record<string, { owner: number[]; other: number[]; admin: number[] }> = {
  'GET /health': { owner: [200], other: [200], admin: [200] },
  'GET /openapi.json': { owner: [200], other: [200], admin: [200] },
  'POST /simulations': { owner: [201], other: [201], admin: [201] },
  'POST /simulation-plans': { owner: [200], other: [200], admin: [200] },
  'POST /estimates': { owner: [200], other: [200], admin: [200] },
  'GET /simulations': { owner: [200], other: [200], admin: [200] },
  'GET /simulations/{id}': { owner: [200], other: [404], admin: [200] },
  'GET /simulations/{id}/inputs': { owner: [200], other: [404], admin: [200] },
  'GET /simulations/{id}/rundir': { owner: [200], other: [404], admin: [200] },
  'GET /simulations/{id}/rundir/{path}': { owner: [200], other: [404], admin: [200] },
  'POST /simulations/{id}/cancel': { owner: [409], other: [404], admin: [409] },
  // Pause and resume of the (finished) simulation: 409 with its status, whoever may see it.
  'POST /simulations/{id}/pause': { owner: [409], other: [404], admin: [409] },
  'POST /simulations/{id}/resume': { owner: [409], other: [404], admin: [409] },
  'GET /simulations/{id}/logs': { owner: [409], other: [404], admin: [409] },
  'GET /simulations/{id}/results': { owner: [200], other: [404], admin: [200] },
  'GET /simulations/{id}/cost': { owner: [200], other: [404], admin: [200] },
  'GET /costs': { owner: [200], other: [200], admin: [200] },
  'GET /budgets': { owner: [200], other: [200], admin: [200] },
  'PUT /budgets': { owner: [200], other: [200], admin: [200] },
  // Each caller's own budget: 204 once PUT /budgets has set it, 404 before.
  'DELETE /budgets': { owner: [204, 404], other: [204, 404], admin: [204, 404] },
  // The first accepted request makes the next a 409 until it is processed.
  'POST /simulations/{id}/results': { owner: [202, 409], other: [404], admin: [202, 409] },
  'GET /simulations/{id}/results/files/{key+}': { owner: [200], other: [404], admin: [200] },
  'POST /simulations/{id}/compare/{otherId}': { owner: [200], other: [404], admin: [200] },
  // Subscriptions are their owner's alone; an admin manages only their own too.
  'GET /subscriptions': { owner: [200], other: [200], admin: [200] },
  'POST /subscriptions': { owner: [201], other: [201], admin: [201] },
  'DELETE /subscriptions/{id}': { owner: [204], other: [404], admin: [404] },
  'POST /subscriptions/{id}/test': { owner: [200], other: [404], admin: [404] },
  'POST /subscriptions/{id}/secret': { owner: [200], other: [404], admin: [404] },
  // Slurm sites: everyone lists them, only admins change them (a non-admin's 403 comes before any lookup).
  'GET /sites': { owner: [200], other: [200], admin: [200] },
  'POST /sites': { owner: [403], other: [403], admin: [200] },
  'DELETE /sites/{name}': { owner: [403], other: [403], admin: [204, 404] },
  'POST /sites/{name}/credentials': { owner: [403], other: [403], admin: [201, 404] },
  'DELETE /sites/{name}/credentials/{credentialId}': { owner: [403], other: [403], admin: [404] },
  // A site's agent's routes: no JWT authorizer, a site credential (gcrsite_...) or 401, whoever's token it is.
  'POST /sites/{name}/session': { owner: [401], other: [401], admin: [401] },
  'POST /sites/{name}/transfers': { owner: [401], other: [401], admin: [401] },
  'POST /sites/{name}/reports': { owner: [401], other: [401], admin: [401] },
  // Ensembles are their owner's (an admin sees any); a member's or a run's retry needs it FAILED or TIMED_OUT.
  'POST /ensembles': { owner: [201], other: [201], admin: [201] },
  'GET /ensembles/{id}': { owner: [200], other: [404], admin: [200] },
  'GET /ensembles/{id}/members': { owner: [200], other: [404], admin: [200] },
  'GET /ensembles/{id}/results': { owner: [200], other: [404], admin: [200] },
  'POST /ensembles/{id}/cancel': { owner: [202], other: [404], admin: [202] },
  'POST /ensembles/{id}/retry': { owner: [202], other: [404], admin: [202] },
  'POST /ensembles/{id}/pause': { owner: [202], other: [404], admin: [202] },
  'POST /ensembles/{id}/resume': { owner: [202], other: [404], admin: [202] },
  'POST /simulations/{id}/retry': { owner: [409], other: [404], admin: [409] },
  // Campaigns are their owner's (an admin sees any); GET /campaigns lists the caller's own.
  'POST /campaigns': { owner: [201], other: [201], admin: [201] },
  'GET /campaigns': { owner: [200], other: [200], admin: [200] },
  'GET /campaigns/{id}': { owner: [200], other: [404], admin: [200] },
  'POST /campaigns/{id}/pause': { owner: [202], other: [404], admin: [202] },
  'POST /campaigns/{id}/resume': { owner: [202], other: [404], admin: [202] },
  'POST /campaigns/{id}/cancel': { owner: [202], other: [404], admin: [202] },
  // Purge: without ?confirm=<id> nothing is deleted (400 naming query.confirm); 409 while anything in it runs
  // (the ensemble's members and the campaign's stage 0 may still be CANCELLING after the cancels above).
  'DELETE /simulations/{id}': { owner: [400], other: [404], admin: [400] },
  'DELETE /ensembles/{id}': { owner: [400, 409], other: [404], admin: [400, 409] },
  'DELETE /campaigns/{id}': { owner: [400, 409], other: [404], admin: [400, 409] },
  // Email's one-click unsubscribe: no token, the link's signature decides (none here: 404); GET shows a form.
  'GET /unsubscribe': { owner: [200], other: [200], admin: [200] },
  'POST /unsubscribe': { owner: [404], other: [404], admin: [404] },
};

let platform: RunningPlatform;
let tokens: Record<Caller, string | undefined>;
let run: WrittenRun;
let other: WrittenRun;
/** A run of its own for POST .../results: the processing it starts must not touch the others' results. */
let reprocessed: WrittenRun;
/** The owner's subscriptions: one to test, one to delete. */
let subscriptions: { tested: string; deleted: string };
/** A webhook target nothing listens on: the test route answers 200 saying it was not delivered. */
const SUBSCRIPTION = { channel: 'webhook', url: 'http://127.0.0.1:9/hooks' };
/** The owner's ensemble the /ensembles/{id} routes name (two members, which never run: no batch slots). */
let ensembleId: string;
const ENSEMBLE = () => ({
  name: 'matrix ensemble',
  base: exampleSpec(),
  sweep: { list: [{}, { label: 'second' }] },
});
/** The owner's campaign the /campaigns/{id} routes name (two stages, which never run: no batch slots). */
let campaignId: string;
const CAMPAIGN = () => {
  const base = exampleSpec();
  const end = new Date(Date.parse(base.period.end) + 86_400_000).toISOString();
  return {
    name: 'matrix campaign',
    base,
    stages: [
      { name: 'spin-up', period: base.period },
      { name: 'production', period: { start: base.period.end, end } },
    ],
  };
};
/** The Slurm site POST /sites defines and the /sites/{name} routes name. */
const SITE = {
  name: 'matrix-site',
  partitions: [{ name: 'debug', maxTimeMinutes: 60, maxCpus: 8, maxMemoryMiB: 16000 }],
};

beforeAll(async () => {
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  const stores = platformStores(platform);
  run = await writeFinishedRun(stores, localSubFor(OWNER));
  // The run directory submission would have stored, as far as GET .../rundir/{path} reads it.
  await stores.s3.send(
    new PutObjectCommand({
      Bucket: stores.bucket,
      Key: `simulations/${run.simulation.id}/rundir/HISTORY.rc`,
      Body: "COLLECTIONS: 'SpeciesConc',\n::\n",
    }),
  );
  other = await writeFinishedRun(stores, localSubFor(OWNER), { o3Scale: 1.25 });
  reprocessed = await writeFinishedRun(stores, localSubFor(OWNER));
  tokens = {
    'no token': undefined,
    ...((await hostileTokens(platform.dataDir, OWNER)) as Record<
      'expired' | 'bad signature' | 'wrong audience',
      string
    >),
    'other owner': await platform.token('matrix-intruder'),
    'group "x,admin"': await (
      await import('#local/auth/jwt.js')
    ).signLocalToken(platform.dataDir, {
      user: 'matrix-comma',
      groups: ['x,admin'],
    }),
    admin: await platform.token('matrix-admin', { admin: true }),
    owner: await platform.token(OWNER),
  };
  const subscribe = async () =>
    (await api(platform, 'POST', '/subscriptions', { token: tokens.owner!, body: SUBSCRIPTION })).body
      .id as string;
  subscriptions = { tested: await subscribe(), deleted: await subscribe() };
  const ensemble = await api(platform, 'POST', '/ensembles', { token: tokens.owner!, body: ENSEMBLE() });
  expect(ensemble.status).toBe(201);
  ensembleId = ensemble.body.id as string;
  const campaign = await api(platform, 'POST', '/campaigns', { token: tokens.owner!, body: CAMPAIGN() });
  expect(campaign.status).toBe(201);
  campaignId = campaign.body.id as string;
}, 180_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

function request(route: { method: string; path: string }) {
  const reprocessing = route.method === 'POST' && route.path === '/simulations/{id}/results';
  const subscriptionId = route.method === 'DELETE' ? subscriptions.deleted : subscriptions.tested;
  const path = fillPath(route.path, {
    id: route.path.startsWith('/subscriptions/')
      ? subscriptionId
      : route.path.startsWith('/ensembles/')
        ? ensembleId
        : route.path.startsWith('/campaigns/')
          ? campaignId
          : (reprocessing ? reprocessed : run).simulation.id,
    otherId: other.simulation.id,
    key: run.manifest.files[0]!.key,
    name: SITE.name,
    credentialId: '0000000000000000',
    path: 'HISTORY.rc',
  });
  const key = `${route.method} ${route.path}`;
  const body = ['POST /simulations', 'POST /simulation-plans', 'POST /estimates'].includes(key)
    ? exampleSpec()
    : key === 'POST /subscriptions'
      ? SUBSCRIPTION
      : key === 'PUT /budgets'
        ? { limitUsd: 1000 }
        : key === 'POST /sites'
          ? SITE
          : key === 'POST /ensembles'
            ? ENSEMBLE()
            : key === 'POST /campaigns'
              ? CAMPAIGN()
              : undefined;
  return { path, body };
}

describe('authorization matrix: every route x every caller', () => {
  const routes = apiRoutes();

  it('has an expectation for exactly the routes the services declare', () => {
    expect(routes.map((r) => r.key).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(
      routes
        .filter((r) => !r.authorized)
        .map((r) => r.key)
        .sort(),
    ).toEqual([
      'GET /health',
      'GET /openapi.json',
      'GET /unsubscribe',
      'POST /sites/{name}/reports',
      'POST /sites/{name}/session',
      'POST /sites/{name}/transfers',
      'POST /unsubscribe',
    ]);
  });

  it("answers each cell as expected, and no caller reads the owner's data unless owner or admin", async () => {
    const cells: { route: string; caller: Caller; status: number; expected: number[] }[] = [];
    const crossOwnerReads: string[] = [];
    const ownerMarks = [
      localSubFor(OWNER),
      ...[run, reprocessed].flatMap((r) => [r.simulation.name, r.manifest.files[0]!.sha256]),
    ];
    for (const route of routes) {
      const expectation = EXPECTED[route.key]!;
      for (const caller of CALLERS) {
        const { path, body } = request(route);
        const token = tokens[caller];
        const res = await api(platform, route.method, path, { ...(token ? { token } : {}), body });
        const expected = !route.authorized
          ? expectation.other
          : caller === 'owner'
            ? expectation.owner
            : caller === 'admin'
              ? expectation.admin
              : caller === 'other owner' || caller === 'group "x,admin"'
                ? expectation.other
                : [401];
        cells.push({ route: route.key, caller, status: res.status, expected });
        if (caller !== 'owner' && caller !== 'admin') {
          const text = JSON.stringify(res.body) ?? '';
          for (const mark of ownerMarks)
            if (text.includes(mark)) crossOwnerReads.push(`${caller} ${route.key}: ${mark}`);
        }
      }
    }
    const wrong = cells.filter((c) => !c.expected.includes(c.status));
    expect(wrong).toEqual([]);
    expect(crossOwnerReads).toEqual([]);
    expect(cells).toHaveLength(routes.length * CALLERS.length);
  }, 180_000);
});

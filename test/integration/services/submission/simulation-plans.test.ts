/**
 * Issue 4 on a real local platform: POST /simulation-plans and /estimates
 * answer without storing anything, POST /simulations stores the run directory
 * in the results bucket (s3rver) before the item, GET /simulations/{id}/inputs
 * is owner-scoped.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import {
  api,
  startPlatformProcess,
  type RunningPlatform,
  aliceBobAndAdmin,
} from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';

let platform: RunningPlatform;
let alice: string;
let bob: string;
let admin: string;
let s3: S3Client;

beforeAll(async () => {
  // Jobs stay RUNNABLE (no local Batch slots): these tests are about the API.
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  ({ alice, bob, admin } = await aliceBobAndAdmin(platform));
  s3 = s3rverClient(platform.endpoints.s3);
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await platform?.stop();
}, 60_000);

function resultsBucket(): string {
  return platform.buckets.find((b) => /results/i.test(b)) ?? platform.buckets[0]!;
}

async function readObject(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: resultsBucket(), Key: key }));
  return object.Body!.transformToString('utf8');
}

function resolved(spec: unknown) {
  const result = validateSimulationSpec(spec);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

/** Every event published so far. The log must exist: an absent one would prove nothing. */
function eventLog(): { detail: { simulationId?: string; name?: string } }[] {
  const file = path.join(platform.dataDir, 'events.jsonl');
  expect(existsSync(file)).toBe(true);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('POST /simulation-plans', () => {
  it('plans the fullchem week: run directory, inputs with a volume, and an estimate', async () => {
    const spec = exampleSpec('fullchem-2x25-1week');
    const res = await api(platform, 'POST', '/simulation-plans', { token: alice, body: spec });
    expect(res.status).toBe(200);
    const expected = generateRunDirectory(resolved(spec));
    expect(res.body.spec).toEqual(resolved(spec));
    expect(res.body.runDirectory).toMatchObject({
      name: expected.name,
      assumptions: expected.assumptions,
      summary: {
        model: 'gcclassic',
        simulation: 'fullchem',
        met: expect.stringMatching(/MERRA-2/),
        grid: '2x2.5',
        levels: 72,
        domain: 'global',
        period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z', hours: 168 },
        timesteps: { transportSeconds: 600, chemistrySeconds: 1200 },
        collections: ['SpeciesConc', 'Metrics', 'AerosolMass', 'Restart'],
        frequency: 'daily',
      },
    });
    expect(res.body.runDirectory.files).toEqual(
      Object.entries(expected.files).map(([name, text]) => ({ name, bytes: Buffer.byteLength(text) })),
    );
    expect(res.body.inputs.totalBytes).toBeGreaterThan(0);
    expect(res.body.inputs.itemCount).toBe(res.body.inputs.items.length);
    expect(res.body.estimate.options.length).toBeGreaterThan(0);
    expect(res.body.estimate.recommended.instanceType).toEqual(expect.any(String));
    expect(Array.isArray(res.body.warnings)).toBe(true);
  });

  it('stores nothing and publishes no event, read from an event log that exists and holds a known event (not a vacuous "no event published")', async () => {
    // A submission first, whose event must be in the log: the log is written and read.
    const submitted = await api(platform, 'POST', '/simulations', {
      token: alice,
      body: { ...exampleSpec('fullchem-2x25-1week'), name: 'submitted before the plan' },
    });
    expect(submitted.status).toBe(201);
    expect(eventLog().some((e) => e.detail.simulationId === submitted.body.id)).toBe(true);

    const spec = { ...exampleSpec('fullchem-2x25-1week'), name: 'planned only and never submitted' };
    const before = await api(platform, 'GET', '/simulations?limit=100', { token: alice });
    expect(before.body.items.length).toBeGreaterThan(0);
    const res = await api(platform, 'POST', '/simulation-plans', { token: alice, body: spec });
    expect(res.status).toBe(200);
    const after = await api(platform, 'GET', '/simulations?limit=100', { token: alice });
    expect(after.body.items.map((s: { id: string }) => s.id)).toEqual(
      before.body.items.map((s: { id: string }) => s.id),
    );
    expect(eventLog().some((e) => e.detail.name === spec.name)).toBe(false);
  });

  it('refuses an invalid combination with the reason, naming the field (400)', async () => {
    const spec = exampleSpec('fullchem-2x25-1week');
    spec['grid'] = { resolution: '0.125x0.15625', levels: 72 };
    const res = await api(platform, 'POST', '/simulation-plans', { token: alice, body: spec });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ValidationError');
    expect(res.body.error.issues).toEqual([
      { field: 'grid.resolution', message: expect.stringContaining('MERRA-2') },
    ]);
    const submitted = await api(platform, 'POST', '/simulations', { token: alice, body: spec });
    expect(submitted.status).toBe(400);
    expect(submitted.body.error.issues).toEqual(res.body.error.issues);
  });

  it('returns 401 without a token', async () => {
    const res = await api(platform, 'POST', '/simulation-plans', { body: exampleSpec() });
    expect(res.status).toBe(401);
  });
});

describe('POST /estimates', () => {
  it('answers the run estimate of a spec', async () => {
    const res = await api(platform, 'POST', '/estimates', {
      token: alice,
      body: exampleSpec('fullchem-2x25-1week'),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: 'gcclassic', simulatedDays: 7, purchase: 'on-demand' });
    expect(res.body.options[0].costUsd.expected).toBeGreaterThan(0);
  });

  it('refuses a spec POST /simulations would refuse, naming the field', async () => {
    const spec = exampleSpec('fullchem-2x25-1week');
    spec['period'] = { start: '2019-07-08T00:00:00Z', end: '2019-07-01T00:00:00Z' };
    const res = await api(platform, 'POST', '/estimates', { token: alice, body: spec });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { field: string }) => i.field)).toContain('period.end');
  });
});

describe('POST /simulations stores the run directory', () => {
  it('writes rundir/ files matching the generator, the input plan and gcr-rundir.json', async () => {
    const spec = exampleSpec('fullchem-2x25-1week');
    const res = await api(platform, 'POST', '/simulations', { token: alice, body: spec });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    const prefix = `simulations/${id}/rundir/`;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: resultsBucket(), Prefix: prefix }));
    const expected = generateRunDirectory(resolved(spec));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      [...Object.keys(expected.files), 'gcr-inputs.json', 'gcr-rundir.json']
        .map((name) => `${prefix}${name}`)
        .sort(),
    );
    // The stored plan is the one GET /simulations/{id}/inputs answers.
    const inputs = await api(platform, 'GET', `/simulations/${id}/inputs`, { token: alice });
    expect(inputs.status).toBe(200);
    expect(JSON.parse(await readObject(`${prefix}gcr-inputs.json`))).toEqual(inputs.body);
    for (const [name, content] of Object.entries(expected.files)) {
      expect(await readObject(`${prefix}${name}`)).toBe(content);
    }
    expect(await readObject(`${prefix}geoschem_config.yml`)).toContain('start_date: [20190701, 000000]');
    const manifest = JSON.parse(await readObject(`${prefix}gcr-rundir.json`));
    expect(manifest).toEqual({
      name: expected.name,
      assumptions: expected.assumptions,
      generatedAt: res.body.createdAt,
      spec: res.body.spec,
    });
  });

  it('replays a keyed request with the same run directory', async () => {
    const spec = exampleSpec();
    const headers = { 'idempotency-key': 'plans-replay-1' };
    const first = await api(platform, 'POST', '/simulations', { token: alice, body: spec, headers });
    const again = await api(platform, 'POST', '/simulations', { token: alice, body: spec, headers });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    const manifest = JSON.parse(await readObject(`simulations/${first.body.id}/rundir/gcr-rundir.json`));
    expect(manifest.generatedAt).toBe(first.body.createdAt);
  });
});

describe('GET /simulations/{id}/inputs', () => {
  it("answers the input plan of the owner's simulation, from its stored spec", async () => {
    const spec = exampleSpec('fullchem-2x25-1week');
    const { body } = await api(platform, 'POST', '/simulations', { token: alice, body: spec });
    const res = await api(platform, 'GET', `/simulations/${body.id}/inputs`, { token: alice });
    expect(res.status).toBe(200);
    expect(res.body.totalBytes).toBeGreaterThan(0);
    const plan = await api(platform, 'POST', '/simulation-plans', { token: alice, body: spec });
    expect(res.body).toEqual(plan.body.inputs);
    expect((await api(platform, 'GET', `/simulations/${body.id}/inputs`, { token: admin })).status).toBe(200);
  });

  it('returns 404 when the simulation belongs to someone else', async () => {
    const { body } = await api(platform, 'POST', '/simulations', { token: alice, body: exampleSpec() });
    const res = await api(platform, 'GET', `/simulations/${body.id}/inputs`, { token: bob });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
  });
});

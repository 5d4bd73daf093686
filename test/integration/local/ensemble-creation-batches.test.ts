/**
 * Issue 17 (ensembles of 10,000 members), on the local platform: an ensemble
 * over the synchronous limit answers 202 CREATING, its members are written by
 * the creation queue's function in 3 batches (the queue and function wired
 * from the submission service's serverless.yml), every member exists exactly
 * once, and once the last batch lands they are released together, so the
 * poller submits them all as ONE array job. The local Batch has no slots
 * (GCR_LOCAL_BATCH_SLOTS=0): the children stay RUNNABLE and no model runs.
 * Then the ensemble is cancelled and purged.
 *
 * The limits are lowered (30 members, 10 within a request, batches of 10)
 * rather than 600 members in batches of 250: the same code path, within CI's
 * minute (600 members took 7 minutes on the shared machine). The default
 * sizes are measured by `npm run bench:ensemble -- --create 10000`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import { api, startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

const MEMBERS = 30;
const BATCH = 10;
const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

/** GET `route` until `done` holds for its body (the last body otherwise, in the error). */
async function until(
  platform: RunningPlatform,
  token: string,
  route: string,
  done: (body: any) => boolean,
  seconds: number,
): Promise<any> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const res = await api(platform, 'GET', route, { token });
    if (res.status === 200 && done(res.body)) return res.body;
    if (Date.now() > deadline)
      throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('an ensemble created in batches on the local platform', () => {
  let platform: RunningPlatform;
  let token: string;

  beforeAll(async () => {
    platform = await startPlatformProcess({
      env: {
        GCR_SCHEDULE_RATE_SECONDS: '2',
        GCR_LOCAL_BATCH_SLOTS: '0',
        GCR_ENSEMBLE_SYNC_MEMBER_LIMIT: '10',
        GCR_ENSEMBLE_CREATION_BATCH_SIZE: String(BATCH),
      },
    });
    token = await platform.token('ensembles');
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  it('answers 202, writes every member once in batches, and submits them as one array job', async () => {
    const created = await api(platform, 'POST', '/ensembles', {
      token,
      body: {
        name: 'large list',
        base: tinySpec,
        sweep: { list: Array.from({ length: MEMBERS }, (_, i) => ({ label: `m${i}` })) },
      },
    });
    expect([created.status, created.body.error]).toEqual([202, undefined]);
    const id: string = created.body.id;
    expect(created.headers.get('location')).toBe(`/ensembles/${id}`);
    expect(created.body).toMatchObject({
      status: 'CREATING',
      creation: { status: 'CREATING', membersTotal: MEMBERS, membersCreated: 0, batchSize: BATCH },
    });

    const complete = await until(
      platform,
      token,
      `/ensembles/${id}`,
      (e) => e.creation.status === 'COMPLETE',
      120,
    );
    expect(complete.creation.membersCreated).toBe(MEMBERS);

    // Every member exists, once, with the id its index gives.
    const page = await until(platform, token, `/ensembles/${id}/members?limit=1000`, () => true, 10);
    expect(page.members).toHaveLength(MEMBERS);
    expect(page.members.map((m: { simulationId: string }) => m.simulationId)).toEqual(
      Array.from({ length: MEMBERS }, (_, i) => memberSimulationId(id, i)),
    );
    expect(page.members.every((m: { progress?: number }) => m.progress !== undefined)).toBe(true);

    // Released together: one array job takes all of them (no slot: they wait RUNNABLE).
    await until(platform, token, `/ensembles/${id}`, (e) => e.counts.RUNNABLE === MEMBERS, 120);
    const jobs = new Set<string>();
    for (let i = 0; i < MEMBERS; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, MEMBERS - i) }, (_, k) =>
          api(platform, 'GET', `/simulations/${memberSimulationId(id, i + k)}`, { token }),
        ),
      );
      batch.forEach((res, k) => {
        expect(res.body.job.jobId).toMatch(new RegExp(`:${i + k}$`));
        jobs.add(res.body.job.jobId.split(':')[0]);
      });
    }
    expect(jobs.size).toBe(1);
    expect(
      (await api(platform, 'GET', `/simulations/${memberSimulationId(id, 0)}`, { token })).body.history.map(
        (h: { to: string }) => h.to,
      ),
    ).toEqual(['WAITING', 'PENDING', 'SUBMITTED', 'RUNNABLE']);

    // Cancelled (each child terminated), then purged.
    expect((await api(platform, 'POST', `/ensembles/${id}/cancel`, { token })).status).toBe(202);
    await until(platform, token, `/ensembles/${id}`, (e) => e.counts.CANCELLED === MEMBERS, 120);
    const purged = await api(platform, 'DELETE', `/ensembles/${id}?confirm=${id}`, { token });
    expect(purged.status).toBe(200);
    expect((await api(platform, 'GET', `/ensembles/${id}`, { token })).status).toBe(404);
  }, 420_000);
});

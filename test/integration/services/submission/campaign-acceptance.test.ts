/**
 * Acceptance (issue 17, staged campaigns): on the local platform, a two-stage
 * campaign (a one-day spin-up, then a one-day production run, the demo model
 * at its shortest) runs the second stage from the first stage's final
 * restart: the second run's stored configuration names the restart and
 * starts at its time, and its history says it was released with it.
 * Then the finished campaign is purged (preview, confirm). One platform start
 * and the shortest runs: this test's CI budget is ~60 s.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import {
  api,
  startPlatformProcess,
  waitForStatus,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';

const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

describe('a staged campaign on the local platform', () => {
  let platform: RunningPlatform;
  let token: string;

  beforeAll(async () => {
    platform = await startPlatformProcess({ env: { GCR_SCHEDULE_RATE_SECONDS: '2' }, timeoutMs: 400_000 });
    token = await platform.token('campaigner');
  }, 420_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  it("runs the second stage from the first stage's final restart, shown by its stored config and its history", async () => {
    const { name: _name, period: _period, ...base } = tinySpec;
    const created = await api(platform, 'POST', '/campaigns', {
      token,
      body: {
        name: 'spin-up then production',
        base: { ...base, name: 'campaign base', period: tinySpec.period },
        stages: [
          { name: 'spin-up', period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' } },
          { name: 'production', period: { start: '2019-01-02T00:00:00Z', end: '2019-01-03T00:00:00Z' } },
        ],
      },
    });
    expect(created.status).toBe(201);
    const [spinUp, production] = created.body.stages.map((s: { simulationId: string }) => s.simulationId);
    expect(created.body.stages.map((s: { status: string }) => s.status)).toEqual(['PENDING', 'WAITING']);

    const done = await waitForStatus(
      platform,
      token,
      production,
      ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'],
      300,
    );
    expect(done.status).toBe('SUCCEEDED');
    const restart = `simulations/${spinUp}/restarts/GEOSChem.Restart.20190102_0000z.nc4`;
    const released = done.history.find((h: { from: string }) => h.from === 'WAITING');
    expect(released).toMatchObject({ to: 'PENDING' });
    expect(released.reason).toBe(
      `released: stage 0 (spin-up, ${spinUp}) ended SUCCEEDED; starts from its final restart ${restart} (model time 2019-01-02T00:00Z)`,
    );

    // The stored run directory: the restart where GEOS-Chem reads its initial one, and the config naming it.
    const config = await api(platform, 'GET', `/simulations/${production}/rundir/geoschem_config.yml`, {
      token,
    });
    expect(config.status).toBe(200);
    const text = JSON.stringify(config.body);
    expect(text).toContain(
      `# gcr: initial restart Restarts/GEOSChem.Restart.20190102_0000z.nc4: stage 0 (spin-up, ${spinUp})'s final restart, ${restart}`,
    );
    expect(text).toMatch(/start_date: \[20190102, 000000\]/);
    const s3 = s3rverClient(platform.endpoints.s3);
    const copied = await s3.send(
      new HeadObjectCommand({
        Bucket: platform.buckets[0]!,
        Key: `simulations/${production}/rundir/Restarts/GEOSChem.Restart.20190102_0000z.nc4`,
      }),
    );
    expect(copied.ContentLength).toBeGreaterThan(0);

    const campaign = await api(platform, 'GET', `/campaigns/${created.body.id}`, { token });
    expect(campaign.body).toMatchObject({ status: 'SUCCEEDED', counts: { SUCCEEDED: 2 }, progress: 100 });
    expect(campaign.body.stages[1].initialRestart).toBe(restart);

    // Finished: purged after a preview, records and objects gone.
    const preview = await api(platform, 'DELETE', `/campaigns/${created.body.id}?dryRun=true`, { token });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ kind: 'campaign', dryRun: true, records: 3 });
    expect(preview.body.objects.count).toBeGreaterThan(0);
    const purged = await api(platform, 'DELETE', `/campaigns/${created.body.id}?confirm=${created.body.id}`, {
      token,
    });
    expect(purged.status).toBe(200);
    expect((await api(platform, 'GET', `/campaigns/${created.body.id}`, { token })).status).toBe(404);
    expect((await api(platform, 'GET', `/simulations/${production}`, { token })).status).toBe(404);
  }, 400_000);
});

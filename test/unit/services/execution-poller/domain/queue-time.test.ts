import { describe, expect, it } from '@jest/globals';
import { createSlurmBackend } from '#shared/kernel/compute/slurm-backend.js';
import { countedQueueMinutes } from '#services/execution-poller/src/domain/queue-time.js';
import { planFromJob } from '#services/execution-poller/src/domain/reconcile.js';
import {
  aSlurmSimulation,
  memorySiteJobs,
  reportFirstAttempt,
  memorySiteQueues,
  memorySites,
} from '#test/helpers/sites.js';
import { storedDemoSpec } from '#test/helpers/simulations.js';

const T0 = Date.parse('2026-12-07T10:00:00Z');
const MINUTE = 60_000;
const limits = { maxQueueMinutes: 60, maxRuntimeMinutes: 600 };
const id = 'sim_00000000000000000000000042';

/** A slurm job its site reported RUNNABLE at T0, the site's agent heartbeating at `heartbeats` (minutes after T0). */
async function queuedAtSite() {
  const sites = memorySites();
  sites.map.set('cannon', {
    name: 'cannon',
    partitions: [{ name: 'test', maxTimeMinutes: 600, maxCpus: 8, maxMemoryMiB: 16_000 }],
    updatedAt: new Date(T0).toISOString(),
    updatedBy: 'ada',
    credentials: {},
    lastHeartbeatAt: new Date(T0).toISOString(),
  });
  const siteJobs = memorySiteJobs();
  let now = T0;
  const backend = createSlurmBackend({
    sites,
    siteJobs,
    queues: memorySiteQueues(),
    silentAfterMs: 3 * MINUTE,
    now: () => now,
  });
  const spec = storedDemoSpec({ compute: { backend: 'slurm', site: 'cannon' } });
  await backend.submit({
    simulationId: id,
    jobName: `gcr-${id}`,
    architecture: 'x86_64',
    purchase: 'on-demand',
    vcpus: 1,
    memoryMiB: 1000,
    spotRetries: 0,
    maxRuntimeSeconds: 3600,
    environment: { GCR_SPEC: JSON.stringify(spec) },
    tags: {},
  });
  reportFirstAttempt(siteJobs, id, {
    status: 'RUNNABLE',
    reason: 'queued at the site: PENDING (Priority)',
    observedAt: new Date(T0).toISOString(),
  });
  const simulation = aSlurmSimulation(id, 'RUNNABLE', {
    statusReason: 'queued at the site: PENDING (Priority)',
    runnableSince: new Date(T0).toISOString(),
  });
  const at = async (minutes: number, heartbeat: boolean) => {
    now = T0 + minutes * MINUTE;
    if (heartbeat) await sites.recordHeartbeat('cannon', { at: new Date(now).toISOString(), agentId: 'a' });
    const [described] = await backend.describe([`gcr-${id}`]);
    return planFromJob(simulation, described!, now, limits);
  };
  return { at };
}

describe('the queue limit and a silent site', () => {
  it('does not time out a run that waited 90 min, 40 of them with its site silent (50 of its 60 min counted), when the agent comes back', async () => {
    const { at } = await queuedAtSite();
    for (let minute = 1; minute <= 50; minute++) await at(minute, true);
    // Silent from minute 50: the poller sees it at minute 60 and 80; the agent reports again at 90.
    expect((await at(60, false)).terminate).toBeUndefined();
    expect((await at(80, false)).terminate).toBeUndefined();
    const back = await at(90, true);
    expect(back.terminate).toBeUndefined();
    expect(back.transitions).toEqual([]);
    // The limit runs again once the site reports: 11 more minutes at the site is 61 counted.
    const over = await at(101, true);
    expect(over.terminate?.reason).toMatch(/^waited 61 min for capacity, over its 60 min queue limit/);
  });

  it('times out a run whose site kept reporting while it queued past the limit', async () => {
    const { at } = await queuedAtSite();
    for (let minute = 10; minute <= 60; minute += 10)
      expect((await at(minute, true)).terminate).toBeUndefined();
    const plan = await at(70, true);
    expect(plan.terminate?.reason).toMatch(/^waited 70 min for capacity/);
    expect(plan.transitions).toEqual([{ to: 'TIMED_OUT', reason: expect.stringContaining('queue limit') }]);
  });

  it('counts overlapping and out-of-range unobserved periods once', () => {
    expect(
      countedQueueMinutes(0, 100 * MINUTE, [
        { from: -10 * MINUTE, to: 10 * MINUTE },
        { from: 20 * MINUTE, to: 40 * MINUTE },
        { from: 30 * MINUTE, to: 50 * MINUTE },
        { from: 90 * MINUTE, to: 200 * MINUTE },
      ]),
    ).toBe(100 - 10 - 30 - 10);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  api,
  platformStartsKilledAfterAll,
  START_FUNCTIONS_ON_FIRST_USE,
  tempDataDir,
} from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';

// No job runs (0 slots), and the finder polls every 2 s so lost work is picked up quickly; five starts,
// each with only the functions it uses.
const env = { GCR_LOCAL_BATCH_SLOTS: '0', GCR_SCHEDULE_RATE_SECONDS: '2', ...START_FUNCTIONS_ON_FIRST_USE };

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const startPlatformProcess = platformStartsKilledAfterAll();

describe('local platform restarts', () => {
  it('keeps every simulation, its history and the events log across a stop and a crash', async () => {
    const dataDir = tempDataDir();
    const first = await startPlatformProcess({ dataDir, env });
    const token = await first.token('alice');
    const created = await api(first, 'POST', '/simulations', { token, body: exampleSpec() });
    expect(created.status).toBe(201);
    const submitted = await waitFor(async () => {
      const res = await api(first, 'GET', `/simulations/${created.body.id}`, { token });
      return res.body.status === 'RUNNABLE' ? res.body : undefined;
    }, 'the job to be queued');
    await first.stop();

    const second = await startPlatformProcess({ dataDir, env });
    const afterStop = await api(second, 'GET', `/simulations/${created.body.id}`, { token });
    expect(afterStop.status).toBe(200);
    expect(afterStop.body.history).toEqual(submitted.history);
    expect((await api(second, 'POST', `/simulations/${created.body.id}/cancel`, { token })).status).toBe(202);
    await second.kill();

    const third = await startPlatformProcess({ dataDir, env });
    try {
      // The cancel request survived the crash: the poller finishes it after the restart.
      const ended = await waitFor(async () => {
        const res = await api(third, 'GET', `/simulations/${created.body.id}`, { token });
        return res.body.status === 'CANCELLED' ? res.body : undefined;
      }, 'CANCELLED after the restart');
      expect(ended.history.map((h: { to: string }) => h.to)).toEqual([
        'PENDING',
        'SUBMITTED',
        'RUNNABLE',
        'CANCELLING',
        'CANCELLED',
      ]);
      const list = await api(third, 'GET', '/simulations', { token });
      expect(list.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
    } finally {
      await third.stop();
    }
  }, 240_000);

  it('Local jobs lose S3 after a platform restart: a job that outlives a platform crash still writes its outputs and SUCCEEDS', async () => {
    const dataDir = tempDataDir();
    // Jobs run here; the demo model runs 20 s, long enough to be cut off by the crash.
    const running = { ...env, GCR_LOCAL_BATCH_SLOTS: '2' };
    const first = await startPlatformProcess({ dataDir, env: running });
    const token = await first.token('alice');
    const spec = exampleSpec();
    spec.tags = { ...spec.tags, 'demo-wall-seconds': '20' };
    const created = await api(first, 'POST', '/simulations', { token, body: spec });
    expect(created.status).toBe(201);
    await waitFor(async () => {
      const res = await api(first, 'GET', `/simulations/${created.body.id}`, { token });
      return res.body.status === 'RUNNING' ? res.body : undefined;
    }, 'the job to run');
    await first.kill();

    const second = await startPlatformProcess({ dataDir, env: running });
    try {
      const ended = await waitFor(
        async () => {
          const res = await api(second, 'GET', `/simulations/${created.body.id}`, { token });
          const done = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(res.body.status);
          return done &&
            (res.body.status !== 'SUCCEEDED' || ['READY', 'FAILED'].includes(res.body.results?.status))
            ? res.body
            : undefined;
        },
        'the job to end and its results to settle',
        240_000,
      );
      expect({ status: ended.status, reason: ended.history.at(-1).reason }).toEqual({
        status: 'SUCCEEDED',
        reason: 'the model finished with exit code 0',
      });
      expect(ended.results.status).toBe('READY');
      // The job kept the first start's endpoints: the restart listens on them again.
      expect(second.endpoints).toEqual(first.endpoints);
    } finally {
      await second.stop();
    }
  }, 420_000);
});

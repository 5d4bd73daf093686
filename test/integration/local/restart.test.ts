import { describe, expect, it } from '@jest/globals';
import { api, startPlatformProcess, tempDataDir } from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';

// No job runs (0 slots), and the finder polls every 5 s so lost work is picked up quickly.
const env = { GCR_LOCAL_BATCH_SLOTS: '0', GCR_SCHEDULE_RATE_SECONDS: '5' };

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

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
});

import { describe, expect, it } from '@jest/globals';
import { api, startPlatformProcess, tempDataDir } from '../../helpers/platform-process.js';
import { exampleSpec } from '../../helpers/specs.js';

describe('local platform restarts', () => {
  it('keeps every simulation and the events log across a stop and a crash', async () => {
    const dataDir = tempDataDir();
    const first = await startPlatformProcess({ dataDir });
    const token = await first.token('alice');
    const created = await api(first, 'POST', '/simulations', { token, body: exampleSpec() });
    expect(created.status).toBe(201);
    await first.stop();

    const second = await startPlatformProcess({ dataDir });
    const afterStop = await api(second, 'GET', `/simulations/${created.body.id}`, { token });
    expect(afterStop.status).toBe(200);
    expect(afterStop.body.status).toBe('PENDING');
    const cancelled = await api(second, 'POST', `/simulations/${created.body.id}/cancel`, { token });
    expect(cancelled.status).toBe(202);
    await second.kill();

    const third = await startPlatformProcess({ dataDir });
    try {
      const afterCrash = await api(third, 'GET', `/simulations/${created.body.id}`, { token });
      expect(afterCrash.body).toMatchObject({ status: 'CANCELLING', version: 2 });
      const list = await api(third, 'GET', '/simulations', { token });
      expect(list.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
    } finally {
      await third.stop();
    }
  }, 240_000);
});

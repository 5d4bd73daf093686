import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { runCli } from '#cli/main.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { startPlatformProcess, type RunningPlatform } from '#test/helpers/platform-process.js';

let platform: RunningPlatform;

beforeAll(async () => {
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

/** Runs `gcr ...` in-process against the running platform, found through its data directory. */
async function gcr(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { GCR_DATA_DIR: platform.dataDir, GCR_USER: 'cli-user' },
    cwd: repoRoot,
  });
  return { code, stdout, stderr };
}

describe('gcr against the local platform', () => {
  it('submits an example, shows its status, lists it, and shows its Submitted event', async () => {
    const submitted = await gcr('submit', path.join(repoRoot, 'examples/transport-tracers-4x5-1month.json'));
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.split('\n')[0]!;
    expect(id).toMatch(/^sim_[0-9a-z]{26}$/);

    const status = await gcr('status', id, '--json');
    expect(status.code).toBe(0);
    const shown = JSON.parse(status.stdout);
    expect(shown.id).toBe(id);
    expect(shown.history[0]).toMatchObject({ to: 'PENDING' });

    const list = await gcr('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);

    const events = await gcr('events', id);
    expect(events.code).toBe(0);
    expect(events.stdout).toContain('Simulation Submitted');
  });

  it('cancels, and says so in the events', async () => {
    const id = (await gcr('submit', path.join(repoRoot, 'examples/fullchem-2x25-1week.json'))).stdout.split(
      '\n',
    )[0]!;
    const cancelled = await gcr('cancel', id, '--json');
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ status: 'CANCELLING' });
    expect((await gcr('events', id)).stdout).toMatch(/→ CANCELLING/);
  });

  it('reports a spec GEOS-Chem would refuse with the field and exit code 1', async () => {
    const res = await gcr('submit', path.join(repoRoot, 'test/fixtures/specs/merra2-0125.json'));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/grid\.resolution/);
    expect(res.stderr).toMatch(/MERRA-2/);
  });
});

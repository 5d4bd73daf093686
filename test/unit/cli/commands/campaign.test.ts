/** `gcr campaign ...` and `gcr purge` against a real HTTP server playing the API (fake-api.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '#cli/main.js';
import type { Campaign, PurgeReport } from '#schemas/generated/types.js';
import { startFakeApi, type FakeApi } from '../fake-api.js';

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(async () => {
  await api.close();
});

async function gcr(
  argv: string[],
  answer?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { GCR_API_URL: api.url, GCR_TOKEN: 't' },
    cwd: process.cwd(),
    ...(answer !== undefined ? { readLine: async () => answer } : {}),
  });
  return { code, stdout, stderr };
}

const ID = 'cmp_01jd3k9x2m4q8r7t6v5w3y1z0a';
const campaign: Campaign = {
  id: ID,
  owner: 'alice',
  name: 'spin-up then production',
  createdAt: '2026-12-07T06:00:00.000Z',
  status: 'ACTIVE',
  paused: false,
  counts: { SUCCEEDED: 1, RUNNING: 1 },
  progress: 75,
  cost: { finalUsd: 1.5, accruedUsd: 0.25, stagesWithCost: 2 },
  stages: [
    {
      stageIndex: 0,
      name: 'spin-up',
      simulationId: 'sim_7m2k4q8r1t6v5w3y9z0a1b2c3d',
      status: 'SUCCEEDED',
      onFailure: 'stop',
      restartFrom: 'none',
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
    },
    {
      stageIndex: 1,
      name: 'production',
      simulationId: 'sim_0a1b2c3d4e5f6g7h8j9k0m1n2p',
      status: 'RUNNING',
      onFailure: 'stop',
      restartFrom: 'previous',
      period: { start: '2019-01-02T00:00:00Z', end: '2019-01-03T00:00:00Z' },
      initialRestart:
        'simulations/sim_7m2k4q8r1t6v5w3y9z0a1b2c3d/restarts/GEOSChem.Restart.20190102_0000z.nc4',
    },
  ],
};
const report = (dryRun: boolean): PurgeReport => ({
  kind: 'campaign',
  id: ID,
  dryRun,
  simulations: campaign.stages.map((s) => s.simulationId),
  records: 3,
  objects: { count: 42, bytes: 18874368, prefixes: ['simulations/a/', 'simulations/b/'] },
});

describe('gcr campaign', () => {
  it('status shows the progress bar, the counts and each stage with the restart it started from', async () => {
    api.routes.set(`GET /campaigns/${ID}`, () => ({ status: 200, body: campaign }));
    const { code, stdout } = await gcr(['campaign', 'status', ID]);
    expect(code).toBe(0);
    expect(stdout).toContain('[###############-----]  75.0%  RUNNING 1 · SUCCEEDED 1');
    expect(stdout).toContain(
      '  1  production    sim_0a1b2c3d4e5f6g7h8j9k0m1n2p  RUNNING  2019-01-02 .. 2019-01-03  from simulations/sim_7m2k4q8r1t6v5w3y9z0a1b2c3d/restarts/GEOSChem.Restart.20190102_0000z.nc4',
    );
  });

  it('pause posts to the route and shows the campaign', async () => {
    api.routes.set(`POST /campaigns/${ID}/pause`, () => ({
      status: 202,
      body: { ...campaign, paused: true, status: 'PAUSED' },
    }));
    const { code, stdout } = await gcr(['campaign', 'pause', ID]);
    expect(code).toBe(0);
    expect(stdout).toContain('PAUSED');
    expect(stdout).toContain('paused: no stage is released until gcr campaign resume');
  });
});

describe('gcr purge', () => {
  const deletes = () => api.requests.filter((r) => r.method === 'DELETE');
  beforeAll(() => {
    api.routes.set(`DELETE /campaigns/${ID}`, (req) => ({
      status: 200,
      body: report(req.query.get('dryRun') === 'true'),
    }));
  });

  it('shows the preview, then deletes nothing unless the id is typed again', async () => {
    const before = deletes().length;
    const refused = await gcr(['purge', ID], 'yes');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`campaign ${ID} would delete:`);
    expect(refused.stdout).toContain('42 object(s), 18.9 MB, under 2 prefix(es)');
    expect(
      deletes()
        .slice(before)
        .map((r) => r.query.toString()),
    ).toEqual(['dryRun=true']);

    const done = await gcr(['campaign', 'purge', ID], ID);
    expect(done.code).toBe(0);
    expect(
      deletes()
        .slice(before)
        .map((r) => r.query.toString()),
    ).toEqual(['dryRun=true', 'dryRun=true', `confirm=${ID}`]);
    expect(done.stdout).toContain(
      `[####################]  100.0%  purged ${ID}: 3 record(s), 42 object(s), 18.9 MB`,
    );
  });

  it('--yes purges after the preview without asking', async () => {
    const before = deletes().length;
    const { code } = await gcr(['purge', ID, '--yes']);
    expect(code).toBe(0);
    expect(
      deletes()
        .slice(before)
        .map((r) => r.query.toString()),
    ).toEqual(['dryRun=true', `confirm=${ID}`]);
  });
});

/**
 * `gcr submit --dry-run`, `gcr estimate` and `gcr inputs`, run in-process
 * against the fake status API (fake-api.ts) answering with plans the
 * submission domain computes for the example specs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { planSimulation } from '#services/submission/src/domain/plan-simulation.js';
import { formatBytes } from '#shared/science/inputs/format-input-plan.js';
import { runCli } from '#cli/main.js';
import type { SimulationPlan } from '#schemas/generated/types.js';
import { exampleSpec } from '#test/helpers/specs.js';
import { startFakeApi, type FakeApi } from './fake-api.js';

const SIM_ID = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0a';
let tmp: string;
let api: FakeApi;
let plan: SimulationPlan;
const env = (): Record<string, string> => ({ GCR_API_URL: api.url, GCR_TOKEN: 'test-token' });

async function gcr(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: env(),
    cwd: tmp,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gcr-cli-plans-'));
  await writeFile(path.join(tmp, 'spec.json'), JSON.stringify(exampleSpec('fullchem-2x25-1week')));
  plan = planSimulation(exampleSpec('fullchem-2x25-1week'), { localBackendEnabled: true });
  api = await startFakeApi();
});

afterAll(async () => {
  await api.close();
  await rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  api.requests.length = 0;
  api.routes.clear();
});

describe('gcr submit --dry-run', () => {
  it('asks for a plan, prints run directory, inputs with their volume and the estimate, and submits nothing', async () => {
    api.routes.set('POST /simulation-plans', () => ({ status: 200, body: plan }));
    const run = await gcr('submit', '--dry-run', 'spec.json');

    expect(run.code).toBe(0);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /simulation-plans']);
    expect(JSON.parse(api.requests[0]!.body)).toEqual(exampleSpec('fullchem-2x25-1week'));
    expect(run.stdout).toContain('dry run: nothing was submitted');
    expect(run.stdout).toContain(`Run directory ${plan.runDirectory.name}`);
    expect(run.stdout).toContain('2x2.5 global, 72 levels');
    expect(run.stdout).toContain('transport 600 s, chemistry 1200 s');
    expect(run.stdout).toContain(`about ${formatBytes(plan.inputs.totalBytes)}`);
    expect(run.stdout).toContain(
      '10 files are read at the end instant (2019-07-08 00:00): met MERRA-2 A1, MERRA-2 A3cld, MERRA-2 A3dyn, ' +
        'MERRA-2 A3mstC, MERRA-2 A3mstE, MERRA-2 I3; emissions OFFLINE_DUST/v2025-03, OFFLINE_BIOVOC/v2021-12, ' +
        'OFFLINE_SEASALT/v2019-01, OFFLINE_SOILNOX/v2021-12',
    );
    expect(run.stdout).toContain(`Recommended: ${plan.estimate.recommended.instanceType}`);
    expect(run.stdout).toContain(plan.estimate.uncertainty.statement);
    expect(run.stderr).toBe('');
  });

  it('with --json prints the plan as the API answered it', async () => {
    api.routes.set('POST /simulation-plans', () => ({ status: 200, body: plan }));
    const run = await gcr('--json', 'submit', '--dry-run', 'spec.json');

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(plan);
  });

  it('prints a refused spec with its field on stderr and exits 1', async () => {
    api.routes.set('POST /simulation-plans', () => ({
      status: 400,
      body: {
        error: {
          code: 'ValidationError',
          message: 'the simulation spec is invalid',
          issues: [{ field: 'grid.resolution', message: 'is not offered with MERRA-2' }],
        },
      },
    }));
    const run = await gcr('submit', '--dry-run', 'spec.json');

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('  grid.resolution: is not offered with MERRA-2');
  });

  it('reports an answer that is not a plan instead of crashing', async () => {
    api.routes.set('POST /simulation-plans', () => ({ status: 200, body: { spec: {} } }));
    const run = await gcr('submit', '--dry-run', 'spec.json');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the plan lacks runDirectory, inputs, estimate, warnings');
  });
});

describe('gcr estimate', () => {
  it('prints the instance table, recommendation, uncertainty and sources', async () => {
    api.routes.set('POST /estimates', () => ({ status: 200, body: plan.estimate }));
    const run = await gcr('estimate', 'spec.json');

    expect(run.code).toBe(0);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /estimates']);
    for (const option of plan.estimate.options) expect(run.stdout).toContain(option.instanceType);
    expect(run.stdout).toMatch(/wall time \(range\)\s+cost \(range\)/);
    expect(run.stdout).toContain(`Recommended: ${plan.estimate.recommended.instanceType}`);
    expect(run.stdout).toContain(`Uncertainty (x${plan.estimate.uncertainty.factor})`);
    expect(run.stdout).toContain(plan.estimate.basis[0]!.citation);
  });

  it('with --json prints the estimate', async () => {
    api.routes.set('POST /estimates', () => ({ status: 200, body: plan.estimate }));
    const run = await gcr('estimate', 'spec.json', '--json');

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(plan.estimate);
  });

  it('reports a missing spec file without calling the API', async () => {
    const run = await gcr('estimate', 'missing.json');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('spec file missing.json not found');
    expect(api.requests).toHaveLength(0);
  });
});

describe('gcr inputs', () => {
  it("prints a simulation's input plan with its total volume", async () => {
    api.routes.set(`GET /simulations/${SIM_ID}/inputs`, () => ({ status: 200, body: plan.inputs }));
    const run = await gcr('inputs', SIM_ID);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${plan.inputs.itemCount} item(s), about ${formatBytes(plan.inputs.totalBytes)}`,
    );
    expect(run.stdout).toContain('10 files are read at the end instant (2019-07-08 00:00)');
    expect(run.stdout).toMatch(
      /MERRA-2 I3 met fields .*, end instant 2019-07-08 00:00\n.*MERRA2\.20190709\.I3/,
    );
  });

  it("says not found for someone else's simulation and exits 1", async () => {
    api.routes.set(`GET /simulations/${SIM_ID}/inputs`, () => ({
      status: 404,
      body: { error: { code: 'NotFound', message: `simulation ${SIM_ID} not found` } },
    }));
    const run = await gcr('inputs', SIM_ID);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`simulation ${SIM_ID} not found (HTTP 404 NotFound)`);
  });
});

/** `gcr cost <id>` against a real HTTP server playing the API (fake-api.ts). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '#cli/main.js';
import type { SimulationCost } from '#schemas/generated/types.js';
import { startFakeApi, type FakeApi } from '../fake-api.js';

const SIM = 'sim_01jd3k9x2m4q8r7t6v5w3y1z0a';
let api: FakeApi;

beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(async () => {
  await api.close();
});

async function gcr(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { GCR_API_URL: api.url, GCR_TOKEN: 't' },
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

const attempt = (n: number, reason?: string): SimulationCost['attempts'][number] => ({
  attempt: n,
  instanceType: 'c7g.4xlarge',
  availabilityZone: 'us-east-1a',
  purchase: 'spot',
  nodes: 1,
  share: { vcpu: 1, memory: 0.5, applied: 1 },
  price: {
    source: 'fixture',
    asOf: '2026-12-01T00:00:00Z',
    periods: [{ from: '2026-11-15T00:00:00Z', usdPerHour: 0.2321 }],
  },
  startedAt: '2026-12-01T10:00:00Z',
  stoppedAt: '2026-12-01T11:00:00Z',
  seconds: 3600,
  computeUsd: 0.2321,
  ebsUsd: 0.0033,
  ended: true,
  ...(reason ? { statusReason: reason } : {}),
});

const cost: SimulationCost = {
  simulationId: SIM,
  owner: 'alice',
  kind: 'final',
  status: 'SUCCEEDED',
  simulationVersion: 9,
  currency: 'USD',
  totalUsd: 0.4708,
  items: [
    {
      item: 'compute',
      usd: 0.4642,
      perMonth: false,
      known: true,
      includes: 'EC2 time',
      leavesOut: 'idle time',
    },
    {
      item: 'ebs-root-volume',
      usd: 0.0066,
      perMonth: false,
      known: true,
      includes: 'root volume',
      leavesOut: 'snapshots',
    },
    {
      item: 's3-storage',
      usd: 0.0016,
      perMonth: true,
      known: true,
      includes: 'outputs',
      leavesOut: 'requests',
    },
    {
      item: 'transfer-out',
      usd: 0,
      perMonth: false,
      known: false,
      includes: 'nothing yet',
      leavesOut: 'downloads',
    },
  ],
  attempts: [attempt(1, 'Host EC2 (instance i-0abc) terminated.'), attempt(2)],
  headline: {
    simulatedDays: 1,
    costPerSimulatedDayUsd: 0.4708,
    estimate: { instanceType: 'c7g.4xlarge', lowUsd: 0.2, expectedUsd: 0.4, highUsd: 0.8 },
    finalOverExpected: 1.177,
  },
  updatedAt: '2026-12-01T11:01:00Z',
  finalAt: '2026-12-01T11:01:00Z',
};

describe('gcr cost', () => {
  it('shows the final cost itemised, with every attempt, and the estimate beside it', async () => {
    api.routes.set(`GET /simulations/${SIM}/cost`, () => ({ status: 200, body: cost }));
    const run = await gcr(['cost', SIM]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Final cost of ${SIM}: $0.47`);
    expect(run.stdout).toMatch(/s3-storage\s+\$0\.0016 a month/);
    expect(run.stdout).toMatch(/transfer-out\s+not known/);
    expect(run.stdout).toMatch(/^1\s+c7g\.4xlarge\s+us-east-1a\s+spot/m);
    expect(run.stdout).toMatch(/^2\s+c7g\.4xlarge/m);
    expect(run.stdout).toContain('final / expected = 1.177');
  });

  it('shows billed (the CUR) next to tracked, and their difference, once reconciled', async () => {
    const reconciled: SimulationCost = {
      ...cost,
      reconciliation: {
        simulationId: SIM,
        trackedUsd: 0.44,
        billedUsd: 0.5,
        differenceUsd: -0.06,
        lineItems: 3,
        unmatchedUsd: 0,
        attempts: [
          { attempt: 1, trackedUsd: 0.2, billedUsd: 0.21, differenceUsd: -0.01 },
          { attempt: 2, trackedUsd: 0.24, billedUsd: 0.29, differenceUsd: -0.05 },
        ],
        reconciledAt: '2026-12-02T06:00:00Z',
      },
    };
    api.routes.set(`GET /simulations/${SIM}/cost`, () => ({ status: 200, body: reconciled }));
    const run = await gcr(['cost', SIM]);
    expect(run.stdout).toMatch(
      /billed \(CUR\):\s+\$0\.50 billed vs \$0\.44 tracked compute, difference \$-0\.06/,
    );
    expect(run.stdout).toContain('attempt 2: $0.29 vs $0.24');
  });

  it('prints the API document with --json', async () => {
    api.routes.set(`GET /simulations/${SIM}/cost`, () => ({ status: 200, body: cost }));
    const run = await gcr(['--json', 'cost', SIM]);
    expect(JSON.parse(run.stdout)).toEqual(cost);
  });
});

describe('gcr budget', () => {
  const budget = {
    budget: 'owner:alice',
    owner: 'alice',
    limitUsd: 100,
    thresholds: [50, 80, 100],
    alertOnly: false,
    month: '2026-12',
    spentUsd: 81.5,
    crossedThresholds: [50, 80],
  };

  it('set sends the limit, thresholds and flags as the API takes them, and a non-number as given for the API to name', async () => {
    api.routes.set('PUT /budgets', () => ({ status: 200, body: budget }));
    const run = await gcr(['budget', 'set', '--limit', '100', '--thresholds', '50,80,100', '--alert-only']);
    expect(run.code).toBe(0);
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({
      limitUsd: 100,
      thresholds: [50, 80, 100],
      alertOnly: true,
    });
    expect(run.stdout).toMatch(
      /owner:alice\s+2026-12\s+\$81\.50\s+\$100\.00\s+81\.5%\s+50% 80% 100%\s+50% 80%/,
    );

    api.routes.set('PUT /budgets', () => ({
      status: 400,
      body: {
        error: {
          code: 'ValidationError',
          message: 'the budget is invalid',
          issues: [{ field: 'limitUsd', message: 'must be number' }],
        },
      },
    }));
    const bad = await gcr(['budget', 'set', '--limit', 'ten']);
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({ limitUsd: 'ten' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('limitUsd');
  });

  it('list asks for the month and rm names the tag', async () => {
    api.routes.set('GET /budgets', () => ({ status: 200, body: { month: '2026-11', items: [budget] } }));
    expect((await gcr(['budget', 'list', '--month', '2026-11'])).code).toBe(0);
    expect(api.requests.at(-1)!.query.get('month')).toBe('2026-11');
    api.routes.set('DELETE /budgets', () => ({ status: 204 }));
    expect((await gcr(['budget', 'rm', '--tag', 'project=ozone'])).code).toBe(0);
    expect(api.requests.at(-1)!.query.get('tag')).toBe('project=ozone');
  });
});

describe('gcr costs', () => {
  it('asks for the month and grouping and prints the groups', async () => {
    api.routes.set('GET /costs', () => ({
      status: 200,
      body: {
        month: '2026-12',
        groupBy: 'tag',
        totalUsd: 12.5,
        simulations: 3,
        groups: [{ key: 'project=ozone', totalUsd: 10, finalUsd: 8, accruedUsd: 2, simulations: 2 }],
      },
    }));
    const run = await gcr(['costs', '--month', '2026-12', '--by', 'tag']);
    expect(run.code).toBe(0);
    const request = api.requests.at(-1)!;
    expect([request.query.get('month'), request.query.get('groupBy')]).toEqual(['2026-12', 'tag']);
    expect(run.stdout).toContain('2026-12: $12.50 over 3 simulations, by tag');
    expect(run.stdout).toMatch(/project=ozone\s+\$10\.00\s+\$8\.00\s+\$2\.00\s+2/);
  });
});

/**
 * `gcr submit --dry-run`, `gcr estimate` and `gcr inputs` in-process against a
 * real local platform: the plan comes from POST /simulation-plans, nothing is
 * submitted by a dry run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import {
  runGcr,
  startPlatformProcess,
  tempDataDir,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { exampleSpec } from '#test/helpers/specs.js';

let platform: RunningPlatform;
const FULLCHEM = path.join(repoRoot, 'examples/fullchem-2x25-1week.json');

beforeAll(async () => {
  platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

function gcr(user: string, ...argv: string[]): ReturnType<typeof runGcr> {
  return runGcr(argv, { env: { GCR_DATA_DIR: platform.dataDir, GCR_USER: user }, cwd: repoRoot });
}

describe('planning with gcr against the local platform', () => {
  it('dry-runs the fullchem week: run directory, inputs volume and estimate, and submits nothing', async () => {
    const run = await gcr('planner', 'submit', '--dry-run', FULLCHEM);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dry run: nothing was submitted');
    expect(run.stdout).toContain('Run directory gc_2x25_merra2_fullchem');
    expect(run.stdout).toMatch(/Input data about \d+(\.\d)? GB/);
    expect(run.stdout).toMatch(/10 files are read at the end instant \(2019-07-08 00:00\): met MERRA-2 A1, /);
    expect(run.stdout).toContain('Recommended: c7i.8xlarge');
    const list = await gcr('planner', 'list', '--json');
    expect(JSON.parse(list.stdout).items).toEqual([]);
  });

  it('prints the plan as JSON with --json', async () => {
    const run = await gcr('planner', '--json', 'submit', '--dry-run', FULLCHEM);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.inputs.totalBytes).toBeGreaterThan(0);
    expect(plan.estimate.options.length).toBeGreaterThan(0);
  });

  it('reports a combination GEOS-Chem would refuse with the field and exit code 1', async () => {
    const dir = tempDataDir('gcr-cli-plans-');
    const spec = exampleSpec('fullchem-2x25-1week');
    spec['grid'] = { resolution: '0.125x0.15625', levels: 72 };
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify(spec));
    const run = await gcr('planner', 'submit', '--dry-run', file);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('grid.resolution');
    expect(run.stderr).toContain('MERRA-2');
  });

  it('estimates a spec', async () => {
    const run = await gcr('planner', 'estimate', FULLCHEM);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('c7i.8xlarge');
    expect(run.stdout).toContain('Uncertainty');
    expect(run.stdout).toContain('Based on:');
  });

  it("lists a submitted simulation's inputs, and not someone else's", async () => {
    const submitted = await gcr('owner', 'submit', FULLCHEM);
    const id = submitted.stdout.split('\n')[0]!;
    const mine = await gcr('owner', 'inputs', id);
    expect(mine.code).toBe(0);
    expect(mine.stdout).toMatch(/item\(s\), about \d+(\.\d)? GB from s3:\/\/geos-chem/);
    const theirs = await gcr('intruder', 'inputs', id);
    expect(theirs.code).toBe(1);
    expect(theirs.stderr).toContain('HTTP 404');
  });
});

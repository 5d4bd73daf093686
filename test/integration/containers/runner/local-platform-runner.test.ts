import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  api,
  startPlatformProcess,
  tempDataDir,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { parseInputList } from '#containers/runner/src/inputs-list.js';
import { planInputs } from '#shared/science/inputs/plan-inputs.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
const NETCDF = path.join(repoRoot, 'test/fixtures/geoschem_nc/GEOSChem.SpeciesConc.20180505_0000z.nc4');
const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

/**
 * A local ExtData holding a placeholder for every input the spec's plan lists
 * (the plan the submission stores as rundir/gcr-inputs.json), so the runner's
 * input check passes without the public bucket.
 */
function extDataFor(spec: unknown, root: string): void {
  const validated = validateSimulationSpec(spec);
  if (!validated.ok) throw new Error(JSON.stringify(validated.issues));
  for (const entry of parseInputList(JSON.stringify(planInputs(validated.spec)))) {
    const file = entry.prefix
      ? path.join(root, entry.path.endsWith('/') ? entry.path : path.dirname(entry.path), 'placeholder')
      : path.join(root, entry.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'input\n');
  }
}

describe('the local platform with GCR_GEOSCHEM_EXE: jobs run through the job runner', () => {
  let platform: RunningPlatform;
  let token: string;
  let s3: S3Client;

  beforeAll(async () => {
    const work = tempDataDir('gcr-local-runner-');
    const fakeModel = path.join(work, 'gcclassic');
    copyFileSync(path.join(repoRoot, 'test/integration/containers/runner/fake-gcclassic.sh'), fakeModel);
    chmodSync(fakeModel, 0o755);
    const extData = path.join(work, 'ExtData');
    extDataFor(tinySpec, extData);
    // The file fake-gcclassic.sh itself opens through the run directory's data root.
    mkdirSync(path.join(extData, 'GEOS_4x5/MERRA2/2019/07'), { recursive: true });
    writeFileSync(path.join(extData, 'GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A1.4x5.nc4'), 'met\n');
    platform = await startPlatformProcess({
      env: {
        // The finder every 2 s: each run is handed to Batch, and polled, sooner.
        GCR_SCHEDULE_RATE_SECONDS: '2',
        GCR_LOCAL_BATCH_SLOTS: '2',
        GCR_GEOSCHEM_EXE: fakeModel,
        GCR_INPUTS_FROM_DIR: extData,
        GCR_UPLOAD_SCAN_SECONDS: '1',
        FAKE_GC_SOURCE: NETCDF,
      },
    });
    token = await platform.token('runner-user');
    s3 = s3rverClient(platform.endpoints.s3);
  }, 120_000);

  afterAll(async () => {
    s3?.destroy();
    await platform?.stop();
  }, 60_000);

  async function runToEnd(
    tags: Record<string, string>,
    overrides: Record<string, unknown> = {},
  ): Promise<any> {
    const submitted = await api(platform, 'POST', '/simulations', {
      token,
      body: { ...tinySpec, ...overrides, tags: { ...tinySpec.tags, ...tags } },
    });
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await api(platform, 'GET', `/simulations/${id}`, { token });
      if (TERMINAL.includes(res.body.status)) return res.body;
      if (Date.now() > deadline) throw new Error(`${id} is still ${res.body.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function objectKeys(prefix: string): Promise<string[]> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: platform.buckets[0]!, Prefix: prefix }));
    return (listed.Contents ?? []).map((item) => item.Key!.slice(prefix.length)).sort();
  }

  it('runs the model from the run directory the submission stored, and its outputs land in the bucket', async () => {
    const done = await runToEnd({});
    expect(done.status).toBe('SUCCEEDED');
    expect(await objectKeys(`simulations/${done.id}/outputs/`)).toEqual([
      'GEOSChem.Restart.20190701_0100z.nc4',
      'GEOSChem.SpeciesConc.20190701_0000z.nc4',
    ]);
    const status = await s3.send(
      new GetObjectCommand({ Bucket: platform.buckets[0]!, Key: `simulations/${done.id}/status.json` }),
    );
    expect(JSON.parse(await status.Body!.transformToString())).toMatchObject({
      model: 'gcclassic',
      state: 'succeeded',
      exitCode: 0,
    });
  }, 150_000);

  it('ends FAILED with exit code 69 before the model starts when an input file is missing', async () => {
    // A month later: the met fields for these days are not in the local ExtData.
    const done = await runToEnd(
      {},
      { period: { start: '2019-02-01T00:00:00Z', end: '2019-02-02T00:00:00Z' } },
    );
    expect(done.status).toBe('FAILED');
    expect(done.job.exitCode).toBe(69);
    expect(done.history.at(-1).reason).toMatch(/input data/i);
    expect(await objectKeys(`simulations/${done.id}/outputs/`)).toEqual([]);
  }, 150_000);

  it("ends FAILED with the runner's reason when the model logs a GEOS-Chem ERROR", async () => {
    const done = await runToEnd({ 'fake-gc-error': 'yes' });
    expect(done.status).toBe('FAILED');
    expect(done.job.exitCode).toBe(1);
    expect(done.history.at(-1).reason).toMatch(
      /^model failure: the model exited with an error or logged a fatal error \(see the job log\) \(exit code 1/,
    );
  }, 150_000);
});

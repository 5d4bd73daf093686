/**
 * Acceptance (issue 17, item 4): a checkpointed run interrupted mid-way by a
 * SIGKILL of its job (the local platform's host loss, as a spot reclaim)
 * resumes from its last restart, says so in its history, succeeds, and its
 * outputs cover the whole period; its cost counts both attempts. And (item 3
 * with 4) a checkpointed run paused while RUNNING stops at its next restart,
 * resumes from it as its next attempt and covers the period once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { NetcdfReader } from '#shared/science/netcdf/reader.js';
import {
  api,
  processesIn,
  startPlatformProcess,
  waitForStatus,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';

const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

describe('checkpoint and resume on the local platform', () => {
  let platform: RunningPlatform;
  let token: string;

  beforeAll(async () => {
    platform = await startPlatformProcess({ env: { GCR_SCHEDULE_RATE_SECONDS: '2' }, timeoutMs: 400_000 });
    token = await platform.token('checkpointer');
  }, 420_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  it('a run SIGKILLed mid-way resumes from its last restart, shown in its history, and succeeds with the whole period', async () => {
    const spec = {
      ...tinySpec,
      name: 'checkpointed demo',
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-04T00:00:00Z' },
      checkpoint: { intervalHours: 24 },
      // Three days and the end's restart over 40 s: about 10 s a day, time to kill it after its first checkpoint.
      tags: { 'demo-wall-seconds': '40' },
    };
    const created = await api(platform, 'POST', '/simulations', { token, body: spec });
    expect(created.status).toBe(201);
    const id: string = created.body.id;

    const s3 = s3rverClient(platform.endpoints.s3);
    const bucket = platform.buckets[0]!;
    const restartsOf = async (): Promise<string[]> => {
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `simulations/${id}/restarts/` }),
      );
      return (listed.Contents ?? []).map((o) => path.basename(o.Key!));
    };
    // Wait for the first checkpoint (2019-01-02) to be in the bucket.
    const deadline = Date.now() + 180_000;
    while (!(await restartsOf()).includes('GEOSChem.Restart.20190102_0000z.nc4')) {
      if (Date.now() > deadline) throw new Error(`no checkpoint of ${id} appeared`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const running = await waitForStatus(platform, token, id, ['RUNNING'], 60);
    const runDir = path.join(platform.dataDir, 'batch', 'runs', running.job.jobId);
    const pids = processesIn(runDir);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');

    const done = await waitForStatus(
      platform,
      token,
      id,
      ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'],
      300,
    );
    expect(done.status).toBe('SUCCEEDED');
    const retrying = done.history.find((h: { to: string }) => h.to === 'RETRYING');
    expect(retrying?.reason).toMatch(/host loss \(Host EC2 \(instance i-local\) terminated\.\)/);
    expect(retrying?.reason).toMatch(/resumed from model time 2019-01-0[23]T00:00Z \(restart of attempt 1\)/);
    expect(done.job.attempt).toBe(2);

    // The outputs cover the whole period: each day's SpeciesConc and the end's restart.
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `simulations/${id}/outputs/` }),
    );
    const outputs = (listed.Contents ?? []).map((o) => path.basename(o.Key!));
    expect(outputs).toEqual(
      expect.arrayContaining([
        'GEOSChem.SpeciesConc.20190101_0000z.nc4',
        'GEOSChem.SpeciesConc.20190102_0000z.nc4',
        'GEOSChem.SpeciesConc.20190103_0000z.nc4',
        'GEOSChem.Restart.20190104_0000z.nc4',
      ]),
    );
    // The end's restart is in restarts/ too, written by the second attempt.
    const end = await s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: `simulations/${id}/restarts/GEOSChem.Restart.20190104_0000z.nc4`,
      }),
    );
    expect(end.Metadata?.['gcr-attempt']).toBe('2');
    // The job's log says where the second attempt started.
    const log = readFileSync(path.join(platform.dataDir, 'batch', 'logs', `${done.job.jobId}.log`), 'utf8');
    expect(log).toMatch(/attempt 2 resumed from model time 2019-01-0[23]T00:00Z \(restart of attempt 1\)/);

    // The cost counts both attempts (the cost tracker prices each at its launch).
    const costDeadline = Date.now() + 120_000;
    for (;;) {
      const cost = await api(platform, 'GET', `/simulations/${id}/cost`, { token });
      if (cost.status === 200 && cost.body.attempts?.length === 2) break;
      if (Date.now() > costDeadline) throw new Error(`cost of ${id}: ${JSON.stringify(cost.body)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 600_000);

  it('a run paused while RUNNING stops at its next restart, resumes from it and covers the period once', async () => {
    const spec = {
      ...tinySpec,
      name: 'paused demo',
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-04T00:00:00Z' },
      checkpoint: { intervalHours: 24 },
      // About 6 s a model day: a restart soon after the pause, and a short resumed attempt.
      tags: { 'demo-wall-seconds': '24' },
    };
    const created = await api(platform, 'POST', '/simulations', { token, body: spec });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    await waitForStatus(platform, token, id, ['RUNNING'], 120);

    const pause = await api(platform, 'POST', `/simulations/${id}/pause`, { token });
    expect(pause.status).toBe(202);
    expect(pause.body.status).toBe('PAUSING');
    const paused = await waitForStatus(platform, token, id, ['WAITING', 'SUCCEEDED', 'FAILED'], 120);
    expect(paused.status).toBe('WAITING');
    expect(paused.history.at(-1).reason).toMatch(
      /^paused by checkpointer: stopped at its restart for model time 2019-01-0[23]T00:00Z \(GEOSChem\.Restart\.2019010[23]_0000z\.nc4\)/,
    );
    const stoppedAt: string = paused.pause.restart.modelTime.slice(0, 16);

    const resume = await api(platform, 'POST', `/simulations/${id}/resume`, { token });
    expect(resume.status).toBe(202);
    // The restart it stopped at, or a later one the job wrote before the terminate reached it (a loaded machine).
    const resumedFrom =
      /^resumed by checkpointer; attempt 2 resumed from model time (2019-01-0[23]T00:00)Z/.exec(
        resume.body.history.at(-1).reason,
      )?.[1];
    expect(resumedFrom).toBeDefined();
    expect(resumedFrom! >= stoppedAt).toBe(true);
    const done = await waitForStatus(
      platform,
      token,
      id,
      ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'],
      180,
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(done.job).toMatchObject({ attempt: 1, attemptsBefore: 1 });
    const log = readFileSync(path.join(platform.dataDir, 'batch', 'logs', `${done.job.jobId}.log`), 'utf8');
    expect(log).toContain(`attempt 2 resumed from model time ${resumedFrom}Z`);

    // The SpeciesConc times of both attempts together: every model day once, in order.
    const s3 = s3rverClient(platform.endpoints.s3);
    const bucket = platform.buckets[0]!;
    const prefix = `simulations/${id}/outputs/`;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const speciesConc = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.includes('SpeciesConc'));
    const dir = mkdtempSync(path.join(tmpdir(), 'gcr-paused-'));
    const times: string[] = [];
    try {
      for (const key of speciesConc.sort()) {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const file = path.join(dir, path.basename(key));
        writeFileSync(file, await object.Body!.transformToByteArray());
        times.push(...(await recordTimes(file)));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(times).toEqual(['2019-01-01T00:00Z', '2019-01-02T00:00Z', '2019-01-03T00:00Z']);

    // The cost counts both attempts, and nothing for the paused time between them.
    const costDeadline = Date.now() + 60_000;
    for (;;) {
      const cost = await api(platform, 'GET', `/simulations/${id}/cost`, { token });
      if (cost.status === 200 && cost.body.kind === 'final' && cost.body.attempts?.length === 2) {
        expect(cost.body.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2]);
        break;
      }
      if (Date.now() > costDeadline) throw new Error(`cost of ${id}: ${JSON.stringify(cost.body)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 600_000);
});

/** The model times of a diagnostics file's records ("2019-01-01T12:00Z"), from its "minutes since" units. */
async function recordTimes(file: string): Promise<string[]> {
  const reader = await NetcdfReader.open(file);
  try {
    const units = reader.header().variables.find((v) => v.name === 'time')?.attributes['units'];
    const match = /^minutes since (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/.exec(String(units));
    if (!match) throw new Error(`${file}: time units ${String(units)}`);
    const reference = Date.parse(`${match[1]}T${match[2]}Z`);
    return Array.from(
      reader.read('time'),
      (minutes) => `${new Date(reference + minutes * 60_000).toISOString().slice(0, 16)}Z`,
    );
  } finally {
    reader.close();
  }
}

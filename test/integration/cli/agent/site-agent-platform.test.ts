/**
 * Acceptance (issue 18): the demo end to end through the local platform, the
 * site agent (`gcr agent --site`, a child process) and the real single-node
 * Slurm: POST /sites, a site credential, the agent's session, its queue, the
 * presigned transfers and its reports. The agent is SIGKILLed while the run
 * is RUNNING and started again: the simulation ends SUCCEEDED with its
 * outputs in the bucket, and Slurm ran exactly one job for it. An ensemble
 * of 10 on the site (its maxConcurrentJobs 2) runs as ONE job array: one
 * array id for the 10 tasks in the jobcomp log, never more than 2 running at
 * once, every member SUCCEEDED.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it, jest } from '@jest/globals';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  api,
  startPlatformProcess,
  waitForStatus,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { s3rverClient } from '#test/helpers/s3rver-client.js';
import {
  describeWithSlurm,
  JOBCOMP_LOG,
  resetSlurmJobs,
  uniqueSimulationId,
  waitFor,
} from '#test/helpers/slurm-cluster.js';

jest.setTimeout(420_000);

const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

let platform: RunningPlatform;
let admin: string;
let token: string;
let agentDir: string;
let site: string;
const agents: ChildProcess[] = [];
let agentLog = '';

function startAgent(): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(repoRoot, 'cli/main.ts'),
      'agent',
      '--site',
      site,
      '--config',
      path.join(agentDir, 'agent.json'),
    ],
    { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (chunk: Buffer) => (agentLog += chunk.toString()));
  agents.push(child);
  return child;
}

function stopped(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The simulation once it ended (within 4 minutes). */
function ended(id: string) {
  return waitForStatus(platform, token, id, ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'], 240);
}

/** A failed wait, with the end of the agent's log to say why. */
function withAgentLog(error: unknown): Error {
  return new Error(`${(error as Error).message}\nagent log:\n${agentLog.slice(-4000)}`);
}

/** Jobs Slurm ran under this name (each sbatch is one line of the jobcomp log once it ended). */
function jobsNamed(jobName: string): number {
  if (!existsSync(JOBCOMP_LOG)) return 0;
  return readFileSync(JOBCOMP_LOG, 'utf8')
    .split('\n')
    .filter((line) => line.includes(` Name=${jobName} `)).length;
}

describeWithSlurm('a simulation on a Slurm site through the local platform and gcr agent', () => {
  beforeAll(async () => {
    await resetSlurmJobs();
    platform = await startPlatformProcess({ env: { GCR_SCHEDULE_RATE_SECONDS: '2' }, timeoutMs: 400_000 });
    [admin, token] = await Promise.all([
      platform.token('root', { admin: true }),
      platform.token('slurmuser'),
    ]);
    site = `e2e-${uniqueSimulationId('s').toLowerCase().slice(-12)}`;
    const created = await api(platform, 'POST', '/sites', {
      token: admin,
      body: {
        name: site,
        partitions: [{ name: 'debug', maxTimeMinutes: 60, maxCpus: 8, maxMemoryMiB: 8192 }],
        maxConcurrentJobs: 2,
      },
    });
    expect(created.status).toBeLessThan(300);
    const credential = await api(platform, 'POST', `/sites/${site}/credentials`, { token: admin });
    expect(credential.status).toBe(201);
    agentDir = path.join(platform.dataDir, 'agent');
    mkdirSync(agentDir, { recursive: true });
    writeFileSync(path.join(agentDir, 'site.secret'), `${credential.body.secret}\n`, { mode: 0o600 });
    writeFileSync(
      path.join(agentDir, 'agent.json'),
      JSON.stringify({
        platformUrl: platform.url,
        site,
        credentialFile: 'site.secret',
        extDataRoot: path.join(agentDir, 'ExtData'),
        workRoot: path.join(agentDir, 'work'),
        accounting: { kind: 'jobcomp-log', path: JOBCOMP_LOG },
        pollSeconds: 1,
        receiveWaitSeconds: 1,
      }),
    );
  }, 420_000);

  afterEach(async () => {
    for (const child of agents.splice(0)) {
      child.kill('SIGKILL');
      await stopped(child);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    await resetSlurmJobs();
    if (agentDir) rmSync(agentDir, { recursive: true, force: true });
  }, 120_000);

  it('runs the demo to SUCCEEDED through the agent, which survives a SIGKILL mid-run and submits once', async () => {
    const first = startAgent();
    const created = await api(platform, 'POST', '/simulations', {
      token,
      body: {
        ...tinySpec,
        name: 'slurm demo',
        compute: { ...tinySpec.compute, backend: 'slurm', site },
        tags: { 'demo-wall-seconds': '8' },
      },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const jobName = `gcr-${id}-a1`;

    try {
      await waitForStatus(platform, token, id, ['RUNNING'], 240);
      first.kill('SIGKILL');
      await stopped(first);
      startAgent();
      expect((await ended(id)).status).toBe('SUCCEEDED');
    } catch (error) {
      throw withAgentLog(error);
    }

    // Exactly one sbatch for the attempt, whatever the kill interrupted.
    await waitFor(() => jobsNamed(jobName) > 0, `${jobName} in the jobcomp log`, 60_000);
    expect(jobsNamed(jobName)).toBe(1);
    // The agent uploaded the outputs and the log through presigned PUTs.
    const listed = await s3rverClient(platform.endpoints.s3).send(
      new ListObjectsV2Command({ Bucket: platform.buckets[0]!, Prefix: `simulations/${id}/` }),
    );
    const keys = (listed.Contents ?? []).map((object) => object.Key!.slice(`simulations/${id}/`.length));
    expect(keys).toEqual(expect.arrayContaining(['logs/GC.log', 'status.json']));
    expect(keys.some((key) => key.startsWith('outputs/GEOSChem.SpeciesConc.'))).toBe(true);
  });

  it('runs an ensemble of 10 as ONE Slurm job array, never more than 2 members at once (the site throttle), all SUCCEEDED', async () => {
    startAgent();
    const started = Date.now();
    const created = await api(platform, 'POST', '/ensembles', {
      token,
      body: {
        name: 'slurm array',
        base: { ...tinySpec, compute: { ...tinySpec.compute, backend: 'slurm', site } },
        sweep: { list: Array.from({ length: 10 }, (_, i) => ({ label: `m${i}` })) },
      },
    });
    expect([created.status, created.body.error]).toEqual([201, undefined]);
    const ensembleId: string = created.body.id;
    const arrayName = `gcr-${ensembleId}-arr1`;
    const ids = Array.from({ length: 10 }, (_, i) => memberSimulationId(ensembleId, i, 1));

    // Running tasks of the array as a poll of squeue sees them, until every member ended.
    let mostRunning = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const running = execFileSync(
          'squeue',
          ['-h', '-r', '-t', 'RUNNING', `--name=${arrayName}`, '-o', '%i'],
          {
            encoding: 'utf8',
          },
        )
          .split('\n')
          .filter(Boolean).length;
        mostRunning = Math.max(mostRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    try {
      for (const id of ids) expect([id, (await ended(id)).status]).toEqual([id, 'SUCCEEDED']);
    } catch (error) {
      throw withAgentLog(error);
    } finally {
      sampling = false;
      await sampler;
    }
    const seconds = (Date.now() - started) / 1000;

    // Slurm's own record: one array id, tasks 0..9, at most 2 running at any second.
    await waitFor(
      () => tasksOf(arrayName).length === 10,
      `10 tasks of ${arrayName} in the jobcomp log`,
      60_000,
    );
    const tasks = tasksOf(arrayName);
    expect(new Set(tasks.map((t) => t.arrayJobId)).size).toBe(1);
    expect(tasks.map((t) => t.task).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const overlapAt = (instant: number) => tasks.filter((t) => t.start <= instant && instant < t.end).length;
    expect(Math.max(...tasks.map((t) => overlapAt(t.start)))).toBeLessThanOrEqual(2);
    expect(mostRunning).toBeGreaterThan(0);
    expect(mostRunning).toBeLessThanOrEqual(2);
    const firstStart = Math.min(...tasks.map((t) => t.start));
    const lastEnd = Math.max(...tasks.map((t) => t.end));
    console.log(
      `ensemble of 10 as one Slurm array (%2): POST -> all SUCCEEDED ${seconds.toFixed(1)} s; ` +
        `POST -> first task started ${(firstStart - started / 1000).toFixed(0)} s, ` +
        `first start -> last end ${lastEnd - firstStart} s (Slurm's second resolution)`,
    );
  });
});

/** The tasks of an array in the jobcomp log: its id, task and start and end (epoch s). */
function tasksOf(arrayName: string): { arrayJobId: string; task: number; start: number; end: number }[] {
  if (!existsSync(JOBCOMP_LOG)) return [];
  return readFileSync(JOBCOMP_LOG, 'utf8')
    .split('\n')
    .filter((line) => line.includes(` Name=${arrayName} `))
    .map((line) => {
      const field = (key: string) => new RegExp(` ${key}=(\\S*)`).exec(line)?.[1] ?? '';
      return {
        arrayJobId: field('ArrayJobId'),
        task: Number(field('ArrayTaskId')),
        start: Date.parse(`${field('StartTime')}Z`) / 1000,
        end: Date.parse(`${field('EndTime')}Z`) / 1000,
      };
    });
}

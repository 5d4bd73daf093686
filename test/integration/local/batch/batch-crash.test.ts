import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { LocalBatch } from '#local/batch/local-batch.js';
import type { BatchJobDetail } from '#local/batch/types.js';

jest.setTimeout(60_000);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const runner = path.join(root, 'local/batch/local-batch.ts');

let dir: string;
let reopened: LocalBatch | undefined;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-batch-crash-'));
});

afterEach(async () => {
  await reopened?.shutdown({ killJobs: true });
  reopened = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

const definitions = (marker: string) => ({
  // Waits for a marker file, then exits 5: the test controls when the job ends.
  model: {
    command: [
      process.execPath,
      '-e',
      `const fs = require("fs"); setInterval(() => { if (fs.existsSync(${JSON.stringify(marker)})) process.exit(5); }, 20)`,
    ],
  },
});

/**
 * A platform in its own process: opens the emulator, submits one job, prints
 * the job id once the job is RUNNING, and then just runs until killed.
 */
function startPlatformProcess(marker: string) {
  const code = `
    import { LocalBatch } from ${JSON.stringify(runner)};
    const batch = await LocalBatch.open({
      dir: ${JSON.stringify(dir)},
      slots: 1,
      jobQueues: ['q'],
      jobDefinitions: ${JSON.stringify(definitions(marker))},
      onStateChange: (job) => { if (job.status === 'RUNNING') console.log('RUNNING ' + job.jobId); },
    });
    await batch.submitJob({ jobName: 'crash-test', jobQueue: 'q', jobDefinition: 'model' });
    setInterval(() => {}, 1000);
  `;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LocalBatch after a crash of the platform process', () => {
  it('re-attaches to the job the crashed platform left running and records its real exit code', async () => {
    const marker = path.join(dir, 'finish-now');
    const platform = startPlatformProcess(marker);
    let out = '';
    platform.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise((resolve) => platform.once('exit', resolve));
    const jobId = await waitFor('the job to run', () => /RUNNING (\S+)/.exec(out)?.[1]);

    platform.kill('SIGKILL');
    await exited;

    const events: BatchJobDetail[] = [];
    reopened = await LocalBatch.open({
      dir,
      slots: 1,
      jobQueues: ['q'],
      jobDefinitions: definitions(marker),
      pollIntervalMs: 25,
      onStateChange: (job) => {
        events.push(job);
      },
    });
    const batch = reopened;
    expect(batch.getJob(jobId)?.status).toBe('RUNNING');
    const pid = batch.processId(jobId)!;
    if (process.platform === 'linux') expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain(jobId);

    await fs.writeFile(marker, '');
    const failed = await waitFor('the job to end', () => events.find((e) => e.status === 'FAILED'));
    expect(failed).toMatchObject({
      jobId,
      statusReason: 'Essential container in task exited',
      container: { exitCode: 5 },
      attempts: [{ container: { exitCode: 5 } }],
    });
    expect(events.map((e) => e.status)).toEqual(['FAILED']);
  });
});

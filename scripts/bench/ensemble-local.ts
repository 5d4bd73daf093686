/**
 * `npm run bench:ensemble -- --platform local --members N`: an N-member
 * ensemble end to end through the local platform (npm start's entry point, a
 * fresh data directory): POST /ensembles (over 200 members: 202 and the
 * creation queue's batches), the poller's one array job, every child a
 * process of the demo model with the shortest run (one simulated day, one
 * second of wall time: the tiny-demo fixture), run by the local Batch within
 * its slots (GCR_LOCAL_BATCH_SLOTS, default the machine's cores), until every
 * member is terminal. Reports the local Batch's calls by operation (SubmitJob,
 * DescribeJobs, ...: its GET /v1/calls), the time to all created and to all
 * terminal, and the members by status. Table writes are counted by the
 * in-process modes (the poller bench and --create), not through the platform.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatformProcess, type RunningPlatform } from '#local/spawn-platform.js';
import type { Ensemble } from '#schemas/generated/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface LocalPlatformBenchRow {
  members: number;
  slots: string;
  status: number;
  secondsToAllCreated: number;
  secondsToAllTerminal: number;
  counts: Record<string, number>;
  batchCalls: Record<string, number>;
  /** Most DescribeJobs in any one second of the run (sampled each second). */
  peakDescribePerSecond: number;
}

async function call(platform: RunningPlatform, token: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${platform.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Ensemble & { error?: unknown } };
}

async function batchCalls(platform: RunningPlatform): Promise<Record<string, number>> {
  const res = await fetch(`${platform.endpoints.eventbridge}/v1/calls`);
  return ((await res.json()) as { calls: Record<string, number> }).calls;
}

export async function runLocalPlatformBench(n: number): Promise<LocalPlatformBenchRow> {
  const spec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));
  const platform = await startPlatformProcess({
    env: { GCR_SCHEDULE_RATE_SECONDS: process.env['GCR_SCHEDULE_RATE_SECONDS'] ?? '5' },
    timeoutMs: 300_000,
  });
  try {
    const token = await platform.token('bench');
    const t0 = performance.now();
    const created = await call(platform, token, 'POST', '/ensembles', {
      name: `bench ${n}`,
      base: spec,
      sweep: { list: Array.from({ length: n }, (_, i) => ({ label: `m${i}` })) },
    });
    if (created.status !== 201 && created.status !== 202) throw new Error(JSON.stringify(created.body));
    const id = created.body.id;
    let secondsToAllCreated = created.status === 201 ? (performance.now() - t0) / 1000 : NaN;
    let peak = 0;
    let previousDescribe = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const describe = (await batchCalls(platform))['describejobs'] ?? 0;
      peak = Math.max(peak, describe - previousDescribe);
      previousDescribe = describe;
      const ensemble = (await call(platform, token, 'GET', `/ensembles/${id}?limit=1`)).body;
      if (Number.isNaN(secondsToAllCreated) && ensemble.creation?.status === 'COMPLETE')
        secondsToAllCreated = (performance.now() - t0) / 1000;
      if (ensemble.status === 'CREATION_FAILED') throw new Error(ensemble.creation?.reason);
      if (['SUCCEEDED', 'FAILED'].includes(ensemble.status)) {
        return {
          members: n,
          slots: process.env['GCR_LOCAL_BATCH_SLOTS'] ?? 'cores',
          status: created.status,
          secondsToAllCreated,
          secondsToAllTerminal: (performance.now() - t0) / 1000,
          counts: ensemble.counts,
          batchCalls: await batchCalls(platform),
          peakDescribePerSecond: peak,
        };
      }
    }
  } finally {
    await platform.stop();
  }
}

export function printLocalRow(r: LocalPlatformBenchRow): void {
  console.log(`\nensemble through the local platform (tiny demo runs; local Batch slots: ${r.slots})`);
  console.log(
    `  ${r.members} members: POST answered ${r.status}; all created after ${r.secondsToAllCreated.toFixed(1)} s, all terminal after ${r.secondsToAllTerminal.toFixed(1)} s`,
  );
  console.log(
    `  members: ${Object.entries(r.counts)
      .map(([s, k]) => `${s} ${k}`)
      .join(', ')}`,
  );
  console.log(
    `  local Batch calls: ${Object.entries(r.batchCalls)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, k]) => `${op} ${k}`)
      .join(', ')}; peak DescribeJobs/s ${r.peakDescribePerSecond} (limit 50)`,
  );
}

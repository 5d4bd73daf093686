/**
 * npm run bench:latency — the event path's latency on the local platform: for 20
 * demo-sized jobs, the time from the job's process exiting (Batch's stoppedAt,
 * recorded by the local Batch when the process ends) to SUCCEEDED being visible
 * through the API, watched by polling GET /simulations/{id} every 50 ms.
 * The design's target is 2 s. BENCH_JOBS overrides the count.
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatformProcess } from '#local/spawn-platform.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const jobs = Number(process.env['BENCH_JOBS'] ?? 20);
const spec = JSON.parse(readFileSync(path.join(root, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  // The finder polls only every 10 minutes here: what is measured is the event path.
  const platform = await startPlatformProcess({
    env: { GCR_SCHEDULE_RATE_SECONDS: '600', GCR_LOCAL_BATCH_SLOTS: '2' },
  });
  try {
    const token = await platform.token('latency');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const latencies: number[] = [];
    const watch = async (i: number) => {
      const res = await fetch(`${platform.url}/simulations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...spec, name: `latency ${i}`, tags: { 'demo-wall-seconds': '2' } }),
      });
      const { id } = (await res.json()) as { id: string };
      for (;;) {
        const got = (await (await fetch(`${platform.url}/simulations/${id}`, { headers })).json()) as {
          status: string;
          job?: { stoppedAt?: string };
        };
        if (got.status === 'SUCCEEDED') {
          const seenAt = Date.now();
          latencies.push(seenAt - Date.parse(got.job!.stoppedAt!));
          return;
        }
        if (['FAILED', 'CANCELLED', 'TIMED_OUT'].includes(got.status))
          throw new Error(`${id} ended ${got.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    process.stderr.write(`running ${jobs} demo jobs (2 at a time)...\n`);
    await Promise.all(Array.from({ length: jobs }, (_, i) => watch(i)));
    latencies.sort((a, b) => a - b);
    console.log(`\nprocess exit -> SUCCEEDED visible through the API, ${jobs} jobs (ms)`);
    console.log(
      `p50 ${percentile(latencies, 50)}  p95 ${percentile(latencies, 95)}  max ${latencies.at(-1)}  (target p95 < 2000)`,
    );
  } finally {
    await platform.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

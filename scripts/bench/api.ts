/**
 * npm run bench:api — the local platform under load. Starts it as its own
 * process and reports, side by side, GET /simulations/{id} and POST
 * /simulations at 10, 50 and 100 requests/s (open loop, BENCH_SECONDS each):
 * p50/p95/p99 of every answer, the answers that are not 2xx by status, and
 * connection errors; then a burst of BENCH_BURST submissions at once, each
 * sent the way `gcr submit` sends it (Idempotency-Key, retrying 429/503 as
 * Retry-After says): time until all are PENDING, the 429/503 met on the way,
 * and what failed. A bare DynamoDB GetItem against the same dynalite is the
 * floor. Targets: GET p95 <= 50 ms at 100 req/s; POST p95 <= 300 ms at 10
 * req/s; no connection errors at any rate.
 *
 * BENCH_SECONDS (20), BENCH_RATES (10,50,100), BENCH_BURST (1000).
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ApiClient } from '#cli/api-client.js';
import { CliError } from '#cli/errors.js';
import { SUBMIT_ATTEMPTS } from '#cli/commands/submit.js';
import { startPlatformProcess, type RunningPlatform } from '#local/spawn-platform.js';
import { isEntryPoint } from '#shared/kernel/entry-point.js';
import { formatTable, summarize, targets, type Sample, type ScenarioRow } from './load-report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const spec = readFileSync(path.join(root, 'examples/demo-local-4x5-1day.json'), 'utf8');
/** No request is left hanging: one without an answer by then is a connection error. */
const REQUEST_TIMEOUT_MS = 120_000;

export interface LoadBenchOptions {
  seconds: number;
  rates: number[];
  burst: number;
  /** Unmeasured load before each method's scenarios, so instances are warm (as steady traffic keeps them). */
  warmupSeconds: number;
  log?: (line: string) => void;
}

export interface BurstResult {
  submissions: number;
  accepted: number;
  /** From the first request to the last submission accepted (PENDING). */
  secondsToAllPending: number | undefined;
  /** Busy answers met and retried, by status. */
  retried: Record<number, number>;
  /** Submissions that did not end accepted, by status (0: connection error). */
  failed: Record<number, number>;
}

export interface LoadBenchResult {
  rows: ScenarioRow[];
  burst: BurstResult;
  bare: ScenarioRow;
}

/** Open loop at a steady rate: request i leaves at i/rate s whatever earlier ones are doing (as wrk2 does). */
async function paced(
  rate: number,
  seconds: number,
  request: (i: number) => { url: string; init: RequestInit },
): Promise<Sample[]> {
  const total = Math.max(1, Math.round(seconds * rate));
  const started = performance.now();
  const inflight: Promise<Sample>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await delay(wait);
    const { url, init } = request(i);
    const t0 = performance.now();
    inflight.push(
      fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then(
        async (res) => {
          await res.arrayBuffer();
          return { status: res.status, ms: performance.now() - t0 };
        },
        () => ({ status: 0, ms: performance.now() - t0 }),
      ),
    );
  }
  return Promise.all(inflight);
}

/** Waits until the poller has taken every message a scenario's submissions left (so the next starts clean). */
async function drainPollQueue(platform: RunningPlatform, log: (line: string) => void): Promise<void> {
  const sqs = new SQSClient({
    endpoint: platform.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: 'gcr-execution-poller-local-poll-queue' }),
    );
    const deadline = Date.now() + 300_000;
    for (;;) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const left =
        Number(Attributes['ApproximateNumberOfMessages']) +
        Number(Attributes['ApproximateNumberOfMessagesNotVisible']);
      if (left === 0) return;
      if (Date.now() > deadline) {
        log(`  (the poll queue still holds ${left} messages; going on)`);
        return;
      }
      await delay(500);
    }
  } finally {
    sqs.destroy();
  }
}

async function bareGetItem(platform: RunningPlatform, id: string, seconds: number): Promise<ScenarioRow> {
  const client = new DynamoDBClient({
    endpoint: platform.endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const samples: Sample[] = [];
  const started = performance.now();
  for (let i = 0; i < seconds * 100; i++) {
    const wait = started + i * 10 - performance.now();
    if (wait > 0) await delay(wait);
    const t0 = performance.now();
    await client.send(
      new GetItemCommand({ TableName: platform.tables[0]!, Key: { id: { S: id } }, ConsistentRead: true }),
    );
    samples.push({ status: 200, ms: performance.now() - t0 });
  }
  client.destroy();
  return summarize('bare GetItem (SDK -> dynalite)', 100, samples);
}

/** BENCH_BURST submissions at once, each as `gcr submit` sends it: its own key, 429/503 retried per Retry-After. */
async function burstOfSubmissions(platform: RunningPlatform, size: number): Promise<BurstResult> {
  const tokens = await Promise.all(Array.from({ length: size }, (_, i) => platform.token(`burst-${i}`)));
  const retried: Record<number, number> = {};
  const failed: Record<number, number> = {};
  let accepted = 0;
  let lastAccepted: number | undefined;
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token, i) => {
      const client = new ApiClient({ baseUrl: platform.url, token, timeoutMs: REQUEST_TIMEOUT_MS });
      try {
        await client.submitSimulation(spec, `burst-${i}`, {
          attempts: SUBMIT_ATTEMPTS,
          sleep: (ms) => delay(ms),
          onRetry: ({ status }) => void (retried[status] = (retried[status] ?? 0) + 1),
        });
        accepted += 1;
        lastAccepted = performance.now();
      } catch (error) {
        const status = error instanceof CliError ? (error.httpStatus ?? 0) : 0;
        failed[status] = (failed[status] ?? 0) + 1;
      }
    }),
  );
  return {
    submissions: size,
    accepted,
    secondsToAllPending:
      accepted === size && lastAccepted !== undefined ? (lastAccepted - started) / 1000 : undefined,
    retried,
    failed,
  };
}

export async function runLoadBench(
  platform: RunningPlatform,
  options: LoadBenchOptions,
): Promise<LoadBenchResult> {
  const log = options.log ?? (() => undefined);
  const token = await platform.token('bench');
  const created = await fetch(`${platform.url}/simulations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: spec,
  });
  const { id } = (await created.json()) as { id: string };
  const getUrl = `${platform.url}/simulations/${id}`;
  const get = () => ({ url: getUrl, init: { headers: { authorization: `Bearer ${token}` } } });
  // POSTs spread over many users, so the per-owner active limit is not what is measured.
  const posters = await Promise.all(Array.from({ length: 500 }, (_, i) => platform.token(`bench-${i}`)));
  const post = (i: number) => ({
    url: `${platform.url}/simulations`,
    init: {
      method: 'POST',
      body: spec,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${posters[i % posters.length]}` },
    },
  });

  const rows: ScenarioRow[] = [];
  const top = Math.max(...options.rates);
  log(`warming GET at ${top} req/s for ${options.warmupSeconds} s`);
  await paced(top, options.warmupSeconds, get);
  for (const rate of options.rates) {
    log(`GET /simulations/{id} at ${rate} req/s for ${options.seconds} s`);
    rows.push(summarize('GET /simulations/{id}', rate, await paced(rate, options.seconds, get)));
  }
  log(`warming POST at ${top} req/s for ${options.warmupSeconds} s`);
  await paced(top, options.warmupSeconds, post);
  await drainPollQueue(platform, log);
  for (const rate of options.rates) {
    log(`POST /simulations at ${rate} req/s for ${options.seconds} s`);
    rows.push(summarize('POST /simulations', rate, await paced(rate, options.seconds, post)));
    // Every POST leaves the poller a submission's work: let it finish before the next rate.
    await drainPollQueue(platform, log);
  }
  log(`a burst of ${options.burst} submissions at once, retried as gcr submit retries`);
  const burst = await burstOfSubmissions(platform, options.burst);
  await drainPollQueue(platform, log);
  log(`bare GetItem at 100 req/s for ${options.seconds} s`);
  const bare = await bareGetItem(platform, id, options.seconds);
  return { rows, burst, bare };
}

const counts = (byStatus: Record<number, number>): string =>
  Object.entries(byStatus)
    .map(([status, n]) => `${status === '0' ? 'connection' : status}: ${n}`)
    .join(', ') || 'none';

export function reportLines(result: LoadBenchResult, options: LoadBenchOptions): string[] {
  const { burst } = result;
  return [
    `API on the local platform, ${options.seconds} s per rate (latency in ms, every answer counted)`,
    ...formatTable([...result.rows, result.bare]),
    '',
    `burst of ${burst.submissions} submissions (gcr submit's retries, at most ${SUBMIT_ATTEMPTS} requests each):`,
    `  accepted (PENDING): ${burst.accepted} of ${burst.submissions}` +
      (burst.secondsToAllPending !== undefined ? `, all in ${burst.secondsToAllPending.toFixed(1)} s` : ''),
    `  busy answers retried: ${counts(burst.retried)}`,
    `  failed: ${counts(burst.failed)}`,
    '',
    ...targets(result.rows).map(
      (t) => `target ${t.description}: ${t.met === undefined ? 'not measured' : t.met ? 'met' : 'NOT met'}`,
    ),
  ];
}

async function main(): Promise<void> {
  const options: LoadBenchOptions = {
    seconds: Number(process.env['BENCH_SECONDS'] ?? 20),
    rates: (process.env['BENCH_RATES'] ?? '10,50,100').split(',').map(Number),
    burst: Number(process.env['BENCH_BURST'] ?? 1000),
    warmupSeconds: 3,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  process.stderr.write(
    `starting the local platform (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})...\n`,
  );
  // No local Batch slots: the benchmark measures the API, not thousands of demo models.
  const platform = await startPlatformProcess({
    env: { GCR_LOCAL_BATCH_SLOTS: '0', GCR_MAX_ACTIVE_SIMULATIONS_PER_OWNER: '10000' },
  });
  try {
    const result = await runLoadBench(platform, options);
    console.log(`\n${reportLines(result, options).join('\n')}`);
    console.log(
      `(load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
  } finally {
    await platform.stop();
  }
}

if (isEntryPoint(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

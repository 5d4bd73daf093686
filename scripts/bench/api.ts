/**
 * npm run bench:api — API latency on the local platform (target: p95 < 50 ms at
 * 100 requests/s). Starts the platform as its own process, drives 100 req/s for
 * 20 s of GET /simulations/{id} and of POST /simulations with autocannon, and
 * compares with a bare DynamoDB GetItem against the same dynalite.
 *
 * BENCH_SECONDS and BENCH_RATE override the duration and rate.
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startPlatformProcess } from '#local/spawn-platform.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seconds = Number(process.env['BENCH_SECONDS'] ?? 20);
const rate = Number(process.env['BENCH_RATE'] ?? 100);
const spec = readFileSync(path.join(root, 'examples/demo-local-4x5-1day.json'), 'utf8');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Row {
  name: string;
  requests: number;
  non2xx: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Open loop at a steady rate: one request every 1000/rate ms on absolute times,
 * whatever the previous ones are doing (as wrk2 does), so latency is not hidden
 * by waiting for slow answers. Keep-alive connections via fetch.
 */
async function paced(name: string, request: () => { url: string; init: RequestInit }): Promise<Row> {
  const samples: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const total = seconds * rate;
  const interval = 1000 / rate;
  const inflight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { url, init } = request();
    const t0 = performance.now();
    inflight.push(
      fetch(url, init).then(
        async (res) => {
          await res.arrayBuffer();
          samples.push(performance.now() - t0);
          if (res.status >= 300) non2xx += 1;
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(inflight);
  samples.sort((a, b) => a - b);
  return {
    name,
    requests: total,
    non2xx,
    errors,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
  };
}

/**
 * autocannon at the same overall rate. Its rate limiter lets each connection send
 * its share of a second back to back at the start of the second, so this is the
 * bursty view; p95 needs the raw samples, so each response is timed here.
 */
async function drive(name: string, options: autocannon.Options): Promise<Row> {
  const samples: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { ...options, duration: seconds, overallRate: rate, connections: 10 },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      samples.push(responseTime);
    });
  });
  samples.sort((a, b) => a - b);
  return {
    name,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
  };
}

async function bareGetItem(endpoint: string, table: string, id: string): Promise<Row> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const samples: number[] = [];
  const total = seconds * rate;
  const interval = 1000 / rate;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }));
    samples.push(performance.now() - t0);
  }
  client.destroy();
  samples.sort((a, b) => a - b);
  return {
    name: 'bare GetItem (SDK -> dynalite)',
    requests: total,
    non2xx: 0,
    errors: 0,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
  };
}

async function main(): Promise<void> {
  process.stderr.write(`starting the local platform...\n`);
  // Jobs stay queued (no local Batch slots): the benchmark measures the API, not 2,000 demo models.
  const platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
  try {
    const token = await platform.token('bench');
    const created = await fetch(`${platform.url}/simulations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: spec,
    });
    const { id } = (await created.json()) as { id: string };

    // POSTs spread over many users so the per-owner active limit (20) is not what we measure.
    const users = Math.ceil((2 * seconds * rate) / 15);
    const tokens = await Promise.all(Array.from({ length: users }, (_, i) => platform.token(`bench-${i}`)));
    let next = 0;

    process.stderr.write(`driving ${rate} req/s for ${seconds} s per scenario...\n`);
    const rows: Row[] = [];
    const getUrl = `${platform.url}/simulations/${id}`;
    const auth = { authorization: `Bearer ${token}` };
    rows.push(
      await paced('GET /simulations/{id} (steady)', () => ({ url: getUrl, init: { headers: auth } })),
    );
    // GETs first: every POST leaves the poller work (claim, SubmitJob, transitions) that outlasts it.
    rows.push(await drive('GET /simulations/{id} (autocannon)', { url: getUrl, headers: auth }));
    rows.push(
      await paced('POST /simulations (steady)', () => ({
        url: `${platform.url}/simulations`,
        init: {
          method: 'POST',
          body: spec,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${tokens[next++ % tokens.length]}`,
          },
        },
      })),
    );
    rows.push(
      await drive('POST /simulations (autocannon)', {
        url: `${platform.url}/simulations`,
        method: 'POST',
        body: spec,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => {
              request.headers = {
                ...request.headers,
                authorization: `Bearer ${tokens[next++ % tokens.length]}`,
              };
              return request;
            },
          },
        ],
      }),
    );
    const bare = await bareGetItem(platform.endpoints.dynamodb, platform.tables[0]!, id);
    rows.push(bare);

    const fmt = (n: number) => n.toFixed(1).padStart(7);
    console.log(`\nAPI latency on the local platform, ${rate} req/s for ${seconds} s (ms)`);
    console.log(
      `${'scenario'.padEnd(38)} ${'requests'.padStart(8)} ${'non-2xx'.padStart(7)} ${'errors'.padStart(6)}     p50     p95     p99`,
    );
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(38)} ${String(r.requests).padStart(8)} ${String(r.non2xx).padStart(7)} ${String(r.errors).padStart(6)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.p99)}`,
      );
    }
    for (const r of rows.filter((row) => row !== bare)) {
      console.log(
        `${r.name}: p95 ${r.p95.toFixed(1)} ms = ${(r.p95 / bare.p95).toFixed(1)}x bare GetItem p95; target p95 < 50 ms: ${r.p95 < 50 ? 'met' : 'NOT met'}`,
      );
    }
  } finally {
    await platform.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

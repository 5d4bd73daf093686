/**
 * npm run demo — the whole pipeline on this machine: starts the local platform,
 * submits examples/demo-local-4x5-1day.json, watches it to the end, and prints
 * its status history and where its outputs are, then waits for its results
 * (manifest, metrics, previews) to be READY.
 *
 * Before submitting it subscribes to the run's end twice (docs/NOTIFICATIONS.md):
 * a webhook to a receiver of its own that verifies every signature, and an
 * email to the platform's local mailbox (`gcr dev mail`); it shows both
 * deliveries, then removes the subscriptions.
 *
 * DEMO_SPEC picks another spec; GCR_DEMO_WALL_SECONDS sets how long the demo
 * model runs (default 20 s); GCR_DATA_DIR keeps the platform's state (default .gcr).
 *
 * `npm run demo -- --backend slurm [--site NAME]` runs it on the local Slurm
 * cluster (scripts/slurm/start-cluster.sh) instead, through a site (created if
 * needed, default `local-slurm`) and its agent, `gcr agent --site`, started as
 * a child process (scripts/slurm/demo-site.ts; docs/SLURM.md).
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { SimulationCost, SimulationResultsStatus } from '#schemas/generated/types.js';
import { localUser } from '#cli/config.js';
import { makeColors } from '#cli/format.js';
import { costBlock } from '#cli/views.js';
import { signLocalToken } from '#local/auth/jwt.js';
import { startPlatformProcess, type PlatformInfo } from '#local/spawn-platform.js';
import { startWebhookReceiver, type WebhookReceiver } from '#local/receivers/webhook-receiver.js';
import { outputsPrefix } from '#shared/kernel/storage/bucket-layout.js';
import { startDemoSite, type DemoSite } from './slurm/demo-site.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const specFile = path.resolve(
  process.env['DEMO_SPEC'] ?? path.join(root, 'examples/demo-local-4x5-1day.json'),
);
const dataDir = path.resolve(process.env['GCR_DATA_DIR'] ?? path.join(root, '.gcr'));
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

/** `--backend local|slurm` and `--site NAME` (slurm only). */
function demoOptions(argv: readonly string[]): { backend: 'local' | 'slurm'; site: string } {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : argv.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const backend = value('--backend') ?? 'local';
  if (backend !== 'local' && backend !== 'slurm') throw new Error(`--backend ${backend}: local or slurm`);
  return { backend, site: value('--site') ?? 'local-slurm' };
}
const options = demoOptions(process.argv.slice(2));

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A platform already serving this data directory (`npm start` in another shell), if any. */
async function runningPlatform() {
  try {
    const info = JSON.parse(readFileSync(path.join(dataDir, 'platform.json'), 'utf8')) as PlatformInfo;
    process.kill(info.pid, 0);
    say(`using the local platform already running at ${info.url}`);
    return {
      ...info,
      token: (user: string, opts: { admin?: boolean } = {}) =>
        signLocalToken(dataDir, { user, groups: opts.admin ? ['admin'] : [] }),
      stop: async () => undefined,
    };
  } catch {
    return undefined;
  }
}

async function startOwnPlatform() {
  say(`starting the local platform (data in ${dataDir})...`);
  return startPlatformProcess({
    dataDir,
    env: { GCR_SCHEDULE_RATE_SECONDS: process.env['GCR_SCHEDULE_RATE_SECONDS'] ?? '5' },
  });
}

async function main(): Promise<number> {
  const platform = (await runningPlatform()) ?? (await startOwnPlatform());
  const started = Date.now();
  try {
    // The user `gcr` signs for by default, so the commands printed at the end see this simulation.
    const token = await platform.token(localUser(process.env));
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { compute?: Record<string, unknown> };
    if (options.backend === 'slurm') {
      slurmSite = await startDemoSite({
        platformUrl: platform.url,
        adminToken: await platform.token('root', { admin: true }),
        dataDir,
        site: options.site,
        say,
      });
      spec.compute = { ...spec.compute, backend: 'slurm', site: slurmSite.site };
    }
    receiver = await startWebhookReceiver();
    subscriptions = await subscribe(platform.url, headers, receiver);
    const submitted = await fetch(`${platform.url}/simulations`, {
      method: 'POST',
      headers,
      body: JSON.stringify(spec),
    });
    const simulation = (await submitted.json()) as { id: string; error?: { message: string } };
    if (submitted.status !== 201) throw new Error(`submission refused: ${JSON.stringify(simulation)}`);
    say(
      `submitted ${simulation.id} from ${path.relative(root, specFile)}${options.backend === 'slurm' ? ` to the Slurm site ${options.site}` : ''}`,
    );

    let seen = 0;
    // A progress line only when it changes: a Slurm run's progress moves once per agent poll, not per 0.5 s read.
    let shownProgress: string | undefined;
    let last:
      | {
          status: string;
          history: { at: string; from: string | null; to: string; reason: string }[];
          progress?: { percent: number };
        }
      | undefined;
    const deadline = Date.now() + 10 * 60_000;
    while (Date.now() < deadline) {
      const res = await fetch(`${platform.url}/simulations/${simulation.id}`, { headers });
      last = (await res.json()) as NonNullable<typeof last>;
      for (const entry of last.history.slice(seen)) {
        say(`  ${entry.at}  ${(entry.from ?? '-').padEnd(10)} -> ${entry.to.padEnd(10)} ${entry.reason}`);
      }
      seen = last.history.length;
      if (TERMINAL.has(last.status)) break;
      // Rewritten in place on a terminal; a line of its own in a log file.
      const progress =
        last.progress &&
        `  ... ${last.progress.percent.toFixed(0)}% simulated${process.stdout.isTTY ? '\r' : '\n'}`;
      if (progress && progress !== shownProgress) process.stdout.write(progress);
      shownProgress = progress ?? shownProgress;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (!last || !TERMINAL.has(last.status))
      throw new Error('the simulation did not finish within 10 minutes');

    say(`\n${simulation.id} ended ${last.status} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    say(`status history: ${['PENDING', ...last.history.slice(1).map((h) => h.to)].join(' -> ')}`);
    const bucket = platform.buckets[0]!;
    const s3 = new S3Client({
      endpoint: platform.endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const prefix = outputsPrefix(simulation.id);
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    say(
      `outputs in the local bucket s3://${bucket}/${prefix} (files under ${path.join(dataDir, 's3', bucket)}):`,
    );
    for (const object of listing.Contents ?? []) say(`  ${object.Key}  ${object.Size} bytes`);
    if (last.status !== 'SUCCEEDED') {
      await sayFinalCost(platform.url, simulation.id, headers);
      say(
        `\nMore: npx gcr status ${simulation.id}; npx gcr events ${simulation.id}; npx gcr logs ${simulation.id}`,
      );
      return 1;
    }
    await showNotifications(receiver, simulation.id, started);
    const results = await waitForResults(platform.url, simulation.id, headers);
    say(
      `results ${results?.status ?? 'not processed within 5 minutes'}${
        results?.status === 'READY'
          ? `: ${results.fileCount} files, ${results.totalBytes} bytes, ${
              results.complete ? 'complete' : `${results.missingOutputs} expected outputs missing`
            }, ${results.previews ?? 0} preview maps`
          : results?.reason
            ? `: ${results.reason}`
            : ''
      }`,
    );
    say(
      `\nMore: npx gcr results ${simulation.id}; npx gcr cost ${simulation.id}; npx gcr status ${simulation.id}; npx gcr events ${simulation.id}; npx gcr logs ${simulation.id}`,
    );
    const cost = await sayFinalCost(platform.url, simulation.id, headers);
    return results?.status === 'READY' && cost ? 0 : 1;
  } finally {
    for (const id of subscriptions) {
      await fetch(`${platform.url}/subscriptions/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${await platform.token(localUser(process.env))}` },
      });
    }
    await receiver?.close();
    await slurmSite?.stop();
    await platform.stop();
  }
}

let receiver: WebhookReceiver | undefined;
let slurmSite: DemoSite | undefined;
let subscriptions: string[] = [];
const DEMO_ADDRESS = 'demo@example.org';

/** A webhook (to `receiver`, the run's end only) and an email (the default: end and results). */
async function subscribe(
  url: string,
  headers: Record<string, string>,
  hooks: WebhookReceiver,
): Promise<string[]> {
  const post = async (body: object) => {
    const res = await fetch(`${url}/subscriptions`, { method: 'POST', headers, body: JSON.stringify(body) });
    const made = (await res.json()) as { id: string; signingSecret?: string };
    if (res.status !== 201) throw new Error(`subscription refused: ${JSON.stringify(made)}`);
    return made;
  };
  const hook = await post({ channel: 'webhook', url: hooks.url, events: ['status'], name: 'demo webhook' });
  hooks.setSecret(hook.signingSecret!);
  const mail = await post({ channel: 'email', address: DEMO_ADDRESS, name: 'demo email' });
  say(
    `subscribed: webhook ${hook.id} -> ${hooks.url} (signatures verified), email ${mail.id} -> ${DEMO_ADDRESS}`,
  );
  return [hook.id, mail.id];
}

/** The run's end as the webhook receiver verified it, and as the local mailbox got it. */
async function showNotifications(hooks: WebhookReceiver | undefined, simulationId: string, since: number) {
  if (!hooks) return;
  const deliveries = await hooks.waitFor(1, 60_000).catch(() => hooks.deliveries);
  const end = deliveries.find((d) => d.body.data['simulationId'] === simulationId);
  say(
    end
      ? `webhook: ${end.body.type} ${String(end.body.data['to'])}, signature verified (webhook-id ${end.id}); ${hooks.requests.length} request(s), ${hooks.duplicates} duplicate(s)`
      : 'webhook: no delivery within 60 s',
  );
  const mailDir = path.join(dataDir, 'mail');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const mail = existsSync(mailDir)
      ? readdirSync(mailDir)
          .filter((f) => f.endsWith('.json'))
          .map(
            (f) =>
              JSON.parse(readFileSync(path.join(mailDir, f), 'utf8')) as {
                id: string;
                to: string[];
                subject: string;
                receivedAt: string;
              },
          )
          .filter((m) => m.to.includes(DEMO_ADDRESS) && Date.parse(m.receivedAt) >= since)
      : [];
    if (mail.length > 0 || Date.now() > deadline) {
      for (const m of mail)
        say(
          `email in the local mailbox: "${m.subject}" to ${m.to.join(', ')} (npx gcr dev mail --show ${m.id})`,
        );
      if (mail.length === 0) say('email: none within 60 s');
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

type ResultsStatus = SimulationResultsStatus;

/** The results processor's outcome (manifest, metrics, previews), once it is READY or FAILED. */
async function waitForResults(
  url: string,
  id: string,
  headers: Record<string, string>,
): Promise<ResultsStatus | undefined> {
  say('processing results (manifest, metrics, previews)...');
  const deadline = Date.now() + 5 * 60_000;
  let results: ResultsStatus | undefined;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/simulations/${id}`, { headers });
      results = ((await res.json()) as { results?: ResultsStatus }).results;
      if (results && results.status !== 'PROCESSING') return results;
    } catch {
      // The local platform runs the processor in its own process: while it reads a
      // large NetCDF file (synchronous hyperslab reads) the API may not answer.
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return results;
}

/** The run's final cost, itemised (the cost tracker writes it once the run ended), printed last. */
async function sayFinalCost(
  url: string,
  id: string,
  headers: Record<string, string>,
): Promise<SimulationCost | undefined> {
  const deadline = Date.now() + 2 * 60_000;
  let cost: SimulationCost | undefined;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/simulations/${id}/cost`, { headers });
      if (res.ok) cost = (await res.json()) as SimulationCost;
      // Final, its outputs' S3 storage known (the results were listed) and reconciled against the
      // local CUR export (billed), or a few seconds on
      const storage = cost?.items.find((item) => item.item === 's3-storage');
      const reconciledAt = cost?.reconciliation?.reconciledAt;
      const complete = storage?.known && reconciledAt !== undefined && reconciledAt >= cost!.updatedAt;
      // (the local reconciliation runs once a minute)
      if (cost?.kind === 'final' && (complete || Date.now() > deadline - 30_000)) break;
    } catch {
      // busy platform: ask again
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (cost?.kind !== 'final') {
    say('\nno final cost within 2 minutes (see npx gcr cost)');
    return undefined;
  }
  say(`\n${costBlock(cost, makeColors(false))}`);
  return cost;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo failed: ${(err as Error).message}`);
    process.exit(1);
  },
);

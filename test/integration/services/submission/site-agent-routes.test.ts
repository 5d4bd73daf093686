/**
 * A Slurm site's agent, as it talks to the platform (docs/SLURM.md, "Agent
 * protocol"), driven with a real HTTP client and @aws-sdk/client-sqs against
 * the local platform: the session, the submit message on the site's queue, the
 * run directory down and the demo model's outputs up through presigned URLs,
 * reports RUNNING then SUCCEEDED, and the simulation SUCCEEDED with results.
 * A second site whose agent goes silent after its run started: the run shows
 * as waiting for its site (never FAILED), and the reason clears as soon as
 * the agent reports again. Its heartbeat is 5 s and one missed heartbeat makes
 * it silent. What finds it silent is a poll without a report: the test asks
 * for one as the execution finder's scheduled run does (a `Simulation Poll
 * Requested` event on the local bus), rather than waiting a minute or more
 * for the poll schedule's first tick in RUNNING; the schedule itself is the
 * finder's tests'. Also: a revoked credential is refused, and the site's
 * queue goes with the site.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  aliceBobAndAdmin,
  api,
  START_FUNCTIONS_ON_FIRST_USE,
  startPlatformProcess,
  waitForResultsReady,
  waitForStatus,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { simulationPollRequested, Source } from '#shared/kernel/events/catalog.js';
import { createEventBridgePublisher } from '#shared/kernel/events/publisher.js';
import { exampleSpec } from '#test/helpers/specs.js';
import type { Simulation, SiteSession, SiteTransfer, SiteJobWork } from '#schemas/generated/types.js';

const PARTITIONS = [{ name: 'debug', maxTimeMinutes: 2880, maxCpus: 16, maxMemoryMiB: 64_000 }];
const SITE = { name: 'agent-site', partitions: PARTITIONS };
const QUIET = { name: 'quiet-site', partitions: PARTITIONS };

let platform: RunningPlatform;
let tokens: { alice: string; admin: string };
let secret: string;
let credentialId: string;
let quietSecret: string;
let work: string;

beforeAll(async () => {
  platform = await startPlatformProcess({
    env: {
      GCR_LOCAL_BATCH_SLOTS: '0',
      GCR_SITE_HEARTBEAT_SECONDS: '5',
      GCR_SITE_SILENT_AFTER_HEARTBEATS: '1',
      ...START_FUNCTIONS_ON_FIRST_USE,
    },
  });
  const { alice, admin } = await aliceBobAndAdmin(platform);
  tokens = { alice, admin };
  expect((await api(platform, 'POST', '/sites', { token: admin, body: SITE })).status).toBe(200);
  const credential = await api(platform, 'POST', `/sites/${SITE.name}/credentials`, { token: admin });
  ({ secret, credentialId } = credential.body as { secret: string; credentialId: string });
  expect((await api(platform, 'POST', '/sites', { token: admin, body: QUIET })).status).toBe(200);
  quietSecret = (await api(platform, 'POST', `/sites/${QUIET.name}/credentials`, { token: admin })).body
    .secret;
  work = await mkdtemp(path.join(os.tmpdir(), 'gcr-agent-'));
}, 180_000);

afterAll(async () => {
  await platform?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

const agent = { agentId: 'login1:4242', version: 'test', startedAt: new Date().toISOString() };
const asAgent = (method: string, route: string, body?: unknown, credential = secret, site = SITE.name) =>
  api(platform, method, `/sites/${site}${route}`, {
    headers: { authorization: `Bearer ${credential}` },
    body,
  });
const asQuietAgent = (route: string, body?: unknown) => asAgent('POST', route, body, quietSecret, QUIET.name);

/** Long-polls the site's queue (as the agent does) until a message comes; deletes it once read. */
async function receiveWork(sqs: SQSClient, queueUrl: string): Promise<SiteJobWork> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
    );
    const [message] = Messages ?? [];
    if (!message) continue;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    return JSON.parse(message.Body!) as SiteJobWork;
  }
  throw new Error('no work arrived on the site queue within 60 s');
}

/** The demo model on the stored spec, as a site's job would run it; its files, relative to the simulation. */
function runDemoModel(spec: unknown, simulationId: string): void {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'containers/demo-model/src/main.ts')],
    {
      cwd: repoRoot,
      env: {
        GCR_STATUS_FILE: path.join(work, 'gcr-status.json'),
        ...process.env,
        GCR_SIMULATION_ID: simulationId,
        GCR_SPEC: JSON.stringify(spec),
        GCR_DEMO_WALL_SECONDS: '0',
        GCR_OUTPUT_DIR: path.join(work, 'outputs'),
        GCR_RESTARTS_DIR: path.join(work, 'restarts'),
      },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (run.status !== 0) throw new Error(`the demo model exited ${run.status}: ${run.stderr}`);
}

/** The quiet site's run: started first, checked after the other site's run (its wait overlaps it). */
const quiet: { id?: string; running?: Record<string, unknown>; agent?: Record<string, unknown> } = {};

/**
 * Polls GET /simulations/{id} until `check` holds of its job's status reason;
 * with `requestPolls`, asks the poller for a poll of it every few seconds
 * meanwhile, as the execution finder's scheduled run would.
 */
async function waitForJobReason(
  id: string,
  check: (reason: string | undefined) => boolean,
  seconds: number,
  requestPolls?: (simulation: Simulation) => Promise<void>,
) {
  const deadline = Date.now() + seconds * 1000;
  let nextRequest = 0;
  for (;;) {
    const { body } = await api(platform, 'GET', `/simulations/${id}`, { token: tokens.alice });
    if (check(body.job?.statusReason)) return body;
    if (Date.now() > deadline)
      throw new Error(`${id} is ${body.status}, its job's reason ${body.job?.statusReason}`);
    if (requestPolls && Date.now() >= nextRequest) {
      await requestPolls(body);
      nextRequest = Date.now() + 3_000;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("a Slurm site's agent on the local platform", () => {
  it('starts a run on the quiet site, whose agent then says nothing more', async () => {
    const { queueUrl, endpoint, region, credentials } = (await asQuietAgent('/session')).body as SiteSession;
    const sqs = new SQSClient({ endpoint: endpoint!, region, credentials });
    const created = await api(platform, 'POST', '/simulations', {
      token: tokens.alice,
      body: { ...exampleSpec(), compute: { backend: 'slurm', site: QUIET.name } },
    });
    const id = created.body.id as string;
    expect(await receiveWork(sqs, queueUrl)).toMatchObject({ kind: 'submit', simulationId: id });
    quiet.id = id;
    quiet.agent = { agentId: 'login2:7', version: 'test', startedAt: new Date().toISOString() };
    quiet.running = {
      simulationId: id,
      attempt: 1,
      jobName: `gcr-${id}-a1`,
      status: 'RUNNING',
      reason: 'the model is running',
      startedAt: new Date().toISOString(),
      observedAt: new Date().toISOString(),
    };
    await asQuietAgent('/reports', {
      agent: quiet.agent,
      sentAt: new Date().toISOString(),
      jobs: [quiet.running],
    });
    await waitForStatus(platform, tokens.alice, id, ['RUNNING'], 50);
    sqs.destroy();
  }, 120_000);

  it('takes a simulation from submit to SUCCEEDED with results: session, queue, transfers, reports', async () => {
    const session = await asAgent('POST', '/session');
    expect(session.status).toBe(200);
    const { queueUrl, endpoint, region, credentials } = session.body as SiteSession;
    expect(endpoint).toBeDefined();
    const sqs = new SQSClient({ endpoint: endpoint!, region, credentials });

    const created = await api(platform, 'POST', '/simulations', {
      token: tokens.alice,
      body: { ...exampleSpec(), compute: { backend: 'slurm', site: SITE.name } },
    });
    if (created.status !== 201)
      throw new Error(`POST /simulations: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;

    const message = await receiveWork(sqs, queueUrl);
    expect(message).toMatchObject({
      kind: 'submit',
      site: SITE.name,
      simulationId: id,
      attempt: 1,
      jobName: `gcr-${id}-a1`,
    });
    await waitForStatus(platform, tokens.alice, id, ['SUBMITTED']);

    // The run directory down.
    const downloads = await asAgent('POST', '/transfers', {
      simulationId: id,
      attempt: 1,
      downloadRunDirectory: true,
    });
    expect(downloads.status).toBe(200);
    const { downloads: files } = downloads.body as SiteTransfer;
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['rundir/geoschem_config.yml']));
    const config = await fetch(files.find((f) => f.path === 'rundir/geoschem_config.yml')!.url);
    expect(config.status).toBe(200);
    expect(await config.text()).toContain('simulation');

    const observed = (status: string, extra: Record<string, unknown> = {}) => ({
      simulationId: id,
      attempt: 1,
      jobName: `gcr-${id}-a1`,
      slurmJobId: '101',
      status,
      reason: status.toLowerCase(),
      observedAt: new Date().toISOString(),
      ...extra,
    });
    const running = await asAgent('POST', '/reports', {
      agent,
      sentAt: new Date().toISOString(),
      jobs: [
        observed('RUNNING', {
          slurmState: 'RUNNING',
          startedAt: new Date().toISOString(),
          progress: { modelTime: '2019-01-01T12:00:00Z' },
        }),
      ],
    });
    expect(running.body).toMatchObject({ applied: [`gcr-${id}-a1`], ignored: [] });
    // The report's prompt poll moves it: no waiting for the finder's schedule; its progress too (half the day).
    await waitForStatus(platform, tokens.alice, id, ['RUNNING'], 50);
    const deadline = Date.now() + 30_000;
    let progress: { percent?: number } | undefined;
    while (progress?.percent === undefined && Date.now() < deadline) {
      progress = (await api(platform, 'GET', `/simulations/${id}`, { token: tokens.alice })).body.progress;
      if (progress?.percent === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    expect(progress).toMatchObject({ percent: 50, simulatedTime: '2019-01-01T12:00:00Z' });

    // The job's files up, with the presigned PUTs, before the end is reported.
    runDemoModel(message.spec, id);
    const outputs = (await readdir(path.join(work, 'outputs'))).map((name) => `outputs/${name}`);
    const uploads = await asAgent('POST', '/transfers', { simulationId: id, attempt: 1, uploads: outputs });
    expect(uploads.status).toBe(200);
    for (const upload of (uploads.body as SiteTransfer).uploads) {
      const put = await fetch(upload.url, {
        method: 'PUT',
        headers: upload.headers,
        body: await readFile(path.join(work, upload.path)),
      });
      expect(put.status).toBe(200);
    }
    const done = await asAgent('POST', '/reports', {
      agent,
      sentAt: new Date().toISOString(),
      jobs: [
        observed('SUCCEEDED', {
          slurmState: 'COMPLETED',
          exitCode: 0,
          endedAt: new Date().toISOString(),
          outputsUploaded: true,
        }),
      ],
    });
    expect(done.body).toMatchObject({ applied: [`gcr-${id}-a1`] });
    await waitForStatus(platform, tokens.alice, id, ['SUCCEEDED'], 50);
    await waitForResultsReady(platform, tokens.alice, id, 90);

    const sites = await api(platform, 'GET', '/sites', { token: tokens.alice });
    expect(sites.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: SITE.name,
          agentId: agent.agentId,
          lastHeartbeatAt: expect.any(String),
        }),
      ]),
    );
    sqs.destroy();
  }, 240_000);

  it("shows the quiet site's run waiting for its site, never failed, and lets it go on when its agent is back", async () => {
    const id = quiet.id!;
    // A poll once its heartbeat is missed (the finder's, asked for here) finds the site silent.
    const events = new EventBridgeClient({
      endpoint: platform.endpoints.eventbridge,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const finder = createEventBridgePublisher({ client: events, eventBusName: 'gcr-local' });
    const waiting = await waitForJobReason(
      id,
      (reason) => reason?.startsWith('waiting for its site quiet-site') ?? false,
      180,
      (simulation) =>
        finder.publish(
          simulationPollRequested(Source.executionFinder, 'slurm', [simulation], new Date().toISOString()),
        ),
    );
    events.destroy();
    expect(waiting.status).toBe('RUNNING');
    // Back: the same state again (nothing new) is enough for a prompt poll, which clears the reason.
    const back = await asQuietAgent('/reports', {
      agent: quiet.agent,
      sentAt: new Date().toISOString(),
      jobs: [{ ...quiet.running, observedAt: new Date().toISOString() }],
    });
    expect(back.body.applied).toEqual([]);
    const going = await waitForJobReason(id, (reason) => reason === 'the model is running', 50);
    expect(going.status).toBe('RUNNING');
  }, 240_000);

  it("refuses a revoked credential, and removes the site's queue with the site", async () => {
    expect(
      (await asAgent('POST', '/session', undefined, 'gcrsite_0000000000000000_' + '0'.repeat(64))).status,
    ).toBe(401);
    expect(
      (
        await api(platform, 'DELETE', `/sites/${SITE.name}/credentials/${credentialId}`, {
          token: tokens.admin,
        })
      ).status,
    ).toBe(204);
    expect((await asAgent('POST', '/session')).status).toBe(401);
    expect((await api(platform, 'DELETE', `/sites/${SITE.name}`, { token: tokens.admin })).status).toBe(204);
    const sqs = new SQSClient({
      endpoint: platform.endpoints.sqs,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    await expect(
      sqs.send(new GetQueueUrlCommand({ QueueName: `gcr-local-site-${SITE.name}` })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    sqs.destroy();
  }, 60_000);
});

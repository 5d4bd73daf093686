/**
 * Conformance: the data-plane adapters (the simulations repository with its
 * indexes, active slots and outbox; the event publisher; the results bucket
 * and run-directory stores; the job log reader) against moto_server, an AWS
 * emulator independent of the local platform's dynalite and s3rver, through
 * the platform's own client factories (shared/kernel/aws/clients.ts, endpoints
 * from AWS_ENDPOINT_URL_<SERVICE>). The simulations table is created exactly as
 * the packaged CloudFormation template of the infrastructure stack declares it
 * (keys, attribute definitions, GSIs with their projections, TTL), so the
 * template and the code that queries it cannot drift apart unnoticed.
 *
 * The local Batch emulator's half of the conformance (DescribeJobs against the
 * Batch API model) is test/integration/local/batch/batch-endpoint.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  cloudWatchLogsClient,
  dynamoDocumentClient,
  eventBridgeClient,
  s3Client,
} from '#shared/kernel/aws/clients.js';
import {
  InvalidTransitionError,
  NotFoundError,
  StaleVersionError,
  ValidationError,
} from '#shared/kernel/errors.js';
import { createEventBridgePublisher, type OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createCloudWatchLogReader } from '#shared/kernel/logs/log-reader.js';
import { ACTIVE_SLOTS_PREFIX } from '#shared/kernel/repository/active-slots.js';
import { publishAndClear, publishPendingEvents } from '#shared/kernel/repository/outbox.js';
import {
  ABANDONED_EVENT_AGE_MS,
  FINDER_RUN_ID,
  createDynamoSimulationRepository,
  pendingEventsOf,
  pollScheduleOf,
  type SimulationRepository,
  type TransitionRequest,
} from '#shared/kernel/repository/simulations.js';
import type { SimulationStatus } from '#shared/kernel/status.js';
import { createS3ResultsBucket } from '#services/results-processor/src/adapters/s3-results-bucket.js';
import { createS3ObjectStore } from '#services/submission/src/adapters/s3-object-store.js';
import { createTableInput } from '#local/aws/local-resources.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import {
  findMotoServer,
  startMotoServer,
  useMotoAsAws,
  type RunningMotoServer,
} from '#test/helpers/moto-server.js';
import { packagedTemplate } from '#test/helpers/packaged-template.js';
import { aSimulation } from '#test/helpers/simulations.js';

const motoServer = findMotoServer();
if (!motoServer) {
  console.warn(
    'SKIPPED: moto_server is not on PATH, so the data-plane conformance tests against moto do not run ' +
      '(CI has it preinstalled, and .ci/run fails without it).',
  );
}
const describeOnMoto = motoServer ? describe : describe.skip;
// moto answers slowly on a loaded machine, and an event's way to the observer queue takes seconds.
jest.setTimeout(120_000);

const SHARDS = 4;
const BUS = 'gcr-ci';
const BUCKET = 'gcr-ci-results';
const LOG_GROUP = '/aws/batch/gcr-ci';

/**
 * Table properties the test applies, and those CloudFormation-only ones moto
 * has no use for. A property in neither list is one the test does not know
 * how to build: it fails, so that a template change cannot slip past it.
 */
const APPLIED_TABLE_PROPERTIES = [
  'TableName',
  'BillingMode',
  'AttributeDefinitions',
  'KeySchema',
  'GlobalSecondaryIndexes',
  'TimeToLiveSpecification',
];
const CLOUDFORMATION_ONLY_TABLE_PROPERTIES = [
  'DeletionProtectionEnabled',
  'PointInTimeRecoverySpecification',
  'SSESpecification',
];

let moto: RunningMotoServer;
let restoreEnv: () => void = () => undefined;
let tableProperties: Record<string, unknown>;
let tableName: string;
let documentClient: DynamoDBDocumentClient;
let repository: SimulationRepository;
let sqs: SQSClient;
let queueUrl: string;
let workDir: string;

/** Creates a table exactly as its template resource's properties say. */
async function createTableFromTemplate(
  client: DynamoDBClient,
  props: Record<string, unknown>,
): Promise<void> {
  const unknown = Object.keys(props).filter(
    (key) => !APPLIED_TABLE_PROPERTIES.includes(key) && !CLOUDFORMATION_ONLY_TABLE_PROPERTIES.includes(key),
  );
  if (unknown.length > 0)
    throw new Error(`the template's table has properties this test does not build: ${unknown.join(', ')}`);
  // createTableInput makes every table on demand, as the template's is.
  if (props['BillingMode'] !== 'PAY_PER_REQUEST')
    throw new Error(`the template's table bills ${String(props['BillingMode'])}: build it so here`);
  await client.send(new CreateTableCommand(createTableInput(String(props['TableName']), props)));
  const ttl = props['TimeToLiveSpecification'] as { AttributeName: string; Enabled: boolean } | undefined;
  if (ttl) {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: String(props['TableName']), TimeToLiveSpecification: ttl }),
    );
  }
}

/**
 * The events the bus routed to the observer queue that `wanted` picks, once
 * `count` of them arrived (or the wait ran out); the others are left alone.
 */
async function receiveEvents(
  count: number,
  wanted: (event: Record<string, any>) => boolean,
  seconds = 60,
): Promise<Record<string, any>[]> {
  const events: Record<string, any>[] = [];
  const deadline = Date.now() + seconds * 1000;
  while (events.length < count && Date.now() < deadline) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const picked = (out.Messages ?? []).filter((message) => wanted(JSON.parse(message.Body!)));
    for (const message of picked) events.push(JSON.parse(message.Body!));
    if (picked.length > 0)
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: picked.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
  }
  return events;
}

/** A transition of a simulation read at `expectedVersion`, its reason naming the move. */
function move(
  id: string,
  expectedVersion: number,
  from: SimulationStatus,
  to: SimulationStatus,
  extra: Pick<TransitionRequest, 'at' | 'set' | 'event'> = {},
) {
  return repository.transition({ id, expectedVersion, from, to, reason: `${from} -> ${to}`, ...extra });
}

function statusChanged(id: string, version: number, at: Date, terminal = false): OutgoingEvent {
  return {
    source: 'gcr.execution-poller',
    detailType: 'Simulation Status Changed',
    detail: { simulationId: id, version, at: at.toISOString(), terminal },
  };
}

beforeAll(async () => {
  if (!motoServer) return;
  const template = packagedTemplate(repoRoot);
  const tables = Object.values(template.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table');
  expect(tables).toHaveLength(1);
  tableProperties = tables[0]!.Properties ?? {};
  tableName = String(tableProperties['TableName']);

  moto = await startMotoServer(motoServer);
  restoreEnv = useMotoAsAws(moto.endpoint);
  await createTableFromTemplate(new DynamoDBClient({}), tableProperties);
  documentClient = dynamoDocumentClient();
  repository = createDynamoSimulationRepository(documentClient, { tableName, statusIndexShards: SHARDS });

  // The bus, and a rule to a queue that observes what the platform publishes.
  sqs = new SQSClient({});
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'observed-events' }))).QueueUrl!;
  const queueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes!['QueueArn']!;
  await eventBridgeClient().send(new CreateEventBusCommand({ Name: BUS }));
  await eventBridgeClient().send(
    new PutRuleCommand({
      Name: 'observe-gcr',
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: [{ prefix: 'gcr.' }] }),
    }),
  );
  await eventBridgeClient().send(
    new PutTargetsCommand({
      Rule: 'observe-gcr',
      EventBusName: BUS,
      Targets: [{ Id: 'queue', Arn: queueArn }],
    }),
  );

  // The results bucket, versioned as the template's is.
  await s3Client().send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3Client().send(
    new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
  );

  await cloudWatchLogsClient().send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  workDir = mkdtempSync(path.join(os.tmpdir(), 'gcr-moto-'));
}, 180_000);

afterAll(async () => {
  sqs?.destroy();
  await moto?.stop();
  restoreEnv();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 60_000);

describeOnMoto('the simulations table on moto, built from the packaged template', () => {
  it('has the keys, indexes, projections and TTL the template declares', async () => {
    const table = (await new DynamoDBClient({}).send(new DescribeTableCommand({ TableName: tableName })))
      .Table!;
    expect(table.KeySchema).toEqual(tableProperties['KeySchema']);
    const indexes = Object.fromEntries(
      (table.GlobalSecondaryIndexes ?? []).map((index) => [
        index.IndexName,
        { KeySchema: index.KeySchema, Projection: index.Projection },
      ]),
    );
    const declared = tableProperties['GlobalSecondaryIndexes'] as { IndexName: string }[];
    expect(Object.keys(indexes).sort()).toEqual(declared.map((index) => index.IndexName).sort());
    for (const { IndexName, ...index } of declared) expect(indexes[IndexName]).toMatchObject(index);
    const ttl = await new DynamoDBClient({}).send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
  });
});

describeOnMoto('the simulations repository on moto', () => {
  it('creates once, then reports the same id as existing', async () => {
    const simulation = aSimulation();
    expect(await repository.create(simulation, { requestFingerprint: 'fp' })).toBe('created');
    expect(await repository.create({ ...simulation, name: 'other' })).toBe('exists');
    expect(await repository.get(simulation.id)).toEqual(simulation);
    expect(await repository.getWithInternals(simulation.id)).toMatchObject({ requestFingerprint: 'fp' });
    expect(await repository.getMany([simulation.id, 'sim_missing'])).toEqual([simulation]);
  });

  it('moves the status one conditional write at a time, refusing stale versions and forbidden moves', async () => {
    const simulation = aSimulation();
    await repository.create(simulation);
    const at = new Date('2026-01-02T00:00:00Z');
    const submitted = await move(simulation.id, 1, 'PENDING', 'SUBMITTED', { at, set: { jobId: 'job-1' } });
    expect(submitted).toMatchObject({ status: 'SUBMITTED', version: 2, jobId: 'job-1' });
    expect(submitted.history.map((entry) => entry.reason)).toEqual(['submitted', 'PENDING -> SUBMITTED']);
    await expect(move(simulation.id, 1, 'PENDING', 'SUBMITTED')).rejects.toBeInstanceOf(StaleVersionError);
    await expect(move(simulation.id, 2, 'SUBMITTED', 'PENDING')).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
    const updated = await repository.update({
      id: simulation.id,
      expectedVersion: 2,
      status: 'SUBMITTED',
      set: { cancelRequestedAt: at.toISOString() },
    });
    expect(updated.version).toBe(3);
    await expect(
      repository.update({ id: simulation.id, expectedVersion: 2, status: 'SUBMITTED', set: {} }),
    ).rejects.toBeInstanceOf(StaleVersionError);
  });

  it('files simulations on the StatusIndex partitions the finder queries, by their poll time, and takes finished ones off', async () => {
    const now = Date.now();
    const simulation = aSimulation({ owner: 'statusindex' });
    await repository.create(simulation, { nextPollAt: now - 1_000 });
    const shard = (
      await documentClient.send(new GetCommand({ TableName: tableName, Key: { id: simulation.id } }))
    ).Item!['shard'] as number;
    const duePending = async () =>
      (await repository.queryDue('PENDING', shard, now)).items.map((due) => due.id);
    expect(await duePending()).toContain(simulation.id);

    const at = new Date(now);
    const running = await move(simulation.id, 1, 'PENDING', 'SUBMITTED', { at });
    expect(await duePending()).not.toContain(simulation.id);
    const schedule = pollScheduleOf(running)!;
    const dueSubmitted = await repository.queryDue('SUBMITTED', shard, schedule.nextPollAt);
    expect(dueSubmitted.items.find((due) => due.id === simulation.id)).toMatchObject({
      nextPollAt: schedule.nextPollAt,
    });
    expect(
      (await repository.queryDue('SUBMITTED', shard, schedule.nextPollAt - 1)).items.map((due) => due.id),
    ).not.toContain(simulation.id);

    // The poll schedule moves on only from the schedule read with it.
    const next = { nextPollAt: schedule.nextPollAt + 60_000, pollIntervalMs: 120_000 };
    expect(
      await repository.reschedulePoll({ id: simulation.id, status: 'SUBMITTED', from: schedule, to: next }),
    ).toBe(true);
    expect(
      await repository.reschedulePoll({ id: simulation.id, status: 'SUBMITTED', from: schedule, to: next }),
    ).toBe(false);

    // A finished simulation stays on the terminal partition until its last event is out.
    const failed = await move(simulation.id, 2, 'SUBMITTED', 'FAILED', {
      at,
      event: statusChanged(simulation.id, 3, at, true),
    });
    const dueFailed = async () =>
      (await repository.queryDue('FAILED', shard, now + ABANDONED_EVENT_AGE_MS)).items.map((due) => due.id);
    expect(await dueFailed()).toContain(simulation.id);
    await repository.clearPendingEvent(simulation.id, failed.version, { terminal: true });
    expect(await dueFailed()).not.toContain(simulation.id);
    expect(pendingEventsOf((await repository.get(simulation.id))!)).toEqual([]);
  });

  it("lists an owner's simulations newest first across pages (OwnerIndex), filtered by status, refusing a tampered cursor", async () => {
    const owner = 'lister';
    const created = [];
    for (let i = 0; i < 5; i++) {
      const simulation = aSimulation({ owner });
      created.push(simulation);
      await repository.create(simulation);
    }
    await move(created[0]!.id, 1, 'PENDING', 'FAILED');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await repository.listByOwner(owner, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created.map((s) => s.id).reverse());
    const failed = await repository.listByOwner(owner, { limit: 10, status: 'FAILED' });
    expect(failed.items.map((s) => s.id)).toEqual([created[0]!.id]);

    const other = await repository.listByOwner(owner, { limit: 1 });
    const tampered = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(other.nextCursor!, 'base64url').toString()),
        owner: 'someone',
      }),
    ).toString('base64url');
    await expect(repository.listByOwner(owner, { limit: 1, cursor: tampered })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("lists every owner's simulations for an admin (a scan), never the table's other rows", async () => {
    await repository.recordFinderRun(1_000);
    await repository.recordFinderRun(500);
    expect(await repository.lastFinderRun()).toBe(1_000);
    await repository.reserveActiveSlot({ owner: 'scanned', id: 'sim_scanned', limit: 3, nowMs: 1 });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await repository.listAll({ limit: 25, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(FINDER_RUN_ID);
    expect(ids.filter((id) => id.startsWith(ACTIVE_SLOTS_PREFIX))).toEqual([]);
  });
});

describeOnMoto(
  'active slots on moto: the active-simulation limit is beaten by parallel requests no more',
  () => {
    it('gives exactly 3 of 10 parallel reservations against a limit of 3, and a slot back at a terminal transition', async () => {
      const owner = 'parallel';
      const ids = Array.from({ length: 10 }, () => aSimulation({ owner }).id);
      const results = await Promise.all(
        ids.map((id) => repository.reserveActiveSlot({ owner, id, limit: 3, nowMs: Date.now() })),
      );
      const reserved = ids.filter((_, i) => results[i]!.reserved);
      expect(reserved).toHaveLength(3);
      expect(results.filter((r) => !r.reserved)).toEqual(Array(7).fill({ reserved: false, active: 3 }));

      const holder = aSimulation({ owner, id: reserved[0]! });
      await repository.create(holder);
      await move(holder.id, 1, 'PENDING', 'FAILED');
      const next = aSimulation({ owner }).id;
      expect(await repository.reserveActiveSlot({ owner, id: next, limit: 3, nowMs: Date.now() })).toEqual({
        reserved: true,
      });
    });

    it("seeds an owner's first reservation from the ActiveOwnerIndex (its KEYS_ONLY projection carries the id)", async () => {
      const owner = 'seeded';
      for (let i = 0; i < 2; i++) await repository.create(aSimulation({ owner }));
      expect(
        await repository.reserveActiveSlot({
          owner,
          id: aSimulation({ owner }).id,
          limit: 2,
          nowMs: Date.now(),
        }),
      ).toEqual({ reserved: false, active: 2 });
    });
  },
);

describeOnMoto('the outbox and the event publisher on moto', () => {
  it("publishes a transition's event through the bus and then forgets it; an abandoned one is published by the next reader", async () => {
    const simulation = aSimulation({ owner: 'outbox' });
    await repository.create(simulation);
    const publisher = createEventBridgePublisher({ client: eventBridgeClient(), eventBusName: BUS });
    const at = new Date();
    const submitted = await move(simulation.id, 1, 'PENDING', 'SUBMITTED', {
      at,
      event: statusChanged(simulation.id, 2, at),
    });
    const [pending] = pendingEventsOf(submitted);
    expect(pending?.version).toBe(2);
    await publishAndClear({ repository, publisher }, simulation.id, 2, pending!.event);
    expect(pendingEventsOf((await repository.get(simulation.id))!)).toEqual([]);

    // A writer that died after its transition: the entry stays until a reader finds it abandoned.
    const running = await move(simulation.id, 2, 'SUBMITTED', 'RUNNING', {
      at,
      event: statusChanged(simulation.id, 3, at),
    });
    await publishPendingEvents({ repository, publisher, now: () => at.getTime() }, running);
    expect(pendingEventsOf((await repository.get(simulation.id))!)).toHaveLength(1);
    await publishPendingEvents(
      { repository, publisher, now: () => at.getTime() + ABANDONED_EVENT_AGE_MS },
      (await repository.get(simulation.id))!,
    );
    expect(pendingEventsOf((await repository.get(simulation.id))!)).toEqual([]);

    const events = await receiveEvents(2, (e) => e['detail'].simulationId === simulation.id);
    expect(
      events.map((e) => [e['source'], e['detail-type'], e['detail'].simulationId, e['detail'].version]),
    ).toEqual([
      ['gcr.execution-poller', 'Simulation Status Changed', simulation.id, 2],
      ['gcr.execution-poller', 'Simulation Status Changed', simulation.id, 3],
    ]);
  });

  it('publishes 25 events in PutEvents calls of at most 10 entries, every one delivered', async () => {
    const publisher = createEventBridgePublisher({ client: eventBridgeClient(), eventBusName: BUS });
    const events = Array.from({ length: 25 }, (_, i) => ({
      source: 'gcr.submission',
      detailType: 'Simulation Submitted',
      detail: { batch: 'of-25', n: i },
    }));
    await publisher.publish(events);
    const received = await receiveEvents(25, (e) => e['detail'].batch === 'of-25');
    expect(received.map((e) => e['detail'].n).sort((a, b) => a - b)).toEqual(events.map((e) => e.detail.n));
  });
});

describeOnMoto('the results bucket and run-directory stores on moto (a versioned bucket)', () => {
  it('writes, reads, heads, lists, streams, downloads and presigns the objects of a simulation', async () => {
    const results = createS3ResultsBucket(s3Client(), BUCKET);
    const runDirectories = createS3ObjectStore(s3Client(), BUCKET);
    const prefix = `simulations/${aSimulation().id}/`;
    await runDirectories.putObject({
      key: `${prefix}rundir/geoschem_config.yml`,
      body: 'x: 1\n',
      contentType: 'text/yaml',
    });
    await results.put(`${prefix}results/manifest.json`, JSON.stringify({ files: [] }), 'application/json');
    const file = path.join(workDir, 'surface.nc4');
    writeFileSync(file, Buffer.alloc(300_000, 7));
    await results.putFile(`${prefix}outputs/surface.nc4`, file, 'application/x-netcdf');

    expect(await results.readText(`${prefix}rundir/geoschem_config.yml`)).toBe('x: 1\n');
    expect(await results.getJson(`${prefix}results/manifest.json`)).toEqual({ files: [] });
    expect(await results.readText(`${prefix}results/missing.json`)).toBeUndefined();
    expect(await results.head(`${prefix}outputs/surface.nc4`)).toEqual({
      size: 300_000,
      contentType: 'application/x-netcdf',
    });
    expect(await results.head(`${prefix}outputs/missing.nc4`)).toBeUndefined();
    expect(await results.list(prefix)).toEqual([
      { key: `${prefix}outputs/surface.nc4`, size: 300_000 },
      { key: `${prefix}results/manifest.json`, size: 12 },
      { key: `${prefix}rundir/geoschem_config.yml`, size: 5 },
    ]);
    expect(await results.listKeys(prefix, 2)).toEqual([
      `${prefix}outputs/surface.nc4`,
      `${prefix}results/manifest.json`,
    ]);

    const copy = path.join(workDir, 'copy.nc4');
    expect(await results.download(`${prefix}outputs/surface.nc4`, copy)).toBe(true);
    expect(readFileSync(copy)).toEqual(readFileSync(file));
    expect(await results.download(`${prefix}outputs/missing.nc4`, copy)).toBe(false);

    const chunks: Buffer[] = [];
    for await (const chunk of await results.stream(`${prefix}results/manifest.json`))
      chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('{"files":[]}');

    const url = await results.presignGet(`${prefix}results/manifest.json`, 60);
    const response = await fetch(url);
    expect({ status: response.status, body: await response.text() }).toEqual({
      status: 200,
      body: '{"files":[]}',
    });
  });

  it('pages a listing of more keys than one page holds', async () => {
    const results = createS3ResultsBucket(s3Client(), BUCKET);
    const prefix = `simulations/${aSimulation().id}/outputs/`;
    const keys = Array.from({ length: 1_005 }, (_, i) => `${prefix}f${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((key) => results.put(key, 'x', 'text/plain')));
    expect(await results.listKeys(prefix, 2_000)).toEqual(keys);
  });
});

describeOnMoto("the job log reader on moto (CloudWatch Logs' GetLogEvents)", () => {
  let logs: CloudWatchLogsClient;
  beforeAll(() => {
    logs = cloudWatchLogsClient();
  });

  it('reads a stream from its head in pages, hands back the same token when nothing new came, and refuses what CloudWatch refuses with a 4xx', async () => {
    const stream = 'gcr-demo/default/0123456789abcdef';
    await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
    const start = Date.now() - 10_000;
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: LOG_GROUP,
        logStreamName: stream,
        logEvents: Array.from({ length: 5 }, (_, i) => ({ timestamp: start + i, message: `line ${i}` })),
      }),
    );
    const reader = createCloudWatchLogReader(logs);
    const first = await reader.read({
      logGroupName: LOG_GROUP,
      logStreamName: stream,
      limit: 3,
      startFromHead: true,
    });
    expect(first.events.map((e) => e.message)).toEqual(['line 0', 'line 1', 'line 2']);
    expect(first.events[0]!.timestamp).toBe(start);
    const second = await reader.read({
      logGroupName: LOG_GROUP,
      logStreamName: stream,
      limit: 3,
      startFromHead: true,
      nextToken: first.nextToken!,
    });
    expect(second.events.map((e) => e.message)).toEqual(['line 3', 'line 4']);
    const third = await reader.read({
      logGroupName: LOG_GROUP,
      logStreamName: stream,
      limit: 3,
      startFromHead: true,
      nextToken: second.nextToken!,
    });
    expect(third).toEqual({ events: [], nextToken: second.nextToken });

    await expect(
      reader.read({
        logGroupName: LOG_GROUP,
        logStreamName: stream,
        limit: 3,
        startFromHead: true,
        nextToken: 'f/not-a-token',
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      reader.read({
        logGroupName: LOG_GROUP,
        logStreamName: 'gcr-demo/default/gone',
        limit: 3,
        startFromHead: true,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

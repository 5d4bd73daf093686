/**
 * Finding "DLQ redrive" (issue 12): `gcr admin redrive <queue>` moves a
 * dead-letter queue's messages back to their queue, against the real local
 * platform's SQS endpoint (`--local`), where the poller then processes them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { runGcr } from '#test/helpers/run-gcr.js';
import {
  api,
  useLocalPlatform,
  waitForStatus,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DLQ = 'gcr-execution-poller-local-poll-dlq';
const QUEUE = 'gcr-execution-poller-local-poll-queue';
const running = useLocalPlatform();
let platform: RunningPlatform;
let sqs: SQSClient;

beforeAll(() => {
  platform = running();
  sqs = new SQSClient({
    endpoint: platform.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(() => sqs?.destroy());

function gcr(...argv: string[]) {
  return runGcr(argv, { GCR_DATA_DIR: platform.dataDir });
}

async function depth(name: string): Promise<number> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes['ApproximateNumberOfMessages']) +
    Number(Attributes['ApproximateNumberOfMessagesNotVisible'])
  );
}

/** A poll request for a simulation, as the finder publishes it and the poll queue receives it. */
function pollRequested(simulation: { id: string; status: string; version: number }): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Simulation Poll Requested',
    source: 'gcr.execution-finder',
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: {
      schemaVersion: '1',
      backend: 'local',
      requestedAt: new Date().toISOString(),
      simulations: [{ simulationId: simulation.id, status: simulation.status, version: simulation.version }],
    },
  });
}

describe('DLQ redrive: gcr admin redrive against the local platform', () => {
  it('shows what would move with --dry-run, then moves it back, where the poller processes it', async () => {
    const token = await platform.token('redrive-user');
    const spec = JSON.parse(readFileSync(path.join(repoRoot, 'examples/demo-local-4x5-1day.json'), 'utf8'));
    const created = await api(platform, 'POST', '/simulations', { token, body: spec });
    expect(created.status).toBe(201);
    const runnable = await waitForStatus(platform, token, created.body.id, ['RUNNABLE']);
    const { QueueUrl: dlqUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: DLQ }));
    for (let i = 0; i < 3; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: pollRequested(runnable) }));
    }

    const dry = await gcr('admin', 'redrive', DLQ, '--local', '--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`${DLQ}: 3 messages, dead letters of ${QUEUE}`);
    expect(dry.stdout).toContain(`dry run: would move 3 messages back to ${QUEUE}; nothing moved`);
    expect(dry.stdout.match(/Simulation Poll Requested {2}sim_/g)).toHaveLength(3);
    expect(await depth(DLQ)).toBe(3);

    const moved = await gcr('--json', 'admin', 'redrive', DLQ, '--local');
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({
      deadLetterQueue: { name: DLQ },
      sources: [{ name: QUEUE }],
      status: 'COMPLETED',
      moved: 3,
      remaining: 0,
    });
    expect(await depth(DLQ)).toBe(0);
    // Back on the poll queue, the poller takes them and deletes them once processed.
    while ((await depth(QUEUE)) > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await depth(DLQ)).toBe(0);
  }, 120_000);

  it('refuses a queue that is no dead-letter queue, naming its own DLQ, and an unknown one', async () => {
    const source = await gcr('admin', 'redrive', QUEUE, '--local');
    expect(source.code).toBe(1);
    expect(source.stderr).toContain(
      `${QUEUE} is not the dead-letter queue of any queue: it is a source queue; its dead-letter queue is ${DLQ}`,
    );
    const unknown = await gcr('admin', 'redrive', 'no-such-queue', '--local');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('cannot read queue no-such-queue: The specified queue does not exist.');
    const nothing = await gcr('admin', 'redrive', DLQ, '--local');
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain(`${DLQ}: 0 messages, dead letters of ${QUEUE}; nothing to move`);
  }, 60_000);
});

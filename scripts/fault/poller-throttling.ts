/**
 * Throttling on the poller's path: simulations submitted, run and followed to
 * the end while AWS Batch answers 429 TooManyRequestsException above 50
 * requests a second (and to a share of requests besides), and DynamoDB
 * answers ProvisionedThroughputExceededException to a share of every call
 * (the repository's, the token bucket's, the finder's). Expected: every
 * simulation SUCCEEDED, every transition published, nothing lost.
 *
 * Real parts: dynalite behind the real DynamoDB client, whose faults are
 * injected inside the SDK's own retry loop (a middleware, so the SDK retries
 * them as it retries the service's); the local Batch emulator running each
 * job as a child process behind its HTTP endpoint, reached by the real Batch
 * adapter and SDK client (the emulator's throttle knob answers the 429s);
 * the poller's and the finder's domain; Batch's state-change events fed back
 * as messages; an at-least-once queue with a dead-letter queue after 5
 * receives, as the poller's.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchClient } from '@aws-sdk/client-batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { findDueSimulations } from '#services/execution-finder/src/domain/find-due.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import {
  createBatchBackend,
  createJobQueueFilter,
  isThrottling,
  isTransientBatchError,
  type BatchBackendConfig,
} from '#shared/kernel/compute/batch-backend.js';
import { BatchJobStateChange, simulationSubmitted } from '#shared/kernel/events/catalog.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createTokenBucket } from '#shared/kernel/rate-limit/token-bucket.js';
import { ABANDONED_EVENT_AGE_MS } from '#shared/kernel/repository/outbox.js';
import { MAX_POLL_INTERVAL_MS } from '#shared/kernel/repository/poll-schedule.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { isTerminal } from '#shared/kernel/status.js';
import { startLocalDynamo } from '#local/aws/standalone-dynamo.js';
import { listenBatchEndpoint } from '#local/batch/batch-endpoint.js';
import { LocalBatch } from '#local/batch/local-batch.js';
import { AtLeastOnceQueue, audit, createSimulations, eventBody, pollerHandler } from './harness.js';

export interface ThrottlingOptions {
  simulations: number;
  /** Batch's account limit, requests a second; more in the last second answer 429. */
  batchRequestsPerSecond?: number;
  /** Share of Batch requests answered 429 regardless (other callers of the account). */
  batchThrottleShare?: number;
  /** Share of DynamoDB calls answered ProvisionedThroughputExceededException. */
  dynamoFaultShare?: number;
  /** Give up after this long (the figures then say what was left). */
  timeoutMs?: number;
}

export interface ThrottlingFigures {
  simulations: number;
  succeeded: number;
  batchRequests: number;
  batch429s: number;
  dynamoCalls: number;
  dynamoFaults: number;
  messagesReceived: number;
  redelivered: number;
  deadLettered: number;
  /** Status events published more than once (a publish whose confirmation failed; dropped by version). */
  duplicateDeliveries: number;
  lost: number;
  seconds: number;
}

const QUEUES = {
  arm64: { spot: 'gcr-fault-arm64-spot', 'on-demand': 'gcr-fault-arm64-on-demand' },
  x86_64: { spot: 'gcr-fault-x86_64-spot', 'on-demand': 'gcr-fault-x86_64-on-demand' },
};
const DEFINITIONS = { arm64: 'gcr-fault-gcclassic-arm64', x86_64: 'gcr-fault-gcclassic-x86_64' };

/** A DynamoDB client whose calls fail with ProvisionedThroughputExceededException at `share`, inside the SDK's retries. */
function faultyDynamo(endpoint: string, share: number, counts: { calls: number; faults: number }) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      counts.calls += 1;
      if (Math.random() < share) {
        counts.faults += 1;
        throw Object.assign(
          new Error('The level of configured provisioned throughput for the table was exceeded'),
          {
            name: 'ProvisionedThroughputExceededException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          },
        );
      }
      return next(args);
    },
    // Inside the retry middleware (finalizeRequest): the SDK retries it like the service's own.
    { step: 'deserialize', name: 'injectThroughputExceeded' },
  );
  return {
    client,
    documentClient: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
  };
}

export async function runPollerThrottling(options: ThrottlingOptions): Promise<ThrottlingFigures> {
  const started = performance.now();
  const limit = options.batchRequestsPerSecond ?? 50;
  const dynamo = await startLocalDynamo();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-throttling-'));
  const counts = { calls: 0, faults: 0, batchRequests: 0, batch429s: 0 };
  const recent: number[] = [];
  const queue = new AtLeastOnceQueue({ maxReceiveCount: 5, batchSize: 10, concurrency: 4 });
  /** Each emulated job's last state, from its events. */
  const jobStates = new Map<string, string>();

  const batch = await LocalBatch.open({
    dir,
    slots: 4,
    jobQueues: [...Object.values(QUEUES.arm64), ...Object.values(QUEUES.x86_64)],
    jobDefinitions: Object.fromEntries(
      Object.values(DEFINITIONS).map((name) => [name, { command: ['true'] }]),
    ),
    // Batch's account limit: over `limit` requests in the last second, and a share besides, answer 429.
    throttle: () => {
      const now = Date.now();
      counts.batchRequests += 1;
      while (recent.length > 0 && recent[0]! <= now - 1000) recent.shift();
      const throttled = recent.length >= limit || Math.random() < (options.batchThrottleShare ?? 0.05);
      if (throttled) counts.batch429s += 1;
      else recent.push(now);
      return throttled;
    },
    // As Batch puts its events on the default bus, and the poller's rule delivers them.
    onStateChange: (detail) => {
      jobStates.set(detail.jobId, detail.status);
      queue.send(
        eventBody({
          source: BatchJobStateChange.source,
          detailType: BatchJobStateChange.detailType,
          detail,
          resources: [detail.jobArn],
        }),
      );
    },
  });
  const endpoint = await listenBatchEndpoint(batch);
  const batchClient = new BatchClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { client: dynamoClient, documentClient } = faultyDynamo(
    dynamo.endpoint,
    options.dynamoFaultShare ?? 0.1,
    counts,
  );
  try {
    const repository = createDynamoSimulationRepository(documentClient, {
      tableName: dynamo.tableName,
      statusIndexShards: 4,
    });
    const config: BatchBackendConfig = { jobQueues: QUEUES, jobDefinitions: DEFINITIONS };
    const backend = createBatchBackend(batchClient, config);
    const clock = { offset: 0 };
    const published: OutgoingEvent[] = [];
    const ports: PollerPorts = {
      repository,
      publisher: { publish: async (events) => void published.push(...events) },
      backendFor: (name) => (name === 'aws-batch' || name === 'local' ? backend : undefined),
      rateLimiter: createTokenBucket({
        client: documentClient,
        tableName: dynamo.tableName,
        name: 'batch-api',
        ratePerSecond: limit,
        capacity: limit,
      }),
      jobEnvironment: (s) => ({ GCR_SIMULATION_ID: s.id }),
      isRetryable: (err) => isThrottling(err) || isTransientBatchError(err),
      ownsJobQueue: createJobQueueFilter(config),
      now: () => Date.now() + clock.offset,
    };
    const handle = pollerHandler(ports);

    // Stored by the submission service, which is not under test: through a client without faults.
    const clean = createDynamoSimulationRepository(dynamo.documentClient, {
      tableName: dynamo.tableName,
      statusIndexShards: 4,
    });
    const simulations = await createSimulations(clean, options.simulations, {
      tag: 'throttle',
      backend: 'aws-batch',
      now: Date.now(),
    });
    const ids = simulations.map((s) => s.id);
    for (const s of simulations) {
      queue.send(
        eventBody(
          simulationSubmitted({
            simulationId: s.id,
            owner: s.owner,
            name: s.name,
            backend: s.backend,
            submittedAt: s.createdAt,
          }),
        ),
      );
    }

    /** One finder run (its schedule): poll requests into the queue; a failed run waits for the next. */
    const finderRun = async () => {
      const requests: OutgoingEvent[] = [];
      await findDueSimulations(
        { repository, publisher: { publish: async (e) => void requests.push(...e) }, now: ports.now },
        { shards: 4, maxSimulationsPerRun: 10_000, concurrency: 4 },
      ).catch(() => undefined);
      queue.send(...requests.map((e) => eventBody(e)));
    };
    const settled = async () => {
      let done = 0;
      for (let start = 0; start < ids.length; start += 100) {
        const page = await repository.getMany(ids.slice(start, start + 100)).catch(() => []);
        done += page.filter((s) => isTerminal(s.status)).length;
      }
      return done;
    };

    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    while (Date.now() < deadline) {
      await queue.drain(async (body) => void (await handle(body)));
      if ((await settled()) === ids.length) break;
      const running = [...jobStates.values()].some((state) => state !== 'SUCCEEDED' && state !== 'FAILED');
      if (running) {
        // Jobs are still at work: their events will come.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      // Nothing moves by itself any more: polls reconcile what the events did not bring
      // (a message that went to the dead-letter queue, a submission that failed).
      clock.offset += 60_000;
      await finderRun();
    }
    // Events whose writer could not confirm them are abandoned after a while: the outbox
    // sweep (finder + poller) publishes them.
    clock.offset += ABANDONED_EVENT_AGE_MS + MAX_POLL_INTERVAL_MS;
    for (let sweep = 0; sweep < 3; sweep++) {
      await finderRun();
      await queue.drain(async (body) => void (await handle(body)));
    }

    const result = await audit(clean, ids, published, 'SUCCEEDED');
    return {
      simulations: ids.length,
      succeeded: ids.length - result.lost.length,
      batchRequests: counts.batchRequests,
      batch429s: counts.batch429s,
      dynamoCalls: counts.calls,
      dynamoFaults: counts.faults,
      messagesReceived: queue.received,
      redelivered: queue.redelivered,
      deadLettered: queue.deadLetters.length,
      duplicateDeliveries: result.duplicateDeliveries,
      lost: result.lost.length,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    batchClient.destroy();
    await endpoint.close();
    await batch.shutdown({ killJobs: true });
    dynamoClient.destroy();
    await dynamo.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

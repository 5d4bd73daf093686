import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { acceptEveryEntry, deliveredBody, statusChangedEvent, submittedEvent } from '#test/helpers/events.js';
import { aSimulation } from '#test/helpers/simulations.js';
import { lambdaContext } from '#test/helpers/lambda-context.js';

// As Lambda sets them, before Powertools is loaded: an on-demand environment has cold starts.
process.env['AWS_LAMBDA_INITIALIZATION_TYPE'] = 'on-demand';
process.env['POWERTOOLS_SERVICE_NAME'] = 'test-service';
const { DetailType } = await import('#shared/kernel/events/catalog.js');
const { eventQueueHandler, FullBatchFailureError } =
  await import('#shared/kernel/events/event-queue-handler.js');
const { createEventBridgePublisher } = await import('#shared/kernel/events/publisher.js');
const { httpHandler } = await import('#shared/kernel/http/handler.js');
const { lambdaHandler, metrics } = await import('#shared/kernel/powertools.js');

/**
 * The platform's Lambda wrappers (shared/kernel/powertools.ts and the HTTP and
 * queue wrappers over it): every handler logs with its invocation's context
 * and publishes its metrics, a cold start among them, through Powertools'
 * middlewares. The logger and the metrics write JSON lines to stdout.
 */

function sqsRecord(body: string, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  };
}

let lines: Record<string, unknown>[] = [];
let restore: (() => void) | undefined;

beforeEach(() => {
  lines = [];
  // The logger writes errors and warnings to stderr, the rest and the metrics to stdout.
  const capture = (chunk: unknown): boolean => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a JSON line: not ours
      }
    }
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  restore = () => spies.forEach((spy) => spy.mockRestore());
});

afterEach(() => restore?.());

/** The EMF documents among the lines: metric name -> value. */
function emfMetrics(): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const line of lines) {
    const aws = line['_aws'] as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined;
    for (const group of aws?.CloudWatchMetrics ?? []) {
      for (const metric of group.Metrics) found[metric.Name] = line[metric.Name];
    }
  }
  return found;
}

describe('lambdaHandler (every handler: HTTP, queues, schedules, SNS)', () => {
  // First in the file: the first invocation of the module is its cold start.
  it('publishes the metrics an invocation adds through the middleware, with a ColdStart metric on the first only', async () => {
    const handler = lambdaHandler(async () => {
      metrics.addMetric('WidgetsMade', MetricUnit.Count, 3);
    });
    await handler({}, lambdaContext('req-cold'));
    expect(emfMetrics()).toMatchObject({ ColdStart: 1, WidgetsMade: 3 });
    lines = [];
    await handler({}, lambdaContext('req-warm'));
    expect(emfMetrics()).toEqual({ WidgetsMade: 3 });
  });

  it('counts the business metrics of what the publisher put on the bus: submitted, succeeded, failed, results failed', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    acceptEveryEntry(eventBridge);
    const publisher = createEventBridgePublisher({
      client: new EventBridgeClient({}),
      eventBusName: 'gcr-test',
    });
    const simulation = aSimulation({ status: 'RUNNING' });
    const handler = lambdaHandler(async () => {
      await publisher.publish([
        submittedEvent(simulation),
        statusChangedEvent(simulation, 'SUCCEEDED'),
        statusChangedEvent(simulation, 'FAILED'),
        statusChangedEvent(simulation, 'RUNNING'),
        {
          source: 'gcr.results-processor',
          detailType: DetailType.SimulationResultsFailed,
          detail: { simulationId: simulation.id },
        },
      ]);
    });
    await handler({}, lambdaContext('req-business'));
    expect(emfMetrics()).toEqual({
      SimulationsSubmitted: 1,
      SimulationsSucceeded: 1,
      SimulationsFailed: 1,
      ResultsFailed: 1,
    });
    eventBridge.restore();
  });

  it('logs from a queue handler with the invocation request id, and answers only the failed message', async () => {
    const simulation = aSimulation({ status: 'RUNNING' });
    const handler = eventQueueHandler([DetailType.SimulationSubmitted], async () => undefined);
    const event: SQSEvent = {
      Records: [
        sqsRecord(deliveredBody(submittedEvent(simulation)), 'm-good'),
        sqsRecord('{not json', 'm-bad'),
      ],
    };
    const answer = await handler(event, lambdaContext('req-queue-42'));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    const logged = lines.filter((l) => l['messageId'] === 'm-bad');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'ERROR', function_request_id: 'req-queue-42' });
  });

  it('throws when every message of a batch failed, so the invocation counts as an error', async () => {
    const handler = eventQueueHandler([DetailType.SimulationSubmitted], async () => undefined);
    await expect(
      handler({ Records: [sqsRecord('{', 'm1'), sqsRecord('[]', 'm2')] }, lambdaContext('req-all-bad')),
    ).rejects.toBeInstanceOf(FullBatchFailureError);
  });

  it('logs from an HTTP handler with the invocation request id', async () => {
    const handler = httpHandler(async () => {
      throw new Error('boom');
    });
    const answer = await handler({} as never, lambdaContext('req-http-7'));
    expect(answer).toMatchObject({ statusCode: 500 });
    expect(lines.find((l) => l['message'] === 'unhandled error')).toMatchObject({
      function_request_id: 'req-http-7',
    });
  });
});

describe('Powertools packages', () => {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it('are all of one version, and the tracer is not one of them (tracing is off everywhere)', () => {
    const powertools = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([name]) =>
      name.startsWith('@aws-lambda-powertools/'),
    );
    expect(powertools.map(([name]) => name).sort()).toEqual([
      '@aws-lambda-powertools/logger',
      '@aws-lambda-powertools/metrics',
    ]);
    expect(new Set(powertools.map(([, range]) => range)).size).toBe(1);
  });
});

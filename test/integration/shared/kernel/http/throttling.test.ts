/**
 * DynamoDB throttling on the API path: real handlers (their middy wrapper, the
 * one error mapping), the real SDK with its retries, and dynalite behind a
 * proxy that answers the table's reads with DynamoDB's throttling errors.
 * The caller gets a 503 with Retry-After, never a 500; once DynamoDB recovers,
 * the same request succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import { localSubFor } from '#local/auth/jwt.js';
import { validatorFor } from '#schemas/validator.js';
import { startDynamoFaultProxy, type DynamoFaultProxy } from '#test/helpers/dynamo-fault-proxy.js';
import { httpEvent } from '#test/helpers/http-events.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { aSimulation } from '#test/helpers/simulations.js';

type Invoke = (
  event: unknown,
  context: Context,
) => Promise<{ statusCode: number; headers?: any; body: string }>;

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let proxy: DynamoFaultProxy;
const handlers: Record<string, Invoke> = {};
const owner = localSubFor('alice');
const simulation = aSimulation({ owner, id: 'sim_0throttle0000000000000000a' });
const isErrorResponse = validatorFor('https://gcr.dev/schemas/api/error-response.schema.json');

const context = {
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  proxy = await startDynamoFaultProxy(dynamo.endpoint);
  await createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: 16,
  }).create(simulation);
  // The handlers read their configuration and endpoints once, at module load.
  Object.assign(process.env, {
    SIMULATIONS_TABLE: dynamo.tableName,
    EVENT_BUS_NAME: 'gcr-test',
    RESULTS_BUCKET: 'gcr-test-results',
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  handlers['GET /simulations/{id}'] = (await import('#services/submission/src/handlers/get-simulation.js'))
    .handler as unknown as Invoke;
  handlers['GET /simulations/{id}/results'] = (
    await import('#services/results-processor/src/handlers/get-results.js')
  ).handler as unknown as Invoke;
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await dynamo?.stop();
});

describe('DynamoDB throttling answers 503 with Retry-After, not 500', () => {
  it.each([
    ['GET /simulations/{id}', 'ProvisionedThroughputExceededException'],
    ['GET /simulations/{id}', 'ThrottlingException'],
    ['GET /simulations/{id}', 'RequestLimitExceeded'],
    ['GET /simulations/{id}/results', 'ProvisionedThroughputExceededException'],
  ])(
    '%s, while every GetItem gets %s',
    async (route, errorType) => {
      const event = httpEvent({
        path: route.replace('{id}', simulation.id),
        claims: { sub: owner },
        pathParameters: { id: simulation.id },
      });
      const before = proxy.faultsServed();
      proxy.inject(['GetItem'], errorType);
      try {
        const throttled = await handlers[route]!(event, context);
        expect(proxy.faultsServed()).toBeGreaterThan(before); // the fault really was on the path
        expect(throttled.statusCode).toBe(503);
        expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        const body = JSON.parse(throttled.body);
        expect(isErrorResponse(body) ? [] : isErrorResponse.errors).toEqual([]);
        expect(body.error).toMatchObject({
          code: 'ServiceUnavailable',
          retryAfterSeconds: expect.any(Number),
        });
      } finally {
        proxy.heal();
      }
      expect((await handlers[route]!(event, context)).statusCode).toBe(200);
    },
    60_000,
  );
});

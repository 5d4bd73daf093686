/**
 * The daily reconciliation end to end, as on the local platform: a finished
 * local job's line items written by the local CUR export into S3 (s3rver), the
 * reconcileCosts handler reading them, the billed figure stored beside the
 * cost (dynalite), and GET /simulations/{id}/cost showing tracked vs billed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { localSubFor } from '#local/auth/jwt.js';
import { createLocalCurExport, LOCAL_CUR_EXPORT } from '#local/aws/local-cur-export.js';
import type { BatchJobDetail } from '#local/batch/types.js';
import type { Simulation, SimulationCost } from '#schemas/generated/types.js';
import { startCostDynamo } from '#scripts/bench/cost.js';
import { setEnvironment } from '#test/helpers/environment.js';
import { httpEvent } from '#test/helpers/http-events.js';
import { startS3rver, type RunningS3rver } from '#test/helpers/s3rver-client.js';
import { aSimulation } from '#test/helpers/simulations.js';

type Invoke = (event: unknown, context: Context) => Promise<{ statusCode: number; body: string } | void>;

const HOUR = 3_600_000;
const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

let dynamo: Awaited<ReturnType<typeof startCostDynamo>>;
let s3: RunningS3rver;
let restoreEnvironment: () => void;
let batchStub: Server;

const TASK_ARN = 'arn:aws:ecs:us-east-1:000000000000:task/local/0a1b2c3d';

/** The local Batch emulator's DescribeJobs, as far as the tracker asks it: the job's stopped attempt and its task. */
function startBatchStub(): Promise<string> {
  batchStub = createServer((req, res) => {
    req.resume().on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          jobs: [
            {
              jobId: 'local-job-1',
              jobName: 'gcr-sim_reconcilelocal000000000001',
              jobQueue: 'gcr-local-queue',
              jobDefinition: 'gcr-local-gcclassic',
              status: 'SUCCEEDED',
              startedAt: 0,
              attempts: [{ container: { taskArn: TASK_ARN } }],
              container: {},
            },
          ],
        }),
      );
    });
  });
  return new Promise((resolve) =>
    batchStub.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(batchStub.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  dynamo = await startCostDynamo();
  s3 = await startS3rver([LOCAL_CUR_EXPORT.bucket]);
  const batchEndpoint = await startBatchStub();
  // The handlers read their configuration and endpoints once, at module load.
  restoreEnvironment = setEnvironment({
    SIMULATIONS_TABLE: dynamo.tableName,
    COSTS_TABLE: dynamo.costsTable,
    EVENT_BUS_NAME: 'gcr-test',
    COST_CUR_BUCKET: LOCAL_CUR_EXPORT.bucket,
    COST_CUR_PREFIX: LOCAL_CUR_EXPORT.prefix,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_BATCH: batchEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
}, 60_000);

afterAll(async () => {
  restoreEnvironment?.();
  await new Promise((resolve) => batchStub?.close(resolve));
  await s3?.stop();
  await dynamo?.stop();
});

describe('reconcileCosts over the local CUR export (dynalite + s3rver)', () => {
  it('a finished local job: its export in S3 -> billed stored beside the cost -> GET /simulations/{id}/cost shows tracked vs billed', async () => {
    // One attempt of 90 minutes across an hour boundary, ended 10 minutes before this hour (this or last billing period)
    const startedAt = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR + 20 * 60_000;
    const stoppedAt = startedAt + 90 * 60_000;
    const owner = localSubFor('alice');
    const simulation: Simulation = aSimulation({
      id: 'sim_reconcilelocal000000000001',
      owner,
      status: 'SUCCEEDED',
      version: 6,
      createdAt: new Date(startedAt - 60_000).toISOString(),
      job: {
        jobId: 'local-job-1',
        jobName: 'gcr-sim_reconcilelocal000000000001',
        attempt: 1,
        state: 'SUCCEEDED',
        startedAt: new Date(startedAt).toISOString(),
        stoppedAt: new Date(stoppedAt).toISOString(),
      },
    });
    await dynamo.documentClient.send(new PutCommand({ TableName: dynamo.tableName, Item: simulation }));

    const { trackerPorts } = await import('#services/cost-tracker/src/wiring.js');
    const { recordCost } = await import('#services/cost-tracker/src/domain/record-cost.js');
    const tracked = await recordCost(
      { ...trackerPorts(), publisher: { publish: async () => undefined } },
      simulation.id,
    );
    expect(tracked.cost).toMatchObject({ kind: 'final' });
    // The attempt's task, from the local Batch emulator's DescribeJobs
    expect(tracked.cost!.attempts[0]!.taskArns).toEqual([TASK_ARN]);

    // The local backend's job as it ended: its ECS task and reservation (the demo spec's 2 vCPUs, 2 GiB)
    const job = {
      jobId: 'local-job-1',
      status: 'SUCCEEDED',
      tags: { 'gcr:simulation-id': simulation.id, 'gcr:owner': owner },
      container: {
        resourceRequirements: [
          { type: 'VCPU', value: '2' },
          { type: 'MEMORY', value: '2048' },
        ],
      },
      attempts: [
        {
          container: { taskArn: TASK_ARN },
          startedAt,
          stoppedAt,
        },
      ],
    } as unknown as BatchJobDetail;
    const keys = await createLocalCurExport({
      s3: s3.client,
      documentClient: dynamo.documentClient,
      simulationsTable: dynamo.tableName,
    }).jobEnded(job);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys[0]).toMatch(/^cur2\/gcr\/data\/BILLING_PERIOD=\d{4}-\d{2}\/local-local-job-1\.parquet$/);

    const reconcile = (await import('#services/cost-tracker/src/handlers/reconcile-costs.js'))
      .handler as unknown as Invoke;
    await reconcile({}, context);

    const getCost = (await import('#services/cost-tracker/src/handlers/get-simulation-cost.js'))
      .handler as unknown as Invoke;
    const answer = (await getCost(
      httpEvent({
        path: `/simulations/${simulation.id}/cost`,
        claims: { sub: owner },
        pathParameters: { id: simulation.id },
      }),
      context,
    )) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(200);
    const cost = JSON.parse(answer.body) as SimulationCost;
    const reconciliation = cost.reconciliation!;
    // Two hourly line items of one task, both matched to the one attempt by its task ARN
    expect(reconciliation).toMatchObject({
      simulationId: simulation.id,
      lineItems: 2,
      lineItemsByTaskArn: 2,
      unmatchedUsd: 0,
    });
    expect(reconciliation.trackedUsd).toBe(cost.attempts[0]!.computeUsd);
    // Alone on its instance, the job is billed the whole instance (split + unused); tracked is its max share
    const share = cost.attempts[0]!.share.applied;
    expect(share).toBeLessThan(1);
    // (tracked is rounded to a hundredth of a cent before the division)
    expect(reconciliation.billedUsd).toBeCloseTo(reconciliation.trackedUsd / share, 2);
    expect(reconciliation.differenceUsd).toBeCloseTo(reconciliation.trackedUsd - reconciliation.billedUsd, 4);
    expect(reconciliation.differenceUsd).toBeLessThan(0);
    expect(reconciliation.attempts).toEqual([
      expect.objectContaining({ attempt: 1, billedUsd: reconciliation.billedUsd }),
    ]);
    // The billed figure is on the simulation's one-line cost too (what GET /ensembles/{id} sums).
    const stored = await dynamo.documentClient.send(
      new GetCommand({ TableName: dynamo.tableName, Key: { id: simulation.id } }),
    );
    expect(stored.Item?.['cost']).toMatchObject({ kind: 'final', billedUsd: reconciliation.billedUsd });
  });
});

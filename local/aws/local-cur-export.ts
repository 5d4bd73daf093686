/**
 * The local platform's Cost and Usage Report: for every local Batch job that
 * ended, the split cost allocation line items AWS would bill for it, written
 * as a CUR 2.0-shaped Parquet file under the export prefix in the local S3
 * (`<prefix>BILLING_PERIOD=YYYY-MM/local-<jobId>.parquet`), so the cost
 * tracker's daily reconcileCosts runs here over an export of the local runs
 * and `gcr cost <id>` shows tracked vs billed (docs/COSTS.md).
 *
 * What is "billed": each attempt (its ECS task ARN, as the local backend
 * records it) on the instance the job stands in for (the cost tracker's own
 * stand-in: the spec's instance type or the estimator's recommendation, priced
 * from the same table and spot fixture), per UTC hour, split as AWS's split
 * cost allocation does: the task's reservation weighted 9:1 (vCPU:GiB) is its
 * split cost, and, the job being alone on its instance, the instance's unused
 * capacity is all its unused cost. The tracker charges max(vCPU, memory share)
 * of the instance, so a job that does not fill its instance shows the
 * difference the docs explain.
 */
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createFixturePriceBook } from '#services/cost-tracker/src/adapters/price-book.js';
import { createSpecLaunchFacts } from '#services/cost-tracker/src/adapters/spec-launch-facts.js';
import { integratePrice, type PricePeriod } from '#shared/science/pricing/cost-formulas.js';
import { instanceMemoryGiB, instanceVcpus } from '#shared/science/pricing/ec2-prices.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { BatchJobDetail } from '../batch/types.js';
import { curParquetBuffer, type CurExportRow } from './cur-parquet-writer.js';

/** Where the local platform writes its export (GCR_CUR_BUCKET / GCR_CUR_PREFIX of the local stage). */
export const LOCAL_CUR_EXPORT = { bucket: 'gcr-local-cur-exports', prefix: 'cur2/gcr/data/' } as const;

/** The job tag naming its simulation (the poller's), as CUR 2.0 writes it in `resource_tags`. */
const SIMULATION_TAG = 'gcr:simulation-id';
const HOUR_MS = 3_600_000;

/** CUR 2.0 spells a user tag key `user_` + the key with every character other than a letter or digit as `_`. */
export const curTagKey = (key: string): string => `user_${key.replace(/[^A-Za-z0-9]/g, '_')}`;

function reservation(job: BatchJobDetail): { vcpus: number; memoryGiB: number } | undefined {
  const requirement = (type: string): number =>
    Number(job.container.resourceRequirements?.find((r) => r.type === type)?.value ?? NaN);
  const vcpus = requirement('VCPU');
  const memoryMiB = requirement('MEMORY');
  return Number.isFinite(vcpus) && Number.isFinite(memoryMiB)
    ? { vcpus, memoryGiB: memoryMiB / 1024 }
    : undefined;
}

export interface LocalCurExportOptions {
  s3: S3Client;
  documentClient: DynamoDBDocumentClient;
  simulationsTable: string;
  bucket?: string;
  prefix?: string;
  /** The zone stand-in attempts are priced in (the cost tracker's COST_STAND_IN_AVAILABILITY_ZONE). */
  availabilityZone?: string;
}

/** The line items of one ended job, or none when it is not a simulation's or never ran. */
export async function jobLineItems(
  job: BatchJobDetail,
  simulation: Simulation,
  availabilityZone: string,
): Promise<CurExportRow[]> {
  const reserved = reservation(job);
  if (!reserved) return [];
  const launch = (await createSpecLaunchFacts({ availabilityZone }).launchOf(simulation, 1))!;
  const instanceVcpuCount = instanceVcpus(launch.instanceType);
  const instanceGiB = instanceMemoryGiB(launch.instanceType);
  if (!instanceVcpuCount || !instanceGiB) return [];
  const prices = createFixturePriceBook();
  const tags = Object.fromEntries(Object.entries(job.tags ?? {}).map(([k, v]) => [curTagKey(k), v]));
  // AWS's split: a task's part of the instance-hour by its reservation, vCPU weighted 9, GiB 1.
  const splitShare = Math.min(
    1,
    (9 * reserved.vcpus + reserved.memoryGiB) / (9 * instanceVcpuCount + instanceGiB),
  );
  const usageType = `${launch.purchase === 'spot' ? 'SpotUsage' : 'BoxUsage'}:${launch.instanceType}`;
  const rows: CurExportRow[] = [];
  for (const [index, attempt] of job.attempts.entries()) {
    const taskArn = attempt.container?.taskArn;
    if (!taskArn || attempt.startedAt === undefined || attempt.stoppedAt === undefined) continue;
    const { startedAt, stoppedAt } = attempt;
    let periods: PricePeriod[];
    if (launch.purchase === 'spot') {
      periods = (await prices.spotHistory(launch.instanceType, launch.availabilityZone, startedAt, stoppedAt))
        .periods;
    } else {
      const onDemand = prices.onDemand(launch.instanceType);
      if (!onDemand) continue;
      periods = [{ fromMs: 0, usdPerHour: onDemand.usdPerHour }];
    }
    // The local machine stands in for one instance per attempt (a retry may land elsewhere).
    const instance = `i-local${job.jobId.replace(/[^a-z0-9]/gi, '').slice(0, 12)}${index + 1}`;
    for (let hour = Math.floor(startedAt / HOUR_MS) * HOUR_MS; hour < stoppedAt; hour += HOUR_MS) {
      const instanceUsd = integratePrice(
        periods,
        Math.max(startedAt, hour),
        Math.min(stoppedAt, hour + HOUR_MS),
      );
      rows.push({
        resource: taskArn,
        parent: instance,
        start: hour,
        usageType,
        unblended: 0,
        split: instanceUsd * splitShare,
        unused: instanceUsd * (1 - splitShare),
        vcpu: reserved.vcpus,
        memoryGiB: reserved.memoryGiB,
        tags,
      });
    }
  }
  return rows;
}

/** Writes the export of each local job that ends. */
export function createLocalCurExport(options: LocalCurExportOptions) {
  const bucket = options.bucket ?? LOCAL_CUR_EXPORT.bucket;
  const prefix = options.prefix ?? LOCAL_CUR_EXPORT.prefix;
  return {
    bucket,
    prefix,
    /** For a job that SUCCEEDED or FAILED: its line items, one file per billing period they fall in. */
    async jobEnded(job: BatchJobDetail): Promise<string[]> {
      if (job.status !== 'SUCCEEDED' && job.status !== 'FAILED') return [];
      const simulationId = job.tags?.[SIMULATION_TAG];
      if (!simulationId) return [];
      const simulation = (
        await options.documentClient.send(
          new GetCommand({ TableName: options.simulationsTable, Key: { id: simulationId } }),
        )
      ).Item as Simulation | undefined;
      if (!simulation?.spec) return [];
      const rows = await jobLineItems(job, simulation, options.availabilityZone ?? 'us-east-1a');
      const byPeriod = new Map<string, CurExportRow[]>();
      for (const row of rows) {
        const period = new Date(row.start).toISOString().slice(0, 7);
        byPeriod.set(period, [...(byPeriod.get(period) ?? []), row]);
      }
      const keys: string[] = [];
      for (const [period, periodRows] of byPeriod) {
        const key = `${prefix}BILLING_PERIOD=${period}/local-${job.jobId}.parquet`;
        const body = curParquetBuffer(periodRows, Date.parse(`${period}-01T00:00:00Z`));
        await options.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: new Uint8Array(body) }));
        keys.push(key);
      }
      return keys;
    },
  };
}

/**
 * The cost tracker's serverless.yml reads these (`${env:GCR_CUR_BUCKET}`, ...), so they are set before the
 * services are loaded: the local export's place, and a reconciliation every minute unless one was chosen
 * (the export is written as each job ends, not a few times a day as on AWS); an empty GCR_CUR_BUCKET turns it off.
 */
export function localCurEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    GCR_CUR_BUCKET: env['GCR_CUR_BUCKET'] ?? LOCAL_CUR_EXPORT.bucket,
    GCR_CUR_PREFIX: env['GCR_CUR_PREFIX'] ?? LOCAL_CUR_EXPORT.prefix,
    // A cron, not a rate: GCR_SCHEDULE_RATE_SECONDS (tests, the demo) replaces rates only, and reading the
    // export every few seconds would only load a busy machine.
    GCR_CUR_SCHEDULE: env['GCR_CUR_SCHEDULE'] ?? 'cron(* * * * ? *)',
  };
}

/** Creates the export's bucket in the local S3 and answers the writer of ended jobs' line items. */
export async function startLocalCurExport(
  options: Omit<LocalCurExportOptions, 'bucket' | 'prefix'> & { env: NodeJS.ProcessEnv },
): Promise<ReturnType<typeof createLocalCurExport>> {
  const { GCR_CUR_BUCKET: bucket, GCR_CUR_PREFIX: prefix } = localCurEnvironment(options.env);
  // GCR_CUR_BUCKET= (empty) turns the local export off, as on AWS without one.
  if (!bucket)
    return { ...createLocalCurExport({ ...options, bucket: '', prefix: prefix! }), jobEnded: async () => [] };
  await options.s3.send(new CreateBucketCommand({ Bucket: bucket! })).catch((err: Error) => {
    if (!/BucketAlready/.test(err.name)) throw err;
  });
  return createLocalCurExport({ ...options, bucket: bucket!, prefix: prefix! });
}

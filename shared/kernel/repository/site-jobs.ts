/**
 * Site jobs: what the platform knows of a simulation's job on a Slurm site
 * (docs/SLURM.md). The execution poller's slurm backend writes one when it
 * sends the site's agent a submit (and a new attempt after a retryable end);
 * the agents' reports (POST /sites/{name}/reports) move it forward; the
 * backend's describe reads it back as the job's description, so the poller's
 * reconcile applies a report as it applies a Batch state change. One item per
 * simulation, `#sitejob#<simulationId>`, every attempt in it, written
 * conditionally on its version.
 */
import { BatchGetCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SiteJobReport, SiteWorkMessage } from '#schemas/generated/types.js';
import { isConditionalCheckFailed } from './simulations.js';

export type SiteJobStatus = SiteJobReport['status'];

/** One attempt of a site job, as the agent last reported it. */
export interface SiteJobAttempt {
  jobName: string;
  status: SiteJobStatus;
  reason: string;
  /** When the agent saw this state (its report's observedAt); reports apply in this order. */
  observedAt: string;
  slurmJobId?: string;
  slurmState?: string;
  exitCode?: number;
  startedAt?: string;
  endedAt?: string;
  progress?: { modelTime: string };
  outputsUploaded?: boolean;
}

export interface SiteJob {
  simulationId: string;
  site: string;
  /** The simulation's job id on this backend: its job name, gcr-<simulationId>. */
  jobId: string;
  /** The current attempt (a retryable end starts the next). */
  attempt: number;
  /** spotRetries + 1 of the spec: attempts a retryable end may start. */
  maxAttempts: number;
  submittedAt: string;
  /** What the submit asked Slurm for, and the spec: a later attempt is sent the same. */
  job: NonNullable<SiteWorkMessage['job']>;
  spec: Record<string, unknown>;
  attempts: Record<string, SiteJobAttempt>;
  /**
   * Since when the site's agent has been silent, as the poller's describe
   * first saw it (the site's last heartbeat then), until it reports again.
   */
  silentSince?: string;
  /** Past silences of the site while this job was followed (the latest SILENCES_KEPT): no time limit counts them. */
  silences?: { from: string; to: string }[];
  version: number;
}

/** How many of a site job's past silences it keeps (older ones no longer matter to a queue limit). */
export const SILENCES_KEPT = 20;

export const SITE_JOB_PREFIX = '#sitejob#';

/** The Slurm job name of an attempt: gcr-<simulationId>-a<attempt> (what a restarted agent finds again). */
export function siteJobName(jobId: string, attempt: number): string {
  return `${jobId}-a${attempt}`;
}

export interface SiteJobStore {
  get(simulationId: string): Promise<SiteJob | undefined>;
  getMany(simulationIds: string[]): Promise<SiteJob[]>;
  /** False when the simulation has one already. */
  create(job: Omit<SiteJob, 'version'>): Promise<boolean>;
  /** Writes `job` (its version + 1) if the stored one still has `job.version`; false otherwise. */
  save(job: SiteJob): Promise<boolean>;
}

function fromItem(item: Record<string, unknown> | undefined): SiteJob | undefined {
  if (!item) return undefined;
  const { id: _id, ...job } = item;
  return job as unknown as SiteJob;
}

export function createSiteJobStore(client: DynamoDBDocumentClient, tableName: string): SiteJobStore {
  const key = (simulationId: string) => ({ id: `${SITE_JOB_PREFIX}${simulationId}` });
  const put = async (job: SiteJob, condition: Record<string, unknown>): Promise<boolean> => {
    try {
      await client.send(
        new PutCommand({ TableName: tableName, Item: { ...key(job.simulationId), ...job }, ...condition }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  };
  return {
    async get(simulationId) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: key(simulationId), ConsistentRead: true }),
      );
      return fromItem(out.Item);
    },
    /** Up to 100 (one BatchGetItem, its unprocessed keys asked again). */
    async getMany(simulationIds) {
      const found: SiteJob[] = [];
      let keys: Record<string, unknown>[] = simulationIds.map(key);
      for (let round = 0; keys.length > 0; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** Math.min(round, 6)));
        const out = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[tableName] ?? []) found.push(fromItem(item)!);
        keys = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
      return found;
    },
    create: (job) => put({ ...job, version: 1 }, { ConditionExpression: 'attribute_not_exists(id)' }),
    save: (job) =>
      put(
        { ...job, version: job.version + 1 },
        {
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': job.version },
        },
      ),
  };
}

/**
 * `npm run bench:ensemble -- --create N`: POST /ensembles of N members
 * (default 10,000) through the submission domain against dynalite, as the
 * handlers run it (docs/CAMPAIGNS.md, "Creation in batches"): the request
 * (validation of every member, the ensemble item, the batch files, the
 * messages), then every batch as the creation queue's event source mapping
 * delivers them (4 at once), the last releasing the members. Counts DynamoDB
 * calls by operation and the items they wrote, S3 puts and their bytes (the
 * object store counts and drops them: 10,000 run directories are about 1.8 GB,
 * which would measure this machine's disk, not the platform), and events.
 */
import '#shared/kernel/quiet-sdk-warning.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { writeCreationBatch } from '#services/submission/src/domain/ensemble-creation.js';
import {
  createEnsemble,
  getEnsemble,
  type EnsemblePorts,
} from '#services/submission/src/domain/ensembles.js';
import type { EnsembleCreationPorts } from '#services/submission/src/domain/ports.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createDynamoEnsembleStore } from '#shared/kernel/repository/ensembles.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { EnsembleCreationBatch, EnsembleCreationMembers } from '#schemas/generated/types.js';
import { startLocalDynamo } from '#local/aws/standalone-dynamo.js';
import { faultSuiteSpec } from '../fault/harness.js';

/** The creation queue's event source mapping: maximumConcurrency (serverless.yml). */
const BATCH_CONSUMERS = 4;

export interface CreationBenchRow {
  members: number;
  batches: number;
  /** POST /ensembles until its 202 (validation, item, batch files, messages). */
  acceptSeconds: number;
  /** From the POST until the last batch released every member. */
  secondsToAllCreated: number;
  /** Slowest batch (the last one includes the release of every member). */
  slowestBatchSeconds: number;
  dynamoCalls: Record<string, number>;
  /** Items written by BatchWriteItem (the members). */
  itemsBatchWritten: number;
  s3Puts: number;
  s3Megabytes: number;
  events: number;
}

/** Counts every DynamoDB call by its command, and the items BatchWriteItem carried. */
function countCalls(client: DynamoDBDocumentClient, counts: Record<string, number>, items: { n: number }) {
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  (client as unknown as { send: (command: unknown) => Promise<unknown> }).send = async (command) => {
    const name = (command as object).constructor.name.replace(/Command$/, '');
    counts[name] = (counts[name] ?? 0) + 1;
    if (name === 'BatchWrite') {
      const input = (command as { input: { RequestItems: Record<string, unknown[]> } }).input;
      items.n += Object.values(input.RequestItems).reduce((sum, r) => sum + r.length, 0);
    }
    return send(command);
  };
}

/** A list sweep of `n` members of the one-day TransportTracers run, each labelled. */
function request(n: number) {
  const { compute: _c, ...base } = faultSuiteSpec('local');
  return {
    name: `bench ${n}`,
    base: { ...base, compute: { backend: 'local', maxRuntimeMinutes: 60 } },
    sweep: { list: Array.from({ length: n }, (_, i) => ({ label: `m${i}` })) },
  };
}

export async function runCreationBench(n: number): Promise<CreationBenchRow> {
  const dynamo = await startLocalDynamo();
  try {
    const dynamoCalls: Record<string, number> = {};
    const batchWritten = { n: 0 };
    const s3 = { puts: 0, bytes: 0 };
    const files = new Map<string, EnsembleCreationMembers>();
    const queue: EnsembleCreationBatch[] = [];
    const published: OutgoingEvent[] = [];
    const creation: EnsembleCreationPorts = {
      batches: {
        put: async (members) => {
          s3.puts += 1;
          s3.bytes += JSON.stringify(members).length;
          files.set(`${members.ensembleId}/${members.batch}`, members);
        },
        get: async (ensembleId, batch) => files.get(`${ensembleId}/${batch}`),
      },
      queue: { send: async (messages) => void queue.push(...messages) },
    };
    const ports: EnsemblePorts & { creation: EnsembleCreationPorts } = {
      repository: createDynamoSimulationRepository(dynamo.documentClient, {
        tableName: dynamo.tableName,
        statusIndexShards: 16,
      }),
      ensembles: createDynamoEnsembleStore(dynamo.documentClient, dynamo.tableName),
      publisher: { publish: async (events) => void published.push(...events) },
      objects: {
        putObject: async (object) => {
          s3.puts += 1;
          s3.bytes += object.body.length;
        },
      },
      now: () => new Date(),
      creation,
    };
    countCalls(dynamo.documentClient, dynamoCalls, batchWritten);
    const caller = { userId: 'bench', groups: [], isAdmin: false };

    const t0 = performance.now();
    const accepted = await createEnsemble(ports, { localBackendEnabled: true }, { caller, body: request(n) });
    const acceptSeconds = (performance.now() - t0) / 1000;
    let slowest = 0;
    const batches = queue.length;
    await Promise.all(
      Array.from({ length: BATCH_CONSUMERS }, async () => {
        for (let message = queue.shift(); message; message = queue.shift()) {
          const started = performance.now();
          await writeCreationBatch(ports, message);
          slowest = Math.max(slowest, (performance.now() - started) / 1000);
        }
      }),
    );
    const secondsToAllCreated = (performance.now() - t0) / 1000;
    const ensemble = await getEnsemble(ports, caller, accepted.ensemble.id);
    if (ensemble.creation?.status !== 'COMPLETE' || ensemble.counts['PENDING'] !== n) {
      throw new Error(
        `creation did not complete: ${JSON.stringify(ensemble.creation)} ${JSON.stringify(ensemble.counts)}`,
      );
    }
    return {
      members: n,
      batches,
      acceptSeconds,
      secondsToAllCreated,
      slowestBatchSeconds: slowest,
      dynamoCalls,
      itemsBatchWritten: batchWritten.n,
      s3Puts: s3.puts,
      s3Megabytes: s3.bytes / 1e6,
      events: published.length,
    };
  } finally {
    await dynamo.stop();
  }
}

export function printCreationRow(r: CreationBenchRow): void {
  console.log(`\nensemble creation in batches (submission domain on dynalite; S3 puts counted, not stored)`);
  console.log(
    `  ${r.members} members in ${r.batches} batches: 202 after ${r.acceptSeconds.toFixed(1)} s, all created and released after ${r.secondsToAllCreated.toFixed(1)} s (slowest batch ${r.slowestBatchSeconds.toFixed(1)} s)`,
  );
  const writes = ['Put', 'Update', 'BatchWrite'].reduce((sum, op) => sum + (r.dynamoCalls[op] ?? 0), 0);
  console.log(
    `  DynamoDB calls: ${Object.entries(r.dynamoCalls)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')} (write calls ${writes}; ${r.itemsBatchWritten} items by BatchWriteItem)`,
  );
  console.log(`  S3 puts: ${r.s3Puts} (${r.s3Megabytes.toFixed(0)} MB); events: ${r.events}`);
}

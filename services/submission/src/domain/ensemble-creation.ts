/**
 * The batches of a large ensemble's creation (docs/CAMPAIGNS.md, "Creation in
 * batches"): POST /ensembles validated every member, wrote the ensemble item
 * CREATING and each batch's members to the results bucket, and sent one
 * message a batch to the creation queue. Each message here:
 *
 * 1. writes the members of its batch that do not exist yet: their run
 *    directories (S3 puts, a bounded number at once), then their items
 *    (BatchWriteItem), WAITING with the reason "being created", so no poller
 *    submits them before all exist: the array job then takes every member;
 * 2. adds its batch number to the ensemble's set of written batches (a set:
 *    a redelivered batch adds nothing);
 * 3. if that completed the set, releases every WAITING member to PENDING in
 *    one pass (each a conditional transition, announced 100 an event call) and
 *    marks the creation COMPLETE; an ensemble paused meanwhile keeps its members
 *    WAITING for its resume.
 *
 * Member ids derive from the ensemble id and the member index, so a
 * redelivered or re-driven batch lands on the same items and writes nothing
 * twice. A batch that fails its last receive marks the creation FAILED with
 * the reason (its message goes to the dead-letter queue, from where a
 * re-drive completes the creation); the members written stay WAITING and
 * never run half an ensemble.
 */
import { NotFoundError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import {
  creationBatchCount,
  memberSimulationId,
  type EnsembleRecord,
} from '#shared/kernel/repository/ensembles.js';
import type { ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { EnsembleCreationBatch, Simulation } from '#schemas/generated/types.js';
import {
  chunks,
  inBatches,
  inputPlanKey,
  loadMembers,
  memberSimulation,
  publishSubmitted,
  type EnsemblePorts,
} from './ensembles.js';
import { moveUnsubmitted } from './hold-release.js';
import type { EnsembleCreationPorts } from './ports.js';
import { buildRunDirectory, inputPlanBody, runDirectoryObjects } from './run-directory.js';

/** The creation queue's maxReceiveCount (serverless.yml): the receive after which a batch goes to the DLQ. */
export const CREATION_MAX_RECEIVES = 5;
/** S3 puts of one batch at once. */
const PUT_CONCURRENCY = 32;
/** Members released at once when the creation completes. */
const RELEASE_CONCURRENCY = 16;

export type CreationWorkerPorts = EnsemblePorts & { creation: EnsembleCreationPorts };

export type BatchOutcome =
  /** The ensemble is gone (purged) or was never batched: nothing to do. */
  | 'no-ensemble'
  /** Written (or found written), the creation not complete yet. */
  | 'written'
  /** This batch completed the creation: the members were released (or held, when paused). */
  | 'released'
  | 'held'
  /** The creation was complete before this message: a late duplicate. */
  | 'already-complete';

/** Whom the members are created for: the ensemble's owner, as POST /ensembles's caller was. */
function ownerOf(record: EnsembleRecord): Caller {
  return { userId: record.owner, groups: [], isAdmin: false };
}

export function creationReason(record: Pick<EnsembleRecord, 'id' | 'memberCount'>): string {
  return `ensemble ${record.id} being created: waits until all ${record.memberCount} members exist`;
}

/** One batch of the creation queue (see the module's comment). */
export async function writeCreationBatch(
  ports: CreationWorkerPorts,
  message: EnsembleCreationBatch,
): Promise<BatchOutcome> {
  const record = await ports.ensembles.get(message.ensembleId);
  if (!record?.creation) return 'no-ensemble';
  if (record.creation.status === 'COMPLETE') return 'already-complete';
  let latest = record;
  if (!(record.createdBatches ?? []).includes(message.batch)) {
    const file = await ports.creation.batches.get(record.id, message.batch);
    if (!file) return 'no-ensemble';
    const memberTime = new Date(record.createdAt);
    const candidates = file.members.map((member) => {
      const spec = member.spec as unknown as ResolvedSimulationSpec;
      const simulation = memberSimulation(
        record,
        {
          memberIndex: member.memberIndex,
          ...(member.label !== undefined ? { label: member.label } : {}),
          spec,
        },
        memberSimulationId(record.id, member.memberIndex),
        ownerOf(record),
        memberTime,
        creationReason(record),
      );
      simulation.status = 'WAITING';
      simulation.history[0]!.to = 'WAITING';
      return { simulation, spec };
    });
    const existing = new Set<string>();
    for (const batch of chunks(candidates, 100)) {
      for (const found of await ports.repository.getMany(batch.map((c) => c.simulation.id)))
        existing.add(found.id);
    }
    const missing = candidates.filter((c) => !existing.has(c.simulation.id));
    // Run directories before items: a member that exists always has its configuration.
    const plans = new Map<string, string>();
    const objects = missing.flatMap(({ simulation, spec }) => {
      const planKey = inputPlanKey(spec);
      let plan = plans.get(planKey);
      if (plan === undefined) plans.set(planKey, (plan = inputPlanBody(spec, memberTime)));
      return runDirectoryObjects(simulation.id, spec, buildRunDirectory(spec), memberTime, plan);
    });
    await inBatches(objects, PUT_CONCURRENCY, (object) => ports.objects.putObject(object));
    await ports.repository.createMany(
      missing.map((c) => c.simulation),
      { countsAsActive: false },
    );
    latest = await ports.ensembles.recordCreatedBatch(record.id, message.batch);
  }
  if ((latest.createdBatches ?? []).length < creationBatchCount(latest.creation!)) return 'written';
  return completeCreation(ports, latest.id);
}

/**
 * Every member exists: each WAITING one released to PENDING (unless the
 * ensemble was paused meanwhile), then the creation marked COMPLETE. Safe to
 * run twice (two last batches at once, a redelivery after a crash): a member
 * moves only from WAITING, conditionally on its version.
 */
export async function completeCreation(
  ports: EnsemblePorts,
  ensembleId: string,
): Promise<'released' | 'held'> {
  const record = await ports.ensembles.get(ensembleId);
  if (!record?.creation) throw new NotFoundError(`ensemble ${ensembleId} not found`);
  const finishedAt = () => ports.now().toISOString();
  if (record.creation.heldWhenCreated) {
    await ports.ensembles.finishCreation(record.id, { status: 'COMPLETE', finishedAt: finishedAt() });
    return 'held';
  }
  const waiting = (await loadMembers(ports.repository, record)).filter(
    (s): s is Simulation => s !== undefined && s.status === 'WAITING',
  );
  const released: Simulation[] = [];
  const reason = `released: all ${record.memberCount} members of ensemble ${record.id} exist`;
  await inBatches(waiting, RELEASE_CONCURRENCY, async (member) => {
    const moved = await moveUnsubmitted(ports, member, 'PENDING', reason, { announce: false });
    if (moved) released.push(moved);
  });
  // The fast path to the poller (the first to arrive submits the array); the finder's poll of PENDING otherwise.
  await publishSubmitted(
    ports,
    released.sort((a, b) => a.memberIndex! - b.memberIndex!),
  );
  await ports.ensembles.finishCreation(record.id, { status: 'COMPLETE', finishedAt: finishedAt() });
  return 'released';
}

/**
 * A batch failed its last receive (it goes to the dead-letter queue now): the
 * creation is FAILED with the reason, so GET /ensembles/{id} says why and the
 * members written stay WAITING.
 */
export async function recordCreationFailure(
  ports: Pick<EnsemblePorts, 'ensembles' | 'now'>,
  message: EnsembleCreationBatch,
  error: unknown,
): Promise<void> {
  const record = await ports.ensembles.get(message.ensembleId);
  if (!record?.creation) return;
  const first = message.batch * record.creation.batchSize;
  const last = Math.min(first + record.creation.batchSize, record.creation.membersTotal) - 1;
  await ports.ensembles.finishCreation(record.id, {
    status: 'FAILED',
    finishedAt: ports.now().toISOString(),
    reason:
      `batch ${message.batch} (members ${first} to ${last}) failed ${CREATION_MAX_RECEIVES} times: ` +
      `${error instanceof Error ? error.message : String(error)}; its message is in the creation ` +
      'dead-letter queue (runbooks/ensemble-stuck-in-creation.md)',
  });
}

/**
 * An ensemble's PENDING members as one AWS Batch array job (docs/CAMPAIGNS.md).
 *
 * The first member the poller is asked to submit takes the ensemble's array
 * submission (a conditional write on the ensemble item, ensemble-arrays.ts);
 * the others find it taken and leave their member to it. The holder reads
 * the ensemble's first-attempt members, takes those still PENDING with the
 * trigger's compute settings, writes the array's files (index and members'
 * environments, array-members.ts), calls SubmitJob once with
 * `arrayProperties.size`, and records each member's job `<parent>:<index>` with
 * its SUBMITTED transition, exactly as a single job's (history, event, then
 * per-member polls and events). Retried members (a `retryOf`) and fewer than
 * two members go as single jobs.
 *
 * A crash between SubmitJob and the members' writes leaves the submission
 * unfinished: once its lease runs out, the next poller finds the job by its
 * name (`gcr-<ensemble id>-a<n>`), reads the index the crashed one wrote and
 * records the members still PENDING, before submitting anything new. A member
 * cancelled meanwhile gets its child terminated (keepJobTracked). A holder
 * that is only slow renews its lease while it records, and makes sure it
 * still holds the submission right before SubmitJob: a slow holder and a
 * poller taking over never submit the same members twice.
 */
import {
  arrayChildJobId,
  arrayFiles,
  arrayJobName,
  arrayPrefix,
} from '#shared/kernel/compute/array-members.js';
import { MAX_ARRAY_SIZE, MIN_ARRAY_SIZE, type ComputeBackend } from '#shared/kernel/compute/backend.js';
import { StaleVersionError } from '#shared/kernel/errors.js';
import { isTerminal } from '#shared/kernel/status.js';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import type { ArraySubmission } from '#shared/kernel/repository/ensemble-arrays.js';
import { stableStringify } from '#shared/kernel/stable-json.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import { applyPlan } from './apply.js';
import { withBackoff } from './backoff.js';
import type { PollerPorts } from './ports.js';
// submit-pending.ts dispatches here and lends its single-job helpers: a cycle
// of functions only, none used while the modules load.
import { computeRequest, keepJobTracked, submittedJob } from './submit-pending.js';
import { submitSiteArray } from './submit-site-array.js';

/** How long a poller holds an ensemble's array submission before another may take over (as a single job's claim). */
export const ARRAY_SUBMIT_LEASE_MS = 2 * 60_000;
/** A holder renews its lease once this much of it has passed (a large array recorded under load). */
export const ARRAY_LEASE_RENEW_AFTER_MS = ARRAY_SUBMIT_LEASE_MS / 4;
/** Members recorded at once after the SubmitJob. */
export const RECORD_CONCURRENCY = 16;
/** BatchGetItem's limit, which the repository's getMany keeps. */
const READ_CHUNK = 100;

/** What became of a member handed to submitEnsembleArray. */
export type ArrayOutcome =
  /** Recorded under an array job (this call's or one a crash left). */
  | 'submitted'
  /** Another poller holds the ensemble's submission: it takes this member. */
  | 'busy'
  /** Not for an array (the backend has none, too few members, a retry): submit it alone. */
  | 'single';

/** Whether a PENDING simulation is a first-attempt ensemble member its backend can run in an array. */
export function isArrayCandidate(ports: PollerPorts, simulation: Simulation): boolean {
  if (!ports.arrays || simulation.ensembleId === undefined || simulation.memberIndex === undefined)
    return false;
  // A retry, or a paused member resumed (it has a job already): its next attempt goes alone.
  if (simulation.retryOf !== undefined || simulation.job !== undefined) return false;
  const spec = storedSpec(simulation);
  // Multi-node parallel jobs (GCHP) cannot be array jobs.
  if (spec.model === 'gchp' && spec.compute.nodes && spec.compute.cores) return false;
  const backend = ports.backendFor(simulation.backend);
  return backend?.supportsArrays === true || backend?.submitMemberArray !== undefined;
}

export function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  return Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function readMembers(ports: PollerPorts, ids: readonly string[]): Promise<Simulation[]> {
  const found: Simulation[] = [];
  for (let start = 0; start < ids.length; start += READ_CHUNK) {
    found.push(...(await ports.repository.getMany(ids.slice(start, start + READ_CHUNK))));
  }
  return found;
}

/** One member's SUBMITTED transition with its child job; a member that moved on keeps the child tracked or stopped. */
export async function recordChild(
  ports: PollerPorts,
  backend: ComputeBackend,
  member: Simulation,
  child: { jobId: string; jobName: string },
  reason: string,
): Promise<void> {
  const job = submittedJob(child, ports.now());
  try {
    await applyPlan(ports, member, { transitions: [{ to: 'SUBMITTED', reason }], job });
  } catch (err) {
    if (!(err instanceof StaleVersionError)) throw err;
    await keepJobTracked(ports, backend, member.id, job);
  }
}

/** Every member FAILED for `reason` (the backend refused their array); one that moved on meanwhile keeps its status. */
export async function failMembers(ports: PollerPorts, members: readonly Simulation[], reason: string) {
  await forEachLimited(members, RECORD_CONCURRENCY, async (member) => {
    await applyPlan(ports, member, { transitions: [{ to: 'FAILED', reason }] }).catch((e: unknown) => {
      if (!(e instanceof StaleVersionError)) throw e;
    });
  });
}

/**
 * The members of an array job found by name after a crash: those still
 * PENDING are recorded (the index says which child is whose).
 */
async function reattach(
  ports: PollerPorts,
  backend: ComputeBackend,
  ensembleId: string,
  previous: ArraySubmission,
): Promise<void> {
  const arrays = ports.arrays!;
  const jobName = arrayJobName(ensembleId, previous.sequence);
  await ports.rateLimiter.acquire(1);
  const orphan = await withBackoff(() => backend.findJobByName(jobName), ports);
  if (!orphan) return;
  const index = await arrays.readIndex(ensembleId, jobName);
  if (!index) return;
  const members = await readMembers(ports, index.simulationIds);
  const byId = new Map(members.map((m) => [m.id, m]));
  await forEachLimited([...index.simulationIds.entries()], RECORD_CONCURRENCY, async ([i, id]) => {
    const member = byId.get(id);
    if (!member || member.job) return;
    const child = { jobId: arrayChildJobId(orphan.jobId, i), jobName };
    if (member.status === 'PENDING') {
      await recordChild(
        ports,
        backend,
        member,
        child,
        `found child ${i} of array job ${orphan.jobId}, submitted before an interruption`,
      );
    } else if (member.status === 'CANCELLING' || isTerminal(member.status)) {
      // Cancelled while the array was being submitted: its child is recorded and stopped.
      await keepJobTracked(ports, backend, member.id, submittedJob(child, ports.now()));
    }
  });
  await arrays.store.finish(ensembleId, previous.sequence, orphan.jobId, index.simulationIds.length);
}

/**
 * Submits `trigger`'s ensemble's PENDING first-attempt members (those with its
 * compute settings) as one array job, or says why not. `submitAlone` submits
 * one member as a single job (submit-pending.ts).
 */
export async function submitEnsembleArray(
  ports: PollerPorts,
  trigger: Simulation,
  submitAlone: (id: string) => Promise<void>,
): Promise<ArrayOutcome> {
  const arrays = ports.arrays!;
  const backend = ports.backendFor(trigger.backend)!;
  const ensemble = await arrays.store.get(trigger.ensembleId!);
  if (!ensemble) return 'single';
  const now = ports.now();
  const previous = ensemble.arraySubmission;
  if (previous && previous.leaseUntil >= now) return 'busy';
  const claim = await arrays.store.claim(ensemble.id, previous, now, ARRAY_SUBMIT_LEASE_MS);
  if (!claim) return 'busy';
  // A site's array keeps a job per member, found again by the backend itself (submit-site-array.ts).
  if (previous && previous.jobId === undefined && previous.leaseUntil > 0 && !backend.submitMemberArray) {
    await reattach(ports, backend, ensemble.id, previous);
  }

  const compute = stableStringify(storedSpec(trigger).compute);
  const ids = Array.from({ length: ensemble.memberCount }, (_, i) => memberSimulationId(ensemble.id, i, 1));
  const members = (await readMembers(ports, ids))
    .filter(
      (m) =>
        m.status === 'PENDING' &&
        m.retryOf === undefined &&
        m.job === undefined &&
        m.backend === trigger.backend &&
        stableStringify(storedSpec(m).compute) === compute,
    )
    .sort((a, b) => (a.memberIndex ?? 0) - (b.memberIndex ?? 0))
    .slice(0, MAX_ARRAY_SIZE);
  if (members.length < MIN_ARRAY_SIZE) {
    for (const member of members) await submitAlone(member.id);
    await arrays.store.finish(ensemble.id, claim.sequence, undefined, members.length);
    return members.some((m) => m.id === trigger.id) ? 'submitted' : 'single';
  }

  if (backend.submitMemberArray) {
    const submitMembers = backend.submitMemberArray.bind(backend);
    await submitSiteArray(ports, backend, submitMembers, ensemble.id, claim.sequence, trigger, members);
    return members.some((m) => m.id === trigger.id) ? 'submitted' : 'single';
  }
  const jobName = arrayJobName(ensemble.id, claim.sequence);
  const prefix = arrayPrefix(ensemble.id, jobName);
  await arrays.writeFiles(
    arrayFiles(
      ensemble.id,
      jobName,
      members.map((m) => ({ simulationId: m.id, environment: ports.jobEnvironment(m) })),
    ),
  );
  // Writing the files may have outlasted the lease (10,000 members, a slow
  // bucket): a poller that took over meanwhile submits these members itself.
  let renewedAt = ports.now();
  if (!(await arrays.store.renew(ensemble.id, claim.sequence, renewedAt, ARRAY_SUBMIT_LEASE_MS)))
    return 'busy';
  const spec = storedSpec(trigger);
  let jobId: string;
  await ports.rateLimiter.acquire(1);
  try {
    ({ jobId } = await withBackoff(
      () =>
        backend.submit({
          simulationId: trigger.id,
          jobName,
          ...computeRequest(spec),
          environment: { GCR_ARRAY_MEMBERS_S3_URI: arrays.uriOf(prefix) },
          tags: { 'gcr:ensemble-id': ensemble.id, 'gcr:owner': trigger.owner },
          arraySize: members.length,
        }),
      ports,
    ));
  } catch (err) {
    if (ports.isRetryable(err)) throw err; // the lease runs out and a later poll looks the job up by name
    await failMembers(
      ports,
      members,
      `the ${trigger.backend} backend refused the array job: ${(err as Error).message}`,
    );
    await arrays.store.finish(ensemble.id, claim.sequence, undefined, members.length);
    return 'submitted';
  }

  await forEachLimited([...members.entries()], RECORD_CONCURRENCY, async ([i, member]) => {
    // Kept live while recording, so no other poller re-attaches (or resubmits) under a holder still at work.
    const now = ports.now();
    if (now - renewedAt >= ARRAY_LEASE_RENEW_AFTER_MS) {
      renewedAt = now;
      await arrays.store.renew(ensemble.id, claim.sequence, now, ARRAY_SUBMIT_LEASE_MS);
    }
    await recordChild(
      ports,
      backend,
      member,
      { jobId: arrayChildJobId(jobId, i), jobName },
      `child ${i} of array job ${jobId} (${members.length} members of ensemble ${ensemble.id}) submitted to ${trigger.backend}`,
    );
  });
  await arrays.store.finish(ensemble.id, claim.sequence, jobId, members.length);
  return members.some((m) => m.id === trigger.id) ? 'submitted' : 'single';
}

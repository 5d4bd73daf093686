import {
  jobNameFor,
  type ComputeBackend,
  type JobDescription,
  type SubmitJobRequest,
} from '#shared/kernel/compute/backend.js';
import { StaleVersionError } from '#shared/kernel/errors.js';
import { isTerminal } from '#shared/kernel/status.js';
import { attemptsRun } from '#shared/kernel/compute/attempts.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import { applyPlan, terminateJob, withFreshRead } from './apply.js';
import { withBackoff } from './backoff.js';
import type { PollerPorts } from './ports.js';
import { currentAttempt, planFromJob, type SimulationJob } from './reconcile.js';
import { isArrayCandidate, submitEnsembleArray } from './submit-array.js';

/** A claim older than this is taken to belong to a poller that crashed. */
export const SUBMIT_CLAIM_TTL_MS = 2 * 60_000;

/** What a job asks of the backend, from the spec's compute settings (a single job's or an array's). */
export function computeRequest(
  spec: ReturnType<typeof storedSpec>,
): Pick<
  SubmitJobRequest,
  'architecture' | 'purchase' | 'vcpus' | 'memoryMiB' | 'instanceType' | 'spotRetries' | 'maxRuntimeSeconds'
> {
  return {
    architecture: spec.compute.architecture,
    purchase: spec.compute.purchase,
    vcpus: spec.compute.vcpus,
    memoryMiB: spec.compute.memoryMiB,
    ...(spec.compute.instanceType ? { instanceType: spec.compute.instanceType } : {}),
    spotRetries: spec.compute.spotRetries,
    maxRuntimeSeconds: spec.compute.maxRuntimeMinutes * 60,
  };
}

/** A simulation's own job: what a single submit asks for (and a member of a site's array, submit-site-array.ts). */
export function singleJobRequest(ports: PollerPorts, simulation: Simulation): SubmitJobRequest {
  const spec = storedSpec(simulation);
  return {
    simulationId: simulation.id,
    jobName: jobNameFor(simulation.id),
    ...computeRequest(spec),
    ...(spec.model === 'gchp' && spec.compute.nodes && spec.compute.cores
      ? { multiNode: { nodes: spec.compute.nodes, mpiProcesses: spec.compute.cores } }
      : {}),
    environment: ports.jobEnvironment(simulation),
    tags: { ...spec.tags, 'gcr:simulation-id': simulation.id, 'gcr:owner': simulation.owner },
  };
}

function limitsOf(simulation: Simulation) {
  const { maxQueueMinutes, maxRuntimeMinutes } = storedSpec(simulation).compute;
  return { maxQueueMinutes, maxRuntimeMinutes };
}

/** A new job's record; `attemptsBefore`: attempts the simulation's earlier jobs ran (a paused run resumed). */
export function submittedJob(
  job: { jobId: string; jobName: string },
  at: number,
  attemptsBefore = 0,
): SimulationJob {
  return {
    jobId: job.jobId,
    jobName: job.jobName,
    attempt: 1,
    ...(attemptsBefore > 0 ? { attemptsBefore } : {}),
    state: 'SUBMITTED',
    submittedAt: new Date(at).toISOString(),
    attempts: [],
  };
}

/**
 * Starts the job of a PENDING simulation exactly once. The claim (a conditional
 * write) keeps a duplicate message from submitting twice; when an earlier claim
 * exists, looking the job up by name first finds a job a crashed poller
 * submitted but never recorded.
 */
export async function submitPending(
  ports: PollerPorts,
  id: string,
  options: { alone?: boolean } = {},
): Promise<void> {
  const loaded = await ports.repository.getWithInternals(id);
  if (!loaded || loaded.simulation.status !== 'PENDING') return;
  // An ensemble's first-attempt members go as one array job (submit-array.ts).
  if (!options.alone && isArrayCandidate(ports, loaded.simulation)) {
    const outcome = await submitEnsembleArray(ports, loaded.simulation, (member) =>
      submitPending(ports, member, { alone: true }),
    );
    if (outcome !== 'single') return;
  }
  const now = ports.now();
  if (loaded.submitClaimedAt !== undefined && now - loaded.submitClaimedAt < SUBMIT_CLAIM_TTL_MS) return;

  let simulation: Simulation;
  try {
    simulation = await ports.repository.update({
      id,
      expectedVersion: loaded.simulation.version,
      status: 'PENDING',
      set: { submitClaimedAt: now },
      at: new Date(now),
    });
  } catch (err) {
    if (err instanceof StaleVersionError) return; // someone else claimed or cancelled it
    throw err;
  }

  const backend = ports.backendFor(simulation.backend);
  if (!backend) {
    await applyPlan(ports, simulation, {
      transitions: [
        { to: 'FAILED', reason: `the ${simulation.backend} backend is not available on this platform` },
      ],
    });
    return;
  }

  const jobName = jobNameFor(simulation.id);
  // Only a poller that claimed before us can have left a job behind: look for it
  // then, and spare the first (by far the most common) submission the ListJobs call.
  let orphan: JobDescription | undefined;
  if (loaded.submitClaimedAt !== undefined) {
    await ports.rateLimiter.acquire(1);
    orphan = await withBackoff(() => backend.findJobByName(jobName), ports);
    // A resumed simulation's stopped job carries the same name: it is no orphan of this submission.
    if (orphan && orphan.jobId === simulation.job?.jobId) orphan = undefined;
  }
  const attemptsBefore = attemptsRun(simulation.job);
  let reason: string;
  let jobId: string;
  if (orphan) {
    jobId = orphan.jobId;
    reason = `found job ${jobId}, submitted before an interruption`;
  } else {
    await ports.rateLimiter.acquire(1);
    try {
      ({ jobId } = await withBackoff(() => backend.submit(singleJobRequest(ports, simulation)), ports));
    } catch (err) {
      if (ports.isRetryable(err)) throw err; // throttled or unavailable: the message comes back
      // The backend refused the job itself (bad queue, bad request): retrying cannot help.
      await applyPlan(ports, simulation, {
        transitions: [
          {
            to: 'FAILED',
            reason: `the ${simulation.backend} backend refused the job: ${(err as Error).message}`,
          },
        ],
      });
      return;
    }
    reason = `job ${jobId} submitted to ${simulation.backend}`;
  }

  let recorded: Simulation;
  try {
    recorded = await applyPlan(ports, simulation, {
      transitions: [{ to: 'SUBMITTED', reason }],
      job: submittedJob({ jobId, jobName }, now, attemptsBefore),
    });
  } catch (err) {
    if (!(err instanceof StaleVersionError)) throw err;
    await keepJobTracked(
      ports,
      backend,
      simulation.id,
      submittedJob({ jobId, jobName }, now, attemptsBefore),
    );
    return;
  }
  // An orphan may already be further along: catch up at once.
  if (orphan && currentAttempt(orphan) >= 1) {
    const plan = planFromJob(recorded, orphan, ports.now(), limitsOf(recorded));
    if (plan.transitions.length > 0 || plan.job) await applyPlan(ports, recorded, plan);
  }
}

/**
 * The simulation moved on while its job was being submitted (a cancel came in
 * meanwhile), so the SUBMITTED write lost. The job exists and nothing else
 * knows it: a CANCELLING simulation records it, then it is terminated (its end
 * gives CANCELLED); for a simulation that already ended it is terminated at
 * once. Either way no job outlives its simulation untracked.
 */
export async function keepJobTracked(
  ports: PollerPorts,
  backend: ComputeBackend,
  id: string,
  job: SimulationJob,
): Promise<void> {
  await withFreshRead(ports, id, async (fresh) => {
    if (fresh.job?.jobId === job.jobId) return;
    if (fresh.status === 'CANCELLING' && !fresh.job) {
      await ports.repository.update({
        id,
        expectedVersion: fresh.version,
        status: 'CANCELLING',
        set: { job },
        at: new Date(ports.now()),
      });
      await terminateJob(
        ports,
        backend,
        job.jobId,
        `cancelled by ${fresh.cancelRequestedBy ?? 'its owner'} while its job was being submitted`,
      );
      return;
    }
    // Still PENDING under a newer claim: that submitter looks the job up by name first.
    if (fresh.status === 'PENDING') return;
    // Ended, or following another job: nothing would ever stop this one.
    const why = isTerminal(fresh.status) ? `is ${fresh.status}` : `follows job ${fresh.job?.jobId}`;
    await terminateJob(ports, backend, job.jobId, `simulation ${id} ${why}: job ${job.jobId} is not needed`);
  });
}

export { limitsOf };

import { jobNameFor, type JobDescription } from '#shared/kernel/compute/backend.js';
import { publishPendingEvents } from '#shared/kernel/repository/outbox.js';
import { sameSchedule, scheduleAt } from '#shared/kernel/repository/poll-schedule.js';
import { pendingEventsOf, pollScheduleOf } from '#shared/kernel/repository/simulations.js';
import { isTerminal } from '#shared/kernel/status.js';
import type { Simulation } from '#schemas/generated/types.js';
import { applyPlan, terminateJob, withFreshRead } from './apply.js';
import { withBackoff } from './backoff.js';
import type { PollerPorts } from './ports.js';
import { jobRecord, planFromJob } from './reconcile.js';
import { pauseJob } from './pause.js';
import { resumeNoteFor } from './resume.js';
import { limitsOf, SUBMIT_CLAIM_TTL_MS, submitPending } from './submit-pending.js';

/**
 * How long a submitted job may be missing from DescribeJobs before the
 * simulation fails as lost: Batch's API is eventually consistent, so a job
 * submitted moments ago may not be described yet.
 */
export const JOB_VISIBILITY_GRACE_MS = 5 * 60_000;

/** What one observation of a job did to its simulation. */
export type Observation = 'applied' | 'unchanged' | 'untracked' | 'missing';

/**
 * Applies one observation of a job (a poll's, or an event's once confirmed) to
 * its simulation. With `trackedOnly`, a job the simulation does not follow
 * (another job of the same name, or none recorded yet) changes nothing.
 */
export async function observeJob(
  ports: PollerPorts,
  simulationId: string,
  job: JobDescription,
  options: { trackedOnly?: boolean } = {},
): Promise<Observation> {
  let outcome: Observation = 'missing';
  await withFreshRead(ports, simulationId, async (simulation) => {
    if (options.trackedOnly && simulation.job?.jobId !== job.jobId) {
      outcome = 'untracked';
      return;
    }
    const note = await resumeNoteFor(ports, simulation, job);
    const plan = planFromJob(simulation, job, ports.now(), limitsOf(simulation), note);
    outcome = 'unchanged';
    if (plan.transitions.length === 0 && !plan.job) return;
    await applyPlan(ports, simulation, plan);
    outcome = 'applied';
  });
  return outcome;
}

/** Records progress the job reported, when it moved by at least a percent. */
async function recordProgress(ports: PollerPorts, simulation: Simulation): Promise<void> {
  // PAUSING too: a run waiting for its next restart keeps reporting where it is.
  if (!ports.progress || (simulation.status !== 'RUNNING' && simulation.status !== 'PAUSING')) return;
  const progress = await ports.progress.read(simulation);
  if (!progress) return;
  const percent = Math.round(Math.min(100, Math.max(0, progress.percent)) * 10) / 10;
  if (simulation.progress && Math.abs(simulation.progress.percent - percent) < 1) return;
  await ports.repository.update({
    id: simulation.id,
    expectedVersion: simulation.version,
    status: simulation.status,
    set: {
      progress: {
        percent,
        ...(progress.simulatedTime ? { simulatedTime: progress.simulatedTime } : {}),
        updatedAt: new Date(ports.now()).toISOString(),
      },
    },
    at: new Date(ports.now()),
  });
}

/** When the simulation entered its status: its last history entry. */
function statusSince(simulation: Simulation): number {
  const entered = Date.parse(simulation.history.at(-1)?.at ?? '');
  return Number.isFinite(entered) ? entered : Date.parse(simulation.updatedAt);
}

/**
 * Moves the poll schedule on to the band the simulation's time in its status
 * has reached (poll-schedule.ts). Most polls find it in the band it is in and
 * write nothing; a write happens only at a band change, and never backwards.
 */
async function keepPollSchedule(ports: PollerPorts, simulation: Simulation): Promise<void> {
  const stored = pollScheduleOf(simulation);
  if (!stored || isTerminal(simulation.status)) return;
  const due = scheduleAt(statusSince(simulation), ports.now(), simulation.status);
  if (sameSchedule(stored, due)) return;
  if (stored.pollIntervalMs !== undefined && due.nextPollAt <= stored.nextPollAt) return;
  // False when a transition started a new schedule meanwhile: nothing to do then.
  await ports.repository.reschedulePoll({
    id: simulation.id,
    status: simulation.status,
    from: stored,
    to: due,
  });
}

/**
 * Moves a CANCELLING simulation on. With a job, the job is terminated and its
 * end (event or poll) gives CANCELLED. Without one, a poller may have
 * submitted a job the simulation does not know yet (it died after SubmitJob,
 * or its SUBMITTED write lost to the cancel): every job of the simulation's
 * name in this stage's queues is looked up (ListJobs, any status), the newest
 * recorded and all that still live terminated. While a submit claim is young
 * its submitter may still be inside SubmitJob (it then records the job it
 * made and stops it, see submit-pending.ts), so the simulation stays
 * CANCELLING until a later poll. Only a simulation no job can belong to is
 * CANCELLED at once.
 */
export async function cancel(ports: PollerPorts, simulation: Simulation): Promise<void> {
  if (simulation.status !== 'CANCELLING') return;
  const backend = ports.backendFor(simulation.backend);
  if (!simulation.job && backend) {
    await ports.rateLimiter.acquire(1);
    const found = await withBackoff(() => backend.findJobsByName(jobNameFor(simulation.id)), ports);
    const [newest] = found;
    if (newest) {
      // Recorded first, so that its end (event or poll) finishes the simulation.
      await ports.repository.update({
        id: simulation.id,
        expectedVersion: simulation.version,
        status: 'CANCELLING',
        set: { job: jobRecord(simulation, newest, ports.now()) },
        at: new Date(ports.now()),
      });
      for (const job of found.filter((j) => j.state !== 'SUCCEEDED' && j.state !== 'FAILED')) {
        await terminateJob(ports, backend, job.jobId, cancelReason(simulation));
      }
      return;
    }
    const claimedAt = (await ports.repository.getWithInternals(simulation.id))?.submitClaimedAt;
    if (claimedAt !== undefined && ports.now() - claimedAt < SUBMIT_CLAIM_TTL_MS) return;
  }
  if (!simulation.job) {
    await applyPlan(ports, simulation, {
      transitions: [{ to: 'CANCELLED', reason: 'cancelled before a job was started' }],
    });
    return;
  }
  if (!backend) {
    await applyPlan(ports, simulation, {
      transitions: [{ to: 'CANCELLED', reason: 'cancelled; its backend is not reachable here' }],
    });
    return;
  }
  await terminateJob(ports, backend, simulation.job.jobId, cancelReason(simulation));
}

function cancelReason(simulation: Simulation): string {
  return `cancelled by ${simulation.cancelRequestedBy ?? 'its owner'}`;
}

/**
 * One poll of up to 100 simulations of one backend: a single describe call for
 * all their jobs, then a plan per simulation. Nothing is written when nothing
 * changed, except a poll schedule that reached its next band.
 */
export async function pollSimulations(ports: PollerPorts, backendName: string, ids: string[]): Promise<void> {
  const simulations = await ports.repository.getMany(ids);
  for (const simulation of simulations) await publishPendingEvents(ports, simulation);
  // A finished simulation is requested only for its outbox (the finder's sweep). With no
  // entry left to publish, clearing one leaves the StatusIndex if a crash kept it there.
  for (const s of simulations.filter((s) => isTerminal(s.status) && pendingEventsOf(s).length === 0)) {
    await ports.repository.clearPendingEvent(s.id, s.version);
  }
  for (const s of simulations.filter((s) => s.status === 'PENDING')) await submitPending(ports, s.id);
  for (const s of simulations.filter((s) => s.status === 'CANCELLING' && !s.job)) {
    await withFreshRead(ports, s.id, (fresh) => cancel(ports, fresh));
  }

  const withJobs = simulations.filter((s) => s.job && s.status !== 'PENDING' && !isTerminal(s.status));
  const backend = ports.backendFor(backendName);
  if (withJobs.length > 0 && backend) {
    await ports.rateLimiter.acquire(1);
    const jobs = await withBackoff(() => backend.describe(withJobs.map((s) => s.job!.jobId)), ports);
    const byId = new Map(jobs.map((j) => [j.jobId, j]));
    for (const simulation of withJobs) {
      const job = byId.get(simulation.job!.jobId);
      if (!job) {
        await failLostJob(ports, simulation);
        continue;
      }
      if (simulation.status === 'CANCELLING' && job.state !== 'SUCCEEDED' && job.state !== 'FAILED') {
        await cancel(ports, simulation);
        continue;
      }
      if (simulation.status === 'PAUSING' && job.state !== 'SUCCEEDED' && job.state !== 'FAILED') {
        await pauseJob(ports, simulation, job);
        const fresh = await ports.repository.get(simulation.id);
        if (fresh && job.state === 'RUNNING') await recordProgress(ports, fresh).catch(() => undefined);
        continue;
      }
      await observeJob(ports, simulation.id, job);
      if (job.state === 'RUNNING') {
        const fresh = await ports.repository.get(simulation.id);
        if (fresh) await recordProgress(ports, fresh).catch(() => undefined);
      }
    }
  }
  for (const s of simulations.filter((s) => s.status !== 'PENDING')) await keepPollSchedule(ports, s);
}

/**
 * A job DescribeJobs does not return: after the grace period it is lost (Batch
 * forgets jobs some days after they end, or the job never existed) and the
 * simulation FAILED with the reason; before it, Batch may simply not show the
 * new job yet, and nothing changes.
 */
async function failLostJob(ports: PollerPorts, simulation: Simulation): Promise<void> {
  const submittedAt = Date.parse(simulation.job?.submittedAt ?? '');
  const age = ports.now() - submittedAt;
  if (Number.isFinite(submittedAt) && age < JOB_VISIBILITY_GRACE_MS) return;
  await withFreshRead(ports, simulation.id, async (fresh) => {
    if (isTerminal(fresh.status) || fresh.job?.jobId !== simulation.job?.jobId) return;
    const since = Number.isFinite(submittedAt)
      ? `, ${Math.floor(age / 60_000)} min after it was submitted`
      : '';
    await applyPlan(ports, fresh, {
      transitions: [
        {
          to: 'FAILED',
          reason: `job ${fresh.job?.jobId} is lost: the ${fresh.backend} backend does not know it (DescribeJobs does not return it${since})`,
        },
      ],
    });
  });
}

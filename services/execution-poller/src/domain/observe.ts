import type { JobDescription } from '#shared/kernel/compute/backend.js';
import { publishPendingEvents } from '#shared/kernel/repository/outbox.js';
import type { Simulation } from '#schemas/generated/types.js';
import { applyPlan, withFreshRead } from './apply.js';
import type { PollerPorts } from './ports.js';
import { planFromJob } from './reconcile.js';
import { limitsOf, submitPending } from './submit-pending.js';
import { withBackoff } from './backoff.js';

/** Applies one observation of a job (from an event or a poll) to its simulation. */
export async function observeJob(
  ports: PollerPorts,
  simulationId: string,
  job: JobDescription,
): Promise<void> {
  await withFreshRead(ports, simulationId, async (simulation) => {
    const plan = planFromJob(simulation, job, ports.now(), limitsOf(simulation));
    if (plan.transitions.length > 0 || plan.job) await applyPlan(ports, simulation, plan);
  });
}

/** Records progress the job reported, when it moved by at least a percent. */
async function recordProgress(ports: PollerPorts, simulation: Simulation): Promise<void> {
  if (!ports.progress || simulation.status !== 'RUNNING') return;
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

/**
 * Moves a CANCELLING simulation on: with no job yet it is CANCELLED at once;
 * otherwise its job is terminated and the job's end (event or poll) finishes it.
 */
export async function cancel(ports: PollerPorts, simulation: Simulation): Promise<void> {
  if (simulation.status !== 'CANCELLING') return;
  if (!simulation.job) {
    await applyPlan(ports, simulation, {
      transitions: [{ to: 'CANCELLED', reason: 'cancelled before a job was started' }],
    });
    return;
  }
  const backend = ports.backendFor(simulation.backend);
  if (!backend) {
    await applyPlan(ports, simulation, {
      transitions: [{ to: 'CANCELLED', reason: 'cancelled; its backend is not reachable here' }],
    });
    return;
  }
  const jobId = simulation.job.jobId;
  await ports.rateLimiter.acquire(1);
  await withBackoff(
    () => backend.terminate(jobId, `cancelled by ${simulation.cancelRequestedBy ?? 'its owner'}`),
    ports,
  );
}

/**
 * One poll of up to 100 simulations of one backend: a single describe call for
 * all their jobs, then a plan per simulation. Nothing is written when nothing changed.
 */
export async function pollSimulations(ports: PollerPorts, backendName: string, ids: string[]): Promise<void> {
  const simulations = await ports.repository.getMany(ids);
  for (const simulation of simulations) await publishPendingEvents(ports, simulation);
  for (const s of simulations.filter((s) => s.status === 'PENDING')) await submitPending(ports, s.id);
  for (const s of simulations.filter((s) => s.status === 'CANCELLING' && !s.job)) await cancel(ports, s);

  const withJobs = simulations.filter((s) => s.job && s.status !== 'PENDING');
  if (withJobs.length === 0) return;
  const backend = ports.backendFor(backendName);
  if (!backend) return;
  await ports.rateLimiter.acquire(1);
  const jobs = await withBackoff(() => backend.describe(withJobs.map((s) => s.job!.jobId)), ports);
  const byId = new Map(jobs.map((j) => [j.jobId, j]));
  for (const simulation of withJobs) {
    const job = byId.get(simulation.job!.jobId);
    if (!job) {
      await withFreshRead(ports, simulation.id, (fresh) =>
        applyPlan(ports, fresh, {
          transitions: [{ to: 'FAILED', reason: `the backend no longer knows job ${fresh.job?.jobId}` }],
        }).then(() => undefined),
      );
      continue;
    }
    if (simulation.status === 'CANCELLING' && job.state !== 'SUCCEEDED' && job.state !== 'FAILED') {
      await cancel(ports, simulation);
      continue;
    }
    await observeJob(ports, simulation.id, job);
    if (job.state === 'RUNNING') {
      const fresh = await ports.repository.get(simulation.id);
      if (fresh) await recordProgress(ports, fresh).catch(() => undefined);
    }
  }
}

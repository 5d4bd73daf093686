import { StaleVersionError } from '#shared/kernel/errors.js';
import { Source, simulationStatusChanged } from '#shared/kernel/events/catalog.js';
import { publishAndClear, publishPendingEvents } from '#shared/kernel/repository/outbox.js';
import { isTerminal } from '#shared/kernel/status.js';
import type { ComputeBackend } from '#shared/kernel/compute/backend.js';
import type { Simulation } from '#schemas/generated/types.js';
import { withBackoff } from './backoff.js';
import type { PollerPorts } from './ports.js';
import type { Plan } from './reconcile.js';

/** TerminateJob, within the shared Batch budget and with backoff on throttling. */
export async function terminateJob(
  ports: PollerPorts,
  backend: ComputeBackend,
  jobId: string,
  reason: string,
): Promise<void> {
  await ports.rateLimiter.acquire(1);
  await withBackoff(() => backend.terminate(jobId, reason), ports);
}

/**
 * Carries out a plan: terminate if asked, then each transition as a conditional
 * write followed by its event. A write that loses a race (stale version) stops
 * here; the caller re-reads and plans again, so duplicates change nothing.
 */
export async function applyPlan(ports: PollerPorts, simulation: Simulation, plan: Plan): Promise<Simulation> {
  if (plan.terminate && simulation.job) {
    const backend = ports.backendFor(simulation.backend);
    if (backend) await terminateJob(ports, backend, simulation.job.jobId, plan.terminate.reason);
  }
  let current = simulation;
  for (const [i, step] of plan.transitions.entries()) {
    const last = i === plan.transitions.length - 1;
    const at = new Date(ports.now());
    const version = current.version + 1;
    const event = simulationStatusChanged(Source.executionPoller, {
      simulationId: current.id,
      owner: current.owner,
      name: current.name,
      backend: current.backend,
      from: current.status,
      to: step.to,
      reason: step.reason,
      version,
      at: at.toISOString(),
      terminal: isTerminal(step.to),
      ...(last && plan.job?.exitCode !== undefined ? { exitCode: plan.job.exitCode } : {}),
      ...((last ? plan.job : current.job) ? { attempt: (last ? plan.job : current.job)!.attempt } : {}),
    });
    const updated = await ports.repository.transition({
      id: current.id,
      expectedVersion: current.version,
      from: current.status,
      to: step.to,
      reason: step.reason,
      at,
      set: last && plan.job ? { job: plan.job } : {},
      event,
    });
    await publishAndClear(ports, updated.id, version, event);
    current = updated;
  }
  if (plan.transitions.length === 0 && plan.job) {
    current = await ports.repository.update({
      id: current.id,
      expectedVersion: current.version,
      status: current.status,
      set: { job: plan.job },
      at: new Date(ports.now()),
    });
  }
  return current;
}

/** Runs `attempt` against fresh reads until it is not beaten by a concurrent writer (bounded). */
export async function withFreshRead(
  ports: PollerPorts,
  id: string,
  attempt: (simulation: Simulation) => Promise<void>,
): Promise<void> {
  for (let tries = 1; ; tries++) {
    const simulation = await ports.repository.get(id);
    if (!simulation) return;
    // Events an earlier attempt wrote but could not confirm go out first, in order.
    await publishPendingEvents(ports, simulation);
    try {
      await attempt(simulation);
      return;
    } catch (err) {
      if (err instanceof StaleVersionError && tries < 5) continue;
      throw err;
    }
  }
}

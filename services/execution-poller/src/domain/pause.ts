/**
 * A paused simulation's job (PAUSING, docs/CAMPAIGNS.md "Pause and resume of a
 * simulation"): stopped at once when it has not started, when the pause asked
 * `now`, or when the run writes no checkpoints; a running checkpointed one
 * runs on until a restart written after the request is in the bucket, so the
 * next attempt loses nothing. The poller records the decision (`stoppingAt`,
 * the restart) and terminates the job; the job's end then moves the
 * simulation to WAITING (reconcile.ts, `pausedTransition`).
 */
import type { JobDescription, JobState } from '#shared/kernel/compute/backend.js';
import { modelTimeText } from '#shared/science/rundir/restart.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import { terminateJob } from './apply.js';
import type { PollerPorts, ResumePoint } from './ports.js';

export type PauseDecision =
  | { stop: true; why: 'not-started' | 'now' | 'no-checkpoint' | 'restart'; restart?: ResumePoint }
  | { stop: false };

const STARTED: ReadonlySet<JobState> = new Set(['RUNNING']);

/**
 * Whether to stop a PAUSING simulation's job now. Pure. `restartSinceRequest`
 * is the latest restart written since the pause was asked (looked up only for
 * a running checkpointed job).
 */
export function decidePause(
  simulation: Simulation,
  jobState: JobState,
  restartSinceRequest: ResumePoint | undefined,
): PauseDecision {
  if (!STARTED.has(jobState)) return { stop: true, why: 'not-started' };
  if (simulation.pause?.now) return { stop: true, why: 'now' };
  if (!storedSpec(simulation).checkpoint) return { stop: true, why: 'no-checkpoint' };
  if (restartSinceRequest) return { stop: true, why: 'restart', restart: restartSinceRequest };
  return { stop: false };
}

/**
 * The move to WAITING once the stopped job ended, with its history entry:
 * who paused it and where its next attempt starts. Undefined when the job was
 * not stopped for a pause (it failed on its own first: a failure then).
 */
export function pausedTransition(simulation: Simulation): { to: 'WAITING'; reason: string } | undefined {
  const pause = simulation.pause;
  if (simulation.status !== 'PAUSING' || !pause?.stoppingAt) return undefined;
  const by = `paused by ${pause.requestedBy}`;
  let where: string;
  if (pause.restart) {
    const at = modelTimeText(new Date(pause.restart.modelTime));
    where = pause.now
      ? `stopped at once (now=true) after its restart for model time ${at} (${pause.restart.name})`
      : `stopped at its restart for model time ${at} (${pause.restart.name})`;
  } else if (simulation.job?.attempts?.length) {
    where = pause.now
      ? 'stopped at once (now=true) before any restart: it resumes from the beginning of its period'
      : 'stopped at once (no checkpoints): it resumes from the beginning of its period';
  } else {
    where = 'its job was stopped before it started';
  }
  return { to: 'WAITING', reason: `${by}: ${where}; resume with POST /simulations/${simulation.id}/resume` };
}

/**
 * One look at a PAUSING simulation whose job has not ended: decide, record the
 * decision (once) and terminate the job (again at later polls until it ended,
 * as a cancel does).
 */
export async function pauseJob(
  ports: PollerPorts,
  simulation: Simulation,
  job: JobDescription,
): Promise<void> {
  const pause = simulation.pause;
  if (simulation.status !== 'PAUSING' || !pause) return;
  const backend = ports.backendFor(simulation.backend);
  if (!backend) return;
  let current = simulation;
  if (!pause.stoppingAt) {
    // A stop at once still names the latest restart (where the next attempt starts).
    const checkpointed = storedSpec(simulation).checkpoint !== undefined && job.state === 'RUNNING';
    const restart = checkpointed
      ? await ports.restarts?.latestSince(simulation, pause.now ? 0 : Date.parse(pause.requestedAt))
      : undefined;
    const decision = decidePause(simulation, job.state, restart);
    if (!decision.stop) return;
    current = await ports.repository.update({
      id: simulation.id,
      expectedVersion: simulation.version,
      status: 'PAUSING',
      set: {
        pause: {
          ...pause,
          stoppingAt: new Date(ports.now()).toISOString(),
          ...(restart ? { restart: { name: restart.name, modelTime: restart.modelTime } } : {}),
        },
      },
      at: new Date(ports.now()),
    });
  }
  await terminateJob(ports, backend, job.jobId, `paused by ${current.pause?.requestedBy ?? 'its owner'}`);
}

/**
 * What a retried attempt resumes from, said in the simulation's history: an
 * attempt after a spot reclaim or host loss starts from the latest restart an
 * earlier attempt wrote (spec.checkpoint; the job finds it the same way at its
 * start), so the RETRYING entry names its model time and the attempt that
 * wrote it, or says the run starts again from the beginning.
 */
import { currentAttempt } from './reconcile.js';
import { simulationAttempt } from '#shared/kernel/compute/attempts.js';
import type { JobDescription } from '#shared/kernel/compute/backend.js';
import { resumeNote } from '#shared/science/rundir/restart.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { PollerPorts } from './ports.js';

/**
 * The note for the RETRYING entry when this observation shows a new attempt
 * of a checkpointed run; undefined otherwise (nothing to look up).
 */
export async function resumeNoteFor(
  ports: PollerPorts,
  simulation: Simulation,
  job: JobDescription,
): Promise<string | undefined> {
  if (!ports.restarts || !storedSpec(simulation).checkpoint) return undefined;
  if (simulation.job && simulation.job.jobId !== job.jobId) return undefined;
  const attempt = currentAttempt(job);
  if (attempt <= (simulation.job?.attempt ?? 1)) return undefined;
  // Restarts carry the simulation's attempt numbers, which go on across a pause's jobs.
  const point = await ports.restarts.resumePoint(simulation, simulationAttempt(simulation.job, attempt));
  return resumeNote(point && { ...point, time: new Date(point.modelTime) });
}

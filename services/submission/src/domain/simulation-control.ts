/**
 * Pause and resume of one simulation (docs/CAMPAIGNS.md, "Pause and resume of
 * a simulation"). Nothing is lost either way:
 *
 * - not submitted yet (PENDING): held at once, PENDING -> WAITING;
 * - with a job (SUBMITTED .. RUNNING): PAUSING, and the execution poller stops
 *   the job, a queued one at once, a running checkpointed one at its next
 *   restart (a running one without checkpoints only when asked `now`: it
 *   starts again from the beginning), then WAITING once the job ended;
 * - resume: WAITING -> PENDING; the next job is the simulation's next attempt
 *   and starts from the latest restart.
 *
 * `pause` on the item tells a paused simulation from a campaign's waiting
 * stage and an ensemble's held member (both WAITING too): the stage release
 * and the ensemble's resume leave a paused one alone, and its own resume
 * removes it.
 */
import { ConflictError, StaleVersionError } from '#shared/kernel/errors.js';
import { attemptsRun } from '#shared/kernel/compute/attempts.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import { isTerminal } from '#shared/kernel/status.js';
import { resumeNote } from '#shared/science/rundir/restart.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import { moveUnsubmitted } from './hold-release.js';
import type { SubmissionPorts } from './ports.js';

export interface SimulationControlPorts extends SubmissionPorts {
  /**
   * The latest restart inside the simulation's period that its jobs wrote
   * (simulations/<id>/restarts/): the one its next attempt starts from.
   */
  latestRestart(simulation: Simulation): Promise<{ name: string; modelTime: string } | undefined>;
}

/** Reads and writes a racing poller may beat before one wins. */
const MAX_TRIES = 5;

/** How soon to ask again when a poller is submitting the job at this moment. */
const SUBMITTING_RETRY_SECONDS = 10;

/** Statuses with a job that has started running (or is between two attempts of it). */
const RUNNING = new Set<Simulation['status']>(['RUNNING', 'RETRYING']);

function who(caller: Caller): string {
  return caller.username ?? caller.userId;
}

/** "every 6 h of model time" for a checkpointed run; undefined without checkpoints. */
export function checkpointText(simulation: Simulation): string | undefined {
  const checkpoint = storedSpec(simulation).checkpoint;
  if (!checkpoint) return undefined;
  return `every ${checkpoint.intervalHours} h of model time`;
}

/** Why a WAITING simulation that is no paused one cannot be paused or resumed, and what to do instead. */
function notPausedWaiting(simulation: Simulation, action: 'pause' | 'resume'): ConflictError {
  const { id } = simulation;
  if (simulation.ensembleId) {
    return new ConflictError(
      `simulation ${id} is WAITING, held by the pause of its ensemble ${simulation.ensembleId}: ${
        action === 'pause' ? 'it is paused already' : 'resume the ensemble instead'
      } (POST /ensembles/${simulation.ensembleId}/resume, gcr ensemble resume ${simulation.ensembleId})`,
    );
  }
  if (simulation.campaignId) {
    return new ConflictError(
      `simulation ${id} is WAITING as stage ${simulation.stageIndex} of campaign ${simulation.campaignId}: it starts when the stage before it ends; ${
        action === 'pause'
          ? `to keep it from starting, pause the campaign (POST /campaigns/${simulation.campaignId}/pause, gcr campaign pause ${simulation.campaignId})`
          : `a paused campaign is resumed with POST /campaigns/${simulation.campaignId}/resume (gcr campaign resume ${simulation.campaignId})`
      }`,
    );
  }
  return new ConflictError(`simulation ${id} is WAITING and not paused: there is nothing to ${action}`);
}

/**
 * POST /simulations/{id}/pause[?now=true]: the simulation, WAITING (held) or
 * PAUSING (its job being stopped). Asking again while PAUSING changes nothing,
 * but `now` on a pause waiting for its restart makes it stop at once.
 */
export async function pauseSimulation(
  ports: SubmissionPorts,
  caller: Caller,
  id: string,
  options: { now: boolean },
): Promise<Simulation> {
  const by = who(caller);
  for (let tries = 1; ; tries++) {
    const simulation = await loadVisibleSimulation(ports.repository, caller, id);
    const { status } = simulation;
    const at = ports.now().toISOString();
    if (isTerminal(status)) {
      throw new ConflictError(`simulation ${id} already ended as ${status}: there is nothing to pause`);
    }
    if (status === 'CANCELLING') {
      throw new ConflictError(`simulation ${id} is CANCELLING: it is being cancelled, not paused`);
    }
    if (status === 'WAITING') {
      if (simulation.pause) {
        throw new ConflictError(
          `simulation ${id} is already paused (WAITING, paused by ${simulation.pause.requestedBy} at ${simulation.pause.pausedAt ?? simulation.pause.requestedAt}): resume it with POST /simulations/${id}/resume (gcr resume ${id})`,
        );
      }
      throw notPausedWaiting(simulation, 'pause');
    }
    if (status === 'PAUSING') {
      if (!options.now || simulation.pause?.now || simulation.pause?.stoppingAt) return simulation;
      // Waiting for its restart, now asked to stop at once: the poller reads `now` at its next poll.
      try {
        return await ports.repository.update({
          id,
          expectedVersion: simulation.version,
          status,
          set: { pause: { ...simulation.pause!, now: true } },
        });
      } catch (err) {
        if (tries < MAX_TRIES && err instanceof StaleVersionError) continue;
        throw err;
      }
    }

    let moved: Simulation | undefined;
    if (status === 'PENDING') {
      const fresh = await ports.repository.getWithInternals(id);
      if (fresh?.submitClaimedAt !== undefined && fresh.simulation.status === 'PENDING') {
        throw new ConflictError(
          `simulation ${id} is PENDING and its job is being submitted at this moment: pause it again in a few seconds`,
          SUBMITTING_RETRY_SECONDS,
        );
      }
      moved = await moveUnsubmitted(
        ports,
        simulation,
        'WAITING',
        `paused by ${by} before its job was submitted`,
        { set: { pause: { requestedAt: at, requestedBy: by, pausedAt: at } } },
      );
    } else {
      const running = RUNNING.has(status);
      const checkpoints = checkpointText(simulation);
      if (running && !checkpoints && !options.now) {
        throw new ConflictError(
          `simulation ${id} is ${status} without checkpoints (spec.checkpoint), so it cannot stop at a restart: pausing it now stops its job at once and the resumed run starts again from the beginning of its period${
            simulation.progress ? ` (the ${simulation.progress.percent}% done so far is lost)` : ''
          }. To do that, ask again with ?now=true (gcr pause ${id} --now); otherwise let it finish or cancel it`,
        );
      }
      const reason = !running
        ? `pause requested by ${by}: its job has not started and is stopped now`
        : options.now
          ? `pause requested by ${by}: its job is stopped now (now=true)${checkpoints ? '; it resumes from its latest restart' : '; it resumes from the beginning of its period'}`
          : `pause requested by ${by}: its job stops at its next restart (${checkpoints})`;
      moved = await moveUnsubmitted(ports, simulation, 'PAUSING', reason, {
        set: { pause: { requestedAt: at, requestedBy: by, ...(options.now ? { now: true } : {}) } },
      });
    }
    if (moved) return loadVisibleSimulation(ports.repository, caller, id);
    // A poller moved it meanwhile (its job submitted, started, ended): decide again.
    if (tries >= MAX_TRIES) {
      throw new ConflictError(`simulation ${id} kept changing while being paused: ask again`, 1);
    }
  }
}

/**
 * POST /simulations/{id}/resume: a paused simulation (WAITING with `pause`)
 * back to PENDING, announced, so the poller submits its next attempt, which
 * starts from its latest restart (the history says from which model time).
 */
export async function resumeSimulation(
  ports: SimulationControlPorts,
  caller: Caller,
  id: string,
): Promise<Simulation> {
  const by = who(caller);
  for (let tries = 1; ; tries++) {
    const simulation = await loadVisibleSimulation(ports.repository, caller, id);
    const { status } = simulation;
    if (status === 'PAUSING') {
      throw new ConflictError(
        `simulation ${id} is PAUSING: its job is being stopped${
          simulation.pause?.stoppingAt
            ? ''
            : ` at its next restart (${checkpointText(simulation) ?? 'at once'})`
        }; resume it once it is paused (WAITING), or cancel it`,
      );
    }
    if (status !== 'WAITING') {
      throw new ConflictError(`simulation ${id} is ${status}, not paused: there is nothing to resume`);
    }
    if (!simulation.pause) throw notPausedWaiting(simulation, 'resume');

    const ran = attemptsRun(simulation.job);
    let reason = `resumed by ${by}`;
    if (ran > 0) {
      const restart = await ports.latestRestart(simulation);
      reason += `; attempt ${ran + 1} ${resumeNote(restart && { name: restart.name, time: new Date(restart.modelTime) })}`;
    }
    if (
      await moveUnsubmitted(ports, simulation, 'PENDING', reason, {
        // The first job's submit claim goes too: the next job's submitter must not take it for a crashed one.
        remove: ['pause', 'submitClaimedAt'],
      })
    ) {
      return loadVisibleSimulation(ports.repository, caller, id);
    }
    if (tries >= MAX_TRIES) {
      throw new ConflictError(`simulation ${id} kept changing while being resumed: ask again`, 1);
    }
  }
}

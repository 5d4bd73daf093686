/**
 * Mid-run restart files (spec.checkpoint): when GEOS-Chem writes them and how
 * the run directories say so.
 *
 * - GC Classic 14.7 writes restarts through HISTORY's Restart collection
 *   (History/history_mod.F90): its file-write alarm fires every
 *   `Restart.frequency` ("YYYYMMDD hhmmss", or 'End') and the file is closed
 *   after each write; the code refuses a Restart collection whose frequency
 *   and duration differ, so both get the interval.
 * - GCHP 14.7 writes MAPL checkpoints: setCommonRunSettings.sh with
 *   `Midrun_Checkpoint=ON` and `Checkpoint_Freq=<HHmmss>` (more than two
 *   digits of hours allowed, "1680000" for 7 days) uncomments GCHP.rc's
 *   RECORD_FREQUENCY, RECORD_REF_DATE and RECORD_REF_TIME (the reference is
 *   the start in cap_restart).
 *
 * Both write at model timesteps only, so the interval must be a multiple of
 * the run's chemistry timestep (the longer one; every write falls on a step).
 */
import type { GeosChemModel, GridResolution } from '#schemas/generated/types.js';
import { timestepsFor } from './rundir-rules.js';

/**
 * GCHP's transport and chemistry timesteps: its setCommonRunSettings.sh sets
 * them per resolution (600 s and 1200 s up to C180).
 */
export const GCHP_TIMESTEPS = { transport: 600, chemistry: 1200 } as const;

/** The chemistry timestep (s) of a run: the step every checkpoint must fall on. */
export function chemistryTimestepSeconds(
  model: GeosChemModel,
  resolution: GridResolution,
  extraOption: string,
): number {
  return model === 'gchp' ? GCHP_TIMESTEPS.chemistry : timestepsFor(resolution, extraOption).chemistry;
}

/** What is wrong with a checkpoint interval for this run, or undefined. */
export function checkpointIntervalProblem(
  intervalHours: number,
  timestepSeconds: number,
  runHours: number | undefined,
): string | undefined {
  const seconds = Math.round(intervalHours * 3600 * 1000) / 1000;
  if (!Number.isInteger(seconds) || seconds % timestepSeconds !== 0) {
    return (
      `${intervalHours} h is not a multiple of the run's ${timestepSeconds} s chemistry timestep: ` +
      `GEOS-Chem writes restarts at timesteps only (e.g. ${(timestepSeconds * Math.max(1, Math.round(seconds / timestepSeconds))) / 3600} h)`
    );
  }
  if (runHours !== undefined && intervalHours > runHours) {
    return `${intervalHours} h is longer than the run (${runHours} h): no restart would be written before the end`;
  }
  return undefined;
}

/** "YYYYMMDD hhmmss" of an interval in hours, HISTORY.rc's form (days in the date part, as createRunDir.sh writes 24 h). */
export function historyInterval(intervalHours: number): string {
  const total = Math.round(intervalHours * 3600);
  const days = Math.floor(total / 86_400);
  const rest = total % 86_400;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(days, 8)} ${pad(Math.floor(rest / 3600))}${pad(Math.floor((rest % 3600) / 60))}${pad(rest % 60)}`;
}

/** GCHP's Checkpoint_Freq: HHmmss, with as many hour digits as needed ("1680000" for 7 days). */
export function gchpCheckpointFrequency(intervalHours: number): string {
  const total = Math.round(intervalHours * 3600);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}${pad(Math.floor((total % 3600) / 60))}${pad(total % 60)}`;
}

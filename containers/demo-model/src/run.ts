/**
 * The demo model's run: steps through the spec's diagnostic intervals, writes
 * one SpeciesConc record per interval, a Restart file every checkpoint
 * interval (spec.checkpoint) and at the end, resumes a retried attempt from
 * the latest restart of an earlier one (restarts.ts), paces
 * itself over the requested wall time, reports progress (stdout and the
 * status file) and uploads finished files when asked to. Returns the exit
 * code; never exits the process itself (main.ts does).
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import type { JobRunState } from '#schemas/generated/types.js';
import type { DemoConfig } from './config.js';
import { cellAreas, horizontalGrid, verticalGrid } from './grid.js';
import { FieldScratch, SpeciesField, seedFrom } from './fields.js';
import { CollectionFile } from './output.js';
import { collectionFileName, planDiagnostics, type DiagnosticInterval } from './schedule.js';
import { speciesFor } from './species.js';
import { RestartStore } from './restarts.js';
import { resumeNote as resumeNoteText } from '#shared/science/rundir/restart.js';
import { S3Uploads, StatusReporter, isoSeconds } from './status.js';

/** Exit codes of the demo model: the job contract's where they mean the same (shared/kernel/compute/exit-codes.ts). */
export const EXIT = {
  ok: EXIT_CODES.success,
  /** Writing or uploading output failed. */
  writeFailure: 1,
  /** Bad spec or environment (a malformed job contract variable included). */
  configurationError: EXIT_CODES.configurationError,
  /** GCR_DEMO_FAIL_AT_PERCENT reached. */
  injectedFailure: 3,
  /** Stopped by SIGINT (128 + 2). */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15). */
  terminated: 143,
} as const;

export interface RunIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Aborted (with reason "SIGTERM" or "SIGINT") to stop the run promptly. */
  signal: AbortSignal;
  now?: () => number;
}

class InjectedFailure extends Error {}
class Stopped extends Error {}

const MS_PER_MINUTE = 60_000;
/** How long a stopping run waits for its last status upload. */
const FINAL_UPLOAD_TIMEOUT_MS = 5_000;

export async function runDemoModel(config: DemoConfig, io: RunIo): Promise<number> {
  const now = io.now ?? Date.now;
  const { spec } = config;
  const periodStart = new Date(spec.period.start);
  const end = new Date(spec.period.end);
  const startedAt = new Date(now());
  const uploads = new S3Uploads(config.outputS3, config.statusS3);
  const status = new StatusReporter(config.statusFile, uploads, startedAt, periodStart);
  const restarts = config.restartsS3 ? new RestartStore(config.restartsS3, config.attempt) : undefined;
  // Moved to the resumed restart's time once it is read (below); until then the period's start.
  let start = periodStart;

  const collections = spec.diagnostics.collections;
  const writeSpeciesConc = collections.includes('SpeciesConc');
  const writeRestart = collections.includes('Restart');
  const fullPlan = planDiagnostics('SpeciesConc', periodStart, end, spec.diagnostics.frequency);
  let plan = fullPlan;
  let intervals = plan.intervals;
  const totalUnits = Math.max(1, fullPlan.intervals.length + (writeRestart ? 1 : 0));
  let unitsDone = 0;
  /** Units an earlier attempt did (a resumed run): done, but not paced again. */
  let unitsBefore = 0;
  const checkpointMs = spec.checkpoint ? spec.checkpoint.intervalHours * 3_600_000 : undefined;
  const percentDone = (): number => Math.round((1000 * unitsDone) / totalUnits) / 10;

  let openFile: CollectionFile | undefined;

  const stopCheck = (): void => {
    if (io.signal.aborted) throw new Stopped(String(io.signal.reason ?? 'SIGTERM'));
    if (config.failAtPercent !== undefined && percentDone() >= config.failAtPercent) {
      throw new InjectedFailure(
        `demo model failure injected at ${percentDone()}% (GCR_DEMO_FAIL_AT_PERCENT=${config.failAtPercent})`,
      );
    }
  };
  const between = async (): Promise<void> => {
    await yieldToEventLoop();
    if (io.signal.aborted) throw new Stopped(String(io.signal.reason ?? 'SIGTERM'));
  };
  const pace = async (): Promise<void> => {
    const target =
      startedAt.getTime() +
      (config.wallSeconds * 1000 * (unitsDone - unitsBefore)) / Math.max(1, totalUnits - unitsBefore);
    await sleepUntil(target, now, io.signal);
  };

  try {
    let resumeNote: string | undefined;
    if (restarts && config.attempt > 1) {
      const resumed = await restarts.fetchLatest({ start: periodStart, end }, config.restartsDir);
      if (resumed) {
        start = resumed.time;
        plan = planDiagnostics('SpeciesConc', start, end, spec.diagnostics.frequency);
        intervals = plan.intervals;
        unitsBefore = fullPlan.intervals.filter((interval) => interval.end <= start).length;
        unitsDone = unitsBefore;
        resumeNote = resumeNoteText(resumed);
        io.out(`--- demo model: attempt ${config.attempt} ${resumeNote}`);
      } else {
        io.out(
          `--- demo model: attempt ${config.attempt}: no restart of an earlier attempt; starting from the beginning`,
        );
      }
    }
    await status.update({
      state: 'running',
      percent: percentDone(),
      ...(resumeNote ? { simulatedTime: isoSeconds(start), message: resumeNote } : {}),
    });

    const grid = horizontalGrid(spec.grid, spec.meteorology.field);
    const vertical = verticalGrid(spec.grid.levels);
    const area = cellAreas(grid);
    const species = speciesFor(spec.simulation.type, spec.simulation.extraOption);
    const seed = seedFrom({
      simulation: spec.simulation,
      meteorology: spec.meteorology,
      grid: spec.grid,
      period: spec.period,
    });
    // Species are written one after another, so they share one scratch grid.
    const scratch = new FieldScratch(grid.lon.length, grid.lat.length);
    const fields = species.map((s) => new SpeciesField(s, grid, vertical, seed, scratch));

    banner(
      io,
      config,
      grid.lat.length,
      grid.lon.length,
      vertical.levels,
      species.map((s) => s.name),
    );
    for (const name of collections) {
      if (name !== 'SpeciesConc' && name !== 'Restart') {
        io.out(`--- demo model: collection ${name} is not simulated by the demo model; skipped`);
      }
    }
    await mkdir(config.outputDir, { recursive: true });

    const written: string[] = [];
    const recordFile = async (file: string): Promise<void> => {
      const name = path.basename(file);
      const { size } = await stat(file);
      await uploads.uploadFile(file, name);
      written.push(name);
      io.out(`--- demo model: wrote ${path.relative(process.cwd(), file) || name} (${formatBytes(size)})`);
    };
    const finishFile = async (file: CollectionFile): Promise<void> => {
      file.close();
      await recordFile(file.path);
    };
    const common = { grid, vertical, area, fields, simulationStart: start, simulationEnd: end };
    const writeRestartFile = async (dir: string, at: Date): Promise<string> => {
      openFile = await CollectionFile.create({
        ...common,
        path: path.join(dir, collectionFileName('Restart', at)),
        collection: 'Restart',
        reference: at,
        createdAt: new Date(now()),
      });
      await openFile.writeRecord(0, 0, at.getTime(), between);
      const done = openFile;
      openFile = undefined;
      done.close();
      return done.path;
    };
    // Mid-run checkpoints, measured from this run's start as GEOS-Chem's alarms are; the end's restart is the last.
    let nextCheckpoint = checkpointMs ? start.getTime() + checkpointMs : Infinity;
    const checkpointsUpTo = async (reached: Date): Promise<void> => {
      while (
        checkpointMs &&
        writeRestart &&
        nextCheckpoint <= reached.getTime() &&
        nextCheckpoint < end.getTime()
      ) {
        const at = new Date(nextCheckpoint);
        const file = await writeRestartFile(config.restartsDir, at);
        await restarts?.upload(file, path.basename(file));
        io.out(`--- demo model: checkpoint ${path.basename(file)}`);
        nextCheckpoint += checkpointMs;
      }
    };
    await mkdir(config.restartsDir, { recursive: true });

    for (const interval of intervals) {
      stopCheck();
      if (writeSpeciesConc) {
        const planned = plan.files[interval.file]!;
        if (interval.record === 0) {
          openFile = await CollectionFile.create({
            ...common,
            path: path.join(config.outputDir, planned.name),
            collection: 'SpeciesConc',
            reference: planned.reference,
            createdAt: new Date(now()),
          });
        }
        const minutes = (interval.start.getTime() - planned.reference.getTime()) / MS_PER_MINUTE;
        await openFile!.writeRecord(interval.record, minutes, midpoint(interval), between);
        if (interval.record === planned.intervals.length - 1) {
          const done = openFile!;
          openFile = undefined;
          await finishFile(done);
        }
      }
      await checkpointsUpTo(interval.end);
      unitsDone++;
      await progress(io, status, interval.end, percentDone(), written);
      await pace();
    }

    if (writeRestart) {
      stopCheck();
      const file = await writeRestartFile(config.outputDir, end);
      await recordFile(file);
      await restarts?.upload(file, path.basename(file));
      unitsDone++;
      await progress(io, status, end, percentDone(), written);
      await pace();
    }

    unitsDone = totalUnits;
    stopCheck();
    await status.update({
      state: 'succeeded',
      percent: 100,
      simulatedTime: isoSeconds(end),
      files: written,
      exitCode: 0,
    });
    await uploads.settleStatus();
    io.out('--- demo model: done. This was the gcr demo workload, not GEOS-Chem: its fields are synthetic.');
    return EXIT.ok;
  } catch (error) {
    if (openFile) {
      const partial = openFile.path;
      openFile.abort();
      await rm(partial, { force: true }).catch(() => undefined);
    }
    let state: JobRunState = 'failed';
    let code: number = EXIT.writeFailure;
    let message: string;
    if (error instanceof Stopped) {
      state = 'cancelled';
      code = error.message === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
      message = `stopped by ${error.message} at ${percentDone()}%`;
    } else if (error instanceof InjectedFailure) {
      code = EXIT.injectedFailure;
      message = error.message;
    } else {
      message = `write failure: ${error instanceof Error ? error.message : String(error)}`;
    }
    io.err(`gcr demo model: ${message}`);
    try {
      await status.update({ state, message, exitCode: code });
      await withTimeout(uploads.settleStatus(), FINAL_UPLOAD_TIMEOUT_MS);
    } catch (statusError) {
      io.err(`gcr demo model: could not record the final status: ${(statusError as Error).message}`);
    }
    return code;
  }
}

async function progress(
  io: RunIo,
  status: StatusReporter,
  simulated: Date,
  percent: number,
  files: string[],
): Promise<void> {
  const when = isoSeconds(simulated).slice(0, 16).replace('T', ' ');
  io.out(`--- demo model: simulated ${when} (${percent.toFixed(1)}%)`);
  await status.update({ state: 'running', percent, simulatedTime: isoSeconds(simulated), files: [...files] });
}

function banner(io: RunIo, config: DemoConfig, ny: number, nx: number, nz: number, species: string[]): void {
  const { spec } = config;
  const rule = '='.repeat(79);
  const option = spec.simulation.extraOption !== 'none' ? ` (${spec.simulation.extraOption})` : '';
  io.out(rule);
  io.out(' gcr demo model: a built-in DEMO workload, NOT GEOS-Chem.');
  io.out(' It writes GEOS-Chem-shaped NetCDF-4 files with synthetic fields so the pipeline can be seen.');
  io.out(rule);
  io.out(` spec           : ${config.specSource} ("${spec.name}")`);
  io.out(` simulation     : ${spec.simulation.type}${option}, met ${spec.meteorology.field}`);
  io.out(
    ` grid           : ${spec.grid.resolution} ${spec.grid.nestedDomain}, ${nz} levels (lat ${ny} x lon ${nx})`,
  );
  io.out(
    ` period         : ${spec.period.start} to ${spec.period.end}, ${spec.diagnostics.frequency} output`,
  );
  io.out(` species        : ${species.join(', ')}`);
  io.out(` output         : ${config.outputDir}`);
  io.out(` wall time      : ${config.wallSeconds} s`);
  io.out(rule);
}

function midpoint(interval: DiagnosticInterval): number {
  return (interval.start.getTime() + interval.end.getTime()) / 2;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Sleeps until `target` (epoch ms), waking early when the signal aborts; always yields once. */
async function sleepUntil(target: number, now: () => number, signal: AbortSignal): Promise<void> {
  const wait = target - now();
  if (wait <= 0 || signal.aborted) {
    await yieldToEventLoop();
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, wait);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * A job attempt's process on this machine.
 *
 * The command runs under a tiny POSIX `sh` wrapper:
 *
 *   trap ':' TERM INT HUP; f=$1; shift; echo $$ > f.pid; "$@"; c=$?; <write $c to f atomically>; exit $c
 *
 * - The wrapper records the command's exit status in a file, so an emulator
 *   that re-attaches to a job after a restart (the job is then no child of
 *   its process, and its exit status cannot be waited for) still learns the
 *   true exit code. A command killed by signal N reports 128+N, as Docker does
 *   for a container (143 for SIGTERM, 137 for SIGKILL).
 * - It is spawned detached: its own session and process group, so signals go
 *   to the whole group (the command and anything it started, e.g. mpirun's
 *   ranks), a Ctrl-C of the platform's terminal does not reach it, and it
 *   survives the platform (the platform's restart re-attaches).
 * - Its trap keeps the wrapper alive while the command handles SIGTERM
 *   (traps on a caught signal are reset in the command by exec, so the
 *   command sees the signal normally); the wrapper exits after the command, so
 *   the wrapper's pid stays valid until the command is done.
 * - It writes its pid next to the exit file first thing, so a platform that
 *   crashed between spawning a job and recording its pid can still find it.
 * - stdout and stderr go straight to the job's log file (opened for append),
 *   not through pipes to the platform, so a platform that stops does not break
 *   the job's output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { promises as fs, openSync, closeSync, readFileSync } from 'node:fs';

const WRAPPER =
  'trap \':\' TERM INT HUP; f=$1; shift; echo $$ > "$f.pid"; "$@"; c=$?; ' +
  'printf \'%s\\n\' "$c" > "$f.tmp" && mv -f "$f.tmp" "$f"; exit $c';

/** The marker the wrapper carries in its argv (used to recognise our processes after a restart). */
export const WRAPPER_ARGV0 = 'gcr-local-batch-job';

export interface ProcessExit {
  /** The command's exit code (from the exit file, else the wrapper's), or 128+signal if killed. */
  exitCode?: number;
  /** Signal that ended the wrapper, if any. */
  signal?: NodeJS.Signals;
}

export interface SpawnedJob {
  pid: number;
  child: ChildProcess;
}

/**
 * Starts the wrapper; resolves once the process exists (Node's `spawn` event),
 * rejects if it could not be started.
 */
export function spawnJob(options: {
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  exitFile: string;
}): Promise<SpawnedJob> {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn('/bin/sh', ['-c', WRAPPER, WRAPPER_ARGV0, options.exitFile, ...options.command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    // The platform must be able to exit while jobs run (they are re-attached after a restart).
    child.unref();
    return new Promise<SpawnedJob>((resolve, reject) => {
      child.once('spawn', () => {
        // Later errors (e.g. a failed kill) must not crash the platform; exits are watched by the runner.
        child.on('error', () => undefined);
        resolve({ pid: child.pid!, child });
      });
      child.once('error', reject);
    });
  } finally {
    closeSync(fd);
  }
}

export function signalNumber(signal: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number>)[signal] ?? 0;
}

/** Sends `signal` to the job's process group (falls back to the pid alone). Never throws. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Whether `pid` is alive and is this job's wrapper. Where /proc exists the
 * command line must name the job's exit file, so a pid reused by an unrelated
 * process after a reboot is not mistaken for the job; elsewhere a live pid is
 * trusted.
 */
export function isJobProcess(pid: number, exitFile: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return process.platform !== 'linux';
  }
  // A zombie (exited, not yet reaped) has an empty command line: not running.
  return cmdline.split('\0').includes(exitFile);
}

/** The pid the wrapper recorded at its start, if it did. */
export async function readPidFile(exitFile: string): Promise<number | undefined> {
  try {
    const text = (await fs.readFile(`${exitFile}.pid`, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the wrapper's exit and pid files. */
export async function removeProcessFiles(exitFile: string): Promise<void> {
  await Promise.all([exitFile, `${exitFile}.pid`, `${exitFile}.tmp`].map((f) => fs.rm(f, { force: true })));
}

/** The exit status the wrapper recorded, if it did. */
export async function readExitFile(exitFile: string): Promise<number | undefined> {
  try {
    const text = (await fs.readFile(exitFile, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The exit status of a finished wrapper we spawned ourselves. */
export async function exitOf(
  exitFile: string,
  code: number | null,
  signal: NodeJS.Signals | null,
): Promise<ProcessExit> {
  const recorded = await readExitFile(exitFile);
  if (recorded !== undefined) return { exitCode: recorded };
  if (signal) return { exitCode: 128 + signalNumber(signal), signal };
  return code === null ? {} : { exitCode: code };
}

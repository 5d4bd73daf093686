/**
 * The agent's port to the Slurm client commands (sbatch, squeue, scancel,
 * sacct): one function that runs a command and returns its stdout. The real
 * one runs the binaries on PATH and counts the calls, so the benchmark can
 * say how hard the agent leans on the controller.
 */
import { execFile } from 'node:child_process';

export type SlurmCommand = 'sbatch' | 'squeue' | 'scancel' | 'sacct' | 'scontrol';

export interface SlurmCommands {
  run(command: SlurmCommand, args: readonly string[]): Promise<string>;
}

/** A Slurm command exited non-zero (or could not start). */
export class SlurmCommandError extends Error {
  constructor(
    readonly command: SlurmCommand,
    readonly args: readonly string[],
    readonly exitCode: number | string | undefined,
    readonly stderr: string,
  ) {
    super(
      `${command} ${args.join(' ')} failed (${exitCode ?? 'no exit code'}): ${stderr.trim() || 'no output'}`,
    );
    this.name = new.target.name;
  }
}

/** A command that waits for the controller may hang when slurmctld is down; the agent retries on its next poll. */
const COMMAND_TIMEOUT_MS = 120_000;

export interface CountingSlurmCommands extends SlurmCommands {
  /** Calls made so far, per command. */
  readonly calls: Record<SlurmCommand, number>;
}

export function execSlurmCommands(): CountingSlurmCommands {
  const calls: Record<SlurmCommand, number> = { sbatch: 0, squeue: 0, scancel: 0, sacct: 0, scontrol: 0 };
  return {
    calls,
    run(command, args) {
      calls[command] += 1;
      return new Promise((resolve, reject) => {
        execFile(
          command,
          [...args],
          { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => {
            if (error)
              reject(new SlurmCommandError(command, args, error.code ?? undefined, stderr || error.message));
            else resolve(stdout);
          },
        );
      });
    },
  };
}

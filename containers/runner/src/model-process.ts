/**
 * Runs the model: stdout and stderr go to the job's log (this process's
 * stdout/stderr, which Batch sends to CloudWatch) and to a log file in the run
 * directory, and through the log scanner for progress and errors.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { LogScanner, type LogSummary } from '#shared/science/run/log-scanner.js';

export interface ModelRun {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Called when the simulated time moves forward. */
  onProgress: (simulatedTime: Date) => void;
}

export interface ModelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  log: LogSummary;
}

export interface RunningModel {
  done: Promise<ModelExit>;
  stop(signal: NodeJS.Signals): void;
}

export function startModel(run: ModelRun): RunningModel {
  const log = createWriteStream(run.logFile, { flags: 'a' });
  const scanner = new LogScanner();
  const child = spawn(run.command, run.args, {
    cwd: run.cwd,
    env: run.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const report = (): void => {
    const reached = scanner.result.simulatedTime;
    if (reached) run.onProgress(reached);
  };
  const tee = (chunk: Buffer, to: NodeJS.WriteStream): void => {
    to.write(chunk);
    log.write(chunk);
    if (scanner.feed(chunk.toString('utf8'))) report();
  };
  child.stdout.on('data', (chunk: Buffer) => tee(chunk, process.stdout));
  child.stderr.on('data', (chunk: Buffer) => tee(chunk, process.stderr));
  const done = new Promise<ModelExit>((resolve) => {
    child.on('error', (error) => {
      const line = `gcr runner: could not start ${run.command}: ${error.message}\n`;
      process.stderr.write(line);
      log.write(line);
      scanner.feed(`Error termination. ${line}`);
    });
    child.on('close', (code, signal) => {
      if (scanner.flush()) report();
      log.end(() => resolve({ code: code ?? (signal ? null : 127), signal, log: scanner.result }));
    });
  });
  return {
    done,
    stop: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { setEnvironment } from './environment.js';

/**
 * moto_server (Python's moto, an AWS emulator other than the local platform's)
 * as a child process of the test, on a port it picks itself: the conformance
 * tests run the platform's adapters against it, so that what dynalite and
 * s3rver let pass is checked by a second, independent implementation.
 */

/** moto_server's path on PATH, or undefined when it is not installed. */
export function findMotoServer(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'moto_server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface RunningMotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** How long moto_server may take to start on a loaded machine (Python imports every service's models). */
const START_TIMEOUT_MS = 90_000;

/**
 * Starts moto_server on port 0 (it prints the port it bound: no race for a free
 * port), waits until it answers, and returns its endpoint. `stop` ends it and
 * waits for it to exit.
 */
export async function startMotoServer(executable = findMotoServer()): Promise<RunningMotoServer> {
  if (!executable) throw new Error('moto_server is not on PATH');
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`moto_server did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const bound = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (bound) {
          clearTimeout(timer);
          resolve(Number(bound[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`moto_server exited (${code}) before it started:\n${output}`));
      });
    });
    // Werkzeug prints the address as it binds; wait for the first answer all the same.
    const endpoint = `http://127.0.0.1:${port}`;
    await waitUntilAnswering(`${endpoint}/moto-api/`, child);
    // Keep draining its request log, so a full pipe never blocks it.
    child.stdout!.resume();
    child.stderr!.resume();
    return { endpoint, stop: () => stopChild(child, exited) };
  } catch (err) {
    await stopChild(child, exited);
    throw err;
  }
}

async function waitUntilAnswering(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`moto_server at ${url} never answered`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killLater = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killLater);
}

/**
 * Points the platform's client factories (shared/kernel/aws/clients.ts) at
 * moto for every service the data plane uses, with moto's dummy credentials,
 * as the local platform does with its emulators. Returns the undo.
 */
export function useMotoAsAws(endpoint: string): () => void {
  return setEnvironment({
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
}

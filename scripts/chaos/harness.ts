/**
 * The chaos suite's harness: the real local platform (local/spawn-platform.ts,
 * a child process) killed with SIGKILL over and over, each time restarted on
 * the same data directory, while simulations are submitted, run, cancelled and
 * have their results processed. Kills come from two sides: the platform's own
 * fault-injection hook (shared/kernel/aws/chaos.ts, GCR_CHAOS_POINTS: right
 * after Batch SubmitJob, a DynamoDB update, an EventBridge publish or a results
 * write) and the harness, at a random moment of each round. At the end the
 * platform runs once more without faults until everything settles, and the
 * state (the API, `<data>/events.jsonl`, the local Batch jobs) is checked by
 * ./invariants.ts.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startPlatformProcess, tempDataDir, type RunningPlatform } from '#local/spawn-platform.js';
import { seededRandom } from '#shared/kernel/seeded-random.js';
import { isTerminal } from '#shared/kernel/status.js';
import type { SimulationStatus } from '#schemas/generated/types.js';
import {
  checkInvariants,
  type BatchJobView,
  type ChaosFigures,
  type ChaosState,
  type EventView,
  type SimulationView,
  type Violation,
} from './invariants.js';

export interface ChaosOptions {
  rounds: number;
  /** New simulations submitted per round. */
  simulationsPerRound: number;
  /** GCR_CHAOS_POINTS of the platform during the rounds. */
  points: string;
  seed: number;
  /** A round lasts a random time up to this, unless a chaos point kills the platform first. */
  maxRoundSeconds: number;
  /** How long the last, fault-free run may take to settle everything. */
  settleSeconds: number;
  /**
   * GCR_RESULTS_LEASE_SECONDS of the platform (default 90): a results run
   * killed mid-way is taken up again once its lease expires, so the settling
   * waits about this long after such a kill. The queue's visibility timeout
   * is 10 s more (it must outlast the lease, docs/RESULTS.md).
   */
  resultsLeaseSeconds?: number;
  /** More of the platform's environment, for every start (the test suite's: functions started on first use). */
  platformEnv?: Record<string, string>;
  dataDir?: string;
  /** Keep the data directory (default: removed when there is no violation). */
  keep?: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_POINTS = 'submit-job=0.15,transition=0.01,publish=0.03,results=0.1';

export interface RoundRecord {
  round: number;
  submitted: number;
  cancelled: number;
  /** What ended the round: a chaos point's name, 'harness' (SIGKILL at a random moment) or 'start' (died starting). */
  killedBy: string;
  seconds: number;
}

/** An answer the API should never give (a 5xx, or a 4xx to a valid request), with the platform's log. */
export interface ApiError {
  request: string;
  status: number;
  body: string;
  log: string;
}

/** A restart that hung: the platform wrote no platform.json within START_TIMEOUT_MS. */
export interface StartFailure {
  round: number;
  output: string;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'log'>;
  dataDir: string;
  rounds: RoundRecord[];
  kills: Record<string, number>;
  settledInSeconds: number;
  figures: ChaosFigures;
  violations: Violation[];
  apiErrors: ApiError[];
  startFailures: StartFailure[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One API call; undefined when the platform is gone (killed meanwhile). */
async function call(
  platform: RunningPlatform,
  token: string,
  method: string,
  urlPath: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const response = await fetch(`${platform.url}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return undefined;
  }
}

function demoSpec(wallSeconds: number): Record<string, unknown> {
  return {
    name: `chaos ${wallSeconds}s`,
    simulation: { type: 'TransportTracers' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '4x5' },
    period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
    diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'daily' },
    compute: { backend: 'local', vcpus: 1, memoryMiB: 1024, maxRuntimeMinutes: 30, maxQueueMinutes: 30 },
    tags: { 'demo-wall-seconds': String(wallSeconds) },
  };
}

export const DEFAULT_RESULTS_LEASE_SECONDS = 90;

function platformEnvironment(
  dataDir: string,
  points: string | undefined,
  seed: number,
  resultsLeaseSeconds: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...extra,
    GCR_SCHEDULE_RATE_SECONDS: '2',
    GCR_LOCAL_BATCH_SLOTS: '4',
    // A results run killed mid-way is taken up again after the queue's
    // visibility timeout, which must outlast the lease (docs/RESULTS.md).
    GCR_RESULTS_LEASE_SECONDS: String(resultsLeaseSeconds),
    GCR_RESULTS_VISIBILITY_TIMEOUT_SECONDS: String(resultsLeaseSeconds + 10),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...(points
      ? {
          GCR_CHAOS_POINTS: points,
          GCR_CHAOS_SEED: String(seed),
          GCR_CHAOS_LOG: path.join(dataDir, 'chaos.log'),
        }
      : {}),
  };
}

/**
 * How long a restart may take before it counts as hung (on 2 busy cores a start takes 2-6 s with
 * functions started on first use, 25-30 s warming all of them first, and at load 20 past the 90 s a test waits by default).
 */
const START_TIMEOUT_MS = 120_000;

/**
 * Starts the platform: 'killed' when a chaos point killed it while starting,
 * 'hung' (a finding: it is killed and the output kept) when it did not start in time.
 */
async function start(
  dataDir: string,
  env: Record<string, string>,
): Promise<RunningPlatform | { failed: 'killed' } | { failed: 'hung'; output: string }> {
  try {
    return await startPlatformProcess({ dataDir, env, timeoutMs: START_TIMEOUT_MS });
  } catch (error) {
    const text = String(error);
    if (/platform exited with SIGKILL/.test(text)) return { failed: 'killed' };
    if (/platform did not start in time/.test(text)) return { failed: 'hung', output: text.slice(-4000) };
    throw error;
  }
}

function chaosKills(dataDir: string): string[] {
  const file = path.join(dataDir, 'chaos.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { point: string }).point);
}

function exited(platform: RunningPlatform): Promise<void> {
  return new Promise((resolve) => {
    if (platform.process.exitCode !== null || platform.process.signalCode !== null) resolve();
    else platform.process.once('exit', () => resolve());
  });
}

/** Every simulation, with its history, job and results (admin: all owners). */
async function readSimulations(
  platform: RunningPlatform,
  token: string,
  ids: string[],
): Promise<SimulationView[]> {
  const out: SimulationView[] = [];
  for (const id of ids) {
    const res = await call(platform, token, 'GET', `/simulations/${id}`);
    if (res?.status !== 200) throw new Error(`GET /simulations/${id} answered ${res?.status ?? 'nothing'}`);
    out.push(res.body as SimulationView);
  }
  return out;
}

function readEvents(dataDir: string): EventView[] {
  const file = path.join(dataDir, 'events.jsonl');
  if (!existsSync(file)) return [];
  const events: EventView[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as EventView);
    } catch {
      // A line torn by a kill in the middle of its append: no event was accepted with it.
    }
  }
  return events;
}

function readBatchJobs(dataDir: string): BatchJobView[] {
  const dir = path.join(dataDir, 'batch', 'jobs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const { detail } = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as {
        detail: {
          jobId: string;
          jobName: string;
          status: string;
          statusReason?: string;
          isTerminated?: boolean;
          isCancelled?: boolean;
        };
      };
      return {
        jobId: detail.jobId,
        jobName: detail.jobName,
        status: detail.status,
        ...(detail.statusReason ? { statusReason: detail.statusReason } : {}),
        terminated:
          (detail.isTerminated === true || detail.isCancelled === true) &&
          detail.statusReason !== 'local platform shut down',
      };
    });
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const startedAt = Date.now();
  const log = options.log ?? (() => undefined);
  // Seeded: round lengths, spec run times and cancels repeat with the seed.
  const draw = seededRandom(options.seed);
  const dataDir = options.dataDir ?? tempDataDir('gcr-chaos-');
  const resultsLeaseSeconds = options.resultsLeaseSeconds ?? DEFAULT_RESULTS_LEASE_SECONDS;
  /** Every submission by its Idempotency-Key: the spec (sent again unchanged after a kill) and the id once known. */
  const submissions = new Map<string, { spec: Record<string, unknown>; id?: string }>();
  const knownIds = (): string[] => [...submissions.values()].flatMap((s) => (s.id ? [s.id] : []));
  const rounds: RoundRecord[] = [];
  const apiErrors: ApiError[] = [];
  const startFailures: StartFailure[] = [];

  const submitAll = async (platform: RunningPlatform, token: string, fresh: number): Promise<number> => {
    for (let i = 0; i < fresh; i++) {
      submissions.set(randomUUID(), { spec: demoSpec(2 + Math.floor(draw() * 6)) });
    }
    let answered = 0;
    for (const [key, submission] of submissions) {
      if (submission.id !== undefined) continue;
      // Sent again after a kill with the same key: the platform answers the simulation it made, if any.
      const res = await call(platform, token, 'POST', '/simulations', {
        body: submission.spec,
        headers: { 'idempotency-key': key },
      });
      if (!res) return answered;
      if (res.status === 201 || res.status === 200) {
        submission.id = (res.body as { id: string }).id;
        answered++;
      } else if (res.status === 429) {
        // Over the owner's active limit: tried again next round.
        return answered;
      } else {
        // Never expected (a 5xx, or a 4xx for a valid spec): recorded with the platform's log, tried again later.
        apiErrors.push({
          request: `POST /simulations (Idempotency-Key ${key})`,
          status: res.status,
          body: JSON.stringify(res.body),
          log: platform.output().split('\n').slice(-40).join('\n'),
        });
        log(`POST /simulations answered ${res.status}: ${JSON.stringify(res.body)}`);
        return answered;
      }
    }
    return answered;
  };

  for (let round = 1; round <= options.rounds; round++) {
    const roundStart = Date.now();
    const killsBefore = chaosKills(dataDir).length;
    const platform = await start(
      dataDir,
      platformEnvironment(
        dataDir,
        options.points,
        options.seed * 1000 + round,
        resultsLeaseSeconds,
        options.platformEnv,
      ),
    );
    if ('failed' in platform) {
      const point = platform.failed === 'hung' ? 'hung-start' : (chaosKills(dataDir)[killsBefore] ?? 'start');
      if (platform.failed === 'hung') {
        startFailures.push({ round, output: platform.output });
        log(`round ${round}/${options.rounds}: the platform did not start in ${START_TIMEOUT_MS / 1000} s`);
      } else {
        log(`round ${round}/${options.rounds}: killed while starting (${point})`);
      }
      rounds.push({
        round,
        submitted: 0,
        cancelled: 0,
        killedBy: point,
        seconds: (Date.now() - roundStart) / 1000,
      });
      continue;
    }
    const token = await platform.token('chaos', { admin: true });
    const died = exited(platform);
    const submitted = await submitAll(platform, token, options.simulationsPerRound);
    // Cancel some known simulations: cancels are transitions too.
    let cancelled = 0;
    for (const id of knownIds()) {
      if (draw() >= 0.15) continue;
      const res = await call(platform, token, 'POST', `/simulations/${id}/cancel`);
      if (!res) break;
      if (res.status === 202) cancelled++;
    }
    const lifetime = 1000 + draw() * options.maxRoundSeconds * 1000;
    const byChaos = await Promise.race([died.then(() => true), sleep(lifetime).then(() => false)]);
    if (!byChaos) await platform.kill();
    await died;
    const point = byChaos ? (chaosKills(dataDir)[killsBefore] ?? 'unknown') : 'harness';
    rounds.push({ round, submitted, cancelled, killedBy: point, seconds: (Date.now() - roundStart) / 1000 });
    log(
      `round ${round}/${options.rounds}: ${submitted} submitted, ${cancelled} cancelled, killed by ${point} after ${((Date.now() - roundStart) / 1000).toFixed(1)} s`,
    );
  }

  // The last run: no faults, until every simulation and its results settle.
  const settleStart = Date.now();
  let platform = await start(
    dataDir,
    platformEnvironment(dataDir, undefined, 0, resultsLeaseSeconds, options.platformEnv),
  );
  if ('failed' in platform && platform.failed === 'hung') {
    startFailures.push({ round: options.rounds + 1, output: platform.output });
    platform = await start(
      dataDir,
      platformEnvironment(dataDir, undefined, 0, resultsLeaseSeconds, options.platformEnv),
    );
  }
  if ('failed' in platform) throw new Error(`the platform did not start without faults (${platform.failed})`);
  let state: ChaosState;
  try {
    const token = await platform.token('chaos', { admin: true });
    await submitAll(platform, token, 0);
    const ids = knownIds();
    const settled = (simulation: SimulationView): boolean =>
      isTerminal(simulation.status as SimulationStatus) &&
      (simulation.status !== 'SUCCEEDED' ||
        simulation.results?.status === 'READY' ||
        simulation.results?.status === 'FAILED');
    for (;;) {
      const simulations = await readSimulations(platform, token, ids);
      const waiting = simulations.filter((s) => !settled(s));
      // Settled also means announced: an event a kill left in a simulation's outbox is published only once it
      // is abandoned (ABANDONED_EVENT_AGE_MS) and a reader or the finder's sweep finds it, which can be after
      // the simulation itself ended. Checking before that would call an event lost that is only late.
      const unannounced =
        waiting.length === 0 &&
        checkInvariants({
          simulations,
          events: readEvents(dataDir),
          jobs: readBatchJobs(dataDir),
        }).violations.some(
          (violation) => violation.kind === 'lost-event' || violation.kind === 'results-lost-event',
        );
      if (waiting.length === 0 && !unannounced) break;
      if (Date.now() - settleStart > options.settleSeconds * 1000) {
        log(
          waiting.length > 0
            ? `not settled after ${options.settleSeconds} s: ${waiting.map((s) => `${s.id} ${s.status}/${s.results?.status ?? '-'}`).join(', ')}`
            : `settled, but events still missing after ${options.settleSeconds} s`,
        );
        break;
      }
      await sleep(1000);
    }
    state = {
      simulations: await readSimulations(platform, token, ids),
      events: readEvents(dataDir),
      jobs: readBatchJobs(dataDir),
    };
  } finally {
    await platform.stop();
  }
  const settledInSeconds = (Date.now() - settleStart) / 1000;
  const { violations, figures } = checkInvariants(state);
  const kills: Record<string, number> = {};
  for (const round of rounds) kills[round.killedBy] = (kills[round.killedBy] ?? 0) + 1;
  const { log: _log, ...reported } = options;
  const report: ChaosReport = {
    options: reported,
    dataDir,
    rounds,
    kills,
    settledInSeconds,
    figures,
    violations,
    apiErrors,
    startFailures,
    seconds: (Date.now() - startedAt) / 1000,
  };
  if (violations.length + apiErrors.length + startFailures.length === 0 && !options.keep && !options.dataDir)
    rmSync(dataDir, { recursive: true, force: true });
  return report;
}

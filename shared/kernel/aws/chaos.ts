/**
 * Fault injection for the chaos suite (`npm run chaos`, scripts/chaos/): with
 * GCR_CHAOS_POINTS set, an AWS call at a named point kills this process with
 * SIGKILL, with the point's probability, just before the call is sent or just
 * after its answer arrived (the worst moment: the remote side effect happened,
 * nothing after it in this process did). Without the variable nothing is
 * added to the clients. Only the local platform's tests set it.
 *
 *   GCR_CHAOS_POINTS="submit-job=0.3,transition=0.02,publish=0.05,results=0.1"
 *
 * Points: `submit-job` (after Batch SubmitJob), `transition` (after a
 * DynamoDB UpdateItem: transitions, claims, results marks, outbox removals),
 * `publish` (after EventBridge PutEvents), `results` (after an S3 PutObject
 * under a simulation's results/), or any `<service>.<Command>:<before|after>`
 * (services: dynamodb, eventbridge, batch, s3, logs; e.g. `s3.GetObject:before`).
 * GCR_CHAOS_SEED makes the draws repeatable; GCR_CHAOS_LOG names a file that
 * gets one line per kill (the point, the call) before the process dies.
 */
import { appendFileSync } from 'node:fs';
import { seededRandom } from '../seeded-random.js';

export type ChaosService =
  'dynamodb' | 'eventbridge' | 'batch' | 's3' | 'logs' | 'sqs' | 'sts' | 'ecs' | 'ec2';

interface ChaosPoint {
  name: string;
  service: ChaosService;
  command: string;
  when: 'before' | 'after';
  probability: number;
  /** Only calls whose input Key contains this (S3). */
  keyContains?: string;
}

const NAMED: Record<string, Omit<ChaosPoint, 'name' | 'probability'>> = {
  'submit-job': { service: 'batch', command: 'SubmitJob', when: 'after' },
  transition: { service: 'dynamodb', command: 'UpdateItem', when: 'after' },
  publish: { service: 'eventbridge', command: 'PutEvents', when: 'after' },
  results: { service: 's3', command: 'PutObject', when: 'after', keyContains: '/results/' },
};

/** A malformed GCR_CHAOS_POINTS: the process refuses to start rather than run without the faults asked for. */
export class ChaosConfigError extends Error {
  constructor(message: string) {
    super(`GCR_CHAOS_POINTS: ${message}`);
    this.name = 'ChaosConfigError';
  }
}

export function parseChaosPoints(text: string): ChaosPoint[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^([\w.:-]+)=([\d.]+)$/.exec(part);
      const probability = match ? Number(match[2]) : NaN;
      if (!match || !(probability >= 0 && probability <= 1)) {
        throw new ChaosConfigError(`"${part}": expected <point>=<probability 0..1>`);
      }
      const name = match[1]!;
      const named = NAMED[name];
      if (named) return { name, probability, ...named };
      const generic = /^(dynamodb|eventbridge|batch|s3|logs)\.(\w+):(before|after)$/.exec(name);
      if (!generic) {
        throw new ChaosConfigError(
          `"${part}": unknown point (${Object.keys(NAMED).join(', ')}, or <service>.<Command>:<before|after>)`,
        );
      }
      return {
        name,
        probability,
        service: generic[1] as ChaosService,
        command: generic[2]!,
        when: generic[3] as 'before' | 'after',
      };
    });
}

let configured: { points: ChaosPoint[]; random: () => number; log?: string } | undefined;

function chaosSettings(): typeof configured {
  const text = process.env['GCR_CHAOS_POINTS'];
  if (!text) return undefined;
  if (!configured) {
    const seed = Number(process.env['GCR_CHAOS_SEED'] ?? Date.now());
    const log = process.env['GCR_CHAOS_LOG'];
    // Seeded, so a run's kills can be replayed.
    configured = { points: parseChaosPoints(text), random: seededRandom(seed), ...(log ? { log } : {}) };
  }
  return configured;
}

interface MiddlewareHost {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** The client, with the chaos middleware when GCR_CHAOS_POINTS names points of `service`. */
export function withChaos<T>(client: T, service: ChaosService): T {
  const settings = chaosSettings();
  const points = settings?.points.filter((p) => p.service === service) ?? [];
  if (!settings || points.length === 0) return client;
  const maybeKill = (command: string, when: 'before' | 'after', input: unknown): void => {
    for (const point of points) {
      if (point.command !== command || point.when !== when) continue;
      const key = (input as { Key?: unknown } | undefined)?.Key;
      if (point.keyContains && !(typeof key === 'string' && key.includes(point.keyContains))) continue;
      if (settings.random() >= point.probability) continue;
      if (settings.log) {
        appendFileSync(
          settings.log,
          `${JSON.stringify({ at: new Date().toISOString(), point: point.name, call: `${service}.${command}`, pid: process.pid })}\n`,
        );
      }
      process.kill(process.pid, 'SIGKILL');
    }
  };
  (client as unknown as MiddlewareHost).middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      maybeKill(command, 'before', args.input);
      const output = await next(args);
      maybeKill(command, 'after', args.input);
      return output;
    },
    { step: 'initialize', name: 'gcrChaos' },
  );
  return client;
}

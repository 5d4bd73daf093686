import type { LogPage } from '#schemas/generated/types.js';
import { NoLogsYetError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type { LogReader } from '#shared/kernel/logs/log-reader.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';

export interface LogsQuery {
  limit: number;
  nextToken?: string;
  startFromHead: boolean;
}

/** Query strings are text: check them here, field by field. */
export function parseLogsQuery(raw: Record<string, string | undefined>): LogsQuery {
  const issues = [];
  const known = new Set(['limit', 'nextToken', 'startFromHead']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key))
      issues.push({
        field: `query.${key}`,
        message: 'is not a known parameter (limit, nextToken, startFromHead)',
      });
  }
  let limit = 100;
  if (raw['limit'] !== undefined) {
    limit = Number(raw['limit']);
    if (!/^\d+$/.test(raw['limit']) || limit < 1 || limit > 10_000) {
      issues.push({ field: 'query.limit', message: 'must be a whole number from 1 to 10000' });
    }
  }
  const head = raw['startFromHead'];
  if (head !== undefined && head !== 'true' && head !== 'false') {
    issues.push({ field: 'query.startFromHead', message: 'must be true or false' });
  }
  const token = raw['nextToken'];
  if (token !== undefined && (token.length < 1 || token.length > 1024)) {
    issues.push({ field: 'query.nextToken', message: 'must be the nextToken of a previous page' });
  }
  if (issues.length > 0) throw new ValidationError('query string is invalid', issues);
  return { limit, startFromHead: head !== 'false', ...(token ? { nextToken: token } : {}) };
}

/** A page of the simulation's job log, oldest first (schemas/api/log-page.schema.json). */
export async function getLogs(
  ports: { repository: SimulationRepository; logs: LogReader; logGroupName: string },
  caller: Caller,
  id: string,
  query: LogsQuery,
): Promise<LogPage> {
  const simulation = await loadVisibleSimulation(ports.repository, caller, id);
  const logStreamName = simulation.job?.logStreamName;
  if (!logStreamName) {
    throw new NoLogsYetError(
      `simulation ${id} has no logs yet: its job has not started (status ${simulation.status})`,
    );
  }
  const page = await ports.logs.read({ logGroupName: ports.logGroupName, logStreamName, ...query });
  return { ...page, logStreamName };
}

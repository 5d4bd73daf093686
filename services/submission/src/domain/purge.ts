/**
 * Purge (docs/CAMPAIGNS.md): DELETE /simulations/{id}, /ensembles/{id},
 * /campaigns/{id}. `?dryRun=true` answers what would go (records, and the
 * results bucket's objects with their count and bytes); the delete happens
 * only with `?confirm=<the id>`, and only when everything in it has finished
 * (409 naming what is active). Objects go first, then the simulations'
 * records, the ensemble's or campaign's own item last: a purge cut short
 * (a timeout, an error) is finished by asking again, which finds what is left.
 */
import { ConflictError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type { CampaignStore } from '#shared/kernel/repository/campaigns.js';
import { memberSimulationId, type EnsembleStore } from '#shared/kernel/repository/ensembles.js';
import type { PurgeStore } from '#shared/kernel/repository/purge.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type { ListedObject } from '#shared/kernel/storage/list-objects.js';
import { ensembleKey, simulationPrefix } from '#shared/kernel/storage/bucket-layout.js';
import { isTerminal } from '#shared/kernel/status.js';
import type { PurgeReport, Simulation } from '#schemas/generated/types.js';
import { loadVisibleCampaign } from './campaigns.js';
import { loadVisibleEnsemble } from './ensembles.js';
import type { SubmissionPorts } from './ports.js';

/** The results bucket, as far as a purge lists and deletes. */
export interface PurgeBucket {
  list(prefix: string): Promise<ListedObject[]>;
  deleteKeys(keys: string[]): Promise<void>;
}

export interface PurgePorts extends Pick<SubmissionPorts, 'repository'> {
  ensembles: Pick<EnsembleStore, 'get'>;
  campaigns: Pick<CampaignStore, 'get'>;
  records: PurgeStore;
  bucket: PurgeBucket;
}

export type PurgeKind = PurgeReport['kind'];

export interface PurgeQuery {
  dryRun: boolean;
  confirm?: string;
}

/** `?dryRun=` and `?confirm=`; anything else in them is a 400 naming it. */
export function parsePurgeQuery(query: Record<string, string | undefined>): PurgeQuery {
  const dryRun = query['dryRun'];
  if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
    throw new ValidationError('query string is invalid', [
      { field: 'query.dryRun', message: 'must be true or false' },
    ]);
  }
  return {
    dryRun: dryRun === 'true',
    ...(query['confirm'] !== undefined ? { confirm: query['confirm'] } : {}),
  };
}

/** What a purge covers: its simulations' ids, the bucket prefixes, and the group's own item. */
interface PurgeTarget {
  simulationIds: string[];
  prefixes: string[];
  deleteGroup?: () => Promise<void>;
}

async function targetOf(
  ports: PurgePorts,
  caller: Caller,
  kind: PurgeKind,
  id: string,
): Promise<PurgeTarget> {
  if (kind === 'simulation') {
    const simulation = await loadVisibleSimulation(ports.repository, caller, id);
    // A member or a stage alone would leave a hole in its group's roll-up: the group is purged whole.
    if (simulation.ensembleId) {
      throw new ConflictError(
        `simulation ${id} is member ${simulation.memberIndex} of ensemble ${simulation.ensembleId}: purge the ensemble (DELETE /ensembles/${simulation.ensembleId})`,
      );
    }
    if (simulation.campaignId) {
      throw new ConflictError(
        `simulation ${id} is stage ${simulation.stageIndex} of campaign ${simulation.campaignId}: purge the campaign (DELETE /campaigns/${simulation.campaignId})`,
      );
    }
    return { simulationIds: [id], prefixes: [simulationPrefix(id)] };
  }
  if (kind === 'ensemble') {
    const record = await loadVisibleEnsemble(ports.ensembles, caller, id);
    // Every attempt of every member: a retried member's failed attempts are its records too.
    const ids = Array.from({ length: record.memberCount }, (_, index) =>
      Array.from({ length: record.attempts[String(index)] ?? 1 }, (_, a) =>
        memberSimulationId(id, index, a + 1),
      ),
    ).flat();
    return {
      simulationIds: ids,
      prefixes: [...ids.map(simulationPrefix), ensembleKey(id, '')],
      deleteGroup: () => ports.records.deleteEnsemble(id),
    };
  }
  const record = await loadVisibleCampaign(ports.campaigns, caller, id);
  const ids = record.stages.map((stage) => stage.simulationId);
  return {
    simulationIds: ids,
    prefixes: ids.map(simulationPrefix),
    deleteGroup: () => ports.records.deleteCampaign(id, record.owner),
  };
}

/** The simulations that still exist, in the target's order (a purge cut short deleted some). */
async function readAll(ports: PurgePorts, ids: string[]): Promise<Simulation[]> {
  const found = new Map<string, Simulation>();
  for (let i = 0; i < ids.length; i += 100) {
    for (const simulation of await ports.repository.getMany(ids.slice(i, i + 100)))
      found.set(simulation.id, simulation);
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

export async function purge(
  ports: PurgePorts,
  caller: Caller,
  kind: PurgeKind,
  id: string,
  query: PurgeQuery,
): Promise<PurgeReport> {
  const target = await targetOf(ports, caller, kind, id);
  const simulations = await readAll(ports, target.simulationIds);
  const active = simulations.filter((s) => !isTerminal(s.status));
  if (active.length > 0) {
    const named = active.slice(0, 10).map((s) => `${s.id} ${s.status}`);
    throw new ConflictError(
      `${kind} ${id} is not finished: ${named.join(', ')}${active.length > 10 ? ` and ${active.length - 10} more` : ''}; cancel it first, then purge`,
    );
  }
  const objects: ListedObject[] = [];
  for (const prefix of target.prefixes) objects.push(...(await ports.bucket.list(prefix)));
  const report: PurgeReport = {
    kind,
    id,
    dryRun: query.dryRun,
    simulations: simulations.map((s) => s.id).sort(),
    records: simulations.length + (target.deleteGroup ? 1 : 0),
    objects: {
      count: objects.length,
      bytes: objects.reduce((sum, o) => sum + o.size, 0),
      prefixes: target.prefixes.filter((prefix) => objects.some((o) => o.key.startsWith(prefix))),
    },
  };
  if (query.dryRun) return report;
  if (query.confirm !== id) {
    throw new ValidationError('a purge needs its confirmation', [
      {
        field: 'query.confirm',
        message: `must be ${id}, the id being purged (see what goes with ?dryRun=true first)`,
      },
    ]);
  }
  await ports.bucket.deleteKeys(objects.map((o) => o.key));
  for (const simulation of simulations) {
    if ((await ports.records.deleteFinishedSimulation(simulation.id)) === 'kept') {
      throw new ConflictError(
        `simulation ${simulation.id} is finished but its last event is not published yet; purge again in a minute`,
        60,
      );
    }
  }
  await target.deleteGroup?.();
  return report;
}

/** Which purge a route is (DELETE /simulations/{id}, /ensembles/{id}, /campaigns/{id}). */
export function purgeKindOf(routeKey: string): PurgeKind {
  if (routeKey.startsWith('DELETE /ensembles/')) return 'ensemble';
  if (routeKey.startsWith('DELETE /campaigns/')) return 'campaign';
  return 'simulation';
}

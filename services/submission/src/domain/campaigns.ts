/**
 * Staged campaigns (docs/CAMPAIGNS.md): POST /campaigns, GET /campaigns and
 * /campaigns/{id}, pause, resume and cancel.
 *
 * - Create: every stage validated and its run directory generated before
 *   anything is written (a refusal names `stages[i].<field>`); then the
 *   campaign item, then each stage as a simulation with `campaignId` and
 *   `stageIndex`, whose id is derived from the campaign's (a replay of the
 *   same Idempotency-Key creates nothing twice). Stage 0 is PENDING, the
 *   others WAITING until their predecessor's end releases them
 *   (release-stages.ts). Like an ensemble's members, stages take none of the
 *   owner's active slots: a campaign is one submission, and a WAITING stage
 *   runs nothing.
 * - Pause: no stage is released until resume (running stages go on); resume
 *   releases every waiting stage whose predecessor ended meanwhile.
 */
import { ulid } from 'ulid';
import { ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import {
  idempotentCampaignId,
  isCampaignId,
  stageSimulationId,
  type CampaignRecord,
  type CampaignStore,
} from '#shared/kernel/repository/campaigns.js';
import { isTerminal } from '#shared/kernel/status.js';
import type { Campaign, Simulation } from '#schemas/generated/types.js';
import { planCampaign, type StagePlan } from './campaign-stages.js';
import { buildSimulation, checkBudgets, checkIdempotencyKey } from './create-simulation.js';
import { ensembleEstimate, publishSubmitted } from './ensembles.js';
import { createOrReplay, requestFingerprint } from './ids.js';
import { loadVisibleGroup } from '#shared/kernel/repository/visible-group.js';
import type { CreateSimulationPorts } from './ports.js';
import { cancelStages, releaseDue, type ReleasePorts } from './release-stages.js';
import { buildRunDirectory, storeRunDirectory } from './run-directory.js';

export interface CampaignPorts extends CreateSimulationPorts, ReleasePorts {
  campaigns: CampaignStore;
}

export const DEFAULT_CAMPAIGN_PAGE = 25;
export const MAX_CAMPAIGN_PAGE = 100;

export interface CreateCampaignRequest {
  caller: Caller;
  body: unknown;
  idempotencyKey?: string;
}

function stageSimulation(
  campaign: CampaignRecord,
  plan: StagePlan,
  caller: Caller,
  createdAt: Date,
): Simulation {
  const simulation = buildSimulation(
    campaign.stages[plan.stageIndex]!.simulationId,
    caller,
    plan.spec,
    createdAt,
    undefined,
  );
  const entry = simulation.history[0]!;
  if (plan.stageIndex === 0) {
    entry.reason = `submitted as stage 0 (${plan.name}) of campaign ${campaign.id}`;
  } else {
    const previous = campaign.stages[plan.stageIndex - 1]!;
    simulation.status = 'WAITING';
    entry.to = 'WAITING';
    entry.reason = `waiting for stage ${plan.stageIndex - 1} (${previous.name}, ${previous.simulationId}) of campaign ${campaign.id} to end`;
  }
  return { ...simulation, campaignId: campaign.id, stageIndex: plan.stageIndex };
}

export async function createCampaign(
  ports: CampaignPorts,
  limits: { localBackendEnabled: boolean },
  request: CreateCampaignRequest,
): Promise<{ campaign: Campaign; replayed: boolean }> {
  const { caller, body, idempotencyKey } = request;
  checkIdempotencyKey(idempotencyKey);
  const plan = planCampaign(body, { now: ports.now() });
  if (!plan.ok) throw new ValidationError('the campaign request is invalid', plan.issues);
  const issues = plan.stages
    .filter((stage) => stage.spec.compute.backend === 'local' && !limits.localBackendEnabled)
    .map((stage) => ({
      field: `stages[${stage.stageIndex}].compute.backend`,
      message: 'the local backend runs jobs only on the local platform (npm start); here, use aws-batch',
    }));
  // Every run directory before anything is written: a stage the generator cannot serve is a 400.
  const runDirectories = plan.stages.map((stage) => {
    try {
      return buildRunDirectory(stage.spec);
    } catch (error) {
      for (const issue of error instanceof ValidationError ? error.issues : []) {
        issues.push({ field: `stages[${stage.stageIndex}].${issue.field}`, message: issue.message });
      }
      return undefined;
    }
  });
  if (issues.length > 0) throw new ValidationError('the campaign request is invalid', issues);
  if (ports.budgets) await checkBudgets(ports.budgets, caller.userId, plan.stages[0]!.spec, ports.now());

  const fingerprint = requestFingerprint(body);
  const id = idempotencyKey
    ? idempotentCampaignId(caller.userId, idempotencyKey)
    : `cmp_${ulid().toLowerCase()}`;
  const candidate: CampaignRecord = {
    id,
    owner: caller.userId,
    name: plan.name,
    description: plan.description,
    createdAt: ports.now().toISOString(),
    paused: false,
    stages: plan.stages.map((stage) => ({
      name: stage.name,
      simulationId: stageSimulationId(id, stage.stageIndex),
      onFailure: stage.onFailure,
      restartFrom: stage.restartFrom,
      period: { start: stage.spec.period.start, end: stage.spec.period.end },
    })),
    estimateUsd:
      Math.round(plan.stages.reduce((sum, stage) => sum + (ensembleEstimate(stage.spec, 1) ?? 0), 0) * 100) /
      100,
    requestFingerprint: fingerprint,
  };
  const { record, replayed } = await createOrReplay(ports.campaigns, candidate, 'campaign');

  // In stage order; a replay finds the stages already written ('exists') and writes the rest.
  const createdAt = new Date(record.createdAt);
  const created: Simulation[] = [];
  for (const stage of plan.stages) {
    const simulation = stageSimulation(record, stage, caller, createdAt);
    await storeRunDirectory(
      ports.objects,
      simulation.id,
      stage.spec,
      runDirectories[stage.stageIndex]!,
      createdAt,
    );
    const outcome = await ports.repository.create(simulation, {
      requestFingerprint: requestFingerprint(stage.spec),
      countsAsActive: false,
    });
    if (outcome === 'created' && simulation.status === 'PENDING') created.push(simulation);
  }
  await publishSubmitted(ports, created);
  return { campaign: await rollUp(ports, record), replayed };
}

/** A campaign the caller may see (their own, or any for an admin); another owner's is a 404 like a missing one. */
export async function loadVisibleCampaign(
  store: Pick<CampaignStore, 'get'>,
  caller: Caller,
  id: string,
): Promise<CampaignRecord> {
  return loadVisibleGroup(store, caller, id, { what: 'campaign', prefix: 'cmp_', isId: isCampaignId });
}

function stageProgress(simulation: Simulation | undefined): number {
  if (!simulation) return 0;
  return isTerminal(simulation.status) ? 100 : (simulation.progress?.percent ?? 0);
}

/** The roll-up: stages with their statuses, counts, mean progress, cost sums and the campaign's status. */
export function summarizeCampaign(
  record: CampaignRecord,
  stages: readonly (Simulation | undefined)[],
): Campaign {
  const counts: Record<string, number> = {};
  let finalUsd = 0;
  let accruedUsd = 0;
  let stagesWithCost = 0;
  for (const simulation of stages) {
    const status = simulation?.status ?? 'WAITING';
    counts[status] = (counts[status] ?? 0) + 1;
    if (simulation?.cost) {
      stagesWithCost += 1;
      if (simulation.cost.kind === 'final') finalUsd += simulation.cost.totalUsd;
      else accruedUsd += simulation.cost.totalUsd;
    }
  }
  const allTerminal = stages.every((s) => s !== undefined && isTerminal(s.status));
  const status: Campaign['status'] = !allTerminal
    ? record.paused
      ? 'PAUSED'
      : 'ACTIVE'
    : counts['SUCCEEDED'] === stages.length
      ? 'SUCCEEDED'
      : (counts['FAILED'] ?? 0) + (counts['TIMED_OUT'] ?? 0) > 0
        ? 'FAILED'
        : 'CANCELLED';
  const progress = stages.reduce((sum, s) => sum + stageProgress(s), 0) / stages.length;
  return {
    id: record.id,
    owner: record.owner,
    name: record.name,
    ...(record.description ? { description: record.description } : {}),
    createdAt: record.createdAt,
    status,
    paused: record.paused,
    counts,
    progress: Math.round(progress * 10) / 10,
    cost: {
      finalUsd: Math.round(finalUsd * 1e4) / 1e4,
      accruedUsd: Math.round(accruedUsd * 1e4) / 1e4,
      stagesWithCost,
      ...(record.estimateUsd !== undefined ? { estimateUsd: record.estimateUsd } : {}),
    },
    stages: record.stages.map((stage, index) => {
      const simulation = stages[index];
      return {
        stageIndex: index,
        name: stage.name,
        simulationId: stage.simulationId,
        status: simulation?.status ?? 'WAITING',
        onFailure: stage.onFailure,
        restartFrom: stage.restartFrom,
        period: stage.period,
        ...(simulation ? { progress: stageProgress(simulation) } : {}),
        ...(simulation?.cost ? { cost: simulation.cost } : {}),
        ...(stage.initialRestart ? { initialRestart: stage.initialRestart } : {}),
      };
    }),
  };
}

async function rollUp(ports: Pick<CampaignPorts, 'repository'>, record: CampaignRecord): Promise<Campaign> {
  const found = new Map(
    (await ports.repository.getMany(record.stages.map((s) => s.simulationId))).map((s) => [s.id, s]),
  );
  return summarizeCampaign(
    record,
    record.stages.map((s) => found.get(s.simulationId)),
  );
}

export async function getCampaign(
  ports: Pick<CampaignPorts, 'repository' | 'campaigns'>,
  caller: Caller,
  id: string,
): Promise<Campaign> {
  return rollUp(ports, await loadVisibleCampaign(ports.campaigns, caller, id));
}

/** `?limit=&cursor=` of GET /campaigns: the cursor is the offset in the owner's list, newest first. */
export function parseCampaignListQuery(query: Record<string, string | undefined>): {
  offset: number;
  limit: number;
} {
  const issues: { field: string; message: string }[] = [];
  const offset = query['cursor'] === undefined ? 0 : Number(query['cursor']);
  if (!Number.isInteger(offset) || offset < 0 || !/^\d{1,6}$/.test(query['cursor'] ?? '0'))
    issues.push({ field: 'query.cursor', message: 'pass nextCursor from the previous page unchanged' });
  const limit = query['limit'] === undefined ? DEFAULT_CAMPAIGN_PAGE : Number(query['limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CAMPAIGN_PAGE)
    issues.push({ field: 'query.limit', message: `must be an integer from 1 to ${MAX_CAMPAIGN_PAGE}` });
  if (issues.length > 0) throw new ValidationError('query string is invalid', issues);
  return { offset, limit };
}

/** GET /campaigns: the caller's campaigns, newest first, a page at a time. */
export async function listCampaigns(
  ports: Pick<CampaignPorts, 'repository' | 'campaigns'>,
  caller: Caller,
  page: { offset: number; limit: number },
): Promise<{ campaigns: Campaign[]; nextCursor?: string }> {
  const ids = await ports.campaigns.idsOfOwner(caller.userId);
  const shown = ids.slice(page.offset, page.offset + page.limit);
  const campaigns: Campaign[] = [];
  for (const id of shown) {
    const record = await ports.campaigns.get(id);
    if (record) campaigns.push(await rollUp(ports, record));
  }
  return {
    campaigns,
    ...(page.offset + page.limit < ids.length ? { nextCursor: String(page.offset + page.limit) } : {}),
  };
}

/** POST /campaigns/{id}/pause | resume | cancel. */
export async function controlCampaign(
  ports: CampaignPorts,
  caller: Caller,
  id: string,
  action: 'pause' | 'resume' | 'cancel',
): Promise<Campaign> {
  const record = await loadVisibleCampaign(ports.campaigns, caller, id);
  if (action === 'pause') {
    await ports.campaigns.setPaused(id, true);
  } else if (action === 'resume') {
    await ports.campaigns.setPaused(id, false);
    // What became due while paused: every waiting stage whose predecessor ended.
    await releaseDue(ports, { ...record, paused: false });
  } else {
    await cancelStages(ports, caller, record);
  }
  return rollUp(ports, (await ports.campaigns.get(id)) ?? record);
}

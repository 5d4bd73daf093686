/**
 * Ensembles: one request, many member simulations (docs/CAMPAIGNS.md).
 *
 * - Create: the request is expanded and every member validated and its run
 *   directory generated before anything is written (a refusal is a 400 naming
 *   `members[i].<field>`); then the ensemble item, then each member as an
 *   ordinary PENDING simulation with `ensembleId` and `memberIndex`, whose id
 *   is derived from the ensemble's (so a replay of the same Idempotency-Key
 *   finishes a creation a crash cut short, creating nothing twice). More
 *   than SYNC_MEMBER_LIMIT members do not fit in one request (API Gateway's
 *   29 s): the ensemble item is written CREATING and its members go in
 *   batches through the creation queue (ensemble-creation.ts), 202.
 *   Members do not take the owner's active slots: an ensemble is one
 *   submission, bounded by its 10,000 members.
 * - Roll-up: the members' items read by id (BatchGetItem, 100 a call):
 *   counts by status, progress, cost.
 * - Retry: a failed member (FAILED or TIMED_OUT) is run again as a new
 *   simulation, attempt n+1 of the same member, with the same spec and
 *   `retryOf` naming the failed one. Not the same simulation moved back to
 *   PENDING: a status only moves forward (the poller, the cost tracker and
 *   the notifier rely on it, and each attempt keeps its own history, results
 *   and cost); the ensemble item's `attempts` says which one is current.
 */
import { ulid } from 'ulid';
import { ConflictError, NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import { Source, simulationSubmitted } from '#shared/kernel/events/catalog.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { requestCancel } from '#shared/kernel/repository/cancel.js';
import {
  currentMemberIds,
  idempotentEnsembleId,
  memberSimulationId,
  type EnsembleRecord,
  type EnsembleStore,
} from '#shared/kernel/repository/ensembles.js';
import { loadVisibleEnsemble } from '#shared/kernel/repository/visible-group.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import { stableStringify } from '#shared/kernel/stable-json.js';
import { isTerminal } from '#shared/kernel/status.js';
import { expandEnsemble } from '#shared/science/ensemble/expand-ensemble.js';
import { estimateRun } from '#shared/science/estimate/estimate-run.js';
import type { GeneratedRunDirectory } from '#shared/science/rundir/generate.js';
import { storedSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { simulationStatusSchema } from '#schemas/generated/schemas.js';
import type { Ensemble, EnsembleMember, Simulation, SimulationStatus } from '#schemas/generated/types.js';
import { buildSimulation, checkBudgets, checkIdempotencyKey, takeActiveSlot } from './create-simulation.js';
import { createOrReplay, requestFingerprint, retrySimulationId } from './ids.js';
import type { CreateSimulationPorts, EnsembleCreationPorts, SubmissionPorts } from './ports.js';
import { buildRunDirectory, inputPlanBody, storeRunDirectory } from './run-directory.js';

export interface EnsemblePorts extends CreateSimulationPorts {
  ensembles: EnsembleStore;
  /** Where a batched creation goes; without it (tests of small ensembles), more than SYNC_MEMBER_LIMIT members is an error. */
  creation?: EnsembleCreationPorts;
}

/**
 * Members created within POST /ensembles (201), by default. More are created
 * in batches after a 202: about 1,000 members' run directories and items fit
 * in API Gateway's 29 s, and 200 keeps the answer within a few seconds.
 */
export const SYNC_MEMBER_LIMIT = 200;
/** Members per creation batch, by default: 2,000 run-directory objects, 10 BatchWriteItem calls, well within the function's timeout. */
export const CREATION_BATCH_SIZE = 250;

export interface EnsembleLimits {
  localBackendEnabled: boolean;
  /** SYNC_MEMBER_LIMIT unless set (ENSEMBLE_SYNC_MEMBER_LIMIT: tests make small batched ensembles). */
  syncMemberLimit?: number;
  /** CREATION_BATCH_SIZE unless set (ENSEMBLE_CREATION_BATCH_SIZE). */
  creationBatchSize?: number;
}

/** Members written at once: enough to keep DynamoDB and S3 busy, few enough for one Lambda's sockets. */
const CREATE_CONCURRENCY = 16;
/** Members per page of GET /ensembles/{id} and its members route. */
export const DEFAULT_MEMBER_PAGE = 100;
export const MAX_MEMBER_PAGE = 1000;
/** Statuses a retry runs again. */
const RETRYABLE: ReadonlySet<SimulationStatus> = new Set(['FAILED', 'TIMED_OUT']);

export async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What decides a member's input plan (gcr-inputs.json): members differing only in emissions share one. */
export function inputPlanKey(spec: ResolvedSimulationSpec): string {
  const { name: _n, description: _d, emissions: _e, tags: _t, ...rest } = spec;
  return stableStringify(rest);
}

export interface PreparedMember {
  memberIndex: number;
  label?: string;
  spec: ResolvedSimulationSpec;
  runDirectory: GeneratedRunDirectory;
  planKey: string;
}

export function memberSimulation(
  ensemble: Pick<EnsembleRecord, 'id'>,
  member: { memberIndex: number; label?: string; spec: ResolvedSimulationSpec },
  id: string,
  caller: Caller,
  createdAt: Date,
  reason: string,
  retryOf?: string,
): Simulation {
  const simulation = buildSimulation(id, caller, member.spec, createdAt, undefined);
  simulation.history[0]!.reason = reason;
  return {
    ...simulation,
    ensembleId: ensemble.id,
    memberIndex: member.memberIndex,
    ...(member.label !== undefined ? { memberLabel: member.label } : {}),
    ...(retryOf !== undefined ? { retryOf } : {}),
  };
}

/** A new simulation's `Simulation Submitted`, from its stored spec. */
export function submittedEvent(simulation: Simulation) {
  const spec = storedSpec(simulation);
  return simulationSubmitted({
    simulationId: simulation.id,
    owner: simulation.owner,
    name: simulation.name,
    backend: spec.compute.backend,
    simulationType: spec.simulation.type,
    resolution: spec.grid.resolution,
    submittedAt: simulation.createdAt,
    ...(spec.maxCostUsd !== undefined ? { maxCostUsd: spec.maxCostUsd } : {}),
  });
}

/** Stores a member's run directory, then its item; 'exists' on a replay. Publishes nothing. */
async function createMember(
  ports: EnsemblePorts,
  simulation: Simulation,
  runDirectory: GeneratedRunDirectory,
  inputPlanJson: string,
): Promise<'created' | 'exists'> {
  const spec = storedSpec(simulation);
  await storeRunDirectory(
    ports.objects,
    simulation.id,
    spec,
    runDirectory,
    new Date(simulation.createdAt),
    inputPlanJson,
  );
  return ports.repository.create(simulation, {
    requestFingerprint: requestFingerprint(spec),
    countsAsActive: false,
  });
}

/** `Simulation Submitted` for each, 100 an event call; a failure is told, not thrown (the finder picks them up). */
export async function publishSubmitted(ports: SubmissionPorts, simulations: Simulation[]): Promise<void> {
  for (const batch of chunks(simulations, 100)) {
    try {
      await ports.publisher.publish(batch.map(submittedEvent));
    } catch (err) {
      // Every member is PENDING on the StatusIndex: the finder hands it to the poller anyway.
      for (const simulation of batch) ports.onPublishFailure?.(err, simulation.id);
    }
  }
}

export interface CreateEnsembleRequest {
  caller: Caller;
  body: unknown;
  idempotencyKey?: string;
}

export async function createEnsemble(
  ports: EnsemblePorts,
  limits: EnsembleLimits,
  request: CreateEnsembleRequest,
): Promise<{ ensemble: Ensemble; replayed: boolean; batched: boolean }> {
  const { caller, body, idempotencyKey } = request;
  checkIdempotencyKey(idempotencyKey);
  const expanded = expandEnsemble(body, { now: ports.now() });
  if (!expanded.ok) throw new ValidationError('the ensemble request is invalid', expanded.issues);
  const { members } = expanded.ensemble;
  const baseSpec = members[0]!.spec;
  if (baseSpec.compute.backend === 'local' && !limits.localBackendEnabled) {
    throw new ValidationError('the ensemble request is invalid', [
      {
        field: 'base.compute.backend',
        message: 'the local backend runs jobs only on the local platform (npm start); here, use aws-batch',
      },
    ]);
  }
  if (ports.budgets) await checkBudgets(ports.budgets, caller.userId, baseSpec, ports.now());

  // Every run directory before anything is written: a member the generator cannot serve is a 400.
  const issues: { field: string; message: string }[] = [];
  const prepared: PreparedMember[] = [];
  for (const member of members) {
    try {
      prepared.push({
        ...member,
        runDirectory: buildRunDirectory(member.spec),
        planKey: inputPlanKey(member.spec),
      });
    } catch (error) {
      for (const issue of error instanceof ValidationError ? error.issues : []) {
        issues.push({ field: `members[${member.memberIndex}].${issue.field}`, message: issue.message });
      }
      if (issues.length >= 50) break;
    }
  }
  if (issues.length > 0) throw new ValidationError('the ensemble request is invalid', issues);

  const fingerprint = requestFingerprint(body);
  const id = idempotencyKey
    ? idempotentEnsembleId(caller.userId, idempotencyKey)
    : `ens_${ulid().toLowerCase()}`;
  const createdAt = ports.now();
  const candidate: EnsembleRecord = {
    id,
    owner: caller.userId,
    name: expanded.ensemble.name,
    description: expanded.ensemble.description,
    createdAt: createdAt.toISOString(),
    sweepKind: expanded.ensemble.sweepKind,
    memberCount: members.length,
    hasBaseMember: expanded.ensemble.hasBaseMember,
    ...(expanded.ensemble.perturbationFactor !== undefined
      ? { perturbationFactor: expanded.ensemble.perturbationFactor }
      : {}),
    attempts: {},
    labels: Object.fromEntries(
      members.filter((m) => m.label !== undefined).map((m) => [String(m.memberIndex), m.label!]),
    ),
    estimateUsd: ensembleEstimate(baseSpec, members.length),
    requestFingerprint: fingerprint,
  };
  if (members.length > (limits.syncMemberLimit ?? SYNC_MEMBER_LIMIT)) {
    const batchSize = limits.creationBatchSize ?? CREATION_BATCH_SIZE;
    return { ...(await startBatchedCreation(ports, candidate, prepared, batchSize)), batched: true };
  }
  const { record, replayed } = await createOrReplay(ports.ensembles, candidate, 'ensemble');

  // Members in index order, written a few at a time; a replay finds the ones
  // already written ('exists') and writes the rest, with the first request's time.
  const memberTime = new Date(record.createdAt);
  const plans = new Map<string, string>();
  const created: Simulation[] = [];
  await inBatches(prepared, CREATE_CONCURRENCY, async (member) => {
    let plan = plans.get(member.planKey);
    if (plan === undefined) plans.set(member.planKey, (plan = inputPlanBody(member.spec, memberTime)));
    const simulation = memberSimulation(
      record,
      member,
      memberSimulationId(record.id, member.memberIndex),
      caller,
      memberTime,
      `submitted as member ${member.memberIndex} of ensemble ${record.id}`,
    );
    if ((await createMember(ports, simulation, member.runDirectory, plan)) === 'created')
      created.push(simulation);
  });
  await publishSubmitted(ports, created);
  return { ensemble: await rollUp(ports, record, { limit: DEFAULT_MEMBER_PAGE }), replayed, batched: false };
}

/**
 * The ensemble item, CREATING, then each batch's members (as validated) in
 * the results bucket and one message a batch on the creation queue. A replay
 * of an unfinished creation (a crash after the item, a client that retried)
 * writes the batches not yet done again and sends them again: a batch is
 * idempotent, so nothing is created twice.
 */
async function startBatchedCreation(
  ports: EnsemblePorts,
  candidate: EnsembleRecord,
  prepared: readonly PreparedMember[],
  batchSize: number,
): Promise<{ ensemble: Ensemble; replayed: boolean }> {
  const creation = ports.creation;
  if (!creation) throw new Error('a batched ensemble creation needs the creation queue');
  const { record, replayed } = await createOrReplay(
    ports.ensembles,
    {
      ...candidate,
      creation: {
        status: 'CREATING',
        membersTotal: prepared.length,
        batchSize,
        startedAt: candidate.createdAt,
      },
    },
    'ensemble',
  );
  if (record.creation && record.creation.status !== 'COMPLETE') {
    const done = new Set(record.createdBatches ?? []);
    const batches = chunks(prepared, record.creation.batchSize)
      .map((members, batch) => ({ members, batch }))
      .filter(({ batch }) => !done.has(batch));
    await inBatches(batches, 8, async ({ members, batch }) => {
      await creation.batches.put({
        ensembleId: record.id,
        batch,
        members: members.map((m) => ({
          memberIndex: m.memberIndex,
          ...(m.label !== undefined ? { label: m.label } : {}),
          spec: m.spec as unknown as Record<string, unknown>,
        })),
      });
    });
    await creation.queue.send(batches.map(({ batch }) => ({ ensembleId: record.id, batch })));
  }
  if (!replayed) return { ensemble: summarize(record, [], { limit: DEFAULT_MEMBER_PAGE }), replayed };
  return { ensemble: await rollUp(ports, record, { limit: DEFAULT_MEMBER_PAGE }), replayed };
}

/** How far a batched creation is, as the API shows it. */
function creationView(record: EnsembleRecord): Ensemble['creation'] {
  const state = record.creation;
  if (!state) return undefined;
  const membersCreated = (record.createdBatches ?? []).reduce(
    (sum, batch) =>
      sum + Math.max(0, Math.min(state.batchSize, state.membersTotal - batch * state.batchSize)),
    0,
  );
  return {
    status: state.status,
    membersTotal: state.membersTotal,
    membersCreated: state.status === 'COMPLETE' ? state.membersTotal : membersCreated,
    batchSize: state.batchSize,
    startedAt: state.startedAt,
    ...(state.finishedAt !== undefined ? { finishedAt: state.finishedAt } : {}),
    ...(state.reason !== undefined ? { reason: state.reason } : {}),
    ...(state.heldWhenCreated ? { heldWhenCreated: true } : {}),
  };
}

/** The recommended option's expected cost of `members` runs of `spec`, in cents. */
export function ensembleEstimate(spec: ResolvedSimulationSpec, members: number): number | undefined {
  const estimate = estimateRun(spec);
  const option =
    estimate.options.find((o) => o.instanceType === estimate.recommended.instanceType) ?? estimate.options[0];
  return option ? Math.round(option.costUsd.expected * members * 100) / 100 : undefined;
}

// Shared with the results API's GET /ensembles/{id}/results.
export { loadVisibleEnsemble };

/** The current simulation of every member, in member-index order (undefined: not written yet). */
export async function loadMembers(
  repository: SubmissionPorts['repository'],
  record: EnsembleRecord,
): Promise<(Simulation | undefined)[]> {
  const ids = currentMemberIds(record);
  const found = new Map<string, Simulation>();
  await inBatches(chunks(ids, 100), 4, async (batch) => {
    for (const simulation of await repository.getMany(batch)) found.set(simulation.id, simulation);
  });
  return ids.map((id) => found.get(id));
}

function memberView(
  record: EnsembleRecord,
  index: number,
  simulation: Simulation | undefined,
): EnsembleMember {
  const id = currentMemberIds({ ...record, memberCount: index + 1 })[index]!;
  const label = record.labels[String(index)];
  return {
    memberIndex: index,
    simulationId: id,
    ...(label !== undefined ? { label } : {}),
    status: simulation?.status ?? 'PENDING',
    ...(simulation ? { progress: memberProgress(simulation) } : {}),
    ...(simulation?.cost ? { cost: simulation.cost } : {}),
  };
}

function memberProgress(simulation: Simulation): number {
  if (isTerminal(simulation.status)) return 100;
  return simulation.progress?.percent ?? 0;
}

/** The roll-up: counts by status, mean progress, cost sums, status, and a page of members. */
export function summarize(
  record: EnsembleRecord,
  members: readonly (Simulation | undefined)[],
  page: { offset?: number; limit: number; status?: SimulationStatus },
): Ensemble {
  const counts: Record<string, number> = {};
  let progress = 0;
  let finalUsd = 0;
  let accruedUsd = 0;
  let membersWithCost = 0;
  let billedUsd = 0;
  let membersReconciled = 0;
  // While a batched creation runs, members not written yet are neither counted nor listed.
  const creating = record.creation !== undefined && record.creation.status !== 'COMPLETE';
  members.forEach((simulation) => {
    if (creating && simulation === undefined) return;
    const status = simulation?.status ?? 'PENDING';
    counts[status] = (counts[status] ?? 0) + 1;
    progress += simulation ? memberProgress(simulation) : 0;
    if (simulation?.cost) {
      membersWithCost += 1;
      if (simulation.cost.kind === 'final') finalUsd += simulation.cost.totalUsd;
      else accruedUsd += simulation.cost.totalUsd;
      if (simulation.cost.billedUsd !== undefined) {
        membersReconciled += 1;
        billedUsd += simulation.cost.billedUsd;
      }
    }
  });
  const allTerminal =
    members.length === record.memberCount && members.every((s) => s !== undefined && isTerminal(s.status));
  const creation = creationView(record);
  const status =
    creation?.status === 'CREATING'
      ? 'CREATING'
      : creation?.status === 'FAILED'
        ? 'CREATION_FAILED'
        : !allTerminal
          ? 'ACTIVE'
          : counts['SUCCEEDED'] === members.length
            ? 'SUCCEEDED'
            : 'FAILED';
  const views = members
    .map((simulation, index) => (creating && !simulation ? undefined : memberView(record, index, simulation)))
    .filter((view): view is EnsembleMember => view !== undefined)
    .filter((view) => page.status === undefined || view.status === page.status);
  const offset = page.offset ?? 0;
  const shown = views.slice(offset, offset + page.limit);
  return {
    id: record.id,
    owner: record.owner,
    name: record.name,
    ...(record.description ? { description: record.description } : {}),
    createdAt: record.createdAt,
    sweepKind: record.sweepKind,
    memberCount: record.memberCount,
    hasBaseMember: record.hasBaseMember,
    ...(record.perturbationFactor !== undefined ? { perturbationFactor: record.perturbationFactor } : {}),
    status,
    ...(creation ? { creation } : {}),
    counts,
    progress: Math.round((progress / record.memberCount) * 10) / 10,
    cost: {
      finalUsd: Math.round(finalUsd * 1e4) / 1e4,
      accruedUsd: Math.round(accruedUsd * 1e4) / 1e4,
      membersWithCost,
      ...(membersReconciled > 0 ? { billedUsd: Math.round(billedUsd * 1e4) / 1e4, membersReconciled } : {}),
      ...(record.estimateUsd !== undefined ? { estimateUsd: record.estimateUsd } : {}),
    },
    members: shown,
    ...(offset + page.limit < views.length ? { nextCursor: String(offset + page.limit) } : {}),
  };
}

async function rollUp(
  ports: Pick<SubmissionPorts, 'repository'>,
  record: EnsembleRecord,
  page: { offset?: number; limit: number; status?: SimulationStatus },
): Promise<Ensemble> {
  return summarize(record, await loadMembers(ports.repository, record), page);
}

/** A members cursor as we issue it: the offset in the (filtered) member list. */
export function parseMemberCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^\d{1,5}$/.test(cursor)) {
    throw new ValidationError('the cursor is invalid', [
      { field: 'query.cursor', message: 'pass the nextCursor of the previous page' },
    ]);
  }
  return Number(cursor);
}

/** GET /ensembles/{id}[/members]'s query: status, limit (1 to 1,000), cursor. */
export function parseMembersQuery(raw: Record<string, string | undefined>): {
  cursor?: string;
  limit?: number;
  status?: SimulationStatus;
} {
  const issues: { field: string; message: string }[] = [];
  const { status, limit, cursor, ...rest } = raw;
  for (const key of Object.keys(rest))
    issues.push({ field: `query.${key}`, message: 'is not a parameter of this route' });
  if (status !== undefined && !(simulationStatusSchema.enum as readonly string[]).includes(status)) {
    issues.push({
      field: 'query.status',
      message: `must be one of ${simulationStatusSchema.enum.join(', ')}`,
    });
  }
  const pageSize = limit === undefined ? undefined : Number(limit);
  if (
    pageSize !== undefined &&
    !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= MAX_MEMBER_PAGE)
  ) {
    issues.push({ field: 'query.limit', message: `must be an integer from 1 to ${MAX_MEMBER_PAGE}` });
  }
  if (issues.length > 0) throw new ValidationError('query string is invalid', issues);
  return {
    ...(cursor !== undefined ? { cursor } : {}),
    ...(pageSize !== undefined ? { limit: pageSize } : {}),
    ...(status !== undefined ? { status: status as SimulationStatus } : {}),
  };
}

export async function getEnsemble(
  ports: Pick<EnsemblePorts, 'repository' | 'ensembles'>,
  caller: Caller,
  id: string,
  page: { cursor?: string; limit?: number; status?: SimulationStatus } = {},
): Promise<Ensemble> {
  const record = await loadVisibleEnsemble(ports.ensembles, caller, id);
  return rollUp(ports, record, {
    offset: parseMemberCursor(page.cursor),
    limit: page.limit ?? DEFAULT_MEMBER_PAGE,
    ...(page.status ? { status: page.status } : {}),
  });
}

/** POST /ensembles/{id}/cancel: every active member to CANCELLING (the platform's one cancel path). */
export async function cancelEnsemble(ports: EnsemblePorts, caller: Caller, id: string): Promise<Ensemble> {
  const record = await loadVisibleEnsemble(ports.ensembles, caller, id);
  if (record.creation?.status === 'CREATING') {
    // A batch landing after the cancel would create members no one cancelled.
    throw new ConflictError(
      `ensemble ${id} is being created; pause it now (its members then stay WAITING once created) and cancel it once created`,
    );
  }
  const members = await loadMembers(ports.repository, record);
  const who = caller.username ?? caller.userId;
  const active = members.filter(
    (s): s is Simulation => s !== undefined && !isTerminal(s.status) && s.status !== 'CANCELLING',
  );
  await inBatches(active, 8, async (simulation) => {
    try {
      await requestCancel(ports, {
        id: simulation.id,
        load: async () => (await ports.repository.get(simulation.id)) ?? simulation,
        source: Source.submission,
        reason: `ensemble ${record.id} cancelled by ${who}`,
        requestedBy: who,
      });
    } catch (err) {
      // It ended meanwhile: nothing to cancel.
      if (!(err instanceof ConflictError)) throw err;
    }
  });
  return rollUp(ports, record, { limit: DEFAULT_MEMBER_PAGE });
}

/** Runs a failed member again as its next attempt; the new simulation, or undefined when another retry won. */
async function retryMember(
  ports: EnsemblePorts,
  caller: Caller,
  record: EnsembleRecord,
  failed: Simulation,
): Promise<Simulation | undefined> {
  const memberIndex = failed.memberIndex!;
  const attempt = record.attempts[String(memberIndex)] ?? 1;
  const spec = storedSpec(failed);
  const now = ports.now();
  const last = failed.history.at(-1);
  const simulation = memberSimulation(
    record,
    { memberIndex, ...(failed.memberLabel !== undefined ? { label: failed.memberLabel } : {}), spec },
    memberSimulationId(record.id, memberIndex, attempt + 1),
    caller,
    now,
    `retry of member ${memberIndex} of ensemble ${record.id} (attempt ${attempt + 1}), replacing ${failed.id}, which ended ${failed.status}${last?.reason ? `: ${last.reason}` : ''}`,
    failed.id,
  );
  // The new attempt first, then the switch to it: a crash between leaves the
  // failed member current, and the next retry finds this attempt written ('exists').
  const outcome = await createMember(ports, simulation, buildRunDirectory(spec), inputPlanBody(spec, now));
  if (!(await ports.ensembles.recordRetry(record.id, memberIndex, attempt))) return undefined;
  if (outcome === 'created') await publishSubmitted(ports, [simulation]);
  return simulation;
}

/** POST /ensembles/{id}/retry: every FAILED or TIMED_OUT member again, each as its next attempt. */
export async function retryEnsemble(
  ports: EnsemblePorts,
  caller: Caller,
  id: string,
): Promise<{ ensemble: Ensemble; retried: string[] }> {
  let record = await loadVisibleEnsemble(ports.ensembles, caller, id);
  const failed = (await loadMembers(ports.repository, record)).filter(
    (s): s is Simulation => s !== undefined && RETRYABLE.has(s.status),
  );
  const retried: string[] = [];
  await inBatches(failed, 8, async (simulation) => {
    const next = await retryMember(ports, caller, record, simulation);
    if (next) retried.push(next.id);
  });
  record = (await ports.ensembles.get(record.id)) ?? record;
  return { ensemble: await rollUp(ports, record, { limit: DEFAULT_MEMBER_PAGE }), retried: retried.sort() };
}

/**
 * POST /simulations/{id}/retry: a FAILED or TIMED_OUT simulation run again. An
 * ensemble member becomes its member's next attempt; any other simulation a
 * new one with the same spec, `retryOf` naming it, and its id derived from the
 * failed one's, so a repeated request answers the same retry.
 */
export async function retrySimulation(
  ports: EnsemblePorts,
  limits: { maxActivePerOwner: number },
  caller: Caller,
  id: string,
): Promise<{ simulation: Simulation; replayed: boolean }> {
  const failed = await loadVisibleSimulation(ports.repository, caller, id);
  if (!RETRYABLE.has(failed.status)) {
    throw new ConflictError(
      `simulation ${id} is ${failed.status}; only FAILED or TIMED_OUT simulations can be retried`,
    );
  }
  if (failed.ensembleId !== undefined && failed.memberIndex !== undefined) {
    const record = await ports.ensembles.get(failed.ensembleId);
    if (!record) throw new NotFoundError(`ensemble ${failed.ensembleId} of simulation ${id} not found`);
    const attempt = record.attempts[String(failed.memberIndex)] ?? 1;
    const current = memberSimulationId(record.id, failed.memberIndex, attempt);
    if (current !== failed.id) {
      const existing = await ports.repository.get(current);
      if (existing) return { simulation: existing, replayed: true };
    }
    const next = await retryMember(ports, caller, record, failed);
    const simulation =
      next ?? (await ports.repository.get(memberSimulationId(record.id, failed.memberIndex, attempt + 1)));
    if (!simulation)
      throw new ConflictError(
        `member ${failed.memberIndex} of ensemble ${record.id} is being retried; try again`,
      );
    return { simulation, replayed: next === undefined };
  }
  return retryStandalone(ports, limits, caller, failed);
}

async function retryStandalone(
  ports: EnsemblePorts,
  limits: { maxActivePerOwner: number },
  caller: Caller,
  failed: Simulation,
): Promise<{ simulation: Simulation; replayed: boolean }> {
  const id = retrySimulationId(failed.id);
  const existing = await ports.repository.get(id);
  if (existing) return { simulation: existing, replayed: true };
  const spec = storedSpec(failed);
  const now = ports.now();
  await takeActiveSlot(ports, failed.owner, id, limits.maxActivePerOwner, now);
  const last = failed.history.at(-1);
  const simulation: Simulation = {
    ...buildSimulation(id, { ...caller, userId: failed.owner }, spec, now, undefined),
    retryOf: failed.id,
  };
  simulation.history[0]!.reason = `retry of ${failed.id}, which ended ${failed.status}${last?.reason ? `: ${last.reason}` : ''}`;
  await storeRunDirectory(ports.objects, id, spec, buildRunDirectory(spec), now);
  if (
    (await ports.repository.create(simulation, { requestFingerprint: requestFingerprint(spec) })) === 'exists'
  ) {
    return { simulation: (await ports.repository.get(id)) ?? simulation, replayed: true };
  }
  await publishSubmitted(ports, [simulation]);
  return { simulation, replayed: false };
}

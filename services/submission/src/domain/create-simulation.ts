import {
  BudgetExhaustedError,
  IdempotencyMismatchError,
  LimitExceededError,
  ValidationError,
} from '#shared/kernel/errors.js';
import { exhaustedBudget, monthOf } from '#shared/kernel/repository/budgets.js';
import { simulationSubmitted } from '#shared/kernel/events/catalog.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { estimateRun } from '#shared/science/estimate/estimate-run.js';
import { storedSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import { idempotentSimulationId, newSimulationId, requestFingerprint } from './ids.js';
import type { CreateSimulationPorts, SubmissionPorts } from './ports.js';
import { buildRunDirectory, storeRunDirectory } from './run-directory.js';
import { checkCostLimit, validateSubmission } from './validate-submission.js';
import { checkSlurmSite } from './sites-api.js';

export interface CreateSimulationRequest {
  caller: Caller;
  body: unknown;
  idempotencyKey?: string;
}

export interface CreateSimulationResult {
  simulation: Simulation;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationError('Idempotency-Key header is invalid', [
      {
        field: 'header.Idempotency-Key',
        message: 'must be 1 to 255 visible ASCII characters (a UUID is a good choice)',
      },
    ]);
  }
}

async function replay(
  ports: Pick<SubmissionPorts, 'repository'>,
  id: string,
  fingerprint: string,
): Promise<CreateSimulationResult | undefined> {
  const existing = await ports.repository.getWithInternals(id);
  if (!existing) return undefined;
  if (existing.requestFingerprint !== fingerprint) {
    throw new IdempotencyMismatchError(
      'this Idempotency-Key was already used with a different simulation spec; use a new key for a new simulation',
    );
  }
  return { simulation: existing.simulation, replayed: true };
}

/**
 * A concurrent request with the same Idempotency-Key but another spec may have
 * written its run directory over the winner's before losing the race to create
 * the item: write the winner's back (every write of both happened before the
 * loser found the item, so nothing overwrites this one).
 */
async function restoreWinnersRunDirectory(ports: CreateSimulationPorts, id: string): Promise<void> {
  const winner = await ports.repository.get(id);
  if (!winner) return;
  const spec = storedSpec(winner);
  await storeRunDirectory(ports.objects, id, spec, buildRunDirectory(spec), new Date(winner.createdAt));
}

export function buildSimulation(
  id: string,
  caller: Caller,
  spec: ResolvedSimulationSpec,
  createdAt: Date,
  idempotencyKey: string | undefined,
): Simulation {
  const now = createdAt.toISOString();
  return {
    id,
    owner: caller.userId,
    name: spec.name,
    status: 'PENDING',
    version: 1,
    createdAt: now,
    updatedAt: now,
    backend: spec.compute.backend,
    spec,
    history: [{ at: now, from: null, to: 'PENDING', reason: 'submitted' }],
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

export async function checkBudgets(
  budgets: NonNullable<CreateSimulationPorts['budgets']>,
  owner: string,
  spec: ResolvedSimulationSpec,
  now: Date,
): Promise<void> {
  const month = monthOf(now);
  const exhausted = await exhaustedBudget(budgets, owner, spec.tags, month);
  if (!exhausted) return;
  const { definition, spentUsd } = exhausted;
  throw new BudgetExhaustedError(
    `the budget ${definition.budget} is spent for ${month}: $${spentUsd.toFixed(2)} of its $${definition.limitUsd} limit; new simulations it covers are refused until next month, a higher limit (PUT /budgets) or "alertOnly"`,
    definition.budget,
    definition.limitUsd,
    Math.round(spentUsd * 100) / 100,
  );
}

/** A platform without a site store knows no Slurm site: a slurm spec is refused, naming compute.site. */
const NO_SITES = { get: () => Promise.resolve(undefined) };
/**
 * Takes one of the owner's active slots for `id` (exact: a conditional write,
 * not a count), or refuses with 429 naming the limit and the count.
 */
export async function takeActiveSlot(
  ports: Pick<SubmissionPorts, 'repository'>,
  owner: string,
  id: string,
  limit: number,
  now: Date,
): Promise<void> {
  const slot = await ports.repository.reserveActiveSlot({ owner, id, limit, nowMs: now.getTime() });
  if (!slot.reserved) {
    throw new LimitExceededError(
      `you have ${slot.active} active simulations; the limit is ${limit}. Wait for some to finish or cancel them`,
      limit,
      slot.active,
    );
  }
}

export async function createSimulation(
  ports: CreateSimulationPorts,
  limits: { maxActivePerOwner: number; localBackendEnabled: boolean },
  request: CreateSimulationRequest,
): Promise<CreateSimulationResult> {
  const { caller, body, idempotencyKey } = request;
  checkIdempotencyKey(idempotencyKey);
  const { spec } = validateSubmission(body, limits);
  if (spec.maxCostUsd !== undefined) checkCostLimit(spec, estimateRun(spec));
  if (ports.budgets) await checkBudgets(ports.budgets, caller.userId, spec, ports.now());
  await checkSlurmSite(spec, ports.sites ?? NO_SITES);
  const fingerprint = requestFingerprint(spec);
  const id = idempotencyKey ? idempotentSimulationId(caller.userId, idempotencyKey) : newSimulationId();

  if (idempotencyKey) {
    const earlier = await replay(ports, id, fingerprint);
    if (earlier) return earlier;
  }

  // The slot first, exactly (a conditional write, not a count): parallel
  // requests cannot all pass a limit they each read as not reached.
  const createdAt = ports.now();
  await takeActiveSlot(ports, caller.userId, id, limits.maxActivePerOwner, createdAt);

  // Before the item exists: the poller may submit its job as soon as it does.
  const simulation = buildSimulation(id, caller, spec, createdAt, idempotencyKey);
  try {
    await storeRunDirectory(ports.objects, id, spec, buildRunDirectory(spec), createdAt);
  } catch (err) {
    // No item will exist: give the slot back. (Were this lost too, the slot
    // would be reclaimed once its reservation is older than the grace period.)
    await ports.repository.releaseActiveSlot(caller.userId, id).catch(() => undefined);
    throw err;
  }
  // A failed put keeps its slot: the item may exist all the same (a timeout
  // after DynamoDB applied it), and a refused reservation reclaims the slot
  // once the grace period shows the item never came.
  const outcome = await ports.repository.create(simulation, { requestFingerprint: fingerprint });
  if (outcome === 'exists') {
    // Lost a race with a concurrent retry of the same keyed request (whose slot
    // is the same id: it stays the winner's).
    try {
      const earlier = await replay(ports, id, fingerprint);
      if (earlier) return earlier;
    } catch (err) {
      if (err instanceof IdempotencyMismatchError) await restoreWinnersRunDirectory(ports, id);
      throw err;
    }
  }

  try {
    await ports.publisher.publish([
      simulationSubmitted({
        simulationId: id,
        owner: caller.userId,
        name: spec.name,
        backend: spec.compute.backend,
        simulationType: spec.simulation.type,
        resolution: spec.grid.resolution,
        submittedAt: simulation.createdAt,
        ...(spec.maxCostUsd !== undefined ? { maxCostUsd: spec.maxCostUsd } : {}),
      }),
    ]);
  } catch (err) {
    // The simulation is stored as PENDING and on the StatusIndex: the finder will
    // still hand it to the poller, so a lost event delays it but loses nothing.
    ports.onPublishFailure?.(err, id);
  }
  return { simulation, replayed: false };
}

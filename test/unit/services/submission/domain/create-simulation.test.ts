import { describe, expect, it } from '@jest/globals';
import { createSimulation } from '#services/submission/src/domain/create-simulation.js';
import type { CreateSimulationPorts, PutObjectInput } from '#services/submission/src/domain/ports.js';
import { BudgetExhaustedError, IdempotencyMismatchError, ValidationError } from '#shared/kernel/errors.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import { requestFingerprint } from '#services/submission/src/domain/ids.js';
import { exampleSpec } from '#test/helpers/specs.js';

const caller = { userId: 'u1', groups: [], isAdmin: false };
const limits = { maxActivePerOwner: 20, localBackendEnabled: true };
const NOW = new Date('2026-11-22T00:00:00Z');

interface World {
  ports: CreateSimulationPorts;
  /** Every write, in order: `put <key>` and `create <id>`. */
  log: string[];
  /** Objects in the bucket, by key (last write wins). */
  bucket: Map<string, PutObjectInput>;
  items: Map<string, { simulation: Simulation; requestFingerprint: string }>;
  published: { detailType: string }[];
}

/** An in-memory table and bucket with only what createSimulation calls; anything else fails loudly. */
function world(options: { publishFails?: boolean; putFails?: boolean } = {}): World {
  const log: string[] = [];
  const bucket = new Map<string, PutObjectInput>();
  const items = new Map<string, { simulation: Simulation; requestFingerprint: string }>();
  const published: { detailType: string }[] = [];
  const repository = {
    reserveActiveSlot: async () => ({ reserved: true }),
    releaseActiveSlot: async () => undefined,
    get: async (id: string) => items.get(id)?.simulation,
    getWithInternals: async (id: string) => items.get(id),
    create: async (simulation: Simulation, internals: { requestFingerprint: string }) => {
      if (items.has(simulation.id)) return 'exists' as const;
      log.push(`create ${simulation.id}`);
      items.set(simulation.id, { simulation, requestFingerprint: internals.requestFingerprint });
      return 'created' as const;
    },
  } as unknown as SimulationRepository;
  return {
    log,
    bucket,
    items,
    published,
    ports: {
      repository,
      publisher: {
        publish: async (events) => {
          if (options.publishFails) throw new Error('EventBridge is down');
          published.push(...(events as { detailType: string }[]));
        },
      },
      objects: {
        putObject: async (input) => {
          if (options.putFails) throw new Error('S3 is down');
          log.push(`put ${input.key}`);
          bucket.set(input.key, input);
        },
      },
      now: () => NOW,
    },
  };
}

function resolved(body: unknown) {
  const result = validateSimulationSpec(body);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

describe('creating a simulation', () => {
  it('refuses the local backend where jobs cannot run locally, naming the field', async () => {
    const w = world();
    const attempt = createSimulation(
      w.ports,
      { ...limits, localBackendEnabled: false },
      { caller, body: exampleSpec() },
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ issues: [{ field: 'compute.backend' }] });
    expect(w.log).toEqual([]);
  });

  it('refuses a spec whose estimate low end already exceeds maxCostUsd, naming the field and the low end', async () => {
    const w = world();
    // The issue's case: ten years of full chemistry on 2x2.5 against a $50 limit
    const body = {
      ...exampleSpec(),
      simulation: { type: 'fullchem' },
      grid: { resolution: '2x2.5' },
      period: { start: '2015-01-01T00:00:00Z', end: '2025-01-01T00:00:00Z' },
      compute: { backend: 'aws-batch', vcpus: 16, memoryMiB: 16_384, maxRuntimeMinutes: 20_160 },
      maxCostUsd: 50,
    };
    const attempt = createSimulation(w.ports, limits, { caller, body });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    const err = (await attempt.catch((e: unknown) => e)) as ValidationError;
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.field).toBe('maxCostUsd');
    expect(err.issues[0]!.message).toMatch(
      /^even the low end of the estimate \(\$[\d,.]+ on \S+, expected \$[\d.]+\) exceeds the \$50 limit/,
    );
    expect(w.log).toEqual([]);
    // Within reach of the limit's low end, it is accepted
    const fits = await createSimulation(w.ports, limits, { caller, body: { ...body, maxCostUsd: 100_000 } });
    expect(fits.simulation.status).toBe('PENDING');
  });

  it('refuses a new run with 403 naming the budget, its limit and its spend when a budget covering it is spent, unless alert only', async () => {
    const w = world();
    const definition = (alertOnly: boolean) => ({
      budget: 'tag:project=ozone',
      tag: 'project=ozone',
      limitUsd: 50,
      thresholds: [50, 80, 100],
      alertOnly,
      updatedAt: NOW.toISOString(),
      updatedBy: 'root',
    });
    const budgets = (alertOnly: boolean) => ({
      definitions: async () => new Map([['tag:project=ozone', definition(alertOnly)]]),
      spend: async (keys: string[], month: string) => {
        expect(month).toBe('2026-11');
        return new Map(keys.map((key) => [key, { spentUsd: 50.25, crossed: {} }]));
      },
    });
    const body = { ...exampleSpec(), tags: { project: 'ozone' } };
    const attempt = createSimulation({ ...w.ports, budgets: budgets(false) }, limits, { caller, body });
    await expect(attempt).rejects.toBeInstanceOf(BudgetExhaustedError);
    await expect(attempt).rejects.toMatchObject({ budget: 'tag:project=ozone', limit: 50, current: 50.25 });
    await expect(attempt).rejects.toThrow(
      /budget tag:project=ozone is spent for 2026-11: \$50\.25 of its \$50 limit/,
    );
    expect(w.log).toEqual([]);
    // Runs the budget does not cover, and alert-only budgets, pass
    const untagged = await createSimulation({ ...w.ports, budgets: budgets(false) }, limits, {
      caller,
      body: exampleSpec(),
    });
    expect(untagged.simulation.status).toBe('PENDING');
    const alerted = await createSimulation({ ...w.ports, budgets: budgets(true) }, limits, { caller, body });
    expect(alerted.simulation.status).toBe('PENDING');
  });

  it('stores a PENDING simulation and publishes Simulation Submitted', async () => {
    const w = world();
    const result = await createSimulation(w.ports, limits, { caller, body: exampleSpec() });
    expect(result.simulation).toMatchObject({ status: 'PENDING', owner: 'u1', version: 1 });
    expect(w.published.map((e) => e.detailType)).toEqual(['Simulation Submitted']);
  });

  it('still accepts the simulation when the event cannot be published (the finder will find it)', async () => {
    const w = world({ publishFails: true });
    const failures: string[] = [];
    const result = await createSimulation(
      { ...w.ports, onPublishFailure: (_err: unknown, id: string) => void failures.push(id) },
      limits,
      { caller, body: exampleSpec() },
    );
    expect(result.simulation.status).toBe('PENDING');
    expect(failures).toEqual([result.simulation.id]);
  });
});

describe('the run directory stored at submission', () => {
  it('writes every generated file under simulations/<id>/rundir/ before the item exists', async () => {
    const w = world();
    const { simulation } = await createSimulation(w.ports, limits, { caller, body: exampleSpec() });
    const expected = generateRunDirectory(resolved(exampleSpec()));
    const prefix = `simulations/${simulation.id}/rundir/`;
    for (const [name, content] of Object.entries(expected.files)) {
      expect(w.bucket.get(`${prefix}${name}`)?.body).toBe(content);
    }
    expect(w.log.at(-1)).toBe(`create ${simulation.id}`);
    expect(w.log.slice(0, -1).sort()).toEqual(
      [...Object.keys(expected.files), 'gcr-inputs.json', 'gcr-rundir.json']
        .map((name) => `put ${prefix}${name}`)
        .sort(),
    );
  });

  it('writes gcr-rundir.json with the name, assumptions, generation time and resolved spec', async () => {
    const w = world();
    const { simulation } = await createSimulation(w.ports, limits, { caller, body: exampleSpec() });
    const manifest = w.bucket.get(`simulations/${simulation.id}/rundir/gcr-rundir.json`)!;
    expect(manifest.contentType).toBe('application/json');
    const expected = generateRunDirectory(resolved(exampleSpec()));
    expect(JSON.parse(manifest.body)).toEqual({
      name: expected.name,
      assumptions: expected.assumptions,
      generatedAt: NOW.toISOString(),
      spec: simulation.spec,
    });
  });

  it('creates no simulation when the run directory cannot be stored', async () => {
    const w = world({ putFails: true });
    await expect(createSimulation(w.ports, limits, { caller, body: exampleSpec() })).rejects.toThrow(
      'S3 is down',
    );
    expect(w.items.size).toBe(0);
    expect(w.published).toEqual([]);
  });

  it('replays a keyed request without writing the run directory again', async () => {
    const w = world();
    const first = await createSimulation(w.ports, limits, {
      caller,
      body: exampleSpec(),
      idempotencyKey: 'key-1',
    });
    const writes = w.log.length;
    const again = await createSimulation(w.ports, limits, {
      caller,
      body: exampleSpec(),
      idempotencyKey: 'key-1',
    });
    expect(again).toMatchObject({ replayed: true, simulation: { id: first.simulation.id } });
    expect(w.log).toHaveLength(writes);
  });

  it("puts the winner's run directory back when a keyed request with another spec loses the race", async () => {
    const w = world();
    const winnerBody = exampleSpec();
    const loserBody = { ...exampleSpec(), name: 'another spec with the same key' };
    const winner = await createSimulation(w.ports, limits, {
      caller,
      body: winnerBody,
      idempotencyKey: 'raced',
    });
    const id = winner.simulation.id;
    const stored = w.items.get(id)!;
    // The loser checked for the key before the winner's item existed.
    let hidden = true;
    const racing: CreateSimulationPorts = {
      ...w.ports,
      repository: {
        ...w.ports.repository,
        getWithInternals: async (key: string) => {
          if (hidden) {
            hidden = false;
            return undefined;
          }
          return w.items.get(key);
        },
      } as unknown as SimulationRepository,
    };
    const attempt = createSimulation(racing, limits, { caller, body: loserBody, idempotencyKey: 'raced' });
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyMismatchError);
    expect(stored.requestFingerprint).toBe(requestFingerprint(resolved(winnerBody)));
    const manifest = JSON.parse(w.bucket.get(`simulations/${id}/rundir/gcr-rundir.json`)!.body);
    expect(manifest.spec.name).toBe(winnerBody['name']);
    expect(manifest.generatedAt).toBe(winner.simulation.createdAt);
  });
});

/**
 * GET /ensembles/{id}/results: PENDING with the reason while the ensemble is
 * not aggregated (members active), PROCESSING and FAILED from the
 * aggregation's state, READY with the manifest and one presigned link per
 * product; another owner's ensemble is a 404 like a missing one.
 */
import { describe, expect, it } from '@jest/globals';
import {
  getEnsembleResults,
  type EnsembleResultsPorts,
} from '#services/results-processor/src/domain/api/ensemble-results.js';
import { NotFoundError } from '#shared/kernel/errors.js';
import type { AggregationState, EnsembleRecord } from '#shared/kernel/repository/ensembles.js';
import { validatorFor } from '#schemas/validator.js';

const isEnsembleResults = validatorFor('https://gcr.dev/schemas/api/ensemble-results.schema.json');

const ID = 'ens_0123456789abcdefghjkmnpqrs';
const alice = { userId: 'alice', username: 'alice', groups: [], isAdmin: false };
const bob = { userId: 'bob', groups: [], isAdmin: false };

function ports(aggregation?: AggregationState): EnsembleResultsPorts {
  const record: EnsembleRecord = {
    id: ID,
    owner: 'alice',
    name: 'sweep',
    description: '',
    createdAt: '2026-01-01T00:00:00Z',
    sweepKind: 'perturbation',
    memberCount: 3,
    hasBaseMember: true,
    attempts: {},
    labels: {},
    ...(aggregation ? { aggregation } : {}),
  };
  const objects: Record<string, { size: number; contentType: string }> = {
    [`ensembles/${ID}/manifest.json`]: { size: 300, contentType: 'application/json' },
    [`ensembles/${ID}/metrics.csv`]: { size: 120, contentType: 'text/csv; charset=utf-8' },
    [`ensembles/${ID}/jacobian.nc4`]: { size: 48_000, contentType: 'application/x-netcdf' },
  };
  return {
    ensembles: { get: async (id) => (id === ID ? record : undefined) },
    repository: { get: async () => undefined },
    store: {
      getJson: async (key) =>
        key.endsWith('manifest.json') ? { memberCount: 3, counts: { SUCCEEDED: 3 } } : undefined,
      head: async (key) => objects[key],
      listKeys: async () => [],
      presignGet: async (key, ttl) => `https://signed.example/${key}?ttl=${ttl}`,
      download: async () => false,
      put: async () => undefined,
    },
    now: () => new Date('2026-01-02T00:00:00Z'),
    urlTtlSeconds: 900,
  };
}

describe('GET /ensembles/{id}/results', () => {
  it('answers PENDING with the reason while the ensemble is not aggregated', async () => {
    const answer = await getEnsembleResults(ports(), alice, ID);
    expect(answer).toMatchObject({ ensembleId: ID, status: 'PENDING', files: [] });
    expect(answer.reason).toMatch(/every member has ended/);
    expect(isEnsembleResults(answer)).toBe(true);
  });

  it('answers PROCESSING and FAILED from the aggregation', async () => {
    const running = await getEnsembleResults(
      ports({ status: 'PROCESSING', startedAt: '2026-01-02T00:00:00Z', leaseUntil: 0 }),
      alice,
      ID,
    );
    expect(running.status).toBe('PROCESSING');
    const failed = await getEnsembleResults(
      ports({ status: 'FAILED', finishedAt: '2026-01-02T00:00:00Z', reason: 'no member has results' }),
      alice,
      ID,
    );
    expect(failed).toMatchObject({ status: 'FAILED', reason: 'no member has results' });
  });

  it('answers READY with the manifest and a link per product that exists', async () => {
    const answer = await getEnsembleResults(
      ports({
        status: 'READY',
        finishedAt: '2026-01-02T00:00:00Z',
        products: ['metrics.csv', 'metrics.json', 'jacobian.nc4'],
      }),
      alice,
      ID,
    );
    expect(answer.status).toBe('READY');
    expect(answer.manifest).toEqual({ memberCount: 3, counts: { SUCCEEDED: 3 } });
    expect(answer.files).toEqual([
      {
        key: 'metrics.csv',
        url: `https://signed.example/ensembles/${ID}/metrics.csv?ttl=900`,
        expiresAt: '2026-01-02T00:15:00.000Z',
        size: 120,
        contentType: 'text/csv; charset=utf-8',
      },
      expect.objectContaining({ key: 'jacobian.nc4', size: 48_000 }),
      expect.objectContaining({ key: 'manifest.json' }),
    ]);
    expect(isEnsembleResults(answer)).toBe(true);
  });

  it("answers 404 for another owner's ensemble, a missing one and an id that is none", async () => {
    for (const [caller, id] of [
      [bob, ID],
      [alice, 'ens_zzzzzzzzzzzzzzzzzzzzzzzzzz'],
      [alice, 'sim_0123456789abcdefghjkmnpqrs'],
    ] as const) {
      await expect(getEnsembleResults(ports(), caller, id)).rejects.toThrow(NotFoundError);
    }
  });
});

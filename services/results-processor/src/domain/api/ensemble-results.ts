import type { Caller } from '#shared/kernel/http/identity.js';
import type { EnsembleStore } from '#shared/kernel/repository/ensembles.js';
import { loadVisibleEnsemble } from '#shared/kernel/repository/visible-group.js';
import { EnsemblePaths, ensembleKey } from '#shared/kernel/storage/bucket-layout.js';
import type { EnsembleResults, ResultFileLink } from '#schemas/generated/types.js';
import type { ResultsApiPorts } from './ports.js';

export interface EnsembleResultsPorts extends ResultsApiPorts {
  ensembles: Pick<EnsembleStore, 'get'>;
  /** How long a download link lives. */
  urlTtlSeconds: number;
}

const NOT_AGGREGATED =
  'not aggregated yet: the aggregation runs once every member has ended and every succeeded member has its results (a retried member starts it again)';

/**
 * GET /ensembles/{id}/results: the aggregation's state (the ensemble item's
 * `aggregation`, written by the results processor's aggregation) and, once
 * READY, its manifest and a presigned link per product. Not ready is a 200
 * with status PENDING and the reason, as GET /simulations/{id}/results
 * answers, so a client polls one route until READY. Another owner's ensemble
 * is a 404 like a missing one.
 */
export async function getEnsembleResults(
  ports: EnsembleResultsPorts,
  caller: Caller,
  id: string,
): Promise<EnsembleResults> {
  const record = await loadVisibleEnsemble(ports.ensembles, caller, id);
  const aggregation = record.aggregation;
  if (!aggregation) return { ensembleId: id, status: 'PENDING', reason: NOT_AGGREGATED, files: [] };
  if (aggregation.status === 'PROCESSING') {
    return {
      ensembleId: id,
      status: 'PROCESSING',
      reason: 'the aggregation is running',
      updatedAt: aggregation.startedAt,
      files: [],
    };
  }
  if (aggregation.status === 'FAILED') {
    return {
      ensembleId: id,
      status: 'FAILED',
      reason: aggregation.reason,
      updatedAt: aggregation.finishedAt,
      files: [],
    };
  }
  const names = [...new Set([...aggregation.products, EnsemblePaths.manifest])];
  const issuedAt = ports.now();
  const expiresAt = new Date(issuedAt.getTime() + ports.urlTtlSeconds * 1000).toISOString();
  const [manifest, ...files] = await Promise.all([
    ports.store.getJson(ensembleKey(id, EnsemblePaths.manifest)),
    ...names.map(async (name): Promise<ResultFileLink | undefined> => {
      const key = ensembleKey(id, name);
      const head = await ports.store.head(key);
      if (!head) return undefined;
      return {
        key: name,
        url: await ports.store.presignGet(key, ports.urlTtlSeconds),
        expiresAt,
        size: head.size,
        ...(head.contentType ? { contentType: head.contentType } : {}),
      };
    }),
  ]);
  return {
    ensembleId: id,
    status: 'READY',
    updatedAt: aggregation.finishedAt,
    ...(manifest && typeof manifest === 'object' && !Array.isArray(manifest)
      ? { manifest: manifest as Record<string, unknown> }
      : {}),
    files: files.filter((f): f is ResultFileLink => f !== undefined),
  };
}

import { NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type { ResultFileLink } from '#schemas/generated/types.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import {
  parseComparisonPath,
  simulationPrefix,
  SimulationPaths,
} from '#shared/kernel/storage/bucket-layout.js';
import { asManifest } from './documents.js';
import type { ResultsApiPorts } from './ports.js';

const MAX_KEY_LENGTH = 1024;
/** Characters of the keys the platform writes (GEOS-Chem file names, collections, variables). */
const SEGMENT = /^[A-Za-z0-9._+=,@-]+$/;

function refuse(message: string): never {
  throw new ValidationError(`file key is not valid: ${message}`, [{ field: 'path.key', message }]);
}

/**
 * The key of a file relative to `simulations/<id>/`, refused unless it is
 * plainly inside that prefix. The gateway has decoded the path once; anything
 * still percent-encoded is an attempt to smuggle characters past that decoding
 * (`%2e%2e`, `%2f`), so it is refused too, with what it decodes to in mind.
 */
export function parseResultKey(raw: string): string {
  if (raw.length === 0) refuse('is required');
  if (raw.length > MAX_KEY_LENGTH) refuse(`must be at most ${MAX_KEY_LENGTH} characters`);
  let decoded = raw;
  for (let i = 0; i < 3 && decoded.includes('%'); i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      refuse('contains a malformed percent-encoding');
    }
  }
  for (const candidate of [raw, decoded]) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(candidate)) refuse('must not contain control characters');
    if (candidate.includes('\\')) refuse('must not contain backslashes');
    if (candidate.startsWith('/')) refuse('must be relative to the simulation, not absolute');
    const segments = candidate.split('/');
    if (segments.some((s) => s === '..' || s === '.'))
      refuse('must not contain "." or ".." segments (it would leave the simulation)');
    if (segments.some((s) => s === '')) refuse('must not contain empty segments ("//" or a trailing "/")');
  }
  if (decoded !== raw) refuse('must not be percent-encoded twice (send the key encoded once)');
  if (!raw.split('/').every((s) => SEGMENT.test(s)))
    refuse('may only contain letters, digits and . _ + = , @ - between slashes');
  return raw;
}

/**
 * A stored comparison's files show the development run too: an admin's
 * comparison across owners is served to admins only, and any comparison only
 * to callers who may see its development run (this also covers comparisons an
 * admin stored under `results/comparisons/` before they had their own place).
 * Refused exactly like a missing file.
 */
async function checkComparisonAccess(
  ports: ResultsApiPorts,
  caller: Caller,
  key: string,
  notFound: () => never,
): Promise<void> {
  const comparison = parseComparisonPath(key);
  if (!comparison) return;
  if (comparison.crossOwner && !caller.isAdmin) notFound();
  try {
    await loadVisibleSimulation(ports.repository, caller, comparison.devId, 'path.key');
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
}

/**
 * GET /simulations/{id}/results/files/{key+}: a presigned GET URL for an
 * output listed in the manifest or a file under results/ (previews, surface
 * means, comparisons, the manifest itself). Anything else, or a file that is
 * not there, is a 404.
 */
export async function getResultFile(
  ports: ResultsApiPorts & { urlTtlSeconds: number },
  caller: Caller,
  id: string,
  rawKey: string,
): Promise<ResultFileLink> {
  const key = parseResultKey(rawKey);
  await loadVisibleSimulation(ports.repository, caller, id);
  const base = simulationPrefix(id);
  const notFound = (): never => {
    throw new NotFoundError(`simulation ${id} has no result file ${key}`);
  };
  await checkComparisonAccess(ports, caller, key, notFound);

  let sha256: string | undefined;
  if (!key.startsWith(SimulationPaths.results)) {
    const manifest = asManifest(await ports.store.getJson(base + SimulationPaths.manifest));
    const entry = manifest?.files.find((f) => f.key === key);
    if (!entry) notFound();
    sha256 = entry!.sha256;
  }
  const head = await ports.store.head(base + key);
  if (!head) notFound();

  const issuedAt = ports.now();
  const url = await ports.store.presignGet(base + key, ports.urlTtlSeconds);
  return {
    key,
    url,
    expiresAt: new Date(issuedAt.getTime() + ports.urlTtlSeconds * 1000).toISOString(),
    size: head!.size,
    ...(sha256 ? { sha256 } : {}),
    ...(head!.contentType ? { contentType: head!.contentType } : {}),
  };
}

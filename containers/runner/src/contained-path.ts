/**
 * Where an S3 key becomes a file: the one check that it stays inside the
 * directory it belongs to (shared/science/run/contained-path.ts); a key that
 * leaves it is the runner's configuration error.
 */
import path from 'node:path';
import { resolveInside } from '#shared/science/run/contained-path.js';
import { ConfigurationError } from './failures.js';

/** A key that would put a file outside its directory: exit 78, never retried. */
export class UnsafePathError extends ConfigurationError {
  constructor(what: string, relative: string, root: string) {
    super(`${what} "${relative}" leaves ${root}; refused`);
    this.name = 'UnsafePathError';
  }
}

/**
 * The absolute path of `relative` under `root`, or an UnsafePathError when it
 * would be `root` itself or anywhere outside it (`..`, an absolute path, a NUL).
 */
export function containedPath(root: string, relative: string, what: string): string {
  const resolved = resolveInside(root, relative);
  if (resolved === undefined) throw new UnsafePathError(what, relative, path.resolve(root));
  return resolved;
}

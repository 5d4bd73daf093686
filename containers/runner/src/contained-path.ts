/**
 * Where an S3 key becomes a file: the one check that it stays inside the
 * directory it belongs to. Keys come from listings (a prefix of the public
 * input bucket, the run directory under the results bucket) and S3 allows any
 * bytes in a key, `../` included: joined naively, `CHEM_INPUTS/x/../../../etc/y`
 * would write outside the data root.
 */
import path from 'node:path';
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
  const base = path.resolve(root);
  const resolved = path.resolve(base, relative);
  const inside = path.relative(base, resolved);
  if (
    relative.includes('\0') ||
    path.isAbsolute(relative) ||
    inside === '' ||
    inside === '..' ||
    inside.startsWith(`..${path.sep}`) ||
    path.isAbsolute(inside)
  ) {
    throw new UnsafePathError(what, relative, base);
  }
  return resolved;
}

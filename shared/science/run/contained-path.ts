/**
 * Where a key (an S3 key, a listed input, a presigned download's path) becomes
 * a file: the one check that it stays inside the directory it belongs to. Keys
 * may hold any bytes, `../` included: joined naively,
 * `CHEM_INPUTS/x/../../../etc/y` would write outside the data root. Each
 * caller turns a refusal into its own failure.
 */
import path from 'node:path';

/**
 * The absolute path of `relative` under `root`, or undefined when it would be
 * `root` itself or anywhere outside it (`..`, an absolute path, a NUL).
 */
export function resolveInside(root: string, relative: string): string | undefined {
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
    return undefined;
  }
  return resolved;
}

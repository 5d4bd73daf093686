/**
 * Checks a run's listed inputs against a directory that already holds them
 * (the job runner's GCR_INPUTS_FROM_DIR, a Slurm site's ExtData root): every
 * listed file there at its listed size, every listed prefix's directory there.
 * Answers the problems in words; the caller decides what failure that is.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { InputEntry } from './inputs-list.js';

export interface LocalInputCheck {
  files: number;
  bytes: number;
  /** One entry per unusable input, e.g. `GEOS_4x5/x.nc4 (missing)`; empty when all are there. */
  problems: string[];
}

/**
 * `contain(dir, relative, what)` turns a listed path into the file's absolute
 * path, refusing (throwing) one that leaves `dir`: each caller's own refusal.
 */
export async function checkInputsInDirectory(
  dir: string,
  entries: readonly InputEntry[],
  contain: (root: string, relative: string, what: string) => string,
): Promise<LocalInputCheck> {
  const problems: string[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const file = contain(dir, entry.path, `input ${entry.path}`);
    if (entry.prefix) {
      // A key prefix: its directory (or, for a partial name, the directory holding it) must be there.
      const directory = entry.path.endsWith('/') ? file : path.dirname(file);
      if ((await stat(directory).catch(() => undefined))?.isDirectory() !== true) {
        problems.push(`${entry.path} (missing)`);
      }
      continue;
    }
    const size = await fileSize(file);
    if (size === undefined) problems.push(`${entry.path} (missing)`);
    else if (entry.size !== undefined && size !== entry.size)
      problems.push(`${entry.path} (${size} bytes, listed ${entry.size})`);
    else bytes += size;
  }
  return { files: entries.length, bytes, problems };
}

/** The size of a regular file, or undefined when there is none. */
export async function fileSize(file: string): Promise<number | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Files the model opens in the run directory rather than under the data root
 * (the default restart: HEMCO_Config.rc reads GC_RESTART from
 * ./Restarts/GEOSChem.Restart.<start>_<hhmm>z.nc4). They are staged under the
 * data root like every input and then linked where the model looks. A file
 * already in the run directory (a restart stored with the run) is kept.
 */
import { lstat, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { InputEntry } from './inputs-list.js';

/**
 * Links each entry that names a runDirectoryPath; returns the run-directory
 * paths it linked. `containedPath(root, relative, what)` resolves a path under
 * its root and throws the caller's own failure for one that leaves it.
 */
export async function linkIntoRunDirectory(
  workDir: string,
  dataRoot: string,
  entries: readonly InputEntry[],
  containedPath: (root: string, relative: string, what: string) => string,
): Promise<string[]> {
  const linked: string[] = [];
  for (const entry of entries) {
    if (entry.runDirectoryPath === undefined) continue;
    const target = containedPath(workDir, entry.runDirectoryPath, 'runDirectoryPath');
    if (await exists(target)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await symlink(containedPath(dataRoot, entry.path, `input ${entry.path}`), target);
    linked.push(entry.runDirectoryPath);
  }
  return linked;
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

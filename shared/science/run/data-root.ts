/**
 * Points a run directory at the data root the inputs were staged to (or, on a
 * Slurm site, the site's ExtData root).
 * The generated configuration names the container's data root (/ExtData) in
 * geoschem_config.yml's `root_data_dir` and throughout HEMCO_Config.rc; when
 * the inputs live elsewhere (GCR_INPUTS_FROM_DIR, or another GCR_DATA_ROOT)
 * every occurrence of the configured root is replaced.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The files that name the data root. */
export const FILES_NAMING_DATA_ROOT = [
  'geoschem_config.yml',
  'HEMCO_Config.rc',
  'HEMCO_Config.rc.gmao_metfields',
  'HEMCO_Config.rc.gcap2_metfields',
  'HISTORY.rc',
] as const;

/** The `root_data_dir:` of geoschem_config.yml, without a trailing slash. */
export function configuredDataRoot(geoschemConfig: string): string | undefined {
  const match = /^\s*root_data_dir:\s*['"]?([^'"\s#]+)/m.exec(geoschemConfig);
  return match ? match[1]!.replace(/\/+$/, '') : undefined;
}

/** Replaces the root where it is a whole path prefix (followed by "/", a quote, space or line end). */
export function rewriteDataRoot(text: string, from: string, to: string): string {
  if (from === to) return text;
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(
    new RegExp(`${escaped}(?=[/'"\\s]|$)`, 'gm'),
    to.replace(/\/+$/, '').replace(/\$/g, '$$$$'),
  );
}

/** Rewrites the configured data root to `dataRoot` in the files that name it; returns the root it replaced. */
export async function pointAtDataRoot(workDir: string, dataRoot: string): Promise<string | undefined> {
  const config = await readOptional(path.join(workDir, 'geoschem_config.yml'));
  const configured = config ? configuredDataRoot(config) : undefined;
  if (!configured || configured === dataRoot.replace(/\/+$/, '')) return undefined;
  for (const name of FILES_NAMING_DATA_ROOT) {
    const file = path.join(workDir, name);
    const text = await readOptional(file);
    if (text !== undefined) await writeFile(file, rewriteDataRoot(text, configured, dataRoot));
  }
  return configured;
}

/** A file's text, or undefined when it cannot be read. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

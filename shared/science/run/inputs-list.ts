/**
 * The input data a run needs, as listed in its run directory. Pure.
 *
 * The run directory may hold `gcr-inputs.json`, in either of two shapes:
 *
 * - the submission's InputPlan (schemas/api/input-plan.schema.json, what
 *   `planInputs(spec)` returns): each item's `s3Uri` (one object), else its
 *   `keys` (when not truncated), else its `prefix` (everything under it), in
 *   the item's bucket; keys are ExtData-relative (s3://geos-chem/<key>);
 * - a plain list, `{"files": [{"path": "GEOS_4x5/...nc4", "size": 123}, "CHEM_INPUTS/FAST_JX/v2024-05/"]}`
 *   (or `inputs`, or a bare array; `key`/`bytes` accepted): paths relative to
 *   the data root in the default input bucket, a trailing "/" meaning
 *   everything under it, sizes (when given) checked exactly.
 */

/** gcr-inputs.json is unreadable or names a path outside its root (the job runner exits 78 on it). */
export class InputListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface InputEntry {
  /** Relative to the data root, and the object key (after the input prefix when no bucket is named). */
  path: string;
  /** Every object whose key starts with `path`. */
  prefix?: true;
  size?: number;
  /** The bucket, when the list names one (InputPlan items); else the default input bucket. */
  bucket?: string;
  /** Where the model opens this file in the run directory (e.g. the restart under Restarts/): linked there after staging. */
  runDirectoryPath?: string;
}

export const INPUT_LIST_FILE = 'gcr-inputs.json';

export function parseInputList(text: string): InputEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputListError(`${INPUT_LIST_FILE} is not JSON: ${(error as Error).message}`);
  }
  const record = parsed as { files?: unknown; inputs?: unknown; items?: unknown } | null;
  const entries = new Map<string, InputEntry>();
  const add = (entry: InputEntry): void => {
    entries.set(`${entry.bucket ?? ''}|${entry.path}`, entry);
  };
  if (Array.isArray(record?.items)) {
    record.items.forEach((item: unknown, index) => planItemEntries(item, index).forEach(add));
    return [...entries.values()];
  }
  const list = Array.isArray(parsed) ? parsed : (record?.files ?? record?.inputs);
  if (!Array.isArray(list)) throw new InputListError(`${INPUT_LIST_FILE} has no "files" or "items" list`);
  list.forEach((item: unknown, index) => {
    const file = (typeof item === 'string' ? { path: item } : item) as Record<string, unknown> | null;
    const rawPath = file?.['path'] ?? file?.['key'];
    if (typeof rawPath !== 'string' || rawPath.trim() === '') {
      throw new InputListError(`${INPUT_LIST_FILE}: files[${index}] has no path`);
    }
    const relative = normalise(rawPath, `files[${index}]`);
    const rawSize = file?.['size'] ?? file?.['bytes'];
    const size =
      typeof rawSize === 'number' && Number.isInteger(rawSize) && rawSize >= 0 ? rawSize : undefined;
    add({
      path: relative,
      ...(relative.endsWith('/') ? { prefix: true as const } : {}),
      ...(size !== undefined ? { size } : {}),
    });
  });
  return [...entries.values()];
}

/** An InputPlan item's objects (its sizes are estimates, so none is checked exactly). */
function planItemEntries(item: unknown, index: number): InputEntry[] {
  const fields = (item ?? {}) as {
    bucket?: unknown;
    s3Uri?: unknown;
    prefix?: unknown;
    keys?: unknown;
    keysTruncated?: unknown;
    runDirectoryPath?: unknown;
  };
  const where = `items[${index}]`;
  const itemBucket = typeof fields.bucket === 'string' ? parseS3(fields.bucket, where).bucket : undefined;
  const link =
    typeof fields.runDirectoryPath === 'string'
      ? { runDirectoryPath: runDirectoryPath(fields.runDirectoryPath, where) }
      : {};
  if (typeof fields.s3Uri === 'string') {
    const { bucket, key } = parseS3(fields.s3Uri, where);
    return [{ path: normalise(key, where), bucket, ...link }];
  }
  if (Array.isArray(fields.keys) && fields.keys.length > 0 && fields.keysTruncated !== true) {
    if (!itemBucket) throw new InputListError(`${INPUT_LIST_FILE}: ${where} lists keys but names no bucket`);
    if (fields.keys.length > 1 && 'runDirectoryPath' in link)
      throw new InputListError(`${INPUT_LIST_FILE}: ${where} names a runDirectoryPath for more than one key`);
    return fields.keys.map((key) => {
      if (typeof key !== 'string')
        throw new InputListError(`${INPUT_LIST_FILE}: ${where} has a key that is not a string`);
      return { path: normalise(key, where), bucket: itemBucket, ...link };
    });
  }
  if (typeof fields.prefix === 'string') {
    const { bucket, key } = parseS3(fields.prefix, where);
    return [{ path: normalise(key, where), prefix: true, bucket }];
  }
  throw new InputListError(`${INPUT_LIST_FILE}: ${where} has no s3Uri, keys or prefix`);
}

function parseS3(uri: string, where: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new InputListError(`${INPUT_LIST_FILE}: ${where} "${uri}" is not an s3:// URI`);
  return { bucket: match[1]!, key: match[2]! };
}

function normalise(raw: string, where: string): string {
  const trimmed = raw
    .trim()
    .replace(/^\/+/, '')
    .replace(/^ExtData\//, '');
  if (trimmed.split('/').some((part) => part === '..')) {
    throw new InputListError(`${INPUT_LIST_FILE}: ${where} "${raw}" leaves the data root`);
  }
  return trimmed;
}

/** A run-directory-relative path that stays inside the run directory. */
function runDirectoryPath(raw: string, where: string): string {
  const trimmed = raw.trim();
  if (
    trimmed === '' ||
    trimmed.startsWith('/') ||
    trimmed.split('/').some((part) => part === '..' || part === '')
  ) {
    throw new InputListError(
      `${INPUT_LIST_FILE}: ${where} runDirectoryPath "${raw}" leaves the run directory`,
    );
  }
  return trimmed;
}

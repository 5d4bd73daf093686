/** Assembles the run directory: the files stored at submission, plus static defaults the image carries. */
export { pointAtDataRoot, readOptional } from '#shared/science/run/data-root.js';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { containedPath } from './contained-path.js';
import { ConfigurationError } from './failures.js';
import { forEachLimited, withRetries } from './s3.js';
import { downloadFile, listObjects } from './transfers.js';

export interface RundirSource {
  client: S3Client;
  bucket: string;
  /** `simulations/<id>/rundir/` */
  prefix: string;
  attempts: number;
}

/** Downloads every object under the rundir prefix; a ConfigurationError (78) when there is none. */
export async function downloadRundir(source: RundirSource, workDir: string): Promise<string[]> {
  const objects = await withRetries(
    `listing s3://${source.bucket}/${source.prefix}`,
    () => listObjects(source.client, source.bucket, source.prefix),
    { attempts: source.attempts, permanent: (error) => (error as { name?: string }).name === 'NoSuchBucket' },
  ).catch((error: unknown) => {
    if ((error as { name?: string }).name === 'NoSuchBucket') {
      throw new ConfigurationError(`results bucket ${source.bucket} does not exist`);
    }
    throw error;
  });
  if (objects.length === 0) {
    throw new ConfigurationError(`no run directory at s3://${source.bucket}/${source.prefix}`);
  }
  // Every key is checked before the first download: a run directory with one
  // key that leaves it (`../`) is refused whole (exit 78), not half written.
  const files = objects.map((object) => {
    const relative = object.key.slice(source.prefix.length);
    return {
      object,
      relative,
      file: containedPath(workDir, relative, `run directory file s3://${source.bucket}/${object.key}`),
    };
  });
  const names: string[] = [];
  await forEachLimited(files, 8, async ({ object, relative, file }) => {
    await withRetries(
      `downloading s3://${source.bucket}/${object.key}`,
      () => downloadFile(source.client, source.bucket, object.key, file, object.size),
      { attempts: source.attempts },
    );
    names.push(relative);
  });
  return names.sort();
}

/** Copies files of `defaultsDir` the run directory does not have (species database, metfield config...). */
export async function addRundirDefaults(defaultsDir: string, workDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(defaultsDir, { recursive: true });
  } catch {
    return [];
  }
  const added: string[] = [];
  for (const relative of entries.sort()) {
    const from = path.join(defaultsDir, relative);
    if (!(await stat(from)).isFile()) continue;
    const to = path.join(workDir, relative);
    if (await exists(to)) continue;
    await mkdir(path.dirname(to), { recursive: true });
    await copyFile(from, to);
    added.push(relative);
  }
  return added;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stages the run's input data: each listed file is checked against its data
 * bucket (HeadObject; prefixes are expanded with ListObjects),
 * downloaded in parallel with a concurrency limit and verified by size. Files
 * already on disk at the right size are kept (a retried attempt resumes).
 * With GCR_INPUTS_FROM_DIR, the files are only checked in that directory.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { checkInputsInDirectory, fileSize } from '#shared/science/run/local-inputs.js';
import { containedPath } from './contained-path.js';
import { InputUnavailableError } from './failures.js';
import type { InputEntry } from './inputs-list.js';
import { forEachLimited, isNotFound, withRetries } from './s3.js';
import { downloadFile, listObjects } from './transfers.js';

export interface StagingSource {
  client: S3Client;
  bucket: string;
  prefix: string;
  concurrency: number;
  attempts: number;
  baseDelayMs?: number;
}

export interface StagingReport {
  files: number;
  bytes: number;
  /** Files that were already there at the right size. */
  kept: number;
}

/** One object to stage: where it is, where it goes (relative to the data root), how big it is. */
export interface StagedObject {
  bucket: string;
  key: string;
  path: string;
  size: number;
}

/** Resolves each entry to objects with sizes; an InputUnavailableError (69) for any missing one. */
export async function resolveInputs(
  source: StagingSource,
  entries: readonly InputEntry[],
): Promise<StagedObject[]> {
  const resolved: StagedObject[] = [];
  const missing: string[] = [];
  await forEachLimited(entries, source.concurrency, async (entry) => {
    // A named bucket (InputPlan items) holds ExtData-relative keys; the default bucket's sit under the input prefix.
    const bucket = entry.bucket ?? source.bucket;
    const keyPrefix = entry.bucket ? '' : source.prefix;
    const key = `${keyPrefix}${entry.path}`;
    if (entry.prefix) {
      const objects = await withRetries(
        `listing s3://${bucket}/${key}`,
        () => listObjects(source.client, bucket, key),
        retryOptions(source),
      );
      if (objects.length === 0) missing.push(`s3://${bucket}/${key}*`);
      for (const object of objects) {
        resolved.push({
          bucket,
          key: object.key,
          path: object.key.slice(keyPrefix.length),
          size: object.size,
        });
      }
      return;
    }
    const head = await withRetries(
      `checking s3://${bucket}/${key}`,
      async () => {
        try {
          return await source.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      retryOptions(source),
    );
    if (!head) {
      missing.push(`s3://${bucket}/${key}`);
      return;
    }
    const size = head.ContentLength ?? 0;
    if (entry.size !== undefined && entry.size !== size) {
      throw new InputUnavailableError(
        `input ${entry.path} is ${size} bytes in s3://${bucket}, the run directory lists ${entry.size}`,
      );
    }
    resolved.push({ bucket, key, path: entry.path, size });
  });
  if (missing.length > 0) {
    const shown = missing.sort().slice(0, 5).join(', ');
    throw new InputUnavailableError(
      `${missing.length} input file(s) not found: ${shown}${missing.length > 5 ? ', ...' : ''}`,
    );
  }
  return resolved;
}

export async function stageFromS3(
  source: StagingSource,
  entries: readonly InputEntry[],
  dataRoot: string,
): Promise<StagingReport> {
  // Every path is checked before the first download: a key from a prefix
  // listing may hold `../` (S3 keys are any bytes); one such key refuses the
  // whole staging (UnsafePathError, exit 78) and nothing is written.
  const objects = (await resolveInputs(source, entries)).map((object) => ({
    ...object,
    file: containedPath(dataRoot, object.path, `input s3://${object.bucket}/${object.key}`),
  }));
  const report: StagingReport = { files: objects.length, bytes: 0, kept: 0 };
  await forEachLimited(objects, source.concurrency, async ({ file, ...object }) => {
    report.bytes += object.size;
    if ((await fileSize(file)) === object.size) {
      report.kept++;
      return;
    }
    await withRetries(
      `downloading s3://${object.bucket}/${object.key}`,
      () => downloadFile(source.client, object.bucket, object.key, file, object.size),
      retryOptions(source),
    );
  });
  return report;
}

/** Checks every listed file exists in `dir` (at its listed size); an InputUnavailableError (69) otherwise. */
export async function checkLocalInputs(dir: string, entries: readonly InputEntry[]): Promise<StagingReport> {
  const { files, bytes, problems } = await checkInputsInDirectory(dir, entries, containedPath);
  if (problems.length > 0) {
    throw new InputUnavailableError(
      `${problems.length} input file(s) unusable in ${dir}: ${problems.slice(0, 5).join(', ')}`,
    );
  }
  return { files, bytes, kept: files };
}

function retryOptions(source: StagingSource) {
  return {
    attempts: source.attempts,
    ...(source.baseDelayMs !== undefined ? { baseDelayMs: source.baseDelayMs } : {}),
  };
}

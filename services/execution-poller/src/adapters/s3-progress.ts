import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { readJobStatusFile } from '#shared/kernel/compute/job-status.js';
import { statusKey } from '#shared/kernel/storage/bucket-layout.js';
import { logger } from '#shared/kernel/powertools.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { Progress } from '../domain/ports.js';

export type Warn = (message: string, details: Record<string, unknown>) => void;

/**
 * Reads the status file the job (demo model or the GEOS-Chem job runner) keeps
 * in S3 (schemas/job/job-status.schema.json). A missing file is no progress; a
 * malformed one is no progress either, with a warning: it never fails the poll.
 */
export function s3ProgressReader(
  client: S3Client,
  bucket: string,
  warn: Warn = (message, details) => logger.warn(message, details),
) {
  return {
    async read(simulation: Simulation): Promise<Progress | undefined> {
      const key = statusKey(simulation.id);
      let text: string;
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        text = await out.Body!.transformToString();
      } catch (err) {
        if (err instanceof NoSuchKey || (err as Error).name === 'NoSuchKey') return undefined;
        throw err;
      }
      const reading = readJobStatusFile(text);
      if (!reading.ok) {
        warn('job status file ignored for progress: it does not match schemas/job/job-status.schema.json', {
          simulationId: simulation.id,
          key,
          issues: reading.issues.map((issue) => `${issue.field}: ${issue.message}`),
        });
        return undefined;
      }
      const { percent, simulatedTime } = reading.status;
      return { percent, ...(simulatedTime !== null ? { simulatedTime } : {}) };
    },
  };
}

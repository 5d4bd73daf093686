import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { statusKey } from '#shared/kernel/storage/bucket-layout.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { Progress } from '../domain/ports.js';

/** Reads the status file the job (demo model or the GEOS-Chem entrypoint) keeps in S3. */
export function s3ProgressReader(client: S3Client, bucket: string) {
  return {
    async read(simulation: Simulation): Promise<Progress | undefined> {
      try {
        const out = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: statusKey(simulation.id) }),
        );
        const status = JSON.parse(await out.Body!.transformToString()) as {
          percent?: unknown;
          simulatedTime?: unknown;
        };
        if (typeof status.percent !== 'number') return undefined;
        return {
          percent: status.percent,
          ...(typeof status.simulatedTime === 'string' ? { simulatedTime: status.simulatedTime } : {}),
        };
      } catch (err) {
        if (err instanceof NoSuchKey || (err as Error).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
  };
}

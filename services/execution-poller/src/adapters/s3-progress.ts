import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { Simulation } from '#schemas/generated/types.js';
import type { Progress } from '../domain/ports.js';

/** Where a job writes its machine-readable status (progress, state), under the simulation's prefix. */
export function statusKey(simulationId: string): string {
  return `simulations/${simulationId}/status.json`;
}

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

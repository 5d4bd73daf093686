import { CopyObjectCommand, GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { outputsPrefix, restartsPrefix } from '#shared/kernel/storage/bucket-layout.js';
import { listObjects } from '#shared/kernel/storage/list-objects.js';
import { latestRestart, restartTimeOf } from '#shared/science/rundir/restart.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { StageRestarts } from '../domain/release-stages.js';
import type { SimulationControlPorts } from '../domain/simulation-control.js';

/**
 * The results bucket for a campaign's hand-off: a run's restart for a model
 * time (the job runner and the demo model upload every restart to
 * simulations/<id>/restarts/, and GEOS-Chem's Restarts/ also reach outputs/),
 * copied within the bucket into the next stage's run directory.
 */
export function createS3StageRestarts(client: S3Client, bucket: string): StageRestarts {
  return {
    async findRestart(simulationId, time) {
      for (const prefix of [restartsPrefix(simulationId), outputsPrefix(simulationId)]) {
        const found = (await listObjects(client, bucket, prefix)).find(
          (object) =>
            restartTimeOf(object.key.slice(object.key.lastIndexOf('/') + 1))?.getTime() === time.getTime(),
        );
        if (found) return found.key;
      }
      return undefined;
    },
    async copy(fromKey, toKey) {
      await client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: toKey,
          CopySource: `${bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    },
    async readText(key) {
      try {
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return got.Body ? await got.Body.transformToString() : '';
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
  };
}

/**
 * The latest restart strictly inside a simulation's period in its
 * simulations/<id>/restarts/: where its next attempt starts (the job finds it
 * by the same rule, latestRestart).
 */
export function createS3LatestRestart(
  client: S3Client,
  bucket: string,
): SimulationControlPorts['latestRestart'] {
  return async (simulation: Simulation) => {
    const prefix = restartsPrefix(simulation.id);
    const { period } = storedSpec(simulation);
    const latest = latestRestart(
      (await listObjects(client, bucket, prefix)).map((object) => ({
        name: object.key.slice(prefix.length),
      })),
      { start: new Date(period.start), end: new Date(period.end) },
    );
    return latest && { name: latest.name, modelTime: latest.time.toISOString() };
  };
}

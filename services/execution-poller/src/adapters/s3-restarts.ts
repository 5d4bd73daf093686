import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '#shared/kernel/storage/list-objects.js';
import { RESTART_ATTEMPT_METADATA, restartsPrefix } from '#shared/kernel/storage/bucket-layout.js';
import { restartTimeOf } from '#shared/science/rundir/restart.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { ResumePoint } from '../domain/ports.js';

/** At most this many restarts are looked at (newest first) for one written before an attempt. */
const MAX_HEADS = 5;

/**
 * Finds the restart a new attempt resumes from in simulations/<id>/restarts/:
 * the latest strictly inside the period (a restart at the start is the run's
 * initial one, one at the end means it finished) whose metadata says an
 * earlier attempt wrote it (the new attempt may have written its own already).
 */
export function s3RestartFinder(client: S3Client, bucket: string) {
  return {
    /**
     * The latest restart inside the period uploaded at or after `sinceMs`
     * (S3's LastModified, whole seconds: `sinceMs` is taken down to its second).
     */
    async latestSince(simulation: Simulation, sinceMs: number): Promise<ResumePoint | undefined> {
      const { period } = storedSpec(simulation);
      const start = Date.parse(period.start);
      const end = Date.parse(period.end);
      const since = Math.floor(sinceMs / 1000) * 1000;
      const prefix = restartsPrefix(simulation.id);
      let latest: ResumePoint | undefined;
      for (const object of await listObjects(client, bucket, prefix, Infinity, { lastModified: true })) {
        const name = object.key.slice(prefix.length);
        const time = restartTimeOf(name)?.getTime();
        if (time === undefined || time <= start || time >= end || (object.lastModified ?? 0) < since)
          continue;
        if (!latest || time > Date.parse(latest.modelTime)) {
          latest = { name, modelTime: new Date(time).toISOString() };
        }
      }
      return latest;
    },

    async resumePoint(simulation: Simulation, beforeAttempt: number): Promise<ResumePoint | undefined> {
      const { period } = storedSpec(simulation);
      const start = Date.parse(period.start);
      const end = Date.parse(period.end);
      const prefix = restartsPrefix(simulation.id);
      const found: { name: string; time: number }[] = [];
      for (const object of await listObjects(client, bucket, prefix)) {
        const name = object.key.slice(prefix.length);
        const time = restartTimeOf(name)?.getTime();
        if (time !== undefined && time > start && time < end) found.push({ name, time });
      }
      found.sort((a, b) => b.time - a.time);
      for (const candidate of found.slice(0, MAX_HEADS)) {
        const head = await client.send(
          new HeadObjectCommand({ Bucket: bucket, Key: `${prefix}${candidate.name}` }),
        );
        const attempt = Number(head.Metadata?.[RESTART_ATTEMPT_METADATA]);
        const known = Number.isInteger(attempt) && attempt > 0;
        if (known && attempt >= beforeAttempt) continue;
        return {
          name: candidate.name,
          modelTime: new Date(candidate.time).toISOString(),
          ...(known ? { attempt } : {}),
        };
      }
      return undefined;
    },
  };
}

/**
 * An attempt after the first (a spot reclaim or host loss ended the one
 * before) resumes from the latest restart an earlier attempt uploaded to
 * simulations/<id>/restarts/: the restart is downloaded to where GEOS-Chem
 * reads its initial restart and the run directory's start is moved to its
 * time (shared/science/rundir/restart.ts), so the model continues rather than
 * starting over. The poller's history entry names the same restart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RESTART_ATTEMPT_METADATA } from '#shared/kernel/storage/bucket-layout.js';
import { latestRestart, resumeNote, startFromRestart } from '#shared/science/rundir/restart.js';
import type { SimulationPeriod } from '#shared/science/run/progress.js';
import { readOptional } from './rundir.js';
import { withRetries } from './s3.js';
import { downloadFile, listObjects } from './transfers.js';

export interface ResumeSource {
  client: S3Client;
  bucket: string;
  /** `simulations/<id>/restarts/` */
  prefix: string;
  attempts: number;
}

/** Moves the run directory in `workDir` to the latest earlier restart; the note for the status, or undefined with none. */
export async function resumeFromLatestRestart(
  source: ResumeSource,
  workDir: string,
  period: SimulationPeriod,
  model: 'gcclassic' | 'gchp',
): Promise<string | undefined> {
  const { client, bucket, prefix, attempts } = source;
  const listed = await withRetries(
    `listing s3://${bucket}/${prefix}`,
    () => listObjects(client, bucket, prefix),
    {
      attempts,
    },
  );
  const latest = latestRestart(
    listed
      .map((object) => ({ ...object, name: object.key.slice(prefix.length) }))
      .filter((object) => !object.name.includes('/')),
    period,
  );
  if (!latest) return undefined;
  const files: Record<string, string> = {
    'geoschem_config.yml': await readFile(path.join(workDir, 'geoschem_config.yml'), 'utf8'),
  };
  const capRestart = await readOptional(path.join(workDir, 'cap_restart'));
  if (capRestart !== undefined) files['cap_restart'] = capRestart;
  const start = startFromRestart(files, latest, model);
  await withRetries(
    `downloading s3://${bucket}/${latest.key}`,
    () => downloadFile(client, bucket, latest.key, path.join(workDir, start.initialRestartPath), latest.size),
    { attempts },
  );
  for (const [name, text] of Object.entries(start.files)) await writeFile(path.join(workDir, name), text);
  const head = await withRetries(
    `reading s3://${bucket}/${latest.key}`,
    () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: latest.key })),
    { attempts },
  );
  const attempt = Number(head.Metadata?.[RESTART_ATTEMPT_METADATA]);
  return resumeNote({ ...latest, ...(Number.isInteger(attempt) && attempt > 0 ? { attempt } : {}) });
}

/**
 * The demo model's restarts in S3 (GCR_RESTARTS_S3_URI,
 * simulations/<id>/restarts/): each restart file is uploaded as it is
 * written, with the attempt that wrote it as object metadata (`gcr-attempt`);
 * an attempt after the first downloads the latest one inside the period and
 * starts from the model time it holds, as GEOS-Chem does from an initial
 * restart (shared/science/rundir/restart.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { RESTART_ATTEMPT_METADATA } from '#shared/kernel/storage/bucket-layout.js';
import { listObjects } from '#shared/kernel/storage/list-objects.js';
import { NetcdfReader } from '#shared/science/netcdf/reader.js';
import { latestRestart } from '#shared/science/rundir/restart.js';
import type { S3Location } from './config.js';
import { demoS3Client } from './status.js';

/** A restart the run starts from. */
export interface ResumePoint {
  name: string;
  /** The model time the file holds (read from its time variable). */
  time: Date;
  /** The attempt that wrote it, when its metadata says. */
  attempt?: number;
  localPath: string;
}

export class RestartStore {
  constructor(
    private readonly location: S3Location,
    private readonly attempt: number,
  ) {}

  async upload(localPath: string, name: string): Promise<void> {
    await demoS3Client().send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: `${this.location.key}${name}`,
        Body: await readFile(localPath),
        ContentType: 'application/x-netcdf',
        Metadata: { [RESTART_ATTEMPT_METADATA]: String(this.attempt) },
      }),
    );
  }

  /** Downloads the latest restart strictly inside the period into `dir`; undefined when there is none. */
  async fetchLatest(period: { start: Date; end: Date }, dir: string): Promise<ResumePoint | undefined> {
    const prefix = this.location.key;
    const names = (await listObjects(demoS3Client(), this.location.bucket, prefix))
      .map((object) => ({ name: object.key.slice(prefix.length) }))
      .filter((object) => !object.name.includes('/'));
    const latest = latestRestart(names, period);
    if (!latest) return undefined;
    const key = `${this.location.key}${latest.name}`;
    const object = await demoS3Client().send(
      new GetObjectCommand({ Bucket: this.location.bucket, Key: key }),
    );
    const bytes = await object.Body!.transformToByteArray();
    await mkdir(dir, { recursive: true });
    const localPath = path.join(dir, latest.name);
    await writeFile(localPath, bytes);
    const head = await demoS3Client().send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
    const attempt = Number(head.Metadata?.[RESTART_ATTEMPT_METADATA]);
    return {
      name: latest.name,
      time: await restartFileTime(localPath),
      ...(Number.isInteger(attempt) && attempt > 0 ? { attempt } : {}),
      localPath,
    };
  }
}

/** The model time a restart file holds: its first time value in its "minutes since ..." units. */
export async function restartFileTime(localPath: string): Promise<Date> {
  const reader = await NetcdfReader.open(localPath);
  try {
    const units = reader.header().variables.find((v) => v.name === 'time')?.attributes['units'];
    const match =
      typeof units === 'string' ? /^minutes since (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/.exec(units) : null;
    if (!match) throw new Error(`${path.basename(localPath)}: no "minutes since" time units`);
    const minutes = reader.read('time')[0] ?? 0;
    return new Date(Date.parse(`${match[1]}T${match[2]}Z`) + minutes * 60_000);
  } finally {
    reader.close();
  }
}

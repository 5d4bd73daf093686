/**
 * The run's status file (schemas/job/job-status.schema.json, as the demo model
 * writes it and the execution poller reads it): rewritten locally (atomically)
 * and copied to `simulations/<id>/status.json` at every change, at most one
 * upload in flight, newest wins.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { JobStatusFile } from '#schemas/generated/types.js';
import { isoSeconds } from '#shared/science/run/progress.js';

export class StatusReporter {
  private current: JobStatusFile;
  private inFlight: Promise<void> | undefined;
  private pending: string | undefined;
  private lastError: unknown;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly s3: { client: S3Client; bucket: string; key: string } | undefined,
    model: JobStatusFile['model'],
    startedAt: Date,
  ) {
    const now = isoSeconds(startedAt);
    this.current = {
      schemaVersion: '1',
      model,
      state: 'staging',
      percent: 0,
      simulatedTime: null,
      updatedAt: now,
      files: [],
      startedAt: now,
    };
  }

  get status(): JobStatusFile {
    return { ...this.current, files: [...this.current.files] };
  }

  /** Applies a change and writes it; writes are serialised, so concurrent callers keep their order. */
  update(
    change: Partial<Omit<JobStatusFile, 'schemaVersion' | 'model' | 'startedAt' | 'updatedAt'>>,
  ): Promise<void> {
    this.current = { ...this.current, ...change, updatedAt: isoSeconds(new Date()) };
    const body = `${JSON.stringify(this.current, null, 2)}\n`;
    const write = this.writing.then(() => this.write(body));
    this.writing = write.catch(() => undefined);
    return write;
  }

  private async write(body: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, body);
    await rename(temporary, this.file);
    if (!this.s3) return;
    this.pending = body;
    this.inFlight ??= this.drain();
  }

  /** Waits for the newest status to be in S3; rethrows the last upload error. */
  async settle(): Promise<void> {
    await this.writing;
    while (this.inFlight) await this.inFlight;
    if (this.lastError) {
      const error = this.lastError;
      this.lastError = undefined;
      throw error;
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending !== undefined) {
        const body = this.pending;
        this.pending = undefined;
        try {
          await this.s3!.client.send(
            new PutObjectCommand({
              Bucket: this.s3!.bucket,
              Key: this.s3!.key,
              Body: body,
              ContentType: 'application/json',
            }),
          );
          this.lastError = undefined;
        } catch (error) {
          this.lastError = error;
        }
      }
    } finally {
      this.inFlight = undefined;
    }
  }
}

/**
 * The demo model's status file and its optional S3 copies.
 *
 * The status file (schemas/job/job-status.schema.json) is JSON, rewritten at
 * every step with write-to-temp and rename, so a reader never sees half a file:
 *
 *   { "schemaVersion": "1", "model": "gcr-demo", "state": "running", "percent": 25,
 *     "simulatedTime": "2019-01-01T06:00:00Z", "updatedAt": "...",
 *     "files": ["GEOSChem.SpeciesConc.20190101_0000z.nc4"], ... }
 *
 * `files` lists finished output files (names relative to the output directory).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { JobStatusFile } from '#schemas/generated/types.js';
import type { S3Location } from './config.js';

/** "2019-01-01T06:00:00Z" (ISO without milliseconds). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Writes a file atomically: a temporary file in the same directory, then rename. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

let sharedClient: S3Client | undefined;

/** The demo model's one S3 client: the SDK's default configuration, path-style against an emulator. */
export function demoS3Client(): S3Client {
  if (!sharedClient) {
    const localEndpoint = Boolean(process.env['AWS_ENDPOINT_URL_S3']);
    const hasRegion = Boolean(process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION']);
    sharedClient = new S3Client(
      localEndpoint
        ? {
            // S3 emulators (s3rver): path-style addressing (no per-bucket host names), and
            // checksums only where S3 requires them, because the SDK's default CRC32
            // trailer sends streamed bodies aws-chunked, which s3rver stores verbatim.
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED',
            ...(hasRegion ? {} : { region: 'us-east-1' }),
          }
        : {},
    );
  }
  return sharedClient;
}

/** Uploads to S3 with the SDK's default configuration (endpoints, credentials, region from the environment). */
export class S3Uploads {
  private statusInFlight: Promise<void> | undefined;
  private statusPending: string | undefined;
  private statusError: unknown;

  constructor(
    private readonly outputs?: S3Location,
    private readonly status?: S3Location,
  ) {}

  get enabled(): boolean {
    return Boolean(this.outputs || this.status);
  }

  /**
   * Uploads a finished output file under the output prefix (no-op without
   * GCR_OUTPUT_S3_URI). The body is the file's bytes, not a stream: the SDK
   * does not retry a streamed body, and a local job must ride out the
   * platform's restart (its S3 endpoint refuses connections meanwhile). The
   * demo's files are small.
   */
  async uploadFile(localPath: string, name: string): Promise<void> {
    if (!this.outputs) return;
    await this.s3().send(
      new PutObjectCommand({
        Bucket: this.outputs.bucket,
        Key: `${this.outputs.key}${name}`,
        Body: await readFile(localPath),
        ContentType: 'application/x-netcdf',
      }),
    );
  }

  /**
   * Queues the latest status for upload: at most one upload runs at a time and
   * only the newest waiting status is sent next, so a fast run does not pile up
   * requests. `settleStatus` waits for the queue to drain.
   */
  queueStatus(body: string): void {
    if (!this.status) return;
    this.statusPending = body;
    if (!this.statusInFlight) this.statusInFlight = this.drainStatus();
  }

  /** Waits until the newest status is uploaded; throws the last upload error, if any. */
  async settleStatus(): Promise<void> {
    while (this.statusInFlight) await this.statusInFlight;
    if (this.statusError) {
      const error = this.statusError;
      this.statusError = undefined;
      throw error;
    }
  }

  private async drainStatus(): Promise<void> {
    try {
      while (this.statusPending !== undefined) {
        const body = this.statusPending;
        this.statusPending = undefined;
        try {
          await this.s3().send(
            new PutObjectCommand({
              Bucket: this.status!.bucket,
              Key: this.status!.key,
              Body: body,
              ContentType: 'application/json',
            }),
          );
          this.statusError = undefined;
        } catch (error) {
          this.statusError = error;
        }
      }
    } finally {
      this.statusInFlight = undefined;
    }
  }

  private s3(): S3Client {
    return demoS3Client();
  }
}

/** Keeps the status file (and its S3 copy) up to date. */
export class StatusReporter {
  private current: JobStatusFile;

  constructor(
    readonly file: string,
    private readonly uploads: S3Uploads,
    startedAt: Date,
    simulatedTime: Date,
  ) {
    this.current = {
      schemaVersion: '1',
      model: 'gcr-demo',
      state: 'running',
      percent: 0,
      simulatedTime: isoSeconds(simulatedTime),
      updatedAt: isoSeconds(startedAt),
      files: [],
      startedAt: isoSeconds(startedAt),
    };
  }

  get status(): JobStatusFile {
    return { ...this.current, files: [...this.current.files] };
  }

  /** Applies a change, writes the file atomically and queues the S3 copy. */
  async update(
    change: Partial<Omit<JobStatusFile, 'schemaVersion' | 'model' | 'startedAt' | 'updatedAt'>>,
  ): Promise<void> {
    this.current = { ...this.current, ...change, updatedAt: isoSeconds(new Date()) };
    const body = `${JSON.stringify(this.current, null, 2)}\n`;
    await writeFileAtomic(this.file, body);
    this.uploads.queueStatus(body);
  }
}

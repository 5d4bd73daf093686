/**
 * Uploads the model's outputs (OutputDir/, and restarts from Restarts/) to
 * `simulations/<id>/outputs/<file name>` as they finish: a scan every few
 * seconds decides what is ready (upload-readiness.ts); `finish()` sends the rest.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { filesReadyToUpload, type FileState, type Snapshot } from '#shared/science/run/upload-readiness.js';
import { withRetries } from './s3.js';
import { contentTypeOf, uploadFile } from './transfers.js';

export interface UploaderOptions {
  client: S3Client;
  bucket: string;
  /** `simulations/<id>/outputs/` */
  prefix: string;
  /** Absolute directories scanned (not recursively). */
  dirs: readonly string[];
  attempts: number;
  /** Object metadata on every upload (restarts carry the attempt that wrote them). */
  metadata?: Record<string, string>;
  onUploaded?: (name: string) => void | Promise<void>;
}

/** name -> state of the regular files directly in `dirs` (a later dir's file of the same name wins). */
export async function scanOutputs(
  dirs: readonly string[],
): Promise<Map<string, FileState & { file: string }>> {
  const found = new Map<string, FileState & { file: string }>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.endsWith('.tmp') || name.includes('.part-')) continue;
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) found.set(name, { size: info.size, mtimeMs: info.mtimeMs, file });
    }
  }
  return found;
}

export class OutputUploader {
  private previous: Snapshot = new Map();
  private readonly uploaded = new Map<string, FileState>();
  private baseline: Snapshot = new Map();
  private busy: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(private readonly options: UploaderOptions) {}

  /** Files present now (the initial restart) are inputs: never uploaded unless they change. */
  async takeBaseline(): Promise<void> {
    this.baseline = await scanOutputs(this.options.dirs);
  }

  start(intervalSeconds: number): void {
    this.timer = setInterval(() => {
      this.busy = this.busy
        .then(() => this.pass(false))
        .catch((error: unknown) => {
          this.failure ??= error;
        });
    }, intervalSeconds * 1000);
  }

  /** Stops scanning and uploads everything not yet sent; throws if any upload failed for good. */
  async finish(): Promise<string[]> {
    if (this.timer) clearInterval(this.timer);
    await this.busy.catch(() => undefined);
    await this.pass(true);
    if (this.failure) throw this.failure;
    return [...this.uploaded.keys()].sort();
  }

  private async pass(final: boolean): Promise<void> {
    const current = await scanOutputs(this.options.dirs);
    const ready = filesReadyToUpload(this.previous, current, this.uploaded, { final, ignore: this.baseline });
    this.previous = current;
    for (const name of ready) {
      const state = current.get(name)!;
      await withRetries(
        `uploading ${name} to s3://${this.options.bucket}/${this.options.prefix}`,
        () =>
          uploadFile(
            this.options.client,
            this.options.bucket,
            `${this.options.prefix}${name}`,
            state.file,
            contentTypeOf(name),
            this.options.metadata,
          ),
        { attempts: this.options.attempts },
      );
      const firstTime = !this.uploaded.has(name);
      this.uploaded.set(name, { size: state.size, mtimeMs: state.mtimeMs });
      if (firstTime) await this.options.onUploaded?.(name);
    }
  }
}

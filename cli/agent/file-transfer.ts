/**
 * The agent's port to presigned URLs (site transfers): download a file with
 * GET, upload one with PUT of its bytes and the headers the signature covers.
 * The agent never holds S3 credentials.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface FileTransfer {
  download(url: string, file: string): Promise<void>;
  upload(url: string, headers: Record<string, string>, file: string): Promise<void>;
}

/** A presigned GET or PUT failed. */
export class TransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Presigned URLs over fetch; a download lands in a temporary file renamed into place. */
export function httpFileTransfer(fetchImpl: typeof fetch = fetch, timeoutMs = 300_000): FileTransfer {
  return {
    async download(url, file) {
      const response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok || !response.body) {
        throw new TransferError(`download of ${path.basename(file)} answered ${response.status}`);
      }
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.part`;
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(temporary));
      await rename(temporary, file);
    },
    async upload(url, headers, file) {
      const body = await readFile(file);
      const response = await fetchImpl(url, {
        method: 'PUT',
        headers: { ...headers, 'content-length': String(body.length) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        throw new TransferError(
          `upload of ${path.basename(file)} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
        );
      }
    },
  };
}

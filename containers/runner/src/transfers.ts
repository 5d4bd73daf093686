/** Whole-file transfers between S3 and the disk, verified by size. */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

// One listing for the platform's S3 readers (the runner's image bundles it).
export { listObjects, type ListedObject } from '#shared/kernel/storage/list-objects.js';

/**
 * Downloads one object to `file` through a temporary name, and checks the
 * bytes written against the size expected (throws on a short or long file).
 */
export async function downloadFile(
  client: S3Client,
  bucket: string,
  key: string,
  file: string,
  expectedSize?: number,
): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.part-${process.pid}`;
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(out.Body as Readable, createWriteStream(temporary));
    const { size } = await stat(temporary);
    const expected = expectedSize ?? out.ContentLength;
    if (expected !== undefined && size !== expected) {
      throw new Error(`s3://${bucket}/${key}: got ${size} bytes, expected ${expected}`);
    }
    await rename(temporary, file);
    return size;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function uploadFile(
  client: S3Client,
  bucket: string,
  key: string,
  file: string,
  contentType: string,
  metadata?: Record<string, string>,
): Promise<number> {
  const { size } = await stat(file);
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: createReadStream(file),
      ContentLength: size,
      ContentType: contentType,
      ...(metadata ? { Metadata: metadata } : {}),
    }),
  );
  return size;
}

export function contentTypeOf(name: string): string {
  if (/\.(nc4?|nc)$/i.test(name)) return 'application/x-netcdf';
  if (/\.json$/i.test(name)) return 'application/json';
  if (/\.(log|txt|rc|yml|yaml)$/i.test(name)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

/** Whole-file transfers between S3 and the disk, verified by size. */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface ListedObject {
  key: string;
  size: number;
}

/** Every object under `prefix` (all pages). */
export async function listObjects(client: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const found: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const item of page.Contents ?? []) {
      if (item.Key && !item.Key.endsWith('/')) found.push({ key: item.Key, size: item.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

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

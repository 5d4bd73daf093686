import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export interface ListedObject {
  key: string;
  size: number;
  /** Epoch ms (with `lastModified: true`). */
  lastModified?: number;
}

/**
 * The objects under `prefix`, at most `limit` (all pages up to it; "folder"
 * markers ending in "/" left out); with `lastModified`, each with its upload time.
 */
export async function listObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  limit = Number.POSITIVE_INFINITY,
  options: { lastModified?: boolean } = {},
): Promise<ListedObject[]> {
  const found: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
        ...(Number.isFinite(limit) ? { MaxKeys: Math.min(1000, limit - found.length) } : {}),
      }),
    );
    for (const item of page.Contents ?? []) {
      if (item.Key && !item.Key.endsWith('/')) {
        found.push({
          key: item.Key,
          size: item.Size ?? 0,
          ...(options.lastModified && item.LastModified ? { lastModified: item.LastModified.getTime() } : {}),
        });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && found.length < limit);
  return found.slice(0, limit);
}

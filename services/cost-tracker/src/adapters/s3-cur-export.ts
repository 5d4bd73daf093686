import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { CurLineItem } from '../domain/reconcile.js';
import { readCurLineItems } from './cur-parquet.js';

/**
 * The CUR 2.0 export's Parquet files of some billing periods: CUR 2.0 writes
 * `<prefix>BILLING_PERIOD=YYYY-MM/...parquet` (the prefix ends in the
 * export's `data/`), and rewrites a period's files as the month's bill
 * firms up, so each run reads the periods whole.
 */
export function createS3CurExport(options: { client: S3Client; bucket: string; prefix: string }) {
  const { client, bucket, prefix } = options;
  async function keysOf(period: string): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: `${prefix}BILLING_PERIOD=${period}/`,
          ...(ContinuationToken ? { ContinuationToken } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.endsWith('.parquet')) keys.push(object.Key);
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys;
  }
  return {
    async lineItems(periods: string[]): Promise<CurLineItem[]> {
      const items: CurLineItem[] = [];
      for (const period of periods) {
        for (const key of await keysOf(period)) {
          const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          const bytes = await object.Body!.transformToByteArray();
          items.push(
            ...(await readCurLineItems(
              bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
            )),
          );
        }
      }
      return items;
    },
  };
}

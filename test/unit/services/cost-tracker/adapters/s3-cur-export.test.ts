import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createS3CurExport } from '#services/cost-tracker/src/adapters/s3-cur-export.js';
import { CUR_FIXTURE } from '#scripts/cur/make-cur-fixture.js';

describe('the CUR 2.0 export in S3', () => {
  it("lists each billing period's Parquet files (every page) and reads their split line items", async () => {
    const s3 = mockClient(S3Client);
    s3.on(ListObjectsV2Command, { Prefix: 'cur2/gcr/data/BILLING_PERIOD=2026-11/' })
      .resolvesOnce({
        Contents: [{ Key: 'cur2/gcr/data/BILLING_PERIOD=2026-11/gcr-00001.snappy.parquet' }],
        IsTruncated: true,
        NextContinuationToken: 'more',
      })
      .resolvesOnce({ Contents: [{ Key: 'cur2/gcr/data/BILLING_PERIOD=2026-11/manifest.json' }] });
    s3.on(ListObjectsV2Command, { Prefix: 'cur2/gcr/data/BILLING_PERIOD=2026-12/' }).resolves({});
    // The body's one method the adapter uses (the SDK's stream mixin).
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: { transformToByteArray: async () => new Uint8Array(readFileSync(CUR_FIXTURE)) },
    }));
    const exported = createS3CurExport({
      client: new S3Client({ region: 'us-east-1' }),
      bucket: 'cur-bucket',
      prefix: 'cur2/gcr/data/',
    });
    const items = await exported.lineItems(['2026-11', '2026-12']);
    expect(items).toHaveLength(12);
    expect(s3.commandCalls(ListObjectsV2Command)[1]!.args[0].input).toMatchObject({
      ContinuationToken: 'more',
    });
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'cur-bucket', Key: 'cur2/gcr/data/BILLING_PERIOD=2026-11/gcr-00001.snappy.parquet' },
    ]);
    s3.restore();
  });
});

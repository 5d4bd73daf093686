/** The results-bucket adapter against s3rver, with the client the handler gets locally. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '#shared/kernel/aws/clients.js';
import { createS3ObjectStore } from '#services/submission/src/adapters/s3-object-store.js';
import { startS3rver, useS3rverAsAws, type RunningS3rver } from '#test/helpers/s3rver-client.js';

const BUCKET = 'results';
let s3rver: RunningS3rver;
let restoreEnv: () => void;
let client: S3Client;

beforeAll(async () => {
  s3rver = await startS3rver([BUCKET]);
  restoreEnv = useS3rverAsAws(s3rver.endpoint);
  client = createS3Client();
});

afterAll(async () => {
  client?.destroy();
  await s3rver?.stop();
  restoreEnv?.();
});

describe('S3 object store of the submission service', () => {
  it('writes the object byte for byte with its content type', async () => {
    const store = createS3ObjectStore(client, BUCKET);
    const body = "COLLECTIONS: 'SpeciesConc',\n  # ünïcode stays intact\n";
    await store.putObject({ key: 'simulations/sim_a/rundir/HISTORY.rc', body, contentType: 'text/plain' });
    const got = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'simulations/sim_a/rundir/HISTORY.rc' }),
    );
    expect(await got.Body!.transformToString('utf8')).toBe(body);
    expect(got.ContentType).toBe('text/plain');
  });

  it('fails loudly when the bucket does not exist', async () => {
    const store = createS3ObjectStore(client, 'no-such-bucket');
    await expect(
      store.putObject({ key: 'simulations/x/rundir/a', body: 'a', contentType: 'text/plain' }),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

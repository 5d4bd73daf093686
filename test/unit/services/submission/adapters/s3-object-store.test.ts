/** The results-bucket adapter against s3rver, with the client the handler gets locally. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '#shared/kernel/aws/clients.js';
import {
  createS3ObjectStore,
  createS3RunDirectoryReader,
} from '#services/submission/src/adapters/s3-object-store.js';
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

describe('S3 run directory reader of the submission service', () => {
  it('lists a run directory with paths relative to it, and reads a file back', async () => {
    const store = createS3ObjectStore(client, BUCKET);
    await store.putObject({
      key: 'simulations/sim_b/rundir/HISTORY.rc',
      body: 'hist\n',
      contentType: 'text/plain',
    });
    await store.putObject({
      key: 'simulations/sim_b/rundir/geoschem_config.yml',
      body: 'gc\n',
      contentType: 'application/yaml',
    });
    const reader = createS3RunDirectoryReader(client, BUCKET);
    const listed = await reader.list('simulations/sim_b/rundir/');
    expect(
      listed.map(({ path, size }) => ({ path, size })).sort((a, b) => a.path.localeCompare(b.path)),
    ).toEqual([
      { path: 'geoschem_config.yml', size: 3 },
      { path: 'HISTORY.rc', size: 5 },
    ]);
    const head = await reader.readHead('simulations/sim_b/rundir/HISTORY.rc', 1024);
    expect(new TextDecoder().decode(head!.body)).toBe('hist\n');
    expect(head!.size).toBe(5);
  });

  it('reads only the first bytes of a large file and says how large it is', async () => {
    const store = createS3ObjectStore(client, BUCKET);
    await store.putObject({
      key: 'simulations/sim_c/rundir/big.yml',
      body: 'x'.repeat(5000),
      contentType: 'text/plain',
    });
    const head = await createS3RunDirectoryReader(client, BUCKET).readHead(
      'simulations/sim_c/rundir/big.yml',
      100,
    );
    expect(head!.body.length).toBe(100);
    expect(head!.size).toBe(5000);
  });

  it('answers undefined for a file that is not there', async () => {
    expect(
      await createS3RunDirectoryReader(client, BUCKET).readHead('simulations/sim_c/rundir/none', 100),
    ).toBeUndefined();
  });
});

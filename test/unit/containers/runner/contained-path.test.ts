import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import { containedPath, UnsafePathError } from '#containers/runner/src/contained-path.js';
import { linkIntoRunDirectory } from '#shared/science/run/run-directory-links.js';
import { downloadRundir } from '#containers/runner/src/rundir.js';
import { checkLocalInputs, stageFromS3 } from '#containers/runner/src/staging.js';

describe('containedPath', () => {
  it('keeps a key under its root, whatever it holds on the way', () => {
    expect(containedPath('/data', 'GEOS_4x5/MERRA2/a.nc4', 'input')).toBe('/data/GEOS_4x5/MERRA2/a.nc4');
    expect(containedPath('/data', 'a/../b.nc4', 'input')).toBe('/data/b.nc4');
    expect(containedPath('/data', '..hidden', 'input')).toBe('/data/..hidden');
  });

  it('refuses what would leave the root or be the root itself, naming the key (exit 78)', () => {
    for (const key of ['../etc/passwd', 'a/../../x', '/etc/passwd', '', '.', 'a/..', 'x\0y']) {
      const refuse = () => containedPath('/data', key, 'input s3://b/k');
      expect(refuse).toThrow(UnsafePathError);
    }
    try {
      containedPath('/data', 'CHEM_INPUTS/x/../../../etc/cron.d/job', 'input s3://geos-chem/k');
    } catch (error) {
      expect((error as UnsafePathError).exitCode).toBe(EXIT_CODES.configurationError);
      expect((error as Error).message).toBe(
        'input s3://geos-chem/k "CHEM_INPUTS/x/../../../etc/cron.d/job" leaves /data; refused',
      );
    }
  });
});

/**
 * The runner's staging and run-directory download over an S3 client whose
 * answers are the SDK's request shapes (aws-sdk-client-mock): s3rver itself
 * normalises `..` in keys, so it cannot hold the keys this is about; S3 can.
 */
describe('the runner stages keys with path.join and no .. check', () => {
  const s3 = mockClient(S3Client);
  let dir: string;
  let dataRoot: string;
  let workDir: string;
  // downloadFile pipes the body: a plain stream is what it reads.
  const body = (text: string) => Readable.from([Buffer.from(text)]) as never;

  beforeEach(() => {
    s3.reset();
    dir = mkdtempSync(path.join(tmpdir(), 'gcr-contained-'));
    dataRoot = path.join(dir, 'sandbox', 'ExtData');
    workDir = path.join(dir, 'sandbox', 'run');
    mkdirSync(dataRoot, { recursive: true });
    mkdirSync(workDir, { recursive: true });
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body('xx'), ContentLength: 2 }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Every file under `dir` outside the sandbox: none may be written there. */
  const outside = () => readdirSync(dir).filter((name) => name !== 'sandbox');

  it('a key from a prefix listing that leaves the data root is refused before anything is downloaded', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'CHEM_INPUTS/FAST_JX/v2024-05/FJX_spec.dat', Size: 2 },
        { Key: 'CHEM_INPUTS/FAST_JX/v2024-05/../../../../escaped.txt', Size: 2 },
      ],
    });
    const staging = stageFromS3(
      { client: new S3Client({}), bucket: 'geos-chem', prefix: '', concurrency: 4, attempts: 1 },
      [{ path: 'CHEM_INPUTS/FAST_JX/v2024-05/', prefix: true }],
      dataRoot,
    );
    await expect(staging).rejects.toThrow(
      /input s3:\/\/geos-chem\/CHEM_INPUTS\/FAST_JX\/v2024-05\/\.\.\/\.\.\/\.\.\/\.\.\/escaped\.txt ".*" leaves .*ExtData; refused/,
    );
    await expect(staging).rejects.toBeInstanceOf(UnsafePathError);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(outside()).toEqual([]);
    expect(existsSync(path.join(dir, 'sandbox', 'escaped.txt'))).toBe(false);
  });

  it('the run-directory download refuses a key that leaves the run directory, downloading nothing', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'simulations/sim_1/rundir/geoschem_config.yml', Size: 2 },
        { Key: 'simulations/sim_1/rundir/../../../../../escaped.sh', Size: 2 },
      ],
    });
    const download = downloadRundir(
      { client: new S3Client({}), bucket: 'results', prefix: 'simulations/sim_1/rundir/', attempts: 1 },
      workDir,
    );
    await expect(download).rejects.toThrow(UnsafePathError);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(outside()).toEqual([]);
  });

  it('stages an ordinary prefix listing as before', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'CHEM_INPUTS/FAST_JX/v2024-05/FJX_spec.dat', Size: 2 }],
    });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 2 });
    const report = await stageFromS3(
      { client: new S3Client({}), bucket: 'geos-chem', prefix: '', concurrency: 4, attempts: 1 },
      [{ path: 'CHEM_INPUTS/FAST_JX/v2024-05/', prefix: true }],
      dataRoot,
    );
    expect(report).toEqual({ files: 1, bytes: 2, kept: 0 });
    expect(existsSync(path.join(dataRoot, 'CHEM_INPUTS/FAST_JX/v2024-05/FJX_spec.dat'))).toBe(true);
  });

  it('local inputs and run-directory links are held to their roots too', async () => {
    await expect(checkLocalInputs(dataRoot, [{ path: '../run/secret' }])).rejects.toThrow(UnsafePathError);
    await expect(
      linkIntoRunDirectory(
        workDir,
        dataRoot,
        [{ path: 'a.nc4', runDirectoryPath: '../../escaped' }],
        containedPath,
      ),
    ).rejects.toThrow(UnsafePathError);
    expect(outside()).toEqual([]);
  });
});

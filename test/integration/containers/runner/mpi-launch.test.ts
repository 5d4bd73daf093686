/**
 * GCHP's ssh between the nodes of one job, with the keys made at job start
 * and exchanged through s3rver, and a real sshd (Debian openssh-server) run
 * with the image's own sshd_config: only the job's own main node gets in, and
 * it only trusts its own workers. sshd runs as the test's user, so a few `-o`
 * settings adapt the image's config (its user is gcr, not root).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import { ConfigurationError, TransientInfrastructureError } from '#containers/runner/src/failures.js';
import {
  announce,
  awaitNodes,
  mpirunSshEnvironment,
  prepareMainSsh,
  prepareWorkerSsh,
  serveSsh,
  sshFiles,
  trustWorkers,
  type Coordination,
  type SshSetup,
} from '#containers/runner/src/mpi-launch.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { startS3rver, type RunningS3rver } from '#test/helpers/s3rver-client.js';

const SSHD = '/usr/sbin/sshd';
const BUCKET = 'gcr-results';
const hasSshd = existsSync(SSHD);
if (!hasSshd)
  console.warn('sshd is not installed (apt-get install openssh-server): the ssh checks are SKIPPED');
const withSshd = hasSshd ? it : it.skip;

let s3: RunningS3rver;
let base: string;
const started: { kill(): void }[] = [];

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  // Not under /tmp: sshd's StrictModes refuses key files below a world-writable directory.
  mkdirSync(path.join(os.homedir(), '.cache'), { recursive: true });
  base = mkdtempSync(path.join(os.homedir(), '.cache', 'gcr-mpi-ssh-'));
  // sshd started by root wants its privilege separation directory.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
}, 30_000);

afterAll(async () => {
  for (const process of started) process.kill();
  await s3.stop();
  rmSync(base, { recursive: true, force: true });
});

function coordination(job: string): Coordination {
  return {
    client: s3.client,
    bucket: BUCKET,
    prefix: `simulations/sim_mpi/mpi/${job}-1/`,
    attempts: 2,
    pollMs: 50,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

interface Job {
  main: SshSetup;
  worker: SshSetup;
  config: string;
}

/** A two-node job: the main node here, one worker serving ssh on 127.0.0.1 (its main node's address). */
async function twoNodeJob(job: string, mainAddress = '127.0.0.1'): Promise<Job> {
  const port = await freePort();
  const main = { dir: path.join(base, job, 'main'), port };
  const worker = { dir: path.join(base, job, 'worker'), port };
  const where = coordination(job);
  // The worker starts first and waits for the main node's key, as on Batch.
  const workerReady = (async () => {
    const hostKey = await prepareWorkerSsh(where, worker, {
      mainAddress,
      comment: `gcr-${job}-node-1`,
      timeoutMs: 30_000,
    });
    const sshd = serveSsh(path.join(repoRoot, 'containers/gchp/sshd_config'), worker, {
      sshd: SSHD,
      sshdOptions: {
        AllowUsers: os.userInfo().username,
        PermitRootLogin: 'prohibit-password',
        PidFile: path.join(worker.dir, 'sshd.pid'),
      },
    });
    started.push({
      kill: () => process.kill(Number(readFileSync(path.join(worker.dir, 'sshd.pid'), 'utf8'))),
    });
    await sshd.ready;
    await announce(where, { index: 1, address: '127.0.0.1', slots: 2, hostKey });
  })();
  await prepareMainSsh(where, main, `gcr-${job}-main`);
  await announce(where, { index: 0, address: '127.0.0.1', slots: 2 });
  await workerReady;
  const nodes = await awaitNodes(
    where,
    { nodeIndex: 0, mainNodeIndex: 0, numNodes: 2, isMain: true },
    30_000,
  );
  const config = await trustWorkers(
    main,
    nodes.filter((node) => node.index !== 0),
  );
  return { main, worker, config };
}

/** ssh as mpirun's launcher runs it: `ssh <OMPI_MCA_plm_rsh_args> <host> <command>`. */
async function ssh(config: string, ...extra: string[]): Promise<{ ok: boolean; output: string }> {
  const args = mpirunSshEnvironment(config)['OMPI_MCA_plm_rsh_args']!.split(' ');
  try {
    const { stdout } = await promisify(execFile)(
      'ssh',
      [...args, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', ...extra, '127.0.0.1', 'echo gcr-ok'],
      { timeout: 60_000 },
    );
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: string }).stderr ?? error) };
  }
}

describe("GCHP's ssh between the nodes of one job", () => {
  withSshd(
    "GCHP's SSH private key is baked into the image with a shared host key and StrictHostKeyChecking no: now each job attempt makes its own keys at start, and only its own main node gets in",
    async () => {
      const a = await twoNodeJob('job-a');
      const b = await twoNodeJob('job-b');

      // Each main node reaches its own worker, verifying the worker's host key.
      expect(await ssh(a.config)).toEqual({ ok: true, output: 'gcr-ok\n' });
      expect(await ssh(b.config)).toEqual({ ok: true, output: 'gcr-ok\n' });

      // Job B's main node, trusting job A's worker's host key, is still refused by it: wrong key.
      const refused = await ssh(
        b.config,
        '-p',
        String(a.worker.port),
        '-o',
        `UserKnownHostsFile=${sshFiles(a.main).knownHosts}`,
      );
      expect(refused.ok).toBe(false);
      expect(refused.output).toMatch(/Permission denied \(publickey\)/);

      // Job A's main node does not trust job B's worker (another host key on that port): it does not connect.
      const untrusted = await ssh(a.config, '-p', String(b.worker.port));
      expect(untrusted.ok).toBe(false);
      expect(untrusted.output).toMatch(/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
    },
    120_000,
  );

  withSshd(
    "a worker accepts its main node's key only from the main node's address",
    async () => {
      const job = await twoNodeJob('job-from', '10.255.255.1');
      const refused = await ssh(job.config);
      expect(refused.ok).toBe(false);
      expect(refused.output).toMatch(/Permission denied \(publickey\)/);
    },
    120_000,
  );

  it('keeps every private key on its node: S3 holds public keys and addresses only, and the files are 0600 in 0700 directories', async () => {
    const where = coordination('job-files');
    const main = { dir: path.join(base, 'job-files', 'main'), port: 2222 };
    const worker = { dir: path.join(base, 'job-files', 'worker'), port: 2222 };
    const hostKey = prepareWorkerSsh(where, worker, {
      mainAddress: '10.0.1.17',
      comment: 'gcr-files-node-1',
      timeoutMs: 30_000,
    });
    await prepareMainSsh(where, main, 'gcr-files-main');
    await announce(where, { index: 1, address: '10.0.1.18', slots: 2, hostKey: await hostKey });
    await trustWorkers(main, [{ index: 1, address: '10.0.1.18', slots: 2, hostKey: await hostKey }]);

    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: where.prefix }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!.slice(where.prefix.length)).sort();
    expect(keys).toEqual(['main-key.pub', 'nodes/1.json']);
    for (const key of keys) {
      const body = await (
        await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${where.prefix}${key}` }))
      ).Body!.transformToString();
      expect(body).not.toMatch(/PRIVATE KEY/);
    }
    const mainKey = readFileSync(`${sshFiles(main).identity}.pub`, 'utf8')
      .split(' ')
      .slice(0, 2)
      .join(' ');
    expect(readFileSync(sshFiles(worker).authorizedKeys, 'utf8')).toBe(
      `from="10.0.1.17",restrict ${mainKey}\n`,
    );
    expect(readFileSync(sshFiles(main).knownHosts, 'utf8')).toBe(`[10.0.1.18]:2222 ${await hostKey}\n`);
    for (const file of [
      sshFiles(main).identity,
      sshFiles(main).knownHosts,
      sshFiles(main).config,
      sshFiles(worker).hostKey,
      sshFiles(worker).authorizedKeys,
    ]) {
      expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
    }
    for (const dir of [main.dir, worker.dir]) expect([dir, statSync(dir).mode & 0o777]).toEqual([dir, 0o700]);
    expect(mpirunSshEnvironment(sshFiles(main).config)).toEqual({
      OMPI_MCA_plm_rsh_args: `-F ${sshFiles(main).config}`,
      OMPI_MCA_plm_rsh_no_tree_spawn: '1',
    });
  }, 60_000);

  it("a worker without its main node's key, or whose sshd does not start, never announces itself", async () => {
    const where = coordination('job-lonely');
    const worker = { dir: path.join(base, 'job-lonely', 'worker'), port: await freePort() };
    const waiting = prepareWorkerSsh(where, worker, { mainAddress: undefined, comment: 'w', timeoutMs: 300 });
    await expect(waiting).rejects.toThrow(TransientInfrastructureError);
    await expect(waiting).rejects.toMatchObject({ exitCode: EXIT_CODES.transientInfrastructure });

    const broken = serveSsh(undefined, worker, { sshd: '/bin/false' });
    await expect(broken.ready).rejects.toThrow(ConfigurationError);
    expect(await broken.done).toBe(1);
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: where.prefix }));
    expect(listed.Contents ?? []).toEqual([]);
  }, 60_000);

  it('refuses an announcement without a valid host key instead of trusting anything', async () => {
    const main = { dir: path.join(base, 'job-bad', 'main'), port: 2222 };
    await expect(trustWorkers(main, [{ index: 1, address: '10.0.1.18', slots: 2 }])).rejects.toThrow(
      'node 1 announced no ssh host key',
    );
    await expect(
      trustWorkers(main, [{ index: 1, address: '10.0.1.18', slots: 2, hostKey: 'ssh-rsa AAAA' }]),
    ).rejects.toThrow('node 1 announced a host key that is not ssh-ed25519');
  });
});

/**
 * The MPI side of GCHP jobs (see multi-node.ts for the approach): the nodes
 * meet under the job attempt's coordination prefix in S3. The main node makes
 * this attempt's ssh key pair and publishes its public key; each worker makes
 * its sshd host key, authorises only the main node's key, serves ssh and then
 * announces its address and host key; the main node trusts exactly the
 * announced host keys and writes the hostfile mpirun uses. No key is in the
 * image: what one job learns opens no other job's nodes.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConfigurationError, TransientInfrastructureError } from './failures.js';
import { hostfile, type MultiNodeEnv, type NodeAnnouncement } from './multi-node.js';
import { isNotFound, withRetries } from './s3.js';
import { authorizedKeys, clientConfig, generateSshKeyPair, knownHosts, parsePublicKey } from './ssh-keys.js';
import { listObjects } from './transfers.js';

export interface Coordination {
  client: S3Client;
  bucket: string;
  /** `simulations/<id>/mpi/<job id>-<attempt>/` (multi-node.ts coordinationPrefix) */
  prefix: string;
  attempts: number;
  /** Pause between two looks for what the other nodes publish (default 5 s). */
  pollMs?: number;
}

/** Where this node keeps the job's ssh files (GCR_SSH_DIR) and the port sshd serves. */
export interface SshSetup {
  dir: string;
  port: number;
}

/** The files under SshSetup.dir, each written at job start with mode 0600 in a 0700 directory. */
export function sshFiles(setup: SshSetup) {
  return {
    /** Main node: this attempt's private key, and the public key published for the workers. */
    identity: path.join(setup.dir, 'id_ed25519'),
    /** Main node: the workers' announced host keys. */
    knownHosts: path.join(setup.dir, 'known_hosts'),
    /** Main node: the ssh client config mpirun's ssh reads (`-F`). */
    config: path.join(setup.dir, 'config'),
    /** Worker: only the main node's key. */
    authorizedKeys: path.join(setup.dir, 'authorized_keys'),
    /** Worker: sshd's host key. */
    hostKey: path.join(setup.dir, 'ssh_host_ed25519_key'),
  };
}

const nodesPrefix = (coordination: Coordination): string => `${coordination.prefix}nodes/`;
const mainKeyKey = (coordination: Coordination): string => `${coordination.prefix}main-key.pub`;
const pause = (coordination: Coordination): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, coordination.pollMs ?? 5_000));

/** This node's first non-internal IPv4 address. */
export function privateAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  throw new ConfigurationError('this node has no private IPv4 address');
}

async function writePrivate(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await chmod(path.dirname(file), 0o700);
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600);
}

async function put(coordination: Coordination, key: string, body: string, what: string): Promise<void> {
  await withRetries(
    what,
    () =>
      coordination.client.send(
        new PutObjectCommand({
          Bucket: coordination.bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain',
        }),
      ),
    { attempts: coordination.attempts },
  );
}

export async function announce(coordination: Coordination, node: NodeAnnouncement): Promise<void> {
  await put(
    coordination,
    `${nodesPrefix(coordination)}${node.index}.json`,
    JSON.stringify(node),
    'announcing this node',
  );
}

/**
 * Main node: makes this attempt's key pair, keeps the private key on this node
 * only, and publishes the public key for the workers.
 */
export async function prepareMainSsh(
  coordination: Coordination,
  setup: SshSetup,
  comment: string,
): Promise<void> {
  const files = sshFiles(setup);
  const pair = generateSshKeyPair(comment);
  await writePrivate(files.identity, pair.privateKey);
  await writePrivate(`${files.identity}.pub`, `${pair.publicKey}\n`);
  await put(
    coordination,
    mainKeyKey(coordination),
    `${pair.publicKey}\n`,
    "publishing the main node's ssh key",
  );
}

/**
 * Worker: makes sshd's host key, waits for the main node's public key and
 * authorises it alone (from the main node's address, when Batch gives it).
 * Returns the host key's public line, to announce once sshd listens.
 */
export async function prepareWorkerSsh(
  coordination: Coordination,
  setup: SshSetup,
  options: { mainAddress: string | undefined; comment: string; timeoutMs: number },
): Promise<string> {
  const files = sshFiles(setup);
  const host = generateSshKeyPair(options.comment);
  await writePrivate(files.hostKey, host.privateKey);
  const mainKey = await awaitMainKey(coordination, options.timeoutMs);
  await writePrivate(files.authorizedKeys, authorizedKeys(mainKey, options.mainAddress));
  return parsePublicKey(host.publicKey);
}

/** The main node's public key once published; a TransientInfrastructureError (75) after `timeoutMs`. */
async function awaitMainKey(coordination: Coordination, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await withRetries(
      "reading the main node's ssh key",
      async () => {
        try {
          const out = await coordination.client.send(
            new GetObjectCommand({ Bucket: coordination.bucket, Key: mainKeyKey(coordination) }),
          );
          return await out.Body!.transformToString();
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      { attempts: coordination.attempts },
    );
    // An object read while it is being written (an emulator's PUT is not atomic as S3's is) is read again.
    let unreadable = false;
    if (text !== undefined) {
      try {
        return parsePublicKey(text);
      } catch {
        unreadable = true;
      }
    }
    if (Date.now() > deadline) {
      if (unreadable) {
        throw new ConfigurationError(
          `s3://${coordination.bucket}/${mainKeyKey(coordination)} is not an ssh-ed25519 key`,
        );
      }
      throw new TransientInfrastructureError(
        `the main node published no ssh key within ${Math.round(timeoutMs / 1000)} s`,
      );
    }
    await pause(coordination);
  }
}

/** Waits until every node announced itself; a TransientInfrastructureError (75) after `timeoutMs`. */
export async function awaitNodes(
  coordination: Coordination,
  nodes: MultiNodeEnv,
  timeoutMs: number,
): Promise<NodeAnnouncement[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = await listObjects(coordination.client, coordination.bucket, nodesPrefix(coordination));
    if (listed.length >= nodes.numNodes) {
      const announcements: NodeAnnouncement[] = [];
      for (const object of listed) {
        const out = await coordination.client.send(
          new GetObjectCommand({ Bucket: coordination.bucket, Key: object.key }),
        );
        announcements.push(JSON.parse(await out.Body!.transformToString()) as NodeAnnouncement);
      }
      return announcements;
    }
    if (Date.now() > deadline) {
      throw new TransientInfrastructureError(
        `only ${listed.length} of ${nodes.numNodes} node(s) announced themselves within ${Math.round(timeoutMs / 1000)} s`,
      );
    }
    await pause(coordination);
  }
}

/**
 * Main node: trusts exactly the workers' announced host keys and writes the
 * ssh client config mpirun's ssh uses. Returns the config's path.
 */
export async function trustWorkers(setup: SshSetup, workers: readonly NodeAnnouncement[]): Promise<string> {
  const files = sshFiles(setup);
  const hosts = workers.map((worker) => {
    if (!worker.hostKey) throw new ConfigurationError(`node ${worker.index} announced no ssh host key`);
    try {
      return { address: worker.address, hostKey: parsePublicKey(worker.hostKey) };
    } catch {
      throw new ConfigurationError(`node ${worker.index} announced a host key that is not ssh-ed25519`);
    }
  });
  await writePrivate(files.knownHosts, knownHosts(hosts, setup.port));
  await writePrivate(
    files.config,
    clientConfig({ identityFile: files.identity, knownHostsFile: files.knownHosts, port: setup.port }),
  );
  return files.config;
}

/**
 * The environment mpirun needs to use that config: Open MPI's ssh launcher
 * reads its arguments from OMPI_MCA_plm_rsh_args, and without tree spawn only
 * the main node starts processes (the workers hold no key to reach each other).
 */
export function mpirunSshEnvironment(configFile: string): Record<string, string> {
  return { OMPI_MCA_plm_rsh_args: `-F ${configFile}`, OMPI_MCA_plm_rsh_no_tree_spawn: '1' };
}

export async function writeHostfile(file: string, nodes: readonly NodeAnnouncement[]): Promise<void> {
  await writeFile(file, hostfile(nodes));
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A worker serves ssh for mpirun until the job ends (Batch stops it when the
 * main node exits): the image's sshd, unprivileged, from GCR_SSHD_CONFIG, with
 * this job's host key and authorized_keys. `ready` resolves once it accepts
 * connections (the worker announces itself only then); `done` gives its exit code.
 */
export function serveSsh(
  configFile: string | undefined,
  setup: SshSetup,
  options: {
    /** The sshd binary (default /usr/sbin/sshd). */
    sshd?: string;
    readyTimeoutMs?: number;
    /** More `-o` settings, which take precedence over the config file's (tests run sshd as themselves). */
    sshdOptions?: Record<string, string>;
  } = {},
): { ready: Promise<void>; done: Promise<number> } {
  const files = sshFiles(setup);
  const sshd = spawn(
    options.sshd ?? '/usr/sbin/sshd',
    [
      '-D',
      '-e',
      ...(configFile ? ['-f', configFile] : []),
      '-h',
      files.hostKey,
      '-o',
      `AuthorizedKeysFile=${files.authorizedKeys}`,
      '-p',
      String(setup.port),
      ...Object.entries(options.sshdOptions ?? {}).flatMap(([name, value]) => ['-o', `${name}=${value}`]),
    ],
    { stdio: 'inherit' },
  );
  let exited: string | undefined;
  const done = new Promise<number>((resolve) => {
    sshd.on('error', (error) => {
      exited = `could not start sshd: ${error.message}`;
      process.stderr.write(`gcr runner: ${exited}\n`);
      resolve(1);
    });
    sshd.on('close', (code) => {
      exited ??= `sshd exited with ${code}`;
      resolve(code ?? 0);
    });
  });
  const ready = (async () => {
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new ConfigurationError(`${exited} before it served ssh`);
      if (await listening(setup.port)) return;
      if (Date.now() > deadline) {
        sshd.kill('SIGTERM');
        throw new TransientInfrastructureError(
          `sshd did not listen on port ${setup.port} within ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return { ready, done };
}

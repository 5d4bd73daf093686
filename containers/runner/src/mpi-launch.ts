/**
 * The MPI side of GCHP jobs (see multi-node.ts for the approach): workers
 * announce themselves in S3 and serve ssh; the main node collects the
 * announcements and writes the hostfile mpirun uses.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConfigurationError, TransientInfrastructureError } from './failures.js';
import { hostfile, type MultiNodeEnv, type NodeAnnouncement } from './multi-node.js';
import { withRetries } from './s3.js';
import { listObjects } from './transfers.js';

export interface Coordination {
  client: S3Client;
  bucket: string;
  /** `simulations/<id>/mpi/<job id>-<attempt>/nodes/` (multi-node.ts announcementPrefix) */
  prefix: string;
  attempts: number;
}

/** This node's first non-internal IPv4 address. */
export function privateAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  throw new ConfigurationError('this node has no private IPv4 address');
}

export async function announce(coordination: Coordination, node: NodeAnnouncement): Promise<void> {
  await withRetries(
    'announcing this node',
    () =>
      coordination.client.send(
        new PutObjectCommand({
          Bucket: coordination.bucket,
          Key: `${coordination.prefix}${node.index}.json`,
          Body: JSON.stringify(node),
          ContentType: 'application/json',
        }),
      ),
    { attempts: coordination.attempts },
  );
}

/** Waits until every node announced itself; a TransientInfrastructureError (75) after `timeoutMs`. */
export async function awaitNodes(
  coordination: Coordination,
  nodes: MultiNodeEnv,
  timeoutMs: number,
): Promise<NodeAnnouncement[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = await listObjects(coordination.client, coordination.bucket, coordination.prefix);
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
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

export async function writeHostfile(file: string, nodes: readonly NodeAnnouncement[]): Promise<void> {
  await writeFile(file, hostfile(nodes));
}

/**
 * A worker serves ssh for mpirun until the job ends (Batch stops it when the
 * main node exits). The image's sshd runs unprivileged from GCR_SSHD_CONFIG.
 */
export function serveSsh(configFile: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', ...(configFile ? ['-f', configFile] : [])], {
      stdio: 'inherit',
    });
    sshd.on('error', (error) => {
      process.stderr.write(`gcr runner: could not start sshd: ${error.message}\n`);
      resolve(1);
    });
    sshd.on('close', (code) => resolve(code ?? 0));
  });
}

/**
 * GCHP on AWS Batch multi-node parallel jobs. Pure: parses Batch's node
 * variables and builds the hostfile and the mpirun command line.
 *
 * Batch starts the same container on every node with
 * AWS_BATCH_JOB_NODE_INDEX, AWS_BATCH_JOB_MAIN_NODE_INDEX, AWS_BATCH_JOB_NUM_NODES
 * and (on workers) AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS. The nodes meet
 * under the job attempt's coordination prefix `simulations/<id>/mpi/<job>-<attempt>/`:
 * the main node makes this attempt's ssh key pair and publishes the public key
 * (`main-key.pub`); each worker makes its sshd host key, authorises only that
 * public key (from the main node's address), starts sshd and then announces
 * its address and host key (`nodes/<index>.json`); the main node waits until
 * every worker announced itself, trusts exactly the announced host keys
 * (known_hosts, StrictHostKeyChecking yes), writes an Open MPI hostfile and
 * runs mpirun over ssh (mpi-launch.ts, ssh-keys.ts). When the main node's
 * process exits, Batch ends the job and stops the workers.
 */
import { ConfigurationError } from './failures.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface MultiNodeEnv {
  nodeIndex: number;
  mainNodeIndex: number;
  numNodes: number;
  /** Only on workers: Batch sets it there. */
  mainNodeAddress?: string;
  isMain: boolean;
}

export interface NodeAnnouncement {
  index: number;
  address: string;
  slots: number;
  /** A worker's sshd host key (`ssh-ed25519 AAAA...`), made when its job started; the main node has none. */
  hostKey?: string;
}

/** The sshd port of the workers (the image's sshd_config). */
export const SSH_PORT = 2222;

/** Undefined when the job is not a multi-node job (a single-node job runs mpirun locally). */
export function parseMultiNodeEnv(env: Env): MultiNodeEnv | undefined {
  const raw = env['AWS_BATCH_JOB_NUM_NODES'];
  if (raw === undefined || raw === '') return undefined;
  const numNodes = Number(raw);
  const nodeIndex = Number(env['AWS_BATCH_JOB_NODE_INDEX']);
  const mainNodeIndex = Number(env['AWS_BATCH_JOB_MAIN_NODE_INDEX'] ?? 0);
  for (const [name, value] of [
    ['AWS_BATCH_JOB_NUM_NODES', numNodes],
    ['AWS_BATCH_JOB_NODE_INDEX', nodeIndex],
    ['AWS_BATCH_JOB_MAIN_NODE_INDEX', mainNodeIndex],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ConfigurationError(`${name} must be a non-negative integer in a multi-node job`);
    }
  }
  if (numNodes < 1 || nodeIndex >= numNodes || mainNodeIndex >= numNodes) {
    throw new ConfigurationError(
      `inconsistent multi-node variables: node ${nodeIndex}, main ${mainNodeIndex}, ${numNodes} node(s)`,
    );
  }
  const mainNodeAddress = env['AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS'];
  return {
    nodeIndex,
    mainNodeIndex,
    numNodes,
    ...(mainNodeAddress ? { mainNodeAddress } : {}),
    isMain: nodeIndex === mainNodeIndex,
  };
}

/** Open MPI hostfile: one `address slots=N` line per node, main node first. */
export function hostfile(nodes: readonly NodeAnnouncement[]): string {
  return `${[...nodes]
    .sort((a, b) => a.index - b.index)
    .map((node) => `${node.address} slots=${node.slots}`)
    .join('\n')}\n`;
}

/** mpirun's argv (without the program name): processes over the hostfile, environment passed on. */
export function mpirunArgs(options: {
  processes: number;
  hostfilePath?: string;
  executable: string;
  exportVariables: readonly string[];
}): string[] {
  return [
    '-np',
    String(options.processes),
    ...(options.hostfilePath ? ['--hostfile', options.hostfilePath] : []),
    '--bind-to',
    'core',
    ...options.exportVariables.flatMap((name) => ['-x', name]),
    options.executable,
  ];
}

/**
 * Where this job attempt's nodes meet: per job and attempt, so a retried or
 * resubmitted job never sees a previous attempt's addresses or keys.
 * `simulations/<id>/mpi/<job id>-<attempt>/` (AWS_BATCH_JOB_ID is `<job id>#<node index>` on a node).
 */
export function coordinationPrefix(simulationPrefix: string, env: Env): string {
  const jobId = (env['AWS_BATCH_JOB_ID'] ?? 'local').split('#')[0]!.replace(/[^A-Za-z0-9_-]/g, '_');
  const attempt = /^\d+$/.test(env['AWS_BATCH_JOB_ATTEMPT'] ?? '') ? env['AWS_BATCH_JOB_ATTEMPT'] : '1';
  return `${simulationPrefix}mpi/${jobId}-${attempt}/`;
}

/** Where the nodes announce themselves: `<coordination prefix>nodes/`. */
export function announcementPrefix(simulationPrefix: string, env: Env): string {
  return `${coordinationPrefix(simulationPrefix, env)}nodes/`;
}

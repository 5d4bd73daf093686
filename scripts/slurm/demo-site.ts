/**
 * `npm run demo -- --backend slurm`'s site: the local Slurm cluster
 * (scripts/slurm/start-cluster.sh) as a site of the local platform, and its
 * agent (`gcr agent --site`) as a child process. Creates the site when it is
 * missing (its partition from sinfo), makes a credential for this demo
 * (revoked at the end), writes the agent's configuration and credential (mode
 * 0600) under the data directory and starts the agent; its log goes to
 * <data dir>/agent/<site>.log.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface DemoSite {
  site: string;
  /** Stops the agent and revokes the demo's credential. */
  stop(): Promise<void>;
}

/** The local cluster's default partition and where it logs finished jobs (or sacct), from sinfo and scontrol. */
function localCluster(): {
  partition: string;
  accounting: { kind: 'sacct' } | { kind: 'jobcomp-log'; path: string };
} {
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%P'], { encoding: 'utf8', timeout: 30_000 });
  if (sinfo.status !== 0) {
    throw new Error(
      `no Slurm cluster answers sinfo (${(sinfo.stderr || sinfo.error?.message || '').trim()}): start one as root with sh scripts/slurm/start-cluster.sh`,
    );
  }
  const partitions = sinfo.stdout.split('\n').filter(Boolean);
  const partition = (partitions.find((p) => p.endsWith('*')) ?? partitions[0] ?? 'debug').replace(/\*$/, '');
  const config =
    spawnSync('scontrol', ['show', 'config'], { encoding: 'utf8', timeout: 30_000 }).stdout ?? '';
  const setting = (key: string) => new RegExp(`^${key}\\s*=\\s*(\\S+)`, 'm').exec(config)?.[1];
  const usesDbd = setting('AccountingStorageType') === 'accounting_storage/slurmdbd';
  const jobcomp = setting('JobCompLoc');
  return {
    partition,
    accounting:
      !usesDbd && setting('JobCompType') === 'jobcomp/filetxt' && jobcomp
        ? { kind: 'jobcomp-log', path: jobcomp }
        : { kind: 'sacct' },
  };
}

export async function startDemoSite(options: {
  platformUrl: string;
  adminToken: string;
  dataDir: string;
  site: string;
  say(line: string): void;
}): Promise<DemoSite> {
  const { platformUrl, site, say } = options;
  const cluster = localCluster();
  const headers = { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' };
  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${platformUrl}${route}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const sites = (await call('GET', '/sites')) as { items?: Array<{ name: string }> };
  if (!sites.items?.some((existing) => existing.name === site)) {
    await call('POST', '/sites', {
      name: site,
      description: 'the local Slurm cluster (npm run demo -- --backend slurm)',
      partitions: [{ name: cluster.partition, maxTimeMinutes: 60, maxCpus: 8, maxMemoryMiB: 8192 }],
    });
    say(`site ${site} created: partition ${cluster.partition} of the local Slurm cluster`);
  }
  const credential = (await call('POST', `/sites/${site}/credentials`)) as {
    credentialId: string;
    secret: string;
  };
  const agentDir = path.join(options.dataDir, 'agent');
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  const credentialFile = path.join(agentDir, `${site}.secret`);
  writeFileSync(credentialFile, `${credential.secret}\n`, { mode: 0o600 });
  const configFile = path.join(agentDir, `${site}.json`);
  writeFileSync(
    configFile,
    `${JSON.stringify(
      {
        platformUrl,
        site,
        credentialFile,
        extDataRoot: path.join(agentDir, 'ExtData'),
        workRoot: path.join(agentDir, 'work'),
        accounting: cluster.accounting,
        pollSeconds: 1,
        receiveWaitSeconds: 1,
      },
      null,
      2,
    )}\n`,
  );
  const logFile = path.join(agentDir, `${site}.log`);
  const agent = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'cli/main.ts'), 'agent', '--site', site, '--config', configFile],
    {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'ignore', openSync(logFile, 'a')],
    },
  );
  say(
    `agent started (pid ${agent.pid}): gcr agent --site ${site} --config ${configFile}; its log: ${logFile}`,
  );
  return {
    site,
    stop: async () => {
      if (agent.exitCode === null && agent.signalCode === null) {
        const exited = new Promise((resolve) => agent.once('exit', resolve));
        agent.kill('SIGTERM');
        await exited;
      }
      await call('DELETE', `/sites/${site}/credentials/${credential.credentialId}`).catch((error: Error) =>
        say(`could not revoke the demo's credential: ${error.message}`),
      );
    },
  };
}

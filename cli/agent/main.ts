/**
 * Wires the site agent from its configuration: the platform's site routes
 * over fetch, the site's queue over SQS, the real Slurm commands, presigned
 * transfers and the state file under the work root.
 */
import os from 'node:os';
import type { FetchLike } from '../api-client.js';
import { loadAgentConfig, readSiteCredential, type AgentConfig } from './config.js';
import { httpFileTransfer } from './file-transfer.js';
import { prepareArrayDirectory, prepareRunDirectory, type SubmitMessage } from './prepare.js';
import { HttpSiteApi } from './site-api.js';
import { SiteAgent } from './site-agent.js';
import { SlurmAdapter } from './slurm/slurm-adapter.js';
import { execSlurmCommands } from './slurm/slurm-commands.js';
import { agentStatePath, FileStateStore } from './state-store.js';
import { sqsWorkQueue } from './work-queue.js';

export const AGENT_VERSION = '1';

export interface AgentProcess {
  agent: SiteAgent;
  config: AgentConfig;
  statePath: string;
}

export async function createSiteAgent(
  configFile: string,
  site: string,
  io: { log(line: string): void; fetch?: FetchLike; sleep(ms: number, signal?: AbortSignal): Promise<void> },
): Promise<AgentProcess> {
  const config = await loadAgentConfig(configFile, site);
  const credential = await readSiteCredential(config.credentialFile);
  const fetchImpl = (io.fetch ?? fetch) as typeof fetch;
  const api = new HttpSiteApi({ platformUrl: config.platformUrl, site, credential, fetch: fetchImpl });
  const transfer = httpFileTransfer(fetchImpl);
  const slurm = new SlurmAdapter(
    execSlurmCommands(),
    { user: os.userInfo().username, accounting: config.accounting ?? { kind: 'sacct' } },
    config.partitionDefaults ?? {},
  );
  const statePath = agentStatePath(config.workRoot, site);
  const preparationSite = {
    workRoot: config.workRoot,
    extDataRoot: config.extDataRoot,
    ...(config.geosChemExecutable ? { geosChemExecutable: config.geosChemExecutable } : {}),
    demoModelCommand: config.demoModelCommand,
  };
  const agent = new SiteAgent(
    {
      api,
      openQueue: sqsWorkQueue,
      slurm,
      transfer,
      state: new FileStateStore(statePath),
      prepare: (message: SubmitMessage) => prepareRunDirectory(message, preparationSite, api, transfer),
      prepareArray: (message, runDirectories) =>
        prepareArrayDirectory(config.workRoot, message, runDirectories),
      now: () => new Date(),
      sleep: io.sleep,
      log: io.log,
    },
    {
      site,
      agentId: `${os.hostname()}:${process.pid}`,
      version: AGENT_VERSION,
      pollSeconds: config.pollSeconds,
      receiveWaitSeconds: config.receiveWaitSeconds,
      jobDefaults: config.partitionDefaults ?? {},
    },
  );
  return { agent, config, statePath };
}

/**
 * A site agent process for tests that kill it: the real loop, the real Slurm
 * (jobcomp log fallback), the real run-directory preparation and demo model,
 * the real state file; only the platform's side is files in one directory,
 * so a SIGKILL and a restart are tested without the platform:
 *
 *   <dir>/queue/<n>.json   the site's queue: a message stays until deleted (a
 *                          new process sees every undeleted one: redelivery)
 *   <dir>/store/           what presigned GETs serve (store/rundir/...)
 *   <dir>/bucket/          where presigned PUTs land (bucket/outputs/...)
 *   <dir>/reports.jsonl    every report request, one per line
 *   <dir>/work/            the work root (run directories, the state file)
 *
 *   GCR_TEST_AGENT_DIR=<dir> node --import tsx test/helpers/site-agent-child.ts
 */
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultDemoModelCommand } from '#cli/agent/config.js';
import { prepareArrayDirectory, prepareRunDirectory, type SubmitMessage } from '#cli/agent/prepare.js';
import type { SiteApi } from '#cli/agent/site-api.js';
import { SiteAgent } from '#cli/agent/site-agent.js';
import { SlurmAdapter } from '#cli/agent/slurm/slurm-adapter.js';
import { execSlurmCommands } from '#cli/agent/slurm/slurm-commands.js';
import { agentStatePath, FileStateStore } from '#cli/agent/state-store.js';
import type { FileTransfer } from '#cli/agent/file-transfer.js';
import type { WorkQueue } from '#cli/agent/work-queue.js';

export const TEST_SITE = 'campus';

const dir = process.env['GCR_TEST_AGENT_DIR'];
if (!dir) throw new Error('set GCR_TEST_AGENT_DIR');
const queueDir = path.join(dir, 'queue');
const storeDir = path.join(dir, 'store');
const bucketDir = path.join(dir, 'bucket');
const workRoot = path.join(dir, 'work');
for (const d of [queueDir, storeDir, bucketDir, workRoot]) mkdirSync(d, { recursive: true });

const listFiles = (root: string): string[] =>
  readdirSync(root, { recursive: true })
    .map(String)
    .filter((name) => statSync(path.join(root, name)).isFile());

const api: SiteApi = {
  session: () =>
    Promise.resolve({
      site: TEST_SITE,
      queueUrl: `file://${queueDir}`,
      region: 'local',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      heartbeatIntervalSeconds: 30,
      visibilityTimeoutSeconds: 60,
    }),
  transfers: (request) =>
    Promise.resolve({
      simulationId: request.simulationId,
      attempt: request.attempt,
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      downloads: request.downloadRunDirectory
        ? listFiles(path.join(storeDir, 'rundir')).map((name) => ({
            path: `rundir/${name}`,
            url: path.join(storeDir, 'rundir', name),
          }))
        : [],
      uploads: (request.uploads ?? []).map((name) => ({
        path: name,
        url: path.join(bucketDir, name),
        headers: { 'x-amz-meta-gcr-attempt': String(request.attempt) },
      })),
    }),
  report: (request) => {
    appendFileSync(path.join(dir, 'reports.jsonl'), `${JSON.stringify(request)}\n`);
    return Promise.resolve({
      receivedAt: new Date().toISOString(),
      applied: request.jobs.map((job) => job.jobName),
      ignored: [],
    });
  },
};

const queue: WorkQueue = {
  receive: () =>
    Promise.resolve(
      readdirSync(queueDir)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => ({
          body: readFileSync(path.join(queueDir, name), 'utf8'),
          receiptHandle: name,
          receiveCount: 1,
        })),
    ),
  delete: (receiptHandle) => {
    rmSync(path.join(queueDir, receiptHandle), { force: true });
    return Promise.resolve();
  },
  extendVisibility: () => Promise.resolve(),
};

const copy = (from: string, to: string): Promise<void> => {
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
  return Promise.resolve();
};
const transfer: FileTransfer = { download: copy, upload: (url, _headers, file) => copy(file, url) };

const site = {
  workRoot,
  extDataRoot: path.join(dir, 'ExtData'),
  demoModelCommand: defaultDemoModelCommand(),
};
const agent = new SiteAgent(
  {
    api,
    openQueue: () => queue,
    // The jobcomp log of scripts/slurm/start-cluster.sh (test/helpers/slurm-cluster.ts JOBCOMP_LOG).
    slurm: new SlurmAdapter(execSlurmCommands(), {
      user: os.userInfo().username,
      accounting: { kind: 'jobcomp-log', path: '/var/log/slurm/jobcomp.log' },
    }),
    transfer,
    state: new FileStateStore(agentStatePath(workRoot, TEST_SITE)),
    prepare: (message: SubmitMessage) => prepareRunDirectory(message, site, api, transfer),
    prepareArray: (message, runDirectories) => prepareArrayDirectory(workRoot, message, runDirectories),
    now: () => new Date(),
    sleep: async (ms) => {
      await delay(ms);
    },
    log: (line) => process.stderr.write(`${new Date().toISOString()} agent ${process.pid}: ${line}\n`),
  },
  {
    site: TEST_SITE,
    agentId: `test:${process.pid}`,
    version: 'test',
    pollSeconds: 0.5,
    receiveWaitSeconds: 0,
    jobDefaults: {},
  },
);
await agent.run(new AbortController().signal);

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type {
  SiteArrayWork,
  SiteReportRequest,
  SiteSession,
  SiteWorkMessage,
  SiteTransferRequest,
} from '#schemas/generated/types.js';
import { PreparationError, type SubmitMessage } from '#cli/agent/prepare.js';
import { SiteAgent, type AgentPorts, type SlurmPort } from '#cli/agent/site-agent.js';
import type { SlurmJobRecord } from '#cli/agent/slurm/parse.js';
import type { SlurmJobRequest } from '#cli/agent/slurm/slurm-adapter.js';
import { SlurmCommandError } from '#cli/agent/slurm/slurm-commands.js';
import { emptyAgentState, type AgentState, type StateStore } from '#cli/agent/state-store.js';
import type { QueueMessage, WorkQueue } from '#cli/agent/work-queue.js';

const SITE = 'campus';

/** Everything the fakes saw, in order: the loop's decisions are read from here. */
type Event = string;

function submitMessage(simulationId = 'sim1', attempt = 1): SiteWorkMessage {
  return {
    schemaVersion: '1',
    kind: 'submit',
    site: SITE,
    simulationId,
    attempt,
    jobName: `gcr-${simulationId}-a${attempt}`,
    sentAt: '2026-12-07T12:00:00Z',
    job: { partition: 'debug', timeMinutes: 30, cpus: 1, memoryMiB: 512 },
    spec: { name: 'demo' },
  };
}

class FakeQueue implements WorkQueue {
  private visible: QueueMessage[] = [];
  private next = 0;
  constructor(private readonly events: Event[]) {}
  put(body: unknown): void {
    this.visible.push({ body: JSON.stringify(body), receiptHandle: `r${++this.next}`, receiveCount: 1 });
  }
  receive(max: number): Promise<QueueMessage[]> {
    this.events.push('receive');
    return Promise.resolve(this.visible.splice(0, max));
  }
  delete(receiptHandle: string): Promise<void> {
    this.events.push(`delete ${receiptHandle}`);
    return Promise.resolve();
  }
  extendVisibility(receiptHandle: string): Promise<void> {
    this.events.push(`extend ${receiptHandle}`);
    return Promise.resolve();
  }
}

class FakeSlurm implements SlurmPort {
  readonly jobs = new Map<string, SlurmJobRecord>();
  sbatches = 0;
  failSbatch?: Error;
  private nextId = 100;
  constructor(private readonly events: Event[]) {}
  readonly requests: SlurmJobRequest[] = [];
  submit(request: SlurmJobRequest): Promise<string> {
    if (this.failSbatch) return Promise.reject(this.failSbatch);
    this.sbatches += 1;
    this.requests.push(request);
    const jobId = String(this.nextId++);
    if (request.array) {
      // Tasks keyed <array>_<task>, as squeue -r lists them (pending ones under the array's id).
      const last = Number(request.array.indices.split('-')[1]);
      for (let task = 0; task <= last; task++) {
        this.jobs.set(`${jobId}_${task}`, {
          jobId,
          name: request.jobName,
          state: 'PENDING',
          arrayJobId: jobId,
          arrayTaskId: task,
        });
      }
      const throttle = request.array.maxRunning !== undefined ? `%${request.array.maxRunning}` : '';
      this.events.push(`sbatch ${request.jobName} --array=${request.array.indices}${throttle}`);
      return Promise.resolve(jobId);
    }
    this.jobs.set(jobId, { jobId, name: request.jobName, state: 'PENDING' });
    this.events.push(`sbatch ${request.jobName}`);
    return Promise.resolve(jobId);
  }
  observe(): Promise<SlurmJobRecord[]> {
    this.events.push('squeue');
    return Promise.resolve([...this.jobs.values()].map((record) => ({ ...record })));
  }
  findByName(jobName: string): Promise<SlurmJobRecord[]> {
    this.events.push(`lookup ${jobName}`);
    return Promise.resolve([...this.jobs.values()].filter((record) => record.name === jobName));
  }
  findByNames(jobNames: readonly string[]): Promise<SlurmJobRecord[]> {
    this.events.push(`lookup ${jobNames.join(',')}`);
    return Promise.resolve([...this.jobs.values()].filter((record) => jobNames.includes(record.name)));
  }
  cancel(jobKey: string): Promise<void> {
    this.events.push(`scancel ${jobKey}`);
    const record = this.jobs.get(jobKey);
    if (record) record.state = 'CANCELLED';
    return Promise.resolve();
  }
  /** Task `task` of array `arrayId` as squeue lists it (its own job id once it started). */
  task(arrayId: string, task: number, state: string, jobId = arrayId): void {
    const name = `gcr-${ENSEMBLE}-arr1`;
    this.jobs.set(`${arrayId}_${task}`, { jobId, name, state, arrayJobId: arrayId, arrayTaskId: task });
  }
  set(jobId: string, state: string, extra: Partial<SlurmJobRecord> = {}): void {
    Object.assign(this.jobs.get(jobId)!, { state }, extra);
  }
}

class MemoryStateStore implements StateStore {
  state: AgentState = emptyAgentState();
  load(): Promise<AgentState> {
    return Promise.resolve(structuredClone(this.state));
  }
  save(state: AgentState): Promise<void> {
    this.state = structuredClone(state);
    return Promise.resolve();
  }
}

interface Harness {
  agent: SiteAgent;
  queue: FakeQueue;
  slurm: FakeSlurm;
  store: MemoryStateStore;
  events: Event[];
  reports: SiteReportRequest[];
  transfers: SiteTransferRequest[];
  clock: { now: number };
  runDirectory: string;
  ports: AgentPorts;
  respond: { cancel?: string[]; failReports?: boolean };
  newAgent(): SiteAgent;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gcr-agent-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function harness(options: { prepare?: AgentPorts['prepare']; session?: Partial<SiteSession> } = {}): Harness {
  const events: Event[] = [];
  const reports: SiteReportRequest[] = [];
  const transfers: SiteTransferRequest[] = [];
  const queue = new FakeQueue(events);
  const slurm = new FakeSlurm(events);
  const store = new MemoryStateStore();
  const clock = { now: Date.parse('2026-12-07T12:00:00Z') };
  const respond: Harness['respond'] = {};
  const runDirectory = path.join(root, 'sim1', 'a1');
  const ports: AgentPorts = {
    api: {
      session: () => {
        events.push('session');
        return Promise.resolve({
          site: SITE,
          queueUrl: 'http://queue/campus',
          region: 'us-east-1',
          credentials: { accessKeyId: 'a', secretAccessKey: 's' },
          expiresAt: new Date(clock.now + 3600_000).toISOString(),
          heartbeatIntervalSeconds: 60,
          visibilityTimeoutSeconds: 60,
          ...options.session,
        });
      },
      transfers: (request) => {
        transfers.push(request);
        return Promise.resolve({
          simulationId: request.simulationId,
          attempt: request.attempt,
          expiresAt: new Date(clock.now + 600_000).toISOString(),
          downloads: [],
          uploads: (request.uploads ?? []).map((p) => ({ path: p, url: `http://s3/${p}`, headers: {} })),
        });
      },
      report: (request) => {
        if (respond.failReports) return Promise.reject(new Error('platform down'));
        reports.push(structuredClone(request));
        events.push(`report ${request.jobs.map((job) => `${job.jobName}:${job.status}`).join(',')}`);
        return Promise.resolve({
          receivedAt: new Date(clock.now).toISOString(),
          applied: request.jobs.map((job) => job.jobName),
          ignored: [],
          ...(respond.cancel ? { cancel: respond.cancel } : {}),
        });
      },
    },
    openQueue: () => queue,
    slurm,
    transfer: {
      download: () => Promise.resolve(),
      upload: (url) => {
        events.push(`upload ${url.replace('http://s3/', '')}`);
        return Promise.resolve();
      },
    },
    state: store,
    prepare:
      options.prepare ??
      (() => {
        mkdirSync(runDirectory, { recursive: true });
        return Promise.resolve(runDirectory);
      }),
    prepareArray: (message) => {
      events.push(`prepare array ${message.arrayJobName}`);
      return Promise.resolve(path.join(root, message.arrayJobName));
    },
    now: () => new Date(clock.now),
    sleep: () => Promise.resolve(),
    log: () => undefined,
  };
  const settings = {
    site: SITE,
    agentId: 'login1:42',
    version: '1',
    pollSeconds: 1,
    receiveWaitSeconds: 0,
    jobDefaults: {},
  };
  const newAgent = () => new SiteAgent(ports, settings);
  return {
    agent: newAgent(),
    queue,
    slurm,
    store,
    events,
    reports,
    transfers,
    clock,
    runDirectory,
    ports,
    respond,
    newAgent,
  };
}

const statuses = (h: Harness) =>
  h.reports.flatMap((r) => r.jobs.map((job) => `${job.jobName}:${job.status}`));

describe('the site agent', () => {
  it('prepares, sbatches once, reports SUBMITTED and deletes the message', async () => {
    const h = harness();
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.slurm.sbatches).toBe(1);
    expect(h.events).toEqual([
      'session',
      'receive',
      'lookup gcr-sim1-a1',
      'sbatch gcr-sim1-a1',
      'delete r1',
      'squeue',
      'report gcr-sim1-a1:SUBMITTED,gcr-sim1-a1:RUNNABLE',
    ]);
    expect(h.store.state.jobs['gcr-sim1-a1']).toMatchObject({
      slurmJobId: '100',
      runDirectory: h.runDirectory,
    });
  });

  it('never sbatches a redelivered submit twice: the state file knows it', async () => {
    const h = harness();
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.slurm.sbatches).toBe(1);
    expect(h.events.filter((e) => e.startsWith('delete'))).toEqual(['delete r1', 'delete r2']);
  });

  it('never sbatches a job Slurm already knows by name (a restarted agent that lost its state)', async () => {
    const h = harness();
    h.slurm.jobs.set('7', { jobId: '7', name: 'gcr-sim1-a1', state: 'RUNNING' });
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.slurm.sbatches).toBe(0);
    expect(h.events).toContain('delete r1');
    expect(h.store.state.jobs['gcr-sim1-a1']?.slurmJobId).toBe('7');
    expect(statuses(h)).toEqual(['gcr-sim1-a1:RUNNING']);
  });

  it('re-attaches after a restart from its state file, and a redelivery then sbatches nothing', async () => {
    const h = harness();
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    h.slurm.set('100', 'RUNNING');
    // The job left squeue and the accounting record has not caught up: only the state file knows it.
    const known = h.slurm.findByName.bind(h.slurm);
    h.slurm.findByName = () => Promise.resolve([]);
    const restarted = h.newAgent();
    await restarted.start();
    h.queue.put(submitMessage());
    await restarted.cycle();
    h.slurm.findByName = known;
    expect(h.slurm.sbatches).toBe(1);
    expect(statuses(h)).toContain('gcr-sim1-a1:RUNNING');
  });

  it('asks Slurm about the names of a whole batch of submits at once (one squeue, not one per message)', async () => {
    const h = harness();
    h.slurm.jobs.set('7', { jobId: '7', name: 'gcr-sim2-a1', state: 'RUNNING' });
    await h.agent.start();
    h.queue.put(submitMessage('sim1'));
    h.queue.put(submitMessage('sim2'));
    h.queue.put(submitMessage('sim3'));
    await h.agent.cycle();
    expect(h.events.filter((e) => e.startsWith('lookup'))).toEqual([
      'lookup gcr-sim1-a1,gcr-sim2-a1,gcr-sim3-a1',
    ]);
    expect(h.events.filter((e) => e.startsWith('sbatch'))).toEqual([
      'sbatch gcr-sim1-a1',
      'sbatch gcr-sim3-a1',
    ]);
  });

  it('keeps receiving in the same poll while batches come full (a burst of submits), up to 100 messages', async () => {
    const h = harness();
    await h.agent.start();
    for (let n = 0; n < 25; n++) h.queue.put(submitMessage(`burst${n}`));
    await h.agent.cycle();
    expect(h.slurm.sbatches).toBe(25);
    expect(h.events.filter((e) => e === 'receive')).toHaveLength(3);
    expect(h.events.filter((e) => e.startsWith('lookup'))).toHaveLength(3);
  });

  it('forgets a job it was killed before submitting (Slurm does not know it), so the redelivery submits it', async () => {
    const h = harness();
    h.store.state.jobs['gcr-sim1-a1'] = {
      simulationId: 'sim1',
      attempt: 1,
      jobName: 'gcr-sim1-a1',
      runDirectory: h.runDirectory,
      submittedAt: '2026-12-07T11:59:00Z',
      uploaded: {},
      initialFiles: {},
    };
    await h.agent.start();
    expect(h.store.state.jobs).toEqual({});
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.slurm.sbatches).toBe(1);
  });

  it('reports a message that fails preparation FAILED with the reason, then deletes it', async () => {
    const h = harness({
      prepare: () => Promise.reject(new PreparationError('2 input file(s) unusable in the ExtData root')),
    });
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.slurm.sbatches).toBe(0);
    const failed = h.reports[0]!.jobs[0]!;
    expect(failed).toMatchObject({
      status: 'FAILED',
      reason: '2 input file(s) unusable in the ExtData root',
    });
    expect(h.events.indexOf('report gcr-sim1-a1:FAILED')).toBeLessThan(h.events.indexOf('delete r1'));
    expect(h.store.state.jobs).toEqual({});
  });

  it('keeps the message when its FAILED report cannot be sent (it comes back; never silence)', async () => {
    const h = harness({ prepare: () => Promise.reject(new PreparationError('no run directory')) });
    await h.agent.start();
    h.respond.failReports = true;
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.events).not.toContain('delete r1');
  });

  it('leaves the message for later when sbatch cannot reach the controller (no report, no deletion)', async () => {
    const h = harness();
    h.slurm.failSbatch = new SlurmCommandError(
      'sbatch',
      [],
      1,
      'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)',
    );
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.events).not.toContain('delete r1');
    expect(statuses(h)).toEqual([]);
    expect(h.store.state.jobs).toEqual({});
  });

  it("reports an sbatch refusal (a bad partition) FAILED with Slurm's words", async () => {
    const h = harness();
    h.slurm.failSbatch = new SlurmCommandError(
      'sbatch',
      [],
      1,
      'sbatch: error: invalid partition specified: gpu',
    );
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.reports[0]!.jobs[0]!.reason).toMatch(/invalid partition specified: gpu/);
    expect(h.events).toContain('delete r1');
  });

  it("extends the message's visibility while it prepares a slow run directory", async () => {
    let extended!: () => void;
    const twice = new Promise<void>((resolve) => (extended = resolve));
    const h = harness({
      // A tiny timeout: the extension comes every half of it; the test waits for the extensions, not for time.
      session: { visibilityTimeoutSeconds: 0.02 },
      prepare: async () => {
        await twice;
        mkdirSync(path.join(root, 'slow'), { recursive: true });
        return path.join(root, 'slow');
      },
    });
    const extend = h.queue.extendVisibility.bind(h.queue);
    h.queue.extendVisibility = async (receipt) => {
      await extend(receipt);
      if (h.events.filter((e) => e === `extend ${receipt}`).length >= 2) extended();
    };
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.events.filter((e) => e === 'extend r1').length).toBeGreaterThanOrEqual(2);
    expect(h.events.indexOf('extend r1')).toBeLessThan(h.events.indexOf('sbatch gcr-sim1-a1'));
    expect(h.slurm.sbatches).toBe(1);
  });

  it('cancels by name: scancel of the job, message deleted; the CANCELLED end is reported', async () => {
    const h = harness();
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    h.queue.put({
      ...submitMessage(),
      kind: 'cancel',
      reason: 'cancelled by the owner',
      job: undefined,
      spec: undefined,
    });
    await h.agent.cycle();
    expect(h.events).toContain('scancel 100');
    expect(h.events).toContain('delete r2');
    expect(statuses(h)).toContain('gcr-sim1-a1:CANCELLED');
  });

  it('scancels a job whose simulation the platform says was cancelled (the reports answer)', async () => {
    const h = harness();
    await h.agent.start();
    h.queue.put(submitMessage());
    h.respond.cancel = ['gcr-sim1-a1'];
    await h.agent.cycle();
    expect(h.events).toContain('scancel 100');
  });

  it('reports in order, with progress, and uploads every file (the log too) before it reports the end', async () => {
    const h = harness();
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    h.slurm.set('100', 'RUNNING');
    mkdirSync(path.join(h.runDirectory, 'OutputDir'), { recursive: true });
    writeFileSync(
      path.join(h.runDirectory, 'gcr-status.json'),
      JSON.stringify({ simulatedTime: '2019-01-01T06:00:00Z' }),
    );
    writeFileSync(path.join(h.runDirectory, 'OutputDir', 'GEOSChem.SpeciesConc.20190101_0000z.nc4'), 'a');
    writeFileSync(path.join(h.runDirectory, 'OutputDir', 'GEOSChem.SpeciesConc.20190101_0100z.nc4'), 'b');
    await h.agent.cycle();
    // The older file of the collection is complete (a newer one appeared); the newest is still being written.
    expect(h.events).toContain('upload outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4');
    expect(h.events).not.toContain('upload outputs/GEOSChem.SpeciesConc.20190101_0100z.nc4');
    writeFileSync(
      path.join(h.runDirectory, 'gcr-status.json'),
      JSON.stringify({ simulatedTime: '2019-01-02T00:00:00Z' }),
    );
    writeFileSync(path.join(h.runDirectory, 'GC.log'), 'done\n');
    h.slurm.set('100', 'COMPLETED', { exitCode: 0 });
    await h.agent.cycle();
    expect(statuses(h)).toEqual([
      'gcr-sim1-a1:SUBMITTED',
      'gcr-sim1-a1:RUNNABLE',
      'gcr-sim1-a1:RUNNING',
      'gcr-sim1-a1:SUCCEEDED',
    ]);
    const end = h.reports.at(-1)!.jobs.at(-1)!;
    expect(end).toMatchObject({
      outputsUploaded: true,
      progress: { modelTime: '2019-01-02T00:00:00Z' },
      slurmJobId: '100',
    });
    const endReport = h.events.indexOf('report gcr-sim1-a1:SUCCEEDED');
    expect(h.events.indexOf('upload outputs/GEOSChem.SpeciesConc.20190101_0100z.nc4')).toBeLessThan(
      endReport,
    );
    expect(h.events.indexOf('upload logs/GC.log')).toBeLessThan(endReport);
    // The run's status file too: the results processor reads it (status.json).
    expect(h.events.indexOf('upload status.json')).toBeLessThan(endReport);
    expect(h.events.indexOf('upload status.json')).toBeGreaterThan(-1);
    expect(h.store.state.jobs['gcr-sim1-a1']).toMatchObject({ finished: true, reportedStatus: 'SUCCEEDED' });
    // A finished job is no longer followed, and its name is never submitted again.
    h.queue.put(submitMessage());
    await h.agent.cycle();
    expect(h.slurm.sbatches).toBe(1);
  });

  it('does not upload the files the run directory held before the job started (the initial restart)', async () => {
    const h = harness({
      prepare: () => {
        mkdirSync(path.join(root, 'sim1', 'a1', 'Restarts'), { recursive: true });
        writeFileSync(path.join(root, 'sim1', 'a1', 'Restarts', 'GEOSChem.Restart.20190101_0000z.nc4'), 'r');
        return Promise.resolve(path.join(root, 'sim1', 'a1'));
      },
    });
    await h.agent.start();
    h.queue.put(submitMessage());
    await h.agent.cycle();
    h.slurm.set('100', 'COMPLETED', { exitCode: 0 });
    await h.agent.cycle();
    expect(h.events.some((e) => e.includes('GEOSChem.Restart.20190101_0000z'))).toBe(false);
    expect(statuses(h)).toContain('gcr-sim1-a1:SUCCEEDED');
  });

  it('sends a heartbeat when the interval passed with nothing to report, not before', async () => {
    const h = harness();
    await h.agent.start();
    await h.agent.cycle();
    expect(h.reports).toHaveLength(1);
    expect(h.reports[0]!.jobs).toEqual([]);
    expect(h.reports[0]!.agent).toMatchObject({ agentId: 'login1:42', version: '1' });
    h.clock.now += 30_000;
    await h.agent.cycle();
    expect(h.reports).toHaveLength(1);
    h.clock.now += 31_000;
    await h.agent.cycle();
    expect(h.reports).toHaveLength(2);
  });

  it('keeps reports it could not send and sends them, in order, on the next poll', async () => {
    const h = harness();
    await h.agent.start();
    h.respond.failReports = true;
    h.queue.put(submitMessage());
    await h.agent.cycle();
    h.slurm.set('100', 'RUNNING');
    await h.agent.cycle();
    h.respond.failReports = false;
    await h.agent.cycle();
    expect(statuses(h)).toEqual(['gcr-sim1-a1:SUBMITTED', 'gcr-sim1-a1:RUNNABLE', 'gcr-sim1-a1:RUNNING']);
    expect(h.reports).toHaveLength(1);
  });

  it('renews its session before it expires', async () => {
    const h = harness({
      session: { expiresAt: new Date(Date.parse('2026-12-07T12:00:00Z') + 900_000).toISOString() },
    });
    await h.agent.start();
    await h.agent.cycle();
    h.clock.now += 600_000;
    await h.agent.cycle();
    expect(h.events.filter((e) => e === 'session')).toHaveLength(1);
    h.clock.now += 150_000;
    await h.agent.cycle();
    expect(h.events.filter((e) => e === 'session')).toHaveLength(2);
  });

  it('leaves a message it cannot read (another schema version, another site) to the dead-letter queue', async () => {
    const h = harness();
    await h.agent.start();
    h.queue.put({ ...submitMessage(), schemaVersion: '2' });
    h.queue.put({ ...submitMessage(), site: 'elsewhere' });
    h.queue.put('not json');
    await h.agent.cycle();
    expect(h.events.filter((e) => e.startsWith('delete'))).toEqual([]);
    expect(h.slurm.sbatches).toBe(0);
  });

  it('leaves a submitArray to the dead-letter queue when its schema does not know the kind (what an agent older than arrays does)', async () => {
    const h = harness();
    const logged: string[] = [];
    h.ports.log = (line) => void logged.push(line);
    const agent = h.newAgent();
    await agent.start();
    h.queue.put({ ...arrayMessage(2), kind: 'submitArrays' });
    await agent.cycle();
    expect(h.events.filter((e) => e.startsWith('delete'))).toEqual([]);
    expect(logged.join('\n')).toMatch(/left a message it cannot act on to the dead-letter queue/);
  });
});

const ENSEMBLE = 'ens_00000000000000000000000001';

function arrayMessage(n: number, overrides: Partial<SiteArrayWork> = {}): SiteArrayWork {
  return {
    schemaVersion: '1',
    kind: 'submitArray',
    site: SITE,
    ensembleId: ENSEMBLE,
    arrayJobName: `gcr-${ENSEMBLE}-arr1`,
    sentAt: '2026-12-07T12:00:00Z',
    maxRunning: 2,
    job: { partition: 'debug', timeMinutes: 30, cpus: 1, memoryMiB: 512 },
    members: Array.from({ length: n }, (_, i) => ({
      simulationId: `m${i}`,
      attempt: 1,
      jobName: `gcr-m${i}-a1`,
      spec: { name: `member ${i}` },
    })),
    ...overrides,
  };
}

/** A harness whose preparation gives each member its own run directory. */
function arrayHarness(): Harness {
  return harness({
    prepare: (message) => {
      const directory = path.join(root, message.simulationId, `a${message.attempt}`);
      mkdirSync(directory, { recursive: true });
      return Promise.resolve(directory);
    },
  });
}

describe('the site agent and ensemble arrays', () => {
  it('submits a submitArray as ONE sbatch --array=0-(n-1)%N and reports each member under its own job name', async () => {
    const h = arrayHarness();
    await h.agent.start();
    h.queue.put(arrayMessage(3));
    await h.agent.cycle();
    expect(h.events).toEqual([
      'session',
      'receive',
      `lookup gcr-${ENSEMBLE}-arr1`,
      `prepare array gcr-${ENSEMBLE}-arr1`,
      `sbatch gcr-${ENSEMBLE}-arr1 --array=0-2%2`,
      'delete r1',
      'squeue',
      'report gcr-m0-a1:SUBMITTED,gcr-m1-a1:SUBMITTED,gcr-m2-a1:SUBMITTED,gcr-m0-a1:RUNNABLE,gcr-m1-a1:RUNNABLE,gcr-m2-a1:RUNNABLE',
    ]);
    expect(h.slurm.requests[0]).toMatchObject({
      jobName: `gcr-${ENSEMBLE}-arr1`,
      scriptPath: path.join(root, `gcr-${ENSEMBLE}-arr1`, 'gcr-array.sh'),
      partition: 'debug',
      array: { indices: '0-2', maxRunning: 2 },
    });
    expect(h.store.state.jobs['gcr-m2-a1']).toMatchObject({
      slurmJobId: '100_2',
      runDirectory: path.join(root, 'm2', 'a1'),
      array: { jobName: `gcr-${ENSEMBLE}-arr1`, task: 2 },
    });
    expect(h.reports.flatMap((r) => r.jobs).find((j) => j.jobName === 'gcr-m1-a1')).toMatchObject({
      slurmJobId: '100_1',
    });

    // Each task moves its own member: task 0 runs then completes, task 1 runs, task 2 waits.
    h.slurm.set('100_0', 'RUNNING', { jobId: '101' });
    h.slurm.set('100_1', 'RUNNING', { jobId: '102' });
    h.clock.now += 1000;
    await h.agent.cycle();
    h.slurm.set('100_0', 'COMPLETED');
    h.clock.now += 1000;
    await h.agent.cycle();
    expect(statuses(h).slice(6)).toEqual(['gcr-m0-a1:RUNNING', 'gcr-m1-a1:RUNNING', 'gcr-m0-a1:SUCCEEDED']);
    expect(h.store.state.jobs['gcr-m0-a1']?.finished).toBe(true);
    expect(h.store.state.jobs['gcr-m2-a1']?.finished).toBeUndefined();
  });

  it('never sbatches a redelivered array twice: not from its state, not after a restart, not when only Slurm knows it', async () => {
    const h = arrayHarness();
    await h.agent.start();
    h.queue.put(arrayMessage(3));
    await h.agent.cycle();
    h.queue.put(arrayMessage(3));
    await h.agent.cycle();
    const restarted = h.newAgent();
    await restarted.start();
    h.queue.put(arrayMessage(3));
    await restarted.cycle();
    expect(h.slurm.sbatches).toBe(1);
    expect(h.events.filter((e) => e.startsWith('delete'))).toEqual(['delete r1', 'delete r2', 'delete r3']);

    // A state file lost: Slurm knows the array by its name, and its tasks are re-attached.
    const lost = arrayHarness();
    lost.slurm.task('7', 0, 'RUNNING', '8');
    lost.slurm.task('7', 1, 'PENDING');
    await lost.agent.start();
    lost.queue.put(arrayMessage(2));
    await lost.agent.cycle();
    expect(lost.slurm.sbatches).toBe(0);
    expect(lost.store.state.jobs['gcr-m1-a1']?.slurmJobId).toBe('7_1');
    expect(statuses(lost)).toEqual(['gcr-m0-a1:RUNNING', 'gcr-m1-a1:RUNNABLE']);
  });

  it('after a kill between recording the array and sbatch, asks Slurm by the array name: submitted once either way', async () => {
    const record = (h: Harness) => {
      h.store.state.arrays = {
        [`gcr-${ENSEMBLE}-arr1`]: {
          members: ['gcr-m0-a1', 'gcr-m1-a1'],
          submittedAt: '2026-12-07T11:59:00Z',
        },
      };
      for (const [task, name] of ['gcr-m0-a1', 'gcr-m1-a1'].entries()) {
        h.store.state.jobs[name] = {
          simulationId: `m${task}`,
          attempt: 1,
          jobName: name,
          runDirectory: path.join(root, `m${task}`, 'a1'),
          submittedAt: '2026-12-07T11:59:00Z',
          uploaded: {},
          initialFiles: {},
          array: { jobName: `gcr-${ENSEMBLE}-arr1`, task },
        };
      }
    };
    // sbatch never answered and Slurm does not know it: forgotten, so the redelivery submits it.
    const never = arrayHarness();
    record(never);
    await never.agent.start();
    expect(never.store.state.jobs).toEqual({});
    never.queue.put(arrayMessage(2));
    await never.agent.cycle();
    expect(never.slurm.sbatches).toBe(1);
    // sbatch went through before the kill: re-attached to its tasks, nothing submitted.
    const went = arrayHarness();
    record(went);
    went.slurm.task('9', 0, 'PENDING');
    await went.agent.start();
    went.queue.put(arrayMessage(2));
    await went.agent.cycle();
    expect(went.slurm.sbatches).toBe(0);
    expect(went.store.state.jobs['gcr-m1-a1']?.slurmJobId).toBe('9_1');
  });

  it('leaves out the members it already submitted (the poller sent them again under a new array name)', async () => {
    const h = arrayHarness();
    await h.agent.start();
    h.queue.put(arrayMessage(2));
    await h.agent.cycle();
    h.queue.put(arrayMessage(3, { arrayJobName: `gcr-${ENSEMBLE}-arr2` }));
    await h.agent.cycle();
    expect(h.events.filter((e) => e.startsWith('sbatch'))).toEqual([
      `sbatch gcr-${ENSEMBLE}-arr1 --array=0-1%2`,
      `sbatch gcr-${ENSEMBLE}-arr2 --array=0-0%2`,
    ]);
    expect(h.store.state.jobs['gcr-m2-a1']?.slurmJobId).toBe('101_0');
  });

  it('cancels one member as its task, and the whole ensemble as the array', async () => {
    const h = arrayHarness();
    await h.agent.start();
    h.queue.put(arrayMessage(3));
    await h.agent.cycle();
    const cancel = (i: number) => ({
      schemaVersion: '1',
      kind: 'cancel',
      site: SITE,
      simulationId: `m${i}`,
      attempt: 1,
      jobName: `gcr-m${i}-a1`,
      sentAt: '2026-12-07T12:01:00Z',
      reason: 'cancelled by alice',
    });
    h.queue.put(cancel(1));
    await h.agent.cycle();
    expect(h.events.filter((e) => e.startsWith('scancel'))).toEqual(['scancel 100_1']);
    for (const i of [0, 1, 2]) h.queue.put(cancel(i));
    await h.agent.cycle();
    expect(h.events.filter((e) => e.startsWith('scancel'))).toEqual(['scancel 100_1', 'scancel 100']);
  });

  it('acts on a batch in order: a submit and its cancel in the same receive end cancelled', async () => {
    const h = harness();
    await h.agent.start();
    h.queue.put(submitMessage());
    h.queue.put({ ...submitMessage(), kind: 'cancel', reason: 'cancelled by alice' });
    await h.agent.cycle();
    expect(h.events.filter((e) => /^(sbatch|scancel)/.test(e))).toEqual([
      'sbatch gcr-sim1-a1',
      'scancel 100',
    ]);
  });

  it('reports a member whose preparation fails FAILED and submits the others', async () => {
    const h = harness({
      prepare: (message) => {
        if (message.simulationId === 'm1') return Promise.reject(new PreparationError('input missing'));
        const directory = path.join(root, message.simulationId, 'a1');
        mkdirSync(directory, { recursive: true });
        return Promise.resolve(directory);
      },
    });
    await h.agent.start();
    h.queue.put(arrayMessage(3));
    await h.agent.cycle();
    expect(h.events.filter((e) => e.startsWith('sbatch'))).toEqual([
      `sbatch gcr-${ENSEMBLE}-arr1 --array=0-1%2`,
    ]);
    expect(statuses(h)[0]).toBe('gcr-m1-a1:FAILED');
    expect(h.store.state.jobs['gcr-m2-a1']?.slurmJobId).toBe('100_1');
  });
});

// The fakes' SubmitMessage typing is the real one.
export type { SubmitMessage };

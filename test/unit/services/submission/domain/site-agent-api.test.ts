import { describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '#shared/kernel/errors.js';
import { newSiteCredential, type SiteDefinition } from '#shared/kernel/repository/sites.js';
import type { SiteJob } from '#shared/kernel/repository/site-jobs.js';
import {
  applySiteReports,
  authenticateSite,
  grantTransfers,
  openSiteSession,
  type SiteAgentPorts,
} from '#services/submission/src/domain/site-agent-api.js';
import { memorySiteJobs, memorySiteQueues, memorySites } from '#test/helpers/sites.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';
import type { Simulation, SiteJobReport } from '#schemas/generated/types.js';

const NOW = new Date('2026-12-07T10:00:00Z');

function setup() {
  const sites = memorySites();
  const siteJobs = memorySiteJobs();
  const queues = memorySiteQueues();
  const simulations = new Map<string, Simulation>();
  const polls: string[][] = [];
  const site = (name: string) => {
    const credential = newSiteCredential(NOW);
    const definition: SiteDefinition = {
      name,
      partitions: [{ name: 'debug', maxTimeMinutes: 600, maxCpus: 8, maxMemoryMiB: 32_000 }],
      updatedAt: NOW.toISOString(),
      updatedBy: 'ada',
      credentials: { [credential.credentialId]: credential.stored },
    };
    sites.map.set(name, definition);
    queues.existing.add(name);
    return { definition, secret: credential.secret, credentialId: credential.credentialId };
  };
  const ports: SiteAgentPorts = {
    sites,
    siteJobs,
    simulations: { get: (id) => Promise.resolve(simulations.get(id)) },
    queues,
    issueCredentials: (_site, queueArn) =>
      Promise.resolve({
        credentials: { accessKeyId: 'AKIA', secretAccessKey: queueArn },
        expiresAt: new Date(NOW.getTime() + 3_600_000),
      }),
    objects: {
      listRunDirectory: (id) =>
        Promise.resolve([{ path: 'rundir/geoschem_config.yml', bytes: 10 }]).then((f) => (id ? f : [])),
      presignGet: (id, path) => Promise.resolve(`http://s3/${id}/${path}?get`),
      presignPut: (id, path) => Promise.resolve(`http://s3/${id}/${path}?put`),
    },
    requestPoll: (list) => Promise.resolve(void polls.push(list.map((s) => s.id))),
    settings: {
      region: 'us-east-1',
      heartbeatIntervalSeconds: 60,
      visibilityTimeoutSeconds: 300,
      transferExpirySeconds: 3600,
      uploadGraceMs: 15 * 60_000,
    },
    now: () => NOW,
  };
  const onSite = (siteName: string, overrides: Partial<Simulation> = {}) => {
    const simulation = aSimulation({
      backend: 'slurm',
      status: 'SUBMITTED',
      spec: storedDemoSpec({ compute: { backend: 'slurm', site: siteName } }),
      ...overrides,
    });
    simulations.set(simulation.id, simulation);
    const job: SiteJob = {
      simulationId: simulation.id,
      site: siteName,
      jobId: `gcr-${simulation.id}`,
      attempt: 1,
      maxAttempts: 3,
      submittedAt: NOW.toISOString(),
      job: { partition: 'debug', timeMinutes: 60, cpus: 1, memoryMiB: 2048 },
      spec: {},
      attempts: {},
      version: 1,
    };
    siteJobs.map.set(simulation.id, job);
    return simulation;
  };
  return { ports, site, onSite, siteJobs, polls, simulations, sites };
}

function report(
  simulation: Simulation,
  status: SiteJobReport['status'],
  observedAt: string,
  extra: Partial<SiteJobReport> = {},
): SiteJobReport {
  return {
    simulationId: simulation.id,
    attempt: 1,
    jobName: `gcr-${simulation.id}-a1`,
    status,
    reason: status.toLowerCase(),
    observedAt,
    ...extra,
  };
}

const agent = { agentId: 'login1:42', version: '1', startedAt: '2026-12-07T09:00:00Z' };

describe('site agent routes: the site credential', () => {
  it("accepts a live credential of the site, and refuses (401) a missing, malformed, revoked or other site's one", async () => {
    const { ports, site, sites } = setup();
    const cannon = site('cannon');
    const other = site('other-site');
    await expect(authenticateSite(ports, 'cannon', `Bearer ${cannon.secret}`)).resolves.toMatchObject({
      name: 'cannon',
    });
    for (const header of [
      undefined,
      '',
      'Bearer',
      `Basic ${cannon.secret}`,
      `Bearer ${cannon.secret}x`,
      `Bearer ${other.secret}`,
    ]) {
      await expect(authenticateSite(ports, 'cannon', header)).rejects.toThrow(UnauthorizedError);
    }
    await expect(authenticateSite(ports, 'no-such-site', `Bearer ${cannon.secret}`)).rejects.toThrow(
      UnauthorizedError,
    );
    const { [cannon.credentialId]: _revoked, ...kept } = cannon.definition.credentials;
    sites.map.set('cannon', { ...cannon.definition, credentials: kept });
    await expect(authenticateSite(ports, 'cannon', `Bearer ${cannon.secret}`)).rejects.toThrow(
      UnauthorizedError,
    );
  });

  it("answers a session with the site's queue and credentials for that queue", async () => {
    const { ports, site } = setup();
    const { definition } = site('cannon');
    const session = await openSiteSession(ports, definition);
    expect(session).toMatchObject({
      site: 'cannon',
      queueUrl: expect.stringContaining('gcr-test-site-cannon'),
      credentials: { secretAccessKey: 'arn:aws:sqs:us-east-1:000000000000:gcr-test-site-cannon' },
      heartbeatIntervalSeconds: 60,
      visibilityTimeoutSeconds: 300,
    });
  });
});

describe('site agent routes: transfers', () => {
  it("grants the run directory down and the attempt's files up, for the site's own active simulation only", async () => {
    const { ports, site, onSite } = setup();
    const { definition } = site('cannon');
    site('other-site');
    const simulation = onSite('cannon');
    const transfer = await grantTransfers(ports, definition, {
      simulationId: simulation.id,
      attempt: 1,
      downloadRunDirectory: true,
      uploads: ['outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4', 'logs/slurm.log'],
    });
    expect(transfer.downloads).toEqual([
      { path: 'rundir/geoschem_config.yml', url: expect.stringContaining('?get'), bytes: 10 },
    ]);
    expect(transfer.uploads.map((u) => [u.path, u.headers])).toEqual([
      ['outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4', { 'x-amz-meta-gcr-attempt': '1' }],
      ['logs/slurm.log', { 'x-amz-meta-gcr-attempt': '1' }],
    ]);
    const elsewhere = onSite('other-site');
    await expect(
      grantTransfers(ports, definition, { simulationId: elsewhere.id, attempt: 1 }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      grantTransfers(ports, definition, { simulationId: simulation.id, attempt: 2 }),
    ).rejects.toThrow(ConflictError);
  });

  it('refuses paths outside the prefixes, and any "." or ".." segment', async () => {
    const { ports, site, onSite } = setup();
    const { definition } = site('cannon');
    const simulation = onSite('cannon');
    for (const body of [
      { uploads: ['rundir/geoschem_config.yml'] },
      { uploads: ['outputs/../rundir/x'] },
      { uploads: ['logs//x'] },
      { downloads: ['outputs/x.nc4'] },
      { downloads: ['restarts/./x'] },
    ]) {
      await expect(
        grantTransfers(ports, definition, { simulationId: simulation.id, attempt: 1, ...body }),
      ).rejects.toThrow(ValidationError);
    }
  });

  it('grants uploads, not downloads, for a short while after the simulation ended', async () => {
    const { ports, site, onSite } = setup();
    const { definition } = site('cannon');
    const ended = (minutesAgo: number) =>
      onSite('cannon', {
        status: 'SUCCEEDED',
        history: [
          {
            at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
            from: 'RUNNING',
            to: 'SUCCEEDED',
            reason: 'done',
          },
        ],
      });
    const recent = ended(5);
    await expect(
      grantTransfers(ports, definition, { simulationId: recent.id, attempt: 1, uploads: ['logs/a.log'] }),
    ).resolves.toMatchObject({ uploads: [{ path: 'logs/a.log' }] });
    await expect(
      grantTransfers(ports, definition, { simulationId: recent.id, attempt: 1, downloadRunDirectory: true }),
    ).rejects.toThrow(ConflictError);
    const old = ended(60);
    await expect(
      grantTransfers(ports, definition, { simulationId: old.id, attempt: 1, uploads: ['logs/a.log'] }),
    ).rejects.toThrow(ConflictError);
  });
});

describe('site agent routes: reports', () => {
  it('records the heartbeat, applies reports in observedAt order, and asks for a prompt poll of what changed', async () => {
    const { ports, site, onSite, siteJobs, polls } = setup();
    const { definition } = site('cannon');
    const simulation = onSite('cannon');
    const answer = await applySiteReports(ports, definition, {
      agent,
      sentAt: NOW.toISOString(),
      // Out of order in the body: RUNNING was seen after RUNNABLE.
      jobs: [
        report(simulation, 'RUNNING', '2026-12-07T09:59:50Z', { startedAt: '2026-12-07T09:59:40Z' }),
        report(simulation, 'RUNNABLE', '2026-12-07T09:59:00Z'),
      ],
    });
    expect(answer.applied).toEqual([`gcr-${simulation.id}-a1`]);
    expect(answer.ignored).toEqual([]);
    expect(siteJobs.map.get(simulation.id)?.attempts['1']).toMatchObject({
      status: 'RUNNING',
      startedAt: '2026-12-07T09:59:40Z',
    });
    expect(polls).toEqual([[simulation.id]]);
    expect(await ports.sites.get('cannon')).toMatchObject({
      lastHeartbeatAt: NOW.toISOString(),
      agentId: 'login1:42',
    });
  });

  it('is idempotent and only forward: a copy, a stale report, another attempt and a finished attempt change nothing, and say why', async () => {
    const { ports, site, onSite, siteJobs, polls } = setup();
    const { definition } = site('cannon');
    const simulation = onSite('cannon');
    const running = report(simulation, 'RUNNING', '2026-12-07T09:59:50Z');
    await applySiteReports(ports, definition, { agent, sentAt: NOW.toISOString(), jobs: [running] });
    const again = await applySiteReports(ports, definition, {
      agent,
      sentAt: NOW.toISOString(),
      jobs: [
        running,
        report(simulation, 'RUNNABLE', '2026-12-07T09:59:55Z'),
        report(simulation, 'SUCCEEDED', '2026-12-07T09:58:00Z'),
        report(simulation, 'RUNNING', '2026-12-07T09:59:59Z', {
          attempt: 2,
          jobName: `gcr-${simulation.id}-a2`,
        }),
      ],
    });
    expect(again.applied).toEqual([]);
    expect(again.ignored.map((i) => i.reason)).toEqual([
      expect.stringMatching(/^stale/),
      expect.stringMatching(/^nothing new/),
      expect.stringMatching(/^behind/),
      expect.stringMatching(/not the current attempt/),
    ]);
    await applySiteReports(ports, definition, {
      agent,
      sentAt: NOW.toISOString(),
      jobs: [report(simulation, 'SUCCEEDED', '2026-12-07T10:00:00Z', { exitCode: 0, outputsUploaded: true })],
    });
    const late = await applySiteReports(ports, definition, {
      agent,
      sentAt: NOW.toISOString(),
      jobs: [report(simulation, 'FAILED', '2026-12-07T10:00:01Z')],
    });
    expect(late.ignored).toEqual([
      { jobName: `gcr-${simulation.id}-a1`, reason: 'attempt 1 already ended (SUCCEEDED)' },
    ]);
    expect(siteJobs.map.get(simulation.id)?.attempts['1']?.status).toBe('SUCCEEDED');
    expect(polls).toHaveLength(2);
  });

  it('asks for a poll of a simulation shown waiting for its site when its agent reports again, even with nothing new', async () => {
    const { ports, site, onSite, polls } = setup();
    const { definition } = site('cannon');
    const simulation = onSite('cannon', { status: 'RUNNING' });
    const running = report(simulation, 'RUNNING', '2026-12-07T09:00:00Z');
    await applySiteReports(ports, definition, { agent, sentAt: NOW.toISOString(), jobs: [running] });
    polls.length = 0;
    simulation.job = {
      jobId: `gcr-${simulation.id}`,
      jobName: `gcr-${simulation.id}`,
      attempt: 1,
      statusReason: 'waiting for its site cannon: no report from its agent since 2026-12-07T09:00:00.000Z',
    };
    const back = await applySiteReports(ports, definition, {
      agent,
      sentAt: NOW.toISOString(),
      jobs: [running],
    });
    expect(back.applied).toEqual([]);
    expect(polls).toEqual([[simulation.id]]);
  });

  it("ignores another site's simulations, and tells the agent to cancel a job whose simulation is cancelled", async () => {
    const { ports, site, onSite } = setup();
    const { definition } = site('cannon');
    site('other-site');
    const elsewhere = onSite('other-site');
    const cancelled = onSite('cannon', { status: 'CANCELLED' });
    const answer = await applySiteReports(ports, definition, {
      agent,
      sentAt: NOW.toISOString(),
      jobs: [
        report(elsewhere, 'RUNNING', '2026-12-07T09:59:00Z'),
        report(cancelled, 'RUNNING', '2026-12-07T09:59:00Z'),
      ],
    });
    expect(answer.ignored.map((i) => i.reason)).toEqual([
      'not a simulation of site cannon',
      'the simulation is already CANCELLED',
    ]);
    expect(answer.cancel).toEqual([`gcr-${cancelled.id}-a1`]);
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  createSlurmBackend,
  MAX_WORK_MESSAGE_BYTES,
  SiteJobRefusedError,
  splitBySize,
  throttleOfParts,
} from '#shared/kernel/compute/slurm-backend.js';
import { validatorFor } from '#schemas/validator.js';
import type { SiteArrayWork, SiteWorkMessage } from '#schemas/generated/types.js';
import type { SubmitJobRequest } from '#shared/kernel/compute/backend.js';
import { planFromJob } from '#services/execution-poller/src/domain/reconcile.js';
import {
  aSlurmSimulation,
  memorySiteJobs,
  reportFirstAttempt,
  memorySiteQueues,
  memorySites,
} from '#test/helpers/sites.js';
import { storedDemoSpec } from '#test/helpers/simulations.js';

const T0 = Date.parse('2026-12-07T10:00:00Z');

function setup() {
  const sites = memorySites();
  sites.map.set('cannon', {
    name: 'cannon',
    partitions: [
      { name: 'test', maxTimeMinutes: 60, maxCpus: 4, maxMemoryMiB: 8000 },
      { name: 'sapphire', maxTimeMinutes: 4320, maxCpus: 112, maxMemoryMiB: 900_000 },
    ],
    account: 'jacob_lab',
    updatedAt: new Date(T0).toISOString(),
    updatedBy: 'ada',
    credentials: {},
    lastHeartbeatAt: new Date(T0).toISOString(),
  });
  const siteJobs = memorySiteJobs();
  const queues = memorySiteQueues();
  let now = T0;
  const silences: [string, number][] = [];
  const backend = createSlurmBackend({
    sites,
    siteJobs,
    queues,
    silentAfterMs: 180_000,
    resumeFrom: (_id, _spec, attempt) =>
      Promise.resolve(`restarts/GEOSChem.Restart.20190701_0${attempt}00z.nc4`),
    onSiteSilence: (site, seconds) => silences.push([site, seconds]),
    now: () => now,
  });
  return { backend, sites, siteJobs, queues, silences, advance: (ms: number) => (now += ms), now: () => now };
}

function request(simulationId: string, overrides: Partial<SubmitJobRequest> = {}): SubmitJobRequest {
  const spec = storedDemoSpec({ compute: { backend: 'slurm', site: 'cannon', spotRetries: 1 } });
  return {
    simulationId,
    jobName: `gcr-${simulationId}`,
    architecture: 'x86_64',
    purchase: 'on-demand',
    vcpus: 8,
    memoryMiB: 16_000,
    spotRetries: 1,
    maxRuntimeSeconds: 7200,
    environment: { GCR_SIMULATION_ID: simulationId, GCR_SPEC: JSON.stringify(spec) },
    tags: {},
    ...overrides,
  };
}

describe('the slurm compute backend', () => {
  it("submits once: a validated submit message on the site's queue, with the partition that fits, and a site job", async () => {
    const { backend, queues, siteJobs } = setup();
    const id = 'sim_00000000000000000000000001';
    expect(await backend.submit(request(id))).toEqual({ jobId: `gcr-${id}` });
    expect(await backend.submit(request(id))).toEqual({ jobId: `gcr-${id}` });
    expect(queues.sent.get('cannon')).toEqual([
      expect.objectContaining({
        schemaVersion: '1',
        kind: 'submit',
        site: 'cannon',
        simulationId: id,
        attempt: 1,
        jobName: `gcr-${id}-a1`,
        job: { partition: 'sapphire', account: 'jacob_lab', timeMinutes: 120, cpus: 8, memoryMiB: 16_000 },
        spec: expect.objectContaining({ compute: expect.objectContaining({ site: 'cannon' }) }),
      }),
    ]);
    expect(siteJobs.map.get(id)).toMatchObject({ attempt: 1, maxAttempts: 2, site: 'cannon' });
    expect(await backend.describe([`gcr-${id}`])).toEqual([
      expect.objectContaining({ jobId: `gcr-${id}`, state: 'SUBMITTED', attempts: [] }),
    ]);
  });

  it('refuses a job no partition fits, or for an unknown site, without sending anything', async () => {
    const { backend, queues } = setup();
    await expect(backend.submit(request('sim_00000000000000000000000002', { vcpus: 500 }))).rejects.toThrow(
      SiteJobRefusedError,
    );
    const spec = storedDemoSpec({ compute: { backend: 'slurm', site: 'gone' } });
    await expect(
      backend.submit(
        request('sim_00000000000000000000000003', { environment: { GCR_SPEC: JSON.stringify(spec) } }),
      ),
    ).rejects.toThrow(SiteJobRefusedError);
    expect(queues.sent.size).toBe(0);
  });

  it('sends cancel for the current attempt', async () => {
    const { backend, queues } = setup();
    const id = 'sim_00000000000000000000000004';
    await backend.submit(request(id));
    await backend.terminate(`gcr-${id}`, 'cancelled by alice');
    expect(queues.sent.get('cannon')?.[1]).toMatchObject({
      kind: 'cancel',
      jobName: `gcr-${id}-a1`,
      reason: 'cancelled by alice',
    });
  });

  it('starts the next attempt after a retryable end (resuming from its restart), then fails when none is left', async () => {
    const { backend, queues, siteJobs } = setup();
    const id = 'sim_00000000000000000000000005';
    await backend.submit(request(id));
    const job = siteJobs.map.get(id)!;
    const end = {
      reason: 'node lost',
      observedAt: new Date(T0 + 1000).toISOString(),
      slurmState: 'NODE_FAIL',
    };
    siteJobs.map.set(id, {
      ...job,
      attempts: { '1': { jobName: `gcr-${id}-a1`, status: 'RETRYING', ...end } },
    });
    const [retried] = await backend.describe([`gcr-${id}`]);
    expect(retried).toMatchObject({
      state: 'SUBMITTED',
      attempts: [{ statusReason: expect.stringContaining('node lost') }],
    });
    expect(queues.sent.get('cannon')?.[1]).toMatchObject({
      kind: 'submit',
      attempt: 2,
      jobName: `gcr-${id}-a2`,
      resumeFrom: 'restarts/GEOSChem.Restart.20190701_0200z.nc4',
    });
    // The poller sees the new attempt as Batch's retry: RUNNING -> RETRYING.
    const simulation = aSlurmSimulation(id, 'RUNNING');
    expect(
      planFromJob(simulation, retried!, T0, { maxQueueMinutes: 60, maxRuntimeMinutes: 60 }).transitions,
    ).toEqual([{ to: 'RETRYING', reason: expect.stringContaining('starting attempt 2') }]);
    const again = siteJobs.map.get(id)!;
    siteJobs.map.set(id, {
      ...again,
      attempts: { ...again.attempts, '2': { jobName: `gcr-${id}-a2`, status: 'RETRYING', ...end } },
    });
    const [failed] = await backend.describe([`gcr-${id}`]);
    expect(failed).toMatchObject({
      state: 'FAILED',
      statusReason: expect.stringContaining('no retries left'),
    });
    expect(queues.sent.get('cannon')).toHaveLength(2);
  });

  it('shows a silent site as waiting for it, runs no time limit meanwhile, and clears when the agent reports', async () => {
    const { backend, sites, siteJobs, silences, advance, now } = setup();
    const id = 'sim_00000000000000000000000006';
    await backend.submit(request(id));
    reportFirstAttempt(siteJobs, id, {
      status: 'RUNNING',
      reason: 'running',
      observedAt: new Date(T0).toISOString(),
      startedAt: new Date(T0).toISOString(),
    });
    advance(5 * 3_600_000); // 5 h of silence, past the 1 h runtime limit
    const [waiting] = await backend.describe([`gcr-${id}`]);
    expect(waiting).toMatchObject({
      state: 'RUNNING',
      waitingFor: expect.stringMatching(/^waiting for its site cannon: no report from its agent since/),
    });
    expect(silences).toEqual([['cannon', 5 * 3600]]);
    const simulation = aSlurmSimulation(id, 'RUNNING', {
      statusReason: 'running',
      startedAt: new Date(T0).toISOString(),
    });
    const plan = planFromJob(simulation, waiting!, now(), { maxQueueMinutes: 60, maxRuntimeMinutes: 60 });
    expect(plan.terminate).toBeUndefined();
    expect(plan.transitions).toEqual([]);
    expect(plan.job?.statusReason).toMatch(/^waiting for its site cannon/);
    await sites.recordHeartbeat('cannon', { at: new Date(now()).toISOString(), agentId: 'login1:1' });
    const [back] = await backend.describe([`gcr-${id}`]);
    expect(back?.waitingFor).toBeUndefined();
    expect(back?.statusReason).toBe('running');
    expect(silences.at(-1)).toEqual(['cannon', 0]);
  });

  describe('an ensemble as one job array (submitMemberArray)', () => {
    const ensembleId = 'ens_0000000000000000000000000a';
    const members = (n: number, specOf = (_i: number) => ({})) =>
      Array.from({ length: n }, (_, i) => {
        const id = `sim_${String(i).padStart(26, '0')}`;
        const spec = { ...storedDemoSpec({ compute: { backend: 'slurm', site: 'cannon' } }), ...specOf(i) };
        return request(id, { vcpus: 2, memoryMiB: 4000, environment: { GCR_SPEC: JSON.stringify(spec) } });
      });
    const validate = validatorFor<SiteWorkMessage>(
      'https://gcr.dev/schemas/site/site-work-message.schema.json',
    );

    it('sends ONE valid submitArray for n members, in order, with the site throttle, and a site job per member', async () => {
      const { backend, queues, siteJobs, sites } = setup();
      sites.map.get('cannon')!.maxConcurrentJobs = 2;
      const requests = members(10);
      const { jobIds } = await backend.submitMemberArray!({ ensembleId, sequence: 3, members: requests });
      expect(jobIds).toEqual(requests.map((r) => r.jobName));
      const sent = queues.sent.get('cannon')! as SiteArrayWork[];
      expect(sent).toHaveLength(1);
      expect(validate(sent[0])).toBe(true);
      expect(sent[0]).toMatchObject({
        kind: 'submitArray',
        ensembleId,
        arrayJobName: `gcr-${ensembleId}-arr3`,
        maxRunning: 2,
        job: { partition: 'sapphire', cpus: 2, memoryMiB: 4000 },
      });
      expect(sent[0]!.members.map((m) => m.jobName)).toEqual(requests.map((r) => `${r.jobName}-a1`));
      expect(siteJobs.map.size).toBe(10);
      // Each member is then described as its own job, as if submitted alone.
      const described = await backend.describe([requests[4]!.jobName]);
      expect(described[0]).toMatchObject({ jobId: requests[4]!.jobName, state: 'SUBMITTED' });
    });

    it('sends again only the members the site does not know (a poller that crashed before recording them)', async () => {
      const { backend, queues } = setup();
      const requests = members(5);
      await backend.submit(requests[0]!);
      await backend.submit(requests[1]!);
      await backend.submitMemberArray!({ ensembleId, sequence: 2, members: requests });
      const sent = queues.sent.get('cannon')! as SiteArrayWork[];
      expect(sent).toHaveLength(3);
      expect(sent[2]!.members.map((m) => m.simulationId)).toEqual(
        requests.slice(2).map((r) => r.simulationId),
      );
      expect(sent[2]).not.toHaveProperty('maxRunning');
    });

    it("splits an array whose message would pass SQS's 256 KiB into parts, sharing the throttle", async () => {
      const { backend, queues, sites } = setup();
      sites.map.get('cannon')!.maxConcurrentJobs = 8;
      // ~3 KB of spec per member: 200 members is ~600 KB, three parts.
      const big = (i: number) => ({ description: `member ${i} `.padEnd(3000, 'x') });
      const requests = members(200, big);
      await backend.submitMemberArray!({ ensembleId, sequence: 1, members: requests });
      const sent = queues.sent.get('cannon')! as SiteArrayWork[];
      expect(sent.length).toBe(3);
      for (const message of sent) {
        expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(MAX_WORK_MESSAGE_BYTES);
        expect(validate(message)).toBe(true);
      }
      expect(sent.map((m) => m.arrayJobName)).toEqual([1, 2, 3].map((k) => `gcr-${ensembleId}-arr1-p${k}`));
      expect(sent.map((m) => m.maxRunning)).toEqual([2, 2, 2]);
      expect(sent.flatMap((m) => m.members.map((x) => x.simulationId))).toEqual(
        requests.map((r) => r.simulationId),
      );
    });

    it('splits by size and shares a throttle (pure)', () => {
      expect(splitBySize([5, 5, 5, 5, 5], 10, (n) => n, 22)).toEqual([[5, 5], [5, 5], [5]]);
      expect(splitBySize([50], 10, (n) => n, 22)).toEqual([[50]]);
      expect(throttleOfParts(undefined, 3)).toBeUndefined();
      expect(throttleOfParts(8, 3)).toBe(2);
      expect(throttleOfParts(2, 3)).toBe(1);
    });
  });
});

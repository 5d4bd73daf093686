/**
 * Staged campaigns in the submission service, on dynalite: stages validated
 * and named (`stages[1].period.start`), stage 0 PENDING and the others
 * WAITING; a stage's end releases the next one, handing over its final
 * restart (the stored run directory names it, the history says so); failure
 * policies stop or continue; pause holds releases until resume; cancel reaches
 * waiting and active stages; the finder catches a stage whose release event
 * was lost; replays and other owners.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  controlCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  type CampaignPorts,
} from '#services/submission/src/domain/campaigns.js';
import type { PutObjectInput } from '#services/submission/src/domain/ports.js';
import { onStageEnded, onWaitingStageFound } from '#services/submission/src/domain/release-stages.js';
import { findDueSimulations } from '#services/execution-finder/src/domain/find-due.js';
import { IdempotencyMismatchError, NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { stageSimulationId } from '#shared/kernel/repository/campaigns.js';
import { restartTimeOf } from '#shared/science/rundir/restart.js';
import type { SimulationStatus } from '#schemas/generated/types.js';
import { exampleSpec } from '#test/helpers/specs.js';
import { alice, bob, startSubmissionStores, type SubmissionStores } from '#test/helpers/submission-stores.js';

let stores: SubmissionStores;
let repository: SubmissionStores['repository'];
let ports: CampaignPorts;
let published: OutgoingEvent[];
const bucket = new Map<string, string>();

beforeAll(async () => {
  stores = await startSubmissionStores();
  ({ repository, published } = stores);
  ports = {
    ...stores,
    objects: { putObject: async (input: PutObjectInput) => void bucket.set(input.key, input.body) },
    restarts: {
      findRestart: async (id, time) =>
        [...bucket.keys()].find(
          (key) =>
            key.startsWith(`simulations/${id}/restarts/`) &&
            restartTimeOf(key.slice(key.lastIndexOf('/') + 1))?.getTime() === time.getTime(),
        ),
      copy: async (from, to) => void bucket.set(to, bucket.get(from)!),
      readText: async (key) => bucket.get(key),
    },
    now: () => new Date(),
  };
}, 60_000);

afterAll(async () => {
  await stores?.dynamo.stop();
});

beforeEach(() => {
  published.length = 0;
});

const DAY = 86_400_000;
function day(n: number): string {
  return new Date(Date.parse('2019-01-01T00:00:00Z') + n * DAY).toISOString().replace('.000Z', 'Z');
}

/** A campaign of `stages` one-day stages, each starting where the one before ends. */
function request(stages: number, policy: 'stop' | 'continue' = 'stop') {
  return {
    name: 'tt campaign',
    base: exampleSpec(),
    stages: Array.from({ length: stages }, (_, i) => ({
      name: i === 0 ? 'spin-up' : `month${i}`,
      period: { start: day(i), end: day(i + 1) },
      onFailure: policy,
    })),
  };
}

/** Moves a stage's simulation along the poller's path to `to`. */
async function end(id: string, to: SimulationStatus): Promise<void> {
  for (const next of ['SUBMITTED', 'RUNNING', to] as SimulationStatus[]) {
    const simulation = (await repository.get(id))!;
    await repository.transition({
      id,
      expectedVersion: simulation.version,
      from: simulation.status,
      to: next,
      reason: next === to ? `ended ${to}` : 'poller',
    });
  }
}

async function statusOf(id: string): Promise<SimulationStatus | undefined> {
  return (await repository.get(id))?.status;
}

function writeFinalRestart(simulationId: string, stamp: string): string {
  const key = `simulations/${simulationId}/restarts/GEOSChem.Restart.${stamp}_0000z.nc4`;
  bucket.set(key, `restart of ${simulationId}`);
  return key;
}

describe('staged campaigns in the submission service', () => {
  it('creates stage 0 PENDING and the others WAITING, named after the campaign, taking no active slot', async () => {
    const { campaign, replayed } = await createCampaign(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request(3), idempotencyKey: 'camp-1' },
    );
    expect(replayed).toBe(false);
    expect(campaign).toMatchObject({
      status: 'ACTIVE',
      paused: false,
      counts: { PENDING: 1, WAITING: 2 },
      progress: 0,
    });
    expect(campaign.stages.map((s) => [s.name, s.status, s.restartFrom, s.simulationId])).toEqual([
      ['spin-up', 'PENDING', 'none', stageSimulationId(campaign.id, 0)],
      ['month1', 'WAITING', 'previous', stageSimulationId(campaign.id, 1)],
      ['month2', 'WAITING', 'previous', stageSimulationId(campaign.id, 2)],
    ]);
    const second = (await repository.get(campaign.stages[1]!.simulationId))!;
    expect(second).toMatchObject({ name: 'tt campaign month1', campaignId: campaign.id, stageIndex: 1 });
    expect(second.history[0]).toMatchObject({
      from: null,
      to: 'WAITING',
      reason: `waiting for stage 0 (spin-up, ${campaign.stages[0]!.simulationId}) of campaign ${campaign.id} to end`,
    });
    // Only stage 0 is announced: the poller submits nothing that waits.
    expect(published.map((e) => (e.detail as { simulationId: string }).simulationId)).toEqual([
      campaign.stages[0]!.simulationId,
    ]);

    const again = await createCampaign(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request(3), idempotencyKey: 'camp-1' },
    );
    expect([again.replayed, again.campaign.id, published.length]).toEqual([true, campaign.id, 1]);
    await expect(
      createCampaign(
        ports,
        { localBackendEnabled: true },
        { caller: alice, body: request(2), idempotencyKey: 'camp-1' },
      ),
    ).rejects.toThrow(IdempotencyMismatchError);
  }, 60_000);

  it('refuses a stage the validator or the hand-off refuses, naming the stage', async () => {
    const body = request(3);
    body.stages[1]!.period = { start: day(5), end: day(6) };
    body.stages[2]!.period = { start: day(6), end: day(5) };
    const error = await createCampaign(ports, { localBackendEnabled: true }, { caller: alice, body }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).issues.map((i) => i.field);
    expect(fields).toEqual(['stages[1].period.start', 'stages[2].period.end']);
  });

  it("releases the next stage on SUCCEEDED from its predecessor's final restart: run directory and history name it", async () => {
    const { campaign } = await createCampaign(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request(2) },
    );
    const [first, second] = campaign.stages.map((s) => s.simulationId) as [string, string];
    const restart = writeFinalRestart(first, '20190102');
    await end(first, 'SUCCEEDED');
    published.length = 0;

    expect(await onStageEnded(ports, first)).toBe('released');
    const released = (await repository.get(second))!;
    expect(released.status).toBe('PENDING');
    expect(released.history.at(-1)!.reason).toBe(
      `released: stage 0 (spin-up, ${first}) ended SUCCEEDED; starts from its final restart ${restart} (model time 2019-01-02T00:00Z)`,
    );
    const rundir = `simulations/${second}/rundir/`;
    expect(bucket.get(`${rundir}Restarts/GEOSChem.Restart.20190102_0000z.nc4`)).toBe(`restart of ${first}`);
    const config = bucket.get(`${rundir}geoschem_config.yml`)!;
    expect(config.split('\n')[0]).toBe(
      `# gcr: initial restart Restarts/GEOSChem.Restart.20190102_0000z.nc4: stage 0 (spin-up, ${first})'s final restart, ${restart}`,
    );
    expect(config).toMatch(/start_date: \[20190102, 000000\]/);
    expect(JSON.parse(bucket.get(`${rundir}gcr-rundir.json`)!).initialRestart).toEqual({
      path: 'Restarts/GEOSChem.Restart.20190102_0000z.nc4',
      source: restart,
      fromSimulation: first,
      modelTime: '2019-01-02T00:00Z',
    });
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Status Changed', 'Simulation Submitted']);
    expect((await getCampaign(ports, alice, campaign.id)).stages[1]!.initialRestart).toBe(restart);

    // A duplicate event, or the finder's catch-up, finds nothing waiting.
    expect(await onStageEnded(ports, first)).toBe('nothing-waiting');
    expect(await onWaitingStageFound(ports, second)).toBe('nothing-waiting');
    expect((await repository.get(second))!.version).toBe(released.version);
    expect(bucket.get(`${rundir}geoschem_config.yml`)!.match(/# gcr: initial restart/g)).toHaveLength(1);
  }, 60_000);

  it('stop: a failed stage cancels every stage still waiting, with the reason', async () => {
    const { campaign } = await createCampaign(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request(3) },
    );
    const ids = campaign.stages.map((s) => s.simulationId);
    await end(ids[0]!, 'FAILED');
    expect(await onStageEnded(ports, ids[0]!)).toBe('cancelled');
    for (const id of ids.slice(1)) {
      const stage = (await repository.get(id))!;
      expect(stage.status).toBe('CANCELLED');
      expect(stage.history.at(-1)!.reason).toBe(
        `campaign ${campaign.id} stopped: stage 0 (spin-up, ${ids[0]}) ended FAILED and its failure policy is stop`,
      );
    }
    expect((await getCampaign(ports, alice, campaign.id)).status).toBe('FAILED');
  }, 60_000);

  it('continue: a failed stage releases the next from its own initial conditions, no restart handed over', async () => {
    const { campaign } = await createCampaign(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request(2, 'continue') },
    );
    const [first, second] = campaign.stages.map((s) => s.simulationId) as [string, string];
    await end(first, 'TIMED_OUT');
    expect(await onStageEnded(ports, first)).toBe('released');
    const stage = (await repository.get(second))!;
    expect(stage.status).toBe('PENDING');
    expect(stage.history.at(-1)!.reason).toMatch(
      /ended TIMED_OUT; its failure policy is continue, so this stage starts from its own initial conditions/,
    );
    expect(bucket.get(`simulations/${second}/rundir/geoschem_config.yml`)).not.toMatch(
      /# gcr: initial restart/,
    );
  }, 60_000);

  it('pause holds a due release until resume; cancel reaches waiting and active stages', async () => {
    const { campaign } = await createCampaign(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request(3) },
    );
    const ids = campaign.stages.map((s) => s.simulationId);
    expect((await controlCampaign(ports, alice, campaign.id, 'pause')).status).toBe('PAUSED');
    writeFinalRestart(ids[0]!, '20190102');
    await end(ids[0]!, 'SUCCEEDED');
    expect(await onStageEnded(ports, ids[0]!)).toBe('paused');
    expect(await statusOf(ids[1]!)).toBe('WAITING');

    const resumed = await controlCampaign(ports, alice, campaign.id, 'resume');
    expect(resumed.paused).toBe(false);
    expect(resumed.stages.map((s) => s.status)).toEqual(['SUCCEEDED', 'PENDING', 'WAITING']);

    const cancelled = await controlCampaign(ports, alice, campaign.id, 'cancel');
    expect(cancelled.stages.map((s) => s.status)).toEqual(['SUCCEEDED', 'CANCELLING', 'CANCELLED']);
    expect((await repository.get(ids[2]!))!.history.at(-1)!.reason).toBe(
      `campaign ${campaign.id} cancelled by alice`,
    );
  }, 60_000);

  it("the finder catches a waiting stage whose predecessor's end event was lost", async () => {
    const { campaign } = await createCampaign(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request(2) },
    );
    const [first, second] = campaign.stages.map((s) => s.simulationId) as [string, string];
    writeFinalRestart(first, '20190102');
    await end(first, 'SUCCEEDED');
    // The terminal event is dropped: nothing calls onStageEnded.
    published.length = 0;
    await findDueSimulations(
      { repository, publisher: ports.publisher, now: () => Date.now() + 5_000 },
      { shards: 4, maxSimulationsPerRun: 10_000, concurrency: 4, waitingCheckIntervalMs: 1_000 },
    );
    const due = published
      .filter((e) => e.detailType === 'Campaign Stages Due')
      .flatMap((e) => (e.detail as { simulationIds: string[] }).simulationIds);
    expect(due).toContain(second);
    for (const id of due) await onWaitingStageFound(ports, id);
    const stage = (await repository.get(second))!;
    expect(stage.status).toBe('PENDING');
    expect(stage.history.at(-1)!.reason).toMatch(
      /starts from its final restart simulations\/.*20190102_0000z/,
    );
  }, 60_000);

  it("answers another owner's campaign 404 and lists only the caller's", async () => {
    const { campaign } = await createCampaign(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: request(1) },
    );
    await expect(getCampaign(ports, bob, campaign.id)).rejects.toThrow(NotFoundError);
    await expect(controlCampaign(ports, bob, campaign.id, 'cancel')).rejects.toThrow(NotFoundError);
    await expect(getCampaign(ports, alice, 'cmp_nope')).rejects.toThrow(NotFoundError);
    expect((await listCampaigns(ports, bob, { offset: 0, limit: 25 })).campaigns).toEqual([]);
    const mine = await listCampaigns(ports, alice, { offset: 0, limit: 2 });
    expect(mine.campaigns[0]!.id).toBe(campaign.id);
    expect(mine.nextCursor).toBe('2');
  }, 60_000);
});

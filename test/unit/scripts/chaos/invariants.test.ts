import { describe, expect, it } from '@jest/globals';
import {
  checkInvariants,
  type BatchJobView,
  type ChaosState,
  type EventView,
  type SimulationView,
} from '#scripts/chaos/invariants.js';

const chain: [string | null, string][] = [
  [null, 'PENDING'],
  ['PENDING', 'SUBMITTED'],
  ['SUBMITTED', 'RUNNABLE'],
  ['RUNNABLE', 'RUNNING'],
  ['RUNNING', 'SUCCEEDED'],
];

function simulation(overrides: Partial<SimulationView> = {}): SimulationView {
  return {
    id: 'sim_1',
    status: 'SUCCEEDED',
    history: chain.map(([from, to]) => ({ from, to, reason: 'r' }) as SimulationView['history'][number]),
    job: { jobId: 'job-1' },
    results: { status: 'READY', trigger: 'succeeded:v9' },
    ...overrides,
  };
}

const statusEvent = (version: number, from: string, to: string, id = 'sim_1'): EventView => ({
  'detail-type': 'Simulation Status Changed',
  source: 'gcr.execution-poller',
  detail: { simulationId: id, version, from, to },
});
const resultsReady = (id = 'sim_1'): EventView => ({
  'detail-type': 'Simulation Results Ready',
  source: 'gcr.results-processor',
  detail: { simulationId: id },
});
/** One event per transition of `chain`, at versions 2, 4, 6, 9 (claims and progress bump versions too). */
const events = (): EventView[] => [
  statusEvent(2, 'PENDING', 'SUBMITTED'),
  statusEvent(4, 'SUBMITTED', 'RUNNABLE'),
  statusEvent(6, 'RUNNABLE', 'RUNNING'),
  statusEvent(9, 'RUNNING', 'SUCCEEDED'),
  resultsReady(),
];
const job = (overrides: Partial<BatchJobView> = {}): BatchJobView => ({
  jobId: 'job-1',
  jobName: 'gcr-sim_1',
  status: 'SUCCEEDED',
  terminated: false,
  ...overrides,
});
const kinds = (state: ChaosState) => checkInvariants(state).violations.map((v) => v.kind);

describe('the chaos suite invariants', () => {
  it('accept a simulation whose transitions, events, job and results all agree', () => {
    const { violations, figures } = checkInvariants({
      simulations: [simulation()],
      events: events(),
      jobs: [job()],
    });
    expect(violations).toEqual([]);
    expect(figures).toMatchObject({ simulations: 1, transitions: 4, statusEvents: 4, results: { READY: 1 } });
  });

  it('find a transition applied twice', () => {
    const history = [...simulation().history];
    history.splice(4, 0, { from: 'RUNNABLE', to: 'RUNNING', reason: 'again' });
    expect(kinds({ simulations: [simulation({ history })], events: events(), jobs: [job()] })).toContain(
      'broken-history',
    );
  });

  it('find a lost event, a duplicated one, and one matching no transition', () => {
    const lost = events().filter((e) => e.detail.version !== 4);
    expect(kinds({ simulations: [simulation()], events: lost, jobs: [job()] })).toEqual(['lost-event']);
    const duplicated = [...events(), statusEvent(6, 'RUNNABLE', 'RUNNING')];
    expect(kinds({ simulations: [simulation()], events: duplicated, jobs: [job()] })).toEqual([
      'duplicate-event',
    ]);
    const extra = [...events(), statusEvent(10, 'SUCCEEDED', 'FAILED')];
    expect(kinds({ simulations: [simulation()], events: extra, jobs: [job()] })).toEqual([
      'event-without-transition',
    ]);
  });

  it('Duplicated Status Changed events: count a copy with the same eventId and detail as a redelivery, not a duplicate, but two different events for one version as duplicates', () => {
    const withId = (event: EventView): EventView => ({
      ...event,
      detail: { ...event.detail, eventId: `sim_1:v${event.detail.version}`, reason: 'r', at: 't' },
    });
    const published = events().map((e) => (e['detail-type'] === 'Simulation Status Changed' ? withId(e) : e));
    const again = withId(statusEvent(6, 'RUNNABLE', 'RUNNING'));
    const redelivered = checkInvariants({
      simulations: [simulation()],
      events: [...published, again, again],
      jobs: [job()],
    });
    expect(redelivered.violations).toEqual([]);
    expect(redelivered.figures).toMatchObject({ statusEvents: 6, redeliveries: 2, transitions: 4 });
    const different = { ...again, detail: { ...again.detail, reason: 'another writer' } };
    expect(kinds({ simulations: [simulation()], events: [...published, different], jobs: [job()] })).toEqual([
      'duplicate-event',
    ]);
  });

  it('find a simulation stuck without a live job, and accept one still running on its live job', () => {
    const stuck = simulation({
      status: 'RUNNABLE',
      history: simulation().history.slice(0, 3),
      results: undefined,
    });
    const stuckEvents = events().slice(0, 2);
    expect(kinds({ simulations: [stuck], events: stuckEvents, jobs: [job({ status: 'FAILED' })] })).toEqual([
      'stuck',
    ]);
    expect(kinds({ simulations: [stuck], events: stuckEvents, jobs: [job({ status: 'RUNNABLE' })] })).toEqual(
      [],
    );
  });

  it('find an untracked Batch job, unless it was terminated, and a job the simulation knows that Batch does not', () => {
    const second = job({ jobId: 'job-2', status: 'RUNNING' });
    expect(kinds({ simulations: [simulation()], events: events(), jobs: [job(), second] })).toEqual([
      'untracked-job',
    ]);
    const terminated = { ...second, status: 'FAILED', terminated: true };
    expect(kinds({ simulations: [simulation()], events: events(), jobs: [job(), terminated] })).toEqual([]);
    expect(kinds({ simulations: [simulation()], events: events(), jobs: [] })).toEqual(['missing-job']);
  });

  it('count results once: settled for the SUCCEEDED transition, one Ready or Failed event', () => {
    const processing = simulation({ results: { status: 'PROCESSING', trigger: 'succeeded:v9' } });
    expect(kinds({ simulations: [processing], events: events(), jobs: [job()] })).toEqual([
      'results-not-settled',
    ]);
    const twice = [...events(), resultsReady()];
    expect(kinds({ simulations: [simulation()], events: twice, jobs: [job()] })).toEqual([
      'results-duplicate-event',
    ]);
    const none = events().filter((e) => e['detail-type'] !== 'Simulation Results Ready');
    expect(kinds({ simulations: [simulation()], events: none, jobs: [job()] })).toEqual([
      'results-lost-event',
    ]);
  });
});

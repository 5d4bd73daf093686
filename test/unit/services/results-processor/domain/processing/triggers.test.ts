import { describe, expect, it } from '@jest/globals';
import {
  decide,
  triggerOf,
  UnknownEventError,
  type DeliveredEvent,
} from '#services/results-processor/src/domain/processing/triggers.js';
import type { SimulationResultsStatus } from '#schemas/generated/types.js';
import { aSimulation } from '#test/helpers/simulations.js';

const succeededEvent = (version = 7): DeliveredEvent => ({
  source: 'gcr.execution-poller',
  'detail-type': 'Simulation Status Changed',
  detail: { simulationId: 'sim_1', to: 'SUCCEEDED', version },
});
const requestEvent = (requestId: string, species?: string[]): DeliveredEvent => ({
  source: 'gcr.results-processor',
  'detail-type': 'Simulation Results Requested',
  detail: { simulationId: 'sim_1', requestId, requestedBy: 'alice', ...(species ? { species } : {}) },
});
const results = (overrides: Partial<SimulationResultsStatus>): SimulationResultsStatus => ({
  status: 'READY',
  updatedAt: '2026-01-01T00:00:00Z',
  ...overrides,
});
const succeeded = (r?: SimulationResultsStatus) =>
  aSimulation({ status: 'SUCCEEDED', ...(r ? { results: r } : {}) });

describe('triggerOf', () => {
  it('identifies the run finishing by the version of its SUCCEEDED transition', () => {
    expect(triggerOf(succeededEvent(7))).toEqual({
      simulationId: 'sim_1',
      id: 'succeeded:v7',
      kind: 'succeeded',
    });
  });

  it('ignores status changes to anything but SUCCEEDED', () => {
    const event = succeededEvent();
    event.detail['to'] = 'FAILED';
    expect(triggerOf(event)).toBeUndefined();
  });

  it('identifies a request by its request id and keeps the species it names', () => {
    expect(triggerOf(requestEvent('r1', ['O3']))).toEqual({
      simulationId: 'sim_1',
      id: 'request:r1',
      kind: 'request',
      requestedBy: 'alice',
      species: ['O3'],
    });
  });

  it('refuses events it does not handle', () => {
    expect(() => triggerOf({ source: 'x', 'detail-type': 'Other', detail: { simulationId: 's' } })).toThrow(
      UnknownEventError,
    );
  });
});

describe('decide', () => {
  const trigger = triggerOf(succeededEvent(7))!;
  const request = triggerOf(requestEvent('r2'))!;

  it('processes a SUCCEEDED simulation without results', () => {
    expect(decide(succeeded(), trigger)).toEqual({ action: 'process' });
  });

  it('skips a simulation that is missing or not SUCCEEDED', () => {
    expect(decide(undefined, trigger).action).toBe('skip');
    expect(decide(aSimulation({ status: 'RUNNING' }), trigger).action).toBe('skip');
  });

  it('skips a redelivered trigger whose outcome was recorded and announced', () => {
    const done = results({ trigger: 'succeeded:v7', announcedAt: '2026-01-01T00:00:01Z' });
    expect(decide(succeeded(done), trigger).action).toBe('skip');
    expect(decide(succeeded({ ...done, status: 'FAILED' }), trigger).action).toBe('skip');
  });

  it('only publishes again when the outcome was recorded but not announced', () => {
    expect(decide(succeeded(results({ trigger: 'succeeded:v7' })), trigger)).toEqual({ action: 'announce' });
  });

  it('processes again a trigger left PROCESSING (crash or retryable error)', () => {
    expect(decide(succeeded(results({ status: 'PROCESSING', trigger: 'succeeded:v7' })), trigger)).toEqual({
      action: 'process',
    });
  });

  it('does not let a late copy of the SUCCEEDED event redo a requested processing', () => {
    const byRequest = results({ trigger: 'request:r1', announcedAt: '2026-01-01T00:00:01Z' });
    expect(decide(succeeded(byRequest), trigger).action).toBe('skip');
    expect(decide(succeeded({ ...byRequest, status: 'PROCESSING' }), trigger).action).toBe('skip');
  });

  it('processes a new request even when results are READY', () => {
    const done = results({ trigger: 'succeeded:v7', announcedAt: '2026-01-01T00:00:01Z' });
    expect(decide(succeeded(done), request)).toEqual({ action: 'process' });
  });
});

import { describe, expect, it } from '@jest/globals';
import { UnknownEventError } from '#shared/kernel/errors.js';
import {
  decide,
  RESULTS_EVENTS,
  triggerOf,
} from '#services/results-processor/src/domain/processing/triggers.js';
import type { SimulationResultsStatus, SimulationStatus } from '#schemas/generated/types.js';
import {
  delivered,
  resultsRequestedEvent,
  statusChangedEvent,
  submittedEvent,
} from '#test/helpers/events.js';
import { aSimulation } from '#test/helpers/simulations.js';

const run = aSimulation({ id: 'sim_1', status: 'RUNNING' });
const statusChanged = (version = 7, to: SimulationStatus = 'SUCCEEDED') =>
  delivered(statusChangedEvent(run, to, { version }), RESULTS_EVENTS);
const requestEvent = (requestId: string | undefined, species?: string[]) =>
  delivered(
    resultsRequestedEvent(run, { ...(requestId ? { requestId } : {}), ...(species ? { species } : {}) }),
    RESULTS_EVENTS,
  );
const results = (overrides: Partial<SimulationResultsStatus>): SimulationResultsStatus => ({
  status: 'READY',
  updatedAt: '2026-01-01T00:00:00Z',
  ...overrides,
});
const succeeded = (r?: SimulationResultsStatus) =>
  aSimulation({ status: 'SUCCEEDED', ...(r ? { results: r } : {}) });

describe('triggerOf', () => {
  it('identifies the run finishing by the version of its SUCCEEDED transition', () => {
    expect(triggerOf(statusChanged(7))).toEqual({
      simulationId: 'sim_1',
      id: 'succeeded:v7',
      kind: 'succeeded',
    });
  });

  it('ignores status changes to anything but SUCCEEDED', () => {
    expect(triggerOf(statusChanged(7, 'FAILED'))).toBeUndefined();
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

  it('identifies a request without a request id by its time', () => {
    expect(triggerOf(requestEvent(undefined))?.id).toBe('request:2026-01-02T00:00:00.000Z');
  });

  it('never sees events its queue does not receive: they are refused when parsed', () => {
    expect(() => delivered(submittedEvent(run), RESULTS_EVENTS)).toThrow(UnknownEventError);
  });
});

describe('decide', () => {
  const trigger = triggerOf(statusChanged(7))!;
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

  describe('a PROCESSING mark with a lease', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const processing = (overrides: Partial<SimulationResultsStatus>) =>
      succeeded(results({ status: 'PROCESSING', trigger: 'succeeded:v7', ...overrides }));
    const at = (lastAttempt: boolean) => ({ now, lastAttempt, maxAttempts: 3 });

    it('sends a redelivery back to the queue while a live run holds the lease', () => {
      expect(
        decide(processing({ attempts: 1, leaseExpiresAt: '2026-03-01T12:10:00Z' }), trigger, at(false)),
      ).toEqual({ action: 'wait', until: '2026-03-01T12:10:00Z' });
    });

    it('starts again after a run that died (lease expired) while the queue will deliver once more', () => {
      expect(
        decide(processing({ attempts: 1, leaseExpiresAt: '2026-03-01T11:00:00Z' }), trigger, at(false)),
      ).toEqual({ action: 'process' });
    });

    it("records FAILED on the queue's last delivery after a run that died, rather than risk dying unrecorded", () => {
      const decision = decide(
        processing({ attempts: 2, leaseExpiresAt: '2026-03-01T11:00:00Z' }),
        trigger,
        at(true),
      );
      expect(decision.action).toBe('fail');
      expect(decision).toMatchObject({
        reason: expect.stringMatching(/^processing stopped without finishing 2 times/),
      });
    });

    it('records FAILED once maxAttempts runs have died, whatever the delivery (duplicated messages)', () => {
      expect(
        decide(processing({ attempts: 3, leaseExpiresAt: '2026-03-01T11:00:00Z' }), trigger, at(false))
          .action,
      ).toBe('fail');
    });

    it('processes on the last delivery too when the lease was released after a retryable error', () => {
      expect(decide(processing({ attempts: 2 }), trigger, at(true))).toEqual({ action: 'process' });
    });
  });
});

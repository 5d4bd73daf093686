import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { MalformedEventError, UnknownEventError } from '#shared/kernel/errors.js';
import { BatchJobStateChange, DetailType, Source } from '#shared/kernel/events/catalog.js';
import { parseDeliveredEvent } from '#shared/kernel/events/delivered-event.js';
import { deliveredBody, statusChangedEvent, submittedEvent } from '#test/helpers/events.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { aSimulation } from '#test/helpers/simulations.js';

const ACCEPTS = [DetailType.SimulationStatusChanged, BatchJobStateChange.detailType] as const;

const cancelRequested = statusChangedEvent(
  aSimulation({ id: 'sim_1', status: 'RUNNING', version: 3 }),
  'CANCELLING',
);

/** The body of `event` with its detail changed by `edit`. */
function withDetail(edit: (detail: Record<string, unknown>) => void): string {
  const event = JSON.parse(deliveredBody(cancelRequested)) as { detail: Record<string, unknown> };
  edit(event.detail);
  return JSON.stringify(event);
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('parseDeliveredEvent', () => {
  it('returns an event of ours with its typed detail, id, time and resources', () => {
    const event = parseDeliveredEvent(deliveredBody(cancelRequested, 'event-1'), ACCEPTS);
    expect(event).toMatchObject({
      id: 'event-1',
      source: 'gcr.submission',
      'detail-type': 'Simulation Status Changed',
      resources: ['sim_1'],
      detail: { simulationId: 'sim_1', to: 'CANCELLING', version: 4 },
    });
    expect(typeof event.time).toBe('string');
  });

  it("passes AWS Batch's own job state change through, its detail left to the Batch mapping", () => {
    const fixture = JSON.parse(
      readFileSync(
        path.join(repoRoot, 'test/fixtures/aws_batch/batch_job_state_change_RUNNABLE_2022.json'),
        'utf8',
      ),
    ) as { detail: Record<string, unknown> };
    const event = parseDeliveredEvent(JSON.stringify(fixture), ACCEPTS);
    expect(event['detail-type']).toBe('Batch Job State Change');
    expect(event.detail).toEqual(fixture.detail);
  });

  it('refuses a body that is not an EventBridge event as malformed', () => {
    for (const body of ['not json', '[]', '{}', JSON.stringify({ source: 'gcr.submission', detail: {} })]) {
      expect(() => parseDeliveredEvent(body, ACCEPTS)).toThrow(MalformedEventError);
    }
    const missing = errorOf(() => parseDeliveredEvent('{"source":"gcr.submission"}', ACCEPTS));
    expect((missing as MalformedEventError).issues.map((i) => i.field)).toEqual(['detail-type', 'detail']);
  });

  it("refuses a detail its detail-type's schema does not allow, naming the fields", () => {
    const bad = errorOf(() =>
      parseDeliveredEvent(
        withDetail((d) => {
          d['version'] = 'four';
          delete d['simulationId'];
        }),
        ACCEPTS,
      ),
    );
    expect(bad).toBeInstanceOf(MalformedEventError);
    expect((bad as MalformedEventError).issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'detail.simulationId', message: 'is required' }),
        expect.objectContaining({ field: 'detail.version' }),
      ]),
    );
    expect(() =>
      parseDeliveredEvent(
        withDetail((d) => (d['schemaVersion'] = '2')),
        ACCEPTS,
      ),
    ).toThrow(MalformedEventError);
  });

  it('refuses detail types the consumer does not handle, and a detail type from a source that does not publish it', () => {
    expect(() => parseDeliveredEvent(deliveredBody(submittedEvent(aSimulation())), ACCEPTS)).toThrow(
      UnknownEventError,
    );
    expect(() =>
      parseDeliveredEvent(deliveredBody({ ...cancelRequested, source: Source.resultsProcessor }), ACCEPTS),
    ).toThrow(UnknownEventError);
    expect(() =>
      parseDeliveredEvent(deliveredBody({ ...cancelRequested, detailType: 'Simulation Archived' }), ACCEPTS),
    ).toThrow(UnknownEventError);
    expect(() =>
      parseDeliveredEvent(
        deliveredBody({ source: 'gcr.fake', detailType: BatchJobStateChange.detailType, detail: {} }),
        ACCEPTS,
      ),
    ).toThrow(UnknownEventError);
  });
});

import { describe, expect, it } from '@jest/globals';
import { patternProblems, servicePatterns } from '#test/helpers/event-patterns.js';

describe("services' EventBridge rule patterns", () => {
  const patterns = servicePatterns();

  it('are found in every serverless.yml that declares rules', () => {
    expect(patterns.map((p) => p.where)).toEqual(
      expect.arrayContaining([
        'cost-tracker: ResultsReadyRule',
        'cost-tracker: StatusChangedRule',
        'execution-poller: BatchJobStateRule',
        'execution-poller: CancelRequestedRule',
        'execution-poller: PollRequestedRule',
        'execution-poller: SubmittedRule',
        'notifier: CostRule',
        'notifier: SimulationResultsRule',
        'notifier: SimulationStatusRule',
        'results-processor: ResultsRequestedRule',
        'results-processor: SimulationSucceededRule',
      ]),
    );
  });

  it.each(patterns.map((p) => [p.where, p.pattern] as const))(
    '%s names catalogued sources, detail types and detail fields',
    (_where, pattern) => {
      expect(patternProblems(pattern)).toEqual([]);
    },
  );
});

describe('patternProblems', () => {
  const cancel = {
    source: ['gcr.submission'],
    'detail-type': ['Simulation Status Changed'],
    detail: { to: ['CANCELLING'] },
  };

  it('accepts a pattern that can match catalogued events, and AWS Batch job state changes', () => {
    expect(patternProblems(cancel)).toEqual([]);
    expect(
      patternProblems({
        source: ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        detail: { jobName: [{ prefix: 'gcr-sim_' }], status: ['FAILED'] },
      }),
    ).toEqual([]);
  });

  it('names a source or detail type the catalog does not know', () => {
    expect(patternProblems({ ...cancel, source: ['gcr.submision'] })).toEqual([
      'source "gcr.submision" is not in the event catalog',
      '"Simulation Status Changed" comes from gcr.submission or gcr.execution-poller or gcr.cost-tracker, not gcr.submision',
    ]);
    expect(patternProblems({ ...cancel, 'detail-type': ['Simulation Status Change'] })).toEqual([
      'detail-type "Simulation Status Change" is not in the event catalog',
    ]);
    expect(patternProblems({ source: ['gcr.submission'] })).toEqual(['names no detail-type']);
  });

  it('names a detail type asked of a source that does not publish it', () => {
    expect(patternProblems({ ...cancel, 'detail-type': ['Simulation Results Ready'], detail: {} })).toEqual([
      '"Simulation Results Ready" comes from gcr.results-processor, not gcr.submission',
    ]);
  });

  it('names a detail field the schema lacks, and a value its enum does not allow', () => {
    expect(patternProblems({ ...cancel, detail: { status: ['CANCELLING'] } })).toEqual([
      '"Simulation Status Changed": detail.status is not a field of the detail schema',
    ]);
    expect(patternProblems({ ...cancel, detail: { to: ['CANCELED'] } })).toEqual([
      expect.stringMatching(/^"Simulation Status Changed": detail.to: "CANCELED" is not one of .*CANCELLING/),
    ]);
    expect(
      patternProblems({
        source: ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        detail: { name: [{ prefix: 'gcr-' }] },
      }),
    ).toEqual(['"Batch Job State Change": detail.name is not a field of the event']);
  });
});

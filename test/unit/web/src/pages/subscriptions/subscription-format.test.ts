import { describe, expect, it } from 'vitest';
import {
  describeFilters,
  describeTestResult,
  NOTIFICATION_KINDS,
  parseTags,
} from '../../../../../../web/src/pages/subscriptions/subscription-format.js';

describe('subscription-format', () => {
  it('reads tags typed as key=value pairs and names the part that is not one', () => {
    expect(parseTags(' project=ozone, team = chem ')).toEqual({ tags: { project: 'ozone', team: 'chem' } });
    expect(parseTags('')).toEqual({});
    expect(parseTags('project=ozone, ozone')).toEqual({ error: '"ozone" is not key=value' });
  });

  it("says a test delivery's outcome in words, with the target's HTTP status and the reason it failed", () => {
    expect(describeTestResult({ delivered: true, statusCode: 204 })).toBe('Delivered (HTTP 204)');
    expect(
      describeTestResult({ delivered: false, statusCode: 500, error: 'the receiver answered 500' }),
    ).toBe('Failed (HTTP 500): the receiver answered 500');
    expect(describeTestResult({ delivered: false })).toBe('Failed: no reason given');
  });

  it('lists statuses only for status events, then tags and the cost floor', () => {
    expect(
      describeFilters({
        events: ['status', 'cost'],
        statuses: ['FAILED'],
        tags: { project: 'ozone' },
        costAboveUsd: 5,
      }),
    ).toEqual(['statuses FAILED', 'tag project=ozone', 'cost above $5']);
    expect(describeFilters({ events: ['budget'], statuses: ['FAILED'] })).toEqual([]);
  });

  it("offers the event kinds of the API's schema", () => {
    expect([...NOTIFICATION_KINDS]).toEqual(['status', 'results', 'budget', 'cost']);
  });
});

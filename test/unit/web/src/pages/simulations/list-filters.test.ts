import { describe, expect, it } from 'vitest';
import {
  apiQueryFromFilters,
  filtersFromSearch,
  searchFromFilters,
} from '../../../../../../web/src/pages/simulations/list-filters.js';
import {
  costOf,
  formatElapsed,
  sortSimulations,
} from '../../../../../../web/src/pages/simulations/simulation-rows.js';
import { summary } from '../../../../../helpers/web/simulations-api.js';

describe('the list filters in the URL', () => {
  it('round-trip through the query string, leaving the default sort out', () => {
    const search = new URLSearchParams(
      'status=FAILED&tag=project%3Dozone&type=fullchem&from=2026-12-01&to=2026-12-02&sort=name',
    );
    const filters = filtersFromSearch(search);
    expect(filters).toEqual({
      status: 'FAILED',
      tag: 'project=ozone',
      type: 'fullchem',
      from: '2026-12-01',
      to: '2026-12-02',
      sort: 'name',
    });
    expect(searchFromFilters(filters).toString()).toBe(search.toString());
    expect(searchFromFilters({ sort: 'created-desc' }).toString()).toBe('');
  });

  it('drops what the API would refuse rather than sending it', () => {
    expect(
      filtersFromSearch(new URLSearchParams('status=DONE&tag=noequals&from=yesterday&sort=random')),
    ).toEqual({ sort: 'created-desc' });
  });

  it('asks the API for whole UTC days', () => {
    expect(apiQueryFromFilters({ from: '2026-12-01', to: '2026-12-01', sort: 'name' })).toEqual({
      createdFrom: '2026-12-01T00:00:00.000Z',
      createdTo: '2026-12-01T23:59:59.999Z',
    });
  });
});

describe('the rows', () => {
  it('sorts by elapsed time, active runs counting to now', () => {
    const now = Date.parse('2026-12-07T08:00:00.000Z');
    const ended = summary({
      id: 'ended',
      status: 'SUCCEEDED',
      createdAt: '2026-12-07T00:00:00.000Z',
      updatedAt: '2026-12-07T01:00:00.000Z',
    });
    const active = summary({ id: 'active', status: 'RUNNING', createdAt: '2026-12-07T06:00:00.000Z' });
    expect(sortSimulations([ended, active], 'elapsed-desc', now).map((s) => s.id)).toEqual([
      'active',
      'ended',
    ]);
  });

  it('says what a local run costs and formats durations readably', () => {
    expect(costOf(summary({ backend: 'local' })).text).toBe('None (local)');
    expect(formatElapsed(59_000)).toBe('59 s');
    expect(formatElapsed(3_723_000)).toBe('1 h 2 min');
    expect(formatElapsed(90_061_000)).toBe('1 d 1 h');
  });
});

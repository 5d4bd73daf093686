import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#shared/kernel/errors.js';
import {
  parseResultsQuery,
  summariseManifest,
} from '#services/results-processor/src/domain/api/get-results.js';
import { parseCompareQuery } from '#services/results-processor/src/domain/api/compare.js';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

describe('results query strings', () => {
  it('reads variables and collection filters', () => {
    expect(
      parseResultsQuery({ variables: 'SpeciesConcVV_O3, SpeciesConcVV_CO', collection: 'SpeciesConc' }),
    ).toEqual({
      variables: ['SpeciesConcVV_O3', 'SpeciesConcVV_CO'],
      collection: 'SpeciesConc',
    });
  });

  it('names the field of an unknown parameter or a bad variable name', () => {
    expect(issuesOf(() => parseResultsQuery({ limit: '3' }))).toEqual([
      { field: 'query.limit', message: expect.stringContaining('not a known parameter') },
    ]);
    expect(issuesOf(() => parseResultsQuery({ variables: 'O3,../x' }))[0]).toMatchObject({
      field: 'query.variables',
      message: expect.stringContaining('"../x"'),
    });
    expect(issuesOf(() => parseCompareQuery({ refresh: 'yes' }))[0]!.field).toBe('query.refresh');
  });
});

describe('summariseManifest', () => {
  it('groups files by collection, restart files under Restart', () => {
    const sha = 'a'.repeat(64);
    const summary = summariseManifest({
      generatedAt: '2026-01-01T00:00:00Z',
      fileCount: 3,
      totalBytes: 60,
      complete: false,
      missing: [{ collection: 'SpeciesConc', timeStep: '2019-01-03T00:00:00Z', expectedKey: 'outputs/x' }],
      files: [
        {
          key: 'outputs/GEOSChem.SpeciesConc.20190102_0000z.nc4',
          size: 20,
          sha256: sha,
          contentType: 'application/x-netcdf',
          kind: 'diagnostic',
          collection: 'SpeciesConc',
        },
        {
          key: 'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4',
          size: 10,
          sha256: sha,
          contentType: 'application/x-netcdf',
          kind: 'diagnostic',
          collection: 'SpeciesConc',
        },
        {
          key: 'outputs/GEOSChem.Restart.20190102_0000z.nc4',
          size: 30,
          sha256: sha,
          contentType: 'application/x-netcdf',
          kind: 'restart',
        },
      ],
    });
    expect(summary.collections.map((c) => [c.collection, c.fileCount, c.totalBytes])).toEqual([
      ['Restart', 1, 30],
      ['SpeciesConc', 2, 30],
    ]);
    expect(summary.collections[1]!.files[0]!.key).toContain('20190101');
    expect(summary.missing).toHaveLength(1);
  });
});

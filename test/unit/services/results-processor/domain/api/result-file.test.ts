import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#shared/kernel/errors.js';
import { parseResultKey } from '#services/results-processor/src/domain/api/result-file.js';

function refusal(raw: string): { field: string; message: string } | undefined {
  try {
    parseResultKey(raw);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues[0];
  }
}

describe('parseResultKey', () => {
  it('accepts outputs, previews and comparison keys as they are', () => {
    for (const key of [
      'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4',
      'outputs/HEMCO_diagnostics.201901010000.nc',
      'results/previews/SpeciesConc/SpeciesConcVV_O3.png',
      'results/comparisons/sim_01jd3k9x2m4q8r7t6v5w3y1z0a/SpeciesConcVV_CO.png',
    ]) {
      expect(parseResultKey(key)).toBe(key);
    }
  });

  it.each([
    ['../../other/outputs/x.nc4', 'leave'],
    ['outputs/../../sim_x/outputs/a.nc4', 'leave'],
    ['./outputs/a.nc4', 'leave'],
    ['/etc/passwd', 'absolute'],
    ['outputs\\..\\..\\x', 'backslash'],
    ['%2e%2e/%2e%2e/x', 'leave'],
    ['%252e%252e/x', 'leave'],
    ['outputs/%2e%2e%2f%2e%2e%2fx', 'leave'],
    ['outputs/a%2fb', 'percent-encoded'],
    ['outputs//a.nc4', 'empty segments'],
    ['outputs/', 'empty segments'],
    ['outputs/a\u0000.nc4', 'control characters'],
    ['outputs/a\n.nc4', 'control characters'],
    ['outputs/a b.nc4', 'may only contain'],
    ['%zz', 'malformed'],
    ['', 'required'],
  ])('refuses %j naming path.key', (raw, words) => {
    const issue = refusal(raw);
    expect(issue?.field).toBe('path.key');
    expect(issue?.message).toContain(words);
  });

  it('refuses keys longer than 1024 characters', () => {
    expect(refusal(`outputs/${'a'.repeat(1100)}`)?.message).toContain('at most 1024');
  });
});

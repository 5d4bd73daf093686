import { describe, expect, it } from 'vitest';
import {
  parseSpecFile,
  specFileName,
  specFileText,
} from '../../../../../../web/src/pages/new-simulation/spec-file.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const SPEC = {
  name: 'July 2019 fullchem 4x5',
  simulation: { type: 'fullchem', extraOption: 'none' },
  meteorology: { field: 'merra2' },
  grid: { resolution: '4x5' },
  period: { start: '2019-07-01T00:00:00Z', end: '2019-08-01T00:00:00Z' },
  diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'daily' },
};

describe('spec files', () => {
  it('round-trips: an exported spec imports to the same draft', () => {
    const imported = parseSpecFile(specFileText(SPEC), NOW);
    expect(imported).toEqual({ ok: true, draft: SPEC });
    expect(specFileName(SPEC)).toBe('July-2019-fullchem-4x5.json');
  });

  it('refuses a file that is not JSON, naming body', () => {
    expect(parseSpecFile('{ nope', NOW)).toMatchObject({ ok: false, issues: [{ field: 'body' }] });
  });

  it("refuses a spec the API would refuse, with the validator's issues by field", () => {
    const imported = parseSpecFile(JSON.stringify({ ...SPEC, grid: { resolution: '0.125x0.15625' } }), NOW);
    expect(imported.ok).toBe(false);
    expect(!imported.ok && imported.issues.map((issue) => issue.field)).toContain('grid.resolution');
  });
});

import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandEnsemble } from '#shared/science/ensemble/expand-ensemble.js';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../examples');
const all = readdirSync(EXAMPLES)
  .filter((file) => file.endsWith('.json'))
  .sort();
/**
 * Ensemble requests (POST /ensembles bodies) are named ensemble-*.json, campaign requests
 * (POST /campaigns, test/unit/services/submission/domain/campaign-stages.test.ts) campaign-*.json;
 * the rest are simulation specs.
 */
const ensembles = all.filter((file) => file.startsWith('ensemble-'));
const files = all.filter((file) => !file.startsWith('ensemble-') && !file.startsWith('campaign-'));
const NOW = new Date('2026-01-01T00:00:00Z');

function load(file: string): unknown {
  return JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8'));
}

describe('examples/', () => {
  it('has the four documented examples', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'transport-tracers-4x5-1month.json',
        'fullchem-2x25-1week.json',
        'carbon-ch4-nested-na-025.json',
        'demo-local-4x5-1day.json',
      ]),
    );
  });

  it.each(ensembles)('%s is a valid ensemble request whose every member gets its run directory', (file) => {
    const result = expandEnsemble(load(file), { now: NOW });
    expect(result.ok ? [] : result.issues).toEqual([]);
    if (result.ok) for (const member of result.ensemble.members) generateRunDirectory(member.spec);
  });

  it.each(files)('%s is a valid simulation spec, without warnings', (file) => {
    const result = validateSimulationSpec(load(file), { now: NOW });
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('runs the CH4 example as carbon/CH4 nested over North America at 0.25x0.3125 with GEOS-FP', () => {
    const result = validateSimulationSpec(load('carbon-ch4-nested-na-025.json'), { now: NOW });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.spec.simulation).toEqual({ type: 'carbon', extraOption: 'CH4' });
    expect(result.spec.meteorology.field).toBe('geosfp');
    expect(result.spec.grid).toMatchObject({ resolution: '0.25x0.3125', nestedDomain: 'NA' });
  });

  it('keeps the local demo to one simulated day on the local backend', () => {
    const result = validateSimulationSpec(load('demo-local-4x5-1day.json'), { now: NOW });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.spec.compute.backend).toBe('local');
    expect(Date.parse(result.spec.period.end) - Date.parse(result.spec.period.start)).toBe(24 * 3_600_000);
  });
});

/**
 * Conformance of the input plan with the real model: for each dry run of
 * GEOS-Chem Classic 14.7.0 in test/fixtures/geoschem/dryrun-14.7.0/, the plan
 * made from the same spec lists every file the log shows the model opening,
 * and what it adds beyond the log is the short list below, each entry with
 * its reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { planInputs } from '#shared/science/inputs/plan-inputs.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { InputPlan } from '#schemas/generated/types.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

const FIXTURES = path.join(repoRoot, 'test/fixtures/geoschem/dryrun-14.7.0');
const NOW = new Date('2026-12-06T00:00:00Z');

/** The restart the model opens in its run directory; the plan stages it from GEOSCHEM_RESTARTS/. */
const RUN_DIRECTORY_RESTART = /^\.\/Restarts\/GEOSChem\.Restart\.(\d{8})_0000z\.nc4$/;

/**
 * Every file the log shows the model opening, as data-root-relative keys:
 * lines "... FOUND <path>" (REQUIRED/OPTIONAL/CLIMATOLOGY FILE NOT FOUND, or
 * FOUND) and "... Opening <path>" for files under the data root (/ExtData)
 * or the run directory's Restarts/. "//" in GEOS-Chem's joined paths is one "/".
 */
function openedFiles(log: string): Set<string> {
  const files = new Set<string>();
  for (const match of log.matchAll(/(?:FOUND|Opening):?\s+(\S+)/g)) {
    const file = match[1]!;
    if (file.startsWith('/ExtData/')) files.add(file.slice('/ExtData/'.length).replace(/\/{2,}/g, '/'));
    else if (file.startsWith('./Restarts/')) files.add(file);
  }
  return files;
}

function planFor(example: string): { plan: InputPlan; opened: Set<string>; start: string } {
  const spec = JSON.parse(readFileSync(path.join(FIXTURES, example, 'spec.json'), 'utf8'));
  const result = validateSimulationSpec(spec, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const log = gunzipSync(readFileSync(path.join(FIXTURES, example, 'log.dryrun.gz'))).toString('utf8');
  return {
    plan: planInputs(result.spec, { now: NOW }),
    opened: openedFiles(log),
    start: result.spec.period.start.slice(0, 10).replace(/-/g, ''),
  };
}

function plannedKeys(plan: InputPlan): string[] {
  return plan.items.flatMap((item) => item.keys ?? []);
}

/** What the plan lists beyond the log, and why; kept short on purpose. */
const EXTRA: Record<string, Record<string, string>> = {
  'fullchem-2x25-1week': {
    'GEOSCHEM_RESTARTS/GC_14.7.0/GEOSChem.Restart.fullchem.20190701_0000z.nc4':
      'the default restart of download_data.yml: the file the log opens as ./Restarts/GEOSChem.Restart.20190701_0000z.nc4 in the run directory',
  },
  'transport-tracers-4x5-1month': {
    'GEOSCHEM_RESTARTS/GC_14.7.0/GEOSChem.Restart.TransportTracers.20190101_0000z.nc4':
      'the default restart of download_data.yml: the file the log opens as ./Restarts/GEOSChem.Restart.20190101_0000z.nc4 in the run directory',
  },
};

describe.each([
  ['fullchem-2x25-1week', 320],
  ['transport-tracers-4x5-1month', 202],
])('the input plan of %s against the GEOS-Chem 14.7.0 dry run', (example, openedCount) => {
  const { plan, opened, start } = planFor(example);
  const planned = plannedSet(plan);

  it(`reads ${openedCount} distinct files from the log`, () => {
    expect(opened.size).toBe(openedCount);
  });

  it('lists every file the model opens (keys, none hidden behind a truncated list or a prefix)', () => {
    expect(plan.items.filter((item) => item.keysTruncated || item.keyCount !== item.keys?.length)).toEqual(
      [],
    );
    const missing = [...opened].filter((file) => !RUN_DIRECTORY_RESTART.test(file) && !planned.has(file));
    expect(missing).toEqual([]);
  });

  it('stages the restart the model opens in ./Restarts for the start date, and names that path for the runner to link', () => {
    const restarts = [...opened].filter((file) => RUN_DIRECTORY_RESTART.test(file));
    expect(restarts).toEqual([`./Restarts/GEOSChem.Restart.${start}_0000z.nc4`]);
    const restart = plan.items.filter((item) => item.category === 'restart');
    expect(restart).toHaveLength(1);
    expect(restart[0]!.keys).toEqual(Object.keys(EXTRA[example]!));
    expect(`./${restart[0]!.runDirectoryPath}`).toBe(restarts[0]);
  });

  it('adds only the listed, justified files beyond the log', () => {
    const extra = [...planned].filter((key) => !opened.has(key)).sort();
    expect(extra).toEqual(Object.keys(EXTRA[example]!).sort());
    expect(extra.length).toBeLessThanOrEqual(2);
  });

  it('lists no file twice', () => {
    expect(plannedKeys(plan).length).toBe(planned.size);
  });
});

describe('the files read at the end instant, as the dry runs show them', () => {
  it('fullchem week: the end day (July 8) met and offline emissions, the I3 file of July 9', () => {
    const { plan, opened } = planFor('fullchem-2x25-1week');
    const end = plan.items.filter((item) => item.readAt === 'end');
    expect(end.flatMap((item) => item.keys ?? []).sort()).toEqual(
      [
        ...['A1', 'A3cld', 'A3dyn', 'A3mstC', 'A3mstE'].map(
          (c) => `GEOS_2x2.5/MERRA2/2019/07/MERRA2.20190708.${c}.2x25.nc4`,
        ),
        'GEOS_2x2.5/MERRA2/2019/07/MERRA2.20190709.I3.2x25.nc4',
        'HEMCO/OFFLINE_BIOVOC/v2021-12/0.5x0.625/2019/07/biovoc_05.20190708.nc',
        'HEMCO/OFFLINE_DUST/v2025-03/0.5x0.625/MERRA2/2019/07/dust_emissions_05.MERRA2.20190708.nc',
        'HEMCO/OFFLINE_SEASALT/v2019-01/0.5x0.625/2019/07/seasalt_05.20190708.nc',
        'HEMCO/OFFLINE_SOILNOX/v2021-12/0.5x0.625/2019/07/soilnox_05.20190708.nc',
      ].sort(),
    );
    expect(end.every((item) => opened.has(item.keys![0]!))).toBe(true);
    // the volcano extension does not run at the end instant: the log has no July 8 table
    expect(opened.has('HEMCO/VOLCANO/v2024-04/2019/07/so2_volcanic_emissions_Carns.20190708.rc')).toBe(false);
    expect(
      plannedSet(plan).has('HEMCO/VOLCANO/v2024-04/2019/07/so2_volcanic_emissions_Carns.20190708.rc'),
    ).toBe(false);
  });

  it('TransportTracers January: the met files of February 1 and the I3 file of February 2', () => {
    const { plan } = planFor('transport-tracers-4x5-1month');
    const end = plan.items.filter((item) => item.readAt === 'end').flatMap((item) => item.keys ?? []);
    expect(end.sort()).toEqual(
      [
        ...['A1', 'A3cld', 'A3dyn', 'A3mstC', 'A3mstE'].map(
          (c) => `GEOS_4x5/MERRA2/2019/02/MERRA2.20190201.${c}.4x5.nc4`,
        ),
        'GEOS_4x5/MERRA2/2019/02/MERRA2.20190202.I3.4x5.nc4',
      ].sort(),
    );
  });
});

function plannedSet(plan: InputPlan): Set<string> {
  return new Set(plannedKeys(plan));
}

/**
 * Emission scale factors in HEMCO_Config.rc: the lines must be what HEMCO 3
 * (GEOS-Chem 14.7) reads: a scale factor `ScalID Name value - - - xy 1 1
 * [MaskID]`, a box mask `MaskID Name lon1/lat1/lon2/lat2 - 2000/1/1/0 C xy 1
 * 1 lon1/lat1/lon2/lat2`, the factor's ID appended to the ScalIDs column of
 * exactly the base emission lines it names, and `EmisScale_<species>` for a
 * species-wide factor; checked on the real templates through the generator.
 */
import { describe, expect, it } from '@jest/globals';
import {
  applyEmissionScaleFactors,
  EmissionScaleFactorError,
  maskLine,
  scaleFactorLine,
} from '#shared/science/ensemble/hemco-scale-factors.js';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { exampleSpec } from '#test/helpers/specs.js';

function hemcoConfig(emissions?: unknown, name = 'fullchem-2x25-1week'): string {
  const spec = { ...exampleSpec(name), ...(emissions ? { emissions } : {}) };
  const result = validateSimulationSpec(spec);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return generateRunDirectory(result.spec).files['HEMCO_Config.rc']!;
}

/** Whitespace-separated columns of the lines whose second column is `name`. */
function linesNamed(text: string, name: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns[1] === name);
}

function section(text: string, name: string): string {
  return text.slice(text.indexOf(`### BEGIN SECTION ${name}`), text.indexOf(`### END SECTION ${name}`));
}

describe('emission scale factors in HEMCO_Config.rc', () => {
  const plain = hemcoConfig();

  it('writes the scale factor and mask lines in HEMCO 3 format', () => {
    expect(scaleFactorLine(9000, 'GCR_SF_x', 1.5)).toBe('9000 GCR_SF_x 1.5 - - - xy 1 1');
    expect(scaleFactorLine(9001, 'GCR_SF_y', 0.5, 9501)).toBe('9001 GCR_SF_y 0.5 - - - xy 1 1 9501');
    expect(maskLine(9501, 'GCR_MASK_y', { lonMin: -129, lonMax: -63, latMin: 25, latMax: 49 })).toBe(
      '9501 GCR_MASK_y -129/25/-63/49 - 2000/1/1/0 C xy 1 1 -129/25/-63/49',
    );
  });

  it('scales one CEDS sector of NO over a box: ScalIDs of exactly those lines, factor in SCALE FACTORS, box in MASKS', () => {
    const text = hemcoConfig({
      scaleFactors: [
        {
          label: 'ENE_EAST_ASIA',
          species: 'NO',
          inventories: ['CEDS_NO_ENE'],
          factor: 1.2,
          region: { lonMin: 70, lonMax: 150, latMin: 10, latMax: 60 },
        },
      ],
    });
    const before = linesNamed(plain, 'CEDS_NO_ENE');
    const after = linesNamed(text, 'CEDS_NO_ENE');
    expect(after.length).toBe(before.length);
    expect(after.length).toBeGreaterThan(0);
    after.forEach((columns, i) => {
      expect(columns).toHaveLength(12);
      // ExtNr Name sourceFile sourceVar sourceTime CRE SrcDim SrcUnit Species ScalIDs Cat Hier
      expect(columns[8]).toBe('NO');
      expect(columns[9]).toBe(`${before[i]![9]}/9000`);
      expect(columns.slice(10)).toEqual(before[i]!.slice(10));
    });
    // Another sector of the same inventory is untouched.
    expect(linesNamed(text, 'CEDS_NO_IND')).toEqual(linesNamed(plain, 'CEDS_NO_IND'));
    expect(section(text, 'SCALE FACTORS')).toContain('\n9000 GCR_SF_ENE_EAST_ASIA 1.2 - - - xy 1 1 9500\n');
    expect(section(text, 'MASKS')).toContain(
      '\n9500 GCR_MASK_ENE_EAST_ASIA 70/10/150/60 - 2000/1/1/0 C xy 1 1 70/10/150/60\n',
    );
    // Everything else is GEOS-Chem's file, line for line.
    const added = new Set(
      text.split('\n').filter((l) => l.includes('GCR_') || l.startsWith('# --- gcr') || l === ''),
    );
    const rest = text.split('\n').filter((l) => !added.has(l) && !l.startsWith('0 CEDS_NO_ENE'));
    expect(rest).toEqual(plain.split('\n').filter((l) => l !== '' && !l.startsWith('0 CEDS_NO_ENE')));
  });

  it('turns a "-" ScalIDs column into the factor alone', () => {
    const text = [
      '### BEGIN SECTION BASE EMISSIONS',
      '0 INV_X  file.nc  var 2000/1/1/0 C xy kg/m2/s X - 1 1',
      '### END SECTION BASE EMISSIONS ###',
      '### BEGIN SECTION SCALE FACTORS',
      '### END SECTION SCALE FACTORS ###',
      '### BEGIN SECTION MASKS',
      '### END SECTION MASKS ###',
    ].join('\n');
    const out = applyEmissionScaleFactors(text, [{ inventories: ['INV_'], factor: 2 }]).text;
    expect(out).toContain('0 INV_X  file.nc  var 2000/1/1/0 C xy kg/m2/s X 9000 1 1');
    expect(out).toContain('9000 GCR_SF_1 2 - - - xy 1 1\n');
  });

  it('writes a species-wide factor as the EmisScale_<species> setting (HEMCO applies it to every inventory and extension)', () => {
    const text = hemcoConfig({
      scaleFactors: [
        { species: 'CO', factor: 0.8 },
        { species: 'CO', factor: 0.5 },
      ],
    });
    expect(section(text, 'SETTINGS')).toMatch(/\nEmisScale_CO: 0\.4\n/);
    expect(linesNamed(text, 'CEDS_CO_ENE')).toEqual(linesNamed(plain, 'CEDS_CO_ENE'));
  });

  it('refuses a factor that matches no base emission, naming it', () => {
    expect(() =>
      applyEmissionScaleFactors(plain, [{ factor: 2 }, { inventories: ['NO_SUCH_INVENTORY'], factor: 2 }]),
    ).toThrow(EmissionScaleFactorError);
    expect(() =>
      applyEmissionScaleFactors(plain, [
        { species: 'NO', factor: 2, inventories: ['CEDS_'] },
        { inventories: ['NOPE_'], factor: 2 },
      ]),
    ).toThrow(/^emissions\.scaleFactors\[1\]: no base emission .* inventories NOPE_/);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { FieldIssue } from '#shared/kernel/errors.js';
import { instanceArchitecture, validateSimulationSpec } from '#shared/science/spec/validate-spec.js';

const NOW = new Date('2026-01-01T00:00:00Z');

type Json = Record<string, unknown>;

/** A minimal valid spec; tests change one thing at a time. */
function base(): Json & { grid: Json; meteorology: Json; simulation: Json; period: Json } {
  return {
    name: 'test run',
    simulation: { type: 'fullchem' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '4x5' },
    period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
  };
}

function spec(change: (s: ReturnType<typeof base>) => void): Json {
  const s = base();
  change(s);
  return s;
}

function issuesOf(input: unknown): FieldIssue[] {
  const result = validateSimulationSpec(input, { now: NOW });
  if (result.ok) throw new Error(`expected refusal, got ${JSON.stringify(result.spec)}`);
  return result.issues;
}

function accepted(input: unknown) {
  const result = validateSimulationSpec(input, { now: NOW });
  if (!result.ok) throw new Error(`expected acceptance, got ${JSON.stringify(result.issues)}`);
  return result;
}

function fields(issues: FieldIssue[]): string[] {
  return issues.map((issue) => issue.field);
}

describe('validateSimulationSpec: schema and defaults', () => {
  it('accepts a minimal spec and fills in every documented default', () => {
    const { spec: resolved, warnings } = accepted(base());
    expect(warnings).toEqual([]);
    expect(resolved).toEqual({
      name: 'test run',
      description: '',
      model: 'gcclassic',
      geosChemVersion: '14.7.0',
      simulation: { type: 'fullchem', extraOption: 'none' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5', levels: 72, nestedDomain: 'global' },
      period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
      diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'daily' },
      compute: {
        backend: 'local',
        architecture: 'x86_64',
        purchase: 'spot',
        vcpus: 8,
        memoryMiB: 16384,
        maxRuntimeMinutes: 1440,
        maxQueueMinutes: 120,
        spotRetries: 3,
      },
      tags: {},
    });
  });

  it('returns the spec with keys in schema order, whatever order they came in', () => {
    const { spec: resolved } = accepted({
      period: base().period,
      grid: { resolution: '4x5' },
      meteorology: { field: 'merra2' },
      simulation: { type: 'fullchem' },
      name: 'reordered',
    });
    expect(Object.keys(resolved).slice(0, 8)).toEqual([
      'name',
      'description',
      'model',
      'geosChemVersion',
      'simulation',
      'meteorology',
      'grid',
      'period',
    ]);
  });

  it('never modifies its input', () => {
    const input = base();
    const before = JSON.stringify(input);
    accepted(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('keeps values given explicitly instead of the defaults', () => {
    const { spec: resolved } = accepted(
      spec((s) => {
        s.compute = { vcpus: 4, memoryMiB: 4096, purchase: 'on-demand' };
        s.diagnostics = { frequency: 'end' };
        s.grid.levels = 47;
      }),
    );
    expect(resolved.compute).toMatchObject({
      vcpus: 4,
      memoryMiB: 4096,
      purchase: 'on-demand',
      backend: 'local',
    });
    expect(resolved.diagnostics).toEqual({ collections: ['SpeciesConc', 'Restart'], frequency: 'end' });
    expect(resolved.grid.levels).toBe(47);
  });

  it('refuses something that is not an object, naming the body', () => {
    expect(issuesOf([1, 2])).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    expect(issuesOf(null)).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });

  it('refuses unknown fields everywhere and suggests the field meant', () => {
    const issues = issuesOf(
      spec((s) => {
        s.grid.resolutoin = '4x5';
        s.colour = 'blue';
      }),
    );
    expect(issues).toContainEqual({
      field: 'grid',
      message: 'unknown field "resolutoin" (did you mean "resolution"?)',
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        field: 'body',
        message: expect.stringMatching(/^unknown field "colour"; allowed fields: name, /),
      }),
    );
  });

  it('names each missing required field', () => {
    const issues = issuesOf(
      spec((s) => {
        delete (s as Json).period;
        delete s.simulation.type;
      }),
    );
    expect(issues).toEqual([
      { field: 'period', message: 'is required' },
      { field: 'simulation.type', message: 'is required' },
    ]);
  });

  it('lists the allowed resolutions for an unknown one', () => {
    expect(issuesOf(spec((s) => (s.grid.resolution = '1x1')))).toEqual([
      {
        field: 'grid.resolution',
        message: 'must be one of: 4x5, 2x2.5, 0.5x0.625, 0.25x0.3125, 0.125x0.15625, C24, C48, C90, C180',
      },
    ]);
  });

  it("explains createRunDir.sh's short grid names such as 2x25", () => {
    const [issue] = issuesOf(spec((s) => (s.grid.resolution = '2x25')));
    expect(issue?.message).toContain('"2x25" is createRunDir.sh\'s short name for 2x2.5');
  });

  it('refuses a name with characters outside letters, digits, space _ - .', () => {
    expect(issuesOf(spec((s) => (s.name = 'run #1')))).toEqual([
      {
        field: 'name',
        message:
          'may contain only letters, digits, spaces, underscores, hyphens and dots, and may not start or end with a space',
      },
    ]);
    expect(fields(issuesOf(spec((s) => (s.name = ''))))).toEqual(['name']);
    expect(fields(issuesOf(spec((s) => (s.name = 'x'.repeat(101)))))).toEqual(['name']);
  });

  it('refuses a period without a time zone', () => {
    expect(
      issuesOf(spec((s) => (s.period = { start: '2019-07-01T00:00:00', end: '2019-07-08T00:00:00Z' }))),
    ).toEqual([
      {
        field: 'period.start',
        message: 'must be a date and time with a time zone, e.g. 2019-07-01T00:00:00Z',
      },
    ]);
  });
});

describe('validateSimulationSpec: simulation extra options (createRunDir.sh)', () => {
  it('accepts each extra option createRunDir.sh offers for the simulation', () => {
    for (const [type, option] of [
      ['fullchem', 'TOMAS15'],
      ['carbon', 'CH4'],
      ['carbon', 'OCS'],
      ['POPs', 'PHE'],
    ]) {
      accepted(spec((s) => (s.simulation = { type, extraOption: option })));
    }
  });

  it('refuses an extra option of another simulation and lists those offered', () => {
    expect(issuesOf(spec((s) => (s.simulation = { type: 'fullchem', extraOption: 'CH4' })))).toEqual([
      {
        field: 'simulation.extraOption',
        message:
          '"CH4" is not an extra option of the fullchem simulation; createRunDir.sh offers: none, benchmark, complexSOA, complexSOA_SVPOA, marinePOA, aciduptake, TOMAS15, TOMAS40, APM, RRTMG',
      },
    ]);
  });

  it('refuses any extra option for a simulation that has only "none"', () => {
    const [issue] = issuesOf(spec((s) => (s.simulation = { type: 'Hg', extraOption: 'benchmark' })));
    expect(issue?.message).toBe(
      '"benchmark" is not an extra option of the Hg simulation; createRunDir.sh offers only "none" for it',
    );
  });

  it('refuses POPs without a POP species, since POPs has no "none"', () => {
    expect(issuesOf(spec((s) => (s.simulation = { type: 'POPs' })))).toEqual([
      {
        field: 'simulation.extraOption',
        message:
          'the POPs simulation needs a POP species: createRunDir.sh offers BaP, PHE, PYR (there is no "none")',
      },
    ]);
  });
});

describe('validateSimulationSpec: met fields and horizontal grids (createRunDir.sh)', () => {
  it('refuses 0.125x0.15625 with MERRA-2 and names the met field that offers it', () => {
    expect(issuesOf(spec((s) => (s.grid = { resolution: '0.125x0.15625', nestedDomain: 'NA' })))).toEqual([
      {
        field: 'grid.resolution',
        message:
          '0.125x0.15625 is not offered with MERRA-2; createRunDir.sh offers it only with GEOS-FP (choices for MERRA-2: 4x5, 2x2.5, 0.5x0.625)',
      },
    ]);
  });

  it('refuses 0.25x0.3125 with MERRA-2', () => {
    const [issue] = issuesOf(spec((s) => (s.grid = { resolution: '0.25x0.3125', nestedDomain: 'global' })));
    expect(issue).toEqual({
      field: 'grid.resolution',
      message: expect.stringContaining(
        '0.25x0.3125 is not offered with MERRA-2; createRunDir.sh offers it only with GEOS-FP',
      ),
    });
  });

  it('accepts every grid GEOS-FP offers, from 4x5 to 0.125x0.15625', () => {
    for (const resolution of ['4x5', '2x2.5', '0.5x0.625', '0.25x0.3125', '0.125x0.15625']) {
      accepted(
        spec((s) => {
          s.meteorology.field = 'geosfp';
          s.grid = { resolution, ...(resolution.startsWith('0.') ? { nestedDomain: 'global' } : {}) };
        }),
      );
    }
  });

  it('refuses 0.25x0.3125 with ModelE2.1 although the menu lists it, because the selection logic rejects it', () => {
    const issues = issuesOf(
      spec((s) => {
        s.meteorology = { field: 'ModelE2.1', gcap2: { scenario: 'HIST' } };
        s.grid = { resolution: '0.25x0.3125', nestedDomain: 'global' };
        s.period = { start: '2005-07-01T00:00:00Z', end: '2005-08-01T00:00:00Z' };
      }),
    );
    expect(issues).toEqual([
      {
        field: 'grid.resolution',
        message:
          '0.25x0.3125 is not offered with GISS ModelE2.1 (GCAP 2.0): createRunDir.sh lists it in that menu, but its selection logic accepts it only with GEOS-FP and refuses it here (choices for GISS ModelE2.1 (GCAP 2.0): 4x5, 2x2.5, 0.5x0.625)',
      },
    ]);
  });

  it('refuses GEOS-IT with 14.7.0 and names the settings file missing from the release', () => {
    expect(issuesOf(spec((s) => (s.meteorology.field = 'geosit')))).toEqual([
      {
        field: 'meteorology.field',
        message:
          'GEOS-Chem Classic 14.7.0 cannot run with GEOS-IT meteorology: its createRunDir.sh reads the settings file run/shared/settings/geosit/geosit.preprocessed_ll.txt, which is missing from the 14.7.0 release; use MERRA-2 or GEOS-FP',
      },
    ]);
  });

  it('treats GEOS-IT 0.5x0.625 as global only, as createRunDir.sh asks no domain with GEOS-IT', () => {
    const issues = issuesOf(
      spec((s) => {
        s.meteorology.field = 'geosit';
        s.grid = { resolution: '0.5x0.625', nestedDomain: 'NA' };
      }),
    );
    expect(issues).toContainEqual({
      field: 'grid.nestedDomain',
      message:
        'createRunDir.sh does not offer nested domains with GEOS-IT: 0.5x0.625 GEOS-IT runs are global',
    });
  });
});

describe('validateSimulationSpec: vertical levels', () => {
  it('accepts 72 and 47 levels with MERRA-2 and GEOS-FP', () => {
    for (const field of ['merra2', 'geosfp']) {
      for (const levels of [72, 47]) {
        accepted(
          spec((s) => {
            s.meteorology.field = field;
            s.grid.levels = levels;
          }),
        );
      }
    }
  });

  it('refuses 40 levels with MERRA-2 and says which it offers', () => {
    expect(issuesOf(spec((s) => (s.grid.levels = 40)))).toEqual([
      {
        field: 'grid.levels',
        message: '40 levels are not offered with MERRA-2; createRunDir.sh offers 72 (native) or 47 (reduced)',
      },
    ]);
  });

  it('defaults ModelE2.1 to its 40 native levels and refuses 72', () => {
    const gcap = (s: ReturnType<typeof base>) => {
      s.simulation = { type: 'TransportTracers' };
      s.meteorology = { field: 'ModelE2.1', gcap2: { scenario: 'HIST' } };
      s.period = { start: '2005-07-01T00:00:00Z', end: '2005-08-01T00:00:00Z' };
    };
    expect(accepted(spec(gcap)).spec.grid.levels).toBe(40);
    expect(
      issuesOf(
        spec((s) => {
          gcap(s);
          s.grid.levels = 72;
        }),
      ),
    ).toEqual([
      {
        field: 'grid.levels',
        message:
          'GISS ModelE2.1 (GCAP 2.0) meteorology has 40 levels only; createRunDir.sh offers no other choice',
      },
    ]);
  });
});

describe('validateSimulationSpec: nested domains', () => {
  const geosfp = (resolution: string, grid: Json = {}) =>
    spec((s) => {
      s.meteorology.field = 'geosfp';
      s.grid = { resolution, ...grid };
    });

  it('accepts the CH4-style nested North America 0.25x0.3125 GEOS-FP run', () => {
    const { spec: resolved } = accepted(
      spec((s) => {
        s.simulation = { type: 'carbon', extraOption: 'CH4' };
        s.meteorology.field = 'geosfp';
        s.grid = { resolution: '0.25x0.3125', levels: 47, nestedDomain: 'NA' };
      }),
    );
    expect(resolved.grid).toEqual({ resolution: '0.25x0.3125', levels: 47, nestedDomain: 'NA' });
  });

  it('requires a domain where createRunDir.sh asks for one, and lists the choices', () => {
    expect(issuesOf(geosfp('0.25x0.3125'))).toEqual([
      {
        field: 'grid.nestedDomain',
        message:
          'is required at 0.25x0.3125: createRunDir.sh asks for the domain here; write "global" for a global run, or one of AS, EU, NA, SA, AF, ME, OC, RU (or "custom" with grid.bounds) for a nested run',
      },
    ]);
  });

  it('accepts "global" at a fine resolution, as createRunDir.sh offers a global domain there', () => {
    expect(accepted(geosfp('0.5x0.625', { nestedDomain: 'global' })).spec.grid.nestedDomain).toBe('global');
  });

  it('refuses a nested domain on a global-only grid such as 4x5', () => {
    expect(issuesOf(spec((s) => (s.grid.nestedDomain = 'NA')))).toEqual([
      {
        field: 'grid.nestedDomain',
        message:
          '4x5 is a global grid: with MERRA-2, createRunDir.sh offers nested domains only at 0.5x0.625',
      },
    ]);
  });

  it('accepts "global" on a global-only grid', () => {
    expect(accepted(spec((s) => (s.grid.nestedDomain = 'global'))).spec.grid.nestedDomain).toBe('global');
  });

  it('refuses the Middle East domain at 0.125x0.15625, which exists only at 0.25x0.3125', () => {
    expect(issuesOf(geosfp('0.125x0.15625', { nestedDomain: 'ME' }))).toEqual([
      {
        field: 'grid.nestedDomain',
        message:
          'ME is not a nested domain at 0.125x0.15625; createRunDir.sh offers it only at 0.25x0.3125 (domains at 0.125x0.15625: global, AS, EU, NA, SA, AF, custom)',
      },
    ]);
  });

  it('refuses South America at 0.5x0.625 with MERRA-2', () => {
    const [issue] = issuesOf(spec((s) => (s.grid = { resolution: '0.5x0.625', nestedDomain: 'SA' })));
    expect(issue?.message).toMatch(
      /^SA is not a nested domain at 0\.5x0\.625; createRunDir\.sh offers it only at 0\.25x0\.3125, 0\.125x0\.15625/,
    );
  });

  it('accepts a custom domain whose bounds fall on grid points', () => {
    const { spec: resolved } = accepted(
      geosfp('0.25x0.3125', {
        nestedDomain: 'custom',
        bounds: { lonMin: -100, lonMax: -80, latMin: 30, latMax: 45 },
      }),
    );
    expect(resolved.grid.bounds).toEqual({ lonMin: -100, lonMax: -80, latMin: 30, latMax: 45 });
  });

  it('requires bounds for a custom domain', () => {
    expect(issuesOf(geosfp('0.25x0.3125', { nestedDomain: 'custom' }))).toEqual([
      {
        field: 'grid.bounds',
        message:
          'is required when nestedDomain is "custom": give lonMin, lonMax, latMin and latMax in degrees',
      },
    ]);
  });

  it('refuses bounds with a named domain and quotes the named domain bounds', () => {
    expect(
      issuesOf(
        geosfp('0.25x0.3125', {
          nestedDomain: 'NA',
          bounds: { lonMin: -100, lonMax: -80, latMin: 30, latMax: 45 },
        }),
      ),
    ).toEqual([
      {
        field: 'grid.bounds',
        message:
          'is only used with nestedDomain "custom"; NA at 0.25x0.3125 has fixed bounds lon [-130, -60], lat [9.75, 60]',
      },
    ]);
  });

  it('refuses custom bounds off the grid and suggests the nearest grid points', () => {
    expect(
      issuesOf(
        geosfp('0.25x0.3125', {
          nestedDomain: 'custom',
          bounds: { lonMin: -100.1, lonMax: -80, latMin: 30, latMax: 45 },
        }),
      ),
    ).toEqual([
      {
        field: 'grid.bounds.lonMin',
        message:
          '-100.1 is not a grid point of the 0.25x0.3125 grid: longitudes there are -180 + a multiple of 0.3125 (nearest: -100.3125 or -100)',
      },
    ]);
  });

  it('refuses custom bounds in the wrong order', () => {
    expect(
      fields(
        issuesOf(
          geosfp('0.5x0.625', {
            nestedDomain: 'custom',
            bounds: { lonMin: 10, lonMax: -10, latMin: 30, latMax: 45 },
          }),
        ),
      ),
    ).toEqual(['grid.bounds.lonMax']);
  });

  it('refuses a custom domain too small for its 3-cell buffer zones', () => {
    const [issue] = issuesOf(
      geosfp('0.5x0.625', {
        nestedDomain: 'custom',
        bounds: { lonMin: 0, lonMax: 2.5, latMin: 30, latMax: 40 },
      }),
    );
    expect(issue).toEqual({
      field: 'grid.bounds',
      message:
        'the domain is 4 cells across in longitude; a nested domain needs at least 7 (a 3-cell buffer zone on each side for the boundary conditions, plus the interior)',
    });
  });

  it('refuses a custom domain that is the whole globe', () => {
    const [issue] = issuesOf(
      geosfp('0.5x0.625', {
        nestedDomain: 'custom',
        bounds: { lonMin: -180, lonMax: 180, latMin: -90, latMax: 90 },
      }),
    );
    expect(issue?.message).toBe(
      'covers the whole globe; use nestedDomain "global" instead of a custom domain',
    );
  });
});

describe('validateSimulationSpec: run directories the platform does not prepare', () => {
  // createRunDir.sh 14.7.0 offers these, but its own run directory stops GEOS-Chem or
  // leaves a dust setting unfilled (docs/RUNDIR.md, "Refused"); they are 400s, not 500s.
  it('refuses fullchem and aerosol with GCAP 2.0: the script sets no DustL23M switch or tuning for ModelE2.1', () => {
    for (const type of ['fullchem', 'aerosol']) {
      const issues = issuesOf(
        spec((s) => {
          s.simulation = { type };
          s.meteorology = { field: 'ModelE2.1', gcap2: { scenario: 'HIST' } };
          s.period = { start: '2005-07-01T00:00:00Z', end: '2005-08-01T00:00:00Z' };
        }),
      );
      expect(issues).toEqual([
        {
          field: 'meteorology.field',
          message: expect.stringMatching(
            new RegExp(
              `^${type} with GISS ModelE2.1 \\(GCAP 2.0\\) meteorology is not prepared by the platform because`,
            ),
          ),
        },
      ]);
      expect(issues[0]!.message).toContain('${RUNDIR_DUSTL23M_EXT}');
    }
  });

  it('refuses TOMAS where the script has no TOMAS_DustDead tuning factor (HEMCO stops on -999.0e0)', () => {
    const issues = issuesOf(
      spec((s) => {
        s.simulation = { type: 'fullchem', extraOption: 'TOMAS40' };
        s.grid = { resolution: '0.5x0.625', nestedDomain: 'global' };
      }),
    );
    expect(issues).toEqual([
      {
        field: 'simulation.extraOption',
        message:
          'TOMAS40 at 0.5x0.625 with MERRA-2 is not prepared by the platform because createRunDir.sh 14.7.0 has no ' +
          'TOMAS_DustDead mass tuning factor for it and writes -999.0e0, with which HEMCO stops ("Mass flux tuning ' +
          'factor not defined"); TOMAS runs are prepared at 4x5, 2x2.5',
      },
    ]);
    accepted(spec((s) => (s.simulation = { type: 'fullchem', extraOption: 'TOMAS40' })));
  });

  it('refuses online DustL23M dust (aerosol, benchmark) where the script has no mass tuning factor', () => {
    const geosfp = (type: string, extraOption: string, resolution: string) =>
      spec((s) => {
        s.simulation = { type, extraOption };
        s.meteorology = { field: 'geosfp' };
        s.grid = { resolution, nestedDomain: 'global' };
      });
    for (const [type, extraOption] of [
      ['aerosol', 'none'],
      ['fullchem', 'benchmark'],
    ] as const) {
      for (const resolution of ['0.5x0.625', '0.125x0.15625']) {
        const [issue] = issuesOf(geosfp(type, extraOption, resolution));
        expect(issue).toEqual({
          field: 'grid.resolution',
          message: expect.stringContaining(
            `at ${resolution} with GEOS-FP is not prepared by the platform because`,
          ),
        });
        expect(issue!.message).toContain('with GEOS-FP it has factors at 4x5, 2x2.5, 0.25x0.3125');
      }
      accepted(geosfp(type, extraOption, '0.25x0.3125'));
    }
    // DustL23M is off in other fullchem runs: the unfilled factor is never read.
    accepted(geosfp('fullchem', 'none', '0.5x0.625'));
  });
});

describe('validateSimulationSpec: GCAP 2.0 (ModelE2.1)', () => {
  // fullchem and aerosol are not prepared with GCAP 2.0 (see "not prepared" below)
  const modelE = (gcap2: Json | undefined, start: string, end: string) =>
    spec((s) => {
      s.simulation = { type: 'TransportTracers' };
      s.meteorology = { field: 'ModelE2.1', ...(gcap2 ? { gcap2 } : {}) };
      s.period = { start, end };
    });

  it('accepts a SSP run in the 2090s and fills in the run id of the scenario', () => {
    const { spec: resolved } = accepted(
      modelE({ scenario: 'SSP585' }, '2090-07-01T00:00:00Z', '2090-08-01T00:00:00Z'),
    );
    expect(resolved.meteorology).toEqual({
      field: 'ModelE2.1',
      gcap2: { scenario: 'SSP585', runId: 'E213SSP585aF40oQ40' },
    });
  });

  it('defaults HIST to the free-running run and accepts the nudged one', () => {
    const free = accepted(modelE({ scenario: 'HIST' }, '1855-01-01T00:00:00Z', '1856-01-01T00:00:00Z'));
    expect(free.spec.meteorology.gcap2?.runId).toBe('E213f10aF40oQ40');
    accepted(
      modelE(
        { scenario: 'HIST', runId: 'E213f10aF40oQ40nudge' },
        '2005-07-01T00:00:00Z',
        '2005-08-01T00:00:00Z',
      ),
    );
  });

  it('accepts a period that ends on 1 January after the last year of the range', () => {
    accepted(modelE({ scenario: 'SSP126' }, '2049-12-01T00:00:00Z', '2050-01-01T00:00:00Z'));
  });

  it('requires the GCAP 2.0 scenario with ModelE2.1', () => {
    expect(issuesOf(modelE(undefined, '2005-07-01T00:00:00Z', '2005-08-01T00:00:00Z'))).toEqual([
      {
        field: 'meteorology.gcap2',
        message:
          'is required with ModelE2.1 meteorology: createRunDir.sh asks for the GCAP 2.0 scenario (HIST, SSP119, SSP126, SSP434, SSP245, SSP460, SSP370, SSP585)',
      },
    ]);
  });

  it('refuses GCAP 2.0 options with another met field', () => {
    expect(issuesOf(spec((s) => (s.meteorology = { field: 'merra2', gcap2: { scenario: 'HIST' } })))).toEqual(
      [
        {
          field: 'meteorology.gcap2',
          message: 'is only for GISS ModelE2.1 (GCAP 2.0) meteorology; remove it when using MERRA-2',
        },
      ],
    );
  });

  it('refuses a run id of another scenario', () => {
    expect(
      issuesOf(
        modelE(
          { scenario: 'SSP245', runId: 'E213f10aF40oQ40' },
          '2090-07-01T00:00:00Z',
          '2090-08-01T00:00:00Z',
        ),
      ),
    ).toEqual([
      {
        field: 'meteorology.gcap2.runId',
        message:
          'E213f10aF40oQ40 is a run of the HIST scenario, not of SSP245; GCAP 2.0 runs for SSP245: E213SSP245aF40oQ40',
      },
    ]);
  });

  it('refuses a period outside the years of the ModelE2.1 run', () => {
    expect(issuesOf(modelE({ scenario: 'SSP245' }, '2060-07-01T00:00:00Z', '2060-08-01T00:00:00Z'))).toEqual([
      {
        field: 'period',
        message:
          "GCAP 2.0 run E213SSP245aF40oQ40 (scenario SSP245) has ModelE2.1 meteorology for 2040-2049 and 2090-2099 only; the period 2060-07-01 to 2060-08-01 must lie within one of these (createRunDir.sh's GCAP 2.0 menu)",
      },
    ]);
  });

  it('refuses 1855 for the nudged HIST run, which covers 2001-2014 only', () => {
    const [issue] = issuesOf(
      modelE(
        { scenario: 'HIST', runId: 'E213f10aF40oQ40nudge' },
        '1855-01-01T00:00:00Z',
        '1855-02-01T00:00:00Z',
      ),
    );
    expect(issue?.message).toContain('for 2001-2014 only');
  });

  it('refuses a period that straddles two year ranges', () => {
    expect(
      fields(issuesOf(modelE({ scenario: 'HIST' }, '1860-12-01T00:00:00Z', '2001-02-01T00:00:00Z'))),
    ).toContain('period');
  });
});

describe('validateSimulationSpec: period', () => {
  it('stores the period in UTC', () => {
    const { spec: resolved } = accepted(
      spec((s) => (s.period = { start: '2019-07-01T02:00:00+02:00', end: '2019-07-07T19:00:00-05:00' })),
    );
    expect(resolved.period).toEqual({ start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' });
  });

  it('refuses an end that is not after the start', () => {
    expect(
      issuesOf(spec((s) => (s.period = { start: '2019-07-08T00:00:00Z', end: '2019-07-08T00:00:00Z' }))),
    ).toEqual([
      {
        field: 'period.end',
        message:
          'must be after period.start (2019-07-08T00:00:00Z); the end is the instant the simulation stops',
      },
    ]);
  });

  it('refuses instants that are not on a whole hour', () => {
    const issues = issuesOf(
      spec((s) => (s.period = { start: '2019-07-01T00:30:00Z', end: '2019-07-08T00:00:00Z' })),
    );
    expect(issues).toEqual([
      {
        field: 'period.start',
        message:
          'must fall on a whole hour in UTC (e.g. 2019-07-01T00:00:00Z): the platform starts and stops GEOS-Chem on whole hours, which every GEOS-Chem timestep (150 s to 3600 s) divides',
      },
    ]);
  });

  it('accepts exactly 10 years and refuses more', () => {
    accepted(
      spec((s) => {
        s.period = { start: '2000-01-01T00:00:00Z', end: '2010-01-01T00:00:00Z' };
        s.diagnostics = { frequency: 'monthly' };
      }),
    );
    expect(
      issuesOf(spec((s) => (s.period = { start: '2000-01-01T00:00:00Z', end: '2010-01-01T01:00:00Z' }))),
    ).toEqual([
      {
        field: 'period.end',
        message:
          "the period lasts 10.0 years; the platform runs at most 10 years per simulation (end by 2010-01-01T00:00:00Z); split a longer study into runs that start from each other's restart files",
      },
    ]);
  });

  it('refuses reanalysis meteorology for a period in the future', () => {
    expect(
      issuesOf(spec((s) => (s.period = { start: '2030-01-01T00:00:00Z', end: '2030-01-08T00:00:00Z' }))),
    ).toEqual([
      {
        field: 'period.end',
        message:
          'MERRA-2 meteorology exists only for the past: the period ends 2030-01-08, after today (2026-01-01); future periods need GCAP 2.0 (ModelE2.1) scenario meteorology',
      },
    ]);
  });

  it('warns, without refusing, when a GEOS-FP period crosses the 2020-06-01 convection change', () => {
    const result = accepted(
      spec((s) => {
        s.meteorology.field = 'geosfp';
        s.period = { start: '2020-05-15T00:00:00Z', end: '2020-06-15T00:00:00Z' };
      }),
    );
    expect(result.warnings).toEqual([
      {
        field: 'period',
        message:
          "the period crosses 2020-06-01, the date of GEOS-FP's RAS->Grell-Freitas convection change; createRunDir.sh asks you to acknowledge it, as results on either side of it are not alike",
      },
    ]);
  });

  it('gives no GEOS-FP warning for a period that starts on the change date', () => {
    const result = accepted(
      spec((s) => {
        s.meteorology.field = 'geosfp';
        s.period = { start: '2020-06-01T00:00:00Z', end: '2020-06-15T00:00:00Z' };
      }),
    );
    expect(result.warnings).toEqual([]);
  });
});

describe('validateSimulationSpec: diagnostics (HISTORY.rc)', () => {
  it("accepts collections defined in the simulation's HISTORY.rc, even ones shipped commented out", () => {
    accepted(
      spec(
        (s) => (s.diagnostics = { collections: ['Restart', 'SpeciesConc', 'JValues', 'StateMet', 'Budget'] }),
      ),
    );
    accepted(
      spec((s) => {
        s.simulation = { type: 'TransportTracers' };
        s.diagnostics = { collections: ['Restart', 'RadioNuclide', 'AdvFluxVert'] };
      }),
    );
  });

  it("refuses a collection the simulation's HISTORY.rc does not define and lists those it offers", () => {
    const [issue] = issuesOf(spec((s) => (s.diagnostics = { collections: ['Restart', 'RadioNuclide'] })));
    expect(issue?.field).toBe('diagnostics.collections.1');
    expect(issue?.message).toMatch(
      /^"RadioNuclide" is not a collection of the fullchem simulation's HISTORY\.rc \(it offers: AdvFluxVert, AerosolMass, .*SpeciesConc.*\)$/,
    );
  });

  it('suggests the right capitalisation of a collection name', () => {
    expect(issuesOf(spec((s) => (s.diagnostics = { collections: ['Restart', 'speciesconc'] })))).toEqual([
      {
        field: 'diagnostics.collections.1',
        message: '"speciesconc" is not a HISTORY.rc collection; did you mean "SpeciesConc"?',
      },
    ]);
  });

  it('requires the Restart collection, which HISTORY.rc says should always be on', () => {
    expect(issuesOf(spec((s) => (s.diagnostics = { collections: ['SpeciesConc'] })))).toEqual([
      {
        field: 'diagnostics.collections',
        message:
          'must include "Restart": HISTORY.rc says "The Restart collection should always be turned on"; it holds the state a later run continues from',
      },
    ]);
  });

  it('refuses an empty or repeated collection list', () => {
    expect(issuesOf(spec((s) => (s.diagnostics = { collections: [] })))).toEqual([
      { field: 'diagnostics.collections', message: 'must not be empty' },
    ]);
    expect(
      issuesOf(spec((s) => (s.diagnostics = { collections: ['Restart', 'SpeciesConc', 'Restart'] }))),
    ).toEqual([{ field: 'diagnostics.collections', message: 'lists Restart twice' }]);
  });

  it('refuses a daily frequency for a 6-hour run, which would write nothing', () => {
    expect(
      issuesOf(spec((s) => (s.period = { start: '2019-07-01T00:00:00Z', end: '2019-07-01T06:00:00Z' }))),
    ).toEqual([
      {
        field: 'diagnostics.frequency',
        message:
          'a daily collection is written every 1 day, but the run lasts 6 hours, so SpeciesConc would never be written; choose a shorter frequency or "end"',
      },
    ]);
  });

  it('refuses a monthly frequency for a run that reaches no month boundary', () => {
    const [issue] = issuesOf(spec((s) => (s.diagnostics = { frequency: 'monthly' })));
    expect(issue).toEqual({
      field: 'diagnostics.frequency',
      message:
        'monthly collections are written at the start of each month, and the run (2019-07-01 to 2019-07-08) reaches no month boundary, so SpeciesConc would never be written; choose "daily" or "end"',
    });
  });

  it('accepts a monthly frequency for a run that ends on a month boundary, and "end" for any run', () => {
    accepted(
      spec((s) => {
        s.period = { start: '2019-07-01T00:00:00Z', end: '2019-08-01T00:00:00Z' };
        s.diagnostics = { frequency: 'monthly' };
      }),
    );
    accepted(
      spec((s) => {
        s.period = { start: '2019-07-01T00:00:00Z', end: '2019-07-01T03:00:00Z' };
        s.diagnostics = { frequency: 'end' };
      }),
    );
  });

  it('does not apply the frequency rule when only the Restart collection is written', () => {
    accepted(
      spec((s) => {
        s.period = { start: '2019-07-01T00:00:00Z', end: '2019-07-01T06:00:00Z' };
        s.diagnostics = { collections: ['Restart'], frequency: 'daily' };
      }),
    );
  });
});

describe('validateSimulationSpec: compute', () => {
  const batch = (compute: Json) => spec((s) => (s.compute = { backend: 'aws-batch', ...compute }));

  it('accepts a Graviton instance type with arm64 and enough vCPUs', () => {
    accepted(batch({ architecture: 'arm64', instanceType: 'c7g.4xlarge', vcpus: 16 }));
    accepted(batch({ architecture: 'x86_64', instanceType: 'hpc6a.48xlarge', vcpus: 96 }));
  });

  it('refuses an arm64 instance type with x86_64', () => {
    expect(issuesOf(batch({ instanceType: 'c7g.2xlarge' }))).toEqual([
      {
        field: 'compute.instanceType',
        message:
          'c7g.2xlarge is an AWS Graviton (arm64) instance type, but compute.architecture is x86_64; the container image is built per architecture',
      },
    ]);
  });

  it('refuses more vCPUs than the instance size has', () => {
    expect(issuesOf(batch({ instanceType: 'c7i.2xlarge', vcpus: 16 }))).toEqual([
      {
        field: 'compute.vcpus',
        message: '16 vCPUs do not fit on c7i.2xlarge, which has 8; GEOS-Chem Classic runs on one node',
      },
    ]);
  });

  it('refuses an instance type hint with the local backend', () => {
    expect(issuesOf(spec((s) => (s.compute = { instanceType: 'c7i.2xlarge' })))).toEqual([
      {
        field: 'compute.instanceType',
        message:
          'is a hint for AWS Batch; the local backend runs on this machine (remove it, or use backend "aws-batch")',
      },
    ]);
  });

  it('refuses a malformed instance type', () => {
    expect(issuesOf(batch({ instanceType: 'C7G large' }))).toEqual([
      {
        field: 'compute.instanceType',
        message: 'must be an EC2 instance type such as c7g.4xlarge or c7i.8xlarge',
      },
    ]);
  });

  it('bounds vCPUs, memory, runtime, queue time and spot retries', () => {
    expect(
      issuesOf(
        spec(
          (s) =>
            (s.compute = {
              vcpus: 193,
              memoryMiB: 512,
              maxRuntimeMinutes: 0,
              maxQueueMinutes: 10081,
              spotRetries: 11,
            }),
        ),
      ),
    ).toEqual([
      { field: 'compute.vcpus', message: 'must be at most 192' },
      { field: 'compute.memoryMiB', message: 'must be at least 1024' },
      { field: 'compute.maxRuntimeMinutes', message: 'must be at least 1' },
      { field: 'compute.maxQueueMinutes', message: 'must be at most 10080' },
      { field: 'compute.spotRetries', message: 'must be at most 10' },
    ]);
    expect(issuesOf(spec((s) => (s.compute = { vcpus: 2.5 })))).toEqual([
      { field: 'compute.vcpus', message: 'must be a whole number' },
    ]);
  });

  it('refuses a cost ceiling below one cent', () => {
    expect(issuesOf(spec((s) => (s.maxCostUsd = 0)))).toEqual([
      { field: 'maxCostUsd', message: 'must be at least 0.01' },
    ]);
    expect(issuesOf(spec((s) => (s.maxCostUsd = 5e-324)))).toEqual([
      { field: 'maxCostUsd', message: 'must be at least 0.01' },
    ]);
  });

  it('refuses numbers DynamoDB cannot store, naming the field', () => {
    const issues = issuesOf(
      spec((s) => {
        s.grid = {
          resolution: '0.25x0.3125',
          levels: 72,
          nestedDomain: 'custom',
          bounds: { lonMin: 5e-324, lonMax: 10, latMin: 0, latMax: 10 },
        };
        s.meteorology = { field: 'geosfp' };
      }),
    );
    expect(issues.map((i) => i.field)).toContain('grid.bounds.lonMin');
  });

  it('tells Graviton instance families from x86_64 ones', () => {
    for (const type of [
      'c7g.large',
      'm6gd.xlarge',
      'c6gn.16xlarge',
      'r8g.metal-24xl',
      'a1.medium',
      'x2gd.xlarge',
      'im4gn.large',
    ]) {
      expect(instanceArchitecture(type)).toBe('arm64');
    }
    for (const type of [
      'c7i.large',
      'g5.xlarge',
      'g4dn.xlarge',
      'm7i-flex.large',
      'hpc7a.96xlarge',
      'c6a.48xlarge',
    ]) {
      expect(instanceArchitecture(type)).toBe('x86_64');
    }
  });
});

describe('validateSimulationSpec: tags (AWS tag rules)', () => {
  it('accepts up to 40 tags with AWS tag characters', () => {
    const tags = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key ${i}_.:/=+-@`, `value ${i}`]));
    accepted(spec((s) => (s.tags = tags)));
  });

  it('refuses more than 40 tags', () => {
    const tags = Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, 'v']));
    expect(issuesOf(spec((s) => (s.tags = tags)))).toEqual([
      { field: 'tags', message: 'must have at most 40 entries' },
    ]);
  });

  it('refuses keys and values with characters AWS does not allow, or too long', () => {
    const issues = issuesOf(
      spec(
        (s) =>
          (s.tags = { 'bad*key': 'ok', good: 'bad#value', ['k'.repeat(129)]: 'v', long: 'v'.repeat(257) }),
      ),
    );
    expect(issues).toContainEqual({
      field: 'tags.bad*key',
      message:
        'the key "bad*key" may contain only letters, digits, spaces and the characters _ . : / = + - @ (AWS tag rules)',
    });
    expect(issues).toContainEqual({
      field: 'tags.good',
      message: 'may contain only letters, digits, spaces and the characters _ . : / = + - @ (AWS tag rules)',
    });
    expect(issues).toContainEqual({
      field: `tags.${'k'.repeat(129)}`,
      message: `the key "${'k'.repeat(129)}" must be at most 128 characters long`,
    });
    expect(issues).toContainEqual({ field: 'tags.long', message: 'must be at most 256 characters long' });
  });

  it('refuses the reserved aws: and gcr: key prefixes', () => {
    expect(issuesOf(spec((s) => (s.tags = { 'AWS:owner': 'x', 'gcr:simulation': 'y' })))).toEqual([
      { field: 'tags.AWS:owner', message: 'tag keys may not start with "aws:": AWS reserves that prefix' },
      {
        field: 'tags.gcr:simulation',
        message: 'tag keys may not start with "gcr:": the platform sets those tags itself',
      },
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { FieldIssue } from '#shared/kernel/errors.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';

const NOW = new Date('2026-01-01T00:00:00Z');

type Json = Record<string, unknown>;
type Spec = Json & { grid: Json; meteorology: Json; simulation: Json; period: Json; compute: Json };

/** A minimal GCHP spec; tests change one thing at a time. */
function gchp(change: (s: Spec) => void = () => {}): Spec {
  const s: Spec = {
    name: 'gchp run',
    model: 'gchp',
    simulation: { type: 'fullchem' },
    meteorology: { field: 'merra2' },
    grid: { resolution: 'C48' },
    period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
    compute: {},
  };
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
  return result.spec;
}

/** The only issue, which must be on `field`. */
function onlyIssue(input: unknown, field: string): string {
  const issues = issuesOf(input);
  expect(issues.map((issue) => issue.field)).toEqual([field]);
  return issues[0]!.message;
}

describe('GCHP specs: defaults', () => {
  it('fills in aws-batch, on-demand, the x86_64 EFA node type, cores, nodes and whole-node resources', () => {
    const spec = accepted(gchp());
    expect(spec.model).toBe('gchp');
    expect(spec.grid).toEqual({ resolution: 'C48', levels: 72, nestedDomain: 'global' });
    expect(spec.compute).toMatchObject({
      backend: 'aws-batch',
      architecture: 'x86_64',
      purchase: 'on-demand',
      instanceType: 'c5n.18xlarge',
      cores: 96,
      nodes: 3, // 96 processes / 36 physical cores, rounded up
      vcpus: 72,
      memoryMiB: 172 * 1024,
    });
  });

  it('uses hpc7g.16xlarge (64 cores) on arm64', () => {
    const spec = accepted(gchp((s) => (s.compute = { architecture: 'arm64' })));
    expect(spec.compute).toMatchObject({ instanceType: 'hpc7g.16xlarge', cores: 96, nodes: 2, vcpus: 64 });
  });

  it.each([
    ['C24', 48, 2],
    ['C48', 96, 3],
    ['C90', 216, 6],
    ['C180', 576, 16],
  ])('defaults %s to %d cores on %d c5n.18xlarge nodes', (resolution, cores, nodes) => {
    const spec = accepted(gchp((s) => (s.grid = { resolution })));
    expect(spec.compute.cores).toBe(cores);
    expect(spec.compute.nodes).toBe(nodes);
  });

  it('keeps the cores and nodes it is given', () => {
    const spec = accepted(gchp((s) => (s.compute = { cores: 72, nodes: 2 })));
    expect(spec.compute).toMatchObject({ cores: 72, nodes: 2 });
  });

  it('accepts GEOS-IT, which GCHP offers (unlike GC Classic 14.7.0)', () => {
    accepted(gchp((s) => (s.meteorology = { field: 'geosit' })));
  });
});

describe('GCHP specs: refusals, each naming the field and the reason', () => {
  it('refuses the local backend: GCHP needs MPI across nodes', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { backend: 'local' })),
        'compute.backend',
      ),
    ).toBe(
      'GCHP needs MPI across nodes; the local backend runs GC Classic and the demo model (use "aws-batch")',
    );
  });

  it('refuses spot: multi-node parallel jobs do not run on Spot capacity', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { purchase: 'spot' })),
        'compute.purchase',
      ),
    ).toMatch(/^AWS Batch multi-node parallel jobs do not run on Spot capacity/);
  });

  it('refuses simulations other than fullchem, whose GCHP templates are the only ones bundled', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.simulation = { type: 'TransportTracers' })),
        'simulation.type',
      ),
    ).toMatch(/GCHP runs only the fullchem simulation here: .*templates for fullchem only/);
  });

  it('refuses a latitude-longitude resolution and lists the cubed-sphere ones', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.grid = { resolution: '2x2.5' })),
        'grid.resolution',
      ),
    ).toBe(
      '2x2.5 is a GEOS-Chem Classic latitude-longitude resolution; GCHP runs on a cubed-sphere grid: ' +
        'C24 (about 4x5), C48 (about 2x2.5), C90 (about 1x1.25), C180 (about 0.5x0.625)',
    );
  });

  it('refuses a cubed-sphere resolution for GC Classic', () => {
    const issues = issuesOf({ ...gchp(), model: 'gcclassic', compute: {} });
    expect(issues).toEqual([
      {
        field: 'grid.resolution',
        message: expect.stringMatching(
          /^C48 is a GCHP cubed-sphere resolution; GEOS-Chem Classic runs on latitude-longitude grids/,
        ),
      },
    ]);
  });

  it('refuses nested domains and custom bounds', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.grid = { resolution: 'C90', nestedDomain: 'NA' })),
        'grid.nestedDomain',
      ),
    ).toMatch(/^GCHP grids are global/);
    expect(
      onlyIssue(
        gchp(
          (s) =>
            (s.grid = { resolution: 'C90', bounds: { lonMin: -130, lonMax: -60, latMin: 10, latMax: 60 } }),
        ),
        'grid.bounds',
      ),
    ).toMatch(/GCHP grids are global/);
  });

  it('refuses 47 levels', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.grid = { resolution: 'C24', levels: 47 })),
        'grid.levels',
      ),
    ).toMatch(/^GCHP runs on the native 72 levels only/);
  });

  it('refuses GCAP 2.0 meteorology, which GCHP does not offer', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.meteorology = { field: 'ModelE2.1', gcap2: { scenario: 'HIST' } })),
        'meteorology.field',
      ),
    ).toBe(
      "GCHP's createRunDir.sh offers MERRA-2, GEOS-FP, GEOS-IT meteorology, not GISS ModelE2.1 (GCAP 2.0); " +
        'GCAP 2.0 (ModelE2.1) runs need model "gcclassic"',
    );
  });

  it('refuses cores that are not a multiple of 6 (the schema says so)', () => {
    const issues = issuesOf(gchp((s) => (s.compute = { cores: 100 })));
    expect(issues).toEqual([{ field: 'compute.cores', message: expect.stringMatching(/multiple of 6/) }]);
  });

  it('refuses too few nodes for the cores on the instance type', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { cores: 96, nodes: 2 })),
        'compute.nodes',
      ),
    ).toBe(
      '96 MPI processes on 2 nodes is 48 per node, but c5n.18xlarge has 36 physical cores ' +
        '(GCHP runs one process per core): use at least 3 nodes',
    );
  });

  it('refuses more nodes than processes', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { cores: 6, nodes: 7 })),
        'compute.nodes',
      ),
    ).toMatch(/^7 nodes for 6 MPI processes would leave nodes idle/);
  });

  it('refuses cores that need more than 32 nodes of the instance type', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { cores: 1200 })),
        'compute.cores',
      ),
    ).toMatch(/^1200 MPI processes need 34 c5n.18xlarge nodes, more than the 32/);
  });

  it('refuses an instance type without EFA and lists the EFA ones for the architecture', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { instanceType: 'c7i.8xlarge' })),
        'compute.instanceType',
      ),
    ).toMatch(/^c7i.8xlarge is not an EFA-capable instance type .* for x86_64 use c5n.18xlarge, /);
  });

  it('refuses an EFA instance type of the other architecture', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { instanceType: 'hpc7g.16xlarge' })),
        'compute.instanceType',
      ),
    ).toMatch(
      /^hpc7g.16xlarge is an AWS Graviton \(arm64\) instance type, but compute.architecture is x86_64/,
    );
  });

  it('refuses more vCPUs or memory per node than the instance has', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { vcpus: 96 })),
        'compute.vcpus',
      ),
    ).toMatch(/^96 vCPUs per node do not fit on c5n.18xlarge, which has 72/);
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { memoryMiB: 262144 })),
        'compute.memoryMiB',
      ),
    ).toMatch(/do not fit on c5n.18xlarge, which has 196608 MiB/);
  });

  it('refuses fewer vCPUs per node than the processes each node runs', () => {
    expect(
      onlyIssue(
        gchp((s) => (s.compute = { vcpus: 8 })),
        'compute.vcpus',
      ),
    ).toMatch(/^8 vCPUs per node cannot hold the 32 MPI processes each node runs/);
  });

  it('refuses a diagnostics collection GCHP does not define, and accepts GCHP-only ones', () => {
    accepted(gchp((s) => (s.diagnostics = { collections: ['DefaultCollection', 'FV3Dynamics', 'Restart'] })));
    expect(
      onlyIssue(
        gchp((s) => (s.diagnostics = { collections: ['AdvFluxVert', 'Restart'] })),
        'diagnostics.collections.0',
      ),
    ).toMatch(/not a collection of the GCHP fullchem simulation's HISTORY.rc/);
  });
});

describe('GC Classic specs refuse the GCHP-only fields', () => {
  const classic = (compute: Json): Json => ({
    name: 'classic',
    simulation: { type: 'fullchem' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '4x5' },
    period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
    compute,
  });

  it('refuses compute.cores and says to use vcpus', () => {
    expect(onlyIssue(classic({ cores: 12 }), 'compute.cores')).toMatch(
      /GEOS-Chem Classic runs OpenMP threads on one node: set compute.vcpus instead/,
    );
  });

  it('refuses compute.nodes: GC Classic runs on one node', () => {
    expect(onlyIssue(classic({ nodes: 2 }), 'compute.nodes')).toMatch(/GEOS-Chem Classic runs on one node/);
  });
});

describe('examples/gchp-c48-fullchem-1week.json', () => {
  it('is a GCHP C48 fullchem run of 96 processes on 3 on-demand c5n.18xlarge nodes', async () => {
    const { readFileSync } = await import('node:fs');
    const example = JSON.parse(
      readFileSync(new URL('../../../../../examples/gchp-c48-fullchem-1week.json', import.meta.url), 'utf8'),
    ) as unknown;
    const spec = accepted(example);
    expect(spec.model).toBe('gchp');
    expect(spec.grid.resolution).toBe('C48');
    expect(spec.compute).toMatchObject({
      backend: 'aws-batch',
      purchase: 'on-demand',
      instanceType: 'c5n.18xlarge',
      cores: 96,
      nodes: 3,
      vcpus: 72,
    });
  });
});

/**
 * Run estimates: the cited cases come back as published, the scaling
 * behaves as docs/INPUTS-AND-ESTIMATES.md says, and every cost is wall time
 * times the table's price.
 */
import { describe, expect, it } from '@jest/globals';
import { estimateRun } from '#shared/science/estimate/estimate-run.js';
import { formatEstimate } from '#shared/science/estimate/format-estimate.js';
import { THREAD_EXPONENT } from '#shared/science/estimate/work-model.js';
import { onDemandPricePerHour } from '#shared/science/pricing/ec2-prices.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { RunEstimate } from '#schemas/generated/types.js';
import { exampleSpec } from '#test/helpers/specs.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function spec(
  overrides: Record<string, any> = {},
  compute: Record<string, unknown> = {},
): ResolvedSimulationSpec {
  const result = validateSimulationSpec(
    {
      name: 'estimate test',
      simulation: { type: 'fullchem' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5', levels: 72 },
      period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
      ...overrides,
      compute: {
        backend: 'aws-batch',
        purchase: 'on-demand',
        instanceType: 'c5.4xlarge',
        vcpus: 16,
        memoryMiB: 16384,
        ...compute,
      },
    },
    { now: NOW },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

const expectedSeconds = (estimate: RunEstimate): number => estimate.options[0]!.wallSeconds.expected;

describe('estimateRun: the published cases', () => {
  it('reproduces the 7-day fullchem 4x5 run on c5.4xlarge (5,656 s, Zhuang et al. 2019)', () => {
    const estimate = estimateRun(spec());
    expect(expectedSeconds(estimate)).toBe(5656);
    expect(estimate.basis.find((row) => row.id === 'zhuang2019-4x5-7day')).toMatchObject({
      wallSeconds: 5656,
      instanceType: 'c5.4xlarge',
      citation: expect.stringContaining('doi:10.1175/BAMS-D-18-0243.1'),
    });
    expect(estimate.options[0]!.costUsd.expected).toBeCloseTo((5656 / 3600) * 0.68, 2);
  });

  it('reproduces the 1-month fullchem 2x2.5 run on c5.9xlarge (75,367 s), from which the thread exponent is derived', () => {
    const estimate = estimateRun(
      spec(
        {
          grid: { resolution: '2x2.5', levels: 72 },
          period: { start: '2019-07-01T00:00:00Z', end: '2019-08-01T00:00:00Z' },
        },
        { instanceType: 'c5.9xlarge', vcpus: 36 },
      ),
    );
    expect(Math.abs(expectedSeconds(estimate) - 75367)).toBeLessThanOrEqual(1);
    expect(THREAD_EXPONENT).toBeGreaterThan(0.3);
    expect(THREAD_EXPONENT).toBeLessThan(0.4);
  });
});

describe('estimateRun: scaling', () => {
  const base = expectedSeconds(estimateRun(spec()));

  it('is proportional to the simulated days', () => {
    const fortnight = estimateRun(
      spec({ period: { start: '2019-07-01T00:00:00Z', end: '2019-07-15T00:00:00Z' } }),
    );
    expect(fortnight.simulatedDays).toBe(14);
    expect(expectedSeconds(fortnight)).toBeCloseTo(2 * base, -1);
  });

  it('is proportional to the grid cells (2x2.5: 144x91 vs 72x46) at the same threads', () => {
    const fine = estimateRun(spec({ grid: { resolution: '2x2.5', levels: 72 } }));
    expect(expectedSeconds(fine) / base).toBeCloseTo((144 * 91) / (72 * 46), 2);
  });

  it('scales 47 levels by 47/72', () => {
    expect(
      expectedSeconds(estimateRun(spec({ grid: { resolution: '4x5', levels: 47 } }))) / base,
    ).toBeCloseTo(47 / 72, 2);
  });

  it('applies the stated simulation factor (TransportTracers 0.12 of fullchem)', () => {
    const tracers = estimateRun(spec({ simulation: { type: 'TransportTracers' } }));
    expect(expectedSeconds(tracers) / base).toBeCloseTo(0.12, 2);
    expect(tracers.assumptions.some((a) => a.startsWith('TransportTracers: x0.12'))).toBe(true);
  });

  it('runs faster on more vCPUs, sub-linearly (threads^-a)', () => {
    const eight = estimateRun(spec({}, { instanceType: 'c5.9xlarge', vcpus: 32 }));
    expect(expectedSeconds(eight) / base).toBeCloseTo(Math.pow(16 / 32, THREAD_EXPONENT), 2);
  });

  it('counts the cells of a nested domain, not of the globe', () => {
    const nested = estimateRun(resolveExample('carbon-ch4-nested-na-025'));
    expect(nested.assumptions[0]).toMatch(/^0\.25x0\.3125 nested NA: [\d,]+ grid cells/);
    const cells = Number(/: ([\d,]+) grid cells/.exec(nested.assumptions[0]!)![1]!.replace(/,/g, ''));
    expect(cells).toBeLessThan(1152 * 721);
    expect(cells).toBeGreaterThan(10_000);
  });
});

function resolveExample(name: string): ResolvedSimulationSpec {
  const result = validateSimulationSpec(exampleSpec(name), { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

describe('estimateRun: prices and options', () => {
  it('prices every option as wall time x price x nodes, low to high', () => {
    const estimate = estimateRun(spec({}, { instanceType: undefined, vcpus: 8 }));
    expect(estimate.options.length).toBeGreaterThan(1);
    for (const option of estimate.options) {
      expect(option.pricePerHourUsd).toBe(onDemandPricePerHour(option.instanceType));
      for (const key of ['low', 'expected', 'high'] as const) {
        expect(option.costUsd[key]).toBeCloseTo(
          (option.wallSeconds[key] / 3600) * option.pricePerHourUsd * option.nodes,
          2,
        );
      }
      expect(option.wallSeconds.low).toBeLessThan(option.wallSeconds.expected);
      expect(option.wallSeconds.high).toBeGreaterThan(option.wallSeconds.expected);
    }
  });

  it('recommends the cheapest option that fits compute.maxRuntimeMinutes', () => {
    const estimate = estimateRun(spec({}, { instanceType: undefined }));
    const cheapest = [...estimate.options]
      .filter((o) => o.fitsMaxRuntime)
      .sort((a, b) => a.costUsd.expected - b.costUsd.expected)[0]!;
    expect(estimate.recommended.instanceType).toBe(cheapest.instanceType);
  });

  it('offers Graviton instances only for arm64', () => {
    const estimate = estimateRun(spec({}, { instanceType: undefined, architecture: 'arm64' }));
    expect(estimate.options.every((o) => o.architecture === 'arm64')).toBe(true);
  });

  it('leaves out instances without the requested memory', () => {
    const estimate = estimateRun(spec({}, { instanceType: undefined, memoryMiB: 65536 }));
    expect(estimate.options.map((o) => o.instanceType)).not.toContain('c5.4xlarge'); // 32 GiB
  });

  it('estimates spot at the stated fraction of on-demand and says so', () => {
    const estimate = estimateRun(spec({}, { purchase: 'spot' }));
    expect(estimate.pricing.spotFraction).toBe(0.35);
    expect(estimate.options[0]!.pricePerHourUsd).toBeCloseTo(0.68 * 0.35, 4);
    expect(estimate.uncertainty.statement).toMatch(/spot prices are estimated at 35% of on-demand/);
  });

  it('warns on compute.maxRuntimeMinutes and maxCostUsd when the run would cross them', () => {
    const estimate = estimateRun(spec({ maxCostUsd: 0.5 }, { maxRuntimeMinutes: 30 }));
    expect(estimate.warnings.map((w) => w.field).sort()).toEqual(['compute.maxRuntimeMinutes', 'maxCostUsd']);
    expect(estimate.options[0]!.fitsMaxRuntime).toBe(false);
  });

  it('widens the range for each extrapolation and states why', () => {
    const reference = estimateRun(spec());
    const extrapolated = estimateRun(
      spec(
        { simulation: { type: 'aerosol' } },
        { instanceType: 'c7g.8xlarge', architecture: 'arm64', vcpus: 32 },
      ),
    );
    expect(reference.uncertainty.factor).toBe(1.5);
    expect(extrapolated.uncertainty.factor).toBeGreaterThan(1.5);
    expect(extrapolated.uncertainty.statement).toMatch(/simulation factor is assumed/);
    expect(extrapolated.uncertainty.statement).toMatch(/instance family's speed is assumed/);
  });

  it('renders a text table with the recommendation and the sources', () => {
    const text = formatEstimate(estimateRun(spec()));
    expect(text).toContain('* c5.4xlarge');
    expect(text).toContain('Recommended: c5.4xlarge');
    expect(text).toContain('Zhuang et al. (2019)');
  });
});

describe('estimateRun: GCHP', () => {
  function gchpSpec(resolution: string, compute: Record<string, unknown> = {}): ResolvedSimulationSpec {
    const result = validateSimulationSpec(
      {
        name: 'gchp estimate',
        model: 'gchp',
        simulation: { type: 'fullchem' },
        meteorology: { field: 'geosfp' },
        grid: { resolution },
        period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
        compute: { backend: 'aws-batch', ...compute },
      },
      { now: NOW },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.spec;
  }
  const option = (estimate: RunEstimate, type: string) =>
    estimate.options.find((o) => o.instanceType === type)!;

  it('runs on whole nodes, on demand, and charges every node', () => {
    const estimate = estimateRun(gchpSpec('C180', { cores: 1152 }));
    expect(estimate.model).toBe('gchp');
    expect(estimate.purchase).toBe('on-demand');
    const c5n = option(estimate, 'c5n.18xlarge');
    expect(c5n).toMatchObject({ nodes: 32, threads: 1152, fromSpec: true });
    expect(c5n.costUsd.expected).toBeCloseTo((c5n.wallSeconds.expected / 3600) * 3.888 * 32, 1);
    // the other priced EFA node types of the architecture, each with its own node count
    expect(option(estimate, 'c7i.48xlarge').nodes).toBe(12);
    expect(estimate.options.every((o) => o.architecture === 'x86_64')).toBe(true);
    const graviton = estimateRun(gchpSpec('C180', { cores: 1152, architecture: 'arm64' }));
    expect(option(graviton, 'hpc7g.16xlarge')).toMatchObject({ nodes: 18, pricePerHourUsd: 1.6832 });
  });

  it("uses the spec's default cores per resolution (C90: 216 on 6 c5n.18xlarge nodes)", () => {
    expect(option(estimateRun(gchpSpec('C90')), 'c5n.18xlarge')).toMatchObject({ nodes: 6, threads: 216 });
  });

  it('takes 72 levels when a spec leaves them out', () => {
    const base = gchpSpec('C90');
    const noLevels = {
      ...base,
      grid: { resolution: 'C90', nestedDomain: 'global' },
    } as unknown as ResolvedSimulationSpec;
    expect(option(estimateRun(noLevels), 'c5n.18xlarge').wallSeconds).toEqual(
      option(estimateRun(base), 'c5n.18xlarge').wallSeconds,
    );
  });

  it('scales with cubed-sphere cells (C180 is 4x C90) and cores, efficiently up to 1,152 cores', () => {
    const wall = (resolution: string, cores: number, instanceType = 'c5n.18xlarge'): number =>
      option(estimateRun(gchpSpec(resolution, { cores, instanceType })), instanceType).wallSeconds.expected;
    expect(wall('C180', 576) / wall('C90', 576)).toBeCloseTo(4, 1);
    expect(wall('C180', 576) / wall('C180', 1152)).toBeCloseTo(2, 1);
    const beyond = wall('C180', 1152, 'c7i.48xlarge') / wall('C180', 2304, 'c7i.48xlarge');
    expect(beyond).toBeLessThan(2);
    expect(beyond).toBeGreaterThan(1.5);
  });
});

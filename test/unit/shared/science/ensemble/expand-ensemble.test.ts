/**
 * Ensemble expansion: a base spec and a sweep become member specs in member
 * order, each validated like a POST /simulations body, refusals named by
 * member (`members[3].grid.resolution`), at most 10,000 members.
 */
import { describe, expect, it } from '@jest/globals';
import { ENSEMBLE_LIMITS, expandEnsemble, shiftYears } from '#shared/science/ensemble/expand-ensemble.js';
import { exampleSpec } from '#test/helpers/specs.js';

const base = exampleSpec();
const box = (lon: number) => ({ lonMin: lon, lonMax: lon + 10, latMin: 0, latMax: 10 });

function expand(sweep: unknown, extra: Record<string, unknown> = {}) {
  return expandEnsemble({ name: 'sweep test', base, sweep, ...extra });
}

describe('expandEnsemble', () => {
  it('a list: one member per entry, changes applied, names carry the index', () => {
    const result = expand({
      list: [
        { label: 'control' },
        { metYear: 2020, tags: { 'demo-fail-at-percent': '50' } },
        { scaleFactors: [{ species: 'SF6', factor: 2 }] },
      ],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const [m0, m1, m2] = result.ensemble.members;
    expect(result.ensemble.sweepKind).toBe('list');
    expect(m0).toMatchObject({
      memberIndex: 0,
      label: 'control',
      spec: { name: 'sweep test m0', period: base.period },
    });
    expect(m1!.spec.period).toEqual({ start: '2020-01-01T00:00:00Z', end: '2020-01-02T00:00:00Z' });
    expect(m1!.spec.tags).toEqual({ 'demo-fail-at-percent': '50' });
    expect(m2!.spec.emissions).toEqual({ scaleFactors: [{ species: 'SF6', factor: 2 }] });
    expect(result.ensemble.hasBaseMember).toBe(false);
  });

  it('a product: every combination, the last list varying fastest', () => {
    const result = expand({
      product: {
        metYears: [2018, 2019],
        scaleFactors: [{ label: 'sf6', species: 'SF6', factors: [0.5, 1, 2] }],
      },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.ensemble.members.map((m) => m.label)).toEqual([
      'met2018_sf6=0.5',
      'met2018_sf6=1',
      'met2018_sf6=2',
      'met2019_sf6=0.5',
      'met2019_sf6=1',
      'met2019_sf6=2',
    ]);
    expect(result.ensemble.members[4]!.spec.period.start).toBe('2019-01-01T00:00:00Z');
    expect(result.ensemble.members[4]!.spec.emissions!.scaleFactors).toEqual([
      { label: 'sf6', species: 'SF6', factor: 1 },
    ]);
  });

  it('a perturbation: member 0 the base, member i perturbs element i over its box (IMI numbering)', () => {
    const result = expand({
      perturbation: { species: 'SF6', factor: 1.5, elements: [box(0), box(10), box(20)] },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { members, hasBaseMember, perturbationFactor } = result.ensemble;
    expect([hasBaseMember, perturbationFactor, members.length]).toEqual([true, 1.5, 4]);
    expect(members[0]!.spec.emissions).toBeUndefined();
    expect(members[2]!.spec.emissions!.scaleFactors).toEqual([
      { label: 'element2', factor: 1.5, species: 'SF6', region: box(10) },
    ]);
  });

  it('names the member whose spec is refused, and the base once when the base is', () => {
    const result = expand({ list: [{}, {}, {}, { metYear: 2100 }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.every((i) => i.field.startsWith('members[3].'))).toBe(true);
    expect(result.issues.length).toBeGreaterThan(0);

    const broken = expandEnsemble({
      name: 'x',
      base: { ...base, grid: { resolution: '9x9' } },
      sweep: { list: [{}, {}] },
    });
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.issues.map((i) => i.field)).toEqual(['base.grid.resolution']);
  });

  it('refuses more than 10,000 members, and sweeps that are not exactly one kind', () => {
    const big = expand({
      product: {
        scaleFactors: [
          { species: 'SF6', factors: Array.from({ length: 100 }, (_, i) => i) },
          { species: 'CH3I', factors: Array.from({ length: 100 }, (_, i) => i + 1) },
        ],
        metYears: [2018, 2019],
      },
    });
    expect(big).toEqual({
      ok: false,
      issues: [
        { field: 'sweep.product', message: expect.stringContaining(`at most ${ENSEMBLE_LIMITS.maxMembers}`) },
      ],
    });
    const elements = Array.from({ length: 10_000 }, () => box(0));
    expect(expand({ perturbation: { species: 'SF6', elements } })).toMatchObject({
      ok: false,
      issues: [{ field: 'sweep.perturbation.elements' }],
    });
    expect(expand({ list: [{}], product: { metYears: [2019] } })).toMatchObject({ ok: false });
    expect(expand({ perturbation: { species: 'SF6', factor: 1, elements: [box(0)] } })).toMatchObject({
      ok: false,
      issues: [{ field: 'sweep.perturbation.factor' }],
    });
  });

  it('moves a period by whole years, 29 February to 28 February', () => {
    expect(shiftYears('2020-02-29T00:00:00Z', 1)).toBe('2021-02-28T00:00:00Z');
    expect(shiftYears('2019-07-01T00:00:00Z', -1)).toBe('2018-07-01T00:00:00Z');
  });
});

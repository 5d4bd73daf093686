import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mergeOverrides, planCampaign } from '#services/submission/src/domain/campaign-stages.js';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { exampleSpec } from '#test/helpers/specs.js';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('planCampaign', () => {
  it('accepts the spin-up + 3-month production example, each stage from the one before, every run directory generated', () => {
    const body = JSON.parse(
      readFileSync(path.join(repoRoot, 'examples/campaign-spinup-production.json'), 'utf8'),
    );
    const plan = planCampaign(body, { now: NOW });
    if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
    expect(plan.stages.map((s) => [s.name, s.restartFrom, s.spec.period.start, s.spec.period.end])).toEqual([
      ['spin-up', 'none', '2018-07-01T00:00:00Z', '2019-01-01T00:00:00Z'],
      ['2019-01', 'previous', '2019-01-01T00:00:00Z', '2019-02-01T00:00:00Z'],
      ['2019-02', 'previous', '2019-02-01T00:00:00Z', '2019-03-01T00:00:00Z'],
      ['2019-03', 'previous', '2019-03-01T00:00:00Z', '2019-04-01T00:00:00Z'],
    ]);
    expect(plan.stages[0]!.spec.diagnostics).toMatchObject({
      collections: ['Restart'],
      frequency: 'monthly',
    });
    expect(plan.stages[1]!.spec.name).toBe('fullchem 4x5 spin-up then JFM 2019 2019-01');
    for (const stage of plan.stages) generateRunDirectory(stage.spec);
  });

  it('names every issue by its stage: the spec validator, the hand-off rules, a stage without a spec', () => {
    const base = exampleSpec();
    const plan = planCampaign(
      {
        name: 'broken',
        base,
        stages: [
          { name: 'a', period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' } },
          { name: 'b', period: { start: '2019-01-02T00:00:00Z', end: '2019-01-01T00:00:00Z' } },
          {
            name: 'c',
            period: { start: '2019-01-02T00:00:00Z', end: '2019-01-03T00:00:00Z' },
            overrides: { grid: { resolution: '2x2.5' } },
          },
        ],
      },
      { now: NOW },
    );
    expect(plan.ok ? [] : plan.issues.map((i) => i.field)).toEqual(['stages[1].period.end']);
    const handOff = planCampaign(
      {
        name: 'hand-off',
        base,
        stages: [
          { name: 'a', period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' } },
          {
            name: 'b',
            period: { start: '2019-01-02T00:00:00Z', end: '2019-01-03T00:00:00Z' },
            overrides: { grid: { resolution: '2x2.5' } },
          },
          {
            name: 'c',
            period: { start: '2019-01-04T00:00:00Z', end: '2019-01-05T00:00:00Z' },
            restartFrom: 'none',
          },
        ],
      },
      { now: NOW },
    );
    expect(handOff.ok ? [] : handOff.issues.map((i) => i.field)).toEqual(['stages[1].grid.resolution']);
    const noBase = planCampaign({ name: 'x', stages: [{ name: 'a' }] }, { now: NOW });
    expect(noBase.ok ? [] : noBase.issues).toEqual([
      { field: 'stages[0].spec', message: 'is required when the campaign has no base spec' },
    ]);
  });

  it('merges overrides object by object and replaces anything else', () => {
    expect(mergeOverrides({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, e: 2 })).toEqual({
      a: { b: 1, c: [2] },
      d: 1,
      e: 2,
    });
  });
});

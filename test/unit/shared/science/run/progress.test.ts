import { describe, expect, it } from '@jest/globals';
import { percentDone, simulationPeriod } from '#shared/science/run/progress.js';

const start = new Date('2019-07-01T00:00:00Z');
const end = new Date('2019-07-02T00:00:00Z');

describe('run progress', () => {
  it('is the share of the period simulated, with one decimal, clamped to 0..100', () => {
    expect(percentDone(start, end, new Date('2019-07-01T06:00:00Z'))).toBe(25);
    expect(percentDone(start, end, new Date('2019-07-01T00:20:00Z'))).toBe(1.4);
    expect(percentDone(start, end, new Date('2019-06-30T00:00:00Z'))).toBe(0);
    expect(percentDone(start, end, new Date('2019-07-03T00:00:00Z'))).toBe(100);
    expect(percentDone(start, start, start)).toBe(0);
  });

  it('takes the period from the stored spec in gcr-rundir.json first', () => {
    const metadata = JSON.stringify({
      name: 'gc_4x5_merra2_fullchem',
      spec: { period: { start: '2019-07-01T00:00:00Z', end: '2019-07-02T00:00:00Z' } },
    });
    expect(simulationPeriod(metadata, 'start_date: [20000101, 000000]')).toEqual({ start, end });
  });

  it("falls back to geoschem_config.yml's start_date and end_date", () => {
    const config = [
      'simulation:',
      '  name: fullchem',
      '  start_date: [20190701, 000000]',
      '  end_date: [20190701, 120000]',
      '  root_data_dir: /ExtData',
    ].join('\n');
    expect(simulationPeriod(undefined, config)).toEqual({ start, end: new Date('2019-07-01T12:00:00Z') });
    expect(simulationPeriod('not json', config)?.start).toEqual(start);
    expect(simulationPeriod(undefined, 'simulation:\n  name: fullchem\n')).toBeUndefined();
  });
});

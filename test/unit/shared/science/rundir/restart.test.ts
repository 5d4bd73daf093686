/**
 * Restarts in run directories: mid-run checkpoints in HISTORY.rc (GC Classic)
 * and in the GCHP settings, the checkpoint interval's rules, and the pure
 * edits that start a run directory from a restart file (a resumed attempt, a
 * campaign stage).
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import {
  latestRestart,
  modelTimeText,
  restartFileName,
  restartTimeOf,
  setRestartInterval,
  startFromRestart,
} from '#shared/science/rundir/restart.js';
import {
  checkpointIntervalProblem,
  gchpCheckpointFrequency,
  historyInterval,
} from '#shared/science/spec/checkpoint-rules.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { exampleSpec } from '#test/helpers/specs.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function restartBlock(history: string): string[] {
  return history.split('\n').filter((line) => /^\s*Restart\.(frequency|duration):/.test(line));
}

describe('checkpoint intervals', () => {
  it('are written in HISTORY.rc form and GCHP Checkpoint_Freq form', () => {
    expect(historyInterval(6)).toBe('00000000 060000');
    expect(historyInterval(24)).toBe('00000001 000000');
    expect(historyInterval(0.5)).toBe('00000000 003000');
    expect(historyInterval(36)).toBe('00000001 120000');
    expect(gchpCheckpointFrequency(168)).toBe('1680000');
    expect(gchpCheckpointFrequency(6)).toBe('060000');
  });

  it('must be a multiple of the chemistry timestep and at most the run', () => {
    expect(checkpointIntervalProblem(6, 1200, 24)).toBeUndefined();
    expect(checkpointIntervalProblem(24, 1200, 24)).toBeUndefined();
    expect(checkpointIntervalProblem(0.25, 1200, 24)).toMatch(
      /not a multiple of the run's 1200 s chemistry timestep/,
    );
    expect(checkpointIntervalProblem(48, 1200, 24)).toMatch(/longer than the run \(24 h\)/);
  });

  it('are refused at validation naming checkpoint.intervalHours', () => {
    const spec = exampleSpec('transport-tracers-4x5-1month');
    const tooLong = validateSimulationSpec({ ...spec, checkpoint: { intervalHours: 24 * 40 } }, { now: NOW });
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(tooLong.issues.map((i) => i.field)).toContain('checkpoint.intervalHours');
    const offStep = validateSimulationSpec({ ...spec, checkpoint: { intervalHours: 0.1 } }, { now: NOW });
    expect(offStep.ok).toBe(false);
    expect(validateSimulationSpec({ ...spec, checkpoint: { intervalHours: 24 } }, { now: NOW }).ok).toBe(
      true,
    );
  });
});

describe('run directories with checkpoints', () => {
  it('GC Classic writes the Restart collection every interval (frequency and duration alike, as history_mod.F90 requires)', () => {
    const spec = exampleSpec('transport-tracers-4x5-1month');
    const plain = validateSimulationSpec(spec, { now: NOW });
    const checkpointed = validateSimulationSpec({ ...spec, checkpoint: { intervalHours: 24 } }, { now: NOW });
    if (!plain.ok || !checkpointed.ok) throw new Error('example spec invalid');
    expect(restartBlock(generateRunDirectory(plain.spec).files['HISTORY.rc']!)).toEqual([
      "  Restart.frequency:          'End',",
      "  Restart.duration:           'End',",
    ]);
    expect(restartBlock(generateRunDirectory(checkpointed.spec).files['HISTORY.rc']!)).toEqual([
      "  Restart.frequency:          '00000001 000000',",
      "  Restart.duration:           '00000001 000000',",
    ]);
  });

  it('GCHP gets Midrun_Checkpoint=ON and Checkpoint_Freq among its setCommonRunSettings.sh values', () => {
    const spec = exampleSpec('gchp-c48-fullchem-1week');
    const result = validateSimulationSpec({ ...spec, checkpoint: { intervalHours: 24 } }, { now: NOW });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { assumptions } = generateRunDirectory(result.spec);
    expect(assumptions.join('\n')).toMatch(/Midrun_Checkpoint=ON, Checkpoint_Freq=240000/);
  });

  it('setRestartInterval leaves other collections alone', () => {
    const history = "  Restart.frequency: 'End',\n  SpeciesConc.frequency: '00000100 000000',\n";
    expect(setRestartInterval(history, '00000000 060000')).toBe(
      "  Restart.frequency: '00000000 060000',\n  SpeciesConc.frequency: '00000100 000000',\n",
    );
  });
});

describe('restart files', () => {
  it('are named and read by the model time they hold', () => {
    const time = new Date('2019-07-01T06:00:00Z');
    expect(restartFileName(time)).toBe('GEOSChem.Restart.20190701_0600z.nc4');
    expect(restartTimeOf('GEOSChem.Restart.20190701_0600z.nc4')).toEqual(time);
    expect(restartTimeOf('GEOSChem.Restart.20190701_0600z.c24.nc4')).toEqual(time);
    expect(restartTimeOf('GEOSChem.SpeciesConc.20190701_0600z.nc4')).toBeUndefined();
    expect(modelTimeText(time)).toBe('2019-07-01T06:00Z');
  });

  it('the latest strictly inside the period is the one to resume from', () => {
    const period = { start: new Date('2019-07-01T00:00:00Z'), end: new Date('2019-07-03T00:00:00Z') };
    const names = [
      'GEOSChem.Restart.20190701_0000z.nc4',
      'GEOSChem.Restart.20190701_1200z.nc4',
      'GEOSChem.Restart.20190702_0600z.nc4',
      'GEOSChem.Restart.20190703_0000z.nc4',
      'GEOSChem.SpeciesConc.20190702_0000z.nc4',
    ].map((name) => ({ name }));
    expect(latestRestart(names, period)?.name).toBe('GEOSChem.Restart.20190702_0600z.nc4');
    expect(latestRestart(names.slice(0, 1), period)).toBeUndefined();
  });
});

describe('startFromRestart', () => {
  const spec = validateSimulationSpec(exampleSpec('transport-tracers-4x5-1month'), { now: NOW });
  if (!spec.ok) throw new Error('example spec invalid');
  const files = generateRunDirectory(spec.spec).files;

  it("moves geoschem_config.yml's start to the restart's time and keeps the end", () => {
    const before = parse(files['geoschem_config.yml']!).simulation;
    const time = new Date(Date.parse(spec.spec.period.start) + 6 * 3600_000);
    const started = startFromRestart(files, { name: restartFileName(time), time });
    const after = parse(started.files['geoschem_config.yml']!).simulation;
    expect(after.end_date).toEqual(before.end_date);
    expect(after.start_date).toEqual([Number(restartFileName(time).slice(17, 25)), 60000]);
    expect(started.initialRestartPath).toBe(`Restarts/${restartFileName(time)}`);
    expect(started.files['cap_restart']).toBeUndefined();
  });

  it('moves cap_restart too for GCHP and keeps the restart name with its cube size', () => {
    const time = new Date('2019-07-02T00:00:00Z');
    const started = startFromRestart(
      {
        'geoschem_config.yml': '  start_date: [20190701, 000000]\n  end_date: [20190708, 000000]\n',
        cap_restart: '20190701 000000\n',
      },
      { name: 'GEOSChem.Restart.20190702_0000z.c48.nc4', time },
      'gchp',
    );
    expect(started.files['cap_restart']).toBe('20190702 000000\n');
    expect(started.initialRestartPath).toBe('Restarts/GEOSChem.Restart.20190702_0000z.c48.nc4');
  });

  it('refuses a restart at or after the end', () => {
    const end = new Date(spec.spec.period.end);
    expect(() => startFromRestart(files, { name: restartFileName(end), time: end })).toThrow(
      /not before the run's end/,
    );
  });
});

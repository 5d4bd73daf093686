import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  decodeWaitStatus,
  parseJobRecordLines,
  parseSacct,
  parseSbatchParsable,
  parseSqueue,
  taskRange,
  slurmJobKey,
  SlurmOutputError,
} from '#cli/agent/slurm/parse.js';

/** Outputs captured from the real single-node cluster (test/fixtures/slurm/README.md). */
const fixture = (name: string) =>
  readFileSync(new URL(`../../../../fixtures/slurm/${name}`, import.meta.url), 'utf8');

describe("Slurm's text outputs, as captured from Slurm 22.05", () => {
  it('reads the job id sbatch --parsable prints, with or without a cluster name', () => {
    expect(parseSbatchParsable(fixture('sbatch-parsable.txt'))).toBe('16');
    expect(parseSbatchParsable('42;ci\n')).toBe('42');
    expect(() => parseSbatchParsable('sbatch: error: Batch job submission failed\n')).toThrow(
      SlurmOutputError,
    );
  });

  it('reads squeue while an array of 10 runs %4: pending tasks under the array id, running ones under their own', () => {
    const records = parseSqueue(fixture('squeue-running.txt'));
    expect(records).toHaveLength(13);
    const array = records.filter((record) => record.name === 'gcr-arr');
    expect(array.map(slurmJobKey).sort()).toEqual(
      ['4_0', '4_1', '4_2', '4_3', '4_4', '4_5', '4_6', '4_7', '4_8', '4_9'].sort(),
    );
    expect(array.filter((record) => record.state === 'RUNNING')).toHaveLength(4);
    expect(array.find((record) => record.arrayTaskId === 7)).toEqual({
      jobId: '4',
      arrayJobId: '4',
      arrayTaskId: 7,
      name: 'gcr-arr',
      state: 'PENDING',
      reason: 'JobArrayTaskLimit',
    });
    expect(records.find((record) => record.name === 'gcr-run')).toEqual({
      jobId: '3',
      name: 'gcr-run',
      state: 'RUNNING',
    });
  });

  it("reads squeue's finished jobs with their exit codes decoded from the raw wait status", () => {
    const byName = new Map(
      parseSqueue(fixture('squeue-finished.txt')).map((record) => [record.name, record]),
    );
    expect(byName.get('gcr-ok')).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(byName.get('gcr-fail')).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3 });
    expect(byName.get('gcr-run')).toMatchObject({ state: 'CANCELLED', signal: 15 });
    expect(byName.get('gcr-timeout')).toMatchObject({ state: 'TIMEOUT', reason: 'TimeLimit', signal: 15 });
    // A long job name comes back whole (the format sets no width).
    expect(byName.has('gcr-a-very-long-name-0123456789-0123456789-abcdef')).toBe(true);
  });

  it("reads a pending array's unexpanded tasks (123_[5-9%2]) as one record per task", () => {
    const records = parseSqueue(
      '123|123|[5-9%2]|gcr-ens-arr1|PENDING|JobArrayTaskLimit|0|\n124|123|4|gcr-ens-arr1|RUNNING|None|0|\n',
    );
    expect(records.map((r) => `${r.arrayJobId}_${r.arrayTaskId}:${r.state}`)).toEqual([
      '123_5:PENDING',
      '123_6:PENDING',
      '123_7:PENDING',
      '123_8:PENDING',
      '123_9:PENDING',
      '123_4:RUNNING',
    ]);
    expect(records[0]).toMatchObject({ jobId: '123', reason: 'JobArrayTaskLimit' });
    expect(taskRange('1,3-5')).toEqual([1, 3, 4, 5]);
    expect(taskRange('0-8:4%2')).toEqual([0, 4, 8]);
    expect(taskRange('N/A')).toBeUndefined();
  });

  it('refuses a squeue line in another format rather than misread it', () => {
    expect(() => parseSqueue('1 gcr-ok COMPLETED\n')).toThrow(SlurmOutputError);
  });

  it('reads the jobcomp/filetxt log, array tasks by array id and task id', () => {
    const records = parseJobRecordLines(fixture('jobcomp.log'));
    expect(records).toHaveLength(15);
    expect(records.find((record) => record.jobId === '2')).toEqual({
      jobId: '2',
      name: 'gcr-fail',
      state: 'FAILED',
      exitCode: 3,
    });
    expect(records.find((record) => record.name === 'gcr-timeout')).toMatchObject({
      state: 'TIMEOUT',
      exitCode: 0,
    });
    expect(
      records
        .filter((record) => record.arrayJobId === '4')
        .map((record) => record.arrayTaskId)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads scontrol show job -o: exit code and signal', () => {
    const records = parseJobRecordLines(fixture('scontrol-show-job.txt'));
    expect(
      records.map((record) => [record.jobId, record.name, record.state, record.exitCode, record.signal]),
    ).toEqual([
      ['2', 'gcr-fail', 'FAILED', 3, undefined],
      ['3', 'gcr-run', 'CANCELLED', undefined, 15],
      ['9', 'gcr-timeout', 'TIMEOUT', undefined, 15],
    ]);
  });

  it("reads sacct -P, and slurmdbd's `CANCELLED by 0` and `120_4` task ids", () => {
    const records = parseSacct(fixture('sacct-jobcomp.txt'));
    expect(records.find((record) => record.jobId === '2')).toMatchObject({ state: 'FAILED', exitCode: 3 });
    expect(parseSacct('120_4|124|gcr-x-a1|CANCELLED by 0|0:15\n')).toEqual([
      { jobId: '124', arrayJobId: '120', arrayTaskId: 4, name: 'gcr-x-a1', state: 'CANCELLED', signal: 15 },
    ]);
  });

  it('decodes wait statuses: exit code in the high byte, signal in the low bits', () => {
    expect(decodeWaitStatus(0)).toEqual({ exitCode: 0 });
    expect(decodeWaitStatus(768)).toEqual({ exitCode: 3 });
    expect(decodeWaitStatus(9)).toEqual({ signal: 9 });
  });
});

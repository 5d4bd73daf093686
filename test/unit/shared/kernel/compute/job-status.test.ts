import { describe, expect, it } from '@jest/globals';
import { readJobStatusFile } from '#shared/kernel/compute/job-status.js';

const RUNNING = {
  schemaVersion: '1',
  model: 'gcclassic',
  state: 'running',
  percent: 33.3,
  simulatedTime: '2019-07-01T00:40:00Z',
  updatedAt: '2026-01-01T12:00:05Z',
  files: ['GEOSChem.SpeciesConc.20190701_0000z.nc4'],
  startedAt: '2026-01-01T12:00:00Z',
  message: 'running gcclassic',
};

describe('reading a job status file (schemas/job/job-status.schema.json)', () => {
  it('accepts a status file of the contract', () => {
    expect(readJobStatusFile(JSON.stringify(RUNNING))).toEqual({ ok: true, status: RUNNING });
  });

  it('reads a file written before the schema had a version as version 1', () => {
    const { schemaVersion: _version, ...legacy } = RUNNING;
    expect(readJobStatusFile(JSON.stringify(legacy))).toEqual({ ok: true, status: RUNNING });
  });

  it('accepts the state before the first timestep (no simulated time yet) and a finished run', () => {
    expect(readJobStatusFile(JSON.stringify({ ...RUNNING, state: 'staging', simulatedTime: null })).ok).toBe(
      true,
    );
    const done = { ...RUNNING, model: 'gcr-demo', state: 'succeeded', percent: 100, exitCode: 0 };
    expect(readJobStatusFile(JSON.stringify(done)).ok).toBe(true);
  });

  it.each([
    ['not JSON', '{"percent": 5', 'body', /is not JSON/],
    ['a percent as text', JSON.stringify({ ...RUNNING, percent: '50' }), 'percent', /must be a number/],
    ['a percent over 100', JSON.stringify({ ...RUNNING, percent: 120 }), 'percent', /at most 100/],
    ['an unknown state', JSON.stringify({ ...RUNNING, state: 'paused' }), 'state', /one of/],
    [
      'a version it does not know',
      JSON.stringify({ ...RUNNING, schemaVersion: '2' }),
      'schemaVersion',
      /"1"/,
    ],
    ['an unknown field', JSON.stringify({ ...RUNNING, progress: 5 }), 'body', /unknown field "progress"/],
    ['no files', JSON.stringify({ ...RUNNING, files: undefined }), 'files', /required/],
    ['a list', '[]', 'body', /JSON object/],
  ])('refuses %s, saying which field', (_what, text, field, message) => {
    const reading = readJobStatusFile(text);
    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.issues).toContainEqual({ field, message: expect.stringMatching(message) });
  });
});

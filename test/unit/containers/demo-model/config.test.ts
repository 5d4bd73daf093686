import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DemoConfigError, loadDemoConfig, parseS3Uri } from '#containers/demo-model/src/config.js';

const SPEC = {
  name: 'demo config test',
  simulation: { type: 'TransportTracers' },
  meteorology: { field: 'merra2' },
  grid: { resolution: '4x5' },
  period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
};
const CWD = '/tmp/rundir';

describe('demo model environment', () => {
  it('reads the spec from GCR_SPEC, fills its defaults, and defaults the rest relative to the working directory', () => {
    const config = loadDemoConfig({ GCR_SPEC: JSON.stringify(SPEC) }, CWD);
    expect(config.spec.grid.levels).toBe(72);
    expect(config.spec.diagnostics).toEqual({ collections: ['SpeciesConc', 'Restart'], frequency: 'daily' });
    expect(config.outputDir).toBe('/tmp/rundir/OutputDir');
    expect(config.statusFile).toBe('/tmp/rundir/gcr-status.json');
    expect(config.wallSeconds).toBe(20);
    expect(config.failAtPercent).toBeUndefined();
    expect(config.outputS3).toBeUndefined();
  });

  it('reads the spec from GCR_SPEC_FILE and takes the other variables', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gcr-demo-config-'));
    const file = path.join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(SPEC));
    const config = loadDemoConfig(
      {
        GCR_SPEC_FILE: file,
        GCR_OUTPUT_DIR: 'out',
        GCR_STATUS_FILE: '/var/tmp/status.json',
        GCR_DEMO_WALL_SECONDS: '0',
        GCR_DEMO_FAIL_AT_PERCENT: '50',
        GCR_OUTPUT_S3_URI: 's3://results-bucket/simulations/sim_1/outputs',
        GCR_STATUS_S3_URI: 's3://results-bucket/simulations/sim_1/',
      },
      CWD,
    );
    expect(config.specSource).toBe(file);
    expect(config.outputDir).toBe('/tmp/rundir/out');
    expect(config.statusFile).toBe('/var/tmp/status.json');
    expect(config.wallSeconds).toBe(0);
    expect(config.failAtPercent).toBe(50);
    expect(config.outputS3).toEqual({ bucket: 'results-bucket', key: 'simulations/sim_1/outputs/' });
    expect(config.statusS3).toEqual({ bucket: 'results-bucket', key: 'simulations/sim_1/gcr-status.json' });
  });

  it.each([
    [{}, /no simulation spec/],
    [{ GCR_SPEC: '{}', GCR_SPEC_FILE: 'x.json' }, /only one of/],
    [{ GCR_SPEC_FILE: '/nonexistent/spec.json' }, /cannot read GCR_SPEC_FILE/],
    [{ GCR_SPEC: '{not json' }, /is not JSON/],
    [{ GCR_SPEC: JSON.stringify({ ...SPEC, grid: { resolution: '3x3' } }) }, /invalid:\n {2}grid.resolution/],
    [
      { GCR_SPEC: JSON.stringify(SPEC), GCR_DEMO_WALL_SECONDS: 'soon' },
      /GCR_DEMO_WALL_SECONDS must look like 20 \(pattern/,
    ],
    [
      { GCR_SPEC: JSON.stringify({ ...SPEC, tags: { 'demo-wall-seconds': 'soon' } }) },
      /GCR_DEMO_WALL_SECONDS must be a number/,
    ],
    [
      { GCR_SPEC: JSON.stringify(SPEC), GCR_SIMULATION_ID: '../sim', GCR_STATUS_S3_URI: 's3:/b/k' },
      /^GCR_SIMULATION_ID must look like .*; GCR_STATUS_S3_URI must look like s3:/,
    ],
    [{ GCR_SPEC: JSON.stringify(SPEC), GCR_DEMO_WALL_SECONDS: '-1' }, /GCR_DEMO_WALL_SECONDS/],
    [{ GCR_SPEC: JSON.stringify(SPEC), GCR_DEMO_FAIL_AT_PERCENT: '101' }, /GCR_DEMO_FAIL_AT_PERCENT/],
    [
      { GCR_SPEC: JSON.stringify(SPEC), GCR_OUTPUT_S3_URI: 'https://bucket/x' },
      /GCR_OUTPUT_S3_URI must look like s3:/,
    ],
  ])('refuses a bad environment (%j) with a message saying what to fix', (env, message) => {
    expect(() => loadDemoConfig(env as Record<string, string>, CWD)).toThrow(DemoConfigError);
    expect(() => loadDemoConfig(env as Record<string, string>, CWD)).toThrow(message);
  });

  it("counts a resumed run's attempt on from its earlier jobs' (GCR_EARLIER_ATTEMPTS), so it resumes from its latest restart", () => {
    const env = { GCR_SPEC: JSON.stringify(SPEC), AWS_BATCH_JOB_ATTEMPT: '1' };
    expect(loadDemoConfig(env, CWD).attempt).toBe(1);
    expect(loadDemoConfig({ ...env, GCR_EARLIER_ATTEMPTS: '1' }, CWD).attempt).toBe(2);
    expect(() => loadDemoConfig({ ...env, GCR_EARLIER_ATTEMPTS: 'one' }, CWD)).toThrow(
      /GCR_EARLIER_ATTEMPTS must/,
    );
  });

  it('parses S3 URIs as prefixes or objects', () => {
    expect(parseS3Uri('s3://b-1/', 'X', 'prefix')).toEqual({ bucket: 'b-1', key: '' });
    expect(parseS3Uri('s3://b-1', 'X', 'prefix')).toEqual({ bucket: 'b-1', key: '' });
    expect(parseS3Uri('s3://b-1/a/b.json', 'X', 'object')).toEqual({ bucket: 'b-1', key: 'a/b.json' });
    expect(parseS3Uri('s3://b-1', 'X', 'object')).toEqual({ bucket: 'b-1', key: 'gcr-status.json' });
  });
});

/**
 * Issue 17, acceptance 1, on the local platform: a 20-member ensemble (an
 * IMI-style perturbation sweep of the tiny demo run: the base and 19
 * elements) runs to completion as one array job; one member made to fail
 * (GCR_DEMO_FAIL_SIMULATIONS names its first attempt, which the demo model
 * fails on purpose; its retry is another simulation and runs normally) is
 * retried alone, as a single job, and succeeds; GET /ensembles/{id}/results
 * lists the aggregation's products, `gcr ensemble results --download` fetches
 * them, and the jacobian.nc4 opens in xarray with the ensemble's shape and
 * factor.
 *
 * One platform start, the shortest runs (tiny demo, one second each), five
 * slots: CI's budget for it is about a minute on an idle machine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localSubFor } from '#local/auth/jwt.js';
import { idempotentEnsembleId, memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import {
  api,
  startPlatformProcess,
  waitForStatus,
  type RunningPlatform,
} from '#test/helpers/platform-process.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';
import { gcrAs } from '#test/helpers/run-gcr.js';

const MEMBERS = 20;
const FAILING_MEMBER = 7;
const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
const tinySpec = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/specs/tiny-demo.json'), 'utf8'));

/** The base and 19 state-vector elements (10-degree boxes along the equator). */
const request = {
  name: 'acceptance 20-member Jacobian',
  base: tinySpec,
  sweep: {
    perturbation: {
      species: 'SF6',
      factor: 1.5,
      elements: Array.from({ length: MEMBERS - 1 }, (_, i) => ({
        lonMin: -180 + 10 * i,
        lonMax: -170 + 10 * i,
        latMin: -20,
        latMax: 20,
      })),
    },
  },
};

describe('a 20-member ensemble on the local platform (issue 17, acceptance 1)', () => {
  let platform: RunningPlatform;
  let token: string;
  const key = randomUUID();
  // Known before the platform starts: the ensemble's id derives from owner and key, a member's from both.
  const ensembleId = idempotentEnsembleId(localSubFor('ensembles'), key);
  const failing = memberSimulationId(ensembleId, FAILING_MEMBER, 1);

  beforeAll(async () => {
    platform = await startPlatformProcess({
      env: {
        GCR_SCHEDULE_RATE_SECONDS: '2',
        GCR_LOCAL_BATCH_SLOTS: '5',
        GCR_DEMO_FAIL_SIMULATIONS: failing,
      },
    });
    token = await platform.token('ensembles');
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  /** GET /ensembles/{id}/results once READY with `succeeded` members (the aggregation runs again after a retry). */
  async function resultsWith(succeeded: number, seconds: number): Promise<any> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const res = await api(platform, 'GET', `/ensembles/${ensembleId}/results`, { token });
      expect(res.status).toBe(200);
      if (res.body.status === 'READY' && res.body.manifest?.counts?.SUCCEEDED === succeeded) return res.body;
      if (Date.now() > deadline)
        throw new Error(`results of ${ensembleId}: ${res.body.status} (${res.body.reason ?? ''})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('runs as one array job, retries the failed member alone, and aggregates a Jacobian xarray opens', async () => {
    const created = await api(platform, 'POST', '/ensembles', {
      token,
      body: request,
      headers: { 'idempotency-key': key },
    });
    expect([created.status, created.body.error]).toEqual([201, undefined]);
    expect(created.body.id).toBe(ensembleId);

    const ids = Array.from({ length: MEMBERS }, (_, i) => memberSimulationId(ensembleId, i, 1));
    const ended = [];
    for (const id of ids) ended.push(await waitForStatus(platform, token, id, TERMINAL, 240));
    expect(ended.map((s) => s.status)).toEqual(ids.map((id) => (id === failing ? 'FAILED' : 'SUCCEEDED')));
    // One array job: every member's job is child <memberIndex> of the same parent.
    const parents = new Set(ended.map((s) => s.job.jobId.split(':')[0]));
    expect(parents.size).toBe(1);
    expect(ended.map((s) => s.job.jobId)).toEqual(ended.map((s, i) => `${[...parents][0]}:${i}`));
    expect(ended[FAILING_MEMBER].history.at(-1).reason).toMatch(/exit code 3|model failure/);

    // The failed member alone, as its next attempt: a single job.
    const retried = await api(platform, 'POST', `/simulations/${failing}/retry`, { token });
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(memberSimulationId(ensembleId, FAILING_MEMBER, 2));
    const retry = await waitForStatus(platform, token, retried.body.id, TERMINAL, 120);
    expect(retry.status).toBe('SUCCEEDED');
    expect(retry.job.jobId).not.toContain(':');

    const ensemble = await api(platform, 'GET', `/ensembles/${ensembleId}`, { token });
    expect(ensemble.body).toMatchObject({ status: 'SUCCEEDED', counts: { SUCCEEDED: MEMBERS } });

    const results = await resultsWith(MEMBERS, 120);
    expect(results.files.map((f: { key: string }) => f.key)).toEqual(
      expect.arrayContaining(['jacobian.nc4', 'metrics.csv', 'metrics.json', 'manifest.json']),
    );
    // As a chemist fetches them: gcr ensemble results ID --download DIR.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-jacobian-'));
    try {
      const gcr = gcrAs(platform, 'ensembles');
      const downloaded = await gcr('ensemble', 'results', ensembleId, '--download', dir);
      expect([downloaded.code, downloaded.stderr]).toEqual([0, expect.any(String)]);
      expect(downloaded.stdout).toContain('jacobian.nc4');
      const file = path.join(dir, 'jacobian.nc4');
      const read = execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          [
            'import json, sys, numpy as np, xarray as xr',
            'ds = xr.open_dataset(sys.argv[1])',
            'v = ds["SpeciesConcVV_SF6"]',
            'print(json.dumps({"dims": list(v.dims), "elements": int(ds.sizes["element"]), "factor": float(ds.attrs["perturbation_factor"]), "finite": bool(np.isfinite(v.values).all())}))',
          ].join('\n'),
          file,
        ],
        { encoding: 'utf8' },
      );
      expect(JSON.parse(read)).toEqual({
        dims: ['element', 'time', 'lat', 'lon'],
        elements: MEMBERS - 1,
        factor: 1.5,
        finite: true,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 420_000);
});

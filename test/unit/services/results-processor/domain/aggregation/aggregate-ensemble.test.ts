/**
 * An ensemble's aggregation: nothing until every member is terminal and every
 * SUCCEEDED member's results have ended; then the metrics table (CSV, JSON),
 * the Jacobian of a perturbation ensemble (member minus base) and the
 * manifest under ensembles/<id>/, once (a READY aggregation is not redone, a
 * held claim is left alone).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  aggregateEnsemble,
  type AggregationPorts,
} from '#services/results-processor/src/domain/aggregation/aggregate-ensemble.js';
import { ensembleToAggregate } from '#services/results-processor/src/domain/aggregation/member-events.js';
import type { StoredObject } from '#services/results-processor/src/domain/processing/ports.js';
import {
  memberSimulationId,
  type AggregationState,
  type EnsembleRecord,
} from '#shared/kernel/repository/ensembles.js';
import { writeJacobian } from '#shared/science/ensemble/jacobian.js';
import { NetcdfReader } from '#shared/science/netcdf/reader.js';
import { NetcdfWriter } from '#shared/science/netcdf/writer.js';
import type { Simulation } from '#schemas/generated/types.js';
import { aSimulation } from '#test/helpers/simulations.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gcr-aggregate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENSEMBLE = 'ens_0000000000000000000000test';

async function speciesConcBytes(offset: number): Promise<Buffer> {
  const file = path.join(dir, `sc-${offset}.nc4`);
  const writer = await NetcdfWriter.create(file, { overwrite: true });
  writer
    .addDimension('time', 1)
    .addDimension('lev', 2)
    .addDimension('lat', 2)
    .addDimension('lon', 3)
    .addVariable('time', {
      type: 'double',
      dims: ['time'],
      attributes: { units: 'minutes since 2019-01-01 00:00:00' },
      data: [60],
    })
    .addVariable('lat', { type: 'double', dims: ['lat'], data: [-45, 45] })
    .addVariable('lon', { type: 'double', dims: ['lon'], data: [-120, 0, 120] })
    .addVariable('SpeciesConcVV_SF6', {
      type: 'float',
      dims: ['time', 'lev', 'lat', 'lon'],
      attributes: { units: 'mol mol-1 dry' },
    });
  writer.write(
    'SpeciesConcVV_SF6',
    Float32Array.from({ length: 12 }, (_, i) => 1 + i + (i < 6 ? offset : 0)),
  );
  writer.close();
  return readFileSync(file);
}

function world(members: Simulation[], record: EnsembleRecord) {
  const objects = new Map<string, Buffer>();
  let aggregation: AggregationState | undefined;
  let claimable = true;
  const ports: AggregationPorts = {
    ensembles: {
      get: async () => ({ ...record, ...(aggregation ? { aggregation } : {}) }),
      claimAggregation: async () => claimable && aggregation?.status !== 'READY',
      finishAggregation: async (_id, state) => void (aggregation = state),
    },
    repository: { getMany: async (ids) => members.filter((m) => ids.includes(m.id)) },
    results: {
      list: async (prefix): Promise<StoredObject[]> =>
        [...objects].filter(([k]) => k.startsWith(prefix)).map(([key, body]) => ({ key, size: body.length })),
      stream: async (key) => Readable.from([objects.get(key)!]),
      readText: async (key) => objects.get(key)?.toString('utf8'),
      put: async (key, body) => void objects.set(key, Buffer.from(body)),
      putFile: async (key, file) => void objects.set(key, readFileSync(file)),
    },
    writeJacobian,
    now: () => new Date('2026-12-07T10:00:00Z'),
  };
  return { ports, objects, state: () => aggregation, holdClaim: () => (claimable = false) };
}

describe('aggregateEnsemble', () => {
  it('waits for every member and its results, then writes the table, the Jacobian and the manifest once', async () => {
    const record: EnsembleRecord = {
      id: ENSEMBLE,
      owner: 'alice',
      name: 'jac',
      description: '',
      createdAt: '2026-12-07T09:00:00Z',
      sweepKind: 'perturbation',
      memberCount: 3,
      hasBaseMember: true,
      perturbationFactor: 1.5,
      attempts: { '2': 2 },
      labels: { '0': 'base', '1': 'element1', '2': 'element2' },
    };
    const ids = [
      memberSimulationId(ENSEMBLE, 0),
      memberSimulationId(ENSEMBLE, 1),
      memberSimulationId(ENSEMBLE, 2, 2),
    ];
    const members = ids.map((id, i) =>
      aSimulation({
        id,
        status: 'SUCCEEDED',
        results: { status: 'READY' } as Simulation['results'],
        cost: {
          kind: 'final',
          totalUsd: 0.01 * (i + 1),
          simulationVersion: 5,
          updatedAt: '2026-12-07T09:30:00Z',
        },
      }),
    );
    members[2] = { ...members[2]!, status: 'RUNNING' };
    const w = world(members, record);
    for (const [i, id] of ids.entries()) {
      w.objects.set(
        `simulations/${id}/outputs/OutputDir/GEOSChem.SpeciesConc.20190101_0100z.nc4`,
        await speciesConcBytes(10 * i),
      );
      w.objects.set(
        `simulations/${id}/results/metrics.json`,
        Buffer.from(
          JSON.stringify({
            files: [
              {
                key: 'x',
                metrics: { variables: [{ name: 'SpeciesConcVV_SF6', surfaceAreaWeightedMean: 2 + i }] },
              },
            ],
          }),
        ),
      );
    }
    expect(await aggregateEnsemble(w.ports, ENSEMBLE)).toBe('not-ready');
    members[2] = { ...members[2]!, status: 'SUCCEEDED' };
    w.holdClaim();
    expect(await aggregateEnsemble(w.ports, ENSEMBLE)).toBe('busy');
    const fresh = world(members, record);
    for (const [k, v] of w.objects) fresh.objects.set(k, v);

    expect(await aggregateEnsemble(fresh.ports, ENSEMBLE)).toBe('ready');
    expect(fresh.state()).toMatchObject({
      status: 'READY',
      products: ['metrics.json', 'metrics.csv', 'jacobian.nc4', 'manifest.json'],
    });
    expect(fresh.objects.get(`ensembles/${ENSEMBLE}/metrics.csv`)!.toString()).toBe(
      [
        'member_index,simulation_id,label,status,attempt,cost_usd,SpeciesConcVV_SF6_surface_mean',
        `0,${ids[0]},base,SUCCEEDED,1,0.01,2`,
        `1,${ids[1]},element1,SUCCEEDED,1,0.02,3`,
        `2,${ids[2]},element2,SUCCEEDED,2,0.03,4`,
        '',
      ].join('\n'),
    );
    const manifest = JSON.parse(fresh.objects.get(`ensembles/${ENSEMBLE}/manifest.json`)!.toString());
    expect(manifest).toMatchObject({
      memberCount: 3,
      counts: { SUCCEEDED: 3 },
      jacobian: { elements: 2, excluded: [] },
    });
    const file = path.join(dir, 'jacobian-out.nc4');
    writeFileSync(file, fresh.objects.get(`ensembles/${ENSEMBLE}/jacobian.nc4`)!);
    const reader = await NetcdfReader.open(file);
    expect(Array.from(reader.read('SpeciesConcVV_SF6'))).toEqual([
      ...Array(6).fill(10),
      ...Array(6).fill(20),
    ]);
    reader.close();
    expect(await aggregateEnsemble(fresh.ports, ENSEMBLE)).toBe('already-ready');
  }, 120_000);
});

describe('ensembleToAggregate', () => {
  const member = aSimulation({ id: memberSimulationId(ENSEMBLE, 1), ensembleId: ENSEMBLE, memberIndex: 1 });
  const repository = { get: async (id: string) => (id === member.id ? member : aSimulation({ id })) };
  const ended = (to: string, terminal = true) =>
    ({
      'detail-type': 'Simulation Status Changed',
      detail: { simulationId: member.id, to, terminal },
    }) as never;

  it("asks for the member's ensemble when its results ended or it ended without results, and not otherwise", async () => {
    expect(await ensembleToAggregate(repository, ended('SUCCEEDED'), 'ready')).toBe(ENSEMBLE);
    expect(await ensembleToAggregate(repository, ended('FAILED'), 'skipped')).toBe(ENSEMBLE);
    expect(await ensembleToAggregate(repository, ended('SUCCEEDED'), 'skipped')).toBeUndefined();
    expect(await ensembleToAggregate(repository, ended('RUNNING', false), 'skipped')).toBeUndefined();
    const other = {
      'detail-type': 'Simulation Status Changed',
      detail: { simulationId: 'sim_x', to: 'FAILED', terminal: true },
    } as never;
    expect(await ensembleToAggregate(repository, other, 'skipped')).toBeUndefined();
  });
});

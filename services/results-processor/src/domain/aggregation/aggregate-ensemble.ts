/**
 * An ensemble's aggregation (docs/CAMPAIGNS.md): once every member is
 * terminal and every SUCCEEDED member's results are READY or FAILED, write
 * under `ensembles/<id>/` a metrics table of every member (CSV and JSON), for
 * a perturbation ensemble whose base member SUCCEEDED the Jacobian
 * (NetCDF-4), and the manifest last. Asked on every member's end and results
 * (any order, any number of times): it checks "all terminal" itself, and a
 * conditional claim on the ensemble item (a lease) lets one run do it; a
 * READY aggregation is never redone, unless a retry of a member reopens it
 * (the retry removes the mark).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  currentMemberIds,
  type EnsembleRecord,
  type EnsembleStore,
} from '#shared/kernel/repository/ensembles.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import { isTerminal } from '#shared/kernel/status.js';
import {
  EnsemblePaths,
  ensembleKey,
  outputsPrefix,
  simulationKey,
  SimulationPaths,
} from '#shared/kernel/storage/bucket-layout.js';
import type { JacobianInput, JacobianSummary } from '#shared/science/ensemble/jacobian.js';
import type { ResultsMetrics, Simulation } from '#schemas/generated/types.js';
import type { ResultsStore } from '../processing/ports.js';

export interface AggregationPorts {
  ensembles: Pick<EnsembleStore, 'get' | 'claimAggregation' | 'finishAggregation'>;
  repository: Pick<SimulationRepository, 'getMany'>;
  results: ResultsStore;
  /** The Jacobian writer (shared/science/ensemble/jacobian.ts), imported only where it runs. */
  writeJacobian: (input: JacobianInput) => Promise<JacobianSummary>;
  now: () => Date;
}

export type AggregationOutcome = 'not-found' | 'not-ready' | 'busy' | 'already-ready' | 'ready' | 'failed';

/** How long a claim holds before another delivery may take it over (the function's timeout and a margin). */
export const AGGREGATION_LEASE_MS = 16 * 60_000;

const SPECIES_CONC_FILE = /GEOSChem\.SpeciesConc\.\d{8}_\d{4}z\.nc4$/;

export interface MemberMetricsRow {
  memberIndex: number;
  simulationId: string;
  label: string;
  status: string;
  attempt: number;
  costUsd: number | null;
  /** Per SpeciesConc variable: the mean over output files of its surface area-weighted mean. */
  surfaceMeans: Record<string, number>;
}

async function membersOf(ports: AggregationPorts, record: EnsembleRecord): Promise<Simulation[] | undefined> {
  const ids = currentMemberIds(record);
  const found = new Map<string, Simulation>();
  for (let i = 0; i < ids.length; i += 100) {
    for (const simulation of await ports.repository.getMany(ids.slice(i, i + 100)))
      found.set(simulation.id, simulation);
  }
  const members = ids.map((id) => found.get(id));
  return members.every((m): m is Simulation => m !== undefined) ? members : undefined;
}

/** Every member ended, and every SUCCEEDED member's results processing ended too. */
export function allSettled(members: readonly Simulation[]): boolean {
  return members.every(
    (m) =>
      isTerminal(m.status) &&
      (m.status !== 'SUCCEEDED' || m.results?.status === 'READY' || m.results?.status === 'FAILED'),
  );
}

async function surfaceMeans(
  ports: AggregationPorts,
  simulation: Simulation,
): Promise<Record<string, number>> {
  if (simulation.results?.status !== 'READY') return {};
  const text = await ports.results.readText(simulationKey(simulation.id, SimulationPaths.metrics));
  if (!text) return {};
  const metrics = JSON.parse(text) as ResultsMetrics;
  const sums = new Map<string, { total: number; n: number }>();
  for (const file of metrics.files) {
    for (const variable of file.metrics.variables) {
      const value = variable.surfaceAreaWeightedMean ?? variable.mean;
      if (!variable.name.startsWith('SpeciesConcVV_') || typeof value !== 'number') continue;
      const sum = sums.get(variable.name) ?? { total: 0, n: 0 };
      sum.total += value;
      sum.n += 1;
      sums.set(variable.name, sum);
    }
  }
  return Object.fromEntries(
    [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.total / v.n]),
  );
}

/** The metrics table as CSV: one row per member, one column per species (blank where a member has none). */
export function metricsCsv(rows: readonly MemberMetricsRow[]): string {
  const species = [...new Set(rows.flatMap((r) => Object.keys(r.surfaceMeans)))].sort();
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const header = [
    'member_index',
    'simulation_id',
    'label',
    'status',
    'attempt',
    'cost_usd',
    ...species.map((s) => `${s}_surface_mean`),
  ];
  const lines = rows.map((r) =>
    [
      String(r.memberIndex),
      r.simulationId,
      quote(r.label),
      r.status,
      String(r.attempt),
      r.costUsd === null ? '' : String(r.costUsd),
      ...species.map((s) => (r.surfaceMeans[s] === undefined ? '' : String(r.surfaceMeans[s]))),
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

async function download(results: ResultsStore, key: string, file: string): Promise<void> {
  await pipeline(await results.stream(key), createWriteStream(file));
}

async function speciesConcFiles(
  ports: AggregationPorts,
  simulationId: string,
  dir: string,
): Promise<string[]> {
  const keys = (await ports.results.list(outputsPrefix(simulationId)))
    .map((o) => o.key)
    .filter((key) => SPECIES_CONC_FILE.test(key))
    .sort();
  const files: string[] = [];
  for (const key of keys) {
    const file = path.join(dir, `${simulationId}-${path.basename(key)}`);
    await download(ports.results, key, file);
    files.push(file);
  }
  return files;
}

export async function aggregateEnsemble(
  ports: AggregationPorts,
  ensembleId: string,
): Promise<AggregationOutcome> {
  const record = await ports.ensembles.get(ensembleId);
  if (!record) return 'not-found';
  if (record.aggregation?.status === 'READY') return 'already-ready';
  const members = await membersOf(ports, record);
  if (!members || !allSettled(members)) return 'not-ready';
  if (!(await ports.ensembles.claimAggregation(ensembleId, ports.now().getTime(), AGGREGATION_LEASE_MS)))
    return 'busy';

  const dir = await mkdtemp(path.join(tmpdir(), 'gcr-ensemble-'));
  try {
    const rows: MemberMetricsRow[] = [];
    for (const [index, member] of members.entries()) {
      rows.push({
        memberIndex: index,
        simulationId: member.id,
        label: record.labels[String(index)] ?? '',
        status: member.status,
        attempt: record.attempts[String(index)] ?? 1,
        costUsd: member.cost?.totalUsd ?? null,
        surfaceMeans: await surfaceMeans(ports, member),
      });
    }
    const products: string[] = [];
    const put = async (relative: string, body: string, type: string) => {
      await ports.results.put(ensembleKey(ensembleId, relative), body, type);
      products.push(relative);
    };
    await put(
      EnsemblePaths.metricsJson,
      `${JSON.stringify({ ensembleId, rows }, null, 2)}\n`,
      'application/json',
    );
    await put(EnsemblePaths.metricsCsv, metricsCsv(rows), 'text/csv; charset=utf-8');

    let jacobian: (JacobianSummary & { excluded: number[] }) | undefined;
    const base = members[0]!;
    if (record.hasBaseMember && base.status === 'SUCCEEDED') {
      const perturbed = members.map((member, index) => ({ member, index })).filter(({ index }) => index > 0);
      const included = perturbed.filter(({ member }) => member.status === 'SUCCEEDED');
      const baseFiles = await speciesConcFiles(ports, base.id, dir);
      const inputs: JacobianInput['members'][number][] = [];
      for (const { member, index } of included) {
        inputs.push({
          element: index,
          memberIndex: index,
          simulationId: member.id,
          files: await speciesConcFiles(ports, member.id, dir),
        });
      }
      if (baseFiles.length > 0 && inputs.length > 0) {
        const outPath = path.join(dir, EnsemblePaths.jacobian);
        const summary = await ports.writeJacobian({
          baseFiles,
          members: inputs,
          perturbationFactor: record.perturbationFactor ?? 1.5,
          outPath,
          ensembleId,
          baseSimulationId: base.id,
        });
        await ports.results.putFile(
          ensembleKey(ensembleId, EnsemblePaths.jacobian),
          outPath,
          'application/x-netcdf',
        );
        products.push(EnsemblePaths.jacobian);
        jacobian = {
          ...summary,
          excluded: perturbed.filter(({ member }) => member.status !== 'SUCCEEDED').map(({ index }) => index),
        };
      }
    }
    const manifest = {
      ensembleId,
      generatedAt: ports.now().toISOString(),
      memberCount: record.memberCount,
      counts: members.reduce<Record<string, number>>(
        (c, m) => ({ ...c, [m.status]: (c[m.status] ?? 0) + 1 }),
        {},
      ),
      products: [...products, EnsemblePaths.manifest],
      ...(jacobian ? { jacobian } : {}),
    };
    await put(EnsemblePaths.manifest, `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
    await ports.ensembles.finishAggregation(ensembleId, {
      status: 'READY',
      finishedAt: ports.now().toISOString(),
      products,
    });
    return 'ready';
  } catch (error) {
    await ports.ensembles.finishAggregation(ensembleId, {
      status: 'FAILED',
      finishedAt: ports.now().toISOString(),
      reason: error instanceof Error ? error.message : String(error),
    });
    return 'failed';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * npm run bench:results — how fast the results processor's metrics are:
 * computeMetrics (h5wasm, shared/science/results/metrics.ts) against xarray (Debian's
 * /usr/bin/python3, scripts/bench/results_xarray.py) on the same
 * GEOS-Chem-shaped SpeciesConc file, by default 4x5, 72 levels, 24 hourly
 * steps, 200 species, written by the demo model's writer and cached between
 * runs. Each side runs BENCH_RUNS times (default 3), alternating, and the
 * medians are compared; both sides' numbers must agree to 1e-5 relative.
 * The last line of stdout is a JSON summary.
 *
 * Environment: BENCH_SPECIES, BENCH_STEPS, BENCH_LEVELS (72/47/40),
 * BENCH_RESOLUTION, BENCH_RUNS, BENCH_DIR (cache directory, default
 * $TMPDIR/gcr-bench-results), BENCH_PYTHON (default /usr/bin/python3).
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { GridResolution, VerticalLevels } from '#schemas/generated/types.js';
import { computeMetrics, type FileMetrics } from '#shared/science/results/metrics.js';
import { loadH5wasm } from '#shared/science/netcdf/h5.js';
import { loadH5wasmPastTsx } from '#shared/science/netcdf/h5wasm-past-tsx.js';
import { compareWithReference, median, type ReferenceMetrics } from './results-compare.js';
import { benchFile, type BenchFileParameters } from './results-file.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TOLERANCE = 1e-5;

interface XarrayOutput {
  importSeconds: number;
  runSeconds: number[];
  variables: Record<string, ReferenceMetrics>;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function parameters(): BenchFileParameters {
  const levels = positiveInteger('BENCH_LEVELS', 72);
  if (![72, 47, 40].includes(levels)) throw new Error(`BENCH_LEVELS must be 72, 47 or 40, got ${levels}`);
  return {
    resolution: (process.env['BENCH_RESOLUTION'] ?? '4x5') as GridResolution,
    levels: levels as VerticalLevels,
    steps: positiveInteger('BENCH_STEPS', 24),
    species: positiveInteger('BENCH_SPECIES', 200),
  };
}

/** One run of the xarray side in a fresh interpreter; wallSeconds includes its start-up. */
async function runXarray(python: string, file: string): Promise<XarrayOutput & { wallSeconds: number }> {
  const started = performance.now();
  const { stdout } = await promisify(execFile)(
    python,
    [path.join(here, 'results_xarray.py'), file, '--runs', '1'],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  return { ...(JSON.parse(stdout) as XarrayOutput), wallSeconds };
}

const seconds = (s: number): string => `${s.toFixed(2)} s`;

async function main(): Promise<void> {
  loadH5wasmPastTsx();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const p = parameters();
  const runs = positiveInteger('BENCH_RUNS', 3);
  const dir = process.env['BENCH_DIR'] ?? path.join(tmpdir(), 'gcr-bench-results');
  const python = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';

  log(`benchmark file: ${p.resolution}, ${p.levels} levels, ${p.steps} steps, ${p.species} species`);
  const file = await benchFile(dir, p, log);
  const size = statSync(file.path).size;
  log(file.cached ? `reusing ${file.path}` : `wrote ${file.path} in ${seconds(file.writeSeconds!)}`);

  // h5wasm's module load is start-up, like the Python interpreter's: not timed.
  const loadBefore = loadavg()[0]!;
  const loadStarted = performance.now();
  await loadH5wasm();
  const h5wasmLoadSeconds = (performance.now() - loadStarted) / 1000;

  // The two sides alternate, so a machine whose load drifts slows both alike.
  const oursSeconds: number[] = [];
  const xarraySeconds: number[] = [];
  const pythonStartups: number[] = [];
  let ours: FileMetrics | undefined;
  let reference: (XarrayOutput & { wallSeconds: number }) | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    ours = await computeMetrics(file.path);
    oursSeconds.push((performance.now() - started) / 1000);
    reference = await runXarray(python, file.path);
    xarraySeconds.push(reference.runSeconds[0]!);
    pythonStartups.push(reference.wallSeconds - reference.runSeconds[0]!);
    log(
      `run ${i + 1}/${runs}: computeMetrics ${seconds(oursSeconds.at(-1)!)}, xarray ${seconds(xarraySeconds.at(-1)!)}`,
    );
  }
  const xr = { ...reference!, runSeconds: xarraySeconds };
  const pythonStartupSeconds = median(pythonStartups);
  const loadAfter = loadavg()[0]!;

  const agreement = compareWithReference(ours!, xr.variables);
  const oursMedian = median(oursSeconds);
  const xarrayMedian = median(xr.runSeconds);
  const agree = agreement.problems.length === 0 && agreement.maxRelative < TOLERANCE;

  console.log(
    `file            ${file.path} (${(size / 2 ** 20).toFixed(1)} MiB${file.cached ? ', cached' : ''})`,
  );
  console.log(
    `shape           ${p.species} x SpeciesConcVV(time=${p.steps}, lev=${p.levels}, ${p.resolution})`,
  );
  console.log(
    `computeMetrics  median ${seconds(oursMedian)}  runs ${oursSeconds.map((s) => s.toFixed(2)).join(', ')}  (h5wasm load ${seconds(h5wasmLoadSeconds)}, not timed)`,
  );
  console.log(
    `xarray          median ${seconds(xarrayMedian)}  runs ${xr.runSeconds.map((s) => s.toFixed(2)).join(', ')}  (interpreter + imports ${seconds(pythonStartupSeconds)} per run, of which imports ${seconds(xr.importSeconds)}; not timed)`,
  );
  console.log(`ratio           computeMetrics / xarray = ${(oursMedian / xarrayMedian).toFixed(2)}`);
  console.log(
    `agreement       max relative difference ${agreement.maxRelative.toExponential(2)} over ${agreement.compared} numbers${agreement.where ? ` (at ${agreement.where})` : ''}; tolerance ${TOLERANCE}: ${agree ? 'OK' : 'FAILED'}`,
  );
  console.log(
    `machine         ${cpus().length} CPUs, 1-min load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
  );
  for (const problem of agreement.problems.slice(0, 20)) console.log(`  ${problem}`);

  const summary = {
    bench: 'results',
    ...p,
    fileBytes: size,
    cached: file.cached,
    writeSeconds: file.writeSeconds,
    runs,
    computeMetricsSeconds: oursSeconds,
    computeMetricsMedianSeconds: oursMedian,
    h5wasmLoadSeconds,
    xarraySeconds: xr.runSeconds,
    xarrayMedianSeconds: xarrayMedian,
    pythonStartupSeconds,
    pythonImportSeconds: xr.importSeconds,
    ratio: oursMedian / xarrayMedian,
    maxRelativeDifference: agreement.maxRelative,
    comparedNumbers: agreement.compared,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
    agree,
  };
  console.log(JSON.stringify(summary));
  if (!agree) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

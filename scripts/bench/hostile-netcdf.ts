/**
 * npm run bench:hostile — what each file of the hostile NetCDF corpus
 * (test/helpers/hostile-netcdf.ts) costs the results processor's readers:
 * computeMetrics and writeSurfaceMeans on it, each file in a fresh process,
 * with its wall time and peak resident memory. `--no-limits` lifts the header
 * limits (shared/science/results/file-limits.ts) to show what they prevent;
 * a file still running after BENCH_TIMEOUT_SECONDS (default 120) is killed.
 * The last line of stdout is a JSON summary.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadH5wasmPastTsx } from '#shared/science/netcdf/h5wasm-past-tsx.js';
import type { NetcdfLimits } from '#shared/science/results/file-limits.js';
import { computeMetrics } from '#shared/science/results/metrics.js';
import { writeSurfaceMeans } from '#shared/science/results/surface-means.js';
import { writeHostileCorpus } from '#test/helpers/hostile-netcdf.js';

const self = fileURLToPath(import.meta.url);
const NO_LIMITS: NetcdfLimits = {
  maxDeclaredBytes: Infinity,
  maxDeclaredBytesPerFileByte: Infinity,
  declaredBytesAllowance: Infinity,
  maxHorizontalCells: Infinity,
  maxChunkBytes: Infinity,
  maxChunksPerVariable: Infinity,
  maxVariables: Infinity,
};

interface Measured {
  what: string;
  bytes: number;
  outcome: string;
  seconds: number;
  peakMiB: number;
}

/** The child: reads one file as the processor would and prints what happened. */
async function readOne(file: string, limits: NetcdfLimits | undefined): Promise<void> {
  loadH5wasmPastTsx();
  const options = limits ? { limits } : {};
  const started = performance.now();
  let outcome = 'read';
  try {
    await computeMetrics(file, options);
    await writeSurfaceMeans([file], `${file}.surface.nc4`, options);
  } catch (error) {
    outcome = `${(error as Error).name}: ${(error as Error).message.replace(`${file}: `, '')}`;
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    JSON.stringify({ outcome, seconds, peakMiB: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  const unlimited = process.argv.includes('--no-limits');
  if (mode === '--child') return readOne(file!, unlimited ? NO_LIMITS : undefined);

  const timeoutSeconds = Number(process.env['BENCH_TIMEOUT_SECONDS'] ?? 120);
  const dir = mkdtempSync(path.join(tmpdir(), 'gcr-bench-hostile-'));
  const measured: Measured[] = [];
  try {
    for (const hostile of await writeHostileCorpus(dir)) {
      const bytes = statSync(hostile.path).size;
      const started = performance.now();
      let row: Measured;
      try {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', self, '--child', hostile.path, ...(unlimited ? ['--no-limits'] : [])],
          { timeout: timeoutSeconds * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 20 },
        );
        const child = JSON.parse(stdout.trim().split('\n').at(-1)!) as Omit<Measured, 'what' | 'bytes'>;
        row = { what: hostile.what, bytes, ...child };
      } catch (error) {
        const killed = (error as { killed?: boolean }).killed;
        row = {
          what: hostile.what,
          bytes,
          outcome: killed ? `killed after ${timeoutSeconds} s` : `child failed: ${(error as Error).message}`,
          seconds: (performance.now() - started) / 1000,
          peakMiB: NaN,
        };
      }
      measured.push(row);
      console.log(
        `${row.what.padEnd(56)} ${String(row.bytes).padStart(8)} B  ${row.seconds.toFixed(2).padStart(7)} s  ` +
          `${Number.isNaN(row.peakMiB) ? '      ?' : row.peakMiB.toFixed(0).padStart(7)} MiB peak  ${row.outcome.slice(0, 110)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ limits: unlimited ? 'none' : 'default', files: measured }));
}

await main();

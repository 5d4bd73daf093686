/**
 * npm run fuzz — fuzzes every route of the API on the local platform and
 * prints the figures: FUZZ_RUNS cases (default 10,000) from FUZZ_SEED (default
 * the time), 4 at a time. Starts the platform as its own process (no local
 * Batch slots: submissions stay queued). Exits 1 if any answer is a 5xx or
 * breaks the error contract, listing the first 20 with the request that made them.
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { startPlatformProcess } from '#local/spawn-platform.js';
import { prepareFuzzTargets } from '#test/helpers/fuzz-targets.js';
import { formatReport, fuzzApi } from './api-fuzz.js';

const runs = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);

const platform = await startPlatformProcess({ env: { GCR_LOCAL_BATCH_SLOTS: '0' } });
try {
  const targets = await prepareFuzzTargets(platform);
  let shown = 0;
  const report = await fuzzApi(targets, {
    runs,
    seed,
    onProgress: (done) => {
      if (done - shown >= 1000) {
        shown = done;
        process.stderr.write(`${done} / ${runs}\n`);
      }
    },
  });
  console.log(formatReport(report));
  process.exitCode = report.failures.length === 0 ? 0 : 1;
} finally {
  await platform.stop();
}

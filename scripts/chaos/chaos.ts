/**
 * npm run chaos — the local platform killed with SIGKILL at random points
 * (./harness.ts) over many rounds, then checked (./invariants.ts). Prints the
 * rounds, the kills by point, the figures and every violation; exits 1 on any
 * violation. The last line of stdout is a JSON summary.
 *
 *   npm run chaos -- --rounds 50 --simulations 3 --seed 7
 *
 * Options: --rounds (50), --simulations per round (3), --seed (the time),
 * --points (GCR_CHAOS_POINTS, default scripts/chaos/harness.ts DEFAULT_POINTS),
 * --max-round-seconds (12), --settle-seconds (900), --results-lease-seconds
 * (90: how long a results run killed mid-way holds its lease), --data-dir, --keep.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_POINTS, DEFAULT_RESULTS_LEASE_SECONDS, runChaos } from './harness.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '50' },
    simulations: { type: 'string', default: '3' },
    seed: { type: 'string' },
    points: { type: 'string', default: DEFAULT_POINTS },
    'max-round-seconds': { type: 'string', default: '12' },
    'settle-seconds': { type: 'string', default: '900' },
    'results-lease-seconds': { type: 'string', default: String(DEFAULT_RESULTS_LEASE_SECONDS) },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${text}"`);
  return value;
}

const report = await runChaos({
  rounds: positive('rounds', values.rounds),
  simulationsPerRound: positive('simulations', values.simulations),
  seed: values.seed === undefined ? Date.now() % 1_000_000 : positive('seed', values.seed),
  points: values.points!,
  maxRoundSeconds: positive('max-round-seconds', values['max-round-seconds']),
  settleSeconds: positive('settle-seconds', values['settle-seconds']),
  resultsLeaseSeconds: positive('results-lease-seconds', values['results-lease-seconds']),
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  keep: values.keep!,
  log: (line) => console.log(line),
});

const { figures, violations, apiErrors, startFailures } = report;
console.log('');
console.log(`seed ${report.options.seed}, points ${report.options.points}`);
console.log(
  `rounds ${report.rounds.length} in ${report.seconds.toFixed(0)} s; kills: ${JSON.stringify(report.kills)}`,
);
console.log(`settled ${report.settledInSeconds.toFixed(0)} s after the last restart`);
console.log(
  `simulations ${figures.simulations} ${JSON.stringify(figures.byStatus)}; transitions ${figures.transitions}, ` +
    `Status Changed events ${figures.statusEvents}; Batch jobs ${figures.batchJobs} (${figures.terminatedJobs} terminated); ` +
    `results ${JSON.stringify(figures.results)}`,
);
for (const [ending, n] of Object.entries(figures.endings)) console.log(`  ${n} x ${ending}`);
const count = (...kinds: string[]) => violations.filter((v) => kinds.includes(v.kind)).length;
console.log(
  `lost ${count('lost-event', 'results-lost-event')}, duplicated ${count('duplicate-event', 'results-duplicate-event', 'broken-history')}, ` +
    `untracked ${count('untracked-job')}; redelivered ${figures.redeliveries} (copies with the same eventId, which consumers de-duplicate)`,
);
console.log(`violations: ${violations.length}`);
for (const v of violations) console.log(`  ${v.kind} ${v.simulationId}: ${v.detail}`);
console.log(`API errors: ${apiErrors.length}`);
for (const e of apiErrors)
  console.log(`  ${e.request} -> ${e.status} ${e.body}\n${e.log.replace(/^/gm, '    | ')}`);
console.log(`restarts that hung: ${startFailures.length}`);
for (const f of startFailures) console.log(`  round ${f.round}:\n${f.output.replace(/^/gm, '    | ')}`);
const failures = violations.length + apiErrors.length + startFailures.length;
if (failures > 0) console.log(`data kept in ${report.dataDir}`);
console.log(
  JSON.stringify({
    ...report,
    rounds: undefined,
    apiErrors: apiErrors.map(({ log: _log, ...e }) => e),
    startFailures: startFailures.map((f) => f.round),
  }),
);
process.exitCode = failures > 0 ? 1 : 0;

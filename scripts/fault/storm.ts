/**
 * npm run storm — the event storm at full size (scripts/fault/event-storm.ts):
 * Batch state-change events for 1,000 jobs (STORM_JOBS), each real change
 * delivered 10 times (STORM_DUPLICATES), shuffled with late copies and forged
 * events of another stage. Prints the figures; exits 1 unless exactly one
 * transition per real change was applied, every forged claim ignored and
 * nothing lost.
 */
import '#shared/kernel/quiet-sdk-warning.js';
import { runEventStorm } from './event-storm.js';
import { reportAndExit } from './harness.js';

const jobs = Number(process.env['STORM_JOBS'] ?? 1000);
const duplicates = Number(process.env['STORM_DUPLICATES'] ?? 10);

const figures = await runEventStorm({ jobs, duplicates });
reportAndExit(
  `event storm: ${jobs} jobs, each state change delivered ${duplicates} times, shuffled`,
  [
    ['events in', figures.eventsIn],
    ['real changes', figures.realChanges],
    ['transitions applied', figures.transitionsApplied],
    ['duplicates ignored', figures.duplicatesIgnored],
    ['forged in', figures.forgedIn],
    ['forged ignored', figures.forgedIgnored],
    ['lost', figures.lost],
    ['dead-lettered', figures.deadLettered],
    ['DescribeJobs calls', figures.describeCalls],
    ['wall time (s)', figures.seconds.toFixed(1)],
    // Per kind of event, what the poller did with it (a forged event naming our job
    // still prompts a DescribeJobs, whose answer may be a real change not yet applied).
    ...Object.entries(figures.outcomes)
      .sort()
      .map(([key, count]): [string, number] => [`  ${key}`, count]),
  ],
  figures.transitionsApplied === figures.realChanges &&
    figures.forgedIgnored === figures.forgedIn &&
    figures.lost === 0 &&
    figures.deadLettered === 0,
  'one transition per real change, forged ignored, nothing lost',
);

/**
 * The queue time a job's queue limit counts (maxQueueMinutes): the time since
 * it became RUNNABLE, less the periods nobody could observe it (its Slurm
 * site's agent silent, JobDescription.unobserved). A silent site is not the
 * run's fault, so its silence never times a run out when the agent comes back.
 */
import type { JobDescription } from '#shared/kernel/compute/backend.js';

type Periods = NonNullable<JobDescription['unobserved']>;

/** Minutes from `runnableSince` to `now` (epoch ms) outside the `unobserved` periods (which may overlap). */
export function countedQueueMinutes(runnableSince: number, now: number, unobserved: Periods = []): number {
  const clipped = unobserved
    .map(({ from, to }) => ({ from: Math.max(from, runnableSince), to: Math.min(to, now) }))
    .filter(({ from, to }) => to > from)
    .sort((a, b) => a.from - b.from);
  let uncounted = 0;
  let reached = runnableSince;
  for (const { from, to } of clipped) {
    const start = Math.max(from, reached);
    if (to > start) uncounted += to - start;
    reached = Math.max(reached, to);
  }
  return (now - runnableSince - uncounted) / 60_000;
}

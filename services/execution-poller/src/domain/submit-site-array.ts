/**
 * An ensemble's PENDING first-attempt members on a Slurm site as one job
 * array through the site's agent (docs/SLURM.md, "Ensembles as job arrays").
 *
 * submit-array.ts takes the ensemble's submission lease and picks the members
 * (PENDING, first attempt, the trigger's compute settings, in index order), as
 * for AWS Batch; for a backend that keeps a job per member
 * (`submitMemberArray`: the slurm backend) it hands them here. One call sends
 * the site ONE `submitArray` work message (several only past SQS's message
 * size, slurm-backend.ts) with the site's `%` throttle, and records a site job
 * per member; each member is then recorded SUBMITTED with its own job
 * (`gcr-<simulation id>`), exactly as if submitted alone, so reports, polls,
 * cancels and retries follow each member by itself. A crash before the
 * members are recorded leaves them PENDING: once the lease runs out the next
 * poller sends them again, and the backend (site jobs) and the agent (job
 * names it already submitted) keep anything from running twice.
 */
import { siteArrayJobName } from '#shared/kernel/compute/slurm-backend.js';
import type { ComputeBackend } from '#shared/kernel/compute/backend.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import { withBackoff } from './backoff.js';
import type { PollerPorts } from './ports.js';
// Both modules are a cycle of functions only, none used while the modules load.
import { failMembers, forEachLimited, RECORD_CONCURRENCY, recordChild } from './submit-array.js';
import { singleJobRequest } from './submit-pending.js';

/** Submits `members` (chosen and leased by submitEnsembleArray) as the site's array of submission `sequence`. */
export async function submitSiteArray(
  ports: PollerPorts,
  backend: ComputeBackend,
  submitMemberArray: NonNullable<ComputeBackend['submitMemberArray']>,
  ensembleId: string,
  sequence: number,
  trigger: Simulation,
  members: readonly Simulation[],
): Promise<void> {
  const requests = members.map((member) => singleJobRequest(ports, member));
  const arrayName = siteArrayJobName(ensembleId, sequence);
  let jobIds: string[];
  await ports.rateLimiter.acquire(1);
  try {
    ({ jobIds } = await withBackoff(
      () => submitMemberArray({ ensembleId, sequence, members: requests }),
      ports,
    ));
  } catch (err) {
    if (ports.isRetryable(err)) throw err; // the lease runs out and a later poll sends them again
    await failMembers(
      ports,
      members,
      `the ${trigger.backend} backend refused the array job: ${(err as Error).message}`,
    );
    await ports.arrays!.store.finish(ensembleId, sequence, undefined, members.length);
    return;
  }
  await forEachLimited([...members.entries()], RECORD_CONCURRENCY, async ([i, member]) => {
    await recordChild(
      ports,
      backend,
      member,
      { jobId: jobIds[i]!, jobName: requests[i]!.jobName },
      `task ${i} of Slurm job array ${arrayName} (${members.length} members of ensemble ${ensembleId}) sent to site ${storedSpec(member).compute.site}`,
    );
  });
  await ports.arrays!.store.finish(ensembleId, sequence, arrayName, members.length);
}

/**
 * Writes test/fixtures/cur/cur2-split-cost-fixture.parquet: a few line items
 * shaped like a CUR 2.0 export with split cost allocation data (column names
 * and types of the export; invented values), for the cost tracker's
 * reconciliation in tests and locally. npm run gen:cur-fixture.
 *
 * - sim_CURFIXTURESPOT000000000001: a spot job reclaimed after its first hour
 *   and retried (two ECS tasks, three hourly line items);
 * - sim_CURFIXTUREONDEMAND00000001: an on-demand job, two hours on a
 *   c7g.8xlarge shared with another job;
 * - ens_curfixturearray0000000000001: an ensemble's array job of three
 *   children on a c7g.4xlarge, 10:00-12:00, tagged as AWS Batch tags an array
 *   child's task (the parent's tags: `gcr:ensemble-id`, no simulation id);
 *   child 0's task is recorded by its member, children 1 and 2's are not;
 * - a task of somebody else's (no gcr tag) and the instances' own rows (not
 *   split), which the reconciliation leaves out.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { curParquetBuffer, type CurExportRow } from '#local/aws/cur-parquet-writer.js';

export const CUR_FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/cur/cur2-split-cost-fixture.parquet',
);

const H = 3_600_000;
const DAY = Date.UTC(2026, 10, 3);
const task = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:task/gcr-ci-spot_Batch_1234/${id}`;

type FixtureRow = CurExportRow;

const SPOT = 'sim_CURFIXTURESPOT000000000001';
const ON_DEMAND = 'sim_CURFIXTUREONDEMAND00000001';
const ours = (id: string): Record<string, string> => ({ user_gcr_simulation_id: id, user_gcr_stage: 'ci' });

/** The instance's own line item (not split). */
const instanceRow = (resource: string, start: number, usageType: string, unblended: number): FixtureRow => ({
  resource,
  parent: null,
  start,
  usageType,
  unblended,
  split: null,
  unused: null,
  vcpu: null,
  memoryGiB: null,
  tags: {},
});

/** A task's split line item: [task, instance, hour start, usage type, split, unused, vCPU, GiB, tags]. */
type SplitRow = [string, string, number, string, number, number, number, number, Record<string, string>];
const splitRow = ([
  resource,
  parent,
  start,
  usageType,
  split,
  unused,
  vcpu,
  memoryGiB,
  tags,
]: SplitRow): FixtureRow => ({
  resource,
  parent,
  start,
  usageType,
  unblended: 0,
  split,
  unused,
  vcpu,
  memoryGiB,
  tags,
});

/** The array job's ensemble, and its tasks' tags (the parent's, propagated to every child). */
export const CUR_FIXTURE_ENSEMBLE = 'ens_curfixturearray0000000000001';
const array = { user_gcr_ensemble_id: CUR_FIXTURE_ENSEMBLE, user_gcr_owner: 'alice', user_gcr_stage: 'ci' };
/** The ECS task of the array's child `index`. */
export const curFixtureChildTask = (index: number): string => task(`arr${index}`);

const SPOT_TYPE = 'SpotUsage:c7g.4xlarge';
const OD_TYPE = 'BoxUsage:c7g.8xlarge';

const rows: FixtureRow[] = [
  // The spot job's first attempt, 10:00-11:00 on i-0spot1 (reclaimed), then its retry 11:10-13:10 on i-0spot2.
  instanceRow('i-0spot1', DAY + 10 * H, SPOT_TYPE, 0.21),
  // The on-demand job, 14:00-16:00, half of a c7g.8xlarge it shares with somebody else's task.
  instanceRow('i-0od1', DAY + 14 * H, OD_TYPE, 1.1568),
  instanceRow('i-0arr1', DAY + 10 * H, SPOT_TYPE, 0.21),
  ...(
    [
      [task('a1'), 'i-0spot1', DAY + 10 * H, SPOT_TYPE, 0.2, 0.01, 16, 16, ours(SPOT)],
      [task('a2'), 'i-0spot2', DAY + 11 * H, SPOT_TYPE, 0.18, 0, 16, 16, ours(SPOT)],
      [task('a2'), 'i-0spot2', DAY + 12 * H, SPOT_TYPE, 0.21, 0, 16, 16, ours(SPOT)],
      [task('a2'), 'i-0spot2', DAY + 13 * H, SPOT_TYPE, 0.04, 0.005, 16, 16, ours(SPOT)],
      [task('b1'), 'i-0od1', DAY + 14 * H, OD_TYPE, 0.5784, 0.05, 16, 32, ours(ON_DEMAND)],
      [task('b1'), 'i-0od1', DAY + 15 * H, OD_TYPE, 0.5784, 0.05, 16, 32, ours(ON_DEMAND)],
      // The array job: child 0 (4 vCPU, 10:00-12:00), child 1 (4 vCPU, 10:00-12:00), child 2 (8 vCPU, 10:00-11:00).
      [curFixtureChildTask(0), 'i-0arr1', DAY + 10 * H, SPOT_TYPE, 0.04, 0.01, 4, 8, array],
      [curFixtureChildTask(0), 'i-0arr1', DAY + 11 * H, SPOT_TYPE, 0.04, 0.01, 4, 8, array],
      [curFixtureChildTask(1), 'i-0arr1', DAY + 10 * H, SPOT_TYPE, 0.04, 0.01, 4, 8, array],
      [curFixtureChildTask(1), 'i-0arr1', DAY + 11 * H, SPOT_TYPE, 0.04, 0.01, 4, 8, array],
      [curFixtureChildTask(2), 'i-0arr1', DAY + 10 * H, SPOT_TYPE, 0.08, 0.02, 8, 16, array],
      [task('x1'), 'i-0od1', DAY + 14 * H, OD_TYPE, 0.4784, 0.05, 12, 32, { user_team: 'other' }],
    ] satisfies SplitRow[]
  ).map(splitRow),
];

export function curFixtureBuffer(): ArrayBuffer {
  return curParquetBuffer(rows, Date.UTC(2026, 10, 1));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(CUR_FIXTURE, new Uint8Array(curFixtureBuffer()));
  console.log(`wrote ${path.relative(process.cwd(), CUR_FIXTURE)}`);
}

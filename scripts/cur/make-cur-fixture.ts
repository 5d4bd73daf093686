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
 * - a task of somebody else's (no gcr tag) and the instances' own rows (not
 *   split), which the reconciliation leaves out.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';

export const CUR_FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/cur/cur2-split-cost-fixture.parquet',
);

const H = 3_600_000;
const DAY = Date.UTC(2026, 10, 3);
const task = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:task/gcr-ci-spot_Batch_1234/${id}`;

interface FixtureRow {
  resource: string;
  parent: string | null;
  start: number;
  usageType: string;
  unblended: number;
  split: number | null;
  unused: number | null;
  vcpu: number | null;
  memoryGiB: number | null;
  tags: Record<string, string>;
}

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

const SPOT_TYPE = 'SpotUsage:c7g.4xlarge';
const OD_TYPE = 'BoxUsage:c7g.8xlarge';

const rows: FixtureRow[] = [
  // The spot job's first attempt, 10:00-11:00 on i-0spot1 (reclaimed), then its retry 11:10-13:10 on i-0spot2.
  instanceRow('i-0spot1', DAY + 10 * H, SPOT_TYPE, 0.21),
  // The on-demand job, 14:00-16:00, half of a c7g.8xlarge it shares with somebody else's task.
  instanceRow('i-0od1', DAY + 14 * H, OD_TYPE, 1.1568),
  ...(
    [
      [task('a1'), 'i-0spot1', DAY + 10 * H, SPOT_TYPE, 0.2, 0.01, 16, 16, ours(SPOT)],
      [task('a2'), 'i-0spot2', DAY + 11 * H, SPOT_TYPE, 0.18, 0, 16, 16, ours(SPOT)],
      [task('a2'), 'i-0spot2', DAY + 12 * H, SPOT_TYPE, 0.21, 0, 16, 16, ours(SPOT)],
      [task('a2'), 'i-0spot2', DAY + 13 * H, SPOT_TYPE, 0.04, 0.005, 16, 16, ours(SPOT)],
      [task('b1'), 'i-0od1', DAY + 14 * H, OD_TYPE, 0.5784, 0.05, 16, 32, ours(ON_DEMAND)],
      [task('b1'), 'i-0od1', DAY + 15 * H, OD_TYPE, 0.5784, 0.05, 16, 32, ours(ON_DEMAND)],
      [task('x1'), 'i-0od1', DAY + 14 * H, OD_TYPE, 0.4784, 0.05, 12, 32, { user_team: 'other' }],
    ] satisfies SplitRow[]
  ).map(splitRow),
];

const text = (name: string, data: (string | null)[]) => ({ name, data, type: 'STRING' as const });
const double = (name: string, data: (number | null)[]) => ({ name, data, type: 'DOUBLE' as const });
const time = (name: string, data: number[]) => ({
  name,
  data: data.map((ms) => new Date(ms)),
  type: 'TIMESTAMP' as const,
});

export function curFixtureBuffer(): ArrayBuffer {
  const column = <T>(name: string, pick: (row: FixtureRow) => T) => [name, rows.map(pick)] as const;
  const leaves = [
    ...[
      column('bill_billing_period_start_date', () => Date.UTC(2026, 10, 1)),
      column('line_item_usage_start_date', (r) => r.start),
      column('line_item_usage_end_date', (r) => r.start + H),
    ].map(([name, data]) => time(name, data)),
    ...[
      column('line_item_line_item_type', () => 'Usage'),
      column('line_item_product_code', () => 'AmazonEC2'),
      column('line_item_usage_type', (r) => r.usageType),
      column('line_item_resource_id', (r) => r.resource),
      column('split_line_item_parent_resource_id', (r) => r.parent),
    ].map(([name, data]) => text(name, data)),
    ...[
      column('line_item_unblended_cost', (r) => r.unblended),
      column('split_line_item_split_cost', (r) => r.split),
      column('split_line_item_unused_cost', (r) => r.unused),
      column('split_line_item_reserved_vcpu', (r) => r.vcpu),
      column('split_line_item_reserved_memory', (r) => r.memoryGiB),
    ].map(([name, data]) => double(name, data)),
  ];
  const columnData = [...leaves, { name: 'resource_tags', data: rows.map((r) => r.tags) }];
  // resource_tags is the export's map<string, string>: its schema is spelled out (the writer infers only flat columns).
  const schema = [
    { name: 'root', num_children: columnData.length },
    ...leaves.map((c) =>
      c.type === 'STRING'
        ? {
            name: c.name,
            type: 'BYTE_ARRAY' as const,
            converted_type: 'UTF8' as const,
            repetition_type: 'OPTIONAL' as const,
          }
        : c.type === 'DOUBLE'
          ? { name: c.name, type: 'DOUBLE' as const, repetition_type: 'OPTIONAL' as const }
          : {
              name: c.name,
              type: 'INT64' as const,
              converted_type: 'TIMESTAMP_MILLIS' as const,
              repetition_type: 'OPTIONAL' as const,
            },
    ),
    {
      name: 'resource_tags',
      repetition_type: 'OPTIONAL' as const,
      converted_type: 'MAP' as const,
      num_children: 1,
    },
    { name: 'key_value', repetition_type: 'REPEATED' as const, num_children: 2 },
    {
      name: 'key',
      type: 'BYTE_ARRAY' as const,
      converted_type: 'UTF8' as const,
      repetition_type: 'REQUIRED' as const,
    },
    {
      name: 'value',
      type: 'BYTE_ARRAY' as const,
      converted_type: 'UTF8' as const,
      repetition_type: 'OPTIONAL' as const,
    },
  ];
  return parquetWriteBuffer({ schema, columnData: columnData.map(({ name, data }) => ({ name, data })) });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(CUR_FIXTURE, new Uint8Array(curFixtureBuffer()));
  console.log(`wrote ${path.relative(process.cwd(), CUR_FIXTURE)}`);
}

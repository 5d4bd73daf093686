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

const rows: FixtureRow[] = [
  // The spot job's first attempt, 10:00-11:00 on i-0spot1 (reclaimed), then its retry 11:10-13:10 on i-0spot2.
  {
    resource: 'i-0spot1',
    parent: null,
    start: DAY + 10 * H,
    usageType: 'SpotUsage:c7g.4xlarge',
    unblended: 0.21,
    split: null,
    unused: null,
    vcpu: null,
    memoryGiB: null,
    tags: {},
  },
  {
    resource: task('a1'),
    parent: 'i-0spot1',
    start: DAY + 10 * H,
    usageType: 'SpotUsage:c7g.4xlarge',
    unblended: 0,
    split: 0.2,
    unused: 0.01,
    vcpu: 16,
    memoryGiB: 16,
    tags: ours(SPOT),
  },
  {
    resource: task('a2'),
    parent: 'i-0spot2',
    start: DAY + 11 * H,
    usageType: 'SpotUsage:c7g.4xlarge',
    unblended: 0,
    split: 0.18,
    unused: 0,
    vcpu: 16,
    memoryGiB: 16,
    tags: ours(SPOT),
  },
  {
    resource: task('a2'),
    parent: 'i-0spot2',
    start: DAY + 12 * H,
    usageType: 'SpotUsage:c7g.4xlarge',
    unblended: 0,
    split: 0.21,
    unused: 0,
    vcpu: 16,
    memoryGiB: 16,
    tags: ours(SPOT),
  },
  {
    resource: task('a2'),
    parent: 'i-0spot2',
    start: DAY + 13 * H,
    usageType: 'SpotUsage:c7g.4xlarge',
    unblended: 0,
    split: 0.04,
    unused: 0.005,
    vcpu: 16,
    memoryGiB: 16,
    tags: ours(SPOT),
  },
  // The on-demand job, 14:00-16:00, half of a c7g.8xlarge it shares with somebody else's task.
  {
    resource: 'i-0od1',
    parent: null,
    start: DAY + 14 * H,
    usageType: 'BoxUsage:c7g.8xlarge',
    unblended: 1.1568,
    split: null,
    unused: null,
    vcpu: null,
    memoryGiB: null,
    tags: {},
  },
  {
    resource: task('b1'),
    parent: 'i-0od1',
    start: DAY + 14 * H,
    usageType: 'BoxUsage:c7g.8xlarge',
    unblended: 0,
    split: 0.5784,
    unused: 0.05,
    vcpu: 16,
    memoryGiB: 32,
    tags: ours(ON_DEMAND),
  },
  {
    resource: task('b1'),
    parent: 'i-0od1',
    start: DAY + 15 * H,
    usageType: 'BoxUsage:c7g.8xlarge',
    unblended: 0,
    split: 0.5784,
    unused: 0.05,
    vcpu: 16,
    memoryGiB: 32,
    tags: ours(ON_DEMAND),
  },
  {
    resource: task('x1'),
    parent: 'i-0od1',
    start: DAY + 14 * H,
    usageType: 'BoxUsage:c7g.8xlarge',
    unblended: 0,
    split: 0.4784,
    unused: 0.05,
    vcpu: 12,
    memoryGiB: 32,
    tags: { user_team: 'other' },
  },
];

const text = (name: string, data: (string | null)[]) => ({ name, data, type: 'STRING' as const });
const double = (name: string, data: (number | null)[]) => ({ name, data, type: 'DOUBLE' as const });
const time = (name: string, data: number[]) => ({
  name,
  data: data.map((ms) => new Date(ms)),
  type: 'TIMESTAMP' as const,
});

export function curFixtureBuffer(): ArrayBuffer {
  const leaves = [
    time(
      'bill_billing_period_start_date',
      rows.map(() => Date.UTC(2026, 10, 1)),
    ),
    text(
      'line_item_line_item_type',
      rows.map(() => 'Usage'),
    ),
    text(
      'line_item_product_code',
      rows.map(() => 'AmazonEC2'),
    ),
    text(
      'line_item_usage_type',
      rows.map((r) => r.usageType),
    ),
    text(
      'line_item_resource_id',
      rows.map((r) => r.resource),
    ),
    time(
      'line_item_usage_start_date',
      rows.map((r) => r.start),
    ),
    time(
      'line_item_usage_end_date',
      rows.map((r) => r.start + H),
    ),
    double(
      'line_item_unblended_cost',
      rows.map((r) => r.unblended),
    ),
    text(
      'split_line_item_parent_resource_id',
      rows.map((r) => r.parent),
    ),
    double(
      'split_line_item_split_cost',
      rows.map((r) => r.split),
    ),
    double(
      'split_line_item_unused_cost',
      rows.map((r) => r.unused),
    ),
    double(
      'split_line_item_reserved_vcpu',
      rows.map((r) => r.vcpu),
    ),
    double(
      'split_line_item_reserved_memory',
      rows.map((r) => r.memoryGiB),
    ),
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

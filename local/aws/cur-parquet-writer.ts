/**
 * Parquet files shaped like a CUR 2.0 export with split cost allocation data
 * (the columns and types of the export; docs/COSTS.md, "Reconciliation"):
 * the local platform's export of its own jobs (`local/aws/local-cur-export.ts`)
 * and the test fixture (`scripts/cur/make-cur-fixture.ts`) are written here.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';

const HOUR_MS = 3_600_000;

/** One line item of the export: an instance's own (no parent) or an ECS task's split line item. */
export interface CurExportRow {
  /** `line_item_resource_id`: the instance, or the ECS task ARN of a split line item. */
  resource: string;
  /** `split_line_item_parent_resource_id`: the instance of a split line item; null for the instance's own. */
  parent: string | null;
  /** `line_item_usage_start_date` (ms); the line item covers the hour from it. */
  start: number;
  usageType: string;
  unblended: number;
  split: number | null;
  unused: number | null;
  vcpu: number | null;
  memoryGiB: number | null;
  /** `resource_tags`: user tags as CUR 2.0 spells them (`user_<key>`). */
  tags: Record<string, string>;
}

const text = (name: string, data: (string | null)[]) => ({ name, data, type: 'STRING' as const });
const double = (name: string, data: (number | null)[]) => ({ name, data, type: 'DOUBLE' as const });
const time = (name: string, data: number[]) => ({
  name,
  data: data.map((ms) => new Date(ms)),
  type: 'TIMESTAMP' as const,
});

/** The Parquet bytes of a billing period's line items (`billingPeriodStart`: its first day, UTC, in ms). */
export function curParquetBuffer(rows: readonly CurExportRow[], billingPeriodStart: number): ArrayBuffer {
  const column = <T>(name: string, pick: (row: CurExportRow) => T) => [name, rows.map(pick)] as const;
  const leaves = [
    ...[
      column('bill_billing_period_start_date', () => billingPeriodStart),
      column('line_item_usage_start_date', (r) => r.start),
      column('line_item_usage_end_date', (r) => r.start + HOUR_MS),
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

import { parquetReadObjects } from 'hyparquet';
import type { CurLineItem } from '../domain/reconcile.js';

/** The CUR 2.0 columns the reconciliation reads (the export must include split cost allocation data). */
export const CUR_COLUMNS = [
  'line_item_resource_id',
  'line_item_usage_start_date',
  'line_item_usage_end_date',
  'split_line_item_parent_resource_id',
  'split_line_item_split_cost',
  'split_line_item_unused_cost',
  'resource_tags',
] as const;

/** CUR 2.0 spells a user tag `gcr:simulation-id` in `resource_tags` as `user_` + the key with `:` and `-` as `_`. */
export const SIMULATION_TAG_COLUMN = 'user_gcr_simulation_id';
/** An array job's tag `gcr:ensemble-id` (its children's tasks carry the parent's tags). */
export const ENSEMBLE_TAG_COLUMN = 'user_gcr_ensemble_id';

const tagValue = (tags: Record<string, unknown>, key: string): string | undefined =>
  typeof tags[key] === 'string' ? tags[key] : undefined;

type Row = Partial<Record<(typeof CUR_COLUMNS)[number], unknown>>;

const toMs = (value: unknown): number =>
  value instanceof Date
    ? value.getTime()
    : typeof value === 'bigint'
      ? Number(value)
      : Date.parse(String(value));

const toUsd = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** The split cost allocation line items of one Parquet file of the export (rows without a parent instance are not split). */
export async function readCurLineItems(file: ArrayBuffer): Promise<CurLineItem[]> {
  const rows = (await parquetReadObjects({ file, columns: [...CUR_COLUMNS] })) as Row[];
  const items: CurLineItem[] = [];
  for (const row of rows) {
    const parent = row.split_line_item_parent_resource_id;
    const taskArn = row.line_item_resource_id;
    if (typeof parent !== 'string' || !parent || typeof taskArn !== 'string') continue;
    const tags = (row.resource_tags ?? {}) as Record<string, unknown>;
    items.push({
      taskArn,
      instanceId: parent,
      simulationId: tagValue(tags, SIMULATION_TAG_COLUMN),
      ensembleId: tagValue(tags, ENSEMBLE_TAG_COLUMN),
      usageStartMs: toMs(row.line_item_usage_start_date),
      usageEndMs: toMs(row.line_item_usage_end_date),
      splitCostUsd: toUsd(row.split_line_item_split_cost),
      unusedCostUsd: toUsd(row.split_line_item_unused_cost),
    });
  }
  return items;
}

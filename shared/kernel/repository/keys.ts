import { createHash } from 'node:crypto';
import type { SimulationStatus } from '../status.js';

/** StatusIndex shard of a simulation: stable, spread evenly by id. */
export function shardOf(id: string, shardCount: number): number {
  const digest = createHash('sha1').update(id).digest();
  return digest.readUInt32BE(0) % shardCount;
}

/** StatusIndex partition key: status and shard, so the finder's queries spread over partitions. */
export function statusShardKey(status: SimulationStatus, shard: number): string {
  return `${status}#${String(shard).padStart(3, '0')}`;
}

/** OwnerIndex sort key: creation time then id, so a page is newest first and ties are stable. */
export function createdKey(createdAt: string, id: string): string {
  return `${createdAt}#${id}`;
}

/** Cursors are opaque to clients: base64url of the LastEvaluatedKey. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: not a cursor we issued
  }
  return undefined;
}

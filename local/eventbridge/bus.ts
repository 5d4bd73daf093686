import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { matchesEventPattern, validateEventPattern, type EventPattern } from './pattern.js';

/** An event as EventBridge delivers it to targets. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface BusRule {
  name: string;
  busName: string;
  pattern: EventPattern;
  /** Hands the event to a durable target (a queue); resolves once it is stored. */
  deliver: (event: BusEvent) => Promise<void>;
}

const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * The local EventBridge: buses, rules matched with EventBridge's pattern
 * semantics, and an append-only log (events.jsonl) of every event accepted.
 * An entry is acknowledged only after it is logged and handed to every matching
 * target's queue, so a crash after PutEvents returns loses nothing.
 */
export class LocalEventBus {
  private readonly rules: BusRule[] = [];
  private readonly logFile: string;

  constructor(
    private readonly options: { dataDir: string; region: string; accountId: string; buses: string[] },
  ) {
    mkdirSync(options.dataDir, { recursive: true });
    this.logFile = path.join(options.dataDir, 'events.jsonl');
  }

  get eventsLogFile(): string {
    return this.logFile;
  }

  addRule(rule: BusRule): void {
    const problems = validateEventPattern(rule.pattern);
    if (problems.length > 0)
      throw new Error(`rule ${rule.name}: invalid event pattern: ${problems.join('; ')}`);
    if (!this.options.buses.includes(rule.busName)) {
      throw new Error(`rule ${rule.name}: event bus ${rule.busName} does not exist locally`);
    }
    this.rules.push(rule);
  }

  async putEvents(entries: PutEventsRequestEntry[]): Promise<PutEventsResultEntry[]> {
    const results: PutEventsResultEntry[] = [];
    for (const entry of entries) results.push(await this.putOne(entry));
    return results;
  }

  private async putOne(entry: PutEventsRequestEntry): Promise<PutEventsResultEntry> {
    const busName = entry.EventBusName ?? 'default';
    if (!this.options.buses.includes(busName)) {
      return { ErrorCode: 'NotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    }
    const size = [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])].reduce(
      (sum, part) => sum + Buffer.byteLength(part, 'utf8'),
      entry.Time ? 14 : 0,
    );
    if (size > MAX_ENTRY_BYTES) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Total size of the entries in the request is over the limit.',
      };
    }
    const time = entry.Time ? new Date(entry.Time) : new Date();
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.options.accountId,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: entry.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    appendFileSync(this.logFile, `${JSON.stringify({ ...event, 'event-bus-name': busName })}\n`);
    for (const rule of this.rules) {
      if (rule.busName === busName && matchesEventPattern(rule.pattern, event)) await rule.deliver(event);
    }
    return { EventId: event.id };
  }
}

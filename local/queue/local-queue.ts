/**
 * A local SQS standard queue with SQS's delivery semantics, persisted on disk.
 *
 * Semantics (as the SQS developer guide documents them):
 * - at-least-once delivery: a received message is invisible for the visibility
 *   timeout (the queue's, or the one given to `receive`), then visible again
 *   unless it was deleted;
 * - every receive returns a new receipt handle; only the latest one deletes the
 *   message or changes its visibility (an older one is a no-op for `delete`,
 *   and a `ReceiptHandleIsInvalid` error for `changeVisibility`);
 * - delay: `delaySeconds` (0..900) per message or as the queue default;
 * - retention: a message older than `messageRetentionSeconds` (counted from
 *   its original send, also after a move to the DLQ) is dropped;
 * - redrive: on a receive that would take a message's receive count above
 *   `maxReceiveCount`, the message is moved to the dead-letter queue instead
 *   (same message id, body and sent timestamp, receive count reset, plus the
 *   `DeadLetterQueueSourceArn` attribute) and not returned.
 * - order is approximately FIFO (by visibility time, then send order), which
 *   is what a standard queue gives in practice; callers must not rely on it.
 *
 * Persistence: an append-only journal (`<dir>/<name>.journal`, see
 * journal.ts). Every send, receive, delete, visibility change and redrive is a
 * line; each operation's promise resolves once its line is written. Times are
 * absolute epoch milliseconds, so after a restart an in-flight message stays
 * invisible until its visibility timeout runs out, as it would on SQS (the
 * queue does not restart with its consumers); a receipt handle issued before
 * the restart still deletes its message.
 *
 * Performance: the visible set is a min-heap on visibility time with lazy
 * invalidation, so send/receive/delete are O(log n) in memory plus one group-
 * committed journal line; the journal is compacted (snapshot + rename) when it
 * holds more than max(10,000, 2 × live) records, O(1) amortized per operation.
 *
 * One LocalQueue instance per journal per process (a second `open` of the same
 * queue throws); nothing guards against two processes sharing a data directory.
 *
 * Differences from SQS, on purpose: `receive` accepts up to 10,000 messages
 * (SQS caps at 10) and `sendBatch` any number of entries, so the local event
 * source mapping can gather large batches cheaply; no message attributes; no
 * FIFO queues.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { JournalWriter, readJournal } from './journal.js';
import { MinHeap } from './min-heap.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_DELAY_SECONDS = 900;
const MIN_RETENTION_SECONDS = 60;
const MAX_RETENTION_SECONDS = 1_209_600;
const DEFAULT_RETENTION_SECONDS = 345_600;
const MAX_BODY_BYTES = 1_048_576;
const MAX_RECEIVE = 10_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Journals open in this process: two instances on one file would corrupt it. */
const openJournals = new Set<string>();
// Characters SQS accepts in a message body: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_BODY_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export interface LocalQueueOptions {
  /** Queue name, as SQS allows: 1-80 characters of [A-Za-z0-9_-]. */
  name: string;
  /** Directory holding `<name>.journal` (created if missing). */
  dir: string;
  /** Default visibility timeout, 0..43200; default 30. */
  visibilityTimeoutSeconds?: number;
  /** Queue default delay, 0..900; default 0. */
  delaySeconds?: number;
  /** Redrive policy: both or neither. */
  maxReceiveCount?: number;
  deadLetterQueue?: LocalQueue;
  /** 60..1209600; default 345600 (4 days). */
  messageRetentionSeconds?: number;
  /** Injectable clock (epoch ms), for tests. */
  now?: () => number;
  region?: string;
  accountId?: string;
  /** Minimum journal records before compaction; default 10,000 (tests lower it). */
  compactAfterRecords?: number;
}

export interface ReceivedMessageAttributes {
  ApproximateReceiveCount: string;
  SentTimestamp: string;
  ApproximateFirstReceiveTimestamp: string;
  SenderId: string;
  /** Set on messages moved here from a source queue by a redrive policy. */
  DeadLetterQueueSourceArn?: string;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  attributes: ReceivedMessageAttributes;
}

export interface QueueStats {
  /** Can be received now. */
  visible: number;
  /** Received, visibility timeout not yet over. */
  inFlight: number;
  /** Never received, delay not yet over. */
  delayed: number;
}

export type LocalQueueErrorCode =
  'InvalidParameterValue' | 'ReceiptHandleIsInvalid' | 'QueueClosed' | 'CorruptJournal';

export class LocalQueueError extends Error {
  constructor(
    readonly code: LocalQueueErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LocalQueueError';
  }
}

interface StoredMessage {
  id: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt: number;
  /** Latest receipt handle, '' before the first receive. */
  handle: string;
  sender: string;
  /** Source queue ARN when moved here by a redrive. */
  dlqSource?: string;
  /** Send order, tie-breaker of the heap. */
  seq: number;
  /** Bumped whenever visibleAt changes; heap entries of an older version are stale. */
  ver: number;
  md5?: string;
}

interface HeapEntry {
  at: number;
  seq: number;
  ver: number;
  msg: StoredMessage;
}

/** Journal records. `p`: put (send / redrive in / snapshot); `u`: update; `d`: delete. */
interface PutRecord {
  o: 'p';
  i: string;
  b: string;
  t: number;
  v: number;
  n: number;
  f: number;
  h: string;
  s: string;
  q?: string;
}
interface UpdateRecord {
  o: 'u';
  i: string;
  v: number;
  n?: number;
  f?: number;
  h?: string;
}
interface DeleteRecord {
  o: 'd';
  i: string;
}
type JournalRecord = PutRecord | UpdateRecord | DeleteRecord;

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LocalQueueError(
      'InvalidParameterValue',
      `${name} must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** The MD5 of a body, as SQS reports it (MD5OfBody, MD5OfMessageBody). */
export function md5(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

function isRecord(r: unknown): r is JournalRecord {
  if (typeof r !== 'object' || r === null) return false;
  const o = (r as { o?: unknown }).o;
  const i = (r as { i?: unknown }).i;
  if (typeof i !== 'string') return false;
  if (o === 'd') return true;
  if (o === 'u') return typeof (r as UpdateRecord).v === 'number';
  if (o === 'p') {
    const p = r as PutRecord;
    return typeof p.b === 'string' && typeof p.t === 'number' && typeof p.v === 'number';
  }
  return false;
}

export class LocalQueue {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly dir: string;
  readonly journalPath: string;
  readonly visibilityTimeoutSeconds: number;
  readonly delaySeconds: number;
  readonly maxReceiveCount: number | undefined;
  readonly deadLetterQueue: LocalQueue | undefined;
  readonly messageRetentionSeconds: number;
  /** Lines skipped at open because they were torn or unreadable. */
  readonly corruptRecordsAtOpen: number;

  private readonly now: () => number;
  private readonly accountId: string;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly heap = new MinHeap<HeapEntry>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private readonly waiters = new Set<() => void>();
  /** Messages on their way to the DLQ, kept in snapshots until the DLQ has them. */
  private readonly redriving = new Map<string, StoredMessage>();
  private journal!: JournalWriter;
  private seq = 0;
  private closed = false;

  private constructor(opts: LocalQueueOptions, corrupt: number) {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(opts.name)) {
      throw new LocalQueueError(
        'InvalidParameterValue',
        `queue name ${JSON.stringify(opts.name)} is invalid: use 1-80 characters of A-Z, a-z, 0-9, - and _`,
      );
    }
    this.name = opts.name;
    this.region = opts.region ?? LOCAL_REGION;
    this.accountId = opts.accountId ?? LOCAL_ACCOUNT_ID;
    this.arn = `arn:aws:sqs:${this.region}:${this.accountId}:${opts.name}`;
    this.dir = opts.dir;
    this.journalPath = path.join(opts.dir, `${opts.name}.journal`);
    this.visibilityTimeoutSeconds = checkInt(
      'visibilityTimeoutSeconds',
      opts.visibilityTimeoutSeconds ?? 30,
      0,
      MAX_VISIBILITY_SECONDS,
    );
    this.delaySeconds = checkInt('delaySeconds', opts.delaySeconds ?? 0, 0, MAX_DELAY_SECONDS);
    this.messageRetentionSeconds = checkInt(
      'messageRetentionSeconds',
      opts.messageRetentionSeconds ?? DEFAULT_RETENTION_SECONDS,
      MIN_RETENTION_SECONDS,
      MAX_RETENTION_SECONDS,
    );
    if ((opts.maxReceiveCount === undefined) !== (opts.deadLetterQueue === undefined)) {
      throw new LocalQueueError(
        'InvalidParameterValue',
        `queue ${opts.name}: a redrive policy needs both maxReceiveCount and deadLetterQueue`,
      );
    }
    if (opts.maxReceiveCount !== undefined) checkInt('maxReceiveCount', opts.maxReceiveCount, 1, 1000);
    if (opts.deadLetterQueue === undefined) {
      this.deadLetterQueue = undefined;
    } else if (opts.deadLetterQueue.name === opts.name && opts.deadLetterQueue.dir === opts.dir) {
      throw new LocalQueueError(
        'InvalidParameterValue',
        `queue ${opts.name} cannot be its own dead-letter queue`,
      );
    } else {
      this.deadLetterQueue = opts.deadLetterQueue;
    }
    this.maxReceiveCount = opts.maxReceiveCount;
    this.now = opts.now ?? Date.now;
    this.corruptRecordsAtOpen = corrupt;
  }

  /** Opens (or creates) the queue, replaying its journal. */
  static async open(opts: LocalQueueOptions): Promise<LocalQueue> {
    await fs.mkdir(opts.dir, { recursive: true });
    const file = path.resolve(opts.dir, `${opts.name}.journal`);
    if (openJournals.has(file)) {
      throw new LocalQueueError(
        'InvalidParameterValue',
        `queue ${opts.name} is already open in this process (${file})`,
      );
    }
    openJournals.add(file);
    try {
      const { records, corrupt } = await readJournal(file);
      const q = new LocalQueue(opts, corrupt);
      for (const r of records) {
        if (isRecord(r)) q.replay(r);
      }
      q.dropExpired();
      q.rebuildHeap();
      q.journal = await JournalWriter.create(file, () => q.snapshot(), {
        compactAfterRecords: opts.compactAfterRecords,
      });
      return q;
    } catch (err) {
      openJournals.delete(file);
      throw err;
    }
  }

  /** Sends one message; resolves with its message id once it is durable. */
  async send(body: string, opts: { delaySeconds?: number; senderId?: string } = {}): Promise<string> {
    const [id] = await this.sendBatch([body], opts);
    return id as string;
  }

  /** Sends several messages with one journal write; resolves with their ids in order. */
  async sendBatch(
    bodies: string[],
    opts: { delaySeconds?: number; senderId?: string } = {},
  ): Promise<string[]> {
    this.assertOpen();
    const delay = checkInt('delaySeconds', opts.delaySeconds ?? this.delaySeconds, 0, MAX_DELAY_SECONDS);
    for (const body of bodies) this.checkBody(body);
    const now = this.now();
    const ids: string[] = [];
    const writes: Promise<void>[] = [];
    for (const body of bodies) {
      const msg: StoredMessage = {
        id: randomUUID(),
        body,
        sentAt: now,
        visibleAt: now + delay * 1000,
        receiveCount: 0,
        firstReceiveAt: 0,
        handle: '',
        sender: opts.senderId ?? this.accountId,
        seq: this.seq++,
        ver: 0,
      };
      this.insert(msg);
      writes.push(this.journal.append(JSON.stringify(this.putRecord(msg))));
      ids.push(msg.id);
    }
    if (delay === 0 && bodies.length > 0) this.notify();
    await Promise.all(writes);
    return ids;
  }

  /**
   * Receives up to `max` visible messages (short poll; with `waitTimeSeconds`,
   * a long poll that waits until at least one message is visible or the time is up).
   */
  async receive(
    max: number,
    opts: { visibilityTimeoutSeconds?: number; waitTimeSeconds?: number } = {},
  ): Promise<ReceivedMessage[]> {
    this.assertOpen();
    checkInt('max', max, 1, MAX_RECEIVE);
    const vt = checkInt(
      'visibilityTimeoutSeconds',
      opts.visibilityTimeoutSeconds ?? this.visibilityTimeoutSeconds,
      0,
      MAX_VISIBILITY_SECONDS,
    );
    const wait = checkInt('waitTimeSeconds', opts.waitTimeSeconds ?? 0, 0, 20);
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const out = await this.receiveNow(max, vt);
      const left = deadline - Date.now();
      if (out.length > 0 || left <= 0 || this.closed) return out;
      await this.waitForMessages(left);
    }
  }

  /** Deletes a message by its latest receipt handle; an old or unknown handle is a no-op. */
  async delete(receiptHandle: string): Promise<void> {
    await this.deleteBatch([receiptHandle]);
  }

  /** Deletes several messages with one journal write. */
  async deleteBatch(receiptHandles: string[]): Promise<void> {
    this.assertOpen();
    const writes: Promise<void>[] = [];
    for (const handle of receiptHandles) {
      const msg = this.byHandle(handle);
      if (!msg) continue;
      this.remove(msg);
      writes.push(this.journal.append(JSON.stringify({ o: 'd', i: msg.id } satisfies DeleteRecord)));
    }
    await Promise.all(writes);
  }

  /**
   * Sets the message's visibility timeout to `seconds` from now (0 makes it
   * visible at once). Throws ReceiptHandleIsInvalid for an unknown or
   * superseded handle, as SQS does.
   */
  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    this.assertOpen();
    checkInt('visibilityTimeoutSeconds', seconds, 0, MAX_VISIBILITY_SECONDS);
    const msg = this.byHandle(receiptHandle);
    if (!msg) {
      throw new LocalQueueError(
        'ReceiptHandleIsInvalid',
        `queue ${this.name}: receipt handle is unknown, superseded by a later receive, or its message was deleted`,
      );
    }
    this.setVisibleAt(msg, this.now() + seconds * 1000);
    if (seconds === 0) this.notify();
    await this.journal.append(JSON.stringify({ o: 'u', i: msg.id, v: msg.visibleAt } satisfies UpdateRecord));
  }

  /** Deletes every message, visible, in flight or delayed (SQS's PurgeQueue); resolves with how many. */
  async purge(): Promise<number> {
    this.assertOpen();
    const writes: Promise<void>[] = [];
    for (const msg of [...this.messages.values()]) {
      this.remove(msg);
      writes.push(this.journal.append(JSON.stringify({ o: 'd', i: msg.id } satisfies DeleteRecord)));
    }
    await Promise.all(writes);
    return writes.length;
  }

  stats(): QueueStats {
    const now = this.now();
    const expiry = now - this.messageRetentionSeconds * 1000;
    const s: QueueStats = { visible: 0, inFlight: 0, delayed: 0 };
    for (const m of this.messages.values()) {
      if (m.sentAt <= expiry) continue;
      if (m.visibleAt <= now) s.visible++;
      else if (m.receiveCount > 0) s.inFlight++;
      else s.delayed++;
    }
    return s;
  }

  /**
   * Resolves when a message may be receivable: at once if one is visible,
   * otherwise on the next send, when the earliest delayed or in-flight message
   * becomes visible, after `timeoutMs`, on `signal` abort, or at close —
   * whichever comes first. A wake-up is a hint, not a promise.
   */
  waitForMessages(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    const now = this.now();
    const next = this.nextVisibleAt();
    if (next !== undefined && next <= now) return Promise.resolve();
    const delay = Math.max(0, Math.min(timeoutMs, next === undefined ? timeoutMs : next - now, MAX_TIMER_MS));
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Writes everything pending and closes the journal. Further calls throw QueueClosed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notify();
    try {
      await this.journal.close();
    } finally {
      openJournals.delete(path.resolve(this.journalPath));
    }
  }

  // ---- internals ----------------------------------------------------------

  private async receiveNow(max: number, vtSeconds: number): Promise<ReceivedMessage[]> {
    this.assertOpen();
    const now = this.now();
    const expiry = now - this.messageRetentionSeconds * 1000;
    const out: ReceivedMessage[] = [];
    const writes: Promise<void>[] = [];
    // With a visibility timeout of 0 a message received here is visible again at once: never twice in one answer.
    const receivedNow: HeapEntry[] = [];
    while (out.length < max) {
      const top = this.heap.peek();
      if (!top || top.at > now) break;
      this.heap.pop();
      const msg = top.msg;
      if (this.messages.get(msg.id) !== msg || msg.ver !== top.ver) continue; // stale entry
      if (out.some((m) => m.messageId === msg.id)) {
        receivedNow.push(top);
        continue;
      }
      if (msg.sentAt <= expiry) {
        this.remove(msg);
        writes.push(this.journal.append(JSON.stringify({ o: 'd', i: msg.id } satisfies DeleteRecord)));
        continue;
      }
      if (
        this.deadLetterQueue &&
        this.maxReceiveCount !== undefined &&
        msg.receiveCount >= this.maxReceiveCount
      ) {
        // Durable in the DLQ first, then removed here: a crash in between duplicates, never loses.
        writes.push(this.redrive(msg));
        continue;
      }
      msg.receiveCount++;
      if (msg.firstReceiveAt === 0) msg.firstReceiveAt = now;
      msg.handle = `${msg.id}:${randomBytes(18).toString('base64url')}`;
      this.setVisibleAt(msg, now + vtSeconds * 1000);
      writes.push(
        this.journal.append(
          JSON.stringify({
            o: 'u',
            i: msg.id,
            v: msg.visibleAt,
            n: msg.receiveCount,
            f: msg.firstReceiveAt,
            h: msg.handle,
          } satisfies UpdateRecord),
        ),
      );
      msg.md5 ??= md5(msg.body);
      const attributes: ReceivedMessageAttributes = {
        ApproximateReceiveCount: String(msg.receiveCount),
        SentTimestamp: String(msg.sentAt),
        SenderId: msg.sender,
        ApproximateFirstReceiveTimestamp: String(msg.firstReceiveAt),
      };
      if (msg.dlqSource !== undefined) attributes.DeadLetterQueueSourceArn = msg.dlqSource;
      out.push({
        messageId: msg.id,
        receiptHandle: msg.handle,
        body: msg.body,
        md5OfBody: msg.md5,
        attributes,
      });
    }
    for (const entry of receivedNow) this.heap.push(entry);
    await Promise.all(writes);
    return out;
  }

  /**
   * Moves a message to the DLQ: durable there first, then deleted here, so a
   * crash in between duplicates it and never loses it. Until the DLQ write
   * completes the message stays in this queue's snapshots (`redriving`).
   */
  private async redrive(msg: StoredMessage): Promise<void> {
    const dlq = this.deadLetterQueue as LocalQueue;
    this.remove(msg);
    this.redriving.set(msg.id, msg);
    try {
      await dlq.acceptRedriven(msg, this.arn);
    } catch (err) {
      // The DLQ refused it (closed?): keep the message here, visible again.
      if (this.redriving.get(msg.id) === msg) {
        this.redriving.delete(msg.id);
        if (!this.closed && !this.messages.has(msg.id)) {
          msg.ver++;
          this.insert(msg);
        }
      }
      throw err;
    }
    this.redriving.delete(msg.id);
    if (this.closed) return; // the snapshot at reopen settles it: the DLQ has it, the source still may
    await this.journal.append(JSON.stringify({ o: 'd', i: msg.id } satisfies DeleteRecord));
  }

  /** Takes a message moved here by a source queue's redrive policy. */
  private async acceptRedriven(src: StoredMessage, sourceArn: string): Promise<void> {
    this.assertOpen();
    const existing = this.messages.get(src.id);
    if (existing) this.remove(existing);
    const msg: StoredMessage = {
      id: src.id,
      body: src.body,
      sentAt: src.sentAt,
      visibleAt: this.now(),
      receiveCount: 0,
      firstReceiveAt: 0,
      handle: '',
      sender: src.sender,
      dlqSource: sourceArn,
      seq: this.seq++,
      ver: 0,
    };
    this.insert(msg);
    this.notify();
    await this.journal.append(JSON.stringify(this.putRecord(msg)));
  }

  private putRecord(m: StoredMessage): PutRecord {
    const r: PutRecord = {
      o: 'p',
      i: m.id,
      b: m.body,
      t: m.sentAt,
      v: m.visibleAt,
      n: m.receiveCount,
      f: m.firstReceiveAt,
      h: m.handle,
      s: m.sender,
    };
    if (m.dlqSource !== undefined) r.q = m.dlqSource;
    return r;
  }

  private snapshot(): string[] {
    const expiry = this.now() - this.messageRetentionSeconds * 1000;
    const lines: string[] = [];
    const live = [...this.messages.values(), ...this.redriving.values()].sort((a, b) => a.seq - b.seq);
    for (const m of live) {
      if (m.sentAt <= expiry) continue; // dropped from disk; removed from memory on its next pop
      lines.push(JSON.stringify(this.putRecord(m)));
    }
    // Purge stale heap entries while we are at it.
    if (this.heap.size > 2 * this.messages.size + 1000) this.rebuildHeap();
    return lines;
  }

  private replay(r: JournalRecord): void {
    if (r.o === 'p') {
      const existing = this.messages.get(r.i);
      if (existing) this.messages.delete(r.i);
      const msg: StoredMessage = {
        id: r.i,
        body: r.b,
        sentAt: r.t,
        visibleAt: r.v,
        receiveCount: typeof r.n === 'number' ? r.n : 0,
        firstReceiveAt: typeof r.f === 'number' ? r.f : 0,
        handle: typeof r.h === 'string' ? r.h : '',
        sender: typeof r.s === 'string' ? r.s : this.accountId,
        seq: this.seq++,
        ver: 0,
      };
      if (typeof r.q === 'string') msg.dlqSource = r.q;
      this.messages.set(msg.id, msg);
    } else if (r.o === 'u') {
      const m = this.messages.get(r.i);
      if (!m) return;
      m.visibleAt = r.v;
      if (typeof r.n === 'number') m.receiveCount = r.n;
      if (typeof r.f === 'number') m.firstReceiveAt = r.f;
      if (typeof r.h === 'string') m.handle = r.h;
    } else {
      this.messages.delete(r.i);
    }
  }

  private dropExpired(): void {
    const expiry = this.now() - this.messageRetentionSeconds * 1000;
    for (const m of this.messages.values()) if (m.sentAt <= expiry) this.messages.delete(m.id);
  }

  private rebuildHeap(): void {
    const entries: HeapEntry[] = [];
    for (const m of this.messages.values()) {
      m.ver++;
      entries.push({ at: m.visibleAt, seq: m.seq, ver: m.ver, msg: m });
    }
    this.heap.rebuild(entries);
  }

  private insert(msg: StoredMessage): void {
    this.messages.set(msg.id, msg);
    this.heap.push({ at: msg.visibleAt, seq: msg.seq, ver: msg.ver, msg });
  }

  private remove(msg: StoredMessage): void {
    if (this.messages.get(msg.id) === msg) this.messages.delete(msg.id);
    msg.ver++; // invalidates its heap entries
  }

  private setVisibleAt(msg: StoredMessage, at: number): void {
    msg.visibleAt = at;
    msg.ver++;
    this.heap.push({ at, seq: msg.seq, ver: msg.ver, msg });
  }

  private byHandle(handle: string): StoredMessage | undefined {
    if (typeof handle !== 'string') return undefined;
    const sep = handle.indexOf(':');
    if (sep <= 0) return undefined;
    const msg = this.messages.get(handle.slice(0, sep));
    return msg && msg.handle === handle ? msg : undefined;
  }

  /** Earliest time a message may become visible (may be early because of stale heap entries). */
  private nextVisibleAt(): number | undefined {
    return this.heap.peek()?.at;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private checkBody(body: string): void {
    if (typeof body !== 'string' || body.length === 0) {
      throw new LocalQueueError(
        'InvalidParameterValue',
        `queue ${this.name}: message body must be a non-empty string`,
      );
    }
    if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) {
      throw new LocalQueueError(
        'InvalidParameterValue',
        `queue ${this.name}: message body is larger than ${MAX_BODY_BYTES} bytes`,
      );
    }
    const bad = INVALID_BODY_CHAR.exec(body);
    if (bad) {
      throw new LocalQueueError(
        'InvalidParameterValue',
        `queue ${this.name}: message body contains a character SQS does not allow (U+${(
          bad[0].codePointAt(0) ?? 0
        )
          .toString(16)
          .toUpperCase()
          .padStart(4, '0')}) at index ${bad.index}`,
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new LocalQueueError('QueueClosed', `queue ${this.name} is closed`);
  }
}

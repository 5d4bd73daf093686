/**
 * Append-only journal with group commit and snapshot compaction.
 *
 * Every mutation of a queue is one JSON line. `append()` resolves once the
 * line (together with every line queued before it) has been written to the
 * file, so a caller that awaits it knows the change survives a process
 * restart. Lines queued while a write is in progress are written together in
 * the next write (group commit), so the cost per operation stays one small
 * buffered write however many operations run concurrently.
 *
 * When the file holds more records than `max(compactAfterRecords, 2 × live
 * records at the last compaction)`, the next write is replaced by a snapshot of
 * the whole live state (`snapshot()`, called synchronously, so it reflects
 * exactly the lines it supersedes), written to `<path>.tmp`, synced and renamed
 * over the journal. The file therefore stays proportional to the live state and
 * each operation costs O(1) amortized. The journal is also compacted once at
 * open, which drops a torn last line left by a crash.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** Lines of a journal file; a torn (unterminated) last line and unparsable lines are skipped. */
export async function readJournal(path: string): Promise<{ records: unknown[]; corrupt: number }> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], corrupt: 0 };
    throw err;
  }
  const lines = text.split('\n');
  // The last element is '' when the file ends with a newline, or a torn write otherwise.
  const torn = lines.pop() ?? '';
  let corrupt = torn === '' ? 0 : 1;
  const records: unknown[] = [];
  for (const line of lines) {
    if (line === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      corrupt++;
    }
  }
  return { records, corrupt };
}

const CHUNK_BYTES = 1 << 20;

async function writeAll(fh: FileHandle, data: string): Promise<void> {
  const buf = Buffer.from(data, 'utf8');
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

async function writeLines(fh: FileHandle, lines: readonly string[]): Promise<void> {
  let chunk: string[] = [];
  let size = 0;
  for (const line of lines) {
    chunk.push(line);
    size += line.length + 1;
    if (size >= CHUNK_BYTES) {
      await writeAll(fh, chunk.join('\n') + '\n');
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) await writeAll(fh, chunk.join('\n') + '\n');
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface JournalWriterOptions {
  /** Minimum number of records in the file before a compaction; default 10,000. */
  compactAfterRecords?: number;
}

export class JournalWriter {
  private fh: FileHandle | null = null;
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private running: Promise<void> | null = null;
  private records = 0;
  private lastSnapshotSize = 0;
  private closed = false;
  private readonly compactAfterRecords: number;
  /** Number of compactions done (for tests and stats). */
  compactions = 0;

  private constructor(
    private readonly path: string,
    private readonly snapshot: () => string[],
    opts: JournalWriterOptions,
  ) {
    this.compactAfterRecords = Math.max(1, opts.compactAfterRecords ?? 10_000);
  }

  /** Writes a snapshot of the current state (compaction on open) and opens the journal for appends. */
  static async create(
    path: string,
    snapshot: () => string[],
    opts: JournalWriterOptions = {},
  ): Promise<JournalWriter> {
    const w = new JournalWriter(path, snapshot, opts);
    await w.rewrite(snapshot());
    return w;
  }

  /** Number of records currently in the file. */
  get recordCount(): number {
    return this.records;
  }

  /**
   * Queues one record (a JSON line without newline). Resolves when it is written.
   * Must be called in the same synchronous section as the in-memory change it
   * records, so that a compaction snapshot never misses or duplicates it.
   */
  append(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`));
    return new Promise<void>((resolve, reject) => {
      this.pending.push(line);
      this.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  /** Waits for every queued record to be written, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.running) await this.running;
    await this.fh?.close();
    this.fh = null;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.pending.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const lines = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        const limit = Math.max(this.compactAfterRecords, 2 * this.lastSnapshotSize);
        if (this.records + lines.length >= limit) {
          // Synchronously after taking `lines`: the snapshot contains exactly their effects.
          await this.rewrite(this.snapshot());
        } else {
          if (!this.fh) throw new Error(`journal ${this.path} is not open`);
          await writeAll(this.fh, lines.join('\n') + '\n');
          this.records += lines.length;
        }
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
  }

  private async rewrite(lines: string[]): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const out = await fs.open(tmp, 'w');
    try {
      await writeLines(out, lines);
      await out.sync();
    } finally {
      await out.close();
    }
    if (this.fh) {
      await this.fh.close();
      this.fh = null;
    }
    try {
      await fs.rename(tmp, this.path);
    } finally {
      this.fh = await fs.open(this.path, 'a');
    }
    this.records = lines.length;
    this.lastSnapshotSize = lines.length;
    this.compactions++;
  }
}

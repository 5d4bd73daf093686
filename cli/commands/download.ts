/**
 * `gcr download <id>`: a simulation's output files (and with
 * --include-results its manifest, metrics, surface means and previews),
 * fetched through short-lived presigned URLs from the results files route,
 * each checked against the SHA-256 of the manifest. Files already present
 * with the right hash are skipped, so an interrupted download resumes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ApiClient } from '../api-client.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { ApiError, CliError, ConnectionError, ExitCode, InputError, InterruptedError } from '../errors.js';
import { clean } from '../format.js';
import { humanBytes, progressBar } from '../views.js';
import type { SimulationResults } from '#schemas/generated/types.js';
import { fetchFileLink, fetchResults } from './results.js';

interface Wanted {
  key: string;
  size?: number;
  sha256?: string;
  /** Results files that a run may not have (surface means of a collection): a 404 skips them. */
  optional?: boolean;
}

type Outcome = 'downloaded' | 'skipped' | 'absent' | 'mismatch';

interface FileReport {
  key: string;
  path: string;
  status: Outcome;
  size?: number;
  sha256?: string;
  expectedSha256?: string;
}

/** What to fetch: the manifest's files (of one collection), plus the results documents when asked. */
function wantedFiles(
  results: SimulationResults,
  collection: string | undefined,
  includeResults: boolean,
  only: string[] | undefined,
): Wanted[] {
  const manifest = results.manifest!;
  if (only) {
    const listed = new Map(manifest.collections.flatMap((g) => g.files).map((f) => [f.key, f]));
    return only.map((key) => {
      const f = listed.get(key);
      return f ? { key, size: f.size, sha256: f.sha256 } : { key };
    });
  }
  const groups = collection
    ? manifest.collections.filter((g) => g.collection === collection)
    : manifest.collections;
  if (collection && groups.length === 0) {
    throw new InputError(
      `simulation ${results.simulationId} has no collection ${collection}; it has ${
        manifest.collections.map((g) => g.collection).join(', ') || 'no files'
      }`,
    );
  }
  const wanted: Wanted[] = groups.flatMap((g) =>
    g.files.map((f) => ({ key: f.key, size: f.size, sha256: f.sha256 })),
  );
  if (includeResults) {
    wanted.push({ key: 'results/manifest.json' }, { key: 'results/metrics.json', optional: true });
    for (const g of groups) {
      if (g.kind === 'diagnostic' || g.kind === 'hemco-diagnostic')
        wanted.push({ key: `results/surface/${g.collection}.nc4`, optional: true });
    }
    for (const p of results.previews) {
      if (!collection || p.collection === collection) wanted.push({ key: p.key });
    }
  }
  return wanted;
}

async function sha256OfFile(file: string): Promise<string | undefined> {
  try {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

/** Progress on stderr: a redrawn bar on a terminal, one plain line per file otherwise. */
export class Progress {
  private done = 0;
  private lastDraw = 0;
  private readonly started: number;

  constructor(
    private readonly ctx: CommandContext,
    private total: number,
    private readonly count: number,
  ) {
    this.started = ctx.now().getTime();
  }

  private get enabled(): boolean {
    return !this.ctx.json;
  }

  private get tty(): boolean {
    return this.ctx.io.stderr.isTTY === true;
  }

  private rate(): string {
    const seconds = Math.max(0.001, (this.ctx.now().getTime() - this.started) / 1000);
    return `${humanBytes(Math.round(this.done / seconds))}/s`;
  }

  private line(label: string): string {
    const percent = this.total > 0 ? (this.done / this.total) * 100 : 100;
    return `${progressBar(percent)}  ${humanBytes(this.done)} / ${humanBytes(this.total)}  ${this.rate()}  ${label}`;
  }

  /** A file whose size the listing did not give (results files) counts once its link says it. */
  expect(n: number): void {
    this.total += n;
  }

  bytes(n: number, key: string): void {
    this.done += n;
    if (!this.enabled || !this.tty) return;
    const now = this.ctx.now().getTime();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.ctx.io.stderr.write(`\r\x1b[2K${this.line(clean(key))}`);
  }

  fileDone(index: number, report: FileReport): void {
    if (!this.enabled) return;
    const what =
      report.status === 'skipped'
        ? 'already present, hash matches'
        : report.status === 'absent'
          ? 'not produced by this run, skipped'
          : report.status === 'mismatch'
            ? 'SHA-256 MISMATCH'
            : humanBytes(report.size ?? 0);
    const text = `[${index + 1}/${this.count}] ${clean(report.key)}  ${what}`;
    if (this.tty) this.ctx.io.stderr.write(`\r\x1b[2K${text}\n`);
    else
      this.ctx.io.stderr.write(
        `${text}  (${humanBytes(this.done)} of ${humanBytes(this.total)}, ${this.rate()})\n`,
      );
  }

  finish(): void {
    if (this.enabled && this.tty) this.ctx.io.stderr.write('\r\x1b[2K');
  }
}

/** Streams one presigned URL to `<target>.part`, hashing on the way; the caller keeps it or not. */
export async function fetchToFile(
  ctx: CommandContext,
  url: string,
  target: string,
  key: string,
  progress: Progress,
  signal: AbortSignal,
): Promise<{ size: number; sha256: string }> {
  const doFetch = ctx.io.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  let response: Response;
  try {
    response = await doFetch(url, { method: 'GET', signal });
  } catch (error) {
    if (signal.aborted) throw new InterruptedError();
    throw new ConnectionError(`cannot download ${key}: ${(error as Error).message}`, url, { cause: error });
  }
  if (!response.ok || !response.body) {
    const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
    throw new ApiError(`download of ${key} failed: HTTP ${response.status} from the storage URL`, {
      code: 'DownloadFailed',
      httpStatus: response.status,
      ...(text ? { details: [text] } : {}),
    });
  }
  const partial = `${target}.part`;
  const handle = await open(partial, 'w');
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      await handle.write(chunk);
      size += chunk.byteLength;
      progress.bytes(chunk.byteLength, key);
    }
  } catch (error) {
    await handle.close();
    await rm(partial, { force: true });
    if (signal.aborted) throw new InterruptedError();
    throw new ConnectionError(`download of ${key} broke off: ${(error as Error).message}`, url, {
      cause: error,
    });
  }
  await handle.close();
  const sha256 = hash.digest('hex');
  return { size, sha256 };
}

async function downloadAll(
  ctx: CommandContext,
  client: ApiClient,
  id: string,
  dir: string,
  wanted: Wanted[],
) {
  const total = wanted.reduce((sum, w) => sum + (w.size ?? 0), 0);
  const progress = new Progress(ctx, total, wanted.length);
  const reports: FileReport[] = [];
  const interrupt = ctx.interruptible();
  try {
    for (const [index, w] of wanted.entries()) {
      const target = path.resolve(dir, ...w.key.split('/'));
      // Keys come from the API; never write outside the chosen directory whatever they say.
      if (!target.startsWith(path.resolve(dir) + path.sep)) {
        throw new ApiError(`the API listed a file outside the simulation: ${w.key}`, { code: 'BadResponse' });
      }
      const report: FileReport = { key: w.key, path: target, status: 'downloaded' };
      if (w.sha256 && (await stat(target).catch(() => undefined))?.size === w.size) {
        if ((await sha256OfFile(target)) === w.sha256) {
          report.status = 'skipped';
          report.size = w.size;
          report.sha256 = w.sha256;
          progress.bytes(w.size ?? 0, w.key);
          reports.push(report);
          progress.fileDone(index, report);
          continue;
        }
      }
      let link;
      try {
        link = await fetchFileLink(client, id, w.key);
      } catch (error) {
        if (w.optional && error instanceof CliError && error.httpStatus === 404) {
          report.status = 'absent';
          reports.push(report);
          progress.fileDone(index, report);
          continue;
        }
        throw error;
      }
      await mkdir(path.dirname(target), { recursive: true });
      if (w.size === undefined && link.size !== undefined) progress.expect(link.size);
      const got = await fetchToFile(ctx, link.url, target, w.key, progress, interrupt.signal);
      const partial = `${target}.part`;
      const expected = w.sha256 ?? link.sha256;
      report.size = got.size;
      report.sha256 = got.sha256;
      if (expected && expected !== got.sha256) {
        report.status = 'mismatch';
        report.expectedSha256 = expected;
        await rm(partial, { force: true });
      } else {
        await rename(partial, target);
      }
      reports.push(report);
      progress.fileDone(index, report);
    }
  } finally {
    interrupt.dispose();
    progress.finish();
  }
  return reports;
}

export const registerDownload: RegisterCommand = (program, ctx) => {
  program
    .command('download')
    .description("download a simulation's output files, each checked against its SHA-256")
    .argument('<id>', 'simulation id')
    .option('--collection <name>', 'only the files of this collection (e.g. SpeciesConc, Restart)')
    .option('--to <dir>', 'directory to download into (default: ./<id>)')
    .option('--include-results', 'also the results: manifest, metrics, surface means and preview maps')
    .option('--file <key...>', 'only these files (keys as `gcr results` and `gcr compare` show them)')
    .action(
      async (
        id: string,
        options: { collection?: string; to?: string; includeResults?: boolean; file?: string[] },
      ) => {
        const client = await ctx.client();
        const results = await fetchResults(client, id);
        if (!results.manifest) {
          throw new CliError(
            `simulation ${id} has no results to download yet (results ${results.status}${
              results.reason ? `: ${results.reason}` : ''
            })`,
            ExitCode.failed,
            { code: 'NoResults' },
          );
        }
        const dir = ctx.resolvePath(options.to ?? id);
        await mkdir(dir, { recursive: true });
        const wanted = wantedFiles(
          results,
          options.collection,
          options.includeResults === true,
          options.file,
        );
        const reports = await downloadAll(ctx, client, id, dir, wanted);
        const mismatches = reports.filter((r) => r.status === 'mismatch');
        const summary = {
          simulationId: id,
          directory: dir,
          downloaded: reports.filter((r) => r.status === 'downloaded').length,
          skipped: reports.filter((r) => r.status === 'skipped').length,
          mismatched: mismatches.length,
          files: reports,
        };
        if (ctx.json && mismatches.length === 0) ctx.outJson(summary);
        else if (!ctx.json) {
          ctx.out(
            `${summary.downloaded} downloaded, ${summary.skipped} already present, into ${clean(dir)}` +
              (results.manifest.complete
                ? ''
                : ` (the run is missing ${results.manifest.missing.length} expected outputs)`),
          );
        }
        if (mismatches.length > 0) {
          throw new CliError(
            `SHA-256 mismatch for ${mismatches.map((m) => m.key).join(', ')}: the downloaded bytes differ from the manifest; not kept`,
            ExitCode.failed,
            {
              code: 'ChecksumMismatch',
              details: mismatches.map((m) => `${m.key}: expected ${m.expectedSha256}, got ${m.sha256}`),
            },
          );
        }
      },
    );
};

/**
 * The figures of `npm run bench:api`, from raw samples to the table it prints:
 * per scenario the latency percentiles of every answer, the answers by status,
 * the connection errors; and the verdict on each target. Pure functions, so an
 * empty or all-failed scenario reports "-" instead of crashing the report.
 */

/** One request: its answer's status and latency, or a connection error (status 0). */
export interface Sample {
  status: number;
  ms: number;
}

export interface ScenarioRow {
  name: string;
  /** Requests per second asked for (0: a burst). */
  rate: number;
  requests: number;
  /** Answers by HTTP status, e.g. { 201: 190, 429: 10 }. */
  statuses: Record<number, number>;
  connectionErrors: number;
  /** Over every answer (connection errors excluded); undefined when there was none. */
  p50?: number;
  p95?: number;
  p99?: number;
  /** p95 of the 2xx answers only. */
  p95ok?: number;
}

export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(name: string, rate: number, samples: readonly Sample[]): ScenarioRow {
  const answered = samples.filter((s) => s.status > 0);
  const latencies = answered.map((s) => s.ms).sort((a, b) => a - b);
  const ok = answered
    .filter((s) => s.status >= 200 && s.status < 300)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  const statuses: Record<number, number> = {};
  for (const s of answered) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const row: ScenarioRow = {
    name,
    rate,
    requests: samples.length,
    statuses,
    connectionErrors: samples.length - answered.length,
  };
  const [p50, p95, p99, p95ok] = [
    percentile(latencies, 50),
    percentile(latencies, 95),
    percentile(latencies, 99),
    percentile(ok, 95),
  ];
  return {
    ...row,
    ...(p50 !== undefined ? { p50 } : {}),
    ...(p95 !== undefined ? { p95 } : {}),
    ...(p99 !== undefined ? { p99 } : {}),
    ...(p95ok !== undefined ? { p95ok } : {}),
  };
}

/** Answers that are not 2xx, by status: `429:12 503:1`, or `-`. */
export function non2xx(row: ScenarioRow): string {
  const parts = Object.entries(row.statuses)
    .filter(([status]) => Number(status) < 200 || Number(status) >= 300)
    .map(([status, count]) => `${status}:${count}`);
  return parts.length ? parts.join(' ') : '-';
}

const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));

export function formatTable(rows: readonly ScenarioRow[]): string[] {
  const header = [
    'scenario',
    'req/s',
    'requests',
    '2xx',
    'non-2xx by status',
    'conn err',
    'p50',
    'p95',
    'p99',
    'p95 2xx',
  ];
  const body = rows.map((r) => [
    r.name,
    r.rate ? String(r.rate) : 'burst',
    String(r.requests),
    String(
      Object.entries(r.statuses)
        .filter(([status]) => Number(status) >= 200 && Number(status) < 300)
        .reduce((sum, [, count]) => sum + count, 0),
    ),
    non2xx(r),
    String(r.connectionErrors),
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    ms(r.p95ok),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)];
}

export interface Target {
  description: string;
  met: boolean | undefined;
}

/**
 * The targets: GET p95 <= 50 ms at 100 req/s, POST p95 <= 300 ms at 10
 * req/s (every answer counted), and no connection error at any rate.
 */
export function targets(rows: readonly ScenarioRow[]): Target[] {
  const find = (method: string, rate: number) =>
    rows.find((r) => r.name.startsWith(method) && r.rate === rate);
  const get100 = find('GET', 100);
  const post10 = find('POST', 10);
  const within = (row: ScenarioRow | undefined, limit: number) =>
    row?.p95 === undefined ? undefined : row.p95 <= limit && row.connectionErrors === 0;
  return [
    { description: 'GET p95 <= 50 ms at 100 req/s', met: within(get100, 50) },
    { description: 'POST p95 <= 300 ms at 10 req/s', met: within(post10, 300) },
    {
      description: 'no connection errors at any rate',
      met: rows.length === 0 ? undefined : rows.every((r) => r.connectionErrors === 0),
    },
  ];
}

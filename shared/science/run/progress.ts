/** Progress of a run from the simulated time it reached. Pure. */

/** 0 to 100 with one decimal; 0 before the start, 100 at or after the end. */
export function percentDone(start: Date, end: Date, reached: Date): number {
  const span = end.getTime() - start.getTime();
  if (!(span > 0)) return 0;
  const fraction = (reached.getTime() - start.getTime()) / span;
  const clamped = Math.min(1, Math.max(0, fraction));
  return Math.round(clamped * 1000) / 10;
}

/** "2019-01-01T06:00:00Z" (ISO without milliseconds), as the demo model's status writes it. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface SimulationPeriod {
  start: Date;
  end: Date;
}

/**
 * The run's period: from the spec stored in rundir/gcr-rundir.json when there is
 * one, otherwise from geoschem_config.yml's `start_date: [YYYYMMDD, hhmmss]` and
 * `end_date`. Undefined if neither says.
 */
export function simulationPeriod(
  rundirMetadata: string | undefined,
  geoschemConfig: string | undefined,
): SimulationPeriod | undefined {
  if (rundirMetadata) {
    try {
      const parsed = JSON.parse(rundirMetadata) as { spec?: { period?: { start?: unknown; end?: unknown } } };
      const period = parsed.spec?.period;
      if (typeof period?.start === 'string' && typeof period.end === 'string') {
        const start = new Date(period.start);
        const end = new Date(period.end);
        if (!Number.isNaN(start.getTime()) && !Number.isNaN(end.getTime())) return { start, end };
      }
    } catch {
      // Not JSON: fall back to the GEOS-Chem configuration.
    }
  }
  if (geoschemConfig) {
    const start = configDate(geoschemConfig, 'start_date');
    const end = configDate(geoschemConfig, 'end_date');
    if (start && end) return { start, end };
  }
  return undefined;
}

function configDate(config: string, field: string): Date | undefined {
  const match = new RegExp(`^\\s*${field}:\\s*\\[\\s*(\\d{8})\\s*,\\s*(\\d{1,6})\\s*\\]`, 'm').exec(config);
  if (!match) return undefined;
  const ymd = match[1]!;
  const hms = match[2]!.padStart(6, '0');
  return new Date(
    Date.UTC(
      Number(ymd.slice(0, 4)),
      Number(ymd.slice(4, 6)) - 1,
      Number(ymd.slice(6, 8)),
      Number(hms.slice(0, 2)),
      Number(hms.slice(2, 4)),
      Number(hms.slice(4, 6)),
    ),
  );
}

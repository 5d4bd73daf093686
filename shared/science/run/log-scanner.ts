/**
 * Reads GEOS-Chem's log as it is written: the simulated time it has reached,
 * whether it printed its end banner, and the first fatal error it reported.
 * Pure: feed it text, read what it saw.
 *
 * GC Classic prints a line per timestep,
 *   ---> DATE: 2019/07/01  UTC: 00:20  X-HRS:      0.333333
 * (older versions said GMT), and on success
 *   **************   E N D   O F   G E O S -- C H E M   **************
 * GCHP (MAPL) prints
 *    AGCM Date: 2019/07/01  Time: 00:20:00  Throughput(days/day)[Avg Tot Run]: ...
 */

const CLASSIC_DATE = /--->\s*DATE:\s*(\d{4})\/(\d{2})\/(\d{2})\s+(?:UTC|GMT):\s*(\d{2}):(\d{2})/;
const GCHP_DATE = /AGCM Date:\s*(\d{4})\/(\d{2})\/(\d{2})\s+Time:\s*(\d{2}):(\d{2})(?::(\d{2}))?/;
const END_BANNER = /E N D\s+O F\s+G E O S -- C H E M/;

/** Lines that mean the run is lost, whatever the process's exit code says. */
const FATAL_PATTERNS: readonly RegExp[] = [
  /GEOS-Chem ERROR/i,
  /HEMCO ERROR/i,
  /forrtl: severe/i,
  /Program received signal/,
  /Fortran runtime error/,
  /Error termination\./,
  /MPI_ABORT was invoked/,
];

export interface LogSummary {
  /** The latest simulated time the model reported. */
  simulatedTime?: Date;
  /** It printed "E N D   O F   G E O S -- C H E M". */
  sawEndBanner: boolean;
  /** The first fatal-error line, trimmed. */
  fatalError?: string;
}

/** What one line says, if anything. */
export function readLogLine(line: string): { simulatedTime?: Date; endBanner?: true; fatalError?: string } {
  const date = CLASSIC_DATE.exec(line) ?? GCHP_DATE.exec(line);
  if (date) {
    const [, y, mo, d, h, mi, s] = date;
    return {
      simulatedTime: new Date(
        Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)),
      ),
    };
  }
  if (END_BANNER.test(line)) return { endBanner: true };
  if (FATAL_PATTERNS.some((pattern) => pattern.test(line))) return { fatalError: line.trim() };
  return {};
}

/** Accumulates what the log said, across chunks that may split lines anywhere. */
export class LogScanner {
  private partial = '';
  private readonly summary: LogSummary = { sawEndBanner: false };

  /** Feeds a chunk of log text; returns true when the simulated time moved forward. */
  feed(chunk: string): boolean {
    const lines = (this.partial + chunk).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    let advanced = false;
    for (const line of lines) advanced = this.readLine(line) || advanced;
    return advanced;
  }

  /** Reads whatever is left after the last newline (call when the log ends). */
  flush(): boolean {
    const rest = this.partial;
    this.partial = '';
    return rest ? this.readLine(rest) : false;
  }

  get result(): LogSummary {
    return { ...this.summary };
  }

  private readLine(line: string): boolean {
    const seen = readLogLine(line);
    if (seen.endBanner) this.summary.sawEndBanner = true;
    if (seen.fatalError && this.summary.fatalError === undefined) this.summary.fatalError = seen.fatalError;
    if (seen.simulatedTime) {
      const previous = this.summary.simulatedTime;
      if (!previous || seen.simulatedTime.getTime() > previous.getTime()) {
        this.summary.simulatedTime = seen.simulatedTime;
        return true;
      }
    }
    return false;
  }
}

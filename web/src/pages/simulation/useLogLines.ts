/**
 * The job's log, read a page at a time from GET /simulations/{id}/logs: the
 * whole log on open (oldest first, page after page while pages come back
 * full), then, while following, the lines written since (the forward token)
 * every `everyMs`. The lines come from the API, so they stay after the run ends.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../../api/ApiContext.js';
import type { LogEvent } from '#schemas/generated/types.js';
import { ApiRequestError, apiRequestError } from './api-errors.js';

export const LOG_PAGE_LINES = 1000;
/** Pages read back to back before yielding (a long log still opens promptly). */
const PAGES_PER_READ = 20;

export interface LogLines {
  lines: LogEvent[];
  /** True while the job has written nothing yet (409 NoLogsYet). */
  noneYet: boolean;
  loading: boolean;
  error?: string;
  logStreamName?: string;
}

export function useLogLines(id: string, follow: boolean, everyMs: number): LogLines {
  const api = useApi();
  const [state, setState] = useState<LogLines>({ lines: [], noneYet: false, loading: true });
  const nextToken = useRef<string | undefined>(undefined);
  const reading = useRef(false);

  const readNewLines = useCallback(async () => {
    if (reading.current) return;
    reading.current = true;
    try {
      for (let page = 0; page < PAGES_PER_READ; page += 1) {
        const token = nextToken.current;
        const { data, error, response } = await api.GET('/simulations/{id}/logs', {
          params: { path: { id }, query: { limit: LOG_PAGE_LINES, ...(token ? { nextToken: token } : {}) } },
        });
        if (!data) throw apiRequestError(error, response);
        nextToken.current = data.nextToken ?? token;
        setState((previous) => ({
          lines: data.events.length > 0 ? [...previous.lines, ...data.events] : previous.lines,
          noneYet: false,
          loading: false,
          logStreamName: data.logStreamName,
        }));
        if (data.events.length < LOG_PAGE_LINES || !data.nextToken) break;
      }
    } catch (error) {
      if (error instanceof ApiRequestError && error.code === 'NoLogsYet') {
        setState((previous) => ({ ...previous, noneYet: true, loading: false }));
      } else {
        setState((previous) => ({ ...previous, loading: false, error: (error as Error).message }));
      }
    } finally {
      reading.current = false;
    }
  }, [api, id]);

  useEffect(() => {
    nextToken.current = undefined;
    setState({ lines: [], noneYet: false, loading: true });
    void readNewLines();
  }, [readNewLines]);

  useEffect(() => {
    if (!follow) return undefined;
    const timer = setInterval(() => void readNewLines(), everyMs);
    return () => clearInterval(timer);
  }, [follow, everyMs, readNewLines]);

  return state;
}

/** The log as a text file: one line per event, its UTC time first. */
export function logAsText(lines: LogEvent[]): string {
  return lines.map((line) => `${new Date(line.timestamp).toISOString()} ${line.message}`).join('\n') + '\n';
}

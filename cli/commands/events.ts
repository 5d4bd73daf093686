/** `gcr events <id>`: the bus events about one simulation, from the local platform's events.jsonl. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';
import type { RegisterCommand } from '../context.js';
import { eventsTable, type BusEvent } from '../views.js';

export const EVENTS_FILE = 'events.jsonl';

export interface EventsRead {
  events: BusEvent[];
  /** Lines that were not JSON objects (e.g. a line cut short by a crash). */
  skipped: number;
}

/** Events whose detail.simulationId is `id`, in the order the bus recorded them. */
export async function readSimulationEvents(file: string, id: string): Promise<EventsRead> {
  const needle = JSON.stringify(id).slice(1, -1);
  const events: BusEvent[] = [];
  let skipped = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    if (!line.includes(needle)) continue; // cheap filter before parsing
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (typeof event !== 'object' || event === null) {
      skipped++;
      continue;
    }
    const detail = (event as BusEvent).detail;
    if (typeof detail === 'object' && detail !== null && detail.simulationId === id) {
      events.push(event as BusEvent);
    }
  }
  return { events, skipped };
}

export const registerEvents: RegisterCommand = (program, ctx) => {
  program
    .command('events')
    .description(
      "show the events the local platform's bus carried about a simulation (no running platform needed)",
    )
    .argument('<id>', 'simulation id')
    .action(async (id: string) => {
      const dataDir = ctx.dataDir();
      const file = path.join(dataDir, EVENTS_FILE);
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new InputError(`${file} is not a file`, { code: 'EventsFileUnreadable' });
      } catch (error) {
        if (error instanceof InputError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        throw new InputError(
          code === 'ENOENT'
            ? `no events recorded in ${dataDir}: ${file} does not exist (the local platform writes it; pass --data-dir if it lives elsewhere)`
            : `cannot read ${file}: ${(error as Error).message}`,
          { code: code === 'ENOENT' ? 'NoEventsFile' : 'EventsFileUnreadable' },
        );
      }
      const { events, skipped } = await readSimulationEvents(file, id);
      if (skipped > 0) ctx.note(`skipped ${skipped} line(s) of ${file} that are not JSON`);
      if (ctx.json) {
        ctx.outJson(events);
        return;
      }
      if (events.length === 0) {
        ctx.out(`no events about ${id} in ${file}`);
        return;
      }
      ctx.out(eventsTable(events, ctx.colors));
    });
};

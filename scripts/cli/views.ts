/**
 * How simulations and events look for people. Pure functions of the API's JSON
 * (tolerant of fields that are missing or added later).
 */
import type { Simulation, SimulationSummary } from './api-client.js';
import { clean, formatTime, keyValues, paintStatus, table, timeWithAge, type Colors } from './format.js';

function get(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const key of dotted.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function first(obj: unknown, paths: string[]): string | undefined {
  for (const p of paths) {
    const v = get(obj, p);
    if (typeof v === 'string' || typeof v === 'number') return clean(v);
  }
  return undefined;
}

export interface SpecFacts {
  type?: string;
  grid?: string;
  backend?: string;
  period?: string;
}

/** The headline facts of a spec: simulation type, grid, backend, simulated period. */
export function specFacts(spec: unknown): SpecFacts {
  const start = first(spec, ['period.start', 'period.startDate', 'startDate', 'start', 'dates.start']);
  const end = first(spec, ['period.end', 'period.endDate', 'endDate', 'end', 'dates.end']);
  return {
    type: first(spec, ['simulation.type', 'simulationType', 'type']),
    grid: first(spec, ['grid.resolution', 'resolution']),
    backend: first(spec, ['compute.backend', 'backend']),
    period: start || end ? `${start ?? '?'} → ${end ?? '?'}` : undefined,
  };
}

export function progressText(sim: Pick<Simulation, 'progress'>): string | undefined {
  const p = sim.progress;
  if (!p || typeof p.percent !== 'number') return undefined;
  const model = typeof p.simulatedTime === 'string' ? ` (model time ${formatTime(p.simulatedTime)})` : '';
  return `${Math.round(p.percent * 10) / 10}%${model}`;
}

/** Key/value block of one simulation. */
export function simulationBlock(sim: Simulation, colors: Colors, now: Date): string {
  const facts = specFacts(sim.spec);
  const backend = typeof sim.backend === 'string' ? clean(sim.backend) : facts.backend;
  return keyValues(
    [
      ['id', clean(sim.id)],
      ['name', clean(sim.name)],
      ['owner', clean(sim.owner)],
      ['status', paintStatus(String(sim.status ?? ''), colors)],
      ['progress', progressText(sim)],
      ['type', facts.type],
      ['grid', facts.grid],
      ['period', facts.period],
      ['backend', backend],
      ['version', sim.version === undefined ? undefined : String(sim.version)],
      ['created', timeWithAge(sim.createdAt, now)],
      ['updated', timeWithAge(sim.updatedAt, now)],
      ['cancel asked', timeWithAge(sim.cancelRequestedAt, now)],
    ],
    colors,
  );
}

export function historyTable(sim: Simulation, colors: Colors): string {
  const history = Array.isArray(sim.history) ? sim.history : [];
  if (history.length === 0) return 'no history recorded\n';
  return table(
    ['AT', 'FROM', 'TO', 'REASON'],
    history.map((h) => [
      formatTime(h.at, true),
      h.from ? paintStatus(h.from, colors) : colors.dim('-'),
      paintStatus(String(h.to ?? ''), colors),
      clean(h.reason),
    ]),
    colors,
  );
}

export function summariesTable(items: SimulationSummary[], colors: Colors): string {
  return table(
    ['ID', 'NAME', 'STATUS', 'CREATED', 'TYPE', 'GRID'],
    items.map((s) => [
      clean(s.id),
      clean(s.name),
      paintStatus(String(s.status ?? ''), colors),
      formatTime(s.createdAt),
      clean(s.simulationType),
      clean(s.resolution),
    ]),
    colors,
  );
}

/** An EventBridge event as the local bus records it in events.jsonl. */
export interface BusEvent {
  id?: string;
  time?: string;
  'detail-type'?: string;
  source?: string;
  detail?: Record<string, unknown>;
  [key: string]: unknown;
}

const money = (v: unknown): string | undefined => (typeof v === 'number' ? `$${v.toFixed(2)}` : undefined);

/** One short line about what an event says. */
export function eventSummary(event: BusEvent): string {
  const d = event.detail ?? {};
  const s = (v: unknown): string => clean(v);
  switch (event['detail-type']) {
    case 'Simulation Status Changed': {
      const arrow = `${d.from ? s(d.from) : '∅'} → ${s(d.to)}`;
      return d.reason ? `${arrow} (${s(d.reason)})` : arrow;
    }
    case 'Simulation Submitted':
      return [s(d.name), s(d.simulationType), s(d.resolution), s(d.backend)].filter(Boolean).join(' ');
    case 'Simulation Results Ready': {
      const files = typeof d.fileCount === 'number' ? `${d.fileCount} files` : '';
      const bytes = typeof d.totalBytes === 'number' ? humanBytes(d.totalBytes) : '';
      const missing =
        Array.isArray(d.missingOutputs) && d.missingOutputs.length
          ? `${d.missingOutputs.length} missing`
          : '';
      return [files, bytes, missing].filter(Boolean).join(', ') || genericSummary(d);
    }
    case 'Simulation Results Failed':
      return s(d.reason);
    case 'Simulation Cost Updated': {
      const amount = money(d.amountUsd);
      const max = money(d.maxCostUsd);
      return `${s(d.kind)} ${amount ?? ''}${max ? ` (max ${max})` : ''}`.trim();
    }
    case 'Notification Failed':
      return `${s(d.channel)}: ${s(d.reason)}${typeof d.attempts === 'number' ? ` after ${d.attempts} attempts` : ''}`;
    default:
      return genericSummary(d);
  }
}

function genericSummary(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(detail)) {
    if (k === 'schemaVersion' || k === 'simulationId' || k === 'owner') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      parts.push(`${k}=${clean(v)}`);
  }
  const text = parts.join(' ');
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

export function humanBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export function eventsTable(events: BusEvent[], colors: Colors): string {
  return table(
    ['TIME', 'TYPE', 'SOURCE', 'SUMMARY'],
    events.map((e) => [formatTime(e.time, true), clean(e['detail-type']), clean(e.source), eventSummary(e)]),
    colors,
  );
}

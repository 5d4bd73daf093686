/**
 * How simulations and events look for people. Pure functions of the API's JSON
 * (tolerant of fields that are missing or added later).
 */
import type {
  Simulation,
  SimulationCost,
  SimulationSummary,
  StatusHistoryEntry,
} from '#schemas/generated/types.js';
import {
  clean,
  formatDuration,
  formatTime,
  keyValues,
  paintStatus,
  table,
  timeWithAge,
  type Colors,
  type LinePart,
} from './format.js';

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
      ['cost', sim.cost ? `${costText(sim.cost)} (gcr cost ${clean(sim.id)})` : undefined],
      ['type', facts.type],
      ['grid', facts.grid],
      ['period', facts.period],
      ['backend', backend],
      ['version', sim.version === undefined ? undefined : String(sim.version)],
      ['created', timeWithAge(sim.createdAt, now)],
      ['updated', timeWithAge(sim.updatedAt, now)],
      ['cancel asked', timeWithAge(sim.cancelRequestedAt, now)],
      [
        'pause asked',
        sim.pause
          ? `${timeWithAge(sim.pause.requestedAt, now)} by ${clean(sim.pause.requestedBy)}${
              sim.pause.restart ? `, stopped at its restart for ${clean(sim.pause.restart.modelTime)}` : ''
            }`
          : undefined,
      ],
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

/** "$1.23" (final) or "$0.45 so far" (accrued); "-" before the tracker priced it. */
export function costText(cost: unknown): string {
  const c = cost as { kind?: unknown; totalUsd?: unknown; maxCostUsd?: unknown } | undefined;
  if (typeof c?.totalUsd !== 'number') return '-';
  const amount = `$${c.totalUsd.toFixed(2)}${c.kind === 'final' ? '' : ' so far'}`;
  return typeof c.maxCostUsd === 'number' ? `${amount} (max $${c.maxCostUsd})` : amount;
}

export function summariesTable(items: SimulationSummary[], colors: Colors): string {
  return table(
    ['ID', 'NAME', 'STATUS', 'CREATED', 'TYPE', 'GRID', 'COST'],
    items.map((s) => [
      clean(s.id),
      clean(s.name),
      paintStatus(String(s.status ?? ''), colors),
      formatTime(s.createdAt),
      clean(s.simulationType),
      clean(s.resolution),
      costText(s.cost),
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

/** `[########------------]  42.0%`: `width` cells, a cell filled per whole 1/width done. */
export function progressBar(percent: number, width = 20): string {
  const p = Math.min(100, Math.max(0, Number.isFinite(percent) ? percent : 0));
  const filled = Math.floor((p / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]  ${p.toFixed(1)}%`;
}

/** Milliseconds from `from` to `to` (ISO strings or a Date); undefined when either is unknown. */
function span(from: unknown, to: unknown): number | undefined {
  const a = typeof from === 'string' ? Date.parse(from) : NaN;
  const b = to instanceof Date ? to.getTime() : typeof to === 'string' ? Date.parse(to) : NaN;
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : b - a;
}

/**
 * The parts of `gcr watch`'s live line: status, a remark (e.g. a retry), progress
 * bar, model time reached, attempt (from the 2nd), elapsed time since creation.
 * On a narrow terminal the model time goes first, then the attempt, the elapsed
 * time and the bar.
 */
export function watchLineParts(sim: Simulation, colors: Colors, now: Date, remark?: string): LinePart[] {
  const parts: LinePart[] = [{ text: paintStatus(String(sim.status ?? ''), colors) }];
  if (remark) parts.push({ text: colors.yellow(clean(remark)), keep: 4 });
  const p = sim.progress;
  if (p && typeof p.percent === 'number') parts.push({ text: progressBar(p.percent), keep: 3 });
  if (p && typeof p.simulatedTime === 'string') {
    parts.push({ text: `simulated ${formatTime(p.simulatedTime)}`, keep: 0 });
  }
  const attempt = sim.job?.attempt;
  if (typeof attempt === 'number' && attempt > 1) parts.push({ text: `attempt ${attempt}`, keep: 1 });
  const elapsed = span(sim.createdAt, now);
  if (elapsed !== undefined) parts.push({ text: colors.dim(`elapsed ${formatDuration(elapsed)}`), keep: 2 });
  return parts;
}

/** A status transition: a history entry, or one `gcr watch` saw itself (then perhaps without a reason). */
export type Transition = Omit<StatusHistoryEntry, 'reason'> & Partial<Pick<StatusHistoryEntry, 'reason'>>;

/** One status transition: `2024-06-01 12:00:05Z  PENDING → SUBMITTED  job abc submitted`. */
export function transitionLine(entry: Transition, colors: Colors): string {
  const from = entry.from ? paintStatus(entry.from, colors) : colors.dim('∅');
  const line = `${formatTime(entry.at, true) || '?'}  ${from} → ${paintStatus(String(entry.to ?? ''), colors)}`;
  return entry.reason ? `${line}  ${clean(entry.reason)}` : line;
}

/** The history entry that brought the simulation to its current status, if recorded. */
function arrival(sim: Simulation): StatusHistoryEntry | undefined {
  const history = Array.isArray(sim.history) ? sim.history : [];
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]?.to === sim.status) return history[i];
  }
  return undefined;
}

/** Why the simulation is where it is: its last transition's reason, else the job's status reason. */
export function lastReason(sim: Simulation): string | undefined {
  const reason = arrival(sim)?.reason || sim.job?.statusReason;
  return typeof reason === 'string' && reason !== '' ? clean(reason) : undefined;
}

/** The closing lines of `gcr watch` for a simulation in a terminal status. */
export function watchSummary(sim: Simulation, colors: Colors): string {
  const id = clean(sim.id);
  const status = String(sim.status ?? '');
  const took = span(sim.createdAt, arrival(sim)?.at ?? sim.updatedAt);
  const head = `${id} ${paintStatus(status, colors)}${took === undefined ? '' : ` after ${formatDuration(took)}`}`;
  const hint = colors.dim(`  see its log: gcr logs ${id}`);
  if (status === 'SUCCEEDED') return `${head}\n${hint}\n`;
  const exit = typeof sim.job?.exitCode === 'number' ? ` (exit code ${sim.job.exitCode})` : '';
  const lines = [`${head}: ${lastReason(sim) ?? 'no reason recorded'}${exit}`];
  // A job that never started has no log to look at.
  if (sim.job?.logStreamName || sim.job?.startedAt) lines.push(hint);
  return `${lines.join('\n')}\n`;
}

const usd = (value: number): string => `$${value.toFixed(value !== 0 && Math.abs(value) < 0.1 ? 4 : 2)}`;

/** `gcr cost <id>` (and the demo's last lines): the cost, itemised, then per attempt. */
export function costBlock(cost: SimulationCost, c: Colors): string {
  const title = `${cost.kind === 'final' ? 'Final' : 'Accrued (so far)'} cost of ${clean(cost.simulationId)}: ${c.bold(usd(cost.totalUsd))}`;
  const limit = cost.maxCostUsd !== undefined ? ` (maxCostUsd $${cost.maxCostUsd})` : '';
  const items = cost.items
    .map((item) => {
      const amount = item.known ? `${usd(item.usd)}${item.perMonth ? ' a month' : ''}` : 'not known';
      return [
        `${c.bold(item.item.padEnd(16))} ${amount}`,
        c.dim(`  includes: ${clean(item.includes)}`),
        c.dim(`  leaves out: ${clean(item.leavesOut)}`),
      ].join('\n');
    })
    .join('\n');
  const attempts = table(
    ['attempt', 'instance', 'zone', 'purchase', 'nodes', 'share', 'USD/h', 'time', 'compute', 'EBS'],
    cost.attempts.map((a) => [
      `${a.attempt}${a.ended ? '' : ' (running)'}`,
      clean(a.instanceType),
      clean(a.availabilityZone),
      a.purchase,
      String(a.nodes),
      `${(a.share.applied * 100).toFixed(1)}%`,
      a.price.periods.map((p) => p.usdPerHour.toFixed(4)).join(' → ') || '?',
      formatDuration(a.seconds * 1000),
      usd(a.computeUsd),
      usd(a.ebsUsd),
    ]),
    c,
  );
  const h = cost.headline;
  const headline: [string, string | undefined][] = [
    [
      'status',
      `${cost.status} (as of version ${cost.simulationVersion}, ${formatTime(cost.updatedAt, true)})`,
    ],
    [
      'per simulated day',
      h?.costPerSimulatedDayUsd !== undefined ? usd(h.costPerSimulatedDayUsd) : undefined,
    ],
    [
      'estimate',
      h?.estimate
        ? `${usd(h.estimate.lowUsd)} - ${usd(h.estimate.highUsd)}, expected ${usd(h.estimate.expectedUsd)} on ${clean(h.estimate.instanceType)}${h.finalOverExpected !== undefined ? `; final / expected = ${h.finalOverExpected}` : ''}`
        : undefined,
    ],
    [
      'prices',
      cost.attempts[0]
        ? `${clean(cost.attempts[0].price.source)}, as of ${clean(cost.attempts[0].price.asOf)}`
        : undefined,
    ],
    [
      'billed (CUR)',
      cost.reconciliation
        ? `${usd(cost.reconciliation.billedUsd)} billed vs ${usd(cost.reconciliation.trackedUsd)} tracked compute, difference ${usd(cost.reconciliation.differenceUsd)} (tracked - billed; ${cost.reconciliation.attempts.map((a) => `attempt ${a.attempt}: ${usd(a.billedUsd)} vs ${usd(a.trackedUsd)}`).join(', ')}; ${formatTime(cost.reconciliation.reconciledAt, true)})`
        : undefined,
    ],
  ];
  return [
    `${title}${limit}`,
    keyValues(headline, c),
    '',
    items,
    '',
    cost.attempts.length > 0 ? attempts : c.dim('no attempt has started yet'),
  ].join('\n');
}

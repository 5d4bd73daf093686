import type { Simulation } from '../../schemas/generated/types.js';
import type { SimulationStatus } from '../../shared/status.js';

let counter = 0;

/** A stored simulation as the submission service writes it, with overridable fields. */
export function aSimulation(overrides: Partial<Simulation> & { status?: SimulationStatus } = {}): Simulation {
  counter += 1;
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString();
  const id = overrides.id ?? `sim_${String(counter).padStart(26, '0')}`;
  return {
    id,
    owner: 'alice',
    name: `run ${counter}`,
    status: 'PENDING',
    version: 1,
    createdAt,
    updatedAt: createdAt,
    backend: 'local',
    spec: {
      name: `run ${counter}`,
      simulation: { type: 'TransportTracers' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5' },
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
    } as Simulation['spec'],
    history: [{ at: createdAt, from: null, to: overrides.status ?? 'PENDING', reason: 'submitted' }],
    ...overrides,
  };
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { Simulation } from '#schemas/generated/types.js';
import type { SimulationStatus } from '#shared/kernel/status.js';
import type { JobDescription, JobState } from '#shared/kernel/compute/backend.js';
import { repoRoot } from './local-dynamodb.js';

let counter = 0;

/** The resolved spec of examples/demo-local-4x5-1day.json, as submission stores it. */
export function storedDemoSpec(overrides: { compute?: Record<string, unknown> } = {}): Simulation['spec'] {
  const raw = JSON.parse(readFileSync(path.join(repoRoot, 'examples/demo-local-4x5-1day.json'), 'utf8'));
  raw.compute = { ...raw.compute, ...overrides.compute };
  const result = validateSimulationSpec(raw);
  if (!result.ok) throw new Error(`demo spec invalid: ${JSON.stringify(result.issues)}`);
  return result.spec;
}

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
    spec: storedDemoSpec(),
    history: [{ at: createdAt, from: null, to: overrides.status ?? 'PENDING', reason: 'submitted' }],
    ...overrides,
  };
}

/** A job as a backend describes it. */
export function aJob(state: JobState, overrides: Partial<JobDescription> = {}): JobDescription {
  return { jobId: 'job-1', jobName: 'gcr-sim', state, attempts: [], ...overrides };
}

/**
 * The run directory of a submitted simulation: generated from the validated
 * spec and stored under `simulations/<id>/rundir/` in the results bucket before
 * the simulation exists, so a job never starts without its configuration.
 */
import { ValidationError, type FieldIssue } from '#shared/kernel/errors.js';
import { runDirectoryPrefix } from '#shared/kernel/storage/bucket-layout.js';
import { planInputs } from '#shared/science/inputs/plan-inputs.js';
import { generateRunDirectory, type GeneratedRunDirectory } from '#shared/science/rundir/generate.js';
import type { ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { ObjectStore, PutObjectInput } from './ports.js';

/** The file next to the configuration files that says where they came from. */
export const RUNDIR_MANIFEST_FILE = 'gcr-rundir.json';

/** The input data the job runner stages before GEOS-Chem starts (an InputPlan). */
export const RUNDIR_INPUTS_FILE = 'gcr-inputs.json';

/** Contents of `rundir/gcr-rundir.json`. */
export interface RunDirectoryManifest {
  name: string;
  assumptions: string[];
  generatedAt: string;
  spec: ResolvedSimulationSpec;
}

/** Which spec field a generator refusal is about, from its message (the generator throws plain Errors). */
const FIELD_BY_MESSAGE: [RegExp, string][] = [
  [/collections/i, 'diagnostics.collections'],
  [/GEOS-Chem Classic [\d.]+ only|geosChemVersion/i, 'geosChemVersion'],
  [/run directories are generated for .* only/i, 'simulation.type'],
  [/gcap2|ModelE2\.1/i, 'meteorology.gcap2'],
  [/offers no .*meteorology|met field/i, 'meteorology.field'],
  [/bounds/i, 'grid.bounds'],
  [/nested ?domain/i, 'grid.nestedDomain'],
  [/cubed-sphere|timestep|resolution|grid/i, 'grid.resolution'],
  [/gchp|model/i, 'model'],
];

export function generatorIssue(error: unknown): FieldIssue {
  const message = error instanceof Error ? error.message : String(error);
  // A scale factor HEMCO_Config.rc cannot take names itself (emissions.scaleFactors[i]: ...).
  const named = /^(emissions\.scaleFactors\[\d+\]): /.exec(message)?.[1];
  const field = named ?? FIELD_BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1] ?? 'body';
  return { field, message: `no run directory can be generated for this spec: ${message}` };
}

/**
 * The run directory for a spec the validator accepted. A spec the generator
 * still cannot serve is the caller's to change: a 400 naming the field, not a 500.
 */
export function buildRunDirectory(spec: ResolvedSimulationSpec): GeneratedRunDirectory {
  try {
    return generateRunDirectory(spec);
  } catch (error) {
    throw new ValidationError('the simulation spec is invalid', [generatorIssue(error)]);
  }
}

function contentTypeOf(fileName: string): string {
  if (fileName.endsWith('.json')) return 'application/json';
  if (fileName.endsWith('.yml') || fileName.endsWith('.yaml')) return 'application/yaml';
  return 'text/plain; charset=utf-8';
}

/**
 * The objects a run directory is stored as: every generated file, the input
 * plan the runner stages from (gcr-inputs.json), and gcr-rundir.json last.
 */
export function runDirectoryObjects(
  simulationId: string,
  spec: ResolvedSimulationSpec,
  generated: GeneratedRunDirectory,
  generatedAt: Date,
  /** The input plan's JSON when the caller has it already (an ensemble's members share plans). */
  inputPlanJson?: string,
): PutObjectInput[] {
  const prefix = runDirectoryPrefix(simulationId);
  const manifest: RunDirectoryManifest = {
    name: generated.name,
    assumptions: generated.assumptions,
    generatedAt: generatedAt.toISOString(),
    spec,
  };
  return [
    ...Object.entries(generated.files).map(([name, body]) => ({
      key: `${prefix}${name}`,
      body,
      contentType: contentTypeOf(name),
    })),
    {
      key: `${prefix}${RUNDIR_INPUTS_FILE}`,
      body: inputPlanJson ?? inputPlanBody(spec, generatedAt),
      contentType: 'application/json',
    },
    {
      key: `${prefix}${RUNDIR_MANIFEST_FILE}`,
      body: `${JSON.stringify(manifest, null, 2)}\n`,
      contentType: 'application/json',
    },
  ];
}

/** gcr-inputs.json's contents for a spec. */
export function inputPlanBody(spec: ResolvedSimulationSpec, generatedAt: Date): string {
  return `${JSON.stringify(planInputs(spec, { now: generatedAt }), null, 2)}\n`;
}

/** Writes the run directory's objects, all at once (they are independent). */
export async function storeRunDirectory(
  objects: ObjectStore,
  simulationId: string,
  spec: ResolvedSimulationSpec,
  generated: GeneratedRunDirectory,
  generatedAt: Date,
  inputPlanJson?: string,
): Promise<void> {
  await Promise.all(
    runDirectoryObjects(simulationId, spec, generated, generatedAt, inputPlanJson).map((o) =>
      objects.putObject(o),
    ),
  );
}

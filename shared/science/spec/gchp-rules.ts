/**
 * GCHP (GEOS-Chem High Performance) rules: cubed-sphere resolutions, the MPI
 * layout (cores and nodes) and the EFA-capable instance types a multi-node
 * AWS Batch job can use. Shared by spec validation, the run-directory generator
 * and the Batch backend. See docs/GCHP.md.
 */
import type { CpuArchitecture, GridResolution, MetField, SimulationType } from '#schemas/generated/types.js';

export type CubedSphereResolution = 'C24' | 'C48' | 'C90' | 'C180';

export const CUBED_SPHERE_RESOLUTIONS: readonly CubedSphereResolution[] = ['C24', 'C48', 'C90', 'C180'];

export function isCubedSphere(resolution: GridResolution): resolution is CubedSphereResolution {
  return (CUBED_SPHERE_RESOLUTIONS as readonly string[]).includes(resolution);
}

/** N of CN: grid cells along each edge of a cube face. */
export function cubedSphereCells(resolution: CubedSphereResolution): number {
  return Number(resolution.slice(1));
}

/** The lat-lon grid a cubed-sphere resolution is roughly equivalent to (for messages). */
export const ROUGH_LAT_LON: Record<CubedSphereResolution, string> = {
  C24: '4x5',
  C48: '2x2.5',
  C90: '1x1.25',
  C180: '0.5x0.625',
};

/** GCHP splits each of the 6 cube faces among the same number of processes. */
export const CUBE_FACES = 6;

export const GCHP_LIMITS = { minCores: 6, maxCores: 2304, minNodes: 1, maxNodes: 32 } as const;

/**
 * Total MPI processes used when the spec does not say: enough that each
 * process holds a few hundred columns at C24-C90 and stays within GCHP's
 * guidance (each process's block of a face at least about 4 x 4 cells).
 */
export const DEFAULT_GCHP_CORES: Record<CubedSphereResolution, number> = {
  C24: 48,
  C48: 96,
  C90: 216,
  C180: 576,
};

/** The only simulation whose GCHP templates the platform has (run/GCHP/ of 14.7.0). */
export const GCHP_SIMULATIONS: readonly SimulationType[] = ['fullchem'];

/** GCHP's createRunDir.sh met menu: MERRA-2, GEOS-FP, GEOS-IT (no GCAP 2.0). */
export const GCHP_MET_FIELDS: readonly MetField[] = ['merra2', 'geosfp', 'geosit'];

/** GCHP runs on the native 72 levels; its createRunDir.sh does not ask. */
export const GCHP_LEVELS = 72 as const;

export interface EfaInstanceType {
  instanceType: string;
  architecture: CpuArchitecture;
  /** vCPUs as Batch counts them. */
  vcpus: number;
  /** Physical cores: GCHP runs one MPI process per core. */
  physicalCores: number;
  memoryGiB: number;
}

/**
 * EC2 instance types with an Elastic Fabric Adapter (low-latency MPI between
 * nodes) that suit GCHP: compute-optimised, network-optimised and HPC types.
 */
export const EFA_INSTANCE_TYPES: readonly EfaInstanceType[] = [
  { instanceType: 'c5n.18xlarge', architecture: 'x86_64', vcpus: 72, physicalCores: 36, memoryGiB: 192 },
  { instanceType: 'c6i.32xlarge', architecture: 'x86_64', vcpus: 128, physicalCores: 64, memoryGiB: 256 },
  { instanceType: 'c6in.32xlarge', architecture: 'x86_64', vcpus: 128, physicalCores: 64, memoryGiB: 256 },
  { instanceType: 'c7i.48xlarge', architecture: 'x86_64', vcpus: 192, physicalCores: 96, memoryGiB: 384 },
  { instanceType: 'hpc6a.48xlarge', architecture: 'x86_64', vcpus: 96, physicalCores: 96, memoryGiB: 384 },
  { instanceType: 'hpc7a.96xlarge', architecture: 'x86_64', vcpus: 192, physicalCores: 192, memoryGiB: 768 },
  { instanceType: 'c6gn.16xlarge', architecture: 'arm64', vcpus: 64, physicalCores: 64, memoryGiB: 128 },
  { instanceType: 'c7gn.16xlarge', architecture: 'arm64', vcpus: 64, physicalCores: 64, memoryGiB: 128 },
  { instanceType: 'hpc7g.16xlarge', architecture: 'arm64', vcpus: 64, physicalCores: 64, memoryGiB: 128 },
];

/** The node type used when a GCHP spec names none (the multinode compute environments offer these). */
export const DEFAULT_GCHP_INSTANCE_TYPE: Record<CpuArchitecture, string> = {
  x86_64: 'c5n.18xlarge',
  arm64: 'hpc7g.16xlarge',
};

export function efaInstanceType(instanceType: string): EfaInstanceType | undefined {
  return EFA_INSTANCE_TYPES.find((entry) => entry.instanceType === instanceType);
}

export function efaInstanceTypesFor(architecture: CpuArchitecture): string[] {
  return EFA_INSTANCE_TYPES.filter((entry) => entry.architecture === architecture).map(
    (entry) => entry.instanceType,
  );
}

/** Nodes needed to run `cores` processes, one per physical core. */
export function defaultGchpNodes(cores: number, instance: EfaInstanceType): number {
  return Math.max(1, Math.ceil(cores / instance.physicalCores));
}

/** Memory requested per node: 90% of the instance's, the rest left to the ECS agent and the OS. */
export function defaultGchpNodeMemoryMiB(instance: EfaInstanceType): number {
  return Math.floor((instance.memoryGiB * 1024 * 0.9) / 1024) * 1024;
}

/** MPI processes on the busiest node (the first ones take the remainder). */
export function coresPerNode(cores: number, nodes: number): number {
  return Math.ceil(cores / nodes);
}

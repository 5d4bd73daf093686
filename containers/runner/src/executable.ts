/**
 * Which executable runs a simulation. Pure. GEOS-Chem compiles its chemical
 * mechanism in (CMake MECH): the images carry one build per mechanism
 * (gcclassic, gcclassic-carbon, gcclassic-Hg; gchp, gchp-carbon), and the
 * simulation type stored in rundir/gcr-rundir.json picks one.
 */
const BY_SIMULATION: Readonly<Record<string, string>> = {
  carbon: 'gcclassic-carbon',
  Hg: 'gcclassic-Hg',
};

/** fullchem's build also runs aerosol, tagO3, TransportTracers, POPs and metals. */
export const DEFAULT_CLASSIC_EXECUTABLE = 'gcclassic';

export function classicExecutableFor(simulationType: string | undefined): string {
  return (simulationType && BY_SIMULATION[simulationType]) || DEFAULT_CLASSIC_EXECUTABLE;
}

/** `spec.simulation.type` from gcr-rundir.json's text, if it is there. */
export function simulationTypeOf(rundirMetadata: string | undefined): string | undefined {
  if (!rundirMetadata) return undefined;
  try {
    const type = (JSON.parse(rundirMetadata) as { spec?: { simulation?: { type?: unknown } } }).spec
      ?.simulation?.type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

const GCHP_BY_SIMULATION: Readonly<Record<string, string>> = { carbon: 'gchp-carbon' };

export function gchpExecutableFor(simulationType: string | undefined): string {
  return (simulationType && GCHP_BY_SIMULATION[simulationType]) || 'gchp';
}

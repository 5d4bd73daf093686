/**
 * Emission scale factors written into a generated HEMCO_Config.rc, in the
 * format HEMCO 3 reads (GEOS-Chem 14.7; HEMCO's reference guide, "The HEMCO
 * configuration file"):
 *
 * - a species-wide factor with no inventory and no region is the SETTINGS
 *   entry `EmisScale_<species>: <factor>`, which HEMCO applies to every
 *   inventory, category, hierarchy and extension of that species;
 * - anything narrower is a scale factor of its own in the SCALE FACTORS
 *   section, `<ScalID> GCR_SF_<label> <factor> - - - xy 1 1 [<MaskID>]` (a
 *   scalar read from the file itself; Oper 1 multiplies), whose ScalID is
 *   appended to the ScalIDs column (the 10th) of every base emission line it
 *   matches; with a region, its MaskID names a box mask in the MASKS section,
 *   `<MaskID> GCR_MASK_<label> lon1/lat1/lon2/lat2 - 2000/1/1/0 C xy 1 1
 *   lon1/lat1/lon2/lat2` (HEMCO's box form: grid boxes whose mid points are
 *   inside get the factor, the others are left unscaled).
 *
 * IDs come from ranges GEOS-Chem's own files leave free (9000+ for factors,
 * 9500+ for masks), so they never collide with a template's IDs (HEMCO
 * silently keeps the last definition of a duplicated ID).
 */
import type { EmissionScaleFactor } from '#schemas/generated/types.js';

export const SCALE_FACTOR_ID_BASE = 9000;
export const MASK_ID_BASE = 9500;

/** Columns of a base emission line: ExtNr Name sourceFile sourceVar sourceTime CRE SrcDim SrcUnit Species ScalIDs Cat Hier. */
const BASE_COLUMNS = 12;
const NAME_COLUMN = 1;
const SPECIES_COLUMN = 8;
const SCALIDS_COLUMN = 9;

const BEGIN_BASE = '### BEGIN SECTION BASE EMISSIONS';
const END_BASE = '### END SECTION BASE EMISSIONS';
const END_SETTINGS = '### END SECTION SETTINGS';
const END_SCALE_FACTORS = '### END SECTION SCALE FACTORS';
const END_MASKS = '### END SECTION MASKS';

/** A scale factor HEMCO_Config.rc cannot take (it matches nothing, or the file lacks a section). */
export class EmissionScaleFactorError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(`emissions.scaleFactors[${index}]: ${message}`);
    this.name = 'EmissionScaleFactorError';
  }
}

/** What was written, for the run directory's notes and tests. */
export interface AppliedScaleFactor {
  index: number;
  kind: 'species-setting' | 'scale-factor';
  scaleFactorId?: number;
  maskId?: number;
  /** Base emission lines whose ScalIDs gained this factor (their container names). */
  containers: string[];
}

/** A number as HEMCO's Fortran list-directed read takes it (no exponent for ordinary values). */
export function hemcoNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  const text = String(value);
  return text.includes('e') ? value.toExponential().replace('e+', 'e') : text;
}

function containerName(factor: EmissionScaleFactor, index: number, prefix: string): string {
  return `${prefix}${factor.label ?? String(index + 1)}`;
}

/** The box as HEMCO spells it: lon1/lat1/lon2/lat2. */
export function hemcoBox(region: NonNullable<EmissionScaleFactor['region']>): string {
  return [region.lonMin, region.latMin, region.lonMax, region.latMax].map(hemcoNumber).join('/');
}

export function scaleFactorLine(id: number, name: string, factor: number, maskId?: number): string {
  return `${id} ${name} ${hemcoNumber(factor)} - - - xy 1 1${maskId === undefined ? '' : ` ${maskId}`}`;
}

export function maskLine(
  id: number,
  name: string,
  region: NonNullable<EmissionScaleFactor['region']>,
): string {
  const box = hemcoBox(region);
  return `${id} ${name} ${box} - 2000/1/1/0 C xy 1 1 ${box}`;
}

interface Token {
  text: string;
  start: number;
}

function tokens(line: string): Token[] {
  return [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index }));
}

function matches(factor: EmissionScaleFactor, name: string, species: string): boolean {
  if (factor.species !== undefined && factor.species !== species) return false;
  if (factor.inventories !== undefined && !factor.inventories.some((prefix) => name.startsWith(prefix)))
    return false;
  return true;
}

function insertBefore(lines: string[], marker: string, added: string[], index: number): void {
  const at = lines.findIndex((line) => line.startsWith(marker));
  if (at < 0) throw new EmissionScaleFactorError(index, `HEMCO_Config.rc has no "${marker}" line`);
  lines.splice(at, 0, ...added, '');
}

/**
 * HEMCO_Config.rc with the scale factors written in. Pure; throws
 * EmissionScaleFactorError for a factor that names neither species nor
 * inventories, or that matches no base emission line.
 */
export function applyEmissionScaleFactors(
  hemcoConfig: string,
  factors: readonly EmissionScaleFactor[],
): { text: string; applied: AppliedScaleFactor[] } {
  const lines = hemcoConfig.split('\n');
  const applied: AppliedScaleFactor[] = [];
  /** Species-wide factors by species: two for one species multiply (HEMCO would keep only the last line). */
  const speciesFactors = new Map<string, number>();
  const scaleLines: string[] = [];
  const maskLines: string[] = [];
  const begin = lines.findIndex((line) => line.startsWith(BEGIN_BASE));
  const end = lines.findIndex((line) => line.startsWith(END_BASE));

  factors.forEach((factor, index) => {
    if (factor.species === undefined && factor.inventories === undefined) {
      throw new EmissionScaleFactorError(index, 'name the species, the inventories, or both');
    }
    if (factor.inventories === undefined && factor.region === undefined) {
      speciesFactors.set(factor.species!, (speciesFactors.get(factor.species!) ?? 1) * factor.factor);
      applied.push({ index, kind: 'species-setting', containers: [] });
      return;
    }
    if (begin < 0 || end < begin) {
      throw new EmissionScaleFactorError(index, 'HEMCO_Config.rc has no BASE EMISSIONS section');
    }
    const scaleFactorId = SCALE_FACTOR_ID_BASE + index;
    const maskId = factor.region === undefined ? undefined : MASK_ID_BASE + index;
    const containers: string[] = [];
    for (let i = begin + 1; i < end; i++) {
      const line = lines[i]!;
      if (line.trimStart().startsWith('#')) continue;
      const columns = tokens(line);
      if (columns.length < BASE_COLUMNS || !/^\d+$/.test(columns[0]!.text)) continue;
      const name = columns[NAME_COLUMN]!.text;
      if (!matches(factor, name, columns[SPECIES_COLUMN]!.text)) continue;
      const scalIds = columns[SCALIDS_COLUMN]!;
      const updated = scalIds.text === '-' ? String(scaleFactorId) : `${scalIds.text}/${scaleFactorId}`;
      lines[i] = line.slice(0, scalIds.start) + updated + line.slice(scalIds.start + scalIds.text.length);
      containers.push(name);
    }
    if (containers.length === 0) {
      const what = [
        factor.species !== undefined ? `species ${factor.species}` : undefined,
        factor.inventories !== undefined ? `inventories ${factor.inventories.join(', ')}` : undefined,
      ].filter(Boolean);
      throw new EmissionScaleFactorError(
        index,
        `no base emission in this simulation's HEMCO_Config.rc matches ${what.join(' and ')}`,
      );
    }
    scaleLines.push(
      scaleFactorLine(scaleFactorId, containerName(factor, index, 'GCR_SF_'), factor.factor, maskId),
    );
    if (maskId !== undefined)
      maskLines.push(maskLine(maskId, containerName(factor, index, 'GCR_MASK_'), factor.region!));
    applied.push({
      index,
      kind: 'scale-factor',
      scaleFactorId,
      ...(maskId !== undefined ? { maskId } : {}),
      containers,
    });
  });

  const header = '# --- gcr: emission scale factors of this run (spec emissions.scaleFactors) ---';
  const settings = [...speciesFactors].map(
    ([species, value]) => `EmisScale_${species}: ${hemcoNumber(value)}`,
  );
  if (settings.length > 0) insertBefore(lines, END_SETTINGS, [header, ...settings], 0);
  if (scaleLines.length > 0) insertBefore(lines, END_SCALE_FACTORS, [header, ...scaleLines], 0);
  if (maskLines.length > 0) insertBefore(lines, END_MASKS, [header, ...maskLines], 0);
  return { text: lines.join('\n'), applied };
}

/**
 * Which of HEMCO_Config.rc's active data lines HEMCO really reads, following
 * HEMCO 3.12 (`hco_config_mod.F90`: RegisterPrepare, Register_Base,
 * Get_targetID, Register_Scal, Calc_Coverage):
 *
 * - a base field (emissions, extension data, non-emissions data) is dropped
 *   when its species is not a HEMCO species; in GEOS-Chem those are the
 *   transported species (`SetHcoSpecies`: `State_Chm%nAdvect`, plus SESQ
 *   when LIMO is one of them); "*" is every species;
 * - a scale factor or mask is read only when a base field kept by that rule
 *   applies it (its ScalIDs column or a level scale factor "xyL=1:scal300"),
 *   or when the mask is marked "y";
 * - of the kept base fields of one species, a field is not read when a mask
 *   it applies does not touch the model domain (a regional inventory outside
 *   a nested domain), or when another field of the same extension, species
 *   and category with a higher hierarchy, a cycling or interpolated time flag
 *   (not range R* or exact E*: those may have no data) and no mask that
 *   covers the domain only in part replaces it everywhere. Its scale factors
 *   and masks are still read (HEMCO registers them first). Lines with more
 *   than one category are left alone (HEMCO's shadow containers for the
 *   extra categories are not modelled): they are kept and replace nothing.
 *
 * A line whose file is "-" reads the data of the line before it, so when it
 * is kept its data line's file is read.
 */
import type { HemcoConfig, HemcoContainer, HemcoFileRef } from './hemco-config.js';

/** The model domain as HEMCO bounds it: whole degrees around the grid box centres (cpux1..cpux2, cpuy1..cpuy2). */
export interface HemcoDomain {
  lon: [number, number];
  lat: [number, number];
}

export interface HemcoGrid {
  /** "4.0x5.0", "2.0x2.5", "0.25x0.3125": latitude x longitude spacing. */
  resolution: string;
  lonRange: readonly [number, number];
  latRange: readonly [number, number];
  centerAt180: boolean;
  halfPolar: boolean;
}

export type HemcoSkipReason = 'species' | 'unused' | 'outside-domain' | 'overridden';

export interface HemcoSkip {
  container: HemcoContainer;
  reason: HemcoSkipReason;
  /** The field that replaces it (reason "overridden"). */
  by?: string;
}

export interface HemcoReads {
  /** The files HEMCO opens, one entry per data line that reads it. */
  files: HemcoFileRef[];
  /** Data lines with a file of their own that HEMCO does not read, and why. */
  skipped: HemcoSkip[];
}

const WILDCARD = '*';

/** HEMCO's domain bounds for a GEOS-Chem Classic grid (gc_grid_mod.F90 centres; RegisterPrepare's floor/ceiling). */
export function hemcoDomain(grid: HemcoGrid): HemcoDomain {
  const [dy, dx] = grid.resolution.split('x').map(Number) as [number, number];
  const nx = Math.round(360 / dx);
  const ny = Math.round(180 / dy) + (grid.halfPolar ? 1 : 0);
  const xEdge0 = grid.centerAt180 ? -180 - dx / 2 : -180;
  const xMids = Array.from({ length: nx }, (_, i) => xEdge0 + dx * (i + 0.5));
  const yEdge = (j: number): number => {
    if (j === 0) return -90;
    if (j === ny) return 90;
    return grid.halfPolar ? -90 - dy / 2 + dy * j : -90 + dy * j;
  };
  const yMids = Array.from({ length: ny }, (_, j) => (yEdge(j) + yEdge(j + 1)) / 2);
  const eps = 1e-9;
  const inside = (values: number[], [low, high]: readonly [number, number]): number[] =>
    values.filter((value) => value >= low - eps && value <= high + eps);
  const xs = inside(xMids, grid.lonRange);
  const ys = inside(yMids, grid.latRange);
  const wrap = (lon: number): number => (lon >= 180 ? lon - 360 : lon);
  return {
    lon: [wrap(Math.floor(Math.min(...xs) + eps)), wrap(Math.floor(Math.max(...xs) + eps))],
    lat: [Math.ceil(Math.min(...ys) - eps), Math.ceil(Math.max(...ys) - eps)],
  };
}

/** HEMCO's Calc_Coverage: 0 no overlap, 1 the mask box covers the domain, -1 in part. */
export function maskCoverage(
  box: readonly [number, number, number, number],
  domain: HemcoDomain,
): 0 | 1 | -1 {
  const [x1, y1, x2, y2] = box;
  const [cx1, cx2] = domain.lon;
  const [cy1, cy2] = domain.lat;
  if (x1 > cx2 || x2 < cx1 || y1 > cy2 || y2 < cy1) return 0;
  if (x1 > cx1 || x2 < cx2 || y1 > cy1 || y2 < cy2) return -1;
  return 1;
}

/** The HEMCO species of a GEOS-Chem run: its transported species, plus SESQ when LIMO is one. */
export function hemcoSpecies(transported: readonly string[]): Set<string> {
  const species = new Set(transported);
  if (species.has('LIMO')) species.add('SESQ');
  return species;
}

export function hemcoReads(
  config: HemcoConfig,
  context: { species: ReadonlySet<string>; domain: HemcoDomain },
): HemcoReads {
  const skipped: HemcoSkip[] = [];
  const skip = (container: HemcoContainer, reason: HemcoSkipReason, by?: string): void => {
    if (container.path !== undefined && container.sharesDataOf === undefined)
      skipped.push({ container, reason, ...(by ? { by } : {}) });
  };
  const base = config.containers.filter((c) => c.kind === 'base');
  const used = base.filter((c) => {
    const ok = c.species === WILDCARD || context.species.has(c.species ?? '');
    if (!ok) skip(c, 'species');
    return ok;
  });

  const coverage = new Map<number, 0 | 1 | -1>();
  for (const mask of config.containers) {
    if (mask.kind === 'mask' && mask.scalId !== undefined)
      coverage.set(mask.scalId, mask.box ? maskCoverage(mask.box, context.domain) : -1);
  }
  /** HEMCO's tmpCov for a field: 0 if a mask misses the domain, -1 if one covers it in part, else 1. */
  const cover = (field: HemcoContainer): 0 | 1 | -1 => {
    let result: 0 | 1 | -1 = 1;
    for (const id of field.scalIds) {
      const value = coverage.get(id);
      if (value === 0) return 0;
      if (value === -1) result = -1;
    }
    return result;
  };
  const singleCategory = (field: HemcoContainer): boolean =>
    field.cats.length === 1 && field.hier !== undefined;
  const alwaysHasData = (field: HemcoContainer): boolean => !/^[RE]/i.test(field.flag);

  const read: HemcoContainer[] = [];
  for (const field of used) {
    if (field.species === WILDCARD) {
      read.push(field);
      continue;
    }
    if (cover(field) === 0) {
      skip(field, 'outside-domain');
      continue;
    }
    const replacement = singleCategory(field)
      ? used.find(
          (other) =>
            other !== field &&
            other.extNr === field.extNr &&
            other.species === field.species &&
            singleCategory(other) &&
            other.cats[0] === field.cats[0] &&
            other.hier! > field.hier! &&
            alwaysHasData(other) &&
            cover(other) === 1,
        )
      : undefined;
    if (replacement) {
      skip(field, 'overridden', replacement.name);
      continue;
    }
    read.push(field);
  }

  const registered = new Set(used.flatMap((field) => field.scalIds));
  for (const container of config.containers) {
    if (container.kind === 'base') continue;
    const wanted =
      (container.scalId !== undefined && registered.has(container.scalId)) || container.alwaysRead === true;
    if (wanted) read.push(container);
    else skip(container, 'unused');
  }

  // A "-" line reads the data of the line before it
  const byName = new Map(config.containers.map((c) => [`${c.kind}:${c.name}`, c]));
  const files = new Map<HemcoContainer, HemcoFileRef>();
  for (const container of read) {
    const owner =
      container.sharesDataOf !== undefined
        ? byName.get(`${container.kind}:${container.sharesDataOf}`)
        : container;
    if (owner?.path !== undefined && !files.has(owner)) files.set(owner, owner as HemcoFileRef);
  }
  const fileList = config.files.filter((ref) => files.has(ref));
  const readSet = new Set<HemcoContainer>(fileList);
  return { files: fileList, skipped: skipped.filter((s) => !readSet.has(s.container)) };
}

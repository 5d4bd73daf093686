/**
 * What the public GEOS-Chem buckets hold, per met field and grid, from
 * data-availability.json (each entry states its basis).
 */
import availability from './data-availability.json' with { type: 'json' };

export interface MetFieldAvailability {
  firstDate?: string;
  lastDate?: string;
  publicBucket?: boolean;
  basis: string;
}

export interface GridAvailability {
  met: string;
  resolution: string;
  bucket?: string;
  offered?: boolean;
  firstDate?: string;
  lastDate?: string;
  basis: string;
}

export const DEFAULT_BUCKET: string = availability.defaultBucket;
export const RECENT_DATA_DAYS: number = availability.recentDataDays;
export const RECENT_DATA_BASIS: string = availability.recentDataBasis;

const MET = availability.metFields as Record<string, MetFieldAvailability>;
const GRIDS = availability.grids as GridAvailability[];

export function metFieldAvailability(met: string): MetFieldAvailability | undefined {
  return MET[met];
}

export function gridAvailability(met: string, resolution: string): GridAvailability | undefined {
  return GRIDS.find((grid) => grid.met === met && grid.resolution === resolution);
}

/** Directory names of the met archives under GEOS_<grid>/ -> the spec's met field. */
const MET_BY_DIRECTORY: Record<string, string> = {
  MERRA2: 'merra2',
  GEOS_FP: 'geosfp',
  GEOS_FP_DerivedWinds: 'geosfp',
  GEOS_IT: 'geosit',
};

/** A met archive key: GEOS_<grid>[_<REGION>]/<met directory>/..., e.g. GEOS_0.25x0.3125_NA/GEOS_FP/... */
const MET_ARCHIVE_KEY = /^GEOS_([0-9.x]+)(_[A-Z]{2})?\/([A-Za-z0-9_]+)\//;

/** Where regional (nested-domain) met archives are served. */
export const REGIONAL_BUCKET: string = availability.regionalBucket;

/** The bucket holding an ExtData key (met archives per the table, regional ones in the nested portal, everything else the default bucket). */
export function bucketForKey(key: string): string {
  const archive = metArchiveOf(key);
  if (!archive) return DEFAULT_BUCKET;
  if (archive.region) return REGIONAL_BUCKET;
  return gridAvailability(archive.met, archive.resolution)?.bucket ?? DEFAULT_BUCKET;
}

/** The (met, resolution, region) of a met archive key, e.g. GEOS_0.25x0.3125_NA/GEOS_FP/... -> geosfp, 0.25x0.3125, NA. */
export function metArchiveOf(key: string): { met: string; resolution: string; region?: string } | undefined {
  const match = MET_ARCHIVE_KEY.exec(key);
  const met = match ? MET_BY_DIRECTORY[match[3]!] : undefined;
  if (!match || !met) return undefined;
  return { met, resolution: match[1]!, ...(match[2] ? { region: match[2].slice(1) } : {}) };
}

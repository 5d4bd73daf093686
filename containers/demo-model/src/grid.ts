/**
 * The demo model's horizontal and vertical grids, computed the way GEOS-Chem
 * Classic 14 computes its own (GeosUtil/gc_grid_mod.F90 Compute_Grid and
 * GeosCore/config_mod.F90 Config_Grid), so the coordinates in the demo's
 * files are the ones a real run on the same grid writes:
 *
 * - The global grid has 360/dLon longitudes centred on -180 (the date line is
 *   a cell centre: -180, -175, ..., 175 at 4x5) and, with half-sized polar
 *   boxes, 180/dLat + 1 latitudes: edges -90, -90 + dLat/2, ... , 90 - dLat/2,
 *   90, so the centres are -89, -86, ..., 86, 89 at 4x5 and -89.5, -88, ...,
 *   88, 89.5 at 2x2.5 (as in real GEOS-Chem files). GMAO met fields (MERRA-2,
 *   GEOS-FP, GEOS-IT) always use half-polar boxes; GCAP 2.0 (ModelE2.1) only at
 *   4x5, and at 2x2.5 its date line is an edge (createRunDir.sh's
 *   RUNDIR_GRID_HALF_POLAR and RUNDIR_CENTER_LON_180).
 * - A nested domain is a window of that global grid: it starts at the first
 *   global cell centre at or above the domain's minimum and has
 *   floor((max - min) / step) cells along each axis (NA at 0.25x0.3125,
 *   lon [-130, -60], lat [9.75, 60]: 224 x 201 cells, centres -130 ...
 *   -60.3125 and 9.75 ... 59.75).
 * - Cell areas as GEOS-Chem's AREA: dLon[rad] * Re^2 * (sin(north edge) -
 *   sin(south edge)) with Re = 6.3710072e6 m, the radius GEOS-Chem 12+ uses
 *   (PhysConstants; older versions had 6.375e6). The AREA of three real files
 *   (4x5, 2x2.5 and a 0.25x0.3125 nested grid) is reproduced to the last bit
 *   of its float32 values with this radius, and is 0.13% off with 6.375e6.
 * - Vertical: the GEOS 72-level hybrid grid (Ap in hPa, Bp), its 47-level
 *   reduction (edges 1-37 as in 72 levels, then lumped by 2 and by 4 above
 *   about 80 hPa) and the 40-level GISS grid of GCAP 2.0, with P0 = 1000 hPa:
 *   lev = hyam/P0 + hybm, ilev = hyai/P0 + hybi, as GEOS-Chem writes them.
 */
import { GLOBAL_DOMAIN, gridStep, nestedDomain, type DomainInfo } from '#shared/science/spec/rundir-rules.js';
import type { GridResolution, MetField, NestedDomain, VerticalLevels } from '#schemas/generated/types.js';

/** Earth radius GEOS-Chem uses for grid-box areas (PhysConstants Re since 12.x), in metres. */
export const EARTH_RADIUS_M = 6.3710072e6;
/** Reference pressure of the hybrid coordinate, hPa (P0 in GEOS-Chem files). */
export const P0_HPA = 1000;

export interface HorizontalGrid {
  resolution: GridResolution;
  /** 'global', a createRunDir.sh region code, or 'custom'. */
  domain: NestedDomain;
  nested: boolean;
  dLat: number;
  dLon: number;
  halfPolar: boolean;
  centerAt180: boolean;
  /** Domain range as configured (geoschem_config.yml lon_range / lat_range). */
  lonRange: [number, number];
  latRange: [number, number];
  /** Cell centres, degrees. */
  lat: Float64Array;
  lon: Float64Array;
  /** Cell edges (length + 1), degrees. */
  latEdges: Float64Array;
  lonEdges: Float64Array;
}

export interface VerticalGrid {
  levels: VerticalLevels;
  /** Hybrid A at layer edges, hPa, surface first (levels + 1 values). */
  hyai: Float64Array;
  /** Hybrid B at layer edges, surface first. */
  hybi: Float64Array;
  hyam: Float64Array;
  hybm: Float64Array;
  /** hyam/P0 + hybm. */
  lev: Float64Array;
  /** hyai/P0 + hybi. */
  ilev: Float64Array;
}

export interface GridSpec {
  resolution: GridResolution;
  nestedDomain?: NestedDomain;
  bounds?: { lonMin: number; lonMax: number; latMin: number; latMax: number };
}

const EPS = 1e-9;

/** Half-polar boxes and date-line centring as createRunDir.sh sets them for this met field and grid. */
export function gridOptions(
  met: MetField,
  resolution: GridResolution,
): { halfPolar: boolean; centerAt180: boolean } {
  if (met === 'ModelE2.1') {
    return { halfPolar: resolution === '4x5', centerAt180: resolution !== '2x2.5' };
  }
  return { halfPolar: true, centerAt180: true };
}

/** The horizontal grid of a spec (global, a createRunDir.sh region, or custom bounds). */
export function horizontalGrid(grid: GridSpec, met: MetField): HorizontalGrid {
  const { lat: dLat, lon: dLon } = gridStep(grid.resolution);
  const domain = grid.nestedDomain ?? 'global';
  let lonRange: [number, number];
  let latRange: [number, number];
  if (domain === 'global') {
    lonRange = [...GLOBAL_DOMAIN.lonRange];
    latRange = [...GLOBAL_DOMAIN.latRange];
  } else if (domain === 'custom') {
    if (!grid.bounds) throw new Error('grid.bounds is required with nestedDomain "custom"');
    lonRange = [grid.bounds.lonMin, grid.bounds.lonMax];
    latRange = [grid.bounds.latMin, grid.bounds.latMax];
  } else {
    const region: DomainInfo | undefined = nestedDomain(grid.resolution, domain);
    if (!region) throw new Error(`createRunDir.sh has no ${domain} domain at ${grid.resolution}`);
    lonRange = region.lonRange;
    latRange = region.latRange;
  }
  const nested = domain !== 'global';
  const options = gridOptions(met, grid.resolution);
  // GEOS-Chem: nested grids switch HalfPolar off, but the global grid they are
  // cut from keeps half-polar boxes for GMAO met fields (is_GMAO).
  const globalHalfPolar = options.halfPolar || met !== 'ModelE2.1';
  const halfPolarFlag = nested ? false : options.halfPolar;

  // Global grid (gc_grid_mod.F90).
  const globalNx = Math.round(360 / dLon);
  const globalNy = Math.round(180 / dLat) + (globalHalfPolar ? 1 : 0);
  const globalLonEdges = new Float64Array(globalNx + 1);
  const firstLonEdge = options.centerAt180 ? -180 - dLon / 2 : -180;
  for (let i = 0; i <= globalNx; i++) globalLonEdges[i] = firstLonEdge + dLon * i;
  const globalLatEdges = new Float64Array(globalNy + 1);
  for (let j = 0; j <= globalNy; j++) {
    if (j === 0) globalLatEdges[j] = -90;
    else if (j === globalNy) globalLatEdges[j] = 90;
    else globalLatEdges[j] = globalHalfPolar ? -90 - dLat / 2 + dLat * j : -90 + dLat * j;
  }
  const globalLon = midpoints(globalLonEdges);
  const globalLat = midpoints(globalLatEdges);

  // Domain size (config_mod.F90) and its offset in the global grid.
  const nx = Math.floor((lonRange[1] - lonRange[0]) / dLon + EPS);
  const ny = Math.floor((latRange[1] - latRange[0]) / dLat + EPS) + (halfPolarFlag ? 1 : 0);
  const x0 = globalLon.findIndex((x) => x >= lonRange[0] - EPS);
  const y0 = globalLat.findIndex((y) => y >= latRange[0] - EPS);
  if (nx < 1 || ny < 1 || x0 < 0 || y0 < 0 || x0 + nx > globalNx || y0 + ny > globalNy) {
    throw new Error(
      `the domain lon ${lonRange.join('..')}, lat ${latRange.join('..')} does not fit the ${grid.resolution} grid`,
    );
  }
  return {
    resolution: grid.resolution,
    domain,
    nested,
    dLat,
    dLon,
    halfPolar: halfPolarFlag,
    centerAt180: options.centerAt180,
    lonRange,
    latRange,
    lon: globalLon.slice(x0, x0 + nx),
    lat: globalLat.slice(y0, y0 + ny),
    lonEdges: globalLonEdges.slice(x0, x0 + nx + 1),
    latEdges: globalLatEdges.slice(y0, y0 + ny + 1),
  };
}

/** Grid-box surface areas in m2, [lat][lon] flattened (C order), as GEOS-Chem's AREA. */
export function cellAreas(grid: HorizontalGrid, radius = EARTH_RADIUS_M): Float64Array {
  const ny = grid.lat.length;
  const nx = grid.lon.length;
  const out = new Float64Array(ny * nx);
  const dLonRad = (grid.dLon * Math.PI) / 180;
  for (let j = 0; j < ny; j++) {
    const south = (grid.latEdges[j]! * Math.PI) / 180;
    const north = (grid.latEdges[j + 1]! * Math.PI) / 180;
    const area = dLonRad * radius * radius * (Math.sin(north) - Math.sin(south));
    out.fill(area, j * nx, (j + 1) * nx);
  }
  return out;
}

/** [edge_low, edge_high] per cell, flattened (the lat_bnds / lon_bnds variables). */
export function bounds(edges: Float64Array): Float64Array {
  const n = edges.length - 1;
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = edges[i]!;
    out[2 * i + 1] = edges[i + 1]!;
  }
  return out;
}

function midpoints(edges: Float64Array): Float64Array {
  const out = new Float64Array(edges.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = 0.5 * (edges[i]! + edges[i + 1]!);
  return out;
}

// ---- vertical -------------------------------------------------------------------------

/** GEOS 72-level hybrid grid: Ap [hPa] at the 73 edges, surface first. */
const AP_72 = [
  0.0, 0.04804826, 6.593752, 13.1348, 19.61311, 26.09201, 32.57081, 38.98201, 45.33901, 51.69611, 58.05321,
  64.36264, 70.62198, 78.83422, 89.09992, 99.36521, 109.1817, 118.9586, 128.6959, 142.91, 156.26, 169.609,
  181.619, 193.097, 203.259, 212.15, 218.776, 223.898, 224.363, 216.865, 201.192, 176.93, 150.393, 127.837,
  108.663, 92.36572, 78.51231, 66.60341, 56.38791, 47.64391, 40.17541, 33.81001, 28.36781, 23.73041, 19.7916,
  16.4571, 13.6434, 11.2769, 9.292942, 7.619842, 6.216801, 5.046801, 4.076571, 3.276431, 2.620211, 2.08497,
  1.65079, 1.30051, 1.01944, 0.7951341, 0.6167791, 0.4758061, 0.3650411, 0.2785261, 0.211349, 0.159495,
  0.119703, 0.08934502, 0.06600001, 0.04758501, 0.0327, 0.02, 0.01,
];

/** GEOS 72-level hybrid grid: Bp at the 73 edges (zero above edge 32). */
const BP_72 = [
  1.0,
  0.984952,
  0.963406,
  0.941865,
  0.920387,
  0.898908,
  0.877429,
  0.856018,
  0.8346609,
  0.8133039,
  0.7919469,
  0.7706375,
  0.7493782,
  0.721166,
  0.6858999,
  0.6506349,
  0.6158184,
  0.5810415,
  0.5463042,
  0.4945902,
  0.4437402,
  0.3928911,
  0.3433811,
  0.2944031,
  0.2467411,
  0.2003501,
  0.1562241,
  0.1136021,
  0.06372006,
  0.02801004,
  0.006960025,
  8.175413e-9,
  ...new Array<number>(41).fill(0),
];

/** 72-level edges kept by the 47-level grid: 0-36, then every 2nd to 44, then every 4th to 72. */
const EDGES_47_FROM_72 = [
  ...Array.from({ length: 37 }, (_, i) => i),
  38,
  40,
  42,
  44,
  48,
  52,
  56,
  60,
  64,
  68,
  72,
];

/** GISS 40-level grid of GCAP 2.0 (ModelE2.1): Ap [hPa] at the 41 edges. */
const AP_40 = [
  0.0, 3.597122, 7.553957, 12.05036, 16.906475, 22.302158, 28.597122, 35.791367, 43.884892, 52.517986,
  61.510791, 70.683453, 80.035971, 89.028777, 97.661871, 105.755396, 113.309353, 120.143885, 126.258993,
  131.834532, 136.870504, 141.546763, 145.863309, 150.0, 128.0, 108.0, 90.0, 73.0, 57.0, 43.0, 31.0, 20.0,
  10.0, 5.62, 3.16, 1.78, 1.0, 0.562, 0.316, 0.178, 0.1,
];

/** GISS 40-level grid: Bp at the 41 edges. */
const BP_40 = [
  1.0,
  0.97601918,
  0.94964029,
  0.91966427,
  0.88729017,
  0.85131894,
  0.80935252,
  0.76139089,
  0.70743405,
  0.6498801,
  0.58992806,
  0.52877698,
  0.46642686,
  0.40647482,
  0.34892086,
  0.29496403,
  0.24460432,
  0.19904077,
  0.15827338,
  0.12110312,
  0.08752998,
  0.05635492,
  0.02757794,
  ...new Array<number>(18).fill(0),
];

/** The hybrid vertical grid for 72, 47 or 40 levels. */
export function verticalGrid(levels: VerticalLevels): VerticalGrid {
  let ap: number[];
  let bp: number[];
  if (levels === 72) {
    ap = AP_72;
    bp = BP_72;
  } else if (levels === 47) {
    ap = EDGES_47_FROM_72.map((i) => AP_72[i]!);
    bp = EDGES_47_FROM_72.map((i) => BP_72[i]!);
  } else if (levels === 40) {
    ap = AP_40;
    bp = BP_40;
  } else {
    throw new Error(`no vertical grid with ${String(levels)} levels`);
  }
  const hyai = Float64Array.from(ap);
  const hybi = Float64Array.from(bp);
  const hyam = new Float64Array(levels);
  const hybm = new Float64Array(levels);
  const lev = new Float64Array(levels);
  for (let k = 0; k < levels; k++) {
    hyam[k] = 0.5 * (hyai[k]! + hyai[k + 1]!);
    hybm[k] = 0.5 * (hybi[k]! + hybi[k + 1]!);
    lev[k] = hyam[k]! / P0_HPA + hybm[k]!;
  }
  const ilev = hyai.map((a, k) => a / P0_HPA + hybi[k]!);
  return { levels, hyai, hybi, hyam, hybm, lev, ilev };
}

/** Approximate layer-midpoint pressures (hPa) for a 1000 hPa surface, for shaping profiles. */
export function midPressures(vertical: VerticalGrid, surfaceHpa = P0_HPA): Float64Array {
  return vertical.hyam.map((a, k) => a + vertical.hybm[k]! * surfaceHpa);
}

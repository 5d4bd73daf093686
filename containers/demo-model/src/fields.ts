/**
 * Synthetic, smooth, deterministic species fields for the demo model. A field
 * is a product of
 *
 * - a vertical profile (by species kind, against an altitude estimated from
 *   the layer pressure with a 7 km scale height and a tropopause falling from
 *   17 km in the tropics to 8 km at the poles),
 * - a north-south gradient,
 * - for surface-emitted species, a few fixed "source regions" (seeded),
 * - a travelling synoptic wave (eastward, periods of days, strongest at
 *   mid-latitudes, fading with height) and, for some species, a diurnal
 *   cycle in local solar time near the surface.
 *
 * The seed comes from the spec, so the same spec always gives the same
 * numbers. Values stay positive (the relative amplitudes are bounded).
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '#shared/kernel/seeded-random.js';
import { midPressures, type HorizontalGrid, type VerticalGrid } from './grid.js';
import type { SpeciesProfile } from './species.js';

const DEG = Math.PI / 180;
const HOUR_MS = 3_600_000;
/** Epoch of the waves' phase (any fixed instant). */
const PHASE_EPOCH_MS = Date.UTC(2000, 0, 1);

export { seededRandom };

/** A 32-bit seed from any JSON-able value (e.g. the spec's simulation, grid and period). */
export function seedFrom(value: unknown): number {
  return createHash('sha256').update(JSON.stringify(value)).digest().readUInt32LE(0);
}

/** Altitude (km) of each layer midpoint, from its pressure with a 7 km scale height. */
export function layerAltitudesKm(vertical: VerticalGrid): Float64Array {
  return midPressures(vertical).map((p) => 7 * Math.log(1000 / Math.max(p, 1e-6)));
}

/** Tropopause height (km) at a latitude. */
export function tropopauseKm(latDeg: number): number {
  const c = Math.cos(latDeg * DEG);
  return 8 + 9 * c * c;
}

/**
 * Time-dependent patterns of the field last prepared. One scratch can serve
 * every species of a grid (they are written one after the other), which keeps
 * memory to one grid-sized array however many species there are.
 */
export class FieldScratch {
  /** Travelling-wave pattern, [j][i]. */
  readonly wave: Float32Array;
  /** Diurnal cycle by longitude, [i]. */
  readonly diurnal: Float64Array;
  owner: SpeciesField | undefined;
  instant: number | undefined;

  constructor(
    readonly nx: number,
    readonly ny: number,
  ) {
    this.wave = new Float32Array(nx * ny);
    this.diurnal = new Float64Array(nx);
  }
}

interface Wave {
  zonal: number;
  periodHours: number;
  phase: number;
  weight: number;
}

export class SpeciesField {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  /** Vertical profile x north-south gradient, [k][j]. */
  private readonly profile: Float64Array;
  /** Fixed source-region enhancement, [j][i] (surface-emitted species only). */
  private readonly sources: Float32Array | undefined;
  /** Per-level weights of the sources, the wave and the diurnal cycle. */
  private readonly sourceWeight: Float64Array;
  private readonly waveWeight: Float64Array;
  private readonly diurnalWeight: Float64Array;
  private readonly waves: Wave[];

  constructor(
    readonly species: SpeciesProfile,
    private readonly grid: HorizontalGrid,
    vertical: VerticalGrid,
    seed: number,
    private readonly scratch: FieldScratch = new FieldScratch(grid.lon.length, grid.lat.length),
  ) {
    const random = seededRandom(seed ^ seedFrom(species.name));
    this.nx = grid.lon.length;
    this.ny = grid.lat.length;
    this.nz = vertical.levels;
    const z = layerAltitudesKm(vertical);

    const gradient = species.gradient ?? 0;
    this.profile = new Float64Array(this.nz * this.ny);
    for (let k = 0; k < this.nz; k++) {
      for (let j = 0; j < this.ny; j++) {
        const lat = grid.lat[j]!;
        const shape = verticalShape(species, z[k]!, tropopauseKm(lat));
        this.profile[k * this.ny + j] = species.base * shape * (1 + gradient * Math.tanh(lat / 30));
      }
    }

    // Bounded relative amplitudes keep 1 + a*wave + d*diurnal >= 0.2.
    let waveAmp = Math.min(Math.max(species.wave ?? 0.15, 0), 0.5);
    let diurnalAmp = Math.max(Math.min(species.diurnal ?? 0, 0.5), -0.5);
    const total = waveAmp + Math.abs(diurnalAmp);
    if (total > 0.8) {
      waveAmp *= 0.8 / total;
      diurnalAmp *= 0.8 / total;
    }
    this.waveWeight = z.map((h) => waveAmp * (0.35 + 0.65 * Math.exp(-h / 12)));
    this.diurnalWeight = z.map((h) => diurnalAmp * Math.exp(-h / 2));
    const scale = species.scaleKm ?? 3;
    this.sourceWeight = z.map((h) => (species.kind === 'surface' ? Math.exp(-h / scale) : 0));

    if (scratch.nx !== this.nx || scratch.ny !== this.ny) throw new Error('scratch of another grid');
    this.sources = species.kind === 'surface' ? new Float32Array(this.nx * this.ny) : undefined;
    if (this.sources) {
      const count = 3 + Math.floor(random() * 3);
      for (let s = 0; s < count; s++) {
        const lat0 = -20 + random() * 75;
        const lon0 = -180 + random() * 360;
        const radius = 8 + random() * 14;
        const strength = 0.8 + random() * 2.2;
        for (let j = 0; j < this.ny; j++) {
          const dLat = grid.lat[j]! - lat0;
          const coslat = Math.cos(grid.lat[j]! * DEG);
          for (let i = 0; i < this.nx; i++) {
            let dLon = Math.abs(grid.lon[i]! - lon0) % 360;
            if (dLon > 180) dLon = 360 - dLon;
            const d2 = dLat * dLat + dLon * coslat * (dLon * coslat);
            const c = j * this.nx + i;
            this.sources[c] = this.sources[c]! + strength * Math.exp(-d2 / (radius * radius));
          }
        }
      }
    }

    this.waves = [
      {
        zonal: 3 + Math.floor(random() * 4),
        periodHours: 24 * (3 + random() * 5),
        phase: random() * 2 * Math.PI,
        weight: 1,
      },
      {
        zonal: 1 + Math.floor(random() * 2),
        periodHours: 24 * (8 + random() * 8),
        phase: random() * 2 * Math.PI,
        weight: 0.5,
      },
    ];
  }

  /** Computes the time-dependent patterns for an instant (epoch ms) into the scratch. */
  prepare(instantMs: number): void {
    const scratch = this.scratch;
    if (scratch.owner === this && scratch.instant === instantMs) return;
    const hours = (instantMs - PHASE_EPOCH_MS) / HOUR_MS;
    const utcHour = (((instantMs % 86_400_000) + 86_400_000) % 86_400_000) / HOUR_MS;
    const norm = this.waves.reduce((n, w) => n + w.weight, 0);
    for (let j = 0; j < this.ny; j++) {
      const lat = this.grid.lat[j]!;
      const envelope = 0.25 + 0.75 * Math.exp(-(((Math.abs(lat) - 45) / 22) ** 2));
      const tilt = 0.6 * Math.sin(3 * lat * DEG);
      for (let i = 0; i < this.nx; i++) {
        const lonRad = this.grid.lon[i]! * DEG;
        let w = 0;
        for (const wave of this.waves) {
          w +=
            wave.weight *
            Math.sin(wave.zonal * lonRad - (2 * Math.PI * hours) / wave.periodHours + wave.phase + tilt);
        }
        scratch.wave[j * this.nx + i] = (envelope * w) / norm;
      }
    }
    for (let i = 0; i < this.nx; i++) {
      const localHour = utcHour + this.grid.lon[i]! / 15;
      scratch.diurnal[i] = Math.cos((2 * Math.PI * (localHour - 15)) / 24);
    }
    scratch.owner = this;
    scratch.instant = instantMs;
  }

  /**
   * Writes levels [k0, k0 + nk) of the field at the prepared instant into
   * `out` ([k][j][i], C order; length at least nk * ny * nx).
   */
  fill(out: Float32Array, k0: number, nk: number): void {
    const { nx, ny, scratch, sources } = this;
    if (scratch.owner !== this) throw new Error('prepare(instant) before fill');
    const { wave, diurnal } = scratch;
    let o = 0;
    for (let k = k0; k < k0 + nk; k++) {
      const a = this.waveWeight[k]!;
      const d = this.diurnalWeight[k]!;
      const s = this.sourceWeight[k]!;
      for (let j = 0; j < ny; j++) {
        const p = this.profile[k * ny + j]!;
        const row = j * nx;
        if (sources && s > 0) {
          for (let i = 0; i < nx; i++) {
            const c = row + i;
            out[o++] = p * (1 + s * sources[c]!) * (1 + a * wave[c]! + d * diurnal[i]!);
          }
        } else {
          for (let i = 0; i < nx; i++) {
            out[o++] = p * (1 + a * wave[row + i]! + d * diurnal[i]!);
          }
        }
      }
    }
  }
}

function verticalShape(species: SpeciesProfile, zKm: number, tropopause: number): number {
  switch (species.kind) {
    case 'surface':
      return Math.exp(-zKm / (species.scaleKm ?? 3)) + 1e-3;
    case 'well-mixed':
      return zKm <= tropopause ? 1 : Math.exp(-(zKm - tropopause) / 25);
    case 'stratospheric': {
      const peak = species.peakKm ?? 25;
      const ratio = species.peakRatio ?? 20;
      const bump = (ratio - 1) * Math.exp(-(((zKm - peak) / 9) ** 2));
      // The stratospheric reservoir only shows above the tropopause.
      const aloft = 1 / (1 + Math.exp(-(zKm - tropopause) / 1.5));
      return 1 + bump * aloft;
    }
  }
}

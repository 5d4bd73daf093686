/**
 * Which species the demo model writes for each simulation type, and the shape
 * of each synthetic field. The lists are short, plausible subsets of what the
 * real simulations carry (names as in GEOS-Chem's species database where it
 * has them); the magnitudes are order-of-magnitude background mixing ratios.
 * None of this is chemistry: see docs/DEMO-MODEL.md.
 */
import type { SimulationType } from '#schemas/generated/types.js';

/** Vertical shape of a species' profile. */
export type ProfileKind =
  /** Emitted at the surface, short-lived: decays with height (scale height `scaleKm`). */
  | 'surface'
  /** Long-lived, well mixed in the troposphere, declining above the tropopause. */
  | 'well-mixed'
  /** Made aloft: low in the troposphere, peaking in the stratosphere near `peakKm`. */
  | 'stratospheric';

export interface SpeciesProfile {
  name: string;
  /** Typical mixing ratio, mol mol-1 dry. */
  base: number;
  kind: ProfileKind;
  /** Scale height (km) for 'surface' species; default 3. */
  scaleKm?: number;
  /** Altitude of the stratospheric peak (km) for 'stratospheric' species; default 25. */
  peakKm?: number;
  /** Peak / tropospheric ratio for 'stratospheric' species; default 20. */
  peakRatio?: number;
  /** North-south gradient: the field is multiplied by 1 + gradient * tanh(lat / 30°). */
  gradient?: number;
  /** Relative amplitude of the travelling synoptic wave (0..0.5); default 0.15. */
  wave?: number;
  /** Relative amplitude of a diurnal cycle near the surface, peaking mid-afternoon local time; default 0. */
  diurnal?: number;
}

const TRANSPORT_TRACERS: SpeciesProfile[] = [
  { name: 'Rn222', base: 2e-20, kind: 'surface', scaleKm: 2.5, gradient: 0.4, wave: 0.3, diurnal: 0.2 },
  { name: 'Pb210', base: 1e-21, kind: 'surface', scaleKm: 5, gradient: 0.3, wave: 0.2 },
  { name: 'Be7', base: 2e-21, kind: 'stratospheric', peakKm: 20, peakRatio: 8, wave: 0.15 },
  { name: 'Be10', base: 2e-21, kind: 'stratospheric', peakKm: 22, peakRatio: 10, wave: 0.15 },
  { name: 'PassiveTracer', base: 1e-7, kind: 'well-mixed', wave: 0.05 },
  { name: 'SF6', base: 1e-11, kind: 'well-mixed', gradient: 0.03, wave: 0.02 },
  { name: 'CH3I', base: 5e-13, kind: 'surface', scaleKm: 2, gradient: -0.2, wave: 0.3 },
  { name: 'e90', base: 1e-7, kind: 'surface', scaleKm: 12, wave: 0.1 },
];

const FULLCHEM: SpeciesProfile[] = [
  {
    name: 'O3',
    base: 3e-8,
    kind: 'stratospheric',
    peakKm: 30,
    peakRatio: 200,
    gradient: 0.2,
    wave: 0.15,
    diurnal: 0.1,
  },
  { name: 'CO', base: 1e-7, kind: 'well-mixed', gradient: 0.4, wave: 0.2 },
  { name: 'NO', base: 1e-10, kind: 'surface', scaleKm: 1.5, gradient: 0.5, wave: 0.3, diurnal: 0.5 },
  { name: 'NO2', base: 5e-10, kind: 'surface', scaleKm: 1.5, gradient: 0.5, wave: 0.3, diurnal: -0.3 },
  { name: 'HNO3', base: 2e-10, kind: 'stratospheric', peakKm: 24, peakRatio: 20, wave: 0.2 },
  { name: 'SO2', base: 2e-10, kind: 'surface', scaleKm: 2, gradient: 0.6, wave: 0.3 },
  { name: 'CH2O', base: 5e-10, kind: 'surface', scaleKm: 3, gradient: 0.1, wave: 0.2, diurnal: 0.3 },
  { name: 'PAN', base: 1e-10, kind: 'surface', scaleKm: 6, gradient: 0.5, wave: 0.2 },
];

const AEROSOL: SpeciesProfile[] = [
  { name: 'SO4', base: 5e-10, kind: 'surface', scaleKm: 3, gradient: 0.5, wave: 0.3 },
  { name: 'NH4', base: 3e-10, kind: 'surface', scaleKm: 2.5, gradient: 0.5, wave: 0.3 },
  { name: 'NIT', base: 2e-10, kind: 'surface', scaleKm: 2, gradient: 0.5, wave: 0.3 },
  { name: 'BCPI', base: 2e-11, kind: 'surface', scaleKm: 3, gradient: 0.4, wave: 0.3 },
  { name: 'OCPI', base: 1e-10, kind: 'surface', scaleKm: 3, gradient: 0.3, wave: 0.3 },
  { name: 'DST1', base: 2e-10, kind: 'surface', scaleKm: 4, gradient: 0.3, wave: 0.4 },
  { name: 'SALA', base: 1e-10, kind: 'surface', scaleKm: 1, gradient: -0.2, wave: 0.3 },
  { name: 'SO2', base: 2e-10, kind: 'surface', scaleKm: 2, gradient: 0.6, wave: 0.3 },
];

const CARBON: Record<string, SpeciesProfile> = {
  CH4: { name: 'CH4', base: 1.87e-6, kind: 'well-mixed', gradient: 0.04, wave: 0.02 },
  CO: { name: 'CO', base: 1e-7, kind: 'well-mixed', gradient: 0.4, wave: 0.2 },
  CO2: { name: 'CO2', base: 4.1e-4, kind: 'well-mixed', gradient: 0.01, wave: 0.005, diurnal: 0.01 },
  OCS: { name: 'OCS', base: 5e-10, kind: 'well-mixed', gradient: -0.02, wave: 0.03 },
};

const HG: SpeciesProfile[] = [
  { name: 'Hg0', base: 1.5e-13, kind: 'well-mixed', gradient: 0.2, wave: 0.1 },
  { name: 'HgCl2', base: 5e-15, kind: 'stratospheric', peakKm: 15, peakRatio: 5, wave: 0.2 },
  { name: 'HgOHOH', base: 3e-15, kind: 'stratospheric', peakKm: 15, peakRatio: 5, wave: 0.2 },
  { name: 'Hg2ClP', base: 1e-15, kind: 'surface', scaleKm: 4, wave: 0.2 },
];

const POPS = ['POPG', 'POPPOCPO', 'POPPOCPI', 'POPPBCPO', 'POPPBCPI'];

const TAGO3: SpeciesProfile[] = [
  { name: 'O3', base: 3e-8, kind: 'stratospheric', peakKm: 30, peakRatio: 200, gradient: 0.2, wave: 0.15 },
  { name: 'O3Strat', base: 5e-9, kind: 'stratospheric', peakKm: 30, peakRatio: 1000, wave: 0.1 },
  { name: 'O3Ut', base: 1e-8, kind: 'surface', scaleKm: 10, wave: 0.15 },
  { name: 'O3Mt', base: 1e-8, kind: 'surface', scaleKm: 6, wave: 0.15 },
  { name: 'O3Row', base: 1e-8, kind: 'surface', scaleKm: 4, gradient: -0.2, wave: 0.2 },
];

const METALS: SpeciesProfile[] = [
  { name: 'Pb', base: 1e-14, kind: 'surface', scaleKm: 3, gradient: 0.5, wave: 0.3 },
  { name: 'Cd', base: 1e-15, kind: 'surface', scaleKm: 3, gradient: 0.5, wave: 0.3 },
  { name: 'Cu', base: 5e-15, kind: 'surface', scaleKm: 3, gradient: 0.4, wave: 0.3 },
  { name: 'Zn', base: 2e-14, kind: 'surface', scaleKm: 3, gradient: 0.4, wave: 0.3 },
];

/**
 * The demo's species for a simulation and its extra option:
 * carbon follows the option (CH4, CO2, CO or OCS alone; none: all four),
 * POPs names its species after the chosen compound (POPG_BaP, ...).
 */
export function speciesFor(type: SimulationType, extraOption = 'none'): SpeciesProfile[] {
  switch (type) {
    case 'TransportTracers':
      return TRANSPORT_TRACERS;
    case 'fullchem':
      return FULLCHEM;
    case 'aerosol':
      return AEROSOL;
    case 'carbon': {
      const one = CARBON[extraOption];
      return one ? [one] : Object.values(CARBON);
    }
    case 'Hg':
      return HG;
    case 'POPs': {
      const compound = extraOption === 'none' ? 'BaP' : extraOption;
      return POPS.map((prefix, i) => ({
        name: `${prefix}_${compound}`,
        base: i === 0 ? 1e-14 : 2e-15,
        kind: 'surface',
        scaleKm: i === 0 ? 4 : 2.5,
        gradient: 0.5,
        wave: 0.3,
      }));
    }
    case 'tagO3':
      return TAGO3;
    case 'metals':
      return METALS;
  }
}

import { describe, expect, it } from '@jest/globals';
import {
  contentTypeFor,
  historyFileName,
  isNetcdfName,
  parseOutputName,
} from '#shared/science/results/manifest/file-names.js';

describe('parseOutputName', () => {
  it('reads the collection and time step of a GC Classic HISTORY file', () => {
    expect(parseOutputName('outputs/GEOSChem.SpeciesConc.20190101_0030z.nc4')).toEqual({
      kind: 'diagnostic',
      collection: 'SpeciesConc',
      timeStep: '2019-01-01T00:30:00Z',
    });
  });

  it('recognises restarts, also in a Restarts/ folder and as GCHP checkpoints', () => {
    expect(parseOutputName('outputs/Restarts/GEOSChem.Restart.20190501_0000z.nc4')).toEqual({
      kind: 'restart',
      collection: 'Restart',
      timeStep: '2019-05-01T00:00:00Z',
    });
    expect(parseOutputName('gcchem_internal_checkpoint.20190102_0000z.nc4')).toMatchObject({
      kind: 'restart',
      collection: 'Restart',
    });
  });

  it('reads HEMCO diagnostics stamps (YYYYMMDDhhmm)', () => {
    expect(parseOutputName('HEMCO_diagnostics.201905010000.nc')).toEqual({
      kind: 'hemco-diagnostic',
      collection: 'HEMCO_diagnostics',
      timeStep: '2019-05-01T00:00:00Z',
    });
  });

  it('reads GCHP collection files named GEOSChem.* or GCHP.*', () => {
    expect(parseOutputName('GCHP.SpeciesConc.20180101_1200z.nc4')).toEqual({
      kind: 'diagnostic',
      collection: 'SpeciesConc',
      timeStep: '2018-01-01T12:00:00Z',
    });
    expect(parseOutputName('GEOSChem.StateMet.20180101_1200z.nc4').collection).toBe('StateMet');
  });

  it('calls anything else "other", including impossible dates', () => {
    expect(parseOutputName('outputs/gcr-run.log')).toEqual({ kind: 'other' });
    expect(parseOutputName('GEOSChem.SpeciesConc.20190230_0000z.nc4')).toEqual({ kind: 'other' });
    expect(parseOutputName('GEOSChem.SpeciesConc.nc4')).toEqual({ kind: 'other' });
  });

  it('names files the way it parses them', () => {
    const name = historyFileName('AerosolMass', new Date('2019-07-01T03:00:00Z'));
    expect(name).toBe('GEOSChem.AerosolMass.20190701_0300z.nc4');
    expect(parseOutputName(name).timeStep).toBe('2019-07-01T03:00:00Z');
  });
});

describe('content types', () => {
  it('gives NetCDF, JSON and text types by extension', () => {
    expect(contentTypeFor('a.nc4')).toBe('application/x-netcdf');
    expect(contentTypeFor('HEMCO_diagnostics.201905010000.nc')).toBe('application/x-netcdf');
    expect(contentTypeFor('status.json')).toBe('application/json');
    expect(contentTypeFor('GEOSChem.log')).toBe('text/plain');
    expect(contentTypeFor('core')).toBe('application/octet-stream');
    expect(isNetcdfName('x.nc')).toBe(true);
    expect(isNetcdfName('x.nc4.tmp')).toBe(false);
  });
});

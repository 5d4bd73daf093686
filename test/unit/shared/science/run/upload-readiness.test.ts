import { describe, expect, it } from '@jest/globals';
import { collectionOf, filesReadyToUpload, type FileState } from '#shared/science/run/upload-readiness.js';

const snap = (entries: Record<string, [number, number]>): Map<string, FileState> =>
  new Map(Object.entries(entries).map(([name, [size, mtimeMs]]) => [name, { size, mtimeMs }]));

const CONC_0 = 'GEOSChem.SpeciesConc.20190701_0000z.nc4';
const CONC_1 = 'GEOSChem.SpeciesConc.20190702_0000z.nc4';
const RESTART = 'GEOSChem.Restart.20190701_0000z.nc4';

describe('when an output file is ready to upload', () => {
  it('names collections by replacing the time stamp', () => {
    expect(collectionOf(CONC_0)).toBe('GEOSChem.SpeciesConc.*.nc4');
    expect(collectionOf('HEMCO_diagnostics.201907010000.nc')).toBe('HEMCO_diagnostics.201907010000.nc');
  });

  it('waits while a file is still growing, and takes it once it stopped changing', () => {
    const growing = filesReadyToUpload(snap({ [CONC_0]: [100, 1] }), snap({ [CONC_0]: [200, 2] }), new Map());
    expect(growing).toEqual([]);
    const stopped = filesReadyToUpload(snap({ [CONC_0]: [200, 2] }), snap({ [CONC_0]: [200, 2] }), new Map());
    expect(stopped).toEqual([CONC_0]);
  });

  it('takes a file at once when a newer file of its collection appeared', () => {
    const ready = filesReadyToUpload(
      snap({ [CONC_0]: [100, 1] }),
      snap({ [CONC_0]: [200, 2], [CONC_1]: [10, 3] }),
      new Map(),
    );
    expect(ready).toEqual([CONC_0]);
  });

  it('does not upload a file again unless it changed since', () => {
    const current = snap({ [CONC_0]: [200, 2] });
    expect(filesReadyToUpload(current, current, snap({ [CONC_0]: [200, 2] }))).toEqual([]);
    const changed = snap({ [CONC_0]: [300, 4] });
    expect(filesReadyToUpload(changed, changed, snap({ [CONC_0]: [200, 2] }))).toEqual([CONC_0]);
  });

  it('uploads everything left on the final pass, but never the untouched initial restart', () => {
    const baseline = snap({ [RESTART]: [5000, 0] });
    const current = snap({
      [RESTART]: [5000, 0],
      [CONC_1]: [10, 3],
      'GEOSChem.Restart.20190702_0000z.nc4': [5000, 9],
    });
    expect(filesReadyToUpload(new Map(), current, new Map(), { final: true, ignore: baseline })).toEqual([
      'GEOSChem.Restart.20190702_0000z.nc4',
      CONC_1,
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { configuredDataRoot, rewriteDataRoot } from '#shared/science/run/data-root.js';
import { parseInputList } from '#containers/runner/src/inputs-list.js';

describe('the input list of a run directory', () => {
  it('reads paths and sizes from "files", strings or records, without duplicates', () => {
    const text = JSON.stringify({
      files: [
        { path: 'GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A1.4x5.nc4', size: 1234 },
        { key: '/ExtData/CHEM_INPUTS/FAST_JX/v2024-05/', bytes: 'unknown' },
        'HEMCO/CEDS/v2024-06/2019/CEDS_CO_0.1x0.1_2019.nc',
        'HEMCO/CEDS/v2024-06/2019/CEDS_CO_0.1x0.1_2019.nc',
      ],
    });
    expect(parseInputList(text)).toEqual([
      { path: 'GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A1.4x5.nc4', size: 1234 },
      { path: 'CHEM_INPUTS/FAST_JX/v2024-05/', prefix: true },
      { path: 'HEMCO/CEDS/v2024-06/2019/CEDS_CO_0.1x0.1_2019.nc' },
    ]);
    expect(parseInputList(JSON.stringify({ inputs: ['a.nc'] }))).toEqual([{ path: 'a.nc' }]);
  });

  it("reads the submission's InputPlan: one object, listed keys, or a prefix, each in its item's bucket", () => {
    const plan = {
      buckets: ['s3://geos-chem', 's3://gcgrid'],
      items: [
        {
          category: 'restart',
          bucket: 's3://geos-chem',
          s3Uri: 's3://geos-chem/GEOSCHEM_RESTARTS/GC_14.7.0/GEOSChem.Restart.fullchem.20190701_0000z.nc4',
          keyCount: 1,
          estimatedBytes: 700000000,
          available: true,
        },
        {
          category: 'met',
          bucket: 's3://gcgrid',
          keys: ['GEOS_0.5x0.625_AS/MERRA2/2019/07/MERRA2.20190701.A1.05x0625.AS.nc4'],
          keyCount: 1,
          estimatedBytes: 1,
          available: true,
        },
        {
          category: 'emissions',
          bucket: 's3://geos-chem',
          prefix: 's3://geos-chem/HEMCO/CEDS/v2024-06/2019/',
          keys: ['HEMCO/CEDS/v2024-06/2019/a.nc'],
          keysTruncated: true,
          keyCount: 900,
          estimatedBytes: 1,
          available: true,
        },
      ],
    };
    expect(parseInputList(JSON.stringify(plan))).toEqual([
      {
        path: 'GEOSCHEM_RESTARTS/GC_14.7.0/GEOSChem.Restart.fullchem.20190701_0000z.nc4',
        bucket: 'geos-chem',
      },
      { path: 'GEOS_0.5x0.625_AS/MERRA2/2019/07/MERRA2.20190701.A1.05x0625.AS.nc4', bucket: 'gcgrid' },
      { path: 'HEMCO/CEDS/v2024-06/2019/', prefix: true, bucket: 'geos-chem' },
    ]);
    expect(() => parseInputList(JSON.stringify({ items: [{ bucket: 's3://geos-chem' }] }))).toThrow(
      'gcr-inputs.json: items[0] has no s3Uri, keys or prefix',
    );
  });

  it('refuses a list that is not JSON, has no files, or leaves the data root', () => {
    expect(() => parseInputList('{')).toThrow(/gcr-inputs.json is not JSON/);
    expect(() => parseInputList('{}')).toThrow('gcr-inputs.json has no "files" or "items" list');
    expect(() => parseInputList('{"files":["HEMCO/../../etc/passwd"]}')).toThrow(/leaves the data root/);
    expect(() => parseInputList('{"files":[{"size":1}]}')).toThrow('gcr-inputs.json: files[0] has no path');
  });

  it("keeps a plan item's runDirectoryPath (the restart under Restarts/) and refuses one that leaves the run directory", () => {
    const restart = {
      category: 'restart',
      bucket: 's3://geos-chem',
      s3Uri: 's3://geos-chem/GEOSCHEM_RESTARTS/GC_14.7.0/GEOSChem.Restart.fullchem.20190701_0000z.nc4',
      runDirectoryPath: 'Restarts/GEOSChem.Restart.20190701_0000z.nc4',
    };
    expect(parseInputList(JSON.stringify({ items: [restart] }))).toEqual([
      {
        path: 'GEOSCHEM_RESTARTS/GC_14.7.0/GEOSChem.Restart.fullchem.20190701_0000z.nc4',
        bucket: 'geos-chem',
        runDirectoryPath: 'Restarts/GEOSChem.Restart.20190701_0000z.nc4',
      },
    ]);
    for (const bad of ['../outside.nc4', '/etc/passwd', 'Restarts/../../x', 'Restarts//x']) {
      expect(() =>
        parseInputList(JSON.stringify({ items: [{ ...restart, runDirectoryPath: bad }] })),
      ).toThrow(/runDirectoryPath .* leaves the run directory/);
    }
  });
});

describe('pointing a run directory at another data root', () => {
  const config = 'simulation:\n  root_data_dir: /ExtData\n  chem_inputs_dir: /ExtData/CHEM_INPUTS/\n';
  const hemco =
    'ROOT:                        /ExtData/HEMCO\nMETDIR: /ExtData/GEOS_4x5/MERRA2\n/ExtDataOther/x\n';

  it("reads geoschem_config.yml's root_data_dir", () => {
    expect(configuredDataRoot(config)).toBe('/ExtData');
    expect(configuredDataRoot("  root_data_dir: '/data/ExtData/'  # comment")).toBe('/data/ExtData');
  });

  it('replaces the root only where it is a whole path prefix', () => {
    expect(rewriteDataRoot(config, '/ExtData', '/scratch/ExtData')).toBe(
      'simulation:\n  root_data_dir: /scratch/ExtData\n  chem_inputs_dir: /scratch/ExtData/CHEM_INPUTS/\n',
    );
    expect(rewriteDataRoot(hemco, '/ExtData', '/d')).toBe(
      'ROOT:                        /d/HEMCO\nMETDIR: /d/GEOS_4x5/MERRA2\n/ExtDataOther/x\n',
    );
    expect(rewriteDataRoot(hemco, '/ExtData', '/ExtData')).toBe(hemco);
  });
});

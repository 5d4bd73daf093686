import { describe, expect, it } from '@jest/globals';
import { LogScanner, readLogLine } from '#shared/science/run/log-scanner.js';

/** The shape of a GC Classic 14.x log around its first timesteps and its end. */
const CLASSIC_LOG = `
===============================================================================
G E O S - C H E M   U S E R   I N P U T

READ_SIMULATION_MENU
------------------------
Simulation name             : fullchem
Start time of run           : 20190701 000000
End time of run             : 20190701 010000
Run directory               : ./
Data Directory              : /ExtData/
===============================================================================
HEMCO: Opening /ExtData/GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A1.4x5.nc4
     - Found all A1     met fields for 2019-07-01 00:30
---> DATE: 2019/07/01  UTC: 00:00  X-HRS:      0.000000
     - Found all I3     met fields for 2019-07-01 03:00
---> DATE: 2019/07/01  UTC: 00:20  X-HRS:      0.333333
---> DATE: 2019/07/01  UTC: 00:40  X-HRS:      0.666667
---> DATE: 2019/07/01  UTC: 01:00  X-HRS:      1.000000
 - Writing data to ./OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4
 - CLEANUP: deallocating arrays now...
**************   E N D   O F   G E O S -- C H E M   **************
`;

const GEOSCHEM_ERROR_LOG = `
---> DATE: 2019/07/01  UTC: 00:20  X-HRS:      0.333333
===============================================================================
GEOS-Chem ERROR: Error encountered in "Get_Met_2D"!
 -> at Get_Met_2D (in module GeosCore/flexgrid_read_mod.F90)
===============================================================================
`;

describe('GEOS-Chem log scanning', () => {
  it('follows the simulated time of a GC Classic log and sees its end banner', () => {
    const scanner = new LogScanner();
    scanner.feed(CLASSIC_LOG);
    expect(scanner.result).toEqual({
      simulatedTime: new Date('2019-07-01T01:00:00Z'),
      sawEndBanner: true,
    });
  });

  it('reads lines split across chunks anywhere, including inside the date', () => {
    const scanner = new LogScanner();
    const text = '---> DATE: 2019/07/01  UTC: 00:20  X-HRS:      0.333333\n---> DATE: 2019/07/01  UTC: 00:40';
    const advanced = [
      scanner.feed(text.slice(0, 17)),
      scanner.feed(text.slice(17, 70)),
      scanner.feed(text.slice(70)),
    ];
    expect(advanced).toEqual([false, true, false]);
    expect(scanner.result.simulatedTime).toEqual(new Date('2019-07-01T00:20:00Z'));
    expect(scanner.flush()).toBe(true);
    expect(scanner.result.simulatedTime).toEqual(new Date('2019-07-01T00:40:00Z'));
  });

  it('reads the older GMT form and GCHP (MAPL) date lines', () => {
    expect(readLogLine('---> DATE: 2016/07/01  GMT: 06:00  X-HRS:       6.000').simulatedTime).toEqual(
      new Date('2016-07-01T06:00:00Z'),
    );
    expect(
      readLogLine(
        ' AGCM Date: 2019/07/01  Time: 00:20:00  Throughput(days/day)[Avg Tot Run]:   512.3   498.1   530.2',
      ).simulatedTime,
    ).toEqual(new Date('2019-07-01T00:20:00Z'));
  });

  it('keeps the first fatal error: GEOS-Chem ERROR, HEMCO ERROR, forrtl, signals, gfortran runtime errors', () => {
    const scanner = new LogScanner();
    scanner.feed(GEOSCHEM_ERROR_LOG);
    scanner.feed('HEMCO ERROR: Cannot find file for current simulation time\n');
    expect(scanner.result.fatalError).toBe('GEOS-Chem ERROR: Error encountered in "Get_Met_2D"!');
    expect(scanner.result.sawEndBanner).toBe(false);
    for (const line of [
      'HEMCO ERROR: Cannot find file for current simulation time: /ExtData/HEMCO/CEDS/v2024-06/2019/CEDS_CO.nc',
      'forrtl: severe (174): SIGSEGV, segmentation fault occurred',
      'Program received signal SIGSEGV: Segmentation fault - invalid memory reference.',
      "Fortran runtime error: Cannot open file 'species_database.yml': No such file or directory",
    ]) {
      expect(readLogLine(line).fatalError).toBe(line);
    }
  });

  it('does not take warnings or progress for errors', () => {
    for (const line of [
      'HEMCO WARNING: No valid data found for time slice, using nearest',
      ' - Found all A1     met fields for 2019-07-01 00:30',
      'Number of OpenMP threads : 8',
    ]) {
      expect(readLogLine(line)).toEqual({});
    }
  });

  it('never moves the simulated time backwards', () => {
    const scanner = new LogScanner();
    scanner.feed('---> DATE: 2019/07/01  UTC: 01:00  X-HRS:      1.000000\n');
    expect(scanner.feed('---> DATE: 2019/07/01  UTC: 00:40  X-HRS:      0.666667\n')).toBe(false);
    expect(scanner.result.simulatedTime).toEqual(new Date('2019-07-01T01:00:00Z'));
  });
});

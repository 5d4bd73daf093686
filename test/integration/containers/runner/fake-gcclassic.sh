#!/bin/sh
# A stand-in for the gcclassic executable in the runner's integration tests:
# prints GEOS-Chem-like log lines, reads an input file through the run
# directory's data root, writes NetCDF-named outputs, and exits as told.
#   FAKE_GC_EXIT   exit code (default 0)
#   FAKE_GC_ERROR  when set, print a GEOS-Chem ERROR block instead of the end banner
#   FAKE_GC_SOURCE a file copied as each output (default: this script)
#   FAKE_GC_HANG   when set, wait (as the process itself) after the first output, until killed
#   A spec tag "fake-gc-error" in GCR_SPEC (the local platform's job environment) sets FAKE_GC_ERROR.
set -u
case "${GCR_SPEC:-}" in
  *'"fake-gc-error"'*) FAKE_GC_ERROR="${FAKE_GC_ERROR:-Error encountered in \"Get_Met_2D\"!}" ;;
esac
data_root=$(sed -n 's/^ *root_data_dir: *//p' geoschem_config.yml)
echo "Data Directory              : ${data_root}/"
echo "Number of OpenMP threads    : ${OMP_NUM_THREADS:-unset}"
met="${data_root}/GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A1.4x5.nc4"
if [ ! -f "$met" ]; then
  echo "HEMCO ERROR: Cannot find file for current simulation time: $met"
  exit 1
fi
echo "HEMCO: Opening $met"
source_file="${FAKE_GC_SOURCE:-$0}"
mkdir -p OutputDir Restarts
echo "---> DATE: 2019/07/01  UTC: 00:00  X-HRS:      0.000000"
cp "$source_file" OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4
echo "---> DATE: 2019/07/01  UTC: 00:20  X-HRS:      0.333333"
if [ -n "${FAKE_GC_HANG:-}" ]; then
  exec sleep 600
fi
echo "---> DATE: 2019/07/01  UTC: 00:40  X-HRS:      0.666667"
if [ -n "${FAKE_GC_ERROR:-}" ]; then
  echo "==============================================================================="
  echo "GEOS-Chem ERROR: ${FAKE_GC_ERROR}"
  echo " -> at Get_Met_2D (in module GeosCore/flexgrid_read_mod.F90)"
  echo "==============================================================================="
  exit "${FAKE_GC_EXIT:-1}"
fi
echo "---> DATE: 2019/07/01  UTC: 01:00  X-HRS:      1.000000"
cp "$source_file" Restarts/GEOSChem.Restart.20190701_0100z.nc4
echo " - Writing data to ./OutputDir/GEOSChem.SpeciesConc.20190701_0000z.nc4"
echo "**************   E N D   O F   G E O S -- C H E M   **************"
exit "${FAKE_GC_EXIT:-0}"

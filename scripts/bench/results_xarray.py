#!/usr/bin/python3
"""xarray side of `npm run bench:results` (run with Debian's /usr/bin/python3,
which has python3-xarray and python3-netcdf4).

Computes, for every data variable of a GEOS-Chem SpeciesConc file, the same
metrics as shared/science/results/metrics.ts: count of valid values (NaN after
xarray's _FillValue masking), min, max, mean, and the area-weighted mean of
the surface level (lev index 0) per time step. Times the work itself
(open_dataset to the last reduction) `--runs` times and prints one JSON
object on stdout: {importSeconds, runSeconds: [...], variables: {...}}.
"""
import argparse
import json
import sys
import time

IMPORT_STARTED = time.perf_counter()
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - IMPORT_STARTED

# Coordinates, bounds and hybrid-level coefficients, as metrics.ts leaves them out.
NOT_DATA = {"AREA", "hyam", "hybm", "hyai", "hybi", "P0", "lat_bnds", "lon_bnds"}


def number(x):
    value = float(x)
    return None if np.isnan(value) else value


def metrics(path):
    out = {}
    with xr.open_dataset(path) as ds:
        area = ds["AREA"].astype("float64")
        for name, var in ds.data_vars.items():
            if name in NOT_DATA:
                continue
            # One read per variable; every reduction below works in memory.
            var = var.load()
            entry = {
                "count": int(var.count()),
                "min": number(var.min()),
                "max": number(var.max()),
                "mean": number(var.mean(dtype="float64")),
            }
            if "lev" in var.dims and {"lat", "lon"} <= set(var.dims):
                surface = var.isel(lev=0).astype("float64")
                weights = area.where(surface.notnull())
                means = (surface * area).sum(("lat", "lon")) / weights.sum(("lat", "lon"))
                entry["surfaceAreaWeightedMean"] = [number(m) for m in np.atleast_1d(means.values)]
            out[name] = entry
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    result = None
    for _ in range(args.runs):
        started = time.perf_counter()
        result = metrics(args.file)
        times.append(time.perf_counter() - started)
    json.dump({"importSeconds": IMPORT_SECONDS, "runSeconds": times, "variables": result}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

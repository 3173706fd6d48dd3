#!/usr/bin/env python3
"""Derive the viewer's embedded basemap from ../shared/data (Natural Earth + GeoNames).

Writes assets/basemap/basemap.json: one compact JSON document with the layers the map plugin
draws (fills, lines, label points). Coordinates are lon/lat rounded to 4 decimals (about 10 m,
far below the 1:10m source accuracy) and stored as flat [x0, y0, x1, y1, ...] rings so the
viewer parses them without per-point allocations.

Usage: python3 tools/derive_assets.py [SHARED_DATA_DIR]   (default: ../shared/data)
The output is committed; CI never runs this script.
"""
import csv
import json
import os
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
BASEMAP = os.path.join(DATA, "basemap")
OUT = os.path.join(ROOT, "assets", "basemap", "basemap.json")


def load(name):
    with open(os.path.join(BASEMAP, name), encoding="utf-8") as f:
        return json.load(f)["features"]


def flat(ring):
    out = []
    for x, y, *_ in ring:
        out.append(round(x, 4))
        out.append(round(y, 4))
    # Drop consecutive duplicates created by rounding.
    dedup = out[:2]
    for i in range(2, len(out), 2):
        if out[i] != dedup[-2] or out[i + 1] != dedup[-1]:
            dedup += out[i:i + 2]
    return dedup


def polygons(geom):
    if geom["type"] == "Polygon":
        polys = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        return []
    result = []
    for poly in polys:
        rings = [flat(r) for r in poly]
        rings = [r for r in rings if len(r) >= 6]
        if rings:
            result.append(rings)
    return result


def lines(geom):
    if geom["type"] == "LineString":
        parts = [geom["coordinates"]]
    elif geom["type"] == "MultiLineString":
        parts = geom["coordinates"]
    else:
        return []
    return [l for l in (flat(p) for p in parts) if len(l) >= 4]


def plain(name):
    """Drops combining diacritics (Ḩamāh -> Hamah): egui's Latin font lacks many precomposed
    letters of scholarly transliteration, and a reference map reads fine without them."""
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))


def arabic(alt_names):
    for name in alt_names.split("|"):
        if any(unicodedata.name(c, "").startswith("ARABIC") for c in name):
            return name.strip()
    return ""


def fill_layer(name, keep=()):
    out = []
    for f in load(name):
        item = {k: f["properties"].get(k) for k in keep}
        item["polygons"] = polygons(f["geometry"])
        if item["polygons"]:
            out.append(item)
    return out


def line_layer(name, keep=()):
    out = []
    for f in load(name):
        item = {k: f["properties"].get(k) for k in keep}
        item["lines"] = lines(f["geometry"])
        if item["lines"]:
            out.append(item)
    return out


def places():
    """GeoNames populated places, ranked by Natural Earth where it lists them."""
    ne_rank = {}
    for f in load("populated_places_10m.geojson"):
        p = f["properties"]
        if p.get("geonameid"):
            ne_rank[int(p["geonameid"])] = p["scalerank"]
    out = []
    with open(os.path.join(DATA, "gazetteer", "gazetteer_sy.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            gid = int(row["geonameid"]) if row["geonameid"] else None
            out.append({
                "name": plain(row["name"]),
                "name_ar": arabic(row["alt_names"]),
                "lon": round(float(row["lon"]), 5),
                "lat": round(float(row["lat"]), 5),
                "pop": int(row["population"] or 0),
                "code": row["feature_code"],
                "cc": row["country_code"],
                "ne_rank": ne_rank.get(gid),
            })
    # Natural Earth places missing from the gazetteer extract (outside Syria's neighbourhood list).
    known = {(p["name"], round(p["lon"], 1), round(p["lat"], 1)) for p in out}
    for f in load("populated_places_10m.geojson"):
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        key = (p["name"], round(lon, 1), round(lat, 1))
        if key in known:
            continue
        if any(abs(q["lon"] - lon) < 0.05 and abs(q["lat"] - lat) < 0.05 and q["ne_rank"] is not None
               for q in out):
            continue
        out.append({
            "name": plain(p["name"]), "name_ar": "", "lon": round(lon, 5), "lat": round(lat, 5),
            "pop": int(p.get("pop_max") or 0), "code": "PPL", "cc": p.get("iso_a2") or "",
            "ne_rank": p["scalerank"],
        })
    out.sort(key=lambda p: (-p["pop"], p["name"]))
    return out


# Places GeoNames lacks, from key_places.csv: (key, label, kind, approximate?)
EXTRA_PLACES = [
    ("east_aleppo", "East Aleppo", "district", True),
    ("west_aleppo", "West Aleppo", "district", True),
    ("qaterji", "al-Qaterji", "neighbourhood", False),
    ("qadi_askar", "Qadi Askar", "neighbourhood", False),
    ("aleppo_citadel", "Citadel", "site", False),
    ("urum_kubra_village", "Urum al-Kubra", "village", False),
    ("urum_convoy_site", "Convoy strike site (SARC warehouse)", "site", False),
    ("khan_tuman", "Khan Tuman (approx.)", "village", True),
]


def extra_places():
    rows = {r["key"]: r for r in csv.DictReader(open(os.path.join(DATA, "key_places.csv"), encoding="utf-8"))}
    out = []
    for key, label, kind, approx in EXTRA_PLACES:
        r = rows[key]
        out.append({"name": label, "lon": float(r["lon"]), "lat": float(r["lat"]), "kind": kind,
                    "approximate": approx, "precision": r["precision"], "source": r["source"]})
    return out


def admin1_labels():
    out = []
    for f in load("admin1_10m.geojson"):
        p = f["properties"]
        if p.get("latitude") is None:
            continue
        out.append({
            "name": plain(p.get("name_en") or p["name"]),
            "name_ar": p.get("name_ar") or "",
            "country": p.get("adm0_a3") or "",
            "lon": round(p["longitude"], 4),
            "lat": round(p["latitude"], 4),
        })
    return out


def main():
    basemap = {
        "credit": "Natural Earth (public domain); GeoNames (CC-BY 4.0, geonames.org)",
        "region": [34.0, 31.0, 43.0, 38.5],
        "countries": fill_layer("countries_10m.geojson", ("name", "adm0_a3")),
        "lakes": fill_layer("lakes_10m.geojson", ("name",)),
        "urban": fill_layer("urban_areas_50m.geojson"),
        "admin0_lines": line_layer("admin0_boundary_lines_10m.geojson"),
        "disputed_lines": line_layer("admin0_disputed_lines_10m.geojson"),
        "admin1_lines": line_layer("admin1_lines_10m.geojson"),
        "coastline": line_layer("coastline_10m.geojson"),
        "rivers": line_layer("rivers_10m.geojson", ("name",)),
        "admin1": admin1_labels(),
        "places": places(),
        "extra_places": extra_places(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(basemap, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes, {len(basemap['places'])} places")


if __name__ == "__main__":
    main()

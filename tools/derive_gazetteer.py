#!/usr/bin/env python3
"""Derive the viewer's embedded gazetteer from ../shared/data/gazetteer/gazetteer_sy.csv (GeoNames).

Writes assets/gazetteer/geonames.tsv: one place a line, tab-separated, with only what place
matching needs: geonameid, name, lat, lon, admin1, population, feature_code, country_code and the
alternate names in Latin or Arabic script (`|`-separated). Names in other scripts are dropped (the
matcher does not read them), and so are GeoNames' all-lower-case machine romanisations ("hlb",
"a lei po"), which match English words more often than places.

The project's own list of neighbourhoods and sites (assets/gazetteer/local_places.csv) is written
by hand, not by this script.

Usage: python3 tools/derive_gazetteer.py [SHARED_DATA_DIR]   (default: ../shared/data)
The output is committed; CI never runs this script.
GeoNames (geonames.org) data is licensed CC-BY 4.0: the README credits it.
"""
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
SRC = os.path.join(DATA, "gazetteer", "gazetteer_sy.csv")
OUT = os.path.join(ROOT, "assets", "gazetteer", "geonames.tsv")

INVISIBLE = {"\u200e", "\u200f", "\u200c", "\u200d", "\ufeff"}


def script(name):
    """'latin', 'arabic' or None (another script, or a mixture)."""
    kinds = set()
    for ch in name:
        o = ord(ch)
        if ch in " -'.,()`/" or ch.isdigit():
            continue
        if o < 0x250 or 0x1E00 <= o <= 0x1EFF or 0x2B0 <= o <= 0x2FF or ch in "‘’ʿʾ":
            kinds.add("latin")
        elif 0x600 <= o <= 0x6FF or 0x750 <= o <= 0x77F or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
            kinds.add("arabic")
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def clean(name):
    return "".join(ch for ch in name if ch not in INVISIBLE).replace("\t", " ").strip()


def main():
    rows = []
    with open(SRC, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            name = clean(r["name"])
            seen = {name.casefold()}
            alts = []
            for a in r["alt_names"].split("|"):
                a = clean(a)
                s = script(a)
                if not a or s is None or a.casefold() in seen:
                    continue
                if s == "latin" and not any(ch.isupper() for ch in a):
                    continue
                seen.add(a.casefold())
                alts.append(a)
            rows.append([
                r["geonameid"], name, r["lat"], r["lon"], clean(r["admin1"]),
                r["population"] or "0", r["feature_code"], r["country_code"], "|".join(alts),
            ])
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("# GeoNames (geonames.org), CC-BY 4.0; derived by tools/derive_gazetteer.py\n")
        f.write("\t".join(["geonameid", "name", "lat", "lon", "admin1", "population",
                           "feature_code", "country_code", "alt_names"]) + "\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    print(f"wrote {len(rows)} places to {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()

"""Build ``opslens/data/gazetteer.csv`` from the GeoNames facts in ``../shared/datasets/gazetteer-ua``.

Run from the project root (build time only; the CSV is committed and shipped in the package)::

    .venv/bin/python opslens/data/build_gazetteer.py [--shared ../shared]

Inputs (see ATTRIBUTION.md): GeoNames cities15000 (UA/RU/BY, with alternate names in Latin and
Cyrillic script), GeoNames admin1 codes, GeoNames postal codes for Ukraine (Ukrainian Cyrillic
names of small settlements, with their oblast), the countries-states-cities database (English
names of ~1,570 Ukrainian places), plus ``gazetteer_extra.csv`` (hand-added front-line places,
regions and their spellings).

Output columns: ``alias`` (a surface form to match, case-sensitive), ``place`` (canonical English
name), ``kind`` (city / village / oblast / region), ``admin1`` (canonical first-level unit or
empty), ``country`` (ISO alpha-2), ``lat``, ``lon``, ``population`` (0 when unknown), ``source``
(geonames / postal / csc / extra). Canonical Ukrainian names are the official 2010 (KMU)
romanisation of the Ukrainian Cyrillic name, the spelling the Ukrainian government uses.
"""
from __future__ import annotations

import argparse
import csv
import difflib
import gzip
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Official Ukrainian romanisation (Cabinet of Ministers resolution 55, 2010).
_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
}
_KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_UKR_ONLY = set("іїєґ")
_RUS_ONLY = set("ыэъё")


def kmu(text: str) -> str:
    """Ukrainian Cyrillic -> official Latin romanisation (``Запоріжжя`` -> ``Zaporizhzhia``)."""
    out = []
    low = text.lower()
    for i, ch in enumerate(low):
        initial = i == 0 or not low[i - 1].isalpha() and low[i - 1] not in "'’ʼ"
        if ch == "г" and i > 0 and low[i - 1] == "з":
            tr = "gh"
        elif initial and ch in _KMU_INITIAL:
            tr = _KMU_INITIAL[ch]
        else:
            tr = _KMU.get(ch, ch)
        if text[i].isupper() and tr:
            tr = tr[0].upper() + tr[1:]
        out.append(tr)
    return "".join(out)


# GeoNames admin1 names of Russia / Belarus -> names in the contract's style ("Belgorod Oblast").
_RU_BY_ADMIN1 = {
    "Rostov": "Rostov Oblast", "Krasnodarskiy": "Krasnodar Krai", "Kursk": "Kursk Oblast",
    "Voronezj": "Voronezh Oblast", "Moscow": "Moscow", "Smolensk": "Smolensk Oblast",
    "Tula": "Tula Oblast", "Kaluga": "Kaluga Oblast", "Tambov": "Tambov Oblast", "Penza": "Penza Oblast",
    "Saratovskaya Oblast": "Saratov Oblast", "Stavropol’ Kray": "Stavropol Krai", "Tver’ Oblast": "Tver Oblast",
    "Leningradskaya Oblast'": "Leningrad Oblast", "St.-Petersburg": "Saint Petersburg",
    "Jaroslavl": "Yaroslavl Oblast", "Vologda": "Vologda Oblast", "Ivanovo": "Ivanovo Oblast",
    "Vladimir": "Vladimir Oblast", "Kaliningrad": "Kaliningrad Oblast", "Murmansk": "Murmansk Oblast",
    "Arkhangelskaya": "Arkhangelsk Oblast", "Astrakhan": "Astrakhan Oblast", "Ulyanovsk": "Ulyanovsk Oblast",
    "Kirov": "Kirov Oblast", "Perm": "Perm Krai", "Omsk": "Omsk Oblast", "Chelyabinsk": "Chelyabinsk Oblast",
    "Sverdlovsk": "Sverdlovsk Oblast", "Khabarovsk": "Khabarovsk Krai", "Kamchatka": "Kamchatka Krai",
    "Krasnoyarskiy": "Krasnoyarsk Krai", "Primorskiy (Maritime) Kray": "Primorsky Krai",
    "Brest": "Brest Oblast", "Homyel’": "Gomel Oblast", "Grodnenskaya": "Grodno Oblast", "Minsk": "Minsk Oblast",
    "Minsk City": "Minsk", "Mogilev": "Mogilev Oblast", "Vitebsk": "Vitebsk Oblast", "Gomel": "Gomel Oblast",
}


def ru_by_admin1(name: str) -> str:
    if name in _RU_BY_ADMIN1:
        return _RU_BY_ADMIN1[name]
    name = name.replace("’", "").replace("'", "")
    if re.search(r"\b(Oblast|Republic|Kray|Krai|Okrug)\b", name):
        return name.replace("Kray", "Krai")
    return f"{name} Oblast"


_LATIN_OK = re.compile(r"^[A-Z][A-Za-z'’\- ]+$")
_CYR_OK = re.compile(r"^[А-ЯІЇЄҐЁ][а-яіїєґёА-ЯІЇЄҐЁ'’ʼ\- ]+$")


def _good_latin(a: str) -> bool:
    return bool(_LATIN_OK.match(a)) and len(a) >= 4 and not a.isupper()


def _pick_ukrainian(name: str, cyr: list[str], postal_names: set[str]) -> str | None:
    """The Ukrainian Cyrillic form among GeoNames alternates (closest romanisation to ``name``)."""
    best, best_score = None, 0.0
    for c in cyr:
        if any(ch in _RUS_ONLY for ch in c.lower()):
            continue
        s = difflib.SequenceMatcher(None, kmu(c).lower(), name.lower()).ratio()
        if c in postal_names:
            s += 0.3
        if any(ch in _UKR_ONLY for ch in c.lower()):
            s += 0.15
        if s > best_score:
            best, best_score = c, s
    return best if best_score >= 0.6 else None


def build(shared: Path) -> list[dict[str, object]]:
    gz = shared / "datasets" / "gazetteer-ua"
    admin_ua = {}
    with open(shared / "spec" / "admin1_ua.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            admin_ua[r["geonames_code"]] = r["admin1"]
    admin_other = {}
    with open(gz / "geonames_admin1Codes_UA_RU_BY.tsv", encoding="utf-8") as f:
        for line in f:
            code, name, *_ = line.rstrip("\n").split("\t")
            if not code.startswith("UA."):
                admin_other[code] = ru_by_admin1(name)

    # postal places: Ukrainian names by oblast code
    postal: dict[str, dict[str, list[tuple[float, float, int]]]] = defaultdict(lambda: defaultdict(list))
    with gzip.open(gz / "geonames_postalcodes_UA.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 12 or not p[2] or not p[4]:
                continue
            try:
                lat, lon, acc = float(p[9]), float(p[10]), int(p[11] or 0)
            except ValueError:
                continue
            postal[p[2]][f"UA.{int(p[4]):02d}" if p[4].isdigit() else p[4]].append((lat, lon, acc))
    postal_names = set(postal)

    rows: list[dict[str, object]] = []
    seen_places: dict[tuple[str, str], bool] = {}

    def add(alias: str, place: str, kind: str, admin1: str, country: str, lat, lon, pop: int, source: str) -> None:
        alias = alias.strip()
        if not alias:
            return
        rows.append({"alias": alias, "place": place, "kind": kind, "admin1": admin1, "country": country,
                     "lat": "" if lat is None else round(float(lat), 5),
                     "lon": "" if lon is None else round(float(lon), 5),
                     "population": int(pop or 0), "source": source})

    with open(gz / "geonames_cities15000_UA_RU_BY.tsv", encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            gid, name, ascii_, alts, lat, lon, fclass, fcode, cc = p[:9]
            a1code, pop = p[10], int(p[14] or 0)
            if fclass != "P":
                continue
            alts_l = [a for a in alts.split(",") if a] if alts else []
            cyr = [a for a in alts_l if _CYR_OK.match(a)]
            lat_alts = [a for a in alts_l if _good_latin(a)]
            key = f"{cc}.{a1code}"
            if cc == "UA":
                admin1 = admin_ua.get(key, "")
                ukr = _pick_ukrainian(ascii_, cyr, postal_names)
                canon = kmu(ukr) if ukr else ascii_
                canon = canon.replace("Kyiv", "Kyiv")
            else:
                admin1 = admin_other.get(key, "")
                canon = ascii_
                # Russian / Belarusian places: their own name, ascii name and English-looking spellings
                lat_alts = [a for a in lat_alts if a.isascii()]
            kind = "city"
            aliases = {canon, name, ascii_, *lat_alts, *cyr}
            for a in aliases:
                add(a, canon, kind, admin1, cc, lat, lon, pop, "geonames")
            seen_places[(canon, admin1)] = True

    # csc: English names with oblast ("Donetska" -> Donetsk Oblast)
    csc_state = {
        "Autonomous Republic of Crimea": "Crimea", "Cherkaska": "Cherkasy Oblast", "Chernihivska": "Chernihiv Oblast",
        "Chernivetska": "Chernivtsi Oblast", "Dnipropetrovska": "Dnipropetrovsk Oblast", "Donetska": "Donetsk Oblast",
        "Ivano-Frankivska": "Ivano-Frankivsk Oblast", "Kharkivska": "Kharkiv Oblast", "Khersonska": "Kherson Oblast",
        "Khmelnytska": "Khmelnytskyi Oblast", "Kirovohradska": "Kirovohrad Oblast", "Kyiv": "Kyiv City",
        "Kyivska": "Kyiv Oblast", "Luhanska": "Luhansk Oblast", "Lvivska": "Lviv Oblast", "Mykolaivska": "Mykolaiv Oblast",
        "Odeska": "Odesa Oblast", "Poltavska": "Poltava Oblast", "Rivnenska": "Rivne Oblast", "Sevastopol": "Sevastopol",
        "Sumska": "Sumy Oblast", "Ternopilska": "Ternopil Oblast", "Vinnytska": "Vinnytsia Oblast", "Volynska": "Volyn Oblast",
        "Zakarpatska": "Zakarpattia Oblast", "Zaporizka": "Zaporizhzhia Oblast", "Zhytomyrska": "Zhytomyr Oblast",
    }
    with gzip.open(gz / "csc_UA_states_cities.json.gz", "rt", encoding="utf-8") as f:
        csc = json.load(f)
    for st in csc["states"].values():
        admin1 = csc_state.get(st["name"], "")
        if admin1 and admin1 not in ("Kyiv City", "Sevastopol"):
            add(f"{st['name']} oblast", admin1, "oblast", admin1, "UA", st["latitude"], st["longitude"], 0, "csc")
            add(f"{st['name']} Oblast", admin1, "oblast", admin1, "UA", st["latitude"], st["longitude"], 0, "csc")
        for c in st.get("cities", {}).values():
            nm = c["name"]
            if not _good_latin(nm) or (nm, admin1) in seen_places:
                continue
            add(nm, nm, "village", admin1, "UA", c["latitude"], c["longitude"], 0, "csc")

    # postal places (small settlements): official romanisation of the Ukrainian name, by oblast
    for ukr, by_admin in postal.items():
        if not _CYR_OK.match(ukr):
            continue
        canon = kmu(ukr)
        if len(canon) < 5:
            continue
        for code, pts in by_admin.items():
            admin1 = admin_ua.get(code, "")
            if not admin1 or (canon, admin1) in seen_places:
                continue
            exact = [(la, lo) for la, lo, acc in pts if acc >= 4]
            lat, lon = (exact[0] if exact else (None, None))
            add(canon, canon, "village", admin1, "UA", lat, lon, 0, "postal")

    # hand-added places, regions and spellings
    with open(HERE / "gazetteer_extra.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            for a in r["aliases"].split("|"):
                add(a, r["place"], r["kind"], r["admin1"], r["country"], r["lat"] or None, r["lon"] or None,
                    int(r["population"] or 0), "extra")

    # de-duplicate (alias, place, admin1), keeping the most informative row
    best: dict[tuple[str, str, str], dict[str, object]] = {}
    rank = {"extra": 0, "geonames": 1, "csc": 2, "postal": 3}
    for r in rows:
        k = (str(r["alias"]), str(r["place"]), str(r["admin1"]))
        if k not in best or rank[str(r["source"])] < rank[str(best[k]["source"])]:
            best[k] = r
    # one physical place under several spellings (GeoNames "Kadyevka", hand-added "Kadiivka"):
    # per alias, drop a lower-ranked candidate in the same admin1 within ~15 km of a better one
    by_alias: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in best.values():
        by_alias[str(r["alias"])].append(r)
    out: list[dict[str, object]] = []
    for alias, cands in by_alias.items():
        cands.sort(key=lambda r: (rank[str(r["source"])], -int(r["population"])))
        kept: list[dict[str, object]] = []
        for r in cands:
            dup = False
            for k in kept:
                if k["admin1"] != r["admin1"]:
                    continue
                if k["place"] == r["place"] or "" in (k["lat"], r["lat"]) or (
                        abs(float(k["lat"]) - float(r["lat"])) < 0.15 and abs(float(k["lon"]) - float(r["lon"])) < 0.2):
                    dup = True
                    break
            if not dup:
                kept.append(r)
        out.extend(kept)
    return sorted(out, key=lambda r: (str(r["alias"]), -int(r["population"]), str(r["place"])))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(HERE.parents[1].parent / "shared"), help="path of ../shared")
    ap.add_argument("--out", default=str(HERE / "gazetteer.csv"))
    a = ap.parse_args(argv)
    rows = build(Path(a.shared))
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["alias", "place", "kind", "admin1", "country", "lat", "lon", "population", "source"])
        w.writeheader()
        w.writerows(rows)
    sys.stderr.write(f"wrote {len(rows)} rows to {a.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Build the bundled OpsLens sample corpus from ``facts.csv``.

Usage (from the project root)::

    python data/sample/build.py                  # rewrite data/sample/ in place
    python data/sample/build.py --out DIR        # write the corpus into DIR instead
    python data/sample/build.py --refresh-facts  # re-derive facts.csv from ../shared/datasets first

Every page is written for this project by this script: the outlets are fictional, the wording is
generated from sentence templates below, and only facts and figures (dates, counts, weapon models,
donors, items, values, place coordinates) come from the public records named in data/README.md.
The output is deterministic: a fixed seed, a fixed "now", no dependence on the clock, the locale or
dict ordering, so rerunning it reproduces the committed files byte for byte.

Outputs (below the output directory)::

    html/<outlet>/<slug>.html   the pages (UTF-8 unless the page declares another charset)
    pages.csv                   one row per page: where it is, how it is dated, which traps it holds
    manifest.csv                one row per event a page reports (the truth the extractors aim at)
    feed.xml, feed.atom         RSS 2.0 / Atom feeds listing a subset of the pages
    sample.warc.gz              WARC/1.0 response records for a subset of the pages (warcio)

Standard library only, plus warcio for the WARC file.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 20221003
WINDOW = (dt.date(2022, 10, 3), dt.date(2022, 11, 27))

# --------------------------------------------------------------------------------------------
# Outlets (all fictional; any resemblance of a domain to a real site is accidental)
# --------------------------------------------------------------------------------------------

OUTLETS: dict[str, dict[str, str]] = {
    "kyivwire.net": {"name": "Kyiv Wire", "style": "wire"},
    "eastfront-herald.com": {"name": "Eastfront Herald", "style": "liveblog"},
    "pivdenpost.com.ua": {"name": "Pivden Post", "style": "regional"},
    "slobozhanka-daily.com": {"name": "Slobozhanka Daily", "style": "regional"},
    "ua-defence-bulletin.org": {"name": "Defence Bulletin of Ukraine", "style": "government"},
    "newsflow24.com": {"name": "NewsFlow 24", "style": "aggregator"},
    "defence-ledger.com": {"name": "The Defence Ledger", "style": "business"},
    "dnipro-evening.net": {"name": "Dnipro Evening", "style": "regional"},
    "stolytsia-today.com": {"name": "Stolytsia Today", "style": "regional"},
}

# Places: canonical name -> (admin1, lat, lon, spellings used in text). Coordinates: GeoNames.
PLACES: dict[str, tuple[str, float | None, float | None, tuple[str, ...]]] = {
    "Kyiv": ("Kyiv City", 50.45466, 30.5238, ("Kyiv", "Kiev", "Київ")),
    "Kharkiv": ("Kharkiv Oblast", 49.98081, 36.25272, ("Kharkiv", "Kharkov")),
    "Odesa": ("Odesa Oblast", 46.48572, 30.74383, ("Odesa", "Odessa", "Одеса")),
    "Mykolaiv": ("Mykolaiv Oblast", 46.97625, 31.99296, ("Mykolaiv", "Nikolaev", "Миколаїв")),
    "Dnipro": ("Dnipropetrovsk Oblast", 48.46664, 35.04066, ("Dnipro",)),
    "Zaporizhzhia": ("Zaporizhzhia Oblast", 47.85167, 35.11714, ("Zaporizhzhia", "Zaporozhye")),
    "Kherson": ("Kherson Oblast", 46.63695, 32.61458, ("Kherson",)),
    "Vinnytsia": ("Vinnytsia Oblast", 49.2322, 28.46871, ("Vinnytsia",)),
    "Poltava": ("Poltava Oblast", 49.58925, 34.55367, ("Poltava",)),
    "Kryvyi Rih": ("Dnipropetrovsk Oblast", 47.90572, 33.39404, ("Kryvyi Rih",)),
    "Bakhmut": ("Donetsk Oblast", 48.59441, 37.99983, ("Bakhmut",)),
    "Avdiivka": ("Donetsk Oblast", 48.13989, 37.74255, ("Avdiivka",)),
    "Lyman": ("Donetsk Oblast", 48.98616, 37.80307, ("Lyman",)),
    "Kupiansk": ("Kharkiv Oblast", 49.71003, 37.61581, ("Kupiansk",)),
    "Svatove": ("Luhansk Oblast", 49.40719, 38.15362, ("Svatove",)),
    "Nikopol": ("Dnipropetrovsk Oblast", 47.56826, 34.39126, ("Nikopol",)),
    "Kremenchuk": ("Poltava Oblast", 49.06253, 33.40484, ("Kremenchuk",)),
    "Bila Tserkva": ("Kyiv Oblast", 49.8004, 30.12851, ("Bila Tserkva",)),
    "Zhytomyr": ("Zhytomyr Oblast", 50.26487, 28.67669, ("Zhytomyr",)),
    "Lviv": ("Lviv Oblast", 49.83826, 24.02324, ("Lviv",)),
    # oblasts as places (no settlement named)
    "Odesa Oblast": ("Odesa Oblast", None, None, ("Odesa region", "Odessa region", "the Odesa region")),
    "Mykolaiv Oblast": ("Mykolaiv Oblast", None, None, ("Mykolaiv region", "the Mykolaiv region")),
    "Dnipropetrovsk Oblast": ("Dnipropetrovsk Oblast", None, None, ("Dnipropetrovsk region",)),
    "Kherson Oblast": ("Kherson Oblast", None, None, ("Kherson region",)),
    "Poltava Oblast": ("Poltava Oblast", None, None, ("Poltava region",)),
    "Kyiv Oblast": ("Kyiv Oblast", None, None, ("Kyiv region", "the region around the capital")),
    "Vinnytsia Oblast": ("Vinnytsia Oblast", None, None, ("Vinnytsia region",)),
    "Zaporizhzhia Oblast": ("Zaporizhzhia Oblast", None, None, ("Zaporizhzhia region",)),
    "Kharkiv Oblast": ("Kharkiv Oblast", None, None, ("Kharkiv region", "Kharkov region")),
}

# Official target (missile-attacks-daily ``target``) -> regions a regional outlet writes about.
TARGET_REGIONS = {
    "Odesa oblast and Mykolaiv oblast": ["Mykolaiv Oblast", "Odesa Oblast"],
    "Odesa oblast and Mykolaiv oblast and Vinnytsia oblast": ["Odesa Oblast", "Vinnytsia Oblast"],
    "Mykolaiv oblast": ["Mykolaiv Oblast"],
    "Odesa oblast": ["Odesa Oblast"],
    "south": ["Mykolaiv Oblast", "Odesa Oblast"],
    "east": ["Kharkiv Oblast", "Dnipropetrovsk Oblast"],
    "Kherson oblast": ["Kherson Oblast"],
    "Dnipropetrovsk oblast": ["Dnipropetrovsk Oblast"],
    "Poltava oblast": ["Poltava Oblast"],
    "Kyiv oblast and north": ["Kyiv Oblast"],
    "Zaporizhzhia": ["Zaporizhzhia"],
    "center": ["Kyiv Oblast"],
}
REGION_OUTLET = {
    "Mykolaiv Oblast": "pivdenpost.com.ua", "Odesa Oblast": "pivdenpost.com.ua",
    "Kherson Oblast": "pivdenpost.com.ua", "Vinnytsia Oblast": "pivdenpost.com.ua",
    "Kharkiv Oblast": "slobozhanka-daily.com", "Poltava Oblast": "slobozhanka-daily.com",
    "Dnipropetrovsk Oblast": "dnipro-evening.net", "Zaporizhzhia": "dnipro-evening.net",
    "Kyiv Oblast": "stolytsia-today.com", "Kyiv": "stolytsia-today.com",
}
REGION_CLAIMANT = {
    "Mykolaiv Oblast": "Mykolaiv Regional Military Administration",
    "Odesa Oblast": "Air Command South",
    "Kherson Oblast": "Air Command South",
    "Vinnytsia Oblast": "Vinnytsia Regional Military Administration",
    "Kharkiv Oblast": "Kharkiv Regional Military Administration",
    "Poltava Oblast": "Poltava Regional Military Administration",
    "Dnipropetrovsk Oblast": "Dnipropetrovsk Regional Military Administration",
    "Zaporizhzhia": "Zaporizhzhia Regional Military Administration",
    "Kyiv Oblast": "Kyiv Regional Military Administration",
    "Kyiv": "Kyiv City Military Administration",
}

# Official model -> (event type, canonical weapon or None, text names as (singular, plural) variants)
WEAPONS: dict[str, tuple[str, str | None, list[tuple[str, str]]]] = {
    "Shahed-136/131": ("drone_attack", "Shahed-136/131", [
        ("Shahed-136 drone", "Shahed-136 drones"),
        ("Iranian-made Shahed drone", "Iranian-made Shahed drones"),
        ("Shahed-136/131 attack drone", "Shahed-136/131 attack drones"),
        ("Shahed kamikaze drone", "Shahed kamikaze drones"),
        ("Geran-2 drone", "Geran-2 drones")]),
    "Unknown UAV": ("drone_attack", None, [("drone", "drones"), ("attack drone", "attack drones")]),
    "Reconnaissance UAV": ("drone_attack", None, [("reconnaissance drone", "reconnaissance drones")]),
    "Orlan-10": ("drone_attack", "Orlan-10", [("Orlan-10 reconnaissance drone", "Orlan-10 reconnaissance drones")]),
    "Lancet": ("drone_attack", "Lancet", [("Lancet loitering munition", "Lancet loitering munitions")]),
    "Mohajer-6": ("drone_attack", "Mohajer-6", [("Mohajer-6 drone", "Mohajer-6 drones")]),
    "Orion": ("drone_attack", "Orion", [("Orion strike drone", "Orion strike drones")]),
    "X-101/X-555": ("missile_attack", "X-101/X-555", [("Kh-101/Kh-555 cruise missile", "Kh-101/Kh-555 cruise missiles"),
                                                      ("Kh-101 cruise missile", "Kh-101 cruise missiles")]),
    "Kalibr": ("missile_attack", "Kalibr", [("Kalibr cruise missile", "Kalibr cruise missiles")]),
    "X-101/X-555 and Kalibr": ("missile_attack", "X-101/X-555 and Kalibr", [
        ("Kh-101/Kh-555 and Kalibr cruise missile", "Kh-101/Kh-555 and Kalibr cruise missiles")]),
    "X-59": ("missile_attack", "X-59", [("Kh-59 guided missile", "Kh-59 guided missiles")]),
    "X-22": ("missile_attack", "X-22", [("Kh-22 missile", "Kh-22 missiles")]),
    "C-300": ("missile_attack", "C-300", [("S-300 missile", "S-300 missiles")]),
    "Unknown Missile": ("missile_attack", None, [("missile", "missiles")]),
}
GENERIC_WEAPON = {"drone_attack": ("drone", "drones"), "missile_attack": ("missile", "missiles")}

# --------------------------------------------------------------------------------------------
# Facts that no public record in ../shared covers. They are ILLUSTRATIVE (plausible, invented for
# the sample) and flagged as such in facts.csv (kind=illustrative_*) and data/README.md.
# --------------------------------------------------------------------------------------------

ILLUSTRATIVE_GROUND = [
    # date, count (None = not stated), qualifier, places, direction words
    ("2022-10-04", 9, "exact", ["Bakhmut", "Avdiivka"], "Bakhmut and Avdiivka"),
    ("2022-10-07", 12, "exact", ["Bakhmut"], "Bakhmut"),
    ("2022-10-12", 20, "at_least", ["Bakhmut", "Avdiivka"], "Bakhmut and Avdiivka"),
    ("2022-10-15", 7, "exact", ["Kupiansk", "Lyman"], "Kupiansk and Lyman"),
    ("2022-10-19", 15, "exact", ["Bakhmut", "Avdiivka"], "Bakhmut and Avdiivka"),
    ("2022-10-24", None, None, ["Svatove"], "Svatove"),
    ("2022-10-28", 60, "at_least", ["Bakhmut", "Avdiivka"], "Bakhmut and Avdiivka"),
    ("2022-11-02", 11, "exact", ["Bakhmut"], "Bakhmut"),
    ("2022-11-06", 8, "exact", ["Avdiivka"], "Avdiivka"),
    ("2022-11-11", 14, "exact", ["Bakhmut", "Avdiivka"], "Bakhmut and Avdiivka"),
    ("2022-11-18", 10, "at_least", ["Bakhmut"], "Bakhmut"),
    ("2022-11-21", 6, "exact", ["Kupiansk", "Lyman"], "Kupiansk and Lyman"),
    ("2022-11-25", 30, "at_least", ["Bakhmut", "Avdiivka"], "Bakhmut and Avdiivka"),
]
ILLUSTRATIVE_PROCUREMENT = [
    # date, buyer, seller, items [(name, qty)], value, currency
    ("2022-10-20", "Ukraine", "Poland", [("armoured ambulance", 50)], 18000000, "EUR"),
    ("2022-11-03", "Ukraine", "Turkey", [("de-mining vehicle", 12)], None, None),
    ("2022-11-16", "Ukraine", "Czech Republic", [("152mm artillery round", 40000)], 37000000, "USD"),
    ("2022-11-24", "Ukraine", "United Kingdom", [("mobile power generator", 300)], 4500000, "GBP"),
]

# Kiel tracker packages used (ID, announcement date as in the tracker).
KIEL_PACKAGES = [
    ("USM7", "2022-10-04"), ("EEM6", "2022-10-07"), ("FRM3", "2022-10-07"), ("CAM12", "2022-10-12"),
    ("NLH6", "2022-10-12"), ("UKM11", "2022-10-13"), ("ESM11", "2022-10-13"), ("USM7", "2022-10-14"),
    ("EUM6", "2022-10-17"), ("EUH6", "2022-10-19"), ("TWH8", "2022-10-27"), ("USM7", "2022-10-28"),
    ("CHH3", "2022-11-02"), ("NLM7", "2022-11-04"), ("USM3", "2022-11-04"), ("EUF4", "2022-11-09"),
    ("UKM13", "2022-11-09"), ("USM7", "2022-11-10"), ("SEM9", "2022-11-16"), ("UKH9", "2022-11-16"),
    ("FIM7", "2022-11-17"), ("UKM14", "2022-11-19"), ("DEH12", "2022-11-21"), ("UKM15", "2022-11-23"),
    ("USM7", "2022-11-23"), ("BEM9", "2022-11-25"),
]
DONOR_NAMES = {"European Peace Facility": "European Union", "EU (Commission and Council)": "European Union"}

FACT_FIELDS = ["fact_id", "kind", "type", "date", "window_start", "window_end", "model", "weapon",
               "launched", "destroyed", "count", "count_qualifier", "target", "launch_place", "carrier",
               "claimed_by", "donor", "recipient", "category", "value", "currency", "items", "places",
               "record"]


# --------------------------------------------------------------------------------------------
# facts.csv from ../shared
# --------------------------------------------------------------------------------------------

def _shared_dir() -> Path:
    return HERE.parents[2] / "shared"


def refresh_facts(path: Path) -> int:
    """Re-derive ``facts.csv`` from the public records in ../shared/datasets (see data/README.md)."""
    shared = _shared_dir() / "datasets"
    if not shared.is_dir():
        raise SystemExit(f"build.py: {shared}: not found; --refresh-facts needs ../shared/datasets")
    facts: list[dict[str, Any]] = []
    # 1. official daily counts -----------------------------------------------------------------
    with open(shared / "missile-attacks-daily" / "missile_attacks_daily.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    seen: dict[str, int] = {}
    for r in sorted(rows, key=lambda r: (r["time_end"], r["time_start"], r["model"])):
        day = r["time_end"][:10]
        if not (WINDOW[0].isoformat() <= day <= WINDOW[1].isoformat()):
            continue
        if r["model"] not in WEAPONS:
            continue
        src = r["source"]
        claimed = "General Staff" if src.startswith("GeneralStaff") else (
            "Air Command South" if src.startswith("PvKPivden") else "Ukrainian Air Force")
        type_, weapon, _ = WEAPONS[r["model"]]
        slug = re.sub(r"[^a-z0-9]+", "-", r["model"].lower()).strip("-")
        fid = f"air-{day}-{slug}"
        seen[fid] = seen.get(fid, 0) + 1
        if seen[fid] > 1:
            fid += f"-{seen[fid]}"
        facts.append({
            "fact_id": fid, "kind": "official_air", "type": type_, "date": day,
            "window_start": r["time_start"], "window_end": r["time_end"], "model": r["model"],
            "weapon": weapon or "", "launched": int(float(r["launched"])), "destroyed": int(float(r["destroyed"])),
            "target": r["target"], "launch_place": r["launch_place"], "carrier": r["carrier"],
            "claimed_by": claimed, "record": "missile-attacks-daily:" + src.split("/")[0],
        })
    # 2. Kiel aid packages ---------------------------------------------------------------------
    with open(shared / "kiel-support-tracker" / "kiel_bilateral_aid_entries_2022.csv", newline="",
              encoding="utf-8-sig", errors="replace") as f:
        krows = list(csv.DictReader(f))

    def kdate(s: str) -> str:
        try:
            return dt.datetime.strptime(s.strip(), "%m/%d/%Y").date().isoformat()
        except ValueError:
            return ""

    for kid, day in KIEL_PACKAGES:
        pkg = [r for r in krows if r["ID"] == kid and kdate(r["Announcement Date"]) == day]
        if not pkg:
            raise SystemExit(f"build.py: Kiel package {kid} {day} not found")
        first = pkg[0]
        raw = first["Monetary Value as Given by Source"].replace(",", "").strip()
        value = int(float(raw)) if re.fullmatch(r"[0-9.]+", raw) else ""
        currency = first["Original Currency"].strip() if value != "" else ""
        items = []
        for r in pkg:
            name = r["Items"].strip()
            if name in ("", "."):
                continue
            units = r["No. of Units"].replace(",", "").strip()
            items.append(f"{name}={int(float(units)) if re.fullmatch(r'[0-9.]+', units) else ''}")
        donor = DONOR_NAMES.get(first["Countries"].strip(), first["Countries"].strip())
        facts.append({
            "fact_id": f"aid-{day}-{kid.lower()}", "kind": "kiel_aid", "type": "aid_announcement", "date": day,
            "donor": donor, "recipient": "Ukraine", "category": first["Type of Aid General"].strip().lower(),
            "value": value, "currency": currency, "items": "|".join(items), "record": f"kiel:{kid}",
        })
    # 3. illustrative facts --------------------------------------------------------------------
    for day, count, q, places, _words in ILLUSTRATIVE_GROUND:
        facts.append({"fact_id": f"ground-{day}", "kind": "illustrative_ground", "type": "ground_assault",
                      "date": day, "count": "" if count is None else count, "count_qualifier": q or "",
                      "claimed_by": "General Staff", "places": "|".join(places), "record": "illustrative"})
    for i, (day, buyer, seller, items, value, cur) in enumerate(ILLUSTRATIVE_PROCUREMENT):
        facts.append({"fact_id": f"proc-{day}-{i}", "kind": "illustrative_procurement", "type": "procurement",
                      "date": day, "donor": seller, "recipient": buyer, "value": value or "",
                      "currency": cur or "", "items": "|".join(f"{n}={q}" for n, q in items),
                      "record": "illustrative"})
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FACT_FIELDS, lineterminator="\n")
        w.writeheader()
        for fact in facts:
            w.writerow({k: fact.get(k, "") for k in FACT_FIELDS})
    return len(facts)


def load_facts(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------------------------
# Small text helpers
# --------------------------------------------------------------------------------------------

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def words(n: int) -> str:
    """0..99 in words ("forty-three")."""
    if n < 20:
        return _ONES[n]
    t, o = divmod(n, 10)
    return _TENS[t] + ("-" + _ONES[o] if o else "")


def digits(n: int) -> str:
    return f"{n:,}"


def num(n: int, rng: random.Random, p_words: float = 0.5) -> str:
    """A count as a newsroom writes it: small numbers often in words, large ones with commas."""
    if n <= 12 and rng.random() < max(p_words, 0.6):
        return words(n)
    if 20 <= n < 100 and n % 10 == 0 and rng.random() < p_words * 0.4:
        return words(n)
    return digits(n)


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def kyiv_offset(d: dt.date) -> dt.timezone:
    """Kyiv summer time (UTC+3) ended on 2022-10-30; UTC+2 afterwards."""
    return dt.timezone(dt.timedelta(hours=3 if d < dt.date(2022, 10, 30) else 2))


def kyiv(d: dt.date, h: int, m: int) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, h, m, tzinfo=kyiv_offset(d))


def parse_window_end(s: str) -> tuple[dt.date, int | None, int | None]:
    day = dt.date.fromisoformat(s[:10])
    if len(s) > 10:
        h, m = s[11:16].split(":")
        return day, int(h), int(m)
    return day, None, None


def when_phrase(event: dt.date, pub: dt.date, rng: random.Random, *, night: bool = False,
                allow_bare: bool = True) -> str:
    """Date words for an event relative to the publication day (contract section 7 rules)."""
    delta = (pub - event).days
    if delta == 0:
        opts = ["overnight", "early on " + WEEKDAYS[event.weekday()]] if night else \
               ["on " + WEEKDAYS[event.weekday()], "today", "earlier today"]
        if allow_bare and not night:
            opts.append("")
        return rng.choice(opts)
    if delta == 1:
        return rng.choice(["yesterday", "on " + WEEKDAYS[event.weekday()],
                           f"on {MONTHS[event.month - 1]} {event.day}"])
    if delta < 7:
        return rng.choice(["on " + WEEKDAYS[event.weekday()], f"on {MONTHS[event.month - 1]} {event.day}"])
    return f"on {MONTHS[event.month - 1]} {event.day}"


def slugify(text: str, limit: int = 70) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-")


def money_text(value: int, currency: str, rng: random.Random) -> str:
    """'$625 million', '€31.88 million', '£50 million', 'SEK 3 billion', 'C$47 million'."""
    if value >= 1_000_000_000 and value % 10_000_000 == 0:
        amount, unit = value / 1e9, "billion"
    elif value >= 1_000_000 and value % 10_000 == 0:
        amount, unit = value / 1e6, "million"
    else:  # not a round figure: written out in full
        return {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, currency + " ") + digits(value)
    a = f"{amount:.2f}".rstrip("0").rstrip(".")
    if currency == "USD":
        return f"${a} {unit}"
    if currency == "EUR":
        return rng.choice([f"€{a} {unit}", f"{a} {unit} euros"])
    if currency == "GBP":
        return f"£{a} {unit}"
    if currency == "CAD":
        return rng.choice([f"C${a} {unit}", f"{a} {unit} Canadian dollars"])
    if currency == "SEK":
        return f"{a} {unit} Swedish kronor"
    if currency == "CHF":
        return f"{a} {unit} Swiss francs"
    return f"{currency} {a} {unit}"


# --------------------------------------------------------------------------------------------
# Pages and the events they report
# --------------------------------------------------------------------------------------------

@dataclass
class Qty:
    """A stated quantity: the contract value and qualifier, and the words used on the page."""
    value: int
    qualifier: str
    text: str


@dataclass
class Event:
    type: str
    date: str | None
    fact_ids: list[str]
    scope: str = ""            # national | regional | "" (aid, ground, procurement)
    basis: str = "official"    # official | kiel | illustrative
    place: str | None = None
    weapon: str | None = None
    launched: Qty | None = None
    destroyed: Qty | None = None
    count: Qty | None = None
    claimed_by: str | None = None
    actor: str | None = None
    donor: str | None = None
    recipient: str | None = None
    category: str | None = None
    value: int | None = None
    currency: str | None = None
    items: list[tuple[str, int | None]] | None = None
    date_precision: str = "day"
    note: str = ""
    evidence: str = ""          # the sentence(s) of the page the event rests on


@dataclass
class Page:
    outlet: str
    slug: str
    title: str
    published: dt.datetime | None
    date_source: str                      # jsonld | meta | time | url | none
    topic: str                            # air | ground | aid | procurement | offtopic | mixed
    paras: list[str] = field(default_factory=list)
    entries: list[tuple[dt.datetime, str, list[str]]] = field(default_factory=list)  # live blogs
    events: list[Event] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)
    author: str = ""
    charset: str = "utf-8"
    malformed: bool = False
    comments: list[tuple[str, str]] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    url_date: dt.date | None = None

    @property
    def style(self) -> str:
        return OUTLETS[self.outlet]["style"]

    @property
    def url(self) -> str:
        d = self.url_date
        if self.outlet == "kyivwire.net":
            return f"https://kyivwire.net/en/news/{d:%Y/%m/%d}/{self.slug}" if d else f"https://kyivwire.net/en/news/{self.slug}"
        if self.outlet == "eastfront-herald.com":
            return f"https://www.eastfront-herald.com/live/{self.slug}"
        if self.outlet == "ua-defence-bulletin.org":
            return f"https://ua-defence-bulletin.org/releases/{d:%Y-%m-%d}-{self.slug}" if d else f"https://ua-defence-bulletin.org/releases/{self.slug}"
        if self.outlet == "defence-ledger.com":
            return f"https://defence-ledger.com/{d:%Y/%m/%d}/{self.slug}/" if d else f"https://defence-ledger.com/analysis/{self.slug}/"
        if self.outlet == "newsflow24.com":
            return f"https://newsflow24.com/world/ukraine/{self.slug}"
        return f"https://{self.outlet}/news/{self.slug}.html"

    @property
    def path(self) -> str:
        return f"html/{self.outlet}/{self.slug.rsplit('/', 1)[-1]}.html"

    def text_words(self) -> int:
        parts = list(self.paras)
        for _, h, ps in self.entries:
            parts.append(h)
            parts.extend(ps)
        return sum(len(p.split()) for p in parts)


# --------------------------------------------------------------------------------------------
# Sentence banks (written for this corpus). Filler never states a count of attacks, weapons,
# assaults or aid, so every countable fact on a page is in the manifest.
# --------------------------------------------------------------------------------------------

AIR_CONTEXT = [
    "Air-raid sirens sounded across much of the country, and residents were urged to stay in shelters until the all-clear.",
    "Officials asked people to keep away from windows and not to film or post the work of air defence crews.",
    "Repair crews from the national grid operator were working to restore power to the affected districts.",
    "Emergency services said they were still checking the sites where debris had fallen.",
    "Scheduled power cuts were introduced in several regions to ease the load on damaged substations.",
    "Russia has in recent weeks concentrated its strikes on power plants, substations and water pumping stations.",
    "The slow, low-flying drones are cheap to build and are often launched in waves to exhaust air defences.",
    "Mobile fire groups armed with heavy machine guns have become a familiar part of the defence against drones.",
    "The regional governor said critical infrastructure had been hit but gave no details, citing security rules.",
    "Metro stations in the capital again served as shelters while the alert was in force.",
    "Officials urged households to charge power banks and store water in case of new outages.",
    "Moscow says it targets military and energy facilities; Kyiv says the strikes aim to break civilian morale.",
    "The alert lasted several hours in the central and southern regions.",
    "Schools switched to remote lessons for the day, local authorities said.",
    "Windows were blown out in nearby apartment blocks, and municipal workers were boarding them up by midday.",
    "Ukraine has repeatedly asked its allies for more modern air defence systems to counter the attacks.",
    "The Iranian-designed drones carry a small warhead and make a distinctive engine noise that residents have learned to recognise.",
    "Rail operator Ukrzaliznytsia said some trains were running late because of power cuts on the network.",
    "Water supply was interrupted in parts of the city while pumping stations ran on backup generators.",
    "There was no immediate information on casualties.",
    "Police cordoned off the area while explosives experts examined fragments.",
    "Authorities said information on the damage would be published once the all-clear had been given.",
]
AIR_QUOTES = [
    "\u201cThe night was loud, but our air defence worked well,\u201d the head of the regional military administration wrote on Telegram.",
    "\u201cThe enemy keeps trying to leave us without light and heat. It will not succeed,\u201d an Air Force spokesman said on national television.",
    "\u201cPlease do not ignore the sirens,\u201d the mayor said in a video address.",
    "\u201cEvery drone that is shot down is a home that keeps its windows,\u201d a local official said.",
    "\u201cWe need more systems, and we need them before winter,\u201d a senior Ukrainian official said.",
    "\u201cThe crews worked through the night, and they will be ready again tonight,\u201d a military spokesman said.",
]
WIRE_TAILS = [
    "Kyiv Wire could not independently verify the figures.",
    "Russia's defence ministry did not immediately comment.",
    "The figures could not be independently confirmed.",
    "Russia denies targeting civilians.",
]
AID_CONTEXT = [
    "Ukrainian officials have said air defence is their most urgent need as winter approaches.",
    "The package was announced after a meeting of defence ministers coordinating support for Ukraine.",
    "Deliveries are expected over the coming weeks, officials said, without giving a timetable.",
    "Ukraine's defence minister thanked the donor on social media and said the equipment would help protect cities and front-line units.",
    "The announcement follows a series of Russian strikes on power plants and water systems.",
    "Officials did not say when the equipment would reach the front line.",
    "Part of the equipment is expected to come from existing stocks, with the rest ordered from industry.",
    "The government said it would continue to support Ukraine for as long as it takes.",
    "Opposition lawmakers broadly backed the decision, although some called for a debate on the cost.",
    "Allied officials have stressed that the support is meant to help Ukraine defend its own territory.",
    "Humanitarian agencies have warned that millions of people could face the winter without reliable heating.",
]
AID_HEDGES = [
    "Ukrainian officials have called on partners to send more air defence systems and long-range weapons.",
    "A government spokesperson said further deliveries could follow if parliament approves next year's budget.",
    "Officials declined to say whether the country could send tanks, saying the question was being discussed with allies.",
    "Ukraine's president again appealed for more help with air defence in his nightly video address.",
    "Diplomats said another package was being prepared but gave no figures.",
]
GROUND_CONTEXT = [
    "The heaviest fighting continues in the east, where Russian forces are trying to advance through muddy fields and shattered villages.",
    "Ukrainian officials said Russian units had suffered heavy losses but did not give figures.",
    "Autumn rain has turned many roads in the Donbas into mud, slowing armoured vehicles on both sides.",
    "Russia's defence ministry gave a different account of the fighting, which could not be verified.",
    "Artillery duels continued along much of the front line, according to the military.",
    "Military analysts say Russia is sending newly mobilised men to hold positions in the east.",
    "Civilians remaining in front-line towns live largely in basements, local officials say.",
    "The General Staff publishes its summaries twice a day on social media.",
    "Ukrainian commanders say the fighting around the town has become a battle of attrition, with small gains measured in tree lines and trenches.",
    "Soldiers on the front line describe constant shelling and the growing use of small drones for reconnaissance and for dropping grenades.",
    "Both sides have dug extensive trench networks, and the front line has moved little in recent weeks despite intense fighting.",
    "Medics say evacuating the wounded has become harder as roads turn to mud and come under artillery fire.",
    "Russia's private military contractors have been involved in the assaults, according to Ukrainian and Western officials.",
    "The town's remaining residents receive water and food from volunteers who drive in when the shelling eases.",
]
AIR_BACKGROUND = [
    "Russia began using Iranian-designed drones against Ukrainian cities in September, and their use has grown sharply since, Ukrainian officials say.",
    "Cruise missiles are usually launched from strategic bombers over the Caspian Sea or from warships in the Black Sea, giving air defence crews only a short warning.",
    "Ukraine relies on a mix of Soviet-era systems and newer Western ones, and officials say stocks of interceptor missiles are a constant worry.",
    "Western governments have promised additional air defence, including NASAMS and IRIS-T systems, but only a few had arrived by the middle of the autumn.",
    "Energy officials say every wave of strikes takes weeks to repair, because some of the damaged equipment has to be ordered from abroad.",
    "The attacks have forced Ukrainians to adapt again: cafes advertise generators and phone-charging points, and office workers carry torches.",
    "Military analysts note that Russia often combines drones and missiles in the same night to overload radar operators.",
    "Debris from intercepted drones and missiles can itself cause damage, and officials ask residents to report fragments rather than touch them.",
    "Air-raid alerts are announced through a national app, sirens and television, and are lifted region by region once the threat passes.",
    "The strikes have become a daily background to life in the capital, where cafés reopen within hours and commuters carry on between alerts.",
    "Officials say they publish figures only once the reports from all air defence units have been checked, which can take several hours.",
    "Regional administrations often publish their own figures first, and the national tally can differ because it covers the whole country.",
    "Russia's defence ministry describes the strikes as high-precision attacks on military command and energy targets.",
    "Local authorities have opened so-called points of invincibility, heated tents and buildings where people can charge phones and get hot drinks.",
]
AID_BACKGROUND = [
    "Military aid to Ukraine has shifted over the year from small arms and anti-tank weapons towards artillery, air defence and armoured vehicles.",
    "Much of the equipment is drawn from existing stocks, while other items are ordered from industry and can take months or years to deliver.",
    "Donor governments coordinate their support through regular meetings at the U.S. air base in Ramstein and at NATO headquarters.",
    "Some donors publish detailed lists of what they send; others keep the contents of their packages secret for security reasons.",
    "Aid trackers distinguish between pledges, which are announced, and deliveries, which often arrive later and are less visible.",
    "Financial aid helps Kyiv pay pensions, public-sector salaries and the cost of repairing power plants and water systems.",
    "Humanitarian agencies say the need for generators, heaters and shelter supplies has grown sharply since the strikes on the grid began.",
    "Parliaments in several donor countries have to approve large packages, which can delay announcements by weeks.",
    "The training of Ukrainian troops on Western equipment is organised alongside the deliveries, often in neighbouring countries.",
    "Defence companies in Europe say they are increasing production of artillery ammunition, but warn that it takes time to add capacity.",
]
GOV_EXTRA = [
    "The results of the combat work of the air defence are being clarified.",
    "Residents are asked to observe the rules of the air-raid regime and to trust only official sources of information.",
    "Air defence units remain on duty around the clock.",
    "The General Staff of the Armed Forces of Ukraine will provide further information as it becomes available.",
    "The Air Force of the Armed Forces of Ukraine thanks the partners who help to strengthen the air shield of the country.",
]
CITY_LIFE = [
    "Local officials said they would publish updates on the city council's website and social media pages.",
    "Residents interviewed in the city centre said they were tired but determined to carry on with their lives.",
    "Volunteers have organised lifts for older people who cannot easily get around the city during power cuts.",
    "Cafes and shops in the centre have adapted their opening hours to the schedule of electricity supply.",
    "The city council said it had received more requests for help this autumn than at any time since the spring.",
    "Many families have relatives abroad or in the army, and conversations often turn to news from them.",
    "Community groups have set up noticeboards in apartment blocks listing neighbours who can help with repairs.",
    "Local businesses said customers had returned in recent weeks, although spending remains cautious.",
    "Public transport has been reorganised so that trams can be replaced by buses when the power is off.",
    "Officials said they were planning for several scenarios for the winter and would adjust them as needed.",
]
EVERYDAY = [
    ("2022-10-06", "stolytsia-today.com", "meta", "offtopic", "Theatres in the capital return to full programmes, with shelters next door", [
        "Several of the capital's theatres have returned to full autumn programmes, with performances starting earlier in the evening so that audiences can get home before the curfew.",
        "Box offices say demand is higher than before the war, especially for comedies and for new plays written over the past months.",
        "Each venue has a shelter agreement with a neighbouring building, and ushers explain before the curtain rises where the audience should go if the sirens sound.",
        "“People come here to feel normal for two hours,” one theatre director said. “That is also a kind of resistance.”",
        "Actors who serve in the territorial defence have been replaced by understudies, and some roles are now shared between three performers.",
        "Ticket prices have been kept low, and part of the proceeds goes to charities supporting soldiers and displaced families.",
        "The city's philharmonic plans a series of Sunday afternoon concerts, timed to avoid the evening peak in electricity demand.",
    ]),
    ("2022-10-18", "pivdenpost.com.ua", "meta", "offtopic", "Flu season: doctors urge vaccination as clinics brace for winter", [
        "Doctors in the south urged residents to get vaccinated against influenza before the season peaks, warning that crowded shelters and cold homes could help the virus spread.",
        "Regional health officials said vaccine supplies had arrived at family clinics and that older people, pregnant women and medical staff would be offered shots first.",
        "Clinics are also preparing for power cuts: many have installed generators and stockpiled fuel so that vaccines and medicines can be kept cold.",
        "Pharmacists reported a rise in sales of cold remedies and vitamins, but said there were no shortages of essential medicines.",
        "Parents were advised to keep children with a fever at home and to ventilate classrooms and shelters regularly.",
        "The health ministry said it would publish weekly figures on respiratory infections from next month.",
        "Family doctors also reminded patients with chronic illnesses to keep a two-week supply of their medicines at home in case pharmacies close during long outages.",
    ]),
    ("2022-10-25", "newsflow24.com", "time", "offtopic", "We tested six power banks for the blackout season", [
        "With scheduled power cuts now part of daily life, a good power bank has become as important as a warm coat. We tested six popular models over two weeks of outages.",
        "The largest unit in our test charged a phone from empty more than five times and kept a Wi-Fi router running through a four-hour outage, but it is heavy and slow to recharge.",
        "Mid-sized models offered the best balance: they fit in a backpack, recharge overnight and can top up a laptop once.",
        "We were less impressed by the cheapest option, which delivered barely half of its advertised capacity.",
        "Whatever you buy, charge it whenever the lights are on, keep it at room temperature and avoid leaving it plugged in for days.",
        "Prices have risen since the first wave of outages, and some popular models are sold out in electronics stores across the country.",
    ]),
    ("2022-11-01", "kyivwire.net", "jsonld", "offtopic", "Fuel prices ease as imports through western border recover", [
        "KYIV, Nov 1 (Kyiv Wire) - Petrol and diesel prices at Ukrainian filling stations eased slightly in October as imports through the western border recovered, industry data showed.",
        "Queues that formed at filling stations in the spring have disappeared, and most large chains have lifted limits on how much fuel drivers can buy.",
        "Traders said supply now comes mainly by rail and truck from Poland, Romania and the Baltic states, after the country's largest refinery was put out of action earlier in the year.",
        "Demand for diesel has risen as businesses and households buy generators, and analysts expect prices to climb again in winter.",
        "The government has kept excise duties at reduced levels, a measure economists say costs the budget money but helps contain inflation.",
        "Filling-station operators said they had also built up reserves at their depots in the west of the country, so that a disruption at one border crossing would no longer empty the pumps within days.",
        "(Reporting by Sophie Lambert; editing by the Kyiv Wire desk)",
    ]),
    ("2022-11-03", "slobozhanka-daily.com", "meta", "offtopic", "Universities in Kharkiv keep teaching online for the winter term", [
        "Universities in Kharkiv will continue teaching mostly online during the winter term, their rectors said, citing safety and the risk of long power cuts.",
        "Laboratories and some practical classes will be held in person in small groups, in buildings with shelters in the basement.",
        "Students said they missed campus life but were used to online lectures after almost three years of pandemic and war.",
        "Several universities have opened heated study rooms with generators and internet access where students can work during outages.",
        "Foreign students, who once made up a large share of the city's student body, have mostly left, and rectors said they hope to welcome them back.",
        "The city council said it would help universities repair windows and heating systems damaged over the past months.",
    ]),
    ("2022-11-12", "kyivwire.net", "jsonld", "offtopic", "Boxing: Ukrainian heavyweight wins on points after bruising fight", [
        "KYIV, Nov 12 (Kyiv Wire) - A Ukrainian heavyweight won a unanimous points decision in a bruising 12-round fight abroad on Saturday, dedicating the victory to the country's defenders.",
        "He started cautiously, then attacked the body from the fifth round and had his opponent in trouble in the ninth, without being able to finish the fight.",
        "“He was strong and kept coming forward, so I had to stay patient,” the boxer said in the ring.",
        "His opponent, who complained about the scoring, said he would ask for a rematch.",
        "The win keeps the Ukrainian in line for a title fight next year, his promoter said, adding that talks with the champion's team would begin after the holidays.",
        "Several Ukrainian boxers have served in the territorial defence since the invasion and some have returned to training camps abroad.",
        "(Reporting by Mark Dolan; editing by the Kyiv Wire desk)",
    ]),
    ("2022-11-15", "pivdenpost.com.ua", "meta", "mixed", "Port workers in the south keep going after months of attacks", [
        "After months of attacks on the south, the people who keep its ports running say they have learned to work between sirens.",
        "Crane operators, pilots and customs officers describe long shifts, nights in shelters and the satisfaction of seeing a ship loaded with grain leave the harbour.",
        "“Every ship that sails is a small victory,” said a crane operator who has worked at the port for twenty years.",
        "Workers' families have mostly stayed in the city, and the port administration has set up heated rooms and a canteen that stays open during power cuts.",
        "Trade unions say pay has fallen behind prices, and they want the government to guarantee jobs if shipments slow down again.",
        "Despite everything, the mood on the quays is stubborn, they say. The cranes stop when the alerts sound and start again as soon as they end.",
    ]),
    ("2022-11-21", "dnipro-evening.net", "meta", "offtopic", "Autumn rain brings floods to low-lying streets in Dnipro", [
        "Heavy autumn rain flooded several low-lying streets in Dnipro on Monday, slowing traffic and leaving some courtyards under water.",
        "Municipal services pumped water from underpasses and cleared storm drains blocked by fallen leaves.",
        "Forecasters expect the rain to turn to wet snow later in the week as temperatures fall towards zero.",
        "Residents complained that some drains had not been cleaned for years, and the city council promised an inspection.",
        "Public transport ran with delays, and drivers were urged to avoid flooded underpasses.",
        "The river level remained within normal limits, the regional water agency said, and no one had to be evacuated from their homes.",
    ]),
]
SPORT_CLUBS = ["Pivden Mariners", "Steppe United", "Dnipro Meridian", "Carpathian Rovers", "Slobozhanka Athletic", "Podil City"]


# --------------------------------------------------------------------------------------------
# Air attacks: official statements -> pages
# --------------------------------------------------------------------------------------------

def _i(s: str) -> int | None:
    return int(s) if s not in ("", None) else None


def statements(facts: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """Official rows grouped into statements (same reporting window end)."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for f in facts:
        if f["kind"] == "official_air":
            groups.setdefault((f["date"], f["window_end"]), []).append(f)
    return [groups[k] for k in sorted(groups)]


def weapon_words(fact: dict[str, str], rng: random.Random, n: int, generic: bool = False) -> tuple[str, str | None]:
    """('Shahed-136 drones', 'Shahed-136/131') for a fact; generic -> ('drones', None)."""
    type_, weapon, names = WEAPONS[fact["model"]]
    if generic or weapon is None:
        sing, plur = GENERIC_WEAPON[type_] if generic else rng.choice(names)
        return (sing if n == 1 else plur), None
    sing, plur = rng.choice(names)
    return (sing if n == 1 else plur), weapon


def exact(n: int, rng: random.Random, p_words: float = 0.5) -> Qty:
    return Qty(n, "exact", num(n, rng, p_words))


def hedged(n: int, rng: random.Random, dozens: bool = False) -> Qty:
    """A rounded / hedged rendering of ``n`` as outlets write it, with its contract value."""
    if 24 <= n <= 60 and (dozens or rng.random() < 0.3):
        return Qty(24, "approx", "dozens of")
    if n >= 20:
        base = (n // 10) * 10
        if base == n:
            base -= 10
        if rng.random() < 0.5:
            return Qty(base + 1, "at_least", f"more than {digits(base)}")
        r = int(round(n / 10.0)) * 10
        return Qty(r, "approx", rng.choice(["about", "around", "some"]) + f" {digits(r)}")
    if n >= 5:
        return Qty(n, "at_least", f"at least {num(n, rng)}")
    return Qty(n, "exact", num(n, rng))


def target_text(target: str) -> tuple[str, str | None]:
    """Text for an official target and the place it names (None when several or national)."""
    regions = TARGET_REGIONS.get(target)
    if target == "Ukraine" or not regions:
        return "", None
    if target in ("south", "east", "center"):
        return {"south": "the south of the country", "east": "the east of the country",
                "center": "central regions"}[target], None
    if target == "Zaporizhzhia":
        return "the city of Zaporizhzhia", "Zaporizhzhia"
    names = [PLACES[r][3][0] for r in regions]
    if len(names) == 1:
        return f"the {names[0]}", regions[0]
    return "the " + " and ".join(n.replace(" region", "") for n in names) + " regions", None


def national_event(fact: dict[str, str], place: str | None, launched: Qty | None, destroyed: Qty | None,
                   weapon: str | None, day: dt.date, basis: str = "official", note: str = "") -> Event:
    return Event(type=fact["type"], date=day.isoformat(), fact_ids=[fact["fact_id"]], scope="national",
                 basis=basis, place=place, weapon=weapon, launched=launched, destroyed=destroyed,
                 claimed_by=fact["claimed_by"], actor="Russia", note=note)


def night_window(fact: dict[str, str]) -> tuple[bool, bool]:
    """(overnight, evening) for a statement's reporting window."""
    end_day, h, _ = parse_window_end(fact["window_end"])
    start = fact["window_start"]
    if h is None:  # a whole-day summary: no time of day known
        return False, False
    if h <= 9 and (len(start) <= 10 or int(start[11:13]) <= 6 or start[:10] < fact["window_end"][:10]):
        return True, False
    return False, h >= 18


def release_time(fact: dict[str, str], rng: random.Random) -> dt.datetime:
    end_day, h, m = parse_window_end(fact["window_end"])
    if h is None:  # whole-day summaries are published in the evening
        return kyiv(end_day, 18 + rng.randrange(3), rng.randrange(60))
    base = kyiv(end_day, h, m or 0) + dt.timedelta(minutes=20 + rng.randrange(50))
    return base


AIRCRAFT = {"Tu-95MS": "Tu-95MS", "Tu-160": "Tu-160", "Tu-22M3": "Tu-22M3", "Su-35": "Su-35"}


def launch_places(launch_place: str) -> str:
    """'Caspian Sea and Volgodonsk' -> 'the Caspian Sea and the Volgodonsk area'."""
    names = []
    for w in filter(None, launch_place.split(" and ")):
        w = w.strip()
        if w.endswith(" oblast"):
            w = "the " + w.replace(" oblast", " region")
        elif w in ("Caspian Sea", "Black Sea", "north-east"):
            w = "the " + w
        elif w == "Volgodonsk":
            w = "the Volgodonsk area"
        names.append(w)
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def carrier_sentence(fact: dict[str, str], rng: random.Random) -> str:
    """Where the missiles came from (aircraft counts are not weapon counts: a deliberate trap)."""
    parts = []
    planes = []
    for c in fact["carrier"].split(" and "):
        c = c.strip()
        if c == "Navy":
            parts.append("ships of the Black Sea Fleet")
            continue
        n, _, model = c.partition(" x ")
        if model:
            kind = "fighter jets" if model.startswith("Su-") else "bombers"
            parts.append(f"{num(int(n), rng, 0.9)} {model} {kind}")
        else:
            planes.append(c)
    if planes:
        parts.insert(0, " and ".join(planes) + " strategic bombers")
    where = launch_places(fact["launch_place"])
    src = f" from {where}" if where else ""
    return f"The missiles were fired by {' and '.join(parts)}{src}, according to the military."


def gov_air_sentence(fact: dict[str, str], rng: random.Random, first: bool = True) -> tuple[str, Event]:
    day = dt.date.fromisoformat(fact["date"])
    L, D = _i(fact["launched"]), _i(fact["destroyed"])
    assert L is not None and D is not None
    wtext, weapon = weapon_words(fact, rng, L)
    ttext, place = target_text(fact["target"])
    start = fact["window_start"]
    overnight, _ = night_window(fact)
    if len(fact["window_end"]) > 10 and len(start) > 10:
        if start[:10] < fact["window_end"][:10]:
            s_day = dt.date.fromisoformat(start[:10])
            when = f"On the night of {s_day.day} to {day.day} {MONTHS[day.month - 1]}, from {start[11:16]} to {fact['window_end'][11:16]}"
        elif start[11:16] == fact["window_end"][11:16]:
            when = f"On {day.day} {MONTHS[day.month - 1]} at about {start[11:16]}"
        else:
            when = f"On {day.day} {MONTHS[day.month - 1]}, from {start[11:16]} to {fact['window_end'][11:16]}"
    elif overnight:
        when = f"On the night of {day.day} {MONTHS[day.month - 1]}"
    else:
        when = f"On {day.day} {MONTHS[day.month - 1]}"
    frm = f", launched from {launch_places(fact['launch_place'])}" if fact["launch_place"] else ""
    Lq = Qty(L, "exact", digits(L) if L > 9 or (L > 1 and rng.random() < 0.5) else words(L))
    tgt = f" {ttext}" if ttext else ""
    if first:
        s = f"{when}, the enemy attacked{tgt} with {Lq.text} {wtext}{frm}."
    else:
        s = rng.choice([f"In addition, the enemy used {Lq.text} {wtext}{frm}{tgt and ' against' + tgt}.",
                        f"The enemy also attacked with {Lq.text} {wtext}{frm}{tgt and ' against' + tgt}."])
    if fact["carrier"] and not frm:
        s += f" The launches were made from {fact['carrier'].replace(' x ', ' ').replace('Navy', 'ships of the Black Sea Fleet')}."
    if L == 1:
        Dq = Qty(D, "exact", "it" if D else "could not be intercepted")
        s += " It was destroyed by the air defence forces." if D else " It could not be intercepted."
    elif D == L and L > 1:
        Dq = Qty(D, "exact", "all")
        s += f" All of them were destroyed by the air defence forces."
    elif D == 0:
        Dq = Qty(0, "exact", "none")
        s += " None of them could be intercepted."
    else:
        Dq = Qty(D, "exact", digits(D) if D > 9 else words(D))
        s += rng.choice([f" Air defence forces destroyed {Dq.text} of them.",
                         f" Of them, {Dq.text} were destroyed by the air defence forces." if D > 9 else
                         f" {cap(Dq.text)} of them were destroyed by the air defence forces."])
    return s, national_event(fact, place, Lq, Dq, weapon, day)


def wire_air_sentence(fact: dict[str, str], pub_local: dt.date, rng: random.Random, hedge: bool = False,
                      generic: bool = False, secondary: bool = False, dozens: bool = False) -> tuple[str, Event]:
    day = dt.date.fromisoformat(fact["date"])
    L, D = _i(fact["launched"]), _i(fact["destroyed"])
    assert L is not None and D is not None
    overnight, evening = night_window(fact)
    when = when_phrase(day, pub_local, rng, night=overnight)
    if evening and day == pub_local:
        when = rng.choice(["this evening", "on " + WEEKDAYS[day.weekday()] + " evening"])
    elif evening:
        when = rng.choice([f"late on {WEEKDAYS[day.weekday()]}", f"on the evening of {MONTHS[day.month - 1]} {day.day}"]) \
            if (pub_local - day).days < 7 else f"on the evening of {MONTHS[day.month - 1]} {day.day}"
    w = f" {when}" if when else ""
    ttext, place = target_text(fact["target"])
    at = f" at {ttext}" if ttext else rng.choice([" at Ukraine", ""])
    Lq = hedged(L, rng, dozens) if hedge else exact(L, rng)
    wtext, weapon = weapon_words(fact, rng, L, generic=generic)
    claimant = {"Ukrainian Air Force": rng.choice(["the Ukrainian Air Force", "Ukraine's air force", "the Air Force command"]),
                "General Staff": "the General Staff of Ukraine's armed forces",
                "Air Command South": "the Air Force's southern command"}[fact["claimed_by"]]
    of = "" if Lq.text == "dozens of" else " of"
    if L == 1:
        Dq = Qty(D, "exact", "one" if D else "none")
        Lq = Qty(1, "exact", "a" if wtext[0] not in "aeiouAEIOU" else "an")
        s = (f"{cap(Lq.text)} {wtext} was shot down{w}, {claimant} said." if D else
             f"{cap(Lq.text)} {wtext} launched{w} could not be intercepted, {claimant} said.")
        if not D:
            Dq = Qty(0, "exact", "could not be intercepted")
        ev = national_event(fact, place, Lq, Dq, weapon, day)
        return s, ev
    if secondary and D and not hedge:
        Dq = exact(D, rng) if D != L else Qty(D, "exact", "all")
        if D == L == 2:
            Dq = Lq = Qty(2, "exact", "both")
            s = f"Air defences also destroyed both {wtext} launched{at}{w}."
        else:
            s = (f"Air defences also destroyed all {Lq.text} {wtext} launched{at}{w}." if D == L else
                 f"In addition, {Dq.text}{of} {Lq.text} {wtext} launched{at}{w} were destroyed.")
        return s, national_event(fact, place, Lq, Dq, weapon, day)
    if D == L == 2 and not hedge:
        Dq = Lq = Qty(2, "exact", "both")
        s = f"Ukrainian air defences destroyed both {wtext} Russia launched{at}{w}, {claimant} said."
    elif D == L and not hedge and L > 1:
        Dq = Qty(D, "exact", "all")
        s = rng.choice([
            f"Ukrainian air defences destroyed all {Lq.text} {wtext} Russia launched{at}{w}, {claimant} said.",
            f"Russia launched {Lq.text} {wtext}{at}{w}, and all of them were shot down, {claimant} said.",
        ])
    elif D == 0:
        Dq = Qty(0, "exact", "none")
        s = f"Russia fired {Lq.text} {wtext}{at}{w}; none of them could be intercepted, {claimant} said."
    else:
        Dq = exact(D, rng)
        if Lq.text == "dozens of":
            s = f"Russia launched dozens of {wtext}{at}{w}, and air defences destroyed {Dq.text} of them, {claimant} said."
        else:
            opts = [
                f"Russia launched {Lq.text} {wtext}{at}{w}, and air defences destroyed {Dq.text} of them, {claimant} said.",
                f"Ukrainian air defences shot down {Dq.text}{of} the {Lq.text} {wtext} Russian forces launched{at}{w}, {claimant} said.",
            ]
            if hedge:
                opts = opts[:1]
            elif not Dq.text[0].isdigit():
                opts.append(f"{cap(Dq.text)}{of} {Lq.text} {wtext} fired{at}{w} were destroyed, according to {claimant}.")
            s = rng.choice(opts)
    ev = national_event(fact, place, Lq, Dq, weapon, day, basis="official" if not hedge else "official_hedged")
    return s, ev


def regional_claim(fact: dict[str, str], region: str, pub_local: dt.date, rng: random.Random) -> tuple[str, Event]:
    """A regional authority's own (illustrative) figure for the same night: a share of the national one."""
    day = dt.date.fromisoformat(fact["date"])
    L, D = _i(fact["launched"]) or 0, _i(fact["destroyed"]) or 0
    share = (0.35 + rng.random() * 0.45) if fact["target"] != "Ukraine" else (0.1 + rng.random() * 0.25)
    dr = max(1, int(round(D * share))) if D else 0
    overnight, _ = night_window(fact)
    when = when_phrase(day, pub_local, rng, night=overnight, allow_bare=False)
    names = PLACES[region][3]
    rname = rng.choice(names)
    claimant = REGION_CLAIMANT[region]
    wsing, wplur = GENERIC_WEAPON[fact["type"]]
    wtext = wplur if dr != 1 else wsing
    weapon = None
    if fact["model"] == "Shahed-136/131" and rng.random() < 0.5:
        wtext = "Shaheds" if dr != 1 else "Shahed"
        weapon = "Shahed-136/131"
    if dr >= 10 and rng.random() < 0.6:
        r = int(round(dr / 5.0)) * 5
        Dq = Qty(r, "approx", f"about {r}")
    else:
        Dq = Qty(dr, "exact", num(dr, rng, 0.7))
    region_place = region
    if rname.startswith("the "):
        over = rname
    elif " region" in rname:
        over = "the " + rname
    else:
        over = rname
    opts = [f"Air defence units shot down {Dq.text} {wtext} over {over} {when}, the {claimant} said."]
    if not Dq.text[0].isdigit():
        opts.append(f"{cap(Dq.text)} {wtext} {'was' if dr == 1 else 'were'} downed over {over} {when}, according to the {claimant}.")
    s = rng.choice(opts)
    ev = Event(type=fact["type"], date=day.isoformat(), fact_ids=[fact["fact_id"]], scope="regional",
               basis="illustrative", place=region_place, weapon=weapon, destroyed=Dq, claimed_by=claimant,
               actor="Russia", note="regional share of the national figure (illustrative)")
    return s, ev


def topical(bank: list[str], kinds: set[str]) -> list[str]:
    """Context sentences that fit a story about ``kinds`` (drone-only stories get no missile talk)."""
    out = []
    for s in bank:
        low = s.lower()
        if "drone_attack" not in kinds and ("drone" in low or "shahed" in low):
            continue
        if "missile_attack" not in kinds and "missile" in low:
            continue
        out.append(s)
    return out


def fill(rng: random.Random, bank: list[str], k: int, used: set[str] | None = None) -> list[str]:
    pool = [s for s in bank if not used or s not in used]
    out = rng.sample(pool, min(k, len(pool)))
    if used is not None:
        used.update(out)
    return out


def pad(page: Page, rng: random.Random, banks: list[list[str]], minimum: int = 170, spread: int = 260) -> None:
    """Add context paragraphs until the body has at least ``minimum`` (plus a random share of ``spread``) words."""
    minimum += int(rng.random() ** 2 * spread)
    used: set[str] = set(page.paras)
    bi = 0
    while page.text_words() < minimum:
        bank = banks[bi % len(banks)]
        extra = fill(rng, bank, 2, used)
        if not extra:
            bi += 1
            if bi > 10 * len(banks):
                break
            continue
        page.paras.append(" ".join(extra))
        bi += 1

GOV_CONTEXT = [
    "The Air Force Command thanks the citizens who report enemy drones and missiles through the official channels.",
    "Do not publish photos or videos of the work of air defence and the places where debris fell.",
    "Stay in shelters until the air-raid alert is over.",
    "The enemy continues its terror against the civilian population and critical infrastructure of Ukraine.",
    "Units of the air defence of the Air Force, mobile fire groups and other components of the Defence Forces were involved in repelling the attack.",
    "Information is being clarified.",
    "Together to victory!",
    "The Defence Forces of Ukraine continue to hold the line.",
    "All available air defence assets were used to repel the attack.",
]
RELEASE_TITLES = [
    "Air Force Command statement on the results of air defence, {d}",
    "Results of the work of air defence: {d}",
    "Air defence update, {d}",
]
AGG_RELATED = [
    "Air defence downs {n} drones over {p} overnight",
    "Russia fires {n} missiles at {p}, officials say",
    "{n} Shaheds shot down near {p}, governor says",
    "Explosions heard in {p} as {n} drones approach",
    "Blackouts after {n} missiles hit {p} energy sites",
]
RELATED_PLACES = ["Kharkiv", "Odesa", "Lviv", "Zhytomyr", "Dnipro", "Kryvyi Rih", "Kremenchuk", "Rivne"]
COMMENTS = [
    ("Oksana_K", "Stay safe everyone. The sirens here went on and on last night."),
    ("dmytro1987", "Last time they sent 100 missiles, this is nothing compared to that."),
    ("Northwind", "Thank you to the air defence crews, real heroes."),
    ("guest_4412", "Why does this site show me three cookie banners?"),
    ("Ivan P.", "Power is back in our district after about six hours. Respect to the repair crews."),
    ("marta_lviv", "We need more NASAMS, not more statements."),
    ("Sceptic", "Numbers from either side should be taken with a pinch of salt."),
    ("Lena", "My parents in Zaporizhzhia heard at least 20 explosions, no idea how many were drones."),
]


def related_links(rng: random.Random, k: int = 4) -> list[str]:
    """Headlines of OTHER stories (with numbers) for an aggregator sidebar: deliberate traps."""
    out = []
    for tpl in rng.sample(AGG_RELATED, k):
        out.append(tpl.format(n=rng.choice([7, 12, 18, 25, 31, 40, 45, 60]), p=rng.choice(RELATED_PLACES)))
    return out


def air_pages(facts: list[dict[str, str]], rng: random.Random) -> tuple[list[Page], dict[str, list[tuple[dt.datetime, str, list[str], list[Event]]]]]:
    """Pages for every official statement, plus live-blog entries keyed by day."""
    pages: list[Page] = []
    live: dict[str, list[tuple[dt.datetime, str, list[str], list[Event]]]] = {}
    for stmt in statements(facts):
        stmt = sorted(stmt, key=lambda f: (-int(f["launched"]), f["fact_id"]))
        main = stmt[0]
        day = dt.date.fromisoformat(main["date"])
        total = sum(int(f["launched"]) for f in stmt)
        pub = release_time(main, rng)
        kinds = {f["type"] for f in stmt}
        ctx, bg, quotes = topical(AIR_CONTEXT, kinds), topical(AIR_BACKGROUND, kinds), topical(AIR_QUOTES, kinds)
        # 1. government release -------------------------------------------------------------
        wrote_gov = total > 2 or rng.random() < 0.5
        if wrote_gov:
            sents, evs = zip(*(gov_air_sentence(f, rng, i == 0) for i, f in enumerate(stmt)))
            dstr = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
            title = rng.choice(RELEASE_TITLES).format(d=dstr)
            if main["claimed_by"] == "General Staff":
                title = f"General Staff: massive missile and drone attack repelled, {dstr}"
            elif main["claimed_by"] == "Air Command South":
                title = f"Air Command South: air defence results, {dstr}"
            p = Page("ua-defence-bulletin.org", slugify(f"{main['claimed_by']} {main['fact_id'][4:]}"), title, pub,
                     "time" if rng.random() < 0.75 else "url", "air", url_date=pub.date(), author=main["claimed_by"] + " press service")
            p.paras = list(sents) + fill(rng, GOV_CONTEXT, 3)
            p.events = list(evs)
            pad(p, rng, [GOV_CONTEXT, GOV_EXTRA], 150, 60)
            pages.append(p)
        # 2. wire story ----------------------------------------------------------------------
        if total >= 4 or not wrote_gov or rng.random() < 0.4:
            later = rng.random() < 0.25
            wpub = (pub + dt.timedelta(hours=1 + rng.randrange(4), minutes=rng.randrange(60))) if not later else \
                kyiv(day + dt.timedelta(days=1), 7 + rng.randrange(3), rng.randrange(60))
            wl = wpub.date()
            sents, evs = [], []
            for f in stmt:
                s, e = wire_air_sentence(f, wl, rng, generic=(f is not main and rng.random() < 0.3), secondary=f is not main)
                sents.append(s)
                evs.append(e)
            e0 = evs[0]
            what = "drones" if main["type"] == "drone_attack" else "missiles"
            title = rng.choice([
                (f"Ukraine says it shot down all {e0.launched.text} Russian {what}" if e0.destroyed.text == "all" else
                 f"Ukraine says it shot down {e0.destroyed.text} of {e0.launched.text} Russian {what}") if e0.launched.value > 1 else
                f"Ukraine reports new Russian {what[:-1]} attack",
                f"Russia launches {e0.launched.text} {what} at Ukraine; air defences respond",
                f"Air defences intercept Russian {what} {'overnight' if night_window(main)[0] else 'in new attack'}",
            ])
            city = rng.choice(["KYIV", "KYIV", "KYIV", "DNIPRO", "ODESA"])
            dateline = f"{city}, {MONTHS[wl.month - 1][:3]} {wl.day} (Kyiv Wire) - "
            p = Page("kyivwire.net", slugify(title) + f"-{wl:%m%d}", title, wpub.astimezone(dt.timezone.utc),
                     "jsonld" if rng.random() < 0.85 else "url", "air", url_date=wl,
                     author=rng.choice(["Olena Marchuk", "Taras Hrytsenko", "Anna Bielova", "Mark Dolan"]))
            p.paras = [dateline + sents[0]] + sents[1:]
            if main["carrier"] and main["type"] == "missile_attack":
                p.paras.append(carrier_sentence(main, rng))
                if re.search(r"\d| x ", main["carrier"]):
                    p.traps.append("number of aircraft that launched the missiles (not an event count)")
            p.paras += fill(rng, ctx, 2) + fill(rng, quotes, 1) + [rng.choice(WIRE_TAILS)]
            p.events = evs
            pad(p, rng, [ctx, bg], 170, 330)
            p.paras.append(f"(Reporting by {p.author}; editing by the Kyiv Wire desk)")
            pages.append(p)
        # 3. regional outlets -----------------------------------------------------------------
        regions = TARGET_REGIONS.get(main["target"], [])
        if not regions and total >= 15:
            regions = [rng.choice(["Kyiv", "Kharkiv Oblast", "Dnipropetrovsk Oblast", "Odesa Oblast"])]
        if regions:
            region = regions[0] if len(regions) == 1 else rng.choice(regions)
            outlet = REGION_OUTLET[region]
            rpub = pub + dt.timedelta(minutes=30 + rng.randrange(150))
            s_reg, e_reg = regional_claim(main, region, rpub.date(), rng)
            paras = [s_reg]
            evs = [e_reg]
            if rng.random() < 0.6:
                s_nat, e_nat = wire_air_sentence(main, rpub.date(), rng)
                paras.append(rng.choice(["Nationwide, ", "Across the country, ", "For the whole country, "]) + s_nat)
                evs.append(e_nat)
            rname = PLACES[region][3][0]
            title = rng.choice([f"Drones over {rname}: air defence at work", f"Night attack on {rname}: what we know",
                                f"{rname}: air defence repels new attack"]) if main["type"] == "drone_attack" else \
                rng.choice([f"Missile attack: explosions heard in {rname}", f"{rname}: missiles shot down, officials say"])
            p = Page(outlet, slugify(title) + f"-{rpub:%y%m%d%H%M}", title, rpub, "meta", "air",
                     author=rng.choice(["Newsroom", "Iryna Koval", "Serhii Bondar", "Staff reporter"]))
            rctx, rbg = ctx, bg
            if region not in ("Kyiv", "Kyiv Oblast"):
                rctx, rbg = [x for x in ctx if "capital" not in x], [x for x in bg if "capital" not in x]
            p.paras = paras + fill(rng, rctx, 3) + fill(rng, quotes, 1)
            p.events = evs
            pad(p, rng, [rctx, rbg], 160, 200)
            pages.append(p)
        # 4. aggregator rewrite (hedged figures, boilerplate traps) ---------------------------
        if total >= 15:
            apub = pub + dt.timedelta(hours=3 + rng.randrange(6))
            s_a, e_a = wire_air_sentence(main, apub.date(), rng, hedge=True, dozens=True)
            what = "drones" if main["type"] == "drone_attack" else "missiles"
            title = rng.choice([f"{cap(e_a.launched.text)} {what} launched at Ukraine - here's what we know",
                                f"Ukraine under fire again: {e_a.launched.text} {what}, air force says"])
            p = Page("newsflow24.com", f"a/{day:%y%m%d}-{slugify(title, 40)}", title, apub,
                     "time" if rng.random() < 0.6 else "jsonld", "air", author="NewsFlow 24 Desk")
            p.paras = [s_a] + fill(rng, ctx, 4) + fill(rng, quotes, 1)
            p.events = [e_a]
            p.related = related_links(rng)
            p.comments = rng.sample(COMMENTS, 3)
            p.traps += ["related-stories links with other attack figures", "comments with numbers"]
            pad(p, rng, [ctx, bg], 170, 250)
            pages.append(p)
        # 5. live-blog entries ----------------------------------------------------------------
        t = pub + dt.timedelta(minutes=5 + rng.randrange(20))
        for f in stmt:
            s, e = wire_air_sentence(f, t.date(), rng)
            live.setdefault(f["date"], []).append((t, rng.choice(["Air Force update", "Overnight attack: the figures",
                                                                   "Air defence at work", "Latest figures"]), [s], [e]))
            t += dt.timedelta(minutes=2)
    return pages, live


# --------------------------------------------------------------------------------------------
# Aid, procurement and ground assaults
# --------------------------------------------------------------------------------------------

# Kiel item label -> (singular, plural) as a newsroom would write it; the singular is the
# manifest item name.
ITEM_NAMES = {
    "HIMARS 142 multiple rocket launcher": ("HIMARS launcher", "HIMARS launchers"),
    "105mm howitzer": ("105mm howitzer", "105mm howitzers"),
    "155mm howitzer": ("155mm howitzer", "155mm howitzers"),
    "MaxxPro Mine Resistant Ambush Protected Vehicles": ("MaxxPro MRAP vehicle", "MaxxPro MRAP vehicles"),
    "artillery round": ("artillery round", "artillery rounds"),
    "120mm mortar round": ("120mm mortar round", "120mm mortar rounds"),
    "Artillery ammunition": ("artillery round", "artillery rounds"),
    "Anti-tank missile and anti-tank rocket": ("anti-tank missiles and rockets", "anti-tank missiles and rockets"),
    "winter clothing (general)": ("winter clothing", "winter clothing"),
    "Ballistic vest": ("ballistic vest", "ballistic vests"),
    "155mm artillery round": ("155mm artillery round", "155mm artillery rounds"),
    "High-Resolution Drone Camera": ("high-resolution drone camera", "high-resolution drone cameras"),
    "winter clothing (Canada)": ("set of winter clothing", "sets of winter clothing"),
    "AMRAAM rockets (for NASAMS)": ("AMRAAM missiles for NASAMS", "AMRAAM missiles for NASAMS"),
    "Air Defence Missile": ("air defence missile", "air defence missiles"),
    "reconnaissance drone": ("reconnaissance drone", "reconnaissance drones"),
    "L119 105mm howitzer": ("L119 105mm howitzer", "L119 105mm howitzers"),
    "HAWK air defense system": ("HAWK air defence launcher", "HAWK air defence launchers"),
    "Aspide battery": ("Aspide air defence battery", "Aspide air defence batteries"),
    "Shorad Aspide anti-aircraft missile": ("Aspide anti-aircraft missiles", "Aspide anti-aircraft missiles"),
    "ammunition for HIMARS": ("ammunition for HIMARS", "ammunition for HIMARS"),
    "precision-guided 155mm artillery round": ("precision-guided 155mm round", "precision-guided 155mm rounds"),
    "rounds of Remote Anti-Armor Mine (RAAM) Systems": ("RAAM anti-armor mine round", "RAAM anti-armor mine rounds"),
    "anti-tank weapon": ("anti-tank weapon", "anti-tank weapons"),
    "High-speed Anti-radiation missiles": ("HARM anti-radiation missiles", "HARM anti-radiation missiles"),
    "Armored High Mobility Multipurpose Wheeled Vehicle": ("armoured Humvee", "armoured Humvees"),
    "armored high mobility multipurpose wheeled vehicle": ("armoured Humvee", "armoured Humvees"),
    "Small arms and ammunition": ("round of small-arms ammunition", "rounds of small-arms ammunition"),
    "Medical supplies and other equipment": ("medical supplies", "medical supplies"),
    "anti-armor system": ("anti-armour system", "anti-armour systems"),
    "satellite communications antenna": ("satellite communications antenna", "satellite communications antennas"),
    "mobile heating system": ("mobile heating system", "mobile heating systems"),
    "generator": ("generator", "generators"),
    "overhauled T-72": ("refurbished T-72 tank", "refurbished T-72 tanks"),
    "Phoenix Ghost tactical unmanned aerial system": ("Phoenix Ghost drone", "Phoenix Ghost drones"),
    "Coastal and riverine patrol boat": ("patrol boat", "patrol boats"),
    "Tactical secure communications systems, surveillance systems, and optics": ("secure communications equipment", "secure communications equipment"),
    "surface to air missile": ("surface-to-air missile", "surface-to-air missiles"),
    "missiles for HAWK air defense system": ("missiles for HAWK air defence systems", "missiles for HAWK air defence systems"),
    "Avenger air defense system": ("Avenger air defence system", "Avenger air defence systems"),
    "Stinger missile": ("Stinger missile", "Stinger missiles"),
    "grenade launcher (M320 or M203)": ("grenade launcher", "grenade launchers"),
    "optics": ("optics", "optics"),
    "C-4 explosives and demolition equipment for obstacle clearing": ("C-4 explosives and demolition equipment", "C-4 explosives and demolition equipment"),
    "Cold weather gear": ("cold-weather gear", "cold-weather gear"),
    "anti-aircraft gun": ("anti-aircraft gun", "anti-aircraft guns"),
    "WS-61 Sea King helicopter": ("Sea King helicopter", "Sea King helicopters"),
    "munitions for NASAMS": ("munitions for NASAMS", "munitions for NASAMS"),
    "large-caliber machine guns": ("heavy machine gun", "heavy machine guns"),
    "tactical vehicle": ("tactical vehicle", "tactical vehicles"),
    "spare parts": ("spare parts", "spare parts"),
    "Remotely Operated Vehicle R7": ("R7 remotely operated vehicle", "R7 remotely operated vehicles"),
    "IVECO Daily mobile laboratory": ("IVECO Daily mobile laboratory", "IVECO Daily mobile laboratories"),
    "anti-tank mine": ("anti-tank mine", "anti-tank mines"),
    "105mm artillery round": ("105mm artillery round", "105mm artillery rounds"),
    "armoured ambulance": ("armoured ambulance", "armoured ambulances"),
    "de-mining vehicle": ("de-mining vehicle", "de-mining vehicles"),
    "152mm artillery round": ("152mm artillery round", "152mm artillery rounds"),
    "mobile power generator": ("mobile power generator", "mobile power generators"),
}
DONOR_SUBJECT = {"United States": "the United States", "United Kingdom": "Britain", "European Union": "the European Union",
                 "Netherlands": "the Netherlands", "Czech Republic": "the Czech Republic"}
DONOR_OFFICIAL = {
    "United States": "the Pentagon", "United Kingdom": "the British government", "Canada": "Canada's defence minister",
    "European Union": "the EU's foreign policy chief", "Germany": "the German government", "Estonia": "Estonia's defence ministry",
    "France": "the French defence ministry", "Netherlands": "the Dutch government", "Spain": "Spain's defence minister",
    "Switzerland": "the Swiss Federal Council", "Taiwan": "Taiwan's foreign ministry", "Sweden": "the Swedish government",
    "Finland": "Finland's defence ministry", "Belgium": "Belgium's defence minister",
}


def big_num(n: int, rng: random.Random) -> str:
    if n >= 1_000_000:
        a = f"{n / 1e6:.2f}".rstrip("0").rstrip(".")
        return f"{a} million"
    return num(n, rng, 0.4)


def parse_items(s: str) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for part in filter(None, s.split("|")):
        name, _, q = part.rpartition("=")
        out.append((name, int(q) if q else None))
    return out


def items_text(items: list[tuple[str, int | None]], rng: random.Random, limit: int = 5) -> tuple[str, list[tuple[str, int | None]]]:
    """'four HIMARS launchers, 200 MaxxPro MRAP vehicles and ammunition for HIMARS', mentioned items."""
    chosen = [it for it in items if it[1] is not None][:limit]
    rest = [it for it in items if it[1] is None][: max(0, limit - len(chosen)) or 1]
    chosen += rest[:1] if len(chosen) < limit else []
    parts, mentioned = [], []
    for name, q in chosen:
        sing, plur = ITEM_NAMES.get(name, (name.lower(), name.lower()))
        if q is None:
            parts.append(plur)
        elif plur.startswith("sets of") or plur.startswith("rounds of"):
            parts.append(f"{big_num(q, rng)} {plur if q != 1 else sing}")
        else:
            parts.append(f"{big_num(q, rng)} {plur if q != 1 else sing}")
        mentioned.append((sing, q))
    if not parts:
        return "", []
    txt = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return txt, mentioned


def aid_event(f: dict[str, str], items: list[tuple[str, int | None]], *, with_value: bool = True,
              note: str = "", basis: str = "kiel") -> Event:
    v = _i(f["value"]) if with_value else None
    return Event(type=f["type"], date=f["date"], fact_ids=[f["fact_id"]], basis=basis,
                 donor=f["donor"], recipient=f["recipient"] or "Ukraine",
                 category=f["category"] or None, value=v, currency=(f["currency"] or None) if v else None,
                 items=items, actor=f["donor"], note=note)


def aid_sentence(f: dict[str, str], pub: dt.date, rng: random.Random, limit: int = 5) -> tuple[str, Event]:
    day = dt.date.fromisoformat(f["date"])
    when = when_phrase(day, pub, rng)
    w = f" {when}" if when else ""
    donor = f["donor"]
    subj = DONOR_SUBJECT.get(donor, donor)
    official = DONOR_OFFICIAL.get(donor, f"the government of {donor}")
    val = _i(f["value"])
    money = money_text(val, f["currency"], rng) if val else ""
    itxt, mentioned = items_text(parse_items(f["items"]), rng, limit)
    cat = f["category"]
    if f["type"] == "procurement":
        buyer = f["recipient"]
        s = f"{cap(DONOR_SUBJECT.get(buyer, buyer))}'s defence ministry has signed a contract to buy {itxt} from a manufacturer in {DONOR_SUBJECT.get(donor, donor)}{w}"
        s += f", in a deal worth {money}." if money else ", without disclosing the price."
        ev = aid_event(f, mentioned, basis="illustrative")
        ev.actor = buyer
        return s, ev
    if cat == "military":
        if money and itxt:
            s = rng.choice([
                f"{cap(subj)} announced a new military aid package for Ukraine worth {money}{w}, including {itxt}.",
                f"{cap(subj)} will send Ukraine {itxt} as part of a {money} military aid package, {official} said{w}.",
            ])
        elif money:
            s = f"{cap(subj)} pledged {money} in military support for Ukraine{w}, {official} said."
        else:
            s = f"{cap(subj)} will supply Ukraine with {itxt}, {official} said{w}."
    elif cat == "humanitarian":
        if itxt:
            s = f"{cap(subj)} will send Ukraine {itxt} and {money} in humanitarian aid to help the country through the winter, {official} said{w}." if money else \
                f"{cap(subj)} is sending {itxt} to Ukraine as humanitarian aid, {official} said{w}."
        else:
            s = f"{cap(subj)} announced {money} in humanitarian aid for Ukraine{w}, with much of it earmarked for shelter, heating and repairs to damaged homes."
    else:
        s = rng.choice([f"{cap(subj)} approved {money} in financial support for Ukraine{w} to help keep the government and public services running.",
                        f"{cap(subj)} agreed{w} to provide Ukraine with {money} in budget support, {official} said."])
    return s, aid_event(f, mentioned)


def _with_evidence(fn):  # type: ignore[no-untyped-def]
    """Record the sentence a sentence builder returns as the evidence of its event."""
    def inner(*args, **kwargs):  # type: ignore[no-untyped-def]
        sentence, ev = fn(*args, **kwargs)
        ev.evidence = sentence
        return sentence, ev
    inner.__doc__ = fn.__doc__
    return inner


gov_air_sentence = _with_evidence(gov_air_sentence)
wire_air_sentence = _with_evidence(wire_air_sentence)
regional_claim = _with_evidence(regional_claim)
aid_sentence = _with_evidence(aid_sentence)


def aid_pages(facts: list[dict[str, str]], rng: random.Random, live: dict[str, list]) -> list[Page]:
    pages: list[Page] = []
    aid = [f for f in facts if f["kind"] == "kiel_aid"]
    by_id = {f["fact_id"]: f for f in aid}
    for f in aid:
        day = dt.date.fromisoformat(f["date"])
        if f["fact_id"] in ("aid-2022-11-04-nlm7",):
            continue  # reported together with the U.S. package (joint package page below)
        pub = kyiv(day, 12 + rng.randrange(9), rng.randrange(60))
        wl = pub.date() if rng.random() < 0.7 else day + dt.timedelta(days=1)
        if wl != pub.date():
            pub = kyiv(wl, 8 + rng.randrange(3), rng.randrange(60))
        s, e = aid_sentence(f, wl, rng)
        donor = f["donor"]
        subj = cap(DONOR_SUBJECT.get(donor, donor))
        val = _i(f["value"])
        title = f"{subj} pledges {money_text(val, f['currency'], rng)} for Ukraine" if val else f"{subj} to send more weapons to Ukraine"
        city = "WASHINGTON" if donor == "United States" else ("BRUSSELS" if donor == "European Union" else "KYIV")
        p = Page("kyivwire.net", slugify(title) + f"-{wl:%m%d}", title, pub.astimezone(dt.timezone.utc),
                 "jsonld" if rng.random() < 0.8 else "url", "aid", url_date=wl,
                 author=rng.choice(["Olena Marchuk", "Mark Dolan", "Sophie Lambert"]))
        p.paras = [f"{city}, {MONTHS[wl.month - 1][:3]} {wl.day} (Kyiv Wire) - " + s] + fill(rng, AID_CONTEXT, 3)
        if rng.random() < 0.5:
            p.paras.append(rng.choice(AID_HEDGES))
            p.traps.append("hedge / call for aid (not an event)")
        p.events = [e]
        pad(p, rng, [AID_CONTEXT, AID_BACKGROUND], 160, 300)
        pages.append(p)
        # the same package from the Ukrainian side (government release) for some
        if rng.random() < 0.35 or f["fact_id"] == "aid-2022-10-14-usm7":
            gpub = pub + dt.timedelta(hours=1 + rng.randrange(3))
            itxt, mentioned = items_text(parse_items(f["items"]), rng, 3)
            money = money_text(val, f["currency"], rng) if val else ""
            ev = aid_event(f, mentioned, with_value=bool(money))
            dd = f"{day.day} {MONTHS[day.month - 1]}"
            what = f"the new package worth {money}" if money else "the new package of military assistance"
            if itxt:
                what += f", which includes {itxt}"
            s2 = f"The Minister of Defence of Ukraine thanked the Government of {DONOR_SUBJECT.get(donor, donor).replace('the ', '')} for {what}, announced on {dd}."
            g = Page("ua-defence-bulletin.org", slugify(f"minister-thanks-{donor}-{f['fact_id'][4:]}"),
                     f"Minister of Defence thanks {DONOR_SUBJECT.get(donor, donor).replace('the ', '')} for new support package",
                     gpub, "time", "aid", url_date=gpub.date(), author="Ministry of Defence press service")
            g.paras = [s2, "The support of our partners strengthens the Defence Forces of Ukraine and brings our victory closer.",
                       "The Ministry of Defence is working with partners on the fastest possible delivery of the equipment to the units."]
            ev.evidence = s2
            g.events = [ev]
            pad(g, rng, [GOV_EXTRA, AID_BACKGROUND], 150, 60)
            pages.append(g)
        ls, le = aid_sentence(f, day, rng, 3)
        live.setdefault(f["date"], []).append((kyiv(day, 15 + rng.randrange(5), rng.randrange(60)), "New aid", [ls], [le]))
    # joint package, one event per donor (contract section 8) --------------------------------
    us, nl = by_id["aid-2022-11-04-usm3"], by_id["aid-2022-11-04-nlm7"]
    day = dt.date(2022, 11, 4)
    pub = kyiv(day, 19, 40)
    itx_us, m_us = items_text(parse_items(us["items"]), rng, 2)
    itx_nl, m_nl = items_text(parse_items(nl["items"]), rng, 1)
    p = Page("kyivwire.net", "us-and-netherlands-to-fund-refurbished-tanks-for-ukraine-1104",
             "U.S. and Netherlands to fund refurbished tanks for Ukraine", pub.astimezone(dt.timezone.utc), "jsonld", "aid",
             url_date=day, author="Mark Dolan")
    p.paras = [
        f"WASHINGTON, Nov 4 (Kyiv Wire) - The United States announced a $400 million package of longer-term security assistance for Ukraine on Friday that includes {itx_us}.",
        f"The Netherlands will pay {money_text(120000000, 'EUR', rng)} towards the package's headline item: {itx_nl}, to be overhauled by a defence company in the Czech Republic, the Dutch government said.",
        "The two governments are splitting the cost of the tanks; the Pentagon did not say how much of the U.S. money would go to them.",
    ] + fill(rng, AID_CONTEXT, 2)
    p.events = [aid_event(us, m_us, note="joint package: U.S. share"), aid_event(nl, m_nl, note="joint package: Dutch share")]
    p.events[0].evidence, p.events[1].evidence = p.paras[0].split(" - ", 1)[1], p.paras[1]
    p.traps += ["joint package: one event per donor", "drones as aid items (not attacks)"]
    pad(p, rng, [AID_CONTEXT, AID_BACKGROUND], 170, 200)
    pages.append(p)
    # re-announcement of the same package three days later -----------------------------------
    f = by_id["aid-2022-10-14-usm7"]
    itxt, mentioned = items_text(parse_items(f["items"]), rng, 4)
    p = Page("defence-ledger.com", "what-is-in-the-latest-us-package-for-ukraine", "What is in the latest U.S. package for Ukraine",
             kyiv(dt.date(2022, 10, 17), 10, 5), "url", "aid", url_date=dt.date(2022, 10, 17), author="Defence Ledger staff")
    p.paras = [
        f"The $725 million package the Pentagon announced on Friday is heavy on ammunition: it includes {itxt}.",
        "It is drawn from existing U.S. stocks, which means the equipment can move quickly, according to defence officials.",
        "Analysts say the emphasis on shells and rockets reflects the pace of the artillery war in the east and the south.",
        rng.choice(AID_HEDGES),
    ]
    p.events = [aid_event(f, mentioned, note="re-announcement of the package announced on 2022-10-14")]
    p.events[0].evidence = p.paras[0]
    p.traps += ["re-announcement of an earlier package (same event)"]
    pad(p, rng, [AID_BACKGROUND, AID_CONTEXT], 350, 200)
    pages.append(p)
    return pages


def procurement_pages(facts: list[dict[str, str]], rng: random.Random) -> list[Page]:
    pages = []
    for f in facts:
        if f["kind"] != "illustrative_procurement":
            continue
        day = dt.date.fromisoformat(f["date"])
        pub = kyiv(day + dt.timedelta(days=rng.randrange(2)), 9 + rng.randrange(8), rng.randrange(60))
        s, e = aid_sentence(f, pub.date(), rng)
        title = f"Kyiv signs deal to buy {ITEM_NAMES[parse_items(f['items'])[0][0]][1]} from {DONOR_SUBJECT.get(f['donor'], f['donor'])}"
        p = Page("defence-ledger.com", slugify(title), title, pub, rng.choice(["url", "meta"]), "procurement",
                 url_date=pub.date(), author="Defence Ledger staff")
        p.paras = [s,
                   "Officials described the purchase as part of an effort to rely less on donations and more on contracts the government controls.",
                   "The ministry has been moving more of its buying through open procedures, partly to reassure donors about oversight.",
                   "Industry executives said delivery schedules depend on supplies of components and on export licences."]
        p.events = [e]
        pad(p, rng, [AID_BACKGROUND, AID_CONTEXT], 250, 300)
        pages.append(p)
    return pages


def ground_pages(facts: list[dict[str, str]], rng: random.Random, live: dict[str, list]) -> list[Page]:
    pages = []
    for f in facts:
        if f["kind"] != "illustrative_ground":
            continue
        day = dt.date.fromisoformat(f["date"])
        places = f["places"].split("|")
        n = _i(f["count"])
        q = f["count_qualifier"]
        dirs = " and ".join(places)
        if len(places) == 1:
            place, admin1 = places[0], PLACES[places[0]][0]
        else:
            place = None
            a = {PLACES[x][0] for x in places}
            admin1 = a.pop() if len(a) == 1 else None

        def ev(qty: Qty | None, evidence: str) -> Event:
            e = Event(type="ground_assault", date=day.isoformat(), fact_ids=[f["fact_id"]], basis="illustrative",
                      place=place, count=qty, claimed_by="General Staff", actor="Russia", evidence=evidence)
            e.note = f"admin1={admin1}" if admin1 and not place else ""
            return e

        if n is None:
            qty = None
            s = f"Over the past day, units of the Defence Forces repelled enemy attacks in the area of {dirs}."
        elif q == "at_least":
            qty = Qty(n + 1, "at_least", f"more than {digits(n)}")
            s = f"Over the past day, the Defence Forces repelled more than {digits(n)} enemy attacks in the {dirs} directions."
        else:
            qty = Qty(n, "exact", num(n, rng))
            s = f"Over the past day, units of the Defence Forces repelled {qty.text} enemy attacks in the {dirs} direction{'s' if len(places) > 1 else ''}."
        pub = kyiv(day, 6 + rng.randrange(2), rng.randrange(60))
        g = Page("ua-defence-bulletin.org", slugify(f"general-staff-operational-update-{day}"),
                 f"Operational update of the General Staff as of 06:00, {day.day} {MONTHS[day.month - 1]} {day.year}",
                 pub, rng.choice(["time", "url"]), "ground", url_date=day, author="General Staff press service")
        g.paras = [s, "The enemy continues to focus its efforts on offensive actions in the Donetsk region.",
                   "Along the rest of the front line, the enemy shelled positions of our troops and settlements near the contact line.",
                   "The threat of missile and air strikes remains throughout Ukraine."]
        g.events = [ev(qty, s)]
        pad(g, rng, [GROUND_CONTEXT, GOV_EXTRA], 150, 80)
        pages.append(g)
        if rng.random() < 0.45 or n == 60:
            wpub = kyiv(day + dt.timedelta(days=1), 9 + rng.randrange(5), rng.randrange(60))
            wd = when_phrase(day, wpub.date(), rng, allow_bare=False)
            if qty is None:
                s2 = f"Ukrainian forces fought off Russian attacks near {dirs} {wd}, the General Staff said."
                q2 = None
            elif qty.qualifier == "at_least":
                s2 = f"Ukrainian troops repelled more than {digits(n)} Russian attacks in the {dirs} directions {wd}, the General Staff said."
                q2 = qty
            else:
                q2 = exact(n, rng)
                s2 = f"Ukrainian troops repelled {q2.text} Russian attacks around {dirs} {wd}, the General Staff said."
            title = f"Ukraine says it repelled Russian attacks near {dirs}"
            p = Page("kyivwire.net", slugify(title) + f"-{wpub:%m%d}", title, wpub.astimezone(dt.timezone.utc), "jsonld", "ground",
                     url_date=wpub.date(), author=rng.choice(["Taras Hrytsenko", "Anna Bielova"]))
            p.paras = [f"KYIV, {MONTHS[wpub.month - 1][:3]} {wpub.day} (Kyiv Wire) - " + s2] + fill(rng, GROUND_CONTEXT, 4) + [rng.choice(WIRE_TAILS)]
            p.events = [ev(q2, s2)]
            pad(p, rng, [GROUND_CONTEXT], 170, 150)
            pages.append(p)
        live.setdefault(f["date"], []).append((kyiv(day, 7, 30), "Front line", [s], [ev(qty, s)]))
    return pages


# --------------------------------------------------------------------------------------------
# Off-topic and mixed pages (no events, or traps only)
# --------------------------------------------------------------------------------------------

def running_total(facts: list[dict[str, str]], until: dt.date, model: str = "Shahed-136/131") -> int:
    """Shahed drones destroyed in the official record from the start of the window to ``until``."""
    return sum(int(f["destroyed"]) for f in facts if f["kind"] == "official_air" and f["model"] == model
               and dt.date.fromisoformat(f["date"]) <= until)


def offtopic_pages(facts: list[dict[str, str]], rng: random.Random) -> list[Page]:
    pages = []
    # sport ------------------------------------------------------------------------------
    for i, (d, outlet) in enumerate([(dt.date(2022, 10, 9), "newsflow24.com"), (dt.date(2022, 10, 30), "kyivwire.net"),
                                     (dt.date(2022, 11, 13), "pivdenpost.com.ua")]):
        a, b = rng.sample(SPORT_CLUBS, 2)
        ga, gb = rng.randrange(4), rng.randrange(3)
        title = f"{a} {ga}-{gb} {b}: late pressure pays off" if ga > gb else f"{a} and {b} share the points after a tense evening"
        pub = kyiv(d, 21, 15 + i)
        slug = f"sport-{slugify(title, 50)}" if outlet != "newsflow24.com" else f"a/sport-{slugify(title, 40)}"
        p = Page(outlet, slug, title, pub.astimezone(dt.timezone.utc) if outlet == "kyivwire.net" else pub,
                 {"kyivwire.net": "jsonld", "newsflow24.com": "time", "pivdenpost.com.ua": "meta"}[outlet], "offtopic",
                 url_date=d, author="Sports desk")
        p.paras = [
            f"{a} launched wave after wave of attacks in the second half, and the pressure finally told in front of a small crowd kept under the league's safety rules.",
            f"The visitors' defence held firm for long spells, with their goalkeeper saving a fierce shot from the edge of the area just before the break.",
            "Matches in the domestic league are played without large crowds, and play is stopped when an air-raid alert sounds; this one went ahead without interruption.",
            f"\u201cWe fired everything we had at them,\u201d the home coach said afterwards. \u201cThe players showed character.\u201d",
            f"{b} now travel for a midweek cup tie, while {a} have a week to rest injured players.",
            "The attacking midfielder was named man of the match after creating most of his side's chances and covering more ground than anyone on the pitch.",
            "Supporters who could not attend followed the game on television and online streams, which the league has expanded since the spring.",
        ]
        p.traps.append("war vocabulary in a sport report (attacks, fired, shot, defence)")
        pages.append(p)
    # weather ----------------------------------------------------------------------------
    for d, outlet, city in [(dt.date(2022, 10, 21), "slobozhanka-daily.com", "Kharkiv"), (dt.date(2022, 11, 18), "stolytsia-today.com", "Kyiv")]:
        title = f"First frost and wet snow expected in {city} this weekend"
        p = Page(outlet, slugify(title), title, kyiv(d, 17, 5), "meta", "offtopic", author="Weather desk")
        p.paras = [
            f"Forecasters expect the first night frosts of the season in {city} from Friday, with wet snow possible on higher ground in the region.",
            "Daytime temperatures will stay a few degrees above zero, while at night the air could cool to minus four, the hydrometeorological centre said.",
            "Drivers were advised to change to winter tyres and to take extra care on bridges and overpasses, where ice forms first.",
            "Municipal services said salt and sand had been stockpiled and snowploughs were ready to work around the clock.",
            "The cold snap comes as many households rely on generators and scheduled supplies of electricity, and officials urged residents to prepare warm clothing and blankets.",
            "Next week is expected to bring milder weather and rain, with temperatures climbing back towards eight degrees by Wednesday.",
            "Gardeners were advised to cover late vegetables and to drain outdoor taps before the first hard frost, and pet owners to keep animals indoors at night.",
            "The forecasters' long-range outlook points to a colder than usual December, though they cautioned that such forecasts are uncertain.",
        ]
        pages.append(p)
    # economy ----------------------------------------------------------------------------
    for d, title, paras in [
        (dt.date(2022, 10, 26), "Hryvnia steady as central bank holds key rate at 25%", [
            "Ukraine's central bank kept its key policy rate at 25% on Thursday, saying the decision would help protect the hryvnia and bring inflation down over time.",
            "Inflation has been running above 20% a year, driven by the war, damage to energy infrastructure and higher prices for food and fuel.",
            "The official exchange rate has been fixed since the summer, and the bank said it had enough reserves to keep it stable, helped by international financing.",
            "Economists expect the economy to shrink by about a third this year. The bank said the outlook depends on how quickly the power grid can be repaired.",
            "Fuel shortages that hit filling stations in the spring have eased, and retail sales are recovering in the west of the country.",
            "The next rate meeting is scheduled for December.",
            "Retailers reported brisk sales of generators, batteries and warm clothing as households prepare for a difficult winter.",
            "Bankers said demand for loans remained weak, with businesses postponing investment until the security situation becomes clearer.",
        ]),
        (dt.date(2022, 11, 8), "Grain corridor: exports pick up again after a week of uncertainty", [
            "Grain shipments from Black Sea ports picked up again this week after the corridor agreement was put in doubt for several days.",
            "Traders said freight and insurance costs remained high, and some shipowners were still reluctant to send vessels into the region.",
            "Farmers in the south complained that prices at the farm gate barely covered the cost of fuel and fertiliser.",
            "The agreement, brokered by Turkey and the United Nations, is due for renewal later this month, and officials on all sides expect talks to go down to the wire.",
            "Analysts said the harvest would be smaller than last year's record because fields in the east and south could not be sown or harvested safely.",
            "Rail exports to the European Union through the so-called solidarity lanes continued to grow.",
            "Port operators said queues of ships waiting for inspection had grown, adding days to each voyage and cutting the volume that can be moved each month.",
        ]),
    ]:
        p = Page("defence-ledger.com", slugify(title), title, kyiv(d, 11, 30), "url", "offtopic", url_date=d, author="Economy desk")
        p.paras = paras
        pages.append(p)
    # everyday news: culture, health, tech, education, sport, human interest --------------------
    for d, outlet, src, topic, title, paras in EVERYDAY:
        day = dt.date.fromisoformat(d)
        h = 9 + (day.day * 7) % 10
        pub = kyiv(day, h, (day.day * 13) % 60)
        if outlet == "kyivwire.net":
            pub = pub.astimezone(dt.timezone.utc)
        slug = slugify(title, 60) if outlet != "newsflow24.com" else f"a/{slugify(title, 40)}"
        p = Page(outlet, slug, title, pub, src, topic, url_date=day,
                 author=rng.choice(["Staff reporter", "Iryna Koval", "Sophie Lambert", "Newsroom"]))
        p.paras = list(paras)
        if topic == "mixed":
            p.traps.append("vague allusion to attacks without date or numbers (no event)")
        if outlet == "newsflow24.com":
            p.related = related_links(rng, 3)
            p.comments = rng.sample(COMMENTS, 2)
            p.traps.append("related-stories links with other attack figures")
        pages.append(p)
    # a drone light show: "drones" that are not an attack -------------------------------------
    d = dt.date(2022, 10, 15)
    p = Page("newsflow24.com", "a/drone-light-show-fundraiser", "Hundreds of drones light up the sky at a charity show",
             None, "none", "offtopic", author="NewsFlow 24 Desk")
    p.paras = [
        "Around 300 drones rose over a river embankment on Saturday night to form the outline of a sunflower, a heart and the words \u201cthank you\u201d as part of a charity fundraiser.",
        "The organisers, a group of students and engineers, said the show had been planned for months and was moved twice because of bad weather.",
        "Money raised from ticket sales and online donations will go to a children's hospital and to buying generators for schools.",
        "Each of the small quadcopters carries coloured lights and is controlled by a single laptop running choreography software.",
        "Spectators brought blankets and hot tea; some said it was the first time in months they had looked at the night sky without fear.",
        "The team plans a second show in the spring if the security situation allows.",
        "Local officials said the event had been approved in advance and that the organisers had coordinated the flight with the authorities.",
    ]
    p.traps += ["drones that are not an attack", "no publication date at all"]
    pages.append(p)
    # website defacement: markup shown as text (title and a comment) ---------------------------
    d = dt.date(2022, 11, 7)
    p = Page("newsflow24.com", "a/city-portal-defaced", "Hackers deface city portal with <script>alert('x')</script> prank",
             kyiv(d, 14, 10), "time", "offtopic", author="Tech desk")
    p.paras = [
        "A municipal information portal was briefly defaced on Monday, with visitors greeted by a page reading <script>alert('x')</script> instead of the usual news about bus timetables and heating schedules.",
        "The city's IT department said the attackers had exploited an outdated plug-in and had not reached any personal data. The site was restored within hours.",
        "Specialists said the text was a classic test string used to check whether a site executes code typed into a form, and that the prank suggested amateurs rather than a state-backed group.",
        "Officials urged other municipalities to update their content management systems and to enable two-factor authentication for editors.",
        "Cyber attacks on Ukrainian public services have been frequent since the start of the full-scale invasion, although most are quickly contained.",
        "The portal's operator said it would publish a full report on the incident once the investigation is complete.",
        "Residents who tried to check heating schedules during the outage were redirected to the city's social media pages.",
    ]
    p.comments = [("webdev_kyiv", "Good reminder to escape user input: <script>alert('x')</script> should never run."),
                  ("Mykola", "Was it the same plug-in as last year?")]
    p.traps += ["literal <script> text in title, body and a comment (must be shown as text)"]
    pages.append(p)
    # analysis pieces with running totals and hedges only ----------------------------------
    d = dt.date(2022, 10, 28)
    t = running_total(facts, d)
    p = Page("defence-ledger.com", "how-ukraine-is-learning-to-fight-the-shahed", "How Ukraine is learning to fight the Shahed",
             kyiv(d, 16, 0), "url", "mixed", url_date=d, author="Defence Ledger staff")
    p.paras = [
        f"Since the first Iranian-made drones appeared over the south in September, Ukraine's air defence has shot down more than {(t // 10) * 10} of them, according to the Air Force's daily statements.",
        "The drones are slow and loud, which makes them vulnerable to machine guns and short-range missiles, but they arrive in groups and often at night.",
        "Mobile fire groups drive along likely routes with searchlights and heavy machine guns; officials say they have become one of the most effective tools against the drones.",
        "Kyiv has asked its partners for more radar and short-range air defence, and several governments said they could send additional systems before the end of the year.",
        "Iran denies supplying the drones for use in Ukraine; Western governments say the evidence shows otherwise.",
        "Analysts warn that Russia could buy more drones and ballistic missiles abroad, which would test air defences that are already stretched.",
        "Engineers are also experimenting with cheaper interceptors, from anti-aircraft guns on pick-up trucks to electronic jammers.",
    ]
    p.traps += ["running total since September (not an event)", "could send / calls for aid (not events)"]
    pages.append(p)
    d = dt.date(2022, 11, 20)
    p = Page("defence-ledger.com", "the-winter-question", "The winter question: what Kyiv is asking its partners for",
             None, "none", "mixed", author="Defence Ledger staff")
    p.paras = [
        "Ukraine's government has spent the autumn asking for three things: more air defence, spare parts for the power grid and money to keep the state running.",
        "Officials said further packages could be announced at the next meeting of defence ministers, but gave no figures and no date.",
        "Some European governments are debating whether they could send modern tanks; others argue that ammunition and air defence matter more this winter.",
        "Humanitarian agencies have called for generators, heaters and warm clothing to be sent before the coldest weeks of the year.",
        "Pledges since February add up to a very large sum, but deliveries lag behind announcements, and much of the money is spread over several years.",
        "Economists point out that the cost of repairing the energy system alone will run to billions, on top of the cost of the war itself.",
        "For Kyiv, the measure of success is simple: whether the lights stay on and whether the missiles and drones are stopped before they reach their targets.",
    ]
    p.traps += ["calls for aid, debates, totals since February (no events)", "no publication date at all"]
    pages.append(p)
    for p in pages:
        tail = p.paras.pop() if p.paras[-1].startswith("(Reporting") else None
        pad(p, rng, [CITY_LIFE], 170, 120)
        if tail:
            p.paras.append(tail)
    return pages


# --------------------------------------------------------------------------------------------
# Live blogs
# --------------------------------------------------------------------------------------------

LIVE_EXTRAS = [
    ("President's evening address", ["In his evening video address, the president again called on partners to speed up deliveries of air defence systems."]),
    ("Power cuts", ["The grid operator says scheduled outages will continue in several regions tomorrow while repairs go on."]),
    ("Kremlin reaction", ["The Kremlin declined to comment on the strikes, referring questions to the defence ministry."]),
    ("Shelters", ["City authorities say all metro stations remain open as shelters and that heating points are being set up in schools."]),
    ("Repairs", ["Engineers have restored power to most critical infrastructure, including hospitals and water pumping stations, the energy ministry says."]),
    ("What we know so far", ["Officials are still assessing the damage; we will update this page as more information becomes available."]),
    ("Mayor's appeal", ["The mayor asked residents to save electricity during the evening peak, when the grid is under the most strain."]),
    ("Diplomacy", ["European foreign ministers are expected to discuss further support for Ukraine at their next meeting; no new figures have been announced."]),
]


def live_pages(live: dict[str, list], facts: list[dict[str, str]], rng: random.Random) -> list[Page]:
    totals: dict[str, int] = {}
    for f in facts:
        if f["kind"] == "official_air":
            totals[f["date"]] = totals.get(f["date"], 0) + int(f["launched"])
    days = {d for d, t in totals.items() if t >= 19}
    weeks_with = {dt.date.fromisoformat(d).isocalendar()[1] for d in days}
    for d in sorted(live):
        wk = dt.date.fromisoformat(d).isocalendar()[1]
        if wk not in weeks_with and len(live[d]) >= 2:
            days.add(d)
            weeks_with.add(wk)
    pages = []
    for d in sorted(days):
        day = dt.date.fromisoformat(d)
        entries = sorted(live.get(d, []), key=lambda e: e[0])
        if not entries:
            continue
        extra_t = entries[-1][0]
        for h, ps in rng.sample(LIVE_EXTRAS, 3):
            extra_t += dt.timedelta(minutes=25 + rng.randrange(40))
            entries.append((extra_t, h, ps + fill(rng, AIR_CONTEXT, 1), []))
        title = f"Russia-Ukraine war live: {rng.choice(['air defence in action', 'latest updates', 'strikes and aid'])}, {MONTHS[day.month - 1]} {day.day}"
        p = Page("eastfront-herald.com", f"russia-ukraine-war-live-{MONTHS[day.month - 1].lower()}-{day.day}-{day.year}", title,
                 entries[0][0], "meta" if rng.random() < 0.7 else "time", "air", author="Live team")
        p.entries = [(t, hh, pp) for t, hh, pp, _ in reversed(entries)]
        while p.text_words() < 170:
            extra_t += dt.timedelta(minutes=30)
            p.entries.insert(0, (extra_t, "Context", fill(rng, AIR_BACKGROUND, 2)))
        p.events = [e for _, _, _, evs in entries for e in evs]
        if any(ps is LIVE_EXTRAS[0][1] for _, _, ps, _ in entries):
            p.traps.append("call for aid (not an event)")
        p.traps.append("live blog: entry times, several events per page")
        pages.append(p)
    return pages


# --------------------------------------------------------------------------------------------
# HTML rendering, one template per outlet style
# --------------------------------------------------------------------------------------------

E = html.escape
OLD_SPELLING = {"Kyiv": "Kiev", "Kharkiv": "Kharkov", "Odesa": "Odessa"}


def iso(t: dt.datetime) -> str:
    s = t.isoformat()
    return s.replace("+00:00", "Z")


def _meta_common(p: Page) -> str:
    out = [f'<link rel="canonical" href="{E(p.url)}">',
           f'<meta property="og:url" content="{E(p.url)}">',
           f'<meta property="og:title" content="{E(p.title)}">',
           f'<meta property="og:site_name" content="{E(OUTLETS[p.outlet]["name"])}">',
           '<meta property="og:type" content="article">',
           f'<meta name="description" content="{E((p.paras or [p.entries[0][2][0]])[0][:150])}">']
    return "\n".join(out)


def _jsonld(p: Page) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": p.title,
            "mainEntityOfPage": p.url, "datePublished": iso(p.published) if p.published else None,
            "author": {"@type": "Person", "name": p.author},
            "publisher": {"@type": "Organization", "name": OUTLETS[p.outlet]["name"]}}
    if p.published:
        data["dateModified"] = iso(p.published + dt.timedelta(minutes=12))
    data = {k: v for k, v in data.items() if v is not None}
    return '<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>"


def _paras(p: Page, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    if p.malformed:
        return "\n".join(f"<p{c}>{E(x)}" for x in p.paras)  # unclosed <p>
    return "\n".join(f"<p{c}>{E(x)}</p>" for x in p.paras)


def render_wire(p: Page) -> str:
    head_date = _jsonld(p) if p.date_source == "jsonld" else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{E(p.title)} | Kyiv Wire</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{_meta_common(p)}
{head_date}
<link rel="stylesheet" href="/static/wire.css">
</head>
<body class="story-page">
<header class="masthead"><a class="logo" href="/">KYIV WIRE</a>
<nav><a href="/en/news/">News</a> <a href="/en/business/">Business</a> <a href="/en/sport/">Sport</a> <a href="/en/about/">About</a></nav></header>
<main>
<article class="story">
<h1 class="story-title">{E(p.title)}</h1>
<div class="byline">By {E(p.author)}</div>
<div class="story-body">
{_paras(p)}
</div>
<footer class="story-footer"><p>Our Standards: The Kyiv Wire Trust Principles.</p></footer>
</article>
</main>
<footer class="site-footer">&copy; 2022 Kyiv Wire. All rights reserved. <a href="/terms">Terms</a> <a href="/privacy">Privacy</a></footer>
</body>
</html>
"""


def render_liveblog(p: Page) -> str:
    assert p.published is not None
    meta = f'<meta property="article:published_time" content="{iso(p.published)}">\n<meta property="article:modified_time" content="{iso(p.entries[0][0])}">' \
        if p.date_source == "meta" else ""
    entries = []
    for i, (t, h, ps) in enumerate(p.entries):
        body = "\n".join(f"<p>{E(x)}</p>" for x in ps)
        entries.append(f"""<article class="lb-entry" id="entry-{len(p.entries) - i}">
<time class="lb-time" datetime="{iso(t)}">{t:%H:%M}</time>
<h3 class="lb-heading">{E(h)}</h3>
{body}
<div class="lb-share"><a href="#entry-{len(p.entries) - i}">Link to this post</a></div>
</article>""")
    first = f'<p class="lb-started">Live blog started <time datetime="{iso(p.published)}">{p.published:%H:%M}</time></p>' if p.date_source == "time" else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{E(p.title)} – Eastfront Herald</title>
{_meta_common(p)}
{meta}
</head>
<body>
<div id="top-bar"><a href="/">Eastfront Herald</a> | <a href="/live/">Live</a> | <a href="/subscribe">Subscribe</a></div>
<div class="liveblog">
<h1>{E(p.title)}</h1>
<p class="standfirst">Follow our live coverage of the war. All times are Kyiv time.</p>
{first}
<div class="lb-key-events"><h2>Key events</h2><ul>{''.join(f'<li><a href="#entry-{len(p.entries) - i}">{E(h)}</a></li>' for i, (_, h, _) in enumerate(p.entries[:3]))}</ul></div>
<section class="lb-entries">
{chr(10).join(entries)}
</section>
</div>
<footer>Eastfront Herald &middot; independent journalism from the east</footer>
</body>
</html>
"""


def render_regional(p: Page) -> str:
    assert p.published is not None or p.date_source == "none"
    name = OUTLETS[p.outlet]["name"]
    charset = '<meta charset="utf-8">' if p.charset == "utf-8" else f'<meta http-equiv="Content-Type" content="text/html; charset={p.charset}">'
    meta = f'<meta property="article:published_time" content="{iso(p.published)}">' if p.published and p.date_source == "meta" else ""
    shown = f"{p.published.day:02d}.{p.published.month:02d}.{p.published.year} {p.published:%H:%M}" if p.published else ""
    close = "" if p.malformed else "</div>\n</div>"
    tail = "" if p.malformed else "</body>\n</html>"
    return f"""<!DOCTYPE html>
<html lang="uk">
<head>
{charset}
<title>{E(p.title)} - {E(name)}</title>
{_meta_common(p)}
{meta}
</head>
<body>
<div class="top-line"><span class="weather-widget">Weather: +6&deg;</span> <span class="currency">USD 36.92 / EUR 36.70</span></div>
<div class="header"><a href="/" class="logo">{E(name)}</a>
<ul class="menu"><li><a href="/news/">News</a></li><li><a href="/war/">War</a></li><li><a href="/city/">City</a></li><li><a href="/sport/">Sport</a></li></ul></div>
<div class="breadcrumbs"><a href="/">Home</a> &raquo; <a href="/news/">News</a></div>
<div class="content">
<h1 class="news-title">{E(p.title)}</h1>
<div class="news-info"><span class="date">{shown}</span> <span class="author">{E(p.author)}</span></div>
<div class="news-text">
{_paras(p)}
{close}
<div class="tags">Tags: <a href="/tag/war">war</a>, <a href="/tag/air-defence">air defence</a></div>
<div class="footer">&copy; {E(name)}. Use of materials only with a hyperlink.</div>
{tail}
"""


def render_government(p: Page) -> str:
    t = f'<div class="release-meta"><time datetime="{iso(p.published)}">{p.published.day:02d}.{p.published.month:02d}.{p.published.year} {p.published:%H:%M}</time></div>' \
        if p.published and p.date_source == "time" else '<div class="release-meta"></div>'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{E(p.title)}</title>
{_meta_common(p)}
</head>
<body>
<div class="gov-header"><img src="/img/emblem.svg" alt="Emblem"> Defence Bulletin of Ukraine &ndash; press releases of the Defence Forces</div>
<div class="gov-nav"><a href="/releases/">Releases</a> &middot; <a href="/contacts/">Contacts</a> &middot; <a href="/uk/">Українською</a></div>
<div class="release">
<h1>{E(p.title)}</h1>
{t}
<div class="release-body">
{_paras(p)}
<p class="signature">{E(p.author)}</p>
</div>
</div>
<div class="gov-footer">Materials may be used with a reference to the source.</div>
</body>
</html>
"""


def render_aggregator(p: Page) -> str:
    nav = " ".join(f'<a href="/{s}/">{s.title()}</a>' for s in
                   ["world", "ukraine", "europe", "politics", "business", "tech", "science", "health", "sport",
                    "culture", "travel", "opinion", "video", "podcasts", "weather", "horoscope"])
    head_date = _jsonld(p) if p.date_source == "jsonld" else ""
    tline = f'<time class="published" datetime="{iso(p.published)}">{p.published:%d %b %Y, %H:%M}</time>' \
        if p.published and p.date_source == "time" else ""
    related = "".join(f'<li><a href="/world/ukraine/a/{slugify(r, 30)}">{E(r)}</a></li>' for r in p.related)
    comments = "".join(f'<div class="comment"><span class="user">{E(u)}</span><p>{E(c)}</p></div>' for u, c in p.comments)
    title = E(p.title)
    end = "" if p.malformed else "</div></div>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | NewsFlow 24</title>
{_meta_common(p)}
{head_date}
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}</script>
<style>.ad-slot{{min-height:250px}}.cookie-banner{{position:fixed;bottom:0}}</style>
</head>
<body>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to personalise content and ads, to provide social media features and to analyse our traffic. By clicking Accept you agree to our use of cookies.</p><button>Accept</button> <button>Manage options</button></div>
<header class="site-header"><a class="logo" href="/">NewsFlow<b>24</b></a><nav class="main-nav">{nav}</nav>
<div class="breaking-ticker"><span>BREAKING</span> <a href="/markets">Markets open higher in Asia</a></div></header>
<div class="ad-slot ad-leaderboard">ADVERTISEMENT</div>
<div class="page-wrap"><div class="main-col">
<article class="post">
<h1 class="post-title">{title}</h1>
<div class="post-meta">By <span class="author">{E(p.author)}</span> {tline}</div>
<div class="share-buttons"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
<div class="post-content">
{_paras(p)}
<div class="ad-slot ad-inline">ADVERTISEMENT &ndash; story continues below</div>
</div>
</article>
<aside class="related-stories"><h2>Related stories</h2><ul>{related}</ul></aside>
<section class="comments"><h2>Comments ({len(p.comments)})</h2>{comments}</section>
{end}
<aside class="sidebar"><h3>Trending</h3><ol><li><a href="/celebs">Ten celebrity weddings you missed</a></li><li><a href="/tech">This phone trick saves battery</a></li><li><a href="/travel">Winter breaks under 200 euros</a></li></ol>
<div class="ad-slot ad-sidebar">ADVERTISEMENT</div></aside>
<footer class="site-footer"><p>&copy; 2022 NewsFlow 24. Content aggregated from partner sources.</p><a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a> <a href="/contact">Contact</a></footer>
{"" if p.malformed else "</body>" + chr(10) + "</html>"}
"""


def render_business(p: Page) -> str:
    meta = f'<meta property="article:published_time" content="{iso(p.published)}">' if p.published and p.date_source == "meta" else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{E(p.title)} — The Defence Ledger</title>
{_meta_common(p)}
{meta}
</head>
<body>
<header><div class="brand">The Defence Ledger</div><div class="tagline">Budgets, contracts and the business of security</div>
<nav><a href="/">Home</a> <a href="/analysis/">Analysis</a> <a href="/contracts/">Contracts</a> <a href="/newsletter/">Newsletter</a></nav></header>
<div class="paywall-note">You have 3 free articles left this month.</div>
<main class="article">
<h1>{E(p.title)}</h1>
<p class="author">{E(p.author)}</p>
<section class="article-body">
{_paras(p)}
</section>
<div class="newsletter-box"><h3>Get the Ledger in your inbox</h3><p>Weekly analysis of defence budgets and contracts.</p><form><input type="email" placeholder="Email"><button>Sign up</button></form></div>
</main>
<footer>The Defence Ledger &middot; <a href="/about/">About</a> &middot; <a href="/advertise/">Advertise</a></footer>
</body>
</html>
"""


RENDERERS = {"wire": render_wire, "liveblog": render_liveblog, "regional": render_regional,
             "government": render_government, "aggregator": render_aggregator, "business": render_business}


# --------------------------------------------------------------------------------------------
# Assembly and output files
# --------------------------------------------------------------------------------------------

MANIFEST_FIELDS = [
    "page", "url", "outlet", "style", "published", "event_index", "event_type", "date", "date_precision",
    "place", "admin1", "lat", "lon", "weapon", "launched", "launched_qualifier", "launched_text",
    "destroyed", "destroyed_qualifier", "destroyed_text", "count", "count_qualifier", "count_text",
    "claimed_by", "actor", "scope", "basis", "fact_ids", "donor", "recipient", "category", "value",
    "currency", "items", "note", "evidence",
]
PAGE_FIELDS = ["page", "url", "outlet", "style", "topic", "title", "published", "date_source", "charset",
               "words", "events", "in_feed", "in_warc", "malformed", "traps"]


def plan(facts: list[dict[str, str]]) -> list[Page]:
    """Every page of the corpus, in a stable order."""
    rng = random.Random(SEED)
    air, live = air_pages(facts, rng)
    pages = air
    pages += aid_pages(facts, rng, live)
    pages += procurement_pages(facts, rng)
    pages += ground_pages(facts, rng, live)
    pages += live_pages(live, facts, rng)
    pages += offtopic_pages(facts, rng)
    # unique slugs
    seen: dict[str, int] = {}
    for p in pages:
        key = f"{p.outlet}/{p.slug}"
        if key in seen:
            seen[key] += 1
            p.slug = f"{p.slug}-{seen[key]}"
        else:
            seen[key] = 1
    pages.sort(key=lambda p: (p.published.astimezone(dt.timezone.utc).isoformat() if p.published else "9999", p.outlet, p.slug))
    _special(pages, rng)
    return pages


def _special(pages: list[Page], rng: random.Random) -> None:
    """Deliberate variations: legacy charset, malformed markup, undated pages, Cyrillic."""
    regional_south = [p for p in pages if p.outlet == "pivdenpost.com.ua" and p.topic == "air"]
    p = regional_south[len(regional_south) // 2]
    p.charset = "windows-1251"
    p.title = p.title.replace("Mykolaiv", "Миколаїв") if "Mykolaiv" in p.title else p.title + " (Південь)"
    p.paras.insert(1, "\u00ab\u0422\u0440\u0438\u043c\u0430\u0439\u043c\u043e\u0441\u044f \u0440\u0430\u0437\u043e\u043c\u00bb \u2014 "
                      "\u201chold together\u201d \u2014 the regional administration wrote under its morning post, as it does every day.")
    p.traps.append("page encoded in windows-1251, declared only in a meta http-equiv tag, with Cyrillic text")
    for p in pages:  # the aggregator's partner feeds still use the old Russian-derived spellings
        if p.outlet == "newsflow24.com":
            p.paras = [re.sub(r"\b(Kyiv|Kharkiv|Odesa)\b", lambda m: OLD_SPELLING[m.group(1)], x) for x in p.paras]
            for e in p.events:
                e.evidence = re.sub(r"\b(Kyiv|Kharkiv|Odesa)\b", lambda m: OLD_SPELLING[m.group(1)], e.evidence)
    stol = [p for p in pages if p.outlet == "stolytsia-today.com" and p.topic == "air"]
    stol[0].paras.insert(1, "\u201c\u041a\u0438\u0457\u0432 \u0442\u0440\u0438\u043c\u0430\u0454\u0442\u044c\u0441\u044f\u201d "
                            "(\u201cKyiv is holding on\u201d), the city administration wrote in its morning post.")
    stol[0].traps.append("Cyrillic quote in a UTF-8 page")
    slob = [p for p in pages if p.outlet == "slobozhanka-daily.com" and p.topic == "air"]
    slob[0].malformed = True
    slob[0].traps.append("malformed HTML: unclosed <p> and <div>, no </body></html>")
    agg = [p for p in pages if p.outlet == "newsflow24.com" and p.topic == "air"]
    agg[-1].malformed = True
    agg[-1].traps.append("malformed HTML: unclosed <p>, missing closing </div>s")
    for p in pages:
        if any("drone" in name for e in p.events if e.items for name, _ in e.items) and \
                "drones as aid items (not attacks)" not in p.traps:
            p.traps.append("drones as aid items (not attacks)")
        if p.date_source == "url":
            p.traps.append("date only in the URL")
        if p.published and p.date_source in ("jsonld",) and p.published.tzinfo == dt.timezone.utc:
            local = p.published.astimezone(kyiv_offset(p.published.date()))
            if local.date() != p.published.date():
                p.traps.append("published in UTC on the day before the Kyiv date")


def render(p: Page) -> bytes:
    text = RENDERERS[p.style](p)
    return text.encode(p.charset, errors="xmlcharrefreplace")


def manifest_rows(p: Page) -> list[dict[str, Any]]:
    rows = []
    for i, e in enumerate(p.events):
        admin1 = lat = lon = None
        if e.place:
            admin1, lat, lon, _ = PLACES[e.place]
        elif e.note.startswith("admin1="):
            admin1 = e.note.split("=", 1)[1]
        row = {
            "page": p.path, "url": p.url, "outlet": p.outlet, "style": p.style,
            "published": iso(p.published) if p.published else "", "event_index": i, "event_type": e.type,
            "date": e.date or "", "date_precision": e.date_precision if e.date else "",
            "place": e.place or "", "admin1": admin1 or "", "lat": lat if lat is not None else "",
            "lon": lon if lon is not None else "", "weapon": e.weapon or "",
            "claimed_by": e.claimed_by or "", "actor": e.actor or "", "scope": e.scope, "basis": e.basis,
            "fact_ids": ";".join(e.fact_ids), "donor": e.donor or "", "recipient": e.recipient or "",
            "category": e.category or "", "value": e.value if e.value is not None else "",
            "currency": e.currency or "",
            "items": "|".join(f"{n}={'' if q is None else q}" for n, q in e.items) if e.items is not None else "",
            "note": e.note if not e.note.startswith("admin1=") else "",
            "evidence": e.evidence,
        }
        for name in ("launched", "destroyed", "count"):
            q: Qty | None = getattr(e, name)
            row[name] = q.value if q else ""
            row[f"{name}_qualifier"] = q.qualifier if q else ""
            row[f"{name}_text"] = q.text if q else ""
        rows.append(row)
    return rows


def qdict(q: Qty | None) -> dict[str, Any] | None:
    """A manifest quantity as a contract quantity."""
    if q is None:
        return None
    lower = q.value if q.qualifier in ("exact", "at_least") or q.text == "dozens of" else None
    upper = q.value if q.qualifier in ("exact", "at_most") else None
    return {"value": q.value, "lower": lower, "upper": upper, "qualifier": q.qualifier}


def gold_record(p: Page) -> dict[str, Any]:
    """One line of gold.jsonl: the page's events in the event contract (../shared/eval format)."""
    events = []
    for e, row in zip(p.events, manifest_rows(p)):
        aidlike = e.type in ("aid_announcement", "procurement")
        events.append({
            "type": e.type, "date": e.date, "date_precision": e.date_precision if e.date else None,
            "place": e.place, "admin1": row["admin1"] or None, "country": None if aidlike else "UA",
            "lat": row["lat"] if row["lat"] != "" else None, "lon": row["lon"] if row["lon"] != "" else None,
            "weapon": e.weapon, "launched": qdict(e.launched), "destroyed": qdict(e.destroyed),
            "count": qdict(e.count), "killed": None, "injured": None, "actor": e.actor,
            "claimed_by": e.claimed_by, "donor": e.donor, "recipient": e.recipient, "category": e.category,
            "items": [{"name": n, "quantity": qdict(Qty(q, "exact", str(q))) if q is not None else None}
                      for n, q in (e.items or [])] if aidlike else None,
            "value": {"amount": e.value, "currency": e.currency} if e.value is not None else None,
            "evidence": {"text": e.evidence},
        })
    note = "; ".join(p.traps) if p.traps else ""
    return {"article_id": p.path.rsplit("/", 1)[-1].removesuffix(".html"), "url": p.url, "events": events, "note": note}


def rfc822(t: dt.datetime) -> str:
    t = t.astimezone(dt.timezone.utc)
    return f"{WEEKDAYS[t.weekday()][:3]}, {t.day:02d} {MONTHS[t.month - 1][:3]} {t.year} {t:%H:%M:%S} +0000"


def feed_pages(pages: list[Page]) -> list[Page]:
    """~20 dated utf-8 pages for the feeds: the newest war stories of the wire and regional sites."""
    cand = [p for p in pages if p.published and p.charset == "utf-8" and p.outlet in
            ("kyivwire.net", "pivdenpost.com.ua", "stolytsia-today.com", "defence-ledger.com")]
    return cand[-20:]


def build_rss(items: list[Page]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
           "<channel>", "<title>OpsLens sample feed (fictional outlets)</title>",
           "<link>https://kyivwire.net/en/news/</link>",
           "<description>Sample feed built by data/sample/build.py from the sample pages</description>",
           "<language>en</language>", f"<lastBuildDate>{rfc822(items[-1].published)}</lastBuildDate>"]
    for i, p in enumerate(reversed(items)):
        link = p.url + ("?utm_source=rss&amp;utm_medium=feed" if i == 3 else "")
        body = "".join(f"<p>{E(x)}</p>" for x in p.paras)
        out += ["<item>", f"<title>{E(p.title)}</title>", f"<link>{link}</link>",
                f'<guid isPermaLink="true">{E(p.url)}</guid>', f"<pubDate>{rfc822(p.published)}</pubDate>",
                f"<dc:creator>{E(p.author)}</dc:creator>",
                f"<description>{E(p.paras[0][:200])}</description>",
                f"<content:encoded><![CDATA[{body}]]></content:encoded>", "</item>"]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def build_atom(items: list[Page]) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           "<title>OpsLens sample feed (fictional outlets)</title>", '<link href="https://kyivwire.net/en/news/"/>',
           "<id>urn:opslens:sample-feed</id>", f"<updated>{iso(items[-1].published.astimezone(dt.timezone.utc))}</updated>"]
    for p in reversed(items):
        out += ["<entry>", f"<title>{E(p.title)}</title>", f'<link rel="alternate" href="{E(p.url)}"/>',
                f"<id>{E(p.url)}</id>", f"<updated>{iso(p.published.astimezone(dt.timezone.utc))}</updated>",
                f"<published>{iso(p.published)}</published>", f"<author><name>{E(p.author)}</name></author>",
                f"<summary>{E(p.paras[0][:200])}</summary>", "</entry>"]
    out += ["</feed>", ""]
    return "\n".join(out)


def warc_pages(pages: list[Page]) -> list[Page]:
    """~30 pages for the WARC: every seventh page, plus the legacy-charset page."""
    chosen = [p for i, p in enumerate(pages) if i % 7 == 3]
    for p in pages:
        if p.charset != "utf-8" and p not in chosen:
            chosen.append(p)
    return chosen


def build_warc(items: list[Page], bodies: dict[str, bytes]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True, warc_version="1.0")
    n = 0

    def rid() -> str:
        nonlocal n
        n += 1
        return f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>"

    info = {"software": "opslens data/sample/build.py (warcio)", "format": "WARC File Format 1.0",
            "description": "OpsLens sample corpus: fictional outlets, pages generated for the project"}
    payload = "".join(f"{k}: {v}\r\n" for k, v in info.items()).encode()
    rec = w.create_warc_record("sample.warc.gz", "warcinfo", payload=io.BytesIO(payload), length=len(payload),
                               warc_content_type="application/warc-fields",
                               warc_headers_dict={"WARC-Record-ID": rid(), "WARC-Date": "2022-11-28T00:00:00Z",
                                                  "WARC-Filename": "sample.warc.gz"})
    w.write_record(rec)

    def response(url: str, status: str, headers: list[tuple[str, str]], body: bytes, when: dt.datetime) -> None:
        http = StatusAndHeaders(status, headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        rec = w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                                   warc_headers_dict={"WARC-Record-ID": rid(),
                                                      "WARC-Date": iso(when.astimezone(dt.timezone.utc).replace(microsecond=0))})
        w.write_record(rec)

    for p in items:
        body = bodies[p.path]
        when = (p.published or kyiv(dt.date(2022, 11, 27), 12, 0)) + dt.timedelta(hours=2)
        ctype = f"text/html; charset={p.charset}" if p.charset != "utf-8" else "text/html; charset=utf-8"
        response(p.url, "200 OK", [("Content-Type", ctype), ("Server", "nginx"),
                                   ("Date", rfc822(when).replace("+0000", "GMT"))], body, when)
    # two non-article responses a WARC reader should skip
    when = kyiv(dt.date(2022, 11, 27), 12, 0)
    response("https://kyivwire.net/robots.txt", "200 OK", [("Content-Type", "text/plain")],
             b"User-agent: *\nDisallow: /search\n", when)
    response("https://kyivwire.net/en/news/latest", "301 Moved Permanently",
             [("Location", "https://kyivwire.net/en/news/"), ("Content-Type", "text/html; charset=utf-8")],
             b"<html><body>Moved</body></html>", when)
    return buf.getvalue()


def write_csv(path: Path, fields: list[str], rows: list[dict[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields})


def build(out: Path, facts_path: Path) -> list[Page]:
    facts = load_facts(facts_path)
    pages = plan(facts)
    bodies = {p.path: render(p) for p in pages}
    feed = feed_pages(pages)
    warc = warc_pages(pages)
    html_dir = out / "html"
    if html_dir.exists():
        for old in sorted(html_dir.rglob("*.html"), reverse=True):
            old.unlink()
        for d in sorted((d for d in html_dir.rglob("*") if d.is_dir()), reverse=True):
            if not any(d.iterdir()):
                d.rmdir()
    for p in pages:
        target = out / p.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bodies[p.path])
    feed_set, warc_set = {p.path for p in feed}, {p.path for p in warc}
    write_csv(out / "pages.csv", PAGE_FIELDS, [{
        "page": p.path, "url": p.url, "outlet": p.outlet, "style": p.style, "topic": p.topic, "title": p.title,
        "published": iso(p.published) if p.published else "", "date_source": p.date_source, "charset": p.charset,
        "words": p.text_words(), "events": len(p.events), "in_feed": int(p.path in feed_set),
        "in_warc": int(p.path in warc_set), "malformed": int(p.malformed), "traps": "; ".join(p.traps),
    } for p in pages])
    write_csv(out / "manifest.csv", MANIFEST_FIELDS, [r for p in pages for r in manifest_rows(p)])
    with open(out / "gold.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for p in pages:
            fh.write(json.dumps(gold_record(p), ensure_ascii=False) + "\n")
    (out / "feed.xml").write_text(build_rss(feed), encoding="utf-8", newline="\n")
    (out / "feed.atom").write_text(build_atom(feed), encoding="utf-8", newline="\n")
    (out / "sample.warc.gz").write_bytes(build_warc(warc, bodies))
    return pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output directory (default: data/sample)")
    ap.add_argument("--facts", type=Path, default=HERE / "facts.csv", help="facts table (default: data/sample/facts.csv)")
    ap.add_argument("--refresh-facts", action="store_true", help="re-derive the facts table from ../shared/datasets first")
    args = ap.parse_args(argv)
    if args.refresh_facts:
        n = refresh_facts(args.facts)
        print(f"{args.facts}: {n} facts", file=sys.stderr)
    if not args.facts.is_file():
        print(f"build.py: {args.facts}: facts table not found; run with --refresh-facts (needs ../shared)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    pages = build(args.out, args.facts)
    n_ev = sum(len(p.events) for p in pages)
    print(f"{args.out}: {len(pages)} pages, {n_ev} events", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

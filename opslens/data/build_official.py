"""Build ``official_daily.csv`` (figures only) from the shared missile-attacks-daily dataset.

Run from the project root::

    .venv/bin/python opslens/data/build_official.py [PATH/TO/missile_attacks_daily.csv]

Default input: ``../shared/datasets/missile-attacks-daily/missile_attacks_daily.csv`` next to the
project root. The output keeps, per reporting window and weapon model, only figures and labels:

    date        Kyiv-local day of the window's end (``time_end[:10]``): the "morning report" day
    time_start  window start, ``YYYY-MM-DD HH:MM`` or ``YYYY-MM-DD`` (Kyiv time), as published
    time_end    window end, same format
    model       weapon model, the dataset's own canonical names (Ukrainian names transliterated)
    type        ``drone_attack`` (UAV models), ``missile_attack`` (missiles) or ``guided_bomb``
    account     who published the figure: ``kpszsu`` (Ukrainian Air Force), ``PvKPivden`` /
                ``pvkshid`` / ``PvkZahid`` / ``PvkCenter`` (regional air commands South / East /
                West / Centre), ``GeneralStaff.ua``, ``CinCAFU`` (Commander-in-Chief), ...
    scope       ``national`` (Air Force, General Staff, Commander-in-Chief posts) or ``regional``
                (regional air commands, oblast administrations, other channels)
    target      the dataset's target label (``Ukraine``, an oblast, ``south``/``east``/...)
    launched, destroyed   counts as claimed (empty where the post gave none)

Nothing of the posts' text is copied. Attribution: ATTRIBUTION_official.md beside this file.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_INPUT = HERE.parents[1].parent / "shared" / "datasets" / "missile-attacks-daily" / "missile_attacks_daily.csv"
OUTPUT = HERE / "official_daily.csv"

#: models written in Ukrainian/Russian in the dataset -> English transliteration
TRANSLIT = {"Молнія": "Molniya", "Фенікс": "Feniks", "Картограф": "Kartograf", "Привет-82": "Privet-82"}

#: models absent from missiles_and_uav.csv -> type (everything else follows that file's category)
EXTRA_TYPES = {
    "Molniya": "drone_attack", "Feniks": "drone_attack", "Kartograf": "drone_attack",
    "Privet-82": "drone_attack", "Eleron": "drone_attack", "Kub": "drone_attack",
    "X-59/X-69": "missile_attack", "X-69": "missile_attack", "X-31PD": "missile_attack",
    "Iskander-M/KN-23": "missile_attack", "KN-23": "missile_attack", "C-300/C-400": "missile_attack",
    "Ballistic Missile": "missile_attack", "Intercontinental Ballistic Missile": "missile_attack",
    "Banderol": "missile_attack",
    "GBU": "guided_bomb", "Aerial Bomb": "guided_bomb", "KAB": "guided_bomb",
}

NATIONAL_ACCOUNTS = {"kpszsu", "GeneralStaff.ua", "CinCAFU"}
FIELDS = ("date", "time_start", "time_end", "model", "type", "account", "scope", "target", "launched", "destroyed")


def _category_types(models_csv: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    with open(models_csv, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            cat = (r["category"] or "").strip().lower()
            out[r["model"].strip()] = ("drone_attack" if cat == "uav" else
                                       "guided_bomb" if "bomb" in cat else "missile_attack")
    return out


def model_type(model: str, known: dict[str, str]) -> str:
    """Type of a (possibly compound, ``" and "``-joined) model; UAV if every part is a UAV."""
    parts = [p.strip() for p in model.split(" and ")]
    types = {known.get(p) or EXTRA_TYPES.get(p) for p in parts}
    if None in types:
        raise ValueError(f"model {model!r}: unknown part; add it to EXTRA_TYPES in {__file__}")
    if len(types) == 1:
        return types.pop()
    return "missile_attack" if "missile_attack" in types else sorted(types)[0]


def account_of(source: str) -> str:
    """``kpszsu/posts/pfbid...`` -> ``kpszsu``; ``https://t.me/kpszsu/44624`` -> ``kpszsu``."""
    s = source.strip()
    if s.startswith("https://t.me/"):
        return s.split("/")[3]
    return s.split("/")[0] if s else ""


def _num(s: str) -> str:
    s = (s or "").strip()
    return str(int(float(s))) if s else ""


def build(src: Path = DEFAULT_INPUT, out: Path = OUTPUT) -> int:
    """Write ``out`` from the shared CSV ``src``; returns the number of rows written."""
    known = _category_types(src.with_name("missiles_and_uav.csv"))
    rows = []
    with open(src, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            model = " and ".join(TRANSLIT.get(p.strip(), p.strip()) for p in r["model"].split(" and "))
            account = account_of(r["source"])
            t_end = r["time_end"].strip()
            rows.append({
                "date": t_end[:10], "time_start": r["time_start"].strip(), "time_end": t_end,
                "model": model, "type": model_type(model, known), "account": account,
                "scope": "national" if account in NATIONAL_ACCOUNTS else "regional",
                "target": (r["target"] or "").strip(),
                "launched": _num(r["launched"]), "destroyed": _num(r["destroyed"]),
            })
    rows.sort(key=lambda r: (r["date"], r["time_end"], r["time_start"], r["account"], r["type"], r["model"], r["target"]))
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    n = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_INPUT)
    print(f"wrote {n} rows to {OUTPUT}")

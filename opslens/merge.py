"""Merge event mentions (one per article and event) into canonical events.

Five outlets telling the same night of Shahed attacks are one event; a researcher still sees who
said which figure. :func:`merge_events` takes mentions (the event DataFrame of
:func:`opslens.schema.events_frame`, or contract records) and returns ``(events, links)``.

When mentions are the same happening
-------------------------------------
Attacks (``drone_attack``, ``missile_attack``, ``ground_assault``; blocked by type, country,
``admin1`` and day, never all pairs):

* same type, same country, same ``admin1`` (a city and its oblast share ``admin1``; two different
  oblasts never merge). ``admin1`` null = a national total: *national* scope;
* same Kyiv day. A ``week``/``month`` precision mention joins the one compatible day event inside
  its week/month, if there is exactly one; otherwise it stays a coarse event of its own;
* weapons equal, or one of them null (``null`` is compatible with anything);
* reporting windows (:func:`reporting_window`: ``night``, ``day``, ``evening``, ``total``, read
  from the evidence sentence: "overnight", "from 15:00 to 18:30", "late on Friday", "over the
  past day") equal when both texts name one: the Air Force reported the night, the day and the
  evening of a Kyiv day apart, and the official day is their sum, so two windows of the same
  claimant and day are two events, while a re-report of the same window (same place or
  national) is the same event whatever its figures (the spread is kept). A mention naming no
  window joins the closest event;
* regional figures close enough (``|a - b| <= max(abs_tol, rel_tol * max(a, b))`` for each of
  launched/destroyed/count both state); national totals of one day are one event whatever the
  figures (a national total stands for that night; the spread is kept as a range) ...
* ... except, with ``MergeOptions(split_official_statements=True)``, two exact claims of the same
  official claimant (Air Force, General Staff, Ministry of Defence) whose figures all differ: two
  statements, i.e. two reporting windows of the day (the Air Force often reports the night and
  the day apart), so two events;
* a mention that fits several events joins the one with the closest figures.

Aid and procurement (blocked by type, donor, recipient; ordered by date; a mention without a donor
or a date stays alone): a mention joins an
earlier package of the same donor announced at most ``aid_window_days`` before when the amounts
agree (same currency, within 1 %) or the item lists overlap with the same quantities, and nothing
contradicts (a different amount, different items or a different category = a new tranche); with
neither an amount nor items to compare, only mentions of the same day merge.

Determinism: mentions are put in a canonical order computed from their content (type, place,
day, weapon, claimant authority, then a hash of the row), never the input order, and event ids
are hashes of the canonical key; shuffling the input changes nothing.

Authority of claimants (``opslens/data/claimant_authority.csv``, first matching pattern wins):
Air Force 0 > General Staff 1 > Ministry of Defence 2 > regional administrations 3 > other
officials 4 > media / unknown 5. The ``<figure>_value`` of an event is the value stated by its most
authoritative claimant; ties go to exact figures before approximate ones, then to the larger
figure (a later, fuller report of the same night usually gives the larger number).
"""
from __future__ import annotations

import bisect
import csv
import hashlib
import logging
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .schema import EVENT_CONTRACT_FIELDS, QUANTITY_FIELDS, events_frame

log = logging.getLogger(__name__)

__all__ = ["merge_events", "claimant_authority", "reporting_window", "WINDOWS", "MergeOptions", "AID_TYPES", "ATTACK_TYPES"]

AID_TYPES = ("aid_announcement", "procurement")
ATTACK_TYPES = ("drone_attack", "missile_attack", "ground_assault")
#: figures compared when deciding whether two regional mentions are one event
COMPARED = ("launched", "destroyed", "count")
UNKNOWN_AUTHORITY = 5
#: claimants up to this rank (Air Force, General Staff, Ministry of Defence) publish statements
#: whose exact figures identify them
OFFICIAL_AUTHORITY = 2
_QUALIFIER_RANK = {"exact": 0, "range": 1, "approx": 2, "at_least": 3, "at_most": 3}
#: article context columns copied to the links table when present
CONTEXT_COLUMNS = ("url", "source", "published", "title")


@dataclass(frozen=True)
class MergeOptions:
    """Tolerances of :func:`merge_events`."""

    #: regional figures merge when ``|a-b| <= max(abs_tol, rel_tol * max(a, b))``
    rel_tol: float = 0.5
    abs_tol: float = 3.0
    #: a re-announced aid package merges with one announced at most this many days before
    aid_window_days: int = 30
    #: amounts agree within this fraction
    money_tol: float = 0.01
    #: treat two exact national/regional claims of the same official claimant (Air Force, General
    #: Staff, Ministry of Defence) whose figures all differ as two statements (two reporting
    #: windows of the day). Off by default: on the sample corpus it mended 2 days and broke 3,
    #: because a figure quoted under the wrong day ("13 drones on October 19" in an article of
    #: the 20th, dated the 20th) then counts twice.
    split_official_statements: bool = False


# --- claimant authority ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _authority_rules() -> tuple[tuple[str, int], ...]:
    ref = resources.files("opslens") / "data" / "claimant_authority.csv"
    with ref.open("r", encoding="utf-8") as f:
        return tuple((r["pattern"].lower(), int(r["rank"])) for r in csv.DictReader(f))


@lru_cache(maxsize=4096)
def claimant_authority(claimed_by: str | None) -> int:
    """Rank of a claimant, 0 = most authoritative (Ukrainian Air Force) .. 5 = media / unknown.

    >>> claimant_authority("Ukrainian Air Force"), claimant_authority("Kyiv City Military Administration")
    (0, 3)
    >>> claimant_authority(None)
    5
    """
    if not claimed_by:
        return UNKNOWN_AUTHORITY
    low = claimed_by.lower()
    for pattern, rank in _authority_rules():
        if pattern in low:
            return rank
    return UNKNOWN_AUTHORITY


# --- reporting windows -------------------------------------------------------------------------

#: reporting windows of a Kyiv day, in day order; ``total`` = a figure for the whole day
WINDOWS = ("night", "day", "evening", "total")
_CLOCK = r"(\d{1,2})[:.](\d{2})"
_RANGE_RE = re.compile(rf"\b(?:from|between)\s+{_CLOCK}\s*(?:to|and|till|until|-|–)\s*{_CLOCK}", re.I)
_SINCE_RE = re.compile(rf"\bsince\s+{_CLOCK}", re.I)
_AT_RE = re.compile(rf"\bat\s+(?:about\s+|around\s+|approximately\s+)?{_CLOCK}", re.I)


_ANY_CLOCK_RE = re.compile(r"\d[:.]\d\d")


@lru_cache(maxsize=1)
def _window_rules() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """(keyword, pattern, window) per row of reporting_windows.csv; the pattern is tried only
    when the lower-cased sentence contains the keyword (a substring test is ~100x cheaper)."""
    ref = resources.files("opslens") / "data" / "reporting_windows.csv"
    with ref.open("r", encoding="utf-8") as f:
        return tuple((r["keyword"].lower(), re.compile(r["pattern"], re.I), r["window"]) for r in csv.DictReader(f))


def _window_of_hours(start: int, end: int | None = None) -> str | None:
    if not 0 <= start <= 24 or (end is not None and not 0 <= end <= 24):
        return None
    if end is not None and end < start:  # crosses midnight: the night window
        return "night"
    if start < 7:
        return "night"
    return "day" if start < 17 else "evening"


@lru_cache(maxsize=65536)
def reporting_window(text: str | None) -> str | None:
    """The reporting window of a Kyiv day that an evidence sentence states, or ``None``.

    ``night`` (overnight, early on, this morning, at night, from 03:30 to 06:50, since 18:00),
    ``day`` (during the day, earlier today, in the afternoon, from 09:00 to 11:30), ``evening``
    (in the evening, late on Friday, at about 21:00) or ``total`` (over the past day / 24
    hours). Clock times decide first (start before 07:00 or a range across midnight = night,
    before 17:00 = day, else evening); then the phrases of ``opslens/data/reporting_windows.csv``.
    Sentences naming two different windows, or none, give ``None``.

    >>> reporting_window("On 17 October, from 03:30 to 06:50, the enemy attacked with 15 drones.")
    'night'
    >>> reporting_window("Russia launched 8 drones at Ukraine on Monday evening."), reporting_window("8 drones.")
    ('evening', None)
    """
    if not text or not isinstance(text, str):
        return None
    found: set[str] = set()
    clock = _ANY_CLOCK_RE.search(text) is not None
    for m in (_RANGE_RE.finditer(text) if clock else ()):
        w = _window_of_hours(int(m.group(1)), int(m.group(3)))
        if w:
            found.add(w)
    for m in (_SINCE_RE.finditer(text) if clock else ()):
        h = int(m.group(1))
        w = "night" if h >= 17 else _window_of_hours(h)  # "since 18:00" (reported next morning)
        if w:
            found.add(w)
    if not found and clock:
        for m in _AT_RE.finditer(text):
            w = _window_of_hours(int(m.group(1)))
            if w:
                found.add(w)
    if not found:
        low = text.lower()
        for keyword, rx, w in _window_rules():
            if keyword in low and w not in found and rx.search(text):
                found.add(w)
    return found.pop() if len(found) == 1 else None


# --- input normalisation -----------------------------------------------------------------------

def _as_frame(mentions: Any) -> pd.DataFrame:
    if isinstance(mentions, pd.DataFrame):
        df = mentions
        missing_flat = [q for q in QUANTITY_FIELDS if f"{q}_value" not in df.columns and q in df.columns]
        if missing_flat or ("value_amount" not in df.columns and "value" in df.columns):
            df = events_frame(df.to_dict(orient="records")).set_axis(df.index)
        return df
    return events_frame(list(mentions))


def _str_list(s: pd.Series | None, n: int, lower: bool = False) -> list[Any]:
    if s is None:
        return [None] * n
    s = s.astype("string").str.strip()
    if lower:
        s = s.str.lower()
    s = s.mask(s == "")
    return s.astype(object).where(s.notna(), None).tolist()


def _num_array(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _cat(values: Any) -> pd.Categorical:
    """Ordered categorical with sorted categories: sorting by it = sorting by the strings."""
    vals = pd.Series(values, dtype="string").fillna("")
    cats = sorted(pd.unique(vals.to_numpy(dtype=object)))
    return pd.Categorical(vals.to_numpy(dtype=object), categories=cats, ordered=True)


def _col(df: pd.DataFrame, c: str) -> pd.Series:
    if c in df.columns:
        return df[c].astype("string").str.strip().reset_index(drop=True)
    return pd.Series([None] * len(df), dtype="string")


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Internal working columns, prefixed ``_``, with a positional ``_row``. String keys are
    ordered categoricals (``""`` = null), so sorting and comparing them is cheap."""
    n = len(df)
    w = pd.DataFrame(index=pd.RangeIndex(n))
    w["_row"] = np.arange(n)
    w["_type"] = _cat(_col(df, "type"))
    day = pd.to_datetime(df["date"], errors="coerce") if "date" in df.columns else pd.Series(pd.NaT, index=df.index)
    if getattr(day.dt, "tz", None) is not None:
        day = day.dt.tz_localize(None)
    w["_day"] = day.dt.normalize().to_numpy()
    prec = _col(df, "date_precision").str.lower()
    w["_prec"] = _cat(prec.where(prec.isin(["week", "month"]), "day"))
    country = _col(df, "country").str.upper()
    w["_country"] = _cat(country.mask(country == "").fillna("UA"))
    w["_admin1"] = _cat(_col(df, "admin1"))
    w["_weapon"] = _cat(_col(df, "weapon"))
    ev_text = _col(df, "evidence_text").where(~w["_type"].isin(AID_TYPES).to_numpy(), None)
    uniq = pd.unique(ev_text.dropna().to_numpy(dtype=object))
    win = {t: reporting_window(t) for t in uniq}
    w["_win"] = _cat(ev_text.map(win))
    claimed = _col(df, "claimed_by")
    w["_claim"] = _cat(claimed)
    ranks = {c: claimant_authority(c) for c in pd.unique(claimed.dropna().to_numpy(dtype=object))}
    w["_auth"] = claimed.map(ranks).fillna(UNKNOWN_AUTHORITY).astype(int).to_numpy()
    qrank = np.full(n, 4)
    for q in reversed(COMPARED):
        col = f"{q}_qualifier"
        if col in df.columns:
            r = df[col].astype("string").map(_QUALIFIER_RANK).astype(float).to_numpy(na_value=np.nan)
            qrank = np.where(~np.isnan(r), r, qrank)
    w["_qrank"] = qrank.astype(int)
    # on equal authority and precision, the larger figure first (launched, else destroyed, else count)
    big = np.full(n, np.nan)
    for q in reversed(COMPARED):
        v = _num_array(df, f"{q}_value")
        big = np.where(~np.isnan(v), v, big)
    w["_neg"] = -np.nan_to_num(big, nan=-1.0)
    # a content hash as the last sort key: only rows equal in all of these can tie, and their
    # order cannot change the output
    hcols = [c for c in ("article_id", "evidence_start", "evidence_end", "evidence_text", "place", "lat", "lon",
                         "actor", "donor", "recipient", "category", "value_amount", "value_currency", "claimed_by",
                         "date_precision", "url", "source", "published", "title",
                         *(f"{q}_{s}" for q in QUANTITY_FIELDS for s in ("value", "lower", "upper", "qualifier")))
             if c in df.columns]
    base = df[hcols].reset_index(drop=True) if hcols else pd.DataFrame(index=w.index)
    base = base.assign(_t=w["_type"], _a=w["_admin1"], _w=w["_weapon"],
                       _d=w["_day"])
    w["_fp"] = pd.util.hash_pandas_object(base, index=False, categorize=True).to_numpy()
    return w


# --- clustering --------------------------------------------------------------------------------

def _cluster_attacks(idx: np.ndarray, w: pd.DataFrame, figs: dict[str, np.ndarray], opt: MergeOptions,
                     start_id: int) -> tuple[np.ndarray, list[tuple], int]:
    """Cluster attack-like rows ``idx`` (already in canonical order). Returns (cluster id per
    row of idx, [canonical key per cluster], next id)."""
    def codes(c: str) -> tuple[list[int], list[str]]:
        return w[c].cat.codes.to_numpy()[idx].tolist(), [str(x) for x in w[c].cat.categories]

    types, T = codes("_type")
    countries, C = codes("_country")
    admins, A = codes("_admin1")
    weapons, W = codes("_weapon")
    precs, P = codes("_prec")
    wins, WN = codes("_win")
    no_window = WN.index("") if "" in WN else -1
    national_code = A.index("") if "" in A else -1
    no_weapon = W.index("") if "" in W else -1
    day_code = P.index("day") if "day" in P else -1
    days = w["_day"].to_numpy()[idx].astype("datetime64[D]")
    # days as ints (days since 1970-01-01), None when undated: cheap to hash and compare
    days_l = np.where(np.isnat(days), None, days.astype(np.int64)).tolist()
    fps = w["_fp"].to_numpy()[idx].tolist()
    row_values = list(zip(*(figs[q][idx].tolist() for q in COMPARED)))
    # an official claim (authority <= OFFICIAL_AUTHORITY, exact figures) identifies its statement
    claims, _ = codes("_claim")
    official = ((w["_auth"].to_numpy()[idx] <= OFFICIAL_AUTHORITY) & (w["_qrank"].to_numpy()[idx] == 0)
                & opt.split_official_statements).tolist()
    abs_tol, rel_tol = opt.abs_tol, opt.rel_tol

    def distance(c: tuple, r: tuple) -> float:
        s, n = 0.0, 0
        for a, b in zip(c, r):
            if a == a and b == b:
                s += abs(a - b) / max(abs(a), abs(b), 1.0)
                n += 1
        return s / n if n else 0.25

    def other_statement(cl: list, claim: int, r: tuple) -> bool:
        """The cluster holds an exact claim of the same official claimant whose figures all differ
        from ``r``: another statement (e.g. the day's second reporting window), not this one."""
        for c in cl[3].get(claim, ()):
            common = [(a, b) for a, b in zip(c, r) if a == a and b == b]
            if common and all(a != b for a, b in common):
                return True
        return False

    def close(c: tuple, r: tuple) -> bool:
        for a, b in zip(c, r):
            if a == a and b == b and abs(a - b) > max(abs_tol, rel_tol * max(abs(a), abs(b))):
                return False
        return True

    def iso(d: int) -> str:
        return str(np.datetime64(d, "D"))
    out = np.empty(len(idx), dtype=np.int64)
    keys: list[tuple] = []
    next_id = start_id

    # 1) day-precision rows (and undated ones, which stay alone)
    # cluster record: [id, weapon, [figure values of its first row per figure]]
    by_place_day: dict[tuple, list[tuple[Any, list]]] = {}
    cur_key: tuple | None = None
    clusters: list[list] = []
    coarse: list[int] = []
    from tqdm.auto import tqdm

    step = 1 << 16
    bar = tqdm(total=len(idx), desc="merge", unit=" mentions", leave=False, disable=True if len(idx) < 200_000 else None)
    for i in range(len(idx)):
        if not i % step and i:
            bar.update(step)
        d = days_l[i]
        if d is None:
            out[i] = next_id
            keys.append((T[types[i]], C[countries[i]], A[admins[i]], "undated", "", "", f"{fps[i]:x}"))
            next_id += 1
            continue
        if precs[i] != day_code:
            coarse.append(i)
            continue
        key = (types[i], countries[i], admins[i], d)
        if key != cur_key:
            cur_key = key
            clusters = []
            by_place_day[key] = []
        national = admins[i] == national_code
        wpn = weapons[i]
        row_vals = row_values[i]
        is_official = official[i]
        win = wins[i]
        target, best = None, 2.0
        for cl in clusters:
            if wpn != no_weapon and cl[1] != no_weapon and cl[1] != wpn:
                continue
            if win != no_window and cl[4] != win:
                # the text names its reporting window: only a report of the same window is the
                # same event (labelled rows come first, so every cluster has its label by now)
                continue
            if not national and win == no_window and not close(cl[2], row_vals):
                continue
            if is_official and win == no_window and other_statement(cl, claims[i], row_vals):
                continue
            dist = distance(cl[2], row_vals) if len(clusters) > 1 else 0.0
            if dist < best:
                target, best = cl, dist
        if target is None:
            target = [next_id, wpn, row_vals, {}, win]
            clusters.append(target)
            by_place_day[key].append((d, target))
            k = (T[types[i]], C[countries[i]], A[admins[i]], iso(d), "day", W[wpn],
                 sum(1 for c in clusters if c[1] == wpn and c[4] == win) - 1)
            keys.append(k if win == no_window else (*k, WN[win]))
            next_id += 1
        else:
            if target[1] == no_weapon and wpn != no_weapon:
                target[1] = wpn
            tv = target[2]
            if tv[0] != tv[0] or tv[1] != tv[1] or tv[2] != tv[2]:  # fill figures the first row lacked
                target[2] = tuple(a if a == a else b for a, b in zip(tv, row_vals))
        if is_official:
            target[3].setdefault(claims[i], []).append(row_vals)
        out[i] = target[0]

    bar.close()

    # 2) week/month rows: join the single compatible day event in their span, else their own
    if coarse:
        # day clusters per place, in day order (rows were sorted by place, then day)
        by_place: dict[tuple, tuple[list, list]] = {}
        for (t, c, a, _d), lst in by_place_day.items():
            days_, cls_ = by_place.setdefault((t, c, a), ([], []))
            days_.extend(x[0] for x in lst)
            cls_.extend(x[1] for x in lst)
        own: dict[tuple, list[list]] = {}
        for i in coarse:
            d = days_l[i]
            start = d
            if P[precs[i]] == "week":
                end = d + 7
            else:
                m = np.datetime64(d, "D").astype("datetime64[M]")
                start, end = int(m.astype("datetime64[D]").astype(np.int64)), int((m + 1).astype("datetime64[D]").astype(np.int64))
            wpn, row_vals = weapons[i], row_values[i]
            national = admins[i] == national_code

            def ok(cl: list) -> bool:
                if wpn != no_weapon and cl[1] != no_weapon and cl[1] != wpn:
                    return False
                return national or close(cl[2], row_vals)

            days_, cls_ = by_place.get((types[i], countries[i], admins[i]), ([], []))
            lo_, hi_ = bisect.bisect_left(days_, start), bisect.bisect_left(days_, end)
            cands = [cl for cl in cls_[lo_:hi_] if ok(cl)]
            if len(cands) == 1:
                out[i] = cands[0][0]
                continue
            okey = (T[types[i]], C[countries[i]], A[admins[i]], iso(d), P[precs[i]])
            lst = own.setdefault(okey, [])
            target = next((cl for cl in lst if ok(cl)), None)
            if target is None:
                target = [next_id, wpn, row_vals, {}, no_window]
                lst.append(target)
                keys.append((*okey, W[wpn], sum(1 for c in lst if c[1] == wpn) - 1))
                next_id += 1
            out[i] = target[0]
    return out, keys, next_id


@dataclass
class _Package:
    id: int
    first_day: Any
    category: str | None
    amount: float
    currency: str | None
    items: dict[str, float] = field(default_factory=dict)


def _items_of(v: Any) -> dict[str, float]:
    out: dict[str, float] = {}
    if isinstance(v, (list, tuple, np.ndarray)):
        for it in v:
            if isinstance(it, dict) and it.get("name"):
                q = it.get("quantity")
                qv = q.get("value") if isinstance(q, dict) else q
                out[str(it["name"]).strip().lower()] = float(qv) if isinstance(qv, (int, float)) else math.nan
    return out


def _package_match(p: _Package, day: Any, cat: str | None, amount: float, cur: str | None,
                   items: dict[str, float], opt: MergeOptions) -> bool:
    if p.category and cat and p.category != cat:
        return False
    positive = False
    if amount == amount and p.amount == p.amount:
        if cur != p.currency or abs(amount - p.amount) > opt.money_tol * max(abs(amount), abs(p.amount)):
            return False
        positive = True
    if items and p.items:
        common = items.keys() & p.items.keys()
        if len(common) * 2 < max(len(items), len(p.items)):
            return False
        if any(items[k] == items[k] and p.items[k] == p.items[k] and items[k] != p.items[k] for k in common):
            return False
        positive = True
    return positive or day == p.first_day


def _cluster_aid(idx: np.ndarray, w: pd.DataFrame, df: pd.DataFrame, opt: MergeOptions,
                 start_id: int) -> tuple[np.ndarray, list[tuple], int]:
    rows = w["_row"].to_numpy()[idx]
    types = w["_type"].astype(str).to_numpy()[idx].tolist()
    donors = _str_list(df["donor"].iloc[rows] if "donor" in df.columns else None, len(idx), lower=True)
    recips = _str_list(df["recipient"].iloc[rows] if "recipient" in df.columns else None, len(idx), lower=True)
    cats = _str_list(df["category"].iloc[rows] if "category" in df.columns else None, len(idx), lower=True)
    amounts = _num_array(df, "value_amount")[rows].tolist()
    curs = _str_list(df["value_currency"].iloc[rows] if "value_currency" in df.columns else None, len(idx), lower=True)
    items_col = df["items"].iloc[rows].tolist() if "items" in df.columns else [None] * len(idx)
    days_l = [None if np.isnat(d) else d for d in w["_day"].to_numpy()[idx].astype("datetime64[D]")]
    fps = w["_fp"].to_numpy()[idx].tolist()
    window = np.timedelta64(opt.aid_window_days, "D")
    out = np.empty(len(idx), dtype=np.int64)
    keys: list[tuple] = []
    next_id = start_id
    open_: dict[tuple, list[_Package]] = {}
    for i in range(len(idx)):
        d = days_l[i]
        block = (types[i], donors[i] or "", recips[i] or "")
        items = _items_of(items_col[i])
        if d is None or not donors[i]:  # undated or donor unknown: nothing to identify a package by
            out[i] = next_id
            keys.append((*block, "undated" if d is None else str(d), f"{fps[i]:x}"))
            next_id += 1
            continue
        pk = open_.setdefault(block, [])
        while pk and pk[0].first_day < d - window:
            pk.pop(0)
        target = next((p for p in pk if _package_match(p, d, cats[i], amounts[i], curs[i], items, opt)), None)
        if target is None:
            target = _Package(next_id, d, cats[i], amounts[i], curs[i], dict(items))
            pk.append(target)
            amt = "" if amounts[i] != amounts[i] else f"{amounts[i]:.0f}{curs[i] or ''}"
            keys.append((*block, str(d), amt, "+".join(sorted(items))))
            next_id += 1
        else:
            if target.amount != target.amount and amounts[i] == amounts[i]:
                target.amount, target.currency = amounts[i], curs[i]
            target.category = target.category or cats[i]
            for k, v in items.items():
                if k not in target.items or target.items[k] != target.items[k]:
                    target.items[k] = v
        out[i] = target.id
    return out, keys, next_id


# --- aggregation -------------------------------------------------------------------------------

def _event_ids(keys: list[tuple]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for k in keys:
        s = "|".join(str(x) for x in k)
        n = seen.get(s, 0)
        seen[s] = n + 1
        if n:
            s += f"#{n}"
        ids.append("ev_" + hashlib.blake2b(s.encode("utf-8"), digest_size=8).hexdigest())
    return ids


def merge_events(mentions: pd.DataFrame | Iterable[dict[str, Any]],
                 options: MergeOptions | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge event mentions into canonical events.

    Args:
        mentions: the event DataFrame of :func:`opslens.schema.events_frame` (one row per event
            mention; the flat ``<figure>_value`` columns are used) or contract records. Article
            context columns ``url``, ``source``, ``published``, ``title`` are used when present.
        options: tolerances (:class:`MergeOptions`).

    Returns ``(events, links)``, new DataFrames; the input is not modified.

    ``events``, one row per canonical event, sorted by date, type, national first, admin1, weapon:

    ==================== ============ ======================================================
    event_id             string       ``ev_`` + 16 hex digits, a hash of the canonical key
    type                 string       contract type
    date                 datetime64   Kyiv day (start of the week/month for coarse events;
                                      first announcement for aid); NaT if undated
    date_precision       string       ``day`` / ``week`` / ``month``
    scope                string       ``national`` (admin1 null), ``regional``; NA for aid
    country              string       ISO code (missing country read as ``UA``)
    admin1, place        string       canonical names (place of the most authoritative mention)
    lat, lon             Float64
    weapon               string       model, NA if no mention names one
    window               string       reporting window its texts name (:func:`reporting_window`:
                                      night, day, evening, total), NA if none does
    actor, donor, recipient, category   string
    items                object       list of ``{"name", "quantity"}`` (aid), else None
    value_amount         Float64      amount from the most authoritative mention
    value_currency       string
    value_min, value_max Float64      range of reported amounts
    <q>_value            Int64        for q in launched, destroyed, count, killed, injured:
                                      the figure of the most authoritative claimant
    <q>_min, <q>_max     Int64        range of the figures reported
    conflicts            string       comma-separated figures whose reports disagree ("" if none)
    claimed_by           string       the most authoritative claimant
    claimants            object       list of distinct claimants, most authoritative first
    mentions             Int64        mentions merged
    articles             Int64        distinct articles
    article_ids          object       sorted list of article ids
    part_of              string       regional attack events: the national event of the same
                                      type, country and day they are part of (NA if none)
    ==================== ============ ======================================================

    ``links``, one row per mention: ``event_id``, ``mention`` (the input row's index label),
    ``article_id``, ``type``, ``date``, ``admin1``, ``place``, ``weapon``, ``window``, ``claimed_by``,
    ``authority`` (0 = Air Force .. 5 = media/unknown), ``launched``, ``destroyed``, ``count``,
    ``killed``, ``injured`` (Int64, the mention's own figures), ``value_amount``,
    ``evidence_text``, ``evidence_start``, ``evidence_end`` and any of ``url``, ``source``,
    ``published``, ``title`` present in the input.

    Example:
        >>> from opslens.schema import empty_event, quantity
        >>> a = {**empty_event("a1", "drone_attack"), "date": "2023-04-21", "destroyed": quantity(8)}
        >>> b = {**empty_event("b7", "drone_attack"), "date": "2023-04-21", "destroyed": quantity(12, qualifier="approx")}
        >>> events, links = merge_events([a, b])
        >>> events[["mentions", "destroyed_value", "destroyed_min", "destroyed_max", "conflicts"]].values.tolist()
        [[2, 8, 8, 12, 'destroyed']]
    """
    opt = options or MergeOptions()
    df = _as_frame(mentions)
    if "type" not in df.columns:
        raise ValueError("mentions have no 'type' column; pass the event mentions of opslens.extract (contract section 2)")
    n = len(df)
    if n == 0:
        return _empty_events(), _empty_links()
    w = _prepare(df)
    figs = {q: _num_array(df, f"{q}_value") for q in QUANTITY_FIELDS}
    is_aid = np.asarray(w["_type"].isin(AID_TYPES), dtype=bool)
    w["_wnull"] = np.asarray(w["_weapon"] == "", dtype=bool)
    # canonical order: content only
    w["_winnull"] = np.asarray(w["_win"] == "", dtype=bool)
    attack = w[~is_aid].sort_values(["_type", "_country", "_admin1", "_day", "_prec", "_winnull", "_wnull", "_weapon", "_win", "_auth",
                                     "_qrank", "_neg", "_fp"],
                                    kind="mergesort", na_position="last")
    aid = w[is_aid]
    if len(aid):
        rows = aid["_row"].to_numpy()
        aid = aid.assign(_donor=_col(df, "donor").iloc[rows].str.lower().fillna("").to_numpy(),
                         _recip=_col(df, "recipient").iloc[rows].str.lower().fillna("").to_numpy())
        aid = aid.sort_values(["_type", "_donor", "_recip", "_day", "_auth", "_qrank", "_neg", "_fp"], kind="mergesort", na_position="last")
    cid = np.empty(n, dtype=np.int64)
    a_ids, a_keys, nxt = _cluster_attacks(attack.index.to_numpy(), w, figs, opt, 0)
    cid[attack["_row"].to_numpy()] = a_ids
    keys = a_keys
    if len(aid):
        b_ids, b_keys, nxt = _cluster_aid(aid.index.to_numpy(), w, df, opt, nxt)
        cid[aid["_row"].to_numpy()] = b_ids
        keys = keys + b_keys
    ids = np.array(_event_ids(keys), dtype=object)
    log.info("merged %d mentions into %d events", n, len(ids))
    return _aggregate(df, w, cid, ids, figs)


def _lists(groups: np.ndarray, values: pd.Series, index: pd.Index) -> list[list[Any]]:
    """Values grouped into one list per entry of ``index`` (``groups`` sorted; [] if absent)."""
    if not len(groups):
        return [[] for _ in range(len(index))]
    vals = values.astype(object).tolist()
    cuts = (np.flatnonzero(np.diff(groups)) + 1).tolist()
    starts, ends = [0, *cuts], [*cuts, len(vals)]
    found = {g: vals[a:b] for g, a, b in zip(groups[starts].tolist(), starts, ends)}
    return [found.get(k, []) for k in index.tolist()]


def _aggregate(df: pd.DataFrame, w: pd.DataFrame, cid: np.ndarray, ids: np.ndarray,
               figs: dict[str, np.ndarray]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(df)
    src = df.reset_index(drop=True)
    t = pd.DataFrame({"_c": cid, "_auth": w["_auth"].to_numpy(), "_qrank": w["_qrank"].to_numpy(),
                      "_fp": w["_fp"].to_numpy(), "_day": w["_day"].to_numpy(), "_prec": w["_prec"].array,
                      "_country": w["_country"].array, "_type": w["_type"].array})
    for c in ("place", "admin1", "lat", "lon", "weapon", "actor", "donor", "recipient", "category",
              "value_currency", "claimed_by", "article_id"):
        if c not in src.columns:
            t[c] = None
        elif c in ("lat", "lon"):
            t[c] = pd.to_numeric(src[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        else:  # categorical: cheap to sort and group, whatever the string storage
            t[c] = src[c].astype("string").astype("category").array
    t["value_amount"] = _num_array(src, "value_amount")
    t["window"] = pd.Series(w["_win"].astype(object).to_numpy()).replace("", None).astype("string").astype("category").array
    for q in QUANTITY_FIELDS:
        t[q] = figs[q]
    t["_neg"] = w["_neg"].to_numpy()
    t = t.sort_values(["_c", "_auth", "_qrank", "_neg", "_fp"], kind="mergesort")
    g = t.groupby("_c", sort=True)
    firsts = ["place", "admin1", "lat", "lon", "weapon", "actor", "donor", "recipient", "category",
              "value_currency", "value_amount", "claimed_by", "window", "_type", "_country", *QUANTITY_FIELDS]
    ev = g[firsts].first()
    mins = g[[*QUANTITY_FIELDS, "value_amount"]].min()
    maxs = g[[*QUANTITY_FIELDS, "value_amount"]].max()
    day = t.assign(_isday=t["_prec"] == "day")
    # the event's day: its day-precision mentions' day if any, else the coarse start
    dd = day.sort_values(["_c", "_isday", "_day"], ascending=[True, False, True], kind="mergesort").groupby("_c", sort=True)
    ev["date"] = dd["_day"].first()
    ev["date_precision"] = dd["_prec"].first()
    ev["mentions"] = g.size()
    ev["articles"] = g["article_id"].nunique()
    cl = t.dropna(subset=["claimed_by"]).drop_duplicates(["_c", "claimed_by"])
    ev["claimants"] = _lists(cl["_c"].to_numpy(), cl["claimed_by"], ev.index)
    ar = t.dropna(subset=["article_id"]).drop_duplicates(["_c", "article_id"]).sort_values(["_c", "article_id"], kind="mergesort")
    ev["article_ids"] = _lists(ar["_c"].to_numpy(), ar["article_id"], ev.index)
    # items from the most authoritative mention that lists some
    if "items" in src.columns:
        it = pd.DataFrame({"_c": cid, "_auth": w["_auth"].to_numpy(), "_qrank": w["_qrank"].to_numpy(),
                           "_fp": w["_fp"].to_numpy(), "items": src["items"].to_numpy()})
        it = it[[isinstance(v, (list, tuple, np.ndarray)) and len(v) > 0 for v in it["items"]]]
        first_items = it.sort_values(["_c", "_auth", "_qrank", "_fp"], kind="mergesort").groupby("_c", sort=True)["items"].first()
        ev["items"] = first_items.reindex(ev.index)
        aid_mask = ev["_type"].isin(AID_TYPES)
        ev["items"] = [list(v) if isinstance(v, (list, tuple, np.ndarray)) else ([] if a else None)
                       for v, a in zip(ev["items"], aid_mask)]
    else:
        ev["items"] = [[] if x in AID_TYPES else None for x in ev["_type"]]

    out = pd.DataFrame(index=ev.index)
    out["event_id"] = pd.array(ids[ev.index.to_numpy()], dtype="string")
    out["type"] = ev["_type"].astype("string")
    out["date"] = pd.to_datetime(ev["date"])
    out["date_precision"] = ev["date_precision"].astype("string")
    is_aid = out["type"].isin(AID_TYPES)
    admin = ev["admin1"].astype("string").str.strip().replace("", pd.NA)
    out["scope"] = pd.array(np.where(is_aid, None, np.where(admin.isna(), "national", "regional")), dtype="string")
    out["country"] = ev["_country"].astype("string")
    out["admin1"] = admin
    out["place"] = ev["place"].astype("string")
    out["lat"] = pd.to_numeric(ev["lat"], errors="coerce").astype("Float64")
    out["lon"] = pd.to_numeric(ev["lon"], errors="coerce").astype("Float64")
    out["weapon"] = ev["weapon"].astype("string").str.strip().replace("", pd.NA)
    out["window"] = ev["window"].astype("string")
    for c in ("actor", "donor", "recipient", "category"):
        out[c] = ev[c].astype("string")
    out["items"] = ev["items"]
    out["value_amount"] = ev["value_amount"].astype("Float64")
    out["value_currency"] = ev["value_currency"].astype("string")
    out["value_min"] = mins["value_amount"].astype("Float64")
    out["value_max"] = maxs["value_amount"].astype("Float64")
    conflicts = [[] for _ in range(len(out))]
    for q in QUANTITY_FIELDS:
        out[f"{q}_value"] = ev[q].round().astype("Int64")
        out[f"{q}_min"] = mins[q].round().astype("Int64")
        out[f"{q}_max"] = maxs[q].round().astype("Int64")
        diff = (mins[q] != maxs[q]) & mins[q].notna()
        for k in np.flatnonzero(diff.to_numpy()):
            conflicts[k].append(q)
    vdiff = ((mins["value_amount"] != maxs["value_amount"]) & mins["value_amount"].notna()).to_numpy()
    for k in np.flatnonzero(vdiff):
        conflicts[k].append("value")
    out["conflicts"] = pd.array([",".join(c) for c in conflicts], dtype="string")
    out["claimed_by"] = ev["claimed_by"].astype("string")
    out["claimants"] = ev["claimants"]
    out["mentions"] = ev["mentions"].astype("Int64")
    out["articles"] = ev["articles"].astype("Int64")
    out["article_ids"] = ev["article_ids"]
    out["part_of"] = _part_of(out)
    out["_national_first"] = out["scope"] != "national"
    out = out.sort_values(["date", "type", "_national_first", "admin1", "weapon", "event_id"], kind="mergesort",
                          na_position="last").drop(columns="_national_first").reset_index(drop=True)

    # links: one row per mention, ordered by event id, authority, article, content hash
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(len(ids))
    art_codes = np.asarray(_cat(_col(src, "article_id")).codes)
    perm = np.lexsort((w["_fp"].to_numpy(), art_codes, w["_auth"].to_numpy(), id_rank[cid]))
    links = pd.DataFrame({"event_id": pd.array(ids[cid[perm]], dtype="string"), "mention": df.index.to_numpy()[perm]})
    for c in ("article_id", "type"):
        links[c] = src[c].astype("string").array.take(perm) if c in src.columns else pd.NA
    links["date"] = pd.to_datetime(w["_day"].to_numpy()[perm])
    for c in ("admin1", "place", "weapon", "claimed_by"):
        links[c] = src[c].astype("string").array.take(perm) if c in src.columns else pd.array([None] * n, dtype="string")
    links["window"] = pd.Series(w["_win"].astype(object).to_numpy()[perm], dtype="string").replace("", pd.NA).array
    links["authority"] = w["_auth"].to_numpy()[perm]
    for q in QUANTITY_FIELDS:
        links[q] = pd.array(np.round(figs[q][perm]), dtype="Float64").astype("Int64")
    links["value_amount"] = pd.array(_num_array(src, "value_amount")[perm], dtype="Float64")
    for c in ("evidence_text", "evidence_start", "evidence_end", *CONTEXT_COLUMNS):
        if c in src.columns:
            links[c] = src[c].array.take(perm)
        elif c.startswith("evidence"):
            links[c] = pd.NA
    return out, links.reset_index(drop=True)


EVENT_COLUMNS = (
    "event_id", "type", "date", "date_precision", "scope", "country", "admin1", "place", "lat", "lon", "weapon",
    "window", "actor", "donor", "recipient", "category", "items", "value_amount", "value_currency", "value_min", "value_max",
    *(f"{q}_{s}" for q in QUANTITY_FIELDS for s in ("value", "min", "max")),
    "conflicts", "claimed_by", "claimants", "mentions", "articles", "article_ids", "part_of",
)
LINK_COLUMNS = ("event_id", "mention", "article_id", "type", "date", "admin1", "place", "weapon", "window", "claimed_by",
                "authority", *QUANTITY_FIELDS, "value_amount", "evidence_text", "evidence_start", "evidence_end")


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else object) for c in EVENT_COLUMNS})


def _empty_links() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else object) for c in LINK_COLUMNS})


def _part_of(ev: pd.DataFrame) -> pd.Series:
    """For regional attack events: the national event of the same type, country and day."""
    res = pd.Series(pd.NA, index=ev.index, dtype="string")
    attack = ~ev["type"].isin(AID_TYPES) & (ev["date_precision"] == "day") & ev["date"].notna()
    nat = ev[attack & (ev["scope"] == "national")]
    reg = ev[attack & (ev["scope"] == "regional")]
    if nat.empty or reg.empty:
        return res
    r = reg[["type", "country", "date", "weapon"]].assign(_i=reg.index)
    j = r.merge(nat[["type", "country", "date", "weapon", "event_id"]], on=["type", "country", "date"], suffixes=("", "_n"))
    ok = j["weapon"].isna() | j["weapon_n"].isna() | (j["weapon"] == j["weapon_n"])
    j = j[ok.fillna(False).astype(bool)]
    j["_exact"] = ~(j["weapon"] == j["weapon_n"]).fillna(False).astype(bool)
    j = j.sort_values(["_i", "_exact", "event_id"], kind="mergesort").drop_duplicates("_i")
    res.loc[j["_i"].to_numpy()] = j["event_id"].to_numpy()
    return res

"""Official national daily counts of drones and missiles (Ukrainian Air Force), as a daily series.

The figures ship in ``opslens/data/official_daily.csv`` (built by ``opslens/data/build_official.py``
from the Kaggle "Massive Missile Attacks on Ukraine" compilation; attribution in
``opslens/data/ATTRIBUTION_official.md``). One row there is one weapon model in one reporting
window (often 18:00 to 08:00 next day) as posted by one account.

How a day's national figure is read (:func:`official_series`):

* the day is the Kyiv-local day of the window's *end* (the morning report's day), as in the event
  contract and the evaluation scorer;
* only national accounts count, and per day and type only the most authoritative one that
  reported: the Air Force (``kpszsu``), else the General Staff, else the Commander-in-Chief. Rows
  of regional air commands (``PvKPivden`` "south", ``pvkshid`` "east", ...) overlap the Air Force
  totals and are never added to them;
* UAV models are ``drone_attack``, missiles ``missile_attack``; guided bombs are left out.
"""
from __future__ import annotations

import logging
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Sequence

import pandas as pd

from .errors import ParameterError

log = logging.getLogger(__name__)

__all__ = ["official_series", "official_windows", "NATIONAL_ACCOUNTS"]

#: national accounts, most authoritative first
NATIONAL_ACCOUNTS = ("kpszsu", "GeneralStaff.ua", "CinCAFU")
_TYPES = ("drone_attack", "missile_attack")

DateLike = str | date | datetime | pd.Timestamp | None


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    ref = resources.files("opslens") / "data" / "official_daily.csv"
    with ref.open("rb") as f:
        df = pd.read_csv(f, dtype={"launched": "Int64", "destroyed": "Int64"}, keep_default_na=False,
                         na_values={"launched": [""], "destroyed": [""]})
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    for c in ("time_start", "time_end", "model", "type", "account", "scope", "target"):
        df[c] = df[c].astype("string")
    return df


def _day(value: DateLike, name: str) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError) as e:
        raise ParameterError(f"{name}={value!r}: not a date ({e}); use YYYY-MM-DD") from None


def official_windows(start: DateLike = None, end: DateLike = None) -> pd.DataFrame:
    """The shipped rows (one weapon model per reporting window and account), days in [start, end].

    Columns: ``date`` (datetime64, Kyiv day of the window end), ``time_start``, ``time_end``,
    ``model``, ``type``, ``account``, ``scope`` (``national``/``regional``), ``target`` (string),
    ``launched``, ``destroyed`` (Int64, NA where the post gave none).
    """
    df = _load()
    lo, hi = _day(start, "start"), _day(end, "end")
    if lo is not None and hi is not None and lo > hi:
        raise ParameterError(f"start={start} is after end={end}; swap them")
    m = pd.Series(True, index=df.index)
    if lo is not None:
        m &= df["date"] >= lo
    if hi is not None:
        m &= df["date"] <= hi
    return df[m].reset_index(drop=True)


def official_series(start: DateLike = None, end: DateLike = None, by_weapon: bool = False,
                    accounts: Sequence[str] | None = None,
                    type: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Official national daily totals, in the columns of :func:`opslens.daily_series`.

    Args:
        start, end: first and last Kyiv day to include (inclusive); ``None`` = open.
        by_weapon: also return one row per weapon model (``weapon`` set) besides the
            all-weapons row (``weapon`` NA) of each day and type.
        accounts: national accounts to read, most authoritative first; per day and type only the
            first one that reported is used. Default :data:`NATIONAL_ACCOUNTS`. ``("kpszsu",)``
            gives exactly the Air Force's figures (what ``../shared/eval/score.py`` reads).
        type: ``"drone_attack"``, ``"missile_attack"`` or both (default).

    Returns a new DataFrame sorted by date, type, weapon (all-weapons row first):

    ========== =============== ===================================================
    date       datetime64      Kyiv day of the reporting window's end
    type       string          ``drone_attack`` / ``missile_attack``
    weapon     string          model (``by_weapon``), NA = all weapons of the type
    launched   Int64           sum over the day's windows, NA if no figure given
    destroyed  Int64           same for shot down / destroyed
    events     Int64           reporting windows summed
    articles   Int64           always 0 (figures come from posts, not articles)
    account    string          the account the day's figures come from
    ========== =============== ===================================================

    Example (Air Force rows ending 2022-10-17: Shaheds 15 + 11 + 8; Unknown Missile 3 + Kalibr 2):
        >>> s = official_series("2022-10-17", "2022-10-17")
        >>> s[["type", "launched", "destroyed"]].values.tolist()
        [['drone_attack', 34, 34], ['missile_attack', 5, 5]]
    """
    types = _types(type)
    order = tuple(accounts) if accounts is not None else NATIONAL_ACCOUNTS
    if not order:
        raise ParameterError("accounts=(): give at least one account, e.g. ('kpszsu',)")
    df = official_windows(start, end)
    df = df[df["type"].isin(types) & df["account"].isin(order)].copy()
    rank = {a: i for i, a in enumerate(order)}
    df["_rank"] = df["account"].map(rank)
    best = df.groupby(["date", "type"])["_rank"].transform("min")
    df = df[df["_rank"] == best]
    df["_window"] = df["account"] + "|" + df["time_start"] + "|" + df["time_end"]

    def agg(keys: list[str]) -> pd.DataFrame:
        g = df.groupby(keys, sort=True, dropna=False)
        out = g.agg(launched=("launched", lambda s: s.sum(min_count=1)),
                    destroyed=("destroyed", lambda s: s.sum(min_count=1)),
                    events=("_window", "nunique"), account=("account", "first")).reset_index()
        return out

    total = agg(["date", "type"])
    total["weapon"] = pd.NA
    parts = [total]
    if by_weapon:
        per = agg(["date", "type", "model"]).rename(columns={"model": "weapon"})
        parts.append(per)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else total
    out["articles"] = 0
    out = out[["date", "type", "weapon", "launched", "destroyed", "events", "articles", "account"]]
    out = out.astype({"type": "string", "weapon": "string", "launched": "Int64", "destroyed": "Int64",
                      "events": "Int64", "articles": "Int64", "account": "string"})
    out["_w"] = out["weapon"].notna()
    out = out.sort_values(["date", "type", "_w", "weapon"], kind="stable").drop(columns="_w")
    return out.reset_index(drop=True)


def _types(type: str | Sequence[str] | None) -> tuple[str, ...]:
    if type is None:
        return _TYPES
    ts = (type,) if isinstance(type, str) else tuple(type)
    bad = [t for t in ts if t not in _TYPES]
    if bad:
        raise ParameterError(f"type={bad[0]!r}: the official counts cover only {', '.join(_TYPES)}")
    return ts

"""Daily national series from merged events (section 3 of the event contract), and comparison
with the official counts.

The national estimate of a figure (launched, destroyed, count) for a Kyiv day and type is:

* the sum of the day's *national* events (``admin1`` null) that state it, when there is one.
  Regional reports of that day are its parts and are not added. The national events of a day
  are its distinct reporting windows (night, day, evening: :func:`opslens.merge.reporting_window`),
  whose figures add up to the official day; a national event whose text gives the figure for
  the whole day (window ``total``, "over the past day") is used alone instead of the sum. When
  every national event of the day names its window, the regional reports of a window no national
  event tells are added for that window (the row is then a lower bound);
* otherwise the sum of the day's distinct *regional* events that state it, flagged
  ``lower_bound`` (other regions may have been attacked without a report).

A national figure is also flagged ``lower_bound`` (upper NA) when some national event of the day
gives other figures but not this one (e.g. "nine drones launched" beside "one shot down").

Only day-precision events count (a "last week" figure cannot be put on a day).
"""
from __future__ import annotations

import gzip
import io
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .errors import InputError, ParameterError
from .merge import ATTACK_TYPES, MergeOptions, merge_events
from .official import DateLike, _day
from .schema import EVENT_TYPES, SERIES_COLUMNS, events_frame

log = logging.getLogger(__name__)

__all__ = ["daily_series", "national_rows", "compare_series", "read_mentions", "write_series", "SERIES_FIGURES",
           "validate_comparison_parameters", "load_comparison", "agreement_summary", "who_said_what",
           "plot_comparison"]

#: figures a daily series carries; ``count`` (attacks counted) matters for ground_assault
SERIES_FIGURES = ("launched", "destroyed", "count")


def _types(type: str | Sequence[str] | None, default: Sequence[str]) -> tuple[str, ...]:
    if type is None:
        return tuple(default)
    ts = (type,) if isinstance(type, str) else tuple(type)
    bad = [t for t in ts if t not in EVENT_TYPES]
    if bad:
        raise ParameterError(f"type={bad[0]!r}: not an event type; use one of {', '.join(EVENT_TYPES)}")
    return ts


def daily_series(events: pd.DataFrame | Any, type: str | Sequence[str] | None = None, by_weapon: bool = False,
                 start: DateLike = None, end: DateLike = None, country: str | None = "UA",
                 options: MergeOptions | None = None) -> pd.DataFrame:
    """Daily national estimates per Kyiv day and type (and weapon).

    Args:
        events: canonical events from :func:`opslens.merge_events`, or event *mentions* (a
            DataFrame without ``event_id``, or contract records), which are merged first.
        type: one type, several, or ``None`` for the attack types (drone_attack, missile_attack,
            ground_assault).
        by_weapon: add one row per weapon model besides the all-weapons row (weapon NA).
        start, end: first/last day kept (inclusive).
        country: only events in this country (ISO code; missing country counts as ``UA``);
            ``None`` keeps all.
        options: :class:`opslens.merge.MergeOptions` used when ``events`` are mentions.

    Returns a new DataFrame sorted by date, type, weapon (all-weapons row first):

    ================= ========== ==========================================================
    date              datetime64 Kyiv-local day
    type              string     event type
    weapon            string     model; NA = all weapons of the type
    launched          Int64      national estimate (see module notes); NA if nobody said
    destroyed         Int64      same
    events            Int64      distinct events that day (national and regional)
    articles          Int64      distinct articles behind them
    count             Int64      attacks counted (ground_assault)
    <q>_lower/_upper  Int64      for q in launched, destroyed, count: range of the estimate
                                 where reports disagree or the figure is a lower bound
                                 (upper NA then); NA when all reports agree
    lower_bound       boolean    some figure of the row is a sum of regional reports, or a
                                 national sum some national event of the day does not state
    national          boolean    some figure of the row comes from national totals
    ================= ========== ==========================================================

    Example (a national total and a regional part on the 17th; only a regional report on the 18th):
        >>> from opslens.schema import empty_event, quantity
        >>> def drones(article, day, admin1, launched, claimed_by=None):
        ...     return {**empty_event(article, "drone_attack"), "date": day, "admin1": admin1,
        ...             "launched": quantity(launched), "claimed_by": claimed_by}
        >>> s = daily_series([drones("af", "2022-10-17", None, 43, "Ukrainian Air Force"),
        ...                   drones("k", "2022-10-17", "Kyiv City", 28), drones("o", "2022-10-18", "Odesa Oblast", 6)])
        >>> s[["launched", "events", "lower_bound"]].values.tolist()
        [[43, 2, False], [6, 1, True]]
    """
    types = _types(type, ATTACK_TYPES)
    lo, hi = _day(start, "start"), _day(end, "end")
    if not isinstance(events, pd.DataFrame) or "event_id" not in events.columns:
        events, _ = merge_events(events, options)
    ev = events[events["type"].isin(types) & (events["date_precision"].fillna("day") == "day") & events["date"].notna()]
    if country is not None:
        ev = ev[ev["country"].fillna("UA").str.upper() == country.upper()]
    if lo is not None:
        ev = ev[ev["date"] >= lo]
    if hi is not None:
        ev = ev[ev["date"] <= hi]
    ev = ev.assign(_national=ev["scope"] == "national")
    parts = [_aggregate(ev, ["date", "type"])]
    if by_weapon:
        parts.append(_aggregate(ev[ev["weapon"].notna()], ["date", "type", "weapon"]))
    out = pd.concat(parts, ignore_index=True)
    out["_w"] = out["weapon"].notna()
    out = out.sort_values(["date", "type", "_w", "weapon"], kind="mergesort").drop(columns="_w")
    return out.reset_index(drop=True)


def national_rows(series: pd.DataFrame) -> pd.DataFrame:
    """The all-weapons rows (``weapon`` NA or empty) of a daily series; the series unchanged when
    it has none (a series of weapon rows only) or no ``weapon`` column. Same columns."""
    if "weapon" not in series.columns:
        return series
    all_weapons = series["weapon"].astype("string").fillna("") == ""
    return series[all_weapons] if all_weapons.any() else series


def _aggregate(ev: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    cols = ["date", "type", "weapon", *SERIES_COLUMNS[3:5], "events", "articles", "count",
            *(f"{q}_{b}" for q in SERIES_FIGURES for b in ("lower", "upper")), "lower_bound", "national"]
    if ev.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="Int64") for c in cols})
        return empty.astype({"date": "datetime64[ns]", "type": "string", "weapon": "string", "lower_bound": "boolean",
                             "national": "boolean"})
    g = ev.groupby(keys, sort=True, dropna=False)
    out = g.size().rename("events").to_frame()
    arts = ev[[*keys, "article_ids"]].explode("article_ids").dropna(subset=["article_ids"])
    out["articles"] = arts.groupby(keys, sort=True, dropna=False)["article_ids"].nunique().reindex(out.index).fillna(0)
    lower_bound = pd.Series(False, index=out.index)
    national = pd.Series(False, index=out.index)
    nat_ev = ev[ev["_national"]]
    stated = nat_ev[[f"{q}_value" for q in SERIES_FIGURES]].notna()

    def n_national(mask: pd.Series) -> pd.Series:
        return nat_ev[mask].groupby(keys, sort=True, dropna=False).size().reindex(out.index, fill_value=0)

    n_any = n_national(stated.any(axis=1))
    window = ev["window"] if "window" in ev.columns else pd.Series(pd.NA, index=ev.index, dtype="string")
    for q in SERIES_FIGURES:
        # a national figure stated for the whole day ("over the past day") stands for the day:
        # the day's other national events (its reporting windows) are its parts, not added to it
        total = (ev["_national"] & (window == "total").fillna(False).astype(bool) & ev[f"{q}_value"].notna())
        has_total = total.groupby([ev[k] for k in keys], dropna=False).transform("any")
        drop = has_total & ev["_national"] & ~total
        evq = ev.assign(**{f"{q}_{s_}": ev[f"{q}_{s_}"].mask(drop) for s_ in ("value", "min", "max")})
        # a window no national event of the day tells (all of them name their window): its
        # regional reports stand in for it, added to the national sum (a lower bound then)
        add = _uncovered_regional_windows(evq, keys, q, window)
        if add.any():
            evq = evq.assign(_national=evq["_national"] | add)
        added = (evq[add].groupby(keys, sort=True, dropna=False).size().reindex(out.index, fill_value=0) > 0) \
            if add.any() else pd.Series(False, index=out.index)
        by = evq.groupby([*keys, "_national"], sort=True, dropna=False)
        s = by[[f"{q}_value", f"{q}_min", f"{q}_max"]].sum(min_count=1)
        nat = s.xs(True, level="_national").reindex(out.index) if True in s.index.get_level_values("_national") else None
        reg = s.xs(False, level="_national").reindex(out.index) if False in s.index.get_level_values("_national") else None
        empty = pd.DataFrame(index=out.index, columns=s.columns, dtype="Float64")
        nat = empty if nat is None else nat
        reg = empty if reg is None else reg
        use_nat = nat[f"{q}_value"].notna()
        use_reg = ~use_nat & reg[f"{q}_value"].notna()
        # national events that give other figures but not this one: the sum is partial
        partial = use_nat & (n_any > n_national(stated[f"{q}_value"]))
        value = nat[f"{q}_value"].where(use_nat, reg[f"{q}_value"])
        lower = nat[f"{q}_min"].where(use_nat, reg[f"{q}_min"])
        upper = nat[f"{q}_max"].where(use_nat & ~partial, pd.NA)
        agree = use_nat & ~partial & (lower == value) & (upper == value)
        out[q] = value.astype("Float64").round().astype("Int64")
        out[f"{q}_lower"] = lower.where(~agree.fillna(False).astype(bool) & value.notna()).astype("Float64").round().astype("Int64")
        out[f"{q}_upper"] = upper.where(~agree.fillna(False).astype(bool) & value.notna()).astype("Float64").round().astype("Int64")
        lower_bound |= (use_reg | partial | (use_nat & added)).fillna(False).astype(bool)
        national |= use_nat.fillna(False).astype(bool)
    out["lower_bound"] = lower_bound.astype("boolean")
    out["national"] = national.astype("boolean")
    out = out.reset_index()
    if "weapon" not in out.columns:
        out["weapon"] = pd.NA
    out = out.astype({"type": "string", "weapon": "string", "events": "Int64", "articles": "Int64"})
    out["date"] = pd.to_datetime(out["date"])
    return out[cols]


def _uncovered_regional_windows(ev: pd.DataFrame, keys: list[str], q: str, window: pd.Series) -> pd.Series:
    """Regional events stating ``q`` whose reporting window no national event of their group
    (day, type[, weapon]) covers, in groups where every national event stating ``q`` names its
    window (a national event without a window may be any window, so nothing is added then)."""
    res = pd.Series(False, index=ev.index)
    stated = ev[f"{q}_value"].notna()
    nat = ev[ev["_national"] & stated]
    reg = ev[~ev["_national"] & stated & window.notna()]
    if nat.empty or reg.empty:
        return res
    covered: dict[tuple, set | None] = {}
    for key, w in zip(zip(*(nat[k] for k in keys)), window[nat.index]):
        key = tuple(None if pd.isna(x) else x for x in key)
        cur = covered.setdefault(key, set())
        if cur is None:
            continue
        if pd.isna(w):
            covered[key] = None
        else:
            cur.add(w)
    for i, key, w in zip(reg.index, zip(*(reg[k] for k in keys)), window[reg.index]):
        key = tuple(None if pd.isna(x) else x for x in key)
        cov = covered.get(key)
        if cov is not None and w not in cov:
            res[i] = True
    return res


def compare_series(media: pd.DataFrame, official: pd.DataFrame, tolerance: float = 0.1) -> pd.DataFrame:
    """Day-by-day media estimate vs official figure (all-weapons rows only).

    Args:
        media: :func:`daily_series` output.
        official: :func:`opslens.official_series` output.
        tolerance: relative difference still counted as agreement (0.1 = within 10 % of the
            official figure, at least 1, as ``../shared/eval/score.py`` counts it).

    Returns one row per (date, type) present in either input, sorted:
    ``date``, ``type``, and for q in launched, destroyed: ``official_<q>``, ``media_<q>`` (Int64),
    ``<q>_diff`` (media - official, Int64), ``<q>_agrees`` (boolean, NA if either is missing);
    ``media_lower_bound``, ``media_national`` (boolean), ``media_events``, ``media_articles`` (Int64) and
    ``status``: ``agree``, ``disagree``, ``official only``, ``media only``.
    """
    if tolerance < 0:
        raise ParameterError(f"tolerance={tolerance}: must be >= 0 (0.1 = within 10%)")
    keys = ["date", "type"]
    m = media[media["weapon"].isna()]
    if "national" not in m.columns:
        m = m.assign(national=~m["lower_bound"].astype("boolean"))
    m = m[[*keys, "launched", "destroyed", "lower_bound", "national", "events", "articles"]]
    m = m.rename(columns={"launched": "media_launched", "destroyed": "media_destroyed", "lower_bound": "media_lower_bound",
                          "national": "media_national", "events": "media_events", "articles": "media_articles"})
    o = official[official["weapon"].isna()][[*keys, "launched", "destroyed"]]
    o = o.rename(columns={"launched": "official_launched", "destroyed": "official_destroyed"})
    j = o.merge(m, on=keys, how="outer", indicator=True).sort_values(keys, kind="mergesort").reset_index(drop=True)
    any_disagree = pd.Series(False, index=j.index)
    any_compared = pd.Series(False, index=j.index)
    for q in ("launched", "destroyed"):
        off, med = j[f"official_{q}"].astype("Float64"), j[f"media_{q}"].astype("Float64")
        diff = med - off
        j[f"{q}_diff"] = diff.round().astype("Int64")
        ok = diff.abs() <= tolerance * off.clip(lower=1)
        j[f"{q}_agrees"] = ok.astype("boolean")
        any_disagree |= (~ok).fillna(False).astype(bool)
        any_compared |= ok.notna()
    j["status"] = pd.array(["official only" if s == "left_only" else "media only" if s == "right_only"
                            else ("disagree" if d else "agree" if c else "official only")
                            for s, d, c in zip(j["_merge"], any_disagree, any_compared)], dtype="string")
    cols = [*keys, "official_launched", "media_launched", "launched_diff", "launched_agrees",
            "official_destroyed", "media_destroyed", "destroyed_diff", "destroyed_agrees",
            "media_lower_bound", "media_national", "media_events", "media_articles", "status"]
    return j[cols]


def read_mentions(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Event mentions from a JSON Lines file (``.jsonl``, ``.jsonl.gz``; contract section 2, as
    ``opslens extract`` writes) or a Parquet file, as the event DataFrame of
    :func:`opslens.schema.events_frame`."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "no such file", "pass the event mention file written by `opslens extract`")
    if p.suffix == ".parquet":
        try:
            return events_frame(pd.read_parquet(p).to_dict(orient="records"))
        except Exception as e:  # pyarrow raises several types for a bad file
            raise InputError(p, f"not a readable Parquet file ({e})", "pass a .jsonl or .parquet event file") from None
    opener = gzip.open if p.suffix == ".gz" else open
    records = []
    try:
        with opener(p, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(f"{p}:{n}", f"not JSON ({e.msg} at column {e.colno})",
                                     "each line must be one event object (contract section 2)") from None
                if not isinstance(r, dict) or "type" not in r:
                    raise InputError(f"{p}:{n}", "not an event mention (no 'type' field)",
                                     "pass the event mention file written by `opslens extract`")
                records.append(r)
    except (UnicodeDecodeError, OSError, EOFError) as e:
        raise InputError(p, f"cannot be read as UTF-8 JSON Lines ({e})", "pass a .jsonl or .jsonl.gz file") from None
    return events_frame(records)


def write_series(series: pd.DataFrame, path: str | os.PathLike[str] | io.TextIOBase) -> None:
    """Write a series as CSV (contract section 3 columns first; dates ``YYYY-MM-DD``; NA empty)."""
    out = series.copy()
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    first = [c for c in SERIES_COLUMNS if c in out.columns]
    out = out[first + [c for c in out.columns if c not in first]]
    out.to_csv(path, index=False, lineterminator="\n")


# --- official vs media (notebooks/official_vs_media.ipynb) ---------------------------------------

@dataclass(frozen=True)
class ComparisonParams:
    """Checked parameters of the official-vs-media comparison (see
    :func:`validate_comparison_parameters`)."""

    start: pd.Timestamp
    end: pd.Timestamp
    event_type: str
    events_path: Path | None
    data_dir: Path | None
    tolerance: float
    out_dir: Path | None


def validate_comparison_parameters(start: Any = "2022-10-01", end: Any = "2022-11-30", event_type: Any = "drone_attack",
                                   events_path: Any = "", data_dir: Any = "", tolerance: Any = 0.1,
                                   out_dir: Any = "") -> ComparisonParams:
    """Check the notebook's parameters; raise :class:`ParameterError` naming the parameter, the
    value and what is accepted."""
    days = []
    for name, v in (("start", start), ("end", end)):
        if not isinstance(v, str) or not v.strip():
            raise ParameterError(f"parameter {name!r}: expected a date string YYYY-MM-DD, got {v!r}")
        try:
            days.append(pd.Timestamp(datetime.strptime(v.strip(), "%Y-%m-%d")))
        except ValueError:
            raise ParameterError(f"parameter {name!r}: {v!r} is not a date; use YYYY-MM-DD, e.g. 2022-10-17") from None
    lo, hi = days
    if lo > hi:
        raise ParameterError(f"parameters 'start'/'end': start {start} is after end {end}; swap them")
    if event_type not in ("drone_attack", "missile_attack"):
        raise ParameterError(f"parameter 'event_type': expected 'drone_attack' or 'missile_attack' "
                             f"(the types the official counts cover), got {event_type!r}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance <= 1:
        raise ParameterError(f"parameter 'tolerance': expected a number 0..1 (0.1 = within 10%), got {tolerance!r}")
    paths = {}
    for name, v in (("events_path", events_path), ("data_dir", data_dir), ("out_dir", out_dir)):
        if v is None or v == "":
            paths[name] = None
        elif isinstance(v, (str, os.PathLike)):
            paths[name] = Path(v).expanduser().resolve()
        else:
            raise ParameterError(f"parameter {name!r}: expected a path string or \"\", got {type(v).__name__} {v!r}")
    if paths["events_path"] is not None and not paths["events_path"].is_file():
        raise ParameterError(f"parameter 'events_path': {paths['events_path']} does not exist; pass the file "
                             f"written by `opslens extract`, or \"\" to use the article store")
    return ComparisonParams(lo, hi, event_type, paths["events_path"], paths["data_dir"], float(tolerance), paths["out_dir"])


@dataclass
class Comparison:
    """Everything the notebook shows. ``events``/``links``: :func:`opslens.merge_events` output
    for the chosen type; ``media``: :func:`daily_series`; ``official``:
    :func:`opslens.official_series`; ``days``: :func:`compare_series`."""

    params: ComparisonParams
    events: pd.DataFrame
    links: pd.DataFrame
    media: pd.DataFrame
    official: pd.DataFrame
    days: pd.DataFrame


def load_comparison(params: ComparisonParams) -> Comparison:
    """Media events (from ``params.events_path``, or the article store's events published up to a
    week after ``end``) merged into a daily series and set beside the official counts."""
    from .official import official_series

    if params.events_path is not None:
        mentions = read_mentions(params.events_path)
    else:
        from .extract import load_events

        mentions = load_events(params.start, params.end + pd.Timedelta(days=7), data_dir=params.data_dir)
    mentions = mentions[mentions["type"] == params.event_type]
    events, links = merge_events(mentions)
    media = daily_series(events, type=params.event_type, start=params.start, end=params.end)
    official = official_series(params.start, params.end, type=params.event_type)
    days = compare_series(media, official, tolerance=params.tolerance)
    log.info("%s..%s: %d media days, %d official days", params.start.date(), params.end.date(), len(media), len(official))
    return Comparison(params, events, links, media, official, days)


def agreement_summary(days: pd.DataFrame) -> pd.DataFrame:
    """One row per figure (launched, destroyed): ``official_days``, ``days_with_estimate``,
    ``coverage`` (estimate days / official days), ``compared`` (days both state the figure),
    ``agree`` and ``agree_share`` (within the tolerance), ``mean_abs_diff``."""
    rows = []
    for q in ("launched", "destroyed"):
        official = days[f"official_{q}"].notna()
        est = official & (days["media_launched"].notna() | days["media_destroyed"].notna())
        both = days[f"{q}_agrees"].notna()
        n_both = int(both.sum())
        rows.append({"figure": q, "official_days": int(official.sum()), "days_with_estimate": int(est.sum()),
                     "coverage": float(est.sum() / official.sum()) if official.any() else float("nan"),
                     "compared": n_both, "agree": int(days.loc[both, f"{q}_agrees"].sum()),
                     "agree_share": float(days.loc[both, f"{q}_agrees"].mean()) if n_both else float("nan"),
                     "mean_abs_diff": float(days.loc[both, f"{q}_diff"].abs().mean()) if n_both else float("nan")})
    return pd.DataFrame(rows)


def who_said_what(comparison: Comparison, status: Sequence[str] = ("disagree", "media only")) -> pd.DataFrame:
    """The mentions behind the media figure on days whose status is in ``status``: one row per
    mention with ``date``, ``scope``, ``admin1``, ``window`` (the reporting window its text names),
    ``event_id``, ``article_id``, ``source``,
    ``claimed_by``, ``launched``, ``destroyed``, ``evidence_text`` (and ``url`` when known),
    sorted by day, national first, authority."""
    days = comparison.days
    chosen = days.loc[days["status"].isin(list(status)), "date"]
    ev = comparison.events[comparison.events["date"].isin(chosen)][["event_id", "date", "scope", "admin1"]]
    ln = comparison.links.drop(columns=["date", "admin1"]).merge(ev, on="event_id")
    cols = [c for c in ("date", "scope", "admin1", "window", "event_id", "article_id", "source", "claimed_by", "authority",
                        "launched", "destroyed", "evidence_text", "url") if c in ln.columns]
    ln = ln.assign(_nat=ln["scope"] != "national")
    return ln.sort_values(["date", "_nat", "admin1", "authority", "article_id"], kind="mergesort")[cols].reset_index(drop=True)


def plot_comparison(days: pd.DataFrame, figure: str = "launched", ax: Any = None) -> Any:
    """Official and media daily ``figure`` on one chart (media days that are regional sums,
    i.e. lower bounds, drawn as open markers). Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    if figure not in ("launched", "destroyed"):
        raise ParameterError(f"figure={figure!r}: use 'launched' or 'destroyed'")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    d = days.sort_values("date")
    off = d[d[f"official_{figure}"].notna()]
    ax.plot(off["date"], off[f"official_{figure}"].astype(float), "-", color="0.3", label="official (Air Force)")
    med = d[d[f"media_{figure}"].notna()]
    lb = med["media_lower_bound"].fillna(False).astype(bool)
    ax.plot(med.loc[~lb, "date"], med.loc[~lb, f"media_{figure}"].astype(float), "o", color="tab:red",
            label="media: national total")
    ax.plot(med.loc[lb, "date"], med.loc[lb, f"media_{figure}"].astype(float), "o", mfc="none", color="tab:red",
            label="media: sum of regional reports (lower bound)")
    ax.set_ylabel(f"{figure} per day")
    ax.legend(loc="upper left", frameon=False)
    ax.figure.autofmt_xdate()
    return ax

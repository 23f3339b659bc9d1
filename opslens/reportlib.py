"""Helpers the report notebooks call: weeks, parameter checks, a week's data, evidence, provenance.

Notebooks stay thin: a parameters cell, ``params = validate_parameters(...)``, ``data =
load_week(params)``, then one call per section. Everything here is plain Python a test can reach.

Untrusted text. Article titles, sentences and outlet names come from the web. Every table this
module renders goes through :func:`html_table`, which escapes every cell (``<script>`` shows as
text) and only links ``http``/``https`` URLs.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from .errors import ParameterError, StoreError
from .schema import EVENT_TYPES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

log = logging.getLogger(__name__)

__all__ = [
    "IsoWeek", "ReportParams", "WeekData", "parse_week", "latest_complete_week", "resolve_week",
    "validate_parameters", "load_week", "snapshot_hash", "provenance", "html_table", "Output",
    "week_totals", "format_week_change", "weapon_breakdown", "assaults_per_day", "admin1_counts", "aid_packages", "currency_totals",
    "evidence_table", "disagreements", "day_evidence_links", "daily_table", "store_span",
    "summary_section", "attacks_section", "where_section", "ground_section", "aid_section",
    "procurement_section", "evidence_section", "provenance_section", "week_articles_table", "linked_mentions",
    "CorpusParams", "Corpus", "validate_corpus_parameters", "load_corpus", "coverage_gaps", "duplicate_clusters",
    "corpus_summary_section", "corpus_daily_section", "coverage_gaps_section", "duplicates_section",
    "undated_section",
]

KYIV = "Europe/Kyiv"
_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
WEEK_FORMAT_HELP = "'latest' or an ISO week written YYYY-Www, e.g. '2022-W46'"


# --- weeks --------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week (Monday..Sunday). ``str(IsoWeek(2022, 46)) == "2022-W46"``."""

    year: int
    week: int

    @property
    def start(self) -> dt.date:
        """Monday of the week."""
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> dt.date:
        """Sunday of the week (inclusive)."""
        return dt.date.fromisocalendar(self.year, self.week, 7)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def shift(self, weeks: int) -> "IsoWeek":
        """The week ``weeks`` later (negative: earlier)."""
        return IsoWeek.of(self.start + dt.timedelta(weeks=weeks))

    @classmethod
    def of(cls, day: dt.date) -> "IsoWeek":
        """The ISO week holding ``day``."""
        y, w, _ = day.isocalendar()
        return cls(y, w)

    def __str__(self) -> str:
        return self.label


def _weeks_in_year(year: int) -> int:
    return dt.date(year, 12, 28).isocalendar()[1]


def parse_week(value: Any, *, param: str = "week") -> IsoWeek:
    """``"2022-W46"`` -> ``IsoWeek(2022, 46)``; anything else raises :class:`ParameterError`
    naming ``param`` and the accepted values."""
    if not isinstance(value, str):
        raise ParameterError(f"parameter {param!r}: expected a string, got {type(value).__name__} "
                             f"{value!r}; accepted values: {WEEK_FORMAT_HELP}")
    m = _WEEK_RE.match(value)
    if not m:
        raise ParameterError(f"parameter {param!r}: {value!r} is not an ISO week; accepted values: "
                             f"{WEEK_FORMAT_HELP}")
    year, week = int(m.group(1)), int(m.group(2))
    if not 1 <= year <= 9998 or not 1 <= week <= _weeks_in_year(year):
        n = _weeks_in_year(year) if 1 <= year <= 9998 else 52
        raise ParameterError(f"parameter {param!r}: {value!r} does not exist ({year} has weeks "
                             f"W01..W{n:02d}); accepted values: {WEEK_FORMAT_HELP}")
    return IsoWeek(year, week)


def store_span(data_dir: str | Path | None = None) -> tuple[dt.date | None, dt.date | None, int]:
    """(first, last) Kyiv publication day in the store and the number of stored rows, read from
    the store manifest alone (no article file is opened)."""
    from .extract.dates import kyiv_day
    from .store import ArticleStore

    m = ArticleStore(data_dir).read_manifest()
    lo = [p.min_published for p in m.parts if p.min_published]
    hi = [p.max_published for p in m.parts if p.max_published]
    rows = sum(p.rows for p in m.parts)
    first = min((kyiv_day(x) for x in lo), default=None)
    last = max((kyiv_day(x) for x in hi), default=None)
    return first, last, rows


def latest_complete_week(data_dir: str | Path | None = None) -> IsoWeek | None:
    """The latest ISO week whose Sunday is on or before the last publication day in the store
    (``None`` for an empty store). A store whose newest article is from a Wednesday gives the
    week before, so a cron job never reports a half week."""
    _first, last, _n = store_span(data_dir)
    if last is None:
        return None
    week = IsoWeek.of(last)
    return week if last >= week.end else week.shift(-1)


def _check_data_dir(data_dir: str | Path | None, param: str = "data_dir") -> Path:
    from .settings import get_settings

    d = get_settings(data_dir or None).data_dir
    if not d.is_dir():
        raise StoreError(f"{d}: data directory does not exist (parameter {param!r}); build it with "
                         f"`opslens ingest INPUT... --data {d}` or pass the folder that holds the store")
    if not (d / "articles").is_dir():
        raise StoreError(f"{d}: no article store in this folder (no 'articles/' inside; parameter "
                         f"{param!r}); run `opslens ingest INPUT... --data {d}` first")
    return d


def _is_latest(week: Any) -> bool:
    return isinstance(week, str) and week.strip().lower() == "latest"


def resolve_week(week: Any, data_dir: str | Path | None = None) -> IsoWeek:
    """``"latest"`` -> the latest complete week in the store; ``"2022-W46"`` -> that week."""
    if _is_latest(week):
        d = _check_data_dir(data_dir)
        w = latest_complete_week(d)
        if w is None:
            raise StoreError(f"{d}: the article store is empty, so there is no latest week; ingest "
                             "articles first or pass an explicit week such as 2022-W46")
        return w
    return parse_week(week)


# --- parameters ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportParams:
    """Validated notebook parameters (see :func:`validate_parameters`)."""

    week: IsoWeek
    data_dir: Path
    out_dir: Path | None
    context_weeks: int
    event_types: tuple[str, ...]
    outlets: tuple[str, ...]
    requested: Mapping[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.time)

    @property
    def start(self) -> dt.date:
        """First day shown: Monday ``context_weeks`` weeks before the report week."""
        return self.week.shift(-self.context_weeks).start

    @property
    def end(self) -> dt.date:
        return self.week.end


def _str_list(value: Any, param: str, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
    if value is None:
        return tuple(allowed or ())
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"parameter {param!r}: expected a list of strings, got {value!r}"
                             + (f"; accepted values: {', '.join(allowed)}" if allowed else ""))
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            raise ParameterError(f"parameter {param!r}: unknown value(s) {', '.join(map(repr, bad))}; "
                                 f"accepted values: {', '.join(allowed)}")
        return tuple(value) or tuple(allowed)
    return tuple(value)


def validate_parameters(week: Any = "latest", data_dir: Any = None, out_dir: Any = None,
                        context_weeks: Any = 3, event_types: Any = None, outlets: Any = None) -> ReportParams:
    """Check the report parameters and resolve ``week``; raise :class:`ParameterError` (or
    :class:`StoreError` for a missing store) naming the parameter and the accepted values.

    ``data_dir`` / ``out_dir``: a path string or ``None``/``""`` (default store / no files written).
    ``context_weeks``: int 0..52, previous weeks shown for context. ``event_types``: subset of
    the contract types (``None`` or ``[]`` = all). ``outlets``: outlet domains (``[]`` = all).
    """
    requested = {"week": week, "data_dir": data_dir, "out_dir": out_dir, "context_weeks": context_weeks,
                 "event_types": event_types, "outlets": outlets}
    for name, v in (("data_dir", data_dir), ("out_dir", out_dir)):
        if v is not None and not isinstance(v, (str, Path)):
            raise ParameterError(f"parameter {name!r}: expected a folder path (string) or None, got "
                                 f"{type(v).__name__} {v!r}")
    if isinstance(context_weeks, bool) or not isinstance(context_weeks, int) or not 0 <= context_weeks <= 52:
        raise ParameterError(f"parameter 'context_weeks': expected an integer 0..52, got {context_weeks!r}")
    types = _str_list(event_types or None, "event_types", EVENT_TYPES)
    outs = _str_list(outlets or None, "outlets")
    w = None if _is_latest(week) else parse_week(week)  # format errors before touching the store
    d = _check_data_dir(data_dir)
    w = w or resolve_week(week, d)
    out = Path(out_dir).expanduser().resolve() if out_dir else None
    return ReportParams(week=w, data_dir=d, out_dir=out, context_weeks=context_weeks, event_types=types,
                        outlets=outs, requested=requested)


# --- a week's data ------------------------------------------------------------------------------

@dataclass
class WeekData:
    """Everything a report shows, for ``params.start .. params.end`` (Kyiv days).

    ``articles``: :func:`opslens.load_articles` rows published in the window (plus ``day``, the
    Kyiv publication day). ``mentions``: event mentions (``opslens.load_events``) with ``url``,
    ``source``, ``title`` of their article. ``events``/``links``: :func:`opslens.merge_events`
    output, events limited to the window and the chosen types.
    """

    params: ReportParams
    articles: "pd.DataFrame"
    mentions: "pd.DataFrame"
    events: "pd.DataFrame"
    links: "pd.DataFrame"
    load_seconds: float = 0.0

    def _in_week(self, df: "pd.DataFrame", col: str) -> "pd.DataFrame":
        import pandas as pd

        if df is None or df.empty or col not in df:
            return df.iloc[0:0] if df is not None else pd.DataFrame()
        d = pd.to_datetime(df[col], errors="coerce")
        return df[(d >= pd.Timestamp(self.params.week.start)) & (d <= pd.Timestamp(self.params.week.end))]

    @property
    def week_articles(self) -> "pd.DataFrame":
        return self._in_week(self.articles, "day")

    @property
    def week_events(self) -> "pd.DataFrame":
        return self._in_week(self.events, "date")

    @cached_property
    def coverage_start(self) -> dt.date:
        """First day the charts show: the window start, or the first Kyiv day with an article in
        the window when the store begins later (days before the store holds anything are not
        "0 attacks", they are unknown, so they are not drawn)."""
        first: dt.date | None = None
        try:  # the store's first publication day, from its manifest
            first = store_span(self.params.data_dir)[0]
        except Exception:  # noqa: BLE001 - no readable store (hand-made data)
            first = None
        if first is None:  # then the window's articles tell where the data begins
            arts = self.articles
            if arts is not None and len(arts) and "day" in arts and arts["day"].notna().any():
                first = arts["day"].min().date()
        return max(self.params.start, first) if first else self.params.start

    @cached_property
    def event_labels(self) -> dict[str, str]:
        """Event id -> a short label for reading ("E1", "E2", ...), numbered in the order of the
        evidence table (date, type, id) over the week's events. Tables show the label and link
        to the event's rows in the evidence table; the CSV files keep the ids."""
        we = self.week_events
        if we is None or not len(we) or "event_id" not in we:
            return {}
        import pandas as pd

        order = pd.DataFrame({"d": pd.to_datetime(we["date"], errors="coerce"),
                              "t": we["type"].astype(str), "id": we["event_id"].astype(str)})
        ids = order.sort_values(["d", "t", "id"])["id"].drop_duplicates()
        return {eid: f"E{i}" for i, eid in enumerate(ids, start=1)}

    @property
    def empty(self) -> bool:
        """No article published and no event dated in the report week."""
        return len(self.week_articles) == 0 and len(self.week_events) == 0

    def events_of(self, type_: str, week_only: bool = False) -> "pd.DataFrame":
        ev = self.week_events if week_only else self.events
        if ev is None or ev.empty:
            return ev
        return ev[ev["type"] == type_]

    def series(self, type_: str, by_weapon: bool = False) -> "pd.DataFrame":
        """:func:`opslens.daily_series` of the window's events of one type (dates as Timestamps)."""
        import pandas as pd

        from . import daily_series

        cache = self.__dict__.setdefault("_series", {})
        if type_ not in cache:
            ev = self.events_of(type_)
            if ev is None or ev.empty:
                s = pd.DataFrame(columns=["date", "type", "weapon", "launched", "destroyed", "events", "articles"])
            else:
                s = daily_series(ev, type=type_, by_weapon=True)  # all-weapon rows have weapon NA
                s["date"] = pd.to_datetime(s["date"])
            cache[type_] = s
        s = cache[type_]
        if not by_weapon and len(s):
            s = s[s["weapon"].isna()]
        return s.reset_index(drop=True)


def _kyiv_days(published: "pd.Series") -> "pd.Series":
    import pandas as pd

    p = pd.to_datetime(published, errors="coerce", utc=True)
    return p.dt.tz_convert(KYIV).dt.tz_localize(None).dt.normalize()


@contextlib.contextmanager
def _no_progress_bars() -> Iterator[None]:
    """Progress bars of the loaders off while a notebook loads data (they would print widget
    warnings into the report); the previous ``TQDM_DISABLE`` is restored afterwards."""
    import warnings

    old = os.environ.get("TQDM_DISABLE")
    os.environ["TQDM_DISABLE"] = "1"
    try:
        with warnings.catch_warnings():
            # tqdm.auto warns at import inside a kernel without ipywidgets
            warnings.filterwarnings("ignore", message="IProgress not found")
            yield
    finally:
        if old is None:
            os.environ.pop("TQDM_DISABLE", None)
        else:
            os.environ["TQDM_DISABLE"] = old


def load_week(params: ReportParams) -> WeekData:
    """Load articles and events for the report window and merge the events (via
    :func:`opslens.load_articles`, :func:`opslens.load_events`, :func:`opslens.merge_events`)."""
    import pandas as pd

    from . import load_articles, load_events, merge_events

    t0 = time.perf_counter()
    # Publication times are UTC; a Kyiv day starts 2-3 h earlier and reports of the last night
    # arrive the morning after, so read one extra day at both ends and filter by Kyiv day.
    start = pd.Timestamp(params.start - dt.timedelta(days=1), tz="UTC")
    end = pd.Timestamp(params.end + dt.timedelta(days=2), tz="UTC")
    with _no_progress_bars():
        arts = load_articles(start=start, end=end, sources=list(params.outlets) or None,
                             columns=["id", "url", "title", "published", "source"], data_dir=params.data_dir)
        mentions = load_events(start=start, end=end, data_dir=params.data_dir)
    arts = arts.copy()
    arts["day"] = _kyiv_days(arts["published"])
    if params.outlets and len(mentions):
        mentions = mentions[mentions["article_id"].isin(set(arts["id"]))]
    mentions = mentions[mentions["type"].isin(params.event_types)] if len(mentions) else mentions
    meta = arts[["id", "url", "title", "source"]].rename(columns={"id": "article_id"})
    mentions = mentions.drop(columns=[c for c in ("url", "title", "source") if c in mentions], errors="ignore")
    mentions = mentions.merge(meta, on="article_id", how="left")
    with _no_progress_bars():
        events, links = merge_events(mentions)  # no mentions: the empty frames of the merge contract
    if len(events):
        d = pd.to_datetime(events["date"], errors="coerce")
        events = events[(d >= pd.Timestamp(params.start)) & (d <= pd.Timestamp(params.end))]
    arts = arts[(arts["day"] >= pd.Timestamp(params.start)) & (arts["day"] <= pd.Timestamp(params.end))]
    return WeekData(params=params, articles=arts.reset_index(drop=True), mentions=mentions.reset_index(drop=True),
                    events=events.reset_index(drop=True), links=links, load_seconds=time.perf_counter() - t0)


# --- figures and tables for a section -----------------------------------------------------------

def week_totals(series: "pd.DataFrame", week: IsoWeek) -> "pd.DataFrame":
    """Totals of the report week and the week before, and the change.

    Returns one row per measure (``launched``, ``destroyed``, ``events``) with columns
    ``measure``, ``previous`` (week before), ``this_week``, ``change`` (absolute) and
    ``change_pct`` (``NA`` when the previous week is 0 or unknown).
    """
    import pandas as pd

    from .series import national_rows

    rows = []
    prev = week.shift(-1)
    s = series.copy()
    if len(s):
        s["date"] = pd.to_datetime(s["date"])
        s = national_rows(s)
    for m in ("launched", "destroyed", "events"):
        def total(wk: IsoWeek) -> Any:
            if m not in s or s.empty:
                return pd.NA
            sel = s[(s["date"] >= pd.Timestamp(wk.start)) & (s["date"] <= pd.Timestamp(wk.end))]
            return pd.to_numeric(sel[m], errors="coerce").sum(min_count=1) if len(sel) else 0
        a, b = total(prev), total(week)
        ch = b - a if not (pd.isna(a) or pd.isna(b)) else pd.NA
        pct = round(100.0 * ch / a, 1) if not pd.isna(ch) and a else pd.NA
        rows.append({"measure": m, "previous": a, "this_week": b, "change": ch, "change_pct": pct})
    return pd.DataFrame(rows, columns=["measure", "previous", "this_week", "change", "change_pct"])


#: Below this many in the week before, a percentage change says more about the small base than
#: about the war (6 -> 25 drones is "+317%"); the report then shows the absolute change only.
SMALL_BASE = 10

_MEASURE_WORDS = {"launched": "launched", "destroyed": "shot down", "events": "merged events"}


def format_week_change(totals: "pd.DataFrame") -> "pd.DataFrame":
    """:func:`week_totals` for reading: ``measure`` (words), ``week before``, ``this week``,
    ``change`` ("+19", "-3", "no change") and ``relative`` ("+25%"; "small base: n/a" when the
    week before had fewer than :data:`SMALL_BASE`; "none the week before" when it had 0)."""
    import pandas as pd

    rows = []
    for r in totals.to_dict(orient="records"):
        a, b, ch, pct = r["previous"], r["this_week"], r["change"], r["change_pct"]
        if pd.isna(ch):
            change, rel = "", ""
        else:
            change = "no change" if ch == 0 else f"{int(ch):+d}"
            if not pd.isna(a) and a == 0:
                rel = "none the week before"
            elif not pd.isna(a) and a < SMALL_BASE:
                rel = f"small base ({int(a)}): n/a"
            else:
                rel = "" if pd.isna(pct) else f"{pct:+.0f}%"
        rows.append({"measure": _MEASURE_WORDS.get(r["measure"], r["measure"]),
                     "week before": "" if pd.isna(a) else str(int(a)),
                     "this week": "" if pd.isna(b) else str(int(b)), "change": change, "relative": rel})
    return pd.DataFrame(rows, columns=["measure", "week before", "this week", "change", "relative"])


def weapon_breakdown(series: "pd.DataFrame") -> "pd.DataFrame":
    """Totals per weapon model from a ``by_weapon=True`` daily series of one type: ``weapon``,
    ``launched``, ``destroyed`` (Int64). What the all-weapons rows hold beyond the named models
    is the row ``model not named``, so the rows add up to the national totals."""
    import pandas as pd

    cols = ["weapon", "launched", "destroyed"]
    if series is None or series.empty:
        return pd.DataFrame(columns=cols)
    s = series.copy()
    for c in ("launched", "destroyed"):
        s[c] = pd.to_numeric(s[c], errors="coerce").astype("Float64") if c in s else pd.NA
    named = s[s["weapon"].notna()]
    total = s[s["weapon"].isna()][["launched", "destroyed"]].sum(min_count=1)
    per = named.groupby(named["weapon"].astype(str), sort=True)[["launched", "destroyed"]].sum(min_count=1)
    rest = {c: total[c] - (per[c].sum() if len(per) else 0) for c in ("launched", "destroyed")}
    rows = [{"weapon": w, "launched": r["launched"], "destroyed": r["destroyed"]} for w, r in per.iterrows()]
    if any(not pd.isna(v) and v > 0 for v in rest.values()):
        rows.append({"weapon": "model not named", **{k: (v if not pd.isna(v) and v > 0 else pd.NA)
                                                     for k, v in rest.items()}})
    out = pd.DataFrame(rows, columns=cols)
    for c in ("launched", "destroyed"):
        out[c] = pd.to_numeric(out[c], errors="coerce").round().astype("Int64")
    return out


def assaults_per_day(series: "pd.DataFrame") -> "pd.DataFrame":
    """Ground assaults per Kyiv day from :func:`opslens.daily_series` of ``ground_assault``
    events (national figure when one was given, else the sum of direction reports, flagged
    ``lower_bound``). Returns ``date``, ``assaults`` (Int64), ``lower_bound`` (bool), ``events``."""
    import pandas as pd

    cols = ["date", "assaults", "lower_bound", "events"]
    if series is None or series.empty or "count" not in series:
        return pd.DataFrame(columns=cols)
    s = series.copy()
    if "weapon" in s:
        s = s[s["weapon"].isna()]
    s = s[s["count"].notna()]
    out = pd.DataFrame({
        "date": pd.to_datetime(s["date"]),
        "assaults": s["count"].astype("Int64"),
        "lower_bound": s["lower_bound"].fillna(False).astype(bool) if "lower_bound" in s else False,
        "events": s["events"].astype("Int64") if "events" in s else pd.NA,
    })
    return out.sort_values("date").reset_index(drop=True)[cols]


def admin1_counts(events: "pd.DataFrame") -> "pd.DataFrame":
    """Merged events per admin1 unit (national totals left out): ``admin1``, ``events``,
    ``places`` (the cities named, comma-separated), ``launched``, ``destroyed``."""
    import pandas as pd

    cols = ["admin1", "events", "places", "launched", "destroyed"]
    if events is None or events.empty:
        return pd.DataFrame(columns=cols)
    df = events[events["admin1"].notna() & (events["admin1"].astype("string") != "")].copy()
    if df.empty:
        return pd.DataFrame(columns=cols)
    for q in ("launched", "destroyed"):
        df[q] = pd.to_numeric(df.get(f"{q}_value"), errors="coerce")
    g = df.groupby("admin1", sort=True)
    out = pd.DataFrame({
        "events": g.size(),
        "places": g["place"].agg(lambda s: ", ".join(sorted({str(x) for x in s.dropna() if str(x)}))),
        "launched": g["launched"].sum(min_count=1).astype("Int64"),
        "destroyed": g["destroyed"].sum(min_count=1).astype("Int64"),
    }).reset_index()
    return out.sort_values(["events", "admin1"], ascending=[False, True]).reset_index(drop=True)[cols]


def _items_text(items: Any) -> str:
    if items is None or isinstance(items, float):
        return ""
    parts = []
    try:
        seq = list(items)
    except TypeError:
        return str(items)
    for it in seq:
        if not isinstance(it, Mapping):
            parts.append(str(it))
            continue
        q = it.get("quantity")
        qv = q.get("value") if isinstance(q, Mapping) else q
        parts.append(f"{qv} × {it.get('name')}" if qv is not None else str(it.get("name")))
    return "; ".join(parts)


def aid_packages(events: "pd.DataFrame") -> "pd.DataFrame":
    """One row per aid or procurement event: ``event_id``, ``date``, ``donor``, ``recipient``,
    ``category``, ``items`` (text, "31 × M1 Abrams tank; ..."), ``amount`` (Float64),
    ``currency``."""
    import pandas as pd

    cols = ["event_id", "date", "donor", "recipient", "category", "items", "amount", "currency"]
    if events is None or events.empty:
        return pd.DataFrame(columns=cols)
    df = events.copy()
    out = pd.DataFrame({
        "event_id": df.get("event_id", pd.Series(range(len(df)), index=df.index)).astype(str),
        "date": pd.to_datetime(df["date"], errors="coerce").dt.date,
        "donor": df.get("donor"), "recipient": df.get("recipient"), "category": df.get("category"),
        "items": [_items_text(v) for v in df.get("items", pd.Series([None] * len(df), index=df.index))],
        "amount": pd.to_numeric(df.get("value_amount"), errors="coerce").astype("Float64"),
        "currency": df.get("value_currency"),
    }, index=df.index)
    return out.sort_values(["date", "donor"], na_position="last").reset_index(drop=True)[cols]


def currency_totals(packages: "pd.DataFrame") -> "pd.DataFrame":
    """Total announced value per currency (no conversion): ``currency``, ``packages``, ``total``."""
    import pandas as pd

    cols = ["currency", "packages", "total"]
    if packages is None or packages.empty:
        return pd.DataFrame(columns=cols)
    p = packages[packages["amount"].notna()]
    if p.empty:
        return pd.DataFrame(columns=cols)
    g = p.groupby(p["currency"].astype("string").fillna("?"))
    return pd.DataFrame({"packages": g.size(), "total": g["amount"].sum()}).reset_index(names="currency")[cols]


_FIGURES = ("launched", "destroyed", "count", "killed", "injured")
_QUAL_SIGN = {"at_least": "≥", "at_most": "≤", "approx": "~"}


def _num(row: Mapping[str, Any], *names: str) -> Any:
    import pandas as pd

    for n in names:
        v = row.get(n)
        if v is not None and not pd.isna(v):
            return v
    return None


def _mention_figures(row: Mapping[str, Any]) -> str:
    """What one mention said: "launched 40, destroyed ≥ 36" (qualifiers when known)."""
    parts = []
    for q in _FIGURES:
        v = _num(row, q, f"{q}_value")
        if v is not None:
            qual = row.get(f"{q}_qualifier")
            pre = _QUAL_SIGN.get(qual if isinstance(qual, str) else "", "")
            parts.append(f"{q} {pre}{int(v)}")
    amt = _num(row, "value_amount")
    if amt is not None:
        cur = row.get("value_currency")
        parts.append(f"value {amt:,.0f} {cur if isinstance(cur, str) else ''}".strip())
    return ", ".join(parts)


def linked_mentions(data: WeekData, events: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """The :func:`opslens.merge_events` links (one row per mention: ``event_id``, ``article_id``,
    ``claimed_by``, the mention's own figures, ``evidence_text``, ``url``, ``source``, ``title``)
    of ``events`` (default: the week's events), with the mention's quantity qualifiers and
    currency added from ``data.mentions``."""
    import pandas as pd

    ev = data.week_events if events is None else events
    links, mentions = data.links, data.mentions
    if ev is None or ev.empty or links is None or links.empty or "event_id" not in ev:
        return pd.DataFrame(columns=["event_id", "article_id"])
    m = links[links["event_id"].isin(set(ev["event_id"]))].copy()
    extra = [c for c in (*(f"{q}_qualifier" for q in _FIGURES), "value_currency")
             if c in mentions.columns and c not in m.columns]
    if extra and "mention" in m.columns:
        add = mentions[extra].reindex(m["mention"].to_numpy())
        for c in extra:
            m[c] = add[c].to_numpy()
    return m.reset_index(drop=True)


def evidence_table(data: WeekData, events: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Every merged event of the week with each article that reported it: ``event_id``,
    ``type``, ``date``, ``where``, ``figures`` (what this article said), ``outlet``,
    ``claimed_by``, ``url``, ``title``, ``sentence`` (the evidence, quoted)."""
    import pandas as pd

    cols = ["event_id", "type", "date", "where", "figures", "outlet", "claimed_by", "url", "title", "sentence"]
    m = linked_mentions(data, events)
    if m.empty:
        return pd.DataFrame(columns=cols)
    ev_all = data.events
    na = pd.Series(pd.NA, index=m.index, dtype="string")
    where = m.get("place", na).astype("string").fillna(m.get("admin1", na).astype("string")).fillna("national")
    if "event_id" in ev_all.columns and {"donor", "recipient"} <= set(ev_all.columns):
        parties = ev_all.set_index("event_id")[["donor", "recipient"]].astype("string")
        parties = parties.assign(donor=parties["donor"].fillna("donor not named"),
                                 recipient=parties["recipient"].fillna("recipient not named"))
        arrow = (parties["donor"] + " → " + parties["recipient"]).reindex(m["event_id"].to_numpy()).to_numpy()
        is_deal = m["type"].isin(["aid_announcement", "procurement"]).to_numpy()
        where = where.where(~is_deal, pd.Series(arrow, index=m.index, dtype="string"))
    sentence = m.get("evidence_text", na).astype("string")
    out = pd.DataFrame({
        "event_id": m["event_id"].astype(str),
        "type": m.get("type"),
        "date": pd.to_datetime(m.get("date"), errors="coerce").dt.date,
        "where": where,
        "figures": [_mention_figures(r) for r in m.to_dict(orient="records")],
        "outlet": m.get("source"), "claimed_by": m.get("claimed_by"), "url": m.get("url"),
        "title": m.get("title"),
        "sentence": ("“" + sentence + "”").astype("string"),
    })
    return out.sort_values(["date", "type", "event_id", "outlet"], na_position="last").reset_index(drop=True)[cols]


def disagreements(data: WeekData, events: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Figures on which the articles of one event disagree: ``event_id``, ``type``, ``date``,
    ``figure``, ``values`` ("35 (kyivindependent.com) | 40 (ukrinform.net, citing Air Force)",
    with the qualifier of a bound: "≥91"), ``min``, ``max`` and ``kind``: "conflict" when two
    exact figures differ, "bound" when every differing figure is a bound ("more than 90")
    that the exact figures satisfy, so the sources do not contradict each other."""
    import pandas as pd

    cols = ["event_id", "type", "date", "figure", "values", "min", "max", "kind"]
    m = linked_mentions(data, events)
    if m.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for eid, g in m.groupby("event_id", sort=True):
        for q in (*_FIGURES, "value"):
            col = "value_amount" if q == "value" else (q if q in g else f"{q}_value")
            if col not in g:
                continue
            v = pd.to_numeric(g[col], errors="coerce")
            if v.nunique(dropna=True) < 2:
                continue
            qcol = f"{q}_qualifier"
            qual = (g[qcol].astype("string").fillna("exact") if qcol in g
                    else pd.Series("exact", index=g.index, dtype="string"))
            said = []
            sel = g[v.notna()]
            for (val, ql), sub in sel.groupby([v[v.notna()], qual[v.notna()]], sort=True):
                who = []
                for r in sub.to_dict(orient="records"):
                    src, claim = r.get("source"), r.get("claimed_by")
                    src = str(src) if isinstance(src, str) else "unknown outlet"
                    who.append(f"{src}, citing {claim}" if isinstance(claim, str) and claim else src)
                said.append(f"{_QUAL_SIGN.get(str(ql), '')}{val:g} ({'; '.join(sorted(set(who)))})")
            exact = v[v.notna() & (qual == "exact")]
            bounds = [(float(x), str(ql)) for x, ql in zip(v[v.notna()], qual[v.notna()]) if ql != "exact"]
            fits = exact.nunique() <= 1 and all(
                all({"at_least": e >= x, "at_most": e <= x}.get(ql, True) for e in exact) for x, ql in bounds)
            rows.append({"event_id": str(eid), "type": g["type"].iloc[0],
                         "date": pd.to_datetime(g["date"].iloc[0], errors="coerce").date(), "figure": q,
                         "values": " | ".join(said), "min": v.min(), "max": v.max(),
                         "kind": "bound" if fits else "conflict"})
    return pd.DataFrame(rows, columns=cols)


def day_evidence_links(events: "pd.DataFrame") -> dict[Any, list[str]]:
    """Kyiv day (Timestamp) -> event ids of that day, for the ``evidence`` column of daily tables."""
    import pandas as pd

    if events is None or events.empty or "event_id" not in events:
        return {}
    d = pd.to_datetime(events["date"], errors="coerce")
    out: dict[Any, list[str]] = {}
    for day, eid in zip(d, events["event_id"].astype(str)):
        if not pd.isna(day):
            out.setdefault(pd.Timestamp(day), []).append(eid)
    return out


# --- provenance ---------------------------------------------------------------------------------

def snapshot_hash(data_dir: str | Path | None = None) -> str:
    """sha256 (first 16 hex) of the store manifest: the committed, never-rewritten set of
    Parquet files, so equal hashes mean the report read the same articles."""
    from .store import ArticleStore

    st = ArticleStore(data_dir)
    try:
        raw = st.manifest_path.read_bytes()
    except FileNotFoundError:
        raw = b""
    return hashlib.sha256(raw).hexdigest()[:16]


def provenance(data: WeekData) -> "pd.DataFrame":
    """The provenance block: week, data dir, articles and outlets in the week and in the window,
    snapshot hash, OpsLens version, parameters (as requested), run time. Columns ``field``, ``value``."""
    import pandas as pd

    from . import __version__

    p = data.params
    wa = data.week_articles
    now = dt.datetime.now(dt.timezone.utc)
    rows = [
        ("week", f"{p.week} ({p.week.start:%Y-%m-%d} .. {p.week.end:%Y-%m-%d}, Kyiv days)"),
        ("context", f"{p.start:%Y-%m-%d} .. {p.end:%Y-%m-%d} ({p.context_weeks} previous weeks)"),
        ("data directory", str(p.data_dir)),
        ("articles in week", str(len(wa))),
        ("outlets in week", str(wa["source"].nunique() if len(wa) else 0)),
        ("articles in window", str(len(data.articles))),
        ("event mentions / merged events in window", f"{len(data.mentions)} / {len(data.events)}"),
        ("data snapshot (sha256 of store manifest)", snapshot_hash(p.data_dir)),
        ("OpsLens version", __version__),
        ("parameters", json.dumps({k: (str(v) if isinstance(v, Path) else v) for k, v in p.requested.items()},
                                  default=str)),
        ("generated", now.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("run time", f"{time.time() - p.started:.1f} s (data loading {data.load_seconds:.1f} s)"),
    ]
    return pd.DataFrame(rows, columns=["field", "value"])


# --- safe HTML ----------------------------------------------------------------------------------

_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


def _cell(v: Any) -> str:
    import pandas as pd

    if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return ""
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
    return str(v)


def _link(url: Any, text: str) -> str:
    u = _cell(url)
    if not u or not _SAFE_URL.match(u):
        return html.escape(text)
    return (f'<a href="{html.escape(u, quote=True)}" rel="noopener noreferrer nofollow">'
            f"{html.escape(text or u)}</a>")


def _html_id(key: str) -> str:
    """``key`` as an HTML id (characters outside ``A-Za-z0-9_.:-`` become ``-``), attribute-escaped;
    the anchors of :func:`html_table` and the ``#ev-<id>`` links to them both go through here."""
    return html.escape(re.sub(r"[^A-Za-z0-9_.:-]", "-", key), quote=True)


def html_table(df: "pd.DataFrame", *, links: Mapping[str, str] | None = None,
               anchors: Mapping[str, str] | None = None, refs: str | None = None,
               ref_labels: Mapping[str, str] | None = None, hide: Sequence[str] = (),
               caption: str | None = None, max_rows: int | None = None, css_class: str = "opslens-table") -> str:
    """Render ``df`` as an HTML table with every cell escaped.

    ``links``: column -> column holding its URL (``{"outlet": "url"}`` makes the outlet a link;
    the URL column itself is not shown); only ``http(s)`` URLs become links.
    ``anchors``: column -> id prefix; each first row of a value gets ``id="<prefix><value>"``.
    ``refs``: a column holding lists of event ids, rendered as links to ``#ev-<id>``, each
    shown as its label from ``ref_labels`` ("E3") when it has one, else as the id.
    ``hide``: columns not shown (still usable as ``anchors``; the CSV keeps them).
    """
    links = dict(links or {})
    anchors = dict(anchors or {})
    hidden = set(links.values()) | set(hide)
    labels = dict(ref_labels or {})
    cols = [c for c in df.columns if c not in hidden]
    import pandas as pd

    # numbers right-aligned, dates and numbers never broken over two lines
    klass = {c: (' class="num"' if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
                 else ' class="nw"' if str(c).lower() in ("date", "day", "first", "last", "ref") else "")
             for c in cols}
    out = [f'<table class="{html.escape(css_class)}">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in cols)
               + "</tr></thead><tbody>")
    seen: set[str] = set()
    rows = df if max_rows is None else df.head(max_rows)
    for rec in rows.to_dict(orient="records"):
        rid = ""
        for col, prefix in anchors.items():
            key = f"{prefix}{_cell(rec.get(col))}"
            if key not in seen:
                seen.add(key)
                rid = f' id="{_html_id(key)}"'
        tds = []
        for c in cols:
            v = rec.get(c)
            if c in links:
                tds.append(_link(rec.get(links[c]), _cell(v)))
            elif c == refs:
                ids = list(v) if isinstance(v, (list, tuple)) else []
                if labels:  # E2 before E10, in the order of the evidence table
                    ids.sort(key=lambda i: (str(i) not in labels, len(labels.get(str(i), "")),
                                            labels.get(str(i), ""), str(i)))
                tds.append(" ".join(
                    f'<a href="#{_html_id(f"ev-{i}")}">'
                    f"{html.escape(labels.get(str(i), str(i)))}</a>" for i in ids))
            else:
                tds.append(html.escape(_cell(v)))
        out.append(f"<tr{rid}>" + "".join(f"<td{klass[c]}>{t}</td>" for c, t in zip(cols, tds)) + "</tr>")
    out.append("</tbody></table>")
    if max_rows is not None and len(df) > max_rows:
        out.append(f"<p><em>{len(df) - max_rows} more rows in the CSV file.</em></p>")
    return "\n".join(out)


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")
    if not s:
        raise ValueError(f"output name {name!r} has no usable characters")
    return s


class Output:
    """Shows figures and tables in the notebook and, when ``out_dir`` is set, writes them as
    ``<out_dir>/figures/<name>.png`` and ``<out_dir>/tables/<name>.csv``.

    Figures are displayed as PNG images (so the HTML report embeds them) and closed.
    """

    def __init__(self, out_dir: str | Path | None):
        self.out_dir = Path(out_dir) if out_dir else None
        self.figures: list[Path] = []
        self.tables: list[Path] = []

    def figure(self, ax_or_fig: Any, name: str, *, dpi: int = 110) -> bytes:
        """Show and save a chart (an Axes or Figure); returns the PNG bytes."""
        import io

        fig = ax_or_fig.get_figure() if hasattr(ax_or_fig, "get_figure") and not hasattr(ax_or_fig, "savefig") else ax_or_fig
        fig = getattr(fig, "figure", fig) if not hasattr(fig, "savefig") else fig
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 3})
        png = buf.getvalue()
        if self.out_dir is not None:
            p = self.out_dir / "figures" / f"{_slug(name)}.png"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(png)
            self.figures.append(p)
        alt = ""
        for ax in getattr(fig, "axes", [])[:1]:
            alt = ax.get_title(loc="left") or ax.get_title()
        import matplotlib.pyplot as plt

        plt.close(fig)
        _display_png(png, alt or name.replace("_", " "))
        return png

    def table(self, df: "pd.DataFrame", name: str, *, show: bool = True, csv: "pd.DataFrame | None" = None,
              **html_kw: Any) -> str:
        """Show ``df`` as an escaped HTML table (see :func:`html_table`) and save it as CSV
        (``csv``: another frame to save instead, e.g. the numbers behind a formatted table)."""
        if self.out_dir is not None:
            p = self.out_dir / "tables" / f"{_slug(name)}.csv"
            p.parent.mkdir(parents=True, exist_ok=True)
            flat = (df if csv is None else csv).copy()
            for c in flat.columns:
                if flat[c].dtype == object and flat[c].map(lambda v: isinstance(v, (list, tuple))).any():
                    flat[c] = flat[c].map(lambda v: " ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
            flat.to_csv(p, index=False)
            self.tables.append(p)
        h = html_table(df, **html_kw)
        if show:
            _display_html(h)
        return h

    @staticmethod
    def note(text: str, *, kind: str = "note") -> str:
        """Show a sentence (escaped) in the report, e.g. "No drone attacks reported this week."."""
        h = f'<p class="opslens-{html.escape(kind)}">{html.escape(text)}</p>'
        _display_html(h)
        return h


def _display_png(png: bytes, alt: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    if get_ipython() is not None:
        import base64

        display({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": f"<chart: {alt}>"},
                raw=True, metadata={"image/png": {"alt": alt}})


def _display_html(h: str) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover
        return
    if get_ipython() is not None:
        display(HTML(h))



# --- report sections (each shows figures/tables through ``out``; a notebook cell calls one) -----

_TYPE_WORDS = {"drone_attack": "drone", "missile_attack": "missile", "ground_assault": "ground assault",
               "aid_announcement": "aid", "procurement": "procurement"}


def daily_table(series: "pd.DataFrame", events: "pd.DataFrame") -> "pd.DataFrame":
    """National daily totals of one type with the ids of the events behind each day:
    ``date``, ``launched``, ``destroyed``, ``range`` ("30-40" where sources disagree),
    ``at_least`` ("yes" when the day has no national total and regional reports were summed),
    ``events``, ``articles``, ``note`` ("no figure given" for a day whose reports named no
    number), ``evidence`` (list of event ids; links to the evidence table)."""
    import pandas as pd

    from .series import national_rows

    cols = ["date", "launched", "destroyed", "range", "at_least", "events", "articles", "note", "evidence"]
    if series is None or series.empty:
        return pd.DataFrame(columns=cols)
    s = series.copy()
    s["date"] = pd.to_datetime(s["date"])
    s = national_rows(s)
    num = [c for c in ("launched", "destroyed", "events", "articles", "launched_lower", "launched_upper") if c in s]
    lb = s.groupby("date", sort=True)["lower_bound"].any() if "lower_bound" in s else None
    s = s.groupby("date", sort=True)[num].sum(min_count=1)
    refs = day_evidence_links(events)
    rng = []
    for _d, r in s.iterrows():
        lo, hi = r.get("launched_lower"), r.get("launched_upper")
        rng.append(f"{int(lo)}-{int(hi)}" if lo is not None and hi is not None and not pd.isna(lo)
                   and not pd.isna(hi) and lo != hi else "")
    out = pd.DataFrame({
        "date": s.index.date,
        "launched": pd.to_numeric(s.get("launched"), errors="coerce").astype("Int64") if "launched" in s else pd.NA,
        "destroyed": pd.to_numeric(s.get("destroyed"), errors="coerce").astype("Int64") if "destroyed" in s else pd.NA,
        "range": rng,
        "at_least": ["yes" if lb is not None and bool(lb.get(d, False)) else "" for d in s.index],
        "events": s["events"].astype("Int64") if "events" in s else pd.NA,
        "articles": s["articles"].astype("Int64") if "articles" in s else pd.NA,
        "evidence": [refs.get(pd.Timestamp(d), []) for d in s.index],
    })
    out["note"] = ["no figure given" if pd.isna(a) and pd.isna(b) else ""
                   for a, b in zip(out["launched"], out["destroyed"])]
    return out[cols].reset_index(drop=True)


def summary_section(data: WeekData, out: Output) -> bool:
    """One paragraph on what the week holds; says so plainly when the week has no data.
    Returns ``True`` when there is something to report."""
    p = data.params
    if data.empty:
        first, last, _n = store_span(p.data_dir)
        span = f"{first:%Y-%m-%d} .. {last:%Y-%m-%d}" if first and last else "nothing yet"
        out.note(f"No data for {p.week} ({p.week.start:%d %b} .. {p.week.end:%d %b %Y}): no article was "
                 f"published and no event is dated in this week. The store covers {span}.", kind="empty")
        return False
    wa = data.week_articles
    we = data.week_events
    counts = we["type"].value_counts() if len(we) else {}
    parts = [f"{n} {_TYPE_WORDS[t]} event{'' if n == 1 else 's'}"
             for t in p.event_types for n in [int(counts.get(t, 0))]]
    out.note(f"{p.week} ({p.week.start:%d %b} .. {p.week.end:%d %b %Y}): {len(wa)} articles from "
             f"{wa['source'].nunique() if len(wa) else 0} outlets; merged events: {', '.join(parts)}.")
    if data.coverage_start > p.start:
        out.note(f"The store holds no article before {data.coverage_start:%Y-%m-%d}, so the charts start "
                 f"there instead of {p.start:%Y-%m-%d} (earlier days are unknown, not zero).")
    return True


def attacks_section(data: WeekData, type_: str, out: Output) -> None:
    """Drone or missile attacks: daily launched / shot down with the 7-day average, change
    against the previous week, weapon mix of the week, daily table with evidence links."""
    from . import charts

    import pandas as pd

    word = _TYPE_WORDS[type_]
    p = data.params
    if type_ not in p.event_types:
        out.note(f"{word.capitalize()} attacks are not part of this report (parameter event_types).")
        return
    series = data.series(type_)
    if series.empty:
        out.note(f"No {word} attacks were reported between {p.start:%Y-%m-%d} and {p.end:%Y-%m-%d}.", kind="empty")
        return
    ax = charts.daily_attacks(series, week=p.week, start=data.coverage_start, end=p.end,
                              title=f"{word.capitalize()}s: launched and shot down per day (national, merged)")
    out.figure(ax, f"{word}_daily")
    totals = week_totals(series, p.week)
    shown = format_week_change(totals)
    prev = p.week.shift(-1)
    if data.coverage_start > prev.start:  # the store begins inside or after the week before
        totals = totals.assign(previous=pd.NA, change=pd.NA, change_pct=pd.NA)
        shown = format_week_change(totals).assign(relative=f"{prev} not (fully) in the store, which begins "
                                                           f"{data.coverage_start:%Y-%m-%d}")
    out.table(shown, f"{word}_week_change", csv=totals,
              caption=f"{word.capitalize()}s: {p.week} against {p.week.shift(-1)} (national, merged)")
    ev = data.events_of(type_)
    wk = series[(series["date"] >= _ts(p.week.start)) & (series["date"] <= _ts(p.week.end))]
    by_weapon = data.series(type_, by_weapon=True)
    by_weapon = by_weapon[(by_weapon["date"] >= _ts(p.week.start)) & (by_weapon["date"] <= _ts(p.week.end))] \
        if len(by_weapon) else by_weapon
    mix = weapon_breakdown(by_weapon)
    if len(mix):
        out.figure(charts.weapon_mix(mix, title=f"{word.capitalize()}s by model, {p.week}"), f"{word}_weapons")
        out.table(mix, f"{word}_weapons", caption=f"{word.capitalize()}s by model in {p.week}")
    out.table(daily_table(wk, ev), f"{word}_daily", refs="evidence", ref_labels=data.event_labels,
              caption=f"{word.capitalize()}s per day in {p.week}; evidence links go to the articles below")


def _ts(d: dt.date) -> "pd.Timestamp":
    import pandas as pd

    return pd.Timestamp(d)


def where_section(data: WeekData, out: Output) -> None:
    """Where drones and missiles struck or were shot down in the week: tile map and table."""
    from . import charts

    we = data.week_events
    types = [t for t in ("drone_attack", "missile_attack") if t in data.params.event_types]
    ev = we[we["type"].isin(types)] if len(we) else we
    counts = admin1_counts(ev)
    if counts.empty:
        out.note("No oblast or city was named in this week's drone and missile reports.", kind="empty")
        return
    out.figure(charts.tile_map(counts[["admin1", "events"]], title=f"Drone and missile events by oblast, {data.params.week}"),
               "where_tilemap")
    refs = {a: list(g["event_id"].astype(str)) for a, g in ev[ev["admin1"].notna()].groupby("admin1")} \
        if "event_id" in ev else {}
    counts = counts.assign(evidence=[refs.get(a, []) for a in counts["admin1"]])
    out.table(counts, "where", refs="evidence", ref_labels=data.event_labels, caption="Events per oblast (national totals not included)")


def ground_section(data: WeekData, out: Output) -> None:
    """Ground assaults per day (window) and by direction (week)."""
    from . import charts

    p = data.params
    if "ground_assault" not in p.event_types:
        out.note("Ground assaults are not part of this report (parameter event_types).")
        return
    per_day = assaults_per_day(data.series("ground_assault"))
    if per_day.empty:
        out.note(f"No ground assaults with a count were reported between {p.start:%Y-%m-%d} and {p.end:%Y-%m-%d}.",
                 kind="empty")
        return
    out.figure(charts.ground_assaults(per_day, week=p.week, start=data.coverage_start, end=p.end,
                                      title="Ground assaults per day"), "ground_daily")
    wk_ev = data.events_of("ground_assault", week_only=True)
    if len(wk_ev) and wk_ev["place"].notna().any():
        out.figure(charts.assaults_by_direction(wk_ev, title=f"Ground assaults by direction, {p.week}"),
                   "ground_directions")
    wk = per_day[(per_day["date"] >= _ts(p.week.start)) & (per_day["date"] <= _ts(p.week.end))].copy()
    refs = day_evidence_links(wk_ev)
    wk["evidence"] = [refs.get(_ts(d), []) for d in wk["date"]]
    wk["date"] = wk["date"].dt.date
    wk["at_least"] = ["yes" if b else "" for b in wk.pop("lower_bound")]
    out.table(wk[["date", "assaults", "at_least", "events", "evidence"]], "ground_daily", refs="evidence", ref_labels=data.event_labels,
              caption="Ground assaults per day (at_least: sum of direction reports, no national figure)")


def aid_section(data: WeekData, out: Output) -> None:
    """Aid announcements: timeline by donor and category (window), packages of the week with
    items, quantities and values, totals per currency."""
    from . import charts

    p = data.params
    if "aid_announcement" not in p.event_types:
        out.note("Aid announcements are not part of this report (parameter event_types).")
        return
    ev = data.events_of("aid_announcement")
    if ev is None or ev.empty:
        out.note(f"No aid announcements between {p.start:%Y-%m-%d} and {p.end:%Y-%m-%d}.", kind="empty")
        return
    out.figure(charts.aid_timeline(ev, week=p.week, start=data.coverage_start, end=p.end,
                                   title="Aid announcements by donor and category"), "aid_timeline")
    pk = aid_packages(data.events_of("aid_announcement", week_only=True))
    if pk.empty:
        out.note(f"No aid announcement is dated in {p.week}.", kind="empty")
        return
    pk = pk.assign(donor=pk["donor"].astype("string").fillna("(not named)"))
    out.table(pk.drop(columns=["event_id"]).assign(evidence=[[e] for e in pk["event_id"]]),
              "aid_packages", refs="evidence", ref_labels=data.event_labels, caption=f"Aid packages announced in {p.week}")
    out.table(currency_totals(pk), "aid_totals", caption="Announced value per currency (not converted)")


def procurement_section(data: WeekData, out: Output) -> None:
    """Procurement deals of the week (buyer = recipient, seller = donor)."""
    p = data.params
    if "procurement" not in p.event_types:
        out.note("Procurement is not part of this report (parameter event_types).")
        return
    pk = aid_packages(data.events_of("procurement", week_only=True))
    if pk.empty:
        out.note(f"No procurement deal is dated in {p.week}.", kind="empty")
        return
    pk = pk.rename(columns={"donor": "seller", "recipient": "buyer"}).drop(columns=["category"])
    out.table(pk.drop(columns=["event_id"]).assign(evidence=[[e] for e in pk["event_id"]]),
              "procurement", refs="evidence", ref_labels=data.event_labels, caption=f"Procurement deals in {p.week}")


def evidence_section(data: WeekData, out: Output) -> None:
    """Every event of the week with each article that reported it, then the disagreements."""
    ev = evidence_table(data)
    if ev.empty:
        out.note("No events this week, so no evidence to show.", kind="empty")
        return
    labels = data.event_labels
    ev.insert(0, "ref", [labels.get(e, e) for e in ev["event_id"]])
    shown = ev.assign(type=ev["type"].astype("string").str.replace("_", " "))
    out.table(shown, "evidence", csv=ev, links={"outlet": "url"}, anchors={"event_id": "ev-"}, hide=["event_id"],
              caption="Each event (ref) with every article that reported it: outlet (link), claimant, sentence")
    dis = disagreements(data)
    if dis.empty:
        out.note("No disagreements: every article behind an event gave the same figures.")
    else:
        dis = dis.assign(evidence=[[e] for e in dis["event_id"]]).drop(columns=["event_id"])
        out.table(dis, "disagreements", refs="evidence", ref_labels=data.event_labels,
                  caption="Figures on which sources disagree (the report uses the merged value; all are kept "
                          "here). kind: conflict = exact figures differ; bound = a 'more than'/'at least' "
                          "figure the exact one satisfies")


def week_articles_table(data: WeekData) -> "pd.DataFrame":
    """The articles published in the report week: ``day``, ``outlet``, ``title``, ``url``, ``id``."""
    import pandas as pd

    wa = data.week_articles
    cols = ["day", "outlet", "title", "url", "id"]
    if wa is None or wa.empty:
        return pd.DataFrame(columns=cols)
    t = pd.DataFrame({"day": pd.to_datetime(wa["day"]).dt.date, "outlet": wa["source"].astype("string"),
                      "title": wa["title"].astype("string").fillna("(no title)"), "url": wa["url"],
                      "id": wa["id"]})
    return t.sort_values(["day", "outlet", "id"]).reset_index(drop=True)[cols]


def provenance_section(data: WeekData, out: Output) -> None:
    """The provenance block (see :func:`provenance`) and the list of the week's articles."""
    out.table(provenance(data), "provenance", caption="Provenance")
    arts = week_articles_table(data)
    if len(arts):
        out.table(arts, "articles", links={"title": "url"}, max_rows=300,
                  caption=f"Articles published in {data.params.week} (title links to the article)")


# --- corpus overview ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CorpusParams:
    """Validated parameters of ``corpus_overview.ipynb``."""

    start: dt.date | None
    end: dt.date | None
    data_dir: Path
    out_dir: Path | None


def _parse_day(value: Any, param: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ParameterError(f"parameter {param!r}: expected a date string YYYY-MM-DD or empty, got "
                             f"{type(value).__name__} {value!r}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ParameterError(f"parameter {param!r}: {value!r} is not a date; accepted values: YYYY-MM-DD "
                             "(e.g. '2022-10-03') or empty for the whole store") from None


def validate_corpus_parameters(start: Any = "", end: Any = "", data_dir: Any = None,
                               out_dir: Any = None) -> CorpusParams:
    """Check ``corpus_overview.ipynb`` parameters (dates ``YYYY-MM-DD`` or empty, start <= end)."""
    a, b = _parse_day(start, "start"), _parse_day(end, "end")
    if a and b and a > b:
        raise ParameterError(f"parameters 'start'/'end': start {a} is after end {b}; give start <= end")
    for name, v in (("data_dir", data_dir), ("out_dir", out_dir)):
        if v is not None and not isinstance(v, (str, Path)):
            raise ParameterError(f"parameter {name!r}: expected a folder path (string) or None, got "
                                 f"{type(v).__name__} {v!r}")
    d = _check_data_dir(data_dir)
    return CorpusParams(start=a, end=b, data_dir=d, out_dir=Path(out_dir).expanduser().resolve() if out_dir else None)


@dataclass
class Corpus:
    """Articles of the store for the corpus overview: ``articles`` (``id``, ``title``, ``published``,
    ``source``, ``cluster_id``, ``day``) within the range, ``undated`` (no publication date)."""

    params: CorpusParams
    articles: "pd.DataFrame"
    undated: "pd.DataFrame"


def load_corpus(params: CorpusParams) -> Corpus:
    """Load the store's articles (dated ones within ``start..end``) and its undated articles."""
    import pandas as pd

    from . import load_articles

    cols = ["id", "url", "title", "published", "source", "cluster_id"]
    with _no_progress_bars():
        arts = load_articles(columns=cols, data_dir=params.data_dir)
    dated = arts[arts["published"].notna()].copy()
    dated["day"] = _kyiv_days(dated["published"])
    if params.start:
        dated = dated[dated["day"] >= pd.Timestamp(params.start)]
    if params.end:
        dated = dated[dated["day"] <= pd.Timestamp(params.end)]
    return Corpus(params=params, articles=dated.reset_index(drop=True),
                  undated=arts[arts["published"].isna()].reset_index(drop=True))


def coverage_gaps(articles: "pd.DataFrame", start: Any = None, end: Any = None) -> "pd.DataFrame":
    """Runs of Kyiv days without any article between ``start`` and ``end`` (default: first and
    last article day): ``first``, ``last``, ``days``."""
    import pandas as pd

    cols = ["first", "last", "days"]
    if articles is None or articles.empty:
        return pd.DataFrame(columns=cols)
    days = pd.to_datetime(articles["day"]).dt.normalize()
    lo = pd.Timestamp(start) if start is not None else days.min()
    hi = pd.Timestamp(end) if end is not None else days.max()
    have = set(days)
    rows, run = [], []
    for d in pd.date_range(lo, hi, freq="D"):
        if d in have:
            if run:
                rows.append({"first": run[0].date(), "last": run[-1].date(), "days": len(run)})
            run = []
        else:
            run.append(d)
    if run:
        rows.append({"first": run[0].date(), "last": run[-1].date(), "days": len(run)})
    return pd.DataFrame(rows, columns=cols)


def duplicate_clusters(articles: "pd.DataFrame") -> "pd.DataFrame":
    """Near-duplicate clusters with more than one article: ``cluster_id``, ``articles``,
    ``outlets`` (comma-separated), ``title`` (of the first article), largest first."""
    import pandas as pd

    cols = ["cluster_id", "articles", "outlets", "title"]
    if articles is None or articles.empty or "cluster_id" not in articles:
        return pd.DataFrame(columns=cols)
    a = articles[articles["cluster_id"].notna()]
    g = a.groupby(a["cluster_id"].astype(str), sort=True)
    out = pd.DataFrame({
        "articles": g.size(),
        "outlets": g["source"].agg(lambda s: ", ".join(sorted({str(x) for x in s.dropna()}))),
        "title": g["title"].first(),
    }).reset_index(names="cluster_id")
    out = out[out["articles"] > 1]
    return out.sort_values(["articles", "cluster_id"], ascending=[False, True]).reset_index(drop=True)[cols]


def corpus_summary_section(corpus: Corpus, out: Output) -> None:
    a = corpus.articles
    if a.empty:
        out.note(f"No dated article in the store {corpus.params.data_dir} for this range.", kind="empty")
        return
    out.note(f"{len(a)} dated articles from {a['source'].nunique()} outlets, published "
             f"{a['day'].min():%Y-%m-%d} .. {a['day'].max():%Y-%m-%d} (Kyiv days); {len(corpus.undated)} undated.")
    out.table(a.groupby(a["source"].astype(str)).size().rename("articles").rename_axis("outlet").reset_index()
              .sort_values(["articles", "outlet"], ascending=[False, True]), "corpus_outlets",
              caption="Articles per outlet")


def corpus_daily_section(corpus: Corpus, out: Output) -> None:
    from . import charts

    if corpus.articles.empty:
        out.note("No dated articles to chart.", kind="empty")
        return
    out.figure(charts.articles_per_day(corpus.articles, title="Articles per day by outlet"), "corpus_daily")


def coverage_gaps_section(corpus: Corpus, out: Output) -> None:
    p = corpus.params
    gaps = coverage_gaps(corpus.articles, p.start, p.end)
    if gaps.empty:
        out.note("No gaps: every day in the range has at least one article.")
    else:
        out.table(gaps, "corpus_gaps", caption="Days without articles")


def duplicates_section(corpus: Corpus, out: Output) -> None:
    d = duplicate_clusters(corpus.articles)
    if d.empty:
        out.note("No near-duplicate clusters.")
    else:
        out.table(d, "corpus_duplicates", max_rows=50, caption="Near-duplicate clusters (same story, several outlets)")


def undated_section(corpus: Corpus, out: Output) -> None:
    u = corpus.undated
    if u.empty:
        out.note("Every article has a publication date.")
    else:
        out.table(u[["id", "title", "source", "url"]], "corpus_undated", links={"title": "url"}, max_rows=50,
                  caption="Articles without a publication date")

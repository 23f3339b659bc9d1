"""Charts: every function takes DataFrames (and an optional matplotlib ``ax``) and returns the Axes.

Usable from notebooks, scripts and the weekly report alike. Nothing is drawn at import time and
``matplotlib`` is imported on first use; without a display matplotlib falls back to the Agg
backend, so headless runs (cron, CI, papermill) need no setup.

Input frames (as produced by :func:`opslens.daily_series`, :func:`opslens.merge_events`,
:func:`opslens.load_articles`):

series
    ``date`` (day), ``type``, ``weapon`` (empty/NA = all weapons of the type), ``launched``,
    ``destroyed``, ``events``, ``articles``; optional ``launched_lower``/``launched_upper``
    (and the same for ``destroyed``) where sources disagree.
events
    one row per merged event: ``date``, ``type``, ``admin1``, ``place``, ``donor``,
    ``category``, ``count_value``, ``value_amount``, ``value_currency``.
articles
    ``published`` (tz-aware) and ``source``.

Every chart handles an empty frame by drawing a labelled empty Axes with the text "no data"
(the weekly report shows a sentence instead of such a chart).
"""
from __future__ import annotations

import csv
import logging
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

log = logging.getLogger(__name__)

__all__ = [
    "daily_attacks", "weapon_mix", "tile_map", "ground_assaults", "assaults_by_direction",
    "aid_timeline", "articles_per_day", "tilemap_layout",
]

#: Colours used consistently across charts.
LAUNCHED_COLOR = "#9db4c8"
DESTROYED_COLOR = "#1f4e79"
AVERAGE_COLOR = "#c0392b"
WEEK_SHADE = "#f3e6c4"
CATEGORY_COLORS = {"military": "#1f4e79", "financial": "#2e8b57", "humanitarian": "#d4a017"}


def _axes(ax: "Axes | None", figsize: tuple[float, float] = (9, 3.6)) -> "Axes":
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, new_ax = plt.subplots(figsize=figsize, layout="constrained")
    return new_ax


def _no_data(ax: "Axes", title: str | None, message: str = "no data") -> "Axes":
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, loc="left")
    return ax


def _to_day(values: Any) -> "pd.Series":
    """Dates (strings, datetimes, tz-aware timestamps) -> naive midnight timestamps."""
    import pandas as pd

    s = pd.to_datetime(pd.Series(values), errors="coerce")
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_convert("Europe/Kyiv").dt.tz_localize(None)
    return s.dt.normalize()


def _shade_week(ax: "Axes", week: Any) -> None:
    """Shade the reported week (an object with ``start``/``end`` dates, e.g. ``IsoWeek``)."""
    if week is None:
        return
    import pandas as pd

    start = pd.Timestamp(week.start) - pd.Timedelta(hours=12)
    end = pd.Timestamp(week.end) + pd.Timedelta(hours=12)
    ax.axvspan(start, end, color=WEEK_SHADE, zorder=0, label=f"week {week}")


def _date_axis(ax: "Axes") -> None:
    import matplotlib.dates as mdates

    loc = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _integer_y(ax: "Axes") -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _finish_daily(ax: "Axes", ylabel: str, title: str | None) -> "Axes":
    """Common dressing of the per-day charts: counts from 0, dates, legend beside the plot."""
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    _integer_y(ax)
    _date_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    return ax


def _totals(series: "pd.DataFrame") -> "pd.DataFrame":
    """National daily totals from a series frame: all-weapon rows if present, else the sum by day."""
    import pandas as pd

    from .series import national_rows

    df = series.copy()
    df["date"] = _to_day(df["date"]).to_numpy()
    df = national_rows(df).copy()
    cols = [c for c in ("launched", "destroyed", "launched_lower", "launched_upper") if c in df.columns]
    for c in cols:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Float64")
    return df.groupby("date", sort=True)[cols].sum(min_count=1)


def daily_attacks(series: "pd.DataFrame", *, week: Any = None, start: Any = None, end: Any = None,
                  ax: "Axes | None" = None, title: str | None = None, avg_window: int = 7) -> "Axes":
    """Launched and shot-down per day (bars) with a ``avg_window``-day average of launched (line).

    ``series``: a daily series of one event type (columns ``date``, ``weapon``, ``launched``,
    ``destroyed``; optional ``launched_lower``/``launched_upper`` drawn as a range where sources
    disagree). Rows with an empty weapon are the all-weapon totals; without them, weapons are
    summed. The average is over launched where known, else shot down; days between ``start``
    and ``end`` (default: the series' own span) without a report count as 0. ``week``
    (``IsoWeek``) is shaded.
    """
    import pandas as pd

    ax = _axes(ax)
    if series is None or len(series) == 0:
        return _no_data(ax, title)
    tot = _totals(series)
    lo = pd.Timestamp(start) if start is not None else tot.index.min()
    hi = pd.Timestamp(end) if end is not None else tot.index.max()
    days = pd.date_range(lo, hi, freq="D")
    tot = tot.reindex(days)
    _shade_week(ax, week)
    width = pd.Timedelta(hours=9)
    launched = tot["launched"].astype("float64") if "launched" in tot else pd.Series(float("nan"), index=days)
    destroyed = tot["destroyed"].astype("float64") if "destroyed" in tot else pd.Series(float("nan"), index=days)
    ax.bar(days - width / 2, launched.fillna(0), width=width, color=LAUNCHED_COLOR, label="launched")
    ax.bar(days + width / 2, destroyed.fillna(0), width=width, color=DESTROYED_COLOR, label="shot down")
    if {"launched_lower", "launched_upper"} <= set(tot.columns):
        lo_v = tot["launched_lower"].astype("float64")
        hi_v = tot["launched_upper"].astype("float64")
        m = lo_v.notna() & hi_v.notna() & (lo_v != hi_v)
        if m.any():
            ax.vlines(days[m.to_numpy()] - width / 2, lo_v[m], hi_v[m], color="#333333", lw=1,
                      label="range reported")
    basis = launched.where(launched.notna(), destroyed).fillna(0)
    avg = basis.rolling(avg_window, min_periods=1).mean()
    ax.plot(days, avg, color=AVERAGE_COLOR, lw=2, label=f"{avg_window}-day average")
    return _finish_daily(ax, "per day", title)


def weapon_mix(series: "pd.DataFrame", *, ax: "Axes | None" = None, title: str | None = None) -> "Axes":
    """Launched and shot-down totals per weapon model (horizontal bars), largest first.

    ``series``: a by-weapon daily series (``weapon``, ``launched``, ``destroyed``), already
    limited to the period of interest. Rows with an empty weapon are shown as "model not named".
    """
    import pandas as pd

    n = series["weapon"].nunique(dropna=False) if series is not None and len(series) else 1
    ax = _axes(ax, figsize=(7, 1.3 + 0.45 * min(n, 12)))
    if series is None or len(series) == 0:
        return _no_data(ax, title)
    df = series.copy()
    df["weapon"] = df["weapon"].astype("string").fillna("").replace("", "model not named")
    for c in ("launched", "destroyed"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64") if c in df else float("nan")
    agg = df.groupby("weapon")[["launched", "destroyed"]].sum(min_count=1).fillna(0)
    agg = agg[(agg["launched"] > 0) | (agg["destroyed"] > 0)]
    if agg.empty:
        return _no_data(ax, title)
    agg = agg.assign(_k=agg.max(axis=1)).sort_values("_k")
    y = range(len(agg))
    ax.barh([i + 0.2 for i in y], agg["launched"], height=0.4, color=LAUNCHED_COLOR, label="launched")
    ax.barh([i - 0.2 for i in y], agg["destroyed"], height=0.4, color=DESTROYED_COLOR, label="shot down")
    ax.set_yticks(list(y), list(agg.index))
    ax.legend(loc="lower right", fontsize="small", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    return ax


@lru_cache(maxsize=1)
def tilemap_layout() -> "tuple[tuple[str, str, int, int], ...]":
    """The tile-map layout of Ukraine's 27 admin1 units: ``(admin1, abbr, row, col)`` tuples.

    Read from the package file ``opslens/data/ua_tilemap.csv`` on first use.
    """
    text = resources.files("opslens").joinpath("data/ua_tilemap.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple((r["admin1"], r["abbr"], int(r["row"]), int(r["col"])) for r in rows)


def _counts_by_admin1(counts: Any, value_col: str | None) -> dict[str, float]:
    import pandas as pd

    if isinstance(counts, pd.DataFrame):
        col = value_col or next(c for c in counts.columns if c != "admin1")
        s = counts.set_index("admin1")[col] if "admin1" in counts.columns else counts[col]
    elif isinstance(counts, pd.Series):
        s = counts
    else:
        s = pd.Series(dict(counts))
    s = pd.to_numeric(s, errors="coerce").astype("float64")
    s = s[s.index.notna()]
    return s.groupby(level=0).sum().to_dict()


def tile_map(counts: Any, *, ax: "Axes | None" = None, title: str | None = None,
             value_col: str | None = None, cmap: str = "Reds", label: str = "events") -> "Axes":
    """A tile map of Ukraine's 27 admin1 units, each tile coloured and labelled with its count.

    ``counts``: a Series indexed by canonical admin1 name, a mapping, or a DataFrame with an
    ``admin1`` column and a value column (``value_col``, default the first other column).
    Names outside the layout (e.g. ``Belgorod Oblast``) are not drawn; they are logged and
    listed under the map.
    """
    import matplotlib as mpl
    from matplotlib.patches import Rectangle

    ax = _axes(ax, figsize=(7, 5))
    layout = tilemap_layout()
    vals = _counts_by_admin1(counts, value_col) if counts is not None and len(counts) else {}
    known = {a for a, *_ in layout}
    outside = {k: v for k, v in vals.items() if k not in known and v == v and v > 0}
    if outside:
        log.info("tile map: not in the Ukraine layout, listed below the map: %s", sorted(outside))
    vmax = max([v for k, v in vals.items() if k in known and v == v] + [1.0])
    colormap = mpl.colormaps[cmap]
    n_rows = max(r for *_, r, _c in layout) + 1
    n_cols = max(c for *_, c in layout) + 1
    for admin1, abbr, r, c in layout:
        v = vals.get(admin1, 0.0)
        v = 0.0 if v != v else v
        face = colormap(0.15 + 0.85 * v / vmax) if v > 0 else "#eeeeee"
        ax.add_patch(Rectangle((c, n_rows - 1 - r), 0.94, 0.94, facecolor=face, edgecolor="white"))
        dark = v > 0 and v / vmax > 0.55
        ax.text(c + 0.47, n_rows - 1 - r + 0.62, abbr, ha="center", va="center", fontsize=8,
                color="white" if dark else "#333333")
        ax.text(c + 0.47, n_rows - 1 - r + 0.3, f"{v:g}" if v else "", ha="center", va="center",
                fontsize=10, fontweight="bold", color="white" if dark else "#111111")
    ax.set_xlim(-0.1, n_cols + 0.1)
    ax.set_ylim(-0.1, n_rows + 0.1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if not any(v == v and v > 0 for k, v in vals.items() if k in known):
        ax.text(0.5, -0.05, "no data", transform=ax.transAxes, ha="center", va="top", color="#777777")
    if outside:
        note = "outside Ukraine: " + ", ".join(f"{k} {v:g}" for k, v in sorted(outside.items()))
        ax.text(0, -0.05, note, transform=ax.transAxes, fontsize=8, va="top")
    ax.set_title(title or f"{label} by oblast", loc="left")
    return ax


def ground_assaults(per_day: "pd.DataFrame", *, week: Any = None, start: Any = None, end: Any = None,
                    ax: "Axes | None" = None, title: str | None = None) -> "Axes":
    """Ground assaults per day (bars); a hatched bar marks a lower bound (sum of regional reports).

    ``per_day``: columns ``date``, ``assaults`` and optional bool ``lower_bound``
    (see :func:`opslens.reportlib.assaults_per_day`).
    """
    import pandas as pd

    ax = _axes(ax)
    if per_day is None or len(per_day) == 0:
        return _no_data(ax, title)
    df = per_day.copy()
    df["date"] = _to_day(df["date"]).to_numpy()
    s = df.groupby("date")["assaults"].sum(min_count=1).astype("float64")
    lb = df.groupby("date")["lower_bound"].any() if "lower_bound" in df else pd.Series(False, index=s.index)
    lo = pd.Timestamp(start) if start is not None else s.index.min()
    hi = pd.Timestamp(end) if end is not None else s.index.max()
    days = pd.date_range(lo, hi, freq="D")
    s = s.reindex(days)
    lb = lb.reindex(days, fill_value=False).astype(bool)
    _shade_week(ax, week)
    width = pd.Timedelta(hours=18)
    ax.bar(days[~lb.to_numpy()], s[~lb].fillna(0), width=width, color=DESTROYED_COLOR, label="reported total")
    if lb.any():
        ax.bar(days[lb.to_numpy()], s[lb].fillna(0), width=width, color="white", edgecolor=DESTROYED_COLOR,
               hatch="///", label="at least (sum of directions)")
    return _finish_daily(ax, "assaults per day", title)


def assaults_by_direction(events: "pd.DataFrame", *, ax: "Axes | None" = None, title: str | None = None,
                          top: int = 12) -> "Axes":
    """Ground assaults by direction/place (horizontal bars), the ``top`` largest.

    ``events``: ground-assault events with ``place`` (direction or settlement; empty rows are
    national totals and are left out) and ``count_value``; events without a count count once.
    """
    import pandas as pd

    n_places = events["place"].nunique() if events is not None and len(events) and "place" in events else 1
    ax = _axes(ax, figsize=(7, 1.2 + 0.4 * min(max(n_places, 1), top)))
    if events is None or len(events) == 0:
        return _no_data(ax, title)
    df = events.copy()
    place = df["place"].astype("string") if "place" in df else pd.Series(pd.NA, index=df.index, dtype="string")
    df = df[place.notna() & (place != "")]
    if df.empty:
        return _no_data(ax, title, "no direction named")
    n = pd.to_numeric(df.get("count_value"), errors="coerce").astype("float64").fillna(1.0)
    agg = n.groupby(df["place"].astype(str)).sum().sort_values().tail(top)
    bars = ax.barh(list(agg.index), list(agg.values), color=DESTROYED_COLOR, height=0.6)
    ax.bar_label(bars, labels=[f"{v:g}" for v in agg.values], padding=3, fontsize="small")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(x=0.08)
    ax.set_xlabel("assaults (sum of reported counts)")
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    return ax


def aid_timeline(events: "pd.DataFrame", *, week: Any = None, start: Any = None, end: Any = None,
                 ax: "Axes | None" = None, title: str | None = None, top: int = 15) -> "Axes":
    """Aid announcements over time: one marker per package, a row per donor, colour by category.

    ``start``/``end`` fix the date axis (e.g. the report window); ``week`` is shaded.

    ``events``: aid events with ``date``, ``donor`` and ``category``. Every marker has the same
    size: values come in many currencies and are not converted, so marker areas would compare
    kronor with pounds; the report's package table gives the values.
    Only the ``top`` donors with most packages get a row.
    """
    import numpy as np
    import pandas as pd

    n = events["donor"].nunique(dropna=False) if events is not None and len(events) else 1
    ax = _axes(ax, figsize=(9, 1.6 + 0.32 * min(n, top)))
    if events is None or len(events) == 0:
        return _no_data(ax, title)
    df = events.copy()
    df["date"] = _to_day(df["date"]).to_numpy()
    df = df[df["date"].notna()]
    df["donor"] = df["donor"].astype("string").fillna("(donor not named)")
    if df.empty:
        return _no_data(ax, title)
    order = df["donor"].value_counts().head(top).index.tolist()[::-1]
    df = df[df["donor"].isin(order)]
    ypos = {d: i for i, d in enumerate(order)}
    size = np.full(len(df), 60.0)
    _shade_week(ax, week)
    cats = df["category"].astype("string").fillna("other")
    for cat in sorted(cats.unique()):
        m = (cats == cat).to_numpy()
        ax.scatter(df["date"][m], [ypos[d] for d in df["donor"][m]], s=size[m],
                   color=CATEGORY_COLORS.get(cat, "#888888"), alpha=0.8, label=cat, edgecolor="white")
    ax.set_yticks(range(len(order)), order)
    if start is not None and end is not None:
        ax.set_xlim(pd.Timestamp(start) - pd.Timedelta(days=1), pd.Timestamp(end) + pd.Timedelta(days=1))
    _date_axis(ax)
    ax.legend(loc="upper left", fontsize="small", frameon=False, ncols=4)
    ax.set_ylim(-0.7, len(order) - 0.3 + 0.8)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    return ax


def articles_per_day(articles: "pd.DataFrame", *, by: str = "source", top: int = 8, week: Any = None,
                     ax: "Axes | None" = None, title: str | None = None) -> "Axes":
    """Articles per Kyiv day (stacked bars by ``by``, the ``top`` values, the rest as "other").

    ``articles``: ``published`` (tz-aware or naive) and the ``by`` column (outlet by default).
    """
    import pandas as pd

    ax = _axes(ax)
    if articles is None or len(articles) == 0:
        return _no_data(ax, title)
    day = _to_day(articles["published"]).to_numpy()
    key = articles[by].astype("string").fillna("unknown") if by in articles else pd.Series("all", index=articles.index)
    keep = set(key.value_counts().head(top).index)
    key = key.where(key.isin(keep), "other")
    tab = pd.crosstab(pd.Series(day, name="day"), pd.Series(key.to_numpy(), name=by))
    tab = tab[[c for c in key.value_counts().index if c in tab.columns]]
    if tab.empty:
        return _no_data(ax, title, "no dated articles")
    days = pd.date_range(tab.index.min(), tab.index.max(), freq="D")
    tab = tab.reindex(days, fill_value=0)
    _shade_week(ax, week)
    bottom = pd.Series(0.0, index=days)
    import matplotlib as mpl

    colors = mpl.colormaps["tab10"]
    for i, col in enumerate(tab.columns):
        ax.bar(days, tab[col], bottom=bottom, width=pd.Timedelta(hours=18), label=str(col),
               color="#bbbbbb" if col == "other" else colors(i % 10))
        bottom = bottom + tab[col]
    ax.set_ylabel("articles")
    _integer_y(ax)
    _date_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="x-small", frameon=False)  # beside, not on the bars
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    return ax


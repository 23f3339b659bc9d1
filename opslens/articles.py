"""Articles as a pandas DataFrame: :func:`load_articles` and :func:`export_articles`.

The article DataFrame (one row per stored article version; latest versions by default):

=================  ==========================  ================================================
column             dtype                       meaning
=================  ==========================  ================================================
id                 string                      stable article id (export ids kept)
url                string                      URL as acquired
canonical_url      string                      normalised URL used for identity
title              string                      headline
published          datetime64[us, UTC]         publication time, tz-aware (NaT if unknown)
published_source   string                      json-ld, meta, time, url, htmldate, feed, ...
source             category                    outlet domain, e.g. ``ukrinform.net``
text               string                      body text (title not repeated)
authors            object                      list of str
language           string                      e.g. ``en``
fetched_at         datetime64[us, UTC]         when the raw bytes were fetched / read
origin             string                      ``url``, ``feed:<url>``, ``html:<path>``, ...
cluster_id         string                      near-duplicate cluster (same wire story)
version            int32                       1, 2, ... (changed content at the same URL)
is_latest          bool                        False for versions superseded by a later one
month              category                    partition value ``YYYY-MM`` / ``unknown``
extra              object                      dict of extra fields carried from exports
=================  ==========================  ================================================

Also available through ``columns=``: ``published_raw`` (string, the ISO text as acquired),
``raw_sha256``, ``text_sha256`` (string), ``ingested_at`` (datetime64[us, UTC]).

Filters are pushed down to the Parquet reader: ``start``/``end`` prune whole files by month
directory and by each file's publication-time range (from the store manifest) and then row
groups by Parquet statistics; ``sources``, ``query`` and ``latest`` are
``pyarrow.dataset`` filter expressions evaluated while scanning.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .errors import InputError, StoreError
from .store import ArticleStore, PartInfo, atomic_path, dataset_schema, parse_published

log = logging.getLogger(__name__)

#: default columns of :func:`load_articles`, in order
COLUMNS = ("id", "url", "canonical_url", "title", "published", "published_source", "source", "text",
           "authors", "language", "fetched_at", "origin", "cluster_id", "version", "is_latest",
           "month", "extra")
_STRING_COLUMNS = ("id", "url", "canonical_url", "title", "published_raw", "published_source", "text",
                   "language", "origin", "cluster_id", "raw_sha256", "text_sha256")
_DERIVED = ("is_latest",)


def _bound(value: Any, name: str) -> dt.datetime | None:
    if value is None:
        return None
    d = parse_published(value.isoformat() if hasattr(value, "isoformat") else value)
    if d is None:
        raise InputError(f"{name}={value!r}", "not a date", "give an ISO date like 2024-02-21")
    return d


def _check_query(query: str) -> None:
    """The query runs in Arrow's RE2 engine: reject what RE2 cannot compile (e.g. look-arounds)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array(["x"]), query, ignore_case=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise InputError(f"query={query!r}", f"not a valid regular expression ({str(e).splitlines()[0]})",
                         "use RE2 syntax (no look-arounds or back-references), escape special "
                         "characters, or give a plain word") from e


def _filter_expr(start, end, sources, query, superseded):
    import pyarrow.compute as pc

    conds = []
    if start is not None:
        conds.append(pc.field("published") >= start)
    if end is not None:
        conds.append(pc.field("published") < end)
    if sources is not None:
        srcs = [sources] if isinstance(sources, str) else list(sources)
        srcs = [str(s).strip().lower().removeprefix("www.") for s in srcs]
        conds.append(pc.field("source").isin(srcs))
    if query:
        conds.append(pc.match_substring_regex(pc.field("text"), query, ignore_case=True)
                     | pc.match_substring_regex(pc.field("title"), query, ignore_case=True))
    if superseded:
        conds.append(~pc.field("id").isin(list(superseded)))
    if not conds:
        return None
    expr = conds[0]
    for c in conds[1:]:
        expr = expr & c
    return expr


def _readable_footer(path) -> bool:
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
        return True
    except Exception:  # noqa: BLE001 - any failure means the file is damaged
        return False


def _scan(store: ArticleStore, parts: list[PartInfo], columns: list[str], expr):
    """Scan parts into one table; a part that cannot be read is skipped with a warning."""
    import pyarrow as pa

    try:
        return store.dataset(parts).to_table(columns=columns, filter=expr), []
    except FileNotFoundError:
        raise
    except (OSError, pa.ArrowException) as first:
        log.debug("whole-dataset scan failed (%s); scanning part files one by one", first)
    tables, bad = [], []
    for p in parts:
        try:
            tables.append(store.dataset([p]).to_table(columns=columns, filter=expr))
        except FileNotFoundError:
            raise
        except (OSError, pa.ArrowException) as e:
            if isinstance(e, (pa.ArrowNotImplementedError, pa.ArrowTypeError)) and \
                    _readable_footer(store.articles_dir / p.path):
                raise  # the file is fine: the problem is the filter, not the store
            bad.append(p.path)
            log.warning("%s: unreadable part file skipped (%s); its articles are missing from "
                        "this result: restore the file or ingest its inputs again",
                        store.articles_dir / p.path, str(e).splitlines()[0])
    if not tables:
        return dataset_schema().select(columns).empty_table(), bad
    return pa.concat_tables(tables), bad


def load_articles(start: Any = None, end: Any = None, sources: str | Iterable[str] | None = None,
                  query: str | None = None, columns: Sequence[str] | None = None, *,
                  data_dir: str | os.PathLike[str] | None = None, latest: bool = True):
    """Load stored articles as a DataFrame (columns and dtypes in the module docstring).

    Args:
        start: first publication time included (date, datetime, Timestamp or ISO string;
            a naive value is taken as UTC).
        end: first publication time excluded (``end="2024-02-28"`` ends on the 27th).
            With ``start`` or ``end``, undated articles are left out.
        sources: outlet domain(s), e.g. ``"ukrinform.net"``.
        query: case-insensitive regular expression (a plain word is a substring search)
            matched against text and title.
        columns: subset of columns to return (default :data:`COLUMNS`).
        data_dir: store location (default ``get_settings().data_dir``).
        latest: only the latest version of each URL (default); ``False`` returns every
            version with ``is_latest`` telling which is current.

    Returns:
        A new DataFrame sorted by ``published`` (undated last), then ``id``.

    Raises:
        StoreError: the store manifest is unreadable.

    Examples:
        >>> df = load_articles("2024-02-19", "2024-02-26", query="shahed")  # doctest: +SKIP
    """
    import pandas as pd

    if query is not None:
        _check_query(query)
    want = list(columns) if columns is not None else list(COLUMNS)
    known = set(dataset_schema().names) | set(_DERIVED)
    unknown = [c for c in want if c not in known]
    if unknown:
        raise InputError(f"columns={unknown}", "unknown column(s)",
                         f"choose from {sorted(known - {'minhash'})}")
    start_d, end_d = _bound(start, "start"), _bound(end, "end")
    store = ArticleStore(data_dir)
    for attempt in (1, 2):
        manifest = store.read_manifest()
        superseded = set(manifest.superseded)
        parts = store.parts(start_d, end_d, manifest)
        scan_cols = [c for c in want if c not in _DERIVED]
        need = set(scan_cols) | {"id", "published"}
        scan_cols = [c for c in dataset_schema().names if c in need]
        expr = _filter_expr(start_d, end_d, sources, query, superseded if latest else None)
        log.debug("load_articles: reading %d of %d part files", len(parts), len(manifest.parts))
        try:
            table, _bad = _scan(store, parts, scan_cols, expr)
            break
        except FileNotFoundError:  # compaction swapped files under us: read the manifest again
            if attempt == 2:
                raise StoreError(f"{store.articles_dir}: part files listed in the manifest are "
                                 "missing; run the ingest again to repair the store")
    df = _to_frame(table)
    if "is_latest" in want:
        df["is_latest"] = ~df["id"].isin(superseded) if len(df) else pd.Series([], dtype=bool)
    df = df.sort_values(["published", "id"], na_position="last", kind="stable").reset_index(drop=True)
    return df[want]


def _to_frame(table):
    """pyarrow table -> DataFrame with the documented dtypes."""
    import pandas as pd
    import pyarrow as pa

    def mapper(t):
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            return pd.StringDtype("pyarrow")
        return None

    cols = table.column_names
    plain = [c for c in cols if c not in ("authors", "extra", "month", "source", "minhash")]
    df = table.select(plain).to_pandas(types_mapper=mapper)
    for c in cols:
        if c == "authors":
            df[c] = pd.Series(_lists(table.column(c)), dtype=object)
        elif c == "extra":
            df[c] = pd.Series([json.loads(e) if e and e != "{}" else {} for e in table.column(c).to_pylist()],
                              dtype=object)
        elif c in ("month", "source"):
            df[c] = table.select([c]).cast(pa.schema([(c, pa.dictionary(pa.int32(), pa.string()))])) \
                .column(0).to_pandas()
        elif c == "minhash":
            df[c] = pd.Series(table.column(c).to_pylist(), dtype=object)
    for c in ("published", "fetched_at", "ingested_at"):
        if c in df.columns and str(df[c].dtype) != "datetime64[us, UTC]":
            df[c] = pd.to_datetime(df[c], utc=True).astype("datetime64[us, UTC]")
    if "version" in df.columns:
        df["version"] = df["version"].astype("int32")
    return df[cols]


def _lists(col) -> list[list[str]]:
    """A list<string> column as Python lists (null -> []), without per-row Arrow conversions."""
    arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    offsets = arr.offsets.to_pylist()
    values = arr.values.to_pylist()
    return [values[offsets[i]:offsets[i + 1]] for i in range(len(arr))]


# --- export ---------------------------------------------------------------------------------------

#: fields written after the contract fields (when present in the frame)
_EXPORT_EXTRA = ("canonical_url", "published_source", "authors", "language", "fetched_at", "origin",
                 "cluster_id", "version")


def _json_value(v: Any) -> Any:
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, (list, dict, str)):
        return v.item()
    if hasattr(v, "tolist") and not isinstance(v, (list, dict, str)):
        return v.tolist()
    return v


def article_records(df) -> list[dict[str, Any]]:
    """Article DataFrame -> contract records: ``id, url, title, published, source, text``, then
    the OpsLens fields, then each key of ``extra`` (carried through untouched)."""
    from .schema import ARTICLE_CONTRACT_FIELDS

    out = []
    has_raw = "published_raw" in df.columns
    for r in df.to_dict(orient="records"):
        rec: dict[str, Any] = {}
        for f in ARTICLE_CONTRACT_FIELDS:
            v = _json_value(r.get(f))
            if f == "published":
                raw = _json_value(r.get("published_raw")) if has_raw else None
                v = raw or v
            if f == "text" and v is None:
                v = ""
            rec[f] = v
        for f in _EXPORT_EXTRA:
            if f in r:
                rec[f] = _json_value(r[f])
        for k, v in (r.get("extra") or {}).items():
            rec.setdefault(k, v)
        out.append(rec)
    return out


def export_articles(df=None, path: str | os.PathLike[str] = "articles.jsonl", *,
                    data_dir: str | os.PathLike[str] | None = None, **load_kwargs: Any) -> Path:
    """Write articles in the article contract to ``path`` (JSON Lines, or CSV if it ends in
    ``.csv``; ``.gz`` compresses). ``df=None`` exports ``load_articles(**load_kwargs)`` with
    ``published_raw`` so dates are written exactly as acquired. Returns the path written
    (atomically: a temp file renamed into place)."""
    path = Path(path)
    if df is None:
        cols = list(COLUMNS) + ["published_raw"]
        df = load_articles(columns=cols, data_dir=data_dir, **load_kwargs)
    recs = article_records(df)
    name = path.name.lower().removesuffix(".gz")
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with atomic_path(path) as tmp:
        with opener(tmp, "wt", encoding="utf-8", newline="") as f:
            if name.endswith(".csv"):
                keys: list[str] = []
                for r in recs:
                    keys.extend(k for k in r if k not in keys)
                w = csv.DictWriter(f, fieldnames=keys or ["id", "url", "title", "published", "source", "text"])
                w.writeheader()
                for r in recs:
                    w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                                for k, v in r.items()})
            else:
                for r in recs:
                    f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    log.info("exported %d articles to %s", len(recs), path)
    return path


# --- corpus summary -------------------------------------------------------------------------------

def articles_per_day(df, tz: str = "Europe/Kyiv"):
    """Articles per local day and outlet.

    Args:
        df: article DataFrame with ``published`` (tz-aware) and ``source``.
        tz: the day boundary (default Kyiv local time, as in the event contract).

    Returns:
        A new DataFrame with columns ``date`` (datetime64, naive local day), ``source``
        (string) and ``articles`` (int64), one row per day and outlet that has articles,
        sorted by date then source. Undated articles are left out.
    """
    import pandas as pd

    dated = df.loc[df["published"].notna(), ["published", "source"]]
    out = pd.DataFrame({
        "date": dated["published"].dt.tz_convert(tz).dt.tz_localize(None).dt.normalize(),
        "source": dated["source"].astype("string").fillna("(unknown)"),
    })
    out = out.groupby(["date", "source"], observed=True).size().rename("articles").reset_index()
    out["articles"] = out["articles"].astype("int64")
    return out.sort_values(["date", "source"]).reset_index(drop=True)

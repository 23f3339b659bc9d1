"""The article and event contract (../shared/spec/EVENTS.md), in one place.

Column names and dtypes of every public DataFrame are documented here once.
"""
from __future__ import annotations

from typing import Any

#: Article contract fields (JSON Lines), in order.
ARTICLE_CONTRACT_FIELDS = ("id", "url", "title", "published", "source", "text")

#: Event contract fields (JSON Lines, one object per event mention), in order.
EVENT_CONTRACT_FIELDS = (
    "article_id", "type", "date", "date_precision", "place", "admin1", "country", "lat", "lon",
    "weapon", "launched", "destroyed", "count", "killed", "injured", "actor", "claimed_by",
    "donor", "recipient", "category", "items", "value", "evidence", "confidence",
)

EVENT_TYPES = ("drone_attack", "missile_attack", "ground_assault", "aid_announcement", "procurement")
QUANTITY_FIELDS = ("launched", "destroyed", "count", "killed", "injured")
QUALIFIERS = ("exact", "at_least", "at_most", "approx", "range")

#: Daily series columns (CSV), section 3 of the contract; lower/upper are OpsLens additions.
SERIES_COLUMNS = ("date", "type", "weapon", "launched", "destroyed", "events", "articles")


def quantity(value: int | None, lower: int | None = None, upper: int | None = None,
             qualifier: str = "exact") -> dict[str, Any]:
    """A contract quantity. ``quantity(8)`` -> exact 8/8/8."""
    if qualifier not in QUALIFIERS:
        raise ValueError(f"unknown qualifier {qualifier!r}; one of {QUALIFIERS}")
    if qualifier == "exact" and value is not None:
        lower = value if lower is None else lower
        upper = value if upper is None else upper
    return {"value": value, "lower": lower, "upper": upper, "qualifier": qualifier}


def empty_event(article_id: str, type_: str) -> dict[str, Any]:
    """An event mention with every contract field present and null (items per section 8)."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}; one of {EVENT_TYPES}")
    ev: dict[str, Any] = {f: None for f in EVENT_CONTRACT_FIELDS}
    ev["article_id"] = article_id
    ev["type"] = type_
    ev["items"] = [] if type_ in ("aid_announcement", "procurement") else None
    return ev


# --- event mentions as a DataFrame -------------------------------------------------------------
#
# ``events_frame`` turns contract records into the public event DataFrame: every contract field
# as a column (quantities, ``value``, ``items`` and ``evidence`` kept as dicts/lists so nothing is
# lost), plus flat convenience columns for analysis:
#
#   <q>_value, <q>_lower, <q>_upper  (Int64)   for q in launched, destroyed, count, killed, injured
#   <q>_qualifier                     (string)
#   value_amount (Float64), value_currency (string)
#   evidence_text (string), evidence_start, evidence_end (Int64)
#   date (datetime64[ns], naive Kyiv-local day), type/date_precision/... (string)
#
# Extra keys in the records (e.g. ``url``, ``source``, ``published``, ``event_id``) are kept as
# columns. ``event_records`` is the inverse and writes back exactly the contract fields plus extras.

_FLAT_SUFFIXES = ("value", "lower", "upper")


def events_frame(records: "Any") -> "Any":
    """Contract event records (iterable of dicts) -> event DataFrame (see module notes)."""
    import pandas as pd

    rows = []
    for r in records:
        row = {f: r.get(f) for f in EVENT_CONTRACT_FIELDS}
        for k, v in r.items():
            if k not in row:
                row[k] = v
        rows.append(row)
    df = pd.DataFrame(rows, columns=list(EVENT_CONTRACT_FIELDS) if not rows else None)
    for f in EVENT_CONTRACT_FIELDS:
        if f not in df.columns:
            df[f] = None
    for q in QUANTITY_FIELDS:
        col = df[q]
        for s in _FLAT_SUFFIXES:
            df[f"{q}_{s}"] = pd.array([(v or {}).get(s) if isinstance(v, dict) else None for v in col], dtype="Int64")
        df[f"{q}_qualifier"] = pd.array([(v or {}).get("qualifier") if isinstance(v, dict) else None for v in col], dtype="string")
    df["value_amount"] = pd.array([v.get("amount") if isinstance(v, dict) else None for v in df["value"]], dtype="Float64")
    df["value_currency"] = pd.array([v.get("currency") if isinstance(v, dict) else None for v in df["value"]], dtype="string")
    ev = df["evidence"]
    df["evidence_text"] = pd.array([v.get("text") if isinstance(v, dict) else None for v in ev], dtype="string")
    df["evidence_start"] = pd.array([v.get("start") if isinstance(v, dict) else None for v in ev], dtype="Int64")
    df["evidence_end"] = pd.array([v.get("end") if isinstance(v, dict) else None for v in ev], dtype="Int64")
    df["date"] = pd.to_datetime(df["date"], errors="coerce", format="%Y-%m-%d")
    for f in ("article_id", "type", "date_precision", "place", "admin1", "country", "weapon", "actor",
              "claimed_by", "donor", "recipient", "category"):
        df[f] = df[f].astype("string")
    for f in ("lat", "lon", "confidence"):
        df[f] = pd.to_numeric(df[f], errors="coerce").astype("Float64")
    return df


def _plain(v: Any) -> Any:
    """pandas/numpy scalars and NA -> plain JSON values."""
    import math

    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.strftime("%Y-%m-%d") if v == v.normalize() and v.tzinfo is None else v.isoformat()
    except ImportError:  # pragma: no cover
        pass
    if hasattr(v, "item") and not isinstance(v, (list, dict, str)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def event_records(df: "Any", extra: bool = True) -> list[dict[str, Any]]:
    """Event DataFrame -> contract records (flat convenience columns dropped)."""
    flat = {f"{q}_{s}" for q in QUANTITY_FIELDS for s in (*_FLAT_SUFFIXES, "qualifier")}
    flat |= {"value_amount", "value_currency", "evidence_text", "evidence_start", "evidence_end"}
    out = []
    for r in df.to_dict(orient="records"):
        rec = {f: _plain(r.get(f)) for f in EVENT_CONTRACT_FIELDS}
        if extra:
            for k, v in r.items():
                if k not in rec and k not in flat:
                    rec[k] = _plain(v)
        out.append(rec)
    return out

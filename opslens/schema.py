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

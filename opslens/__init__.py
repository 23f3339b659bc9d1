"""OpsLens: follow military operations through the news.

Public API (imported lazily, so ``import opslens`` is fast)::

    load_articles, export_articles, ingest        # articles in, tidy DataFrame out
    extract_events, load_events                   # event mentions from article text
    merge_events, daily_series, official_series   # events, daily national series
    run_report                                    # the weekly report (papermill)
    get_settings                                  # paths

Plotting functions live in :mod:`opslens.charts`.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "get_settings": "opslens.settings",
    "load_articles": "opslens.articles",
    "export_articles": "opslens.articles",
    "ingest": "opslens.ingest",
    "extract_events": "opslens.extract",
    "load_events": "opslens.extract",
    "merge_events": "opslens.merge",
    "daily_series": "opslens.series",
    "official_series": "opslens.official",
    "run_report": "opslens.report",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'opslens' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__

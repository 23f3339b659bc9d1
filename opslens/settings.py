"""One settings object for every path OpsLens reads or writes.

Every path derives from one project root. Each can be overridden by an
environment variable (``OPSLENS_ROOT``, ``OPSLENS_DATA_DIR``,
``OPSLENS_CACHE_DIR``, ``OPSLENS_REPORTS_DIR``) or, on the command line, by
``--data DIR``. Nothing here reads or creates a file at import time.

Store layout below ``data_dir``::

    articles/             Parquet dataset, hive-partitioned by ``month=YYYY-MM``
    events/               cached extraction results (recomputed on extractor change)
    cache/raw/            raw HTTP responses, content-addressed (sha256)
    cache/feeds.json      feed entries already seen
    ingest_log.jsonl      one line per ingested / failed input
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path


def _default_root() -> Path:
    env = os.environ.get("OPSLENS_ROOT")
    if env:
        return Path(env).expanduser().resolve()
    # Running from a source checkout: the folder holding pyproject.toml.
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").is_file() and (here / "opslens").is_dir():
        return here
    return Path.cwd().resolve()


@dataclass(frozen=True)
class Settings:
    """Paths used by OpsLens. Build with :func:`get_settings`."""

    root: Path
    data_dir: Path
    cache_dir: Path
    reports_dir: Path

    @property
    def articles_dir(self) -> Path:
        return self.data_dir / "articles"

    @property
    def events_dir(self) -> Path:
        return self.data_dir / "events"

    @property
    def raw_cache_dir(self) -> Path:
        return self.cache_dir / "raw"

    @property
    def ingest_log(self) -> Path:
        return self.data_dir / "ingest_log.jsonl"

    @property
    def sample_dir(self) -> Path:
        return self.root / "data" / "sample"

    @property
    def notebooks_dir(self) -> Path:
        return self.root / "notebooks"

    def with_data_dir(self, data_dir: str | os.PathLike[str] | None) -> "Settings":
        """A copy whose data directory (and cache below it) is ``data_dir``."""
        if data_dir is None:
            return self
        d = Path(data_dir).expanduser().resolve()
        cache = Path(os.environ["OPSLENS_CACHE_DIR"]).expanduser().resolve() if os.environ.get("OPSLENS_CACHE_DIR") else d / "cache"
        return replace(self, data_dir=d, cache_dir=cache)


def get_settings(data_dir: str | os.PathLike[str] | None = None) -> Settings:
    """Settings from the environment, with ``data_dir`` (e.g. a ``--data`` flag) on top."""
    root = _default_root()
    env = os.environ
    data = Path(env["OPSLENS_DATA_DIR"]).expanduser().resolve() if env.get("OPSLENS_DATA_DIR") else root / "data" / "store"
    cache = Path(env["OPSLENS_CACHE_DIR"]).expanduser().resolve() if env.get("OPSLENS_CACHE_DIR") else data / "cache"
    reports = Path(env["OPSLENS_REPORTS_DIR"]).expanduser().resolve() if env.get("OPSLENS_REPORTS_DIR") else root / "reports"
    s = Settings(root=root, data_dir=data, cache_dir=cache, reports_dir=reports)
    return s.with_data_dir(data_dir) if data_dir is not None else s

"""Ingest orchestration: inputs -> article records (acquisition) -> the article store.

:func:`ingest` takes what a user names (URLs, feeds, saved HTML files/folders, WARC files,
JSON Lines/CSV exports), lets :func:`opslens.sources.iter_records` turn them into article
records, and adds them to the store in batches (:class:`opslens.store.StoreWriter`).
:func:`ingest_records` does the second half for records you already have.

Every input item leaves one line in the ingest log (``settings.ingest_log``, JSON Lines)::

    {"time": "...Z", "status": "ok" | "duplicate" | "new-version" | "error",
     "origin": "html:data/sample/html/a.html", "url": "...", "id": "...",
     "duplicate_of": null, "cluster_id": "...", "message": null}

Lines of stored items are written right after their batch is committed, so after a crash the
log never claims more than the store holds. A problem with one item is an error line and a
:class:`opslens.errors.InputError` in :attr:`IngestStats.errors`; the run goes on.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, OpsLensError
from .settings import Settings, get_settings
from .store import AddResult, ArticleStore

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
#: an item of the record stream that asks :func:`ingest_records` to commit now
COMMIT = object()
#: input kinds whose records are committed one by one (see :func:`ingest`)
_COMMIT_EACH_KINDS = frozenset({"feed", "url", "url-list"})
#: a month with this many part files is compacted at the end of an ingest
AUTO_COMPACT_PARTS = 32


@dataclass
class IngestStats:
    """What an ingest did. ``errors`` holds one :class:`InputError` per failed item."""

    added: int = 0
    duplicate: int = 0
    new_version: int = 0
    errors: list[OpsLensError] = field(default_factory=list)
    data_dir: Path | None = None

    @property
    def stored(self) -> int:
        """Articles written (new articles plus new versions)."""
        return self.added + self.new_version

    @property
    def succeeded(self) -> int:
        """Items that ended in the store (written now or already there)."""
        return self.added + self.new_version + self.duplicate

    def summary(self) -> str:
        """One line, e.g. ``12 added, 3 duplicate, 1 new version, 2 errors``."""
        return (f"{self.added} added, {self.duplicate} duplicate, {self.new_version} new version"
                f"{'s' if self.new_version != 1 else ''}, {len(self.errors)} "
                f"error{'s' if len(self.errors) != 1 else ''}")


class IngestLog:
    """Append-only JSON Lines log of ingest outcomes (one line per input item)."""

    def __init__(self, path: Path):
        self.path = path

    def write(self, entries: Iterable[Mapping[str, Any]]) -> None:
        lines = "".join(json.dumps(e, ensure_ascii=False, default=str) + "\n" for e in entries)
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(lines)
            f.flush()
            os.fsync(f.fileno())


def read_ingest_log(data_dir: str | os.PathLike[str] | None = None):
    """The ingest log as a DataFrame (columns time, status, origin, url, id, duplicate_of,
    cluster_id, message; all pandas ``string``). A torn last line (crash) is skipped."""
    import pandas as pd

    path = get_settings(data_dir).ingest_log
    rows = []
    with contextlib.suppress(FileNotFoundError), open(path, encoding="utf-8") as f:
        for line in f:
            with contextlib.suppress(ValueError):
                rows.append(json.loads(line))
    cols = ["time", "status", "origin", "url", "id", "duplicate_of", "cluster_id", "message"]
    return pd.DataFrame(rows, columns=cols).astype("string")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _entry(res: AddResult, rec: Mapping[str, Any]) -> dict[str, Any]:
    return {"time": _now(), "status": res.status, "origin": rec.get("origin"), "url": rec.get("url"),
            "id": res.id, "duplicate_of": res.duplicate_of, "cluster_id": res.cluster_id,
            "message": res.message}


def _error_entry(err: BaseException) -> dict[str, Any]:
    return {"time": _now(), "status": "error", "origin": getattr(err, "source", None), "url": None,
            "id": None, "duplicate_of": None, "cluster_id": None, "message": str(err)}


def _progress_disabled(progress: bool) -> bool:
    return (not progress) or os.environ.get("TQDM_DISABLE", "").lower() not in ("", "0", "false")


def ingest_records(records: Iterable[Mapping[str, Any] | BaseException], *,
                   data_dir: str | os.PathLike[str] | Settings | None = None,
                   batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = True,
                   total: int | None = None, stats: IngestStats | None = None) -> IngestStats:
    """Add article records (dicts in the article record contract) to the store.

    Items that are exceptions (``InputError`` yielded by acquisition) are logged as errors;
    the item :data:`COMMIT` commits what is pending.
    Commits every ``batch_size`` stored articles and at the end; if the iteration is
    interrupted (Ctrl-C, or an input raising), what was read so far is committed before the
    exception propagates.
    """
    from tqdm.auto import tqdm

    settings = data_dir if isinstance(data_dir, Settings) else get_settings(data_dir)
    stats = stats or IngestStats()
    stats.data_dir = settings.data_dir
    ilog = IngestLog(settings.ingest_log)
    store = ArticleStore(settings)

    def committed(results: list[tuple[AddResult, Mapping[str, Any]]]) -> None:
        ilog.write(_entry(r, rec) for r, rec in results)
        for r, rec in results:
            if r.status == "ok":
                stats.added += 1
            elif r.status == "new-version":
                stats.new_version += 1
            elif r.status == "duplicate":
                stats.duplicate += 1
            else:
                stats.errors.append(InputError(rec.get("origin") or rec.get("url") or "record",
                                               r.message or "not stored"))

    with store.writer(batch_size=batch_size, on_commit=committed) as w, \
            tqdm(total=total, unit="article", desc="ingest", disable=_progress_disabled(progress)) as bar:
        try:
            for item in records:
                if item is COMMIT:
                    w.commit()
                    continue
                bar.update(1)
                if isinstance(item, BaseException):
                    stats.errors.append(item)
                    ilog.write([_error_entry(item)])
                    log.info("%s", item)  # the caller lists stats.errors
                    continue
                w.add(item)
        except BaseException:  # Ctrl-C or a failing input: keep what was read before it
            w.commit()
            raise
        w.commit()
        w.compact(min_parts=AUTO_COMPACT_PARTS)
    log.info("ingest into %s: %s", settings.data_dir, stats.summary())
    return stats


def ingest(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
           data_dir: str | os.PathLike[str] | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
           extractor: str | None = None, delay: float = 1.0, mapping: Mapping[str, str] | None = None,
           progress: bool = True) -> IngestStats:
    """Ingest URLs, feeds, saved HTML files/folders, WARC files and JSON Lines/CSV exports.

    Args:
        inputs: one input or a list (paths or http(s) URLs; a ``.txt`` file lists URLs).
        data_dir: store location (default ``get_settings().data_dir``).
        batch_size: articles per committed batch (a crash loses at most one batch in flight).
        extractor: body-text extractor name (see :mod:`opslens.parse`; default: the best one).
        delay: politeness delay between requests to one host, seconds.
        mapping: export column -> article field, e.g. ``{"headline": "title"}``.
        progress: show a tqdm progress bar (also off with ``TQDM_DISABLE=1``).

    Returns:
        :class:`IngestStats`; per-item problems are in ``stats.errors`` and the ingest log.

    Raises:
        InputError: an input is unusable as a whole (e.g. not a WARC file).
    """
    from . import sources  # acquisition side
    from .fetch import Fetcher

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = [os.fspath(i) for i in inputs]
    if extractor is not None:
        from .parse import BODY_EXTRACTORS

        if extractor not in BODY_EXTRACTORS:
            raise InputError(f"extractor {extractor!r}", "no such body extractor",
                             f"choose one of {', '.join(sorted(BODY_EXTRACTORS))}")
    settings = get_settings(data_dir)
    stats = IngestStats()
    errors: list[BaseException] = []
    kwargs: dict[str, Any] = {"settings": settings, "mapping": dict(mapping or {}),
                              "on_error": errors.append}
    if extractor is not None:
        kwargs["extractor"] = extractor
    with Fetcher(settings, delay=delay) as fetcher:

        def items():
            for inp in inputs:
                try:
                    kind = sources.detect_kind(inp)
                except InputError as e:
                    errors.append(e)
                    yield from _drain(errors)
                    continue
                # Feeds mark entries as seen once their records were taken: commit each record
                # before asking for the next, so "seen" never runs ahead of the store. Network
                # inputs are slow anyway, so a commit per record costs nothing noticeable.
                each = kind in _COMMIT_EACH_KINDS
                try:
                    for rec in sources.iter_records([inp], fetcher=fetcher, **kwargs):
                        yield from _drain(errors)
                        yield rec
                        if each:
                            yield COMMIT
                except InputError as e:  # the whole input is unusable: note it, go on
                    errors.append(e)
                yield from _drain(errors)

        return ingest_records(items(), data_dir=settings, batch_size=batch_size,
                              progress=progress, stats=stats)


def _drain(errors: list[BaseException]):
    while errors:
        yield errors.pop(0)


class _CallableModule(type(os)):
    """``import opslens.ingest`` binds the package attribute ``opslens.ingest`` to this module,
    shadowing the public function of the same name; calling the module calls the function, so
    ``opslens.ingest(...)`` works whatever was imported before."""

    def __call__(self, *args: Any, **kwargs: Any) -> IngestStats:
        return ingest(*args, **kwargs)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _CallableModule

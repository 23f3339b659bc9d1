"""Ingest orchestration: inputs -> article records (acquisition) -> the article store.

:func:`ingest` takes what a user names (URLs, feeds, saved HTML files/folders, WARC files,
JSON Lines/CSV exports), lets :func:`opslens.sources.iter_records` turn them into article
records, and adds them to the store in batches (:class:`opslens.store.StoreWriter`).
:func:`ingest_records` does the second half for records you already have.

Every input item leaves one line in the ingest log (``settings.ingest_log``, JSON Lines)::

    {"time": "...Z", "status": "ok" | "duplicate" | "new-version" | "error",
     "origin": "html:data/sample/html/a.html", "url": "...", "id": "...",
     "duplicate_of": null, "cluster_id": "...", "message": null, "raw_sha256": "..."}

Lines of stored items are written right after their batch is committed, so after a crash the
log never claims more than the store holds. A problem with one item is an error line and a
:class:`opslens.errors.InputError` in :attr:`IngestStats.errors`; the run goes on.

Reruns are cheap. Before a raw page (saved HTML file, fetched or cached URL, WARC record) is
parsed, :func:`ingest` looks its raw bytes up (:class:`RawIndex`): a stored article made from
the same bytes (``raw_sha256`` column), or an earlier ingest-log line for the same bytes whose
article (``id`` / ``duplicate_of``) is in the store, e.g. a WARC copy found to duplicate a
stored page. When the page has a URL before parsing (URL fetches, WARC records) that earlier
item must also have had the same canonical URL. On a hit the page is not parsed (20-40 ms saved
a page) and the item is logged as ``"duplicate"`` of that article with the message
``unchanged since stored``. Changed bytes are parsed as usual: a changed page at a stored URL
becomes a new version. The store does not remember which extractor produced a row, so after
changing ``extractor`` (or upgrading the parsing code) pass ``reparse=True``
(``opslens ingest --reparse``) to parse everything again. A store written before raw hashes
were logged becomes fast from its second rerun (the first logs the hashes).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
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
    cluster_id, message, raw_sha256; all pandas ``string``). A torn last line (crash) is skipped."""
    import pandas as pd

    path = get_settings(data_dir).ingest_log
    rows = []
    with contextlib.suppress(FileNotFoundError), open(path, encoding="utf-8") as f:
        for line in f:
            with contextlib.suppress(ValueError):
                rows.append(json.loads(line))
    return pd.DataFrame(rows, columns=list(_LOG_COLUMNS)).astype("string")


#: the fields of one ingest-log line, in order (the columns of :func:`read_ingest_log`)
_LOG_COLUMNS = ("time", "status", "origin", "url", "id", "duplicate_of", "cluster_id", "message", "raw_sha256")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _log_line(status: str, **fields: Any) -> dict[str, Any]:
    """One ingest-log line: every :data:`_LOG_COLUMNS` field, ``None`` where not given."""
    return {"time": _now(), "status": status, **{k: fields.get(k) for k in _LOG_COLUMNS[2:]}}


def _entry(res: AddResult, rec: Mapping[str, Any]) -> dict[str, Any]:
    return _log_line(res.status, origin=rec.get("origin"), url=rec.get("url"), id=res.id,
                     duplicate_of=res.duplicate_of, cluster_id=res.cluster_id, message=res.message,
                     raw_sha256=rec.get("raw_sha256"))


@dataclass(frozen=True)
class Unchanged:
    """An item of the record stream: a raw page already stored (not parsed again).

    ``origin`` is the item's origin, ``url`` its URL (the stored canonical URL for a saved page), ``id`` the
    stored article it is the same as."""

    origin: str
    url: str | None
    id: str
    raw_sha256: str | None = None


_UNCHANGED_MESSAGE = "unchanged since stored (same raw bytes); not parsed again"


def _unchanged_entry(u: Unchanged) -> dict[str, Any]:
    return _log_line("duplicate", origin=u.origin, url=u.url, id=u.id, duplicate_of=u.id,
                     message=_UNCHANGED_MESSAGE, raw_sha256=u.raw_sha256)


class RawIndex:
    """Known raw pages by the sha256 of their bytes, for :func:`ingest`'s skip test.

    Loaded lazily on the first :meth:`find`, from (1) the committed store rows having a raw hash
    (``raw_sha256``, ``canonical_url``, ``id``) and (2) ingest-log lines (``ok``, ``new-version``,
    ``duplicate``) carrying ``raw_sha256`` whose article id is in the store (a log kept beside a
    deleted or replaced store is ignored). Keys are the first 64 bits of the hash in a sorted
    numpy array; a hit is confirmed against the full hash.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._table = None

    def _store_rows(self, store: ArticleStore, parts) -> "Any":
        import pyarrow as pa
        import pyarrow.compute as pc

        t = store.dataset(parts).to_table(columns=["raw_sha256", "canonical_url", "id"],
                                          filter=pc.field("raw_sha256").is_valid())
        return pa.table({"raw": t["raw_sha256"], "url": t["canonical_url"], "id": t["id"],
                         "canonical": pa.repeat(True, t.num_rows)})

    def _log_rows(self, store: ArticleStore, parts) -> "Any":
        import pyarrow as pa
        import pyarrow.compute as pc

        raws: list[str] = []
        urls: list[str | None] = []
        ids: list[str] = []
        with contextlib.suppress(FileNotFoundError), open(self.settings.ingest_log, encoding="utf-8") as f:
            for line in f:
                if '"raw_sha256": "' not in line:
                    continue
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                aid = e.get("duplicate_of") or e.get("id")
                raw = e.get("raw_sha256")
                if e.get("status") in ("ok", "new-version", "duplicate") and aid and isinstance(raw, str):
                    raws.append(raw)
                    urls.append(e.get("url"))
                    ids.append(aid)
        t = pa.table({"raw": pa.array(raws, pa.string()), "url": pa.array(urls, pa.string()),
                      "id": pa.array(ids, pa.string()), "canonical": pa.array([False] * len(raws))})
        if not raws:
            return t
        stored = store.dataset(parts).to_table(columns=["id"])["id"].combine_chunks()
        return t.filter(pc.is_in(t["id"], value_set=stored))

    def _load(self) -> None:
        import numpy as np
        import pyarrow as pa

        store = ArticleStore(self.settings)
        parts = store.read_manifest().parts
        tables = []
        if parts:
            try:
                tables = [self._store_rows(store, parts), self._log_rows(store, parts)]
            except (OSError, pa.ArrowException) as e:  # the writer reports damaged parts itself
                log.warning("%s: cannot read stored raw hashes (%s); every page is parsed again",
                            store.articles_dir, str(e).splitlines()[0])
                tables = []
        schema = pa.schema([("raw", pa.string()), ("url", pa.string()), ("id", pa.string()),
                            ("canonical", pa.bool_())])
        table = pa.concat_tables([t.cast(schema) for t in tables]) if tables else schema.empty_table()
        table = table.combine_chunks()
        raw = table["raw"]
        keys = np.empty(len(raw), dtype=np.uint64)
        step = 65_536
        for start in range(0, len(raw), step):
            vals = raw.slice(start, step).to_pylist()
            keys[start:start + len(vals)] = [int(v[:16], 16) if v and _HEX.fullmatch(v) else 0 for v in vals]
        order = np.argsort(keys, kind="stable")
        self._keys, self._rows, self._table = keys[order], order, table

    def find(self, raw_sha256: str, url: str | None = None) -> tuple[str, str | None] | None:
        """``(id, URL)`` of a known article made from these raw bytes (and, when ``url`` is given,
        at the same canonical URL), else ``None``."""
        import numpy as np

        if not raw_sha256 or not _HEX.fullmatch(raw_sha256):
            return None
        if self._table is None:
            self._load()
        k = np.uint64(int(raw_sha256[:16], 16))
        lo = int(np.searchsorted(self._keys, k, "left"))
        hi = int(np.searchsorted(self._keys, k, "right"))
        if lo == hi:
            return None
        from .urls import canonicalize

        canon = canonicalize(url) if url else None
        t = self._table
        for i in range(lo, hi):
            row = int(self._rows[i])
            if t["raw"][row].as_py() != raw_sha256:
                continue
            row_url = t["url"][row].as_py()
            if url:
                row_canon = row_url if t["canonical"][row].as_py() else canonicalize(row_url)
                if row_canon != canon:
                    continue
            return t["id"][row].as_py(), row_url
        return None


_HEX = re.compile(r"[0-9a-f]{64}")


def _error_entry(err: BaseException) -> dict[str, Any]:
    return _log_line("error", origin=getattr(err, "source", None), message=str(err))


def _progress_disabled(progress: bool) -> bool:
    return (not progress) or os.environ.get("TQDM_DISABLE", "").lower() not in ("", "0", "false")


def ingest_records(records: Iterable[Mapping[str, Any] | BaseException], *,
                   data_dir: str | os.PathLike[str] | Settings | None = None,
                   batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = True,
                   total: int | None = None, stats: IngestStats | None = None) -> IngestStats:
    """Add article records (dicts in the article record contract) to the store.

    Items that are exceptions (``InputError`` yielded by acquisition) are logged as errors;
    :class:`Unchanged` items (pages already stored, not parsed) are logged and counted as
    duplicates; the item :data:`COMMIT` commits what is pending.
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

    unchanged: list[dict[str, Any]] = []  # log lines of pages already stored, written in bulk

    def flush_unchanged() -> None:
        ilog.write(unchanged)
        unchanged.clear()

    with store.writer(batch_size=batch_size, on_commit=committed) as w, \
            tqdm(total=total, unit="article", desc="ingest", disable=_progress_disabled(progress)) as bar:
        try:
            for item in records:
                if item is COMMIT:
                    w.commit()
                    continue
                bar.update(1)
                if isinstance(item, Unchanged):
                    stats.duplicate += 1
                    unchanged.append(_unchanged_entry(item))
                    if len(unchanged) >= batch_size:
                        flush_unchanged()
                    continue
                if isinstance(item, BaseException):
                    stats.errors.append(item)
                    ilog.write([_error_entry(item)])
                    log.debug("%s", item)  # the caller lists stats.errors (the CLI prints them)
                    continue
                w.add(item)
        except BaseException:  # Ctrl-C or a failing input: keep what was read before it
            w.commit()
            flush_unchanged()
            raise
        w.commit()
        flush_unchanged()
        w.compact(min_parts=AUTO_COMPACT_PARTS)
    log.info("ingest into %s: %s", settings.data_dir, stats.summary())
    return stats


def ingest(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
           data_dir: str | os.PathLike[str] | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
           extractor: str | None = None, delay: float = 1.0, mapping: Mapping[str, str] | None = None,
           progress: bool = True, reparse: bool = False, refresh: bool = False) -> IngestStats:
    """Ingest URLs, feeds, saved HTML files/folders, WARC files and JSON Lines/CSV exports.

    Args:
        inputs: one input or a list (paths or http(s) URLs; a ``.txt`` file lists URLs).
        data_dir: store location (default ``get_settings().data_dir``).
        batch_size: articles per committed batch (a crash loses at most one batch in flight).
        extractor: body-text extractor name (see :mod:`opslens.parse`; default: the best one).
        delay: politeness delay between requests to one host, seconds.
        mapping: export column -> article field, e.g. ``{"headline": "title"}``.
        progress: show a tqdm progress bar (also off with ``TQDM_DISABLE=1``).
        reparse: parse every page even when its raw bytes are already stored (see module doc:
            needed after changing ``extractor``); by default such pages are skipped.
        refresh: download URLs again instead of reading them from the raw cache, to catch
            articles changed since (a changed page becomes a new version; unchanged ones stay
            duplicates). By default a URL is downloaded once.

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
    errors: list[Any] = []  # InputErrors and Unchanged notes, passed on in order
    kwargs: dict[str, Any] = {"settings": settings, "mapping": dict(mapping or {}),
                              "on_error": errors.append}
    if extractor is not None:
        kwargs["extractor"] = extractor
    if not reparse:
        raw_index = RawIndex(settings)

        def skip(origin: str, url: str | None, raw_sha256: str) -> bool:
            hit = raw_index.find(raw_sha256, url)
            if hit is None:
                return False
            errors.append(Unchanged(origin=origin, url=url or hit[1], id=hit[0], raw_sha256=raw_sha256))
            return True

        kwargs["skip"] = skip
    with Fetcher(settings, delay=delay, use_cache=not refresh) as fetcher:

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


def _drain(errors: list[Any]):
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

"""The on-disk article store: a plain Parquet dataset, hive-partitioned by publication month.

Layout below ``settings.articles_dir`` (``<data_dir>/articles``)::

    month=2024-01/part-00000003-1a2b3c4d.parquet   committed part files (never modified)
    month=unknown/part-...parquet                  articles without a publication date
    month=2024-01/.tmp-....parquet                 being written (ignored: dot prefix)
    _manifest.json                                 the committed file set (ignored: underscore)
    _damaged/                                      unreadable parts set aside by a writer (ignored)

The directory is readable as is by pyarrow, DuckDB (``read_parquet('articles/*/*.parquet',
hive_partitioning=true)``, checked with DuckDB 2.0), Dask or Spark: no custom format, only
Parquet files whose month comes from the directory name. Such direct readers see every
version of an article (keep the highest ``version`` per ``canonical_url`` for the latest) and,
between a crash and the next ingest, possibly the files of an uncommitted batch;
:func:`opslens.articles.load_articles` sees neither.

Crash safety. A writer holds ``<data_dir>/.ingest.lock`` (``fcntl.flock``). A batch is written
as one new part file per month it touches: each file is written under a dot-prefixed temporary
name, flushed to disk and renamed into place (``os.replace``); then ``_manifest.json`` is
replaced atomically with a version listing the new files. The manifest is the commit point:
:func:`opslens.articles.load_articles` reads only files the manifest lists, so a batch becomes
visible whole or not at all. A writer killed between the renames and the manifest leaves
orphan part files; the next writer deletes them (their records were never committed and are
ingested again on the rerun). Files are never rewritten in place; compaction writes new files,
swaps the manifest, then deletes the old files, and readers retry once if a file vanished.

Identity and versions. Each article row carries ``canonical_url``, ``text_sha256`` (of the
whitespace-normalised text) and ``version``. The same canonical URL with the same text hash is
the same article (a duplicate); a different text at a known URL is a new version (``version``
+1, id ``<base id>-v<n>``), and the id it supersedes is listed under ``superseded`` in the
manifest so readers can return latest versions only. The same non-empty text at another URL is
an exact duplicate and is merged into the first (logged, not stored). Near-duplicates (the same
wire story on several sites) are kept, with a shared ``cluster_id`` found by MinHash over word
3-shingles (128 hashes) with LSH banding (32 bands x 4 rows), joining the most similar article
published at most ``NEAR_DUP_DAYS`` (3) apart with an estimated Jaccard similarity of at least 0.8
(templated bulletins of one outlet on different days score 0.6-0.75 and stay apart). Only the
signatures of the months around an incoming article are loaded, so memory does not grow with
the store.

Stored columns (Parquet schema :func:`file_schema`; ``month`` comes from the directory):

=================  ===========================  ==============================================
column             type                         meaning
=================  ===========================  ==============================================
id                 string                       stable id: supplied by an export, else first 16
                                                hex of sha256(canonical URL or text hash);
                                                later versions get ``-v2``, ``-v3`` ...
url                string                       final / canonical URL as acquired
canonical_url      string                       normalised URL used for identity
title              string
published          timestamp[us, UTC]           publication time (date-only -> 00:00 UTC)
published_raw      string                       the ISO 8601 string as acquired (kept for export)
published_source   string                       where the date came from (json-ld, meta, ...)
source             string                       outlet domain, e.g. ``ukrinform.net``
text               string                       body text
authors            list<string>
language           string
fetched_at         timestamp[us, UTC]           when the raw bytes were fetched / read
raw_sha256         string                       key in the raw-HTML cache
origin             string                       ``url``, ``feed:<url>``, ``html:<path>`` ...
extra              string                       JSON object of extra export fields
text_sha256        string                       sha256 of the whitespace-normalised text
version            int32                        1, 2, ... for changed content at one URL
cluster_id         string                       near-duplicate cluster (id of its first member)
ingested_at        timestamp[us, UTC]           when this row was committed
minhash            binary                       128 x uint16 MinHash signature (internal)
=================  ===========================  ==============================================
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import StoreError
from .settings import Settings, get_settings
from .urls import canonicalize

log = logging.getLogger(__name__)

MANIFEST_NAME = "_manifest.json"
LOCK_NAME = ".ingest.lock"
UNKNOWN_MONTH = "unknown"
#: rows per Parquet row group: small enough that a week's query skips most of a month file
ROW_GROUP_SIZE = 8_192
_PART_RE = re.compile(r"^part-\d{8}-[0-9a-f]{8}\.parquet$")

# MinHash / LSH parameters (see module docstring)
NUM_PERM = 128
BANDS = 32
ROWS_PER_BAND = NUM_PERM // BANDS
SHINGLE_WORDS = 3
NEAR_DUP_THRESHOLD = 0.8
#: near-duplicates are published at most this many days apart
NEAR_DUP_DAYS = 3
#: near-duplicate index entries kept in memory by one writer before it starts afresh
NEAR_DUP_LIMIT = 100_000


def file_schema():
    """The Parquet schema of every part file (without the ``month`` partition column)."""
    import pyarrow as pa  # imported lazily: ``import opslens`` stays fast

    ts = pa.timestamp("us", tz="UTC")
    return pa.schema([
        ("id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("published", ts),
        ("published_raw", pa.string()),
        ("published_source", pa.string()),
        ("source", pa.string()),
        ("text", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("language", pa.string()),
        ("fetched_at", ts),
        ("raw_sha256", pa.string()),
        ("origin", pa.string()),
        ("extra", pa.string()),
        ("text_sha256", pa.string()),
        ("version", pa.int32()),
        ("cluster_id", pa.string()),
        ("ingested_at", ts),
        ("minhash", pa.binary()),
    ])


def dataset_schema():
    """:func:`file_schema` plus the ``month`` partition column (string)."""
    import pyarrow as pa

    return file_schema().append(pa.field("month", pa.string()))


# --- small pure helpers -------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def normalize_text(text: str | None) -> str:
    """Whitespace-collapsed, stripped text: what ``text_sha256`` is computed over."""
    return _WS.sub(" ", text or "").strip()


def text_hash(text: str | None) -> str:
    """sha256 hex of :func:`normalize_text` (the exact-duplicate key)."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def base_id(canonical_url: str | None, text_sha256: str) -> str:
    """First 16 hex of sha256(canonical URL), or of the text hash when there is no URL."""
    key = canonical_url if canonical_url else f"text:{text_sha256}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def versioned_id(base: str, version: int) -> str:
    """``base`` for version 1, ``base-v<n>`` after."""
    return base if version <= 1 else f"{base}-v{version}"


def parse_published(value: Any) -> "dt.datetime | None":
    """ISO 8601 string / datetime -> aware UTC datetime (date-only = 00:00 UTC; naive = UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime(value.year, value.month, value.day)
    else:
        s = str(value).strip()
        if s.endswith("Z") or s.endswith("z"):
            s = s[:-1] + "+00:00"
        try:
            d = dt.datetime.fromisoformat(s)
        except ValueError:
            try:
                d = dt.datetime.combine(dt.date.fromisoformat(s[:10]), dt.time())
            except ValueError:
                return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return d.astimezone(dt.timezone.utc)


def month_of(published: "dt.datetime | None") -> str:
    """``YYYY-MM`` of a UTC datetime, ``unknown`` for None (the partition value)."""
    return published.strftime("%Y-%m") if published is not None else UNKNOWN_MONTH


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --- near-duplicates: MinHash + LSH -------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)
_PERM = None


def _perms():
    """Multiply-shift hash family: h_i(x) = (a_i * x + b_i mod 2**64) >> 32, a_i odd."""
    global _PERM
    if _PERM is None:
        import numpy as np

        rng = np.random.default_rng(20240221)
        a = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
        _PERM = (a, b)
    return _PERM


def minhash(text: str | None) -> bytes | None:
    """128 x uint16 MinHash signature of the word 3-shingles of ``text`` (None if too short)."""
    import numpy as np

    words = _TOKEN.findall((text or "").lower())
    if len(words) < SHINGLE_WORDS + 5:
        return None
    wh = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    k1, k2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
    sh = np.unique(wh[:-2] * k1 + wh[1:-1] * k2 + wh[2:])  # one 64-bit key per distinct shingle
    a, b = _perms()
    h = (sh[:, None] * a[None, :] + b[None, :]) >> np.uint64(32)
    sig = (h.min(axis=0) & np.uint64(0xFFFF)).astype("<u2")
    return sig.tobytes()


def signature_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two :func:`minhash` signatures."""
    import numpy as np

    return float(np.mean(np.frombuffer(a, "<u2") == np.frombuffer(b, "<u2")))


def _band_keys(sig: bytes) -> list[int]:
    """One int per LSH band: the band number and its ``ROWS_PER_BAND`` signature values."""
    w = ROWS_PER_BAND * 2
    return [int.from_bytes(sig[i * w:(i + 1) * w], "little") << 8 | i for i in range(BANDS)]


# --- identity index of the stored articles ------------------------------------------------------

class _StoredIndex:
    """Compact lookup of stored articles by canonical URL, text hash and id.

    Keys are 64-bit hashes (Python's ``hash``, valid within this process) in sorted numpy
    arrays; a hit is confirmed against the real string in Arrow arrays, so a hash collision
    can never merge two articles. About 40 bytes per article plus the Arrow columns, instead
    of several hundred for Python dicts of strings.
    """

    def __init__(self, tables: list[Any]):
        import numpy as np
        import pyarrow as pa

        cols = ["id", "canonical_url", "text_sha256", "version", "cluster_id"]
        if tables:
            t = pa.concat_tables(tables).select(cols).combine_chunks()
        else:
            t = pa.table({c: pa.array([], pa.int32() if c == "version" else pa.string()) for c in cols})
        self.ids = _one_chunk(t["id"])
        self.urls = _one_chunk(t["canonical_url"])
        self.texts = _one_chunk(t["text_sha256"])
        self.clusters = _one_chunk(t["cluster_id"])
        version = np.asarray(t["version"].to_numpy(zero_copy_only=False), dtype=np.int64)
        uh = _hashes(self.urls)
        order = np.lexsort((version, uh))
        self.u_keys, self.u_rows = uh[order], order
        th = _hashes(self.texts, skip=_EMPTY_HASH)
        order = np.argsort(th, kind="stable")
        self.t_keys, self.t_rows = th[order], order
        ih = _hashes(self.ids)
        order = np.argsort(ih, kind="stable")
        self.i_keys, self.i_rows = ih[order], order
        self.version = version

    @staticmethod
    def _rows(keys, rows, value: str) -> list[int]:
        """Rows whose key equals ``hash(value)``, in ``keys`` order (candidates to confirm)."""
        import numpy as np

        h = hash(value)
        lo = int(np.searchsorted(keys, h, "left"))
        hi = int(np.searchsorted(keys, h, "right"))
        return [int(r) for r in rows[lo:hi]]

    def latest(self, canon: str) -> tuple[int, str, str, str] | None:
        for row in reversed(self._rows(self.u_keys, self.u_rows, canon)):  # highest version first
            if self.urls[row].as_py() == canon:
                return (int(self.version[row]), self.texts[row].as_py(), self.ids[row].as_py(),
                        self.clusters[row].as_py())
        return None

    def same_text(self, th: str) -> str | None:
        for row in self._rows(self.t_keys, self.t_rows, th):
            if self.texts[row].as_py() == th:
                return self.ids[row].as_py()
        return None

    def has_id(self, aid: str) -> bool:
        return any(self.ids[row].as_py() == aid for row in self._rows(self.i_keys, self.i_rows, aid))


def _one_chunk(col):
    import pyarrow as pa

    return col.combine_chunks() if col.num_chunks != 1 else col.chunk(0) if col.num_chunks else pa.array([], col.type)


def _hashes(arr, skip: str | None = None):
    """int64 hash of every string in ``arr`` (nulls and ``skip`` -> a value no lookup matches),
    converted in slices so the temporary Python strings stay few."""
    import numpy as np

    out = np.empty(len(arr), dtype=np.int64)
    step = 65_536
    for start in range(0, len(arr), step):
        vals = arr.slice(start, step).to_pylist()
        out[start:start + len(vals)] = [hash(v) if v is not None and v != skip else _NO_KEY for v in vals]
    return out


_NO_KEY = -(2**63)


# --- manifest -----------------------------------------------------------------------------------

@dataclass
class PartInfo:
    """One committed part file, as listed in the manifest."""

    path: str  # relative to the articles dir, e.g. "month=2024-01/part-00000001-1a2b3c4d.parquet"
    month: str
    rows: int
    min_published: str | None
    max_published: str | None
    batch: int

    def overlaps(self, start: dt.datetime | None, end: dt.datetime | None) -> bool:
        """Could this file hold articles published in [start, end)?"""
        if self.month == UNKNOWN_MONTH:
            return start is None and end is None
        if self.min_published is None or self.max_published is None:
            return True
        if start is not None and dt.datetime.fromisoformat(self.max_published) < start:
            return False
        if end is not None and dt.datetime.fromisoformat(self.min_published) >= end:
            return False
        return True


@dataclass
class Manifest:
    """The committed state: part files, superseded ids, next batch number."""

    parts: list[PartInfo] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    next_batch: int = 1
    format: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "next_batch": self.next_batch,
                "parts": [p.__dict__ for p in self.parts], "superseded": self.superseded}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "Manifest":
        return cls(parts=[PartInfo(**p) for p in d.get("parts", [])],
                   superseded=list(d.get("superseded", [])),
                   next_batch=int(d.get("next_batch", 1)), format=int(d.get("format", 1)))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A dot-prefixed temporary path beside ``path`` to write to; on a clean exit the file is
    fsynced and renamed to ``path`` (``os.replace``), on an error it is removed.

    >>> with atomic_path(target) as tmp:  # doctest: +SKIP
    ...     tmp.write_bytes(data)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{uuid.uuid4().hex}-{path.name}"
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


# --- the store ----------------------------------------------------------------------------------

class ArticleStore:
    """Read side of the store (cheap to create; nothing is read until asked)."""

    def __init__(self, data_dir: str | os.PathLike[str] | Settings | None = None):
        self.settings = data_dir if isinstance(data_dir, Settings) else get_settings(data_dir)
        self.data_dir = self.settings.data_dir
        self.articles_dir = self.settings.articles_dir
        self.manifest_path = self.articles_dir / MANIFEST_NAME

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def read_manifest(self) -> Manifest:
        """The committed state (an empty manifest when the store has never been written)."""
        try:
            raw = self.manifest_path.read_bytes()
        except FileNotFoundError:
            return Manifest()
        try:
            return Manifest.from_json(json.loads(raw))
        except (ValueError, TypeError, KeyError) as e:
            raise StoreError(f"{self.manifest_path}: unreadable store manifest ({e}); restore it from "
                             "a backup or delete the articles folder and ingest again") from e

    def parts(self, start: dt.datetime | None = None, end: dt.datetime | None = None,
              manifest: Manifest | None = None) -> list[PartInfo]:
        """Committed part files that may hold articles published in ``[start, end)`` (pruned
        by month directory and by each file's min/max publication time)."""
        m = manifest or self.read_manifest()
        return [p for p in m.parts if p.overlaps(start, end)]

    def dataset(self, parts: Iterable[PartInfo]):
        """A ``pyarrow.dataset.Dataset`` over exactly these part files (no file is opened)."""
        import pyarrow.dataset as ds

        paths = [str(self.articles_dir / p.path) for p in parts]
        part = ds.partitioning(_month_schema(), flavor="hive")
        return ds.dataset(paths, schema=dataset_schema(), format="parquet", partitioning=part,
                          partition_base_dir=str(self.articles_dir))

    @contextlib.contextmanager
    def writer(self, **kw: Any) -> Iterator["StoreWriter"]:
        """Exclusive writer (blocks while another process writes); commits on clean exit."""
        w = StoreWriter(self, **kw)
        try:
            yield w
            w.commit()
        finally:
            w.close()


def _month_schema():
    import pyarrow as pa

    return pa.schema([("month", pa.string())])


@dataclass
class AddResult:
    """Outcome of :meth:`StoreWriter.add` for one record."""

    status: str  # "ok" | "duplicate" | "new-version" | "error"
    id: str | None = None
    duplicate_of: str | None = None
    cluster_id: str | None = None
    message: str | None = None


class StoreWriter:
    """Adds article records to the store in batches (see module docstring for the guarantees).

    Holds the store lock from creation to :meth:`close`. On open it removes debris from a
    crashed writer (temp files, part files not in the manifest) and loads the identity index
    (canonical URL -> latest version and text hash; text hash -> id) from the store; MinHash
    signatures are loaded later, only for the months around the articles being added.
    """

    def __init__(self, store: ArticleStore, *, batch_size: int = 500, on_commit=None,
                 near_dup_limit: int = NEAR_DUP_LIMIT):
        self.store = store
        self.batch_size = max(1, int(batch_size))
        self.near_dup_limit = int(near_dup_limit)
        self.on_commit = on_commit  # callable(list[AddResult-with-record]) after each commit
        try:
            store.articles_dir.mkdir(parents=True, exist_ok=True)
            self._lock_f = open(store.data_dir / LOCK_NAME, "a+")
        except OSError as e:
            raise StoreError(f"{store.data_dir}: cannot write the article store here ({e.strerror or e}); "
                             "choose a writable folder with --data DIR or OPSLENS_DATA_DIR") from e
        try:
            fcntl.flock(self._lock_f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("%s: another process is writing to this store; waiting for it to finish",
                     store.data_dir)
            fcntl.flock(self._lock_f.fileno(), fcntl.LOCK_EX)
        self._closed = False
        self.manifest = store.read_manifest()
        self._cleanup_debris()
        self._pending: list[dict[str, Any]] = []
        self._pending_results: list[tuple[AddResult, Mapping[str, Any]]] = []
        self._pending_superseded: list[str] = []
        self._load_index()

    # -- recovery and index --
    def _cleanup_debris(self) -> None:
        listed = {p.path for p in self.manifest.parts}
        for d in self.store.articles_dir.glob("month=*"):
            if not d.is_dir():
                continue
            for f in d.iterdir():
                rel = f"{d.name}/{f.name}"
                if f.name.startswith(".tmp-") or (_PART_RE.match(f.name) and rel not in listed):
                    log.warning("%s: removing %s left by an interrupted ingest (not committed; "
                                "its articles are ingested again)", self.store.articles_dir, rel)
                    with contextlib.suppress(FileNotFoundError):
                        f.unlink()
        for f in self.store.articles_dir.glob(".tmp-*"):
            with contextlib.suppress(FileNotFoundError):
                f.unlink()

    def _load_index(self) -> None:
        self.by_url: dict[str, tuple[int, str, str, str]] = {}  # canon -> (version, text hash, id, cluster)
        self.by_text: dict[str, str] = {}  # text hash -> id
        self.ids: set[str] = set()
        self._stored = _StoredIndex([])
        self._reset_near_dup()
        if not self.manifest.parts:
            return
        import pyarrow as pa

        cols = ["id", "canonical_url", "text_sha256", "version", "cluster_id"]
        try:
            tables = [self.store.dataset(self.manifest.parts).to_table(columns=cols)]
        except (OSError, pa.ArrowException):
            tables, bad = [], []
            for p in self.manifest.parts:  # find the bad file(s); index the rest
                try:
                    tables.append(self.store.dataset([p]).to_table(columns=cols))
                except (OSError, pa.ArrowException) as e:
                    bad.append(p)
                    log.warning("%s: %s (%s); moved out of the store so that its articles are ingested "
                                "again on this and later runs", self.store.articles_dir / p.path,
                                "part file missing" if isinstance(e, FileNotFoundError) else "unreadable part file",
                                str(e).splitlines()[0])
            self._quarantine(bad)
        self._stored = _StoredIndex(tables)

    def _publish(self, m: Manifest) -> None:
        """Replace the manifest with ``m`` atomically: the commit point of every change."""
        atomic_write_bytes(self.store.manifest_path, json.dumps(m.to_json(), indent=0).encode())
        self.manifest = m

    def _quarantine(self, bad: list[PartInfo]) -> None:
        """Drop damaged or missing part files from the manifest (atomically); damaged files are
        kept under ``articles/_damaged/`` (ignored by readers) for inspection."""
        if not bad:
            return
        qdir = self.store.articles_dir / "_damaged"
        for p in bad:
            src = self.store.articles_dir / p.path
            if src.exists():
                qdir.mkdir(exist_ok=True)
                os.replace(src, qdir / p.path.replace("/", "__"))
        gone = {p.path for p in bad}
        m = Manifest(parts=[p for p in self.manifest.parts if p.path not in gone],
                     superseded=self.manifest.superseded, next_batch=self.manifest.next_batch)
        self._publish(m)

    def _index(self, aid: str, canon: str | None, th: str, version: int, cluster: str) -> None:
        """Remember an article added in this session (the stored ones are in ``_stored``)."""
        self.ids.add(aid)
        if canon:
            cur = self.by_url.get(canon)
            if cur is None or version > cur[0]:
                self.by_url[canon] = (version, th, aid, cluster)
        if th and th != _EMPTY_HASH:
            self.by_text.setdefault(th, aid)

    def _latest(self, canon: str) -> tuple[int, str, str, str] | None:
        """(version, text hash, id, cluster) of the latest version stored or added for ``canon``."""
        return self.by_url.get(canon) or self._stored.latest(canon)

    def _same_text(self, th: str) -> str | None:
        return self.by_text.get(th) or self._stored.same_text(th)

    def _id_taken(self, aid: str) -> bool:
        return aid in self.ids or self._stored.has_id(aid)

    def _reset_near_dup(self) -> None:
        """Empty the near-duplicate index (loaded again lazily, per month, from the store)."""
        self._nd_bands: dict[int, int | list[int]] = {}  # band key -> item number(s)
        self._nd_items: list[tuple[str, bytes, dt.datetime | None]] = []  # (cluster, sig, published)
        self._nd_ids: set[str] = set()
        self._nd_months: set[str] = set()
        self._nd_loaded = 0  # items read from the store since the last reset

    def _trim_near_dup(self) -> None:
        """Bound memory on long ingests: past the limit, commit and start the index afresh."""
        if len(self._nd_items) > max(self.near_dup_limit, 2 * self._nd_loaded):
            self.commit()
            self._reset_near_dup()

    def _nd_add(self, aid: str, cluster: str, sig: bytes | None, published: dt.datetime | None) -> None:
        if not sig or aid in self._nd_ids:
            return
        self._nd_ids.add(aid)
        n = len(self._nd_items)
        self._nd_items.append((cluster, sig, published))
        bands = self._nd_bands
        for k in _band_keys(sig):
            cur = bands.get(k)
            if cur is None:
                bands[k] = n
            elif isinstance(cur, list):
                cur.append(n)
            else:
                bands[k] = [cur, n]

    def _near_dup_months(self, published: dt.datetime | None) -> None:
        """Load the signatures of stored articles that could be near-duplicates of an article
        published at ``published``: its month and the neighbouring ones (undated: undated)."""
        if published is None:
            months = {UNKNOWN_MONTH}
        else:
            months = {month_of(published + dt.timedelta(days=d)) for d in (-NEAR_DUP_DAYS, 0, NEAR_DUP_DAYS)}
        todo = months - self._nd_months
        if not todo:
            return
        self._nd_months |= todo
        parts = [p for p in self.manifest.parts if p.month in todo]
        if not parts:
            return
        import pyarrow as pa

        for p in parts:
            try:
                t = self.store.dataset([p]).to_table(columns=["id", "cluster_id", "minhash", "published"])
            except (OSError, pa.ArrowException):
                continue  # reported when the identity index was loaded
            d = t.to_pydict()
            for aid, c, sig, pub in zip(d["id"], d["cluster_id"], d["minhash"], d["published"]):
                self._nd_add(aid, c, sig, pub)
            self._nd_loaded += t.num_rows

    def has_url(self, url: str) -> bool:
        """Is this (canonical) URL already stored or pending? Cheap: an in-memory lookup."""
        canon = canonicalize(url) or url
        return self._latest(canon) is not None

    # -- adding --
    def add(self, record: Mapping[str, Any]) -> AddResult:
        """Add one article record (see the article record contract); returns what happened.

        The row becomes durable at the next :meth:`commit` (automatic every ``batch_size``
        stored rows)."""
        self._trim_near_dup()
        try:
            res, row = self._prepare(record)
        except (TypeError, ValueError) as e:
            res, row = AddResult("error", message=f"unusable article record ({e}); fix the input item"), None
        self._pending_results.append((res, record))
        if row is not None:
            self._pending.append(row)
            if len(self._pending) >= self.batch_size:
                self.commit()
        return res

    def _prepare(self, rec: Mapping[str, Any]) -> tuple[AddResult, dict[str, Any] | None]:
        text = rec.get("text") or ""
        if not isinstance(text, str):
            raise TypeError("text is not a string")
        canon = rec.get("canonical_url") or canonicalize(rec.get("url"))
        th = text_hash(text)
        if not canon and th == _EMPTY_HASH:
            return AddResult("error", message="article has neither URL nor text; nothing to store "
                             "(check the extractor or the export's columns)"), None
        version = 1
        prev = self._latest(canon) if canon else None
        if prev is not None:
            if prev[1] == th:
                return AddResult("duplicate", id=prev[2], duplicate_of=prev[2], cluster_id=prev[3]), None
            version = prev[0] + 1
        elif th != _EMPTY_HASH and (other := self._same_text(th)) is not None:
            return AddResult("duplicate", id=other, duplicate_of=other,
                             message="same text as an article stored under another URL"), None
        supplied = rec.get("id")
        aid = versioned_id(str(supplied) if supplied else base_id(canon, th), version)
        if self._id_taken(aid):
            return AddResult("error", id=aid, message=f"id {aid!r} is already used by another article; "
                             "give each article a unique id"), None
        sig = minhash(text)
        published = parse_published(rec.get("published"))
        cluster = self._cluster_for(sig, published) or (prev[3] if prev else None) or aid
        fetched = parse_published(rec.get("fetched_at")) or _utc_now()
        extra = rec.get("extra") or {}
        authors = rec.get("authors") or []
        if isinstance(authors, str):
            authors = [authors]
        row = {
            "id": aid, "url": rec.get("url"), "canonical_url": canon, "title": rec.get("title"),
            "published": published,
            "published_raw": str(rec["published"]) if rec.get("published") else None,
            "published_source": rec.get("published_source"), "source": rec.get("source"),
            "text": text, "authors": [str(a) for a in authors], "language": rec.get("language"),
            "fetched_at": fetched, "raw_sha256": rec.get("raw_sha256"),
            "origin": rec.get("origin"), "extra": json.dumps(extra, ensure_ascii=False, default=str),
            "text_sha256": th, "version": version, "cluster_id": cluster, "ingested_at": None,
            "minhash": sig, "month": month_of(published),
        }
        if prev is not None:
            self._pending_superseded.append(prev[2])
        self._index(aid, canon, th, version, cluster)
        self._nd_add(aid, cluster, sig, published)
        status = "new-version" if version > 1 else "ok"
        return AddResult(status, id=aid, cluster_id=cluster,
                         duplicate_of=prev[2] if prev else None), row

    def _cluster_for(self, sig: bytes | None, published: dt.datetime | None) -> str | None:
        """Cluster of the most similar stored article published within ``NEAR_DUP_DAYS``
        (undated: among undated ones) whose estimated Jaccard similarity is at least
        ``NEAR_DUP_THRESHOLD``; None if there is none."""
        if not sig:
            return None
        self._near_dup_months(published)
        seen: set[int] = set()
        best, best_sim = None, NEAR_DUP_THRESHOLD
        window = dt.timedelta(days=NEAR_DUP_DAYS)
        for k in _band_keys(sig):
            hit = self._nd_bands.get(k)
            for n in (() if hit is None else (hit,) if isinstance(hit, int) else hit):
                if n in seen:
                    continue
                seen.add(n)
                cluster, other, pub = self._nd_items[n]
                if (pub is None) != (published is None):
                    continue
                if pub is not None and abs(pub - published) > window:
                    continue
                sim = signature_similarity(sig, other)
                if sim >= best_sim:
                    best, best_sim = cluster, sim
        return best

    # -- committing --
    def commit(self) -> int:
        """Write pending rows as new part files and publish them in the manifest. Returns rows."""
        results, self._pending_results = self._pending_results, []
        rows, self._pending = self._pending, []
        superseded, self._pending_superseded = self._pending_superseded, []
        if rows:
            self.write_rows(rows, superseded)
        if self.on_commit is not None and results:
            self.on_commit(results)
        return len(rows)

    def write_rows(self, rows: list[dict[str, Any]], superseded: Iterable[str] = ()) -> list[PartInfo]:
        """Low level: write prepared rows (with a ``month`` key) as one batch, atomically.

        No identity checks: used by :meth:`commit` and by benchmarks that replicate rows."""
        import pyarrow as pa

        now = _utc_now()
        by_month: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by_month.setdefault(r["month"], []).append(r)
        schema = file_schema()
        tables = {}
        for month, rs in by_month.items():
            for r in rs:
                if r.get("ingested_at") is None:
                    r["ingested_at"] = now
            tables[month] = pa.Table.from_pylist(rs, schema=schema)
        return self.write_tables(tables, superseded)

    def write_tables(self, tables: Mapping[str, Any], superseded: Iterable[str] = (),
                     replace: Iterable[PartInfo] = ()) -> list[PartInfo]:
        """Write one ``pyarrow.Table`` (file schema) per month as a batch and commit it.

        ``replace``: committed parts this batch supersedes (compaction); they are dropped from
        the manifest in the same atomic step and deleted afterwards."""
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        batch = self.manifest.next_batch
        new: list[PartInfo] = []
        for month, table in tables.items():
            if table.num_rows == 0:
                continue
            table = table.sort_by([("published", "ascending")]) if month != UNKNOWN_MONTH else table
            d = self.store.articles_dir / f"month={month}"
            d.mkdir(parents=True, exist_ok=True)
            name = f"part-{batch:08d}-{uuid.uuid4().hex[:8]}.parquet"
            with atomic_path(d / name) as tmp:
                pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP_SIZE)
            mm = pc.min_max(table["published"]).as_py() if month != UNKNOWN_MONTH else {"min": None, "max": None}
            new.append(PartInfo(path=f"month={month}/{name}", month=month, rows=table.num_rows,
                                min_published=mm["min"].isoformat() if mm["min"] else None,
                                max_published=mm["max"].isoformat() if mm["max"] else None, batch=batch))
        replaced = {p.path for p in replace}
        m = Manifest(parts=[p for p in self.manifest.parts if p.path not in replaced] + new,
                     superseded=self.manifest.superseded + [s for s in superseded],
                     next_batch=batch + 1)
        self._publish(m)
        for p in replace:
            with contextlib.suppress(FileNotFoundError):
                (self.store.articles_dir / p.path).unlink()
        log.debug("committed batch %d: %d files, %d rows", batch, len(new), sum(p.rows for p in new))
        return new

    def compact(self, min_parts: int = 4) -> int:
        """Merge the part files of every month having at least ``min_parts`` into one file per
        month, atomically (readers keep working). Returns the number of files merged."""
        self.commit()
        import pyarrow as pa

        by_month: dict[str, list[PartInfo]] = {}
        for p in self.manifest.parts:
            by_month.setdefault(p.month, []).append(p)
        merged = 0
        for month, parts in sorted(by_month.items()):
            if len(parts) < min_parts:
                continue
            table = self.store.dataset(parts).to_table(columns=list(file_schema().names))
            table = table.cast(file_schema()) if table.schema != file_schema() else table
            self.write_tables({month: pa.Table.from_batches(table.to_batches(), schema=file_schema())},
                              replace=parts)
            merged += len(parts)
        return merged

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):
            fcntl.flock(self._lock_f.fileno(), fcntl.LOCK_UN)
        self._lock_f.close()


_EMPTY_HASH = hashlib.sha256(b"").hexdigest()

"""Inputs -> article records.

An *article record* is the plain dict passed from acquisition to the store (keys in
:data:`opslens.parse.RECORD_FIELDS`; missing values are ``None``)::

    id               str|None  only when the input supplies one (exports)
    url              str|None  final URL after redirects, or canonical link / og:url of a saved page
    canonical_url    str|None  opslens.urls.canonicalize(url): identity of the article
    title            str|None
    published        str|None  ISO 8601 (date-time with offset when a time is known, else YYYY-MM-DD)
    published_source str|None  "json-ld" | "meta" | "time" | "url" | "htmldate" | "feed" | "export" | "warc"
    source           str|None  outlet domain without "www." (e.g. "ukrinform.net")
    text             str       body text, title not repeated ("" only when extraction failed)
    authors          list[str]
    language         str|None
    fetched_at       str|None  ISO UTC time the raw bytes were fetched / read
    raw_sha256       str|None  sha256 of the raw page bytes: key of the response in the raw cache
                               (fetched pages); also set for saved pages and WARC records
    origin           str       "url" | "feed:<feed>" | "html:<path>" | "warc:<path>#<offset>" | "export:<path>:<line>"
    extra            dict      export columns outside the contract, carried through untouched

Input kinds (:func:`detect_kind`):

=============  ==================================================================================
``url``        http(s) URL of an article (a URL that turns out to serve a feed is read as a feed)
``feed``       RSS/Atom feed: a ``.xml``/``.rss``/``.atom``/``.rdf`` file, or a URL ending so or
               with ``/feed``/``/rss`` in its path. Entries already seen are skipped next time
               (state in ``settings.cache_dir / "feeds.json"``). An entry carrying the full article
               (``content:encoded`` or Atom ``content`` of 500+ characters of text) is parsed from the
               feed; otherwise its link is fetched.
``url-list``   ``.txt`` file: one URL per line (blank lines and ``#`` comments ignored)
``html``       saved page ``.html``/``.htm``/``.xhtml``/``.html.gz``; URL from canonical link / og:url
``html-dir``   folder: every saved page below it, sorted by path
``warc``       ``.warc``/``.warc.gz``/``.arc.gz``: every HTML ``response`` record with status 2xx
``jsonl``      JSON Lines export (``.jsonl``/``.ndjson``/``.json``), article contract or mapped columns
``csv``        CSV/TSV export (``.csv``/``.tsv``), article contract or mapped columns
=============  ==================================================================================

Problems with one item (a page, an entry, a record, a line) are passed to ``on_error`` as
:class:`~opslens.errors.InputError`/:class:`~opslens.errors.FetchError` and the run continues. A
problem that makes a whole input unusable (missing file, not a WARC, unreadable CSV header, a WARC
damaged part-way after its good records were yielded) raises :class:`InputError` naming the file.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import FetchError, InputError
from .fetch import _short, sha256_hex
from .fetch import _utcnow as _now
from .parse import RECORD_FIELDS, empty_record, parse_html
from .pubdate import normalize_date
from .urls import canonicalize, is_http_url, source_domain

log = logging.getLogger(__name__)

__all__ = ["iter_records", "detect_kind", "KINDS", "html_files", "read_html_file", "page_id",
           "parse_mapping", "FeedState", "Skip"]

KINDS = ("url", "feed", "url-list", "html", "html-dir", "warc", "jsonl", "csv")

_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".xhtml.gz")
_FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".xml.gz", ".rss.gz", ".atom.gz")
_WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz")
_CSV_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".tsv.gz")
_MIN_FEED_CONTENT = 500

OnError = Callable[[InputError], Any]
#: ``skip(origin, url, raw_sha256) -> bool``: asked before a raw page is parsed (see iter_records)
Skip = Callable[[str, "str | None", str], bool]


# --- kinds --------------------------------------------------------------------------------------

def detect_kind(input: str) -> str:
    """The kind of ``input`` (one of :data:`KINDS`) from its form and file name.

    Raises :class:`InputError` when a path neither exists nor has a known kind.

    >>> detect_kind("https://example.com/news/1")
    'url'
    >>> detect_kind("https://example.com/feed/")
    'feed'
    """
    s = str(input).strip()
    if re.match(r"https?://", s, re.I):
        path = re.sub(r"^https?://[^/]+", "", s, flags=re.I).split("?")[0].lower().rstrip("/")
        if path.endswith(_FEED_SUFFIXES) or re.search(r"/(feed|rss|atom)(/[\w.-]*)?$", path) or "/feeds/" in path:
            return "feed"
        return "url"
    p = Path(s).expanduser()
    name = p.name.lower()
    if p.is_dir():
        return "html-dir"
    if name.endswith(_HTML_SUFFIXES):
        kind = "html"
    elif name.endswith(_WARC_SUFFIXES):
        kind = "warc"
    elif name.endswith(_FEED_SUFFIXES):
        kind = "feed"
    elif name.endswith(_JSONL_SUFFIXES):
        kind = "jsonl"
    elif name.endswith(_CSV_SUFFIXES):
        kind = "csv"
    elif name.endswith((".txt", ".urls", ".list")):
        kind = "url-list"
    else:
        if not p.exists():
            raise InputError(s, "no such file or directory, and not an http(s) URL",
                             "check the path, or give a full URL such as https://example.com/news/1")
        kind = _sniff(p)
    if not p.exists():
        raise InputError(s, "no such file or directory", "check the path")
    return kind


def _sniff(p: Path) -> str:
    head = _open_bytes(p)[:2048]
    low = head.lstrip().lower()
    if head.startswith(b"WARC/"):
        return "warc"
    if low.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) and re.search(rb"<(rss|feed|rdf:rdf)\b", low):
        return "feed"
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<!--")):
        return "html"
    if low.startswith(b"{"):
        return "jsonl"
    raise InputError(p, "unknown input kind",
                     "name the file .html, .html.gz, .warc(.gz), .xml/.rss/.atom, .jsonl, .csv or .txt (URL list)")


_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _read_text(p: Path, hint: str) -> str:
    """The text of a text input (export, URL list): un-gzipped, UTF-8 with a BOM dropped and
    undecodable bytes replaced. Raises :class:`InputError` naming the file when it cannot be read
    or holds binary data (control bytes no text file has, e.g. a spreadsheet saved as ``.csv``);
    ``hint`` says what to pass instead."""
    try:
        raw = _open_bytes(p)
    except OSError as e:
        raise InputError(p, f"cannot read ({e.strerror or e})", "check the path") from e
    m = _CONTROL.search(raw, 0, 65536)
    if m:
        raise InputError(p, f"not a text file (binary data at byte {m.start()})", hint)
    return raw.decode("utf-8-sig", errors="replace")


def _open_bytes(p: Path) -> bytes:
    with open(p, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise InputError(p, f"damaged gzip file ({e})", "re-download or re-save it") from e
    return data


# --- saved HTML ---------------------------------------------------------------------------------

def html_files(path: str | os.PathLike[str]) -> list[Path]:
    """The saved pages named by ``path``: itself if a file, else every page below it (sorted)."""
    p = Path(path).expanduser()
    if p.is_dir():
        return sorted(q for q in p.rglob("*") if q.is_file() and q.name.lower().endswith(_HTML_SUFFIXES))
    if p.is_file():
        if not p.name.lower().endswith(_HTML_SUFFIXES):
            try:
                kind = detect_kind(str(p))
            except InputError:
                kind = "html"  # no known kind: let the HTML parser try (a page saved without a suffix)
            if kind != "html":
                raise InputError(p, f"is {_KIND_NAMES.get(kind, 'a ' + kind + ' input')}, not a saved HTML page",
                                 f"read it with `opslens ingest {p}` (it takes WARC files, feeds, exports and URL lists)")
        return [p]
    raise InputError(p, "no such file or directory", "check the path")


_KIND_NAMES = {"warc": "a WARC file", "feed": "an RSS/Atom feed", "jsonl": "a JSON Lines export", "csv": "a CSV export",
               "url-list": "a URL list"}


def read_html_file(path: str | os.PathLike[str]) -> bytes:
    """Raw bytes of a saved page, un-gzipped when it is gzip (by content, not only by name)."""
    p = Path(path)
    try:
        return _open_bytes(p)
    except OSError as e:
        raise InputError(p, f"cannot read ({e.strerror or e})", "check the file permissions") from e


def page_id(path: str | os.PathLike[str]) -> str:
    """File name without ``.html``/``.htm``/``.xhtml`` and ``.gz``: ``a/b.html.gz`` -> ``b``."""
    name = Path(path).name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    for suf in (".html", ".htm", ".xhtml"):
        if name.lower().endswith(suf):
            return name[: -len(suf)]
    return name


def _mtime_iso(p: Path) -> str:
    return datetime.fromtimestamp(p.stat().st_mtime, timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _iter_html(path: str, *, extractor: str | None, on_error: OnError, skip: Skip | None = None) -> Iterator[dict]:
    files = html_files(path)
    if not files:
        raise InputError(path, "no saved HTML pages (.html, .htm, .html.gz) in this folder",
                         "a folder is read for saved pages only; pass WARC, feed, JSON Lines and CSV "
                         "files by name")
    for p in files:
        try:
            body = read_html_file(p)
            if not body.strip():
                raise InputError(p, "empty file", "re-save the page")
            origin, sha = f"html:{p}", sha256_hex(body)
            if skip is not None and skip(origin, None, sha):
                continue
            rec = parse_html(body, None, extractor=extractor, fetched_at=_mtime_iso(p), origin=origin,
                             raw_sha256=sha)
            if not rec["text"] and not rec["url"]:
                raise InputError(p, "no article text and no URL found in the page",
                                 "check that it is a saved news article page (not an image, a script or "
                                 "an empty file); the file is skipped")
            yield rec
        except InputError as e:
            on_error(e)


# --- URLs ---------------------------------------------------------------------------------------

def _record_from_fetch(res, *, extractor: str | None, origin: str, skip: Skip | None = None) -> dict | None:
    """The record of a fetched page, or ``None`` when ``skip`` says its raw bytes are known."""
    if skip is not None and skip(origin, res.final_url, res.sha256):
        return None
    return parse_html(res.body, res.final_url, extractor=extractor, fetched_at=res.fetched_at,
                      content_type=res.content_type, origin=origin, raw_sha256=res.sha256)


def _looks_like_feed(body: bytes, content_type: str | None) -> bool:
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return True
    head = body[:2048].lstrip().lower()
    return bool(re.match(rb"(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:rdf)\b", head, re.S))


def _iter_url(url: str, *, fetcher, extractor, on_error, settings, origin: str = "url",
              skip: Skip | None = None) -> Iterator[dict]:
    try:
        res = fetcher.fetch(url, expect="feed")
    except FetchError as e:
        on_error(e)
        return
    if _looks_like_feed(res.body, res.content_type):
        yield from _iter_feed_bytes(url, res.body, get_fetcher=lambda: fetcher, extractor=extractor,
                                    on_error=on_error, settings=settings, skip=skip)
        return
    mime = (res.content_type or "").split(";")[0].strip().lower()
    if mime and mime not in ("text/html", "application/xhtml+xml"):
        on_error(FetchError(url, f"not an HTML page (Content-Type: {mime})", "OpsLens reads news article pages only"))
        return
    rec = _record_from_fetch(res, extractor=extractor, origin=origin, skip=skip)
    if rec is not None:
        yield rec


def _iter_url_list(path: str, *, fetcher, extractor, on_error, settings, skip: Skip | None = None) -> Iterator[dict]:
    p = Path(path)
    lines = _read_text(p, "pass a text file with one http(s) URL per line").splitlines()
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if not is_http_url(s):
            on_error(InputError(f"{p}:{n}", f"not an http(s) URL: {s[:80]!r}", "one full URL per line"))
            continue
        yield from _iter_url(s, fetcher=fetcher, extractor=extractor, on_error=on_error, settings=settings,
                             skip=skip)


# --- feeds --------------------------------------------------------------------------------------

class FeedState:
    """Entries already seen per feed, in ``settings.cache_dir / "feeds.json"`` (atomic writes).

    ``{"<feed url or absolute path>": {"seen": ["<entry key>", ...], "updated": "<ISO time>"}}``
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._data: dict[str, dict] | None = None

    def _load(self) -> dict[str, dict]:
        if self._data is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self._data = data if isinstance(data, dict) else {}
            except FileNotFoundError:
                self._data = {}
            except (OSError, ValueError) as e:
                log.warning("%s: unreadable feed state (%s); starting afresh, feeds will be read in full", self.path, e)
                self._data = {}
        return self._data

    def seen(self, feed: str) -> set[str]:
        return set(self._load().get(feed, {}).get("seen", []))

    def mark(self, feed: str, keys: Iterable[str]) -> None:
        data = self._load()
        entry = data.setdefault(feed, {"seen": []})
        known = set(entry.get("seen", []))
        entry["seen"] = list(entry.get("seen", [])) + [k for k in keys if k not in known]
        entry["updated"] = _now()
        self.save()

    def save(self) -> None:
        """Write the state: temporary file in the same folder, then rename."""
        from .store import atomic_write_bytes

        atomic_write_bytes(self.path, json.dumps(self._load(), ensure_ascii=False, indent=0).encode("utf-8"))


def _entry_key(entry) -> str | None:
    link = entry.get("link")
    return canonicalize(link) or entry.get("id") or link


def _entry_content(entry) -> str | None:
    for c in entry.get("content") or []:
        value = c.get("value") or ""
        if "html" in (c.get("type") or "text/html") and len(re.sub(r"<[^>]+>", "", value).strip()) >= _MIN_FEED_CONTENT:
            return value
    return None


def _entry_date(entry) -> str | None:
    for key in ("published", "created", "updated"):  # as written: keeps the offset
        if entry.get(key):
            iso = normalize_date(entry[key])
            if iso:
                return iso
    for key in ("published_parsed", "updated_parsed", "created_parsed"):  # feedparser's UTC reading
        if entry.get(key):
            iso = normalize_date(entry[key])
            if iso:
                return iso
    return None


def _iter_feed_bytes(feed: str, data: bytes, *, get_fetcher, extractor, on_error, settings,
                     skip: Skip | None = None) -> Iterator[dict]:
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.get("bozo"):
            problem = f"not a readable RSS/Atom feed ({_short(parsed.get('bozo_exception'))})"
        else:
            problem = "feed has no entries"
        raise InputError(feed, problem, "check that this is an RSS or Atom feed")
    if parsed.get("bozo"):
        log.warning("%s: feed is not well-formed (%s); reading the %d entries found",
                    feed, _short(parsed.get("bozo_exception")), len(parsed.entries))
    state = FeedState(settings.cache_dir / "feeds.json")
    seen = state.seen(feed)
    new_keys: list[str] = []
    skipped = 0
    try:
        for n, entry in enumerate(parsed.entries, 1):
            key = _entry_key(entry)
            if key is None:
                on_error(InputError(f"{feed}#entry{n}", "feed entry has neither link nor id", "the entry is skipped"))
                continue
            if key in seen:
                skipped += 1
                continue
            link = entry.get("link")
            origin = f"feed:{feed}"
            content = _entry_content(entry)
            rec = None
            if content is not None:
                rec = parse_html(f"<html><body><article>{content}</article></body></html>",
                                 link if is_http_url(link) else None, extractor=extractor,
                                 fetched_at=_now(), origin=origin, date_fallback=False)
                if not rec["text"]:
                    rec = None
            if rec is None:
                if not is_http_url(link):
                    on_error(InputError(f"{feed}#entry{n}", f"entry link is not an http(s) URL: {link!r}",
                                        "the entry is skipped"))
                    continue
                try:
                    res = get_fetcher().fetch(link, expect="html")
                except FetchError as e:
                    on_error(e)
                    continue
                rec = _record_from_fetch(res, extractor=extractor, origin=origin, skip=skip)
                if rec is None:  # raw page already stored: nothing to parse, the entry is done
                    new_keys.append(key)
                    continue
            if not rec.get("title") and entry.get("title"):
                rec["title"] = entry["title"].strip()
            if rec.get("title") and content is not None and entry.get("title"):
                rec["title"] = entry["title"].strip()
            if rec.get("published") is None or rec.get("published_source") == "url":
                iso = _entry_date(entry)
                if iso:
                    rec["published"], rec["published_source"] = iso, "feed"
            if not rec.get("authors") and entry.get("author"):
                rec["authors"] = [entry["author"].strip()]
            yield rec
            new_keys.append(key)  # marked seen only once the consumer took the record
    finally:
        if new_keys:
            state.mark(feed, new_keys)
    if skipped:
        log.info("%s: %d entries already seen, %d new", feed, skipped, len(new_keys))


def _iter_feed(feed: str, *, get_fetcher, extractor, on_error, settings, skip: Skip | None = None) -> Iterator[dict]:
    if is_http_url(feed):
        try:
            res = get_fetcher().fetch(feed, expect="feed", refresh=True)
        except FetchError as e:
            raise InputError(feed, f"feed could not be fetched: {e.problem}", e.hint) from e
        if not _looks_like_feed(res.body, res.content_type):
            # A URL that looked like a feed but is an article page.
            rec = _record_from_fetch(res, extractor=extractor, origin="url", skip=skip)
            if rec is not None:
                yield rec
            return
        yield from _iter_feed_bytes(feed, res.body, get_fetcher=get_fetcher, extractor=extractor,
                                    on_error=on_error, settings=settings, skip=skip)
    else:
        p = Path(feed).expanduser().resolve()
        try:
            data = _open_bytes(p)
        except OSError as e:
            raise InputError(feed, f"cannot read ({e})", "check the path") from e
        yield from _iter_feed_bytes(str(p), data, get_fetcher=get_fetcher, extractor=extractor,
                                    on_error=on_error, settings=settings, skip=skip)


def _default_fetcher(settings):
    from .fetch import Fetcher

    return Fetcher(settings)


# --- WARC ---------------------------------------------------------------------------------------

def _iter_warc(path: str, *, extractor, on_error, skip: Skip | None = None) -> Iterator[dict]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    p = Path(path)
    good = seen = end = 0
    last_offset = 0
    pending: dict | None = None  # the newest record is held back until it is known to be complete
    try:
        fh = open(p, "rb")
    except OSError as e:
        raise InputError(p, f"cannot read ({e.strerror or e})", "check the path") from e
    with fh:
        head = fh.read(4)
        fh.seek(0)
        if not head:
            raise InputError(p, "empty file", "pass a .warc or .warc.gz file")
        is_gz = _check_warc_magic(p, fh)
        try:
            it = ArchiveIterator(fh)
            for record in it:
                # warcio computes the offset by reading the record to its end: read the body first.
                body = _warc_html_body(record)
                offset = it.get_record_offset()
                end = offset + (it.get_record_length() or 0)
                seen += 1
                if pending is not None:
                    good += 1
                    yield pending
                    pending = None
                last_offset = offset
                if body is None:
                    continue
                try:
                    pending = _warc_record(record, body, p, offset, extractor, skip)
                except InputError as e:
                    on_error(e)
                except Exception as e:  # one odd record must not stop the archive
                    on_error(InputError(f"{p}#{offset}", f"unreadable record ({type(e).__name__}: {_short(e)})",
                                        "the record is skipped"))
            size = p.stat().st_size
            if seen and not _record_complete(p, last_offset, is_gz):
                raise EOFError(f"the record at byte offset {last_offset} is cut short")
            if pending is not None:
                good += 1
                yield pending
            if size - end > 4:  # records stopped before the end of the file
                last_offset = end
                raise EOFError(f"{size - end} bytes after the last complete record cannot be read")
        except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as e:
            if seen == 0:
                raise InputError(p, f"not a WARC file or damaged at the start ({_short(e)})",
                                 "pass a .warc or .warc.gz file (e.g. a Common Crawl News file)") from e
            raise InputError(p, f"damaged WARC near byte offset {last_offset} ({_short(e)}); "
                                f"the {good} HTML record(s) before the damage were read",
                             "the file is truncated or corrupt; re-download it to get the rest") from e


def _record_complete(p: Path, offset: int, is_gz: bool) -> bool:
    """Whether the record starting at ``offset`` is whole (gzip member ends; block as long as declared)."""
    with open(p, "rb") as f:
        f.seek(offset)
        if is_gz:
            d = zlib.decompressobj(31)
            while not d.eof:
                chunk = f.read(65536)
                if not chunk:
                    return False
                try:
                    d.decompress(chunk)
                except zlib.error:
                    return False
            return True
        head = f.read(65536)
        hend = head.find(b"\r\n\r\n")
        m = re.search(rb"\r\ncontent-length:\s*(\d+)", head[:hend] if hend >= 0 else b"", re.I)
        if hend < 0 or not m:
            return False
        return offset + hend + 4 + int(m.group(1)) <= p.stat().st_size


def _check_warc_magic(p: Path, fh) -> bool:
    """Raise InputError unless the file starts like a WARC/ARC file; returns whether it is gzip."""
    head = fh.read(64)
    fh.seek(0)
    first = head
    if head[:2] == b"\x1f\x8b":
        try:
            first = zlib.decompressobj(31).decompress(fh.read(4096))[:64]
        except zlib.error as e:
            raise InputError(p, f"not a WARC file (damaged gzip at byte 0: {e})",
                             "pass a .warc or .warc.gz file (e.g. a Common Crawl News file)") from e
        finally:
            fh.seek(0)
    if not (first.startswith(b"WARC/") or first.startswith(b"filedesc://")):
        raise InputError(p, f"not a WARC file (bad magic at byte 0: {first[:16]!r})",
                         "pass a .warc or .warc.gz file (e.g. a Common Crawl News file)")
    return head[:2] == b"\x1f\x8b"


def _warc_html_body(record) -> bytes | None:
    """The decoded payload of an HTML response/resource record with a 2xx status, else ``None``."""
    rtype = record.rec_type
    if rtype not in ("response", "resource"):
        return None
    if rtype == "response":
        if record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode()
        if not (status or "").startswith("2"):
            return None
        ctype = record.http_headers.get_header("Content-Type")
    else:
        ctype = record.rec_headers.get_header("Content-Type")
    mime = (ctype or "").split(";")[0].strip().lower()
    if mime not in ("text/html", "application/xhtml+xml"):
        return None
    return record.content_stream().read()


def _warc_record(record, body: bytes, p: Path, offset: int, extractor, skip: Skip | None = None) -> dict | None:
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response":
        ctype = record.http_headers.get_header("Content-Type")
    else:
        ctype = record.rec_headers.get_header("Content-Type")
    if not body.strip():
        raise InputError(f"{p}#{offset}", "empty HTML response record", "the record is skipped")
    warc_date = normalize_date(record.rec_headers.get_header("WARC-Date"))
    origin, sha = f"warc:{p}#{offset}", sha256_hex(body)
    if skip is not None and skip(origin, url if is_http_url(url) else None, sha):
        return None
    return parse_html(body, url if is_http_url(url) else None, extractor=extractor, fetched_at=warc_date,
                      content_type=ctype, origin=origin, raw_sha256=sha)


# --- exports ------------------------------------------------------------------------------------

def parse_mapping(spec: str | Mapping[str, str] | Iterable[str] | None) -> dict[str, str]:
    """Column mapping ``{export column: record field}`` from ``"headline=title,body=text"``,
    a list of ``COLUMN=FIELD`` strings, or a dict. Raises :class:`InputError` on a bad item.

    The mapping rule, row by row (a JSON Lines file may mix lines that have the column and lines
    that do not):

    * a row's own field (a column named like a record field, e.g. ``text``) always wins: a
      mapping never overwrites it, and the mapped column then goes to ``extra`` under its own name;
    * a mapping ``COLUMN=FIELD`` applies only to rows that have ``COLUMN``; a row without it is
      read as if there were no mapping;
    * blank values (missing, ``null``, empty or whitespace-only text) count as absent: a blank own
      ``text`` is filled by a mapped ``body``; when several columns map to one field, the first
      non-blank one in the row wins and the rest go to ``extra``.

    >>> parse_mapping("headline=title, body=text")
    {'headline': 'title', 'body': 'text'}
    """
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        items = list(spec.items())
    else:
        parts = spec.split(",") if isinstance(spec, str) else [x for s in spec for x in str(s).split(",")]
        items = []
        for part in parts:
            if not part.strip():
                continue
            if "=" not in part:
                raise InputError(f"mapping {part.strip()!r}", "expected COLUMN=FIELD", "e.g. --map headline=title,body=text")
            col, fld = part.split("=", 1)
            items.append((col.strip(), fld.strip()))
    allowed = set(RECORD_FIELDS) - {"extra", "origin", "canonical_url", "raw_sha256"}
    out = {}
    for col, fld in items:
        if fld not in allowed:
            raise InputError(f"mapping {col}={fld}", f"unknown article field {fld!r}",
                             f"map to one of {', '.join(sorted(allowed))}")
        out[col] = fld
    return out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _export_record(row: Mapping[str, Any], mapping: Mapping[str, str], where: str) -> dict:
    """One export row -> article record, by the mapping rule (see :func:`parse_mapping`)."""
    rec = empty_record()
    mapped: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    own = {col for col in row if col in RECORD_FIELDS and col not in ("origin", "extra")}
    blank: dict[str, Any] = {}  # field -> a blank value seen for it (used only if nothing better)
    # 1. the row's own fields (columns named like a record field and not mapped elsewhere) win
    for col in own:
        if col not in mapping:
            (blank if _blank(row[col]) else mapped)[col] = row[col]
    # 2. mapped columns fill only fields the row does not have, first non-blank one in row order;
    #    the others stay in extra under their own names
    for col, value in row.items():
        if col is None:  # csv surplus cells
            extra["_surplus"] = value
            continue
        if col in own and col not in mapping:
            continue
        fld = mapping.get(col)
        if fld is not None and fld not in mapped:
            if _blank(value):
                blank.setdefault(fld, value)
            else:
                mapped[fld] = value
        else:
            extra[col] = value
    for fld, value in blank.items():
        mapped.setdefault(fld, value)
    if isinstance(mapped.get("extra"), dict):
        extra = {**mapped.pop("extra"), **extra}
    text = mapped.get("text")
    if text is None:
        raise InputError(where, "no article text", "every line needs a text field (map a column with --map COLUMN=text)")
    rec["text"] = str(text)
    for fld in ("id", "url", "title", "language", "source"):
        v = mapped.get(fld)
        rec[fld] = None if v in (None, "") else str(v)
    rec["url"] = rec["url"].strip() if rec["url"] else None
    rec["canonical_url"] = canonicalize(rec["url"])
    rec["source"] = (rec["source"] or source_domain(rec["url"]))
    if rec["source"]:
        rec["source"] = rec["source"].lower().removeprefix("www.")
    pub = mapped.get("published")
    if pub not in (None, ""):
        iso = normalize_date(pub)
        if iso is None:
            raise InputError(where, f"published is not a date: {str(pub)[:40]!r}", "use ISO 8601, e.g. 2023-04-21")
        rec["published"], rec["published_source"] = iso, "export"
    authors = mapped.get("authors")
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r"[;|]", authors) if a.strip()]
    rec["authors"] = [str(a) for a in authors] if isinstance(authors, list) else []
    rec["fetched_at"] = mapped.get("fetched_at") or None
    rec["extra"] = extra
    return rec


def _export_or_report(row: Mapping[str, Any], mapping: Mapping[str, str], p: Path, line: int, read_at: str,
                      on_error: OnError) -> dict | None:
    """The record of one export row, or ``None`` after reporting its problem to ``on_error``."""
    try:
        rec = _export_record(row, mapping, f"{p}:{line}")
    except InputError as e:
        on_error(e)
        return None
    rec["origin"] = f"export:{p}:{line}"
    rec["fetched_at"] = rec["fetched_at"] or read_at
    return rec


def _iter_jsonl(path: str, *, mapping, on_error) -> Iterator[dict]:
    p = Path(path)
    lines = _read_text(p, "pass a UTF-8 JSON Lines export: one article object per line").splitlines()
    read_at = _now()
    good = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{p}:{n}"
        try:
            obj = json.loads(line)
        except ValueError as e:
            if n == 1 and line.lstrip().startswith("["):
                raise InputError(p, "a JSON array, not JSON Lines", "write one JSON object per line") from e
            on_error(InputError(where, f"not valid JSON ({e.msg} at column {e.colno})", "the line is skipped"))
            continue
        if not isinstance(obj, dict):
            on_error(InputError(where, "not a JSON object", "one article object per line"))
            continue
        rec = _export_or_report(obj, mapping, p, n, read_at, on_error)
        if rec is not None:
            good += 1
            yield rec
    if good == 0 and not any(line.strip() for line in lines):
        raise InputError(p, "empty export file", "nothing to ingest")


def _iter_csv(path: str, *, mapping, on_error) -> Iterator[dict]:
    p = Path(path)
    text = _read_text(p, "pass a UTF-8 CSV export with a header line (save a spreadsheet as CSV first)")
    if not text.strip():
        raise InputError(p, "empty CSV file", "the first line must be a header naming the columns")
    delimiter = "\t" if p.name.lower().endswith((".tsv", ".tsv.gz")) else ","
    try:
        sample = text[:8192]
        if delimiter == "," and sample.count(";") > sample.count(",") * 2:
            delimiter = ";"
    except csv.Error:
        pass
    csv.field_size_limit(min(2**31 - 1, 100_000_000))
    # strict: an unclosed quote is an error, not a cell swallowing the rest of the file
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as e:
        raise InputError(p, f"unreadable CSV header ({e})", "check the file is CSV with a header line") from e
    if not header or any(h is None or not str(h).strip() for h in header) or len(set(header)) != len(header):
        raise InputError(p, f"unreadable CSV header {header!r} (empty or repeated column names)",
                         "the first line must name each column once")
    text_cols = [c for c in header if mapping.get(c) == "text"] or ([c for c in header if c == "text" and c not in mapping])
    if not text_cols:
        raise InputError(p, f"no text column in the header (columns: {', '.join(header)})",
                         "name the article body column 'text' or map it, e.g. --map body=text")
    read_at = _now()
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            last = text.count("\n") + (not text.endswith("\n"))  # an unclosed quote runs to the end
            lines = f"lines {start}-{last}" if "end of data" in str(e) and last > start else f"line {start}"
            on_error(InputError(f"{p}:{start}", f"malformed CSV row ({e}) in {lines}",
                                "check the quoting there (an unclosed quote takes in the lines after it); "
                                "the row is skipped"))
            continue
        where = f"{p}:{reader.line_num}"
        if None in row:
            on_error(InputError(where, f"{len(header) + len(row[None])} cells for {len(header)} columns",
                                "quote cells containing the delimiter; the row is skipped"))
            continue
        rec = _export_or_report(row, mapping, p, reader.line_num, read_at, on_error)
        if rec is not None:
            yield rec


# --- dispatch -----------------------------------------------------------------------------------

def _log_error(e: InputError) -> None:
    log.warning("%s", e)


def iter_records(inputs: Iterable[str | os.PathLike[str]] | str, *, settings=None, fetcher=None,
                 mapping: Mapping[str, str] | str | None = None, on_error: OnError | None = None,
                 extractor: str | None = None, skip: Skip | None = None) -> Iterator[dict]:
    """Article records from each input in turn (kinds: :func:`detect_kind`; record: module doc).

    ``settings`` (default :func:`opslens.settings.get_settings`) locates the raw cache and the
    feed state; ``fetcher`` is an :class:`opslens.fetch.Fetcher` (one is made when a URL needs
    it); ``mapping`` maps export columns to record fields (``{"headline": "title"}`` or
    ``"headline=title,body=text"``; unmapped columns named like a record field map to it, others
    go to ``extra``; a mapping never overwrites a field the row already has, see
    :func:`parse_mapping`); ``extractor`` names the body extractor (:data:`opslens.parse.BODY_EXTRACTORS`).

    ``on_error(InputError)`` is called for each bad item (default: log a warning) and the run goes
    on. A whole input that cannot be used raises :class:`InputError` naming it; records yielded
    before (e.g. the good part of a truncated WARC) stay valid.

    ``skip(origin, url, raw_sha256) -> bool`` (optional) is asked before each raw page is parsed
    (a saved HTML file, a fetched or cached URL or feed-entry link, a WARC response record) with
    the record's would-be ``origin``, the URL the page was fetched from (``None`` for a saved
    file, whose URL comes from its content) and the sha256 of its raw bytes; when it returns true
    the page is not parsed and no record is yielded (a skipped feed entry still counts as seen).
    Parsing costs 20-40 ms a page; this lets a rerun pass over pages already stored for the price
    of reading and hashing them (:func:`opslens.ingest.ingest` answers it from the store).
    Saved pages carry ``raw_sha256`` = sha256 of the file's (un-gzipped) bytes, like WARC records.
    """
    if settings is None:
        from .settings import get_settings

        settings = get_settings()
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    mapping = parse_mapping(mapping)
    on_error = on_error or _log_error
    own_fetcher = None

    def get_fetcher():
        nonlocal fetcher, own_fetcher
        if fetcher is None:
            fetcher = own_fetcher = _default_fetcher(settings)
        return fetcher

    try:
        for inp in inputs:
            s = os.fspath(inp)
            kind = detect_kind(s)
            log.debug("input %s: %s", s, kind)
            if kind == "url":
                yield from _iter_url(s, fetcher=get_fetcher(), extractor=extractor, on_error=on_error, settings=settings,
                                     skip=skip)
            elif kind == "feed":
                yield from _iter_feed(s, get_fetcher=get_fetcher, extractor=extractor, on_error=on_error,
                                      settings=settings, skip=skip)
            elif kind == "url-list":
                yield from _iter_url_list(s, fetcher=get_fetcher(), extractor=extractor, on_error=on_error,
                                          settings=settings, skip=skip)
            elif kind in ("html", "html-dir"):
                yield from _iter_html(s, extractor=extractor, on_error=on_error, skip=skip)
            elif kind == "warc":
                yield from _iter_warc(s, extractor=extractor, on_error=on_error, skip=skip)
            elif kind == "jsonl":
                yield from _iter_jsonl(s, mapping=mapping, on_error=on_error)
            elif kind == "csv":
                yield from _iter_csv(s, mapping=mapping, on_error=on_error)
            else:  # pragma: no cover - detect_kind returns only KINDS
                raise InputError(s, f"unsupported input kind {kind}")
    finally:
        if own_fetcher is not None:
            own_fetcher.close()

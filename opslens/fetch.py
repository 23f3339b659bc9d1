"""Polite HTTP fetching with an on-disk, content-addressed cache of every raw response.

:class:`Fetcher` downloads one URL at a time with ``requests``:

* a clear User-Agent (``OpsLens/<version> (+research; ...)``) and robots.txt honoured
  (``urllib.robotparser``, cached per host; an unreachable robots.txt allows, with a warning);
  redirects are followed hop by hop and each hop is checked against its own host's robots.txt;
* a politeness delay per host (``delay`` seconds between requests, or the robots.txt
  ``Crawl-delay`` when larger, capped at ``max_retry_after``);
* connect/read timeouts; retries with exponential backoff on 429/5xx, timeouts, dropped
  connections and truncated bodies, honouring ``Retry-After`` (capped at ``max_retry_after``);
* redirect loops, 4xx, exhausted retries and non-HTML content raise :class:`FetchError` with a
  message naming the URL, the problem and what to do.

Every successful response body is stored under ``settings.raw_cache_dir`` (:class:`RawCache`):
``objects/<ab>/<sha256>.gz`` (gzip of the body, named by the sha256 of the body, written to a
temporary file then renamed) and ``index/<ab>/<sha256 of url>.json`` (url -> body sha256, final
URL, status, headers, fetch time). Fetching a URL that is in the index reads the cache instead of
the network, so re-parsing never re-downloads. A damaged cache entry (bad gzip, hash mismatch,
unreadable index) is logged with its path, deleted and fetched again.

:func:`decode_html` turns body bytes into text: charset from the HTTP header, then
``<meta charset>``, then detection by ``charset_normalizer``; a header claiming Latin-1/ASCII on a
body that is valid UTF-8 is treated as UTF-8 (the commonest server misconfiguration).
"""
from __future__ import annotations

import email.utils
import gzip
import hashlib
import json
import logging
import os
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from .errors import FetchError
from .store import atomic_write_bytes

log = logging.getLogger(__name__)

__all__ = ["Fetcher", "FetchResult", "RawCache", "decode_html", "default_user_agent", "sha256_hex"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
              "application/rdf+xml", "application/feed+json", "application/x-rss+xml")
#: headers kept in the cache index
_KEEP_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date")


def default_user_agent() -> str:
    """``OpsLens/<version> (+research; ...)``: who is fetching and why."""
    from . import __version__

    return f"OpsLens/{__version__} (+research; news analysis of military operations; honours robots.txt)"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- charset ------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_LATIN = {"iso-8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252", "iso8859-1"}


def _charset_from_content_type(ct: str | None) -> str | None:
    if not ct:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", ct, re.I)
    return m.group(1).lower() if m else None


def _valid_codec(name: str | None) -> str | None:
    import codecs

    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` of an HTML body.

    Order: the ``charset`` of the HTTP ``Content-Type`` header, then ``<meta charset>`` /
    ``<meta http-equiv>`` in the first 4 KB, then detection. A declared charset that cannot
    decode the body is skipped; a Latin-1/ASCII declaration on valid UTF-8 (with non-ASCII bytes)
    is taken as UTF-8.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), "utf-8"
    declared = [_valid_codec(_charset_from_content_type(content_type))]
    m = _META_CHARSET.search(body[:4096])
    declared.append(_valid_codec(m.group(1).decode("ascii", "ignore")) if m else None)
    is_ascii = body.isascii()
    utf8_ok: bool | None = None
    for enc in declared:
        if not enc:
            continue
        if enc.replace("_", "-") in _LATIN or enc in ("latin_1", "cp1252", "ascii"):
            if utf8_ok is None:
                utf8_ok = _is_utf8(body)
            if utf8_ok and not is_ascii:
                return body.decode("utf-8"), "utf-8"
        try:
            return body.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            log.debug("declared charset %s does not decode the body; trying the next source", enc)
    if is_ascii or _is_utf8(body):
        return body.decode("utf-8"), "utf-8"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
        if best is not None and best.encoding:
            return body.decode(best.encoding, errors="replace"), best.encoding
    except ImportError:  # pragma: no cover
        pass
    return body.decode("utf-8", errors="replace"), "utf-8"


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# --- raw cache ----------------------------------------------------------------------------------

class RawCache:
    """Content-addressed store of raw response bodies plus a url -> entry index (see module doc)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / f"{sha256}.gz"

    def index_path(self, url: str) -> Path:
        h = sha256_hex(url.encode("utf-8"))
        return self.root / "index" / h[:2] / f"{h}.json"

    def put(self, body: bytes) -> str:
        """Store ``body``; returns its sha256. Storing the same body twice writes once."""
        sha = sha256_hex(body)
        path = self.object_path(sha)
        if not path.exists():
            atomic_write_bytes(path, gzip.compress(body, compresslevel=6, mtime=0))
        return sha

    def get(self, sha256: str) -> bytes | None:
        """The body stored under ``sha256``; ``None`` when missing or damaged (then deleted)."""
        path = self.object_path(sha256)
        try:
            data = gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, EOFError, zlib.error) as e:
            self._discard(path, f"not a readable gzip file ({e})")
            return None
        if sha256_hex(data) != sha256:
            self._discard(path, "content does not match its sha256 name")
            return None
        return data

    def put_entry(self, url: str, entry: dict[str, Any]) -> None:
        """Record ``url`` -> ``entry`` (must hold ``sha256``) in the index, atomically."""
        atomic_write_bytes(self.index_path(url), json.dumps({"url": url, **entry}, ensure_ascii=False).encode("utf-8"))

    def get_entry(self, url: str) -> dict[str, Any] | None:
        """Index entry of ``url``; ``None`` when absent or unreadable (then deleted)."""
        path = self.index_path(url)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            self._discard(path, f"unreadable index entry ({e})")
            return None
        if not isinstance(entry, dict) or entry.get("url") != url or not isinstance(entry.get("sha256"), str):
            self._discard(path, "index entry does not describe this URL")
            return None
        return entry

    @staticmethod
    def _discard(path: Path, problem: str) -> None:
        log.warning("damaged cache entry %s: %s; discarding it and fetching again", path, problem)
        try:
            path.unlink()
        except OSError:
            pass


# --- fetcher ------------------------------------------------------------------------------------

@dataclass
class FetchResult:
    """One fetched (or cached) response.

    ``url`` is the URL asked for, ``final_url`` the one after redirects, ``body`` the raw bytes,
    ``sha256`` its key in the raw cache, ``from_cache`` whether the network was skipped,
    ``fetched_at`` the ISO UTC time the bytes were downloaded.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    sha256: str
    from_cache: bool
    fetched_at: str
    content_type: str | None = field(default=None)

    def text(self) -> str:
        """The body decoded with :func:`decode_html`."""
        return decode_html(self.body, self.content_type or self.headers.get("content-type"))[0]


class Fetcher:
    """Fetch URLs politely, retrying transient failures, caching every body (see module doc).

    Parameters: ``settings`` (raw cache under ``settings.raw_cache_dir``); ``delay`` seconds
    between two requests to one host; ``timeout`` ``(connect, read)`` seconds; ``retries`` extra
    attempts after a transient failure; ``backoff`` base of the exponential wait
    (``backoff * 2**attempt``); ``max_retry_after`` cap on any single wait (Retry-After,
    Crawl-delay); ``user_agent`` (default :func:`default_user_agent`); ``respect_robots``;
    ``use_cache`` (read the cache before the network).
    """

    def __init__(self, settings, *, delay: float = 1.0, timeout: tuple[float, float] = (5, 20),
                 retries: int = 3, backoff: float = 0.5, max_retry_after: float = 60,
                 user_agent: str | None = None, respect_robots: bool = True, use_cache: bool = True,
                 max_redirects: int = 10, max_bytes: int = 50_000_000):
        import requests

        self.settings = settings
        self.delay = float(delay)
        self.timeout = timeout
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.max_retry_after = float(max_retry_after)
        self.user_agent = user_agent or default_user_agent()
        self.respect_robots = respect_robots
        self.use_cache = use_cache
        self.max_bytes = max_bytes
        self.cache = RawCache(settings.raw_cache_dir)
        self.session = requests.Session()
        self.session.max_redirects = max_redirects
        self.session.headers.update({
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        })
        self._robots: dict[str, RobotFileParser | None] = {}
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    # -- public ------------------------------------------------------------------------------
    def fetch(self, url: str, *, expect: str = "html", refresh: bool = False) -> FetchResult:
        """Fetch ``url`` (from the cache when present, unless ``refresh``).

        ``expect`` is ``"html"`` (other content types raise ``FetchError: not an HTML page``),
        ``"feed"`` (RSS/Atom/XML or HTML) or ``"any"``. Raises :class:`FetchError` on failure.
        """
        from .urls import is_http_url

        if not is_http_url(url):
            raise FetchError(url, "not an http(s) URL", "give a full URL such as https://example.com/news/1")
        if self.use_cache and not refresh:
            hit = self._from_cache(url, expect)
            if hit is not None:
                return hit
        if self.respect_robots:
            self._check_robots(url)
        return self._download(url, expect)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- cache -------------------------------------------------------------------------------
    def _from_cache(self, url: str, expect: str) -> FetchResult | None:
        entry = self.cache.get_entry(url)
        if entry is None:
            return None
        body = self.cache.get(entry["sha256"])
        if body is None:
            return None
        headers = dict(entry.get("headers") or {})
        self._check_type(url, headers.get("content-type"), body, expect)
        return FetchResult(url=url, final_url=entry.get("final_url") or url, status=int(entry.get("status") or 200),
                           headers=headers, body=body, sha256=entry["sha256"], from_cache=True,
                           fetched_at=entry.get("fetched_at") or _utcnow(), content_type=headers.get("content-type"))

    # -- network -----------------------------------------------------------------------------
    def _wait_for_host(self, host: str, delay: float) -> None:
        with self._lock:
            last = self._last_request.get(host)
            now = time.monotonic()
            wait = 0.0 if last is None else last + delay - now
            self._last_request[host] = max(now, now + wait)
        if wait > 0:
            log.debug("politeness delay %.2fs for %s", wait, host)
            time.sleep(wait)

    def _retry_wait(self, attempt: int, retry_after: str | None) -> float:
        wait = self.backoff * (2 ** attempt)
        if retry_after:
            ra = retry_after.strip()
            secs: float | None = None
            if re.fullmatch(r"\d+(\.\d+)?", ra):
                secs = float(ra)
            else:
                try:
                    when = email.utils.parsedate_to_datetime(ra)
                    secs = (when - datetime.now(timezone.utc)).total_seconds()
                except (TypeError, ValueError):
                    secs = None
            if secs is not None:
                wait = max(wait, secs)
        return max(0.0, min(wait, self.max_retry_after))

    def _download(self, url: str, expect: str) -> FetchResult:
        import requests

        host = urlsplit(url).netloc.lower()
        delay = max(self.delay, min(self._crawl_delay(url), self.max_retry_after))
        last_problem, last_hint = "no attempt made", _HINT_DOWN
        attempts = self.retries + 1
        for attempt in range(attempts):
            self._wait_for_host(host, delay)
            retry_after = None
            try:
                resp = self._get_following_redirects(url)
            except requests.TooManyRedirects as e:
                raise FetchError(url, f"redirect loop (more than {self.session.max_redirects} redirects)",
                                 "the site keeps redirecting; open it in a browser or save the page and ingest the HTML file") from e
            except requests.Timeout:
                last_problem = f"timed out (connect {self.timeout[0]}s / read {self.timeout[1]}s)"
                last_hint = _HINT_DOWN
            except requests.ConnectionError as e:
                last_problem, last_hint = f"cannot connect ({_network_cause(e)})", _HINT_CONNECT
            except requests.RequestException as e:
                raise FetchError(url, f"request failed ({_short(e)})", "check the URL") from e
            else:
                with resp:
                    status = resp.status_code
                    if status == 429 or 500 <= status < 600:
                        retry_after = resp.headers.get("Retry-After")
                        last_problem = f"HTTP {status} {resp.reason or ''}".strip()
                        last_hint = _HINT_RATE if status == 429 else _HINT_DOWN
                    elif status >= 400:
                        hint = "the page does not exist; check the URL" if status in (404, 410) else "the server refused the request"
                        raise FetchError(url, f"HTTP {status} {resp.reason or ''}".strip(), hint)
                    else:
                        ctype = resp.headers.get("Content-Type")
                        declared = resp.headers.get("Content-Length")
                        try:
                            body = self._read_body(resp)
                        except requests.RequestException as e:
                            last_problem, last_hint = f"truncated response ({_network_cause(e)})", _HINT_TRUNCATED
                        else:
                            if declared and declared.isdigit() and len(body) < int(declared) and not resp.headers.get("Content-Encoding"):
                                last_problem = f"truncated response (got {len(body)} of {declared} bytes)"
                                last_hint = _HINT_TRUNCATED
                            else:
                                self._check_type(url, ctype, body, expect)
                                return self._store(url, resp, body)
            if attempt + 1 < attempts:
                wait = self._retry_wait(attempt, retry_after)
                log.info("%s: %s; retry %d/%d in %.2fs", url, last_problem, attempt + 1, self.retries, wait)
                if wait > 0:
                    time.sleep(wait)
        raise FetchError(url, f"{last_problem} after {attempts} attempt{'s' if attempts > 1 else ''}", last_hint)

    def _get_following_redirects(self, url: str):
        """GET ``url`` (streamed), following redirects one hop at a time: robots.txt of every
        hop's host is checked before the hop is requested (a redirect to another host, or to a
        disallowed path, is refused with :class:`FetchError`), and each new host gets its
        politeness delay. Raises ``requests.TooManyRedirects`` on loops / too many hops."""
        import requests

        cur = url
        for _ in range(self.session.max_redirects + 1):
            resp = self.session.get(cur, timeout=self.timeout, allow_redirects=False, stream=True)
            target = self.session.get_redirect_target(resp) if resp.is_redirect else None
            if not target:
                return resp
            resp.close()
            nxt = urljoin(resp.url, target)
            if urlsplit(nxt).scheme not in ("http", "https"):
                raise FetchError(url, f"redirected to a non-http(s) URL ({nxt[:100]})", "check the URL")
            # no cycle check: a site may redirect back once a cookie is set; loops end at max_redirects
            log.debug("%s: redirected to %s", cur, nxt)
            if self.respect_robots:
                try:
                    self._check_robots(nxt)
                except FetchError as e:
                    raise FetchError(url, f"redirected to {nxt}, which is {e.problem}", e.hint) from None
            host = urlsplit(nxt).netloc.lower()
            if host != urlsplit(cur).netloc.lower():
                self._wait_for_host(host, max(self.delay, min(self._crawl_delay(nxt), self.max_retry_after)))
            cur = nxt
        raise requests.TooManyRedirects(f"more than {self.session.max_redirects} redirects from {url}")

    def _read_body(self, resp) -> bytes:
        chunks, size = [], 0
        for chunk in resp.iter_content(chunk_size=65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(resp.url, f"response larger than {self.max_bytes} bytes", "not a news article page")
        return b"".join(chunks)

    def _check_type(self, url: str, ctype: str | None, body: bytes, expect: str) -> None:
        if expect == "any":
            return
        mime = (ctype or "").split(";")[0].strip().lower()
        if not mime:
            head = body[:1024].lstrip().lower()
            if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<rss", b"<feed", b"<head", b"<!--")):
                return
            raise FetchError(url, "not an HTML page (no Content-Type and the body does not look like HTML)",
                             "OpsLens reads news article pages only")
        ok = HTML_TYPES + (FEED_TYPES if expect == "feed" else ())
        if mime in ok or (expect == "feed" and mime.endswith("+xml")):
            return
        raise FetchError(url, f"not an HTML page (Content-Type: {mime})",
                         "OpsLens reads news article pages only; skip this URL" if expect == "html"
                         else "expected an RSS/Atom feed or an HTML page")

    def _store(self, url: str, resp, body: bytes) -> FetchResult:
        fetched_at = _utcnow()
        sha = self.cache.put(body)
        headers = {k.lower(): v for k, v in resp.headers.items() if k.lower() in _KEEP_HEADERS}
        entry = {"sha256": sha, "final_url": resp.url, "status": resp.status_code,
                 "headers": headers, "fetched_at": fetched_at}
        self.cache.put_entry(url, entry)
        if resp.url != url:
            self.cache.put_entry(resp.url, entry)
        return FetchResult(url=url, final_url=resp.url, status=resp.status_code, headers=headers, body=body,
                           sha256=sha, from_cache=False, fetched_at=fetched_at,
                           content_type=headers.get("content-type"))

    # -- robots.txt --------------------------------------------------------------------------
    def _robots_for(self, url: str) -> RobotFileParser | None:
        import requests

        p = urlsplit(url)
        base = f"{p.scheme}://{p.netloc}".lower()
        with self._lock:
            if base in self._robots:
                return self._robots[base]
        robots_url = base + "/robots.txt"
        rp: RobotFileParser | None = RobotFileParser(robots_url)
        try:
            r = self.session.get(robots_url, timeout=self.timeout, allow_redirects=True)
            if r.status_code in (401, 403):
                rp.disallow_all = True
            elif r.status_code >= 500:
                log.warning("%s: robots.txt unreachable (HTTP %d); assuming crawling is allowed", robots_url, r.status_code)
                rp = None
            elif r.status_code >= 400:
                rp.allow_all = True
            else:
                rp.parse(r.text.splitlines())
        except requests.RequestException as e:
            log.warning("%s: robots.txt unreachable (%s); assuming crawling is allowed", robots_url, _network_cause(e))
            rp = None
        with self._lock:
            self._robots[base] = rp
        return rp

    def _check_robots(self, url: str) -> None:
        rp = self._robots_for(url)
        if rp is not None and not rp.can_fetch(self.user_agent, url):
            raise FetchError(url, "disallowed by robots.txt",
                             "OpsLens honours robots.txt; save the page in a browser and ingest the HTML file instead")

    def _crawl_delay(self, url: str) -> float:
        if not self.respect_robots:
            return 0.0
        rp = self._robots_for(url)
        if rp is None:
            return 0.0
        try:
            d = rp.crawl_delay(self.user_agent)
        except Exception:  # robotparser raises on odd files; a delay is optional
            d = None
        return float(d or 0.0)


_HINT_DOWN = "the server may be down or overloaded; try again later"
_HINT_RATE = "the server is rate-limiting; try again later, or with a longer --delay between requests"
_HINT_CONNECT = "check that the server is up and that the URL's host and port are right; try again later"
_HINT_TRUNCATED = "the connection dropped before the whole page arrived; try again later"


def _network_cause(e: BaseException) -> str:
    """The root cause of a ``requests`` network error, without urllib3's wrapper text:
    ``Connection refused``, ``Name or service not known``, ``got 1234 of 3468 bytes`` ..."""
    s = str(e)
    m = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", s)
    if m:
        got = int(m.group(1))
        return f"got {got} of {got + int(m.group(2))} bytes"
    m = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", s) or re.search(r"Error\(-?\d+, '([^']+)'\)", s)
    if m:
        return m.group(1).strip()
    return _short(e)


def _short(e: BaseException) -> str:
    s = str(e)
    s = re.sub(r"\s+", " ", s)
    return s if len(s) < 200 else s[:197] + "..."

"""Publication date of a news page, with where it came from.

Sources are tried in order of trust; the first one that yields a valid date wins:

1. ``json-ld``  ``datePublished`` (or ``dateCreated``) of an Article/NewsArticle/... object,
   including objects inside ``@graph`` lists (``dateModified`` is never used);
2. ``meta``     ``<meta>`` tags: ``article:published_time``, ``og:published_time``,
   ``datePublished`` (itemprop), ``dc.date``/``dcterms.created``/``dc.date.issued``,
   ``parsely-pub-date``, ``sailthru.date``, ``pubdate``, ``publishdate``, ``date`` ...;
3. ``time``     ``<time datetime>``: the earliest of those marked as the publication time
   (``pubdate`` attribute, ``itemprop=datePublished`` or a class naming "publish"/"posted"), else
   the earliest inside ``<article>`` elements (later ones are updates or live-blog entries), else
   the first on the page;
4. ``url``      a date in the URL path (``/2023/04/21/``, ``/2023-04-21-``, ``/20230421/``);
5. ``htmldate`` the htmldate library as a fallback (it also looks at the visible text).

Conflict rule: when the winning source only gives a day and a later source gives a time on that
same day, the more precise value is kept (the source stays the winning one's). Time-zone offsets
are kept as written; a time without an offset is returned without one.

Dates are returned as ISO 8601 strings: ``YYYY-MM-DDTHH:MM:SS+HH:MM`` when a time is known,
``YYYY-MM-DD`` otherwise. Implausible dates (before 1995, or more than a day in the future) are
skipped.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

log = logging.getLogger(__name__)

__all__ = ["find_date", "normalize_date", "date_from_url", "DATE_SOURCES"]

#: Source labels in order of trust (``published_source`` values produced here).
DATE_SOURCES = ("json-ld", "meta", "time", "url", "htmldate")

#: <meta> names/properties/itemprops holding a publication date, most specific first.
META_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datepublished", "article.published", "published_time", "published-date", "published_date",
    "publish-date", "publish_date", "dcterms.created", "dcterms.issued", "dc.date.issued",
    "dc.date.created", "dc.date", "dcterms.date", "dc.created", "citation_publication_date",
    "citation_date", "parsely-pub-date", "sailthru.date", "pubdate", "publishdate",
    "publication_date", "originalpublicationdate", "article_date_original", "date", "created",
    "cxenseparse:recs:publishtime", "og:pubdate", "bt:pubdate", "analyticsattributes.articledate",
    "displaydate", "rnews:datepublished", "article:post_date", "datecreated",
)
_META_RANK = {k: i for i, k in enumerate(META_KEYS)}
_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "liveblogposting", "webpage", "socialmediaposting", "report", "backgroundnewsarticle",
    "opinionnewsarticle", "scholarlyarticle", "techarticle", "posting", "creativework",
}
_MIN_YEAR = 1995

_URL_PATTERNS = (
    re.compile(r"/((?:19|20)\d{2})[/_-](0[1-9]|1[0-2])[/_-](0[1-9]|[12]\d|3[01])(?:[/_.-]|$)"),
    re.compile(r"[/_-]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)"),
)
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/")


def _plausible(d: date) -> bool:
    today = datetime.now(timezone.utc).date()
    return _MIN_YEAR <= d.year and d <= today + timedelta(days=1)


def normalize_date(value: Any) -> str | None:
    """An ISO 8601 string for a date-like value, or ``None`` when it is not a plausible date.

    Accepts ISO strings (``2023-04-21``, ``2023-04-21T07:30:00+03:00``, ``...Z``), common
    written forms (``21 April 2023 07:30``, RFC 822 ``Fri, 21 Apr 2023 07:30:00 GMT``),
    ``datetime``/``date`` objects and ``time.struct_time``.

    >>> normalize_date("2023-04-21T07:30:00Z")
    '2023-04-21T07:30:00+00:00'
    >>> normalize_date("April 21, 2023")
    '2023-04-21'
    """
    if value is None:
        return None
    if isinstance(value, tuple) or type(value).__name__ == "struct_time":
        try:
            value = datetime(*tuple(value)[:6], tzinfo=timezone.utc)
        except (TypeError, ValueError):
            return None
    if isinstance(value, datetime):
        if not _plausible(value.date()):
            return None
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat() if _plausible(value) else None
    s = str(value).strip()
    if not s or len(s) > 80 or not re.search(r"\d", s):
        return None
    # Date only?
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s) or re.fullmatch(r"(\d{4})/(\d{2})/(\d{2})", s)
    if m:
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return d.isoformat() if _plausible(d) else None
    dt = None
    iso = s.replace("Z", "+00:00").replace("z", "+00:00")
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)  # +0300 -> +03:00
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        dt = None
    if dt is None:
        dt = _parse_loose(s)
        if dt is None:
            return None
        if isinstance(dt, date) and not isinstance(dt, datetime):
            return dt.isoformat() if _plausible(dt) else None
    if not _plausible(dt.date()):
        return None
    return dt.replace(microsecond=0).isoformat()


#: Time-zone abbreviations seen in news pages -> UTC offset in seconds.
_TZ_NAMES = {k: int(v * 3600) for k, v in {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "IST": 5.5, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11}.items()}


def _parse_loose(s: str) -> datetime | date | None:
    """Written dates via dateutil; a date without a time stays a date."""
    try:
        from dateutil import parser as dparser
    except ImportError:  # pragma: no cover
        return None
    import warnings

    has_time = bool(re.search(r"\d{1,2}:\d{2}", s))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dt = dparser.parse(s, fuzzy=False, default=datetime(1900, 1, 1), tzinfos=_TZ_NAMES)
    except (ValueError, OverflowError, TypeError):
        return None
    if dt.year == 1900:
        return None
    return dt if has_time else dt.date()


def date_from_url(url: str | None) -> str | None:
    """A ``YYYY-MM-DD`` date written in the URL path, if any.

    >>> date_from_url("https://example.com/news/2023/04/21/drones-over-kyiv")
    '2023-04-21'
    """
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I).split("?")[0]
    for pat in _URL_PATTERNS:
        for m in pat.finditer(path):
            try:
                d = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            if _plausible(d):
                return d.isoformat()
    return None


# --- candidates per source ---------------------------------------------------------------------

def _walk_jsonld(obj: Any) -> Iterable[dict]:
    if isinstance(obj, list):
        for o in obj:
            yield from _walk_jsonld(o)
    elif isinstance(obj, dict):
        yield obj
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in obj:
                yield from _walk_jsonld(obj[key])


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    ts = t if isinstance(t, list) else [t]
    return {str(x).lower() for x in ts if x}


def _from_jsonld(tree) -> str | None:
    best: tuple[int, str] | None = None
    for node in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (node.get("type") or "").lower():
            continue
        raw = (node.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            # Some sites leave control characters or trailing commas in JSON-LD.
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", re.sub(r"[\x00-\x1f]", " ", raw)))
            except ValueError:
                continue
        for obj in _walk_jsonld(data):
            for key in ("datePublished", "dateCreated"):
                if key in obj:
                    iso = normalize_date(obj[key] if not isinstance(obj[key], list) else (obj[key] or [None])[0])
                    if iso:
                        rank = 0 if _types(obj) & _ARTICLE_TYPES else 1
                        rank = rank * 2 + (key != "datePublished")
                        if best is None or rank < best[0]:
                            best = (rank, iso)
                    break
    return best[1] if best else None


def _from_meta(tree) -> str | None:
    best: tuple[int, str] | None = None
    for m in tree.iterfind(".//meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv") or "").strip().lower()
        rank = _META_RANK.get(key)
        if rank is None or (best is not None and rank >= best[0]):
            continue
        iso = normalize_date(m.get("content") or m.get("datetime"))
        if iso:
            best = (rank, iso)
    return best[1] if best else None


def _from_time(tree) -> str | None:
    times = [t for t in tree.iter("time") if t.get("datetime")]
    if not times:
        return None

    def marked(t) -> bool:
        if t.get("pubdate") is not None or (t.get("itemprop") or "").lower() == "datepublished":
            return True
        parent = t.getparent()
        cls = (t.get("class") or "") + " " + ((parent.get("class") or "") if parent is not None else "")
        cls = cls.lower()
        return "publish" in cls or "posted" in cls

    def in_article(t) -> bool:
        return any(a.tag == "article" for a in t.iterancestors())

    # Inside the article (or among marked times) the earliest is the publication: later ones are
    # updates, or the entries of a live blog listed newest first. Elsewhere, the first one.
    for group, pick in (([t for t in times if marked(t)], _earliest), ([t for t in times if in_article(t)], _earliest),
                        (times, lambda isos: isos[0])):
        isos = [iso for iso in (normalize_date(t.get("datetime")) for t in group) if iso]
        if isos:
            return pick(isos)
    return None


def _earliest(isos: list[str]) -> str:
    def key(iso: str) -> datetime:
        d = datetime.fromisoformat(iso)
        return d.astimezone(timezone.utc).replace(tzinfo=None) if d.tzinfo else d
    return min(isos, key=key)


def _from_htmldate(html: str | None, tree, url: str | None) -> str | None:
    try:
        import htmldate
    except ImportError:  # pragma: no cover
        return None
    import copy

    try:
        # A copy of the parsed tree: htmldate prunes what it is given, and re-parsing the string
        # is far slower (measured ~50x on the benchmark pages).
        # extensive_search=False: the free-text search loads every dateparser locale (seconds)
        # and picks dates out of body text; the markup search finds nearly all the same dates.
        found = htmldate.find_date(copy.deepcopy(tree), url=url, original_date=True,
                                   extensive_search=False, outputformat="%Y-%m-%d")
    except Exception as e:  # htmldate is a heuristic fallback: never let it break parsing
        log.debug("htmldate failed on %s: %s", url, e)
        return None
    return normalize_date(found) if found else None


def find_date(tree, url: str | None = None, *, html: str | None = None,
              fallback: bool = True) -> tuple[str | None, str | None]:
    """``(published, published_source)`` for a parsed page.

    ``tree`` is an lxml HTML document (``lxml.html.fromstring``); it is not modified. ``html`` (the
    page text) is accepted for callers that have it but no longer needed; ``fallback=False`` skips
    the htmldate step.
    Returns ``(None, None)`` when no source gives a plausible date.
    """
    candidates: list[tuple[str, str]] = []
    for source, fn in (("json-ld", _from_jsonld), ("meta", _from_meta), ("time", _from_time)):
        try:
            iso = fn(tree)
        except Exception as e:  # malformed markup in one source must not hide the others
            log.debug("date source %s failed on %s: %s", source, url, e)
            iso = None
        if iso:
            candidates.append((iso, source))
    url_day = date_from_url(url)
    if url_day:
        candidates.append((url_day, "url"))
    if not candidates and fallback:
        iso = _from_htmldate(html, tree, url)
        if iso:
            candidates.append((iso, "htmldate"))
    if not candidates:
        return None, None
    best, source = candidates[0]
    if "T" not in best:
        # Prefer a time from a later source when it falls on the same day.
        for iso, _ in candidates[1:]:
            if "T" in iso and iso[:10] == best:
                best = iso
                break
    return best, source

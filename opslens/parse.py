"""HTML page -> article record (see the article record in ``sources``).

Metadata (title, authors, canonical link, language) comes from newspaper3k's field extractors run
on one lxml parse of the page, without newspaper's slow document cleaner and without any network
access. The publication date comes from :mod:`opslens.pubdate`. The body text comes from a
pluggable extractor in :data:`BODY_EXTRACTORS`:

========================= ================================================================
``trafilatura``           trafilatura ``extract(favor_precision=True, include_comments=False)``,
                          balanced mode when that yields under 250 characters
                          (default: best F1 on the article-extraction benchmark dev pages)
``trafilatura-balanced``  trafilatura with the library's default balance
``trafilatura-fast``      trafilatura without its fallback extractors (``fast=True``)
``trafilatura-recall``    trafilatura ``favor_recall=True``
``newspaper``             newspaper3k's own body text (``Article.parse``; slow, lower F1)
========================= ================================================================

Measured by ``benchmarks/bench_extractors.py`` (figures in its docstring).

Add one with :func:`register_extractor`. Each extractor is ``fn(html: str, url: str | None) -> str``.
"""
from __future__ import annotations

import functools
import logging
import re
from typing import Any, Callable

from .errors import InputError
from .fetch import decode_html
from .pubdate import find_date
from .urls import canonicalize, is_http_url, source_domain

log = logging.getLogger(__name__)

__all__ = ["parse_html", "BODY_EXTRACTORS", "DEFAULT_EXTRACTOR", "register_extractor", "extract_body",
           "empty_record", "RECORD_FIELDS"]

#: Keys of an article record, in order.
RECORD_FIELDS = ("id", "url", "canonical_url", "title", "published", "published_source", "source", "text",
                 "authors", "language", "fetched_at", "raw_sha256", "origin", "extra")

BodyExtractor = Callable[[str, "str | None"], str]

#: name -> body extractor ``fn(html, url) -> text``
BODY_EXTRACTORS: dict[str, BodyExtractor] = {}

#: The extractor used when none is named (best F1 on the article-extraction benchmark).
DEFAULT_EXTRACTOR = "trafilatura"


def register_extractor(name: str) -> Callable[[BodyExtractor], BodyExtractor]:
    """Decorator adding a body extractor to :data:`BODY_EXTRACTORS` under ``name``."""
    def deco(fn: BodyExtractor) -> BodyExtractor:
        BODY_EXTRACTORS[name] = fn
        return fn
    return deco


def empty_record() -> dict[str, Any]:
    """An article record with every key present (``text`` "", ``authors`` [], ``extra`` {})."""
    rec: dict[str, Any] = {k: None for k in RECORD_FIELDS}
    rec.update(text="", authors=[], extra={})
    return rec


# --- body extractors ----------------------------------------------------------------------------

def _trafilatura(html: str, url: str | None, **options: Any) -> str:
    import trafilatura

    kw = dict(output_format="txt", include_comments=False, include_tables=True, include_images=False,
              include_links=False, deduplicate=False, with_metadata=False)
    kw.update(options)
    text = trafilatura.extract(html, url=url, **kw)
    return _tidy(text or "")


#: below this many characters a precision-mode result is suspect: the balanced mode is tried too
_SHORT_BODY = 250


@register_extractor("trafilatura")
def _trafilatura_default(html: str, url: str | None) -> str:
    text = _trafilatura(html, url, favor_precision=True)
    if len(text) < _SHORT_BODY:  # precision mode sometimes drops a whole short or oddly built page
        other = _trafilatura(html, url)
        if len(other) > len(text):
            text = other
    return text


@register_extractor("trafilatura-balanced")
def _trafilatura_balanced(html: str, url: str | None) -> str:
    return _trafilatura(html, url)


@register_extractor("trafilatura-fast")
def _trafilatura_fast(html: str, url: str | None) -> str:
    return _trafilatura(html, url, fast=True)


@register_extractor("trafilatura-recall")
def _trafilatura_recall(html: str, url: str | None) -> str:
    return _trafilatura(html, url, favor_recall=True)


@functools.lru_cache(maxsize=1)
def _newspaper_config():
    from newspaper import Config

    cfg = Config()
    cfg.fetch_images = False   # otherwise parse() downloads images
    cfg.memoize_articles = False
    cfg.follow_meta_refresh = False
    cfg.request_timeout = 1
    return cfg


@register_extractor("newspaper")
def _newspaper_body(html: str, url: str | None) -> str:
    from newspaper import Article

    art = Article(url or "http://localhost/", config=_newspaper_config())
    art.download(input_html=html)  # never goes to the network with input_html
    art.parse()
    return _tidy(art.text or "")


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\xa0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def extract_body(html: str, url: str | None = None, extractor: str | None = None) -> str:
    """Body text of ``html`` with the named extractor (default :data:`DEFAULT_EXTRACTOR`)."""
    name = extractor or DEFAULT_EXTRACTOR
    try:
        fn = BODY_EXTRACTORS[name]
    except KeyError:
        raise InputError(f"extractor {name!r}", "no such body extractor",
                         f"choose one of {', '.join(sorted(BODY_EXTRACTORS))}") from None
    try:
        return fn(html, url)
    except Exception as e:  # one bad page must not stop a run; the record keeps text ""
        log.warning("%s: body extraction with %s failed (%s: %s); text left empty",
                    url or "page", name, type(e).__name__, e)
        return ""


# --- metadata -----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _content_extractor():
    from newspaper.extractors import ContentExtractor

    return ContentExtractor(_newspaper_config())


def _parse_tree(html: str):
    import lxml.html
    from lxml import etree

    # lxml refuses str input carrying an XML encoding declaration
    if html.lstrip().startswith("<?"):
        html = re.sub(r"^\s*<\?.*?\?>", "", html, count=1, flags=re.S)
    if not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _meta(tree, *keys: str) -> str | None:
    wanted = {k.lower() for k in keys}
    for m in tree.iterfind(".//meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if key in wanted and (m.get("content") or "").strip():
            return m.get("content").strip()
    return None


def _title(tree, ce) -> str | None:
    try:
        title = ce.get_title(tree)
    except Exception as e:  # newspaper's heuristics choke on odd markup now and then
        log.debug("newspaper get_title failed: %s", e)
        title = ""
    title = (title or "").strip() or _meta(tree, "og:title", "twitter:title")
    if not title:
        h1 = tree.find(".//h1")
        title = h1.text_content().strip() if h1 is not None else None
    if not title:
        title = (tree.findtext(".//title") or "").strip() or None
    return re.sub(r"\s+", " ", title).strip() if title else None


_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl",
                 "citation_author", "twitter:creator")


def _structured_authors(tree) -> list[str]:
    """Authors from JSON-LD ``author`` and author <meta> tags (cheap, and usually right)."""
    import json

    names: list[str] = []
    for node in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (node.get("type") or "").lower() or not node.text:
            continue
        try:
            data = json.loads(node.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(reversed(obj))
            elif isinstance(obj, dict):
                if "@graph" in obj:
                    stack.append(obj["@graph"])
                authors = obj.get("author") or obj.get("creator")
                for a in authors if isinstance(authors, list) else [authors]:
                    name = a.get("name") if isinstance(a, dict) else a
                    if isinstance(name, str) and name.strip() and (not isinstance(a, dict) or a.get("@type") != "Organization"):
                        names.append(name)
    if not names:
        for m in tree.iterfind(".//meta"):
            key = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
            content = (m.get("content") or "").strip()
            if key in _AUTHOR_META and content and not content.startswith(("http://", "https://", "@")):
                names.extend(re.split(r"\s*(?:,|;|\band\b|&)\s*", re.sub(r"^by\s+", "", content, flags=re.I)))
    seen, out = set(), []
    for n in names:
        n = re.sub(r"^by\s+", "", re.sub(r"\s+", " ", n).strip(), flags=re.I)
        if n and len(n) < 80 and n.lower() not in seen:
            seen.add(n.lower())
            out.append(n)
    return out


_BYLINE_XPATH = ('//*[@rel="author" or @itemprop="author" or contains(@class, "byline") '
                 'or contains(@class, "author-name") or contains(@class, "article-author")]')


def _byline_authors(tree) -> list[str]:
    """Names in byline elements (rel/itemprop author, byline classes): short texts only."""
    names: list[str] = []
    for el in tree.xpath(_BYLINE_XPATH)[:6]:
        text = re.sub(r"\s+", " ", el.text_content()).strip()
        text = re.sub(r"^(by|written by|author:?)\s+", "", text, flags=re.I)
        if 2 < len(text) <= 60 and not re.search(r"\d{3,}|@|https?:", text):
            names.extend(p for p in re.split(r"\s*(?:,|\band\b|&)\s*", text) if p)
    return names


def _authors(tree, ce) -> list[str]:
    """Authors from JSON-LD/meta, else from byline elements.

    newspaper3k's own author heuristic (``ContentExtractor.get_authors``) is not used: it cost
    ~12 ms a page on the benchmark pages (a third of a page's budget) and often returned sentences
    of the author's biography as names.
    """
    authors = _structured_authors(tree) or _byline_authors(tree)
    seen, out = set(), []
    for a in authors:
        a = re.sub(r"\s+", " ", a).strip()
        if a and a.lower() not in seen:
            seen.add(a.lower())
            out.append(a)
    return out


def _canonical(tree, base_url: str | None, ce) -> str | None:
    try:
        link = ce.get_canonical_link(base_url or "", tree)
    except Exception:
        link = None
    link = (link or "").strip()
    if link and not is_http_url(link) and base_url:
        from urllib.parse import urljoin

        link = urljoin(base_url, link)
    return link if is_http_url(link) else None


def _language(tree, ce) -> str | None:
    try:
        lang = ce.get_meta_lang(tree)
    except Exception:
        lang = None
    if not lang:
        og = _meta(tree, "og:locale", "language", "content-language")
        lang = og[:2].lower() if og and re.match(r"[a-zA-Z]{2}", og) else None
    return lang


# --- public -------------------------------------------------------------------------------------

def parse_html(html: bytes | str, url: str | None = None, *, extractor: str | None = None,
               fetched_at: str | None = None, content_type: str | None = None,
               origin: str | None = None, raw_sha256: str | None = None,
               date_fallback: bool = True) -> dict[str, Any]:
    """Parse one HTML page into an article record. Never touches the network.

    ``html`` is the page (bytes are decoded with :func:`opslens.fetch.decode_html`, using
    ``content_type`` when given); ``url`` is where it was fetched from (final URL), or ``None``
    for a saved page, in which case the canonical link / ``og:url`` becomes the record's URL.
    ``extractor`` names the body extractor (:data:`BODY_EXTRACTORS`, default
    :data:`DEFAULT_EXTRACTOR`); an unknown name raises :class:`InputError`. ``fetched_at``,
    ``origin`` and ``raw_sha256`` are copied into the record (``origin`` defaults to ``"url"``
    when ``url`` is given, else ``"html"``). ``date_fallback=False`` skips the htmldate step.

    Returns a dict with keys :data:`RECORD_FIELDS`: ``id`` (always ``None`` here), ``url``,
    ``canonical_url`` (:func:`opslens.urls.canonicalize` of ``url``), ``title``, ``published``
    (ISO 8601) and ``published_source`` (see :mod:`opslens.pubdate`), ``source`` (outlet domain),
    ``text`` (body, title not repeated; "" when extraction failed), ``authors``, ``language``,
    ``fetched_at``, ``raw_sha256``, ``origin``, ``extra`` (``{}``).
    """
    if extractor is not None and extractor not in BODY_EXTRACTORS:
        raise InputError(f"extractor {extractor!r}", "no such body extractor",
                         f"choose one of {', '.join(sorted(BODY_EXTRACTORS))}")
    if isinstance(html, (bytes, bytearray)):
        text_html, _ = decode_html(bytes(html), content_type)
    else:
        text_html = html
    rec = empty_record()
    rec["fetched_at"] = fetched_at
    rec["raw_sha256"] = raw_sha256
    rec["origin"] = origin or ("url" if url else "html")
    tree = _parse_tree(text_html)
    if tree is None:
        rec["url"] = url
        rec["canonical_url"] = canonicalize(url)
        rec["source"] = source_domain(url)
        return rec
    ce = _content_extractor()
    canonical = _canonical(tree, url, ce)
    page_url = url or canonical
    rec["url"] = page_url
    rec["canonical_url"] = canonicalize(page_url)
    rec["source"] = source_domain(page_url)
    rec["title"] = _title(tree, ce)
    rec["authors"] = _authors(tree, ce)
    rec["language"] = _language(tree, ce)
    rec["published"], rec["published_source"] = find_date(tree, page_url, html=text_html, fallback=date_fallback)
    body = extract_body(text_html, page_url, extractor)
    rec["text"] = _drop_leading_title(body, rec["title"])
    return rec


def _drop_leading_title(text: str, title: str | None) -> str:
    """The body without a first line that repeats the headline."""
    if not text or not title:
        return text
    first, _, rest = text.partition("\n")
    norm = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    if norm(first) and norm(first) == norm(title):
        return rest.lstrip("\n")
    return text

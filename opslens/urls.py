"""URL identity: one canonical form per article URL, and the outlet domain.

``canonicalize`` is the single function every part of OpsLens uses to decide whether two URLs name
the same article: lower-case scheme and host, default port dropped, fragment dropped, tracking
parameters (``utm_*``, ``fbclid``, ``gclid`` ...) dropped, remaining query parameters sorted, and a
trailing slash on the path ignored.

``source_domain`` gives the outlet as its registrable domain without ``www.``
(``https://www.bbc.co.uk/news/x`` -> ``bbc.co.uk``), using the public-suffix list snapshot bundled
with tldextract (never downloaded).
"""
from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

__all__ = ["canonicalize", "source_domain", "is_http_url"]

#: Query parameters that only track the reader, never select content.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga",
    "_gl", "ocid", "cmpid", "ito", "ncid", "sr_share", "share", "smid", "cid_source", "ref_src",
    "ref_url", "__twitter_impression", "spm", "at_medium", "at_campaign", "at_custom1",
    "at_custom2", "at_custom3", "at_custom4", "wt.mc_id", "s_cid", "xtor", "mbid", "guccounter",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_http_url(s: str | None) -> bool:
    """True when ``s`` is an absolute http(s) URL with a host."""
    if not s:
        return False
    try:
        p = urlsplit(s.strip())
    except ValueError:
        return False
    return p.scheme.lower() in ("http", "https") and bool(p.hostname)


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(_TRACKING_PREFIXES)


def canonicalize(url: str | None) -> str | None:
    """The normalised form of ``url`` used for article identity (``None`` for empty/non-http input).

    >>> canonicalize("HTTPS://WWW.Example.com:443/News/Story/?utm_source=x&b=2&a=1#top")
    'https://www.example.com/News/Story?a=1&b=2'
    >>> canonicalize("http://example.com")
    'http://example.com/'
    """
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if not is_http_url(url):
        return None
    p = urlsplit(url)
    scheme = p.scheme.lower()
    host = (p.hostname or "").lower().rstrip(".")
    try:
        port = p.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    # Re-quote the path so %7E and ~ (and other equivalent spellings) compare equal.
    path = quote(unquote(p.path), safe="/:@!$&'()*+,;=-._~%")
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    if not path:
        path = "/"
    query = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True) if not _is_tracking(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


@functools.lru_cache(maxsize=1)
def _extractor():
    import tldextract

    # suffix_list_urls=() and no cache dir: use the snapshot bundled with tldextract, offline.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@functools.lru_cache(maxsize=4096)
def source_domain(url: str | None) -> str | None:
    """Outlet domain of ``url``: the registrable part, lower-case, without ``www.``.

    >>> source_domain("https://www.ukrinform.net/rubric-ato/123.html")
    'ukrinform.net'
    """
    if not is_http_url(url):
        return None
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    if not host:
        return None
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):  # IP address: keep as is
        return host
    ext = _extractor()(host)
    dom = getattr(ext, "top_domain_under_public_suffix", None) or ext.registered_domain
    return dom or host.removeprefix("www.")

"""Event extraction: article text -> event mentions in the contract (../shared/spec/EVENTS.md).

Public API::

    extract_events(articles: DataFrame) -> DataFrame     # one row per event mention
    load_events(start=None, end=None, sources=None, query=None, *, data_dir=None) -> DataFrame
    extract_records(records: Iterable[dict]) -> Iterator[dict]   # streaming, contract dicts
    EXTRACTOR_VERSION

The pipeline, per article: build a :class:`~opslens.extract.base.Document` (sentences with
offsets, publication time, title apart), run every registered extractor (modules ``attacks``,
``ground``, ``aid``, ``procurement``; a module not present is skipped), then complete each event
(every contract field present, ``items`` per section 8, a confidence in 0..1). Extractors
prefilter sentences by trigger keywords, so most of an article is never looked at twice: one
Aho-Corasick scan per document finds every extractor's trigger words
(:func:`opslens.extract.base.register_triggers` / :func:`~opslens.extract.base.trigger_hits`, kept
in ``doc.cache``), sentences are split only when an extractor asks for them, and the extractors'
regexes are gated by their first characters (:func:`~opslens.extract.base.first_char_gate`); a
sentence searched with several case-insensitive patterns is lower-cased once and searched with
their case-sensitive twins (:func:`~opslens.extract.base.lower_twin`: the same matches, faster).

The event DataFrame has the columns of :func:`opslens.schema.events_frame` (every contract
field, quantities flattened to ``<q>_value``/``_lower``/``_upper``/``_qualifier``, money to
``value_amount``/``value_currency``, evidence to ``evidence_text``/``_start``/``_end``), plus
``url``, ``source`` and ``published`` of the article (strings).
"""
from __future__ import annotations

import hashlib
import importlib
import io
import itertools
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from ..schema import EVENT_CONTRACT_FIELDS, EVENT_TYPES
from .base import Document, Sentence, clear_doc_memos, registered

__all__ = ["EXTRACTOR_VERSION", "EXTRACTOR_MODULES", "extract_events", "extract_records", "load_events",
           "build_document", "split_sentences"]

log = logging.getLogger(__name__)

#: bump when extraction rules change in a way that changes output; cached events are recomputed
EXTRACTOR_VERSION = "4"

#: extractor modules, in order; a module not present yet is skipped
EXTRACTOR_MODULES = ("attacks", "ground", "aid", "procurement")


# --- sentences ----------------------------------------------------------------------------------

_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "nos", "vs", "etc", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gov", "sen", "rep", "prof",
    "inc", "corp", "co", "ltd", "approx", "est", "fig", "p", "pp", "a.m", "p.m", "u.s", "u.k", "u.n", "e.g",
    "i.e", "jr", "sr", "adm", "cmdr", "pres", "min", "dept", "ave", "mt", "ft", "km", "vol",
}
_WORD_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
#: a sentence end: ``.!?…`` (and closing quotes) before whitespace and a capital or digit, or line
#: breaks; written to start with one character class so the regex engine skips ahead at C speed
_BOUNDARY = re.compile(r"[.!?…\n](?:(?<=\n)\n*|[.!?…]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-ZА-ЯІЇЄ0-9—–-]))")


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets (``text[s.start:s.end] == s.text``).

    A rule splitter (no model): a boundary is ``.``/``!``/``?`` (and closing quotes) before
    whitespace and a capital or digit, or a line break; common abbreviations ("U.S.", "Gen.",
    "Jan.", "a.m.") and single initials do not end a sentence. Surrounding whitespace is trimmed.

    One pass of one compiled regex over the text; the word before a full stop is only looked at
    when it could be an abbreviation: three ASCII letters before the dot that no abbreviation ends
    with (most words: "said.", "city.") end a sentence at once.
    """
    out: list[Sentence] = []
    if not text:
        return out
    append = out.append
    start = 0
    abbrev = _ABBREV
    abbrev_ends = _ABBREV_ENDS
    initials = _INITIALS.fullmatch
    for m in _BOUNDARY.finditer(text):
        j, end = m.span()
        if text[j] == ".":
            # the word before the dot: an abbreviation or an initial does not end a sentence
            w = text[j - 3:j]
            if not (j >= 3 and w.isalpha() and w.isascii() and w not in abbrev_ends):
                seg = text[max(start, j - 24):j]
                word = seg[len(seg.rstrip(_WORD_CHARS)):].lower()  # the run of letters and dots before the dot
                if word and (word in abbrev or len(word) == 1 or ("." in word and initials(word))):
                    continue
        body = text[start:end].lstrip()
        if body:
            s = end - len(body)
            body = body.rstrip()
            n = len(body)
            if n > MAX_SENTENCE:
                _add(out, text, s, s + n)
            else:
                append(_new(Sentence, (body, s, s + n)))
        start = end
    _add(out, text, start, len(text))
    return out


_new = tuple.__new__  # Sentence(...) without the Python-level __new__ of a named tuple

#: the last three letters of every abbreviation, in every mix of cases: a word of three or more
#: ASCII letters before a full stop can only be an abbreviation (or an initial: never, it ends in
#: ".x") when its last three letters are one of these
_ABBREV_ENDS = frozenset("".join(c) for a in _ABBREV if len(a) >= 3 and a[-3:].isalpha()
                         for c in itertools.product(*((x, x.upper()) for x in a[-3:])))


#: longer runs without a sentence end (tables, run-on scraped text) are cut at a space
MAX_SENTENCE = 1200


def _add(out: list[Sentence], text: str, s: int, e: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    while e - s > MAX_SENTENCE:  # keeps every per-sentence rule linear in the article size
        cut = text.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
        cut = cut if cut > s else s + MAX_SENTENCE
        _add(out, text, s, cut)
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        out.append(Sentence(text[s:e], s, e))


# --- documents ----------------------------------------------------------------------------------

def _published(value: Any) -> datetime | None:
    """Any publication value -> tz-aware datetime (a bare date -> midnight Kyiv), or None."""
    from .dates import _kyiv, to_kyiv

    k = to_kyiv(value)
    if k is None:
        return None
    if isinstance(k, datetime):
        return k
    return datetime.combine(k, time(0, 0), tzinfo=_kyiv())


def _str_or_none(v: Any) -> str | None:
    if v is None:
        return None
    if type(v) is str:  # the common case, without the NaN / pandas checks
        return v
    try:
        if v != v:  # NaN / NA
            return None
    except (TypeError, ValueError):
        pass
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    s = str(v)
    return s


def build_document(record: dict[str, Any]) -> Document:
    """An article record (contract fields; others ignored) -> :class:`Document`.

    Missing or null fields are fine: no id -> ``""``, no text -> ``""``; ``published`` may be an
    ISO string, a datetime, a pandas Timestamp or null.
    """
    text = _str_or_none(record.get("text")) or ""
    title = _str_or_none(record.get("title"))
    pub_val = _str_or_none(record.get("published_raw")) or record.get("published")
    try:
        published = _published(pub_val if not isinstance(pub_val, (int, float)) else None)
    except Exception:  # an unreadable date is an unknown date
        published = None
    doc = Document(
        article_id=_str_or_none(record.get("id")) or "",
        text=text,
        title=title.strip() if title else None,
        published=published,
        source=_str_or_none(record.get("source")),
        url=_str_or_none(record.get("url")),
    )
    return doc  # sentences are split when an extractor first asks for them


# --- running extractors -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _extractors() -> tuple[Any, ...]:
    for mod in EXTRACTOR_MODULES:
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{mod}":
                raise
            log.debug("extractor module %s not present; skipped", mod)
    return tuple(cls() for cls in registered().values())


def _complete(ev: dict[str, Any], doc: Document) -> dict[str, Any]:
    """Every contract field present, in order; confidence in 0..1; items per section 8."""
    # the fields ``empty_event`` would default: all null but the type (items are set below)
    get = ev.get
    out = {f: get(f) for f in EVENT_CONTRACT_FIELDS}
    if "type" not in ev:
        out["type"] = "drone_attack"
    out["article_id"] = doc.article_id
    if out["type"] in ("aid_announcement", "procurement"):
        out["items"] = out["items"] if isinstance(out["items"], list) else []
    else:
        out["items"] = None
    if isinstance(out["date"], (date, datetime)):
        out["date"] = out["date"].isoformat()[:10]
    c = out.get("confidence")
    out["confidence"] = None if c is None else round(min(1.0, max(0.0, float(c))), 3)
    if not _FIELDS.issuperset(ev):  # extra keys an extractor adds are kept
        for k, v in ev.items():
            if k not in out:
                out[k] = v
    return out


_FIELDS = frozenset(EVENT_CONTRACT_FIELDS)


def _check_types(types: Iterable[str] | None) -> frozenset[str] | None:
    if types is None:
        return None
    wanted = frozenset(types)
    bad = sorted(wanted - set(EVENT_TYPES))
    if bad:
        raise ValueError(f"unknown event type(s) {bad}; choose from {list(EVENT_TYPES)}")
    return wanted


def extract_document(doc: Document, types: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Every event mention in one document (contract dicts); ``types`` limits the event types."""
    wanted = _check_types(types)
    events: list[dict[str, Any]] = []
    clear_doc_memos()  # sentence memos hold one document at a time
    for ex in _extractors():
        if wanted is not None and getattr(ex, "name", None) not in wanted:
            continue
        try:
            found = ex.extract(doc)
        except Exception:  # one extractor's bug must not lose the article for the others
            log.exception("extractor %s failed on article %r", getattr(ex, "name", ex), doc.article_id)
            continue
        events.extend(_complete(e, doc) for e in found)
    return events


def extract_records(records: Iterable[dict[str, Any]], types: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Article records (contract dicts) -> event mentions (contract dicts), streamed one article at a time.

    ``types``: only these event types (default all of :data:`opslens.schema.EVENT_TYPES`).
    """
    wanted = _check_types(types)
    for rec in records:
        yield from extract_document(build_document(rec), wanted)


def _progress(it: Iterable[Any], total: int | None, desc: str) -> Iterable[Any]:
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover
        return it
    return tqdm(it, total=total, desc=desc, unit="article", disable=None if not os.environ.get("TQDM_DISABLE") else True)


def extract_events(articles: Any, types: Iterable[str] | None = None) -> Any:
    """Article DataFrame (``id``, ``title``, ``text``, ``published``, optional ``url``/``source``)
    -> new event DataFrame, one row per event mention.

    Columns: those of :func:`opslens.schema.events_frame` (every contract field; flat
    ``<q>_value``/``_lower``/``_upper``/``_qualifier`` for launched, destroyed, count, killed,
    injured; ``value_amount``, ``value_currency``; ``evidence_text``, ``evidence_start``,
    ``evidence_end``) plus ``url``, ``source``, ``published`` of the article. The input is not
    modified. ``types`` limits the event types extracted (default all).
    """
    from ..schema import events_frame

    wanted = _check_types(types)

    cols = [c for c in ("id", "url", "title", "published", "published_raw", "source", "text") if c in articles.columns]
    recs: list[dict[str, Any]] = []
    rows = articles[cols].itertuples(index=False, name=None)
    for row in _progress(rows, len(articles), "extract"):
        rec = dict(zip(cols, row))
        meta = {"url": _str_or_none(rec.get("url")), "source": _str_or_none(rec.get("source")),
                "published": _iso(rec.get("published"))}
        for ev in extract_document(build_document(rec), wanted):
            ev.update(meta)
            recs.append(ev)
    df = events_frame(recs)
    for c in ("url", "source", "published"):
        if c not in df.columns:
            df[c] = None
        df[c] = df[c].astype("string")
    return df


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    if hasattr(v, "isoformat"):
        try:
            if v != v:
                return None
        except (TypeError, ValueError):
            pass
        return v.isoformat()
    return _str_or_none(v)


# --- cached events per article store ------------------------------------------------------------

#: the files in ``opslens/data`` the extractors read (tests/test_extract_pipeline.py checks the list)
KNOWLEDGE_FILES = ("gazetteer.csv", "weapons.csv", "place_stopwords.txt", "actors.csv", "items.csv", "currencies.csv",
                   "aid_cues.csv", "not_items.txt")


def _data_fingerprint() -> str:
    """Hash of the knowledge files, so editing a lexicon also refreshes cached events."""
    from importlib import resources

    h = hashlib.sha256(EXTRACTOR_VERSION.encode())
    data = resources.files("opslens.data")
    for name in KNOWLEDGE_FILES:
        f = data.joinpath(name)
        if f.is_file():
            h.update(name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def load_events(start: Any = None, end: Any = None, sources: Any = None, query: str | None = None, *,
                data_dir: Any = None, refresh: bool = False) -> Any:
    """Event mentions of the stored articles (filters as :func:`opslens.articles.load_articles`).

    Events are computed once per article and cached in ``settings.events_dir`` as Parquet
    (``events-<version>.parquet`` plus the ids of the articles already processed), keyed by
    :data:`EXTRACTOR_VERSION` and a hash of the knowledge files: a new version starts a new
    cache; articles added to the store since the last call are extracted and appended.
    ``refresh=True`` recomputes everything. Returns the event DataFrame of
    :func:`extract_events` for the articles matching the filters.
    """
    import pandas as pd

    from ..articles import load_articles
    from ..errors import StoreError
    from ..schema import event_records, events_frame
    from ..settings import get_settings
    from ..store import atomic_write_bytes

    settings = get_settings(data_dir)
    key = f"{EXTRACTOR_VERSION}-{_data_fingerprint()}"
    cache_dir = settings.events_dir
    ev_path = cache_dir / f"events-{key}.parquet"
    ids_path = cache_dir / f"articles-{key}.json"

    cols = ["id", "url", "title", "published", "source", "text", "published_raw"]
    all_ids = set(load_articles(columns=["id"], data_dir=settings.data_dir)["id"].astype(str))
    done: set[str] = set()
    cached = None
    if not refresh and ev_path.is_file() and ids_path.is_file():
        try:
            done = set(json.loads(ids_path.read_text(encoding="utf-8")))
            cached = pd.read_parquet(ev_path)
        except Exception as e:  # a broken cache is recomputed, not fatal
            log.warning("%s: unreadable event cache (%s); recomputing", ev_path, e)
            done, cached = set(), None
    if all_ids - done or cached is None:
        # only articles not yet processed are read with their text
        everything = load_articles(columns=cols, data_dir=settings.data_dir)
        todo = everything[~everything["id"].astype(str).isin(done)] if done else everything
        new = extract_events(todo)
        new_json = pd.DataFrame({"record": [json.dumps(r, ensure_ascii=False, default=str) for r in event_records(new)],
                                 "article_id": new["article_id"].astype("string")})
        if cached is not None and len(cached):
            new_json = pd.concat([cached, new_json], ignore_index=True)
        done |= set(todo["id"].astype(str))
        try:
            buf = io.BytesIO()
            new_json.to_parquet(buf, index=False)
            atomic_write_bytes(ev_path, buf.getvalue())
            atomic_write_bytes(ids_path, json.dumps(sorted(done)).encode("utf-8"))
            for old in cache_dir.glob("events-*.parquet"):
                if old != ev_path:
                    old.unlink(missing_ok=True)
            for old in cache_dir.glob("articles-*.json"):
                if old != ids_path:
                    old.unlink(missing_ok=True)
        except OSError as e:
            raise StoreError(f"{cache_dir}: cannot write the event cache ({e}); check permissions or free space") from e
        cached = new_json
    wanted = all_ids  # latest versions only
    if any(v is not None for v in (start, end, sources, query)):
        wanted &= set(load_articles(start, end, sources, query, columns=["id"], data_dir=settings.data_dir)["id"].astype(str))
    cached = cached[cached["article_id"].isin(wanted)]
    return events_frame(json.loads(r) for r in cached["record"])

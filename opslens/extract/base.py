"""The extractor interface: one extractor per event type, same signature, found through a registry.

An extractor is a class with a ``name`` and ``extract(doc) -> list[dict]`` returning
event mentions in the contract (``opslens.schema.empty_event`` gives a blank one).
Register it with ``@register``; ``opslens.extract.extract_events`` runs every registered
extractor over every article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, NamedTuple, Protocol


class Sentence(NamedTuple):
    """A sentence of ``Document.text``: ``text == doc.text[start:end]`` (a named tuple: cheap to make)."""

    text: str
    start: int
    end: int


@dataclass
class Document:
    """One article as extractors see it.

    ``published`` is tz-aware (or None); ``sentences`` cover ``text`` (split on first use, so an
    article no extractor looks into is never split; assign a list to set them); the title is kept
    apart (evidence offsets always point into ``text``; a title-only event uses
    ``{"text": title, "in": "title"}`` as evidence).
    """

    article_id: str
    text: str
    title: str | None = None
    published: datetime | None = None
    source: str | None = None
    url: str | None = None
    #: scratch space for shared components (e.g. cached gazetteer hits), per document
    cache: dict[str, Any] = field(default_factory=dict)
    _sentences: list[Sentence] | None = field(default=None, repr=False, compare=False)

    @property
    def sentences(self) -> list[Sentence]:
        """The sentences of ``text`` (:func:`opslens.extract.split_sentences`), split once, when first asked for."""
        if self._sentences is None:
            from . import split_sentences

            self._sentences = split_sentences(self.text or "")
        return self._sentences

    @sentences.setter
    def sentences(self, value: list[Sentence]) -> None:
        self._sentences = list(value)


class Extractor(Protocol):
    name: str

    def extract(self, doc: Document) -> list[dict[str, Any]]: ...


EXTRACTORS: dict[str, type] = {}


def register(cls: type) -> type:
    """Class decorator: add an extractor to the registry under ``cls.name``."""
    name = getattr(cls, "name", None)
    if not name:
        raise TypeError(f"{cls.__name__} needs a class attribute 'name'")
    EXTRACTORS[name] = cls
    return cls


def registered() -> dict[str, Callable[[], Extractor]]:
    return dict(EXTRACTORS)


# --- fast regexes ---------------------------------------------------------------------------------

def first_char_gate(pattern: "re.Pattern[str]") -> "re.Pattern[str]":
    """The same regex, with a one-character look-ahead in front: the characters a match can start with.

    Extractor patterns are long alternations of words (``\\b(?:shot|downed|destroyed|...)``); the
    regex engine tries every alternative at every word start. The look-ahead, computed from the
    parsed pattern, rejects most positions with one character test, so ``search``/``finditer``/
    ``match`` are 1.5-3x faster and find exactly the same matches (same flags, the look-ahead is
    implied by the pattern). Patterns whose start cannot be bounded (``.``, ``\\w``, negated
    classes, a pattern that can match the empty string) are returned unchanged.
    """
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]

    cats = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_SPACE: r"\s"}

    def seq(items: Any) -> tuple[set[str] | None, bool]:
        out: set[str] = set()
        for op, av in items:
            f, nullable = one(op, av)
            if f is None:
                return None, False
            out |= f
            if not nullable:
                return out, False
        return out, True

    def one(op: Any, av: Any) -> tuple[set[str] | None, bool]:
        if op is C.LITERAL:
            return {re.escape(chr(av))}, False
        if op is C.IN:
            s: set[str] = set()
            for o, a in av:
                if o is C.LITERAL:
                    s.add(re.escape(chr(a)))
                elif o is C.RANGE:
                    s.add(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
                elif o is C.CATEGORY and a in cats:
                    s.add(cats[a])
                else:  # negated sets, \w, ...: unbounded
                    return None, False
            return s, False
        if op is C.BRANCH:
            s, nullable = set(), False
            for alt in av[1]:
                f, n = seq(alt)
                if f is None:
                    return None, False
                s |= f
                nullable = nullable or n
            return s, nullable
        if op is C.SUBPATTERN:
            return seq(av[-1])
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            f, n = seq(av[2])
            return (None, False) if f is None else (f, av[0] == 0 or n)
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):  # zero-width: the next item consumes the first character
            return set(), True
        return None, False

    try:
        first, nullable = seq(P.parse(pattern.pattern, pattern.flags))
    except Exception:  # pragma: no cover - a private parser API changed: keep the plain pattern
        return pattern
    if first is None or nullable or not first:
        return pattern
    try:
        return re.compile(f"(?=[{''.join(sorted(first))}])(?:{pattern.pattern})", pattern.flags)
    except re.error:  # e.g. inline global flags, which must open the pattern
        return pattern


def gate_patterns(namespace: dict[str, Any]) -> None:
    """Replace every compiled regex in a module namespace by its :func:`first_char_gate` version
    (call at the end of an extractor module: ``gate_patterns(globals())``)."""
    for name, value in list(namespace.items()):
        if isinstance(value, re.Pattern) and not value.pattern.startswith("(?=["):
            namespace[name] = first_char_gate(value)


# --- per-document memos ---------------------------------------------------------------------------

_DOC_MEMOS: list[Any] = []


def doc_memo(maxsize: int = 1024) -> Callable[[Callable[..., Any]], Any]:
    """Decorator: memoise a pure function of a sentence (``functools.lru_cache``) for the
    document being processed. Extractors look up the same sentence or window more than once
    (items, aid, procurement and attacks all ask for its quantities); the pipeline empties every
    such memo when it starts a new document (:func:`clear_doc_memos`), so a memo never carries a
    result from one article to the next and its memory stays that of one article."""
    from functools import lru_cache

    def wrap(fn: Callable[..., Any]) -> Any:
        memo = lru_cache(maxsize=maxsize)(fn)
        _DOC_MEMOS.append(memo)
        return memo

    return wrap


def clear_doc_memos() -> None:
    """Empty every :func:`doc_memo` (called by the pipeline before each document)."""
    for memo in _DOC_MEMOS:
        memo.cache_clear()


# --- cheap word tests before costly patterns -------------------------------------------------------

#: the only non-ASCII characters a case-insensitive ``re`` pattern lets stand for an ASCII letter
#: (İ ı ſ K: Python 3.11's case folding; tests/test_extract_pipeline.py checks the list)
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def words_testable(text: str) -> bool:
    """True when ``word in text.lower()`` is a safe pre-test for a case-insensitive pattern that
    must match ``word`` (ASCII letters): every letter such a match can use lower-cases to itself.
    Text with curly quotes or Cyrillic passes; only the four characters that case-fold to ASCII
    letters (İ, ı, ſ, Kelvin K) do not."""
    return text.isascii() or _FOLDS_TO_ASCII.search(text) is None


def testable_lower(text: str) -> str | None:
    """``text.lower()`` for word pre-tests and the patterns' lower-case twins (:func:`lower_twin`),
    None when lower() could hide a case-insensitive match (see :func:`words_testable`)."""
    return text.lower() if words_testable(text) else None


_LATIN1_LOWER = "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþ"


def lower_twin(pattern: "re.Pattern[str]") -> "re.Pattern[str]":
    """The case-sensitive twin of a case-insensitive pattern written in lower case, for lower-cased
    text: ``lower_twin(p).search(text.lower())`` finds what ``p.search(text)`` finds, at the same
    offsets, whenever :func:`words_testable` (text) holds (then every character lower-cases to one
    character, and a letter the pattern matches case-insensitively is exactly one that lower-cases to
    the pattern's letter). ``re`` runs a case-insensitive alternation of words several times slower
    than a case-sensitive one (it cannot skip an alternative on its first character), so a sentence
    tested against several patterns is lower-cased once and searched with the twins.

    Raises ValueError for a pattern that is not case-insensitive, or holds an upper-case letter or
    a non-ASCII one other than the Latin-1 lower-case letters (each matches exactly itself and its
    capital either way) outside an escape (``\\b``, ``\\W``, ``\\S`` and ``(?P<name>`` are fine)."""
    src = pattern.pattern
    if not pattern.flags & re.IGNORECASE or re.compile(src).flags & re.IGNORECASE or any(
            c != c.lower() or (c.isalpha() and not c.isascii() and c not in _LATIN1_LOWER)
            for c in re.sub(r"\\.|\(\?P", "", src)):
        raise ValueError(f"not a lower-case, case-insensitive pattern: {src[:60]!r}")
    twin = re.compile(src, pattern.flags & ~re.IGNORECASE)
    return twin if src.startswith("(?=[") else first_char_gate(twin)


# --- one trigger scan per document ------------------------------------------------------------------

#: trigger words of every extractor, by group name: a function giving the words (called once, lazily)
_TRIGGERS: dict[str, Callable[[], Any]] = {}
_AUTOMATON: list[Any] = []  # [automaton or None, the groups it was built from] once built


def register_triggers(group: str, words: Callable[[], Any]) -> None:
    """Add a group of trigger words to the one Aho-Corasick scan :func:`trigger_hits` makes per
    document. ``words()`` (called once, on the first scan, so lexicons load lazily) gives the
    words; they are matched lower-cased, as substrings (word boundaries are the caller's check)."""
    _TRIGGERS[group] = words
    _AUTOMATON.clear()


def _automaton() -> tuple[Any, frozenset[str]]:
    if not _AUTOMATON:
        import ahocorasick

        table: dict[str, list[str]] = {}
        for group, fn in _TRIGGERS.items():
            for w in {w.lower() for w in fn() if w}:
                table.setdefault(w, []).append(group)
        auto = ahocorasick.Automaton()
        for w, groups in table.items():
            # a word that starts with a letter or digit only counts at the start of a word (every
            # consumer checks that; "aid" inside "said" is dropped here, in one place)
            auto.add_word(w, (w, tuple(groups), len(w) if w[0].isalnum() else 0))
        if table:
            auto.make_automaton()
        _AUTOMATON[:] = [auto if table else None, frozenset(_TRIGGERS)]
    return _AUTOMATON[0], _AUTOMATON[1]


def trigger_hits(doc: "Document") -> dict[str, list[tuple[int, str]]]:
    """Every registered trigger word in ``doc.text`` at the start of a word (one pass over the
    lower-cased text, made once per document and kept in ``doc.cache``; a word starting with a
    letter or digit is not reported inside another word, e.g. "aid" in "said"; a word starting
    with a symbol such as "$" is reported anywhere): group -> ``[(end, word), ...]`` in text order,
    ``end`` the offset of the word's last character in ``doc.cache["lower"]`` (the lower-cased
    text). A group without hits is absent, so ``"weapons" not in trigger_hits(doc)`` skips a
    document cheaply."""
    cache = doc.cache
    hits = cache.get("trigger_hits")
    auto, groups = _automaton()
    if hits is None or cache.get("trigger_groups") is not groups:
        hits = {}
        low = cache.get("lower")
        if low is None:
            low = cache["lower"] = doc.text.lower()
        if auto is not None and low:
            for end, (word, gs, back) in auto.iter(low):
                if back and end >= back and low[end - back].isalnum():
                    continue  # inside a word
                for g in gs:
                    lst = hits.get(g)
                    if lst is None:
                        hits[g] = [(end, word)]
                    else:
                        lst.append((end, word))
        cache["trigger_hits"] = hits
        cache["trigger_groups"] = groups
    return hits

"""Quantities in news text -> the contract quantity object.

``parse_quantity("more than 60")`` -> ``{"value": 61, "lower": 61, "upper": None, "qualifier": "at_least"}``.

Understood: digits (``8``), digit groups (``1,200``, ``1 200``), decimals with a scale word
(``1.2 thousand``, ``2.5 million``), number words (``eight``, ``twenty-one``, ``one hundred and
five``, ``a dozen``), vague amounts (``dozens`` -> approx 24, ``hundreds`` -> approx 200,
``thousands`` -> approx 2000), ranges (``10-12``, ``10 to 12``, ``between 10 and 12``) and hedges
before a number:

=====================================================  ===========  =========================
phrase                                                 qualifier    value / lower / upper
=====================================================  ===========  =========================
more than N, over N, upwards of N                      at_least     N+1 / N+1 / None
at least N, no fewer than N, N or more, N+             at_least     N / N / None
up to N, at most N, no more than N, as many as N       at_most      N / None / N
fewer than N, less than N, under N                     at_most      N-1 / None / N-1
about, around, nearly, almost, approximately, some N   approx       N / None / None
dozens / hundreds / thousands (of)                     approx       24/200/2000, lower same
N-M, N to M, between N and M                           range        None / N / M
=====================================================  ===========  =========================

Years (``2022``) and clock times (``12:10``) are not quantities. The module is pure stdlib and
compiles its patterns on first use.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from .base import doc_memo, first_char_gate, lower_twin, words_testable

__all__ = ["QuantityMatch", "parse_quantity", "find_quantities", "word_to_int"]

_UNITS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "k": 1_000, "mln": 1_000_000, "m": 1_000_000, "bn": 1_000_000_000}
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "tens": 20}
#: words that count on their own (not "a"/"an"/"no", which only count before a scale word or noun)
_CARDINALS = [w for w in _UNITS if w not in ("a", "an", "no", "single")] + list(_TENS)

_AT_LEAST_PLUS = r"more\s+than|over|upwards\s+of|in\s+excess\s+of"
_AT_LEAST = r"at\s+least|no\s+(?:fewer|less)\s+than|not\s+less\s+than|a\s+minimum\s+of|minimum\s+of"
_AT_MOST = r"up\s+to|at\s+most|no\s+more\s+than|not\s+more\s+than|as\s+many\s+as|a\s+maximum\s+of|maximum\s+of"
_AT_MOST_MINUS = r"fewer\s+than|less\s+than|under"
_APPROX = (r"about|around|nearly|almost|approximately|approx\.|roughly|some|circa|close\s+to|"
           r"an\s+estimated|estimated|up\s+to\s+about|more\s+or\s+less")


class QuantityMatch(NamedTuple):
    """A quantity found in text: ``text[start:end]`` is the phrase (hedge included)."""

    start: int
    end: int
    quantity: dict[str, Any]


def _q(value: int | None, lower: int | None, upper: int | None, qualifier: str) -> dict[str, Any]:
    return {"value": value, "lower": lower, "upper": upper, "qualifier": qualifier}


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # the number words as a character trie: one branch per first letter instead of ~40 alternatives
    # tried in turn. It finds the same matches as the longest-first alternation it replaces: the words
    # that fit at one position are prefixes of each other, and both forms try them longest first
    word = _trie_regex(list(_UNITS) + list(_TENS) + ["hundred", "thousand", "million", "billion"])
    # a run of number words: "twenty-one", "one hundred and five", "a dozen" handled separately
    words = rf"(?:{word})(?:(?:\s+and\s+|[\s-]+)(?:{word}))*"
    digits = r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?![\d,.])|\d+(?:\.\d+)?"
    scale = r"(?:\s*(?:thousand|million|billion|mln|bn|k)\b)?"
    number = rf"(?:(?:{digits}){scale}|a\s+dozen|half\s+a\s+dozen|{words})"
    vague = r"(?:dozens|hundreds|thousands|scores|tens)(?:\s+of\s+thousands)?"
    hedge = rf"(?:{_AT_LEAST_PLUS}|{_AT_LEAST}|{_AT_MOST}|{_AT_MOST_MINUS}|{_APPROX})"
    full = (
        rf"(?<![\w.,:/-])(?:(?P<hedge>{hedge})\s+)?"
        rf"(?:between\s+(?P<b1>{number})\s+and\s+(?P<b2>{number})"
        rf"|(?P<r1>{number})\s*(?:-|–|—|to)\s*(?P<r2>{number})(?![\w:])"
        rf"|(?P<num>{number})(?P<plus>\+|\s+or\s+more)?"
        rf"|(?P<vague>{vague}))(?![\w:/]|[.,]\d)"
    )
    return first_char_gate(re.compile(full, re.IGNORECASE)), re.compile(rf"^(?:{number})$", re.IGNORECASE)


def _trie_regex(words: list[str]) -> str:
    """An alternation of ``words`` as a character trie (one branch per first letter: fast to scan)."""
    trie: dict[str, Any] = {}
    for w in words:
        d = trie
        for ch in w:
            d = d.setdefault(ch, {})
        d[""] = {}

    def emit(d: dict[str, Any]) -> str:
        alts = [re.escape(k) + emit(v) for k, v in sorted(d.items()) if k]
        if not alts:
            return ""
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in d else body

    return emit(trie)


@lru_cache(maxsize=1)
def _starts() -> re.Pattern[str]:
    """Where a quantity phrase can begin: a digit or the first word of a hedge, range or number word
    at a word start (the same left boundary as the full pattern). The full pattern is only tried there."""
    first = set(_UNITS) | set(_TENS) | set(_VAGUE) | {"hundred", "thousand", "million", "billion", "half", "between"}
    for h in (_AT_LEAST_PLUS, _AT_LEAST, _AT_MOST, _AT_MOST_MINUS, _APPROX):
        first.update(re.match(r"[a-z]+", alt).group(0) for alt in h.split("|"))  # type: ignore[union-attr]
    return first_char_gate(re.compile(rf"(?<![\w.,:/-])(?:\d|{_trie_regex(sorted(first))}\b)", re.IGNORECASE))


@lru_cache(maxsize=1)
def _twins() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The quantity pattern and :func:`_starts` as lower-case twins (:func:`base.lower_twin`)."""
    return lower_twin(_patterns()[0]), lower_twin(_starts())


#: the number words of :func:`_gate` (a text without a digit and without any of these holds no count)
_GATE_WORDS = tuple(sorted(set(_CARDINALS) | set(_VAGUE) | {"dozen", "hundred", "thousand", "million"}, key=len, reverse=True))


@lru_cache(maxsize=1)
def _gate() -> re.Pattern[str]:
    """Cheap test for 'could hold a number' (a digit or a number word) before the full pattern."""
    return first_char_gate(re.compile(rf"\d|\b(?:{'|'.join(_GATE_WORDS)})", re.IGNORECASE))


_DIGIT = re.compile(r"\d")


def _passes_gate(text: str) -> bool:
    """``_gate().search(text) is not None``, cheaper: a digit search, then a substring test of the
    number words on the lower-cased text before the word-start regex (text whose letters case-fold
    beyond ASCII goes straight to the regex)."""
    if _DIGIT.search(text) is not None:
        return True
    if words_testable(text) and not any(map(text.lower().__contains__, _GATE_WORDS)):
        return False
    return _gate().search(text) is not None


_DIGITS_SCALE = re.compile(r"(\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+(?:\.\d+)?)\s*(thousand|million|billion|mln|bn|k)?")
_WORD_SPLIT = re.compile(r"[\s-]+")
_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"(19|20)\d\d")
_YEAR_RANGE = re.compile(r"\d{4}\s*[-–]\s*\d{2,4}")
_CALIBRE = re.compile(r"[-\s]?(?:mm|millimet(?:re|er)s?|cal(?:ibre|iber)?)\b", re.IGNORECASE)


def word_to_int(text: str) -> int | None:
    """A number phrase -> int: ``"twenty-one"`` -> 21, ``"1,200"`` -> 1200, ``"1.2 thousand"`` -> 1200.

    Returns None for anything that is not a whole number phrase.
    """
    return _word_to_int(text)


@lru_cache(maxsize=2048)
def _word_to_int(text: str) -> int | None:
    t = text.strip().lower().replace("\u00a0", " ").replace("\u202f", " ")
    if not t:
        return None
    if t == "a dozen":
        return 12
    if t == "half a dozen":
        return 6
    m = _DIGITS_SCALE.fullmatch(t)
    if m:
        num = float(m.group(1).replace(",", "").replace(" ", ""))
        if m.group(2):
            num *= _SCALES[m.group(2)]
        elif "." in m.group(1):
            return None  # a bare decimal is not a count
        return int(round(num))
    total, current, seen = 0, 0, False
    for tok in _WORD_SPLIT.split(t):
        if tok == "and":
            continue
        if tok in _UNITS:
            current += _UNITS[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok == "hundred":
            current = max(current, 1) * 100
        elif tok in ("thousand", "million", "billion"):
            total += max(current, 1) * _SCALES[tok]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _build(m: re.Match[str]) -> dict[str, Any] | None:
    raw_hedge, vague, b1, b2, r1, r2, num, plus = m.group("hedge", "vague", "b1", "b2", "r1", "r2", "num", "plus")
    hedge = (raw_hedge or "").lower()
    hedge = _SPACES.sub(" ", hedge) if hedge else hedge
    if vague:
        v = vague.lower()
        base = _VAGUE[v.split()[0]]
        if "of thousands" in v:
            base *= 1000
        return _q(base, base, None, "approx")
    if b1 or r1:
        a = word_to_int(b1 or r1)
        b = word_to_int(b2 or r2)
        if a is None or b is None:
            return None
        if r1 and b <= a:
            whole = word_to_int(m.group(0).replace(raw_hedge or "", "", 1))
            if whole is None:  # "2022-23"-like things
                return None
            return _build_plain(whole, hedge)
        return _q(None, a, b, "range")
    n = word_to_int(num)
    if n is None:
        return None
    if plus:
        return _q(n, n, None, "at_least")
    return _build_plain(n, hedge)


_HEDGE_KIND = [(re.compile(_AT_LEAST_PLUS), "at_least+"), (re.compile(_AT_LEAST), "at_least"),
               (re.compile(_AT_MOST), "at_most"), (re.compile(_AT_MOST_MINUS), "at_most-")]


@lru_cache(maxsize=256)
def _hedge_kind(hedge: str) -> str:
    """The kind of a (lower-cased, single-spaced) hedge phrase; "approx" when none matches."""
    for rx, kind in _HEDGE_KIND:
        if rx.fullmatch(hedge):
            return kind
    return "approx"


def _build_plain(n: int, hedge: str) -> dict[str, Any]:
    if not hedge:
        return _q(n, n, n, "exact")
    kind = _hedge_kind(hedge)
    if kind == "at_least+":
        return _q(n + 1, n + 1, None, "at_least")
    if kind == "at_least":
        return _q(n, n, None, "at_least")
    if kind == "at_most":
        return _q(n, None, n, "at_most")
    if kind == "at_most-":
        return _q(n - 1, None, n - 1, "at_most")
    return _q(n, None, None, "approx")


def _plausible(m: re.Match[str], text: str) -> bool:
    raw, num, hedge, r1 = m.group(0, "num", "hedge", "r1")
    if num is not None and not hedge:
        low = num.lower()
        if low in ("a", "an", "no"):
            return False
        # years and clock times are not counts
        if len(num) == 4 and _YEAR.fullmatch(num):
            return False
    if r1 and _YEAR_RANGE.fullmatch(raw.strip()):
        return False  # "2022-23"
    if _CALIBRE.match(text, m.end()):
        return False  # "155-mm shells", "122 mm rockets": a calibre, not a count
    return True


_BOTH = re.compile(r"(?<![\w-])both(?![\w-])", re.IGNORECASE)


def find_quantities(text: str, *, both: bool = False) -> list[QuantityMatch]:
    """Every quantity phrase in ``text``, left to right, with character offsets.

    With ``both=True`` the word "both" is the exact quantity 2 ("destroyed both drones"); callers
    that attach numbers to a noun ask for it (on its own, "both sides" is no count worth finding).
    Numbers inside model names ("Orlan-10", "Kh-101", "S-300", "Tu-95MS", "M777", "152mm") are
    never quantities: a number glued to a letter, hyphen or slash on either side is skipped.
    """
    if both and text and _BOTH.search(text):
        found = find_quantities(text)
        extra = [QuantityMatch(m.start(), m.end(), _q(2, 2, 2, "exact")) for m in _BOTH.finditer(text)]
        return sorted(found + [e for e in extra if not any(f.start <= e.start < f.end for f in found)])
    if not text:
        return []
    # memoised per text within a document (items, aid, procurement and attacks look at the same
    # sentences); every caller gets its own list and its own quantity dicts
    return [QuantityMatch(s, e, dict(q)) for s, e, q in _find_all(text)]


@doc_memo()
def _find_all(text: str) -> tuple[QuantityMatch, ...]:
    """The quantities of a text that passes :func:`_gate` (none otherwise), as shared tuples."""
    if not _passes_gate(text):  # inside the memo: a text asked for again skips the gate too
        return ()
    if words_testable(text):
        # the lower-case twins over the lower-cased text: the same matches at the same offsets,
        # several times faster (see base.lower_twin); a match's words are only read lower-cased
        s = text.lower()
        pat, starts = _twins()
    else:
        s = text
        pat, starts = _patterns()[0], _starts()
    match = pat.match
    out: list[QuantityMatch] = []
    last = 0
    # the same matches as ``pat.finditer(text)`` (leftmost, non-overlapping), but the pattern is
    # only tried where a quantity can start
    for c in starts.finditer(s):
        p = c.start()
        if p < last:
            continue
        m = match(s, p)
        if m is None:
            continue
        last = m.end()
        if not _plausible(m, text):
            continue
        q = _build(m)
        if q is not None:
            out.append(QuantityMatch(m.start(), m.end(), q))
    return tuple(out)


def parse_quantity(text: str) -> dict[str, Any] | None:
    """One quantity phrase (the whole string, hedge included) -> contract quantity, or None.

    >>> parse_quantity("more than 60")["value"]
    61
    >>> parse_quantity("eight")["qualifier"]
    'exact'
    """
    if not text or not text.strip():
        return None
    pat, _ = _patterns()
    t = text.strip()
    part = re.fullmatch(r"(.+?)\s+of\s+(?:the\s+|all\s+)?(.+)", t, re.IGNORECASE)
    if part and pat.fullmatch(part.group(1)) and pat.fullmatch(part.group(2)):
        t = part.group(1)  # "one of the two" -> the part, 1
    m = pat.fullmatch(t)
    if m is None:
        return None
    return _build(m)

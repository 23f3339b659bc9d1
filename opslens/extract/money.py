"""Money in news text -> the contract money object ``{"amount": number, "currency": "ISO"}``.

Understood: symbols and codes before or after the amount (``$92 million``, ``€300m``,
``EUR 9.2 million``, ``35 million AUD``, ``NZ$5 million``, ``A$8.7 million``, ``£2.4bn``,
``800000 EUR``, ``133,939 EUR``), currency words (``500 million euros``, ``400 million dollars``,
``5 million rubles``, ``SEK 3 billion``, ``3 billion Swedish kronor``), the scale after the code
(``4.96 EUR million``, as the Kiel tracker writes it), scale words and abbreviations (thousand,
million, mln, mn, m, billion, bn, b, trillion, tn), and "a/an/one (additional) billion dollars".
Two adjacent amounts in the same currency that spell one figure (``$ 2 billion $ 980 million``)
are added up. Amounts are kept in the stated currency (no conversion).

Currency aliases live in ``opslens/data/currencies.csv`` (``alias,code,dollar_sign``); a bare
dollar (``$``, "dollars") is reported as ``USD`` with ``MoneyMatch.bare_dollar`` set, so a caller
that knows the speaker is Canadian or Australian may read it as that country's dollar
(:func:`local_dollar`).

>>> parse_money("$92 Million")
{'amount': 92000000, 'currency': 'USD'}
>>> parse_money("4.96 EUR million")
{'amount': 4960000, 'currency': 'EUR'}
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from .base import gate_patterns, lower_twin, words_testable
from .items import has_digit

__all__ = ["MoneyMatch", "find_money", "parse_money", "local_dollar"]

_SCALES = {
    "thousand": 1_000, "k": 1_000, "million": 1_000_000, "millions": 1_000_000, "mln": 1_000_000,
    "mn": 1_000_000, "m": 1_000_000, "billion": 1_000_000_000, "billions": 1_000_000_000,
    "bn": 1_000_000_000, "bln": 1_000_000_000, "b": 1_000_000_000, "trillion": 1_000_000_000_000,
    "tn": 1_000_000_000_000,
}
_WORD_AMOUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "half a": 0.5}

#: dollar-using donors whose "$" means their own dollar
#: donors whose own dollar a bare "$" means in aid news (Taiwan reports its aid in US dollars; its
#: own dollar is written "NT$")
_LOCAL_DOLLARS = {"Canada": "CAD", "Australia": "AUD", "New Zealand": "NZD", "Singapore": "SGD"}


class MoneyMatch(NamedTuple):
    """A money phrase: ``text[start:end]``; ``bare_dollar`` when only "$"/"dollars" gave the currency."""

    start: int
    end: int
    money: dict[str, Any]
    bare_dollar: bool = False


#: crown-using donors whose bare "crowns" mean their own crown
_LOCAL_CROWNS = {"Sweden": "SEK", "Denmark": "DKK", "Norway": "NOK", "Iceland": "ISK", "Czech Republic": "CZK"}


def local_dollar(money: dict[str, Any], donor: str | None) -> dict[str, Any]:
    """``money`` with a bare dollar (or bare "crowns") read as ``donor``'s own currency
    (Canada -> CAD, Sweden -> SEK), else unchanged. Only call it for a ``bare_dollar`` match."""
    cur = money.get("currency")
    code = _LOCAL_DOLLARS.get(donor or "") if cur == "USD" else _LOCAL_CROWNS.get(donor or "") if cur == "CZK" else None
    if code:
        return {"amount": money["amount"], "currency": code}
    return money


@lru_cache(maxsize=1)
def _currencies() -> tuple[dict[str, tuple[str, bool]], dict[str, tuple[str, bool]]]:
    """(case-sensitive aliases, case-insensitive aliases) -> (code, bare dollar)."""
    cs: dict[str, tuple[str, bool]] = {}
    ci: dict[str, tuple[str, bool]] = {}
    with resources.files("opslens.data").joinpath("currencies.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            alias, code, bare = r["alias"].strip(), r["code"].strip(), r["dollar_sign"].strip() == "1"
            if not alias:
                continue
            if alias.isupper() or not alias[0].isalpha():
                cs[alias] = (code, bare)
            else:
                ci[alias.lower()] = (code, bare)
    return cs, ci


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    cs, ci = _currencies()
    symbols = [a for a in cs if not a[-1].isalpha()]          # $, €, £, NZ$, A$, ¥ ...
    codes = [a for a in cs if a[-1].isalpha()]               # USD, EUR, CHF ...
    words = list(ci)                                          # euros, dollars, Swiss francs ...
    amount = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}|\d{1,3}(?:\u00a0|\u202f| )\d{3}(?!\d)(?:(?:\u00a0|\u202f| )\d{3}(?!\d))*|\d+(?:[.,]\d+)?"
    scale = r"(?:trillion|billions?|millions?|thousand|bln|bn|mln|mn|tn|[mbk])(?![a-z])"
    sym = rf"(?:{_alt(symbols)})"
    code = rf"(?<![A-Za-z])(?-i:{_alt(codes)})(?![A-Za-z])"
    word = rf"(?<![A-Za-z])(?:{_alt(words)})(?![A-Za-z])"
    pre = rf"(?P<pre>{sym}|{code})"
    pat = (
        # "$92 million", "EUR 9.2 million", "NZ$5m", "USD 3 billion"
        rf"{pre}\s?(?P<a1>{amount})(?:\s?(?P<s1>{scale}))?(?!\d)"
        # "35 million AUD", "500 million euros", "4.96 EUR million", "800000 EUR", "5 million of rubles"
        rf"|(?<![\w.,])(?P<a2>{amount})(?:\s?(?P<s2>{scale}))?\s?(?:of\s+)?(?P<post>{code}|{word}|{sym})(?:\s(?P<s3>million|billion|thousand|mln|bn)\b)?"
        # "a billion dollars", "an additional billion dollars"
        rf"|\b(?P<w>a|an|one|two|three|four|five|six|seven|eight|nine|ten|half\s+a)\s+(?:(?:additional|extra|further|more)\s+)?"
        rf"(?P<s4>billion|million|trillion)\s+(?P<post2>{word}|{code})"
    )
    return re.compile(pat, re.IGNORECASE)


_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # "1,234,567(.89)"
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")  # "1.234.567"
_DOT_GROUP = re.compile(r"\d{1,3}\.\d{3}")  # "800.000"
_BLANKS = re.compile(r"\s+")


def _number(raw: str, has_scale: bool) -> float | None:
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if _COMMA_GROUPS.fullmatch(raw):
        raw = raw.replace(",", "")
    elif _DOT_GROUPS.fullmatch(raw):
        raw = raw.replace(".", "")
    elif " " in raw:
        raw = raw.replace(" ", "")
    elif "," in raw:  # "2,5 million" (decimal comma)
        raw = raw.replace(",", ".")
    elif _DOT_GROUP.fullmatch(raw) and not has_scale:
        raw = raw.replace(".", "")  # "800.000 EUR"
    try:
        return float(raw)
    except ValueError:
        return None


def _lookup(alias: str) -> tuple[str, bool] | None:
    cs, ci = _currencies()
    a = _BLANKS.sub(" ", alias)
    return cs.get(a) or ci.get(a.lower()) or cs.get(a.upper())


def _amount(n: float, scale: str | None) -> int | float:
    mult = _SCALES.get(scale.lower(), 1) if scale else 1
    v = n * mult
    return int(round(v)) if abs(v - round(v)) < 1e-6 or mult > 1 else v


@lru_cache(maxsize=1)
def _hint_automaton() -> Any:
    """Every currency alias (and the last word of each multi-word alias), lowercased: a figure is
    money only where one of them occurs, so most sentences are ruled out by one cheap scan."""
    import ahocorasick

    cs, ci = _currencies()
    auto = ahocorasick.Automaton()
    for alias in list(cs) + list(ci):
        for key in {alias.lower(), alias.lower().split()[-1]}:
            auto.add_word(key, key)
    auto.make_automaton()
    return auto


_DIGIT_RUN = re.compile(r"(?<!\d)\d")
#: the start of the "a/one (additional) billion dollars" form (:func:`_word_amount_starts`)
_WORD_AMOUNT_AT = re.compile(r"\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|half\s+a)\s+"
                             r"(?:(?:additional|extra|further|more)\s+)?(?:billion|million|trillion)\s", re.IGNORECASE)


def _word_amount_starts(text: str) -> list[int]:
    """Every position where :data:`_WORD_AMOUNT_AT` matches, overlapping ones too ("half a
    million": at "half" and at "a"). A search resumed one character after each start (the pattern
    has a first-character gate) instead of a look-ahead tried at every position."""
    out: list[int] = []
    search = _WORD_AMOUNT_AT.search
    if words_testable(text):  # its lower-case twin over the lower-cased text: the same starts, faster
        text, search = text.lower(), _WORD_AMOUNT_LOWER.search
    m = search(text)
    while m is not None:
        out.append(m.start())
        m = search(text, m.start() + 1)
    return out


@lru_cache(maxsize=1)
def _lead() -> int | None:
    """How far before its first digit a money phrase can start (the longest symbol or code and
    one space), or None when an alias could be longer than that (then the text is scanned whole)."""
    cs, _ = _currencies()
    if any(not a or any(c.isspace() for c in a) for a in cs):
        return None
    return max(len(a) for a in cs) + 1


@lru_cache(maxsize=1)
def _first_char() -> re.Pattern[str]:
    """A character a currency symbol or code can start with, in the pattern's own case folding
    (symbols in either case, codes as written)."""
    cs, _ = _currencies()
    symbols = "".join(sorted({re.escape(a[0]) for a in cs if not a[-1].isalpha()}))
    codes = "".join(sorted({re.escape(a[0]) for a in cs if a[-1].isalpha()}))
    return re.compile("|".join(x for x in (f"(?i:[{symbols}])" if symbols else "", f"[{codes}]" if codes else "") if x)
                      or "(?!)")


#: character -> can a currency symbol or code start with it (:func:`_first_char`, one test per
#: distinct character instead of one regex call per position)
_OPENS: dict[str, bool] = {}


def _opens_alias(c: str) -> bool:
    ok = _OPENS.get(c)
    if ok is None:
        ok = _OPENS[c] = _first_char().match(c) is not None
    return ok


def _finditer(text: str) -> Any:
    """``_pattern().finditer(text)``, trying the pattern only where a match can start: a figure
    starts at the first digit of a number, at most :func:`_lead` characters after its symbol or
    code, or at the number word of "a billion dollars". The same matches, far fewer attempts."""
    pat = _pattern()
    lead = _lead()
    if lead is None:
        yield from pat.finditer(text)
        return
    opens = _OPENS
    starts: set[int] = set()
    for d in _DIGIT_RUN.finditer(text):
        p = d.start()
        starts.add(p)
        for q in range(max(0, p - lead), p):
            ok = opens.get(text[q])
            if ok is None:
                ok = _opens_alias(text[q])
            if ok:
                starts.add(q)
    if "illion" in text or "ILLION" in text.upper():
        starts.update(_word_amount_starts(text))
    pos = 0
    for p in sorted(starts):
        if p < pos:
            continue
        m = pat.match(text, p)
        if m is not None:
            yield m
            pos = m.end()


def find_money(text: str) -> list[MoneyMatch]:
    """Every money phrase in ``text``, left to right, with character offsets."""
    if not text or (not has_digit(text) and "illion" not in text):
        return []
    if next(_hint_automaton().iter(text.lower()), None) is None:
        return []
    out: list[MoneyMatch] = []
    for m in _finditer(text):
        g = m.groupdict()
        if g["a1"] is not None:
            cur = _lookup(g["pre"])
            scale = g["s1"]
            n = _number(g["a1"], bool(scale))
        elif g["a2"] is not None:
            cur = _lookup(g["post"])
            scale = g["s2"] or g["s3"]
            n = _number(g["a2"], bool(scale))
        else:
            cur = _lookup(g["post2"])
            scale = g["s4"]
            n = float(_WORD_AMOUNTS.get(_BLANKS.sub(" ", g["w"].lower()), 1))
        if cur is None or n is None:
            continue
        code, bare = cur
        bare = bare or (g.get("post") or g.get("post2") or "").lower() in ("crowns", "crown")
        money = {"amount": _amount(n, scale), "currency": code}
        end = m.end()
        while end > m.start() and text[end - 1] == " ":
            end -= 1
        # "$ 2 billion $ 980 million" is one figure
        if out and out[-1].money["currency"] == code and out[-1].end >= m.start() - 2 \
                and not text[out[-1].end:m.start()].strip() and out[-1].money["amount"] > money["amount"] \
                and out[-1].money["amount"] % 1_000_000_000 == 0 and money["amount"] < 1_000_000_000 \
                and scale and scale.lower().startswith("m"):
            prev = out.pop()
            money = {"amount": prev.money["amount"] + money["amount"], "currency": code}
            out.append(MoneyMatch(prev.start, end, money, prev.bare_dollar and bare))
            continue
        out.append(MoneyMatch(m.start(), end, money, bare))
    return out


def parse_money(text: str) -> dict[str, Any] | None:
    """The first money phrase in ``text`` -> ``{"amount", "currency"}``, or None."""
    found = find_money(text or "")
    return found[0].money if found else None


gate_patterns(globals())  # same matches, fewer regex attempts (see base.first_char_gate)
_WORD_AMOUNT_LOWER = lower_twin(_WORD_AMOUNT_AT)  # (base.lower_twin)

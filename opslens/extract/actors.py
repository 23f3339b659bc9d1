"""Actors: countries, organisations, claimants and news outlets named in text.

Knowledge lives in ``opslens/data/actors.csv`` (columns ``alias,name,kind,case_sensitive``),
loaded once on first use. An alias maps to a canonical English name (contract section 4):
demonyms and institutions map to their country ("Pentagon", "White House", "USAID" ->
``United States``; "the Kremlin" -> ``Russia``; "Bundeswehr" -> ``Germany``), EU bodies to
``European Union``. ``kind`` is one of:

- ``country``       a state, named directly, by demonym, capital or institution
- ``organisation``  an international organisation or bank (EU, NATO, World Bank, EIB, ...)
- ``claimant``      who states military facts (``Ukrainian Air Force``, ``General Staff``,
                    regional/city military administrations, defence ministries)
- ``outlet``        a news outlet or agency: never a claimant (Reuters, AP, Ukrinform, TASS...)

Matching is whole-word, leftmost-longest, over one Aho-Corasick automaton (pyahocorasick) for
case-insensitive aliases and one for case-sensitive ones (acronyms such as ``US``, ``UK``, ``AP``
that collide with ordinary words).

Example:
    >>> [m.name for m in find_actors("The Pentagon said Germany will send tanks.")]
    ['United States', 'Germany']
    >>> find_claimant("the capital's military administration said, Reuters reported")
    'Kyiv City Military Administration'
"""
from __future__ import annotations

import csv
import logging
import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from .base import doc_memo, gate_patterns

__all__ = ["ActorMatch", "KINDS", "find_actors", "find_claimant", "canonical_actor", "claimant_country"]

log = logging.getLogger(__name__)

KINDS = ("country", "organisation", "claimant", "outlet")


class ActorMatch(NamedTuple):
    """One actor mention: ``text[start:end]`` is the alias found."""

    start: int
    end: int
    name: str
    kind: str


def _lower_same_length(text: str) -> str:
    """``text.lower()`` that keeps every offset (a few characters lower to two code points)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class _Lexicon:
    def __init__(self, rows: list[dict[str, str]]):
        import ahocorasick

        self.by_alias: dict[str, tuple[str, str]] = {}
        self.ci = ahocorasick.Automaton()
        self.cs = ahocorasick.Automaton()
        n_ci = n_cs = 0
        for r in rows:
            alias, name, kind = r["alias"].strip(), r["name"].strip(), r["kind"].strip()
            if not alias or kind not in KINDS:
                continue
            if r.get("case_sensitive", "0").strip() in ("1", "true", "yes"):
                self.cs.add_word(alias, (len(alias), name, kind))
                n_cs += 1
            else:
                self.ci.add_word(alias.lower(), (len(alias), name, kind))
                n_ci += 1
            self.by_alias.setdefault(alias.lower(), (name, kind))
        if n_ci:
            self.ci.make_automaton()
        if n_cs:
            self.cs.make_automaton()
        self._n = (n_ci, n_cs)

    def find(self, text: str) -> list[ActorMatch]:
        cands: list[tuple[int, int, str, str]] = []
        for automaton, hay, n in ((self.ci, _lower_same_length(text), self._n[0]), (self.cs, text, self._n[1])):
            if not n:
                continue
            for end_idx, (length, name, kind) in automaton.iter(hay):
                start, end = end_idx - length + 1, end_idx + 1
                if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-_"):
                    continue
                if _DOLLAR_AFTER.match(text, end, end + 9):
                    continue  # "US$50 million", "100 million US dollars"
                if end < len(text) and (text[end].isalnum() or (text[end] == "-" and end + 1 < len(text) and text[end + 1].isupper())):
                    continue
                cands.append((start, end, name, kind))
        # leftmost-longest, non-overlapping
        if len(cands) > 1:
            cands.sort(key=_leftmost_longest)
        out: list[ActorMatch] = []
        last_end = -1
        for s, e, name, kind in cands:
            if s >= last_end:
                out.append(ActorMatch(s, e, name, kind))
                last_end = e
        return out


#: "US$50 million", "100 million US dollars": a currency, not the country
_DOLLAR_AFTER = re.compile(r"\$|\s?dollars?\b")


def _leftmost_longest(c: tuple[int, int, str, str]) -> tuple[int, int]:
    return c[0], c[0] - c[1]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    with resources.files("opslens.data").joinpath("actors.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    log.debug("loaded %d actor aliases", len(rows))
    return _Lexicon(rows)


def find_actors(text: str, kinds: tuple[str, ...] | None = None) -> list[ActorMatch]:
    """Every actor mention in ``text``, in order (optionally only of the given ``kinds``)."""
    if not text:
        return []
    found = _find(text)
    return [m for m in found if m.kind in kinds] if kinds else list(found)


@doc_memo()
def _find(text: str) -> tuple[ActorMatch, ...]:
    """The actor mentions of ``text``, memoised per document (the attack extractors' claimant
    lookups and the aid rules read the same sentences; every caller gets its own list)."""
    return tuple(_lexicon().find(text))


def find_claimant(text: str) -> str | None:
    """The first claimant (not a news outlet) named in ``text``, or None."""
    for m in find_actors(text):
        if m.kind == "claimant":
            return m.name
    return None


def canonical_actor(name: str | None) -> str | None:
    """Canonical name of one alias (``"Pentagon"`` -> ``"United States"``), or None if unknown."""
    if not name:
        return None
    hit = _lexicon().by_alias.get(name.strip().lower())
    if hit:
        return hit[0]
    found = find_actors(name.strip())
    return found[0].name if len(found) == 1 and found[0].end - found[0].start == len(name.strip()) else None


@lru_cache(maxsize=256)
def claimant_country(name: str | None) -> str | None:
    """The country a claimant or institution belongs to, read off its canonical name
    (``"Ukrainian Ministry of Defence"`` -> ``Ukraine``, ``"UK Ministry of Defence"`` ->
    ``United Kingdom``, ``"Kyiv City Military Administration"`` -> ``Ukraine``); None when the
    name names no country (``"General Staff"``)."""
    if not name:
        return None
    words = re.findall(r"[\w'’-]+", name)
    lex = _lexicon()
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i:i + n])
            hit = lex.by_alias.get(phrase.lower()) or lex.by_alias.get(re.sub(r"['’]s$", "", phrase).lower())
            if hit and hit[1] == "country":
                return hit[0]
    return None


gate_patterns(globals())  # same matches, fewer regex attempts (see base.first_char_gate)
